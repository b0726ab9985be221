#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dump_cpu.sh - sysrec dump and the cpu class, on a trace crafted with
# mktrace: a syscall's split comes from the SYSCPU record right before it
# (same tid, same ts); without one it was all on CPU, in a trace whose
# classes include cpu; in a trace without the class nobody knows (null).
. "$(dirname "$0")/../lib.sh"
S=$SYSREC_ASAN
M=$TOOLS/mktrace
need_built dump_cpu "$S" "$M"
t_tmpdir

cat > "$tmp/cpu.spec" <<'SPEC'
meta start_ns 1000000000
meta classes proc,mem,file,cpu
syscpu ts=1100000000 pid=7 tid=8 comm=w off_cpu_ns=600000 blocked_ns=100000 runq_ns=50000 vol_switches=1 invol_switches=2 nr=0
syscpu ts=1100000000 pid=7 tid=9 comm=w off_cpu_ns=5 runq_ns=5 nr=1
rw ts=1100000000 pid=7 tid=8 comm=w sys=read fd=3 count=10 ret=10 dur_ns=1000000
rw ts=1200000000 pid=7 tid=8 comm=w sys=read fd=3 count=10 ret=10 dur_ns=2000
rw ts=1300000000 pid=7 tid=9 comm=w sys=write fd=3 count=10 ret=10 dur_ns=3000
switch ts=1300000000 pid=7 tid=8 comm=w next_pid=0 next_tid=0 next_comm=swapper prev_state=1 prev_state_raw=1
wakeup ts=1350000000 pid=0 tid=0 h.flags=0x100 wakee_pid=7 wakee_tid=8 target_cpu=1
cputime ts=1400000000 pid=7 tid=8 h.flags=0x200 comm=w on_cpu_ns=300 runq_ns=20 timeslices=3 vol_switches=1 invol_switches=2
SPEC
check "dump_cpu: mktrace" "$M" -o "$tmp/cpu.trc" "$tmp/cpu.spec"
"$S" dump --json "$tmp/cpu.trc" > "$tmp/cpu.json"
python3 - "$tmp/cpu.json" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
def check(name, cond, why=""):
    print(("ok " if cond else "not ok ") + "dump_cpu: " + name + ("" if cond else ": " + why))
split = lambda e: (e.get("on_cpu_ns"), e.get("off_cpu_ns"), e.get("runq_ns"))
rw = [e for e in evs if e["type"] == "rw"]
check("the SYSCPU records are printed too", [e["type"] for e in evs][:2] == ["syscpu", "syscpu"])
check("a read with its SYSCPU: on = dur - off - runq", split(rw[0]) == (350000, 600000, 50000), "got %r" % (split(rw[0]),))
check("a read without one: all on CPU", split(rw[1]) == (2000, 0, 0), "got %r" % (split(rw[1]),))
check("a SYSCPU of another ts is not taken", split(rw[2]) == (3000, 0, 0), "got %r" % (split(rw[2]),))
wk = [e for e in evs if e["type"] == "wakeup"]
check("a new task's wakeup says so", wk and wk[0].get("new") is True, "got %r" % wk)
ct = [e for e in evs if e["type"] == "cputime"]
check("an at-exit total says so", ct and ct[0].get("at_exit") is True and "baseline" not in ct[0], "got %r" % ct)
PY
"$S" dump "$tmp/cpu.trc" > "$tmp/cpu.txt"
expect_eq "dump_cpu: text: the split on the line of the call that left its CPU" \
	"$(grep -c ' on_cpu=350.0us off_cpu=600.0us runq=50.0us$' "$tmp/cpu.txt")" 1
expect_eq "dump_cpu: text: no split on the others" "$(grep -v ' cputime ' "$tmp/cpu.txt" | grep -c ' on_cpu=')" 1
check "dump_cpu: text: the switch's state as a letter" grep -q " switch prev_state=S next_pid=0" "$tmp/cpu.txt"

sed '/^meta classes/s/,cpu//; /^syscpu/d; /^switch/d; /^wakeup/d; /^cputime/d' "$tmp/cpu.spec" > "$tmp/nocpu.spec"
check "dump_cpu: mktrace without the class" "$M" -o "$tmp/nocpu.trc" "$tmp/nocpu.spec"
expect_eq "dump_cpu: without the class, null" \
	"$("$S" dump --json "$tmp/nocpu.trc" | grep -c '"on_cpu_ns":null,"off_cpu_ns":null,"runq_ns":null}$')" 3
t_done
