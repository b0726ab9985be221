#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_net.sh - the net class in sysrec analyze and dump, on a trace built
# by mktrace with exact figures: sockets and pipes named in --top-io --by
# file and on dump's lines, sendfile's bytes on both sides, --net per
# endpoint and process, its errors, latencies and usage errors.  Uses the
# ASan/UBSan build; needs no root and no BPF.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
need_built analyze_net "$S" "$MK"
export TZ=UTC
t_tmpdir
D=$tmp

csv() {
	local n=$1 want=$2 got
	shift 2
	got=$("$S" analyze "$@" --no-progress --format csv 2>/dev/null)
	expect_eq "$n" "$got" "$want"
}

# --- net.trc: 100 cli, fd 7 /data/f from the snapshot ----------------------
#   socket 3, connected 127.0.0.1:40000 -> 127.0.0.1:5432 (3 us); sendto 100;
#   read 50; sendfile 200 from fd 7 to 3; recvfrom EAGAIN; socket 4 (IPv6),
#   connect to [::1]:9 refused; pipe2 5/6: 10 bytes through it
cat >"$D/net.spec" <<-'EOF'
	meta recording_id 0e7e0e7e
	meta host hostN
	meta start_ns 1000000000
	meta classes proc,mem,file,cpu,net
	proc ts=1000000000 pid=100 comm=cli ppid=1 start_ns=500000000 exe="/bin/cli" argv="cli"
	fd ts=1000000000 pid=100 fd=7 dev=0x800001 ino=800 path="/data/f"
	sock ts=1100000000 pid=100 comm=cli fd=3 sock_type=1 protocol=6 dev=9 ino=500 local_family=2
	net ts=1100000000 pid=100 comm=cli sys=socket ret=3 fd=3 fd2=-1 flags=0x80001 arg=2 dev=9 ino=500 dur_ns=500
	sock ts=1200000000 pid=100 comm=cli fd=3 sock_type=1 protocol=6 dev=9 ino=500 local_family=2 local_port=40000 local_addr0=0x0100007f peer_family=2 peer_port=5432 peer_addr0=0x0100007f
	net ts=1200000000 pid=100 comm=cli sys=connect ret=0 fd=3 fd2=-1 dev=9 ino=500 dur_ns=3000 addr_family=2 addr_port=5432 addr_addr0=0x0100007f
	net ts=1300000000 pid=100 comm=cli sys=sendto ret=100 fd=3 fd2=-1 count=100 bytes=100 dev=9 ino=500 dur_ns=1000
	rw ts=1310000000 pid=100 comm=cli sys=read ret=50 fd=3 count=4096 offset=-1 dev=9 ino=500 dur_ns=1000
	xfer ts=1320000000 pid=100 comm=cli sys=sendfile ret=200 in_fd=7 out_fd=3 count=200 in_dev=0x800001 in_ino=800 out_dev=9 out_ino=500 dur_ns=2000
	net ts=1330000000 pid=100 comm=cli sys=recvfrom ret=-11 fd=3 fd2=-1 count=10 dev=9 ino=500 dur_ns=100
	sock ts=1400000000 pid=100 comm=cli fd=4 sock_type=1 protocol=6 dev=9 ino=501 local_family=10 flags=0
	net ts=1400000000 pid=100 comm=cli sys=socket ret=4 fd=4 fd2=-1 flags=1 arg=10 dev=9 ino=501 dur_ns=500
	net ts=1410000000 pid=100 comm=cli sys=connect ret=-111 fd=4 fd2=-1 dev=9 ino=501 dur_ns=7000 addr_family=10 addr_port=9 addr_addr1=0x0100000000000000
	pipe ts=1500000000 pid=100 comm=cli sys=pipe2 ret=0 rfd=5 wfd=6 flags=0x80000 dev=15 ino=700 dur_ns=800
	rw ts=1510000000 pid=100 comm=cli sys=write ret=10 fd=6 count=10 offset=-1 dev=15 ino=700 dur_ns=900
	rw ts=1520000000 pid=100 comm=cli sys=read ret=10 fd=5 count=64 offset=-1 dev=15 ino=700 dur_ns=900
	EOF
"$MK" -o "$D/net.trc" "$D/net.spec" || fail "analyze_net: mktrace" "failed"

csv "analyze_net: --top-io --by file: the socket local first, the pipe, sendfile on both sides" \
"path,reads,read_bytes,writes,write_bytes,host
tcp 127.0.0.1:40000->127.0.0.1:5432,1,50,2,300,hostN
/data/f,1,200,0,0,hostN
pipe:[700],1,10,1,10,hostN" "$D/net.trc" --top-io --by file

csv "analyze_net: --net: per endpoint, errors by errno, connect latency" \
"endpoint,connects,accepts,sent_bytes,recv_bytes,errors,errnos,connected,connect_p50_ns,connect_p99_ns,connect_max_ns,sends,recvs,host
tcp 127.0.0.1:5432,1,0,300,50,1,EAGAIN:1,1,3000,3000,3000,2,1,hostN
tcp [::1]:9,1,0,0,0,1,ECONNREFUSED:1,0,,,,0,0,hostN" "$D/net.trc" --net

csv "analyze_net: --net --by process" \
"endpoint,pid,comm,connects,accepts,sent_bytes,recv_bytes,errors,errnos,connected,connect_p50_ns,connect_p99_ns,connect_max_ns,sends,recvs,host
tcp 127.0.0.1:5432,100,cli,1,0,300,50,1,EAGAIN:1,1,3000,3000,3000,2,1,hostN
tcp [::1]:9,100,cli,1,0,0,0,1,ECONNREFUSED:1,0,,,,0,0,hostN" "$D/net.trc" --net --by process

csv "analyze_net: --net --pid of another process: no row" \
"endpoint,connects,accepts,sent_bytes,recv_bytes,errors,errnos,connected,connect_p50_ns,connect_p99_ns,connect_max_ns,sends,recvs,host" \
	"$D/net.trc" --net --pid 999

got=$("$S" analyze "$D/net.trc" --net --no-progress --format json 2>/dev/null)
check "analyze_net: --net --format json" /usr/bin/python3 -c '
import json, sys
d = json.loads(sys.argv[1])
rows = d["rows"] if isinstance(d, dict) else d
assert rows[0]["endpoint"] == "tcp 127.0.0.1:5432" and rows[0]["sent_bytes"] == 300, rows
assert rows[1]["errnos"] == "ECONNREFUSED:1", rows
' "$got"
table=$("$S" analyze "$D/net.trc" --net --no-progress 2>/dev/null | grep -v '^#')
check "analyze_net: --net table: latencies as times" grep -q 'tcp 127.0.0.1:5432 .* 3.0us  *3.0us  *3.0us$' <<<"$table"

must_fail "analyze_net: --net --by file is bad usage" "$S" analyze "$D/net.trc" --net --by file
"$S" analyze "$D/net.trc" --net --by thread >/dev/null 2>&1
expect_eq "analyze_net: --net --by thread: status 2" "$?" 2

dump=$("$S" dump "$D/net.trc" 2>/dev/null)
check "analyze_net: dump: the socket's addresses on its I/O lines" \
	grep -q -F 'read fd=3<tcp 127.0.0.1:40000->127.0.0.1:5432> count=4096 ret=50' <<<"$dump"
check "analyze_net: dump: sendfile's two descriptors" \
	grep -q -F 'sendfile in fd=7</data/f> out fd=3<tcp 127.0.0.1:40000->127.0.0.1:5432> count=200 ret=200' <<<"$dump"
check "analyze_net: dump: the pipe's ends" grep -q -F 'write fd=6<pipe:[700]> count=10 ret=10' <<<"$dump"
check "analyze_net: dump: a connect's address" grep -q -F 'connect fd=4<tcp [::]:0> addr=[::1]:9 ret=-111 (ECONNREFUSED)' <<<"$dump"
t_done
