#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# reliability_privileges.sh - who may do what, and where files go.
# record_errors.sh already covers: the non-root message for CAP_BPF, an
# existing file without -f, a symlink with -f, command not found.  Here:
#  - non-root with some capabilities: each missing one is named, and a
#    refused run leaves no file;
#  - output files: 0600 whatever the umask, also when -f replaces a 0644
#    file and for every rotated file; a dangling symlink is not followed
#    (with or without -f); -f refuses a FIFO (without hanging), a device
#    and a directory; a symlink planted where a rotated file will go stops
#    the recording and is not written through; -f onto a file another user
#    owns (and holds open) must not hand that user the trace;
#  - under sudo (SUDO_UID/SUDO_GID while root) the file, and every rotated
#    file, belongs to the invoking user; junk in SUDO_UID is ignored;
#  - info, dump and analyze as uid 65534 on a world-readable trace give the
#    same output as root; a 0600 trace is refused to them in one line;
#  - analyze --db does not follow a dangling symlink, and the database it
#    makes of a 0600 trace is 0600 too.
. "$(dirname "$0")/../lib.sh"
need_bpf reliability_privileges || exit 0
if ! command -v setpriv >/dev/null; then
	fail reliability_privileges "setpriv (util-linux) is needed to drop privileges"
	exit 1
fi
t_tmpdir
chmod 755 "$tmp"
W=$WORKLOADS/sr_work
PY=/usr/bin/python3	# not a shim under root's home: uid 65534 runs it too
[ -x "$PY" ] || PY=$(command -v python3)
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
# as_nobody_caps CAPS CMD...: uid 65534 with these capabilities (ambient)
as_nobody_caps() {
	local caps=$1
	shift
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,"$caps" \
		--ambient-caps=-all,"$caps" "$@"
}
mkdir -m 777 "$tmp/pub"

# --- non-root: which capability is missing ---
err=$(as_nobody_caps +bpf "$SYSREC" record -q -o "$tmp/pub/np1.trc" -- true 2>&1)
expect_eq "non-root with CAP_BPF only: exit 1" "$?" 1
expect_eq "non-root with CAP_BPF only: CAP_PERFMON named" "$err" \
	"sysrec: record needs root, or CAP_BPF and CAP_PERFMON: CAP_PERFMON is missing"
err=$(as_nobody_caps +perfmon "$SYSREC" record -q -o "$tmp/pub/np2.trc" -- true 2>&1)
expect_eq "non-root with CAP_PERFMON only: CAP_BPF named" "$err" \
	"sysrec: record needs root, or CAP_BPF and CAP_PERFMON: CAP_BPF is missing"
"${NOBODY[@]}" "$SYSREC" record -q -o "$tmp/pub/np3.trc" -- true 2>/dev/null
check "non-root refused runs leave no file" test -z "$(ls "$tmp/pub")"
# CAP_BPF and CAP_PERFMON as documented, with the default buffers: 8 MiB per
# CPU is more than perf_event_mlock_kb lets a non-root user lock
err=$(as_nobody_caps +bpf,+perfmon "$SYSREC" record -q -o "$tmp/pub/caps.trc" -- "$W" basic "$tmp/pub" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	ok "non-root with CAP_BPF and CAP_PERFMON records"
else
	case "$err" in
	*CAP_IPC_LOCK*) ok "non-root with CAP_BPF and CAP_PERFMON: the missing CAP_IPC_LOCK is named" ;;
	*) fail "non-root with CAP_BPF and CAP_PERFMON: records or names what is missing" \
		"exit $rc: $err (perf_event_mlock_kb=$(cat /proc/sys/kernel/perf_event_mlock_kb))" ;;
	esac
fi
rm -rf "${tmp:?}/pub"/*
as_nobody_caps +bpf,+perfmon,+ipc_lock "$SYSREC" record -q -o "$tmp/pub/caps.trc" -- "$W" basic "$tmp/pub"
expect_eq "non-root with CAP_BPF, CAP_PERFMON and CAP_IPC_LOCK records" "$?" 0
expect_eq "... into its own 0600 file" "$(stat -c '%U %a' "$tmp/pub/caps.trc")" "nobody 600"

# --- modes ---
(umask 000 && "$SYSREC" record -q -o "$tmp/u.trc" -- true)
expect_eq "mode 0600 under umask 000" "$(stat -c %a "$tmp/u.trc")" 600
echo old > "$tmp/old.trc"
chmod 644 "$tmp/old.trc"
"$SYSREC" record -q -f -o "$tmp/old.trc" -- true
expect_eq "-f on a 0644 file leaves a 0600 trace" "$(stat -c %a "$tmp/old.trc")" 600
mkdir "$tmp/rot"
(umask 000 && "$SYSREC" record -q -o "$tmp/rot/r.trc" --rotate-time 200ms -- "$W" slow "$tmp/rot" 8)
set -- "$tmp"/rot/r.*.trc
check "rotation made several files ($#)" test $# -ge 3
expect_eq "every rotated file is 0600" "$(stat -c %a "$@" | sort -u)" 600

# --- symbolic links and odd files ---
ln -s "$tmp/victim" "$tmp/dangling.trc"
must_fail "dangling symlink refused" "$SYSREC" record -q -o "$tmp/dangling.trc" -- true
must_fail "dangling symlink refused with -f" "$SYSREC" record -q -f -o "$tmp/dangling.trc" -- true
check "the symlink's target was not created" test ! -e "$tmp/victim"
mkfifo "$tmp/fifo.trc"
err=$(timeout 20 "$SYSREC" record -q -f -o "$tmp/fifo.trc" -- true 2>&1)
rc=$?
check "-f on a FIFO: refused, not hung (exit $rc)" test "$rc" -eq 1
expect_eq "-f on a FIFO: one line" "$(printf '%s\n' "$err" | wc -l)" 1
check "-f on a FIFO: still a FIFO" test -p "$tmp/fifo.trc"
mknod "$tmp/null.trc" c 1 3
must_fail "-f on a character device refused" "$SYSREC" record -q -f -o "$tmp/null.trc" -- true
check "-f on a character device: still the device" test -c "$tmp/null.trc"
mkdir "$tmp/dir.trc"
must_fail "-f on a directory refused" "$SYSREC" record -q -f -o "$tmp/dir.trc" -- true
check "-f on a directory: still a directory" test -d "$tmp/dir.trc"

# a symlink planted where the second rotated file will be created
mkdir "$tmp/plant"
echo precious > "$tmp/precious"
ln -s "$tmp/precious" "$tmp/plant/p.000001.trc"
for f in "" -f; do
	# shellcheck disable=SC2086
	err=$("$SYSREC" record -q $f -o "$tmp/plant/p.trc" --rotate-time 200ms -- "$W" slow "$tmp/plant" 8 2>&1)
	rc=$?
	expect_eq "planted symlink for rotation ${f:-without -f}: exit 1" "$rc" 1
	expect_eq "planted symlink for rotation ${f:-without -f}: one line" "$err" \
		"$([ -z "$f" ] && echo "sysrec: $tmp/plant/p.000001.trc exists: use -f to replace it" ||
		   echo "sysrec: $tmp/plant/p.000001.trc is a symbolic link: refusing to write through it")"
	expect_eq "planted symlink ${f:-without -f}: target untouched" "$(cat "$tmp/precious")" precious
	rm -f "$tmp/plant/p.000000.trc"
done

# -f onto a file another user owns and holds open: the trace must not end
# up in that user's inode (they could read it through their descriptor)
"${NOBODY[@]}" sh -c "echo mine > '$tmp/pub/theirs.trc'; chmod 644 '$tmp/pub/theirs.trc'"
cat > "$tmp/holder.py" <<'EOF'
import os, signal, sys
f = open(sys.argv[1], "rb")
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
open(sys.argv[2], "w").close()
signal.sigwait({signal.SIGUSR1})
f.seek(0)
data = f.read()
print(b"\x89SYSREC" in data)
EOF
"${NOBODY[@]}" "$PY" "$tmp/holder.py" "$tmp/pub/theirs.trc" "$tmp/pub/holder.ready" > "$tmp/holder.out" &
hpid=$!
for _ in $(seq 100); do [ -e "$tmp/pub/holder.ready" ] && break; sleep 0.05; done
"$SYSREC" record -q -f -o "$tmp/pub/theirs.trc" -- "$W" basic "$tmp/pub"
expect_eq "-f onto another user's file records" "$?" 0
kill -USR1 "$hpid"
wait "$hpid"
expect_eq "-f onto another user's file: the file is root's, 0600" \
	"$(stat -c '%U %a' "$tmp/pub/theirs.trc")" "root 600"
expect_eq "-f onto another user's file: their open descriptor sees no trace" \
	"$(cat "$tmp/holder.out")" "False"

# --- under sudo ---
SUDO_UID=65534 SUDO_GID=65534 "$SYSREC" record -q -o "$tmp/sudo.trc" -- true
expect_eq "SUDO_UID/SUDO_GID: the file belongs to the invoking user" \
	"$(stat -c '%u:%g %a' "$tmp/sudo.trc")" "65534:65534 600"
mkdir "$tmp/srot"
SUDO_UID=65534 SUDO_GID=65534 "$SYSREC" record -q -o "$tmp/srot/s.trc" --rotate-time 200ms \
	-- "$W" slow "$tmp/srot" 8
set -- "$tmp"/srot/s.*.trc
check "sudo rotation made several files ($#)" test $# -ge 3
expect_eq "SUDO_UID/SUDO_GID: every rotated file belongs to the user" \
	"$(stat -c '%u:%g %a' "$@" | sort -u)" "65534:65534 600"
SUDO_UID=65534 SUDO_GID=65534 "$SYSREC" record -q -f -o "$tmp/old.trc" -- true
expect_eq "SUDO_UID/SUDO_GID with -f: the replaced file belongs to the user" \
	"$(stat -c '%u:%g %a' "$tmp/old.trc")" "65534:65534 600"
SUDO_UID=abc SUDO_GID=-1 "$SYSREC" record -q -o "$tmp/junk.trc" -- true
expect_eq "junk SUDO_UID/SUDO_GID ignored" "$?:$(stat -c '%u:%g' "$tmp/junk.trc")" "0:0:0"

# --- reading needs no privilege ---
mkdir -m 755 "$tmp/share"
"$SYSREC" record -q -o "$tmp/share/w.trc" -- "$W" basic "$tmp/share"
chmod 644 "$tmp/share/w.trc"
for c in "info" "info --json" "dump" "dump --json" "analyze" "analyze --top-io --by file" \
	"analyze --procs --format csv" "analyze --syscalls --format json"; do
	# shellcheck disable=SC2086
	"$SYSREC" $c "$tmp/share/w.trc" > "$tmp/root.out" 2>/dev/null
	# shellcheck disable=SC2086
	(cd / && "${NOBODY[@]}" env -i PATH=/usr/bin:/bin "$SYSREC" $c "$tmp/share/w.trc") \
		> "$tmp/nobody.out" 2> "$tmp/nobody.err"
	rc=$?
	expect_eq "uid 65534: $c exits 0" "$rc" 0
	if cmp -s "$tmp/root.out" "$tmp/nobody.out" && [ -s "$tmp/root.out" ]; then
		ok "uid 65534: $c prints what root sees"
	else
		fail "uid 65534: $c prints what root sees" "$(diff "$tmp/root.out" "$tmp/nobody.out" | head -3) $(head -2 "$tmp/nobody.err")"
	fi
done
mkdir -m 777 "$tmp/share/db"
"${NOBODY[@]}" "$SYSREC" analyze "$tmp/share/w.trc" --db "$tmp/share/db/w.db" --format csv > /dev/null 2>&1
expect_eq "uid 65534: analyze --db into its own directory" "$?" 0
chmod 600 "$tmp/share/w.trc"
for c in info dump analyze; do
	must_fail "uid 65534: $c of a 0600 root trace refused in one line" \
		"${NOBODY[@]}" "$SYSREC" $c "$tmp/share/w.trc"
done

# --- analyze --db: a copy of a private trace stays private ---
"$SYSREC" analyze "$tmp/share/w.trc" --db "$tmp/private.db" --format csv > /dev/null 2>&1
expect_eq "analyze --db of a 0600 trace: the database is 0600 too (umask $(umask))" \
	"$(stat -c %a "$tmp/private.db")" 600

# --- analyze --db and a dangling symlink ---
ln -s "$tmp/dbvictim" "$tmp/link.db"
"$SYSREC" analyze "$tmp/share/w.trc" --db "$tmp/link.db" --format csv > /dev/null 2>&1
check "analyze --db does not create a dangling symlink's target" test ! -e "$tmp/dbvictim"
t_done
