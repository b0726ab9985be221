#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_errors.sh - bad input to record: one line on stderr, the right exit
# status, never a crash, never a clobbered file.
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

# usage errors come before any privilege check: exit 2
for args in "--nosuch" "-e opne" "-e" "-d -1" "-d abc" "-p 0" "-p 12x" "-p ," "-c 0123456789abcdefXYZ" \
	"--buffer-pages 3" "--level 99" "--keep 2" "-A 10"; do
	# shellcheck disable=SC2086
	must_fail "record_errors: '$args' is a usage error" "$SYSREC" record -q -o "$tmp/x.trc" $args
	# shellcheck disable=SC2086
	"$SYSREC" record -q -o "$tmp/x.trc" $args >/dev/null 2>&1
	expect_eq "record_errors: '$args' exits 2" "$?" 2
done
# "-p $(pgrep x)" with no x running: an empty list, not the whole system
must_fail "record_errors: empty pid list is a usage error" "$SYSREC" record -q -o "$tmp/x.trc" -p ""
"$SYSREC" record -q -o "$tmp/x.trc" -p "" >/dev/null 2>&1
expect_eq "record_errors: empty pid list exits 2" "$?" 2
must_fail "record_errors: empty --cgroup is a usage error" "$SYSREC" record -q -o "$tmp/x.trc" --cgroup ""
"$SYSREC" record -q -o "$tmp/x.trc" --cgroup "" >/dev/null 2>&1
expect_eq "record_errors: empty --cgroup exits 2" "$?" 2
check "record_errors: no file left by usage errors" test ! -e "$tmp/x.trc"
# the option the error names is the one at fault, inside a cluster too
usage_line() {
	expect_eq "record_errors: $1" "$("$SYSREC" record "${@:3}" 2>&1 >/dev/null)" \
		"sysrec: record: $2. See 'sysrec record --help'."
}
usage_line "-d without a value" "option '-d' needs a value" -o "$tmp/x.trc" -d
usage_line "-qo without a value" "option '-o' needs a value" -qo
usage_line "--rotate-size without a value" "option '--rotate-size' needs a value" -o "$tmp/x.trc" --rotate-size
usage_line "-z in a cluster after a value" "unknown option '-z'" -q -o "$tmp/x.trc" -zq
usage_line "-z in a cluster after a long option" "unknown option '-z'" --print -zq
usage_line "an unknown long option" "unknown option '--frob'" --frob=1 -q
usage_line "a value to --print" "option '--print' takes no value" --print=1
usage_line "empty --cgroup" "empty cgroup path" --cgroup ""
usage_line "65 pids" "more than 64 pids in -p" -p "$(seq -s, 1 65)"
usage_line "65 pids over two -p" "more than 64 pids in -p" -p "$(seq -s, 1 60)" -p "$(seq -s, 61 65)"
"$SYSREC" record --help > "$tmp/help.txt"
expect_eq "record_errors: --help exits 0" "$?" 0
check "record_errors: --help prints usage" grep -q '^usage: sysrec record' "$tmp/help.txt"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	err=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$SYSREC" record -q -o "$tmp/np.trc" -- true 2>&1)
	rc=$?
	expect_eq "record_errors: non-root exits 1" "$rc" 1
	expect_eq "record_errors: non-root names the capability" "$err" \
		"sysrec: record needs root, or CAP_BPF and CAP_PERFMON: CAP_BPF is missing"
else
	skip "record_errors: non-root" "needs root and setpriv to drop privileges"
fi

need_bpf record_errors || { t_done; exit; }
echo keep > "$tmp/exists.trc"
must_fail "record_errors: existing file without -f" "$SYSREC" record -q -o "$tmp/exists.trc" -- true
expect_eq "record_errors: existing file untouched" "$(cat "$tmp/exists.trc")" keep
ln -s "$tmp/exists.trc" "$tmp/link.trc"
must_fail "record_errors: symlink refused even with -f" "$SYSREC" record -q -f -o "$tmp/link.trc" -- true
expect_eq "record_errors: symlink target untouched" "$(cat "$tmp/exists.trc")" keep
must_fail "record_errors: command not found" "$SYSREC" record -q -o "$tmp/nc.trc" -- /nonexistent/cmd
must_fail "record_errors: no such pid" "$SYSREC" record -q -o "$tmp/np.trc" -p 999999
must_fail "record_errors: not a cgroup" "$SYSREC" record -q -o "$tmp/cg.trc" --cgroup /no/such/group
must_fail "record_errors: output in a missing directory" "$SYSREC" record -q -o "$tmp/no/dir/x.trc" -- true
# a thread id: the filter is by process, so it would record nothing
sleep 30 & sl=$!
python3 -c 'import threading, time
t = threading.Thread(target=time.sleep, args=(30,), daemon=True); t.start()
print(t.native_id, flush=True); time.sleep(30)' > "$tmp/tid" & py=$!
wait_for_data "$tmp/tid"
tid=$(cat "$tmp/tid")
err=$("$SYSREC" record -q -o "$tmp/tid.trc" -p "$tid" -d 1 2>&1 >/dev/null)
expect_eq "record_errors: a thread id is refused" "$?" 1
expect_eq "record_errors: a thread id names its process" "$err" \
	"sysrec: record: $tid is a thread of process $py: -p takes process ids"
kill "$sl" "$py" 2>/dev/null
wait "$sl" "$py" 2>/dev/null
mkdir "$tmp/dir.trc"
err=$("$SYSREC" record -q -f -o "$tmp/dir.trc" -- true 2>&1 >/dev/null)
expect_eq "record_errors: -f on a directory exits 1" "$?" 1
expect_eq "record_errors: -f on a directory says so" "$err" \
	"sysrec: cannot create $tmp/dir.trc: Is a directory"
mkfifo "$tmp/fifo.trc"
err=$("$SYSREC" record -q -f -o "$tmp/fifo.trc" -- true 2>&1 >/dev/null)
expect_eq "record_errors: -f on a fifo says why" "$err" \
	"sysrec: $tmp/fifo.trc is not a regular file: -f replaces only regular files"
# -f and a command that cannot run: the old trace stays as it was
"$SYSREC" record -q -f -o "$tmp/keep.trc" -- true
cp "$tmp/keep.trc" "$tmp/keep.orig"
printf '\0\1not a program' > "$tmp/noexec"
chmod +x "$tmp/noexec"
must_fail "record_errors: -f, command of bad format" "$SYSREC" record -q -f -o "$tmp/keep.trc" -- "$tmp/noexec"
check "record_errors: -f, bad format: old trace kept" cmp -s "$tmp/keep.trc" "$tmp/keep.orig"
chmod -x "$tmp/noexec"
must_fail "record_errors: -f, command not executable" "$SYSREC" record -q -f -o "$tmp/keep.trc" -- "$tmp/noexec"
check "record_errors: -f, not executable: old trace kept" cmp -s "$tmp/keep.trc" "$tmp/keep.orig"
check "record_errors: -f, no FILE.new left behind" test ! -e "$tmp/keep.trc.new"
# what cannot be replaced is refused before the command runs
if chattr +i "$tmp/keep.trc" 2>/dev/null; then
	must_fail "record_errors: -f on an immutable file" "$SYSREC" record -q -f -o "$tmp/keep.trc" -- \
		sh -c "touch '$tmp/ran'"
	chattr -i "$tmp/keep.trc"
	check "record_errors: -f, immutable: the command did not run" test ! -e "$tmp/ran"
	check "record_errors: -f, immutable: old trace kept" cmp -s "$tmp/keep.trc" "$tmp/keep.orig"
else
	skip "record_errors: -f on an immutable file" "chattr +i is not supported on $tmp"
fi
"$SYSREC" record -q -f -o "$tmp/keep.trc" -- true
check "record_errors: -f, a command that runs: the trace is replaced" sh -c "! cmp -s '$tmp/keep.trc' '$tmp/keep.orig'"
check "record_errors: -f, replaced: no FILE.new left" test ! -e "$tmp/keep.trc.new"
# whatever is at FILE.new is not ours: -f is for FILE only
ln -s "$tmp/keep.orig" "$tmp/keep.trc.new"
err=$("$SYSREC" record -q -f -o "$tmp/keep.trc" -- true 2>&1 >/dev/null)
expect_eq "record_errors: -f, FILE.new a symlink: refused" "$err" \
	"sysrec: $tmp/keep.trc.new exists: sysrec writes the new trace there until the command runs; remove it"
check "record_errors: -f, FILE.new a symlink: left as it was" test -L "$tmp/keep.trc.new"
rm "$tmp/keep.trc.new"
echo theirs > "$tmp/keep.trc.new"
must_fail "record_errors: -f, FILE.new a file: refused" "$SYSREC" record -q -f -o "$tmp/keep.trc" -- true
expect_eq "record_errors: -f, FILE.new a file: left as it was" "$(cat "$tmp/keep.trc.new")" theirs
rm "$tmp/keep.trc.new"
# interrupted while the command starts (its execve held 3 s by strace): a
# command that then fails leaves FILE as it was; one that runs replaces it
if command -v strace >/dev/null; then
	held_start() {	# held_start CMD: record -f it, SIGINT while its execve is held
		strace -f -qq -o /dev/null -e trace=execve -e inject=execve:delay_enter=3000000 \
			"$SYSREC" record -q -f -o "$tmp/keep.trc" -- "$1" 2>/dev/null &
		st=$!
		wait_for "$tmp/keep.trc.new" || fail "record_errors: interrupted start: FILE.new" "never created"
		sleep 0.5
		kill -INT "$(pgrep -f "^$SYSREC record -q -f -o $tmp/keep.trc" | head -1)"
		wait "$st"
	}
	cp "$tmp/keep.trc" "$tmp/keep.before"
	chmod +x "$tmp/noexec"
	held_start "$tmp/noexec"
	expect_eq "record_errors: interrupted start, exec fails: exit 1" "$?" 1
	check "record_errors: interrupted start, exec fails: FILE kept" cmp -s "$tmp/keep.trc" "$tmp/keep.before"
	check "record_errors: interrupted start, exec fails: no FILE.new" test ! -e "$tmp/keep.trc.new"
	held_start true
	check "record_errors: interrupted start, command runs: FILE replaced" \
		sh -c "! cmp -s '$tmp/keep.trc' '$tmp/keep.before'"
	check "record_errors: interrupted start, command runs: no FILE.new" test ! -e "$tmp/keep.trc.new"
	"$SYSREC" info "$tmp/keep.trc" > /dev/null
	expect_eq "record_errors: interrupted start, command runs: the trace reads" "$?" 0
	# a Ctrl-C (recorder and its waiting child) while the BPF programs load
	# (perf_event_open held 2 s): the command never runs, exit 1
	held_setup() {	# held_setup OUT RECORD-ARGS...
		local out=$1 st rp

		shift
		strace -f -qq -o /dev/null -e trace=perf_event_open \
			-e inject=perf_event_open:delay_enter=2000000:when=1 \
			"$SYSREC" record -q -o "$out" "$@" 2>"$tmp/int.err" &
		st=$!
		sleep 1
		rp=$(pgrep -f "^$SYSREC record -q -o $out" | head -1)
		kill -INT "$rp" $(pgrep -P "$rp")
		wait "$st"
	}
	# FILE stays, one line
	cp "$tmp/keep.trc" "$tmp/keep.before"
	held_setup "$tmp/keep.trc" -f -- sh -c "touch '$tmp/ran2'"
	expect_eq "record_errors: interrupted setup: exit 1" "$?" 1
	expect_eq "record_errors: interrupted setup: one line" "$(cat "$tmp/int.err")" "sysrec: interrupted before 'sh' started"
	check "record_errors: interrupted setup: the command did not run" test ! -e "$tmp/ran2"
	check "record_errors: interrupted setup: FILE kept" cmp -s "$tmp/keep.trc" "$tmp/keep.before"
	check "record_errors: interrupted setup: no FILE.new" test ! -e "$tmp/keep.trc.new"
	# the same without -f: no half-written file is left where the trace was to be
	held_setup "$tmp/fresh.trc" -- true
	expect_eq "record_errors: interrupted setup, new file: exit 1" "$?" 1
	check "record_errors: interrupted setup, new file: none left" test ! -e "$tmp/fresh.trc"
else
	skip "record_errors: interrupted start" "strace is not installed (to hold the command's execve)"
fi
"$SYSREC" record -q -f -o "$tmp/exists.trc" -- sh -c 'exit 3'
expect_eq "record_errors: -f replaces; command status passes through" "$?" 3
"$SYSREC" info "$tmp/exists.trc" > /dev/null
expect_eq "record_errors: replaced file is a trace" "$?" 0
"$SYSREC" record -q -o "$tmp/sig.trc" -- sh -c 'kill -TERM $$'
expect_eq "record_errors: command killed by SIGTERM gives 143" "$?" 143
t_done
