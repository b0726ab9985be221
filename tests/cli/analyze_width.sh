#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# analyze_width.sh - how wide analyze's tables are: piped output is not cut
# unless COLUMNS says a width, --wide never cuts, a cut path keeps its end,
# a command line its start, and times and numbers are never cut.  (The
# terminal's own width, from TIOCGWINSZ, needs a terminal: not tested here.)
# Uses the ASan/UBSan build; needs no root and no BPF.
. "$(dirname "$0")/../lib.sh"

S=$SYSREC_ASAN
MK=$TOOLS/mktrace
need_built analyze_width "$S" "$MK"
export TZ=UTC
unset COLUMNS
t_tmpdir
D=$tmp

cat >"$D/w.spec" <<-'EOF'
	meta recording_id 3e3e3e3e
	meta host hostW
	meta start_ns 1000000000
	meta clock_offset_ns 1700000000000000000
	proc ts=1000000000 pid=100 comm=app ppid=1 start_ns=500000000 exe="/bin/app" argv="app\0--a-long-argument\0--another-long-argument\0--and-one-more"
	open ts=1100000000 pid=100 comm=app sys=openat ret=4 dirfd=-100 flags=0 name="x" path="/home/user/projects/sysrec/analyze/resultset.c" dev=0x800002 ino=40 dur_ns=1500
	rw ts=1110000000 pid=100 comm=app sys=read ret=7433 fd=4 count=8000 offset=-1 dev=0x800002 ino=40 dur_ns=3000
	EOF
"$MK" -o "$D/w.trc" "$D/w.spec" || fail mktrace w.trc
F=$D/w.trc
table() { "$S" analyze "$F" --no-progress "$@" 2>/dev/null | grep -v '^#'; }

WHOLE="path                                            opens  readers  writers   read_bytes  write_bytes
/home/user/projects/sysrec/analyze/resultset.c      1        1        0  7433 (7.3K)            0"
expect_eq width_piped "$(table --files)" "$WHOLE"
expect_eq width_wide "$(COLUMNS=40 table --files --wide)" "$WHOLE"
expect_eq width_columns "$(COLUMNS=65 table --files)" "path             opens  readers  writers  read_bytes  write_bytes
.../resultset.c      1        1        0        7.3K            0"
expect_eq width_bad_columns "$(COLUMNS=x table --files)" "$WHOLE"
# the command line keeps its program; the wall-clock start is never cut
expect_eq width_procs "$(COLUMNS=30 table --procs --time abs)" "process  pid  ppid  start                       duration  exit  cmdline
app      100     1  2023-11-14 22:13:20.500000         -  -     app ...-more"
# a duration column's title drops _ns in tables (the value is human), not in CSV
expect_eq title_overview "$(table | head -1)" "duration     110.00ms"
expect_eq title_syscalls "$(table --syscalls | head -1)" "syscall  calls  errors  total   mean    p50    p99    max"
expect_eq title_csv "$("$S" analyze "$F" --syscalls --format csv 2>/dev/null | head -1)" \
	"syscall,calls,errors,total_ns,mean_ns,p50_ns,p99_ns,max_ns"
expect_eq width_help "$("$S" analyze --help | grep -c -- '--wide ')" 1

t_done
