#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# live_print.sh - record --print watched live: without -o no trace file, the
# command's own output left alone, every event printed once and in order
# (the same as dump of a recording), --print-order cpu, the lag from a
# syscall to its printed line, a slow reader that never stalls the
# recording (what it missed counted in the output), the filters.
. "$(dirname "$0")/../lib.sh"
need_bpf live_print || exit 0
need_built live_print "$WORKLOADS/sr_live" "$WORKLOADS/sr_work"
t_tmpdir
L=$WORKLOADS/sr_live
W=$WORKLOADS/sr_work
cd "$tmp" || exit 1

# ndjson_stats FILE: kernel records per type/syscall, duplicates, order (time; per CPU)
ndjson_stats() {
	/usr/bin/python3 - "$1" <<'EOF'
import collections, json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
kern = [e for e in evs if e.get("type") not in ("proc", "fd", "cgroup", "lost", "not_printed")
        and not e.get("baseline")]
c = collections.Counter((e["type"], e.get("syscall", "")) for e in kern
                        if e["type"] not in ("switch", "wakeup", "syscpu", "cputime"))
keys = collections.Counter((e["ts_ns"], e["tid"], e["type"], e.get("syscall", "")) for e in kern)
ts = [e["ts_ns"] for e in kern]
percpu = collections.defaultdict(list)
for e in kern:
    percpu[e["cpu"]].append(e["ts_ns"])
print("counts", " ".join("%s/%s=%d" % (k[0], k[1], v) for k, v in sorted(c.items())))
print("dups", sum(v - 1 for v in keys.values()))
print("time-ordered", all(a <= b for a, b in zip(ts, ts[1:])))
print("cpu-ordered", all(all(a <= b for a, b in zip(v, v[1:])) for v in percpu.values()))
EOF
}

# 1. --print without -o: no file; the command's stdout and stderr are its own
mkdir ref d1 d2
"$L" talk 300 "$tmp/ref" > ref.out 2> ref.err
"$SYSREC" record -q --print --print-to "$tmp/ev1.txt" -- "$L" talk 300 "$tmp/d1" > d1.out 2> d1.err
expect_eq "live_print: no -o: the command's status" "$?" 0
expect_eq "live_print: no -o: no trace file" "$(ls "$tmp" | grep -c '\.trc')" 0
check "live_print: --print-to FILE: the command's stdout byte for byte" cmp -s ref.out d1.out
check "live_print: --print-to FILE: the command's stderr byte for byte (-q)" cmp -s ref.err d1.err
expect_eq "live_print: --print-to FILE: its 300 writes to talk.dat printed" \
	"$(grep -c ' write fd=3</.*/d1/talk.dat> count=.* ret=' ev1.txt)" 300
check "live_print: --print-to FILE: created 0600" test "$(stat -c %a ev1.txt)" = 600
"$SYSREC" record -q --print --print-to 3 -- "$L" talk 300 "$tmp/d2" > d2.out 2> d2.err 3> ev2.txt
check "live_print: --print-to FD: the command's stdout byte for byte" cmp -s ref.out d2.out
expect_eq "live_print: --print-to FD: its 300 writes to talk.dat printed" \
	"$(grep -c ' write fd=3</.*/d2/talk.dat> count=.* ret=' ev2.txt)" 300
# the command does not inherit the descriptor given (a reader would wait for its end)
"$SYSREC" record -q --print --print-to 3 -- sh -c 'readlink /proc/$$/fd/3 || echo none' \
	> inh.out 2>/dev/null 3> inh.fd3
expect_eq "live_print: --print-to FD: the command does not inherit FD" "$(cat inh.out)" none
# stdout by default: the summary on stderr names what was printed
"$SYSREC" record --print -e file -- "$L" talk 5 "$tmp/d2" > d3.out 2> d3.err
check "live_print: stdout by default: the lines there" grep -q 'talk.dat' d3.out
check "live_print: summary without a file: events printed, lost" \
	grep -Eq '^sysrec: [0-9]+ events printed, 0 lost$' d3.err

# 2. every event printed once, in order: print-only and a recording's dump
# of the same workload (exact counts per type and syscall); check_trace.py's
# oracle of sr_work basic on the printed stream itself
mkdir a b c
"$SYSREC" record -q --print --json --print-to a.ndjson -e proc,mem,file -- "$W" basic "$tmp/a"
"$SYSREC" record -q -o b.trc -e proc,mem,file -- "$W" basic "$tmp/b"
"$SYSREC" dump --json b.trc > b.ndjson
ndjson_stats a.ndjson > a.stats
ndjson_stats b.ndjson > b.stats
expect_eq "live_print: the same events as dump of a recording, per type and syscall" \
	"$(grep ^counts a.stats)" "$(grep ^counts b.stats)"
expect_eq "live_print: each event once, in time order" "$(grep -v ^counts a.stats | tr '\n' ' ')" \
	"dups 0 time-ordered True cpu-ordered True "
/usr/bin/python3 "$TOP/tests/bpf/check_trace.py" basic a.ndjson dir="$tmp/a" exe="$W" mode=command \
	prefix="live_print: printed" || T_FAILED=$((T_FAILED + 1))

# 3. with -o too: the printed lines are the file's, byte for byte (all but
# the records a file begins with: snapshot, cgroup names, CPU baselines)
"$SYSREC" record -q --print --json --print-to c.ndjson -o c.trc -- "$W" basic "$tmp/c"
"$SYSREC" dump --json c.trc | /usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] not in ("proc", "fd", "cgroup") and not e.get("baseline"):
        sys.stdout.write(l)' > c.dump
check "live_print: with -o: printed JSON = dump --json of the file ($(wc -l < c.ndjson) lines)" \
	cmp -s c.ndjson c.dump
expect_eq "live_print: with -o: the file is complete" "$(info_field c.trc integrity.complete)" True

# 4. --print-order cpu: the same events, each CPU's in time order
mkdir e
"$SYSREC" record -q --print --json --print-order cpu --print-to e.ndjson -e proc,mem,file -- \
	"$W" basic "$tmp/e"
ndjson_stats e.ndjson > e.stats
expect_eq "live_print: --print-order cpu: the same events per type and syscall" \
	"$(grep ^counts e.stats)" "$(grep ^counts b.stats)"
expect_eq "live_print: --print-order cpu: each once, each CPU's in time order" \
	"$(grep -E '^(dups|cpu-ordered)' e.stats | tr '\n' ' ')" "dups 0 cpu-ordered True "

# 5. lag: each open names CLOCK_MONOTONIC just before it; the reader stamps
# each line as it comes.  Time order: within 200 ms; --print-order cpu: 20 ms.
lag() {
	/usr/bin/python3 -c '
import os, re, sys, time
buf, lags = b"", []
while True:
    d = os.read(0, 65536)
    if not d:
        break
    now = time.monotonic_ns()
    buf += d
    *lines, buf = buf.split(b"\n")
    for l in lines:
        m = re.search(rb"/stamp-(\d+)", l)
        if m:
            lags.append((now - int(m.group(1))) / 1e6)
lags.sort()
print(len(lags), "%.1f" % lags[len(lags) // 2], "%.1f" % lags[-1])'
}
mkdir s
for m in time:200 cpu:20; do
	set -- $("$SYSREC" record -q --print --print-order "${m%%:*}" -e file -- "$L" stamp 40 25 "$tmp/s" | lag)
	check "live_print: --print-order ${m%%:*}: 40 stamped opens, each printed within ${m##*:} ms (median $2 ms, max $3 ms)" \
		/usr/bin/python3 -c "import sys; sys.exit(not ($1 == 40 and $3 < ${m##*:}))"
done

# 6. a reader that takes nothing until the command is done: the recording
# goes on (every event in the file, none lost), the printer drops what its
# queue has no room for, says so where, and the lines and counts add up
# exactly.  The reader comes back within 50 ms of the command's end, well
# inside the second sysrec waits for it (a reader gone for longer is 6b).
mkdir l
"$SYSREC" record -q -e file -o ref.trc -- \
	sh -c '"$1" loop 4000 "$2"; : > "$3"' sh "$W" "$tmp/l" "$tmp/l.ref"
"$SYSREC" record -q --print --print-buffer 64K -e file -o slow.trc -- \
	sh -c '"$1" loop 4000 "$2"; : > "$3"' sh "$W" "$tmp/l" "$tmp/l.done" \
	2> slow.err | { while [ ! -e "$tmp/l.done" ]; do sleep 0.05; done; cat; } > slow.txt
expect_eq "live_print: slow reader: the file has every event" \
	"$(info_field slow.trc events_by_type.rw) $(info_field slow.trc lost)" \
	"$(info_field ref.trc events_by_type.rw) 0"
# the records a file begins with are not printed
snap=$("$SYSREC" info --json slow.trc | /usr/bin/python3 -c 'import json, sys
t = json.load(sys.stdin)["events_by_type"]
print(sum(t.get(k, 0) for k in ("proc", "fd", "cgroup")))')
/usr/bin/python3 - slow.txt "$(info_field slow.trc events)" "$snap" <<'EOF' || T_FAILED=$((T_FAILED + 1))
import re, sys
lines = open(sys.argv[1], errors="replace").read().splitlines()
total, snap = int(sys.argv[2]), int(sys.argv[3])
marks = [int(m.group(1)) for l in lines for m in [re.match(r"# (\d+) events not printed here", l)] if m]
printed = sum(1 for l in lines if not l.startswith("# "))
ok = marks and printed + sum(marks) == total - snap
print(("ok" if ok else "not ok") + " live_print: slow reader: %d printed + %d not printed (%d marks) = %d"
      " records released" % (printed, sum(marks), len(marks), total - snap))
sys.exit(0 if ok else 1)
EOF
check "live_print: slow reader: the summary says what was not printed" \
	grep -Eq '^sysrec: --print: [0-9]+ events not printed: the output was too slow$' slow.err

# 6b. a reader that takes nothing for 8 s, past the command's end: sysrec
# waits a second for it, then gives it up and says how many events it did
# not print at most (the batch being written counts whole); with the full
# lines the reader gets later they are at least every record released
"$SYSREC" record -q --print --print-buffer 64K -e file -o gone.trc -- "$W" loop 4000 "$tmp/l" \
	2> gone.err | { sleep 8; cat; } > gone.txt
n_gone=$(sed -n 's/^sysrec: --print: the output took nothing for a second: up to \([0-9]*\) events not printed$/\1/p' gone.err)
check "live_print: reader gone: sysrec says it gave the output up" test -n "$n_gone"
snap=$("$SYSREC" info --json gone.trc | /usr/bin/python3 -c 'import json, sys
t = json.load(sys.stdin)["events_by_type"]
print(sum(t.get(k, 0) for k in ("proc", "fd", "cgroup")))')
/usr/bin/python3 - gone.txt "$(info_field gone.trc events)" "$snap" "${n_gone:-0}" <<'EOF' || T_FAILED=$((T_FAILED + 1))
import sys
data = open(sys.argv[1], "rb").read()
total, snap, gone = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
lines = data.split(b"\n")[:-1]		# full lines; a cut last one is not printed
printed = sum(1 for l in lines if not l.startswith(b"# "))
ok = printed > 0 and printed + gone >= total - snap and gone <= total - snap
print(("ok" if ok else "not ok") + " live_print: reader gone: %d printed, up to %d not printed,"
      " of %d records released" % (printed, gone, total - snap))
sys.exit(0 if ok else 1)
EOF

# 7. the filters of record: -c on the whole system
"$SYSREC" record -q --print --print-to f.txt -c sr_live -e file -d 2 &
rp=$!
sleep 1
"$L" stamp 10 20 "$tmp/s"
wait "$rp"
expect_eq "live_print: -c sr_live: its 10 opens" "$(grep -c '/stamp-' f.txt)" 10
expect_eq "live_print: -c sr_live: nothing else" "$(grep -vc ' sr_live ' f.txt)" 0

# 8. bad input: one line, non-zero
must_fail "live_print: --print-to a directory" "$SYSREC" record --print --print-to "$tmp" -- true
must_fail "live_print: --print-to a closed descriptor" "$SYSREC" record --print --print-to 77 -- true
must_fail "live_print: -f without a file" "$SYSREC" record --print -f -- true
must_fail "live_print: --json without --print" "$SYSREC" record --json -- true
must_fail "live_print: a bad --print-order" "$SYSREC" record --print --print-order soon -- true
must_fail "live_print: a tiny --print-buffer" "$SYSREC" record --print --print-buffer 1K -- true
must_fail "live_print: --rotate-size without a file" "$SYSREC" record --print --rotate-size 1M -- true
t_done
