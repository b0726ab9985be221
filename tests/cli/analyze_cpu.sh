#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_cpu.sh - the cpu class in sysrec analyze, on traces built by
# mktrace with exact figures: --cpu by process and by thread, the cpu
# columns of --syscalls and --procs, --slow, the ev_sched, thread_cpu and
# proc_cpu tables, baselines and exits, a rotated set, a recording that
# shows the class only by its records, one without switch records, and
# traces without the class (unchanged).  Uses the ASan/UBSan build; needs
# no root and no BPF.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
need_built analyze_cpu "$S" "$MK"
export TZ=UTC
t_tmpdir
D=$tmp

# --- cpu.trc: one recording of 2 s with the cpu class ----------------------
#
# 100 app (threads 100 and 101, and 102 made during the recording) and 200
# other.  Counters (cputime) at the start (baselines), at 101's exit and at
# the end; within the recording:
#   100/100: on 25 - 5 = 20 ms, runq 4 - 1 = 3 ms, 20 - 10 = 10 slices, 5 vol, 2 invol
#   100/101: on 2.6 - 2 = 0.6 ms, runq 6.5 - 0.5 = 6 ms, 4 slices, 2 vol, 1 invol (exit)
#   100/102: no baseline (began during the recording): 7 ms, 3 ms, 2, 1, 0
#   200/200: baseline 0: 1 ms, 10 ms, 3, 2, 0
# Run-queue waits from the switch and wakeup records:
#   100: woken by the idle task at 1.100, switched in at 1.102: 2 ms
#   101: preempted at 1.300, in at 1.305: 5 ms; woken by 999 (not recorded)
#        at 1.500, in at 1.501: 1 ms
#   200: no wait at 1.300 (not runnable before); woken at 1.400, in at 1.410: 10 ms
#   102: woken new at 1.850, in at 1.853: 3 ms
# Syscalls and their syscpu records:
#   read by 100 at 1.2: 40 ms = 9 on + 30 off (10 of it blocked) + 1 runq, 2 vol, 1 invol
#   write by 101 at 1.6: 2 ms, no syscpu: all on-CPU; EPIPE, fd 4 without a file
#   nanosleep by 101 at 1.7: 50.1 ms = 0.1 on + 50 off, 1 vol
#   clone by 100 at 1.85: 30 us, all on-CPU
cat >"$D/cpu.spec" <<-'EOF'
	meta recording_id c0c0c0c0
	meta host hostC
	meta classes proc,mem,file,cpu
	meta start_ns 1000000000
	meta clock_offset_ns 1700000000000000000
	proc ts=1000000000 pid=100 comm=app ppid=1 start_ns=500000000 exe="/bin/app" argv="app"
	proc ts=1000000000 pid=200 comm=other ppid=1 start_ns=600000000 exe="/bin/other" argv="other"
	fd ts=1000000000 pid=100 fd=3 dev=0x800001 ino=12 path="/data/in"
	cputime ts=1000000000 pid=100 comm=app on_cpu_ns=5000000 runq_ns=1000000 timeslices=10 vol_switches=3 invol_switches=1 h.flags=0x400
	cputime ts=1000000000 pid=100 tid=101 comm=app-w on_cpu_ns=2000000 runq_ns=500000 timeslices=5 vol_switches=1 invol_switches=0 h.flags=0x400
	cputime ts=1000000000 pid=200 comm=other h.flags=0x400
	wakeup ts=1100000000 pid=0 comm=swapper/0 wakee_pid=100 wakee_tid=100 target_cpu=0
	switch ts=1102000000 pid=0 comm=swapper/0 next_pid=100 next_tid=100 next_comm=app prev_state=0
	syscpu ts=1200000000 pid=100 comm=app off_cpu_ns=30000000 blocked_ns=10000000 runq_ns=1000000 vol_switches=2 invol_switches=1 nr=0
	rw ts=1200000000 pid=100 comm=app sys=read ret=4096 fd=3 count=4096 offset=-1 dev=0x800001 ino=12 dur_ns=40000000
	switch ts=1300000000 pid=100 tid=101 comm=app-w next_pid=200 next_tid=200 next_comm=other prev_state=0
	switch ts=1305000000 pid=200 comm=other next_pid=100 next_tid=101 next_comm=app-w prev_state=1 prev_state_raw=1
	wakeup ts=1400000000 pid=100 comm=app wakee_pid=200 wakee_tid=200 target_cpu=1
	switch ts=1410000000 cpu=1 pid=100 tid=101 comm=app-w next_pid=200 next_tid=200 next_comm=other prev_state=1 prev_state_raw=1
	wakeup ts=1500000000 pid=999 comm=stranger wakee_pid=100 wakee_tid=101 target_cpu=0
	switch ts=1501000000 pid=999 comm=stranger next_pid=100 next_tid=101 next_comm=app-w prev_state=2 prev_state_raw=2
	rw ts=1600000000 pid=100 tid=101 comm=app-w sys=write ret=-32 fd=4 count=10 offset=-1 h.flags=0x40 dur_ns=2000000
	syscpu ts=1700000000 pid=100 tid=101 comm=app-w off_cpu_ns=50000000 vol_switches=1 nr=35
	syscall ts=1700000000 pid=100 tid=101 comm=app-w sys=nanosleep ret=0 dur_ns=50100000
	cputime ts=1800000000 pid=100 tid=101 comm=app-w on_cpu_ns=2600000 runq_ns=6500000 timeslices=9 vol_switches=3 invol_switches=1 h.flags=0x200
	exit ts=1800000000 pid=100 tid=101 comm=app-w exit_code=0
	fork ts=1850000000 pid=100 comm=app sys=clone ret=102 child_pid=100 child_tid=102 h.flags=1 dur_ns=30000
	wakeup ts=1850000000 pid=100 comm=app wakee_pid=100 wakee_tid=102 target_cpu=1 h.flags=0x100
	switch ts=1853000000 cpu=1 pid=0 comm=swapper/1 next_pid=100 next_tid=102 next_comm=app-n prev_state=0
	cputime ts=3000000000 pid=100 comm=app on_cpu_ns=25000000 runq_ns=4000000 timeslices=20 vol_switches=8 invol_switches=3
	cputime ts=3000000000 pid=100 tid=102 comm=app-n on_cpu_ns=7000000 runq_ns=3000000 timeslices=2 vol_switches=1
	cputime ts=3000000000 pid=200 comm=other on_cpu_ns=1000000 runq_ns=10000000 timeslices=3 vol_switches=2
	endmeta stop_ns 3000000000
	EOF
"$MK" -o "$D/cpu.trc" "$D/cpu.spec" || fail mktrace cpu.trc
F=$D/cpu.trc

# csv NAME WANT ARGS...: stdout of a CSV report must be exactly WANT
csv() {
	local n=$1 want=$2 got
	shift 2
	got=$("$S" analyze "$@" --no-progress --format csv 2>/dev/null)
	expect_eq "$n" "$got" "$want"
}
# spec_head ID HOST CLASSES PID COMM: the metadata and the one process of a small trace
spec_head() {
	printf 'meta recording_id %s\nmeta host %s\nmeta classes %s\nmeta start_ns 1000000000\n' "$1" "$2" "$3"
	printf 'proc ts=1000000000 pid=%s comm=%s ppid=1 start_ns=500000000\n' "$4" "$5"
}
# cpu_share as the CSV prints it: on / duration, %.17g
share() { python3 -c 'import sys; print("%.17g" % (int(sys.argv[1]) / int(sys.argv[2])))' "$1" "$2"; }

# --- --cpu ---------------------------------------------------------------

csv cpu_by_process "pid,comm,on_cpu_ns,runq_ns,off_cpu_ns,vol_switches,invol_switches,blocked_ns,runq_p50_ns,runq_p99_ns,runq_max_ns,cpu_share,timeslices,runq_waits,threads,host
100,app,27600000,12000000,80000000,8,3,10000000,2000000,5000000,5000000,$(share 27600000 2000000000),16,4,3,hostC
200,other,1000000,10000000,0,2,0,0,10000000,10000000,10000000,$(share 1000000 2000000000),3,1,1,hostC" "$F" --cpu

csv cpu_by_thread "pid,tid,comm,on_cpu_ns,runq_ns,off_cpu_ns,vol_switches,invol_switches,blocked_ns,runq_p50_ns,runq_p99_ns,runq_max_ns,cpu_share,timeslices,runq_waits,host
100,100,app,20000000,3000000,30000000,5,2,10000000,2000000,2000000,2000000,$(share 20000000 2000000000),10,1,hostC
100,102,app-n,7000000,3000000,0,1,0,0,3000000,3000000,3000000,$(share 7000000 2000000000),2,1,hostC
200,200,other,1000000,10000000,0,2,0,0,10000000,10000000,10000000,$(share 1000000 2000000000),3,1,hostC
100,101,app-w,600000,6000000,50000000,2,1,0,1000000,5000000,5000000,$(share 600000 2000000000),4,2,hostC" "$F" --cpu --by thread

csv cpu_by_process_explicit "$("$S" analyze "$F" --cpu --format csv 2>/dev/null)" "$F" --cpu --by process
got=$("$S" analyze "$F" --cpu --by thread --pid 200 --format csv 2>/dev/null | cut -d, -f1-4)
expect_eq cpu_pid "$got" "pid,tid,comm,on_cpu_ns
200,200,other,1000000"
got=$("$S" analyze "$F" --cpu --comm app --limit 1 --format csv 2>/dev/null | cut -d, -f1-3)
expect_eq cpu_comm_limit "$got" "pid,comm,on_cpu_ns
100,app,27600000"
got=$("$S" analyze "$F" --cpu --since 5 --format csv 2>&1 >/dev/null | grep -c 'figures for the whole recording')
expect_eq cpu_window_note "$got" 1

got=$("$S" analyze "$F" --cpu 2>/dev/null | grep -v '^#')
expect_eq cpu_table "$got" "pid  comm    on_cpu  share     runq  off_cpu  blocked  runq_p99
100  app    27.60ms  1.4%   12.00ms  80.00ms  10.00ms    5.00ms
200  other   1.00ms  0.1%   10.00ms      0ns      0ns   10.00ms"

must_fail cpu_by_file "$S" analyze "$F" --cpu --by file
must_fail top_io_by_thread "$S" analyze "$F" --top-io --by thread
must_fail by_without_report "$S" analyze "$F" --syscalls --by thread

# --- --syscalls, --procs, --slow -----------------------------------------

csv syscalls_cpu "syscall,calls,errors,total_ns,mean_ns,p50_ns,p99_ns,max_ns,on_cpu_ns,off_cpu_ns,blocked_ns,runq_ns,vol_switches,invol_switches
nanosleep,1,0,50100000,50100000,50100000,50100000,50100000,100000,50000000,0,0,1,0
read,1,0,40000000,40000000,40000000,40000000,40000000,9000000,30000000,10000000,1000000,2,1
write,1,1,2000000,2000000,2000000,2000000,2000000,2000000,0,0,0,0,0
clone,1,0,30000,30000,30000,30000,30000,30000,0,0,0,0,0" "$F" --syscalls
# filtered: summed from the event rows of the window
csv syscalls_cpu_window "syscall,calls,errors,total_ns,mean_ns,p50_ns,p99_ns,max_ns,on_cpu_ns,off_cpu_ns,blocked_ns,runq_ns,vol_switches,invol_switches
nanosleep,1,0,50100000,50100000,50100000,50100000,50100000,100000,50000000,0,0,1,0
clone,1,0,30000,30000,30000,30000,30000,30000,0,0,0,0,0" "$F" --syscalls --pid 100 --since 650ms
got=$("$S" analyze "$F" --syscalls 2>/dev/null | grep -v '^#' | head -1)
expect_eq syscalls_cpu_table_header "$got" "syscall    calls  errors    total      max   on_cpu  off_cpu    runq"

csv procs_cpu "pid,ppid,comm,depth,start,end,duration_ns,on_cpu_ns,exit_code,exit_status,exit_signal,threads,execs,exe,cmdline,host
100,1,app,0,-0.500000,,,27600000,,,,1,0,/bin/app,app,hostC
200,1,other,0,-0.400000,,,1000000,,,,0,0,/bin/other,other,hostC" "$F" --procs

csv slow "time,pid,tid,comm,syscall,dur_ns,on_cpu_ns,off_cpu_ns,blocked_ns,runq_ns,vol_switches,invol_switches,ret,error,fd,path,host
0.700000,100,101,app-w,nanosleep,50100000,100000,50000000,0,0,1,0,0,,,,hostC
0.200000,100,100,app,read,40000000,9000000,30000000,10000000,1000000,2,1,4096,,3,/data/in,hostC
0.600000,100,101,app-w,write,2000000,2000000,0,0,0,0,0,-32,EPIPE,4,,hostC
0.850000,100,100,app,clone,30000,30000,0,0,0,0,0,102,,,,hostC" "$F" --slow
got=$("$S" analyze "$F" --slow --limit 2 --format csv 2>/dev/null | cut -d, -f5,6)
expect_eq slow_limit "$got" "syscall,dur_ns
nanosleep,50100000
read,40000000"
got=$("$S" analyze "$F" --slow --since 500ms --until 800ms --format csv 2>/dev/null | cut -d, -f5)
expect_eq slow_window "$got" "syscall
nanosleep
write"
got=$("$S" analyze "$F" --slow --pid 200 --format csv 2>/dev/null)
expect_eq slow_pid_none "$got" "time,pid,tid,comm,syscall,dur_ns,on_cpu_ns,off_cpu_ns,blocked_ns,runq_ns,vol_switches,invol_switches,ret,error,fd,path,host"
got=$("$S" analyze "$F" --slow --limit 3 2>/dev/null | grep -v '^# recording\|^#   ')
expect_eq slow_table "$got" "pid  tid  comm   syscall        dur   on_cpu  off_cpu    runq  result  file
100  101  app-w  nanosleep  50.10ms  100.0us  50.00ms     0ns  0       -
100  100  app    read       40.00ms   9.00ms  30.00ms  1.00ms  4096    /data/in
100  101  app-w  write       2.00ms   2.00ms      0ns     0ns  EPIPE   fd 4
# first 3 rows (--limit 0 shows all)"

# --- the tables ----------------------------------------------------------

q() { "$S" analyze "$@" --no-progress --format csv 2>/dev/null | tail -n +2; }
# switches and wakeups make no process: not the idle task, not 999
expect_eq procs_only_recorded "$(q "$F" --sql "SELECT pid FROM procs ORDER BY pid" | tr '\n' ' ')" "100 200 "
expect_eq sched_rows "$(q "$F" --sql "SELECT type, COUNT(*), COUNT(proc_id), COUNT(next_proc_id), SUM(wait_ns) FROM ev_sched GROUP BY type ORDER BY type")" "16,6,3,6,21000000
17,4,2,4,"
expect_eq sched_waits "$(q "$F" --sql "SELECT ts, next_tid, wait_ns FROM ev_sched WHERE wait_ns IS NOT NULL ORDER BY ts")" "1102000000,100,2000000
1305000000,101,5000000
1410000000,200,10000000
1501000000,101,1000000
1853000000,102,3000000"
# every syscall's split adds up to its duration; exit has none
expect_eq events_split "$(q "$F" --sql "SELECT COUNT(*), SUM(on_cpu_ns + off_cpu_ns + runq_ns = dur_ns), COUNT(on_cpu_ns) FROM events")" "5,4,4"
expect_eq recordings_cpu "$(q "$F" --sql "SELECT cpu FROM recordings")" 1
expect_eq not_events "$(q "$F" --sql "SELECT events FROM recordings")" 5

# JSON: the figures are integers, cpu_share a number
if command -v python3 >/dev/null; then
	for r in "--cpu" "--cpu --by thread" "--syscalls" "--slow" "--procs"; do
		# shellcheck disable=SC2086
		if "$S" analyze "$F" $r --format json 2>/dev/null | python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert rows
for row in rows:
    for k, v in row.items():
        if k.endswith("_ns") or k.endswith("switches") or k in ("pid", "tid", "runq_waits", "timeslices"):
            assert v is None or type(v) is int, (k, v)
        if k == "cpu_share":
            assert type(v) is float, (k, v)
'; then ok "json_types $r"; else fail "json_types $r" "not integers"; fi
	done
else
	skip json_types "no python3"
fi

# --- a rotated set: a baseline of the second file is none for a thread of the first

rot_meta() {
	cat <<-EOF
	meta recording_id c0c0c0c1
	meta rotation_index $1
	meta host hostR
	meta classes proc,file,cpu
	meta start_ns $2
	proc ts=$2 pid=100 comm=app ppid=1 start_ns=500000000 exe="/bin/app" argv="app"
	EOF
}
{ rot_meta 0 1000000000; cat <<-'EOF'
	cputime ts=1000000000 pid=100 comm=app on_cpu_ns=1000000 runq_ns=100000 timeslices=1 vol_switches=1 h.flags=0x400
	fork ts=1100000000 pid=100 comm=app sys=clone ret=101 child_pid=100 child_tid=101 h.flags=1 dur_ns=1000
	switch ts=1200000000 pid=0 comm=swapper/0 next_pid=100 next_tid=101 next_comm=app prev_state=0
	cputime ts=1500000000 pid=100 comm=app on_cpu_ns=3000000 runq_ns=200000 timeslices=4 vol_switches=2 invol_switches=1
	cputime ts=1500000000 pid=100 tid=101 comm=app on_cpu_ns=500000 runq_ns=50000 timeslices=1
	endmeta stop_ns 1500000000
	EOF
} | "$MK" -o "$D/rot0.trc" || fail mktrace rot0.trc
{ rot_meta 1 1500000000; cat <<-'EOF'
	cputime ts=1500000000 pid=100 comm=app on_cpu_ns=3000000 runq_ns=200000 timeslices=4 vol_switches=2 invol_switches=1 h.flags=0x400
	cputime ts=1500000000 pid=100 tid=101 comm=app on_cpu_ns=500000 runq_ns=50000 timeslices=1 h.flags=0x400
	cputime ts=1800000000 pid=100 tid=101 comm=app on_cpu_ns=900000 runq_ns=80000 timeslices=3 vol_switches=2 invol_switches=1 h.flags=0x200
	cputime ts=2000000000 pid=100 comm=app on_cpu_ns=6000000 runq_ns=300000 timeslices=9 vol_switches=4 invol_switches=2
	endmeta stop_ns 2000000000
	EOF
} | "$MK" -o "$D/rot1.trc" || fail mktrace rot1.trc
# switch records were kept: no wait measured is 0 waits and NULL percentiles
csv rotated_threads "pid,tid,comm,on_cpu_ns,runq_ns,off_cpu_ns,vol_switches,invol_switches,blocked_ns,runq_p50_ns,runq_p99_ns,runq_max_ns,cpu_share,timeslices,runq_waits,host
100,100,app,5000000,200000,0,3,2,0,,,,$(share 5000000 1000000000),8,0,hostR
100,101,app,900000,80000,0,2,1,0,,,,$(share 900000 1000000000),3,0,hostR" "$D/rot1.trc" "$D/rot0.trc" --cpu --by thread
got=$("$S" analyze "$D/rot0.trc" "$D/rot1.trc" --cpu --format csv 2>/dev/null | cut -d, -f1-8,15)
expect_eq rotated_process "$got" "pid,comm,on_cpu_ns,runq_ns,off_cpu_ns,vol_switches,invol_switches,blocked_ns,threads
100,app,5900000,280000,0,5,3,0,2"

# --- no switch records (record --sched-switches none): totals, no percentiles

{ spec_head c0c0c0c2 hostD proc,file,cpu 100 nosw; cat <<-'EOF'
	cputime ts=1000000000 pid=100 comm=nosw h.flags=0x400
	syscpu ts=1500000000 pid=100 comm=nosw off_cpu_ns=7000000 blocked_ns=7000000 runq_ns=2000000 vol_switches=1 invol_switches=1 nr=0
	rw ts=1500000000 pid=100 comm=nosw sys=read ret=1 fd=0 count=1 offset=-1 dur_ns=10000000
	cputime ts=2000000000 pid=100 comm=nosw on_cpu_ns=4000000 runq_ns=1000000 timeslices=5 vol_switches=3 invol_switches=1
	endmeta stop_ns 2000000000
	EOF
} | "$MK" -o "$D/nosw.trc" || fail mktrace nosw.trc
csv nosw_cpu "pid,comm,on_cpu_ns,runq_ns,off_cpu_ns,vol_switches,invol_switches,blocked_ns,runq_p50_ns,runq_p99_ns,runq_max_ns,cpu_share,timeslices,runq_waits,threads,host
100,nosw,4000000,1000000,7000000,3,1,7000000,,,,$(share 4000000 1000000000),5,,1,hostD" "$D/nosw.trc" --cpu
got=$("$S" analyze "$D/nosw.trc" --slow --format csv 2>/dev/null | cut -d, -f5-12)
expect_eq nosw_slow "$got" "syscall,dur_ns,on_cpu_ns,off_cpu_ns,blocked_ns,runq_ns,vol_switches,invol_switches
read,10000000,1000000,7000000,7000000,2000000,1,1"

# --- the class shown only by its records: rows before the first have their split

{ spec_head c0c0c0c3 hostL proc,file 300 late; cat <<-'EOF'
	open ts=1100000000 pid=300 comm=late sys=openat ret=3 dirfd=-100 flags=0 name="/x" path="/x" dev=0x800001 ino=7 dur_ns=3000
	syscpu ts=1200000000 pid=300 comm=late off_cpu_ns=1000 runq_ns=500 vol_switches=1 nr=0
	rw ts=1200000000 pid=300 comm=late sys=read ret=10 fd=3 count=10 offset=-1 dev=0x800001 ino=7 dur_ns=4000
	cputime ts=1900000000 pid=300 comm=late on_cpu_ns=100000 h.flags=0x200
	exit ts=1900000000 pid=300 comm=late exit_code=0 h.flags=2
	endmeta stop_ns 2000000000
	EOF
} | "$MK" -o "$D/late.trc" || fail mktrace late.trc
"$S" analyze "$D/late.trc" --db "$D/late.db" --no-progress >/dev/null 2>&1 || fail late_db "import failed"
expect_eq late_rows "$(q --db "$D/late.db" --sql "SELECT sys_id, on_cpu_ns, off_cpu_ns, runq_ns FROM events ORDER BY id")" "1,3000,0,0
2,2500,1000,500
,,,"
csv late_syscalls "syscall,calls,errors,total_ns,mean_ns,p50_ns,p99_ns,max_ns,on_cpu_ns,off_cpu_ns,blocked_ns,runq_ns,vol_switches,invol_switches
read,1,0,4000,4000,4000,4000,4000,2500,1000,0,500,1,0
openat,1,0,3000,3000,3000,3000,3000,3000,0,0,0,0,0" "$D/late.trc" --syscalls

# sys_stats of two imports into one database (summed from the event rows)
# equal those of one import of both files (summed in memory)
"$S" analyze "$F" --db "$D/two.db" --no-progress >/dev/null 2>&1 || fail two_db "import failed"
"$S" analyze "$D/late.trc" --db "$D/two.db" --no-progress >/dev/null 2>&1 || fail two_db "import failed"
expect_eq syscalls_two_imports "$(q --db "$D/two.db" --syscalls)" "$(q "$F" "$D/late.trc" --syscalls)"

# --- a new child woken before its fork record; strangers make nothing ------

{ spec_head c0c0c0c4 hostF proc,cpu 100 app; cat <<-'EOF'
	wakeup ts=1100000000 pid=100 comm=app wakee_pid=300 wakee_tid=300 target_cpu=1 h.flags=0x100
	switch ts=1102000000 cpu=1 pid=0 comm=swapper/1 next_pid=300 next_tid=300 next_comm=app prev_state=0
	fork ts=1103000000 pid=100 comm=app sys=clone ret=300 child_pid=300 child_tid=300 dur_ns=100000
	wakeup ts=1200000000 pid=999 comm=stranger wakee_pid=400 wakee_tid=400 target_cpu=0 h.flags=0x100
	switch ts=1300000000 pid=999 comm=stranger next_pid=998 next_tid=998 next_comm=other prev_state=0
	cputime ts=2000000000 pid=300 comm=app on_cpu_ns=1000000
	EOF
} | "$MK" -o "$D/fork.trc" || fail mktrace fork.trc
expect_eq fork_procs "$(q "$D/fork.trc" --sql "SELECT pid, ppid, origin FROM procs ORDER BY pid")" "100,1,snapshot
300,100,fork"
got=$("$S" analyze "$D/fork.trc" --cpu --by thread --format csv 2>/dev/null | cut -d, -f1-4,10,15)
expect_eq fork_child_wait "$got" "pid,tid,comm,on_cpu_ns,runq_p50_ns,runq_waits
300,300,app,1000000,2000000,1"

# --- waits: a wakeup of a running thread, or written after its switch-in, starts none

{ spec_head c0c0c0c6 hostO proc,cpu 100 app; cat <<-'EOF'
	switch ts=1100000000 pid=0 comm=swapper/0 next_pid=100 next_tid=100 next_comm=app prev_state=0
	wakeup ts=1150000000 pid=0 comm=swapper/0 wakee_pid=100 wakee_tid=100
	switch ts=1200000000 pid=100 comm=app next_pid=0 next_tid=0 next_comm=swapper/0 prev_state=0
	switch ts=1204000000 pid=0 comm=swapper/0 next_pid=100 next_tid=100 next_comm=app prev_state=0
	switch ts=1300000000 pid=100 comm=app next_pid=0 next_tid=0 next_comm=swapper/0 prev_state=1
	switch ts=1310000000 cpu=1 pid=0 comm=swapper/1 next_pid=100 next_tid=100 next_comm=app prev_state=0
	wakeup ts=1309000000 pid=0 comm=swapper/0 wakee_pid=100 wakee_tid=100 target_cpu=1
	switch ts=1400000000 cpu=1 pid=100 comm=app next_pid=0 next_tid=0 next_comm=swapper/1 prev_state=1
	wakeup ts=1500000000 pid=0 comm=swapper/0 wakee_pid=100 wakee_tid=100
	switch ts=1507000000 pid=0 comm=swapper/0 next_pid=100 next_tid=100 next_comm=app prev_state=0
	EOF
} | "$MK" -o "$D/order.trc" || fail mktrace order.trc
got=$("$S" analyze "$D/order.trc" --cpu --by thread --format csv 2>/dev/null | cut -d, -f2,10-12,15)
expect_eq waits_order "$got" "tid,runq_p50_ns,runq_p99_ns,runq_max_ns,runq_waits
100,4000000,7000000,7000000,2"

# --- traces without the class: no cpu columns, nothing else changes ---------

{ spec_head c0c0c0c5 hostP proc,mem,file 100 plain; cat <<-'EOF'
	open ts=1100000000 pid=100 comm=plain sys=openat ret=-2 dirfd=-100 flags=0 name="/nope" dur_ns=3000
	rw ts=1200000000 pid=100 comm=plain sys=read ret=10 fd=0 count=10 offset=-1 h.flags=0x40 dur_ns=4000
	EOF
} | "$MK" -o "$D/plain.trc" || fail mktrace plain.trc
csv plain_syscalls "syscall,calls,errors,total_ns,mean_ns,p50_ns,p99_ns,max_ns
read,1,0,4000,4000,4000,4000,4000
openat,1,1,3000,3000,3000,3000,3000" "$D/plain.trc" --syscalls
got=$("$S" analyze "$D/plain.trc" --syscalls 2>/dev/null | grep -v '^#' | head -1)
expect_eq plain_syscalls_table "$got" "syscall  calls  errors  total   mean    p50    p99    max"
csv plain_procs "pid,ppid,comm,depth,start,end,duration_ns,exit_code,exit_status,exit_signal,threads,execs,exe,cmdline,host
100,1,plain,0,-0.500000,,,,,,0,0,,,hostP" "$D/plain.trc" --procs
csv plain_slow "time,pid,tid,comm,syscall,dur_ns,on_cpu_ns,off_cpu_ns,blocked_ns,runq_ns,vol_switches,invol_switches,ret,error,fd,path,host
0.200000,100,100,plain,read,4000,,,,,,,10,,0,,hostP
0.100000,100,100,plain,openat,3000,,,,,,,-2,ENOENT,,/nope,hostP" "$D/plain.trc" --slow
got=$("$S" analyze "$D/plain.trc" --slow 2>/dev/null | grep -v '^#' | tail -1)
expect_eq plain_slow_table "$got" "100  100  plain  openat   3.0us       -        -     -  ENOENT  /nope"
csv plain_cpu "pid,comm,on_cpu_ns,runq_ns,off_cpu_ns,vol_switches,invol_switches,blocked_ns,runq_p50_ns,runq_p99_ns,runq_max_ns,cpu_share,timeslices,runq_waits,threads,host" "$D/plain.trc" --cpu
expect_eq plain_cpu_note "$("$S" analyze "$D/plain.trc" --cpu 2>/dev/null | grep -c 'no recording has the cpu class')" 1
expect_eq plain_no_split "$(q "$D/plain.trc" --sql "SELECT COUNT(on_cpu_ns) FROM events")" 0
expect_eq plain_recordings_cpu "$(q "$D/plain.trc" --sql "SELECT cpu FROM recordings")" 0
# with a recording that has it, the columns come, NULL for the syscalls of the other
got=$("$S" analyze "$D/plain.trc" "$D/nosw.trc" --syscalls --format csv 2>/dev/null | cut -d, -f1,2,9-)
expect_eq mixed_syscalls "$got" "syscall,calls,on_cpu_ns,off_cpu_ns,blocked_ns,runq_ns,vol_switches,invol_switches
read,2,1000000,7000000,7000000,2000000,1,1
openat,1,,,,,,"

# the help names the reports
got=$("$S" analyze --help | grep -c -- '--cpu \[--by process|thread|host|recording\]\|--slow ')
expect_eq help_reports "$got" 2

t_done
