#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# report.sh - sysrec report: the page of a trace built by mktrace with exact
# figures (ten processes writing and reading known bytes, an exit status, a
# signal, failed opens, the cpu class), of a gentrace trace and of one with
# strings that would break out of the page's script or markup, of an empty
# recording and of three recordings together, opened in
# headless Chromium (tests/tools/report_browser.js) and checked against
# `sysrec analyze --format json` of the same traces (report_check.py): the
# data, every chart's points and bars, the tables, sorting, no request, no
# console error.  Then exact figures from the spec, --db, a page whose size
# follows the summary and not the events, and bad input: one line, exit
# status 1 or 2, no page left behind.  Needs no root and no BPF.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
GEN=$TOOLS/gentrace
need_built report "$S" "$MK" "$GEN"
export TZ=UTC
t_tmpdir
D=$tmp

if "$S" report -o "$D/x.html" "$D/none.trc" 2>&1 | grep -q 'made with NO_HTML=1'; then
	skip report "this build has no HTML report (NO_HTML=1)"
	t_done
	exit
fi

# --- spec.trc: 2 s; sh (100) starts w1..w10 (101..110) -----------------------
# wK forks at 0.1*K s, execs /bin/wK, opens /data/fK, writes 1000*K bytes at
# +10 ms and reads 100*K at +20 ms, and exits at +50 ms: w3 with status 3, w7
# killed by signal 9, the others 0; its CPU time at exit is K ms.  w5 fails
# one open (ENOENT), w6 two (EACCES).  The --timeline bucket is 50 ms: wK's
# bytes are in bucket 2K, rows from bucket 1 (0.05 s: w1's fork, 1 us long,
# starts 1 us before 0.1 s, and the timeline counts a call's time in each
# bucket it spans) to 21 (1.05 s).
{
	cat <<-'EOF'
	meta recording_id 5e5e5e5e
	meta host hostR
	meta classes proc,mem,file,cpu
	meta start_ns 1000000000
	meta clock_offset_ns 1700000000000000000
	proc ts=1000000000 pid=100 comm=sh ppid=1 start_ns=500000000 exe="/bin/sh" argv="sh"
	cputime ts=1000000000 pid=100 comm=sh on_cpu_ns=1000000 h.flags=0x400
	EOF
	for k in 1 2 3 4 5 6 7 8 9 10; do
		p=$((100 + k)) t=$((1000000000 + k * 100000000))
		code=0
		[ $k -eq 3 ] && code=768
		[ $k -eq 7 ] && code=9
		echo "fork ts=$t pid=100 comm=sh sys=clone ret=$p child_pid=$p child_tid=$p dur_ns=$((k * 1000))"
		echo "exec ts=$((t + 1000000)) pid=$p comm=w$k sys=execve ret=0 filename=\"/bin/w$k\" path=\"/bin/w$k\" argv=\"w$k\\0-k\" argc=2 dur_ns=200000"
		echo "open ts=$((t + 2000000)) pid=$p comm=w$k sys=openat ret=3 dirfd=-100 flags=0x42 name=\"/data/f$k\" path=\"/data/f$k\" dev=0x800001 ino=$k dur_ns=$((k * 3000))"
		[ $k -eq 5 ] && echo "open ts=$((t + 3000000)) pid=$p comm=w$k sys=openat ret=-2 dirfd=-100 flags=0 name=\"/data/none\" dur_ns=2000"
		[ $k -eq 6 ] && for e in 1 2; do
			echo "open ts=$((t + 3000000 + e)) pid=$p comm=w$k sys=openat ret=-13 dirfd=-100 flags=0 name=\"/data/secret\" dur_ns=2500"
		done
		echo "rw ts=$((t + 10000000)) pid=$p comm=w$k sys=write ret=$((k * 1000)) fd=3 count=$((k * 1000)) offset=-1 dev=0x800001 ino=$k dur_ns=$((k * 10000))"
		echo "rw ts=$((t + 20000000)) pid=$p comm=w$k sys=read ret=$((k * 100)) fd=3 count=65536 offset=-1 dev=0x800001 ino=$k dur_ns=$((k * 700))"
		echo "cputime ts=$((t + 50000000)) pid=$p comm=w$k on_cpu_ns=$((k * 1000000)) h.flags=0x200"
		echo "exit ts=$((t + 50000000)) pid=$p comm=w$k exit_code=$code h.flags=2"
	done
	echo "cputime ts=3000000000 pid=100 comm=sh on_cpu_ns=4000000"
	echo "endmeta stop_ns 3000000000"
} >"$D/spec.txt"
"$MK" -o "$D/spec.trc" "$D/spec.txt" >/dev/null || fail report "mktrace spec.trc"
"$GEN" -o "$D/gen.trc" -n 30000 --seed 7 >/dev/null
# hostile.trc: strings that would end the page's script or make markup
cat >"$D/hostile.txt" <<'EOF'
meta recording_id 0badf00d
meta host "h<script>alert(1)</script>"
meta start_ns 1000000000
proc ts=1000000000 pid=100 comm="</script><b>" ppid=1 exe="/bin/x" argv="x\0</script><!--"
open ts=1100000000 pid=100 comm="</script><b>" sys=openat ret=3 dirfd=-100 flags=0x42 name="/t/</script>\xff\xfe\"&amp;\n" path="/t/</script>\xff\xfe\"&amp;\n" dev=0x800001 ino=5 dur_ns=1000
rw ts=1200000000 pid=100 comm="</script><b>" sys=write ret=10 fd=3 count=10 offset=-1 dev=0x800001 ino=5 dur_ns=1000
endmeta stop_ns 1300000000
EOF
"$MK" -o "$D/hostile.trc" "$D/hostile.txt" >/dev/null || fail report "mktrace hostile.trc"
# empty.trc: a recording without a single event
printf 'meta recording_id 0e0e\nmeta host e\nmeta start_ns 1000\nendmeta stop_ns 2000\n' >"$D/empty.txt"
"$MK" -o "$D/empty.trc" "$D/empty.txt" >/dev/null || fail report "mktrace empty.trc"

# --- the pages, in the browser, against analyze ---
browse() {
	if ! command -v node >/dev/null || ! [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
		skip "report: $1 in a browser" "no node or chromium (make deps installs them)"
		return 1
	fi
	in_browser "report: $1 in a browser" "$D/$1"
}
# page NAME TRACE...: NAME.html of the traces, in the browser, against analyze
page() {
	local t=$1
	shift
	if "$S" report --no-progress -o "$D/$t.html" "$@" 2>"$D/err"; then
		ok "report: $t.html written"
	else
		fail "report: $t.html written" "$(cat "$D/err")"
		return
	fi
	expect_eq "report: $t: nothing on stderr" "$(cat "$D/err")" ""
	browse "$t" && /usr/bin/python3 "$TOP/tests/cli/report_check.py" "report $t" "$S" \
		"$D/$t.html" "$D/$t.json" "$@"
	if [ -s "$D/$t.png" ]; then ok "report: $t: a screenshot"; else fail "report: $t: a screenshot"; fi
}
for t in spec gen hostile empty; do
	page $t "$D/$t.trc"
done
# three recordings on three hosts: figures summed, host columns
page multi "$D/spec.trc" "$D/gen.trc" "$D/hostile.trc"

expect_eq "report: hostile: three script elements, none of the trace's" \
	"$(grep -c '<script' "$D/hostile.html")" 3
if [ -s "$D/hostile.json" ]; then
	check "report: hostile: the comm and path shown as text" /usr/bin/python3 -c "import json, sys
d = json.load(open('$D/hostile.json'))['dom']['tables']
sys.exit((d['t-top-procs']['rows'][0][1], d['t-top-files']['rows'][0][0]) !=
	 ('</script><b>', '/t/</script>\u00ff\u00fe\"&amp;\n'))"
fi

# --- exact figures of spec.trc, from the spec, not from analyze ---
data() {
	sed -n '/<script type="application\/json" id="sr-data">/,/<\/script>/p' "$D/spec.html" |
		sed '1d;$d' >"$D/spec.data"
	/usr/bin/python3 -c "import json,sys; d=json.load(open('$D/spec.data')); print($1)"
}
expect_eq "report: spec: top processes w10..w3 by bytes" \
	"$(data "[(r['comm'], r['read_bytes'], r['write_bytes']) for r in d['top_procs']['rows']]")" \
	"$(for k in 10 9 8 7 6 5 4 3 2 1; do printf "('w%d', %d, %d), " $k $((k * 100)) $((k * 1000)); done |
	   sed 's/, $//; s/^/[/; s/$/]/')"
expect_eq "report: spec: timelines of the top 8" "$(data "[t['pid'] for t in d['proc_timelines']]")" \
	"[110, 109, 108, 107, 106, 105, 104, 103]"
expect_eq "report: spec: 21 buckets of 50 ms from 0.05 s" \
	"$(data "[len(d['timeline']['rows']), d['timeline']['rows'][0]['time'], d['timeline']['rows'][-1]['time']]")" \
	"[21, 0.05, 1.05]"
expect_eq "report: spec: w1 and w2 are the other band (300 read, 3000 written)" \
	"$(data "[sum(r['read_bytes'] for r in d['timeline']['rows']) - sum(r['read_bytes'] for t in d['proc_timelines'] for r in t['timeline']['rows']), sum(r['write_bytes'] for r in d['timeline']['rows']) - sum(r['write_bytes'] for t in d['proc_timelines'] for r in t['timeline']['rows'])]")" \
	"[300, 3000]"
expect_eq "report: spec: exit statuses and signals in tree order" \
	"$(data "[(r['pid'], r['depth'], r['exit_status'], r['exit_signal']) for r in d['procs']['rows']][:8]")" \
	"[(100, 0, None, None), (101, 1, 0, 0), (102, 1, 0, 0), (103, 1, 3, 0), (104, 1, 0, 0), (105, 1, 0, 0), (106, 1, 0, 0), (107, 1, 0, 9)]"
expect_eq "report: spec: CPU time of w1..w10" \
	"$(data "[r['on_cpu_ns'] for r in d['procs']['rows'][1:]]")" \
	"[1000000, 2000000, 3000000, 4000000, 5000000, 6000000, 7000000, 8000000, 9000000, 10000000]"
expect_eq "report: spec: errors by syscall and errno" \
	"$(data "[(r['syscall'], r['error'], r['failures']) for r in d['errors']['rows']]")" \
	"[('openat', 'EACCES', 2), ('openat', 'ENOENT', 1)]"
# 10 us in [8192, 16384), 20 and 30 in the next, 40..60 and 70..100 in the two after
expect_eq "report: spec: write latencies of 10..100 us in 4 log2 buckets" \
	"$(data "[(r['bucket_lo_ns'], r['count']) for r in d['hist']['rows'] if r['syscall'] == 'write']")" \
	"[(8192, 1), (16384, 2), (32768, 3), (65536, 4)]"
if [ -s "$D/spec.json" ]; then
	expect_eq "report: spec: the browser drew 21 points and 9 bands (8 + other) per I/O chart" \
		"$(/usr/bin/python3 -c "import json; d=json.load(open('$D/spec.json'))
print([(c['points'], c['series']) for c in d['dom']['charts'] if c['cls'] == 'chart io'])")" \
		"[(21, 9), (21, 9)]"
	expect_eq "report: spec: the browser drew 4 bars for write" \
		"$(/usr/bin/python3 -c "import json; d=json.load(open('$D/spec.json'))
print([c['points'] for c in d['dom']['charts'] if c['syscall'] == 'write'])")" "[4]"
fi

# --- --db: the same page from a kept database ---
"$S" analyze --no-progress "$D/spec.trc" --db "$D/spec.db" >/dev/null
"$S" report --no-progress --db "$D/spec.db" -o "$D/db.html" 2>"$D/err"
expect_eq "report: --db without a trace: exit 0, nothing on stderr" "$?:$(cat "$D/err")" "0:"
sed -n '/id="sr-data"/,/<\/script>/p' "$D/db.html" >"$D/db.data"
sed -n '/id="sr-data"/,/<\/script>/p' "$D/spec.html" >"$D/spec.data2"
check "report: --db: the same data as from the trace" cmp -s "$D/db.data" "$D/spec.data2"
expect_eq "report: --db: titled by the database" "$(grep -o '<title>[^<]*' "$D/db.html")" \
	"<title>sysrec report: $D/spec.db"
"$S" report --no-progress -f --title 'a <b> & "c"' -o "$D/db.html" "$D/spec.trc"
expect_eq "report: --title escaped" "$(grep -o '<title>[^<]*' "$D/db.html")" \
	"<title>a &lt;b&gt; &amp; &quot;c&quot;"

# --- the size follows the summary, not the events ---
"$GEN" -o "$D/small.trc" -n 2000 --loop >/dev/null
"$GEN" -o "$D/big.trc" -n 400000 --loop >/dev/null
"$SYSREC" report --no-progress -o "$D/small.html" "$D/small.trc"
"$SYSREC" report --no-progress -o "$D/big.html" "$D/big.trc"
small=$(stat -c %s "$D/small.html") big=$(stat -c %s "$D/big.html")
if [ "$big" -lt $((small * 5 / 4)) ]; then
	ok "report: 200 times the events, a page under 1.25 times the size ($small, $big bytes)"
else
	fail "report: size" "$small bytes for 2000 events, $big for 400000"
fi

# --- bad input: one line, exit 2 (usage) or 1, no page ---
echo "not a trace" >"$D/junk.trc"
echo keep >"$D/exists.html"
mkdir "$D/dir.html"
bad() {
	local n=$1 rc=$2 err
	shift 2
	must_fail "report: $n" "$S" report --no-progress "$@"
	"$S" report --no-progress "$@" >/dev/null 2>&1
	expect_eq "report: $n: exit status $rc" "$?" "$rc"
}
bad "no -o" 2 "$D/spec.trc"
bad "no trace" 2 -o "$D/none.html"
bad "an unknown option" 2 --frobnicate -o "$D/none.html" "$D/spec.trc"
bad "-o without a value" 2 "$D/spec.trc" -o
bad "--top past 20" 2 --top 21 -o "$D/none.html" "$D/spec.trc"
bad "--limit not a number" 2 --limit x -o "$D/none.html" "$D/spec.trc"
bad "--mem-limit under analyze's least" 2 --mem-limit 20M -o "$D/none.html" "$D/spec.trc"
expect_eq "report: --mem-limit's least as analyze's" \
	"$("$S" report --no-progress --mem-limit 20M -o "$D/none.html" "$D/spec.trc" 2>&1)" \
	"sysrec: report: bad --mem-limit '20M' (a size such as 512M, at least 32M). See 'sysrec report --help'."
bad "a missing trace" 1 -o "$D/none.html" "$D/missing.trc"
bad "not a trace" 1 -o "$D/none.html" "$D/junk.trc"
bad "a missing --db" 1 --db "$D/missing.db" -o "$D/none.html"
bad "an output that exists" 1 -o "$D/exists.html" "$D/spec.trc"
bad "an output that is a directory" 1 -f -o "$D/dir.html" "$D/spec.trc"
bad "an output in a missing directory" 1 -o "$D/no/where.html" "$D/spec.trc"
check "report: no page left by bad input" test ! -e "$D/none.html" -a ! -e "$D/no"
expect_eq "report: an existing output kept without -f" "$(cat "$D/exists.html")" "keep"
leftover=$(find "$D" -name '*.html.*')
expect_eq "report: no temporary file left" "$leftover" ""
"$S" report --no-progress -f -o "$D/exists.html" "$D/spec.trc"
check "report: -f replaces it" grep -q 'id="sr-data"' "$D/exists.html"
expect_eq "report: help report is its usage" "$("$S" help report | head -1)" \
	"usage: sysrec report [FILE...] [--db DB] -o OUT.html [OPTIONS]"
t_done
