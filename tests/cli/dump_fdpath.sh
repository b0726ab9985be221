#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dump_fdpath.sh - sysrec dump's text lines name the path behind a
# descriptor as strace -y does (fd=3</etc/passwd>), from the snapshot's fd
# records, opens, dups, closes, forks, execs and exits, printed or not.
# Uses the ASan/UBSan build; needs no root and no BPF.
. "$(dirname "$0")/../lib.sh"

export TZ=UTC
S=$SYSREC_ASAN MK=$TOOLS/mktrace
need_built dump_fdpath "$S" "$MK"
t_tmpdir && D=$tmp

# 100 has fd 3 /data/in (snapshot, close-on-exec) and opens /etc/hosts as 4;
# dup2(4, 1); forks 101, which reads 4 and 3 (inherited), execs (3 goes),
# reads 3 and 1; 100 closes 4, reads 4 (closed: no path) and 1; fcntl
# F_DUPFD_CLOEXEC(1) -> 7, a write to 7; 101 exits, its pid reused by a
# process not forked here: no path.
cat >"$D/fd.spec" <<-'EOF'
	meta recording_id f0f0f0f0
	meta host hostF
	meta start_ns 1000000000
	proc ts=1000000000 pid=100 comm=app ppid=1 start_ns=500000000
	fd ts=1000000000 pid=100 fd=3 flags=0x80000 dev=0x800001 ino=12 path="/data/in"
	open ts=1100000000 pid=100 comm=app sys=openat ret=4 dirfd=-100 flags=0 name="/etc/hosts" path="/etc/hosts" dev=0x800002 ino=40 dur_ns=1000
	dup ts=1110000000 pid=100 comm=app sys=dup2 ret=1 fd=4 newfd=1 dev=0x800002 ino=40 dur_ns=100
	fork ts=1120000000 pid=100 comm=app sys=clone ret=101 child_pid=101 child_tid=101 dur_ns=100
	rw ts=1130000000 pid=101 comm=app sys=read ret=1 fd=4 count=1 offset=-1 dev=0x800002 ino=40 dur_ns=100
	rw ts=1140000000 pid=101 comm=app sys=read ret=1 fd=3 count=1 offset=-1 dev=0x800001 ino=12 dur_ns=100
	exec ts=1150000000 pid=101 comm=cat sys=execve ret=0 filename="/bin/cat" path="/bin/cat" argv="cat" argc=1 dur_ns=100
	rw ts=1160000000 pid=101 comm=cat sys=read ret=-9 fd=3 count=1 offset=-1 h.flags=0x40 dur_ns=100
	rw ts=1170000000 pid=101 comm=cat sys=write ret=1 fd=1 count=1 offset=-1 dev=0x800002 ino=40 dur_ns=100
	close ts=1180000000 pid=100 comm=app sys=close ret=0 fd=4 dev=0x800002 ino=40 dur_ns=100
	rw ts=1190000000 pid=100 comm=app sys=read ret=-9 fd=4 count=1 offset=-1 h.flags=0x40 dur_ns=100
	dup ts=1200000000 pid=100 comm=app sys=fcntl ret=7 fd=1 cmd=1030 arg=5 dev=0x800002 ino=40 dur_ns=100
	rw ts=1210000000 pid=100 comm=app sys=write ret=1 fd=7 count=1 offset=-1 dev=0x800002 ino=40 dur_ns=100
	exit ts=1220000000 pid=101 comm=cat exit_code=0 h.flags=2
	rw ts=1230000000 pid=101 comm=other sys=read ret=1 fd=4 count=1 offset=-1 dur_ns=100
	EOF
"$MK" -o "$D/fd.trc" "$D/fd.spec" || fail mktrace fd.trc

# the fd part of each read, write, close and dup line
fds() { "$S" dump "$D/fd.trc" --time rel "$@" 2>/dev/null | grep -o ' \(read\|write\|close\|dup2\|fcntl\) fd=[^ ]*'; }
expect_eq fd_paths "$(fds)" " dup2 fd=4</etc/hosts>
 read fd=4</etc/hosts>
 read fd=3</data/in>
 read fd=3
 write fd=1</etc/hosts>
 close fd=4</etc/hosts>
 read fd=4
 fcntl fd=1</etc/hosts>
 write fd=7</etc/hosts>
 read fd=4"
# the opens, dups and forks not printed still count
expect_eq fd_paths_filtered "$(fds --type read,write)" " read fd=4</etc/hosts>
 read fd=3</data/in>
 read fd=3
 write fd=1</etc/hosts>
 read fd=4
 write fd=7</etc/hosts>
 read fd=4"
expect_eq fd_paths_pid "$(fds --pid 101 | head -2)" " read fd=4</etc/hosts>
 read fd=3</data/in>"
# JSON keeps its fields: no path in "fd"
got=$("$S" dump "$D/fd.trc" --json 2>/dev/null | grep -c '"fd":4,')
expect_eq fd_json "$got" 5

t_done
