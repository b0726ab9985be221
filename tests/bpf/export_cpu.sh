#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# export_cpu.sh - sysrec export of a fresh recording of sr_cpu threads (a
# spinner, a sleeper, a reader blocked on a pipe, two threads pinned to one
# CPU): tests/export/check.py finds every syscall of dump as a slice and
# each thread's Running slices and each CPU's exactly as the switch records
# say, in the Perfetto file and in the JSON; and against what the workload
# knows: the reader sleeps in its read at least as long as the writer made
# it wait, the pinned threads run on one CPU and wait for each other on its
# run queue, the sleeper sleeps three times.
. "$(dirname "$0")/../lib.sh"
need_bpf export_cpu || exit 0
PY=/usr/bin/python3
if ! command -v protoc >/dev/null || ! $PY -c 'import google.protobuf' 2>/dev/null; then
	skip export_cpu "no protoc or python3-protobuf (tests/deps.sh installs them)"
	exit 0
fi
t_tmpdir
W=$WORKLOADS/sr_cpu
# export_check T LABEL: export $tmp/T.trc both ways and check both against dump
export_check() {
	local t=$1 label=$2 form out got
	"$SYSREC" export "$tmp/$t.trc" --perfetto "$tmp/$t.pftrace" --chrome-json "$tmp/$t.json" ||
		fail "export_cpu: ${label}export" "failed"
	"$SYSREC" dump --json "$tmp/$t.trc" > "$tmp/$t.ndjson"
	"$SYSREC" dump "$tmp/$t.trc" > "$tmp/$t.txt"
	"$SYSREC" analyze "$tmp/$t.trc" --top-io --format json --limit 0 --no-progress \
		> "$tmp/$t.topio" 2>/dev/null
	for form in pftrace json; do
		if [ $form = pftrace ]; then out=(--pftrace "$tmp/$t.pftrace" --pb2 "$tmp"); else
			out=(--chrome-json "$tmp/$t.json"); fi
		if got=$($PY "$TOP/tests/export/check.py" --dump "$tmp/$t.ndjson" --text "$tmp/$t.txt" \
			--top-io "$tmp/$t.topio" --sched "${out[@]}" 2>&1); then
			ok "export_cpu: $label$form: as dump says (${got#export check: })"
		else
			fail "export_cpu: $label$form" "$got"
		fi
	done
}
"$SYSREC" record -q -o "$tmp/c.trc" -- "$W" threads "$tmp/oracle" 2>"$tmp/rec.err" ||
	fail "export_cpu: record" "$(head -1 "$tmp/rec.err")"
protoc --proto_path="$TOP/tests/export" --python_out="$tmp" perfetto_subset.proto
export_check c ""
check "export_cpu: protoc --decode_raw takes it" sh -c "protoc --decode_raw < '$tmp/c.pftrace' >/dev/null"

# make demo's workload too: files, a dup, maps, two children
mkdir "$tmp/work"
"$SYSREC" record -q -o "$tmp/w.trc" -- "$WORKLOADS/sr_work" basic "$tmp/work" 2>"$tmp/w.err" ||
	fail "export_cpu: record sr_work" "$(head -1 "$tmp/w.err")"
export_check w "sr_work: "

$PY - "$tmp/c.json" "$tmp/oracle" "$tmp/c.ndjson" <<'PY'
import json, sys, collections
ev = json.load(open(sys.argv[1]))
tids, delay = {}, None
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] == "delay":
        delay = int(f[2])
    else:
        tids[f[0]] = int(f[1])
states = collections.defaultdict(list)
reads = collections.defaultdict(list)
for e in ev:
    if e["ph"] != "X" or e["pid"] >= 0x7ffe0000:
        continue
    ns = lambda us: int(round(us * 1000))
    if e["tid"] & 0x40000000:
        states[e["tid"] & ~0x40000000].append((ns(e["ts"]), ns(e["ts"]) + ns(e["dur"]), e["name"], e["args"].get("cpu")))
    elif e["name"] == "read":
        reads[e["tid"]].append((ns(e["ts"]), ns(e["ts"]) + ns(e["dur"])))
def check(name, cond, why=""):
    print(("ok " if cond else "not ok ") + "export_cpu: " + name + ("" if cond else ": " + why))
r = tids["reader"]
longest = max((b - a for a, b, n, c in states[r] if n == "Sleeping"), default=0)
check("the reader sleeps in its read as long as the writer waited (%d ns)" % delay,
      longest >= delay and any(a <= s and e2 <= b for a, b in reads[r]
                               for s, e2, n, c in states[r] if n == "Sleeping" and e2 - s == longest),
      "longest Sleeping %d" % longest)
# pinned by themselves once started: their CPU is where they ran most
main = {}
for t in ("pinA", "pinB"):
    on = collections.Counter()
    for a, b, n, c in states[tids[t]]:
        if n == "Running":
            on[c] += b - a
    main[t] = on.most_common(1)[0][0] if on else None
    check("%s runs on one CPU (>= 95%% of its time)" % t,
          on and on[main[t]] >= 0.95 * sum(on.values()), "ns by CPU %r" % dict(on))
    check("%s waits on the run queue" % t, any(n == "Runnable" for a, b, n, c in states[tids[t]]))
check("pinA and pinB share their CPU", main["pinA"] == main["pinB"], "%r" % main)
sl = [b - a for a, b, n, c in states[tids["sleep"]] if n == "Sleeping" and b - a >= 45000000]
check("the sleeper sleeps 3 x 50 ms", len(sl) == 3, "sleeps %r" % sl)
on_cpu = {}
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] != "delay":
        on_cpu[f[0]] = int(f[2])
# What the kernel said at each thread's exit, for a failure message; and
# its gaps: now and then the kernel brings a preempted thread back without
# a sched_switch naming it (perf record -e sched:sched_switch -a misses the
# same switch), so the thread is next seen leaving its CPU.  The time from
# its last switch-out to that one is unseen: it ran for part of it.
at_exit, unseen, gaps = {}, collections.Counter(), collections.Counter()
last_out, on = {}, {}
for line in open(sys.argv[3]):
    r = json.loads(line)
    if r.get("type") == "cputime" and r.get("at_exit"):
        at_exit[r["tid"]] = r
    if r.get("type") != "switch":
        continue
    if r["next_tid"] != r["tid"]:
        on[r["next_tid"]] = True
    if on.get(r["tid"]):
        on[r["tid"]] = False
    elif r["tid"] in last_out:
        unseen[r["tid"]] += r["ts_ns"] - last_out[r["tid"]]
        gaps[r["tid"]] += 1
    last_out[r["tid"]] = r["ts_ns"]
# within 3%: each thread reads its schedstat last, then runs on to its exit
for t in ("spin", "pinA", "pinB"):
    tid = tids[t]
    run = [b - a for a, b, n, c in states[tid] if n == "Running"]
    ran, k = sum(run), at_exit.get(tid, {})
    check("%s's Running slices add up to its schedstat on-CPU time (3%%, %d kernel gaps)"
          % (t, gaps[tid]),
          ran <= on_cpu[t] * 103 / 100 and ran + unseen[tid] >= on_cpu[t] * 97 / 100,
          "ran %d ns in %d slices, %d ns unseen, schedstat %d; at exit the kernel said %s ns"
          " in %s timeslices" % (ran, len(run), unseen[tid], on_cpu[t], k.get("on_cpu_ns"),
                                 k.get("timeslices")))
PY
exit $((T_FAILED > 0))
