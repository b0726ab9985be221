#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_errors.sh - slow and failed calls in sysrec analyze, on a trace
# built by mktrace with exact figures: --errors, --slow's files and
# --syscalls --hist.  Uses the ASan/UBSan build; needs no root and no BPF.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
need_built analyze_errors "$S" "$MK"
export TZ=UTC
t_tmpdir
D=$tmp

csv() {
	local n=$1 want=$2 got
	shift 2
	got=$("$S" analyze "$@" --no-progress --format csv 2>/dev/null)
	expect_eq "$n" "$got" "$want"
}
# the table without the coverage header
table() { "$S" analyze "$@" --no-progress 2>/dev/null | grep -v '^#'; }

# --- err.trc: 100 app, fd 3 /data/in from the snapshot ----------------------
#   openat /etc/hosts -> 4 (1.5 us); read 4: 10 bytes (3 us), EAGAIN twice
#   (500, 700 ns); openat /nope: ENOENT twice (2, 2.5 us); openat rel: EACCES
#   (100 ns); write 9: EBADF, no file (100 ns); close 4 (200 ns); read 3:
#   100 bytes (10 ms)
cat >"$D/err.spec" <<-'EOF'
	meta recording_id e0e0e0e0
	meta host hostE
	meta start_ns 1000000000
	meta clock_offset_ns 1700000000000000000
	proc ts=1000000000 pid=100 comm=app ppid=1 start_ns=500000000 exe="/bin/app" argv="app"
	fd ts=1000000000 pid=100 fd=3 dev=0x800001 ino=12 path="/data/in"
	open ts=1100000000 pid=100 comm=app sys=openat ret=4 dirfd=-100 flags=0 name="/etc/hosts" path="/etc/hosts" dev=0x800002 ino=40 dur_ns=1500
	rw ts=1110000000 pid=100 comm=app sys=read ret=10 fd=4 count=100 offset=-1 dev=0x800002 ino=40 dur_ns=3000
	rw ts=1120000000 pid=100 comm=app sys=read ret=-11 fd=4 count=100 offset=-1 dev=0x800002 ino=40 dur_ns=500
	rw ts=1130000000 pid=100 comm=app sys=read ret=-11 fd=4 count=100 offset=-1 dev=0x800002 ino=40 dur_ns=700
	open ts=1140000000 pid=100 comm=app sys=openat ret=-2 dirfd=-100 flags=0 name="/nope" dur_ns=2000
	open ts=1150000000 pid=100 comm=app sys=openat ret=-2 dirfd=-100 flags=0 name="/nope" dur_ns=2500
	open ts=1160000000 pid=100 comm=app sys=openat ret=-13 dirfd=-100 flags=0 name="rel" dur_ns=100
	rw ts=1170000000 pid=100 comm=app sys=write ret=-9 fd=9 count=10 offset=-1 h.flags=0x40 dur_ns=100
	close ts=1180000000 pid=100 comm=app sys=close ret=0 fd=4 dev=0x800002 ino=40 dur_ns=200
	rw ts=1190000000 pid=100 comm=app sys=read ret=100 fd=3 count=100 offset=-1 dev=0x800001 ino=12 dur_ns=10000000
	EOF
"$MK" -o "$D/err.trc" "$D/err.spec" || fail mktrace err.trc
F=$D/err.trc

# --- --errors ----------------------------------------------------------------

csv errors "syscall,error,errno,path,failures,processes,host
openat,ENOENT,2,/nope,2,1,hostE
read,EAGAIN,11,/etc/hosts,2,1,hostE
openat,EACCES,13,rel,1,1,hostE
write,EBADF,9,,1,1,hostE" "$F" --errors
expect_eq errors_table "$(table "$F" --errors)" "syscall  error   path        failures  processes
openat   ENOENT  /nope              2          1
read     EAGAIN  /etc/hosts         2          1
openat   EACCES  rel                1          1
write    EBADF   -                  1          1"
csv errors_limit "syscall,error,errno,path,failures,processes,host
openat,ENOENT,2,/nope,2,1,hostE" "$F" --errors --limit 1
csv errors_window "syscall,error,errno,path,failures,processes,host
openat,ENOENT,2,/nope,1,1,hostE
openat,EACCES,13,rel,1,1,hostE
write,EBADF,9,,1,1,hostE" "$F" --errors --since 145ms
csv errors_pid_none "syscall,error,errno,path,failures,processes,host" "$F" --errors --pid 7
expect_eq errors_help "$("$S" analyze --help | grep -c -- '--errors ')" 1

# --- --slow: the process, the file or descriptor, the duration ---------------

csv slow "time,pid,tid,comm,syscall,dur_ns,on_cpu_ns,off_cpu_ns,blocked_ns,runq_ns,vol_switches,invol_switches,ret,error,fd,path,host
0.190000,100,100,app,read,10000000,,,,,,,100,,3,/data/in,hostE
0.110000,100,100,app,read,3000,,,,,,,10,,4,/etc/hosts,hostE
0.150000,100,100,app,openat,2500,,,,,,,-2,ENOENT,,/nope,hostE" "$F" --slow --limit 3
# a failed open names the path it asked for, a bad descriptor its number
expect_eq slow_table "$(table "$F" --slow --limit 0 | sed -n '4p;10,11p')" "100  100  app   openat     2.5us       -        -     -  ENOENT  /nope
100  100  app   openat     100ns       -        -     -  EACCES  rel
100  100  app   write      100ns       -        -     -  EBADF   fd 9"

# --- --syscalls --hist: log2 buckets, from the lowest used to the highest -----

csv hist "syscall,bucket_lo_ns,bucket_hi_ns,count
read,256,511,1
read,512,1023,1
read,1024,2047,0
read,2048,4095,1
read,4096,8191,0
read,8192,16383,0
read,16384,32767,0
read,32768,65535,0
read,65536,131071,0
read,131072,262143,0
read,262144,524287,0
read,524288,1048575,0
read,1048576,2097151,0
read,2097152,4194303,0
read,4194304,8388607,0
read,8388608,16777215,1
openat,64,127,1
openat,128,255,0
openat,256,511,0
openat,512,1023,0
openat,1024,2047,2
openat,2048,4095,1
close,128,255,1
write,64,127,1" "$F" --syscalls --hist
expect_eq hist_table "$(table "$F" --syscalls --hist --since 135ms | head -4)" "syscall  bucket_lo_ns  bucket_hi_ns  count  distribution
read          8388608      16777215      1  |************************|
openat             64           127      1  |************************|
openat            128           255      0  |                        |"
csv hist_pid "syscall,bucket_lo_ns,bucket_hi_ns,count
read,256,511,1" "$F" --syscalls --hist --pid 100 --limit 1
must_fail hist_alone "$S" analyze "$F" --procs --hist

t_done
