#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_strace.sh - `analyze --syscalls` counts calls and errors exactly as
# `strace -f -c` does for the same command, for every syscall sysrec records.
. "$(dirname "$0")/../lib.sh"
need_bpf record_strace || exit 0
if ! command -v strace >/dev/null; then skip record_strace "strace is not installed"; exit 0; fi
tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for mode in basic edge; do
	mkdir -p "$tmp/s-$mode" "$tmp/r-$mode"
	strace -f -c -o "$tmp/$mode.strace" "$WORKLOADS/sr_work" $mode "$tmp/s-$mode" ||
		fail "record_strace $mode: strace run" "failed"
	"$SYSREC" record -q -o "$tmp/$mode.trc" -- "$WORKLOADS/sr_work" $mode "$tmp/r-$mode" ||
		fail "record_strace $mode: record run" "failed"
	"$SYSREC" analyze "$tmp/$mode.trc" --syscalls --format csv > "$tmp/$mode.csv" ||
		fail "record_strace $mode: analyze" "failed"
	# strace -c rows: % time, seconds, usecs/call, calls, [errors], syscall
	awk 'NF >= 5 && $1 ~ /^[0-9.]+$/ { e = (NF == 6) ? $5 : 0; print $NF "," $4 "," e }' \
		"$tmp/$mode.strace" | sort > "$tmp/$mode.want.all"
	tail -n +2 "$tmp/$mode.csv" | cut -d, -f1-3 | sort > "$tmp/$mode.got"
	# only the syscalls sysrec records (exit_group, arch_prctl, ... are not)
	names=$(cut -d, -f1 "$tmp/$mode.got" | paste -sd'|')
	grep -E "^($names)," "$tmp/$mode.want.all" > "$tmp/$mode.want"
	expect_eq "record_strace $mode: calls and errors per syscall equal strace -f -c" \
		"$(cat "$tmp/$mode.got")" "$(cat "$tmp/$mode.want")"
	for sc in openat read write close clone execve mmap munmap; do
		if grep -q "^$sc," "$tmp/$mode.want.all"; then
			check "record_strace $mode: $sc recorded" grep -q "^$sc," "$tmp/$mode.got"
		fi
	done
done
t_done
