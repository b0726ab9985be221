#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# run.sh - sysrec's benchmarks, each printing a table (docs/PERFORMANCE.md).
#
#   tests/bench/run.sh [overhead|saturation|size|analysis|all|soak [SECS]|profile|variants|memory|sched|export|net|clickhouse]
#
#   overhead    the sr_work loop untraced, under sysrec --attach-only, sysrec
#               record, perf record -z, bpftrace and strace -f, alternating,
#               BENCH_ROUNDS rounds (BENCH_FAST_ROUNDS for the first
#               three, which take seconds where strace takes minutes), medians
#   saturation  two loop copies on both CPUs recorded with -p: events/s,
#               lost, recorder CPU and peak RSS, default and larger buffers
#   size        the overhead benchmark's recording re-encoded with retrace
#               by zstd level and chunk size
#   analysis    a 10M-event gentrace trace: import rate next to a plain
#               SQLite floor, every report's time, dump throughput, and
#               perf script on the overhead benchmark's perf.data
#   all         the four above (the default; `make bench`)
#   soak [SECS] continuous load for SECS (600): recorder RSS and descriptors
#               sampled, the trace read back with sysrec info
#   profile     where the time goes: BPF program run times (bpf_stats), the
#               loop's time in the programs split by callee, and perf
#               profiles of the recorder and of the traced loop
#   variants    the BPF programs rebuilt with one part taken out at a time
#               (tests/bench/bpf_variants.py): the cost of each part
#   memory      peak RSS of analyze and its memory budget (--mem-limit) on a
#               50M-event gentrace trace, a rotated set of 1,000 gentrace
#               files and the hostile 50-chunk mkhostile file
#               (docs/RELIABILITY.md)
#   export      sysrec export of a gentrace trace of BENCH_EXPORT_EVENTS
#               (10000000): --perfetto and --chrome-json, time, peak RSS and
#               size, next to analyze importing the same trace (without and
#               with event rows), and the export's peak RSS on a trace ten
#               times smaller: memory does not grow with the events
#   sched       context switches: two processes passing a byte back and
#               forth over pipes (sr_cpu pingpong), untraced, under sysrec
#               record (all classes, cpu included), sysrec record -e cpu
#               and perf sched record, alternating, medians, lost records
#   net         a socket-heavy loop: loopback TCP echo of 64 bytes (sr_net
#               echo), untraced, under sysrec --attach-only and sysrec
#               record (every class, net included), alternating, medians
#   clickhouse  a fleet in ClickHouse: BENCH_CH_TRACES gentrace traces of
#               distinct hosts, BENCH_CH_EVENTS events in all, exported by
#               BENCH_CH_JOBS sysrec export at once into a clickhouse-server
#               started here (tests/chserver.sh): events/s; then every
#               report's time through ClickHouse and through the SQLite path
#               (on a --db of the same traces), and whether the CSVs match
#
# Environment: OUTPUT (build directory, .output), SYSREC (the binary),
# SYSREC_BEFORE (another build, e.g. of the commit before a change to bpf/:
# with "before" in BENCH_TOOLS it is timed in the same rounds, so a change is
# measured against what it replaces in one run),
# BENCH_ROUNDS (5), BENCH_FAST_ROUNDS (15), BENCH_N (loop rounds, 60000:
# about 1.2 s untraced here), BENCH_TOOLS (overhead columns, default
# "untraced attach sysrec perf bpftrace strace"), BENCH_EVENTS (analysis
# trace size, 10000000), BENCH_SAT_ROUNDS (3), BENCH_BIG_PAGES (8192),
# BENCH_LEVELS, BENCH_CHUNKS (size), BENCH_VARIANTS (which variants, all
# by default), BENCH_VAR_ROUNDS (3), BENCH_VAR_STATS (1; 0 leaves
# kernel.bpf_stats_enabled off, for wall times without its clock reads),
# BENCH_MEM_EVENTS (memory: the big trace, 50000000), BENCH_MEM_FILES
# (memory: files of the rotated set, 1000, of BENCH_MEM_FILE_EVENTS 10000
# events each),
# BENCH_SCHED_N (sched: round trips, 100000), BENCH_SCHED_ROUNDS (5),
# BENCH_EXPORT_EVENTS (export: the trace, 10000000),
# BENCH_NET_N (net: round trips, 50000), BENCH_NET_ROUNDS (5),
# BENCH_CH_EVENTS (clickhouse: 100000000), BENCH_CH_TRACES (50), BENCH_CH_JOBS (2),
# BENCH_CH_DIR (where the server's data goes: the scratch directory),
# BENCH_KEEP=1 keeps the scratch directory.  Helpers (bench_loop, sqlite_floor) are built here with cc;
# they, the loop binary and the files later benchmarks reuse (loop.trc,
# perf.data) live in $OUTPUT/bench/.
#
# The loop is sr_work copied to $OUTPUT/bench/sr_bench: the same program
# under another comm, so that test recorders filtering on "sr_work" do not
# record the benchmark.  Its files live on tmpfs: on this VM's ext4 the loop
# waits on writeback (O_TRUNC of a written file flushes it at close) and
# becomes I/O bound, which would hide a tracer's CPU cost.  Traces go to disk.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
OUTPUT=${OUTPUT:-.output}
case "$OUTPUT" in /*) OUT=$OUTPUT ;; *) OUT=$TOP/$OUTPUT ;; esac
SYSREC=${SYSREC:-$TOP/sysrec}
ROUNDS=${BENCH_ROUNDS:-5}
VAR_STATS=${BENCH_VAR_STATS:-1}
# Rounds for untraced, attach and sysrec: the loop's wall time moves by
# 10-20 % between rounds on this VM, as much as the 1.15 target leaves, and
# their rounds are cheap.  Never fewer than ROUNDS.
FAST_ROUNDS=${BENCH_FAST_ROUNDS:-15}
case $VAR_STATS in 0|1) ;; *) echo "bench: BENCH_VAR_STATS must be 0 or 1" >&2; exit 2 ;; esac
case $ROUNDS$FAST_ROUNDS in *[!0-9]*) echo "bench: BENCH_ROUNDS and BENCH_FAST_ROUNDS must be numbers" >&2; exit 2 ;; esac
[ "$FAST_ROUNDS" -lt "$ROUNDS" ] && FAST_ROUNDS=$ROUNDS
LOOP_N=${BENCH_N:-60000}
SCHED_N=${BENCH_SCHED_N:-100000}
SCHED_ROUNDS=${BENCH_SCHED_ROUNDS:-5}
NET_N=${BENCH_NET_N:-50000}
NET_ROUNDS=${BENCH_NET_ROUNDS:-5}
TOOLS=${BENCH_TOOLS:-"untraced attach sysrec perf bpftrace strace"}
GEN_EVENTS=${BENCH_EVENTS:-10000000}
SR_WORK=$OUT/bench/sr_bench
GENTRACE=$OUT/tools/gentrace
RETRACE=$OUT/tools/retrace
RES=$OUT/bench
BL=$RES/bench_loop
FLOOR=$RES/sqlite_floor

# the syscalls of sysrec's default classes (proc, mem, file), for the peers
SYSCALLS="brk clone clone3 close creat dup dup2 dup3 execve execveat fcntl fork
mmap munmap open openat openat2 pread64 preadv preadv2 pwrite64 pwritev pwritev2
read readv vfork write writev"

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "# $*"; }
have() { command -v "$1" >/dev/null 2>&1; }

mkdir -p "$RES" || die "cannot create $RES"
SCRATCH=$(mktemp -d /tmp/sysrec-bench.XXXXXX) || die "mktemp failed"
LOOPDIR=$(mktemp -d /dev/shm/sysrec-bench.XXXXXX 2>/dev/null) || LOOPDIR=$SCRATCH/loop
mkdir -p "$LOOPDIR"
BG_PIDS=()
cleanup() {
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$LOOPDIR"
	[ "${BENCH_KEEP:-0}" = 1 ] && echo "# scratch kept in $SCRATCH" || rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers ---

# NUM with two decimals, or "-"
num_fmt() { awk -v x="$1" 'BEGIN { if (x ~ /^[0-9.e+-]+$/) printf "%.2f", x; else printf "-" }'; }

# median of the numbers on stdin (empty input: "-")
median() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The 5th and 95th percentiles ("LO-HI") of the median of the numbers on
# stdin, over 2000 resamples with replacement (a fixed seed: the same
# input prints the same interval); "-" for fewer than 3 numbers.
boot_interval() {
	awk 'function med(a, n,   i, j, t) {
		for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{ v[++n] = $1 }
	END {
		if (n < 3) { print "-"; exit }
		srand(1)
		for (b = 1; b <= 2000; b++) {
			for (i = 1; i <= n; i++) s[i] = v[int(rand() * n) + 1]
			m[b] = med(s, n)
		}
		med(m, 2000)	# sorts m
		printf "%.2f-%.2f", m[100], m[1900]
	}'
}
now_ns() { date +%s%N; }
fsize() { stat -c %s "$1" 2>/dev/null || echo 0; }
# kv FILE KEY: the value of KEY=VALUE in FILE
kv() { [ -r "$1" ] && tr ' ' '\n' <"$1" | sed -n "s/^$2=//p" | head -1; }
# info_field FILE KEY: a "key: value" line of sysrec info
info_field() { "$SYSREC" info "$1" 2>/dev/null | sed -n "s/^$2: *//p" | head -1 | awk '{ print $1 }'; }
# sysrec's summary line: "sysrec: N events, N lost, N bytes ..."
summary_events() { sed -n 's/^sysrec: \([0-9]*\) events, \([0-9]*\) lost.*/\1/p' "$1" | tail -1; }
summary_lost() { sed -n 's/^sysrec: \([0-9]*\) events, \([0-9]*\) lost.*/\2/p' "$1" | tail -1; }
wait_file() {	# wait_file PATH PID TIMEOUT_S: until PATH exists (0) or PID died / timeout (1)
	local i=0
	while [ ! -e "$1" ]; do
		kill -0 "$2" 2>/dev/null || return 1
		i=$((i + 1))
		[ $i -gt $(($3 * 100)) ] && return 1
		sleep 0.01
	done
}

build_helpers() {
	local cc=${CC:-cc}

	[ -x "$OUT/workloads/sr_work" ] || die "$OUT/workloads/sr_work missing: run 'make OUTPUT=$OUTPUT tools'"
	# the reference loop under its own name: test recorders filtering on
	# comm sr_work (tests/bpf) must not record the benchmark
	cp "$OUT/workloads/sr_work" "$SR_WORK.tmp" && mv "$SR_WORK.tmp" "$SR_WORK" || die "cannot copy sr_work"
	if [ ! -x "$BL" ] || [ tests/bench/bench_loop.c -nt "$BL" ]; then
		$cc -O2 -Wall -Wextra -Werror -o "$BL" tests/bench/bench_loop.c || die "cannot build bench_loop"
	fi
	if [ ! -x "$FLOOR" ] || [ tests/bench/sqlite_floor.c -nt "$FLOOR" ] || [ "$OUT/libformat.a" -nt "$FLOOR" ]; then
		$cc -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -o "$FLOOR" tests/bench/sqlite_floor.c \
			"$OUT/libformat.a" -lzstd -lz -lsqlite3 -lpthread -lm 2>"$SCRATCH/floor.log" ||
			{ note "sqlite_floor not built (libformat.a: $(head -1 "$SCRATCH/floor.log"))"; rm -f "$FLOOR"; }
	fi
}

need_root() {
	[ "$(id -u)" -eq 0 ] && [ -r /sys/kernel/btf/vmlinux ] && return 0
	echo "skipped: needs root and kernel BTF"
	return 1
}

# perf and bpftrace need the syscalls:* tracepoints, i.e. tracefs
mount_tracefs() {
	[ -d /sys/kernel/tracing/events/syscalls ] && return 0
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	[ -d /sys/kernel/tracing/events/syscalls ]
}

machine() {
	local cpu foreign
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
	foreign=$(bpftool prog show 2>/dev/null | grep -cE 'name (sys_enter|sys_exit)( |$)')
	note "machine: $cpu, $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
	note "date: $(date -u '+%Y-%m-%d %H:%M UTC'), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
	note "sysrec: $SYSREC ($($SYSREC --version 2>/dev/null | head -1)), git $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null)$(git -C "$TOP" status --porcelain 2>/dev/null | grep -q . && echo ' + uncommitted changes')"
	[ "${foreign:-0}" -gt 0 ] &&
		note "warning: $foreign BPF programs of other processes are attached to sys_enter/sys_exit: every run, untraced included, pays for them"
	pgrep -a -x sysrec 2>/dev/null | grep ' record' | cut -c1-160 | sed 's/^/#   other recorder: /'
	return 0
}

# target KEY VALUE: a figure for the targets table at the end of `all`
target() { echo "$1=$2" >>"$SCRATCH/targets"; }

# --- benchmark 1: overhead ---

perf_events() {
	local ev="" s d
	for s in $SYSCALLS; do
		for d in enter exit; do
			[ -d /sys/kernel/tracing/events/syscalls/sys_${d}_$s ] && ev="$ev,syscalls:sys_${d}_$s"
		done
	done
	echo "${ev#,},sched:sched_process_fork,sched:sched_process_exec,sched:sched_process_exit"
}

bpftrace_script() {
	local en="" ex="" s
	for s in $SYSCALLS; do
		[ -d /sys/kernel/tracing/events/syscalls/sys_enter_$s ] || continue
		en="$en${en:+,}tracepoint:syscalls:sys_enter_$s"
		ex="$ex${ex:+,}tracepoint:syscalls:sys_exit_$s"
	done
	cat <<EOF
BEGIN { @t[cpid] = 1; }
tracepoint:sched:sched_process_fork /@t[args->parent_pid]/ { @t[args->child_pid] = 1; printf("%llu %d %d %s fork %d\n", nsecs, pid, tid, comm, args->child_pid); }
tracepoint:sched:sched_process_exec /@t[pid]/ { printf("%llu %d %d %s exec %s\n", nsecs, pid, tid, comm, str(args->filename)); }
tracepoint:sched:sched_process_exit /@t[pid]/ { printf("%llu %d %d %s exit\n", nsecs, pid, tid, comm); if (pid == tid) { delete(@t[pid]); } }
$en /@t[pid]/ { @ts[tid] = nsecs; }
$ex /@t[pid]/ { printf("%llu %d %d %s %s %d %llu\n", nsecs, pid, tid, comm, probe, args->ret, nsecs - @ts[tid]); delete(@ts[tid]); }
EOF
}

# run_tool TOOL ROUND: one timed run; leaves $SCRATCH/ov.TOOL.ROUND with
# wall_ns= cpu_us= events= lost= bytes= run_ns= tool_cpu_us= tool_rss_kb=, or failed=WHY
run_tool() {
	local tool=$1 r=$2 t0 t1 ev="" lost="" bytes="" rc=0 wcpu tcpu
	local res=$SCRATCH/ov.$1.$2
	local bl_out=$SCRATCH/bl.out err=$SCRATCH/tool.err tt=$SCRATCH/tool.time
	local loop=("$BL" "$bl_out" -- "$SR_WORK" loop "$LOOP_N" "$LOOPDIR")
	# the tool's CPU and peak RSS; its CPU includes the workload's, subtracted below
	local tm=(/usr/bin/time -f 'tu=%U ts=%S trss=%M' -o "$tt")

	rm -f "$bl_out" "$err" "$tt"
	case $tool in
	perf) rm -f "$SCRATCH/perf.data" ;;
	bpftrace) bpftrace_script >"$SCRATCH/loop.bt"; rm -f "$SCRATCH/bt.out" ;;
	strace) rm -f "$SCRATCH/strace.out" ;;
	esac
	t0=$(now_ns)
	case $tool in
	untraced)
		"${tm[@]}" "${loop[@]}" 2>"$err" || rc=$?
		;;
	attach)
		"${tm[@]}" "$SYSREC" record --attach-only -f -o "$SCRATCH/attach.trc" -- "${loop[@]}" 2>"$err" || rc=$?
		;;
	sysrec)
		"${tm[@]}" "$SYSREC" record -f -o "$SCRATCH/sysrec.trc" -- "${loop[@]}" 2>"$err" || rc=$?
		;;
	before)
		"${tm[@]}" "$SYSREC_BEFORE" record -f -o "$SCRATCH/before.trc" -- "${loop[@]}" 2>"$err" || rc=$?
		;;
	perf)
		"${tm[@]}" perf record -q -z -e "$(perf_events)" -o "$SCRATCH/perf.data" -- "${loop[@]}" 2>"$err" || rc=$?
		;;
	bpftrace)
		"${tm[@]}" bpftrace -o "$SCRATCH/bt.out" -c "${loop[*]}" "$SCRATCH/loop.bt" >/dev/null 2>"$err" || rc=$?
		;;
	strace)
		"${tm[@]}" strace -f -o "$SCRATCH/strace.out" "${loop[@]}" 2>"$err" || rc=$?
		;;
	esac
	t1=$(now_ns)
	case $tool in
	attach)
		lost=$(summary_lost "$err")
		;;
	sysrec)
		ev=$(summary_events "$err")
		lost=$(summary_lost "$err")
		bytes=$(fsize "$SCRATCH/sysrec.trc")
		cp "$SCRATCH/sysrec.trc" "$RES/loop.trc.tmp" && mv "$RES/loop.trc.tmp" "$RES/loop.trc"
		;;
	before)
		ev=$(summary_events "$err")
		lost=$(summary_lost "$err")
		bytes=$(fsize "$SCRATCH/before.trc")
		;;
	perf)
		bytes=$(fsize "$SCRATCH/perf.data")
		# one event per syscall (its sys_enter) and per sched_process_* sample, as sysrec counts
		perf report --stats -i "$SCRATCH/perf.data" >"$SCRATCH/perf.stats" 2>/dev/null
		ev=$(awk '/ stats:$/ { name = $1 } /SAMPLE events:/ && (name ~ /sys_enter_/ || name ~ /^sched:/) { n += $3 } END { print n + 0 }' "$SCRATCH/perf.stats")
		lost=$(awk '/^ *LOST(_SAMPLES)? events:/ && !seen[$1]++ { n += $3 } /stats:$/ { exit } END { print n + 0 }' "$SCRATCH/perf.stats")
		cp "$SCRATCH/perf.data" "$RES/perf.data"
		;;
	bpftrace)
		bytes=$(fsize "$SCRATCH/bt.out")
		ev=$(grep -vc '^Attaching\|^$' "$SCRATCH/bt.out")
		lost=$(cat "$err" "$SCRATCH/bt.out" | sed -n 's/.*Lost \([0-9]*\) events.*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
		;;
	strace)
		bytes=$(fsize "$SCRATCH/strace.out")
		# one line per syscall; a call split by a task switch (unfinished/resumed) counts once
		ev=$(grep -v -e ' resumed>' -e '^[0-9]* *+++' -e '^[0-9]* *---' "$SCRATCH/strace.out" | wc -l)
		lost=0
		;;
	esac
	if [ $rc -ne 0 ] || [ ! -s "$bl_out" ]; then
		echo "failed=status_$rc:$(head -c 200 "$err" | tr -s ' \n' '_')" >"$res"
		return 1
	fi
	wcpu=$(( $(kv "$bl_out" user_us) + $(kv "$bl_out" sys_us) ))
	tcpu=-
	[ "$tool" != untraced ] &&
		tcpu=$(awk -v u="$(kv "$tt" tu)" -v s="$(kv "$tt" ts)" -v w="$wcpu" 'BEGIN { x = (u + s) * 1e6 - w; printf "%d", x < 0 ? 0 : x }')
	echo "wall_ns=$(kv "$bl_out" wall_ns) cpu_us=$wcpu events=${ev:--} lost=${lost:--} bytes=${bytes:--} run_ns=$((t1 - t0)) tool_cpu_us=$tcpu tool_rss_kb=$(kv "$tt" trss)" >"$res"
}

tool_label() {
	case $1 in
	untraced) echo "untraced" ;;
	attach) echo "sysrec --attach-only" ;;
	sysrec) echo "sysrec record" ;;
	before) echo "sysrec record (before)" ;;
	perf) echo "perf record -z" ;;
	bpftrace) echo "bpftrace" ;;
	strace) echo "strace -f" ;;
	*) echo "$1" ;;
	esac
}

tool_available() {
	case $1 in
	perf) have perf && mount_tracefs ;;
	bpftrace) have bpftrace && mount_tracefs ;;
	strace) have strace ;;
	before) [ -n "${SYSREC_BEFORE:-}" ] && [ -x "$SYSREC_BEFORE" ] ;;
	*) return 0 ;;
	esac
}

bench_overhead() {
	local tools=() fast=() rt=() t r i n k
	echo
	echo "== 1. overhead: sr_work loop $LOOP_N (open/read/read/close, open/write/close; mmap/munmap/brk every 64; fork+exec every 1024)"
	need_root || return 0
	for t in $TOOLS; do
		if tool_available "$t"; then tools+=("$t"); else note "$(tool_label "$t"): not available, skipped"; fi
	done
	for t in "${tools[@]}"; do
		case $t in untraced|attach|sysrec|before) fast+=("$t") ;; esac
	done
	note "$ROUNDS rounds of every tool, then untraced, attach and sysrec alone up to $FAST_ROUNDS rounds;"
	note "tools alternating (order rotated each round); workload files on $(df --output=fstype "$LOOPDIR" | tail -1), traces on $(df --output=fstype "$SCRATCH" | tail -1)"
	note "wall: the workload itself, from its start to its exit (tracer start-up excluded); CPU: the workload's user+sys"
	"$BL" "$SCRATCH/bl.out" -- "$SR_WORK" loop 2000 "$LOOPDIR" >/dev/null 2>&1	# warm-up
	for r in $(seq 1 "$FAST_ROUNDS"); do
		if [ "$r" -le "$ROUNDS" ]; then rt=("${tools[@]}"); else rt=("${fast[@]}"); fi
		n=${#rt[@]}
		[ "$n" -eq 0 ] && break
		for k in $(seq 0 $((n - 1))); do
			i=$(( (k + r - 1) % n ))
			run_tool "${rt[$i]}" "$r" || note "round $r: $(tool_label "${rt[$i]}") failed: $(kv "$SCRATCH/ov.${rt[$i]}.$r" failed)"
		done
		printf '# round %d/%d done\n' "$r" "$FAST_ROUNDS" >&2
	done

	local base att
	# each tool's median over the rounds it ran
	med() { for r in $(seq 1 "$FAST_ROUNDS"); do kv "$SCRATCH/ov.$1.$r" "$2"; done | grep -E '^[0-9.]+$' | median; }
	base=$(med untraced wall_ns)
	att=$(med attach wall_ns)
	echo
	printf '%-22s %7s %10s %8s %7s %8s %6s %11s %7s %7s %8s %6s\n' tool "wall s" "x untraced" "x attach" "CPU s" events lost "out bytes" B/event "tool s" "tool RSS" "run s"
	for t in "${tools[@]}"; do
		local w c e l b rn tc tr
		w=$(med "$t" wall_ns); c=$(med "$t" cpu_us); e=$(med "$t" events); l=$(med "$t" lost)
		b=$(med "$t" bytes); rn=$(med "$t" run_ns); tc=$(med "$t" tool_cpu_us); tr=$(med "$t" tool_rss_kb)
		awk -v t="$(tool_label "$t")" -v w="$w" -v c="$c" -v e="$e" -v l="$l" -v b="$b" -v base="$base" -v att="$att" -v rn="$rn" -v tool="$t" -v tc="$tc" -v tr="$tr" '
		function num(x) { return x ~ /^[0-9.e+]+$/ }
		BEGIN {
			if (!num(w)) { printf "%-22s %8s\n", t, "failed"; exit }
			xa = (tool == "untraced" || !num(att)) ? "-" : sprintf("%.2f", w / att)
			printf "%-22s %7.3f %10s %8s %7.3f %8s %6s %11s %7s %7s %8s %6.1f\n", t, w / 1e9,
				num(base) ? sprintf("%.2f", w / base) : "-", xa, c / 1e6,
				num(e) ? sprintf("%d", e) : "-", num(l) ? sprintf("%d", l) : "-",
				num(b) ? sprintf("%d", b) : "-",
				(num(b) && num(e) && e > 0) ? sprintf("%.2f", b / e) : "-",
				num(tc) ? sprintf("%.3f", tc / 1e6) : "-",
				(num(tr) && tool != "untraced") ? sprintf("%.0fM", tr / 1024) : "-", rn / 1e9
		}'
	done
	local sw se sl sb
	sw=$(med sysrec wall_ns); se=$(med sysrec events); sl=$(med sysrec lost); sb=$(med sysrec bytes)
	case $sw in ''|-) ;; *)
		[ -n "$base" ] && [ "$base" != - ] && target ratio_untraced "$(awk -v a="$sw" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
		[ -n "$att" ] && [ "$att" != - ] && target ratio_attach "$(awk -v a="$sw" -v b="$att" 'BEGIN { printf "%.2f", a / b }')"
		target lost_bench1 "$sl"
		target bytes_per_event "$(awk -v b="$sb" -v e="$se" 'BEGIN { if (e > 0) printf "%.2f", b / e }')"
		target rss_bench1 "$(med sysrec tool_rss_kb | awk '{ printf "%.1f", $1 / 1024 }')"
	esac
	echo
	# The host moves the loop's speed by 10-20 % over a run (see the
	# rounds below); each round runs every tool back to back, so the
	# ratios within a round are a second, steadier view.
	note "the ratios taken within each round (a tool against untraced and attach-only of the same round), medians:"
	# round_ratios TOOL REF: TOOL's wall / REF's in each round both ran,
	# one per line; round_ratio TOOL REF: their median
	round_ratios() {
		for r in $(seq 1 "$FAST_ROUNDS"); do
			paste <(kv "$SCRATCH/ov.$1.$r" wall_ns) <(kv "$SCRATCH/ov.$2.$r" wall_ns)
		done 2>/dev/null | awk 'NF == 2 && $2 > 0 { print $1 / $2 }'
	}
	round_ratio() { round_ratios "$1" "$2" | median; }
	for t in "${tools[@]}"; do
		[ "$t" = untraced ] && continue
		printf '#   %-22s %6s x untraced %6s x attach\n' "$(tool_label "$t")" \
			"$(num_fmt "$(round_ratio "$t" untraced)")" \
			"$([ "$t" = attach ] && echo - || num_fmt "$(round_ratio "$t" attach)")"
	done
	# How far chance alone moves those medians: resample the rounds
	# (with replacement) and take the median again, 2000 times.
	local ru ra
	ru=$(round_ratios sysrec untraced)
	ra=$(round_ratios sysrec attach)
	if [ -n "$ra" ]; then
		note "90 % bootstrap intervals of sysrec record's medians above (its rounds resampled 2000 times):"
		printf '#   %-22s %s x untraced, %s x attach\n' "$(tool_label sysrec)" \
			"$(echo "$ru" | boot_interval)" "$(echo "$ra" | boot_interval)"
	fi
	note "wall time of each round, s (medians above):"
	for t in "${tools[@]}"; do
		printf '#   %-22s' "$(tool_label "$t")"
		for r in $(seq 1 "$FAST_ROUNDS"); do
			[ -e "$SCRATCH/ov.$t.$r" ] || continue
			w=$(kv "$SCRATCH/ov.$t.$r" wall_ns)
			[ -n "$w" ] && printf ' %7.3f' "$(awk -v w="$w" 'BEGIN { print w / 1e9 }')" || printf ' %7s' fail
		done
		echo
	done
	note "events: sysrec records (one per syscall, with arguments, result, duration); perf: sys_enter + sched samples"
	note "(each syscall is also a sys_exit sample); bpftrace: output lines (one per syscall at exit);"
	note "strace: syscall lines (every syscall, not only the traced classes)."
	note "CPU s: the workload's user+sys; tool s: the tracer's own user+sys (its total minus the workload's);"
	note "tool RSS: the tracer's peak resident set; run s: the tracer's whole run, start-up and shutdown included."
	unset -f med round_ratios round_ratio
}

# --- benchmark 2: saturation ---

# sat_run BUFPAGES ROUND: two copies under sysrec -p; leaves $SCRATCH/sat.B.R
sat_run() {
	local pages=$1 r=$2 res=$SCRATCH/sat.$1.$2 trc=$SCRATCH/sat.trc blp rp opt=()
	rm -f "$SCRATCH"/sat.pid "$SCRATCH"/sat.go "$trc" "$SCRATCH/sat.bl"
	mkdir -p "$LOOPDIR/0" "$LOOPDIR/1"
	[ "$pages" != default ] && opt=(--buffer-pages "$pages")
	"$BL" -n 2 -P "$SCRATCH/sat.pid" -g "$SCRATCH/sat.go" "$SCRATCH/sat.bl" -- "$SR_WORK" loop "$LOOP_N" "$LOOPDIR/{}" &
	blp=$!
	BG_PIDS+=("$blp")
	wait_file "$SCRATCH/sat.pid" "$blp" 10 || { echo "failed=bench_loop" >"$res"; return 1; }
	/usr/bin/time -f 'user=%U sys=%S maxrss_kb=%M elapsed=%e' -o "$SCRATCH/sat.time" \
		"$SYSREC" record -f "${opt[@]}" -o "$trc" -p "$(cat "$SCRATCH/sat.pid")" 2>"$SCRATCH/sat.err" &
	rp=$!
	BG_PIDS+=("$rp")
	wait_file "$trc" "$rp" 30 || { kill "$blp"; echo "failed=record:$(head -1 "$SCRATCH/sat.err")" >"$res"; return 1; }
	touch "$SCRATCH/sat.go"
	wait "$blp"
	wait "$rp"
	echo "wall_ns=$(kv "$SCRATCH/sat.bl" wall_ns) events=$(summary_events "$SCRATCH/sat.err") lost=$(summary_lost "$SCRATCH/sat.err") $(cat "$SCRATCH/sat.time") bytes=$(fsize "$trc")" >"$res"
}

bench_saturation() {
	local big=${BENCH_BIG_PAGES:-8192} sr=${BENCH_SAT_ROUNDS:-3} b r base
	echo
	echo "== 2. saturation: two sr_work loop $LOOP_N copies on both CPUs, recorded with sysrec record -p (all classes)"
	need_root || return 0
	note "median of $sr runs per buffer size; recorder CPU = user+sys of the recorder process over the workload's wall time"
	mkdir -p "$LOOPDIR/0" "$LOOPDIR/1"
	for r in $(seq 1 "$sr"); do
		rm -f "$SCRATCH/bl2.out"
		"$BL" -n 2 "$SCRATCH/bl2.out" -- "$SR_WORK" loop "$LOOP_N" "$LOOPDIR/{}" &&
			kv "$SCRATCH/bl2.out" wall_ns >>"$SCRATCH/sat.base"
		for b in default "$big"; do
			sat_run "$b" "$r" || note "run $r, buffer $b: $(kv "$SCRATCH/sat.$b.$r" failed)"
		done
	done
	base=$(median <"$SCRATCH/sat.base")
	echo
	printf '%-26s %8s %9s %11s %8s %10s %10s %11s %9s\n' "buffer (pages per CPU)" "wall s" "x alone" events/s lost "lost %" "rec CPU s" "rec CPU %" "peak RSS"
	for b in default "$big"; do
		local w e l u s m
		sm() { for r in $(seq 1 "$sr"); do kv "$SCRATCH/sat.$b.$r" "$1"; done | grep -E '^[0-9.]+$' | median; }
		w=$(sm wall_ns); e=$(sm events); l=$(sm lost); u=$(sm user); s=$(sm sys); m=$(sm maxrss_kb)
		awk -v b="$([ "$b" = default ] && echo "2048 (default, 8 MiB)" || echo "$b ($((b * 4 / 1024)) MiB)")" \
			-v w="$w" -v e="$e" -v l="$l" -v u="$u" -v s="$s" -v m="$m" -v base="$base" '
		BEGIN {
			if (w !~ /^[0-9.e+]+$/) { printf "%-26s failed\n", b; exit }
			printf "%-26s %8.3f %9.2f %11.0f %8d %9.3f%% %10.2f %10.1f%% %6.1f MiB\n", b, w / 1e9, w / base,
				e / (w / 1e9), l, (e + l) ? 100 * l / (e + l) : 0, u + s, 100 * (u + s) / (w / 1e9), m / 1024
		}'
		[ "$b" = default ] && [ -n "$m" ] && [ "$m" != - ] && target rss_saturation "$(awk -v m="$m" 'BEGIN { printf "%.1f", m / 1024 }')"
		unset -f sm
	done
	echo
	note "workload alone (two copies, untraced): $(awk -v w="$base" 'BEGIN { printf "%.3f s", w / 1e9 }'); events/s counts records written over the workload's wall time"
}

# --- benchmark 3: size ---

bench_size() {
	local in=$RES/loop.trc lv ch out line
	echo
	echo "== 3. size: benchmark 1's recording re-encoded with retrace, by zstd level and chunk size"
	if [ ! -s "$in" ] || ! "$SYSREC" info "$in" >/dev/null 2>&1; then
		need_root || return 0
		note "no readable recording from benchmark 1 in $in: recording one"
		"$SYSREC" record -q -f -o "$in" -- "$SR_WORK" loop "$LOOP_N" "$LOOPDIR" || { echo "failed: sysrec record"; return 0; }
	fi
	if [ ! -x "$RETRACE" ]; then
		echo "skipped: $RETRACE is not built (make tools)"
		return 0
	fi
	note "input: $in: $(fsize "$in") bytes, $(info_field "$in" events) events, $(info_field "$in" bytes_per_event) bytes/event as recorded"
	note "write MB/s: uncompressed bytes per second through the writer (records to columns, zstd, write) on one thread"
	# the defaults, from the format's header
	local dchunk dlevel
	dchunk=$(sed -n 's/^#define SR_CHUNK_DEFAULT[^(]*(\([0-9]*\)u* *<< *\([0-9]*\)).*/\1 \2/p' include/sysrec/format.h | awk '{ print $1 * 2 ^ $2 }')
	dlevel=$(sed -n 's/^#define SR_LEVEL_DEFAULT[[:space:]]*\([0-9]*\).*/\1/p' include/sysrec/format.h)
	note "defaults (include/sysrec/format.h): level ${dlevel:-?}, chunk ${dchunk:-?} bytes"
	printf '%-6s %-7s %11s %8s %7s %10s\n' level chunk "file bytes" B/event ratio "write MB/s"
	for lv in ${BENCH_LEVELS:-1 3 6 9 19}; do
		for ch in ${BENCH_CHUNKS:-65536 262144 1048576 4194304}; do
			out=$SCRATCH/re.trc
			line=$("$RETRACE" "$in" "$out" --level "$lv" --chunk "$ch" -f 2>"$SCRATCH/re.err") ||
				{ printf '%-6s %-7s failed: %s\n' "$lv" "$((ch / 1024))K" "$(head -1 "$SCRATCH/re.err")"; continue; }
			echo "$line" >"$SCRATCH/re.line"
			printf '%-6s %-7s %11s %8s %7s %10s%s\n' "$lv" "$((ch / 1024))K" "$(kv "$SCRATCH/re.line" file_bytes)" \
				"$(kv "$SCRATCH/re.line" bytes_per_event)" "$(kv "$SCRATCH/re.line" ratio)" "$(kv "$SCRATCH/re.line" write_mb_s)" \
				"$([ "$lv" = "$dlevel" ] && [ "$ch" = "$dchunk" ] && echo "   <- default")"
			[ -s "$SCRATCH/re.err" ] && note "retrace: $(head -1 "$SCRATCH/re.err")"
		done
	done
	rm -f "$SCRATCH/re.trc"
	note "B/event: file bytes (headers, metadata, snapshot, index included) per record; ratio: uncompressed record bytes / chunk bytes"
}

# --- benchmark 4: analysis ---

timed() {	# timed OUTFILE CMD...: "WALL CPU" seconds to stdout, the command's output to OUTFILE
	local t0 t1 out=$1 rc
	shift
	t0=$(now_ns)
	/usr/bin/time -f 'tu=%U ts=%S' -o "$SCRATCH/timed.time" "$@" >"$out" 2>"$out.err"
	rc=$?
	t1=$(now_ns)
	[ $rc -eq 0 ] || { echo "failed:$rc"; return 1; }
	awk -v t=$((t1 - t0)) -v u="$(kv "$SCRATCH/timed.time" tu)" -v s="$(kv "$SCRATCH/timed.time" ts)" 'BEGIN { printf "%.3f %.3f\n", t / 1e9, u + s }'
}

rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t + 0 > 0) printf "%.0f", n / t; else print "-" }'; }
# step_line NAME EVENTS WALL CPU
step_line() { printf '%-44s %8s %8s %12s %12s\n' "$1" "$3" "${4:--}" "$(rate "$2" "$3")" "$(rate "$2" "${4:-0}")"; }
# fl_field KEY: a field of sqlite_floor's line
fl_field() { tr ' ' '\n' <"$SCRATCH/floor.out" | sed -n "s/^$1=//p"; }

bench_analysis() {
	local gen=$SCRATCH/gen.trc db=$SCRATCH/gen.db t ev rep name args i med mcpu worst=0 worst_name=""
	echo
	echo "== 4. analysis: a gentrace trace of $GEN_EVENTS events"
	if [ ! -x "$GENTRACE" ]; then
		echo "skipped (import, reports, dump): $GENTRACE is not built (make tools)"
	else
		t=$(timed "$SCRATCH/gen.log" "$GENTRACE" -o "$gen" -n "$GEN_EVENTS" -f) || echo "gentrace failed: $(head -1 "$SCRATCH/gen.log.err")"
	fi
	if [ -s "$gen" ]; then
		ev=$(info_field "$gen" events)
		ev=${ev:-$GEN_EVENTS}
		note "trace: $(fsize "$gen") bytes, $ev events, generated in ${t%% *} s"
		printf '%-44s %8s %8s %12s %12s\n' step "wall s" "CPU s" "events/s" "ev/CPU s"
		rm -f "$db"
		# a report on a temporary database: no rows of events (it reads none),
		# import and report together (the report is about 0.1 s of it)
		t=$(timed "$SCRATCH/imp.out" "$SYSREC" analyze "$gen" --top-io --no-progress)
		step_line "sysrec analyze FILE --top-io (no event rows)" "$ev" $t
		target import_rate "$(rate "$ev" "${t%% *}")"
		target import_rate_cpu "$(rate "$ev" "${t##* }")"
		# the import alone with every row: a kept database, a trivial query
		t=$(timed "$SCRATCH/imp.out" "$SYSREC" analyze "$gen" --db "$db" --no-progress --sql 'SELECT 1')
		step_line "sysrec analyze FILE --db DB (import, event rows)" "$ev" $t
		if [ -x "$FLOOR" ] && "$FLOOR" "$gen" "$SCRATCH/floor.db" >"$SCRATCH/floor.out" 2>&1; then
			step_line "  floor: decode only (format reader)" "$ev" "$(fl_field decode_s)" "$(fl_field decode_cpu_s)"
			step_line "  floor: plain SQLite insert, events table" "$ev" "$(fl_field insert_s)" "$(fl_field insert_cpu_s)"
			target floor_rate "$(fl_field insert_rate)"
			# what bounds the floor, on the first 2M rows (rates do not depend on the count)
			local vr=$((ev < 2000000 ? ev : 2000000)) o
			for o in "--nomutex" "--nomutex --narrow"; do
				# shellcheck disable=SC2086
				"$FLOOR" "$gen" "$SCRATCH/floor.db" --rows "$vr" $o >"$SCRATCH/floor.out" 2>&1 &&
					step_line "  floor $o ($vr rows)" "$vr" "$(fl_field insert_s)" "$(fl_field insert_cpu_s)"
			done
		else
			note "sqlite_floor: not built or failed: $(head -1 "$SCRATCH/floor.out" 2>/dev/null)"
		fi
		rm -f "$SCRATCH/floor.db"
		t=$(timed /dev/null "$SYSREC" dump "$gen")
		step_line "sysrec dump > /dev/null" "$ev" $t
		t=$(timed /dev/null "$SYSREC" dump --json "$gen")
		step_line "sysrec dump --json > /dev/null" "$ev" $t
		echo
		note "reports on the $ev-event database (median of 3 runs; target <= 1 s each)"
		printf '%-44s %8s %8s %10s\n' report "wall s" "CPU s" "lines out"
		if [ -s "$db" ]; then
			for rep in "overview:" "--top-io:--top-io" "--top-io --by file:--top-io --by file" \
				"--top-io --by cgroup:--top-io --by cgroup" "--syscalls:--syscalls" "--procs:--procs" \
				"--mem:--mem" "--files:--files" "--timeline:--timeline"; do
				name=${rep%%:*}
				args=${rep#*:}
				: >"$SCRATCH/rep.times"
				for i in 1 2 3; do
					# shellcheck disable=SC2086
					timed "$SCRATCH/rep.out" "$SYSREC" analyze --db "$db" $args >>"$SCRATCH/rep.times" || break
				done
				med=$(grep -E '^[0-9.]+ ' "$SCRATCH/rep.times" | cut -d' ' -f1 | median)
				mcpu=$(grep -E '^[0-9.]+ ' "$SCRATCH/rep.times" | cut -d' ' -f2 | median)
				if [ "$med" = - ]; then
					med="failed: $(head -c 60 "$SCRATCH/rep.out.err")"
					worst=999 worst_name="$name (failed)"
				elif awk -v a="$med" -v b="$worst" 'BEGIN { exit !(a > b) }'; then
					worst=$med worst_name=$name
				fi
				printf '%-44s %8s %8s %10s\n' "$name" "$med" "$mcpu" "$(wc -l <"$SCRATCH/rep.out")"
			done
			target report_max "$worst ($worst_name)"
		else
			echo "skipped: the import did not produce $db ($(head -1 "$SCRATCH/imp.out.err"))"
		fi
	fi
	rm -f "$gen" "$db"
	echo
	note "one workload, two tracers' files (benchmark 1's last sysrec and perf runs)"
	printf '%-44s %8s %8s %12s %12s\n' "reader" "wall s" "CPU s" "events/s" events
	if [ -s "$RES/loop.trc" ]; then
		ev=$(info_field "$RES/loop.trc" events)
		t=$(timed /dev/null "$SYSREC" dump "$RES/loop.trc")
		printf '%-44s %8s %8s %12s %12s\n' "sysrec dump loop.trc > /dev/null" "${t%% *}" "${t##* }" "$(rate "$ev" "${t%% *}")" "$ev"
	fi
	if [ -s "$RES/perf.data" ] && have perf; then
		t=$(timed "$SCRATCH/ps.out" perf script -i "$RES/perf.data")
		ev=$(wc -l <"$SCRATCH/ps.out")
		printf '%-44s %8s %8s %12s %12s\n' "perf script -i perf.data > /dev/null" "${t%% *}" "${t##* }" "$(rate "$ev" "${t%% *}")" "$ev"
		rm -f "$SCRATCH/ps.out"
		note "perf script's events are samples, two per syscall (sys_enter, sys_exit)"
	fi
}

targets() {
	local f=$SCRATCH/targets
	tv() { sed -n "s/^$1=//p" "$f" 2>/dev/null | tail -1; }
	# verdict VALUE OP LIMIT
	verdict() { [ -z "$1" ] && { echo "not measured"; return; }; awk -v v="${1%% *}" -v l="$3" -v op="$2" 'BEGIN { ok = op == "<=" ? v <= l : v >= l; print ok ? "met" : "MISSED" }'; }
	echo
	echo "== targets"
	printf '%-52s %-22s %s\n' target measured verdict
	printf '%-52s %-22s %s\n' "sysrec record / untraced wall time <= 1.30" "$(tv ratio_untraced)" "$(verdict "$(tv ratio_untraced)" "<=" 1.30)"
	printf '%-52s %-22s %s\n' "sysrec record / attach-only wall time <= 1.15" "$(tv ratio_attach)" "$(verdict "$(tv ratio_attach)" "<=" 1.15)"
	printf '%-52s %-22s %s\n' "lost events, benchmark 1, default buffers = 0" "$(tv lost_bench1)" "$(verdict "$(tv lost_bench1)" "<=" 0)"
	printf '%-52s %-22s %s\n' "bytes per event on disk <= 6" "$(tv bytes_per_event)" "$(verdict "$(tv bytes_per_event)" "<=" 6)"
	printf '%-52s %-22s %s\n' "import events/s >= 1,000,000" "$(tv import_rate)" "$(verdict "$(tv import_rate)" ">=" 1000000)"
	printf '%-52s %-22s %s\n' "" "$(tv import_rate_cpu) per CPU s" "$(verdict "$(tv import_rate_cpu)" ">=" 1000000)"
	printf '%-52s %-22s %s\n' "slowest report, $GEN_EVENTS-event database, <= 1 s" "$(tv report_max)" "$(verdict "$(tv report_max)" "<=" 1)"
	printf '%-52s %-22s %s\n' "recorder peak RSS, default settings <= 64 MiB" "$(tv rss_saturation) MiB (saturation)" "$(verdict "$(tv rss_saturation)" "<=" 64)"
	printf '%-52s %-22s %s\n' "" "$(tv rss_bench1) MiB (benchmark 1)" "$(verdict "$(tv rss_bench1)" "<=" 64)"
	unset -f tv verdict
}

# --- soak ---

bench_soak() {
	local secs=${1:-600} trc=$SCRATCH/soak.trc rp t0 now el rss hwm fds first_rss="" max_rss=0 min_fd="" max_fd=0
	local half_rss="" last_rss="" max1=0 max2=0 sum1=0 n1=0 sum2=0 n2=0
	local sz
	echo
	echo "== soak: $secs s of two sr_work loops restarting back to back, recorded with sysrec record -- (all classes)"
	need_root || return 0
	mkdir -p "$LOOPDIR/0" "$LOOPDIR/1"
	cat >"$SCRATCH/soak.sh" <<EOF
#!/bin/sh
end=\$((\$(date +%s) + $secs))
for c in 0 1; do
	( while [ \$(date +%s) -lt \$end ]; do "$SR_WORK" loop 20000 "$LOOPDIR/\$c" || exit 1; done ) &
done
wait
EOF
	chmod +x "$SCRATCH/soak.sh"
	"$SYSREC" record -f -o "$trc" -- "$SCRATCH/soak.sh" 2>"$SCRATCH/soak.err" &
	rp=$!
	BG_PIDS+=("$rp")
	wait_file "$trc" "$rp" 30 || { echo "failed: $(head -1 "$SCRATCH/soak.err")"; return 0; }
	t0=$(date +%s)
	note "recorder pid $rp; a sample every ${BENCH_SOAK_EVERY:-10} s"
	printf '%8s %12s %12s %6s %14s\n' "t s" "RSS KiB" "HWM KiB" fds "file bytes"
	while kill -0 "$rp" 2>/dev/null; do
		rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$rp/status" 2>/dev/null)
		hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$rp/status" 2>/dev/null)
		fds=$(ls "/proc/$rp/fd" 2>/dev/null | wc -l)
		[ -n "$rss" ] || break
		now=$(date +%s)
		el=$((now - t0))
		sz=$(fsize "$trc")
		printf '%8d %12d %12d %6d %14d\n' "$el" "$rss" "$hwm" "$fds" "$sz"
		# after a 30 s warm-up, the resident set should stay where it is
		if [ "$el" -ge 30 ]; then
			[ -z "$first_rss" ] && first_rss=$rss
			[ "$rss" -gt "$max_rss" ] && max_rss=$rss
			{ [ -z "$min_fd" ] || [ "$fds" -lt "$min_fd" ]; } && min_fd=$fds
			[ "$fds" -gt "$max_fd" ] && max_fd=$fds
		fi
		# the second half of the run: is it still growing?
		[ "$el" -ge $((secs / 2)) ] && [ -z "$half_rss" ] && half_rss=$rss
		last_rss=$rss
		# the two halves after warm-up: the resident set follows the event
		# rate (the reorder window holds 100 ms of it), so growth is a later
		# half that goes higher than the earlier one
		if [ "$el" -ge 30 ] && [ "$el" -lt $(((secs + 30) / 2)) ]; then
			[ "$rss" -gt "$max1" ] && max1=$rss
			sum1=$((sum1 + rss)); n1=$((n1 + 1))
		elif [ "$el" -ge 30 ]; then
			[ "$rss" -gt "$max2" ] && max2=$rss
			sum2=$((sum2 + rss)); n2=$((n2 + 1))
		fi
		sleep "${BENCH_SOAK_EVERY:-10}"
	done
	wait "$rp"
	echo "soak: recorder exited with status $?: $(tail -1 "$SCRATCH/soak.err")"
	local rec_ev info_ev end_ev integ dmg
	rec_ev=$(summary_events "$SCRATCH/soak.err")
	"$SYSREC" info "$trc" >"$SCRATCH/soak.info" 2>&1
	info_ev=$(sed -n 's/^events: *//p' "$SCRATCH/soak.info" | awk '{ print $1 }')
	end_ev=$(sed -n 's/^end_events: *//p' "$SCRATCH/soak.info" | awk '{ print $1 }')
	integ=$(sed -n 's/^integrity: *//p' "$SCRATCH/soak.info")
	dmg=$(sed -n 's/^damaged_chunks: *//p' "$SCRATCH/soak.info")
	echo
	printf '%-44s %s\n' check result
	if [ -n "$first_rss" ]; then
		printf '%-44s %s\n' "RSS after 30 s warm-up -> max" "$first_rss -> $max_rss KiB (+$((max_rss - first_rss)) KiB)"
		[ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] &&
			printf '%-44s %s\n' "RSS mean / max, first and later half" "$((sum1 / n1)) / $max1 KiB, $((sum2 / n2)) / $max2 KiB: $([ $((max2 - max1)) -le 1024 ] && [ $((sum2 / n2 - sum1 / n1)) -le 1024 ] && echo 'flat (no growth)' || echo 'GROWS')"
		[ -n "$half_rss" ] &&
			printf '%-44s %s\n' "RSS over the second half" "$half_rss -> $last_rss KiB ($((last_rss - half_rss)) KiB, $(awk -v a="$half_rss" -v b="$last_rss" -v t="$secs" 'BEGIN { printf "%.2f KiB/min", (b - a) / (t / 2 / 60) }'))"
		printf '%-44s %s\n' "descriptors after warm-up (min..max)" "$min_fd..$max_fd: $([ "$min_fd" = "$max_fd" ] && echo 'no leak' || echo 'CHANGES')"
	else
		printf '%-44s %s\n' "RSS, descriptors" "not sampled (run shorter than the warm-up)"
	fi
	printf '%-44s %s\n' "events: recorder / info / info end_events" "${rec_ev:-?} / ${info_ev:-?} / ${end_ev:-?}"
	printf '%-44s %s\n' "integrity, damaged chunks" "${integ:-?}, ${dmg:-?}"
	printf '%-44s %s\n' "trace" "$(fsize "$trc") bytes, $(sed -n 's/^bytes_per_event: *//p' "$SCRATCH/soak.info") bytes/event, lost $(sed -n 's/^lost: *//p' "$SCRATCH/soak.info")"
	rm -f "$trc"
}

# --- profile: where the time goes (for docs/PERFORMANCE.md) ---

# prof_run MODE: sysrec record (MODE "record") or --attach-only on a long loop
# with kernel.bpf_stats_enabled, profiled system-wide; leaves the BPF
# programs' counters in $SCRATCH/prof.MODE.progs (this recorder's only).
prof_run() {
	local mode=$1 trc=$SCRATCH/prof.trc rp before opt=()
	[ "$mode" = attach ] && opt=(--attach-only)
	before=$(bpftool prog show 2>/dev/null | grep -oE '^[0-9]+')
	rm -f "$trc" "$SCRATCH/bl.out"
	"$SYSREC" record -f "${opt[@]}" -o "$trc" -- "$BL" "$SCRATCH/bl.out" -- "$SR_WORK" loop $((LOOP_N * 3)) "$LOOPDIR" 2>"$SCRATCH/prof.$mode.err" &
	rp=$!
	BG_PIDS+=("$rp")
	echo "$rp" >"$SCRATCH/prof.$mode.pid"
	wait_file "$trc" "$rp" 30 || return 1
	sleep 0.3
	perf record -q -a -g -o "$SCRATCH/prof.$mode.data" -- sleep "${BENCH_PROFILE_SECS:-3}" 2>/dev/null
	# the counters, while the programs are still attached
	bpftool prog show 2>/dev/null | awk -v before="$(echo $before)" '
		BEGIN { n = split(before, b, " "); for (i = 1; i <= n; i++) old[b[i]] = 1 }
		/^[0-9]+: / && $2 == "tracing" { id = $1; sub(":", "", id); if (!(id in old)) print }' >"$SCRATCH/prof.$mode.progs"
	wait "$rp"
	cp "$SCRATCH/bl.out" "$SCRATCH/prof.$mode.bl" 2>/dev/null
}

# prof_callees DATA: the loop's samples that fall in the syscall programs or
# below them, split by what they were doing: the programs' own code, the
# clock, the name copy (and its hardened-usercopy checks), the perf output.
prof_callees() {
	note "the traced loop's samples in sys_enter, sys_exit and their callees, by callee"
	perf script -i "$1" --comm sr_bench -F ip,sym 2>/dev/null | awk '
	function cat(s, leaf) {
		if (s ~ / (bpf_ktime_get_ns|ktime_get_mono_fast_ns|read_tsc)\n/) return "clock"
		if (s ~ / bpf_probe_read_user_str\n/) {
			if (leaf ~ /^(__check_object_size|check_heap_object|__virt_addr_valid|is_vmalloc_addr|check_stack_object|check_kernel_text_object)$/)
				return "name_checks"
			return "name"
		}
		if (s ~ / (bpf_perf_event_output[a-z_]*|perf_event_output)\n/) return "output"
		if (leaf == "bpf_get_current_task_btf") return "task"
		if (leaf ~ /^bpf_prog_[0-9a-f]+_sys_exit$/) return "exit"
		if (leaf ~ /^bpf_prog_[0-9a-f]+_sys_enter$/) return "enter"
		return "other"
	}
	BEGIN { RS = "" }
	{
		loop++
		if (($0 "\n") !~ /bpf_prog_[0-9a-f]+_sys_(enter|exit)\n/) next
		progs++
		split($0, fr, "\n"); split(fr[1], f, " ")
		n[cat($0 "\n", f[2])]++
	}
	END {
		if (!progs) { print "  (no samples in the programs)"; exit }
		split("exit enter clock name name_checks output task other", order, " ")
		d["exit"] = "sys_exit'"'"'s own code"
		d["enter"] = "sys_enter'"'"'s own code"
		d["clock"] = "the clock (bpf_ktime_get_ns and below)"
		d["name"] = "the name as passed (bpf_probe_read_user_str)"
		d["name_checks"] = "  ... its hardened-usercopy checks"
		d["output"] = "perf output (bpf_perf_event_output and below)"
		d["task"] = "bpf_get_current_task_btf"
		d["other"] = "the rest (bpf_loop steps, other helpers)"
		printf "%-48s %9s %12s %9s\n", "where", "samples", "of programs", "of loop"
		n["name"] += n["name_checks"]
		for (i = 1; i <= 8; i++) {
			k = order[i]
			printf "%-48s %9d %11.1f%% %8.1f%%\n", d[k], n[k], 100 * n[k] / progs, 100 * n[k] / loop
		}
		printf "%-48s %9d %11.1f%% %8.1f%%\n", "all", progs, 100, 100 * progs / loop
		print "# the clock: both programs'"'"' reads; the name as passed includes its checks"
	}'
}

bench_profile() {
	local old m rp
	echo
	echo "== profile: where the time goes, sr_work loop $((LOOP_N * 3)) under sysrec record and --attach-only"
	need_root || return 0
	have perf || { echo "skipped: perf not installed"; return 0; }
	have bpftool || { echo "skipped: bpftool not installed"; return 0; }
	old=$(sysctl -n kernel.bpf_stats_enabled)
	# BPF run-time statistics (they cost a clock read per run), only for these runs
	sysctl -qw kernel.bpf_stats_enabled=1
	for m in attach record; do
		prof_run "$m" || note "$m run failed: $(head -1 "$SCRATCH/prof.$m.err")"
	done
	sysctl -qw kernel.bpf_stats_enabled="$old"
	for m in attach record; do
		note "$m: workload $(cat "$SCRATCH/prof.$m.bl" 2>/dev/null); $(tail -1 "$SCRATCH/prof.$m.err")"
	done
	echo
	note "this recorder's BPF programs: mean run time per call (kernel.bpf_stats_enabled; the statistics add a clock read to each)"
	printf '%-22s %14s %14s %14s\n' program "attach ns/call" "record ns/call" "record calls"
	for p in sys_enter sys_exit sched_process_fork sched_process_exec sched_process_exit; do
		awk -v p="$p" -v a="$SCRATCH/prof.attach.progs" -v r="$SCRATCH/prof.record.progs" '
		function get(f,   line, t, c) {
			while ((getline line < f) > 0) {
				if (line !~ ("name " p " ")) continue
				match(line, /run_time_ns [0-9]+/); t = substr(line, RSTART + 12, RLENGTH - 12)
				match(line, /run_cnt [0-9]+/); c = substr(line, RSTART + 8, RLENGTH - 8)
				calls = c
				return c ? sprintf("%.0f", t / c) : "-"
			}
			return "-"
		}
		BEGIN { x = get(a); y = get(r); printf "%-22s %14s %14s %14s\n", p, x, y, calls }'
	done
	echo
	note "the traced loop under sysrec record: inclusive share of its CPU samples (perf record -a -g, ${BENCH_PROFILE_SECS:-3} s)"
	note "(symbols are shared with other recorders attached to the same tracepoints, if any)"
	perf report -i "$SCRATCH/prof.record.data" --comm sr_bench --children --sort sym --stdio -g none --percentage relative 2>/dev/null |
		grep -E '\[k\] (__bpf_trace_sys_e|bpf_prog_|bpf_perf_event_output|perf_event_output|perf_output_sample|bpf_probe_read|copy_from_kernel_nofault|bpf_get_current_comm|bpf_task_storage_get|bpf_loop|ktime_get|bpf_get_current_cgroup_id|bpf_probe_read_user_str|strncpy_from_user|do_syscall_64|__x64_sys_)' |
		head -30
	echo
	prof_callees "$SCRATCH/prof.record.data"
	echo
	rp=$(cat "$SCRATCH/prof.record.pid")
	note "the recorder (pid $rp) itself: top symbols, share of its samples"
	perf report -i "$SCRATCH/prof.record.data" --pid "$rp" --no-children --sort dso,sym --stdio -g none --percentage relative 2>/dev/null |
		grep -v '^#' | grep -v '^$' | head -20
}

# --- variants: what each part of the BPF capture costs ---

# stats_run BIN TAG [OPTS...]: record the loop with BIN, sample this
# recorder's BPF run-time counters 2 s in (when VAR_STATS is 1); leaves
# $SCRATCH/var.TAG with enter_ns= exit_ns= cpu_us= wall_ns=
stats_run() {
	local bin=$1 tag=$2 trc=$SCRATCH/var.trc rp before st=
	shift 2
	before=$(bpftool prog show 2>/dev/null | grep -oE '^[0-9]+')
	rm -f "$trc" "$SCRATCH/bl.out"
	"$bin" record -f "$@" -o "$trc" -- "$BL" "$SCRATCH/bl.out" -- "$SR_WORK" loop $((LOOP_N * 3)) "$LOOPDIR" 2>"$SCRATCH/var.err" &
	rp=$!
	BG_PIDS+=("$rp")
	wait_file "$trc" "$rp" 60 || { echo "failed=$(head -1 "$SCRATCH/var.err")" >"$SCRATCH/var.$tag"; return 1; }
	sleep 2
	[ "$VAR_STATS" = 1 ] && st=$(bpftool prog show 2>/dev/null | awk -v before="$(echo $before)" '
		BEGIN { n = split(before, b, " "); for (i = 1; i <= n; i++) old[b[i]] = 1 }
		/^[0-9]+: / && $2 == "tracing" {
			id = $1; sub(":", "", id); if (id in old) next
			match($0, /name [a-z_]+/); nm = substr($0, RSTART + 5, RLENGTH - 5)
			match($0, /run_time_ns [0-9]+/); t = substr($0, RSTART + 12, RLENGTH - 12)
			match($0, /run_cnt [0-9]+/); c = substr($0, RSTART + 8, RLENGTH - 8)
			if (nm == "sys_enter") printf "enter_ns=%.0f ", c ? t / c : 0
			if (nm == "sys_exit") printf "exit_ns=%.0f ", c ? t / c : 0 }')
	wait "$rp"
	echo "$st cpu_us=$(( $(kv "$SCRATCH/bl.out" user_us) + $(kv "$SCRATCH/bl.out" sys_us) )) wall_ns=$(kv "$SCRATCH/bl.out" wall_ns)" >"$SCRATCH/var.$tag"
}

bench_variants() {
	local tree=$SCRATCH/tree vars=${BENCH_VARIANTS:-"base no-output unbatched ringbuf no-path no-name no-entry-clock lean bare-exit filter"}
	local v r ok=() old vmh=()
	local rounds=${BENCH_VAR_ROUNDS:-3}
	echo
	echo "== variants: the BPF capture with one part taken out, sr_work loop $((LOOP_N * 3))"
	need_root || return 0
	have bpftool && have python3 || { echo "skipped: needs bpftool and python3"; return 0; }
	note "each variant is bpf/sysrec.bpf.c edited by tests/bench/bpf_variants.py, built in a scratch copy of the tree"
	mkdir -p "$tree"
	tar -C "$TOP" --exclude='./.output*' --exclude='./.git' --exclude='*.trc' -cf - . | tar -C "$tree" -xf - ||
		{ echo "failed: cannot copy the tree"; return 0; }
	[ -s "$OUT/vmlinux.h" ] && vmh=(VMLINUX_H="$OUT/vmlinux.h")
	for v in $vars; do
		if ! python3 tests/bench/bpf_variants.py bpf/sysrec.bpf.c "$v" "$tree/bpf/sysrec.bpf.c" 2>"$SCRATCH/var.build"; then
			note "$v: $(head -1 "$SCRATCH/var.build")"
			continue
		fi
		if make -C "$tree" OUTPUT=.out BIN=.out/sysrec "${vmh[@]}" -j"$(nproc)" >"$SCRATCH/var.build" 2>&1; then
			cp "$tree/.out/sysrec" "$SCRATCH/sysrec-$v" && ok+=("$v")
		else
			note "$v: build failed: $(grep -m1 -i error "$SCRATCH/var.build")"
		fi
	done
	if [ ${#ok[@]} -eq 0 ]; then
		echo "skipped: no variant could be built"
		return 0
	fi
	old=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled="$VAR_STATS"
	for r in $(seq 1 "$rounds"); do
		stats_run "$SYSREC" "attach.$r" --attach-only
		for v in "${ok[@]}"; do
			stats_run "$SCRATCH/sysrec-$v" "$v.$r"
		done
		printf '# round %d/%d done\n' "$r" "$rounds" >&2
	done
	sysctl -qw kernel.bpf_stats_enabled="$old"
	if [ "$VAR_STATS" = 1 ]; then
		note "ns/call: this recorder's programs, kernel.bpf_stats_enabled (which adds a clock read per run); medians of $rounds runs"
	else
		note "BENCH_VAR_STATS=0: kernel.bpf_stats_enabled off, no ns/call; medians of $rounds runs"
	fi
	note "CPU s: the loop's user+sys; wall vs attach: the median of the loop's wall time over attach-only's in the same round"
	printf '%-30s %14s %13s %8s %12s %15s\n' variant "sys_enter ns" "sys_exit ns" "CPU s" "CPU vs base" "wall vs attach"
	vm() { for r in $(seq 1 "$rounds"); do kv "$SCRATCH/var.$1.$r" "$2"; done | grep -E '^[0-9.]+$' | median; }
	# the median over rounds of VARIANT's wall time over attach-only's in the same round
	vr() {
		for r in $(seq 1 "$rounds"); do
			awk -v a="$(kv "$SCRATCH/var.attach.$r" wall_ns)" -v w="$(kv "$SCRATCH/var.$1.$r" wall_ns)" \
				'BEGIN { if (a > 0 && w > 0) printf "%.4f\n", w / a }'
		done | median
	}
	local basecpu
	basecpu=$(vm base cpu_us)
	for v in attach "${ok[@]}"; do
		awk -v v="$([ "$v" = attach ] && echo "attach-only (floor)" || echo "$v")" -v en="$(vm "$v" enter_ns)" -v ex="$(vm "$v" exit_ns)" \
			-v c="$(vm "$v" cpu_us)" -v b="$basecpu" -v w="$(vr "$v")" '
			BEGIN { ok = c ~ /^[0-9.]+$/
				printf "%-30s %14s %13s %8s %12s %15s\n", v, en, ex, ok ? sprintf("%.3f", c / 1e6) : "-",
					(ok && b > 0) ? sprintf("%.2f", c / b) : "-", w ~ /^[0-9.]+$/ ? sprintf("%.3f", w) : "-" }'
	done
	unset -f vm vr
}

# --- memory: analyze within its budget ---

# mem_line NAME EVENTS BUDGET CMD...: peak RSS, budget, wall time, status
mem_line() {
	local name=$1 ev=$2 budget=$3 t0 t1 rc kb
	shift 3
	t0=$(now_ns)
	/usr/bin/time -f %M -o "$SCRATCH/mem.time" "$@" >/dev/null 2>"$SCRATCH/mem.err"
	rc=$?
	t1=$(now_ns)
	kb=$(tail -1 "$SCRATCH/mem.time")
	printf '%-40s %10s %9s %9s %8s %5s\n' "$name" "$ev" "$((kb / 1024))" "$budget" \
		"$(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.1f", t / 1e9 }')" "$rc"
	[ $rc -eq 0 ] || note "  $(grep -v '^#' "$SCRATCH/mem.err" | tail -1)"
}

bench_memory() {
	local big=$SCRATCH/mem-big.trc set=$SCRATCH/mem-set host=$SCRATCH/mem-hostile.trc
	local n=${BENCH_MEM_EVENTS:-50000000} nf=${BENCH_MEM_FILES:-1000}
	local fe=${BENCH_MEM_FILE_EVENTS:-10000} i def
	local mkh=$OUT/tools/mkhostile
	echo
	echo "== memory: peak RSS of sysrec analyze against its budget (--mem-limit)"
	[ -x "$GENTRACE" ] && [ -x "$mkh" ] || { echo "skipped: make tools"; return; }
	def=$(awk '/MemTotal/ { printf "%d", $2 / 4 / 1024 }' /proc/meminfo)
	note "default budget: a quarter of RAM, ${def} MiB here"
	"$GENTRACE" -o "$big" -n "$n" -f >/dev/null || { echo "gentrace failed"; return; }
	mkdir -p "$set"
	for ((i = 0; i < nf; i++)); do
		"$GENTRACE" -o "$set/$(printf %05d "$i").trc" -n "$fe" --seed $((i + 1)) \
			--recording-id 0123456789abcdef --rotation "$i" -f >/dev/null || { echo "gentrace failed"; return; }
	done
	"$mkh" -o "$host" --chunks 50 -f || { echo "mkhostile failed"; return; }
	note "traces: $(fsize "$big") bytes ($n events); $nf files of $fe events," \
		"$(du -sb "$set" | awk '{ print $1 }') bytes; hostile $(fsize "$host") bytes (50 x 1M exits)"
	printf '%-40s %10s %9s %9s %8s %5s\n' input events "RSS MiB" "budget" "wall s" exit
	mem_line "gentrace, one file (--top-io)" "$n" "${def}M" \
		"$SYSREC" analyze "$big" --top-io --no-progress
	mem_line "gentrace, one file (--db, every row)" "$n" "${def}M" \
		"$SYSREC" analyze "$big" --db "$SCRATCH/mem.db" --no-progress --sql 'SELECT 1'
	rm -f "$SCRATCH/mem.db"
	mem_line "rotated set of $nf files (--top-io)" "$((nf * fe))" "${def}M" \
		"$SYSREC" analyze "$set"/*.trc --top-io --no-progress
	mem_line "gentrace, one file (--top-io), 2G" "$n" 2G \
		"$SYSREC" analyze "$big" --top-io --no-progress --mem-limit 2G
	mem_line "hostile 50-chunk file, --mem-limit 256M" 50000000 256M \
		"$SYSREC" analyze "$host" --no-progress --mem-limit 256M
	mem_line "hostile 50-chunk file, --mem-limit 512M" 50000000 512M \
		"$SYSREC" analyze "$host" --no-progress --mem-limit 512M
	mem_line "hostile 50-chunk file, default budget" 50000000 "${def}M" \
		"$SYSREC" analyze "$host" --no-progress
}

# --- benchmark: sched ---

# sched_run TOOL ROUND: one timed pingpong; leaves $SCRATCH/sc.TOOL.ROUND
# with wall_ns= events= lost= bytes=, or failed=WHY
sched_run() {
	local tool=$1 r=$2 res=$SCRATCH/sc.$1.$2 out=$SCRATCH/sc.bl err=$SCRATCH/sc.err rc=0 ev lost bytes
	local counts="- - -"
	local work=("$BL" "$out" -- "$OUT/workloads/sr_cpu" pingpong "$SCHED_N")

	rm -f "$out" "$err" "$SCRATCH/sc.trc" "$SCRATCH/sched.data"
	case $tool in
	untraced) "${work[@]}" 2>"$err" || rc=$? ;;
	sysrec) "$SYSREC" record -f -o "$SCRATCH/sc.trc" -- "${work[@]}" 2>"$err" || rc=$? ;;
	sysrec_cpu) "$SYSREC" record -f -e cpu -o "$SCRATCH/sc.trc" -- "${work[@]}" 2>"$err" || rc=$? ;;
	perf) perf sched record -q -o "$SCRATCH/sched.data" -- "${work[@]}" >/dev/null 2>"$err" || rc=$? ;;
	esac
	# events lost bytes: sysrec's summary line; perf's samples and lost counts
	case $tool in
	sysrec|sysrec_cpu) counts="$(summary_events "$err") $(summary_lost "$err") $(fsize "$SCRATCH/sc.trc")" ;;
	perf)
		perf report --stats -i "$SCRATCH/sched.data" 2>/dev/null | awk -v b="$(fsize "$SCRATCH/sched.data")" '
			/^ *SAMPLE events:/ && !ev { ev = $3 }
			/^ *LOST(_SAMPLES)? events:/ && !seen[$1]++ { lost += $3 }
			/^[a-z_]+:[a-z_]+ stats:$/ { exit }	# the aggregate ends: per-event sections
			END { print (ev ? ev : "-"), lost + 0, b }' >"$SCRATCH/sched.stats"
		counts=$(cat "$SCRATCH/sched.stats")
		;;
	esac
	read -r ev lost bytes <<<"$counts"
	if [ $rc -ne 0 ] || [ ! -s "$out" ]; then
		echo "failed=status_$rc:$(head -c 200 "$err" | tr -s ' \n' '_')" >"$res"
		return 1
	fi
	echo "wall_ns=$(kv "$out" wall_ns) events=${ev:--} lost=${lost:--} bytes=${bytes:--}" >"$res"
}

sched_label() {
	case $1 in
	untraced) echo "untraced" ;;
	sysrec) echo "sysrec record" ;;
	sysrec_cpu) echo "sysrec record -e cpu" ;;
	perf) echo "perf sched record" ;;
	esac
}

bench_sched() {
	local tools=(untraced sysrec sysrec_cpu) r k n i t base
	echo
	echo "== sched: sr_cpu pingpong $SCHED_N (two processes, a byte back and forth over two pipes)"
	need_root || return 0
	[ -x "$OUT/workloads/sr_cpu" ] || die "$OUT/workloads/sr_cpu missing: run 'make OUTPUT=$OUTPUT tools'"
	if have perf && mount_tracefs; then tools+=(perf); else note "perf sched record: not available, skipped"; fi
	note "$SCHED_ROUNDS rounds, tools alternating (order rotated each round); wall: the workload from its start to its exit"
	"$BL" "$SCRATCH/sc.bl" -- "$OUT/workloads/sr_cpu" pingpong 2000 >/dev/null 2>&1	# warm-up
	n=${#tools[@]}
	for r in $(seq 1 "$SCHED_ROUNDS"); do
		for k in $(seq 0 $((n - 1))); do
			i=$(( (k + r - 1) % n ))
			sched_run "${tools[$i]}" "$r" ||
				note "round $r: $(sched_label "${tools[$i]}") failed: $(kv "$SCRATCH/sc.${tools[$i]}.$r" failed)"
		done
		printf '# round %d/%d done\n' "$r" "$SCHED_ROUNDS" >&2
	done
	scm() { for r in $(seq 1 "$SCHED_ROUNDS"); do kv "$SCRATCH/sc.$1.$r" "$2"; done | grep -E '^[0-9.]+$' | median; }
	base=$(scm untraced wall_ns)
	echo
	printf '%-22s %8s %10s %9s %10s %8s %11s %8s\n' tool "wall s" "x untraced" "added s" events lost "out bytes" B/event
	for t in "${tools[@]}"; do
		awk -v t="$(sched_label "$t")" -v w="$(scm "$t" wall_ns)" -v e="$(scm "$t" events)" -v l="$(scm "$t" lost)" \
			-v b="$(scm "$t" bytes)" -v base="$base" '
		function num(x) { return x ~ /^[0-9.e+]+$/ }
		BEGIN {
			if (!num(w)) { printf "%-22s %8s\n", t, "failed"; exit }
			printf "%-22s %8.3f %10s %9s %10s %8s %11s %8s\n", t, w / 1e9,
				num(base) ? sprintf("%.2f", w / base) : "-", num(base) ? sprintf("%.3f", (w - base) / 1e9) : "-",
				num(e) ? sprintf("%d", e) : "-", num(l) ? sprintf("%d", l) : "-", num(b) ? sprintf("%d", b) : "-",
				(num(b) && num(e) && e > 0) ? sprintf("%.2f", b / e) : "-"
		}'
	done
	echo
	# the target: sysrec recording what perf sched records (the scheduler's
	# events, -e cpu); with every class it also records each read and write
	for t in sysrec_cpu sysrec; do
		awk -v t="$(sched_label "$t")" -v s="$(scm "$t" wall_ns)" -v p="$(scm perf wall_ns)" -v base="$base" \
			-v tgt="$([ "$t" = sysrec_cpu ] && echo "target: " || echo "for comparison: ")" 'BEGIN {
			if (s !~ /^[0-9.e+]+$/ || p !~ /^[0-9.e+]+$/ || base !~ /^[0-9.e+]+$/ || p <= base) { print "# " tgt t ": not measured"; exit }
			printf "# %s%s added time <= half of perf sched record'"'"'s: %.3f s vs %.3f s (%.2f): %s\n", tgt, t,
				(s - base) / 1e9, (p - base) / 1e9, (s - base) / (p - base), (s - base) <= (p - base) / 2 ? "met" : "MISSED" }'
	done
	note "events: sysrec records (switches, wakeups; with every class also the reads and writes and their splits);"
	note "perf: samples (its sched_* tracepoints)"
	unset -f scm
}

# --- benchmark: a fleet in ClickHouse ---

bench_clickhouse() {
	local n=${BENCH_CH_EVENTS:-100000000} nt=${BENCH_CH_TRACES:-50} jobs=${BENCH_CH_JOBS:-2}
	local per i t0 t1 files=() r label tsq tch same
	have clickhouse-server || { note "clickhouse: no clickhouse-server (tests/deps.sh installs it)"; return; }
	# shellcheck source=../chserver.sh
	. "$TOP/tests/chserver.sh"
	per=$((n / nt))
	echo
	echo "== clickhouse: $nt traces of $per events (distinct hosts), $jobs exporters at once =="
	for i in $(seq -w 1 "$nt"); do
		"$GENTRACE" -o "$SCRATCH/ch$i.trc" -n "$per" --seed "$i" --host "host$i" \
			--recording-id "rec$i" >/dev/null || die "gentrace failed"
		files+=("$SCRATCH/ch$i.trc")
	done
	local srv=${BENCH_CH_DIR:-$SCRATCH}/chsrv-$$ fs dev
	ch_start "$srv" || die "clickhouse-server did not start"
	# the server's filesystem: ext4 without a journal costs the server's
	# part files a slow inode allocator (docs/PERFORMANCE.md)
	fs=$(findmnt -no FSTYPE,SOURCE -T "$srv" | head -1)
	dev=$(basename "${fs#* }")
	[ -r "/sys/fs/ext4/$dev/journal_task" ] &&
		fs="$fs, journal: $(cat "/sys/fs/ext4/$dev/journal_task" 2>/dev/null)"
	echo "server data: $srv ($fs)"
	t0=$(now_ns)
	for j in $(seq 0 $((jobs - 1))); do
		sel=()
		for i in $(seq "$j" "$jobs" $((nt - 1))); do sel+=("${files[$i]}"); done
		"$SYSREC" export "${sel[@]}" --clickhouse "$CH_URL" --no-progress 2>"$SCRATCH/chexp$j.err" &
		BG_PIDS+=($!)
	done
	wait "${BG_PIDS[@]}" || note "an export failed: $(cat "$SCRATCH"/chexp*.err | tail -2)"
	BG_PIDS=()
	t1=$(now_ns)
	local got
	got=$(curl -sS "$CH_URL" --data-binary "SELECT sum(events) FROM recordings")
	awk -v e="$got" -v ns=$((t1 - t0)) 'BEGIN { printf "export: %d events in %.2f s: %.0f events/s (target >= 2000000: %s)\n",
		e, ns / 1e9, e / (ns / 1e9), (e / (ns / 1e9) >= 2e6) ? "met" : "MISSED" }'
	t0=$(now_ns)
	"$SYSREC" analyze "${files[@]}" --db "$SCRATCH/ch.db" --no-progress --sql "SELECT 1" >/dev/null 2>&1 ||
		die "import into SQLite failed"
	t1=$(now_ns)
	awk -v e="$got" -v ns=$((t1 - t0)) 'BEGIN { printf "SQLite import (--db): %.2f s: %.0f events/s\n", ns / 1e9, e / (ns / 1e9) }'
	echo
	printf '%-26s %10s %12s %6s %s\n' report "sqlite s" "clickhouse s" same "target <= 2 s"
	# --slow: its top 100 (CSV has no default limit: every call would be a row)
	for r in "" --top-io "--top-io --by file" "--top-io --by cgroup" --syscalls "--syscalls --hist" \
		 "--slow --limit 100" --errors --procs --cpu --mem --files --timeline; do
		label=${r:-overview}
		t0=$(now_ns)
		# shellcheck disable=SC2086
		"$SYSREC" analyze --db "$SCRATCH/ch.db" $r --format csv >"$SCRATCH/sq.csv" 2>/dev/null
		t1=$(now_ns)
		tsq=$((t1 - t0))
		t0=$(now_ns)
		# shellcheck disable=SC2086
		"$SYSREC" analyze --clickhouse "$CH_URL" $r --format csv >"$SCRATCH/ch.csv" 2>"$SCRATCH/ch.err"
		t1=$(now_ns)
		tch=$((t1 - t0))
		cmp -s "$SCRATCH/sq.csv" "$SCRATCH/ch.csv" && same=yes || same=NO
		awk -v l="$label" -v a="$tsq" -v b="$tch" -v s="$same" 'BEGIN {
			printf "%-26s %10.2f %12.2f %6s %s\n", l, a / 1e9, b / 1e9, s, (b / 1e9 <= 2) ? "met" : "MISSED" }'
	done
	note "same: the CSV of --clickhouse equals the SQLite path's byte for byte (processes that tie on"
	note "every sort key go by host and recording on both paths, docs/SCHEMA.md)"
	ch_stop "$srv"
	if [ -n "${BENCH_CH_DIR:-}" ] && [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$srv"; fi
}

# --- export ---

# exp_run NAME EVENTS OUT CMD...: a line of the export table; peak RSS from time(1)
exp_run() {
	local name=$1 ev=$2 out=$3 t0 t1 wall cpu rss size
	shift 3
	t0=$(now_ns)
	/usr/bin/time -f 'tu=%U ts=%S rss=%M' -o "$SCRATCH/exp.time" "$@" >/dev/null 2>"$SCRATCH/exp.err" ||
		{ printf '%-46s failed: %s\n' "$name" "$(head -1 "$SCRATCH/exp.err")"; return; }
	t1=$(now_ns)
	wall=$(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.3f", t / 1e9 }')
	cpu=$(awk -v u="$(kv "$SCRATCH/exp.time" tu)" -v s="$(kv "$SCRATCH/exp.time" ts)" 'BEGIN { printf "%.3f", u + s }')
	rss=$(awk -v k="$(kv "$SCRATCH/exp.time" rss)" 'BEGIN { printf "%.1f", k / 1024 }')
	size=-
	[ -n "$out" ] && [ -f "$out" ] && size=$(awk -v b="$(fsize "$out")" 'BEGIN { printf "%.1f", b / 1048576 }')
	printf '%-46s %8s %8s %12s %9s %9s\n' "$name" "$wall" "$cpu" "$(rate "$ev" "$wall")" "$rss" "$size"
	rm -f "$out"
}

bench_export() {
	local ev=${BENCH_EXPORT_EVENTS:-10000000} gen=$SCRATCH/export.trc small=$SCRATCH/export-small.trc
	echo "== export: a gentrace trace of $ev events"
	if [ ! -x "$GENTRACE" ]; then
		echo "skipped: $GENTRACE is not built (make tools)"
		return
	fi
	"$GENTRACE" -o "$gen" -n "$ev" -f >/dev/null || { echo "gentrace failed"; return; }
	"$GENTRACE" -o "$small" -n $((ev / 10)) -f >/dev/null || { echo "gentrace failed"; return; }
	printf '%-46s %8s %8s %12s %9s %9s\n' step wall_s cpu_s events/s rss_mib out_mib
	exp_run "sysrec analyze FILE (import, no event rows)" "$ev" "" \
		"$SYSREC" analyze "$gen" --top-io --no-progress
	exp_run "sysrec analyze FILE --db DB (import, rows)" "$ev" "$SCRATCH/export.db" \
		"$SYSREC" analyze "$gen" --db "$SCRATCH/export.db" --no-progress --sql 'SELECT 1'
	exp_run "sysrec export FILE --perfetto OUT" "$ev" "$SCRATCH/export.pftrace" \
		"$SYSREC" export "$gen" --perfetto "$SCRATCH/export.pftrace"
	exp_run "sysrec export FILE --chrome-json OUT" "$ev" "$SCRATCH/export.json" \
		"$SYSREC" export "$gen" --chrome-json "$SCRATCH/export.json"
	exp_run "sysrec export FILE/10 --perfetto OUT" $((ev / 10)) "$SCRATCH/export.pftrace" \
		"$SYSREC" export "$small" --perfetto "$SCRATCH/export.pftrace"
	note "target: export at least as fast as analyze imports; its RSS the same for FILE and FILE/10"
	rm -f "$gen" "$small"
}
# --- benchmark: net (tests/bench/net.sh) ---

. "$TOP/tests/bench/net.sh"

# --- main ---

cmd=${1:-all}
[ $# -gt 0 ] && shift
case $cmd in
overhead|saturation|size|analysis|all|soak|profile|variants|memory|sched|export|net|clickhouse) ;;
-h|--help|help) sed -n '3,69p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) die "unknown benchmark '$cmd' (overhead, saturation, size, analysis, all, soak [SECS], profile, variants, memory, sched, export, net, clickhouse)" ;;
esac
[ -x "$SYSREC" ] || die "$SYSREC is not built (make)"
build_helpers
echo "sysrec benchmarks: $cmd"
machine
note "loop: $SR_WORK loop $LOOP_N"
case $cmd in
overhead) bench_overhead ;;
saturation) bench_saturation ;;
size) bench_size ;;
analysis) bench_analysis ;;
soak) bench_soak "${1:-600}" ;;
profile) bench_profile ;;
variants) bench_variants ;;
memory) bench_memory ;;
sched) bench_sched ;;
export) bench_export ;;
net) bench_net ;;
clickhouse) bench_clickhouse ;;
all)
	bench_overhead
	bench_saturation
	bench_size
	bench_analysis
	targets
	;;
esac
