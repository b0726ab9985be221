#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze.sh - sysrec analyze on traces built by mktrace, with exact figures:
# every report in every format, every filter, several hosts, a rotated set,
# descriptors through dup2 and across files, --db reuse, a reused inode,
# --limit, output errors, bad input.  Uses the ASan/UBSan build; needs no
# root and no BPF, but for one recording of a real reused inode.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
need_built analyze "$S" "$MK"
export TZ=UTC
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT

# --- the traces ----------------------------------------------------------
#
# host A, recording r1, start 1.0 s (mono), times below are absolute ns.
#   100 bash (snapshot, cgroup /mygroup/sub) forks 101 at +0.1s
#   101 exec cat; writes /tmp/out 4000 (write) + 3000 (pwrite64) + 433 (writev)
#       = 7433, one failed write; dup2(4 -> 1) of /tmp/dup.log, then 250 bytes
#       through fd 1 with no dev/ino (descriptor tracking); reads /etc/passwd
#       1000 + 24 + 0 bytes, one failed read; mmap/munmap/brk; exits 1 at +1.0s
#   100 forks 102 at +1.5s; 102 exec worker in the docker cgroup, a thread
#       writes /var/lib/data 5000 bytes at +2.2s; killed by signal 9 at +2.5s
# The part before +0.45s and the part after can be two rotated files.

meta_a() { # $1: rotation index or empty
	cat <<-EOF
	meta recording_id 5eed0001
	${1:+meta rotation_index $1}
	meta host hostA
	meta start_ns 1000000000
	meta clock_offset_ns 1700000000000000000
	meta cgroup2_mount /sys/fs/cgroup/unified
	cgroup ts=1000000000 id=10 path="/"
	cgroup ts=1000000000 id=77 path="/system.slice/docker-0123456789ab.scope"
	cgroup ts=1000000000 id=88 path="/mygroup/sub"
	EOF
}

part1() {
	cat <<-'EOF'
	proc ts=1000000000 pid=100 comm=bash ppid=1 start_ns=500000000 exe="/bin/bash" argv="bash\0-c\0run" cgroup_id=88
	fd ts=1000000000 pid=100 fd=1 dev=0x500001 ino=3 path="/dev/pts/0"
	fork ts=1100000000 pid=100 comm=bash sys=clone ret=101 child_pid=101 child_tid=101 cgroup_id=88 dur_ns=50000
	exec ts=1150000000 pid=101 comm=cat sys=execve ret=0 filename="/bin/cat" path="/bin/cat" argv="cat\0/etc/passwd" argc=2 cgroup_id=88 dur_ns=300000
	brk ts=1160000000 pid=101 comm=cat sys=brk ret=0x1000000 req=0 cgroup_id=88 dur_ns=1000
	open ts=1200000000 pid=101 comm=cat sys=openat ret=3 dirfd=-100 flags=0x80241 name="out" path="/tmp/out" dev=0x800001 ino=12 cgroup_id=88 dur_ns=5000
	rw ts=1210000000 pid=101 comm=cat sys=write ret=4000 fd=3 count=4000 offset=-1 dev=0x800001 ino=12 cgroup_id=88 dur_ns=10000
	rw ts=1220000000 pid=101 comm=cat sys=pwrite64 ret=3000 fd=3 count=3000 offset=4000 dev=0x800001 ino=12 cgroup_id=88 dur_ns=20000
	rw ts=1230000000 pid=101 comm=cat sys=writev ret=433 fd=3 iovcnt=3 count=433 offset=-1 dev=0x800001 ino=12 cgroup_id=88 dur_ns=30000
	rw ts=1240000000 pid=101 comm=cat sys=write ret=-28 fd=3 count=100 offset=-1 dev=0x800001 ino=12 cgroup_id=88 dur_ns=40000
	open ts=1250000000 pid=101 comm=cat sys=openat ret=4 dirfd=-100 flags=0x241 name="dup.log" path="/tmp/dup.log" dev=0x800001 ino=13 cgroup_id=88 dur_ns=5000
	dup ts=1260000000 pid=101 comm=cat sys=dup2 ret=1 fd=4 newfd=1 dev=0x800001 ino=13 cgroup_id=88 dur_ns=1000
	close ts=1270000000 pid=101 comm=cat sys=close ret=0 fd=4 dev=0x800001 ino=13 cgroup_id=88 dur_ns=1000
	open ts=1300000000 pid=101 comm=cat sys=openat ret=4 dirfd=-100 flags=0 name="/etc/passwd" path="/etc/passwd" dev=0x800002 ino=40 cgroup_id=88 dur_ns=6000
	rw ts=1310000000 pid=101 comm=cat sys=read ret=1000 fd=4 count=4096 offset=-1 dev=0x800002 ino=40 cgroup_id=88 dur_ns=7000
	rw ts=1320000000 pid=101 comm=cat sys=read ret=24 fd=4 count=4096 offset=-1 dev=0x800002 ino=40 cgroup_id=88 dur_ns=8000
	rw ts=1330000000 pid=101 comm=cat sys=read ret=0 fd=4 count=4096 offset=-1 dev=0x800002 ino=40 cgroup_id=88 dur_ns=9000
	rw ts=1340000000 pid=101 comm=cat sys=read ret=-9 fd=9 count=10 offset=-1 h.flags=0x40 cgroup_id=88 dur_ns=1000
	open ts=1350000000 pid=101 comm=cat sys=openat ret=-2 dirfd=-100 flags=0 name="/nonexistent" cgroup_id=88 dur_ns=2000
	mmap ts=1360000000 pid=101 comm=cat sys=mmap ret=0x7f0000000000 addr=0 len=8192 prot=3 flags=0x22 fd=-1 cgroup_id=88 dur_ns=1000
	mmap ts=1370000000 pid=101 comm=cat sys=mmap ret=0x7f0000010000 addr=0 len=4096 prot=1 flags=2 fd=4 off=0 dev=0x800002 ino=40 cgroup_id=88 dur_ns=1000
	mmap ts=1380000000 pid=101 comm=cat sys=mmap ret=-12 len=1048576 prot=3 flags=0x22 fd=-1 cgroup_id=88 dur_ns=1000
	munmap ts=1390000000 pid=101 comm=cat sys=munmap ret=0 addr=0x7f0000010000 len=4096 cgroup_id=88 dur_ns=1000
	lost ts=1400000000 cpu=1 count=12
	EOF
}

# what the recorder writes at the start of the second file: the processes
# alive then (start times rounded to ticks) and their descriptors, except
# 101's fd 1, which only the state carried over from the first file knows
snapshot2() {
	cat <<-'EOF'
	proc ts=1450000000 pid=100 comm=bash ppid=1 start_ns=500000000 exe="/bin/bash" argv="bash\0-c\0run" cgroup_id=88
	proc ts=1450000000 pid=101 comm=cat ppid=100 start_ns=1100000000 exe="/bin/cat" argv="cat\0/etc/passwd" cgroup_id=88
	fd ts=1450000000 pid=100 fd=1 dev=0x500001 ino=3 path="/dev/pts/0"
	fd ts=1450000000 pid=101 fd=3 flags=0x80001 dev=0x800001 ino=12 path="/tmp/out"
	fd ts=1450000000 pid=101 fd=4 dev=0x800002 ino=40 path="/etc/passwd"
	EOF
}

part2() {
	cat <<-'EOF'
	rw ts=1500000000 pid=101 comm=cat sys=write ret=250 fd=1 count=250 offset=-1 h.flags=0x40 cgroup_id=88 dur_ns=11000
	mmap ts=1510000000 pid=101 comm=cat sys=mmap ret=0x7f0000020000 len=65536 prot=3 flags=0x22 fd=-1 cgroup_id=88 dur_ns=1000
	brk ts=1520000000 pid=101 comm=cat sys=brk ret=0x1021000 req=0x1021000 cgroup_id=88 dur_ns=1000
	close ts=1530000000 pid=101 comm=cat sys=close ret=0 fd=3 dev=0x800001 ino=12 cgroup_id=88 dur_ns=1000
	exit ts=2000000000 pid=101 comm=cat exit_code=256 h.flags=2 cgroup_id=88
	fork ts=2500000000 pid=100 comm=bash sys=clone ret=102 child_pid=102 child_tid=102 cgroup_id=88 dur_ns=50000
	exec ts=2600000000 pid=102 comm=worker sys=execve ret=0 filename="/usr/bin/worker" path="/usr/bin/worker" argv="worker\0--fast" argc=2 cgroup_id=77 dur_ns=200000
	fork ts=2650000000 pid=102 comm=worker sys=clone ret=103 child_pid=102 child_tid=103 h.flags=1 cgroup_id=77 dur_ns=40000
	open ts=2700000000 pid=102 comm=worker sys=openat ret=3 dirfd=-100 flags=0x41 name="/var/lib/data" path="/var/lib/data" dev=0x800003 ino=99 cgroup_id=77 dur_ns=5000
	rw ts=3200000000 pid=102 tid=103 comm=worker sys=write ret=5000 fd=3 count=5000 offset=-1 dev=0x800003 ino=99 cgroup_id=77 dur_ns=50000
	syscall ts=3300000000 pid=102 comm=worker sys=nanosleep ret=0 dur_ns=1000000 cgroup_id=77
	exit ts=3400000000 pid=102 tid=103 comm=worker exit_code=0 cgroup_id=77
	exit ts=3500000000 pid=102 comm=worker exit_code=9 h.flags=2 cgroup_id=77
	endmeta stop_ns 4000000000
	endmeta lost 12
	endmeta lost_per_cpu 0:0 1:12
	EOF
}

{ meta_a; part1; part2; } | "$MK" -o "$D/one.trc" || fail mktrace "one.trc"
{ meta_a 0; part1; echo "endmeta stop_ns 1450000000"; } | "$MK" -o "$D/rot0.trc" || fail mktrace "rot0.trc"
{ meta_a 1; snapshot2; part2; } | "$MK" -o "$D/rot1.trc" || fail mktrace "rot1.trc"

# host B: another recording with a pid 101 and a file of the same dev/ino
"$MK" -o "$D/hostb.trc" <<-'EOF' || fail mktrace "hostb.trc"
	meta recording_id 5eed0002
	meta host hostB
	meta start_ns 5000000000
	proc ts=5000000000 pid=101 comm=cat ppid=1 start_ns=4000000000
	open ts=5100000000 pid=101 comm=cat sys=openat ret=3 dirfd=-100 flags=1 name="/tmp/out" path="/tmp/out" dev=0x800001 ino=12 dur_ns=1000
	rw ts=5200000000 pid=101 comm=cat sys=write ret=1000 fd=3 count=1000 offset=-1 dev=0x800001 ino=12 dur_ns=2000
	endmeta stop_ns 6000000000
	EOF

quiet() { "$@" >/dev/null 2>&1; }

# csv NAME WANT ARGS...: stdout of a CSV report must be exactly WANT
csv() {
	local n=$1 want=$2 got
	shift 2
	got=$("$S" analyze "$@" --format csv 2>/dev/null)
	expect_eq "$n" "$got" "$want"
}

# --- every report, CSV ----------------------------------------------------

F="$D/one.trc"
csv top_io_file "path,reads,read_bytes,writes,write_bytes,host
/tmp/out,0,0,3,7433,hostA
/var/lib/data,0,0,1,5000,hostA
/etc/passwd,3,1024,0,0,hostA
/tmp/dup.log,0,0,1,250,hostA" "$F" --top-io --by file

csv top_io_process "pid,comm,reads,read_bytes,writes,write_bytes,host
101,cat,3,1024,4,7683,hostA
102,worker,0,0,1,5000,hostA" "$F" --top-io

csv top_io_cgroup "cgroup,reads,read_bytes,writes,write_bytes,runtime,container_id,unit,host
/mygroup/sub,3,1024,4,7683,,,,hostA
/system.slice/docker-0123456789ab.scope,0,0,1,5000,docker,0123456789ab,docker-0123456789ab.scope,hostA" \
	"$F" --top-io --by cgroup

csv syscalls "syscall,calls,errors,total_ns,mean_ns,p50_ns,p99_ns,max_ns
nanosleep,1,0,1000000,1000000,1000000,1000000,1000000
execve,2,0,500000,250000,200000,300000,300000
clone,3,0,140000,46666,50000,50000,50000
write,4,1,111000,27750,11000,50000,50000
writev,1,0,30000,30000,30000,30000,30000
read,4,1,25000,6250,7000,9000,9000
openat,5,1,23000,4600,5000,6000,6000
pwrite64,1,0,20000,20000,20000,20000,20000
mmap,4,1,4000,1000,1000,1000,1000
brk,2,0,2000,1000,1000,1000,1000
close,2,0,2000,1000,1000,1000,1000
dup2,1,0,1000,1000,1000,1000,1000
munmap,1,0,1000,1000,1000,1000,1000" "$F" --syscalls

csv procs "pid,ppid,comm,depth,start,end,duration_ns,exit_code,exit_status,exit_signal,threads,execs,exe,cmdline,host
100,1,bash,0,-0.500000,,,,,,0,0,/bin/bash,bash -c run,hostA
101,100,cat,1,0.100000,1.000000,900000000,256,1,0,0,1,/bin/cat,cat /etc/passwd,hostA
102,100,worker,1,1.500000,2.500000,1000000000,9,0,9,1,1,/usr/bin/worker,worker --fast,hostA" "$F" --procs

csv mem "pid,comm,mmaps,mapped_bytes,munmaps,unmapped_bytes,peak_bytes,brks,heap_growth_bytes,host
101,cat,3,77824,1,4096,73728,2,135168,hostA" "$F" --mem

csv files "path,opens,readers,writers,reads,read_bytes,writes,write_bytes,host
/tmp/out,1,0,1,0,0,3,7433,hostA
/var/lib/data,1,0,1,0,0,1,5000,hostA
/etc/passwd,1,1,0,3,1024,0,0,hostA
/tmp/dup.log,1,0,1,0,0,1,250,hostA" "$F" --files

csv timeline "time,events,read_bytes,write_bytes,syscall_ns
0.000000,25,1024,7683,514000
1.000000,5,0,0,295000
2.000000,4,0,5000,1050000" "$F" --timeline --interval 1

csv timeline_500ms "time,events,read_bytes,write_bytes,syscall_ns
0.000000,21,1024,7433,511000
0.500000,4,0,250,3000
1.000000,1,0,0,50000
1.500000,4,0,0,245000
2.000000,3,0,5000,1050000
2.500000,1,0,0,0" "$F" --timeline --interval 500ms

csv timeline_abs "time,events,read_bytes,write_bytes,syscall_ns
2023-11-14 22:13:21.000000,25,1024,7683,514000" "$F" --timeline --interval 1 --time abs --limit 1

csv overview "duration_ns,recordings,traces,processes,events,lost_events,read_bytes,write_bytes
3000000000,1,1,3,34,12,1024,12683" "$F"

# --timeline: a short gap is filled with zeros; one of more empty buckets
# than a timeline fills (100,000) is left out with a note, and every busy
# bucket after it is still there.  syscall_ns: each call's 1000 ns in the
# bucket where it ran (the write returning at 3.0 s ran in [2.999999, 3.0);
# the open at the recording's start counts from the start: 0)
gap_trace() {
	"$MK" -o "$1" <<-EOF
	meta recording_id ffff0001
	meta start_ns 1000000000
	open ts=1000000000 pid=700 comm=w sys=openat ret=3 dirfd=-100 flags=0x41 name="x" path="/x" dev=0x800001 ino=1 dur_ns=1000
	rw ts=1100000000 pid=700 comm=w sys=write ret=111 fd=3 count=111 offset=-1 dev=0x800001 ino=1 dur_ns=1000
	rw ts=$2 pid=700 comm=w sys=write ret=222 fd=3 count=222 offset=-1 dev=0x800001 ino=1 dur_ns=1000
	rw ts=$(($2 + 1000000000)) pid=700 comm=w sys=write ret=333 fd=3 count=333 offset=-1 dev=0x800001 ino=1 dur_ns=1000
	EOF
}
gap_trace "$D/gap3.trc" 4000000000 || fail mktrace gap3.trc
gap_trace "$D/gapbig.trc" 150001000000000 || fail mktrace gapbig.trc
csv timeline_gap_filled "time,events,read_bytes,write_bytes,syscall_ns
0.000000,2,0,111,1000
1.000000,0,0,0,0
2.000000,0,0,0,1000
3.000000,1,0,222,1000
4.000000,1,0,333,0" "$D/gap3.trc" --timeline --interval 1
csv timeline_gap_left_out "time,events,read_bytes,write_bytes,syscall_ns
0.000000,2,0,111,1000
149999.000000,0,0,0,1000
150000.000000,1,0,222,1000
150001.000000,1,0,333,0" "$D/gapbig.trc" --timeline --interval 1
expect_eq "timeline: the gap left out is noted in the table" \
	"$("$S" analyze "$D/gapbig.trc" --timeline --interval 1 2>/dev/null | grep -c '^# 1 gap of empty buckets left out')" 1
expect_eq "timeline: no gap noted when --limit ends the output before it" \
	"$("$S" analyze "$D/gapbig.trc" --timeline --interval 1 --limit 1 2>/dev/null | grep -c '^# .*gap.* left out\|^# first 1 rows')" 1
expect_eq "timeline: ... and on stderr with --format csv" \
	"$("$S" analyze "$D/gapbig.trc" --timeline --interval 1 --format csv 2>&1 >/dev/null | grep -c '^# 1 gap of empty buckets left out')" 1

csv sql "n,bytes
3,7433" "$F" --sql "SELECT COUNT(*) AS n, SUM(bytes) AS bytes FROM io WHERE path = '/tmp/out' AND dir = 'write' AND bytes > 0"

# descriptor lifetimes: open, dup (dup2'd fd 1 replaces the inherited one), inherit, snapshot
csv fds "pid,fd,path,how,opened_ts,closed_ts
100,1,/dev/pts/0,snapshot,1000000000,
101,1,/dev/pts/0,inherit,1100000000,1260000000
101,1,/tmp/dup.log,dup,1260000000,2000000000
101,3,/tmp/out,open,1200000000,1530000000
101,4,/tmp/dup.log,open,1250000000,1270000000
101,4,/etc/passwd,open,1300000000,2000000000
102,1,/dev/pts/0,inherit,2500000000,3500000000
102,3,/var/lib/data,open,2700000000,3500000000" \
	"$F" --sql "SELECT pid, fd, path, how, opened_ts, closed_ts FROM fds_v ORDER BY pid, fd, opened_ts"

# close-on-exec: 102 exec'd at 2.6s, but it inherited no O_CLOEXEC descriptor;
# 101's /tmp/out was O_CLOEXEC and recorded as such
csv cloexec "fd,cloexec
3,1" "$F" --sql "SELECT fd, cloexec FROM fds WHERE how = 'open' AND cloexec = 1"

# --- JSON and table ------------------------------------------------------

got=$("$S" analyze "$F" --top-io --by file --format json --limit 1 2>/dev/null)
expect_eq json_top_io "$got" '[
{"path": "/tmp/out", "reads": 0, "read_bytes": 0, "writes": 3, "write_bytes": 7433, "host": "hostA"}
]'
got=$("$S" analyze "$F" --sql "SELECT 1 AS a, 'x' AS b, NULL AS c, 0.5 AS d" --format json)
expect_eq json_types "$got" '[
{"a": 1, "b": "x", "c": null, "d": 0.5}
]'
if command -v python3 >/dev/null; then
	for r in "" --top-io "--top-io --by file" "--top-io --by cgroup" --syscalls --procs --mem --files --timeline; do
		# shellcheck disable=SC2086
		if "$S" analyze "$F" $r --format json 2>/dev/null | python3 -c 'import json,sys; json.load(sys.stdin)'; then
			ok "json_valid ${r:-overview}"
		else
			fail "json_valid ${r:-overview}" "not valid JSON"
		fi
	done
else
	skip json_valid "no python3 to parse JSON"
fi

got=$("$S" analyze "$F" --top-io --by file 2>/dev/null)
expect_eq table_top_io "$got" "# recording 5eed0001 on hostA: 34 events in 3.000 s
#   from 2023-11-14 22:13:21.000000 to 2023-11-14 22:13:24.000000
#   file $F
#   lost events: 12 (cpu1: 12)
path           reads   read_bytes  writes  write_bytes
/tmp/out           0            0       3  7433 (7.3K)
/var/lib/data      0            0       1  5000 (4.9K)
/etc/passwd        3  1024 (1.0K)       0            0
/tmp/dup.log       0            0       1          250"

got=$("$S" analyze "$F" --procs 2>/dev/null | tail -4)
expect_eq table_procs "$got" "process   pid  ppid      start  duration  exit   cmdline
bash      100     1  -0.500000         -  -      bash -c run
  cat     101   100   0.100000  900.00ms  1      cat /etc/passwd
  worker  102   100   1.500000    1.000s  sig 9  worker --fast"

# every report in every format: exit 0, fits 80 columns in table format
for r in "" --top-io "--top-io --by file" "--top-io --by cgroup" --syscalls --procs --mem --files --timeline; do
	for fmt in table csv json; do
		# shellcheck disable=SC2086
		out=$("$S" analyze "$F" $r --format $fmt 2>&1); rc=$?
		n="report ${r:-overview} $fmt"
		if [ $rc -ne 0 ]; then
			fail "$n" "exit $rc: $out"
		elif [ $fmt = table ] && [ "$(printf '%s\n' "$out" | awk 'length > 80' | wc -l)" -ne 0 ]; then
			fail "$n" "lines over 80 columns"
		else
			ok "$n"
		fi
	done
done
# CSV and JSON stay pure data: the coverage header goes to stderr
out=$("$S" analyze "$F" --files --format csv 2>/dev/null | grep -c '^#')
expect_eq csv_pure "$out" 0
out=$("$S" analyze "$F" --files --format csv 2>&1 >/dev/null | grep -c '^# recording 5eed0001')
expect_eq csv_header_stderr "$out" 1

# --- filters -------------------------------------------------------------

csv filter_pid "pid,comm,reads,read_bytes,writes,write_bytes,host
102,worker,0,0,1,5000,hostA" "$F" --top-io --pid 102
csv filter_pids "pid,comm,reads,read_bytes,writes,write_bytes,host
101,cat,3,1024,4,7683,hostA
102,worker,0,0,1,5000,hostA" "$F" --top-io --pid 102,101,999
csv filter_comm "path,reads,read_bytes,writes,write_bytes,host
/tmp/out,0,0,3,7433,hostA
/etc/passwd,3,1024,0,0,hostA
/tmp/dup.log,0,0,1,250,hostA" "$F" --top-io --by file --comm cat
csv filter_cgroup_rel "pid,comm,reads,read_bytes,writes,write_bytes,host
101,cat,3,1024,4,7683,hostA" "$F" --top-io --cgroup /mygroup
csv filter_cgroup_full "pid,comm,reads,read_bytes,writes,write_bytes,host
101,cat,3,1024,4,7683,hostA" "$F" --top-io --cgroup /sys/fs/cgroup/unified/mygroup/
csv filter_cgroup_docker "pid,comm,reads,read_bytes,writes,write_bytes,host
102,worker,0,0,1,5000,hostA" "$F" --top-io --cgroup /system.slice
csv filter_cgroup_boundary "pid,comm,reads,read_bytes,writes,write_bytes,host" \
	"$F" --top-io --cgroup /mygro
got=$("$S" analyze "$F" --procs --cgroup /mygroup --format csv 2>/dev/null | cut -d, -f1-3)
expect_eq filter_cgroup_procs "$got" "pid,ppid,comm
100,1,bash
101,100,cat"
csv filter_since "path,reads,read_bytes,writes,write_bytes,host
/var/lib/data,0,0,1,5000,hostA
/tmp/dup.log,0,0,1,250,hostA" "$F" --top-io --by file --since 0.5
csv filter_until "path,reads,read_bytes,writes,write_bytes,host
/tmp/out,0,0,3,7433,hostA
/etc/passwd,3,1024,0,0,hostA" "$F" --top-io --by file --until 0.45
# a window inside one second: the partial seconds come from the events
csv filter_subsecond "path,reads,read_bytes,writes,write_bytes,host
/tmp/out,0,0,2,7000,hostA" "$F" --top-io --by file --since 205ms --until 225ms
csv filter_subsecond_syscalls "syscall,calls,errors,total_ns,mean_ns,p50_ns,p99_ns,max_ns
pwrite64,1,0,20000,20000,20000,20000,20000
write,1,0,10000,10000,10000,10000,10000" "$F" --syscalls --since 205ms --until 225ms
# whole seconds from agg plus an edge: [0.5, 2.25)
csv filter_edges "time,events,read_bytes,write_bytes,syscall_ns
0.000000,4,0,250,3000
1.000000,5,0,0,295000
2.000000,1,0,5000,50000" "$F" --timeline --interval 1 --since 0.5 --until 2.25
csv filter_pid_syscalls "syscall,calls,errors,total_ns,mean_ns,p50_ns,p99_ns,max_ns
nanosleep,1,0,1000000,1000000,1000000,1000000,1000000
execve,1,0,200000,200000,200000,200000,200000
write,1,0,50000,50000,50000,50000,50000
clone,1,0,40000,40000,40000,40000,40000
openat,1,0,5000,5000,5000,5000,5000" "$F" --syscalls --pid 102
csv filter_mem_since "pid,comm,mmaps,mapped_bytes,munmaps,unmapped_bytes,peak_bytes,brks,heap_growth_bytes,host
101,cat,1,65536,0,0,65536,1,0,hostA" "$F" --mem --since 0.5
got=$("$S" analyze "$F" --procs --since 1.2 --format csv 2>/dev/null | cut -d, -f1 | tr '\n' ' ')
expect_eq filter_procs_window "$got" "pid 100 102 "
csv filter_files_comm "path,opens,readers,writers,reads,read_bytes,writes,write_bytes,host
/var/lib/data,1,0,1,0,0,1,5000,hostA" "$F" --files --comm worker
csv filter_overview_pid "duration_ns,recordings,traces,processes,events,lost_events,read_bytes,write_bytes
3000000000,1,1,1,7,12,0,5000" "$F" --pid 102
csv filter_overview_since "duration_ns,recordings,traces,processes,events,lost_events,read_bytes,write_bytes
1400000000,1,1,2,7,0,0,5000" "$F" --since 1.6
csv filter_overview_until "duration_ns,recordings,traces,processes,events,lost_events,read_bytes,write_bytes
450000000,1,1,2,21,12,1024,7433" "$F" --until 450ms
csv limit "path,reads,read_bytes,writes,write_bytes,host
/tmp/out,0,0,3,7433,hostA
/var/lib/data,0,0,1,5000,hostA" "$F" --top-io --by file --limit 2

# --- a rotated set is one recording --------------------------------------

R0="$D/rot0.trc" R1="$D/rot1.trc"
for r in "--top-io" "--top-io --by file" "--top-io --by cgroup" --syscalls --procs --mem --files --timeline \
	 "--timeline --interval 250ms" "--top-io --by file --since 0.3 --until 0.6"; do
	# shellcheck disable=SC2086
	want=$("$S" analyze "$F" $r --format csv 2>/dev/null)
	# shellcheck disable=SC2086
	got=$("$S" analyze "$R1" "$R0" $r --format csv 2>/dev/null)
	expect_eq "rotated $r" "$got" "$want"
done
csv rotated_counts "recordings,traces,procs,events,lost
1,2,3,34,12" "$R1" "$R0" --sql "SELECT (SELECT COUNT(*) FROM recordings) AS recordings,
	(SELECT COUNT(*) FROM traces) AS traces, (SELECT COUNT(*) FROM procs) AS procs,
	(SELECT COUNT(*) FROM events) AS events, (SELECT SUM(count) FROM lost) AS lost"
csv rotated_dup_across "path,write_bytes
/tmp/dup.log,250" "$R0" "$R1" --sql "SELECT path, SUM(bytes) AS write_bytes FROM io
	WHERE fd = 1 AND dir = 'write' GROUP BY path"
cp "$R0" "$D/rot0-copy.trc"
out=$("$S" analyze "$R0" "$D/rot0-copy.trc" --format csv 2>&1 >/dev/null | grep -c 'same recording and rotation index')
expect_eq rotated_same_file_twice "$out" 1
# --sql: the coverage header (lost events included) on stderr, stdout the query's alone
for fmt in table csv; do
	"$S" analyze "$F" --sql "SELECT 7 AS a" --format $fmt >"$D/out" 2>"$D/err"
	expect_eq "sql_$fmt: stdout holds the result alone" "$(grep -c '^#' "$D/out")" 0
	check "sql_$fmt: the coverage header on stderr, with the lost events" \
		grep -qx '#   lost events: 12 .*' "$D/err"
done
expect_eq sql_csv_result "$(cat "$D/out")" "a
7"
want=$("$S" analyze "$F" --top-io --by file --format csv 2>/dev/null)
got=$("$S" analyze "$R0" "$D/rot0-copy.trc" "$R1" --top-io --by file --format csv 2>/dev/null)
expect_eq rotated_copy_not_counted_twice "$got" "$want"

# a file without recording_id named twice is imported once
printf 'meta host h\nrw ts=5 pid=1 sys=write ret=1 fd=1 dev=1 ino=1\n' | "$MK" -o "$D/nometa.trc"
out=$("$S" analyze "$D/nometa.trc" "$D/nometa.trc" --sql "SELECT COUNT(*) AS n FROM traces" --format csv 2>"$D/err")
expect_eq same_file_twice "$out" "n
1"
expect_eq same_file_twice_msg "$(grep -c 'the same file as' "$D/err")" 1

# --- several hosts -------------------------------------------------------

csv hosts_by_file "path,reads,read_bytes,writes,write_bytes,host
/tmp/out,0,0,3,7433,hostA
/var/lib/data,0,0,1,5000,hostA
/etc/passwd,3,1024,0,0,hostA
/tmp/out,0,0,1,1000,hostB
/tmp/dup.log,0,0,1,250,hostA" "$F" "$D/hostb.trc" --top-io --by file
csv hosts_by_process "pid,comm,reads,read_bytes,writes,write_bytes,host
101,cat,3,1024,4,7683,hostA
102,worker,0,0,1,5000,hostA
101,cat,0,0,1,1000,hostB" "$F" "$D/hostb.trc" --top-io
# the window is from the start of each recording: hostB's write at +0.2s is before it
csv hosts_since "path,reads,read_bytes,writes,write_bytes,host
/var/lib/data,0,0,1,5000,hostA
/etc/passwd,3,1024,0,0,hostA
/tmp/dup.log,0,0,1,250,hostA" "$F" "$D/hostb.trc" --top-io --by file --since 0.25
csv hosts_since_early "path,reads,read_bytes,writes,write_bytes,host
/tmp/out,0,0,3,7433,hostA
/var/lib/data,0,0,1,5000,hostA
/etc/passwd,3,1024,0,0,hostA
/tmp/out,0,0,1,1000,hostB
/tmp/dup.log,0,0,1,250,hostA" "$F" "$D/hostb.trc" --top-io --by file --since 0.15
csv hosts_rows "host,events
hostA,34
hostB,2" "$F" "$D/hostb.trc" --sql "SELECT host, COUNT(*) AS events FROM events_v GROUP BY host"
got=$("$S" analyze "$F" "$D/hostb.trc" --top-io 2>/dev/null | grep -c 'hostB$')
expect_eq hosts_table_column "$got" 1

# --- --db: kept, reused, appended, never counted twice -------------------

DB="$D/x.db"
check db_create quiet "$S" analyze "$F" --db "$DB" --format csv
csv db_reuse "pid,comm,reads,read_bytes,writes,write_bytes,host
101,cat,3,1024,4,7683,hostA
102,worker,0,0,1,5000,hostA" --db "$DB" --top-io
err=$("$S" analyze "$F" --db "$DB" --top-io --format csv 2>&1 >/dev/null | grep -c 'already in the database')
expect_eq db_same_file_skipped "$err" 1
csv db_not_doubled "events
34" --db "$DB" --sql "SELECT COUNT(*) AS events FROM events"
# a rotated set goes into a database in one run: a file of a set already
# there is refused (exit 1), never made a second recording of the same id
DBR="$D/rot.db"
check db_rot_first quiet "$S" analyze "$R0" --db "$DBR" --format csv
"$S" analyze "$R1" --db "$DBR" --format csv >/dev/null 2>"$D/err"
expect_eq db_rot_other_file_status "$?" 1
expect_eq db_rot_other_file_msg "$(grep -cxF "sysrec: $R1: other files of its rotated set are in the database ($R0): import the whole set in one run, into a new database" "$D/err")" 1
csv db_rot_one_recording "recordings,traces
1,1" --db "$DBR" --sql "SELECT (SELECT COUNT(*) FROM recordings) AS recordings,
	(SELECT COUNT(*) FROM traces) AS traces"
# --time abs on a recording without a wall clock says its times are relative
"$S" analyze "$D/nometa.trc" --procs --time abs --format csv >/dev/null 2>"$D/err"
expect_eq time_abs_no_clock_status "$?" 0
expect_eq time_abs_no_clock_note "$(grep -c "^sysrec: analyze: --time abs: $D/nometa.trc has no wall clock (clock_offset_ns): its times are relative\$" "$D/err")" 1
"$S" analyze "$F" --procs --time abs --format csv >/dev/null 2>"$D/err"
expect_eq time_abs_clock_no_note "$(grep -c 'no wall clock' "$D/err")" 0
check db_append quiet "$S" analyze "$D/hostb.trc" --db "$DB" --format csv
csv db_appended "recordings,events,syscalls_write
2,36,5" --db "$DB" --sql "SELECT (SELECT COUNT(*) FROM recordings) AS recordings,
	(SELECT COUNT(*) FROM events) AS events,
	(SELECT calls FROM syscall_stats WHERE syscall = 'write') AS syscalls_write"
if command -v sqlite3 >/dev/null; then
	got=$(sqlite3 "$DB" "SELECT SUM(write_bytes) FROM file_io WHERE path = '/tmp/out'")
	expect_eq db_sqlite3 "$got" 8433
else
	skip db_sqlite3 "no sqlite3 command"
fi
echo "not a database" > "$D/junk.db"
must_fail db_foreign "$S" analyze "$F" --db "$D/junk.db"
if command -v sqlite3 >/dev/null; then
	sqlite3 "$D/other.db" "CREATE TABLE t(x)"
	must_fail db_other_sqlite "$S" analyze "$F" --db "$D/other.db"
fi
must_fail db_missing "$S" analyze --db "$D/nope.db" --top-io

# --- file identity: a deleted file's inode given to a new file -----------
#
# Unlinks are not traced: an open that names another path than the file's,
# while no descriptor refers to the file, is a new file of that (dev, ino).
#   ino 50: /tmp/w/g1 written 5 and closed; /tmp/w/g2 opened on ino 50: new
#           file, 10 through dev/ino, later 10 more through the descriptor
#   ino 60: /tmp/h1 still open when /tmp/h2 is opened: a hard link, one file
#   ino 70: held by a snapshot descriptor: /tmp/s2 is still /tmp/s1
#   ino 80: /tmp/k1 held by child 201 (inherited) after 200 closed it:
#           /tmp/k2 is /tmp/k1; once 201 exited, /tmp/k3 is a new file
#   ino 90: /tmp/c1 closed by close_range(3, ~0, 0): /tmp/c2 is a new file
#   ino 92: /tmp/e1 open in 200 when its thread 202 calls close_range(3, ~0,
#           CLOSE_RANGE_UNSHARE): only the thread's own copy is closed, so
#           /tmp/e2 is still /tmp/e1 (8 bytes through fd 3, 9 through fd 4)
#   ino 94: the same from the main thread, the process having a thread:
#           /tmp/p2 is still /tmp/p1
#   ino 93: after the exec (one thread again), close_range(3, ~0,
#           CLOSE_RANGE_UNSHARE) closes /tmp/q1: /tmp/q2 is a new file
#   ino 91: /tmp/d1 marked close-on-exec by close_range(3, 3,
#           CLOSE_RANGE_CLOEXEC): /tmp/d2 is still /tmp/d1; after the
#           exec /tmp/d3 is a new file
"$MK" -o "$D/reuse.trc" <<-'EOF' || fail mktrace reuse.trc
	meta host hostR
	meta start_ns 1000
	proc ts=1000 pid=200 comm=sh ppid=1 start_ns=500
	fd ts=1000 pid=200 fd=5 dev=0x800001 ino=70 path="/tmp/s1"
	open ts=2000 pid=200 comm=sh sys=openat ret=3 dirfd=-100 flags=0x241 name="g1" path="/tmp/w/g1" dev=0x800001 ino=50
	rw ts=2100 pid=200 comm=sh sys=write ret=5 fd=3 count=5 offset=-1 dev=0x800001 ino=50
	close ts=2200 pid=200 comm=sh sys=close ret=0 fd=3 dev=0x800001 ino=50
	open ts=2300 pid=200 comm=sh sys=openat ret=3 dirfd=-100 flags=0x241 name="g2" path="/tmp/w/g2" dev=0x800001 ino=50
	rw ts=2400 pid=200 comm=sh sys=write ret=10 fd=3 count=10 offset=-1 dev=0x800001 ino=50
	close ts=2500 pid=200 comm=sh sys=close ret=0 fd=3 dev=0x800001 ino=50
	open ts=2600 pid=200 comm=sh sys=openat ret=3 dirfd=-100 flags=1 name="/tmp/e1" path="/tmp/e1" dev=0x800001 ino=92
	fork ts=2610 pid=200 comm=sh sys=clone ret=202 child_pid=200 child_tid=202 h.flags=1
	syscall ts=2620 pid=200 tid=202 comm=sh sys=close_range ret=0 args0=3 args1=0xffffffff args2=2
	open ts=2630 pid=200 comm=sh sys=openat ret=4 dirfd=-100 flags=1 name="/tmp/e2" path="/tmp/e2" dev=0x800001 ino=92
	rw ts=2640 pid=200 comm=sh sys=write ret=8 fd=3 count=8 offset=-1 h.flags=0x40
	rw ts=2650 pid=200 comm=sh sys=write ret=9 fd=4 count=9 offset=-1 dev=0x800001 ino=92
	close ts=2660 pid=200 comm=sh sys=close ret=0 fd=3 dev=0x800001 ino=92
	close ts=2670 pid=200 comm=sh sys=close ret=0 fd=4 dev=0x800001 ino=92
	open ts=2700 pid=200 comm=sh sys=openat ret=6 dirfd=-100 flags=1 name="/tmp/p1" path="/tmp/p1" dev=0x800001 ino=94
	syscall ts=2710 pid=200 comm=sh sys=close_range ret=0 args0=6 args1=6 args2=2
	open ts=2720 pid=200 comm=sh sys=openat ret=7 dirfd=-100 flags=1 name="/tmp/p2" path="/tmp/p2" dev=0x800001 ino=94
	rw ts=2730 pid=200 comm=sh sys=write ret=3 fd=7 count=3 offset=-1 dev=0x800001 ino=94
	close ts=2740 pid=200 comm=sh sys=close ret=0 fd=6 dev=0x800001 ino=94
	close ts=2750 pid=200 comm=sh sys=close ret=0 fd=7 dev=0x800001 ino=94
	open ts=3000 pid=200 comm=sh sys=openat ret=3 dirfd=-100 flags=0 name="/tmp/h1" path="/tmp/h1" dev=0x800001 ino=60
	open ts=3100 pid=200 comm=sh sys=openat ret=4 dirfd=-100 flags=1 name="/tmp/h2" path="/tmp/h2" dev=0x800001 ino=60
	rw ts=3200 pid=200 comm=sh sys=write ret=7 fd=4 count=7 offset=-1 dev=0x800001 ino=60
	close ts=3300 pid=200 comm=sh sys=close ret=0 fd=3 dev=0x800001 ino=60
	close ts=3400 pid=200 comm=sh sys=close ret=0 fd=4 dev=0x800001 ino=60
	open ts=4000 pid=200 comm=sh sys=openat ret=3 dirfd=-100 flags=1 name="/tmp/s2" path="/tmp/s2" dev=0x800001 ino=70
	rw ts=4100 pid=200 comm=sh sys=write ret=3 fd=3 count=3 offset=-1 dev=0x800001 ino=70
	close ts=4200 pid=200 comm=sh sys=close ret=0 fd=3 dev=0x800001 ino=70
	open ts=5000 pid=200 comm=sh sys=openat ret=6 dirfd=-100 flags=1 name="/tmp/k1" path="/tmp/k1" dev=0x800001 ino=80
	fork ts=5100 pid=200 comm=sh sys=clone ret=201 child_pid=201 child_tid=201
	close ts=5200 pid=200 comm=sh sys=close ret=0 fd=6 dev=0x800001 ino=80
	open ts=5300 pid=200 comm=sh sys=openat ret=3 dirfd=-100 flags=1 name="/tmp/k2" path="/tmp/k2" dev=0x800001 ino=80
	rw ts=5400 pid=200 comm=sh sys=write ret=2 fd=3 count=2 offset=-1 dev=0x800001 ino=80
	close ts=5500 pid=200 comm=sh sys=close ret=0 fd=3 dev=0x800001 ino=80
	exit ts=6000 pid=201 comm=sh exit_code=0 h.flags=2
	open ts=6100 pid=200 comm=sh sys=openat ret=3 dirfd=-100 flags=1 name="/tmp/k3" path="/tmp/k3" dev=0x800001 ino=80
	rw ts=6200 pid=200 comm=sh sys=write ret=1 fd=3 count=1 offset=-1 dev=0x800001 ino=80
	close ts=6300 pid=200 comm=sh sys=close ret=0 fd=3 dev=0x800001 ino=80
	open ts=7000 pid=200 comm=sh sys=openat ret=3 dirfd=-100 flags=1 name="/tmp/w/g2" path="/tmp/w/g2" dev=0x800001 ino=50
	rw ts=7100 pid=200 comm=sh sys=write ret=10 fd=3 count=10 offset=-1 h.flags=0x40
	close ts=7200 pid=200 comm=sh sys=close ret=0 fd=3 dev=0x800001 ino=50
	open ts=8000 pid=200 comm=sh sys=openat ret=3 dirfd=-100 flags=1 name="/tmp/c1" path="/tmp/c1" dev=0x800001 ino=90
	rw ts=8100 pid=200 comm=sh sys=write ret=4 fd=3 count=4 offset=-1 dev=0x800001 ino=90
	syscall ts=8200 pid=200 comm=sh sys=close_range ret=0 args0=3 args1=0xffffffff args2=0
	open ts=8300 pid=200 comm=sh sys=openat ret=3 dirfd=-100 flags=1 name="/tmp/c2" path="/tmp/c2" dev=0x800001 ino=90
	rw ts=8400 pid=200 comm=sh sys=write ret=6 fd=3 count=6 offset=-1 dev=0x800001 ino=90
	close ts=8500 pid=200 comm=sh sys=close ret=0 fd=3 dev=0x800001 ino=90
	open ts=9000 pid=200 comm=sh sys=openat ret=3 dirfd=-100 flags=1 name="/tmp/d1" path="/tmp/d1" dev=0x800001 ino=91
	syscall ts=9100 pid=200 comm=sh sys=close_range ret=0 args0=3 args1=3 args2=4
	open ts=9200 pid=200 comm=sh sys=openat ret=4 dirfd=-100 flags=1 name="/tmp/d2" path="/tmp/d2" dev=0x800001 ino=91
	rw ts=9300 pid=200 comm=sh sys=write ret=2 fd=4 count=2 offset=-1 dev=0x800001 ino=91
	close ts=9400 pid=200 comm=sh sys=close ret=0 fd=4 dev=0x800001 ino=91
	exec ts=9500 pid=200 comm=sh sys=execve ret=0 filename="/bin/true" path="/usr/bin/true" argc=1 argv="true"
	open ts=9600 pid=200 comm=true sys=openat ret=3 dirfd=-100 flags=1 name="/tmp/d3" path="/tmp/d3" dev=0x800001 ino=91
	rw ts=9700 pid=200 comm=true sys=write ret=1 fd=3 count=1 offset=-1 dev=0x800001 ino=91
	close ts=9800 pid=200 comm=true sys=close ret=0 fd=3 dev=0x800001 ino=91
	open ts=9900 pid=200 comm=true sys=openat ret=3 dirfd=-100 flags=1 name="/tmp/q1" path="/tmp/q1" dev=0x800001 ino=93
	syscall ts=9910 pid=200 comm=true sys=close_range ret=0 args0=3 args1=0xffffffff args2=2
	open ts=9920 pid=200 comm=true sys=openat ret=3 dirfd=-100 flags=1 name="/tmp/q2" path="/tmp/q2" dev=0x800001 ino=93
	rw ts=9930 pid=200 comm=true sys=write ret=2 fd=3 count=2 offset=-1 dev=0x800001 ino=93
	close ts=9940 pid=200 comm=true sys=close ret=0 fd=3 dev=0x800001 ino=93
	EOF
csv reuse_top_io "path,reads,read_bytes,writes,write_bytes,host
/tmp/w/g2,0,0,2,20,hostR
/tmp/e1,0,0,2,17,hostR
/tmp/h1,0,0,1,7,hostR
/tmp/c2,0,0,1,6,hostR
/tmp/w/g1,0,0,1,5,hostR
/tmp/c1,0,0,1,4,hostR
/tmp/p1,0,0,1,3,hostR
/tmp/s1,0,0,1,3,hostR
/tmp/d1,0,0,1,2,hostR
/tmp/k1,0,0,1,2,hostR
/tmp/q2,0,0,1,2,hostR
/tmp/d3,0,0,1,1,hostR
/tmp/k3,0,0,1,1,hostR" "$D/reuse.trc" --top-io --by file
csv reuse_files "path,opens,readers,writers,reads,read_bytes,writes,write_bytes,host
/tmp/w/g2,2,0,1,0,0,2,20,hostR
/tmp/e1,2,0,1,0,0,2,17,hostR
/tmp/h1,2,0,1,0,0,1,7,hostR
/tmp/c2,1,0,1,0,0,1,6,hostR
/tmp/w/g1,1,0,1,0,0,1,5,hostR
/tmp/c1,1,0,1,0,0,1,4,hostR
/tmp/p1,2,0,1,0,0,1,3,hostR
/tmp/s1,1,0,1,0,0,1,3,hostR
/tmp/d1,2,0,1,0,0,1,2,hostR
/tmp/k1,2,0,1,0,0,1,2,hostR
/tmp/q2,1,0,1,0,0,1,2,hostR
/tmp/d3,1,0,1,0,0,1,1,hostR
/tmp/k3,1,0,1,0,0,1,1,hostR
/tmp/q1,1,0,0,0,0,0,0,hostR" "$D/reuse.trc" --files
csv reuse_files_table "path,dev,ino
/tmp/s1,8388609,70
/tmp/w/g1,8388609,50
/tmp/w/g2,8388609,50
/tmp/e1,8388609,92
/tmp/p1,8388609,94
/tmp/h1,8388609,60
/tmp/k1,8388609,80
/tmp/k3,8388609,80
/tmp/c1,8388609,90
/tmp/c2,8388609,90
/tmp/d1,8388609,91
/usr/bin/true,0,0
/tmp/d3,8388609,91
/tmp/q1,8388609,93
/tmp/q2,8388609,93" "$D/reuse.trc" --sql "SELECT path, dev, ino FROM files ORDER BY file_id"
# the same with every row, through a kept database
csv reuse_db_events "path,bytes
/tmp/w/g1,5
/tmp/w/g2,20" "$D/reuse.trc" --db "$D/reuse.db" --sql "SELECT path, SUM(bytes) AS bytes
	FROM io WHERE path LIKE '/tmp/w/%' GROUP BY file_id ORDER BY file_id"

# the same on a real file system (ext4 gives the inode again at once; on
# others the two files have two inodes anyway): needs root and BPF
if need_bpf reuse_recorded; then
	mkdir "$D/w"
	if "$SYSREC" record -q -f -o "$D/rec.trc" -- \
		sh -c "echo aaaa > $D/w/g1; rm $D/w/g1; echo bbbbbbbbb > $D/w/g2" 2>"$D/err"; then
		got=$("$S" analyze "$D/rec.trc" --top-io --by file --format csv 2>/dev/null |
		      grep "^$D/w/" | cut -d, -f1-5)
		expect_eq reuse_recorded "$got" "$D/w/g2,0,0,1,10
$D/w/g1,0,0,1,5"
	else
		fail reuse_recorded "sysrec record failed: $(cat "$D/err")"
	fi
fi

# --- --procs: any number of children, in start order ---------------------
#
# 300 forks 70 children, pids going down as they start (2000 - k at
# 1 ms + k us), each writing 10 k bytes; child 65 (pid 1935) forks 5000.
{
	echo "meta host hostK"
	echo "meta start_ns 1000000"
	echo "proc ts=1000000 pid=300 comm=sh ppid=1 start_ns=500000"
	for k in $(seq 70); do
		t=$((1000000 + k * 1000)) p=$((2000 - k))
		echo "fork ts=$t pid=300 comm=sh sys=clone ret=$p child_pid=$p child_tid=$p"
		echo "rw ts=$((t + 100)) pid=$p comm=sh sys=write ret=$((k * 10)) fd=1 count=$((k * 10)) offset=-1 dev=0x800001 ino=9"
		[ "$k" -eq 65 ] && echo "fork ts=$((t + 200)) pid=$p comm=sh sys=clone ret=5000 child_pid=5000 child_tid=5000"
	done
} | "$MK" -o "$D/kids.trc" || fail mktrace kids.trc
want="pid 300"
for k in $(seq 70); do
	want="$want $((2000 - k))"
	[ "$k" -eq 65 ] && want="$want 5000"
done
got=$("$S" analyze "$D/kids.trc" --procs --format csv 2>/dev/null | cut -d, -f1 | tr '\n' ' ')
expect_eq procs_70_children_in_start_order "$got" "$want "
got=$("$S" analyze "$D/kids.trc" --procs --format csv 2>/dev/null | cut -d, -f1,4 | sed -n '66,69p' | tr '\n' ' ')
expect_eq procs_70_children_depth "$got" "1936,1 1935,1 5000,2 1934,1 "

# --- --limit -------------------------------------------------------------

# the overview's table of top processes: 5 by default, --limit N, 0 for all
got=$("$S" analyze "$D/kids.trc" 2>/dev/null | sed -n '/^top processes/,$p')
expect_eq overview_top5 "$got" "top processes by I/O:
 pid  comm  reads  read_bytes  writes  write_bytes
1930  sh        0           0       1          700
1931  sh        0           0       1          690
1932  sh        0           0       1          680
1933  sh        0           0       1          670
1934  sh        0           0       1          660
# first 5 rows (--limit 0 shows all)"
got=$("$S" analyze "$D/kids.trc" --limit 2 2>/dev/null | sed -n '/^top processes/,$p')
expect_eq overview_limit2 "$got" "top processes by I/O:
 pid  comm  reads  read_bytes  writes  write_bytes
1930  sh        0           0       1          700
1931  sh        0           0       1          690
# first 2 rows (--limit 0 shows all)"
got=$("$S" analyze "$D/kids.trc" --limit 0 2>/dev/null | sed -n '/^top processes/,$p' | tail -n +3 | wc -l)
expect_eq overview_limit0 "$got" 70
# no footer when nothing was left out (one.trc has two processes with I/O)
got=$("$S" analyze "$F" 2>/dev/null | tail -1)
expect_eq overview_no_footer "$got" "102  worker      0            0       1  5000 (4.9K)"
# the footer only when rows were left out: 4 files, --limit 4 and 3
got=$("$S" analyze "$F" --top-io --by file --limit 4 2>/dev/null | tail -1)
expect_eq limit_exact_no_footer "$got" "/tmp/dup.log       0            0       1          250"
got=$("$S" analyze "$F" --top-io --by file --limit 3 2>/dev/null | tail -2)
expect_eq limit_footer "$got" "/etc/passwd        3  1024 (1.0K)       0            0
# first 3 rows (--limit 0 shows all)"
got=$("$S" analyze "$D/kids.trc" --procs --limit 3 2>/dev/null | tail -4)
expect_eq procs_limit_footer "$got" "sh        300     1  -0.000500         -  -     -
  sh     1999   300   0.000001         -  -     -
  sh     1998   300   0.000002         -  -     -
# first 3 rows (--limit 0 shows all)"

# --sql stops stepping the query at the limit: a query without end ends
ENDLESS="WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r"
got=$(timeout 60 "$S" analyze "$F" --sql "$ENDLESS" --limit 3 --format csv 2>/dev/null); rc=$?
expect_eq sql_limit_endless "$rc:$got" "0:x
1
2
3"
# in a table, the footer goes with the header to stderr: stdout is the result alone
timeout 60 "$S" analyze "$F" --sql "$ENDLESS" --limit 2 >"$D/out" 2>"$D/err"; rc=$?
expect_eq sql_limit_table "$rc:$(cat "$D/out")" "0:x
1
2"
expect_eq sql_limit_footer "$(tail -1 "$D/err")" "# first 2 rows (--limit 0 shows all)"
"$S" analyze "$F" --sql "SELECT 1 AS x UNION ALL SELECT 2" --limit 2 >"$D/out" 2>"$D/err"
expect_eq sql_limit_exact "$(grep -c '^# first' "$D/err")" 0

# --- output errors -------------------------------------------------------

# a full disk: one line, exit 1
"$S" analyze "$F" --top-io >/dev/full 2>"$D/err"; rc=$?
expect_eq write_full "$rc:$(cat "$D/err")" "1:sysrec: analyze: cannot write the output: No space left on device"
"$S" analyze "$F" --top-io --by file --format csv >/dev/full 2>"$D/err"; rc=$?
expect_eq write_full_csv "$rc:$(grep -v '^#' "$D/err")" "1:sysrec: analyze: cannot write the output: No space left on device"
# a reader that goes away: quiet, and killed by SIGPIPE as sysrec dump is
BIG="WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r LIMIT 200000) SELECT x FROM r"
got=$("$S" analyze "$F" --sql "$BIG" --format csv 2>"$D/err" | head -1; echo "${PIPESTATUS[0]}")
expect_eq write_pipe_closed "$got" "x
141"
expect_eq write_pipe_quiet "$(grep -vc '^#' "$D/err")" 0

# --- bad input -----------------------------------------------------------

must_fail missing_file "$S" analyze "$D/nope.trc"
echo "just some text" > "$D/foreign.trc"
must_fail foreign_file "$S" analyze "$D/foreign.trc"
: > "$D/empty.trc"
must_fail empty_file "$S" analyze "$D/empty.trc"
# one bad file among good ones: one line, the rest imported, exit 1
out=$("$S" analyze "$D/foreign.trc" "$F" --top-io --by file --format csv 2>"$D/err"); rc=$?
expect_eq other_files_rc "$rc" 1
expect_eq other_files_err "$(grep -c '^sysrec:' "$D/err")" 1
expect_eq other_files_out "$(echo "$out" | sed -n 2p)" "/tmp/out,0,0,3,7433,hostA"
# a damaged file: a byte flipped in the middle; never a crash, one line
size=$(stat -c %s "$F")
cp "$F" "$D/dmg.trc"
printf '\xa5\x5a\xa5\x5a' | dd of="$D/dmg.trc" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
"$S" analyze "$D/dmg.trc" --top-io >"$D/out" 2>"$D/err"; rc=$?
if [ $rc -ge 128 ]; then fail damaged "crashed ($rc)"; else ok damaged; fi
expect_eq damaged_one_line "$(wc -l < "$D/err")" 1
# every cut of the file: never a crash
crashed=0
for cut in 0 16 64 200 $((size / 3)) $((size / 2)) $((size - 40)) $((size - 1)); do
	head -c "$cut" "$F" > "$D/cut.trc"
	"$S" analyze "$D/cut.trc" --syscalls >/dev/null 2>&1
	[ $? -ge 128 ] && crashed=$((crashed + 1))
done
expect_eq truncated_no_crash "$crashed" 0
# a recorder that was killed: no end block, what came before is there
{ meta_a; part1; echo cut; } | "$MK" -o "$D/killed.trc"
csv killed_recorder "events
21" "$D/killed.trc" --sql "SELECT COUNT(*) AS events FROM events"
# cut short is said in one line, but it is not a failure: nothing before the cut is lost
"$S" analyze "$D/killed.trc" --top-io >/dev/null 2>"$D/err"; rc=$?
expect_eq killed_rc "$rc" 0
expect_eq killed_note "$(grep -c 'cut short at offset .*imported the 21 events before it' "$D/err")" 1
expect_eq killed_one_line "$(wc -l < "$D/err")" 1

# bad --sql: SQLite's message, one line, exit 1
must_fail sql_bad "$S" analyze "$F" --sql "SELEC nothing"
err=$("$S" analyze "$F" --sql "SELECT * FROM nosuch" 2>&1 >/dev/null)
expect_eq sql_message "$err" "sysrec: sql: no such table: nosuch"
"$S" analyze "$F" --sql "SELEC" >/dev/null 2>&1
expect_eq sql_bad_rc "$?" 1

# bad options: one line, exit 2
for args in "--bogus" "--format xml" "--by inode --top-io" "--by file" "--limit -1" "--limit x" \
	    "--since abc" "--until -1" "--interval 0 --timeline" "--time utc" "--pid 1,x" "--pid ,"\
	    "--top-io --procs" "--since 2 --until 1" "--format"; do
	# shellcheck disable=SC2086
	err=$("$S" analyze "$F" $args 2>&1 >/dev/null); rc=$?
	if [ $rc -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [ -n "$err" ]; then
		ok "bad_option $args"
	else
		fail "bad_option $args" "exit $rc, stderr: $err"
	fi
done
must_fail no_files "$S" analyze
check help quiet "$S" analyze --help
got=$("$S" help analyze | head -1)
expect_eq help_cmd "$got" "usage: sysrec analyze [FILE...] [--db DB] [REPORT] [OPTIONS]"

# --- hostile strings -----------------------------------------------------

"$MK" -o "$D/hostile.trc" <<-'EOF' || fail mktrace hostile
	meta host evilhost
	meta start_ns 1000
	open ts=1000 pid=7 comm="a\nb,\"c" sys=openat ret=3 dirfd=-100 name="x" path="/tmp/a\nb,\"c\xff\x01" dev=1 ino=2
	rw ts=2000 pid=7 comm="a\nb,\"c" sys=write ret=10 fd=3 count=10 offset=-1 dev=1 ino=2
	EOF
got=$("$S" analyze "$D/hostile.trc" --top-io --by file --format csv 2>/dev/null | wc -l)
expect_eq hostile_csv_lines "$got" 2
if command -v python3 >/dev/null; then
	got=$("$S" analyze "$D/hostile.trc" --top-io --format csv 2>/dev/null | python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
print(len(rows), rows[1][0], rows[1][1], ",".join(rows[1][2:6]))')
	expect_eq hostile_csv_fields "$got" '2 7 a\x0ab,"c 0,0,1,10'
else
	skip hostile_csv_fields "no python3 to parse CSV"
fi
got=$("$S" analyze "$D/hostile.trc" --top-io --by file 2>/dev/null | wc -l)
expect_eq hostile_table_lines "$got" 6
if command -v python3 >/dev/null; then
	got=$("$S" analyze "$D/hostile.trc" --top-io --by file --format json 2>/dev/null |
	      python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["write_bytes"])')
	expect_eq hostile_json "$got" 10
fi
# a value that looks like SQL is data: bound, never spliced
csv hostile_comm_filter "pid,comm,reads,read_bytes,writes,write_bytes,host" \
	"$D/hostile.trc" --top-io --comm "x' OR '1'='1"

# A syscall's direction is the syscall table's: readlink and readahead
# read no descriptor's data, recvfrom does, sendfile writes its output.
"$MK" -o "$D/dirs.trc" <<'EOF2' || fail mktrace dirs.trc
meta recording_id dirs
syscall ts=1000 pid=7 comm=x sys=readlink ret=5
syscall ts=2000 pid=7 comm=x sys=readahead ret=0
syscall ts=3000 pid=7 comm=x sys=process_vm_readv ret=0
syscall ts=4000 pid=7 comm=x sys=recvfrom ret=10
syscall ts=5000 pid=7 comm=x sys=sendfile ret=10
rw ts=6000 pid=7 comm=x sys=pread64 ret=4 fd=3 count=4 offset=0
EOF2
got=$("$S" analyze "$D/dirs.trc" --no-progress --format csv \
	--sql 'SELECT name, rw FROM syscalls ORDER BY name' 2>/dev/null | tr '\n' ' ')
expect_eq syscall_directions "$got" \
	"name,rw pread64,1 process_vm_readv,0 readahead,0 readlink,0 recvfrom,1 sendfile,2 "

t_done
