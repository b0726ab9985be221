#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_rows.sh - raw event rows on demand: a temporary database gets the
# rows of events and ev_* only when the report or query reads them.  Every
# report, filter, window and interval must print exactly what it prints from
# a kept database (which always has the rows); the paths that read events
# must fail loudly on a database without them; --sql decides by the tables
# its query touches.  Uses the ASan/UBSan build; needs no root and no BPF.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
GEN=$TOOLS/gentrace
need_built analyze_rows "$S" "$MK" "$GEN"
export TZ=UTC
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT

# --- the traces ----------------------------------------------------------
#
# mk.trc: 3.5 s from start 1.0 s, two processes in two cgroups, I/O, memory
# and process events on both sides of whole seconds and of 10 ms buckets.
"$MK" -o "$D/mk.trc" <<-'EOF' || fail mktrace "mk.trc"
	meta recording_id 5eed00aa
	meta host hostA
	meta start_ns 1000000000
	meta clock_offset_ns 1700000000000000000
	meta cgroup2_mount /sys/fs/cgroup
	cgroup ts=1000000000 id=10 path="/"
	cgroup ts=1000000000 id=77 path="/svc/b"
	cgroup ts=1000000000 id=88 path="/svc/a"
	proc ts=1000000000 pid=100 comm=bash ppid=1 start_ns=500000000 exe="/bin/bash" argv="bash" cgroup_id=88
	fd ts=1000000000 pid=100 fd=1 dev=0x500001 ino=3 path="/dev/pts/0"
	fork ts=1100000000 pid=100 comm=bash sys=clone ret=101 child_pid=101 child_tid=101 cgroup_id=88 dur_ns=50000
	exec ts=1150000000 pid=101 comm=cat sys=execve ret=0 filename="/bin/cat" path="/bin/cat" argv="cat\0x" argc=2 cgroup_id=88 dur_ns=300000
	open ts=1200000000 pid=101 comm=cat sys=openat ret=3 dirfd=-100 flags=0x241 name="out" path="/tmp/out" dev=0x800001 ino=12 cgroup_id=88 dur_ns=5000
	rw ts=1203000000 pid=101 comm=cat sys=write ret=4000 fd=3 count=4000 offset=-1 dev=0x800001 ino=12 cgroup_id=88 dur_ns=10000
	rw ts=1207000000 pid=101 comm=cat sys=pwrite64 ret=3000 fd=3 count=3000 offset=4000 dev=0x800001 ino=12 cgroup_id=88 dur_ns=20000
	rw ts=1995000000 pid=101 comm=cat sys=write ret=-28 fd=3 count=100 offset=-1 dev=0x800001 ino=12 cgroup_id=88 dur_ns=40000
	rw ts=2004000000 pid=101 comm=cat sys=write ret=433 fd=3 count=433 offset=-1 dev=0x800001 ino=12 cgroup_id=88 dur_ns=30000
	mmap ts=2010000000 pid=101 comm=cat sys=mmap ret=0x7f0000000000 addr=0 len=8192 prot=3 flags=0x22 fd=-1 cgroup_id=88 dur_ns=1000
	brk ts=2015000000 pid=101 comm=cat sys=brk ret=0x1000000 req=0 cgroup_id=88 dur_ns=1000
	open ts=2300000000 pid=101 comm=cat sys=openat ret=4 dirfd=-100 flags=0 name="/etc/passwd" path="/etc/passwd" dev=0x800002 ino=40 cgroup_id=88 dur_ns=6000
	rw ts=2305000000 pid=101 comm=cat sys=read ret=1000 fd=4 count=4096 offset=-1 dev=0x800002 ino=40 cgroup_id=88 dur_ns=7000
	dup ts=2306000000 pid=101 comm=cat sys=dup2 ret=1 fd=4 newfd=1 dev=0x800002 ino=40 cgroup_id=88 dur_ns=1000
	rw ts=2999000000 pid=101 comm=cat sys=read ret=24 fd=1 count=4096 offset=-1 h.flags=0x40 cgroup_id=88 dur_ns=8000
	munmap ts=3001000000 pid=101 comm=cat sys=munmap ret=0 addr=0x7f0000000000 len=4096 cgroup_id=88 dur_ns=1000
	exit ts=3002000000 pid=101 comm=cat exit_code=256 h.flags=2 cgroup_id=88
	fork ts=3100000000 pid=100 comm=bash sys=clone ret=102 child_pid=102 child_tid=102 cgroup_id=88 dur_ns=50000
	exec ts=3150000000 pid=102 comm=worker sys=execve ret=0 filename="/usr/bin/worker" path="/usr/bin/worker" argv="worker" argc=1 cgroup_id=77 dur_ns=200000
	open ts=3200000000 pid=102 comm=worker sys=openat ret=3 dirfd=-100 flags=0x41 name="/var/lib/data" path="/var/lib/data" dev=0x800003 ino=99 cgroup_id=77 dur_ns=5000
	rw ts=3805000000 pid=102 comm=worker sys=write ret=5000 fd=3 count=5000 offset=-1 dev=0x800003 ino=99 cgroup_id=77 dur_ns=50000
	syscall ts=4000000000 pid=102 comm=worker sys=nanosleep ret=0 dur_ns=1000000 cgroup_id=77
	lost ts=4100000000 cpu=1 count=3
	exit ts=4400000000 pid=102 comm=worker exit_code=9 h.flags=2 cgroup_id=77
	endmeta stop_ns 4500000000
	EOF
MK_EVENTS=21	# the records above but cgroup, proc, fd and lost

# gen.trc: gentrace's synthetic load, a million events a second
"$GEN" -o "$D/gen.trc" -n 20000 --processes 6 -f >/dev/null || fail gentrace "gen.trc"
# its events: the records of every type that is an event (info's type counts)
GEN_EVENTS=$("$S" info "$D/gen.trc" | awk '
	$1 == "syscalls:" { done = 1 }
	!done && $1 ~ /^(exec|fork|exit|open|rw|close|dup|mmap|munmap|brk|syscall):$/ { n += $2 }
	END { print n + 0 }')

# --- --sql: the tables the query touches decide --------------------------

# rows SQL [FILES...]: the query's CSV output from a temporary database
rows() { local q=$1; shift; "$S" analyze "$@" --no-progress --format csv --sql "$q" 2>/dev/null | tail -n +2; }
# rows_mode SQL FILE: "with" or "without", from the importer's debug line
rows_mode() {
	"$S" analyze "$2" -v --no-progress --sql "$1" 2>&1 >/dev/null |
		sed -n 's/^.*import: \(with\|without\) event rows.*/\1/p'
}

expect_eq sql_count_events_mk "$(rows "SELECT COUNT(*) FROM events" "$D/mk.trc")" "$MK_EVENTS"
expect_eq sql_count_events_gen "$(rows "SELECT COUNT(*) FROM events" "$D/gen.trc")" "$GEN_EVENTS"
expect_eq sql_count_events_both "$(rows "SELECT COUNT(*) FROM events" "$D/mk.trc" "$D/gen.trc")" \
	"$((MK_EVENTS + GEN_EVENTS))"
expect_eq sql_count_ev_open "$(rows "SELECT COUNT(*) FROM ev_open" "$D/mk.trc")" 3
expect_eq sql_count_io "$(rows "SELECT COUNT(*) FROM io" "$D/mk.trc")" 7
expect_eq sql_procs_rows "$(rows "SELECT COUNT(*) FROM procs" "$D/mk.trc")" 3
expect_eq sql_procs_mode "$(rows_mode "SELECT COUNT(*) FROM procs" "$D/gen.trc")" without
expect_eq sql_procs_meta "$(rows "SELECT value FROM meta WHERE key = 'event_rows'" "$D/mk.trc")" 0
# the ids events would have had are kept: recordings says where they are
expect_eq sql_no_rows_ids "$(rows "SELECT first_event, last_event, events FROM recordings" "$D/mk.trc")" \
	"1,$MK_EVENTS,$MK_EVENTS"
expect_eq sql_events_meta "$(rows "SELECT value FROM meta WHERE key = 'event_rows' AND (SELECT COUNT(*) FROM events) > 0" "$D/mk.trc")" 1
for q in "SELECT COUNT(*) FROM events" "SELECT COUNT(*) FROM events_v" "SELECT COUNT(*) FROM io" \
	"SELECT COUNT(*) FROM ev_exec" "SELECT 1 FROM procs WHERE EXISTS (SELECT 1 FROM ev_fork)" \
	"SELECT COUNT(*) FROM main.events" "SELECT COUNT(*) FROM dbstat" "PRAGMA page_count" \
	"SELEC 1"; do
	expect_eq "sql_mode_with: $q" "$(rows_mode "$q" "$D/mk.trc")" with
done
for q in "SELECT COUNT(*) FROM procs" "SELECT * FROM proc_io" "SELECT COUNT(*) FROM file_io" \
	"SELECT * FROM fds_v" "SELECT * FROM procs_v" "SELECT * FROM syscall_stats" \
	"SELECT * FROM recordings" "SELECT name FROM sqlite_schema" "SELECT 1"; do
	expect_eq "sql_mode_without: $q" "$(rows_mode "$q" "$D/mk.trc")" without
done
must_fail sql_still_bad "$S" analyze "$D/mk.trc" --sql "SELEC 1"

# --- every report: the same from a temporary and a kept database ---------

DB_MK=$D/mk.db DB_GEN=$D/gen.db DB_BOTH=$D/both.db
quiet() { "$@" >/dev/null 2>&1; }
check db_mk quiet "$S" analyze "$D/mk.trc" --db "$DB_MK" --no-progress --sql "SELECT 1"
check db_gen quiet "$S" analyze "$D/gen.trc" --db "$DB_GEN" --no-progress --sql "SELECT 1"
check db_both quiet "$S" analyze "$D/mk.trc" "$D/gen.trc" --db "$DB_BOTH" --no-progress --sql "SELECT 1"
expect_eq db_meta "$("$S" analyze --db "$DB_MK" --format csv --sql "SELECT value FROM meta WHERE key = 'event_rows'" 2>/dev/null | tail -1)" 1

REPORTS=("" "--top-io" "--top-io --by file" "--top-io --by cgroup" "--syscalls" "--procs"
	 "--mem" "--files" "--timeline" "--slow" "--cpu")
# same DB FILES OPTS: a report from a temporary database equals the kept one
same() {
	local db=$1 files=$2 opts=$3 fmt a b ra rb
	for fmt in table csv; do
		# shellcheck disable=SC2086
		a=$("$S" analyze $files --no-progress --format $fmt $opts 2>&1); ra=$?
		# shellcheck disable=SC2086
		b=$("$S" analyze --db "$db" --format $fmt $opts 2>&1); rb=$?
		if [ "$ra" != 0 ] || [ "$rb" != 0 ] || [ "$a" != "$b" ]; then
			fail "same $(basename "$files") $opts --format $fmt" \
				"temporary (status $ra): $(printf '%s' "$a" | head -3 | tr '\n' '|')" \
				"kept (status $rb): $(printf '%s' "$b" | head -3 | tr '\n' '|')"
			return
		fi
	done
	ok "same $(basename "$files") $opts"
}

# windows on whole seconds, on 10 ms buckets, inside one second, at the edges
MK_FILTERS=("" "--since 1" "--until 2" "--since 1 --until 3" "--since 0.5" "--until 2.5"
	    "--since 1.003 --until 2.3" "--since 250ms --until 750ms" "--since 1.2 --until 1.21"
	    "--since 2.99 --until 3.01" "--since 5" "--pid 101" "--comm worker" "--cgroup /svc/a"
	    "--cgroup /sys/fs/cgroup/svc/b" "--pid 101 --since 0.5 --until 2" "--comm cat --since 1")
for r in "${REPORTS[@]}"; do
	for f in "${MK_FILTERS[@]}"; do
		same "$DB_MK" "$D/mk.trc" "$r $f"
	done
done
for f in "--interval 250ms" "--interval 15ms" "--interval 20ms" "--interval 1ms --since 1.2 --until 1.21" \
	 "--interval 500ms --since 1.005" "--interval 30ms --until 2.001" "--interval 2s --pid 102" \
	 "--interval 7ms --since 2.3 --until 2.31" "--interval 10ms --cgroup /svc/b --since 0.1"; do
	same "$DB_MK" "$D/mk.trc" "--timeline $f"
done
GEN_FILTERS=("" "--since 5ms" "--until 15ms" "--since 2ms --until 17ms" "--since 10ms --until 20ms"
	     "--pid 1000" "--cgroup /" "--pid 1001 --since 3ms")
for r in "${REPORTS[@]}"; do
	for f in "${GEN_FILTERS[@]}"; do
		same "$DB_GEN" "$D/gen.trc" "$r $f"
	done
done
for f in "--interval 3ms" "--interval 10ms --since 4ms" "--interval 20ms"; do
	same "$DB_GEN" "$D/gen.trc" "--timeline $f"
done
# two recordings in one database
for r in "${REPORTS[@]}"; do
	for f in "" "--since 0.5" "--since 1 --until 3"; do
		same "$DB_BOTH" "$D/mk.trc $D/gen.trc" "$r $f"
	done
done

# --- the tables written in batches, and the indexes ----------------------
#
# fds, agg and agg_all go 32 rows per INSERT: the same rows in the same order
# as a kept database (which has them the same way), more than one batch and a
# rest.  --sql on a temporary database gets every index; other reports do
# without those on fds and ev_exec, which none of them reads.
for q in "SELECT * FROM fds" "SELECT * FROM agg" "SELECT * FROM agg_all"; do
	a=$(rows "$q" "$D/gen.trc")
	b=$("$S" analyze --db "$DB_GEN" --format csv --sql "$q" 2>/dev/null | tail -n +2)
	if [ "$a" = "$b" ] && [ "$(printf '%s\n' "$a" | wc -l)" -gt 40 ]; then
		ok "batched: $q"
	else
		fail "batched: $q" "$(printf '%s\n' "$a" | wc -l) rows, kept database $(printf '%s\n' "$b" | wc -l)"
	fi
done
IDX="SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name"
expect_eq sql_indexes "$(rows "$IDX" "$D/mk.trc")" \
	"$("$S" analyze --db "$DB_MK" --format csv --sql "$IDX" 2>/dev/null | tail -n +2)"
expect_eq sql_indexes_fds "$(rows "$IDX" "$D/mk.trc" | grep -c '^fds_')" 2

# --- the fast paths really go without rows -------------------------------

# mode OPTS: "with" or "without" for a report from a temporary database
mode() {
	# shellcheck disable=SC2086
	"$S" analyze "$D/mk.trc" -v --no-progress $1 2>&1 >/dev/null |
		sed -n 's/^.*import: \(with\|without\) event rows.*/\1/p'
}
for o in "" "--top-io" "--top-io --by file --pid 101" "--files --cgroup /svc/a" "--syscalls" \
	 "--procs --since 0.5 --pid 101" "--mem --since 1.5 --until 2.5" "--timeline" \
	 "--timeline --interval 20ms --since 10ms --until 2.5" "--top-io --since 1 --until 3" \
	 "--files --since 2" "--cpu --by thread --since 1"; do
	expect_eq "mode_without: $o" "$(mode "$o")" without
done
for o in "--top-io --since 0.5" "--files --until 2.5" "--since 1.2 --until 1.7" "--syscalls --pid 101" \
	 "--syscalls --since 1" "--timeline --interval 15ms" "--timeline --since 5ms" "--slow"; do
	expect_eq "mode_with: $o" "$(mode "$o")" with
done

# --- the guard: a report that reads events refuses a database without them

cp "$DB_MK" "$D/norows.db"
check guard_setup quiet "$S" analyze --db "$D/norows.db" \
	--sql "UPDATE meta SET value = '0' WHERE key = 'event_rows'"
# guard NAME ARGS...: must fail with one line, an internal error
guard() {
	local n=$1 err
	shift
	must_fail "guard: $n" "$S" analyze --db "$D/norows.db" "$@"
	err=$("$S" analyze --db "$D/norows.db" "$@" 2>&1 >/dev/null)
	case $err in
	"sysrec: internal error: "*) ok "guard_message: $n" ;;
	*) fail "guard_message: $n" "got '$err'" ;;
	esac
}
for o in "--syscalls --pid 101" "--syscalls --cgroup /svc/a" "--top-io --since 0.5" \
	 "--files --until 2.5" "--since 1.2 --until 1.7" "--top-io --by file --since 1.2 --until 1.21" \
	 "--timeline --interval 15ms" "--timeline --since 5ms" "--timeline --until 2.001" "--slow"; do
	# shellcheck disable=SC2086
	guard "$o" $o
done
guard "--sql events" --sql "SELECT COUNT(*) FROM events"
guard "--sql io" --sql "SELECT * FROM io"
guard "--sql ev_sched" --sql "SELECT COUNT(*) FROM ev_sched"
# what needs no rows still works on it
for o in "--top-io" "--syscalls" "--procs --since 0.5" "--timeline --interval 20ms" "--cpu"; do
	# shellcheck disable=SC2086
	check "guard_not_needed: $o" quiet "$S" analyze --db "$D/norows.db" $o
done

t_done
