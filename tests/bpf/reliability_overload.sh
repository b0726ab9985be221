#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# reliability_overload.sh - events arrive faster than they are written: the
# recorder is stopped (SIGSTOP) for a second while sr_work loop runs, with a
# one-page perf buffer per CPU.  Losses must be counted exactly and never be
# silent: recorded kernel events + lost == the events of a reference
# recording of the same deterministic workload without loss; lost records
# in the trace (per CPU) add up to the end metadata, to info (text and JSON),
# to the recorder's summary, to its live status line, and to the header of
# every analyze report.  --buffer-pages 4096 with the same stall loses
# nothing.
. "$(dirname "$0")/../lib.sh"
need_bpf reliability_overload || exit 0

t_tmpdir
W=$WORKLOADS/sr_work
N=5000
mkdir "$tmp/l"

# kernel_events TRACE: records that came from the kernel (not lost and not
# the recorder's own proc/fd/cgroup records)
kernel_events() {
	"$SYSREC" info --json "$1" | python3 -c 'import json,sys
t = json.load(sys.stdin)["events_by_type"]
print(sum(v for k, v in t.items() if k not in ("lost", "proc", "fd", "cgroup")))'
}

# The classes whose records the workload alone decides: not cpu, whose
# switches and wakeups depend on everything else the machine runs.
EV=proc,mem,file
# reference: twice, to show the workload is deterministic
"$SYSREC" record -q -e $EV -o "$tmp/ref1.trc" -- "$W" loop $N "$tmp/l"
"$SYSREC" record -q -e $EV -o "$tmp/ref2.trc" -- "$W" loop $N "$tmp/l"
ref=$(kernel_events "$tmp/ref1.trc")
expect_eq "reference: the workload is deterministic ($ref kernel events)" \
	"$(kernel_events "$tmp/ref2.trc")" "$ref"
expect_eq "reference: no loss" "$(info_field "$tmp/ref1.trc" lost)" 0
# a complete file's end metadata must agree with what is in it, or the one
# signal of silently missing records (a mismatch) is noise on every file
expect_eq "reference: info finds it complete, end metadata events = events read" \
	"$(info_field "$tmp/ref1.trc" integrity.complete) $(info_field "$tmp/ref1.trc" integrity.events_match)" \
	"True True"

# stalled NAME PAGES: record with --buffer-pages PAGES, SIGSTOP the recorder
# for 1 s while the workload runs; stderr (the summary) in NAME.err
stalled() {
	local name=$1 pages=$2 rpid
	"$SYSREC" record -e $EV -o "$tmp/$name.trc" --buffer-pages "$pages" -- "$W" loop $N "$tmp/l" \
		2> "$tmp/$name.err" &
	rpid=$!
	for _ in $(seq 100); do [ -s "$tmp/$name.trc" ] && break; sleep 0.05; done
	sleep 0.2
	kill -STOP "$rpid"
	sleep 1
	kill -CONT "$rpid"
	wait "$rpid"
	expect_eq "$name: recorder exit status" "$?" 0
}

stalled small 1
lost=$(info_field "$tmp/small.trc" lost)
got=$(kernel_events "$tmp/small.trc")
check "small: a one-page buffer stalled for 1 s loses events ($lost)" test "$lost" -gt 0
expect_eq "small: recorded + lost = the reference, exactly ($got + $lost)" "$((got + lost))" "$ref"
expect_eq "small: end metadata has the same lost count" "$(info_field "$tmp/small.trc" lost_meta)" "$lost"
expect_eq "small: the summary line says so" \
	"$(sed -n 's/^sysrec: [0-9]* events, \([0-9]*\) lost, .*/\1/p' "$tmp/small.err")" "$lost"

"$SYSREC" dump --json "$tmp/small.trc" > "$tmp/small.ndjson"
ncpu=$(info_field "$tmp/small.trc" cpus)
per_cpu=$(python3 - "$tmp/small.ndjson" "$ncpu" <<'EOF'
import json, sys
lost = [e for e in map(json.loads, open(sys.argv[1])) if e["type"] == "lost"]
by = {}
for e in lost:
    assert e["cpu"] < int(sys.argv[2]) and e["pid"] == 0, e
    by[e["cpu"]] = by.get(e["cpu"], 0) + e["count"]
print(" ".join("%d:%d" % (c, by[c]) for c in sorted(by) if by[c]))
EOF
)
check "small: lost records name a CPU ($per_cpu)" test -n "$per_cpu"
expect_eq "small: lost records add up to the total" \
	"$(echo "$per_cpu" | tr ' ' '\n' | awk -F: '{ s += $2 } END { print s + 0 }')" "$lost"
expect_eq "small: info --json per CPU" \
	"$(info_field "$tmp/small.trc" lost_per_cpu | tr -d "{}' " | tr ',' ' ')" "$per_cpu"
"$SYSREC" info "$tmp/small.trc" > "$tmp/info.txt"
expect_eq "small: info text lost" "$(sed -n 's/^lost: *//p' "$tmp/info.txt")" "$lost"
expect_eq "small: info text lost_per_cpu" "$(sed -n 's/^lost_per_cpu: *//p' "$tmp/info.txt")" "$per_cpu"

# every analyze report carries the losses in its header (stdout for tables,
# stderr for CSV and JSON)
hdr="#   lost events: $lost ($(echo "$per_cpu" | sed 's/\([0-9]*\):/cpu\1: /g; s/ cpu/, cpu/g'))"
for rep in "" --top-io "--top-io --by file" "--top-io --by cgroup" --syscalls --procs --mem --files --timeline; do
	# shellcheck disable=SC2086
	"$SYSREC" analyze "$tmp/small.trc" $rep > "$tmp/a.out" 2> "$tmp/a.err"
	expect_eq "small: analyze ${rep:-overview} (table) exits 0" "$?" 0
	expect_eq "small: analyze ${rep:-overview} (table) header" "$(grep '^#   lost events' "$tmp/a.out")" "$hdr"
	for fmt in csv json; do
		# shellcheck disable=SC2086
		"$SYSREC" analyze "$tmp/small.trc" $rep --format $fmt > "$tmp/a.out" 2> "$tmp/a.err"
		expect_eq "small: analyze ${rep:-overview} ($fmt) header on stderr" \
			"$(grep '^#   lost events' "$tmp/a.err")" "$hdr"
	done
done
"$SYSREC" analyze "$tmp/small.trc" --format csv > "$tmp/ov.csv" 2>/dev/null
expect_eq "small: analyze overview lost_events" \
	"$(python3 -c 'import csv,sys; print([r["lost_events"] for r in csv.DictReader(open(sys.argv[1]))])' "$tmp/ov.csv")" \
	"['$lost']"
expect_eq "small: analyze --sql on the lost table" \
	"$("$SYSREC" analyze "$tmp/small.trc" --sql 'SELECT SUM(count) FROM lost' --format csv 2>/dev/null | tail -1)" "$lost"

# --buffer-pages trades memory for loss: the same stall with 16 MiB per CPU
stalled big 4096
expect_eq "big: --buffer-pages 4096 loses nothing under the same stall" "$(info_field "$tmp/big.trc" lost)" 0
expect_eq "big: every event of the reference is there" "$(kernel_events "$tmp/big.trc")" "$ref"

# live: the status line on a terminal shows the losses while recording
if command -v script >/dev/null; then
	cat > "$tmp/live.sh" <<EOF
"$SYSREC" record -o "$tmp/live.trc" --buffer-pages 1 -- sh -c 'echo \$PPID > "$tmp/live.pid"; "$W" loop $N "$tmp/l"; sleep 2.5'
EOF
	script -qfec "bash $tmp/live.sh" /dev/null > "$tmp/live.tty" 2>&1 &
	spid=$!
	for _ in $(seq 100); do [ -s "$tmp/live.pid" ] && break; sleep 0.05; done
	rpid=$(cat "$tmp/live.pid")
	sleep 0.2
	kill -STOP "$rpid"
	sleep 1
	kill -CONT "$rpid"
	wait "$spid"
	expect_eq "live: recorder exit status" "$?" 0
	llost=$(info_field "$tmp/live.trc" lost)
	check "live: losses ($llost)" test "$llost" -gt 0
	# status lines are "\r\e[Ksysrec: N events (R/s), B written, ratio X, lost L"
	shown=$(tr '\r' '\n' < "$tmp/live.tty" | sed -n 's/.*sysrec: [0-9]* events ([0-9]*\/s), .* lost \([0-9]*\)$/\1/p' | sort -n | tail -1)
	check "live: a status line shows losses while recording (lost ${shown:-none})" test "${shown:-0}" -gt 0
	check "live: never more than the final count" test "${shown:-0}" -le "$llost"
	expect_eq "live: the summary line has the final count" \
		"$(tr '\r' '\n' < "$tmp/live.tty" | sed -n 's/.*sysrec: [0-9]* events, \([0-9]*\) lost, .*/\1/p')" "$llost"
else
	skip "live: status line" "no script(1) to give the recorder a terminal"
fi
t_done
