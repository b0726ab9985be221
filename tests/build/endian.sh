#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# endian.sh - a big-endian host gets a clear error when it builds sysrec:
# format/ reads and writes the little-endian trace in place (format/layout.h,
# docs/BUILDING.md).  Compiled here with the compiler's byte order forced
# to big endian, as a big-endian target's compiler would define it.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
CC=${CC:-cc}
cc_order() {
	"$CC" -fsyntax-only -Iinclude -Iformat -D_GNU_SOURCE -U__BYTE_ORDER__ \
		-D__BYTE_ORDER__="$1" format/block.c 2>&1
}
check "endian: little endian builds" cc_order __ORDER_LITTLE_ENDIAN__
err=$(cc_order __ORDER_BIG_ENDIAN__); rc=$?
if [ $rc -eq 0 ]; then
	fail "endian: big endian refused" "it compiled"
else
	case $err in
	*"#error \"sysrec traces are little endian"*) ok "endian: big endian refused, saying why" ;;
	*) fail "endian: big endian refused, saying why" "$(printf '%s' "$err" | head -3)" ;;
	esac
fi
t_done
