#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_recordings.sh - what analyze says of recordings: the recorded
# command's parent (the recorder, from the metadata), several recordings at
# once (--by host, each recording on its own clock), and long calls spread
# over the timeline buckets they span.  Uses the ASan/UBSan build; no root.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
need_built analyze_recordings "$S" "$MK"
export TZ=UTC
t_tmpdir
D=$tmp

csv() { "$S" analyze "$@" --no-progress --format csv 2>/dev/null; }

# --- the command's ppid: the recorder's pid, from the metadata ---
# pid 100 is the command (record forked it before tracing: no fork record),
# 101 its child; the recorder was pid 99
cmd_trace() { # FILE [META...]
	local f=$1
	shift
	{ printf 'meta %s\n' "$@"
	  cat <<-EOF
	meta start_ns 1000000000
	exec ts=1000000000 pid=100 comm=sh sys=execve ret=0 filename="/bin/sh" path="/bin/sh" argv="sh" argc=1
	fork ts=1100000000 pid=100 comm=sh sys=clone ret=101 child_pid=101 child_tid=101
	exit ts=1200000000 pid=101 comm=sh exit_code=0 h.flags=2
	exit ts=1300000000 pid=100 comm=sh exit_code=0 h.flags=2
	EOF
	} | "$MK" -o "$f" -f >/dev/null || fail mktrace "$f"
}
cmd_trace "$D/cmd.trc" "recording_id c0ffee01" "recorder_pid 99" "command_pid 100"
expect_eq "command: ppid is the recorder's" "$(csv "$D/cmd.trc" --procs | cut -d, -f1,2 | sort)" \
	"$(printf '100,99\n101,100\npid,ppid')"
# a trace written before the keys: the command's ppid stays unknown
cmd_trace "$D/old.trc" "recording_id c0ffee02"
expect_eq "command, older trace: ppid unknown" "$(csv "$D/old.trc" --procs | cut -d, -f1,2 | sort)" \
	"$(printf '100,\n101,100\npid,ppid')"
# only the command: a process of another pid without a known parent stays so
cmd_trace "$D/other.trc" "recording_id c0ffee03" "recorder_pid 99" "command_pid 555"
expect_eq "command_pid of another process: ppid unknown" \
	"$(csv "$D/other.trc" --procs | cut -d, -f1,2 | sort)" "$(printf '100,\n101,100\npid,ppid')"

t_done
