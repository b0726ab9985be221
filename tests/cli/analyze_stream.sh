#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_stream.sh - --sql prints rows as the query makes them: `| head -1`
# on two million events ends at once with flat memory, in every format; a
# table keeps its first page's columns and prints a wider later value whole;
# --timeout ends a query without end, and so does SIGINT, each with one line
# and status 1.  The memory check runs the plain build (ASan's shadow memory
# would blur it); the rest the ASan/UBSan build.  Needs no root and no BPF.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
GEN=$TOOLS/gentrace
need_built analyze_stream "$S" "$SYSREC" "$MK" "$GEN"
t_tmpdir
export TMPDIR=$tmp

# peak RSS in KB of CMD, its stdout to head -1 (into $tmp/first)
peak_rss() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$tmp/rss" "$@" 2>/dev/null | head -1 > "$tmp/first"
		tail -1 "$tmp/rss"
	else
		# no GNU time: the high-water mark of the process, read from /proc
		local p hwm=0 v
		"$@" 2>/dev/null > >(head -1 > "$tmp/first") &
		p=$!
		while kill -0 $p 2>/dev/null; do
			v=$(awk '/^VmHWM/ { print $2 }' /proc/$p/status 2>/dev/null)
			[ -n "$v" ] && hwm=$v
			sleep 0.05
		done
		wait $p
		echo "$hwm"
	fi
}

# Two million events: every row would be about 2 GB held at once; the
# import alone takes about 220 MB.
"$GEN" -o "$tmp/big.trc" -n 2000000 >/dev/null || { fail analyze_stream "gentrace failed"; exit 1; }
CAP=400000	# KB
header="id,trace_id,rec_id,ts,type,cpu,flags,proc_id,pid,tid,uid,gid,cgroup_id,comm,sys_id,nr,ret,dur_ns,fd,file_id,len,off,arg,on_cpu_ns,off_cpu_ns,blocked_ns,runq_ns,vol_switches,invol_switches"
for fmt in csv json table; do
	start=$(date +%s)
	rss=$(peak_rss "$SYSREC" analyze "$tmp/big.trc" --no-progress --format $fmt \
		--sql 'SELECT * FROM events')
	secs=$(( $(date +%s) - start ))
	if [ -n "$rss" ] && [ "$rss" -lt $CAP ]; then
		ok "$fmt | head -1: peak RSS $rss KB < $CAP KB, ${secs}s"
	else
		fail "${fmt}_head_rss" "peak RSS '$rss' KB, cap $CAP KB"
	fi
	case $fmt in
	csv) expect_eq csv_head_first_line "$(cat "$tmp/first")" "$header" ;;
	json) expect_eq json_head_first_line "$(cat "$tmp/first")" "[" ;;
	table) expect_eq table_head_first_line "$(tr -s ' ' < "$tmp/first" | cut -d' ' -f2-4)" \
		"id trace_id rec_id" ;;
	esac
done

# A small trace for the rest.
printf 'meta host h\nmeta start_ns 1000000000\nendmeta stop_ns 2000000000\n' > "$tmp/spec"
"$MK" -o "$tmp/t.trc" "$tmp/spec" || { fail analyze_stream "mktrace failed"; exit 1; }

# a table sizes its columns on the first 1000 rows; a wider value later is whole
wide='WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 1002)
SELECT x, CASE WHEN x > 1000 THEN '"'a value much wider than the first page'"' ELSE '"'v'"' END AS t FROM c'
out=$("$S" analyze "$tmp/t.trc" --no-progress --sql "$wide" 2>/dev/null)
expect_eq table_first_page "$(printf '%s\n' "$out" | sed -n '1p;1001p')" "$(printf '   x  t\n1000  v')"
expect_eq table_wider_later "$(printf '%s\n' "$out" | sed -n '1003p')" \
	"1002  a value much wider than the first page"
expect_eq table_rows "$(printf '%s\n' "$out" | wc -l)" 1003

# the same rows in CSV and JSON, whole
expect_eq csv_rows "$("$S" analyze "$tmp/t.trc" --no-progress --format csv --sql "$wide" 2>/dev/null | wc -l)" 1003
expect_eq json_last "$("$S" analyze "$tmp/t.trc" --no-progress --format json --sql "$wide" 2>/dev/null | tail -2)" \
	"$(printf '%s\n]' '{"x": 1002, "t": "a value much wider than the first page"}')"

# a query without end, streamed, ends when the reader goes away
endless_rows='WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c'
for fmt in csv json table; do
	timeout 20 "$S" analyze "$tmp/t.trc" --no-progress --format $fmt --sql "$endless_rows" 2>/dev/null |
		head -2 >/dev/null
	rc=${PIPESTATUS[0]}
	# 141: killed by SIGPIPE once the temporary database is gone (124: timeout)
	expect_eq "${fmt}_endless_head_status" "$rc" 141
done

# --timeout: one line, status 1, within a few seconds
endless='WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c'
start=$(date +%s)
must_fail timeout_one_line "$S" analyze "$tmp/t.trc" --no-progress --timeout 1 --sql "$endless"
secs=$(( $(date +%s) - start ))
[ $secs -le 5 ] && ok "--timeout 1 ends in ${secs}s" || fail timeout_time "took ${secs}s"
expect_eq timeout_message "$("$S" analyze "$tmp/t.trc" --no-progress --timeout 0.2 --sql "$endless" 2>&1)" \
	"sysrec: sql: the query ran longer than --timeout 0.2s"
expect_eq timeout_in_time "$("$S" analyze "$tmp/t.trc" --no-progress --timeout 5 --format csv --sql 'SELECT 42 AS n' 2>/dev/null)" \
	"$(printf 'n\n42')"
must_fail timeout_not_sql "$S" analyze "$tmp/t.trc" --no-progress --timeout 1 --procs
must_fail timeout_zero "$S" analyze "$tmp/t.trc" --no-progress --timeout 0 --sql 'SELECT 1'
must_fail timeout_bad "$S" analyze "$tmp/t.trc" --no-progress --timeout soon --sql 'SELECT 1'

# SIGINT ends a query without end: "interrupted", status 1; also one that streams
for q in "$endless" "$endless_rows"; do
	"$S" analyze "$tmp/t.trc" --no-progress --format csv --sql "$q" >/dev/null 2>"$tmp/err" &
	p=$!
	sleep 1
	kill -INT $p
	wait $p
	rc=$?
	expect_eq "sigint_status" "$rc" 1
	expect_eq "sigint_message" "$(tail -1 "$tmp/err")" "sysrec: interrupted"
done
# a query that fails after some rows: those rows stay, whole (a closed JSON
# array, a table), status 1, and the error says it is the query's
fails='WITH RECURSIVE c(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM c LIMIT 10)
	SELECT id, CASE WHEN id > 3 THEN abs(-9223372036854775807 - 1) ELSE id END AS x FROM c'
"$S" analyze "$tmp/t.trc" --no-progress --format json --sql "$fails" >"$tmp/out" 2>"$tmp/err"
expect_eq "failing query: status" "$?" 1
expect_eq "failing query: the error names the query" "$(tail -1 "$tmp/err")" "sysrec: sql: integer overflow"
if python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" 2>/dev/null; then
	ok "failing query: the JSON printed before it is valid"
else
	fail failing_query_json "$(cat "$tmp/out")"
fi
"$S" analyze "$tmp/t.trc" --no-progress --format table --sql "$fails" >"$tmp/out" 2>/dev/null
expect_eq "failing query: the table's rows before it are printed" "$(sed -n 2p "$tmp/out" | tr -s ' ')" " 1 1"
# past the budget, a query says so and names it
"$S" analyze "$tmp/t.trc" --no-progress --format csv --mem-limit 64M --sql \
	'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 3000000) SELECT x, randomblob(100) FROM c ORDER BY 2' \
	>/dev/null 2>"$tmp/err"
expect_eq "a query past --mem-limit: status" "$?" 1
expect_eq "a query past --mem-limit: named" "$(tail -1 "$tmp/err")" \
	"sysrec: sql: the query needs more than the memory budget (--mem-limit 64M); raise --mem-limit"
t_done
