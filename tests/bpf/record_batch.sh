#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_batch.sh - the per-CPU batches of bpf/sysrec.bpf.c: a slow stream of
# small records is not held back until a batch fills (every poll flushes
# them), and records too big for a batch keep their place among small ones.
. "$(dirname "$0")/../lib.sh"
need_bpf record_batch || exit 0
tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
trap 'kill $rpid 2>/dev/null; rm -rf "$tmp"' EXIT

# 0. The batches are in use (-v says so), or everything below proves little.
"$SYSREC" record -v -o "$tmp/v.trc" -- /bin/true 2>"$tmp/v.err"
check "record_batch: records gathered in per-CPU batches (-v)" \
	grep -q 'records gathered in per-CPU batches' "$tmp/v.err"

# Records sent alone (SYSREC_NO_BATCH=1: a kernel that cannot run the
# flush, or a batch held by another program) are the same records.  Not
# the switches, wakeups and syscall splits: no two runs are scheduled alike.
counts() {
	"$SYSREC" dump --json "$1" | python3 -c 'import collections, json, sys
c = collections.Counter(json.loads(l)["type"] for l in sys.stdin)
print(" ".join("%s=%d" % (t, c[t]) for t in sorted(c)
               if t not in ("proc", "fd", "cgroup", "switch", "wakeup", "syscpu")))'
}
mkdir "$tmp/l1" "$tmp/l2"
"$SYSREC" record -q -o "$tmp/batched.trc" -- "$WORKLOADS/sr_work" loop 3000 "$tmp/l1"
SYSREC_NO_BATCH=1 "$SYSREC" record -v -o "$tmp/alone.trc" -- "$WORKLOADS/sr_work" loop 3000 "$tmp/l2" \
	2>"$tmp/alone.err"
check "record_batch: SYSREC_NO_BATCH=1 sends records one by one (-v)" \
	grep -q 'records sent one by one: SYSREC_NO_BATCH is set' "$tmp/alone.err"
b=$(counts "$tmp/batched.trc")
expect_eq "record_batch: the same records batched and alone ($b)" "$(counts "$tmp/alone.trc")" "$b"
# the loop creates its input, then opens two files of its directory per round
for m in batched:l1 alone:l2; do
	expect_eq "record_batch: ${m%%:*}: the loop's 6001 opens" "$("$SYSREC" dump --json "$tmp/${m%%:*}.trc" |
		python3 -c 'import json, sys
d = sys.argv[1] + "/"
print(sum(1 for l in sys.stdin for e in [json.loads(l)]
          if e["type"] == "open" and e.get("path", "").startswith(d)))' "$tmp/${m##*:}")" 6001
done

# 1. sr_work slow: 30 rounds of open/write/close 100 ms apart, about 120
# records in 3 s: far less than one 16 KiB batch.  Seen live by --print
# while the workload still runs, they were flushed by the polls.
"$SYSREC" record -q --print -o "$tmp/slow.trc" -- "$WORKLOADS/sr_work" slow "$tmp" 30 \
	> "$tmp/slow.txt" 2>"$tmp/slow.err" &
rpid=$!
sleep 1.5
live=$(grep -c 'slow.dat' "$tmp/slow.txt")
wait "$rpid"
expect_eq "record_batch: recorder status" "$?" 0
check "record_batch: records printed while the workload runs ($live slow.dat lines after 1.5 s of 3)" \
	[ "$live" -ge 3 ]
# each round opens slow.dat once; all 30 opens are in the file
expect_eq "record_batch: every open of slow.dat recorded" \
	"$("$SYSREC" dump --json "$tmp/slow.trc" |
	   python3 -c 'import json,sys
print(sum(1 for l in sys.stdin for e in [json.loads(l)]
          if e["type"] == "open" and e.get("path", "").endswith("/slow.dat")))')" 30

# 2. Execs whose argv (3,000 bytes) makes records bigger than a batch takes,
# between the small records of the shell around them: all there, in order.
arg=$(printf 'a%.0s' $(seq 1500))
"$SYSREC" record -q -o "$tmp/big.trc" -- /bin/sh -c \
	"for i in 1 2 3 4 5; do /bin/true $arg $arg; : > $tmp/f\$i; done"
expect_eq "record_batch: recorder status (big records)" "$?" 0
"$SYSREC" dump --json "$tmp/big.trc" > "$tmp/big.ndjson"
python3 - "$tmp/big.ndjson" "$tmp" <<'EOF' || T_FAILED=$((T_FAILED + 1))
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
tmp = sys.argv[2]
bad = 0
def check(name, cond, why=""):
    global bad
    print(("ok " if cond else "not ok ") + "record_batch: " + name + ("" if cond else ": " + why))
    bad += not cond
ts = [e["ts_ns"] for e in evs]
check("records in non-decreasing time", all(a <= b for a, b in zip(ts, ts[1:])))
ex = [e for e in evs if e["type"] == "exec" and e.get("path") == "/usr/bin/true"]
check("five execs of /usr/bin/true with 3 arguments of 1,500 bytes",
      len(ex) == 5 and all(e["argc"] == 3 and e["argv"][1:] == ["a" * 1500] * 2 for e in ex),
      "%d execs" % len(ex))
# the shell creates f1..f5 after each exec: opens and execs alternate
seq = [("exec" if e["type"] == "exec" else e["path"][len(tmp) + 1:]) for e in evs
       if (e["type"] == "exec" and e.get("path") == "/usr/bin/true") or
          (e["type"] == "open" and e.get("path", "").startswith(tmp + "/f"))]
check("execs and opens alternate", seq == ["exec", "f1", "exec", "f2", "exec", "f3", "exec", "f4", "exec", "f5"],
      repr(seq))
sys.exit(1 if bad else 0)
EOF
late=$("$SYSREC" info "$tmp/big.trc" | awk '$1 == "late:" { print $2 }')
expect_eq "record_batch: no record late" "${late:-0}" 0
t_done
