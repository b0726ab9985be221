#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# run.sh - runs every test and ends with "N passed, N failed, N skipped".
#
# Unit tests and fuzz replays are the ASan/UBSan builds in $OUTPUT/asan/tests;
# CLI tests are tests/cli/*.sh; BPF tests are tests/bpf/*.sh (root, BTF);
# build tests are tests/build/*.sh (the analyzer-only, static and arm64 builds).
# A test program that exits non-zero without a "not ok" line counts as a failure.
# Usage: tests/run.sh [PATTERN]   (only tests whose file name contains PATTERN)
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
cd "$TOP" || exit 1
OUTPUT=${OUTPUT:-.output}
export OUTPUT
pattern=${1:-}
passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_one() {
	local name=$1; shift
	case "$name" in *"$pattern"*) ;; *) return ;; esac
	echo "# $name"
	"$@" >"$log" 2>&1
	local rc=$? p f s
	cat "$log"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	s=$(grep -c '^skip ' "$log")
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok $name: exited with status $rc"
		f=1
	fi
	if [ $rc -eq 0 ] && [ $((p + f + s)) -eq 0 ]; then
		echo "not ok $name: ran no check"
		f=1
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

for t in $OUTPUT/asan/tests/test_*; do
	[ -x "$t" ] && run_one "$(basename "$t")" "$t"
done
for t in $OUTPUT/asan/tests/fuzz_*_replay; do
	[ -x "$t" ] || continue
	corpus=tests/fuzz/corpus/$(basename "$t" _replay | sed 's/^fuzz_//')
	run_one "$(basename "$t")" "$t" "$corpus"
done
for t in tests/cli/*.sh tests/bpf/*.sh tests/build/*.sh; do
	[ -f "$t" ] && run_one "$t" bash "$t"
done

if [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
	echo "not ok run.sh: $skipped tests skipped under CI"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
