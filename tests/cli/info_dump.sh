#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# info_dump.sh - sysrec info and sysrec dump on traces crafted with mktrace:
# exact text and JSON, every filter, wall and relative time, hostile strings,
# cut, damaged and newer files, types this build does not know, schemas
# that contradict this build's, hostile clock offsets.
# Uses the ASan/UBSan build for everything; needs no root.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
M=$TOOLS/mktrace
for x in "$S" "$M"; do
	if [ ! -x "$x" ]; then
		fail info_dump "not built: $x (make asan tools)"
		exit 1
	fi
done
# wall-clock times are local time: make them the same everywhere
export TZ=UTC
D=$(mktemp -d /tmp/sysrec-info-dump.XXXXXX)
trap 'rm -rf "$D"' EXIT

# run NAME WANT_RC CMD...: stdout to $D/out, stderr to $D/err, exit status checked.
run() { run_in "$D" "$@"; }
# same_file NAME GOT WANT: exact content, with a diff on failure.
same_file() {
	if cmp -s "$2" "$3"; then ok "$1"; else fail "$1" "$(diff "$3" "$2" | head -10 | tr '\n' '|')"; fi
}
json_ok() { python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$1"; }

# --- t1: one of everything, complete ---
# clock_offset makes ts 1 s = 2026-11-22 21:00:15 UTC
cat >"$D/t1.spec" <<'EOF'
meta recording_id 00c0ffee
meta rotation_index 0
meta host testhost
meta kernel 6.1.0-test
meta machine x86_64
meta ncpus 4
meta page_size 4096
meta clock CLOCK_MONOTONIC
meta clock_offset_ns 1795381214000000000
meta start_ns 1000000000
meta sysrec_version 0.1.0
meta cmdline sysrec record -o t1.trc -- ls -l
meta filters none
meta classes proc,mem,file
meta cgroup2_mount /sys/fs/cgroup
proc ts=1000000000 pid=42 comm=bash ppid=1 start_ns=500 exe="/usr/bin/bash" cwd="/root" argv="bash\0"
fd ts=1000000000 pid=42 comm=bash fd=3 flags=0x80002 dev=0x800001 ino=77 pos=10 path="/tmp/log"
cgroup ts=1000000000 id=1234 path="/system.slice/x.service"
fork ts=1050000000 cpu=2 pid=42 comm=bash sys=clone3 ret=43 dur_ns=50000 child_pid=43 child_tid=43 clone_flags=0x1200011
exec ts=1100000000 pid=43 comm=ls sys=execve ret=0 dur_ns=250000 argc=2 argv="ls\0-l\0" filename="/bin/ls" path="/usr/bin/ls" dev=0x800001 ino=1001 old_tid=43
open ts=1200000000 cpu=1 pid=43 comm=ls sys=openat ret=3 dur_ns=1200 dirfd=-100 flags=0 name="x" path="/tmp/x" dev=0x800001 ino=12
rw ts=1300000000 cpu=1 pid=43 comm=ls sys=pwrite64 fd=3 count=4096 offset=0 ret=4096 dur_ns=1200 dev=0x800001 ino=12
open ts=1400000000 pid=43 comm=ls sys=openat ret=-2 dur_ns=800 dirfd=-100 flags=0x241 mode=0x1a4 name="nope"
close ts=1500000000 pid=43 comm=ls sys=close fd=3 ret=0 dur_ns=300 dev=0x800001 ino=12
mmap ts=1600000000 pid=43 comm=ls sys=mmap addr=0 len=8192 prot=3 flags=0x22 fd=-1 off=0 ret=0x7f0000001000 dur_ns=2000
lost ts=1700000000 cpu=1 count=12
exit ts=2000000000 pid=43 comm=ls exit_code=256 h.flags=2
endmeta stop_ns 3500000000
endmeta events 12
endmeta lost 12
endmeta lost_per_cpu 0:0 1:12 2:0 3:0
EOF
T1=$D/t1.trc
check "mktrace t1" "$M" -o "$T1" "$D/t1.spec"

# The byte counts that depend on compression, worked out from the file itself:
# file size, and the chunk payloads summed from the block headers.
read -r SIZE CHUNK_PAYLOAD <<<"$(python3 - "$T1" <<'EOF'
import sys
d = open(sys.argv[1], 'rb').read()
pay, i = 0, 64
while i + 64 <= len(d) and d[i:i+4] == b'\x95SRB':
    t = int.from_bytes(d[i+4:i+6], 'little')
    n = int.from_bytes(d[i+16:i+20], 'little')
    if t == 4:
        pay += n
    i += 64 + n
print(len(d), pay)
EOF
)"
RAW=1344	# the 12 records of t1, tails and padding included (event.h sizes)
human() { python3 -c "
v=$1
if v < 1024: print('%d B' % v)
else:
    u=0
    while True:
        u+=1
        t=(v*10 + (1 << 10*u)//2)//(1 << 10*u)
        if t < 10240: break
    print('%d.%d %s' % (t//10, t%10, ['B','KiB','MiB','GiB'][u]))"; }
RATIO=$(python3 -c "print('%.2f' % ($RAW / $CHUNK_PAYLOAD))")
BPE=$(python3 -c "print('%.2f' % ($SIZE / 8))")

run "info t1" 0 "$S" info "$T1"
cat >"$D/want" <<EOF
file:               $T1
size:               $SIZE ($(human "$SIZE"))
format:             1.0
recording_id:       00c0ffee
rotation_index:     0
host:               testhost
kernel:             6.1.0-test
machine:            x86_64
cpus:               4
sysrec_version:     0.1.0
cmdline:            sysrec record -o t1.trc -- ls -l
filters:            none
start:              2026-11-22 21:00:15.000000
stop:               2026-11-22 21:00:17.500000
duration:           2.500000000 s
events:             8
  exec:             1
  fork:             1
  exit:             1
  open:             2
  rw:               1
  close:            1
  mmap:             1
other_records:      4
  lost:             1
  proc:             1
  fd:               1
  cgroup:           1
syscalls:
  openat:           2
  clone3:           1
  close:            1
  execve:           1
  mmap:             1
  pwrite64:         1
chunks:             1
compressed:         $CHUNK_PAYLOAD ($(human "$CHUNK_PAYLOAD"))
uncompressed:       $RAW (1.3 KiB)
compression_ratio:  $RATIO
bytes_per_event:    $BPE
lost:               12
lost_per_cpu:       1:12
integrity:          complete
damaged_chunks:     0
skipped_bytes:      0
end_events:         12 (matches the records read)
metadata:
  page_size: 4096
  clock: CLOCK_MONOTONIC
  classes: proc,mem,file
  cgroup2_mount: /sys/fs/cgroup
EOF
same_file "info t1 text" "$D/out" "$D/want"
expect_eq "info t1 stderr empty" "$(cat "$D/err")" ""

run "info t1 --json" 0 "$S" info --json "$T1"
if python3 - "$D/out" "$T1" "$SIZE" "$CHUNK_PAYLOAD" <<'EOF'; then ok "info t1 json values"; else fail "info t1 json values" "see above"; fi
import json, sys
j = json.load(open(sys.argv[1]))
want = {
    "file": sys.argv[2], "size": int(sys.argv[3]), "format_major": 1, "format_minor": 0,
    "recording_id": "00c0ffee", "rotation_index": 0, "host": "testhost",
    "kernel": "6.1.0-test", "machine": "x86_64", "cpus": 4, "sysrec_version": "0.1.0",
    "cmdline": "sysrec record -o t1.trc -- ls -l", "filters": "none",
    "start_ns": 1000000000, "start": "2026-11-22 21:00:15.000000",
    "stop_ns": 3500000000, "stop": "2026-11-22 21:00:17.500000",
    "duration_ns": 2500000000, "events": 8,
    "events_by_type": {"exec": 1, "fork": 1, "exit": 1, "open": 2, "rw": 1, "close": 1,
                       "mmap": 1},
    "other_records": 4, "other_records_by_type": {"lost": 1, "proc": 1, "fd": 1, "cgroup": 1},
    "records": 12,
    "events_by_syscall": {"openat": 2, "clone3": 1, "close": 1, "execve": 1, "mmap": 1,
                          "pwrite64": 1},
    "chunks": 1, "compressed_bytes": int(sys.argv[4]), "uncompressed_bytes": 1344,
    "compression_ratio": 1344 / int(sys.argv[4]), "bytes_per_event": int(sys.argv[3]) / 8,
    "lost": 12, "lost_per_cpu": {"1": 12}, "lost_meta": 12,
    "integrity": {"complete": True, "cut": False, "ended": True, "damaged": False,
                  "damaged_chunks": 0, "skipped_bytes": 0,
                  "problems": 0, "end_events": 12, "events_match": True},
}
bad = [k for k in want if j.get(k) != want[k]]
bad += [k for k in j if k not in want and k != "metadata"]
if j["metadata"]["cgroup2_mount"] != "/sys/fs/cgroup" or len(j["metadata"]) != 19:
    bad.append("metadata")
for k in bad:
    print("# %s: got %r want %r" % (k, j.get(k), want.get(k)))
sys.exit(1 if bad else 0)
EOF

# dump, text, wall clock
run "dump t1" 0 "$S" dump "$T1"
cat >"$D/want" <<'EOF'
2026-11-22 21:00:15.000000 [000] 42/42 bash proc ppid=1 start_ns=500 exe="/usr/bin/bash" cwd="/root" argv=["bash"]
2026-11-22 21:00:15.000000 [000] 42/42 bash fd fd=3 flags=O_RDWR|O_CLOEXEC pos=10 dev=8:1 ino=77 path="/tmp/log"
2026-11-22 21:00:15.000000 [000] 0/0 "" cgroup id=1234 path="/system.slice/x.service"
2026-11-22 21:00:15.050000 [002] 42/42 bash clone3 clone_flags=0x1200011 child_pid=43 child_tid=43 ret=43 dur=50.0us
2026-11-22 21:00:15.100000 [000] 43/43 ls execve filename="/bin/ls" argc=2 argv=["ls","-l"] ret=0 dur=250.0us dev=8:1 ino=1001 path="/usr/bin/ls"
2026-11-22 21:00:15.200000 [001] 43/43 ls openat dirfd=AT_FDCWD name="x" flags=O_RDONLY ret=3 dur=1.2us dev=8:1 ino=12 path="/tmp/x"
2026-11-22 21:00:15.300000 [001] 43/43 ls pwrite64 fd=3</tmp/x> count=4096 offset=0 ret=4096 dur=1.2us dev=8:1 ino=12
2026-11-22 21:00:15.400000 [000] 43/43 ls openat dirfd=AT_FDCWD name="nope" flags=O_WRONLY|O_CREAT|O_TRUNC mode=0644 ret=-2 (ENOENT) dur=800ns
2026-11-22 21:00:15.500000 [000] 43/43 ls close fd=3</tmp/x> ret=0 dur=300ns dev=8:1 ino=12
2026-11-22 21:00:15.600000 [000] 43/43 ls mmap addr=0x0 len=8192 prot=PROT_READ|PROT_WRITE flags=MAP_PRIVATE|MAP_ANONYMOUS fd=-1 off=0x0 ret=0x7f0000001000 dur=2.0us
2026-11-22 21:00:15.700000 [001] 0/0 "" lost count=12
2026-11-22 21:00:16.000000 [000] 43/43 ls exit exit_code=256 status=1 group_dead
EOF
same_file "dump t1 text" "$D/out" "$D/want"
expect_eq "dump t1 stderr empty" "$(cat "$D/err")" ""
# --time abs is the default
run "dump --time abs" 0 "$S" dump --time abs "$T1"
same_file "dump --time abs same as default" "$D/out" "$D/want"
# another time zone moves the wall clock, nothing else
TZ=CET-1 "$S" dump "$T1" >"$D/cet"
expect_eq "dump wall clock is local time" "$(head -1 "$D/cet" | cut -c1-26)" "2026-11-22 22:00:15.000000"

# relative time: seconds since start_ns, 9 decimals
run "dump --time rel" 0 "$S" dump --time rel "$T1"
expect_eq "dump rel first" "$(head -1 "$D/out")" \
	'0.000000000 [000] 42/42 bash proc ppid=1 start_ns=500 exe="/usr/bin/bash" cwd="/root" argv=["bash"]'
expect_eq "dump rel times" "$(cut -d' ' -f1 "$D/out" | tr '\n' ' ')" \
	"0.000000000 0.000000000 0.000000000 0.050000000 0.100000000 0.200000000 0.300000000 0.400000000 0.500000000 0.600000000 0.700000000 1.000000000 "
expect_eq "dump rel same fields as abs" "$(cut -d' ' -f2- "$D/out")" "$(cut -d' ' -f3- "$D/want")"

# JSON
run "dump t1 --json" 0 "$S" dump --json "$T1"
if json_ok "$D/out"; then ok "dump t1 json parses"; else fail "dump t1 json parses" "invalid JSON"; fi
expect_eq "dump t1 json lines" "$(wc -l <"$D/out")" 12
expect_eq "dump t1 json open" "$(sed -n 6p "$D/out")" \
	'{"ts_ns":1200000000,"ts_start_ns":1199998800,"time":"2026-11-22 21:00:15.200000","cpu":1,"pid":43,"tid":43,"type":"open","comm":"ls","uid":0,"gid":0,"cgroup_id":0,"syscall":"openat","dur_ns":1200,"ret":3,"nr":257,"dirfd":-100,"flags":0,"mode":0,"resolve":0,"dev":8388609,"ino":12,"name":"x","path":"/tmp/x","on_cpu_ns":null,"off_cpu_ns":null,"runq_ns":null}'
expect_eq "dump t1 json failed open" "$(sed -n 8p "$D/out")" \
	'{"ts_ns":1400000000,"ts_start_ns":1399999200,"time":"2026-11-22 21:00:15.400000","cpu":0,"pid":43,"tid":43,"type":"open","comm":"ls","uid":0,"gid":0,"cgroup_id":0,"syscall":"openat","dur_ns":800,"ret":-2,"nr":257,"dirfd":-100,"flags":577,"mode":420,"resolve":0,"dev":0,"ino":0,"name":"nope","path":"","errno":"ENOENT","on_cpu_ns":null,"off_cpu_ns":null,"runq_ns":null}'
expect_eq "dump t1 json exec argv" "$(sed -n 5p "$D/out")" \
	'{"ts_ns":1100000000,"ts_start_ns":1099750000,"time":"2026-11-22 21:00:15.100000","cpu":0,"pid":43,"tid":43,"type":"exec","comm":"ls","uid":0,"gid":0,"cgroup_id":0,"syscall":"execve","dur_ns":250000,"ret":0,"nr":59,"old_tid":43,"argc":2,"dev":8388609,"ino":1001,"filename":"/bin/ls","path":"/usr/bin/ls","argv":["ls","-l"],"on_cpu_ns":null,"off_cpu_ns":null,"runq_ns":null}'
expect_eq "dump t1 json exit" "$(sed -n 12p "$D/out")" \
	'{"ts_ns":2000000000,"time":"2026-11-22 21:00:16.000000","cpu":0,"pid":43,"tid":43,"type":"exit","comm":"ls","uid":0,"gid":0,"cgroup_id":0,"group_dead":true,"exit_code":256}'
expect_eq "dump t1 json types" \
	"$(python3 -c 'import json,sys; print(" ".join(json.loads(l)["type"] for l in sys.stdin))' <"$D/out")" \
	"proc fd cgroup fork exec open rw open close mmap lost exit"
# --time does not change JSON: ts_ns and the wall time are always there
"$S" dump --json --time rel "$T1" >"$D/out2"
same_file "dump --json ignores --time" "$D/out2" "$D/out"

# --- filters ---
# fcount NAME WANT ARGS...: the number of lines dump prints with ARGS
fcount() {
	local n=$1 want=$2
	shift 2
	run "$n runs" 0 "$S" dump "$@" "$T1"
	expect_eq "$n" "$(wc -l <"$D/out")" "$want"
}
fcount "filter --pid 43" 7 --pid 43
fcount "filter --pid 42" 3 --pid 42
fcount "filter --pid list" 10 --pid 42,43
fcount "filter --pid repeated" 10 -p 42 -p 43
fcount "filter --pid none" 0 --pid 99
fcount "filter --pid 0" 2 --pid 0
fcount "filter --comm ls" 7 --comm ls
fcount "filter --comm repeated" 10 --comm ls --comm bash
fcount "filter --comm no prefix match" 0 --comm l
fcount "filter --type open" 2 --type open
fcount "filter --type list" 3 --type open,rw
fcount "filter --type syscall name" 2 --type openat
fcount "filter --type syscall names" 2 --type pwrite64,clone3
fcount "filter --type syscall no match" 0 --type read
fcount "filter --type lost" 1 --type lost
fcount "filter --type number" 1 --type 12
fcount "filter --type snapshot" 3 -t proc,fd,cgroup
fcount "filter --since" 4 --since 0.5
fcount "filter --since ms" 6 --since 300ms
fcount "filter --until" 3 --until 0.05
fcount "filter --until exclusive" 4 --until 50000001ns
fcount "filter since until" 3 --since 0.2 --until 500ms
fcount "filter since past the end" 0 --since 1h
fcount "filter all together" 2 --pid 43 --comm ls --type openat --since 100ms --until 2s
run "filter since until lines" 0 "$S" dump --time rel --since 0.2 --until 500ms "$T1"
expect_eq "filter since until events" "$(cut -d' ' -f1,5 "$D/out" | tr '\n' ' ')" \
	"0.200000000 openat 0.300000000 pwrite64 0.400000000 openat "
run "filter json" 0 "$S" dump --json --type exit "$T1"
expect_eq "filter json exit only" "$(python3 -c 'import json,sys; print([json.loads(l)["pid"] for l in sys.stdin])' <"$D/out")" "[43]"

# --- t2: hostile strings, cut flags, a type this build does not know, a cut file ---
cat >"$D/t2.spec" <<'EOF'
meta clock_offset_ns 1795381214000000000
meta start_ns 1000000000
open ts=1200000000 pid=7 comm="a\nb\"c\td" sys=openat ret=3 dirfd=-100 name="x\ny" path="/tmp/q\"\t\x01\xff\xfe end" h.flags=0xc dev=0x800001 ino=5
exec ts=1300000000 pid=7 comm="ev\xffl" sys=execve argv="a b\0c\nd\0\xff\0" filename="/x" h.flags=0x14
rw ts=1400000000 pid=7 comm="w w" sys=readv fd=0 count=100 iovcnt=20 offset=-1 ret=100 h.flags=0x20
raw type=99 ts=1500000000 pid=8 comm=unk bytes=0102030405060708ff
fd ts=1600000000 pid=9 comm="\x1b[2J" fd=4 path="caf\xc3\xa9 \xe2\x82\xac"
cut
EOF
T2=$D/t2.trc
check "mktrace t2" "$M" -o "$T2" "$D/t2.spec"
run "dump cut file exits 0" 0 "$S" dump "$T2"
cat >"$D/want" <<'EOF'
2026-11-22 21:00:15.200000 [000] 7/7 a\nb\"c\td openat dirfd=AT_FDCWD name="x\ny"(cut) flags=O_RDONLY ret=3 dur=0ns dev=8:1 ino=5 path="/tmp/q\"\t\x01\xff\xfe end"(cut)
2026-11-22 21:00:15.300000 [000] 7/7 ev\xffl execve filename="/x"(cut) argc=0 argv=["a b","c\nd","\xff"](cut) old_tid=0 ret=0 dur=0ns
2026-11-22 21:00:15.400000 [000] 7/7 "w w" readv fd=0 count=100(cut) iovcnt=20 ret=100 dur=0ns
2026-11-22 21:00:15.500000 [000] 8/8 unk type99 size=72 data=0102030405060708ff00000000000000
2026-11-22 21:00:15.600000 [000] 9/9 \x1b[2J fd fd=4 flags=O_RDONLY pos=0 path="café €"
EOF
same_file "dump hostile text" "$D/out" "$D/want"
expect_eq "dump hostile text: one line per record" "$(wc -l <"$D/out")" 5
# plain_utf8 FILE: every line valid UTF-8 without a control character
plain_utf8() {
	python3 -c '
import sys
for l in open(sys.argv[1], "rb"):
    s = l.decode("utf-8")
    assert not any(ord(c) < 0x20 or ord(c) == 0x7f for c in s[:-1]), s
' "$1" 2>/dev/null
}
if plain_utf8 "$D/out"; then ok "dump hostile text: plain UTF-8 lines"; else fail "dump hostile text: plain UTF-8 lines" "control or invalid bytes"; fi
ERR_CUT="sysrec: $T2: offset $(stat -c %s "$T2"): the file ends without its trailer: the recording was cut"
expect_eq "dump cut file: one line on stderr" "$(cat "$D/err")" "$ERR_CUT"

run "dump hostile json" 0 "$S" dump --json "$T2"
if python3 - "$D/out" <<'EOF'; then ok "dump hostile json values"; else fail "dump hostile json values" "see above"; fi
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
checks = [
    (len(rows), 5),
    (rows[0]["comm"], 'a\nb"c\td'),
    (rows[0]["name"], "x\ny"), (rows[0]["name_cut"], True),
    (rows[0]["path"], '/tmp/q"\t\x01\u00ff\u00fe end'), (rows[0]["path_cut"], True),
    (rows[1]["comm"], "ev\u00ffl"),
    (rows[1]["argv"], ["a b", "c\nd", "\u00ff"]), (rows[1]["argv_cut"], True),
    (rows[1]["filename_cut"], True), ("path_cut" in rows[1], False),
    (rows[2]["count_cut"], True), (rows[2]["iovcnt"], 20), (rows[2]["offset"], -1),
    (rows[3]["type"], "type99"), (rows[3]["data"], "0102030405060708ff00000000000000"),
    (rows[3]["pid"], 8), (rows[3]["comm"], "unk"),
    (rows[4]["comm"], "\x1b[2J"), (rows[4]["path"], "caf\u00e9 \u20ac"),
]
bad = [(i, g, w) for i, (g, w) in enumerate(checks) if g != w]
for b in bad:
    print("# check %d: got %r want %r" % b)
sys.exit(1 if bad else 0)
EOF
# the raw bytes: every line is valid UTF-8 and holds no control character
if plain_utf8 "$D/out"; then ok "dump hostile json: plain UTF-8 lines"; else fail "dump hostile json: plain UTF-8 lines" "control or invalid bytes"; fi
run "dump unknown type filter" 0 "$S" dump --type type99 "$T2"
expect_eq "dump unknown type by name" "$(cat "$D/out")" \
	"2026-11-22 21:00:15.500000 [000] 8/8 unk type99 size=72 data=0102030405060708ff00000000000000"
run "dump comm with a newline filter" 0 "$S" dump --comm $'a\nb"c\td' "$T2"
expect_eq "dump comm with a newline matches" "$(wc -l <"$D/out")" 1

run "info cut file exits 0" 0 "$S" info "$T2"
expect_eq "info cut integrity" "$(grep '^integrity:' "$D/out")" "integrity:          cut (no end block)"
expect_eq "info cut end_events" "$(grep '^end_events:' "$D/out")" "end_events:         - (no end metadata)"
expect_eq "info cut events" "$(grep '^events:' "$D/out")" "events:             3"
expect_eq "info cut other records" "$(grep '^other_records:' "$D/out")" "other_records:      2"
expect_eq "info cut type99 counted" "$(grep '^  type99:' "$D/out")" "  type99:           1"
expect_eq "info cut stop is the last event" "$(grep '^stop:' "$D/out")" "stop:               2026-11-22 21:00:15.600000"
expect_eq "info cut stderr" "$(cat "$D/err")" "$ERR_CUT"
run "info cut --json" 0 "$S" info --json "$T2"
expect_eq "info cut json integrity" \
	"$(python3 -c 'import json,sys; j=json.load(sys.stdin)["integrity"]; print(j["complete"], j["cut"], j["damaged_chunks"], j["end_events"], j["events_match"], j["problems"])' <"$D/out")" \
	"False True 0 None None 1"

# --- t3: three chunks, the middle one damaged ---
{
	echo "meta clock_offset_ns 1795381214000000000"
	echo "meta start_ns 1000000000"
	for i in 1 2 3; do
		echo "rw ts=${i}000000000 pid=$i comm=c$i sys=read fd=1 count=10 offset=-1 ret=10"
		echo "rw ts=${i}000000001 pid=$i comm=c$i sys=read fd=2 count=10 offset=-1 ret=10"
		echo flush
	done
	echo "endmeta events 6"
} >"$D/t3.spec"
check "mktrace t3" "$M" -o "$D/t3.trc" "$D/t3.spec"
# flip a byte in the payload of the second chunk block
BAD_OFF=$(python3 - "$D/t3.trc" "$D/t3bad.trc" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i, chunks = 64, []
while i + 64 <= len(d) and d[i:i+4] == b'\x95SRB':
    if int.from_bytes(d[i+4:i+6], 'little') == 4:
        chunks.append(i)
    i += 64 + int.from_bytes(d[i+16:i+20], 'little')
d[chunks[1] + 64 + 5] ^= 0xff
open(sys.argv[2], 'wb').write(d)
print(chunks[1])
EOF
)
run "dump damaged file exits 1" 1 "$S" dump --time rel "$D/t3bad.trc"
expect_eq "dump damaged: the good chunks" "$(cut -d' ' -f1,3 "$D/out" | tr '\n' ' ')" \
	"0.000000000 1/1 0.000000001 1/1 2.000000000 3/3 2.000000001 3/3 "
expect_eq "dump damaged: stderr" "$(cat "$D/err")" \
	"sysrec: $D/t3bad.trc: offset $BAD_OFF: chunk block: payload checksum mismatch, block skipped
sysrec: $D/t3bad.trc: 1 damaged chunk skipped"
run "info damaged file exits 1, as dump" 1 "$S" info "$D/t3bad.trc"
expect_eq "info damaged integrity" "$(grep '^integrity:' "$D/out")" "integrity:          damaged (1 chunk skipped)"
expect_eq "info damaged chunks" "$(grep -E '^(chunks|damaged_chunks|events):' "$D/out" | tr -s ' ' | tr '\n' ' ')" \
	"events: 4 chunks: 2 damaged_chunks: 1 "
expect_eq "info damaged end_events" "$(grep '^end_events:' "$D/out")" "end_events:         6 (does not match: 4 records read)"
expect_eq "info damaged stderr" "$(cat "$D/err")" \
	"sysrec: $D/t3bad.trc: offset $BAD_OFF: chunk block: payload checksum mismatch, block skipped"
# damage outside the chunks: a flipped byte in t3's START payload
python3 - "$D/t3.trc" "$D/t3start.trc" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = 64
while int.from_bytes(d[i+4:i+6], 'little') != 1:	# START
    i += 64 + int.from_bytes(d[i+16:i+20], 'little')
d[i + 64 + 2] ^= 0x40
open(sys.argv[2], 'wb').write(d)
EOF
run "dump damaged START exits 1" 1 "$S" dump "$D/t3start.trc"
expect_eq "dump damaged START: every record" "$(wc -l <"$D/out")" 6
expect_eq "dump damaged START: says so" "$(tail -1 "$D/err" | sed "s|$D/||")" \
	"sysrec: t3start.trc: damaged: 1 problem"
run "info damaged START exits 1, as dump" 1 "$S" info "$D/t3start.trc"
expect_eq "info damaged START integrity" "$(grep '^integrity:' "$D/out")" "integrity:          damaged (1 problem)"
run "info damaged START --json" 1 "$S" info --json "$D/t3start.trc"
expect_eq "info damaged START json" \
	"$(python3 -c 'import json,sys; j=json.load(sys.stdin)["integrity"]; print(j["complete"], j["cut"], j["ended"], j["damaged"], j["damaged_chunks"])' <"$D/out")" \
	"False False True True 0"
# cut after the END block: it ended, but no index and trailer follow
end_at=$(python3 - "$D/t3.trc" <<'EOF'
import sys
d = open(sys.argv[1], 'rb').read()
i = 64
while int.from_bytes(d[i+4:i+6], 'little') != 5:	# END
    i += 64 + int.from_bytes(d[i+16:i+20], 'little')
print(i + 64 + int.from_bytes(d[i+16:i+20], 'little'))
EOF
)
head -c "$end_at" "$D/t3.trc" > "$D/t3end.trc"
run "info cut after END" 0 "$S" info "$D/t3end.trc"
expect_eq "info cut after END: integrity" "$(grep '^integrity:' "$D/out")" \
	"integrity:          cut (no trailer after the end block)"
expect_eq "info cut after END: end_events" "$(grep '^end_events:' "$D/out")" "end_events:         6 (matches the records read)"
# through a pipe: its size is what was read; a non-trace is refused at once
run "info from a pipe" 0 sh -c "cat '$D/t3.trc' | '$S' info /dev/stdin"
expect_eq "info from a pipe: size" "$(grep '^size:' "$D/out" | awk '{ print $2 }')" "$(wc -c <"$D/t3.trc")"
run "info /dev/zero is refused at once" 1 timeout 20 "$S" info /dev/zero
expect_eq "info /dev/zero: message" "$(cat "$D/err")" "sysrec: /dev/zero: not a sysrec trace"
run "dump undamaged t3" 0 "$S" dump "$D/t3.trc"
expect_eq "dump undamaged t3 lines" "$(wc -l <"$D/out")" 6
# --since passes over whole chunks without reading them
run "dump --since skips chunks" 0 "$S" dump --time rel --since 2 "$D/t3.trc"
expect_eq "dump --since skips chunks: lines" "$(cut -d' ' -f1 "$D/out" | tr '\n' ' ')" \
	"2.000000000 2.000000001 "
run "dump --since inside a chunk" 0 "$S" dump --time rel --since 1000000001ns "$D/t3.trc"
expect_eq "dump --since inside a chunk: lines" "$(cut -d' ' -f1 "$D/out" | tr '\n' ' ')" \
	"1.000000001 2.000000000 2.000000001 "

# --- a rotated set: two files, relative times from the first file's start ---
cat >"$D/r0.spec" <<'EOF'
meta recording_id 0abc
meta rotation_index 0
meta clock_offset_ns 1795381214000000000
meta start_ns 1000000000
close ts=1500000000 pid=5 comm=a sys=close fd=3
endmeta stop_ns 2000000000
EOF
cat >"$D/r1.spec" <<'EOF'
meta recording_id 0abc
meta rotation_index 1
meta clock_offset_ns 1795381214000000000
meta start_ns 2000000000
close ts=2500000000 pid=5 comm=a sys=close fd=4
EOF
check "mktrace r0" "$M" -o "$D/r.0.trc" "$D/r0.spec"
check "mktrace r1" "$M" -o "$D/r.1.trc" "$D/r1.spec"
run "dump rotated set" 0 "$S" dump --time rel "$D/r.0.trc" "$D/r.1.trc"
expect_eq "dump rotated set in order" "$(cut -d' ' -f1,6 "$D/out" | tr '\n' ' ')" \
	"0.500000000 fd=3 1.500000000 fd=4 "
run "dump rotated set --since" 0 "$S" dump --time rel --since 1 "$D/r.0.trc" "$D/r.1.trc"
expect_eq "dump rotated set --since" "$(cut -d' ' -f1 "$D/out")" "1.500000000"
run "dump rotated set with a missing file exits 1" 1 "$S" dump --time rel "$D/r.0.trc" "$D/nope.trc" "$D/r.1.trc"
expect_eq "dump rotated set with a missing file: the others printed" "$(wc -l <"$D/out")" 2
expect_eq "dump rotated set with a missing file: one line" "$(cat "$D/err")" \
	"sysrec: cannot open $D/nope.trc: No such file or directory"

# --- no clock offset: text falls back to relative time, JSON time is null ---
# (and durations in every unit, rounded to a tenth, carried into the next unit)
cat >"$D/noclk.spec" <<'EOF'
meta start_ns 100
brk ts=1100 pid=1 comm=x sys=brk req=0x1000 ret=0x2000
munmap ts=1200 pid=1 comm=x sys=munmap addr=0x1000 len=4096 ret=-22 dur_ns=2549999
munmap ts=1300 pid=1 comm=x sys=munmap addr=0x1000 len=4096 ret=0 dur_ns=999960
brk ts=1400 pid=1 comm=x sys=brk req=0 ret=-12 dur_ns=1999600000
syscall ts=1500 pid=1 comm=x sys=getpid args0=0x1 args2=0xff ret=1 dur_ns=999
EOF
check "mktrace noclk" "$M" -o "$D/noclk.trc" "$D/noclk.spec"
run "dump no clock offset" 0 "$S" dump "$D/noclk.trc"
cat >"$D/want" <<'EOF'
0.000001000 [000] 1/1 x brk req=0x1000 ret=0x2000 dur=0ns
0.000001100 [000] 1/1 x munmap addr=0x1000 len=4096 ret=-22 (EINVAL) dur=2.5ms
0.000001200 [000] 1/1 x munmap addr=0x1000 len=4096 ret=0 dur=1.0ms
0.000001300 [000] 1/1 x brk req=0x0 ret=-12 (ENOMEM) dur=2.000s
0.000001400 [000] 1/1 x getpid args=0x1,0x0,0xff,0x0,0x0,0x0 ret=1 dur=999ns
EOF
same_file "dump no clock offset: relative" "$D/out" "$D/want"
run "dump no clock offset json" 0 "$S" dump --json "$D/noclk.trc"
expect_eq "dump no clock offset: json time null" \
	"$(python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["time"])' <"$D/out")" "None"
expect_eq "dump json syscall record" \
	"$(python3 -c 'import json,sys; j=[json.loads(l) for l in sys.stdin][4]; print(j["type"], j["syscall"], j["args0"], j["args1"], j["args2"], j["ret"], j["dur_ns"], "errno" in j)' <"$D/out")" \
	"syscall getpid 1 0 255 1 999 False"
expect_eq "dump json errno" \
	"$(python3 -c 'import json,sys; print(" ".join(json.loads(l).get("errno", "-") for l in sys.stdin))' <"$D/out")" \
	"- EINVAL - ENOMEM -"
run "info no clock offset" 0 "$S" info "$D/noclk.trc"
expect_eq "info no clock offset: start" "$(grep '^start:' "$D/out")" \
	"start:              0.000000100 (monotonic: no clock offset in the metadata)"

# --- hostile metadata in info ---
printf 'meta host evil\thost\x1b[31m\xff\nmeta kernel 6.1 "quoted"\nmeta x\x01y odd key\n' >"$D/meta.spec"
check "mktrace meta" "$M" -o "$D/meta.trc" "$D/meta.spec"
run "info hostile metadata" 0 "$S" info "$D/meta.trc"
expect_eq "info trace without records" "$(grep -E '^(events|syscalls|start|duration|bytes_per_event|lost_per_cpu):' "$D/out" | tr -s ' ' | tr '\n' ' ')" \
	"start: - duration: - events: 0 syscalls: - bytes_per_event: - lost_per_cpu: - "
expect_eq "info hostile host" "$(grep '^host:' "$D/out")" 'host:               evil\thost\x1b[31m\xff'
expect_eq "info hostile kernel" "$(grep '^kernel:' "$D/out")" 'kernel:             6.1 \"quoted\"'
expect_eq "info hostile key" "$(tail -1 "$D/out")" '  x\x01y: odd key'
run "info hostile metadata json" 0 "$S" info --json "$D/meta.trc"
expect_eq "info hostile metadata json" \
	"$(python3 -c 'import json,sys; j=json.load(sys.stdin); print(repr(j["host"]), repr(j["kernel"]), repr(j["metadata"]["x\x01y"]))' <"$D/out")" \
	"'evil\\thost\\x1b[31mÿ' '6.1 \"quoted\"' 'odd key'"

# --- not traces, newer versions, cut headers: one line, exit 1 ---
printf 'hello\n' >"$D/text.trc"
: >"$D/empty.trc"
cp "$T1" "$D/newer.trc"
printf '\x02' | dd of="$D/newer.trc" bs=1 seek=8 conv=notrunc status=none
head -c 30 "$T1" >"$D/short.trc"
for c in info dump analyze; do
	run "$c not a trace exits 1" 1 "$S" $c "$D/text.trc"
	expect_eq "$c not a trace message" "$(cat "$D/err")" \
		"sysrec: $D/text.trc: not a sysrec trace (no sysrec magic)"
	run "$c empty file exits 1" 1 "$S" $c "$D/empty.trc"
	expect_eq "$c empty file message" "$(cat "$D/err")" \
		"sysrec: $D/empty.trc: not a sysrec trace (no sysrec magic)"
	run "$c newer format exits 1" 1 "$S" $c "$D/newer.trc"
	expect_eq "$c newer format message" "$(cat "$D/err")" \
		"sysrec: $D/newer.trc: trace format 2.0 is newer than this reader's 1.x"
	expect_eq "$c newer format prints nothing" "$(cat "$D/out")" ""
	# nothing can be read from a file cut inside its header: like a foreign file
	run "$c cut inside the file header exits 1" 1 "$S" $c "$D/short.trc"
	expect_eq "$c cut inside the file header message" "$(cat "$D/err")" \
		"sysrec: $D/short.trc: file cut inside its header (30 of 64 bytes)"
	expect_eq "$c cut inside the file header prints nothing" "$(cat "$D/out")" ""
done
run "info --json newer format" 1 "$S" info --json "$D/newer.trc"
expect_eq "info --json newer format: JSON error" "$(cat "$D/out")" \
	"{\"error\":\"$D/newer.trc: trace format 2.0 is newer than this reader's 1.x\"}"
# an unreadable file (as nobody when we are root: root reads everything)
NR=$(mktemp /tmp/sysrec-noread.XXXXXX)
cp "$T1" "$NR" && chmod 000 "$NR"
as_user=()
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
for c in info dump; do
	run "$c unreadable exits 1" 1 "${as_user[@]}" "$S" $c "$NR"
	expect_eq "$c unreadable message" "$(cat "$D/err")" "sysrec: cannot open $NR: Permission denied"
done
rm -f "$NR"

# --- throughput: a bigger trace goes through dump text and JSON ---
python3 - "$D/big.spec" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("meta clock_offset_ns 1795381214000000000\nmeta start_ns 1000000000\n")
    for i in range(20000):
        f.write('open ts=%d pid=%d comm=w%d sys=openat ret=%d dirfd=-100 name="f%d" path="/tmp/f%d" dev=0x800001 ino=%d\n'
                % (1000000000 + i * 1000, 100 + i % 7, i % 7, 3 + i % 5, i, i, i))
EOF
check "mktrace big" "$M" -o "$D/big.trc" "$D/big.spec"
run "dump big" 0 "$S" dump "$D/big.trc"
expect_eq "dump big lines" "$(wc -l <"$D/out")" 20000
expect_eq "dump big last" "$(tail -1 "$D/out")" \
	'2026-11-22 21:00:15.019999 [000] 100/100 w0 openat dirfd=AT_FDCWD name="f19999" flags=O_RDONLY ret=7 dur=0ns dev=8:1 ino=19999 path="/tmp/f19999"'
run "dump big json" 0 "$S" dump --json --pid 103 "$D/big.trc"
expect_eq "dump big json pid filter" "$(json_ok "$D/out" && wc -l <"$D/out")" 2857
run "info big" 0 "$S" info "$D/big.trc"
expect_eq "info big events" "$(grep -E '^(events|  open|  openat):' "$D/out" | tr -s ' ' | tr '\n' ' ')" \
	"events: 20000  open: 20000  openat: 20000 "

# output that cannot be written: one error, and nothing more is read
"$S" dump "$D/big.trc" "$D/no-such.trc" >/dev/full 2>"$D/err"
expect_eq "dump to a full disk exits 1" "$?" 1
expect_eq "dump to a full disk: one error, the next file not read" "$(cat "$D/err")" \
	"sysrec: dump: cannot write the output: No space left on device"

# --- a schema that contradicts this build's layout of a built-in type ---
# (fields renamed to the header's "pid" and "type", a shrunk "open"): dump
# prints those records by the built-in layout (one "pid" key in JSON, the
# right values, path and ret kept) and reports the file as damaged, as info does.
# how many times KEY is a key of the first JSON line of $D/out (duplicates counted)
key_count() {
	python3 -c 'import json,sys
pairs = json.loads(sys.stdin.readline(), object_pairs_hook=lambda p: p)
print(sum(1 for k, _ in pairs if k == sys.argv[1]))' "$1" <"$D/out"
}
# the value of KEY in the first JSON document of stdin (an NDJSON line, or
# info's whole output), by jq when there is one (it keeps the last of
# duplicate keys), else by python
jval() {
	if command -v jq >/dev/null; then
		jq -r -s ".[0].$1"
	else
		python3 -c 'import json,sys
v = json.JSONDecoder().raw_decode(sys.stdin.read())[0][sys.argv[1]]
print("null" if v is None else v)' "$1"
	fi
}
key_value() { jval "$1" <"$D/out"; }

# --- rw's fd and iovcnt renamed to the header's "pid" and "type" ---
cat >"$D/rw.spec" <<'EOF'
meta clock_offset_ns 0
schema rw fd=pid iovcnt=type
rw pid=100 sys=read fd=3 iovcnt=2 count=10 ret=10
EOF
"$M" -o "$D/rw.trc" "$D/rw.spec" || fail "mktrace rw" "cannot write the trace"

run "renamed rw: dump --json exits 1 (damaged)" 1 "$S" dump --json "$D/rw.trc"
expect_eq "renamed rw: one pid key" "$(key_count pid)" 1
expect_eq "renamed rw: one type key" "$(key_count type)" 1
expect_eq "renamed rw: pid is the header's" "$(key_value pid)" 100
expect_eq "renamed rw: type is rw" "$(key_value type)" rw
expect_eq "renamed rw: fd by the built-in layout" "$(key_value fd)" 3
expect_eq "renamed rw: iovcnt by the built-in layout" "$(key_value iovcnt)" 2
expect_eq "renamed rw: stderr names the type" \
	"$(grep -c 'schema block: type 5: rw: field .* is .pid.' "$D/err")" 1
expect_eq "renamed rw: stderr says damaged" "$(grep -c 'rw.trc: damaged: 1 problem' "$D/err")" 1
run "renamed rw: text dump exits 1" 1 "$S" dump "$D/rw.trc"
expect_eq "renamed rw: text line by the built-in layout" "$(cat "$D/out")" \
	'1970-01-01 00:00:00.000000 [000] 100/100 "" read fd=3 count=10 iovcnt=2 offset=0 ret=10 dur=0ns'
run "renamed rw: info exits 1, as dump" 1 "$S" info "$D/rw.trc"
expect_eq "renamed rw: info says damaged" "$(sed -n 's/^integrity: *//p' "$D/out")" "damaged (1 problem)"

# --- open shrunk to 64 bytes: its name, path and ret are past that ---
cat >"$D/open.spec" <<'EOF'
meta clock_offset_ns 0
schema open fixed=64
open pid=7 sys=openat dirfd=-100 name="/etc/hosts" path="/etc/hosts" ret=3
EOF
"$M" -o "$D/open.trc" "$D/open.spec" || fail "mktrace open" "cannot write the trace"

run "shrunk open: dump --json exits 1 (damaged)" 1 "$S" dump --json "$D/open.trc"
expect_eq "shrunk open: path kept" "$(key_value path)" /etc/hosts
expect_eq "shrunk open: name kept" "$(key_value name)" /etc/hosts
expect_eq "shrunk open: ret kept" "$(key_value ret)" 3
expect_eq "shrunk open: dirfd kept" "$(key_value dirfd)" -100
expect_eq "shrunk open: stderr names the type" \
	"$(grep -c 'schema block: type 4: open: fixed size 64, less than' "$D/err")" 1
run "shrunk open: text dump exits 1" 1 "$S" dump "$D/open.trc"
expect_eq "shrunk open: text keeps the path" "$(grep -c 'path="/etc/hosts" *$' "$D/out")" 1

# --- the schema this build writes is no damage ---
grep -v '^schema' "$D/rw.spec" >"$D/plain.spec"
"$M" -o "$D/plain.trc" "$D/plain.spec" || fail "mktrace plain" "cannot write the trace"
run "own schema: dump --json exits 0" 0 "$S" dump --json "$D/plain.trc"
expect_eq "own schema: nothing on stderr" "$(cat "$D/err")" ""
# --- hostile clock offsets, at and near the ends of int64 ---
# info and dump compute wall-clock times without overflow (no UBSan report)
# and print the same date, or the same "(time out of range)" (null in JSON).
for off in -9223372036854775808 -9223372035854775808 9223372036854775807 \
	9223372036854774807 -1000; do
	n="offset $off"
	printf 'meta clock_offset_ns %s\nmeta start_ns 1000\nexit pid=1 ts=1000\n' "$off" |
		"$M" -o "$D/t.trc" -f || { fail "$n" "mktrace failed"; continue; }
	"$S" info "$D/t.trc" >"$D/info" 2>"$D/info.err"; rc1=$?
	"$S" info --json "$D/t.trc" >"$D/info.json" 2>>"$D/info.err"; rc2=$?
	"$S" dump "$D/t.trc" >"$D/dump" 2>"$D/dump.err"; rc3=$?
	"$S" dump --json "$D/t.trc" >"$D/dump.json" 2>>"$D/dump.err"; rc4=$?
	if [ "$rc1$rc2$rc3$rc4" != 0000 ] || grep -q 'runtime error' "$D/info.err" "$D/dump.err"; then
		fail "$n: info and dump run clean" "exit $rc1 $rc2 $rc3 $rc4: $(cat "$D/info.err" "$D/dump.err" | head -c 300)"
		continue
	fi
	ok "$n: info and dump run clean"
	info_start=$(sed -n 's/^start: *//p' "$D/info")
	dump_time=$(sed -n '1s/ \[000\].*//p' "$D/dump")
	expect_eq "$n: text: the same start in info and dump" "$dump_time" "$info_start"
	expect_eq "$n: JSON: the same start in info and dump" \
		"$(jval time <"$D/dump.json")" "$(jval start <"$D/info.json")"
done

# the ends themselves: INT64_MIN is a date (1677), past INT64_MAX is none
printf 'meta clock_offset_ns -9223372036854775808\nexit pid=1 ts=1000\n' | "$M" -o "$D/min.trc" -f
expect_eq "offset INT64_MIN: dump prints the date" \
	"$("$S" dump "$D/min.trc" 2>&1 | cut -c1-26)" "1677-09-21 00:12:43.145225"
printf 'meta clock_offset_ns 9223372036854775807\nexit pid=1 ts=1000\n' | "$M" -o "$D/max.trc" -f
expect_eq "offset INT64_MAX: past int64, dump says so" \
	"$("$S" dump "$D/max.trc" 2>&1 | cut -c1-19)" "(time out of range)"
expect_eq "offset INT64_MAX: JSON time is null" \
	"$("$S" dump --json "$D/max.trc" 2>&1 | jval time)" "null"
t_done
