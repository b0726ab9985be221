# SPDX-License-Identifier: GPL-2.0-only
# lib.sh - the test protocol in shell, sourced by tests/cli/*.sh and tests/bpf/*.sh.
#
# ok NAME / fail NAME WHY / skip NAME WHY print one line each for tests/run.sh.
# Under CI=true a skip of a BPF test is a failure: CI runs as root with BTF.
# check NAME CMD...  runs CMD and reports ok or fail.

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SYSREC=${SYSREC:-$TOP/sysrec}
OUTPUT=${OUTPUT:-.output}
case $OUTPUT in /*) OUT=$OUTPUT ;; *) OUT=$TOP/$OUTPUT ;; esac
SYSREC_ASAN=${SYSREC_ASAN:-$OUT/asan/sysrec}
TOOLS=$OUT/tools
WORKLOADS=$OUT/workloads
T_FAILED=0

ok() { echo "ok $*"; }
fail() { local n=$1; shift; echo "not ok $n: $*"; T_FAILED=$((T_FAILED + 1)); }
skip() {
	local n=$1; shift
	if [ "${CI:-}" = true ]; then
		echo "not ok $n: skipped under CI: $*"; T_FAILED=$((T_FAILED + 1))
	else
		echo "skip $n: $*"
	fi
}
check() { local n=$1; shift; if "$@"; then ok "$n"; else fail "$n" "command failed: $*"; fi; }
# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
# must_fail NAME CMD...: CMD must exit non-zero and print exactly one line on stderr.
must_fail() {
	local n=$1; shift
	local err rc
	err=$("$@" 2>&1 >/dev/null); rc=$?
	if [ $rc -eq 0 ]; then fail "$n" "succeeded: $*"; return; fi
	if [ "$rc" -ge 128 ]; then fail "$n" "crashed with status $rc: $*"; return; fi
	if [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] || [ -z "$err" ]; then
		fail "$n" "not one line of error: $err"; return
	fi
	ok "$n"
}
# can_record: 0 when $SYSREC has the recorder (the analyzer-only build,
# make NO_BPF=1, answers every record command with exit 2)
can_record() { "$SYSREC" record --help >/dev/null 2>&1; }
# need_bpf NAME: 0 when BPF tests can run here, else reports a skip and returns 1.
need_bpf() {
	if ! can_record; then skip "$1" "analyzer-only build: it cannot record"; return 1; fi
	if [ "$(id -u)" -ne 0 ]; then skip "$1" "not root"; return 1; fi
	if [ ! -r /sys/kernel/btf/vmlinux ]; then skip "$1" "no kernel BTF"; return 1; fi
	return 0
}
# wait_for FILE: until FILE exists (a workload's ready file, a recorder's
# output, which appears once its programs are attached), up to 10 s
wait_for() { for _ in $(seq 100); do [ -e "$1" ] && return 0; sleep 0.1; done; return 1; }
# wait_for_data FILE: until FILE is not empty, up to 10 s
wait_for_data() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }
# start_ready NAME READY CMD...: CMD (an sr_work) in the background, told to
# create READY once it is set up, until it does; wpid is its pid
start_ready() {
	local n=$1 ready=$2
	shift 2
	SR_WORK_READY=$ready "$@" &
	wpid=$!
	wait_for "$ready" || fail "$n: workload ready" "no ready file"
}
# start_record NAME TRACE ARG...: `sysrec record -q -o TRACE ARG...` in the
# background, until TRACE appears (its programs attached); rpid is its pid
start_record() {
	local n=$1 trace=$2
	shift 2
	"$SYSREC" record -q -o "$trace" "$@" &
	rpid=$!
	wait_for "$trace" || fail "$n: recorder started" "no trace file"
}
# record_pid NAME TRACE STATUS [RECORD-ARG...] -- CMD...: records CMD (an
# sr_work) with -p once it is ready, lets it go on (SIGUSR1), and checks
# that it exits with STATUS and that the recorder stops with it, status 0
record_pid() {
	local n=$1 trace=$2 status=$3 args=()
	shift 3
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	start_ready "$n" "$trace.ready" "$@"
	start_record "$n" "$trace" "${args[@]}" -p "$wpid"
	kill -USR1 "$wpid"
	wait "$wpid"
	expect_eq "$n: workload status" "$?" "$status"
	wait "$rpid"
	expect_eq "$n: recorder stops when the process exits" "$?" 0
}
# t_tmpdir: $tmp, a private directory.  At exit t_cleanup kills the
# script's jobs still running (only its own, from `jobs -p`: never a pid
# that was reused, and stopped ones too), runs t_cleanup_more when the
# script defines it (an unmount), and removes $tmp.
t_tmpdir() { tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX); trap t_cleanup EXIT; }
t_cleanup() {
	for p in $(jobs -p); do kill -CONT "$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	if declare -F t_cleanup_more >/dev/null; then t_cleanup_more; fi
	rm -rf "$tmp"
}
# prog_ids PID: BPF programs and links held by a process (from fdinfo)
prog_ids() { grep -hE '^(prog_id|link_id):' /proc/"$1"/fdinfo/* 2>/dev/null | sort -u | tr '\t' ' '; }
# still_loaded IDS: how many of these programs and links exist after up to
# 15 s (the kernel frees tracing programs after an RCU grace period)
still_loaded() {
	local ids=$1 id n
	for _ in $(seq 150); do
		n=0
		for id in $(printf '%s\n' "$ids" | sed -n 's/^prog_id: //p'); do
			bpftool prog show id "$id" >/dev/null 2>&1 && n=$((n + 1))
		done
		for id in $(printf '%s\n' "$ids" | sed -n 's/^link_id: //p'); do
			bpftool link show id "$id" >/dev/null 2>&1 && n=$((n + 1))
		done
		[ "$n" -eq 0 ] && break
		sleep 0.1
	done
	echo "$n"
}
# info_field TRACE KEY[.KEY...]: one value of `sysrec info --json TRACE`
info_field() {
	"$SYSREC" info --json "$1" 2>/dev/null | python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[k]
print(v)' "$2"
}
# need_built NAME FILE...: each FILE must be built (make asan tools), else
# one failure for NAME and the script ends
need_built() {
	local n=$1 x
	shift
	for x in "$@"; do
		[ -x "$x" ] && continue
		fail "$n" "missing $x (make asan tools)"
		exit 1
	done
}
# relay PREFIX LOG: the result lines of a nested test run (LOG, run with CI
# unset) as ours, their names prefixed; a record test that an analyzer-only
# build cannot run by design counts as ok, any other skip stays a skip
relay() {
	sed -n -e "s/^skip \(.*\): analyzer-only build: it cannot record\$/ok $1: \1: not run, this build cannot record/p" \
		-e "/^ok $1: /!s/^\(ok\|not ok\|skip\) /\1 $1: /p" "$2"
	grep -E '^[0-9]+ passed, [0-9]+ failed' "$2" | sed "s/^/# $1: /"
}
t_done() { [ "$T_FAILED" -eq 0 ]; }
# need_built NAME FILE...: every FILE is an executable, else a failure and exit
need_built() {
	local n=$1 x; shift
	for x in "$@"; do
		[ -x "$x" ] || { fail "$n" "not built: $x (make asan tools)"; exit 1; }
	done
}
# run_in DIR NAME WANT_RC CMD...: stdout to DIR/out, stderr to DIR/err, the exit status checked
run_in() {
	local d=$1 n=$2 want=$3 rc
	shift 3
	"$@" >"$d/out" 2>"$d/err"; rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$n" "exit status $rc, want $want: $(head -c 300 "$d/err")"
	else
		ok "$n"
	fi
}

# in_browser NAME P: page P.html in headless Chromium (tests/tools/report_browser.js),
# its findings into P.json and a screenshot into P.png.  A browser that fails
# to start or answer on a loaded machine gets a second go; what the page holds
# is checked from its output either way.  Fails NAME when both go wrong.
in_browser() {
	local try
	for try in 1 2; do
		node --experimental-websocket --no-warnings "$TOP/tests/tools/report_browser.js" \
			"$2.html" "$2.json" "$2.png" 2>"$2.browser.err$try" && return 0
	done
	# each try's error: an uncaught one's own line, not the Node.js banner after it
	fail "$1" "$(for try in 1 2; do grep -m1 -E '^[A-Za-z]*Error|^report_browser:' \
		"$2.browser.err$try" || tail -3 "$2.browser.err$try"; done)"
	return 1
}
