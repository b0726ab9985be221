#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# reliability_crash.sh - SIGKILL the recorder in the middle of a recording.
#
# A "ticker" workload writes 1, 2, 3, ... bytes, one write every 10 ms, and
# notes the CLOCK_MONOTONIC time at which each write returned (the clock of
# the trace's timestamps).  The test notes the time K just before it sends
# SIGKILL.  What is asserted, with F the flush interval:
#  - the file reads up to its last complete chunk: info says cut and not
#    damaged, dump prints it with exit 0 and one line on stderr;
#  - the ticker's writes in the file are exactly writes 1..m, in order, with
#    their exact sizes: nothing in the middle is missing;
#  - every write that had returned at or before K - F is in the file
#    ("at most the last flush interval of events is missing");
#  - the killed recorder left no BPF program or link behind;
#  - analyze takes the cut file (exit 0), marks it incomplete and agrees
#    with dump on the ticker's bytes.
# Two runs: a busy one (sr_work loop beside the ticker, default flush
# interval 1 s, killed at an arbitrary moment), and a quiet one (only the
# ticker, --flush-interval 500ms) killed at the worst moment: just before
# the next flush is due, found by watching the file grow.
. "$(dirname "$0")/../lib.sh"
need_bpf reliability_crash || exit 0

t_tmpdir

# the ticker: tests/bpf/ticker.py OUT LOG N MS READY

# kill_at RPID TRACE MODE ARG: prints K (monotonic ns) just before SIGKILL.
#   after SECS:  kill SECS seconds from now
#   worst F_NS:  wait for the file to grow (a chunk was written), then kill
#                40 ms before the next flush is due
cat > "$tmp/killer.py" <<'EOF'
import os, signal, sys, time
pid, trace, mode, arg = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
if mode == "after":
    time.sleep(float(arg))
else:
    f_ns = int(arg)
    time.sleep(1.2)
    size = os.stat(trace).st_size
    deadline = time.monotonic() + 10
    while os.stat(trace).st_size == size and time.monotonic() < deadline:
        time.sleep(0.001)
    grown = time.monotonic_ns()
    time.sleep(max(0, grown + f_ns - 40000000 - time.monotonic_ns()) / 1e9)
t = time.monotonic_ns()
os.kill(pid, signal.SIGKILL)
print(t)
EOF

# check.py NDJSON TICKLOG TPID TFD K F_NS PREFIX
cat > "$tmp/check.py" <<'EOF'
import json, sys
path, logp, tpid, tfd, K, F, prefix = sys.argv[1:8]
tpid, tfd, K, F = int(tpid), int(tfd), int(K), int(F)
failed = 0
def check(name, cond, why=""):
    global failed
    print(("ok %s: %s" % (prefix, name)) if cond else ("not ok %s: %s: %s" % (prefix, name, why)))
    failed += 0 if cond else 1
evs = [json.loads(l) for l in open(path, encoding="utf-8")]
done = [tuple(map(int, l.split())) for l in open(logp)]
w = [e for e in evs if e["type"] == "rw" and e["pid"] == tpid and e["fd"] == tfd
     and e["syscall"] == "write"]
sizes = [e["ret"] for e in w]
m = len(sizes)
check("ticker writes in the file are 1..m in order, exact sizes (m=%d)" % m,
      m > 0 and sizes == list(range(1, m + 1)) and all(e["count"] == e["ret"] for e in w),
      "sizes %s" % sizes[:20])
check("trace time of each write is within the workload's own clock",
      all(e["ts_ns"] <= done[i][1] and (i == 0 or e["ts_ns"] >= done[i - 1][1])
          for i, e in enumerate(w) if i < len(done)),
      "a write's ts does not fall between the returns of the write before and itself")
check("no lost records (nothing dropped before the crash)",
      not any(e["type"] == "lost" for e in evs), "lost records present")
must = [s for s, t in done if t <= K - F]
missing = [s for s in must if s > m]
last = done[m - 1][1] if 0 < m <= len(done) else 0
first_missing = done[m][1] if m < len(done) else K
check("every write done by K - %d ms is in the file (%d needed, %d in the file,"
      " the first missing write returned %.0f ms before the kill)"
      % (F // 1000000, len(must), m, (K - first_missing) / 1e6),
      not missing, "%d writes done more than %d ms before SIGKILL are missing: sizes %s..%s,"
      " the oldest returned %.0f ms before the kill"
      % (len(missing), F // 1000000, missing[0] if missing else "", missing[-1] if missing else "",
         (K - done[missing[0] - 1][1]) / 1e6 if missing else 0))
print("# %s: %d writes in the file, %d done before the kill; the last one in the file"
      " returned %.0f ms before the kill" % (prefix, m, len([1 for s, t in done if t <= K]),
      (K - last) / 1e6))
sys.exit(1 if failed else 0)
EOF


# run_crash NAME F_NS KILLMODE KILLARG BUSY RECORD_OPTS...
run_crash() {
	local name=$1 f_ns=$2 kmode=$3 karg=$4 busy=$5
	shift 5
	local d=$tmp/$name tpid lpid="" rpid K rc ids pidlist
	mkdir -p "$d/loop"
	python3 "$TOP/tests/bpf/ticker.py" "$d/tick.out" "$d/tick.log" 450 10 "$d/tick.ready" &
	tpid=$!
	pidlist=$tpid
	if [ "$busy" = 1 ]; then
		# loop starts at once (it has no ready file): busy before recording
		"$WORKLOADS/sr_work" loop 100000000 "$d/loop" &
		lpid=$!
		pidlist=$tpid,$lpid
	fi
	wait_for_data "$d/tick.ready" || fail "$name: ticker ready" "no ready file"
	"$SYSREC" record -q -o "$d/c.trc" -p "$pidlist" "$@" &
	rpid=$!
	wait_for_data "$d/c.trc" || fail "$name: recorder started" "no trace file"
	sleep 0.3	# the snapshot is written; the loop polls
	ids=$(prog_ids "$rpid")
	check "$name: the recorder holds its programs ($(echo "$ids" | grep -c prog_id) seen)" \
		test "$(echo "$ids" | grep -c prog_id)" -ge 5
	kill -USR1 "$tpid"
	K=$(python3 "$tmp/killer.py" "$rpid" "$d/c.trc" "$kmode" "$karg")
	wait "$rpid" 2>/dev/null
	rc=$?
	expect_eq "$name: recorder died of SIGKILL" "$rc" 137
	wait "$tpid"
	expect_eq "$name: ticker finished" "$?" 0
	if [ -n "$lpid" ]; then
		kill -KILL "$lpid" 2>/dev/null
		wait "$lpid" 2>/dev/null
	fi
	expect_eq "$name: no program or link of the killed recorder is left" "$(still_loaded "$ids")" 0

	"$SYSREC" info --json "$d/c.trc" > "$d/info.json" 2> "$d/info.err"
	expect_eq "$name: info reads the cut file" "$?" 0
	expect_eq "$name: info says cut, not damaged" \
		"$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1]))["integrity"]; print(i["cut"], i["complete"], i["damaged_chunks"])' "$d/info.json")" \
		"True False 0"
	"$SYSREC" info "$d/c.trc" > "$d/info.txt" 2>/dev/null
	expect_eq "$name: info text integrity line" "$(grep '^integrity:' "$d/info.txt" | tr -s ' ')" \
		"integrity: cut (no end block)"
	"$SYSREC" dump --json "$d/c.trc" > "$d/c.ndjson" 2> "$d/dump.err"
	expect_eq "$name: dump of the cut file exits 0" "$?" 0
	expect_eq "$name: dump says it is cut in one line" "$(wc -l < "$d/dump.err")" 1
	expect_eq "$name: dump has every record info counted" "$(wc -l < "$d/c.ndjson")" \
		"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$d/info.json")"
	python3 "$tmp/check.py" "$d/c.ndjson" "$d/tick.log" "$tpid" "$(cat "$d/tick.ready")" \
		"$K" "$f_ns" "$name" || T_FAILED=$((T_FAILED + 1))

	# analyze takes the cut file, marks it, and agrees with dump
	local m bytes
	m=$(python3 -c 'import json,sys
print(sum(1 for l in open(sys.argv[1]) for e in [json.loads(l)]
          if e["type"] == "rw" and e["pid"] == int(sys.argv[2]) and e["syscall"] == "write"
          and e["fd"] == int(sys.argv[3])))' "$d/c.ndjson" "$tpid" "$(cat "$d/tick.ready")")
	bytes=$((m * (m + 1) / 2))
	"$SYSREC" analyze "$d/c.trc" --top-io --by file --limit 0 > "$d/top.txt" 2> "$d/an.err"
	expect_eq "$name: analyze of the cut file exits 0" "$?" 0
	check "$name: analyze header marks the file incomplete" grep -qE "^#.* $d/c.trc \((cut short|damaged)" "$d/top.txt"
	"$SYSREC" analyze "$d/c.trc" --top-io --by file --limit 0 --format csv > "$d/top.csv" 2>/dev/null
	expect_eq "$name: analyze: the ticker's bytes in the cut file" \
		"$(grep "^$(realpath "$d")/tick.out," "$d/top.csv" | cut -d, -f4,5)" "$m,$bytes"
}

# busy: the default flush interval (1 s), killed 2.5 s in
run_crash busy 1000000000 after 2.5 1
# quiet: --flush-interval 500ms, killed at the worst moment of the flush cycle
run_crash worst 500000000 worst 500000000 0 --flush-interval 500ms
t_done
