#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_switch.sh - a syscall's arguments and entry time wait in its CPU's
# slot from sys_enter to sys_exit; a task switched out meanwhile carries
# them along in task storage (the sched_switch program).  Checked:
#  - a read that blocks on a pipe while its thread is moved to the other
#    CPU: one record, exact fd, count, result and tid, emitted on the new
#    CPU, lasting the whole wait;
#  - two processes taking turns on one CPU: every open, read and close of
#    each, exact counts and paths, nothing lost.
. "$(dirname "$0")/../lib.sh"
need_bpf record_switch || exit 0
t_tmpdir
if [ "$(nproc)" -lt 2 ]; then
	skip record_switch "one CPU: no other CPU to move a task to"
	exit 0
fi

cat > "$tmp/move.py" <<'PY'
import os, threading, time
r, w = os.pipe()
os.sched_setaffinity(0, {0})
got = {}
def reader():
    got["tid"] = threading.get_native_id()
    got["n"] = len(os.read(r, 100))
t = threading.Thread(target=reader)
t.start()
time.sleep(0.3)			# the reader is blocked in read() on CPU 0
os.sched_setaffinity(got["tid"], {1})
time.sleep(0.2)
os.write(w, b"x" * 42)
t.join()
print(got["tid"], r, got["n"], flush=True)
PY
"$SYSREC" record -q -o "$tmp/m.trc" -- python3 "$tmp/move.py" > "$tmp/m.out" ||
	fail "record_switch: record" "failed"
"$SYSREC" dump --json --type rw "$tmp/m.trc" > "$tmp/m.ndjson"
python3 - "$tmp/m.ndjson" "$tmp/m.out" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
tid, fd, n = map(int, open(sys.argv[2]).read().split())
def check(name, cond, why=""):
    print(("ok " if cond else "not ok ") + "record_switch: " + name + ("" if cond else ": " + why))
check("the reader read 42 bytes", n == 42, "read %d" % n)
got = [e for e in evs if e["tid"] == tid and e["syscall"] == "read" and e["fd"] == fd]
check("one record of the blocked read", len(got) == 1, "got %r" % got)
if got:
    e = got[0]
    check("... count 100, result 42", (e["count"], e["ret"]) == (100, 42), "got %r" % e)
    check("... emitted on CPU 1, where it returned", e["cpu"] == 1, "cpu %d" % e["cpu"])
    check("... lasting the whole wait (>= 0.45 s)", 450e6 <= e["dur_ns"] < 10e9, "dur %d" % e["dur_ns"])
PY

# two processes on CPU 0 in turn
N=3000
cat > "$tmp/turns.py" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
for i in range(n):
    fd = os.open(os.path.join(d, "f%d" % (i % 10)), os.O_RDWR | os.O_CREAT, 0o644)
    os.read(fd, 1)
    os.close(fd)
PY
"$SYSREC" record -q -o "$tmp/t.trc" -- taskset -c 0 sh -c \
	"python3 $tmp/turns.py $tmp/a $N & python3 $tmp/turns.py $tmp/b $N; wait" 2>"$tmp/t.err" ||
	fail "record_switch: record two processes" "$(head -1 "$tmp/t.err")"
expect_eq "record_switch: two processes on one CPU, nothing lost" "$(info_field "$tmp/t.trc" lost)" 0
"$SYSREC" dump --json "$tmp/t.trc" > "$tmp/t.ndjson"
python3 - "$tmp/t.ndjson" "$(realpath "$tmp")" "$N" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
top, n = sys.argv[2], int(sys.argv[3])
def check(name, cond, why=""):
    print(("ok " if cond else "not ok ") + "record_switch: " + name + ("" if cond else ": " + why))
for w in "ab":
    d = "%s/%s/" % (top, w)
    opens = [e for e in evs if e["type"] == "open" and e["ret"] >= 0 and e.get("path", "").startswith(d)]
    pids = {e["pid"] for e in opens}
    check("%s: %d opens of its files, by one process" % (w, n), len(opens) == n and len(pids) == 1,
          "%d opens by %r" % (len(opens), pids))
    paths = {e["path"] for e in opens}
    check("%s: under their 10 exact paths" % w, paths == {d + "f%d" % i for i in range(10)}, "got %r" % paths)
    mine = [e for e in evs if e["pid"] in pids]
    fds = {e["ret"] for e in opens}
    first = min(e["ts_ns"] for e in opens) if opens else 0
    reads = [e for e in mine if e.get("syscall") == "read" and e.get("count") == 1
             and e["fd"] in fds and e["ts_ns"] > first]
    check("%s: %d one-byte reads of them" % (w, n), len(reads) == n, "got %d" % len(reads))
    closes = [e for e in mine if e["type"] == "close" and e["fd"] in fds and e["ret"] == 0
              and e["ts_ns"] > first]
    check("%s: %d closes of them, result 0" % (w, n), len(closes) == n, "got %d" % len(closes))
PY
t_done
