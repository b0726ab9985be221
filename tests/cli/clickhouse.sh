#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# clickhouse.sh - sysrec export --clickhouse and analyze --clickhouse against
# a clickhouse-server this test starts itself (loopback, free ports, a
# temporary config and data directory) and stops: 20 recordings of 20 hosts
# exported, every report's CSV equal byte for byte to the SQLite path's;
# an export done twice, and one killed half-way then done again, leave each
# event once; four exporters at once; a server that is not there is one
# line of error.  Skips (fatal under CI=true) only without clickhouse-server.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../chserver.sh"

S=$SYSREC
GT=$TOOLS/gentrace
if ! command -v clickhouse-server >/dev/null; then
	skip clickhouse "no clickhouse-server (tests/deps.sh installs it)"
	exit 0
fi
[ -x "$GT" ] || { fail clickhouse "no $GT (make tools)"; exit 1; }
if ! "$S" export --help >/dev/null 2>&1 || "$S" export x --clickhouse http://127.0.0.1:1/ 2>&1 |
	grep -q "no ClickHouse support"; then
	skip clickhouse "this build has no ClickHouse support (libcurl)"
	exit 0
fi
t_tmpdir
t_cleanup_more() { ch_stop "$tmp/ch"; }
D=$tmp
ch_start "$D/ch" || { fail clickhouse_start "clickhouse-server did not start"; exit 1; }
q() { curl -sS "$CH_URL" --data-binary "$1"; }

# --- 20 recordings, each its own host ---
files=()
for i in $(seq -w 1 20); do
	"$GT" -o "$D/h$i.trc" -n $((4000 + 500 * 10#$i)) --seed "$i" --host "host$i" \
		--recording-id "rec$i" >/dev/null || fail gentrace "$i"
	files+=("$D/h$i.trc")
done
q "CREATE DATABASE one"
U1="${CH_URL}?database=one"
check export_20 "$S" export "${files[@]}" --clickhouse "$U1" --no-progress
want=$("$S" analyze "${files[@]}" --sql "SELECT SUM(events) FROM recordings" --format csv --no-progress | tail -1)
expect_eq export_events "$(q "SELECT sum(events) FROM one.recordings")" "$want"
expect_eq export_event_rows "$(q "SELECT count() FROM one.events")" "$want"

reports=("" --top-io "--top-io --by file" "--top-io --by cgroup" --syscalls "--syscalls --hist"
	 --slow --errors --procs --cpu "--cpu --by thread" --mem --files --timeline
	 "--timeline --interval 15ms" "--timeline --time abs" "--slow --time abs --limit 50")
for r in "${reports[@]}"; do
	# shellcheck disable=SC2086
	"$S" analyze "${files[@]}" $r --format csv --no-progress >"$D/sq.csv" 2>/dev/null
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "$U1" $r --format csv >"$D/ch.csv" 2>"$D/ch.err"
	if cmp -s "$D/sq.csv" "$D/ch.csv" && [ -s "$D/sq.csv" ]; then
		ok "same CSV: analyze ${r:-(overview)} ($(wc -l <"$D/sq.csv") lines)"
	else
		fail "same CSV: analyze ${r:-(overview)}" "$(head -2 "$D/ch.err"; diff "$D/sq.csv" "$D/ch.csv" | head -4)"
	fi
done
# the same traces in a kept database: the SQLite path without importing each time
"$S" analyze "${files[@]}" --db "$D/all.db" --no-progress --sql "SELECT 1" >/dev/null 2>&1
# the filters: --pid, --comm, --cgroup, the windows (whole 10 ms buckets and
# their edges; the traces are 4 to 14 ms long), and some together
for f in "--pid 1000,1002" "--comm bash" "--cgroup /system.slice" "--pid 1003 --cgroup /" \
	 "--since 0.002" "--until 0.0031" "--since 0.001 --until 0.0105 --comm bash" \
	 "--since 0.05"; do
	for r in "" "--top-io --by file" "--top-io --by cgroup" --syscalls "--syscalls --hist" --slow \
		 --errors --procs --cpu --mem --files --timeline "--timeline --interval 15ms"; do
		# shellcheck disable=SC2086
		"$S" analyze --db "$D/all.db" $r $f --format csv >"$D/sq.csv" 2>/dev/null
		# shellcheck disable=SC2086
		"$S" analyze --clickhouse "$U1" $r $f --format csv >"$D/ch.csv" 2>/dev/null
		if cmp -s "$D/sq.csv" "$D/ch.csv" && [ -s "$D/sq.csv" ]; then
			ok "same CSV: analyze ${r:-(overview)} $f"
		else
			fail "same CSV: analyze ${r:-(overview)} $f" "$(diff "$D/sq.csv" "$D/ch.csv" | head -4)"
		fi
	done
done
[ "$("$S" analyze --clickhouse "$U1" --files --comm bash --format csv 2>/dev/null | wc -l)" -gt 100 ] &&
	ok "--comm bash: files read" || fail "--comm bash: files read" "few rows"

# a wall-clock --since: from the first recording's clock (one export: the same first)
"$S" analyze --clickhouse "$U1" --since "2025-11-26 20:46:45.002" --top-io --format csv >"$D/ch.csv" 2>/dev/null
"$S" analyze "${files[@]}" --since "2025-11-26 20:46:45.002" --top-io --format csv --no-progress >"$D/sq.csv" 2>/dev/null
check "--since as a wall-clock time" cmp -s "$D/sq.csv" "$D/ch.csv"

# two traces of about a second and a half: windows over agg's whole seconds
"$GT" -o "$D/long1.trc" -n 1500000 --seed 7 --host longA --recording-id long1 >/dev/null
"$GT" -o "$D/long2.trc" -n 1200000 --seed 8 --host longB --recording-id long2 >/dev/null
q "CREATE DATABASE long"
UL="${CH_URL}?database=long"
check export_long "$S" export "$D/long1.trc" "$D/long2.trc" --clickhouse "$UL" --no-progress
"$S" analyze "$D/long1.trc" "$D/long2.trc" --db "$D/long.db" --no-progress --sql "SELECT 1" >/dev/null 2>&1
for f in "--since 0.5" "--until 1.2" "--since 0.25 --until 1.35 --comm bash" "--since 1 --until 2"; do
	for r in "" "--top-io --by file" --syscalls "--slow --limit 50" --errors --procs --mem --files \
		 --timeline "--timeline --interval 15ms"; do
		# shellcheck disable=SC2086
		"$S" analyze --db "$D/long.db" $r $f --format csv >"$D/sq.csv" 2>/dev/null
		# shellcheck disable=SC2086
		"$S" analyze --clickhouse "$UL" $r $f --format csv >"$D/ch.csv" 2>/dev/null
		if cmp -s "$D/sq.csv" "$D/ch.csv" && [ -s "$D/sq.csv" ]; then
			ok "same CSV, long traces: analyze ${r:-(overview)} $f"
		else
			fail "same CSV, long traces: analyze ${r:-(overview)} $f" "$(diff "$D/sq.csv" "$D/ch.csv" | head -4)"
		fi
	done
done

# the cpu class shown only by its records: the rows before the first have
# their split (the exporter's mutation, as the importer's UPDATE)
MK=$TOOLS/mktrace
cat <<-'EOF' | "$MK" -o "$D/late.trc" || fail mktrace late.trc
	meta recording_id late1
	meta host hostL
	meta classes proc,file
	meta start_ns 1000000000
	proc ts=1000000000 pid=300 comm=late ppid=1 start_ns=500000000
	open ts=1100000000 pid=300 comm=late sys=openat ret=3 dirfd=-100 flags=0 name="/x" path="/x" dev=0x800001 ino=7 dur_ns=3000
	syscpu ts=1200000000 pid=300 comm=late off_cpu_ns=1000 runq_ns=500 vol_switches=1 nr=0
	rw ts=1200000000 pid=300 comm=late sys=read ret=10 fd=3 count=10 offset=-1 dev=0x800001 ino=7 dur_ns=4000
	cputime ts=1900000000 pid=300 comm=late on_cpu_ns=100000 h.flags=0x200
	exit ts=1900000000 pid=300 comm=late exit_code=0 h.flags=2
	endmeta stop_ns 2000000000
	EOF
q "CREATE DATABASE late"
check export_late "$S" export "$D/late.trc" --clickhouse "${CH_URL}?database=late" --no-progress
expect_eq "late rows: their split" \
	"$(q "SELECT sys_id, on_cpu_ns, off_cpu_ns, runq_ns FROM late.events ORDER BY id FORMAT CSV")" \
	"1,3000,0,0
2,2500,1000,500
\N,\N,\N,\N"
for r in --syscalls --slow --cpu --procs; do
	"$S" analyze "$D/late.trc" $r --format csv --no-progress >"$D/sq.csv" 2>/dev/null
	"$S" analyze --clickhouse "${CH_URL}?database=late" $r --format csv >"$D/ch.csv" 2>/dev/null
	check "late rows: same CSV $r" cmp -s "$D/sq.csv" "$D/ch.csv"
done

# --host and --recording: the reports of that recording alone
"$S" analyze "$D/h07.trc" --syscalls --format csv --no-progress >"$D/sq.csv" 2>/dev/null
"$S" analyze --clickhouse "$U1" --host host07 --syscalls --format csv >"$D/ch.csv" 2>/dev/null
check "--host: one host's syscalls" cmp -s "$D/sq.csv" "$D/ch.csv"
"$S" analyze --clickhouse "$U1" --recording rec07 --syscalls --format csv >"$D/ch.csv" 2>/dev/null
check "--recording: one recording's syscalls" cmp -s "$D/sq.csv" "$D/ch.csv"
must_fail "--host that is not there" "$S" analyze --clickhouse "$U1" --host nohost --syscalls

# --- exactly once: again, and after a SIGKILL half-way ---
check export_again "$S" export "$D/h01.trc" "$D/h02.trc" --clickhouse "$U1" --no-progress
"$S" analyze --clickhouse "$U1" --format csv >"$D/ch.csv" 2>/dev/null
"$S" analyze "${files[@]}" --format csv --no-progress >"$D/sq.csv" 2>/dev/null
check "exported twice: the overview counts each event once" cmp -s "$D/sq.csv" "$D/ch.csv"
"$GT" -o "$D/big.trc" -n 400000 --seed 99 --host bighost --recording-id big >/dev/null
# small batches, so that the kill finds some in and some not
"$S" export "$D/big.trc" --clickhouse "$U1" --no-progress --batch 64K 2>/dev/null &
epid=$!
for _ in $(seq 200); do
	[ "$(q "SELECT count() FROM one.events WHERE host = 'bighost'")" -gt 0 ] && break
	sleep 0.05
done
kill -KILL "$epid" 2>/dev/null
wait "$epid" 2>/dev/null
part=$(q "SELECT count() FROM one.events WHERE host = 'bighost'")
if [ "$part" -gt 0 ] && [ "$part" -lt 400000 ]; then ok "killed half-way ($part event rows in)"
else fail "killed half-way" "$part event rows in"; fi
expect_eq "killed export: not a recording" \
	"$(q "SELECT count() FROM one.recordings WHERE recording = 'big'")" 0
check export_after_kill "$S" export "$D/big.trc" --clickhouse "$U1" --no-progress
bigwant=$("$S" analyze "$D/big.trc" --sql "SELECT events FROM recordings" --format csv --no-progress | tail -1)
"$S" analyze --clickhouse "$U1" --recording big --sql "SELECT 1" >/dev/null 2>&1
# the killed export's rows deleted in the background (a mutation): in a while
for _ in $(seq 100); do
	[ "$(q "SELECT count() FROM one.events WHERE host = 'bighost'")" = "$bigwant" ] && break
	sleep 0.1
done
expect_eq "after the kill: the killed export's rows deleted" \
	"$(q "SELECT count() FROM one.events WHERE host = 'bighost'")" "$bigwant"
expect_eq "after the kill: the recording's events once" \
	"$("$S" analyze --clickhouse "$U1" --recording big --format csv 2>/dev/null | tail -1 | cut -d, -f5)" "$bigwant"

# --- four exporters at once, one file each of five ---
q "CREATE DATABASE four"
U4="${CH_URL}?database=four"
pids=()
for k in 0 1 2 3; do
	"$S" export "${files[@]:$((k * 5)):5}" --clickhouse "$U4" --no-progress 2>"$D/exp$k.err" &
	pids+=($!)
done
st=0
for p in "${pids[@]}"; do wait "$p" || st=1; done
expect_eq "four exporters at once" "$st" 0
expect_eq "four exporters: the events" "$(q "SELECT sum(events) FROM four.recordings")" "$want"
# (not --mem, --procs, --slow: rows that tie on every key are in the order of
# the ids an export gives, the SQLite path's only for one export of them all)
for r in "" --top-io "--top-io --by file" --syscalls --errors --files; do
	# shellcheck disable=SC2086
	"$S" analyze "${files[@]}" $r --format csv --no-progress >"$D/sq.csv" 2>/dev/null
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "$U4" $r --format csv >"$D/ch.csv" 2>/dev/null
	check "four exporters: same CSV ${r:-(overview)}" cmp -s "$D/sq.csv" "$D/ch.csv"
done

# --- errors ---
port=$(ch_free_port)
must_fail "no server: one line" "$S" export "$D/h01.trc" --clickhouse "http://127.0.0.1:$port/" --no-progress
must_fail "no server: analyze, one line" "$S" analyze --clickhouse "http://127.0.0.1:$port/"
must_fail "a trace that is not there: one line" "$S" export "$D/none.trc" --clickhouse "$U1" --no-progress
"$S" export "$D/h01.trc" >/dev/null 2>&1
expect_eq "export without a sink: usage" "$?" 2
q "CREATE DATABASE empty"
must_fail "a database without recordings: one line" "$S" analyze --clickhouse "${CH_URL}?database=empty" --syscalls
expect_eq "the header says the figures are summed" \
	"$("$S" analyze --clickhouse "$U1" --syscalls --format csv 2>&1 >/dev/null | grep -c 'figures summed')" 1

ch_stop "$D/ch"
t_done
