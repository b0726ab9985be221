#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# reliability_signals.sh - the recorder stopped by a signal, or its --print
# reader gone away.
#  - SIGINT, SIGTERM, SIGHUP during a recording with -p: exit 0, a complete
#    file (end block, index; end metadata's count = the records read), and
#    every write the workload finished before the signal is in it: a clean
#    stop drains everything (the ticker of reliability_crash.sh notes the
#    CLOCK_MONOTONIC time each write returned).
#  - record --print ... | head -1: the reader of stdout exits; the recorder
#    must not die of SIGPIPE with a cut file and no word: it either keeps
#    recording (a complete file with every event of the reference recording
#    of the same deterministic workload) or stops with one line and a
#    complete file.
#  - the recorded command starts with SIGPIPE, SIGINT, SIGTERM and SIGHUP
#    at their defaults, with --print or without.
. "$(dirname "$0")/../lib.sh"
need_bpf reliability_signals || exit 0
t_tmpdir
W=$WORKLOADS/sr_work


for sig in INT TERM HUP; do
	d=$tmp/$sig
	mkdir "$d"
	python3 "$TOP/tests/bpf/ticker.py" "$d/tick.out" "$d/tick.log" 250 10 "$d/ready" &
	tpid=$!
	wait_for_data "$d/ready" || fail "$sig: ticker ready" "no ready file"
	"$SYSREC" record -q -o "$d/s.trc" -p "$tpid" &
	rpid=$!
	wait_for_data "$d/s.trc" || fail "$sig: recorder started" "no trace file"
	sleep 0.3
	kill -USR1 "$tpid"
	sleep 1.2
	K=$(python3 -c 'import os,sys,time; t=time.monotonic_ns(); os.kill(int(sys.argv[1]), int(sys.argv[2])); print(t)' \
		"$rpid" "$(kill -l "$sig")")
	wait "$rpid"
	expect_eq "$sig: recorder exit status" "$?" 0
	wait "$tpid"
	expect_eq "$sig: complete file, end metadata matches" \
		"$(info_field "$d/s.trc" integrity.complete) $(info_field "$d/s.trc" integrity.events_match)" "True True"
	"$SYSREC" dump --json "$d/s.trc" > "$d/s.ndjson"
	python3 - "$d/s.ndjson" "$d/tick.log" "$tpid" "$(cat "$d/ready")" "$K" "$sig" <<'EOF'
import json, sys
path, logp, tpid, tfd, K, sig = sys.argv[1:7]
tpid, tfd, K = int(tpid), int(tfd), int(K)
evs = [json.loads(l) for l in open(path)]
done = [tuple(map(int, l.split())) for l in open(logp)]
sizes = [e["ret"] for e in evs if e["type"] == "rw" and e["pid"] == tpid and e["fd"] == tfd
         and e["syscall"] == "write"]
before = [s for s, t in done if t <= K]
ok = sizes[:len(before)] == before and sizes == list(range(1, len(sizes) + 1))
print(("ok" if ok else "not ok") + " %s: every write finished before the signal is in the file"
      " (%d before, %d in the file)" % (sig, len(before), len(sizes))
      + ("" if ok else ": sizes %s..." % sizes[-5:]))
sys.exit(0 if ok else 1)
EOF
	[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
done

# --print into a pipe whose reader goes away
N=3000
mkdir "$tmp/l"
# not the cpu class: its switches and wakeups depend on everything else the machine runs
EV=proc,mem,file
"$SYSREC" record -q -e $EV -o "$tmp/ref.trc" -- "$W" loop $N "$tmp/l"
kernel_events() {
	"$SYSREC" info --json "$1" 2>/dev/null | python3 -c 'import json,sys
t = json.load(sys.stdin)["events_by_type"]
print(sum(v for k, v in t.items() if k not in ("lost", "proc", "fd", "cgroup")))'
}
ref=$(kernel_events "$tmp/ref.trc")
"$SYSREC" record -q -e $EV --print -o "$tmp/p.trc" -- "$W" loop $N "$tmp/l" 2> "$tmp/p.err" | head -1 > /dev/null
rc=${PIPESTATUS[0]}
check "--print | head -1: the recorder is not killed by a signal (exit $rc)" test "$rc" -lt 128
expect_eq "--print | head -1: the file is complete" "$(info_field "$tmp/p.trc" integrity.complete)" True
got=$(kernel_events "$tmp/p.trc")
if [ "$got" = "$ref" ]; then
	ok "--print | head -1: every event recorded ($got)"
elif [ "$(grep -c . "$tmp/p.err")" -eq 1 ] && [ "$rc" -eq 1 ]; then
	ok "--print | head -1: stopped with one line: $(cat "$tmp/p.err")"
else
	fail "--print | head -1: every event, or a stop with one line" \
		"$got of $ref events, exit $rc, stderr: $(head -3 "$tmp/p.err")"
fi
# the recorded command keeps the default dispositions, --print or not (an
# ignored SIGPIPE would be inherited across exec and change its behaviour)
for p in "" --print; do
	# shellcheck disable=SC2086
	ign=$("$SYSREC" record -q $p -o "$tmp/ign$p.trc" -- sh -c 'grep "^SigIgn:" /proc/$$/status' |
		sed -n 's/^SigIgn:[[:space:]]*//p')
	check "command ${p:-without --print}: SIGPIPE, SIGINT, SIGTERM, SIGHUP not ignored (SigIgn $ign)" \
		test -n "$ign" -a $((0x${ign:-0} & ((1 << 12) | (1 << 1) | (1 << 14) | (1 << 0)))) -eq 0
done

# a stop signal while sysrec waits for the command after -d: the command
# gets SIGTERM, and sysrec still waits for it and exits with its status
"$SYSREC" record -q -o "$tmp/dw.trc" -d 300ms -- sleep 30 &
rp=$!
# the child is named sleep once it runs; -d counts from before that
cp=
for _ in $(seq 100); do cp=$(pgrep -P "$rp" -x sleep) && break; sleep 0.1; done
sleep 0.6
kill -INT "$rp"
wait "$rp"
expect_eq "-d then SIGINT while waiting: the command's status (SIGTERM)" "$?" 143
check "-d then SIGINT while waiting: the command is gone" test -n "$cp" -a ! -e "/proc/$cp"
# a command that ignores the stop: two signals do not end the wait early
"$SYSREC" record -q -o "$tmp/dt.trc" -- sh -c "trap '' TERM INT; touch $tmp/trapped; sleep 2; exit 7" &
rp=$!
wait_for "$tmp/trapped"
kill -INT "$rp"
sleep 0.3
kill -INT "$rp"
wait "$rp"
expect_eq "a command that ignores SIGTERM, two SIGINTs: its own status" "$?" 7
# a stopped command: the stop signal's SIGTERM comes with a SIGCONT, so
# sysrec does not wait for it forever
"$SYSREC" record -q -o "$tmp/st.trc" -d 300ms -- sh -c "touch $tmp/stopping; kill -STOP \$\$; exit 3" &
rp=$!
wait_for "$tmp/stopping"
sleep 0.8
kill -INT "$rp"
for _ in $(seq 50); do kill -0 "$rp" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$rp" 2>/dev/null; then
	fail "a stopped command: SIGINT ends the wait" "sysrec still waits 5 s later"
	pkill -CONT -P "$rp"
	wait "$rp"
else
	wait "$rp"
	expect_eq "a stopped command: SIGINT ends the wait with its status (SIGTERM)" "$?" 143
fi
t_done
