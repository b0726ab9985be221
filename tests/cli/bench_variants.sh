#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# bench_variants.sh - tests/bench/bpf_variants.py still edits bpf/sysrec.bpf.c
# (with its bpf/*.bpf.h headers written in place): every variant `run.sh
# variants` builds by default applies to the source as it is now and changes
# what it says it changes, so that a figure in docs/PERFORMANCE.md can be
# measured again.  Needs python3, no root.
. "$(dirname "$0")/../lib.sh"

cd "$TOP" || exit 1
t_tmpdir
V=tests/bench/bpf_variants.py
SRC=bpf/sysrec.bpf.c
ENTRY_CLOCK='p->ts = bpf_ktime_get_ns();'
NAME='off = put_user_str(rec, sizeof(*e), name, &e->name);'

vars=$(sed -n 's/^[[:space:]]*local tree=.* vars=\${BENCH_VARIANTS:-"\([^"]*\)"}.*/\1/p' tests/bench/run.sh)
if [ -z "$vars" ]; then
	fail variants_list "no default variant list found in tests/bench/run.sh"
	exit 1
fi
expect_eq variants_lean_listed "$(printf '%s\n' $vars | grep -cx lean)" 1

# base: the source and its headers, each line once; only their includes gone
python3 "$V" "$SRC" base "$tmp/base.c"
grep -hv '^#include "[a-z_]*\.bpf\.h"$' bpf/*.bpf.h "$SRC" | sort >"$tmp/want"
sort "$tmp/base.c" >"$tmp/got"
check base_is_source_and_headers cmp -s "$tmp/want" "$tmp/got"
FLAT=$tmp/base.c

for v in $vars; do
	if ! python3 "$V" "$SRC" "$v" "$tmp/$v.c" 2>"$tmp/err"; then
		fail "variant_$v" "does not apply: $(cat "$tmp/err")"
		continue
	fi
	if [ "$v" = base ]; then
		check variant_base_unchanged cmp -s "$FLAT" "$tmp/$v.c"
	elif cmp -s "$FLAT" "$tmp/$v.c"; then
		fail "variant_$v" "the output is the source unchanged"
	else
		ok "variant_$v"
	fi
done

# the two edits lean is made of, each exactly once, and nothing else
count() { grep -cF -- "$1" "$2"; }
expect_eq source_entry_clock_once "$(count "$ENTRY_CLOCK" "$FLAT")" 1
expect_eq source_open_name_once "$(count "$NAME" "$FLAT")" 1
if [ -f "$tmp/lean.c" ]; then
	expect_eq lean_no_entry_clock "$(count "$ENTRY_CLOCK" "$tmp/lean.c")" 0
	expect_eq lean_no_open_name "$(count "$NAME" "$tmp/lean.c")" 0
	expect_eq lean_entry_ts_zero "$(count 'p->ts = 0;' "$tmp/lean.c")" 1
	python3 "$V" "$SRC" no-entry-clock "$tmp/a.c" && python3 "$V" "$tmp/a.c" no-name "$tmp/b.c"
	check lean_is_both_edits cmp -s "$tmp/b.c" "$tmp/lean.c"
	expect_eq lean_lines_changed "$(diff "$FLAT" "$tmp/lean.c" | grep -c '^>')" 2
fi

# a variant that cannot apply, or is unknown, says so and exits 1
: >"$tmp/empty.c"
python3 "$V" "$tmp/empty.c" lean "$tmp/x.c" 2>"$tmp/err"
expect_eq lean_on_other_source_status $? 1
expect_eq lean_on_other_source_message "$(cat "$tmp/err")" \
	"bpf_variants: variant lean does not apply to $tmp/empty.c"
python3 "$V" "$SRC" nosuch "$tmp/x.c" 2>"$tmp/err"
expect_eq unknown_variant_status $? 1
python3 "$V" "$SRC" 2>/dev/null
expect_eq usage_status $? 2
t_done
