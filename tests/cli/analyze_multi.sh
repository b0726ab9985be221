#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_multi.sh - several recordings at once: a report that adds them up
# (no host column) says so in its header and names the hosts; one with a
# host column does not.  Uses the ASan/UBSan build; needs no root and no BPF.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
need_built analyze_multi "$S" "$MK"
export TZ=UTC
t_tmpdir
D=$tmp

# mk ID HOST: one process reading 10 bytes
mk() {
	cat <<-EOF | "$MK" -o "$D/$1.trc" || fail mktrace "$1"
	meta recording_id $1
	meta host $2
	meta start_ns 1000000000
	proc ts=1000000000 pid=100 comm=app ppid=1 start_ns=500000000 argv="app"
	open ts=1100000000 pid=100 comm=app sys=openat ret=4 dirfd=-100 flags=0 name="/etc/hosts" path="/etc/hosts" dev=0x800002 ino=40 dur_ns=1000
	rw ts=1110000000 pid=100 comm=app sys=read ret=10 fd=4 count=100 offset=-1 dev=0x800002 ino=40 dur_ns=3000
	EOF
}
mk a0000001 hostA
mk a0000002 hostA
mk b0000001 hostB
summed() { "$S" analyze "$@" --no-progress 2>/dev/null | grep 'figures summed'; }

expect_eq summed_hosts "$(summed "$D/a0000001.trc" "$D/b0000001.trc" --syscalls)" \
	"# 2 recordings (hosts hostA, hostB): figures summed"
expect_eq summed_runs "$(summed "$D/a0000001.trc" "$D/a0000002.trc")" \
	"# 2 recordings (host hostA): figures summed"
# on stderr with the rest of the header for CSV
expect_eq summed_csv "$("$S" analyze "$D/a0000001.trc" "$D/b0000001.trc" --syscalls --format csv --no-progress 2>&1 >/dev/null | grep -c 'figures summed')" 1
expect_eq summed_three "$(summed "$D/a0000001.trc" "$D/a0000002.trc" "$D/b0000001.trc" --timeline)" \
	"# 3 recordings (hosts hostA, hostB): figures summed"
# one recording, or rows per host: nothing summed
expect_eq summed_one "$(summed "$D/a0000001.trc" --syscalls)" ""
expect_eq summed_files "$(summed "$D/a0000001.trc" "$D/b0000001.trc" --files)" ""

t_done
