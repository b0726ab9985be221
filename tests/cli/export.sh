#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# export.sh - sysrec export --perfetto and --chrome-json, read back: protoc
# --decode_raw takes the file; tests/export/check.py (Perfetto's fields
# through a .proto subset compiled here with protoc, or the JSON) finds
# every syscall of `sysrec dump` as a slice with its times and arguments,
# the instants, flows, parents, counters (against analyze's sums), lost
# ranges and, from the switch records, each thread's Running slices and
# each CPU's.  Traces: a hand-made one (mktrace) with scheduling records, a
# rotated set and a second host; gentrace's; windows and --pid; bad input.
# Uses the ASan/UBSan build; needs no root and no BPF.
. "$(dirname "$0")/../lib.sh"

export TZ=UTC
S=$SYSREC_ASAN MK=$TOOLS/mktrace GEN=$TOOLS/gentrace
PY=/usr/bin/python3
CHECK=$TOP/tests/export/check.py
need_built export "$S" "$MK" "$GEN"
if ! command -v protoc >/dev/null || ! $PY -c 'import google.protobuf' 2>/dev/null; then
	skip export "no protoc or python3-protobuf (tests/deps.sh installs them)"
	exit 0
fi
t_tmpdir
D=$tmp
protoc --proto_path="$TOP/tests/export" --python_out="$D" perfetto_subset.proto ||
	fail "export: protoc compiles the .proto subset"

# check_both NAME TRACE... -- [CHECK-ARG...] [-- EXPORT-ARG...]: export both
# ways, decode_raw, then check.py against dump (of the whole traces) and
# analyze --top-io (filtered as the export was)
check_both() {
	local n=$1 traces=() cargs=() eargs=() fargs=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do traces+=("$1"); shift; done
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do cargs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	eargs=("$@")
	for a in "${eargs[@]}"; do case $a in --interval*) ;; *) fargs+=("$a") ;; esac; done
	"$S" export "${traces[@]}" "${eargs[@]}" --perfetto "$D/$n.pftrace" --chrome-json "$D/$n.json" \
		2>"$D/$n.err" || { fail "export: $n: export" "$(cat "$D/$n.err")"; return; }
	check "export: $n: protoc --decode_raw takes it" \
		sh -c "protoc --decode_raw < '$D/$n.pftrace' > '$D/$n.raw'"
	"$S" dump --json "${traces[@]}" > "$D/$n.ndjson"
	"$S" dump "${traces[@]}" > "$D/$n.txt"
	"$S" analyze "${traces[@]}" "${fargs[@]}" --top-io --format json --limit 0 --no-progress \
		> "$D/$n.topio" 2>/dev/null
	for form in pftrace json; do
		if [ $form = pftrace ]; then out=(--pftrace "$D/$n.pftrace" --pb2 "$D"); else
			out=(--chrome-json "$D/$n.json"); fi
		if got=$($PY "$CHECK" --dump "$D/$n.ndjson" --text "$D/$n.txt" --top-io "$D/$n.topio" \
			"${out[@]}" "${cargs[@]}" 2>&1); then
			ok "export: $n: $form as dump says (${got#export check: })"
		else
			fail "export: $n: $form" "$got"
		fi
	done
}

# A recording: app 100 (reads /data/in, open before the recording, and
# /etc/hosts), forks 101 which execs cat, maps and unmaps, dies of SIGKILL;
# a thread 102; switches and wakeups on two CPUs; CPU 1 loses 12 records.
head_spec() {	# ID OFFSET ROTATION
	printf 'meta recording_id %s\nmeta host h%s\nmeta start_ns 1000000000\n' "$1" "$1"
	printf 'meta clock_offset_ns %s\nmeta rotation_index %s\nmeta classes proc,mem,file,cpu\n' "$2" "$3"
}
{ head_spec e0e0 1764190000000000000 0; cat <<-'EOF'
	proc ts=1000000000 pid=100 comm=app ppid=1 start_ns=500000000 exe="/bin/app" argv="app\0-x"
	fd ts=1000000000 pid=100 fd=3 dev=0x800001 ino=12 path="/data/in"
	switch ts=1010000000 cpu=0 pid=0 tid=0 comm=swapper next_pid=100 next_tid=100 next_comm=app prev_state=0
	open ts=1100000000 cpu=0 pid=100 comm=app sys=openat ret=4 dirfd=-100 flags=0 name="/etc/hosts" path="/etc/hosts" dev=0x800002 ino=40 dur_ns=1500
	rw ts=1110000000 cpu=0 pid=100 comm=app sys=read ret=10 fd=4 count=100 offset=-1 dev=0x800002 ino=40 dur_ns=3000
	rw ts=1120000000 cpu=0 pid=100 comm=app sys=read ret=-11 fd=4 count=100 offset=-1 dev=0x800002 ino=40 dur_ns=500
	open ts=1140000000 cpu=0 pid=100 comm=app sys=openat ret=-2 dirfd=-100 flags=0 name="/nope" dur_ns=2500
	fork ts=1150000000 cpu=0 pid=100 comm=app sys=clone ret=101 child_pid=101 child_tid=101 clone_flags=0x1200011 dur_ns=100
	fork ts=1160000000 cpu=0 pid=100 comm=app sys=clone3 ret=102 child_pid=100 child_tid=102 clone_flags=0x3d0f00 h.flags=1 dur_ns=90
	close ts=1180000000 cpu=0 pid=100 comm=app sys=close ret=0 fd=4 dev=0x800002 ino=40 dur_ns=200
	switch ts=1200000000 cpu=0 pid=100 tid=100 comm=app next_pid=101 next_tid=101 next_comm=app prev_state=1 prev_state_raw=1
	exec ts=1210000000 cpu=0 pid=101 comm=cat sys=execve ret=0 filename="/bin/cat" path="/usr/bin/cat" argv="cat\0/x" argc=2 dur_ns=100000
	wakeup ts=1250000000 cpu=0 pid=101 tid=101 comm=cat wakee_pid=100 wakee_tid=100 target_cpu=1
	switch ts=1260000000 cpu=1 pid=0 tid=0 comm=swapper next_pid=100 next_tid=100 next_comm=app prev_state=0
	mmap ts=1300000000 cpu=0 pid=101 comm=cat sys=mmap ret=0x7f0000000000 addr=0 len=8192 prot=3 flags=0x22 fd=-1 dur_ns=700
	mmap ts=1310000000 cpu=0 pid=101 comm=cat sys=mmap ret=0x7f0000100000 addr=0 len=4096 prot=1 flags=2 fd=3 dev=0x800001 ino=12 dur_ns=800
	munmap ts=1320000000 cpu=0 pid=101 comm=cat sys=munmap ret=0 addr=0x7f0000000000 len=4096 dur_ns=300
	syscpu ts=1330000000 cpu=1 pid=100 comm=app off_cpu_ns=600000 blocked_ns=100000 runq_ns=50000 vol_switches=1 nr=0
	rw ts=1330000000 cpu=1 pid=100 comm=app sys=read ret=100 fd=3 count=100 offset=-1 dev=0x800001 ino=12 dur_ns=10000000
	switch ts=1340000000 cpu=0 pid=101 tid=101 comm=cat next_pid=102 next_tid=102 next_comm=app prev_state=2 prev_state_raw=2
	lost ts=1400000000 cpu=1 count=12
	rw ts=1450000000 cpu=0 pid=100 tid=102 comm=app sys=write ret=7 fd=1 count=7 offset=-1 dev=0x800003 ino=5 dur_ns=2000
	exit ts=1500000000 cpu=0 pid=101 comm=cat exit_code=9 h.flags=2
	switch ts=1600000000 cpu=1 pid=100 tid=100 comm=app next_pid=0 next_tid=0 next_comm=swapper prev_state=0
	EOF
} > "$D/a.spec"
"$MK" -o "$D/a.trc" "$D/a.spec" || fail "export: mktrace a.trc"
check_both mk "$D/a.trc" -- --sched --

# exact values read from the file itself, not through dump
raw=$(cat "$D/mk.raw")
for want in '"/etc/hosts"' '"/data/in"' '"ENOENT"' '"SIGKILL"' '"/usr/bin/cat"' \
	'"Uninterruptible"' '"lost 12 events"' '"Lost events, CPU 1"' '"CPU 0"' '"mapped bytes"'; do
	case $raw in *"$want"*) ok "export: mk: the file holds $want" ;;
		*) fail "export: mk: the file holds $want" "not in protoc --decode_raw" ;; esac
done
got=$($PY - "$D/mk.json" <<-'EOF'
	import json, sys
	ev = json.load(open(sys.argv[1]))
	r = [e for e in ev if e["ph"] == "X" and e["name"] == "read" and e["args"].get("path") == "/etc/hosts"]
	st = [(e["name"], e["ts"], e["dur"], e["args"].get("cpu")) for e in ev
	      if e["ph"] == "X" and e["tid"] == 100 | 0x40000000]
	d = [e["args"] for e in ev if e["ph"] == "X" and e["args"].get("path") == "/data/in"]
	print(len(r), r[0]["ts"], r[0]["dur"], r[0]["args"]["bytes"], st,
	      [(a["on_cpu_ns"], a["off_cpu_ns"], a["runq_ns"]) for a in d])
	EOF
)
expect_eq "export: mk: chrome: the read of /etc/hosts, app's states, a split" "$got" \
	"2 1109997.0 3.0 10 [('Running', 1010000.0, 190000.0, 0), ('Sleeping', 1200000.0, 50000.0, None), ('Runnable', 1250000.0, 10000.0, 1), ('Running', 1260000.0, 340000.0, 1)] [(800, 0, 0), (9350000, 600000, 50000)]"

# '-': standard output
got=$("$S" export "$D/a.trc" --chrome-json - | $PY -c 'import json, sys; print(len(json.load(sys.stdin)))')
expect_eq "export: --chrome-json - writes to standard output" "$got" \
	"$($PY -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$D/mk.json")"
"$S" export "$D/a.trc" --perfetto - > "$D/stdout.pftrace"
check "export: --perfetto - writes to standard output" cmp -s "$D/stdout.pftrace" "$D/mk.pftrace"

# The same recording rotated: any order of its files gives the same export
sed -n '1,6p' "$D/a.spec" | sed 's/rotation_index 0/rotation_index 1/' > "$D/a2.spec"
printf 'proc ts=1700000000 pid=100 comm=app ppid=1 start_ns=500000000 exe="/bin/app" argv="app"\n' >> "$D/a2.spec"
printf 'rw ts=1800000000 cpu=0 pid=100 comm=app sys=write ret=5 fd=1 count=5 offset=-1 dev=0x800003 ino=5 dur_ns=1000\n' >> "$D/a2.spec"
"$MK" -o "$D/a2.trc" "$D/a2.spec" || fail "export: mktrace a2.trc"
"$S" export "$D/a.trc" "$D/a2.trc" --perfetto "$D/rot1.pftrace" &&
	"$S" export "$D/a2.trc" "$D/a.trc" --perfetto "$D/rot2.pftrace" &&
	check "export: a rotated set in any order: the same file" cmp -s "$D/rot1.pftrace" "$D/rot2.pftrace"
check_both rotated "$D/a.trc" "$D/a2.trc" -- --

# A second host, whose CLOCK_MONOTONIC is 0.2 s ahead of the first's on the
# wall clock: its records are moved back by the difference of the offsets
# and merged with the first's in one time order.
{ head_spec f0f0 1764189999800000000 0; cat <<-'EOF'
	proc ts=1000000000 pid=500 comm=srv ppid=1 start_ns=500000000 exe="/bin/srv" argv="srv"
	rw ts=1050000000 cpu=0 pid=500 comm=srv sys=write ret=3 fd=1 count=3 offset=-1 dev=0x800003 ino=5 dur_ns=1000
	rw ts=1250000000 cpu=0 pid=500 comm=srv sys=write ret=4 fd=1 count=4 offset=-1 dev=0x800003 ino=5 dur_ns=1000
	EOF
} > "$D/b.spec"
"$MK" -o "$D/b.trc" "$D/b.spec" || fail "export: mktrace b.trc"
"$S" export "$D/a.trc" "$D/b.trc" --chrome-json "$D/hosts.json" || fail "export: two hosts"
got=$($PY - "$D/hosts.json" <<-'EOF'
	import json, sys
	ev = [e for e in json.load(open(sys.argv[1])) if e["ph"] == "X" and e.get("cat") == "syscall"]
	print([(e["pid"], e["name"], e["ts"]) for e in ev if e["pid"] == 500],
	      [e["pid"] for e in ev][:6])
	EOF
)
expect_eq "export: two hosts: the second moved by 0.2 s, one time order" "$got" \
	"[(500, 'write', 849999.0), (500, 'write', 1049999.0)] [500, 500, 100, 100, 100, 100]"

# five recordings at once (more than are read ahead on threads): all merged
five=()
for i in 1 2 3 4 5; do
	"$GEN" -o "$D/r$i.trc" -n 2000 --seed $i --recording-id "5eed000$i" --rotation 0 -f > /dev/null ||
		fail "export: gentrace r$i"
	five+=("$D/r$i.trc")
done
"$S" export "${five[@]}" --chrome-json "$D/five.json" --perfetto "$D/five.pftrace" ||
	fail "export: five recordings"
got=$($PY -c 'import json, sys; print(sum(e["ph"] == "X" and e["cat"] == "syscall" for e in json.load(open(sys.argv[1]))))' "$D/five.json")
expect_eq "export: five recordings: every syscall of each" "$got" "$("$S" dump --json "${five[@]}" | grep -c ts_start_ns)"
check "export: five recordings: protoc --decode_raw takes it" sh -c "protoc --decode_raw < '$D/five.pftrace' >/dev/null"
got=$($PY - "$D/five.json" <<-'EOF'
	import json, sys
	ends = [round((e["ts"] + e["dur"]) * 1000) for e in json.load(open(sys.argv[1]))
	        if e["ph"] == "X" and e["cat"] == "syscall"]
	print(all(a <= b for a, b in zip(ends, ends[1:])), len({e for e in ends}) > 1)
	EOF
)
expect_eq "export: five recordings: one time order (each syscall's end)" "$got" "True True"

# gentrace: every kind of record, descriptors through opens, dups, forks
"$GEN" -o "$D/g.trc" -n 20000 --seed 7 --chunk 65536 -f > /dev/null || fail "export: gentrace"
check_both gen "$D/g.trc" -- --
# a window and two processes, with another counter interval
start=$("$S" info --json "$D/g.trc" | sed -n 's/^  "start_ns": \([0-9]*\),$/\1/p')
check_both window "$D/g.trc" -- --pid 1000,1004,1016,1017 --window $((start + 5000000)) $((start + 12000000)) \
	--interval 1000000 -- --pid 1000,1004,1016,1017 --since 5ms --until 12ms --interval 1ms

# 2200 paths of 3.9 KB: more than the Perfetto sink keeps interned (8 MiB),
# so it starts its tables again on the way (a packet clears the sequence's
# state); and a path with every kind of escape, in both outputs
{ printf 'meta start_ns 1000000000\nmeta classes proc,mem,file,cpu\n'
  printf 'proc ts=1000000000 pid=100 comm=app ppid=1 start_ns=500000000 exe="/bin/app" argv="app"\n'
  awk 'BEGIN { long = sprintf("%3900s", ""); gsub(/ /, "d", long)
	for (i = 0; i < 2200; i++) {
		ts = 1100000000 + i * 1000
		printf "open ts=%d cpu=0 pid=100 comm=app sys=openat ret=3 dirfd=-100 flags=0 name=\"/x\" path=\"/%s/%05d\" dur_ns=100\n", ts, long, i
		printf "rw ts=%d cpu=0 pid=100 comm=app sys=read ret=10 fd=3 count=100 offset=-1 dur_ns=100\n", ts + 500
	} }'
  printf 'open ts=1900000000 cpu=0 pid=100 comm=app sys=openat ret=4 dirfd=-100 flags=0 name="/x" path="/q\\"b\\\\s\\nn\\tt\\x01c\303\251" dur_ns=100\n'
  printf 'rw ts=1900001000 cpu=0 pid=100 comm=app sys=read ret=1 fd=4 count=1 offset=-1 dur_ns=100\n'
} > "$D/long.spec"
"$MK" -o "$D/long.trc" "$D/long.spec" || fail "export: mktrace long.trc"
check_both long "$D/long.trc" -- --
got=$($PY - "$D/long.pftrace" "$D" <<-'EOF'
	import sys
	sys.path.insert(0, sys.argv[2])
	import perfetto_subset_pb2 as pb
	t = pb.Trace()
	t.ParseFromString(open(sys.argv[1], 'rb').read())
	print(sum(p.sequence_flags & 1 for p in t.packet[1:]),
	      sum(len(p.interned_data.debug_annotation_string_values) for p in t.packet))
	EOF
)
expect_eq "export: long: the interned paths started again once; each path interned once" \
	"$got" "1 2201"
got=$($PY -c 'import json, sys; print([e["args"]["path"] for e in json.load(open(sys.argv[1])) if e["ph"] == "X" and e["name"] == "read"][-1].encode())' "$D/long.json")
expect_eq "export: long: chrome: the path with escapes, byte for byte" "$got" "b'/q\"b\\\\s\\nn\\tt\\x01c\\xc3\\xa9'"

# bad input: one line, non-zero
must_fail "export: unknown option" "$S" export "$D/a.trc" --perfetto "$D/x" --bogus
must_fail "export: no output" "$S" export "$D/a.trc"
must_fail "export: no trace" "$S" export --perfetto "$D/x"
must_fail "export: unwritable output" "$S" export "$D/a.trc" --perfetto "$D/a.trc/x.pftrace"
must_fail "export: missing trace" "$S" export "$D/nope.trc" --perfetto "$D/x"
must_fail "export: not a trace" "$S" export "$D/a.spec" --perfetto "$D/x"
must_fail "export: bad --since" "$S" export "$D/a.trc" --perfetto "$D/x" --since yesterday
must_fail "export: bad --pid" "$S" export "$D/a.trc" --perfetto "$D/x" --pid x
cp "$D/a.trc" "$D/keep.trc"
must_fail "export: an output that is the trace" "$S" export "$D/keep.trc" --perfetto "$D/./keep.trc"
check "export: ... which is left as it was" cmp -s "$D/a.trc" "$D/keep.trc"
must_fail "export: two outputs to one file" "$S" export "$D/a.trc" --perfetto "$D/o" --chrome-json "$D/o"
must_fail "export: --perfetto twice" "$S" export "$D/a.trc" --perfetto "$D/x" --perfetto "$D/y"
"$S" export "$D/a.trc" --perfetto "$D/x" --bogus 2>/dev/null; expect_eq "export: usage exits 2" $? 2
"$S" export "$D/a.trc" --perfetto /dev/full 2>/dev/null; expect_eq "export: a full disk exits 1" $? 1

# damaged: what can be read is exported, the damage said, exit 1
cp "$D/g.trc" "$D/bad.trc"
printf 'garbage!' | dd of="$D/bad.trc" bs=1 seek=$(($(stat -c %s "$D/g.trc") / 2)) conv=notrunc 2>/dev/null
"$S" export "$D/bad.trc" --perfetto "$D/bad.pftrace" 2>"$D/bad.err"
rc=$?
expect_eq "export: damaged: exit 1" $rc 1
check "export: damaged: says what was lost" grep -q "damaged chunk" "$D/bad.err"
check "export: damaged: what was read decodes" sh -c "protoc --decode_raw < '$D/bad.pftrace' | grep -q syscall"

# cut (a recorder killed): what is there is exported, said, exit 0
{ sed -n '1,6p' "$D/a.spec"; sed -n '7,12p' "$D/a.spec"; echo flush; sed -n '13,15p' "$D/a.spec"; echo cut; } > "$D/cut.spec"
"$MK" -o "$D/cut.trc" "$D/cut.spec" || fail "export: mktrace cut.trc"
"$S" export "$D/cut.trc" --chrome-json "$D/cut.json" 2>"$D/cut.err"
expect_eq "export: a cut file: exit 0" $? 0
check "export: a cut file: says so" grep -q "was cut" "$D/cut.err"
got=$($PY -c 'import json, sys; print(sum(e["ph"] == "X" and e["cat"] == "syscall" for e in json.load(open(sys.argv[1]))))' "$D/cut.json")
expect_eq "export: a cut file: the syscalls of its complete chunk" "$got" \
	"$("$S" dump --json "$D/cut.trc" 2>/dev/null | grep -c ts_start_ns)"

# hostile files: the fuzz corpora, each exported under ASan/UBSan without a crash
bad=
for f in "$TOP"/tests/fuzz/corpus/*/*; do
	"$S" export "$f" --perfetto "$D/fz.pftrace" --chrome-json "$D/fz.json" >/dev/null 2>"$D/fz.err"
	rc=$?
	if [ $rc -gt 2 ] || grep -q "AddressSanitizer\|runtime error" "$D/fz.err"; then bad="$bad ${f##*/}"; fi
done
expect_eq "export: the fuzz corpora export without a crash" "${bad:-none}" none

exit $((T_FAILED > 0))
