#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""check_trace.py - assertions on `sysrec dump --json` output of a recorded
sr_work workload.  Prints one "ok"/"not ok" line per check (tests/lib.sh
protocol).

usage: check_trace.py SCENARIO DUMP.ndjson [key=value ...]
  basic   dir=D exe=SR_WORK mode=command|pid|comm
  paths   dir=D
  order   (two concurrent "forks" workloads)
"""
import json
import os
import sys

failed = 0
prefix = ""


def check(name, cond, why=""):
    global failed
    if cond:
        print(f"ok {prefix}{name}")
    else:
        failed += 1
        print(f"not ok {prefix}{name}: {why}")


def eq(name, got, want):
    check(name, got == want, f"got {got!r}, want {want!r}")


def load(path):
    evs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            evs.append(json.loads(line))
    return evs


# A switch names two threads (the header's leaves the CPU, next_* takes
# it), a wakeup two (the header's is the waker): recorded when one of them
# is, so the header's may be any thread, the recorder's own included.
PAIRED = ("switch", "wakeup")
# The cpu class's records, which come between a syscall and the next.
CPU_CLASS = PAIRED + ("syscpu", "cputime")


def common(evs):
    ts = [e["ts_ns"] for e in evs]
    check("records are in non-decreasing time order",
          all(a <= b for a, b in zip(ts, ts[1:])),
          "first inversion at index %d" % next(
              (i for i, (a, b) in enumerate(zip(ts, ts[1:])) if a > b), -1))
    check("nothing recorded from the recorder itself",
          not any(e.get("comm") == "sysrec" and e["type"] not in ("proc", "fd", "cgroup") + PAIRED
                  for e in evs), "found sysrec's own events")


def children_after_fork(evs):
    """Every child's first event comes after the fork that made it."""
    born = {}
    bad = []
    for i, e in enumerate(evs):
        if e["type"] == "fork" and e.get("ret", 0) > 0:
            born.setdefault(e["child_tid"], i)
    first = {}
    for i, e in enumerate(evs):
        if e["type"] in ("proc", "fd", "cgroup", "lost"):
            continue
        first.setdefault(e["tid"], i)
    for tid, i in born.items():
        if tid in first and first[tid] < i:
            bad.append(tid)
    check("every child's first event comes after its fork (%d children)" % len(born),
          len(born) > 0 and not bad, f"children before their fork: {bad[:5]}")
    return born


def scenario_basic(evs, args):
    d = os.path.realpath(args["dir"])
    exe = os.path.realpath(args["exe"])
    mode = args.get("mode", "command")
    common(evs)

    def opens(path):
        return [e for e in evs if e["type"] == "open" and e.get("path") == path and e["ret"] >= 0]

    a = opens(d + "/a.dat")
    eq("a.dat opened twice", len(a), 2)
    if not a:
        return
    pid = a[0]["pid"]
    a_id = (a[0]["dev"], a[0]["ino"])
    eq("a.dat name as passed", a[0].get("name"), d + "/a.dat")
    rw = [e for e in evs if e["type"] == "rw" and (e["dev"], e["ino"]) == a_id]
    writes = [e for e in rw if e["syscall"] in ("write", "pwrite64", "writev")]
    reads = [e for e in rw if e["syscall"] == "read"]
    eq("a.dat write calls", [e["syscall"] for e in writes], ["write", "pwrite64", "writev"])
    eq("a.dat written bytes", sum(e["ret"] for e in writes), 7433)
    eq("a.dat pwrite64 offset", [e["offset"] for e in writes if e["syscall"] == "pwrite64"], [1000])
    eq("a.dat writev asked 6000 in 3 iovecs",
       [(e["count"], e["iovcnt"]) for e in writes if e["syscall"] == "writev"], [(6000, 3)])
    eq("a.dat reads", [e["ret"] for e in reads], [4096, 3337, 0])

    b = opens(d + "/b.dat")
    eq("b.dat opened once", len(b), 1)
    if b:
        b_id = (b[0]["dev"], b[0]["ino"])
        dups = [e for e in evs if e["type"] == "dup" and e["syscall"] == "dup2" and e["pid"] == pid]
        eq("dup2 to 100", [(e["newfd"], e["ret"], (e["dev"], e["ino"]) == b_id) for e in dups],
           [(100, 100, True)])
        w = [e for e in evs if e["type"] == "rw" and e["fd"] == 100 and e["pid"] == pid]
        eq("write through fd 100 lands on b.dat",
           [(e["ret"], (e["dev"], e["ino"]) == b_id) for e in w], [(2222, True)])

    for size, prot in ((1 << 20, 3), (65536, 1)):
        m = [e for e in evs if e["type"] == "mmap" and e["pid"] == pid and e["len"] == size
             and e["prot"] == prot and e["flags"] & 0x20]
        eq(f"one anonymous mmap of {size}", len(m), 1)
        if m:
            u = [e for e in evs if e["type"] == "munmap" and e["addr"] == m[0]["ret"]
                 and e["len"] == size]
            eq(f"munmap of that {size} mapping", [e["ret"] for e in u], [0])

    forks = [e for e in evs if e["type"] == "fork" and e["pid"] == pid]
    eq("two children forked, processes not threads",
       [(e["ret"] == e["child_tid"], e["child_pid"] == e["child_tid"]) for e in forks],
       [(True, True), (True, True)])
    kids = [e["child_pid"] for e in forks]
    for k, kid in enumerate(kids, 1):
        ex = [e for e in evs if e["type"] == "exec" and e["pid"] == kid]
        eq(f"child {k} exec'd sr_work child {k}",
           [(e["ret"], e.get("path"), e.get("argv")) for e in ex],
           [(0, exe, [exe, "child", str(k), args["dir"]])])
        o = opens(f"{d}/child{k}.dat")
        eq(f"child {k} opened child{k}.dat", [e["pid"] for e in o], [kid])
        if o:
            cid = (o[0]["dev"], o[0]["ino"])
            w = [e["ret"] for e in evs if e["type"] == "rw" and (e["dev"], e["ino"]) == cid]
            eq(f"child {k} wrote {100 * k} bytes", w, [100 * k])
        x = [e for e in evs if e["type"] == "exit" and e["pid"] == kid]
        eq(f"child {k} exit code {4 + k}", [e["exit_code"] >> 8 for e in x], [4 + k])
    x = [e for e in evs if e["type"] == "exit" and e["pid"] == pid]
    eq("workload exit code 0", [e["exit_code"] for e in x], [0])
    children_after_fork(evs)
    if mode == "command":
        ex = [e for e in evs if e["type"] == "exec" and e["pid"] == pid]
        eq("the command's own exec", [(e["ret"], e.get("argv")) for e in ex],
           [(0, [args["exe"], "basic", args["dir"]])])
        first = [e for e in evs if e["type"] not in ("proc", "fd", "cgroup", "lost") + CPU_CLASS]
        check("the command's first recorded syscall is its execve",
              first and first[0]["type"] == "exec" and first[0]["pid"] == pid,
              f"first is {first[0] if first else None}")
    if mode in ("command", "pid"):
        others = {e["pid"] for e in evs if e["type"] not in ("proc", "fd", "cgroup", "lost") + PAIRED}
        eq("only the workload and its children", others - {pid} - set(kids), set())
    if mode == "comm":
        check("only sr_work tasks", all(e.get("comm") == "sr_work" for e in evs
                                        if e["type"] not in ("proc", "fd", "cgroup", "lost") + PAIRED),
              "other comms recorded")


def scenario_edge(evs, args):
    d = os.path.realpath(args["dir"])
    common(evs)
    opens = [e for e in evs if e["type"] == "open" and e.get("path") == d + "/e.dat"]
    eq("e.dat opened by creat then openat2",
       [(e["syscall"], e["flags"], e["mode"]) for e in opens],
       [("creat", 0o1101, 0o600), ("openat2", 2, 0)])
    if len(opens) != 2:
        return
    pid = opens[0]["pid"]
    fid = (opens[0]["dev"], opens[0]["ino"])
    rw = [e for e in evs if e["type"] == "rw" and (e["dev"], e["ino"]) == fid]
    eq("e.dat I/O: syscall, fd-independent count, iovcnt, offset, ret",
       [(e["syscall"], e["count"], e["iovcnt"], e["offset"], e["ret"]) for e in rw],
       [("write", 10, 0, -1, 10), ("pwritev", 40, 2, 100, 40), ("readv", 30, 3, -1, 30),
        ("preadv", 16, 1, 120, 16), ("write", 5, 0, -1, 5), ("write", 6, 0, -1, 6),
        ("write", 7, 0, -1, 7)])
    dups = [e for e in evs if e["type"] == "dup" and e["pid"] == pid]
    eq("dup, dup3(60, O_CLOEXEC), fcntl(F_DUPFD_CLOEXEC, 50) on e.dat",
       [(e["syscall"], e["newfd"], e["flags"], e["cmd"], e["arg"], e["ret"] >= 0,
         (e["dev"], e["ino"]) == fid) for e in dups],
       [("dup", -1, 0, 0, 0, True, True), ("dup3", 60, 0o2000000, 0, 0, True, True),
        ("fcntl", -1, 0, 1030, 50, True, True)])
    eq("dup3 and fcntl results", [e["ret"] for e in dups[1:]], [60, 50])
    fm = [e for e in evs if e["type"] == "mmap" and (e["dev"], e["ino"]) == fid]
    eq("file mapping of e.dat", [(e["len"], e["flags"] & 3, e["ret"] > 0) for e in fm],
       [(4096, 1, True)])
    miss = [e for e in evs if e["type"] == "open" and e.get("name") == d + "/missing"]
    eq("failed open: -ENOENT, name kept, no path", [(e["ret"], e.get("path")) for e in miss],
       [(-2, "")])
    forks = [e for e in evs if e["type"] == "fork" and e["pid"] == pid]
    eq("thread (clone3), vfork, clone3 process",
       [(e["syscall"], e.get("thread", False), e["child_pid"] == pid) for e in forks],
       [("clone3", True, True), ("vfork", False, False), ("clone3", False, False)])
    if len(forks) == 3:
        th, vf, c3 = forks
        t = [e for e in evs if e["type"] == "rw" and e["tid"] == th["child_tid"]]
        eq("the thread's write has its tid and the process's pid",
           [(e["pid"], e["ret"]) for e in t], [(pid, 77)])
        eq("vfork flags", vf["clone_flags"] & 0x4100, 0x4100)
        ex = [e for e in evs if e["type"] == "exec" and e["pid"] == vf["child_pid"]]
        eq("failed exec in the vfork child", [(e["ret"], e.get("filename"), e.get("argv"))
                                               for e in ex],
           [(-2, "/nonexistent/sr_work", ["nope"])])
        for f, code in ((vf, 9), (c3, 3)):
            x = [e for e in evs if e["type"] == "exit" and e["pid"] == f["child_pid"]]
            eq(f"{f['syscall']} child exit code {code}",
               [(e["exit_code"] >> 8, e.get("group_dead", False)) for e in x], [(code, True)])
        x = [e for e in evs if e["type"] == "exit" and e["tid"] == th["child_tid"]]
        eq("thread exit is not a process exit",
           [(e.get("thread", False), e.get("group_dead", False)) for e in x], [(True, False)])
    children_after_fork(evs)


def scenario_order(evs, args):
    common(evs)
    born = children_after_fork(evs)
    want = int(args.get("children", 0))
    if want:
        eq("children forked", len(born), want)
    cpus = {e["cpu"] for e in evs if e["type"] == "fork"}
    check("forks seen on both CPUs", len(cpus) >= 2 or os.cpu_count() < 2, f"cpus {cpus}")


def main():
    global prefix
    scen, path = sys.argv[1], sys.argv[2]
    args = dict(a.split("=", 1) for a in sys.argv[3:])
    prefix = args.pop("prefix", scen) + ": "
    evs = load(path)
    {"basic": scenario_basic, "edge": scenario_edge, "order": scenario_order}[scen](evs, args)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
