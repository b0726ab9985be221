#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_usability.sh - what a new user trips on (issue 24): counts that
# agree, the recorded command's own process, cut and damaged files, filters
# that match nothing, when a call happened, dump's filters and the small
# ones (usage texts, --limit, the bash completion), on traces made with
# mktrace.  Uses the ASan/UBSan build; needs no root.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN M=$TOOLS/mktrace
need_built analyze_usability "$S" "$M"
export TZ=UTC	# the wall-clock times below are UTC
t_tmpdir; D=$tmp

run() { run_in "$D" "$@"; }
an() { "$S" analyze --no-progress "$@"; }

# --- many: 25 processes, each writes its own file ---
{
	echo "meta recording_id 0000beef"
	echo "meta host h1"
	echo "meta start_ns 1000000000"
	echo "meta classes proc,mem,file"
	for i in $(seq 1 25); do
		p=$((100 + i))
		echo "open ts=$((1000000000 + i * 1000000)) pid=$p comm=w$i sys=openat ret=3 dur_ns=1000 dirfd=-100 flags=0x241 name=\"/tmp/f$i\" path=\"/tmp/f$i\" dev=0x800001 ino=$i"
		echo "rw ts=$((1000500000 + i * 1000000)) pid=$p comm=w$i sys=write fd=3 count=$i ret=$i dur_ns=500 dev=0x800001 ino=$i"
	done
	echo "endmeta stop_ns 1100000000"
} >"$D/many.spec"
MANY=$D/many.trc
check "mktrace many" "$M" -o "$MANY" "$D/many.spec"

# --- 10: CSV and JSON get every row unless --limit; a table its top 20 ---
run "top-io table" 0 an "$MANY" --top-io
expect_eq "top-io table keeps 20 rows" "$(grep -c '^ *1[0-9][0-9] ' "$D/out")" 20
run "top-io csv" 0 an "$MANY" --top-io --format csv
expect_eq "top-io csv: every row" "$(tail -n +2 "$D/out" | wc -l)" 25
run "files json" 0 an "$MANY" --files --format json
expect_eq "files json: every row" "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$D/out" 2>&1)" 25
run "top-io csv --limit 3" 0 an "$MANY" --top-io --format csv --limit 3
expect_eq "top-io csv --limit 3" "$(tail -n +2 "$D/out" | wc -l)" 3

# --- 10: help record's usage names every option of its option list ---
"$S" help record >"$D/help"
syn=$(sed '/^$/q' "$D/help")
missing=
# each option line names -X, --long or --long: the synopsis must offer it
for o in $(sed -n 's/^ \{4,\}\(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\).*/\1\2/p' "$D/help" |
	   sed 's/^\(-[a-zA-Z]\), .*/\1/'); do
	case $syn in *"[$o"*) ;; *) missing="$missing $o" ;; esac
done
expect_eq "help record: usage names every option" "$missing" ""

# --- 10: every analyze usage error ends with the hint dump's give ---
bad=
for args in "--bogus" "--by nope --top-io" "--interval 1" "--limit x" "--time x" \
	    "--since x" "--top-io --syscalls" "--format x" "--pid x" "--until 1 --since 2"; do
	# shellcheck disable=SC2086
	err=$(an "$MANY" $args 2>&1 >/dev/null); rc=$?
	case "$rc:$err" in
	"2:sysrec: analyze: "*". See 'sysrec analyze --help'.") ;;
	*) bad="$bad [$args: $rc $err]" ;;
	esac
done
expect_eq "analyze usage errors end with the help hint" "$bad" ""

# --- 10: dump's page names rotated files as record writes them ---
if can_record; then
	name=$("$S" help record | grep -o 'run\.000000\.trc' | head -1)
	if [ -n "$name" ] && grep -q "$name" "$TOP/docs/sysrec-dump.md"; then
		ok "sysrec-dump.md names rotated files as record does"
	else
		fail "sysrec-dump.md names rotated files as record does" "no '$name' in docs/sysrec-dump.md"
	fi
else
	skip "sysrec-dump.md names rotated files as record does" "analyzer-only build: it cannot record"
fi

# --- 10: the bash completion: commands, each command's options, reports, values ---
# comp WORDS...: what _sysrec offers for the last word, sorted, on one line
comp() {
	PATH="$(dirname "$S"):$PATH" bash -c '
		. "$1/completions/sysrec.bash" || exit 1
		shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_sysrec
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$TOP" "$@" 2>&1
}
expect_eq "completion: commands" "$(comp sysrec '')" "--help --version analyze diff dump export help info record report top "
expect_eq "completion: report's options" "$(comp sysrec report x.trc --t)" "--title --top "
expect_eq "completion: help's commands" "$(comp sysrec help d)" "diff dump "
expect_eq "completion: reports" "$(comp sysrec analyze x.trc --s)" "--since --slow --sql --syscalls "
expect_eq "completion: export's outputs" "$(comp sysrec export x.trc --p)" "--perfetto --pid "
expect_eq "completion: export's outputs, --clickhouse" "$(comp sysrec export x.trc --c)" "--chrome-json --clickhouse "
if can_record; then
	expect_eq "completion: record's options" "$(comp sysrec record --c)" "--cgroup --comm "
	expect_eq "completion: record's --print options" "$(comp sysrec record --print-)" \
		"--print-buffer --print-order --print-to "
	expect_eq "completion: --print-order values" "$(comp sysrec record --print-order '')" "cpu time "
	expect_eq "completion: top's options" "$(comp sysrec top --c)" "--cgroup --comm "
else
	skip "completion: record's options" "analyzer-only build: it cannot record"
fi
expect_eq "completion: --format values" "$(comp sysrec analyze x.trc --format '')" "csv json table "
expect_eq "completion: --by values" "$(comp sysrec analyze --top-io --by '')" "cgroup file host process recording thread "
expect_eq "completion: dump --time values" "$(comp sysrec dump --time '')" "abs rel "
rm -rf "$D/inst"
if make -s -C "$TOP" install DESTDIR="$D/inst" PREFIX=/usr >/dev/null 2>&1 &&
   cmp -s "$D/inst/usr/share/bash-completion/completions/sysrec" "$TOP/completions/sysrec.bash"; then
	ok "make install installs the bash completion"
else
	fail "make install installs the bash completion" "not in $D/inst/usr/share/bash-completion/completions/sysrec"
fi

# --- 10: help names the man page where it is before it is installed ---
if "$S" help | grep -q "man ./docs/sysrec.1"; then
	ok "help points at man ./docs/sysrec.1"
else
	fail "help points at man ./docs/sysrec.1" "$("$S" help | tail -1)"
fi

# --- cmd: shaped like `sysrec record -- sh -c ...`: the command's exec and
# exit are there, its fork (the recorder's) is not; a child is forked ---
cat >"$D/cmd.spec" <<'EOS'
meta recording_id 0000c0de
meta host h2
meta start_ns 1000000000
meta stop_ns 3000000000
meta clock_offset_ns 1795381214000000000
meta classes proc,mem,file
cgroup ts=1100000000 id=1 path="/"
exec ts=1100000000 pid=200 comm=sh sys=execve ret=0 dur_ns=100000000 argc=2 argv="sh\0-c\0" filename="/bin/sh" path="/usr/bin/dash" dev=0x800001 ino=5 old_tid=200
open ts=1200000000 pid=200 comm=sh sys=openat ret=3 dur_ns=1000 dirfd=-100 flags=0 name="/etc/passwd" path="/etc/passwd" dev=0x800001 ino=6
rw ts=1300000000 pid=200 comm=sh sys=read fd=3 count=4096 ret=100 dur_ns=2000 dev=0x800001 ino=6
close ts=1400000000 pid=200 comm=sh sys=close fd=3 ret=0 dur_ns=300 dev=0x800001 ino=6
fork ts=1500000000 pid=200 comm=sh sys=clone ret=201 dur_ns=50000 child_pid=201 child_tid=201 clone_flags=0x1200011
exit ts=1600000000 pid=201 comm=sh exit_code=0 h.flags=2
exit ts=2100000000 pid=200 comm=sh exit_code=0 h.flags=2
endmeta events 8
EOS
CMD=$D/cmd.trc
check "mktrace cmd" "$M" -o "$CMD" "$D/cmd.spec"

# --- 1: info and analyze count the same events, and info names the others ---
"$S" info "$CMD" >"$D/info"
ev_info=$(sed -n 's/^events: *//p' "$D/info")
ev_an=$(an "$CMD" --syscalls 2>/dev/null | sed -n 's/^# recording .*: \([0-9]*\) events in .*/\1/p')
expect_eq "info and analyze: the same events" "$ev_info" "$ev_an"
expect_eq "info: the other records" "$(sed -n 's/^other_records: *//p' "$D/info")" 1
expect_eq "info --json: events, other records, records" \
	"$("$S" info --json "$CMD" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["events"], d["other_records"], d["records"])')" \
	"7 1 8"

# --- 2: the recorded command's own process: start and duration from its exec and exit ---
an "$CMD" --procs --format csv 2>/dev/null >"$D/procs"
expect_eq "procs: the command's start and duration" \
	"$(grep '^200,' "$D/procs" | cut -d, -f1,5,7)" "200,0.000000,1100000000"

# --- 8: dump --path, --errno, --failed, --min-dur ---
cat >"$D/files.spec" <<'EOS'
meta start_ns 1000000000
fd ts=1000000000 pid=300 comm=a fd=5 flags=0x2 dev=0x800001 ino=9 pos=0 path="/var/log/x.log"
open ts=1100000000 pid=300 comm=a sys=openat ret=3 dur_ns=1000 dirfd=-100 flags=0 name="/tmp/d.dat" path="/tmp/d.dat" dev=0x800001 ino=7
dup ts=1150000000 pid=300 comm=a sys=dup2 ret=100 dur_ns=100 fd=3 newfd=100 dev=0x800001 ino=7
rw ts=1200000000 pid=300 comm=a sys=read fd=100 count=10 ret=10 dur_ns=5000000 dev=0x800001 ino=7
open ts=1300000000 pid=300 comm=a sys=openat ret=-2 dur_ns=800 dirfd=-100 flags=0 name="/tmp/none"
fork ts=1400000000 pid=300 comm=a sys=clone ret=301 dur_ns=50000 child_pid=301 child_tid=301 clone_flags=0x1200011
rw ts=1500000000 pid=301 comm=a sys=write fd=5 count=4 ret=-28 dur_ns=3000 dev=0x800001 ino=9
close ts=1600000000 pid=301 comm=a sys=close fd=5 ret=0 dur_ns=300 dev=0x800001 ino=9
exit ts=1700000000 pid=301 comm=a exit_code=0 h.flags=2
EOS
FILES=$D/files.trc
check "mktrace files" "$M" -o "$FILES" "$D/files.spec"
# dumped NAME ARGS...: the times (rel) of the records dump prints
dumped() { "$S" dump --time rel "$@" "$FILES" 2>&1 | cut -d' ' -f1 | tr '\n' ' '; }
expect_eq "dump --path: open, dup, read by the opened file" "$(dumped --path '/tmp/d*')" \
	"0.100000000 0.150000000 0.200000000 "
expect_eq "dump --path: inherited fd, by the snapshot's path" "$(dumped --path '*.log')" \
	"0.000000000 0.500000000 0.600000000 "
expect_eq "dump --path: a failed open by its name" "$(dumped --path /tmp/none)" "0.300000000 "
expect_eq "dump --failed" "$(dumped --failed)" "0.300000000 0.500000000 "
expect_eq "dump --errno ENOSPC" "$(dumped --errno ENOSPC)" "0.500000000 "
expect_eq "dump --errno 2" "$(dumped --errno 2)" "0.300000000 "
expect_eq "dump --min-dur 1ms" "$(dumped --min-dur 1ms)" "0.200000000 "
expect_eq "dump --min-dur with --failed" "$(dumped --min-dur 2us --failed)" "0.500000000 "
expect_eq "dump --path with --since" "$(dumped --path '/tmp/d*' --since 0.18)" "0.200000000 "
run "dump --errno bogus: usage" 2 "$S" dump --errno EBOGUS "$FILES"

# --- 6: filters that match nothing say so, with what the trace holds ---
run "analyze --pid not in the trace" 0 an "$CMD" --syscalls --pid 999
expect_eq "analyze --pid: says so" "$(cat "$D/err")" \
	"sysrec: analyze: no process 999 in the trace (pids 200-201)"
run "analyze --comm never seen" 0 an "$CMD" --syscalls --comm nope
expect_eq "analyze --comm: says so" "$(cat "$D/err")" \
	"sysrec: analyze: no process named 'nope' in the trace (names: sh)"
run "analyze --cgroup never seen" 0 an "$CMD" --top-io --cgroup /nope
expect_eq "analyze --cgroup: says so" "$(cat "$D/err")" \
	"sysrec: analyze: no cgroup /nope in the trace (cgroups: /)"
run "analyze --since past the end" 0 an "$CMD" --syscalls --since 50s
expect_eq "analyze --since: says so" "$(cat "$D/err")" \
	"sysrec: analyze: --since 50.000 s is past the end of the recording (2.000 s)"
run "analyze --pid that matches: silent" 0 an "$CMD" --syscalls --pid 200
expect_eq "analyze --pid that matches: nothing on stderr" "$(cat "$D/err")" ""
run "dump --pid not in the trace" 0 "$S" dump "$CMD" --pid 999
expect_eq "dump --pid: says so" "$(cat "$D/err")" \
	"sysrec: dump: no process 999 in the trace (pids 200-201)"
run "dump --comm never seen" 0 "$S" dump "$CMD" --comm nope
expect_eq "dump --comm: says so" "$(cat "$D/err")" "sysrec: dump: no task named 'nope' in the trace"
run "dump --since past the end" 0 "$S" dump "$CMD" --since 50
expect_eq "dump --since: says so" "$(cat "$D/err")" \
	"sysrec: dump: --since 50.000 s is past the end of the recording (2.000 s)"

# --- 6: --since/--until accept wall-clock times as dump prints them ---
"$S" dump "$CMD" >"$D/dump"
t_open=$(grep ' openat ' "$D/dump" | cut -c1-26)
t_close=$(grep ' close ' "$D/dump" | cut -c1-26)
expect_eq "dump: the times to use" "$t_open $t_close" \
	"2026-11-22 21:00:15.200000 2026-11-22 21:00:15.400000"
run "dump --since/--until wall clock" 0 "$S" dump "$CMD" --since "$t_open" --until "$t_close"
expect_eq "dump --since/--until wall clock: the records" "$(cut -d' ' -f6 "$D/out" | tr '\n' ' ')" "openat read "
run "analyze --since/--until wall clock" 0 an "$CMD" --syscalls --format csv --since "$t_open" --until "$t_close"
expect_eq "analyze --since/--until wall clock: the calls" "$(tail -n +2 "$D/out" | cut -d, -f1,2 | sort | tr '\n' ' ')" \
	"openat,1 read,1 "
# a clock offset that is no whole 10 ms: the window's edge is partial only once placed
sed 's/^meta clock_offset_ns .*/meta clock_offset_ns 1795381214003000001/' "$D/cmd.spec" >"$D/odd.spec"
check "mktrace odd" "$M" -o "$D/odd.trc" "$D/odd.spec"
run "analyze --timeline --since wall clock, odd offset" 0 an "$D/odd.trc" --timeline --format csv --since "2026-11-22 21:00:15.21"
# (the read returned at 0.3 s; its 2 us ran in the bucket before)
expect_eq "analyze --timeline --since wall clock, odd offset: the read" "$(grep -c '^0.300000,1,100,0,0$' "$D/out")" 1
expect_eq "analyze --timeline --since wall clock, odd offset: the read's time" "$(grep -c '^0.280000,0,0,0,2000$' "$D/out")" 1
run "analyze --since: not a time" 2 an "$CMD" --syscalls --since "2026-13-01 00:00:00"
run "dump --since wall clock, no clock offset" 1 "$S" dump "$FILES" --since "2026-11-22 21:00:15"

# --- 5: cut and damaged files: the same exit status from info, dump and analyze ---
# three chunks of two reads each
printf 'meta clock_offset_ns 1795381214000000000\nmeta start_ns 1000000000\n' >"$D/three.spec"
for c in 1 2 3; do
	for fd in 1 2; do
		printf 'rw ts=%d pid=%d comm=r%d sys=read fd=%d count=10 offset=-1 ret=10\n' \
			$((c * 1000000000 + fd)) "$c" "$c" "$fd"
	done
	echo flush
done >>"$D/three.spec"
echo "endmeta events 6" >>"$D/three.spec"
check "mktrace three" "$M" -o "$D/three.trc" "$D/three.spec"
# cut: the bytes up to the end of the second chunk, as a killed recorder leaves them;
# damaged: a byte of the second chunk's payload flipped
python3 - "$D/three.trc" "$D/cut.trc" "$D/bad.trc" <<'EOP'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i, chunks = 64, []
while i + 64 <= len(d) and d[i:i+4] == b'\x95SRB':
    n = 64 + int.from_bytes(d[i+16:i+20], 'little')
    if int.from_bytes(d[i+4:i+6], 'little') == 4:
        chunks.append((i, i + n))
    i += n
open(sys.argv[2], 'wb').write(d[:chunks[1][1]])
d[chunks[1][0] + 64 + 5] ^= 0xff
open(sys.argv[3], 'wb').write(d)
EOP
head -c $(($(stat -c %s "$D/three.trc") - 7)) "$D/three.trc" >"$D/headc.trc"
statuses() {
	local f=$1 a b c
	"$S" info "$f" >/dev/null 2>&1; a=$?
	"$S" dump "$f" >/dev/null 2>&1; b=$?
	an "$f" --syscalls >/dev/null 2>&1; c=$?
	echo "$a $b $c"
}
expect_eq "whole file: 0 0 0" "$(statuses "$D/three.trc")" "0 0 0"
expect_eq "cut after a chunk: 0 0 0" "$(statuses "$D/cut.trc")" "0 0 0"
expect_eq "cut by head -c: 0 0 0" "$(statuses "$D/headc.trc")" "0 0 0"
expect_eq "damaged chunk: 1 1 1" "$(statuses "$D/bad.trc")" "1 1 1"
# every readable event is used, and the header says what was lost and why
expect_eq "damaged: dump prints the readable events" "$("$S" dump "$D/bad.trc" 2>/dev/null | wc -l)" 4
expect_eq "damaged: info counts them" "$("$S" info "$D/bad.trc" 2>/dev/null | sed -n 's/^events: *//p')" 4
an "$D/bad.trc" --syscalls >"$D/out" 2>"$D/err"
expect_eq "damaged: analyze uses them" "$(grep '^read ' "$D/out" | awk '{print $2}')" 4
expect_eq "damaged: the header says what was lost" "$(grep -c '^#   file .*bad.trc (damaged: 1 chunk skipped, the events in it lost)' "$D/out")" 1
an "$D/cut.trc" --syscalls >"$D/out" 2>"$D/err"
expect_eq "cut: the header says why" "$(grep -c '^#   file .*cut.trc (cut short: ' "$D/out")" 1

# --- 7: each call's start next to its end, in dump --json and SQL ---
expect_eq "dump --json: ts_start_ns of the read" \
	"$("$S" dump --json --type read "$FILES" | python3 -c 'import json,sys; e=json.loads(sys.stdin.readline()); print(e["ts_ns"], e["ts_start_ns"])')" \
	"1200000000 1195000000"
expect_eq "SQL: events_v.ts_start_ns" \
	"$(an "$FILES" --format csv --sql "SELECT ts, ts_start_ns FROM events_v WHERE dur_ns = 5000000" 2>/dev/null | tail -1)" \
	"1200000000,1195000000"

# --- 7: the default --timeline bucket scales to the recording's length ---
expect_eq "timeline: 2 s recording, 50 ms buckets" \
	"$(an "$CMD" --timeline 2>/dev/null | grep '^# bucket:')" \
	"# bucket: 50.00ms (about 100 over the recording; --interval sets it)"
# (the first is 0.00 s: the exec ran from the start, 100 ms, to 0.10 s; the last, 1.10 s)
expect_eq "timeline: 2 s recording, rows from the first busy bucket to the last" \
	"$(an "$CMD" --timeline --format csv 2>/dev/null | tail -n +2 | wc -l)" 23
expect_eq "timeline: --interval still sets it" \
	"$(an "$CMD" --timeline --interval 1 --format csv 2>/dev/null | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" \
	"0.000000 1.000000 "

exit $T_FAILED
