#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# arm64.sh - the analyzer cross-compiled for aarch64 (make arm64: static,
# NO_BPF) runs under qemu-user and prints what the x86-64 build prints, byte
# for byte: info and dump (text and JSON), every report of analyze (as
# `sysrec help analyze` lists them) in table, csv and json, and the page of
# sysrec report (its chart library from the cache of the full build), on traces from
# gentrace and mktrace, damaged ones of the fuzz corpus, and one recorded
# here when this build can record (root, BTF).  A trace keeps the x86-64
# syscall names it was recorded with on an aarch64 host.  Then the quick CLI
# tests (tests/cli) run with it as sysrec.  Its objects are in
# $OUTPUT-test-arm64, built once and reused by later runs.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
t_tmpdir

CROSS=aarch64-linux-gnu-
A=$OUTPUT-test-arm64
for c in "${CROSS}gcc" qemu-aarch64; do
	if ! command -v "$c" >/dev/null; then
		skip "arm64" "no $c (make deps installs gcc-aarch64-linux-gnu, qemu-user)"
		t_done
		exit
	fi
done
need_built "arm64" "$SYSREC" "$TOOLS/gentrace" "$TOOLS/mktrace"

env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make --no-print-directory -j2 CROSS_COMPILE=$CROSS \
	OUTPUT="$A" STATIC_BIN="$A/sysrec" static >"$tmp/build.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
	fail "arm64: build" "$(tail -5 "$tmp/build.log")"
	exit 1
fi
ok "arm64: build"
machine=$(readelf -h "$A/sysrec" | sed -n 's/^ *Machine: *//p')
expect_eq "arm64: an aarch64 binary" "$machine" "AArch64"
ARM=("qemu-aarch64" "$A/sysrec")
expect_eq "arm64: runs under qemu-user" "$("${ARM[@]}" --version 2>&1)" "$("$SYSREC" --version)"
# static, no libcurl: the ClickHouse sink says so
got=$("${ARM[@]}" export x.trc --clickhouse http://127.0.0.1:1/ 2>&1)
expect_eq "arm64: export --clickhouse: no ClickHouse support, exit 2" "$?:$got" \
	"2:sysrec: export: this build of sysrec has no ClickHouse support (built without libcurl: docs/BUILDING.md)"

# --- the traces ---
"$TOOLS/gentrace" -o "$tmp/gen.trc" -n 3000 --seed 3 >/dev/null
"$TOOLS/gentrace" -o "$tmp/loop.trc" -n 500 --loop >/dev/null
# syscall numbers whose x86-64 names differ from aarch64's: 0 is read there
# and io_setup here, 56 clone and openat, 257 openat and nothing
cat >"$tmp/names.spec" <<'EOF'
meta recording_id 0a4c6400
meta host x86host
meta machine x86_64
meta start_ns 1000000000
proc ts=1000000000 pid=7 comm=sh ppid=1 exe="/bin/sh" cwd="/" argv="sh\0"
syscall ts=1000001000 pid=7 comm=sh nr=0 ret=3 dur_ns=100
syscall ts=1000002000 pid=7 comm=sh nr=56 ret=8 dur_ns=200
open ts=1000003000 pid=7 comm=sh sys=openat ret=3 dur_ns=300 dirfd=-100 name="f" path="/tmp/f" dev=0x801 ino=9
rw ts=1000004000 pid=7 comm=sh sys=write fd=3 count=100 ret=100 dur_ns=400 dev=0x801 ino=9
exit ts=1000005000 pid=7 comm=sh exit_code=0
endmeta stop_ns 1000006000
EOF
"$TOOLS/mktrace" -o "$tmp/names.trc" "$tmp/names.spec"
traces="$tmp/gen.trc $tmp/loop.trc $tmp/names.trc"
for f in killed cut-chunk flip-payload; do
	traces="$traces tests/fuzz/corpus/$f.trc"
done
if can_record && [ "$(id -u)" -eq 0 ] && [ -r /sys/kernel/btf/vmlinux ] &&
   [ -x "$WORKLOADS/sr_work" ] && mkdir "$tmp/w" &&
   "$SYSREC" record -q -o "$tmp/rec.trc" -- "$WORKLOADS/sr_work" basic "$tmp/w" >/dev/null 2>&1; then
	traces="$traces $tmp/rec.trc"
else
	echo "# arm64: no recorded trace here (needs root, BTF and the full build)"
fi

# --- the commands: info, dump, every report in every format ---
# the reports from the usage text: --X, --X --by each, --X --interval
reports=("")
while read -r opt rest; do
	case $rest in
	"[--by "*)
		reports+=("$opt")
		for b in $(printf '%s\n' "$rest" | sed 's/^\[--by \([a-z|]*\)\].*/\1/' | tr '|' ' '); do
			reports+=("$opt --by $b")
		done ;;
	"[--interval "*) reports+=("$opt" "$opt --interval 0.01") ;;
	[A-Z]*) ;;	# an option with a value (--sql, --timeout): below
	*) reports+=("$opt") ;;
	esac
done < <("$SYSREC" help analyze | sed -n '/^Reports/,/^$/p' | grep -E '^  --')
[ "${#reports[@]}" -gt 5 ] || fail "arm64: reports from the usage" "only ${#reports[@]}: ${reports[*]}"

# every command's stdout, stderr and exit status, one file per binary
run_all() {
	local out=$1 tr=$2 fmt r
	shift 2
	{
		for a in "info" "info --json" "dump" "dump --json" "dump --pid 7 --type openat,write"; do
			# shellcheck disable=SC2086
			echo "## $a"; "$@" $a "$tr" 2>&1; echo "## rc=$?"
		done
		for fmt in table csv json; do
			for r in "${reports[@]}"; do
				echo "## analyze $r --format $fmt"
				# shellcheck disable=SC2086
				"$@" analyze "$tr" --no-progress --format $fmt $r 2>&1; echo "## rc=$?"
			done
			echo "## analyze --sql --format $fmt"
			"$@" analyze "$tr" --no-progress --format $fmt \
				--sql 'SELECT type, count(*) FROM events GROUP BY type ORDER BY type' 2>&1
			echo "## rc=$?"
		done
		echo "## analyze filters"
		"$@" analyze "$tr" --no-progress --top-io --since 0.001 --limit 3 2>&1; echo "## rc=$?"
		"$@" analyze "$tr" --no-progress --syscalls --pid 1,2,3,7 2>&1; echo "## rc=$?"
	} >"$out"
}

for tr in $traces; do
	n=$(basename "$tr" .trc)
	run_all "$tmp/$n.x86" "$tr" "$SYSREC"
	run_all "$tmp/$n.arm" "$tr" "${ARM[@]}"
	if cmp -s "$tmp/$n.x86" "$tmp/$n.arm"; then
		ok "arm64: $n.trc: $(grep -c '^## rc=' "$tmp/$n.x86") commands print the same"
	else
		# the first difference, the aarch64 side's lines first
		fail "arm64: $n.trc: outputs differ" \
			"$(diff "$tmp/$n.x86" "$tmp/$n.arm" | awk '/^[0-9]/ && n++ { exit } { print }' |
			   sort -r -s -k1,1 | head -12 | tr '\n' '|')"
	fi
done

# sysrec report: the same page, byte for byte (the data is the reports' JSON)
"$SYSREC" report --no-progress -o "$tmp/gen.x86.html" "$tmp/gen.trc" 2>&1
"${ARM[@]}" report --no-progress -o "$tmp/gen.arm.html" "$tmp/gen.trc" 2>&1
check "arm64: report writes the page the x86-64 build writes" cmp -s "$tmp/gen.x86.html" "$tmp/gen.arm.html"

# the names come from the trace's table: x86-64's, whatever the host
names=$("${ARM[@]}" dump --json "$tmp/names.trc" | sed -n 's/.*"syscall":"\([a-z0-9_]*\)".*/\1/p' | tr '\n' ' ')
expect_eq "arm64: x86-64 syscall names on aarch64" "$names" "read clone openat write "

# --- CLI tests with the aarch64 binary as sysrec (and as its ASan build) ---
# The quick ones: analyze_rows and analyze_stream take minutes under
# emulation, and the comparison above covers the reports they read.
printf '#!/bin/sh\nexec qemu-aarch64 %s "$@"\n' "$(cd "$(dirname "$A")" && pwd)/$(basename "$A")/sysrec" >"$tmp/sysrec"
chmod 755 "$tmp" "$tmp/sysrec"	# the tests of unreadable files run it as nobody
for t in cli_basics info_dump reliability_inputs analyze analyze_db; do
	env -u CI SYSREC="$tmp/sysrec" SYSREC_ASAN="$tmp/sysrec" bash "tests/cli/$t.sh" >"$tmp/cli.log" 2>&1
	rc=$?
	relay "arm64 $t" "$tmp/cli.log"
	[ $rc -eq 0 ] || grep -q '^not ok' "$tmp/cli.log" || fail "arm64 $t" "exited with status $rc"
done
t_done
