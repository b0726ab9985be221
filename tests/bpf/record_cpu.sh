#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_cpu.sh - the cpu class against the kernel's own counters.
# sr_cpu threads runs threads of known behaviour (a spinner, a sleeper, a
# reader blocked on a pipe and its writer, two spinners pinned to one CPU)
# and each writes its /proc/self/task/TID/schedstat and status as its last
# act (the oracle).  Checked:
#  - each thread's at-exit totals: on-CPU and run-queue time within 1 % or
#    1 ms of the oracle, voluntary and involuntary switches exactly;
#  - the blocked read: off CPU for the writer's delay, within 1 ms;
#  - every syscall: dur_ns == on_cpu_ns + off_cpu_ns + runq_ns, none < 0;
#  - the pinned spinners waited on the run queue and were preempted;
#  - the switch records of each thread out of its CPU: as many as its
#    counters say, then only preemptions and its death;
#  - --sched-switches none: no switch or wakeup record, the same totals
#    and syscall splits; -e proc,mem,file: none of the four types.
. "$(dirname "$0")/../lib.sh"
need_bpf record_cpu || exit 0
t_tmpdir
W=$WORKLOADS/sr_cpu
need_built record_cpu "$W"
EV=proc,mem,file,cpu,clock_nanosleep

cat > "$tmp/check.py" <<'PY'
import json, sys

trace_json, oracle_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
evs = [json.loads(l) for l in open(trace_json)]
failed = 0

def check(name, cond, why=""):
    global failed
    failed += not cond
    print(("ok " if cond else "not ok ") + "record_cpu %s: %s" % (mode, name) + ("" if cond else ": " + why))

oracle, delay_fd, delay = {}, None, None
for line in open(oracle_path):
    f = line.split()
    if f[0] == "delay":
        delay_fd, delay = int(f[1]), int(f[2])
    else:
        oracle[f[0]] = dict(zip(("tid", "on", "runq", "slices", "vol", "invol"), map(int, f[1:])))
tids = {o["tid"]: n for n, o in oracle.items()}
pid = next((e["pid"] for e in evs if e["tid"] in tids), None)
types = {}
for e in evs:
    types[e["type"]] = types.get(e["type"], 0) + 1

def near(got, want):
    return abs(got - want) <= max(want // 100, 1000000)

# the four types are there, or not
if mode == "none":
    check("no switch or wakeup record", not types.get("switch") and not types.get("wakeup"),
          "got %r" % types)
if mode == "nocpu":
    check("none of the cpu class's records", not any(types.get(t) for t in
          ("switch", "wakeup", "syscpu", "cputime")), "got %r" % types)
    sys_evs = [e for e in evs if "dur_ns" in e]
    check("syscalls: on_cpu_ns, off_cpu_ns, runq_ns null without the class",
          sys_evs and all(e.get("on_cpu_ns", 0) is None and e.get("off_cpu_ns", 0) is None
                          and e.get("runq_ns", 0) is None for e in sys_evs), "got %r" % sys_evs[:1])
    sys.exit(1 if failed else 0)

# per-thread totals at exit against the oracle
cpt = [e for e in evs if e["type"] == "cputime" and e["pid"] == pid]
exits = [e for e in cpt if e.get("at_exit")]
check("one at-exit total per thread, main thread too", len(exits) == len(oracle) + 1 and
      len({e["tid"] for e in exits}) == len(exits), "got %d for %d threads" % (len(exits), len(oracle) + 1))
check("no baseline or end-of-file totals (the command tracks itself at its exec, and is gone at the end)",
      len(cpt) == len(exits), "got %d" % (len(cpt) - len(exits)))
at = {e["tid"]: e for e in exits}
for n, o in oracle.items():
    e = at.get(o["tid"])
    if not e:
        check("%s: at-exit totals" % n, False, "none for tid %d" % o["tid"])
        continue
    check("%s: on-CPU %d ns ~ oracle %d" % (n, e["on_cpu_ns"], o["on"]), near(e["on_cpu_ns"], o["on"]))
    # preempted on its way out (one involuntary switch more than the oracle
    # read), it also waited on a run queue after that read: the kernel's
    # count at exit holds that wait too, so it may only be larger
    late = e["invol_switches"] == o["invol"] + 1
    check("%s: run queue %d ns ~ oracle %d%s" % (n, e["runq_ns"], o["runq"],
          " (preempted after the oracle's read: no less)" if late else ""),
          near(e["runq_ns"], o["runq"]) or (late and e["runq_ns"] >= o["runq"]))
    # Between its last read of status and its exit a thread makes no call
    # that sleeps, but it may be preempted: then the kernel's count at exit
    # is one more, and so is ours (one switch record more, checked below).
    check("%s: voluntary switches %d == oracle %d" % (n, e["vol_switches"], o["vol"]),
          e["vol_switches"] == o["vol"])
    check("%s: involuntary switches %d == oracle %d (+1 if preempted on its way out)" %
          (n, e["invol_switches"], o["invol"]), o["invol"] <= e["invol_switches"] <= o["invol"] + 1)
for n in ("pinA", "pinB"):
    e = at.get(oracle[n]["tid"], {})
    check("%s: waited on the run queue and was preempted" % n,
          e.get("runq_ns", 0) > 0 and e.get("invol_switches", 0) > 0, "got %r" % e)

# every syscall's time adds up
sys_evs = [e for e in evs if "dur_ns" in e]
bad = [e for e in sys_evs if e["on_cpu_ns"] is None or min(e["on_cpu_ns"], e["off_cpu_ns"], e["runq_ns"]) < 0
       or e["on_cpu_ns"] + e["off_cpu_ns"] + e["runq_ns"] != e["dur_ns"]]
check("%d syscalls: dur_ns == on_cpu_ns + off_cpu_ns + runq_ns, each >= 0" % len(sys_evs),
      sys_evs and not bad, "first bad %r" % (bad[:1],))
sc = [e for e in evs if e["type"] == "syscpu"]
check("every syscpu record is followed by its syscall's record",
      all(i + 1 < len(evs) and evs[i + 1]["tid"] == e["tid"] and evs[i + 1]["ts_ns"] == e["ts_ns"]
          and evs[i + 1].get("nr") == e["nr"] for i, e in enumerate(evs) if e["type"] == "syscpu"))

# the blocked read: off CPU for the writer's delay
rd = [e for e in sys_evs if e["tid"] == oracle["reader"]["tid"] and e.get("syscall") == "read"
      and e.get("fd") == delay_fd]
check("one read of the pipe by the reader", len(rd) == 1, "got %d" % len(rd))
if rd:
    check("the read: off CPU %d ns ~ the writer's delay %d ns (1 ms)" % (rd[0]["off_cpu_ns"], delay),
          abs(rd[0]["off_cpu_ns"] - delay) <= 1000000)
    check("... one voluntary switch in it", [e["vol_switches"] for e in sc if e["tid"] == rd[0]["tid"]
          and e["ts_ns"] == rd[0]["ts_ns"]] == [1])
ns = [e for e in sys_evs if e["tid"] == oracle["sleep"]["tid"] and e.get("syscall") == "clock_nanosleep"]
check("the sleeper: 3 nanosleeps, each off CPU 50 ms or more",
      len(ns) == 3 and all(50000000 <= e["off_cpu_ns"] < 5e9 for e in ns), "got %r" % [e.get("off_cpu_ns") for e in ns])

# the switch records: in, out, in, out ... and as many as the counters say
if mode == "all":
    for n, o in oracle.items():
        tid, on, outs, pairs_ok = o["tid"], False, [], True
        for e in evs:
            if e["type"] != "switch":
                continue
            if e["tid"] == tid:
                pairs_ok &= on
                on = False
                outs.append(e)
            if e["next_tid"] == tid:
                pairs_ok &= not on
                on = True
        # The kernel may skip a tracepoint's probes for a moment while
        # another tracer attaches to or leaves sched_switch (other recorders
        # run here at the same time): perf sched record then misses the
        # same switch.  So a missing switch is noted, and one is allowed.
        if not pairs_ok:
            print("# record_cpu %s: %s: a switch without its record (the kernel's)" % (mode, n))
        e = at.get(tid)
        if not e or not outs:
            continue
        before = [s for s in outs if s["ts_ns"] <= e["ts_ns"]]
        after = [s for s in outs if s["ts_ns"] > e["ts_ns"]]
        want = e["vol_switches"] + e["invol_switches"]
        check("%s: %d switches out before its exit, its counters say %d (one untraced allowed)" %
              (n, len(before), want),
              want - 1 <= len(before) <= want)
        if len(before) != want:
            print("# record_cpu %s: %s: one switch out without its record" % (mode, n))
        st = [s["prev_state"] for s in after]
        check("%s: after it, preemptions, and its last switch as a dead task" % n,
              set(st) <= {0, 4} and st.count(4) <= 1 and (4 not in st or st[-1] == 4), "got %r" % st)
        # preempted (R), asleep (S), or blocked (D: a mutex in a /proc read)
        st = [s["prev_state"] for s in before]
        least = {"spin": (0, 1), "pinA": (0, 1), "pinB": (0, 1), "sleep": (1, 3), "reader": (1, 1),
                 "writer": (1, 1)}[n]
        check("%s: it left its CPU preempted, asleep or blocked, %s at least %d times" %
              (n, "RS"[least[0]], least[1]), set(st) <= {0, 1, 2} and st.count(least[0]) >= least[1],
              "got %r" % st)
    wn = [e for e in evs if e["type"] == "wakeup" and e.get("new") and e["wakee_tid"] in tids]
    check("a first wakeup for each new thread, by the main thread",
          sorted(e["wakee_tid"] for e in wn) == sorted(tids) and all(e["pid"] == pid for e in wn))
sys.exit(1 if failed else 0)
PY

# run MODE TRACE ORACLE [record options]: record sr_cpu threads, dump, check
run() {
	local mode=$1 trace=$2 oracle=$3
	shift 3
	"$SYSREC" record -q -o "$trace" "$@" -- "$W" threads "$oracle" 2>"$tmp/$mode.err" ||
		fail "record_cpu $mode: record" "$(head -1 "$tmp/$mode.err")"
	expect_eq "record_cpu $mode: nothing lost" "$(info_field "$trace" lost)" 0
	"$SYSREC" dump --json "$trace" > "$tmp/$mode.ndjson" ||
		fail "record_cpu $mode: dump" "failed"
	python3 "$tmp/check.py" "$tmp/$mode.ndjson" "$oracle" "$mode" || T_FAILED=$((T_FAILED + 1))
}

run all "$tmp/all.trc" "$tmp/all.oracle" -e "$EV"
run none "$tmp/none.trc" "$tmp/none.oracle" -e "$EV" --sched-switches none
run nocpu "$tmp/nocpu.trc" "$tmp/nocpu.oracle" -e proc,mem,file
"$SYSREC" dump "$tmp/all.trc" > "$tmp/all.txt"
check "record_cpu: the text dump shows the split on a syscall line" \
	grep -q " read fd=.* on_cpu=.* off_cpu=.* runq=" "$tmp/all.txt"
expect_eq "record_cpu: the classes recorded" "$(info_field "$tmp/all.trc" metadata.classes)" "$EV"
expect_eq "record_cpu: without -e, cpu is one of them" \
	"$("$SYSREC" record -q -o "$tmp/d.trc" -- true && info_field "$tmp/d.trc" metadata.classes)" \
	proc,mem,file,cpu,net

# a file's baseline and end totals: a process running before and after
sleep 5 &
sp=$!
"$SYSREC" record -q -o "$tmp/p.trc" -d 0.3 -p $sp
"$SYSREC" dump --json "$tmp/p.trc" > "$tmp/p.ndjson"
python3 - "$tmp/p.ndjson" "$sp" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
pid = int(sys.argv[2])
c = [e for e in evs if e["type"] == "cputime" and e["pid"] == pid]
ok = len(c) == 2 and c[0].get("baseline") and not c[1].get("baseline") and not c[1].get("at_exit") \
    and c[0]["vol_switches"] == c[1]["vol_switches"] and c[0]["on_cpu_ns"] == c[1]["on_cpu_ns"]
print(("ok " if ok else "not ok ") + "record_cpu: -p of a sleeping process: a baseline and the same totals at the end" +
      ("" if ok else ": got %r" % c))
PY
kill $sp 2>/dev/null
t_done
