#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_order.sh - two fork-heavy workloads on both CPUs at once: the dump is
# in non-decreasing time and every child comes after the fork that made it.
. "$(dirname "$0")/../lib.sh"
need_bpf record_order || exit 0
tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
ncpu=$(nproc)
SR_WORK_READY=$tmp/r1 taskset -c 0 "$WORKLOADS/sr_work" forks 300 & p1=$!
SR_WORK_READY=$tmp/r2 taskset -c $((ncpu > 1 ? 1 : 0)) "$WORKLOADS/sr_work" forks 300 & p2=$!
wait_for "$tmp/r1" && wait_for "$tmp/r2" || fail "record_order: ready" "no ready file"
"$SYSREC" record -q -o "$tmp/o.trc" -p "$p1,$p2" &
rpid=$!
wait_for "$tmp/o.trc" || fail "record_order: recorder started" "no trace file"
kill -USR1 "$p1" "$p2"
wait "$p1"; wait "$p2"; wait "$rpid"
expect_eq "record_order: recorder status" "$?" 0
"$SYSREC" dump --json "$tmp/o.trc" > "$tmp/o.ndjson"
python3 "$TOP/tests/bpf/check_trace.py" order "$tmp/o.ndjson" children=600 prefix=record_order ||
	T_FAILED=$((T_FAILED + 1))
"$SYSREC" dump "$tmp/o.trc" --time rel > "$tmp/o.txt"
expect_eq "record_order: text dump has one line per record" \
	"$(wc -l < "$tmp/o.txt")" "$(wc -l < "$tmp/o.ndjson")"
t_done
