#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_cleanup.sh - sysrec analyze on a trace with no process (every
# report, every format, under the ASan/UBSan build: no undefined behaviour
# such as qsort(NULL, 0)), and its temporary database directory
# (TMPDIR/sysrec-analyze.*) gone after every way out: success, errors,
# SIGINT and SIGTERM during the import and during a query.  Needs no root
# and no BPF.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
GEN=$TOOLS/gentrace
need_built analyze_cleanup "$S" "$MK" "$GEN"
t_tmpdir
# a private TMPDIR: no other run's directories to confuse the count
export TMPDIR=$tmp/tmpdir
mkdir "$TMPDIR"

left() { find "$TMPDIR" -mindepth 1 -maxdepth 1 -name 'sysrec-analyze.*' | wc -l; }

# a trace without a single process: only metadata
printf 'meta host h\nmeta start_ns 1000000000\nendmeta stop_ns 2000000000\n' > "$tmp/spec"
"$MK" -o "$tmp/empty.trc" "$tmp/spec" || { fail analyze_cleanup "mktrace failed"; exit 1; }

for fmt in table csv json; do
	for r in "" --top-io "--top-io --by file" "--top-io --by cgroup" --syscalls --procs \
		 --mem --files --timeline --sql; do
		[ "$r" = --sql ] && r="--sql SELECT*FROM/**/procs"
		for f in "" "--since 0.5" "--pid 1" "--since 0.0015 --until 1"; do
			set -f
			# shellcheck disable=SC2086
			if ! out=$("$S" analyze "$tmp/empty.trc" --no-progress --format $fmt $r $f 2>&1); then
				fail "empty_${fmt}_${r}_${f}" "$(printf '%s\n' "$out" | head -3)"
			fi
			set +f
		done
	done
done
ok "no process: every report, format and filter exits 0"
expect_eq no_process_procs_csv "$("$S" analyze "$tmp/empty.trc" --no-progress --procs --format csv 2>/dev/null)" \
	"pid,ppid,comm,depth,start,end,duration_ns,exit_code,exit_status,exit_signal,threads,execs,exe,cmdline,host"
expect_eq left_after_success "$(left)" 0

# error exits
must_fail bad_sql "$S" analyze "$tmp/empty.trc" --no-progress --sql 'SELECT nothing FROM nowhere'
must_fail two_statements "$S" analyze "$tmp/empty.trc" --no-progress --sql 'SELECT 1; SELECT 2'
must_fail missing_and_empty "$S" analyze "$tmp/none.trc" --no-progress
expect_eq left_after_errors "$(left)" 0

# signals: during the import (waits for the directory, then the import is
# still under way for seconds) and during a query without end
"$GEN" -o "$tmp/big.trc" -n 1000000 >/dev/null || { fail analyze_cleanup "gentrace failed"; exit 1; }
endless='WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c'
# interrupt WHEN SIG TRACE QUERY: SIG once the temporary directory is there
# and WHEN is under way; one line, status 1, nothing left behind
interrupt() {
	local when=$1 sig=$2 rc
	"$S" analyze "$3" --no-progress --sql "$4" >/dev/null 2>"$tmp/err" &
	p=$!
	for _ in $(seq 100); do [ "$(left)" -gt 0 ] && break; sleep 0.05; done
	sleep 0.5
	kill -"$sig" $p
	wait $p
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -lt 128 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ]; then
		ok "SIG$sig during $when: one line, status $rc"
	else
		fail "sig${sig}_$when" "status $rc: $(head -3 "$tmp/err")"
	fi
	expect_eq "left_after_sig${sig}_$when" "$(left)" 0
}
for sig in INT TERM; do
	interrupt import $sig "$tmp/big.trc" 'SELECT count(*) FROM events'
	interrupt query $sig "$tmp/empty.trc" "$endless"
done
# a file replaced under its name between the scan and its turn is not
# imported with the scanned file's metadata: it is skipped, said, status 1
"$GEN" -o "$tmp/second.trc" -n 1000 --recording-id cafe0001 >/dev/null
"$GEN" -o "$tmp/other.trc" -n 500 --recording-id cafe0002 >/dev/null
"$S" analyze "$tmp/big.trc" "$tmp/second.trc" --no-progress --db "$tmp/swap.db" \
	--format csv >/dev/null 2>"$tmp/err" &
p=$!
for _ in $(seq 100); do [ -e "$tmp/swap.db" ] && break; sleep 0.05; done
sleep 0.3	# scanned by now; big.trc takes seconds
mv "$tmp/other.trc" "$tmp/second.trc"
wait $p
rc=$?
expect_eq "a file replaced before its turn: status" "$rc" 1
expect_eq "a file replaced before its turn: said" "$(grep -c 'replaced since it was first read' "$tmp/err")" 1
expect_eq "a file replaced before its turn: not imported" \
	"$("$S" analyze --db "$tmp/swap.db" --no-progress --format csv --sql \
	   "SELECT COUNT(*) FROM recordings WHERE recording_id LIKE 'cafe%'" 2>/dev/null | tail -1)" 0

# the other signals that end a process by default end it through the cleanup too
for sig in HUP ALRM USR1 USR2 XCPU; do
	interrupt import $sig "$tmp/big.trc" 'SELECT count(*) FROM events'
done
# a file limit below the temporary database's size: its write fails (EFBIG), cleaned up
(ulimit -f 1000; "$S" analyze "$tmp/big.trc" --no-progress --sql 'SELECT count(*) FROM events' \
	>/dev/null 2>"$tmp/err")
rc=$?
if [ $rc -ne 0 ] && [ $rc -lt 128 ]; then ok "RLIMIT_FSIZE: a failed write, status $rc"
else fail rlimit_fsize "status $rc: $(head -3 "$tmp/err")"; fi
expect_eq left_after_rlimit_fsize "$(left)" 0
t_done
