#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# reliability_concurrent.sh - two recorders at once do not disturb each other.
#  1. two "sysrec record -- sr_work basic DIRn", their workloads released at
#     the same moment: each file has exactly its own workload's events
#     (check_trace.py basic, command mode) and exact byte counts;
#  2. two recorders of the busy "sr_work loop 4000" side by side: each file
#     has exactly the kernel events of a solo recording of the same
#     deterministic workload, none of the other's processes, and no loss.
. "$(dirname "$0")/../lib.sh"
need_bpf reliability_concurrent || exit 0
t_tmpdir
W=$WORKLOADS/sr_work
rec=()

# --- 1. basic, twice at once ---
for n in 1 2; do
	mkdir "$tmp/d$n"
	SR_WORK_READY=$tmp/ready$n "$SYSREC" record -q -o "$tmp/b$n.trc" -- "$W" basic "$tmp/d$n" &
	rec[n]=$!
done
if ! wait_for "$tmp/ready1" || ! wait_for "$tmp/ready2"; then
	fail "basic: workloads ready" "no ready file"
fi
# the workloads are the recorders' children
w1=$(ps -o pid= --ppid "${rec[1]}" | tr -d ' ')
w2=$(ps -o pid= --ppid "${rec[2]}" | tr -d ' ')
check "basic: found both workloads ($w1, $w2)" test -n "$w1" -a -n "$w2"
kill -USR1 "$w1" "$w2"
wait "${rec[1]}"; expect_eq "basic: recorder 1 status" "$?" 0
wait "${rec[2]}"; expect_eq "basic: recorder 2 status" "$?" 0
for n in 1 2; do
	d=$tmp/d$n
	"$SYSREC" dump --json "$tmp/b$n.trc" > "$tmp/b$n.ndjson"
	python3 "$TOP/tests/bpf/check_trace.py" basic "$tmp/b$n.ndjson" \
		dir="$d" exe="$W" mode=command prefix="concurrent basic $n" || T_FAILED=$((T_FAILED + 1))
	rd=$(realpath "$d")
	"$SYSREC" analyze "$tmp/b$n.trc" --top-io --by file --limit 0 --format csv > "$tmp/b$n.csv" 2>/dev/null
	# a.dat 7433 written and read, b.dat 2222 via dup2, children 100 and 200
	expect_eq "basic $n: exact bytes per file" \
		"$(grep "^$rd/" "$tmp/b$n.csv" | grep -v ready | cut -d, -f1-5 | sort | tr '\n' ' ')" \
		"$rd/a.dat,3,7433,3,7433 $rd/b.dat,0,0,1,2222 $rd/child1.dat,0,0,1,100 $rd/child2.dat,0,0,1,200 "
	other=$tmp/d$((3 - n))
	expect_eq "basic $n: nothing of the other workload" \
		"$(grep -c "$(realpath "$other")" "$tmp/b$n.ndjson")" 0
done

# --- 2. busy loops side by side ---
N=4000
kernel_events() {
	"$SYSREC" info --json "$1" | python3 -c 'import json,sys
t = json.load(sys.stdin)["events_by_type"]
print(sum(v for k, v in t.items() if k not in ("lost", "proc", "fd", "cgroup")))'
}
mkdir "$tmp/solo" "$tmp/l1" "$tmp/l2"
# not the cpu class: its switches and wakeups depend on everything else the machine runs
EV=proc,mem,file
"$SYSREC" record -q -e $EV -o "$tmp/solo.trc" -- "$W" loop $N "$tmp/solo"
ref=$(kernel_events "$tmp/solo.trc")
for n in 1 2; do
	"$SYSREC" record -q -e $EV -o "$tmp/l$n.trc" -- "$W" loop $N "$tmp/l$n" &
	rec[n]=$!
done
wait "${rec[1]}"; expect_eq "loop: recorder 1 status" "$?" 0
wait "${rec[2]}"; expect_eq "loop: recorder 2 status" "$?" 0
python3 - "$SYSREC" "$tmp/l1.trc" "$tmp/l2.trc" "$(realpath "$tmp")" <<'EOF'
import json, subprocess, sys
sysrec, files, top = sys.argv[1], sys.argv[2:4], sys.argv[4]
def info(f):
    return json.loads(subprocess.run([sysrec, "info", "--json", f], capture_output=True).stdout)
def pids(f):
    out = subprocess.run([sysrec, "dump", "--json", f], capture_output=True, text=True).stdout
    evs = [json.loads(l) for l in out.splitlines()]
    return {e["pid"] for e in evs if e["type"] not in ("proc", "fd", "cgroup", "lost")}, evs
i1, i2 = info(files[0]), info(files[1])
a = max(i1["start_ns"], i2["start_ns"])
b = min(i1["stop_ns"], i2["stop_ns"])
span = max(i1["stop_ns"] - i1["start_ns"], i2["stop_ns"] - i2["start_ns"])
ok = b - a > span / 2
print(("ok" if ok else "not ok") + " concurrent loop: the recordings overlap (%.0f%%)" % (100.0 * (b - a) / span))
(p1, e1), (p2, e2) = pids(files[0]), pids(files[1])
ok = not (p1 & p2)
print(("ok" if ok else "not ok") + " concurrent loop: no process in both files" + ("" if ok else ": %s" % (p1 & p2)))
for n, evs in ((1, e1), (2, e2)):
    own, other = "%s/l%d/" % (top, n), "%s/l%d/" % (top, 3 - n)
    bad = [e for e in evs if e["type"] == "open" and other in e.get("path", "")]
    good = [e for e in evs if e["type"] == "open" and own in e.get("path", "")]
    ok = not bad and len(good) > 0
    print(("ok" if ok else "not ok") + " concurrent loop %d: only its own files (%d opens)" % (n, len(good)))
EOF
for n in 1 2; do
	expect_eq "loop $n: no loss" "$("$SYSREC" info --json "$tmp/l$n.trc" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lost"])')" 0
	expect_eq "loop $n: exactly the solo recording's $ref kernel events" "$(kernel_events "$tmp/l$n.trc")" "$ref"
done
t_done
