#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_rotate.sh - the same deterministic workload recorded to one file and
# with rotation into several: every report agrees between the two, including
# a descriptor held open across file boundaries.
. "$(dirname "$0")/../lib.sh"
need_bpf record_rotate || exit 0
tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
W=$WORKLOADS/sr_work
N=20

mkdir "$tmp/one" "$tmp/rot"
# the same directory name for both runs, so paths agree
"$SYSREC" record -q -o "$tmp/one.trc" -- "$W" slow "$tmp/one" $N
expect_eq "record_rotate: single file run" "$?" 0
"$SYSREC" record -q -o "$tmp/rot/run.trc" --rotate-time 300ms -- "$W" slow "$tmp/one" $N
expect_eq "record_rotate: rotated run" "$?" 0
set -- "$tmp"/rot/run.*.trc
check "record_rotate: several files ($#)" test $# -ge 4
expect_eq "record_rotate: no unnumbered file" "$(ls "$tmp/rot" | grep -vc '^run\.[0-9]\{6\}\.trc$')" 0
rd=$(realpath "$tmp/one")

for rep in "--top-io --by file" "--syscalls" "--files"; do
	# shellcheck disable=SC2086
	"$SYSREC" analyze "$tmp/one.trc" $rep --format csv > "$tmp/a.csv" 2>/dev/null
	# shellcheck disable=SC2086
	"$SYSREC" analyze "$@" $rep --format csv > "$tmp/b.csv" 2>/dev/null
	case $rep in
	--syscalls) cols=1-3 ;;	# durations differ between two runs
	*) cols=1-5 ;;
	esac
	# only the workload's own files: the loader of /bin/sh etc. is not in a static binary
	a=$(grep "^\(syscall\|path\|$rd\|[a-z0-9_]*,\)" "$tmp/a.csv" | cut -d, -f$cols | sort)
	b=$(grep "^\(syscall\|path\|$rd\|[a-z0-9_]*,\)" "$tmp/b.csv" | cut -d, -f$cols | sort)
	expect_eq "record_rotate: $rep agrees" "$b" "$a"
done
"$SYSREC" analyze "$@" --top-io --by file --format csv > "$tmp/b.csv"
expect_eq "record_rotate: held descriptor across files" \
	"$(grep "^$rd/held.dat," "$tmp/b.csv" | cut -d, -f1-5)" "$rd/held.dat,0,0,$N,$((10 * N))"
expect_eq "record_rotate: slow.dat" \
	"$(grep "^$rd/slow.dat," "$tmp/b.csv" | cut -d, -f1-5)" "$rd/slow.dat,0,0,$N,$((1000 * N + N * (N - 1) / 2))"
for f in "$@"; do
	"$SYSREC" info "$f" > "$tmp/info.txt" 2>&1 || fail "record_rotate: info $(basename "$f")" "failed"
done
# losses while rotating: each file's END counts the lost records it holds
mkdir "$tmp/lost"
"$SYSREC" record -o "$tmp/lost/l.trc" --rotate-time 300ms --buffer-pages 1 -e write -- \
	"$W" loop 40000 "$tmp/lost" > /dev/null 2> "$tmp/lost.err"
total=0
for f in "$tmp"/lost/l.*.trc; do
	"$SYSREC" info --json "$f" > "$tmp/l.json"
	# lost and lost_per_cpu from the file's lost records, against its END
	read -r lost meta pcpu mpcpu late <<< "$(python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
m = v["metadata"]
rec = " ".join("%s:%d" % (c, v["lost_per_cpu"].get(str(c), 0)) for c in range(int(m["ncpus"])))
print(v["lost"], v["lost_meta"], rec.replace(" ", ","), m["lost_per_cpu"].replace(" ", ","), m["late"])' "$tmp/l.json")"
	expect_eq "record_rotate: $(basename "$f"): END lost is this file's" "$meta" "$lost"
	expect_eq "record_rotate: $(basename "$f"): END lost_per_cpu is this file's" "$mpcpu" "$pcpu"
	expect_eq "record_rotate: $(basename "$f"): no record late" "$late" 0
	total=$((total + lost))
done
expect_eq "record_rotate: the files' lost add up to the summary's" \
	"$total" "$(sed -n 's/.* events, \([0-9]*\) lost.*/\1/p' "$tmp/lost.err")"
# --keep
mkdir "$tmp/keep"
"$SYSREC" record -q -o "$tmp/keep/k.trc" --rotate-time 200ms --keep 2 -- "$W" slow "$tmp/one" 10
expect_eq "record_rotate: --keep 2 leaves two files" "$(ls "$tmp/keep" | wc -l)" 2
# --rotate-size: a file ends near SIZE, what is still queued for compression
# counted at the compression seen so far; below the size of a file's own
# start (header, snapshot) a file still takes SIZE/2 of records, so never
# one file per record
for sz in 100K:102400 4K:4096; do
	mkdir "$tmp/size${sz%%:*}"
	"$SYSREC" record -q -o "$tmp/size${sz%%:*}/s.trc" --rotate-size "${sz%%:*}" -e file -- \
		"$W" loop 30000 "$tmp/one"
	ls -l "$tmp/size${sz%%:*}" | awk 'NR > 1 { print $5 }' > "$tmp/sizes"
	n=$(wc -l < "$tmp/sizes")
	# all but the first (its compression unknown) and the last (cut short)
	big=$(sed '1d;$d' "$tmp/sizes" | sort -n | tail -1)
	case ${sz%%:*} in
	100K)
		check "record_rotate: --rotate-size 100K: $n files" test "$n" -ge 5
		check "record_rotate: --rotate-size 100K: none past 130 % of SIZE ($big)" \
			test "${big:-0}" -le $((${sz#*:} * 13 / 10))
		med=$(sed '1d;$d' "$tmp/sizes" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
		check "record_rotate: --rotate-size 100K: the median file within 20 % of SIZE ($med)" \
			test "$med" -ge $((${sz#*:} * 8 / 10)) -a "$med" -le $((${sz#*:} * 12 / 10)) ;;
	4K)
		ev=$((30000 * 7))	# the loop's file syscalls: two opens, two reads, a write, two closes
		check "record_rotate: --rotate-size 4K: not a file per record ($n files for ~$ev records)" \
			test "$n" -le $((ev / 50))
		check "record_rotate: --rotate-size 4K: none past 4x SIZE ($big)" test "${big:-0}" -le 16384 ;;
	esac
done
# --rotate-time with no event to start the next file: the time alone does
mkdir "$tmp/idle"
sleep 30 &
sp=$!
"$SYSREC" record -q -o "$tmp/idle/i.trc" -p "$sp" -e file --rotate-time 1s -d 3500ms
kill "$sp"
n=$(ls "$tmp/idle" | wc -l)
check "record_rotate: an idle 3.5 s with --rotate-time 1s gives 3 or 4 files ($n)" test "$n" -ge 3 -a "$n" -le 4
for f in "$tmp/idle"/*.trc; do
	[ "$f" = "$(ls "$tmp/idle"/*.trc | tail -1)" ] && break
	d=$("$SYSREC" info --json "$f" | python3 -c 'import json,sys; print(json.load(sys.stdin)["duration_ns"])')
	expect_eq "record_rotate: idle $(basename "$f") spans 1 s exactly" "$d" 1000000000
done
# --rotate-time shorter than a file's start takes: one rotation per poll,
# so the recorder keeps up and stops with the command
mkdir "$tmp/fast"
t0=$(date +%s%N)
"$SYSREC" record -q -o "$tmp/fast/f.trc" -e file --rotate-time 1ms -- sleep 3
t1=$(date +%s%N)
# about 3.4 s here; a recorder catching up on every 1 ms took 5.7 s
check "record_rotate: --rotate-time 1ms keeps up ($(( (t1 - t0) / 1000000 )) ms for a 3 s command)" \
	test $(( (t1 - t0) / 1000000 )) -lt 4500
for f in "$tmp/fast"/*.trc; do
	"$SYSREC" info --json "$f" | python3 -c 'import json, sys
d = json.load(sys.stdin)
assert d["integrity"]["complete"] and d["duration_ns"] > 0, d' ||
		{ fail "record_rotate: --rotate-time 1ms: $(basename "$f") complete, not empty in time" "see above"; break; }
done
t_done
