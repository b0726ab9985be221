#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# clickhouse_recs.sh - analyze --clickhouse where hosts have several
# recordings (three runs of one host, two of another in files of the same
# name, a rotated set and a run beside it), against the SQLite path on the
# same files: every report's CSV byte for byte, with --by recording, and
# --timeline over windows (relative and wall-clock) and with intervals that
# are not whole 10 ms (the events spread over the buckets); the header's
# summed line; exported in one run, and each recording in a run of its own.
# Skips (fatal under CI=true) only without clickhouse-server.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../chserver.sh"
. "$(dirname "$0")/../chnet.sh"

S=$SYSREC
GT=$TOOLS/gentrace
ch_one_server clickhouse_recs

# gen FILE N SEED HOST ID [ROTATION]: a trace of about N us
gen() {
	"$GT" -o "$1" -n "$2" --seed "$3" --host "$4" --recording-id "$5" \
		${6:+--rotation "$6"} >/dev/null || fail gentrace "$1"
}
mkdir -p "$D/b1" "$D/b2"
gen "$D/a1.trc" 30000 41 hostA runA1
gen "$D/a2.trc" 45000 42 hostA runA2
gen "$D/a3.trc" 20000 43 hostA runA3
gen "$D/b1/run.trc" 35000 44 hostB runB1
gen "$D/b2/run.trc" 25000 45 hostB runB2
gen "$D/c.000.trc" 20000 46 hostC setC 0
gen "$D/c.001.trc" 15000 47 hostC setC 1
gen "$D/c2.trc" 30000 48 hostC runC2
gen "$D/solo.trc" 25000 49 hostD runD
files=("$D/a1.trc" "$D/a2.trc" "$D/a3.trc" "$D/b1/run.trc" "$D/b2/run.trc" "$D/c.000.trc"
       "$D/c.001.trc" "$D/c2.trc" "$D/solo.trc")

q "CREATE DATABASE recs"
U="${CH_URL}?database=recs"
check export_recs "$S" export "${files[@]}" --clickhouse "$U" --no-progress
"$S" analyze "${files[@]}" --db "$D/recs.db" --no-progress --sql "SELECT 1" >/dev/null 2>&1
expect_eq "eight recordings of four hosts" \
	"$("$S" analyze --db "$D/recs.db" --sql "SELECT COUNT(*), COUNT(DISTINCT host) FROM recordings" --format csv 2>/dev/null | tail -1)" "8,4"
expect_eq "exported: eight recordings" "$(q "SELECT count() FROM recs.recordings")" 8

# same URL DB NAME ARGS...: the CSV (or the --format in ARGS) of the ClickHouse path at URL equal to
# the SQLite path's on database DB
same() {
	local url=$1 db=$2 name=$3
	shift 3
	"$S" analyze --db "$db" --format csv "$@" >"$D/sq.csv" 2>"$D/sq.err"
	"$S" analyze --clickhouse "$url" --format csv "$@" >"$D/ch.csv" 2>"$D/ch.err"
	if cmp -s "$D/sq.csv" "$D/ch.csv" && [ -s "$D/sq.csv" ]; then
		ok "$name: analyze $* ($(wc -l <"$D/sq.csv") lines)"
	else
		fail "$name: analyze $*" "$(head -2 "$D/ch.err"; diff "$D/sq.csv" "$D/ch.csv" | head -6)"
	fi
}

reports=("" --top-io "--top-io --by file" "--top-io --by cgroup" --syscalls "--syscalls --hist"
	 "--syscalls --by host" --slow --errors --procs --cpu "--cpu --by thread" "--cpu --by host"
	 --mem --files --net "--net --by process" --timeline "--timeline --interval 20ms"
	 "--timeline --time abs" "--slow --time abs --limit 50")
byrec=("--top-io --by recording" "--syscalls --by recording" "--cpu --by recording"
       "--slow --by recording" "--errors --by recording" "--procs --by recording"
       "--mem --by recording" "--files --by recording" "--timeline --by recording"
       "--timeline --by recording --time abs" "--top-io --by recording --comm bash"
       "--files --by recording --pid 1000,1002" "--syscalls --by recording --since 0.01 --until 0.03"
       "--errors --by recording --since 0.005" "--cpu --by recording --since 0.004"
       "--files --by recording --cgroup /system.slice" "--top-io --by recording --until 0.0123")
timelines=("--timeline --since 0.01" "--timeline --until 0.0213" "--timeline --since 0.004 --until 0.031"
	   "--timeline --since 0.01 --until 0.03" "--timeline --interval 25ms"
	   "--timeline --interval 3ms" "--timeline --interval 1500us --comm bash"
	   "--timeline --interval 7ms --since 0.0025 --until 0.0333"
	   "--timeline --interval 25ms --by recording" "--timeline --since 0.012 --by recording"
	   "--timeline --interval 4ms --until 0.02 --by recording --pid 1000,1001"
	   "--timeline --since 0.005 --until 0.025 --cgroup /system.slice"
	   "--timeline --since 0.005 --time abs" "--timeline --interval 2ms --limit 7"
	   "--timeline --since 0.2" "--timeline --until 0.000001")
for r in "${reports[@]}" "${byrec[@]}" "${timelines[@]}"; do
	# shellcheck disable=SC2086
	same "$U" "$D/recs.db" "several runs" $r
done
# wall-clock windows: from the first recording's clock
t0="2025-11-26 20:46:45"
for r in "--timeline --time abs" "--timeline --interval 25ms --by recording" \
	 "--top-io --by recording"; do
	# shellcheck disable=SC2086
	same "$U" "$D/recs.db" "wall clock" $r --since "$t0.004"
	# shellcheck disable=SC2086
	same "$U" "$D/recs.db" "wall clock" $r --until "$t0.0277"
	# shellcheck disable=SC2086
	same "$U" "$D/recs.db" "wall clock" $r --since "$t0.003" --until "$t0.041"
done

# the recording columns: the labels, a directory where the file names are the same
"$S" analyze --clickhouse "$U" --top-io --by recording --format csv 2>/dev/null | cut -d, -f1 |
	sort >"$D/labels"
expect_eq "--by recording: the labels" "$(tr '\n' ' ' <"$D/labels")" \
	"a1.trc a2.trc a3.trc b1/run.trc b2/run.trc c.000.trc c2.trc recording solo.trc "

# the header: where from, then the filters' and the summed lines as the SQLite path's
for r in "" --syscalls "--syscalls --hist" --files "--syscalls --by host" --procs --timeline \
	 "--top-io --by recording" "--cpu --by host" "--errors --by recording" \
	 "--timeline --since 0.01 --by recording"; do
	# shellcheck disable=SC2086
	"$S" analyze --db "$D/recs.db" $r --format csv 2>&1 >/dev/null | grep -v '^# recording \|^#   ' >"$D/sq.hdr"
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "$U" $r --format csv 2>&1 >/dev/null | grep -v '^# ClickHouse ' >"$D/ch.hdr"
	check "same header: analyze ${r:-(overview)}" cmp -s "$D/sq.hdr" "$D/ch.hdr"
done
"$S" analyze --clickhouse "$U" --files --format csv 2>&1 >/dev/null | grep -q \
	'^# 8 recordings (hosts hostA, hostB, hostC, hostD): figures summed per host; --by recording: a row per recording$' &&
	ok "header: --files summed per host" || fail "header: --files summed per host" "no summed line"

# tables too: the timeline's rows of gaps and the recording columns as the SQLite path's
for r in "--timeline --interval 3ms --by recording" "--procs" "--top-io --by recording"; do
	# shellcheck disable=SC2086
	"$S" analyze --db "$D/recs.db" $r --format table 2>&1 | grep -v '^# recording \|^#   ' >"$D/sq.out"
	# shellcheck disable=SC2086
	"$S" analyze --clickhouse "$U" $r --format table 2>&1 | grep -v '^# ClickHouse ' >"$D/ch.out"
	check "same table: analyze $r" cmp -s "$D/sq.out" "$D/ch.out"
done

# the net and cpu classes with several runs of a host: --net per host and
# process (a proc_id is an export's), --cpu per process, host and recording
MK=$TOOLS/mktrace
netspec hostN 4 runN1 | "$MK" -o "$D/n1.trc" || fail mktrace n1.trc
netspec hostN 7 runN2 | "$MK" -o "$D/n2.trc" || fail mktrace n2.trc
netspec hostM 5 | "$MK" -o "$D/n3.trc" || fail mktrace n3.trc
for h in A1 A2 B; do
	cpuspec "$h" "host${h:0:1}" $((1000 * 10#$(printf '%d' "'${h:0:1}") - 64000 + ${#h})) |
		"$MK" -o "$D/cpu$h.trc" || fail mktrace "cpu$h.trc"
done
classes=("$D/n1.trc" "$D/n2.trc" "$D/n3.trc" "$D/cpuA1.trc" "$D/cpuA2.trc" "$D/cpuB.trc")
q "CREATE DATABASE classes"
UC="${CH_URL}?database=classes"
check export_classes "$S" export "${classes[@]}" --clickhouse "$UC" --no-progress
"$S" analyze "${classes[@]}" --db "$D/classes.db" --no-progress --sql "SELECT 1" >/dev/null 2>&1
for r in --net "--net --by process" "--net --pid 101" --cpu "--cpu --by thread" "--cpu --by host" \
	 "--cpu --by recording" "--syscalls --by recording" --procs "--errors --by recording" --slow; do
	# shellcheck disable=SC2086
	same "$UC" "$D/classes.db" "net and cpu, several runs" $r
	# shellcheck disable=SC2086
	same "$UC" "$D/classes.db" "net and cpu, several runs (json)" $r --format json
done

# each recording exported in a run of its own (the rotated set's files together):
# rows that tie are in the order of the exports, as the SQLite path's import
q "CREATE DATABASE apart"
UA="${CH_URL}?database=apart"
for f in "$D/a1.trc" "$D/a2.trc" "$D/a3.trc" "$D/b1/run.trc" "$D/b2/run.trc" \
	 "$D/c.000.trc $D/c.001.trc" "$D/c2.trc" "$D/solo.trc"; do
	# shellcheck disable=SC2086
	"$S" export $f --clickhouse "$UA" --no-progress 2>/dev/null || fail "export apart" "$f"
done
expect_eq "exported apart: eight recordings" "$(q "SELECT count() FROM apart.recordings")" 8
for r in "" --top-io --syscalls --slow --errors --procs --cpu --mem --files "--net --by process" \
	 --timeline "${byrec[@]:0:9}" "--timeline --since 0.004 --until 0.031" \
	 "--timeline --interval 3ms --by recording"; do
	# shellcheck disable=SC2086
	same "$UA" "$D/recs.db" "exported apart" $r
done

ch_stop "$D/ch"
t_done
