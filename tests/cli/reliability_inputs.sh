#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# reliability_inputs.sh - every command that takes files (info, dump,
# analyze) against every bad input: one clear line on stderr, exit 1 (or 2
# for bad usage), never a crash.  Runs the ASan/UBSan build, so a memory
# error shows as a sanitizer report (many lines) and fails the one-line
# check.  Needs no root and no BPF: traces come from tests/tools/mktrace.
#
# Bad inputs: a missing file, a name with a newline, a directory, an empty
# file, /dev/null, random bytes, random bytes after the magic, a truncated
# header (30 bytes; the magic alone), a trace of
# a newer major version, a big-endian trace, an unreadable file.  Good ones
# that must be read: a newer minor version, a trace cut in the middle.
# Bad usage: unknown options, missing values, unknown subcommands.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
need_built reliability_inputs "$S" "$MK"
tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

# a small valid trace: two chunks, then the end block
cat > "$tmp/spec" <<'EOF'
meta clock_offset_ns 1795381214000000000
meta start_ns 1000000000
meta host testhost
open ts=1000001000 pid=100 comm=w sys=openat ret=3 dirfd=-100 name="/tmp/a" path="/tmp/a" dev=0x800001 ino=5
rw ts=1000002000 pid=100 comm=w sys=write ret=10 fd=3 count=10 offset=-1 dev=0x800001 ino=5
flush
close ts=1000003000 pid=100 comm=w sys=close ret=0 fd=3 dev=0x800001 ino=5
lost ts=1000004000 cpu=1 count=7
endmeta stop_ns 2000000000
EOF
"$MK" -o "$tmp/good.trc" "$tmp/spec" || { fail reliability_inputs "mktrace failed"; exit 1; }

# run NAME WANT_RC CMD...: exit status WANT_RC (a list like "1|2"), exactly one
# line on stderr, no sanitizer report
run() {
	local n=$1 want=$2 rc err lines
	shift 2
	err=$("$@" 2>&1 >"$tmp/out"); rc=$?
	lines=$(printf '%s\n' "$err" | grep -c .)
	case "|$want|" in
	*"|$rc|"*) ;;
	*) fail "$n" "exit status $rc, want $want; stderr: $(printf '%s' "$err" | head -3)"; return ;;
	esac
	if printf '%s' "$err" | grep -qE 'Sanitizer|runtime error:'; then
		fail "$n" "sanitizer report: $(printf '%s' "$err" | grep -m1 -E 'Sanitizer|runtime error:')"
	elif [ "$lines" -ne 1 ]; then
		fail "$n" "$lines lines on stderr: $(printf '%s' "$err" | head -3 | tr '\n' '|')"
	else
		ok "$n"
	fi
}

# --- the bad files ---
: > "$tmp/empty.trc"
python3 -c 'import random,sys; random.seed(7); sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(65536)))' > "$tmp/random.trc"
{ printf '\x89SYSREC\n'; head -c 4096 "$tmp/random.trc"; } > "$tmp/magic-random.trc"
head -c 30 "$tmp/good.trc" > "$tmp/trunc30.trc"
head -c 8 "$tmp/good.trc" > "$tmp/trunc8.trc"
cp "$tmp/good.trc" "$tmp/newer.trc"
printf '\x02' | dd of="$tmp/newer.trc" bs=1 seek=8 conv=notrunc status=none
cp "$tmp/good.trc" "$tmp/big-endian.trc"
printf '\x01\x02\x03\x04' | dd of="$tmp/big-endian.trc" bs=1 seek=12 conv=notrunc status=none
mkdir "$tmp/dir.trc"
nl_name=$tmp/$'no\nsuch.trc'

for c in info dump analyze; do
	run "$c: missing file" 1 "$S" $c "$tmp/missing.trc"
	run "$c: missing file with a newline in its name" 1 "$S" $c "$nl_name"
	run "$c: a directory" 1 "$S" $c "$tmp/dir.trc"
	run "$c: an empty file" 1 "$S" $c "$tmp/empty.trc"
	run "$c: /dev/null" 1 "$S" $c /dev/null
	run "$c: 64 KiB of random bytes" 1 "$S" $c "$tmp/random.trc"
	run "$c: random bytes after the magic" 1 "$S" $c "$tmp/magic-random.trc"
	run "$c: a header cut at 30 bytes" "1|2" "$S" $c "$tmp/trunc30.trc"
	run "$c: the magic alone" "1|2" "$S" $c "$tmp/trunc8.trc"
	run "$c: a newer major version" 1 "$S" $c "$tmp/newer.trc"
	run "$c: a big-endian trace" 1 "$S" $c "$tmp/big-endian.trc"
done
# the same under --json: one line on stderr, and stdout still parses
for c in "info --json" "dump --json"; do
	# shellcheck disable=SC2086
	run "$c: random bytes" 1 "$S" $c "$tmp/random.trc"
	check "$c: random bytes: stdout is empty or one JSON document" python3 -c '
import json, sys
t = open(sys.argv[1]).read()
assert not t.strip() or json.loads(t) is not None' "$tmp/out"
done
for f in csv json; do
	run "analyze --format $f: random bytes" 1 "$S" analyze "$tmp/random.trc" --format $f
done
# a file of the right format after a bad one: still exit 1, the good one reported
"$S" analyze "$tmp/random.trc" "$tmp/good.trc" --top-io --by file --format csv > "$tmp/out" 2> "$tmp/err"
expect_eq "analyze: a bad file among good ones exits 1" "$?" 1
# (the report's coverage header goes to stderr too with CSV: lines with "# ")
expect_eq "analyze: ... with one line for the bad one" "$(grep -vc '^#' "$tmp/err")" 1
check "analyze: ... and the good one reported" grep -q '^/tmp/a,0,0,1,10' "$tmp/out"

# an unreadable file: only meaningful when not root, so drop to uid 65534
cp "$tmp/good.trc" "$tmp/noread.trc"
chmod 000 "$tmp/noread.trc"
as=()
[ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null &&
	as=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
if [ "$(id -u)" -ne 0 ] || [ ${#as[@]} -gt 0 ]; then
	for c in info dump analyze; do
		run "$c: an unreadable file" 1 "${as[@]}" "$S" $c "$tmp/noread.trc"
	done
else
	skip "unreadable file" "root without setpriv reads everything"
fi

# --- what must still be read ---
cp "$tmp/good.trc" "$tmp/newer-minor.trc"
printf '\x07' | dd of="$tmp/newer-minor.trc" bs=1 seek=10 conv=notrunc status=none
python3 - "$tmp/newer-minor.trc" <<'EOF'
import struct, sys
# the file header's CRC32C (Castagnoli) covers bytes 0..59
def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF
with open(sys.argv[1], "r+b") as f:
    h = bytearray(f.read(64))
    h[60:64] = struct.pack("<I", crc32c(bytes(h[:60])))
    f.seek(0)
    f.write(h)
EOF
for c in info dump; do
	"$S" $c "$tmp/newer-minor.trc" > "$tmp/out" 2> "$tmp/err"
	expect_eq "$c: a newer minor version is read" "$?:$(grep -c . "$tmp/err")" "0:0"
done
"$S" analyze "$tmp/newer-minor.trc" --top-io --by file --format csv > "$tmp/out" 2>/dev/null
expect_eq "analyze: a newer minor version is read" "$?:$(grep -c '^/tmp/a,' "$tmp/out")" "0:1"
size=$(stat -c %s "$tmp/good.trc")
head -c $((size / 2)) "$tmp/good.trc" > "$tmp/cut.trc"
for c in info dump; do
	run "$c: a trace cut in the middle is read, one line says so" 0 "$S" $c "$tmp/cut.trc"
done

# --- bad usage: one line, exit 2 ---
run "unknown subcommand" 2 "$S" frobnicate x.trc
run "unknown subcommand with a newline" 2 "$S" $'fro\nb'
run "no subcommand, only an option" 2 "$S" --frob
for c in info dump analyze; do
	run "$c: unknown long option" 2 "$S" $c --nosuch "$tmp/good.trc"
	run "$c: unknown short option" 2 "$S" $c -Z "$tmp/good.trc"
	run "$c: no file" 2 "$S" $c
done
run "dump: --pid without a value" 2 "$S" dump "$tmp/good.trc" --pid
run "analyze: --format without a value" 2 "$S" analyze "$tmp/good.trc" --format
run "analyze: --format bogus" 2 "$S" analyze "$tmp/good.trc" --format xml
run "analyze: --by bogus" 2 "$S" analyze "$tmp/good.trc" --top-io --by inode
run "analyze: --by without --top-io" 2 "$S" analyze "$tmp/good.trc" --by file
run "analyze: two reports" 2 "$S" analyze "$tmp/good.trc" --procs --mem
run "analyze: --limit -1" 2 "$S" analyze "$tmp/good.trc" --limit -1
run "analyze: --since junk" 2 "$S" analyze "$tmp/good.trc" --since yesterday
run "analyze: --interval without --timeline" 2 "$S" analyze "$tmp/good.trc" --interval 1s
run "analyze: --pid junk" 2 "$S" analyze "$tmp/good.trc" --pid 12x
run "record: bad --flush-interval" 2 "$S" record -q -o "$tmp/x.trc" --flush-interval 0
run "record: bad --rotate-size" 2 "$S" record -q -o "$tmp/x.trc" --rotate-size 1
run "record: -p with a command" 2 "$S" record -q -o "$tmp/x.trc" -p 1 -- true
check "record: no file left by usage errors" test ! -e "$tmp/x.trc"
t_done
