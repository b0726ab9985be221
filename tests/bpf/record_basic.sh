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
SR_WORK_READY=$tmp/pid.ready "$W" basic "$tmp/pid" &
wpid=$!
wait_for "$tmp/pid.ready" || fail "record_basic pid: workload ready" "no ready file"
"$SYSREC" record -q -o "$tmp/pid.trc" -p "$wpid" &
rpid=$!
wait_for "$tmp/pid.trc" || fail "record_basic pid: recorder started" "no trace file"
kill -USR1 "$wpid"
wait "$wpid"
expect_eq "record_basic pid: workload status" "$?" 0
wait "$rpid"
expect_eq "record_basic pid: recorder stops when the process exits" "$?" 0
check_run pid "$tmp/pid" "$tmp/pid.trc"

# 3. system-wide with -c sr_work, stopped by SIGINT
mkdir "$tmp/comm"
SR_WORK_READY=$tmp/comm.ready "$W" basic "$tmp/comm" &
wpid=$!
wait_for "$tmp/comm.ready" || fail "record_basic comm: workload ready" "no ready file"
"$SYSREC" record -q -o "$tmp/comm.trc" -c sr_work &
rpid=$!
wait_for "$tmp/comm.trc" || fail "record_basic comm: recorder started" "no trace file"
kill -USR1 "$wpid"
wait "$wpid"
kill -INT "$rpid"
wait "$rpid"
expect_eq "record_basic comm: SIGINT stops cleanly" "$?" 0
check_run comm "$tmp/comm" "$tmp/comm.trc"

# the file is finalised, owned 0600
expect_eq "record_basic: trace mode 0600" "$(stat -c %a "$tmp/cmd.trc")" 600
t_done
