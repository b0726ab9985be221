#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_special.sh - what the ordinary paths do not meet: files no mount
# reaches (a pipe, a memfd, a namespace reopened through /proc), syscalls
# that never return (exit, exit_group) or return with orig_ax gone
# (rt_sigreturn), and 32-bit syscalls, which must not be taken for x86-64
# ones (but those that make processes are recorded).
. "$(dirname "$0")/../lib.sh"
need_bpf record_special || exit 0
t_tmpdir

# --- files no mount reaches: named as /proc names them ---
cat > "$tmp/pseudo.py" <<'PY'
import os, sys
out = open(sys.argv[1], "w")
m = os.memfd_create("sysrec")
os.write(m, b"x" * 10)
os.open("/proc/self/fd/%d" % m, os.O_RDONLY)
r, w = os.pipe()
os.open("/proc/self/fd/%d" % r, os.O_RDONLY)
print("pipe", os.fstat(r).st_ino, file=out)
os.open("/proc/self/ns/net", os.O_RDONLY)
print("ns", os.stat("/proc/self/ns/net").st_ino, file=out)
PY
"$SYSREC" record -q -o "$tmp/p.trc" -e openat -- python3 "$tmp/pseudo.py" "$tmp/ino"
expect_eq "record_special: pseudo workload status" "$?" 0
"$SYSREC" dump "$tmp/p.trc" > "$tmp/p.txt"
pino=$(awk '$1 == "pipe" { print $2 }' "$tmp/ino")
nino=$(awk '$1 == "ns" { print $2 }' "$tmp/ino")
path_of() { grep -F "name=\"/proc/self/$1\"" "$tmp/p.txt" | sed -n 's/.* path="\([^"]*\)".*/\1/p'; }
# memfd's filesystem is tmpfs, or ramfs on a kernel without shmem
check "record_special: a memfd reopened is FSTYPE:memfd:NAME" \
	grep -qE ' path="(tmpfs|ramfs):memfd:sysrec"' "$tmp/p.txt"
expect_eq "record_special: no open names /" "$(grep ' openat ' "$tmp/p.txt" | grep -c ' path="/"')" 0
expect_eq "record_special: a pipe reopened is pipe:[INO]" \
	"$(grep -F "ino=$pino " "$tmp/p.txt" | sed -n 's/.* path="\([^"]*\)".*/\1/p')" "pipe:[$pino]"
expect_eq "record_special: a namespace is nsfs:[INO]" "$(path_of ns/net)" "nsfs:[$nino]"

# --- syscalls that never return, or lose their number on the way out ---
"$SYSREC" record -q -o "$tmp/x.trc" -e proc,exit_group,exit -- \
	sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true; done'
"$SYSREC" info "$tmp/x.trc" > "$tmp/x.info"
# ten /bin/true and sh itself; no thread calls exit
expect_eq "record_special: one exit_group per process" \
	"$(awk '$1 == "exit_group:" { print $2 }' "$tmp/x.info")" 11
expect_eq "record_special: exit_group loses nothing" "$(info_field "$tmp/x.trc" lost)" 0
cat > "$tmp/sig.py" <<'PY'
import os, signal
signal.signal(signal.SIGUSR1, lambda s, f: None)
for _ in range(20):
    os.kill(os.getpid(), signal.SIGUSR1)
PY
"$SYSREC" record -q -o "$tmp/s.trc" -e rt_sigreturn,kill -- python3 "$tmp/sig.py"
# python3 itself: a wrapper script before it may take signals of its own
"$SYSREC" dump "$tmp/s.trc" | awk '$5 == "python3" { print $6 }' | sort | uniq -c > "$tmp/s.txt"
expect_eq "record_special: python's 20 kill and 20 rt_sigreturn" "$(awk '{ printf "%s %s ", $2, $1 }' "$tmp/s.txt")" \
	"kill 20 rt_sigreturn 20 "
expect_eq "record_special: rt_sigreturn loses nothing" "$(info_field "$tmp/s.trc" lost)" 0

# --- 32-bit syscalls are not taken for 64-bit ones ---
mkdir "$tmp/c"
"$SYSREC" record -q -o "$tmp/c.trc" -e file -- "$WORKLOADS/sr_work" compat "$tmp/c" > "$tmp/c.out"
expect_eq "record_special: compat workload status" "$?" 0
if [ "$(cat "$tmp/c.out")" = -38 ]; then
	skip "record_special: 32-bit syscalls" "no ia32 emulation in this kernel (or not x86-64)"
else
	"$SYSREC" dump "$tmp/c.trc" | grep ' sr_work ' > "$tmp/c.txt"
	# only the 64-bit calls: the first open (create), its write, its close,
	# then open, read 50, write 7, close, and the printf at exit; the
	# 32-bit four in between leave none
	expect_eq "record_special: sr_work's file records are the 64-bit ones" \
		"$(awk '{ print $6 }' "$tmp/c.txt" | tr '\n' ' ')" "openat write close openat read write close write "
	expect_eq "record_special: 64-bit read of 50" "$(grep -c ' read fd=[0-9]*\(<[^>]*>\)\? count=50 ret=50 ' "$tmp/c.txt")" 1
	# but the 32-bit calls that make processes are recorded, flagged
	"$SYSREC" record -q -o "$tmp/cp.trc" -e proc -- "$WORKLOADS/sr_work" compat "$tmp/c" > /dev/null
	"$SYSREC" dump "$tmp/cp.trc" > "$tmp/cp.txt"
	pid=$(awk '$5 == "sr_work" && $6 == "execve" { split($4, a, "/"); print a[1]; exit }' "$tmp/cp.txt")
	child=$(sed -n 's/.* sr_work fork .*child_pid=\([0-9]*\) .*/\1/p' "$tmp/cp.txt")
	expect_eq "record_special: a 32-bit fork, flagged" \
		"$(grep " $pid/$pid sr_work fork " "$tmp/cp.txt" | sed 's/.* fork //; s/child_pid=[0-9]* child_tid=[0-9]* ret=[0-9]* dur=[^ ]* /X /')" \
		"clone_flags=0x11 X compat"
	expect_eq "record_special: its child's 32-bit execve" \
		"$(grep " $child/$child true execve " "$tmp/cp.txt" | sed 's/.* execve //; s/ ret=.* path=/ path=/')" \
		"filename=\"/bin/true\" argc=2 argv=[\"nope\",\"arg1\"] path=\"$(readlink -f /bin/true)\" compat"
	expect_eq "record_special: a failed 32-bit execve, argv of 32-bit pointers" \
		"$(grep " $pid/$pid sr_work execve filename=\"/nonexistent\"" "$tmp/cp.txt" | sed 's/.* execve //; s/ dur=[^ ]*//')" \
		'filename="/nonexistent" argc=2 argv=["nope","arg1"] ret=-2 (ENOENT) compat'
fi
# --- close_range is in the file class: descriptors it closes are seen ---
mkdir "$tmp/r"
"$SYSREC" record -q -o "$tmp/r.trc" -- python3 -c 'import os, sys
d = sys.argv[1]
fd = os.open(d + "/g1", os.O_CREAT | os.O_WRONLY, 0o644)
os.write(fd, b"a" * 5)
os.closerange(3, 100)
os.unlink(d + "/g1")
fd = os.open(d + "/g2", os.O_CREAT | os.O_WRONLY, 0o644)
os.write(fd, b"b" * 10)' "$tmp/r"
expect_eq "record_special: close_range recorded by default" \
	"$("$SYSREC" dump "$tmp/r.trc" | grep -c ' close_range args=0x3,0x63,0x0,')" 1
expect_eq "record_special: after close_range, a reused inode is a new file" \
	"$("$SYSREC" analyze "$tmp/r.trc" --top-io --by file --limit 0 --format csv 2>/dev/null | grep "^$(realpath "$tmp/r")/" | cut -d, -f1,5 | sort | tr '\n' ' ')" \
	"$(realpath "$tmp/r")/g1,5 $(realpath "$tmp/r")/g2,10 "

t_done
