#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# layers.sh - the parts depend downwards only.  Every symbol a part's
# library ($OUTPUT/lib<part>.a) leaves undefined must be defined by that
# library, by a part it may use, or by a system library it may use:
#
#   record  -> present, format   + libbpf, libelf, ncursesw and tinfo (top's screen)
#   analyze -> present, format   + sqlite3, curl (the ClickHouse sink)
#   present -> format
#   format  -> libc, libm, zlib, zstd, pthread (and the compiler's runtime)
#
# The Makefile's layer checks enforce the same graph at link time; this
# test reads the symbol tables with nm, so it also names the offending call.
. "$(dirname "$0")/../lib.sh"

PARTS="format present record analyze"
can_record || PARTS="format present analyze"	# make NO_BPF=1 has no record
declare -A USES=([format]="" [present]="format" [record]="present format"
		 [analyze]="present format")
BASE_SYS="c m z zstd pthread"
declare -A SYS=([format]="$BASE_SYS" [present]="$BASE_SYS" [record]="$BASE_SYS bpf elf ncursesw tinfo"
		[analyze]="$BASE_SYS sqlite3 curl")
CC=${CC:-cc}

D=$(mktemp -d /tmp/sysrec-layers.XXXXXX)
trap 'rm -rf "$D"' EXIT

for p in $PARTS; do
	if [ ! -f "$OUT/lib$p.a" ]; then
		fail "layers" "not built: $OUT/lib$p.a (make)"
		exit 1
	fi
	nm -g --defined-only "$OUT/lib$p.a" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u >"$D/def.$p"
	nm -u "$OUT/lib$p.a" 2>/dev/null | awk '$1 == "U" { print $2 }' | sort -u >"$D/und.$p"
done

# the files of system library NAME (a linker script names several)
lib_files() {
	local f
	f=$("$CC" -print-file-name="lib$1.so")
	[ -e "$f" ] || return 0
	if [ "$(head -c 4 "$f")" = $'\x7fELF' ]; then
		echo "$f"
	else
		grep -o '/[^ )]*' "$f"
		# names without a directory are beside the script (ncurses: INPUT(libncursesw.so.6 -ltinfo))
		grep -o '[( ]lib[^ )/]*' "$f" | sed "s|^.|$(dirname "$f")/|"
	fi
}
# the symbols a system library defines, versions stripped
sys_syms() {
	local f
	for f in $(lib_files "$1"); do
		case $f in
		*.a) nm -g --defined-only "$f" 2>/dev/null | awk 'NF == 3 { print $3 }' ;;
		*) nm -D --defined-only "$f" 2>/dev/null | awk 'NF == 3 { sub(/@.*/, "", $3); print $3 }' ;;
		esac
	done
}
# the compiler's runtime (__udivti3 and such) and the symbols the linker
# itself defines (_GLOBAL_OFFSET_TABLE_, which code that takes the address
# of a static in a PIE names) are allowed everywhere
{
	echo _GLOBAL_OFFSET_TABLE_
	nm -g --defined-only "$("$CC" -print-libgcc-file-name)" 2>/dev/null | awk 'NF == 3 { print $3 }'
	sys_syms gcc_s
} | sort -u >"$D/sys.rt"

for p in $PARTS; do
	cp "$D/def.$p" "$D/ok.$p"
	for q in ${USES[$p]}; do
		cat "$D/def.$q" >>"$D/ok.$p"
	done
	for l in ${SYS[$p]}; do
		sys_syms "$l"
	done >>"$D/ok.$p"
	cat "$D/sys.rt" >>"$D/ok.$p"
	sort -u -o "$D/ok.$p" "$D/ok.$p"
	bad=$(comm -23 "$D/und.$p" "$D/ok.$p")
	if [ -z "$bad" ]; then
		ok "layers_$p (parts it uses: ${USES[$p]:-none})"
		continue
	fi
	why=""
	for s in $bad; do
		owner=""
		for q in $PARTS; do
			grep -qxF "$s" "$D/def.$q" && owner="lib$q.a"
		done
		why="$why $s (${owner:-no library $p may use})"
	done
	fail "layers_$p" "calls outside the allowed graph:$why"
done
exit 0
