#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_basic.sh - record sr_work basic for real, three ways (-- COMMAND, -p,
# system-wide with -c), and check exact events, bytes, paths, parents and
# exit codes, then the --top-io figures from analyze.
. "$(dirname "$0")/../lib.sh"
need_bpf record_basic || exit 0

tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
W=$WORKLOADS/sr_work


# check_run MODE DIR TRACE
check_run() {
	local mode=$1 dir=$2 trace=$3
	"$SYSREC" dump --json "$trace" > "$tmp/$mode.ndjson" ||
		fail "record_basic: $mode: dump" "sysrec dump failed"
	python3 "$TOP/tests/bpf/check_trace.py" basic "$tmp/$mode.ndjson" \
		dir="$dir" exe="$W" mode="$mode" prefix="record_basic $mode"
	[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
	# the same figures through analyze (CSV: path,reads,read_bytes,writes,write_bytes)
	local rd
	rd=$(realpath "$dir")
	"$SYSREC" analyze "$trace" --top-io --by file --format csv > "$tmp/$mode.csv" ||
		fail "record_basic: $mode: analyze" "sysrec analyze failed"
	expect_eq "record_basic $mode: top-io a.dat" \
		"$(grep "^$rd/a.dat," "$tmp/$mode.csv" | cut -d, -f1-5)" "$rd/a.dat,3,7433,3,7433"
	expect_eq "record_basic $mode: top-io b.dat via dup2" \
		"$(grep "^$rd/b.dat," "$tmp/$mode.csv" | cut -d, -f1-5)" "$rd/b.dat,0,0,1,2222"
	expect_eq "record_basic $mode: top-io child1.dat" \
		"$(grep "^$rd/child1.dat," "$tmp/$mode.csv" | cut -d, -f1-5)" "$rd/child1.dat,0,0,1,100"
	expect_eq "record_basic $mode: top-io child2.dat" \
		"$(grep "^$rd/child2.dat," "$tmp/$mode.csv" | cut -d, -f1-5)" "$rd/child2.dat,0,0,1,200"
}

# 1. -- COMMAND: exit status passes through
mkdir "$tmp/cmd"
"$SYSREC" record -q -o "$tmp/cmd.trc" -- "$W" basic "$tmp/cmd"
expect_eq "record_basic command: exit status of the command" "$?" 0
check_run command "$tmp/cmd" "$tmp/cmd.trc"

# 2. -p PID on a workload started before the recorder
mkdir "$tmp/pid"
record_pid "record_basic pid" "$tmp/pid.trc" 0 -- "$W" basic "$tmp/pid"
check_run pid "$tmp/pid" "$tmp/pid.trc"

# 2b. -p PID whose main thread exits first: the process lives on in its
# other thread, and so does the recording, until the process exits
mkdir "$tmp/leader"
record_pid "record_basic leader" "$tmp/leader.trc" 9 -e file -- "$W" leader "$tmp/leader" 5
expect_eq "record_basic leader: every write of the thread that outlived main" \
	"$("$SYSREC" dump --type write "$tmp/leader.trc" | grep -c ' write fd=.* count=10 .*ret=10 ')" 5

# 3. system-wide with -c sr_work, stopped by SIGINT
mkdir "$tmp/comm"
start_ready "record_basic comm" "$tmp/comm.ready" "$W" basic "$tmp/comm"
start_record "record_basic comm" "$tmp/comm.trc" -c sr_work
kill -USR1 "$wpid"
wait "$wpid"
kill -INT "$rpid"
wait "$rpid"
expect_eq "record_basic comm: SIGINT stops cleanly" "$?" 0
check_run comm "$tmp/comm" "$tmp/comm.trc"

# 4. -c and exec: an exec is kept when the comm it gives is COMM (a failed
# one when the caller's is), so every process that becomes COMM has its exec
echo hi >"$tmp/in"
script="/bin/cat $tmp/in >/dev/null; /nonexistent/zz 2>/dev/null; exec /bin/cat $tmp/in >/dev/null"
"$SYSREC" record -q -o "$tmp/ccat.trc" -c cat -- sh -c "$script"
"$SYSREC" record -q -o "$tmp/csh.trc" -c sh -- sh -c "$script"
execs() {
	"$SYSREC" dump --json --type exec "$1" | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    print(e["comm"], e["ret"], " ".join(e["argv"][:1]))'
}
expect_eq "record_basic -c cat: both processes that became cat have their exec" \
	"$(execs "$tmp/ccat.trc" | tr '\n' ';')" "cat 0 /bin/cat;cat 0 /bin/cat;"
expect_eq "record_basic -c cat: their opens too" \
	"$("$SYSREC" dump --type openat "$tmp/ccat.trc" | grep -c " cat openat .*\"$tmp/in\"")" 2
expect_eq "record_basic -c sh: sh's own exec and its child's failed one, not those that left sh" \
	"$(execs "$tmp/csh.trc" | tr '\n' ';')" "sh 0 sh;sh -2 /nonexistent/zz;"

# the file is finalised, owned 0600
expect_eq "record_basic: trace mode 0600" "$(stat -c %a "$tmp/cmd.trc")" 600
t_done
