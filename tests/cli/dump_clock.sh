#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dump_clock.sh - hostile clock offsets (clock_offset_ns at and near the ends
# of int64): info and dump compute wall-clock times without overflow (no
# UBSan report from the ASan/UBSan build) and print the same date, or the
# same "(time out of range)" in text and null in JSON.  Needs no root.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
M=$TOOLS/mktrace
for x in "$S" "$M"; do
	if [ ! -x "$x" ]; then
		fail dump_clock "not built: $x (make asan tools)"
		exit 1
	fi
done
export TZ=UTC
D=$(mktemp -d /tmp/sysrec-dump-clock.XXXXXX)
trap 'rm -rf "$D"' EXIT

# the value of a JSON key: of the document (info) or of its first line (dump)
jfield() { python3 -c 'import json,sys; print(json.JSONDecoder().raw_decode(sys.stdin.read())[0][sys.argv[1]])' "$1"; }

for off in -9223372036854775808 -9223372035854775808 9223372036854775807 \
	9223372036854774807 -1000; do
	n="offset $off"
	printf 'meta clock_offset_ns %s\nmeta start_ns 1000\nexit pid=1 ts=1000\n' "$off" |
		"$M" -o "$D/t.trc" -f || { fail "$n" "mktrace failed"; continue; }
	"$S" info "$D/t.trc" >"$D/info" 2>"$D/info.err"; rc1=$?
	"$S" info --json "$D/t.trc" >"$D/info.json" 2>>"$D/info.err"; rc2=$?
	"$S" dump "$D/t.trc" >"$D/dump" 2>"$D/dump.err"; rc3=$?
	"$S" dump --json "$D/t.trc" >"$D/dump.json" 2>>"$D/dump.err"; rc4=$?
	if [ "$rc1$rc2$rc3$rc4" != 0000 ] || grep -q 'runtime error' "$D/info.err" "$D/dump.err"; then
		fail "$n: info and dump run clean" "exit $rc1 $rc2 $rc3 $rc4: $(cat "$D/info.err" "$D/dump.err" | head -c 300)"
		continue
	fi
	ok "$n: info and dump run clean"
	info_start=$(sed -n 's/^start: *//p' "$D/info")
	dump_time=$(sed -n '1s/ \[000\].*//p' "$D/dump")
	expect_eq "$n: text: the same start in info and dump" "$dump_time" "$info_start"
	expect_eq "$n: JSON: the same start in info and dump" \
		"$(jfield time <"$D/dump.json")" "$(jfield start <"$D/info.json")"
done

# the ends themselves: INT64_MIN is a date (1677), past INT64_MAX is none
printf 'meta clock_offset_ns -9223372036854775808\nexit pid=1 ts=1000\n' | "$M" -o "$D/min.trc" -f
expect_eq "offset INT64_MIN: dump prints the date" \
	"$("$S" dump "$D/min.trc" 2>&1 | cut -c1-26)" "1677-09-21 00:12:43.145225"
printf 'meta clock_offset_ns 9223372036854775807\nexit pid=1 ts=1000\n' | "$M" -o "$D/max.trc" -f
expect_eq "offset INT64_MAX: past int64, dump says so" \
	"$("$S" dump "$D/max.trc" 2>&1 | cut -c1-19)" "(time out of range)"
expect_eq "offset INT64_MAX: JSON time is null" \
	"$("$S" dump --json "$D/max.trc" 2>&1 | jfield time)" "None"
exit 0
