#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_net.sh - the net class, pipes and zero-copy moves, against what the
# programs did: sr_net's byte counts and the addresses and ports it prints,
# python3's http.server fetched with urllib, `cat f | wc -c`, and the calls
# strace -f -c counts for the same workload.
. "$(dirname "$0")/../lib.sh"
need_bpf record_net || exit 0
t_tmpdir
mkdir -p "$tmp/w"

"$SYSREC" record -q -o "$tmp/net.trc" -- "$WORKLOADS/sr_net" all "$tmp/w" > "$tmp/net.out" ||
	fail "record_net: record sr_net" "failed"
v() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/net.out"; }
t4s=$(v tcp4_server) t4c=$(v tcp4_client) t4n=$(v tcp4_nb_client) t4r=$(v tcp4_refused)
t4m=$(v tcp4m_client)
t6s=$(v tcp6_server) t6c=$(v tcp6_client)
ucs=$(v udpc_server) ucc=$(v udpc_client) uus=$(v udpu_server) uuc=$(v udpu_client)
upath=$(v unix_path) abs=$(v abs_name) p0=$(v pair_ino0) p1=$(v pair_ino1)
pino=$(v pipe_ino) sino=$(v splice_pipe_ino) vino=$(v vmsplice_pipe_ino) tino=$(v tee_pipe_ino)
check "record_net: sr_net printed its addresses" test -n "$t4s" -a -n "$t6c" -a -n "$uuc" -a -n "$sino"
# the unconnected client's port came with its first send: its peer saw 127.0.0.1
uucl="127.0.0.1:${uuc##*:}"
# the v4-mapped client's peer: the listener, as its IPv6 socket holds it
t4ms="[::ffff:${t4s%:*}]:${t4s##*:}" t4ml="127.0.0.1:${t4m##*:}"

# --- per descriptor: --top-io --by file names each socket, local then peer ---
"$SYSREC" analyze "$tmp/net.trc" --top-io --by file --format csv > "$tmp/io.csv" 2>/dev/null ||
	fail "record_net: --top-io" "failed"
# the host column last: any
io_row() { sed 's/,[^,]*$//' "$tmp/io.csv" | grep -q -x -F -- "$1,$2"; }
# path,reads,read_bytes,writes,write_bytes
for want in \
	"tcp $t4c->$t4s|1,2000,2,4000" \
	"tcp $t4s->$t4c|2,4000,1,2000" \
	"tcp $t4n->$t4s|0,0,1,50" \
	"tcp $t4s->$t4n|1,50,0,0" \
	"tcp $t4m->$t4ms|0,0,1,123" \
	"tcp $t4s->$t4ml|1,123,0,0" \
	"tcp $t6c->$t6s|1,2100,1,1100" \
	"tcp $t6s->$t6c|1,1100,1,2100" \
	"udp $ucc->$ucs|0,0,2,450" \
	"udp $ucs|2,450,0,0" \
	"udp $uuc|0,0,2,460" \
	"udp $uus|2,460,0,0" \
	"unix $upath|2,1100,2,1100" \
	"unix $abs|2,1500,2,1500" \
	"unix socketpair:[$p1]|1,950,1,900" \
	"unix socketpair:[$p0]|1,900,1,950" \
	"pipe:[$pino]|2,1200,1,1200" \
	"pipe:[$sino]|1,1300,1,1300" \
	"pipe:[$vino]|2,200,1,100" \
	"pipe:[$tino]|1,100,1,100" \
	"$tmp/w/src|3,5700,1,4096" \
	"$tmp/w/spliced|0,0,1,1300" \
	"$tmp/w/copied|0,0,1,1400"; do
	name=${want%%|*} counts=${want#*|}
	check "record_net: --top-io --by file: $name $counts" io_row "$name" "$counts"
done

# --- per remote endpoint: --net ---
"$SYSREC" analyze "$tmp/net.trc" --net --format csv > "$tmp/net.csv" 2>/dev/null ||
	fail "record_net: --net" "failed"
expect_eq "record_net: --net columns" "$(head -1 "$tmp/net.csv" | cut -d, -f1-6)" \
	"endpoint,connects,accepts,sent_bytes,recv_bytes,errors"
# endpoint,connects,accepts,sent_bytes,recv_bytes,errors,errnos
for want in \
	"tcp $t4s,2,0,4050,2000,0," \
	"tcp $t4c,0,1,2000,4000,0," \
	"tcp $t4n,0,1,0,50,0," \
	"tcp $t4ms,1,0,123,0,0," \
	"tcp $t4ml,0,1,0,123,0," \
	"tcp $t4r,1,0,0,0,1,ECONNREFUSED:1" \
	"tcp $t6s,1,0,1100,2100,0," \
	"tcp $t6c,0,1,2100,1100,0," \
	"udp $ucs,1,0,450,0,0," \
	"udp $ucc,0,0,0,450,0," \
	"udp $uus,0,0,460,0,0," \
	"udp $uucl,0,0,0,460,0," \
	"unix $upath,1,1,1100,1100,0," \
	"unix $abs,1,1,1500,1500,0," \
	"unix socketpair:[$p1],0,0,900,950,0," \
	"unix socketpair:[$p0],0,0,950,900,0,"; do
	check "record_net: --net: $want" grep -q -x -F -- "$want" <(cut -d, -f1-7 "$tmp/net.csv")
done
expect_eq "record_net: --net: no other endpoint" "$(($(wc -l < "$tmp/net.csv") - 1))" 16
# the two timed connects of 127.0.0.1 (blocking, and non-blocking ended by SO_ERROR)
check "record_net: --net: connect latencies of $t4s" awk -F, -v e="tcp $t4s" \
	'$1 == e && $8 == 2 && $9 > 0 && $10 >= $9 && $11 == $10 { ok = 1 } END { exit !ok }' "$tmp/net.csv"
"$SYSREC" analyze "$tmp/net.trc" --net --by process --format json > "$tmp/net.json" 2>/dev/null
check "record_net: --net --by process --format json" /usr/bin/python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))
rows = rows["rows"] if isinstance(rows, dict) else rows
assert any(r["endpoint"] == "tcp " + sys.argv[2] and r["comm"] == "sr_net" and r["sent_bytes"] == 4050 for r in rows)
' "$tmp/net.json" "$t4s"
must_fail "record_net: --net --by file is refused" "$SYSREC" analyze "$tmp/net.trc" --net --by file

# --- dump: the socket's addresses on each I/O line of its descriptor ---
"$SYSREC" dump "$tmp/net.trc" > "$tmp/dump.txt"
check "record_net: dump: accept with a NULL address names its peer" \
	grep -q -F "accept fd=3<tcp $t4s> fd2 fd=5<tcp $t4s->$t4c>" "$tmp/dump.txt"
check "record_net: dump: send on the client" grep -q -F "sendto fd=4<tcp $t4c->$t4s> count=1000" "$tmp/dump.txt"
check "record_net: dump: sendfile from the file to the socket" \
	grep -q -F "sendfile in fd=6<$tmp/w/src> out fd=4<tcp $t4c->$t4s> count=3000 ret=3000" "$tmp/dump.txt"
check "record_net: dump: connected UDP names its peer" grep -q -F "sendto fd=5<udp $ucc->$ucs>" "$tmp/dump.txt"
check "record_net: dump: the pipe's write end" grep -q -E "write fd=[0-9]+<pipe:\[$pino\]> count=1200 ret=1200" "$tmp/dump.txt"
check "record_net: dump: the abstract socket" grep -q -F "<unix $abs>" "$tmp/dump.txt"
check "record_net: dump: the netlink socket" grep -q -E "bind fd=[0-9]+<netlink route> .*ret=0" "$tmp/dump.txt"
check "record_net: dump: sendmsg's two iovecs" grep -q -F "sendmsg fd=5<udp $ucc->$ucs> count=150 bytes=150" "$tmp/dump.txt"
check "record_net: dump: recvmmsg's bytes and the sender" \
	grep -q -E "recvmmsg fd=4<udp $uus> count=3 bytes=60 flags=0x10000 addr=$uucl ret=3" "$tmp/dump.txt"
check "record_net: dump: vmsplice into a pipe and out of it" \
	test "$(grep -c -E "vmsplice in fd=-1 out fd=[0-9]+<pipe:\[$vino\]> count=100 ret=100|vmsplice in fd=[0-9]+<pipe:\[$vino\]> out fd=-1 count=100 ret=100" "$tmp/dump.txt")" = 2

# --- the same calls as strace -f -c counts them ---
if command -v strace >/dev/null; then
	mkdir -p "$tmp/s"
	strace -f -c -o "$tmp/net.strace" "$WORKLOADS/sr_net" all "$tmp/s" > /dev/null
	"$SYSREC" analyze "$tmp/net.trc" --syscalls --format csv 2>/dev/null | tail -n +2 | cut -d, -f1-3 |
		sort > "$tmp/sys.got"
	awk 'NF >= 5 && $1 ~ /^[0-9.]+$/ { e = (NF == 6) ? $5 : 0; print $NF "," $4 "," e }' \
		"$tmp/net.strace" | sort > "$tmp/sys.all"
	names='socket|socketpair|bind|listen|connect|accept|getsockopt|shutdown|sendto|recvfrom|sendmsg|recvmsg|sendmmsg|recvmmsg|pipe|pipe2|sendfile|splice|tee|vmsplice|copy_file_range'
	expect_eq "record_net: net, pipe and zero-copy calls and errors equal strace -f -c" \
		"$(grep -E "^($names)," "$tmp/sys.got")" "$(grep -E "^($names)," "$tmp/sys.all")"
else
	skip record_net_strace "strace is not installed"
fi

# --- sockets open before the recording: named from /proc/PID/net by the snapshot ---
cat > "$tmp/pre.py" <<'EOF'
import os, signal, socket, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
c = socket.create_connection(l.getsockname()); s, _ = l.accept()
u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); u.bind("\0sr_pre.%d" % os.getpid())
open(sys.argv[1], "w").write("%d %d\n" % (l.getsockname()[1], c.getsockname()[1]))
open(os.environ["SR_WORK_READY"], "w").close()
signal.sigwait([signal.SIGUSR1])
c.send(b"x" * 777); s.recv(1000)
u.sendto(b"y" * 55, "\0sr_pre.%d" % os.getpid()); u.recv(100)
EOF
record_pid record_net_pre "$tmp/pre.trc" 0 -- /usr/bin/python3 "$tmp/pre.py" "$tmp/pre.out"
read -r lport cport < "$tmp/pre.out"
"$SYSREC" analyze "$tmp/pre.trc" --top-io --by file --format csv 2>/dev/null | sed 's/,[^,]*$//' > "$tmp/pre.csv"
check "record_net: a connection open before recording: the client" \
	grep -q -x -F "tcp 127.0.0.1:$cport->127.0.0.1:$lport,0,0,1,777" "$tmp/pre.csv"
check "record_net: a connection open before recording: the accepted end" \
	grep -q -x -F "tcp 127.0.0.1:$lport->127.0.0.1:$cport,1,777,0,0" "$tmp/pre.csv"
check "record_net: an abstract unix socket bound before recording" \
	grep -q -x -E "unix @sr_pre\.[0-9]+,1,55,1,55" "$tmp/pre.csv"

# --- real programs: python3's http.server fetched with urllib ---
head -c 123457 /dev/urandom > "$tmp/w/blob.bin"
cat > "$tmp/fetch.py" <<'EOF'
import functools, http.server, sys, threading, urllib.request
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
srv = http.server.HTTPServer(("127.0.0.1", 0), handler)
port = srv.server_address[1]
threading.Thread(target=srv.handle_request).start()
body = urllib.request.urlopen("http://127.0.0.1:%d/blob.bin" % port).read()
print("port", port)
print("body", len(body))
EOF
"$SYSREC" record -q -o "$tmp/http.trc" -- /usr/bin/python3 "$tmp/fetch.py" "$tmp/w" > "$tmp/http.out" ||
	fail "record_net: record http.server" "failed"
port=$(awk '$1 == "port" { print $2 }' "$tmp/http.out")
expect_eq "record_net: urllib read the whole file" "$(awk '$1 == "body" { print $2 }' "$tmp/http.out")" 123457
"$SYSREC" analyze "$tmp/http.trc" --net --format csv > "$tmp/http.csv" 2>/dev/null
"$SYSREC" analyze "$tmp/http.trc" --top-io --by file --format csv > "$tmp/http.io" 2>/dev/null
# the server read the file whole, and sent it after its headers (in 64 KiB pieces)
check "record_net: http.server read the file exactly" awk -F, -v f="$tmp/w/blob.bin" \
	'$1 == f && $3 == 123457 && $5 == 0 { ok = 1 } END { exit !ok }' "$tmp/http.io"
"$SYSREC" analyze "$tmp/http.trc" --format csv --sql \
	"SELECT e.ret FROM events e JOIN syscalls s ON s.sys_id = e.sys_id JOIN files f ON f.file_id = e.file_id
	 WHERE s.name = 'sendto' AND f.name LIKE 'tcp 127.0.0.1:$port->%' ORDER BY e.ts" > "$tmp/http.sends" 2>/dev/null
hdr=$(sed -n 2p "$tmp/http.sends")
expect_eq "record_net: http.server sent the file after its headers" \
	"$(tail -n +3 "$tmp/http.sends" | awk "{ s += \$1 } END { print s }")" 123457
# both ends agree: the client's endpoint is the server, the server's the client's port
cl=$(awk -F, -v e="tcp 127.0.0.1:$port" '$1 == e { print $2 "," $3 "," $4 "," $5 }' "$tmp/http.csv")
srv=$(awk -F, -v e="tcp 127.0.0.1:$port" '$1 != e && $1 ~ /^tcp 127\.0\.0\.1:/ { print $2 "," $3 "," $4 "," $5 }' "$tmp/http.csv")
req=$(echo "$cl" | cut -d, -f3)
check "record_net: urllib sent a request" test "${req:-0}" -gt 0
expect_eq "record_net: urllib's endpoint: one connect, the headers and the file received" \
	"$cl" "1,0,$req,$((hdr + 123457))"
expect_eq "record_net: the server's endpoint: one accept, the request received, headers and file sent" \
	"$srv" "0,1,$((hdr + 123457)),$req"

# the calls that do not depend on timing, as strace -f -c counts them for the same run
if command -v strace >/dev/null; then
	strace -f -c -o "$tmp/http.strace" /usr/bin/python3 "$tmp/fetch.py" "$tmp/w" > /dev/null
	names='socket|socketpair|bind|listen|connect|accept|accept4|shutdown|pipe|pipe2|sendfile|splice'
	expect_eq "record_net: http.server and urllib: socket calls equal strace -f -c" \
		"$("$SYSREC" analyze "$tmp/http.trc" --syscalls --format csv 2>/dev/null | tail -n +2 |
		   cut -d, -f1-3 | grep -E "^($names)," | sort)" \
		"$(awk 'NF >= 5 && $1 ~ /^[0-9.]+$/ { e = (NF == 6) ? $5 : 0; print $NF "," $4 "," e }' \
		   "$tmp/http.strace" | grep -E "^($names)," | sort)"
fi

# --- `cat f | wc -c`: the pipe's bytes are the file's size ---
"$SYSREC" record -q -o "$tmp/pipe.trc" -- sh -c "cat '$tmp/w/blob.bin' | wc -c" > "$tmp/pipe.out" ||
	fail "record_net: record cat | wc" "failed"
expect_eq "record_net: wc -c counted the file" "$(tr -d ' ' < "$tmp/pipe.out")" 123457
if command -v strace >/dev/null; then
	strace -f -c -o "$tmp/pipe.strace" sh -c "cat '$tmp/w/blob.bin' | wc -c" > /dev/null
	expect_eq "record_net: cat | wc -c: pipe calls equal strace -f -c" \
		"$("$SYSREC" analyze "$tmp/pipe.trc" --syscalls --format csv 2>/dev/null | tail -n +2 |
		   cut -d, -f1-3 | grep -E '^pipe2?,')" \
		"$(awk 'NF >= 5 && $1 ~ /^[0-9.]+$/ { e = (NF == 6) ? $5 : 0; print $NF "," $4 "," e }' \
		   "$tmp/pipe.strace" | grep -E '^pipe2?,')"
fi
check "record_net: the pipe carried the file's bytes out of cat and into wc" awk -F, \
	'$1 ~ /^pipe:\[[0-9]+\]$/ && $3 == 123457 && $5 == 123457 { n++ } END { exit n != 1 }' \
	<("$SYSREC" analyze "$tmp/pipe.trc" --top-io --by file --format csv 2>/dev/null)
t_done
