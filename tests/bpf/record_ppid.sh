#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_ppid.sh - the recorded command's parent: record writes its own pid
# and the command's into the start metadata, and analyze --procs shows the
# recorder (whose pid the shell knows) as the command's ppid; the command's
# own child has the command as its parent.
. "$(dirname "$0")/../lib.sh"
need_bpf record_ppid || exit 0
tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# the command prints its pid; its child (true) runs and exits
"$SYSREC" record -q -o "$tmp/p.trc" -- sh -c 'echo $$ > '"$tmp"'/cmd.pid; /bin/true' &
rpid=$!
wait $rpid
expect_eq "record_ppid: record exits 0" $? 0
cpid=$(cat "$tmp/cmd.pid")
meta() {
	"$SYSREC" analyze "$tmp/p.trc" --no-progress --format csv --sql \
		"SELECT value FROM trace_meta WHERE key = '$1'" 2>/dev/null | tail -1
}
expect_eq "record_ppid: recorder_pid in the metadata" "$(meta recorder_pid)" "$rpid"
expect_eq "record_ppid: command_pid in the metadata" "$(meta command_pid)" "$cpid"
got=$("$SYSREC" analyze "$tmp/p.trc" --no-progress --procs --format csv 2>/dev/null |
	awk -F, -v c="$cpid" '$1 == c { print $2 }' | sort -u)
expect_eq "record_ppid: the command's ppid is the recorder's pid" "$got" "$rpid"
got=$("$SYSREC" analyze "$tmp/p.trc" --no-progress --procs --format csv 2>/dev/null |
	awk -F, -v c="$cpid" '$2 == c { print $3 }' | sort -u)
expect_eq "record_ppid: the command's child has it as parent" "$got" "true"
t_done
