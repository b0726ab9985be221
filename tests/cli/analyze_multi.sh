#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_multi.sh - several recordings at once: a report that adds them up
# says so in its header, names the hosts and how to split them; --by
# recording gives each recording's rows, labelled, and they add up to the
# summed rows; rows of a process say which recording they are of.  Uses the
# ASan/UBSan build; needs no root and no BPF.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
need_built analyze_multi "$S" "$MK"
export TZ=UTC
t_tmpdir
D=$tmp

# mk ID HOST: one process reading 10 bytes
mk() {
	cat <<-EOF | "$MK" -o "$D/$1.trc" || fail mktrace "$1"
	meta recording_id $1
	meta host $2
	meta start_ns 1000000000
	proc ts=1000000000 pid=100 comm=app ppid=1 start_ns=500000000 argv="app"
	open ts=1100000000 pid=100 comm=app sys=openat ret=4 dirfd=-100 flags=0 name="/etc/hosts" path="/etc/hosts" dev=0x800002 ino=40 dur_ns=1000
	rw ts=1110000000 pid=100 comm=app sys=read ret=10 fd=4 count=100 offset=-1 dev=0x800002 ino=40 dur_ns=3000
	EOF
}
mk a0000001 hostA
mk a0000002 hostA
mk b0000001 hostB
summed() { "$S" analyze "$@" --no-progress 2>/dev/null | grep 'figures summed'; }

expect_eq summed_hosts "$(summed "$D/a0000001.trc" "$D/b0000001.trc" --syscalls)" \
	"# 2 recordings (hosts hostA, hostB): figures summed; --by recording: a row per recording"
expect_eq summed_runs "$(summed "$D/a0000001.trc" "$D/a0000002.trc")" \
	"# 2 recordings (host hostA): figures summed"
# on stderr with the rest of the header for CSV
expect_eq summed_csv "$("$S" analyze "$D/a0000001.trc" "$D/b0000001.trc" --syscalls --format csv --no-progress 2>&1 >/dev/null | grep -c 'figures summed')" 1
expect_eq summed_three "$(summed "$D/a0000001.trc" "$D/a0000002.trc" "$D/b0000001.trc" --timeline)" \
	"# 3 recordings (hosts hostA, hostB): figures summed; --by recording: a row per recording"
# one recording, or rows per host: nothing summed
expect_eq summed_one "$(summed "$D/a0000001.trc" --syscalls)" ""
expect_eq summed_files "$(summed "$D/a0000001.trc" "$D/b0000001.trc" --files)" ""

# --- two runs of one host, told apart ---
# run ID HOST FILE READ WRITE DUR ONCPU MAPLEN OFFSET: app (pid 100) opens
# /data/in and reads READ bytes, opens /data/out and writes WRITE bytes,
# fails a write on fd 9 (EBADF), maps MAPLEN bytes, each call DUR ns; it is
# ONCPU ns on a CPU over the one-second recording; its wall clock starts at
# OFFSET + 1 s
run() {
	mkdir -p "$(dirname "$D/$3")"
	cat <<-EOF | "$MK" -o "$D/$3" -f >/dev/null || fail mktrace "$3"
	meta recording_id $1
	meta host $2
	meta classes proc,mem,file,cpu
	meta start_ns 1000000000
	meta stop_ns 2000000000
	meta clock_offset_ns $9
	proc ts=1000000000 pid=100 comm=app ppid=1 start_ns=500000000 argv="app"
	cputime ts=1000000000 pid=100 comm=app on_cpu_ns=1000000 h.flags=0x400
	open ts=1100000000 pid=100 comm=app sys=openat ret=3 dirfd=-100 flags=0 name="/data/in" path="/data/in" dev=0x800002 ino=40 dur_ns=$6
	rw ts=1110000000 pid=100 comm=app sys=read ret=$4 fd=3 count=100000 offset=-1 dev=0x800002 ino=40 dur_ns=$6
	open ts=1200000000 pid=100 comm=app sys=openat ret=4 dirfd=-100 flags=0x241 name="/data/out" path="/data/out" dev=0x800002 ino=41 dur_ns=$6
	rw ts=1210000000 pid=100 comm=app sys=write ret=$5 fd=4 count=100000 offset=-1 dev=0x800002 ino=41 dur_ns=$6
	rw ts=1220000000 pid=100 comm=app sys=write ret=-9 fd=9 count=10 offset=-1 dur_ns=$6
	mmap ts=1300000000 pid=100 comm=app sys=mmap ret=0x7f0000000000 len=$8 prot=3 flags=0x22 fd=-1 dur_ns=$6
	cputime ts=2000000000 pid=100 comm=app on_cpu_ns=$((1000000 + $7))
	EOF
}
# hostA twice (the same file name in two directories), hostB once
run 7e570001 hostA day1/run.trc 100 1000 1000 4000000 4096 1700000000000000000
run 7e570002 hostA day2/run.trc 300 3000 5000 6000000 8192 1700000000500000000
run 7e570003 hostB b.trc 7 70 2000 1000000 12288 1700000000000000000
A1=$D/day1/run.trc A2=$D/day2/run.trc B=$D/b.trc
rows() { csv "$A1" "$A2" "$B" "$@"; }
csv() { "$S" analyze "$@" --no-progress --format csv 2>/dev/null; }

# each recording's rows, exact (writes: the calls that did not fail); labels: the file name, with its directory
# where two are the same; the recording_id in CSV
expect_eq "--top-io --by recording" "$(rows --top-io --by recording)" \
"recording,reads,read_bytes,writes,write_bytes,host,recording_id
day2/run.trc,1,300,1,3000,hostA,7e570002
day1/run.trc,1,100,1,1000,hostA,7e570001
b.trc,1,7,1,70,hostB,7e570003"
expect_eq "--files --by recording" "$(rows --files --by recording | sort)" \
"/data/in,1,1,0,1,100,0,0,hostA,day1/run.trc,7e570001
/data/in,1,1,0,1,300,0,0,hostA,day2/run.trc,7e570002
/data/in,1,1,0,1,7,0,0,hostB,b.trc,7e570003
/data/out,1,0,1,0,0,1,1000,hostA,day1/run.trc,7e570001
/data/out,1,0,1,0,0,1,3000,hostA,day2/run.trc,7e570002
/data/out,1,0,1,0,0,1,70,hostB,b.trc,7e570003
path,opens,readers,writers,reads,read_bytes,writes,write_bytes,host,recording,recording_id"
# hostA's summed rows are the sum of its two recordings': 100 + 300 and 1000 + 3000
expect_eq "--files: per host, the sum of its recordings" "$(rows --files | sort)" \
"/data/in,1,1,0,1,7,0,0,hostB
/data/in,2,2,0,2,400,0,0,hostA
/data/out,1,0,1,0,0,1,70,hostB
/data/out,2,0,2,0,0,2,4000,hostA
path,opens,readers,writers,reads,read_bytes,writes,write_bytes,host"
expect_eq "--top-io --by file: per host, the sum" "$(rows --top-io --by file | grep hostA | sort)" \
"/data/in,2,400,0,0,hostA
/data/out,0,0,2,4000,hostA"
# every call DUR ns: day1 1000, day2 5000, b 2000; 5 calls each (openat 2, read, write 2)
expect_eq "--syscalls --by recording" "$(rows --syscalls --by recording | cut -d, -f1-5,16-)" \
"recording,syscall,calls,errors,total_ns,recording_id,host
day1/run.trc,openat,2,0,2000,7e570001,hostA
day1/run.trc,write,2,1,2000,7e570001,hostA
day1/run.trc,mmap,1,0,1000,7e570001,hostA
day1/run.trc,read,1,0,1000,7e570001,hostA
day2/run.trc,openat,2,0,10000,7e570002,hostA
day2/run.trc,write,2,1,10000,7e570002,hostA
day2/run.trc,mmap,1,0,5000,7e570002,hostA
day2/run.trc,read,1,0,5000,7e570002,hostA
b.trc,openat,2,0,4000,7e570003,hostB
b.trc,write,2,1,4000,7e570003,hostB
b.trc,mmap,1,0,2000,7e570003,hostB
b.trc,read,1,0,2000,7e570003,hostB"
expect_eq "--syscalls --by host: hostA the sum of its two" \
	"$(rows --syscalls --by host | grep '^hostA,write' | cut -d, -f1-5,9)" "hostA,write,4,2,12000,5000"
expect_eq "--syscalls: all summed" "$(rows --syscalls | grep '^write' | cut -d, -f1-4)" "write,6,3,16000"
# on-CPU: 4 ms and 6 ms of hostA's, 1 ms of hostB's, each of a 1 s recording
expect_eq "--cpu --by recording" "$(rows --cpu --by recording | cut -d, -f1-3,10,13-)" \
"recording,processes,on_cpu_ns,cpu_share,threads,host,recording_id
day2/run.trc,1,6000000,0.0060000000000000001,1,hostA,7e570002
day1/run.trc,1,4000000,0.0040000000000000001,1,hostA,7e570001
b.trc,1,1000000,0.001,1,hostB,7e570003"
expect_eq "--cpu --by host: hostA the sum, over its 2 s" "$(rows --cpu --by host | grep hostA | cut -d, -f1-3,10)" \
	"hostA,2,10000000,0.0050000000000000001"
expect_eq "--cpu: each process says its recording" "$(rows --cpu | cut -d, -f1,3,16-)" \
"pid,on_cpu_ns,host,recording,recording_id
100,6000000,hostA,day2/run.trc,7e570002
100,4000000,hostA,day1/run.trc,7e570001
100,1000000,hostB,b.trc,7e570003"
expect_eq "--errors --by recording" "$(rows --errors --by recording | cut -d, -f1,2,5,7-)" \
"syscall,error,failures,host,recording,recording_id
write,EBADF,1,hostA,day1/run.trc,7e570001
write,EBADF,1,hostA,day2/run.trc,7e570002
write,EBADF,1,hostB,b.trc,7e570003"
expect_eq "--errors: hostA the sum" "$(rows --errors | cut -d, -f1,2,5,7)" \
"syscall,error,failures,host
write,EBADF,2,hostA
write,EBADF,1,hostB"
expect_eq "--mem: each process says its recording" "$(rows --mem | cut -d, -f1,4,10-)" \
"pid,mapped_bytes,host,recording,recording_id
100,12288,hostB,b.trc,7e570003
100,8192,hostA,day2/run.trc,7e570002
100,4096,hostA,day1/run.trc,7e570001"
expect_eq "--procs: each process says its recording" \
	"$(rows --procs | awk -F, '{ print $1 "," $(NF - 2) "," $(NF - 1) "," $NF }' | sort)" \
"100,hostA,day1/run.trc,7e570001
100,hostA,day2/run.trc,7e570002
100,hostB,b.trc,7e570003
pid,host,recording,recording_id"
expect_eq "--slow: each call says its recording" "$(rows --slow --limit 3 | cut -d, -f5,6,17-)" \
"syscall,dur_ns,host,recording,recording_id
openat,5000,hostA,day2/run.trc,7e570002
read,5000,hostA,day2/run.trc,7e570002
openat,5000,hostA,day2/run.trc,7e570002"
# the overview's top processes too
expect_eq "overview: its top processes say their recording" \
	"$("$S" analyze "$A1" "$A2" --no-progress 2>/dev/null | awk '/^pid/ { h = 1 } h { print $1, $NF }')" \
	"pid recording
100 day2/run.trc
100 day1/run.trc"
# --timeline --by recording: each recording's buckets, on its own clock with
# --time abs (day2 starts 0.5 s after day1 on the wall clock); they add up
# to the summed timeline
expect_eq "--timeline --by recording --time abs" \
	"$(rows --timeline --interval 1s --by recording --time abs)" \
"recording,time,events,read_bytes,write_bytes,syscall_ns,recording_id,host
day1/run.trc,2023-11-14 22:13:21.000000,6,100,1000,6000,7e570001,hostA
day2/run.trc,2023-11-14 22:13:21.500000,6,300,3000,30000,7e570002,hostA
b.trc,2023-11-14 22:13:21.000000,6,7,70,12000,7e570003,hostB"
expect_eq "--timeline: the sum of the recordings'" "$(rows --timeline --interval 1s)" \
"time,events,read_bytes,write_bytes,syscall_ns
0.000000,18,407,4070,48000"
# filters apply per recording too
expect_eq "--top-io --by recording --since 0.15" \
	"$(rows --top-io --by recording --since 0.15 | cut -d, -f1,3,5)" \
"recording,read_bytes,write_bytes
day2/run.trc,0,3000
day1/run.trc,0,1000
b.trc,0,70"

# the header: summed per host says how to split; rows per recording or per
# process sum nothing
hdr() { "$S" analyze "$@" --no-progress 2>/dev/null | grep 'figures summed'; }
expect_eq "--files: summed per host, and how to split" "$(hdr "$A1" "$A2" "$B" --files)" \
	"# 3 recordings (hosts hostA, hostB): figures summed per host; --by recording: a row per recording"
expect_eq "--errors: summed per host" "$(hdr "$A1" "$A2" --errors)" \
	"# 2 recordings (host hostA): figures summed per host; --by recording: a row per recording"
expect_eq "--cpu --by host: summed per host" "$(hdr "$A1" "$A2" --cpu --by host)" \
	"# 2 recordings (host hostA): figures summed per host; --by recording: a row per recording"
expect_eq "overview: summed (no --by recording there)" "$(hdr "$A1" "$A2")" \
	"# 2 recordings (host hostA): figures summed"
for r in "--files --by recording" "--syscalls --by recording" "--timeline --by recording" "--procs" "--mem" "--cpu" "--slow" "--top-io"; do
	# shellcheck disable=SC2086
	expect_eq "$r: nothing summed" "$(hdr "$A1" "$A2" $r)" ""
done
# two hosts with a recording each: rows of a process need no recording column
expect_eq "one recording per host: no recording column" "$(csv "$A1" "$B" --procs | head -1)" \
	"pid,ppid,comm,depth,start,end,duration_ns,on_cpu_ns,exit_code,exit_status,exit_signal,threads,execs,exe,cmdline,host"
# one recording: --by recording labels it by its file name
expect_eq "one recording --by recording" "$(csv "$B" --top-io --by recording)" \
"recording,reads,read_bytes,writes,write_bytes,host,recording_id
b.trc,1,7,1,70,hostB,7e570003"
# a table shows the label, leaves the id to CSV and JSON
expect_eq "table: the recording column" \
	"$("$S" analyze "$A1" "$A2" --syscalls --by recording --no-progress 2>/dev/null | sed -n '/^recording/{p;n;p}' | tr -s ' ')" \
"recording syscall calls errors total max on_cpu off_cpu runq
day1/run.trc openat 2 0 2.0us 1.0us 2.0us 0ns 0ns"

# the same path recorded twice into a kept database: file name and db id
run 7e570011 hostC same.trc 1 1 1000 1000 4096 1700000000000000000
"$S" analyze --db "$D/k.db" "$D/same.trc" --no-progress >/dev/null 2>&1 || fail "--db import 1"
run 7e570012 hostC same.trc 2 2 1000 1000 4096 1700000000000000000
"$S" analyze --db "$D/k.db" "$D/same.trc" --no-progress >/dev/null 2>&1 || fail "--db import 2"
expect_eq "one path twice: told apart by the db id" \
	"$(csv --db "$D/k.db" --top-io --by recording | cut -d, -f1,3 | sort)" \
"recording,read_bytes
same.trc#1,1
same.trc#2,2"
# a rotated set: the first file's name
for i in 0 1; do
	printf '%s\n' "meta recording_id 7e570021" "meta host hostD" "meta rotation_index $i" \
		"meta start_ns 1000000000" \
		"rw ts=$((1100000000 + i)) pid=100 comm=app sys=read ret=$((i + 5)) fd=3 count=10 offset=-1 dur_ns=1" |
		"$MK" -o "$D/rot.00000$i.trc" -f >/dev/null || fail mktrace rot
done
expect_eq "a rotated set: its first file's name" \
	"$(csv "$D/rot.000001.trc" "$D/rot.000000.trc" --top-io --by recording | cut -d, -f1-3)" \
"recording,reads,read_bytes
rot.000000.trc,2,11"

# --by recording where there is no such thing
must_fail "overview --by recording" "$S" analyze "$B" --by recording --no-progress
must_fail "--sql --by recording" "$S" analyze "$B" --sql "SELECT 1" --by recording --no-progress
must_fail "--syscalls --hist --by recording" "$S" analyze "$B" --syscalls --hist --by recording --no-progress
must_fail "--files --by host" "$S" analyze "$B" --files --by host --no-progress

t_done
