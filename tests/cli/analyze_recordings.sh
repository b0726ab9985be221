#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_recordings.sh - what analyze says of recordings: the recorded
# command's parent (the recorder, from the metadata), several recordings at
# once (--by host, each recording on its own clock), and long calls spread
# over the timeline buckets they span.  Uses the ASan/UBSan build; no root.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
need_built analyze_recordings "$S" "$MK"
export TZ=UTC
t_tmpdir
D=$tmp

csv() { "$S" analyze "$@" --no-progress --format csv 2>/dev/null; }

# --- the command's ppid: the recorder's pid, from the metadata ---
# pid 100 is the command (record forked it before tracing: no fork record),
# 101 its child; the recorder was pid 99
cmd_trace() { # FILE [META...]
	local f=$1
	shift
	{ printf 'meta %s\n' "$@"
	  cat <<-EOF
	meta start_ns 1000000000
	exec ts=1000000000 pid=100 comm=sh sys=execve ret=0 filename="/bin/sh" path="/bin/sh" argv="sh" argc=1
	fork ts=1100000000 pid=100 comm=sh sys=clone ret=101 child_pid=101 child_tid=101
	exit ts=1200000000 pid=101 comm=sh exit_code=0 h.flags=2
	exit ts=1300000000 pid=100 comm=sh exit_code=0 h.flags=2
	EOF
	} | "$MK" -o "$f" -f >/dev/null || fail mktrace "$f"
}
cmd_trace "$D/cmd.trc" "recording_id c0ffee01" "recorder_pid 99" "command_pid 100"
expect_eq "command: ppid is the recorder's" "$(csv "$D/cmd.trc" --procs | cut -d, -f1,2 | sort)" \
	"$(printf '100,99\n101,100\npid,ppid')"
# a trace written before the keys: the command's ppid stays unknown
cmd_trace "$D/old.trc" "recording_id c0ffee02"
expect_eq "command, older trace: ppid unknown" "$(csv "$D/old.trc" --procs | cut -d, -f1,2 | sort)" \
	"$(printf '100,\n101,100\npid,ppid')"
# only the command: a process of another pid without a known parent stays so
cmd_trace "$D/other.trc" "recording_id c0ffee03" "recorder_pid 99" "command_pid 555"
expect_eq "command_pid of another process: ppid unknown" \
	"$(csv "$D/other.trc" --procs | cut -d, -f1,2 | sort)" "$(printf '100,\n101,100\npid,ppid')"

# --- several recordings: --by host ---
# mk ID HOST DUR: app reads twice and fails a write, each call DUR ns
mk() {
	cat <<-EOF | "$MK" -o "$D/$1.trc" -f >/dev/null || fail mktrace "$1"
	meta recording_id $1
	meta host $2
	meta start_ns 1000000000
	proc ts=1000000000 pid=100 comm=app ppid=1 start_ns=500000000 argv="app"
	rw ts=1110000000 pid=100 comm=app sys=read ret=10 fd=4 count=100 offset=-1 dur_ns=$3
	rw ts=1120000000 pid=100 comm=app sys=read ret=10 fd=4 count=100 offset=-1 dur_ns=$3
	rw ts=1130000000 pid=100 comm=app sys=write ret=-9 fd=4 count=100 offset=-1 dur_ns=$3
	EOF
}
mk a1 hostA 1000
mk a2 hostA 3000
mk b1 hostB 5000
# hostA: reads of 1000, 1000, 3000, 3000 ns (p50 1000 as --syscalls computes it
# for these four), writes of 1000 and 3000; hostB: 5000 each
expect_eq "--syscalls --by host: per host and syscall" \
	"$(csv "$D/a1.trc" "$D/a2.trc" "$D/b1.trc" --syscalls --by host)" \
	"host,syscall,calls,errors,total_ns,mean_ns,p50_ns,p99_ns,max_ns
hostA,read,4,0,8000,2000,1000,3000,3000
hostA,write,2,2,4000,2000,1000,3000,3000
hostB,read,2,0,10000,5000,5000,5000,5000
hostB,write,1,1,5000,5000,5000,5000,5000"
summed() { "$S" analyze "$@" --no-progress 2>/dev/null | grep 'figures summed'; }
expect_eq "--by host: two runs of one host summed, said" \
	"$(summed "$D/a1.trc" "$D/a2.trc" "$D/b1.trc" --syscalls --by host)" \
	"# 3 recordings (hosts hostA, hostB): figures summed per host; --by recording: a row per recording"
expect_eq "--by host: one recording per host, nothing summed" \
	"$(summed "$D/a1.trc" "$D/b1.trc" --syscalls --by host)" ""
expect_eq "--syscalls without --by host: summed, said" \
	"$(summed "$D/a1.trc" "$D/b1.trc" --syscalls)" \
	"# 2 recordings (hosts hostA, hostB): figures summed; --by recording: a row per recording"
# the same figures with a filter (the events are read either way)
expect_eq "--syscalls --by host --pid 100" \
	"$(csv "$D/a1.trc" "$D/b1.trc" --syscalls --by host --pid 100 | tail -1)" \
	"hostB,write,1,1,5000,5000,5000,5000,5000"
must_fail "--syscalls --by process" "$S" analyze "$D/a1.trc" --syscalls --by process --no-progress
must_fail "--syscalls --by host --hist" "$S" analyze "$D/a1.trc" --syscalls --by host --hist --no-progress
must_fail "--top-io --by host" "$S" analyze "$D/a1.trc" --top-io --by host --no-progress

# --mem over two hosts: a row per process, labelled with its host, not summed
expect_eq "--mem: rows labelled by host" \
	"$(csv "$D/a1.trc" "$D/b1.trc" --mem | head -1)" \
	"pid,comm,mmaps,mapped_bytes,munmaps,unmapped_bytes,peak_bytes,brks,heap_growth_bytes,host"
expect_eq "--mem: no 'summed' line (a host column)" "$(summed "$D/a1.trc" "$D/b1.trc" --mem)" ""

# --cpu --by host: app and db each with on-CPU time from counters
mkc() { # ID HOST APP_NS DB_NS (on-CPU over the one-second recording, from 1 ms)
	cat <<-EOF | "$MK" -o "$D/$1.trc" -f >/dev/null || fail mktrace "$1"
	meta recording_id $1
	meta host $2
	meta classes proc,mem,file,cpu
	meta start_ns 1000000000
	meta stop_ns 2000000000
	proc ts=1000000000 pid=101 comm=app ppid=1 start_ns=500000000 argv="app"
	proc ts=1000000000 pid=102 comm=db ppid=1 start_ns=500000000 argv="db"
	cputime ts=1000000000 pid=101 comm=app on_cpu_ns=1000000 h.flags=0x400
	cputime ts=1000000000 pid=102 comm=db on_cpu_ns=1000000 h.flags=0x400
	cputime ts=2000000000 pid=101 comm=app on_cpu_ns=$3
	cputime ts=2000000000 pid=102 comm=db on_cpu_ns=$4
	EOF
}
mkc c1 hostA 5000000 11000000
mkc c2 hostA 3000000 2000000
mkc c3 hostB 101000000 1000000
# hostA: 4 + 10 + 2 + 1 = 17 ms over 2 s; hostB: 100 + 0 ms over 1 s
expect_eq "--cpu --by host" \
	"$(csv "$D/c1.trc" "$D/c2.trc" "$D/c3.trc" --cpu --by host | cut -d, -f1-3,10,13)" \
	"host,processes,on_cpu_ns,cpu_share,threads
hostB,2,100000000,0.10000000000000001,2
hostA,4,17000000,0.0085000000000000006,4"
expect_eq "--cpu --by host: the share in tables" \
	"$("$S" analyze "$D/c1.trc" "$D/c2.trc" "$D/c3.trc" --cpu --by host --no-progress 2>/dev/null |
	   awk '/^host +processes/ { h = 1; next } h { print $1, $4 }')" "hostB 10.0%
hostA 0.9%"

# --- --timeline --time abs: each recording on its own clock ---
# a starts at wall 1700000001.0 (monotonic 1 s), b at 1700000001.5
# (monotonic 5 s); each reads 0.15 s after its start (1000 ns)
mkw() { # ID START_NS OFFSET READ_TS BYTES
	cat <<-EOF | "$MK" -o "$D/$1.trc" -f >/dev/null || fail mktrace "$1"
	meta recording_id $1
	meta host h$1
	meta start_ns $2
	meta clock_offset_ns $3
	rw ts=$4 pid=100 comm=app sys=read ret=$5 fd=4 count=100 offset=-1 dur_ns=1000
	EOF
}
mkw wa 1000000000 1700000000000000000 1150000000 10
mkw wb 5000000000 1699999996500000000 5150000000 20
expect_eq "--timeline --time abs: each recording by its clock" \
	"$(csv "$D/wa.trc" "$D/wb.trc" --timeline --interval 100ms --time abs)" \
	"time,events,read_bytes,write_bytes,syscall_ns
2023-11-14 22:13:21.100000,1,10,0,1000
2023-11-14 22:13:21.200000,0,0,0,0
2023-11-14 22:13:21.300000,0,0,0,0
2023-11-14 22:13:21.400000,0,0,0,0
2023-11-14 22:13:21.500000,0,0,0,0
2023-11-14 22:13:21.600000,1,20,0,1000"
# without --time abs: both from their own start
expect_eq "--timeline: times from each recording's start" \
	"$(csv "$D/wa.trc" "$D/wb.trc" --timeline --interval 100ms)" \
	"time,events,read_bytes,write_bytes,syscall_ns
0.100000,2,30,0,2000"

# --- --timeline: a long call spread over the buckets it spans ---
# a read of 1.5 s from 0.05 s to 1.55 s (1.5 s after the recording's start
# plus 50 ms), and a read of 1 ms returning at 0.32 s
printf '%s\n' "meta recording_id 10ng0001" "meta start_ns 1000000000" "meta stop_ns 2600000000" \
	"rw ts=2550000000 pid=100 comm=app sys=read ret=4096 fd=3 count=4096 offset=-1 dur_ns=1500000000" \
	"rw ts=1320000000 pid=100 comm=app sys=read ret=10 fd=3 count=10 offset=-1 dur_ns=1000000" |
	"$MK" -o "$D/long.trc" -f >/dev/null || fail mktrace long.trc
# 0.1 s buckets (table tl): 50 ms in the first, 100 ms in each of the 14
# it runs through (and the short read's 1 ms at 0.3), 50 ms in the last,
# where the read returns with its 4096 bytes
expect_eq "--timeline: a 1.5 s read spread over 0.1 s buckets" \
	"$(csv "$D/long.trc" --timeline --interval 100ms | tr '\n' ' ')" \
	"time,events,read_bytes,write_bytes,syscall_ns 0.000000,0,0,0,50000000 0.100000,0,0,0,100000000 0.200000,0,0,0,100000000 0.300000,1,10,0,101000000 0.400000,0,0,0,100000000 0.500000,0,0,0,100000000 0.600000,0,0,0,100000000 0.700000,0,0,0,100000000 0.800000,0,0,0,100000000 0.900000,0,0,0,100000000 1.000000,0,0,0,100000000 1.100000,0,0,0,100000000 1.200000,0,0,0,100000000 1.300000,0,0,0,100000000 1.400000,0,0,0,100000000 1.500000,1,4096,0,50000000 "
# the same from the events (an interval of no whole 10 ms): 25 ms buckets,
# the first whole from 0.05 s, 1.501 s in all over 61 rows
sum_rows() { awk -F, 'NR > 1 { n++; s += $5; e += $2 } END { print n, e, s }'; }
expect_eq "--timeline --interval 25ms: spread from the events" \
	"$(csv "$D/long.trc" --timeline --interval 25ms | sum_rows)" "61 2 1501000000"
expect_eq "--timeline --interval 25ms: its first and last buckets" \
	"$(csv "$D/long.trc" --timeline --interval 25ms | sed -n '2p;$p' | tr '\n' ' ')" \
	"0.050000,0,0,0,25000000 1.550000,1,4096,0,0 "
# windows: the time within them, also of a call still running at --until
# (0.35 .. 1.23 s: 880 ms) and of one begun before --since
expect_eq "--timeline --since 0.35 --until 1.23: the time in the window (tl)" \
	"$(csv "$D/long.trc" --timeline --interval 100ms --since 0.35 --until 1.23 | sum_rows)" "10 0 880000000"
expect_eq "--timeline --since 0.35 --until 1.23: the first and last buckets" \
	"$(csv "$D/long.trc" --timeline --interval 100ms --since 0.35 --until 1.23 | sed -n '2p;$p' | tr '\n' ' ')" \
	"0.300000,0,0,0,50000000 1.200000,0,0,0,30000000 "
expect_eq "--timeline --since 0.35 --until 1.23: the same from the events" \
	"$(csv "$D/long.trc" --timeline --interval 25ms --since 0.35 --until 1.23 | sum_rows)" "36 0 880000000"
expect_eq "--timeline --until 1.0: the time up to it" \
	"$(csv "$D/long.trc" --timeline --interval 100ms --until 1.0 | sum_rows)" "10 1 951000000"
expect_eq "--timeline --since 1.0: the time from it" \
	"$(csv "$D/long.trc" --timeline --interval 20ms --since 1.0 | sum_rows)" "28 1 550000000"
# in all, the durations dump gives (a second tool: ts_ns - ts_start_ns)
expect_eq "--timeline: the time in all is the calls' durations" \
	"$(csv "$D/long.trc" --timeline | sum_rows | cut -d' ' -f3)" \
	"$("$S" dump --json "$D/long.trc" | /usr/bin/python3 -c 'import json,sys
print(sum(e["ts_ns"] - e["ts_start_ns"] for e in map(json.loads, sys.stdin) if "ts_start_ns" in e))')"

t_done
