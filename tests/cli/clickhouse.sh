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
. "$(dirname "$0")/../chnet.sh"

S=$SYSREC
GT=$TOOLS/gentrace
ch_one_server clickhouse

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
	 "--syscalls --by host" --slow --errors --procs --cpu "--cpu --by thread" "--cpu --by host"
	 --mem --files --net "--net --by process" --timeline "--timeline --interval 20ms"
	 "--timeline --time abs" "--slow --time abs --limit 50")
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
	for r in "" "--top-io --by file" "--top-io --by cgroup" --syscalls "--syscalls --hist" \
		 "--syscalls --by host" --slow --errors --procs --cpu "--cpu --by host" --mem --files; do
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
# --timeline from table tl with the filters of processes and cgroups
for f in "--pid 1000,1002" "--comm bash" "--cgroup /system.slice" "--pid 1003 --cgroup /"; do
	for r in --timeline "--timeline --interval 30ms"; do
		# shellcheck disable=SC2086
		"$S" analyze --db "$D/all.db" $r $f --format csv >"$D/sq.csv" 2>/dev/null
		# shellcheck disable=SC2086
		"$S" analyze --clickhouse "$U1" $r $f --format csv >"$D/ch.csv" 2>/dev/null
		if cmp -s "$D/sq.csv" "$D/ch.csv" && [ -s "$D/sq.csv" ]; then
			ok "same CSV: analyze $r $f"
		else
			fail "same CSV: analyze $r $f" "$(diff "$D/sq.csv" "$D/ch.csv" | head -4)"
		fi
	done
done
[ "$("$S" analyze --clickhouse "$U1" --files --comm bash --format csv 2>/dev/null | wc -l)" -gt 100 ] &&
	ok "--comm bash: files read" || fail "--comm bash: files read" "few rows"

# sys_durs and err_stats (docs/SCHEMA.md): every syscall counted once, a mark per
# recording; without them (an older export) the same reports from events
expect_eq sys_durs_calls "$(q "SELECT sum(calls) FROM one.sys_durs")" \
	"$(q "SELECT count() FROM one.events WHERE sys_id IS NOT NULL")"
expect_eq sys_durs_marks "$(q "SELECT count() FROM one.sys_durs WHERE name = '' AND calls = 0")" 20
expect_eq err_stats_failures "$(q "SELECT sum(failures) FROM one.err_stats")" \
	"$(q "SELECT count() FROM one.events WHERE ret < 0 AND ret >= -4095 AND sys_id IS NOT NULL")"
q "RENAME TABLE one.sys_durs TO one.sys_durs_gone"
for r in --syscalls "--syscalls --hist" "--syscalls --by host" "--slow --limit 30" --errors; do
	# shellcheck disable=SC2086
	"$S" analyze --db "$D/all.db" $r --format csv >"$D/sq.csv" 2>/dev/null
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "$U1" $r --format csv >"$D/ch.csv" 2>"$D/ch.err"
	if cmp -s "$D/sq.csv" "$D/ch.csv" && [ -s "$D/sq.csv" ]; then
		ok "same CSV without sys_durs: analyze $r"
	else
		fail "same CSV without sys_durs: analyze $r" \
			"$(head -2 "$D/ch.err"; diff "$D/sq.csv" "$D/ch.csv" | head -4)"
	fi
done
q "RENAME TABLE one.sys_durs_gone TO one.sys_durs"

# the table's header: where from, then the filters' and the summed lines as the SQLite path's
for r in "" --syscalls "--syscalls --hist" --files "--syscalls --by host" --procs --timeline \
	 "--top-io --pid 1000,1002" "--syscalls --comm bash --since 0.002 --until 0.0031" \
	 "--files --cgroup /system.slice"; do
	# shellcheck disable=SC2086
	"$S" analyze --db "$D/all.db" $r --format csv 2>&1 >/dev/null | grep -v '^# recording \|^#   ' >"$D/sq.hdr"
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "$U1" $r --format csv 2>&1 >/dev/null | grep -v '^# ClickHouse ' >"$D/ch.hdr"
	check "same header: analyze ${r:-(overview)}" cmp -s "$D/sq.hdr" "$D/ch.hdr"
done
"$S" analyze --clickhouse "$U1" --syscalls --format csv 2>&1 >/dev/null | grep -q \
	'^# 20 recordings (hosts host01, .*, host20): figures summed; --by recording: a row per recording$' &&
	ok "header: --syscalls summed" || fail "header: --syscalls summed" "no summed line"

# --by recording, and --timeline over a window or with an odd --interval
# (the events spread over the buckets; more in clickhouse_recs.sh)
for r in "--timeline --interval 15ms" "--timeline --since 0.002" "--timeline --until 0.01" \
	 "--timeline --interval 2ms --since 0.001 --until 0.0105" \
	 "--top-io --by recording" "--files --by recording" "--timeline --by recording" \
	 "--syscalls --by recording" "--procs --by recording"; do
	# shellcheck disable=SC2086
	"$S" analyze --db "$D/all.db" $r --format csv >"$D/sq.csv" 2>/dev/null
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "$U1" $r --format csv >"$D/ch.csv" 2>"$D/ch.err"
	if cmp -s "$D/sq.csv" "$D/ch.csv" && [ -s "$D/sq.csv" ]; then
		ok "same CSV: analyze $r"
	else
		fail "same CSV: analyze $r" "$(head -2 "$D/ch.err"; diff "$D/sq.csv" "$D/ch.csv" | head -4)"
	fi
done

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
	for r in "" "--top-io --by file" --syscalls "--syscalls --by host" "--slow --limit 50" --errors \
		 --procs --mem --files; do
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

for r in --timeline "--timeline --interval 10ms" "--timeline --interval 70ms --comm bash" \
	 "--timeline --time abs" "--timeline --interval 10ms --limit 40"; do
	for fmt in csv table; do
		# shellcheck disable=SC2086
		"$S" analyze --db "$D/long.db" $r --format $fmt 2>&1 | grep -v '^# recording \|^#   ' >"$D/sq.out"
		# shellcheck disable=SC2086
		"$S" analyze --clickhouse "$UL" $r --format $fmt 2>&1 | grep -v '^# ClickHouse ' >"$D/ch.out"
		if cmp -s "$D/sq.out" "$D/ch.out" && [ "$(wc -l <"$D/sq.out")" -gt 20 ]; then
			ok "same $fmt, long traces: analyze $r"
		else
			fail "same $fmt, long traces: analyze $r" "$(diff "$D/sq.out" "$D/ch.out" | head -4)"
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

# the cpu class on four hosts: --cpu per process, thread and host, --syscalls'
# split per host, against the SQLite path
for h in A B C D; do
	cpuspec "$h" "host$h" $((1000 * 10#$(printf '%d' "'$h") - 64000)) | "$MK" -o "$D/cpu$h.trc" ||
		fail mktrace "cpu$h.trc"
done
q "CREATE DATABASE cpu"
cpus=("$D/cpuA.trc" "$D/cpuB.trc" "$D/cpuC.trc" "$D/cpuD.trc")
check export_cpu "$S" export "${cpus[@]}" --clickhouse "${CH_URL}?database=cpu" --no-progress
for r in --cpu "--cpu --by thread" "--cpu --by host" "--cpu --by host --since 0.5" --syscalls \
	 "--syscalls --by host" "--syscalls --by host --comm wB"; do
	# shellcheck disable=SC2086
	"$S" analyze "${cpus[@]}" $r --format csv --no-progress >"$D/sq.csv" 2>/dev/null
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "${CH_URL}?database=cpu" $r --format csv >"$D/ch.csv" 2>/dev/null
	if cmp -s "$D/sq.csv" "$D/ch.csv" && [ "$(wc -l <"$D/sq.csv")" -gt 2 ]; then
		ok "cpu on four hosts: same CSV $r"
	else
		fail "cpu on four hosts: same CSV $r" "$(diff "$D/sq.csv" "$D/ch.csv" | head -4)"
	fi
done
expect_eq "--cpu --by host: hostB's share" \
	"$("$S" analyze --clickhouse "${CH_URL}?database=cpu" --cpu --by host 2>/dev/null | awk '$1 == "hostB" { print $4 }')" \
	"$("$S" analyze "${cpus[@]}" --cpu --by host --no-progress 2>/dev/null | awk '$1 == "hostB" { print $4 }')"

# the net class on three hosts: --net's sums, errnos and nearest-rank
# connect latencies per host, endpoint and process, against the SQLite path
nets=()
for h in a bb ccc; do
	netspec "host$h" $((${#h} * 3 + 1)) | "$MK" -o "$D/net$h.trc" || fail mktrace "net$h.trc"
	nets+=("$D/net$h.trc")
done
q "CREATE DATABASE net"
check export_net "$S" export "${nets[@]}" --clickhouse "${CH_URL}?database=net" --no-progress
for r in --net "--net --by process" "--net --pid 101" "--net --comm c --by process" \
	 "--net --since 0.05 --by process" "--net --limit 2"; do
	for fmt in csv json; do
		# shellcheck disable=SC2086
		"$S" analyze "${nets[@]}" $r --format $fmt --no-progress >"$D/sq.out" 2>/dev/null
		# shellcheck disable=SC2086
		"$S" analyze --clickhouse "${CH_URL}?database=net" $r --format $fmt >"$D/ch.out" 2>/dev/null
		if cmp -s "$D/sq.out" "$D/ch.out" && [ "$(wc -l <"$D/sq.out")" -gt 2 ]; then
			ok "net on three hosts: same $fmt $r"
		else
			fail "net on three hosts: same $fmt $r" "$(diff "$D/sq.out" "$D/ch.out" | head -4)"
		fi
	done
done
expect_eq "--net: hostccc's connects to 5432, p50 and p99" \
	"$("$S" analyze --clickhouse "${CH_URL}?database=net" --net --format csv 2>/dev/null |
	   grep '^tcp 127.0.0.1:5432,.*hostccc$' | cut -d, -f2,9,10)" "10,35925,73700"

# two runs of one host: the SQLite path's recording columns, and one at a time with --recording
"$GT" -o "$D/run1.trc" -n 3000 --seed 31 --host twice --recording-id run1 >/dev/null
"$GT" -o "$D/run2.trc" -n 3500 --seed 32 --host twice --recording-id run2 >/dev/null
q "CREATE DATABASE runs"
UR="${CH_URL}?database=runs"
check export_runs "$S" export "$D/run1.trc" "$D/run2.trc" --clickhouse "$UR" --no-progress
for r in --syscalls --procs --slow "--top-io --by recording"; do
	# shellcheck disable=SC2086
	"$S" analyze "$D/run1.trc" "$D/run2.trc" $r --format csv --no-progress >"$D/sq.csv" 2>/dev/null
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "$UR" $r --format csv >"$D/ch.csv" 2>/dev/null
	check "a host with two recordings: same CSV $r" cmp -s "$D/sq.csv" "$D/ch.csv"
done
"$S" analyze "$D/run2.trc" --procs --format csv --no-progress >"$D/sq.csv" 2>/dev/null
"$S" analyze --clickhouse "$UR" --recording run2 --procs --format csv >"$D/ch.csv" 2>/dev/null
check "a host with two recordings: --recording, one of them" cmp -s "$D/sq.csv" "$D/ch.csv"

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
# the ids of four exports are not those of one import: rows that tie on every
# key go by host and recording on both paths (docs/SCHEMA.md)
for r in "" --top-io "--top-io --by file" --syscalls "--syscalls --hist" --errors --files \
	 --mem --procs --slow "--slow --limit 30"; do
	# shellcheck disable=SC2086
	"$S" analyze "${files[@]}" $r --format csv --no-progress >"$D/sq.csv" 2>/dev/null
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "$U4" $r --format csv >"$D/ch.csv" 2>/dev/null
	check "four exporters: same CSV ${r:-(overview)}" cmp -s "$D/sq.csv" "$D/ch.csv"
done

# --- events in many small Native blocks (--batch 64K: 243 rows a block) ---
q "CREATE DATABASE small"
check "export --batch 64K" "$S" export "$D/h01.trc" --clickhouse "${CH_URL}?database=small" \
	--no-progress --batch 64K
expect_eq "--batch 64K: the event rows" "$(q "SELECT count() FROM small.events")" \
	"$("$S" analyze "$D/h01.trc" --sql "SELECT events FROM recordings" --format csv --no-progress | tail -1)"
for r in "" --syscalls "--slow --limit 200" --files --mem; do
	# shellcheck disable=SC2086
	"$S" analyze "$D/h01.trc" $r --format csv --no-progress >"$D/sq.csv" 2>/dev/null
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "${CH_URL}?database=small" $r --format csv >"$D/ch.csv" 2>/dev/null
	check "--batch 64K: same CSV ${r:-(overview)}" cmp -s "$D/sq.csv" "$D/ch.csv"
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
