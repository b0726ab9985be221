#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_edge.sh - every syscall variant the recorder names: creat, openat2,
# a failed open, readv/preadv/pwritev, dup/dup3/fcntl, a file mapping, a
# thread, vfork, clone3, a failed exec.
. "$(dirname "$0")/../lib.sh"
need_bpf record_edge || exit 0
tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/w"
"$SYSREC" record -q -o "$tmp/e.trc" -- "$WORKLOADS/sr_work" edge "$tmp/w"
expect_eq "record_edge: workload status" "$?" 0
"$SYSREC" dump --json "$tmp/e.trc" > "$tmp/e.ndjson"
python3 "$TOP/tests/bpf/check_trace.py" edge "$tmp/e.ndjson" dir="$tmp/w" prefix=record_edge ||
	T_FAILED=$((T_FAILED + 1))
rd=$(realpath "$tmp/w")
"$SYSREC" analyze "$tmp/e.trc" --top-io --by file --format csv > "$tmp/f.csv"
# writes 10 + 40 + 5 + 6 + 7; reads readv 30 + preadv 16
expect_eq "record_edge: e.dat in --top-io" "$(grep "^$rd/e.dat," "$tmp/f.csv" | cut -d, -f1-5)" \
	"$rd/e.dat,2,46,5,68"
expect_eq "record_edge: the thread's file" "$(grep "^$rd/t.dat," "$tmp/f.csv" | cut -d, -f1-5)" \
	"$rd/t.dat,0,0,1,77"
t_done
