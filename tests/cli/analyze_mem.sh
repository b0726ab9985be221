#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_mem.sh - analyze within its memory budget, whatever a file claims:
# tiny hostile traces (mkhostile: a million processes, forks, files) stop
# quickly with one line naming --mem-limit, with peak RSS under the limit
# (the reader's buffers counted), and leave no --db behind; a rotated set of
# 1,100 files imports in one run under `ulimit -n 256`, with exact counts,
# and a set of 1,000 files peaks within a small factor of the same events
# in one file.
. "$(dirname "$0")/../lib.sh"
t_tmpdir
MK=$TOOLS/mktrace
HOSTILE=$TOOLS/mkhostile
TIME=/usr/bin/time

if [ ! -x "$TIME" ]; then
	skip analyze_mem "no /usr/bin/time (Debian package time)"
	exit 0
fi

# peak RSS in KiB of a command (its output goes to $tmp/out, $tmp/err)
peak_kb() {
	"$TIME" -o "$tmp/rss" -f %M "$@" >"$tmp/out" 2>"$tmp/err"
	echo $? >"$tmp/rc"
	tail -1 "$tmp/rss"
}
# within NAME KB MAX_KB WHAT: a peak RSS of KB KiB is at most MAX_KB (WHAT says which)
within() {
	if [ "$2" -le "$3" ]; then ok "$1: peak RSS $2 KiB within $4"
	else fail "$1: peak RSS" "$2 KiB, over $3 KiB ($4)"; fi
}

# --- hostile files under --mem-limit 64M ---
#
# Peak RSS stays under the limit itself: the budget counts the reader's
# buffers for the chunk being read (three times its records) and sets
# aside the resident binary and libraries.
LIMIT_KB=$((64 * 1024))
for kind in exit fork open; do
	f=$tmp/$kind.trc
	"$HOSTILE" -o "$f" --kind "$kind" --chunks 100 --per-chunk 10000 ||
		{ fail "hostile $kind" "mkhostile failed"; continue; }
	start=$(date +%s)
	kb=$(peak_kb "$SYSREC" analyze "$f" --no-progress --mem-limit 64M)
	secs=$(($(date +%s) - start))
	expect_eq "hostile $kind: exit 1" "$(cat "$tmp/rc")" 1
	expect_eq "hostile $kind: one line of error" "$(wc -l <"$tmp/err")" 1
	if grep -q "^sysrec: analyze: the import needs more than its memory budget (--mem-limit 64M): .* in $f; raise --mem-limit\$" "$tmp/err"; then
		ok "hostile $kind: the error names the budget"
	else
		fail "hostile $kind: the error names the budget" "$(cat "$tmp/err")"
	fi
	within "hostile $kind" "$kb" "$LIMIT_KB" "64M"
	if [ "$secs" -le 20 ]; then
		ok "hostile $kind: stops in ${secs} s"
	else
		fail "hostile $kind: stops quickly" "took ${secs} s"
	fi
done

# chunks of the largest size (1M exits: 61 MiB of records each), whose
# reader buffers (186 MiB) the budget cannot hold: refused before they are
# taken, one line naming the budget and the buffers, peak RSS under it
"$HOSTILE" -o "$tmp/big.trc" --chunks 50 --per-chunk 1000000 --kind exit ||
	fail "hostile 50 chunks" "mkhostile failed"
for lim in 64 256; do
	kb=$(peak_kb "$SYSREC" analyze "$tmp/big.trc" --no-progress --mem-limit ${lim}M)
	expect_eq "50 chunks of 1M exits, --mem-limit ${lim}M: exit 1" "$(cat "$tmp/rc")" 1
	expect_eq "50 chunks of 1M exits, --mem-limit ${lim}M: the reader's buffers named" \
		"$(cat "$tmp/err")" \
		"sysrec: analyze: the import needs more than its memory budget (--mem-limit ${lim}M): 186 MiB of reader buffers for one chunk in $tmp/big.trc; raise --mem-limit"
	within "50 chunks of 1M exits, --mem-limit ${lim}M" "$kb" $((lim * 1024)) "${lim}M"
done
# a budget that holds them: the tables stop it, still under the limit
kb=$(peak_kb "$SYSREC" analyze "$tmp/big.trc" --no-progress --mem-limit 512M)
expect_eq "50 chunks of 1M exits, --mem-limit 512M: exit 1" "$(cat "$tmp/rc")" 1
if grep -q "^sysrec: analyze: the import needs more than its memory budget (--mem-limit 512M): [0-9]* processes in $tmp/big.trc; raise --mem-limit\$" "$tmp/err"; then
	ok "50 chunks of 1M exits, --mem-limit 512M: the processes named"
else
	fail "50 chunks of 1M exits, --mem-limit 512M: the processes named" "$(cat "$tmp/err")"
fi
within "50 chunks of 1M exits, --mem-limit 512M" "$kb" $((512 * 1024)) "512M"

# a new --db is removed when the import outgrows its budget: no half of one
"$SYSREC" analyze "$tmp/exit.trc" --db "$tmp/new.db" --no-progress --mem-limit 64M \
	>/dev/null 2>&1
expect_eq "hostile: exit 1 with --db" $? 1
if [ -e "$tmp/new.db" ]; then fail "hostile: the new --db is removed" "$(ls -l "$tmp/new.db")"
else ok "hostile: the new --db is removed"; fi

# an existing --db is rolled back to what it held
"$MK" -o "$tmp/small.trc" <<-'EOF' || fail mktrace "small.trc"
	meta recording_id 5ma11
	rw ts=1000 pid=7 comm=a sys=read ret=10 fd=0 count=10
	rw ts=2000 pid=7 comm=a sys=read ret=10 fd=0 count=10
EOF
"$SYSREC" analyze "$tmp/small.trc" --db "$tmp/kept.db" --no-progress >/dev/null 2>&1
"$SYSREC" analyze "$tmp/open.trc" --db "$tmp/kept.db" --no-progress --mem-limit 64M \
	>/dev/null 2>&1
expect_eq "hostile: exit 1 into an existing --db" $? 1
got=$("$SYSREC" analyze --db "$tmp/kept.db" --no-progress --format csv \
	--sql "SELECT (SELECT COUNT(*) FROM traces), (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM files), (SELECT COUNT(*) FROM procs)" 2>/dev/null | tail -1)
expect_eq "hostile: an existing --db holds what it held" "$got" "1,2,0,1"

# a bad --mem-limit is a usage error
"$SYSREC" analyze "$tmp/small.trc" --mem-limit 1M >/dev/null 2>"$tmp/err"
expect_eq "--mem-limit 1M: exit 2" $? 2
expect_eq "--mem-limit 1M: says why" "$(cat "$tmp/err")" \
	"sysrec: analyze: bad --mem-limit '1M' (a size such as 512M, at least 32M). See 'sysrec analyze --help'."

# the default budget: a small hostile file completes, or stops within it
"$HOSTILE" -o "$tmp/one.trc" --chunks 1 --per-chunk 100000 --kind exit
default_kb=$(awk '/MemTotal/ { print int($2 / 4) }' /proc/meminfo)
kb=$(peak_kb "$SYSREC" analyze "$tmp/one.trc" --no-progress --format csv)
rc=$(cat "$tmp/rc")
if [ "$rc" = 0 ] || { [ "$rc" = 1 ] && grep -q "memory budget" "$tmp/err"; }; then
	ok "default budget: completes or stops in one line (exit $rc)"
else
	fail "default budget: completes or stops" "exit $rc: $(cat "$tmp/err")"
fi
within "default budget" "$kb" "$default_kb" "a quarter of RAM"

# --- rotated sets: files one after another ---
#
# rotated DIR N: N files of one recording, rotation 0..N-1, 12 events each
# (process 100 forks 1000 + i, which opens, reads three times, closes and
# exits; and the descriptor 3 of process 100 is read): what flows from
# file to file is the recording's process and descriptor tables.
part() { # $1: rotation index
	local i=$1 ts=$((1000000000 + $1 * 1000000)) c=$((1000 + $1))
	cat <<-EOF
	fork ts=$ts pid=100 comm=sh sys=clone ret=$c child_pid=$c child_tid=$c
	open ts=$((ts + 1)) pid=$c comm=w sys=openat ret=3 flags=0 name="/d/$i" path="/d/$i" dev=0x800001 ino=$((50 + i % 7))
	rw ts=$((ts + 2)) pid=$c comm=w sys=read ret=100 fd=3 count=100 offset=-1
	rw ts=$((ts + 3)) pid=$c comm=w sys=read ret=100 fd=3 count=100 offset=-1
	rw ts=$((ts + 4)) pid=$c comm=w sys=read ret=0 fd=3 count=100 offset=-1
	close ts=$((ts + 5)) pid=$c comm=w sys=close ret=0 fd=3
	exit ts=$((ts + 6)) pid=$c comm=w exit_code=0 h.flags=2
	rw ts=$((ts + 7)) pid=100 comm=sh sys=read ret=10 fd=0 count=10 offset=-1
	rw ts=$((ts + 8)) pid=100 comm=sh sys=write ret=10 fd=1 count=10 offset=-1
	syscall ts=$((ts + 9)) pid=100 comm=sh sys=getpid ret=100
	brk ts=$((ts + 10)) pid=100 comm=sh sys=brk ret=0x1000000 req=0
	mmap ts=$((ts + 11)) pid=100 comm=sh sys=mmap ret=0x7f0000000000 len=4096 prot=3 flags=0x22 fd=-1
	EOF
}
rotated() {
	local dir=$1 n=$2 i
	mkdir -p "$dir"
	for ((i = 0; i < n; i++)); do
		{ echo "meta recording_id 0ddba11"; echo "meta rotation_index $i"
		  echo "meta start_ns 1000000000"; part "$i"; } |
			"$MK" -o "$dir/r$(printf %05d "$i").trc" >/dev/null || return 1
	done
}
counts() { # the events, traces and processes of a database, as CSV
	"$SYSREC" analyze --db "$1" --no-progress --format csv --sql \
		"SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM traces), (SELECT COUNT(*) FROM procs), (SELECT COUNT(*) FROM recordings)" \
		2>/dev/null | tail -1
}

rotated "$tmp/set" 1100 || fail rotated "mktrace failed"
(ulimit -n 256; "$SYSREC" analyze "$tmp"/set/*.trc --db "$tmp/set.db" --no-progress \
	>/dev/null 2>"$tmp/err")
expect_eq "1,100 files under ulimit -n 256: exit 0" $? 0
expect_eq "1,100 files under ulimit -n 256: no message" "$(cat "$tmp/err")" ""
# 13,200 events, 1,100 traces, process 100 and its 1,100 children, one recording
expect_eq "1,100 files: every event, one recording" "$(counts "$tmp/set.db")" "13200,1100,1101,1"

# the same files given in reverse: the same recording in rotation order
(ulimit -n 256; ls "$tmp"/set/*.trc | sort -r | xargs "$SYSREC" analyze --db "$tmp/rev.db" \
	--no-progress >/dev/null 2>&1)
got=$("$SYSREC" analyze --db "$tmp/rev.db" --no-progress --format csv --sql \
	"SELECT MIN(rotation_index = trace_id - 1) FROM traces" 2>/dev/null | tail -1)
expect_eq "1,100 files in reverse: read in rotation order" "$got" 1

# 1,000 files against the same 12,000 events in one file
rm -rf "$tmp/set"
rotated "$tmp/set" 1000 || fail rotated "mktrace failed"
{ echo "meta recording_id 0ddba11"; echo "meta start_ns 1000000000"
  for ((i = 0; i < 1000; i++)); do part "$i"; done; } | "$MK" -o "$tmp/all.trc" >/dev/null
one_kb=$(peak_kb "$SYSREC" analyze "$tmp/all.trc" --no-progress --files --format csv)
set_kb=$(peak_kb "$SYSREC" analyze "$tmp"/set/*.trc --no-progress --files --format csv)
expect_eq "1,000 files: the report of one file" "$(cat "$tmp/out")" \
	"$("$SYSREC" analyze "$tmp/all.trc" --no-progress --files --format csv)"
within "1,000 files" "$set_kb" $((one_kb * 2)) "twice one file's, ${one_kb} KiB"

# 20,000 processes of a snapshot, all children of pid 1: their parents are
# found by an index, not by a scan of the table per process (which took
# minutes on this file); the bound is a hang guard, not a speed target
{ echo "meta recording_id 5ca1ab1e"
  for ((i = 2; i < 20002; i++)); do echo "proc ts=1000 pid=$i ppid=1 comm=p exe=/bin/p"; done
} | "$MK" -o "$tmp/procs.trc" >/dev/null
got=$(timeout 60 "$SYSREC" analyze "$tmp/procs.trc" --no-progress --format csv --sql \
	"SELECT COUNT(*), COUNT(ppid) FROM procs" 2>/dev/null | tail -1)
expect_eq "20,000 snapshot processes: imported, each with its ppid, within 60 s" "$got" "20000,20000"

exit $((T_FAILED > 0))
