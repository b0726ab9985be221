#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_time.sh - analyze's wall-clock times: --time abs converts as info
# and dump do (sr_wall_ns), so a hostile clock offset prints the same date or
# the same "(time out of range)" (null in JSON) in the report header,
# --procs, --slow and --timeline.  Uses the ASan/UBSan build; no root, no BPF.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
need_built analyze_time "$S" "$MK"
export TZ=UTC
t_tmpdir
D=$tmp

# the first value of a CSV column named $1 (stdin: CSV with a header)
csv_col() {
	/usr/bin/python3 -c 'import csv,sys
r = list(csv.DictReader(sys.stdin))
print(r[0][sys.argv[1]] if r else "")' "$1"
}
# the first value of key $1 in a JSON array (stdin), "null" for null
json_col() {
	/usr/bin/python3 -c 'import json,sys
v = json.load(sys.stdin)[0][sys.argv[1]]
print("null" if v is None else v)' "$1"
}

for off in -9223372036854775808 -9223372035854775808 9223372036854775807 \
	9223372036854774807 -1000 1700000000000000000; do
	n="offset $off"
	# one process started at the recording's start, one read there
	printf '%s\n' "meta clock_offset_ns $off" "meta start_ns 1000" "meta stop_ns 1000" \
		"proc ts=1000 pid=100 ppid=1 comm=a start_ns=1000" \
		"rw ts=1000 pid=100 comm=a sys=read ret=10 fd=0 count=10 offset=-1 dur_ns=500" |
		"$MK" -o "$D/t.trc" -f || { fail "$n" "mktrace failed"; continue; }
	info_start=$("$S" info "$D/t.trc" | sed -n 's/^start: *//p')
	info_json=$("$S" info --json "$D/t.trc" | /usr/bin/python3 -c 'import json,sys
v = json.load(sys.stdin)["start"]
print("null" if v is None else v)')
	dump_time=$("$S" dump "$D/t.trc" | sed -n '2s/ \[000\].*//p')
	expect_eq "$n: dump and info agree" "$dump_time" "$info_start"
	got=$("$S" analyze "$D/t.trc" --no-progress --time abs --procs 2>&1)
	expect_eq "$n: header" "$(echo "$got" | sed -n 's/^#   from \(.*\) to .*/\1/p')" "$info_start"
	expect_eq "$n: --procs start" "$("$S" analyze "$D/t.trc" --no-progress --time abs \
		--procs --format csv 2>/dev/null | csv_col start)" "$info_start"
	expect_eq "$n: --slow time" "$("$S" analyze "$D/t.trc" --no-progress --time abs \
		--slow --format csv 2>/dev/null | csv_col time)" "$dump_time"
	expect_eq "$n: --timeline time" "$("$S" analyze "$D/t.trc" --no-progress --time abs \
		--timeline --format csv 2>/dev/null | csv_col time)" "$info_start"
	expect_eq "$n: --procs JSON start" "$("$S" analyze "$D/t.trc" --no-progress --time abs \
		--procs --format json 2>/dev/null | json_col start)" "$info_json"
	expect_eq "$n: --slow JSON time" "$("$S" analyze "$D/t.trc" --no-progress --time abs \
		--slow --format json 2>/dev/null | json_col time)" "$info_json"
	if "$S" analyze "$D/t.trc" --no-progress --time abs --timeline >/dev/null 2>"$D/err" &&
	   ! grep -q 'runtime error' "$D/err"; then
		ok "$n: no sanitizer report"
	else
		fail "$n: no sanitizer report" "$(head -c 300 "$D/err")"
	fi
done

t_done
