#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_attrib.sh - what every record says of its task and its file, read
# by the BPF programs with plain loads (not helpers), checked against what
# the kernel says elsewhere:
#  - pid, tid, uid, gid and comm of a process running as 65534:65533 with
#    two threads, and of root;
#  - the cgroup id of a task in a cgroup v2 made for the test (the id is the
#    group directory's inode number);
#  - the absolute path of files whose names are 1 to 48 bytes and 64, 100,
#    200 and 255 bytes long, in directories whose names have other lengths
#    (short names are copied from the dentry by whole words, long ones are
#    not), and of a file renamed from a short name to a long one and back.
. "$(dirname "$0")/../lib.sh"
need_bpf record_attrib || exit 0
t_tmpdir
mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
cg=
t_cleanup_more() { [ -n "$cg" ] && [ -d "$cg" ] && rmdir "$cg" 2>/dev/null; }

cat > "$tmp/w.py" <<'PY'
import os, sys, threading
base = sys.argv[1]
def names():
    for n in list(range(1, 49)) + [64, 100, 200, 255]:
        yield "".join(chr(97 + (n + i) % 26) for i in range(n))
for i, n in enumerate(names()):
    d = os.path.join(base, "D" * ((i * 7) % 45 + 1))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, n), "w") as f:
        f.write("x" * len(n))
# a rename changes the name a dentry holds: short -> long -> short
r = os.path.join(base, "r")
os.mkdir(r)
open(os.path.join(r, "abcdefghijklmnopqrstuvwxyz0123456789ABC"), "w").close()
os.rename(os.path.join(r, "abcdefghijklmnopqrstuvwxyz0123456789ABC"), os.path.join(r, "L" * 90))
open(os.path.join(r, "L" * 90)).close()
os.rename(os.path.join(r, "L" * 90), os.path.join(r, "s"))
open(os.path.join(r, "s")).close()
# a second thread: its records carry its own tid
t = threading.Thread(target=lambda: open(os.path.join(base, "thread.dat"), "w").close())
t.start(); t.join()
print(os.getpid(), t.native_id, flush=True)
PY
mkdir "$tmp/n" "$tmp/r" && chmod 777 "$tmp" "$tmp/n"
PY=/usr/bin/python3
"$SYSREC" record -q -o "$tmp/a.trc" -- sh -c "
	setpriv --reuid=65534 --regid=65533 --clear-groups $PY $tmp/w.py $tmp/n > $tmp/n.ids &&
	$PY $tmp/w.py $tmp/r > $tmp/r.ids" || fail "record_attrib: record" "failed"
"$SYSREC" dump --json "$tmp/a.trc" > "$tmp/a.ndjson" || fail "record_attrib: dump" "failed"

python3 - "$tmp/a.ndjson" "$(realpath "$tmp")" <<'PY'
import json, os, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
top = sys.argv[2]
def check(name, cond, why=""):
    print(("ok " if cond else "not ok ") + "record_attrib: " + name + ("" if cond else ": " + why))
for who, uid, gid in (("n", 65534, 65533), ("r", 0, 0)):
    pid, tid = map(int, open(os.path.join(top, who + ".ids")).read().split())
    # from the exec of python3 on (setpriv runs as root before it)
    execs = [i for i, e in enumerate(evs) if e["pid"] == pid and e["type"] == "exec"
             and e.get("filename") == "/usr/bin/python3"]
    mine = [e for e in evs[execs[-1]:] if e["pid"] == pid] if execs else []
    check("%s: records of pid %d after its exec" % (who, pid), len(mine) > 100, "got %d" % len(mine))
    bad = [e for e in mine if (e["uid"], e["gid"]) != (uid, gid)]
    check("%s: uid %d gid %d on every record" % (who, uid, gid), not bad, "got %r" % bad[:2])
    bad = [e for e in mine if e["comm"] != "python3"]
    check("%s: comm python3 on every record" % who, not bad, "got %r" % bad[:2])
    thr = [e for e in mine if e.get("path", "").endswith("/thread.dat")]
    check("%s: the thread's open carries its tid %d" % (who, tid),
          [(e["tid"], e["type"]) for e in thr if e["type"] == "open"] == [(tid, "open")],
          "got %r" % thr)
    opened = sorted(e["path"] for e in mine if e["type"] == "open" and e.get("ret", -1) >= 0
                    and e["path"].startswith(os.path.join(top, who) + "/"))
    want = []
    n_list = list(range(1, 49)) + [64, 100, 200, 255]
    for i, n in enumerate(n_list):
        nm = "".join(chr(97 + (n + j) % 26) for j in range(n))
        want.append(os.path.join(top, who, "D" * ((i * 7) % 45 + 1), nm))
    r = os.path.join(top, who, "r")
    want += [os.path.join(r, "abcdefghijklmnopqrstuvwxyz0123456789ABC"), os.path.join(r, "L" * 90),
             os.path.join(r, "s"), os.path.join(top, who, "thread.dat")]
    got_set = [p for p in opened if p in set(want)]
    check("%s: %d files under their exact absolute paths" % (who, len(want)),
          sorted(set(got_set)) == sorted(want),
          "missing %r, unexpected %r" % (sorted(set(want) - set(opened))[:3],
                                       sorted(set(opened) - set(want))[:3]))
    check("%s: no path flagged cut" % who, not any(e.get("path_cut") for e in mine))
PY

# the cgroup id of a task, against the group directory's inode number
if [ -z "$mnt" ]; then
	skip "record_attrib: cgroup id" "no cgroup2 mount in /proc/mounts"
else
	cg=$mnt/sysrec-attrib-$$
	mkdir "$cg" || fail "record_attrib: cgroup" "cannot create $cg"
	"$SYSREC" record -q -o "$tmp/c.trc" -- sh -c "echo \$\$ > $cg/cgroup.procs && exec cat /dev/null" ||
		fail "record_attrib: record in a cgroup" "failed"
	want=$(stat -c %i "$cg")
	got=$("$SYSREC" dump --json "$tmp/c.trc" | python3 -c '
import json, sys
ids = [json.loads(l) for l in sys.stdin]
print(sorted({e["cgroup_id"] for e in ids if e["comm"] == "cat" and e["type"] != "cgroup"}))')
	expect_eq "record_attrib: cgroup id of cat = inode of its group" "$got" "[$want]"
fi
t_done
