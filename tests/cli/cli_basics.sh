#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# cli_basics.sh - the dispatcher and the option handling every command shares:
# --help, --version, help CMD, CMD --help, unknown commands and options.
# Uses the ASan/UBSan build; needs no trace and no root.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
if [ ! -x "$S" ]; then
	fail cli_basics "no ASan build at $S (make asan)"
	exit 1
fi

# expect_run NAME WANT_RC WANT_STDERR CMD...: exact exit status and exact stderr
# (one line or empty); stdout is kept in $OUT.
expect_run() {
	local n=$1 want_rc=$2 want_err=$3 rc err
	shift 3
	err=$("$@" 2>&1 >/tmp/sysrec-cli-out.$$); rc=$?
	OUT=$(cat /tmp/sysrec-cli-out.$$)
	rm -f /tmp/sysrec-cli-out.$$
	if [ "$rc" -ne "$want_rc" ]; then
		fail "$n" "exit status $rc, want $want_rc (stderr: $err)"
	elif [ "$err" != "$want_err" ]; then
		fail "$n" "stderr '$err', want '$want_err'"
	else
		ok "$n"
	fi
}

# --- the dispatcher ---
expect_run "cli: --version" 0 "" "$S" --version
expect_eq "cli: --version text" "$OUT" "sysrec 0.1.0"
expect_run "cli: version" 0 "" "$S" version
expect_eq "cli: version text" "$OUT" "sysrec 0.1.0"

expect_run "cli: --help" 0 "" "$S" --help
expect_eq "cli: --help first line" "$(printf '%s\n' "$OUT" | head -1)" \
	"usage: sysrec [--version] [--help] <command> [<args>]"
top_help=$OUT
for c in record analyze info dump; do
	case "$top_help" in
	*"   $c "*) ok "cli: --help lists $c" ;;
	*) fail "cli: --help lists $c" "not in: $top_help" ;;
	esac
done
expect_run "cli: -h" 0 "" "$S" -h
expect_eq "cli: -h same as --help" "$OUT" "$top_help"
expect_run "cli: help" 0 "" "$S" help
expect_eq "cli: help same as --help" "$OUT" "$top_help"

# no command: the usage on stderr, exit 2
err=$("$S" 2>&1 >/dev/null); rc=$?
expect_eq "cli: no command exits 2" "$rc" 2
expect_eq "cli: no command prints usage" "$(printf '%s\n' "$err" | head -1)" \
	"usage: sysrec [--version] [--help] <command> [<args>]"

expect_run "cli: unknown command" 2 \
	"sysrec: 'nosuch' is not a sysrec command. See 'sysrec --help'." "$S" nosuch
expect_eq "cli: unknown command prints nothing on stdout" "$OUT" ""
# exact names only: no prefix matching
expect_run "cli: no prefix matching" 2 \
	"sysrec: 'inf' is not a sysrec command. See 'sysrec --help'." "$S" inf
expect_run "cli: help nosuch" 2 \
	"sysrec: no help for 'nosuch': not a sysrec command. See 'sysrec --help'." "$S" help nosuch
must_fail "cli: unknown command is one line" "$S" nosuch --json

# --- help CMD prints the command's usage on stdout ---
for c in record analyze info dump; do
	expect_run "cli: help $c" 0 "" "$S" help "$c"
	first=$(printf '%s\n' "$OUT" | head -1)
	case "$first" in
	"usage: sysrec $c"*) ok "cli: help $c is its usage" ;;
	*) fail "cli: help $c is its usage" "first line '$first'" ;;
	esac
done

# --- CMD --help and -h print the same as help CMD (info and dump: ours) ---
for c in info dump; do
	want=$("$S" help "$c")
	expect_run "cli: $c --help" 0 "" "$S" "$c" --help
	expect_eq "cli: $c --help same as help $c" "$OUT" "$want"
	expect_run "cli: $c -h" 0 "" "$S" "$c" -h
	expect_eq "cli: $c -h same as help $c" "$OUT" "$want"
	# --help wins wherever it is, before any file is looked at
	expect_run "cli: $c FILE --help" 0 "" "$S" "$c" /nonexistent.trc --help
	expect_eq "cli: $c FILE --help prints usage" "$OUT" "$want"
done
expect_eq "cli: info usage line" "$("$S" help info | head -1)" "usage: sysrec info [--json] FILE"
expect_eq "cli: dump usage line" "$("$S" help dump | head -1)" "usage: sysrec dump [options] FILE..."

# --- bad options: one line, exit 2 ---
expect_run "cli: info unknown long option" 2 \
	"sysrec: info: unknown option '--x'. See 'sysrec info --help'." "$S" info --x
expect_run "cli: info unknown long option with value" 2 \
	"sysrec: info: unknown option '--frob'. See 'sysrec info --help'." "$S" info --frob=3 x.trc
expect_run "cli: info unknown short option" 2 \
	"sysrec: info: unknown option '-Z'. See 'sysrec info --help'." "$S" info -Z x.trc
expect_run "cli: info --json takes no value" 2 \
	"sysrec: info: option '--json' takes no value. See 'sysrec info --help'." "$S" info --json=1 x.trc
expect_run "cli: info no file" 2 \
	"sysrec: info: no trace file given. See 'sysrec info --help'." "$S" info
expect_run "cli: info two files" 2 \
	"sysrec: info: one trace file at a time. See 'sysrec info --help'." "$S" info a.trc b.trc
expect_run "cli: dump unknown long option" 2 \
	"sysrec: dump: unknown option '--x'. See 'sysrec dump --help'." "$S" dump --x
expect_run "cli: dump unknown short option" 2 \
	"sysrec: dump: unknown option '-Z'. See 'sysrec dump --help'." "$S" dump -Z a.trc
expect_run "cli: dump unknown short option in a cluster after a long option" 2 \
	"sysrec: dump: unknown option '-Z'. See 'sysrec dump --help'." "$S" dump --json -Zj a.trc
expect_run "cli: info unknown short option in a cluster after a long option" 2 \
	"sysrec: info: unknown option '-Z'. See 'sysrec info --help'." "$S" info --json -Zj a.trc
expect_run "cli: dump --pid needs a value" 2 \
	"sysrec: dump: option '--pid' needs a value. See 'sysrec dump --help'." "$S" dump a.trc --pid
expect_run "cli: dump -p needs a value" 2 \
	"sysrec: dump: option '-p' needs a value. See 'sysrec dump --help'." "$S" dump a.trc -p
expect_run "cli: dump no file" 2 \
	"sysrec: dump: no trace file given. See 'sysrec dump --help'." "$S" dump --json
expect_run "cli: dump bad pid" 2 \
	"sysrec: dump: invalid pid 'abc'. See 'sysrec dump --help'." "$S" dump --pid abc a.trc
expect_run "cli: dump negative pid" 2 \
	"sysrec: dump: invalid pid '-1'. See 'sysrec dump --help'." "$S" dump --pid=-1 a.trc
expect_run "cli: dump pid too big" 2 \
	"sysrec: dump: invalid pid '4294967296'. See 'sysrec dump --help'." "$S" dump --pid 4294967296 a.trc
expect_run "cli: dump empty pid list" 2 \
	"sysrec: dump: --pid needs a pid. See 'sysrec dump --help'." "$S" dump --pid , a.trc
expect_run "cli: dump bad type" 2 \
	"sysrec: dump: unknown event type or syscall 'frob'. See 'sysrec dump --help'." \
	"$S" dump --type open,frob a.trc
expect_run "cli: dump bad since" 2 \
	"sysrec: dump: invalid --since '1.5x': a duration such as 1.5 or 200ms, or a time as dump prints it (2026-11-26 21:00:15.123456). See 'sysrec dump --help'." \
	"$S" dump --since 1.5x a.trc
expect_run "cli: dump negative until" 2 \
	"sysrec: dump: invalid --until '-1': a duration such as 1.5 or 200ms, or a time as dump prints it (2026-11-26 21:00:15.123456). See 'sysrec dump --help'." \
	"$S" dump --until=-1 a.trc
expect_run "cli: dump bad time" 2 \
	"sysrec: dump: --time must be abs or rel, not 'utc'. See 'sysrec dump --help'." \
	"$S" dump --time utc a.trc
# hostile option text stays on one line
expect_run "cli: option with a newline stays one line" 2 \
	"sysrec: dump: unknown option '--a\\x0ab'. See 'sysrec dump --help'." "$S" dump $'--a\nb' a.trc

# --- missing files and directories: one line, exit 1 ---
expect_run "cli: info missing file" 1 \
	"sysrec: cannot open /nonexistent/x.trc: No such file or directory" "$S" info /nonexistent/x.trc
expect_run "cli: dump missing file" 1 \
	"sysrec: cannot open /nonexistent/x.trc: No such file or directory" "$S" dump /nonexistent/x.trc
expect_run "cli: info directory" 1 "sysrec: /tmp: Is a directory" "$S" info /tmp
expect_run "cli: dump directory" 1 "sysrec: /tmp: Is a directory" "$S" dump /tmp
expect_run "cli: info --json missing file" 1 \
	"sysrec: cannot open /nonexistent/x.trc: No such file or directory" "$S" info --json /nonexistent/x.trc
expect_eq "cli: info --json error as JSON on stdout" "$OUT" \
	'{"error":"cannot open /nonexistent/x.trc: No such file or directory"}'

t_tmpdir; T=$tmp
# one pid-list parser (format/util.c) for record, dump and analyze: an
# empty item is an error everywhere, not skipped
"$TOOLS/mktrace" -o "$T/pids.trc" <<'EOF2' || fail "cli: mktrace pids.trc" "mktrace failed"
exit ts=1000 pid=7 exit_code=0
EOF2
expect_run "cli: dump --pid with an empty item" 2 \
	"sysrec: dump: invalid pid list '1,,2': empty item. See 'sysrec dump --help'." \
	"$S" dump "$T/pids.trc" --pid 1,,2
expect_run "cli: analyze --pid with an empty item" 2 \
	"sysrec: analyze: bad --pid '1,': a list of process ids. See 'sysrec analyze --help'." \
	"$S" analyze "$T/pids.trc" --pid 1,
if can_record; then
	expect_run "cli: record -p with an empty item" 2 \
		"sysrec: record: bad pid list ',5'. See 'sysrec record --help'." \
		"$S" record -o "$T/x.trc" -p ,5
else
	skip "cli: record -p with an empty item" "analyzer-only build: it cannot record"
fi
"$S" analyze "$T/pids.trc" --pid 0,4294967295 --no-progress --format csv --top-io >/dev/null 2>&1
expect_eq "cli: analyze --pid 0 and 4294967295 are pids" "$?" 0

t_done
