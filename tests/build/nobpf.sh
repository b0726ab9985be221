#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# nobpf.sh - the analyzer-only build (make NO_BPF=1) and make static, built as
# on a machine without the BPF toolchain: PATH holds only the compiler's,
# make's and the shell's tools (no clang, no bpftool) and VMLINUX_BTF names
# no file.  Checks that nothing of libbpf or libelf is linked or included and
# that record says in one line that it cannot; that report writes the full
# build's page with the chart library the full build fetched (no npm here),
# and that NO_HTML=1 builds without it and says so; then runs the analyzer's unit
# tests, fuzz replays and CLI tests against that build (their lines start
# with "nobpf: ").  Its objects are in $OUTPUT-test-nobpf, built once and
# reused by later runs.
. "$(dirname "$0")/../lib.sh"
cd "$TOP" || exit 1
t_tmpdir

NB=$OUTPUT-test-nobpf

# --- a PATH without clang, bpftool, llvm: only what the build runs ---
mkdir "$tmp/bin"
for c in make cc gcc as ld ar sh bash mkdir rm cp mv cmp cat find sed uname grep \
	 printf test echo; do
	p=$(command -v "$c") || { fail "nobpf_path" "no $c on this machine"; exit 1; }
	case $p in /*) ln -s "$p" "$tmp/bin/$c" ;; esac
done
env -i PATH="$tmp/bin" sh -c 'command -v clang || command -v bpftool || command -v llc' >/dev/null &&
	fail "nobpf_path" "clang or bpftool still on the stripped PATH"

# make with that PATH and nothing else from the environment (no OUTPUT,
# no MAKEFLAGS of an outer make)
bare_make() {
	env -i PATH="$tmp/bin" HOME="$tmp" VMLINUX_BTF=/nonexistent \
		make --no-print-directory -j2 NO_BPF=1 OUTPUT="$NB" "$@"
}

if bare_make "$NB/sysrec" asan tools >"$tmp/build.log" 2>&1; then
	ok "nobpf: build without clang, bpftool or BTF"
else
	fail "nobpf: build without clang, bpftool or BTF" "$(tail -5 "$tmp/build.log")"
	exit 1
fi
S=$NB/sysrec

# --- nothing of libbpf, libelf or the BPF objects ---
linked=$(readelf -d "$S" "$NB/asan/sysrec" | grep NEEDED)
case $linked in
*libbpf* | *libelf*) fail "nobpf: no libbpf, libelf linked" "$linked" ;;
*libzstd*libsqlite3* | *libsqlite3*libzstd*) ok "nobpf: no libbpf, libelf linked" ;;
*) fail "nobpf: no libbpf, libelf linked" "unexpected libraries: $linked" ;;
esac
if ldd "$S" | grep -qE 'libbpf|libelf'; then
	fail "nobpf: ldd shows no libbpf, libelf" "$(ldd "$S")"
else
	ok "nobpf: ldd shows no libbpf, libelf"
fi
# the headers every object was compiled with (-MMD's lists)
inc=$(find "$NB" -name '*.d' -exec grep -lE 'libbpf|libelf|gelf\.h|vmlinux\.h|skel\.h' {} +)
expect_eq "nobpf: no libbpf, libelf or BPF header included" "$inc" ""
bpf=$(find "$NB" -name '*.bpf.o' -o -name 'librecord.a' -o -name 'vmlinux.h' -o -path '*/record/*')
expect_eq "nobpf: no BPF object, no record/ object" "$bpf" ""

# --- record says it cannot, in one line, exit 2 ---
err=$("$S" record -o "$tmp/x.trc" -- true 2>&1 >/dev/null); rc=$?
expect_eq "nobpf: record exits 2" "$rc" 2
expect_eq "nobpf: record says why in one line" "$err" \
	"sysrec: this build cannot record: it was made with NO_BPF=1 (analyze, info and dump only)"
check "nobpf: record leaves no file" test ! -e "$tmp/x.trc"
expect_eq "nobpf: --help says record is not in this build" \
	"$("$S" --help | grep '^   record ')" \
	"   record    (not in this build, made with NO_BPF=1: it cannot record)"
expect_eq "nobpf: help record is its usage" "$("$S" help record | head -1)" \
	"usage: sysrec record [options] [-- COMMAND [ARG...]]"

# --- sysrec report: its chart library from the full build's cache ---
"$TOOLS/gentrace" -o "$tmp/r.trc" -n 3000 --seed 5 >/dev/null
"$SYSREC" report --no-progress -o "$tmp/full.html" "$tmp/r.trc"
"$S" report --no-progress -o "$tmp/nobpf.html" "$tmp/r.trc"
check "nobpf: report writes the page the full build writes" cmp -s "$tmp/full.html" "$tmp/nobpf.html"
# NO_HTML=1: no npm, no cache; report says so in one line, exit 2
if bare_make NO_HTML=1 ASSET_CACHE=/nonexistent "$NB/sysrec" >"$tmp/nohtml.log" 2>&1; then
	ok "nobpf: NO_HTML=1 builds without the cache"
	err=$("$S" report -o "$tmp/x.html" "$tmp/r.trc" 2>&1 >/dev/null); rc=$?
	expect_eq "nobpf: NO_HTML=1: report exits 2" "$rc" 2
	expect_eq "nobpf: NO_HTML=1: report says why in one line" "$err" \
		"sysrec: report: this build has no HTML report: it was made with NO_HTML=1 (without the chart library that npm fetches)"
	check "nobpf: NO_HTML=1: report leaves no file" test ! -e "$tmp/x.html"
else
	fail "nobpf: NO_HTML=1 builds without the cache" "$(tail -5 "$tmp/nohtml.log")"
fi
bare_make "$NB/sysrec" >"$tmp/build2.log" 2>&1 ||
	fail "nobpf: the build with the report again" "$(tail -5 "$tmp/build2.log")"
"$S" report --no-progress -o "$tmp/again.html" "$tmp/r.trc"
check "nobpf: back from NO_HTML=1, the same page again" cmp -s "$tmp/full.html" "$tmp/again.html"

# --- make static: the same objects linked statically ---
if bare_make STATIC_BIN="$NB/sysrec-static" static >"$tmp/static.log" 2>&1; then
	ok "static: build"
else
	fail "static: build" "$(tail -5 "$tmp/static.log")"
fi
# glibc's static link warns for each function that needs shared libraries at
# run time (NSS: getpwnam, getaddrinfo...).  Only SQLite's dlopen of
# extensions is allowed: the analyzer never enables load_extension.
warn=$(grep -i 'warning' "$tmp/static.log" | grep -v "Using 'dlopen' in statically linked")
expect_eq "static: no NSS or other glibc static warning" "$warn" ""
if [ -x "$NB/sysrec-static" ]; then
	dyn=$(readelf -lW "$NB/sysrec-static" | grep -E 'INTERP|DYNAMIC')
	expect_eq "static: no interpreter, no dynamic section" "$dyn" ""
	"$TOOLS/gentrace" -o "$tmp/g.trc" -n 2000 --seed 7 >/dev/null
	for a in "info" "dump" "analyze --no-progress" "analyze --no-progress --syscalls --format json"; do
		# shellcheck disable=SC2086
		want=$("$SYSREC" $a "$tmp/g.trc" 2>&1)
		# shellcheck disable=SC2086
		got=$("$NB/sysrec-static" $a "$tmp/g.trc" 2>&1)
		if [ "$got" = "$want" ]; then ok "static: $a as the full build"
		else fail "static: $a as the full build" "outputs differ"; fi
	done
	# no libcurl in a static link: the ClickHouse sink says so, exit 2
	got=$("$NB/sysrec-static" export "$tmp/g.trc" --clickhouse http://127.0.0.1:1/ 2>&1)
	rc=$?
	expect_eq "static: export --clickhouse says the build has no ClickHouse support" "$rc:$got" \
		"2:sysrec: export: this build of sysrec has no ClickHouse support (built without libcurl: docs/BUILDING.md)"
	if readelf -d "$NB/sysrec" | grep -q 'libcurl'; then ok "nobpf: libcurl linked (ClickHouse)"
	elif ! echo | cc -E -include curl/curl.h -x c - >/dev/null 2>&1; then ok "nobpf: no libcurl here, none linked"
	else fail "nobpf: libcurl linked (ClickHouse)" "the header is there, the library not linked"; fi
fi

# --- the analyzer's tests against this build ---
# CI=true would turn the record tests' skip into a failure: relay reports
# them as ok (this build cannot record by design), any other skip as a skip.
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u CI make --no-print-directory NO_BPF=1 \
	OUTPUT="$NB" BIN="$NB/sysrec" test >"$tmp/tests.log" 2>&1
rc=$?
relay nobpf "$tmp/tests.log"
[ $rc -eq 0 ] || fail "nobpf: make NO_BPF=1 test" "exit status $rc"
t_done
