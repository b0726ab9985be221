# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# chnet.sh - sourced by the ClickHouse tests: traces to feed mktrace, of
# the net class the same on every host but for its latencies, of the cpu
# class one process's.
#
# netspec HOST N [ID]: a trace (recording_id ID, else netHOST) of two processes connecting N times to
# 127.0.0.1:5432 (latencies distinct per host and connect), sending, a
# recvfrom failing EAGAIN each time; two connects to [::1]:9 refused and
# unreachable
netspec() {
	local h=$1 n=$2 id=${3:-net$1} k pid fd ino ts=1100000000
	printf 'meta recording_id %s\nmeta host %s\nmeta start_ns 1000000000\nmeta classes proc,file,net\n' "$id" "$h"
	printf 'proc ts=1000000000 pid=100 comm=cli ppid=1 start_ns=500000000\n'
	printf 'proc ts=1000000000 pid=101 comm=cli2 ppid=1 start_ns=500000000\n'
	for k in $(seq 1 "$n"); do
		pid=$((100 + k % 2)); fd=$((2 + k)); ino=$((500 + k)); ts=$((ts + 1000000))
		printf 'sock ts=%d pid=%d comm=c fd=%d sock_type=1 protocol=6 dev=9 ino=%d local_family=2\n' $ts $pid $fd $ino
		printf 'net ts=%d pid=%d comm=c sys=socket ret=%d fd=%d fd2=-1 flags=1 arg=2 dev=9 ino=%d dur_ns=500\n' $ts $pid $fd $fd $ino
		ts=$((ts + 1000))
		printf 'sock ts=%d pid=%d comm=c fd=%d sock_type=1 protocol=6 dev=9 ino=%d local_family=2 local_port=%d local_addr0=0x0100007f peer_family=2 peer_port=5432 peer_addr0=0x0100007f\n' $ts $pid $fd $ino $((40000 + k))
		printf 'net ts=%d pid=%d comm=c sys=connect ret=0 fd=%d fd2=-1 dev=9 ino=%d dur_ns=%d addr_family=2 addr_port=5432 addr_addr0=0x0100007f\n' $ts $pid $fd $ino $((1000 * k * ${#h}  + 37 * k * k))
		ts=$((ts + 1000))
		printf 'net ts=%d pid=%d comm=c sys=sendto ret=%d fd=%d fd2=-1 count=100 bytes=%d dev=9 ino=%d dur_ns=1000\n' $ts $pid $((10 * k)) $fd $((10 * k)) $ino
		ts=$((ts + 1000))
		printf 'net ts=%d pid=%d comm=c sys=recvfrom ret=-11 fd=%d fd2=-1 count=10 dev=9 ino=%d dur_ns=100\n' $ts $pid $fd $ino
	done
	ts=$((ts + 1000000))
	printf 'sock ts=%d pid=100 comm=c fd=90 sock_type=1 protocol=6 dev=9 ino=990 local_family=10 flags=0\n' $ts
	printf 'net ts=%d pid=100 comm=c sys=socket ret=90 fd=90 fd2=-1 flags=1 arg=10 dev=9 ino=990 dur_ns=500\n' $ts
	printf 'net ts=%d pid=100 comm=c sys=connect ret=-111 fd=90 fd2=-1 dev=9 ino=990 dur_ns=7000 addr_family=10 addr_port=9 addr_addr1=0x0100000000000000\n' $((ts + 1000))
	printf 'net ts=%d pid=100 comm=c sys=connect ret=-113 fd=90 fd2=-1 dev=9 ino=990 dur_ns=7000 addr_family=10 addr_port=9 addr_addr1=0x0100000000000000\n' $((ts + 2000))
}

# cpuspec H HOST ON: a trace (recording_id cpuH, host HOST) of the cpu
# class: process 30ON (comm wH) opens /x, reads it once with its time off
# the CPU, and exits after ON * 333 ns on it
cpuspec() {
	local h=$1 host=$2 on=$3
	cat <<-EOF
		meta recording_id cpu$h
		meta host $host
		meta classes proc,file,cpu
		meta start_ns 1000000000
		proc ts=1000000000 pid=30$on comm=w$h ppid=1 start_ns=500000000
		open ts=1100000000 pid=30$on comm=w$h sys=openat ret=3 dirfd=-100 flags=0 name="/x" path="/x" dev=0x800001 ino=7 dur_ns=3000
		syscpu ts=1200000000 pid=30$on comm=w$h off_cpu_ns=1000 runq_ns=500 vol_switches=1 nr=0
		rw ts=1200000000 pid=30$on comm=w$h sys=read ret=10 fd=3 count=10 offset=-1 dev=0x800001 ino=7 dur_ns=4000
		cputime ts=1900000000 pid=30$on comm=w$h on_cpu_ns=$((on * 333)) h.flags=0x200
		exit ts=1900000000 pid=30$on comm=w$h exit_code=0 h.flags=2
		endmeta stop_ns 2000000000
		EOF
}
