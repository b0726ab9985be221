# SPDX-License-Identifier: GPL-2.0-only
# report_check.py - checks a page of sysrec report against the analyzer's
# JSON of the same traces and against what headless Chromium saw of it
# (tests/tools/report_browser.js), for tests/cli/report.sh and
# tests/bpf/report_record.sh.  Prints one "ok"/"not ok" line a check.
#
#   report_check.py NAME SYSREC PAGE.html BROWSER.json TRACE...
#
# The expected values come from `sysrec analyze TRACE... --format json`
# run here, report by report (the top processes' timelines with --pid):
#  - the page's data element holds exactly those rows;
#  - its coverage header is the analyzer's table header, line for line;
#  - the browser made no request but the page's own file, met no console
#    message, exception or log entry of level warning or error, and the
#    page's script finished with no error;
#  - two I/O charts with a point per --timeline bucket and a series per top
#    process (and "other" when the total holds more), each series whose
#    largest band is 5% of the chart or more inked on the canvas;
#  - a histogram per syscall of --syscalls --hist, in its order, a bar per
#    bucket row, inked, titled with the calls, p50 and p99 of --syscalls;
#  - every table with a row per row of its report, in its order, and its
#    cells (pids, paths, exit statuses) as the report's; the CPU columns
#    and table only when the recording has the cpu class;
#  - a click on a header sorts the rows up, a second down.
import json
import re
import subprocess
import sys

name, sysrec, page, browser = sys.argv[1:5]
traces = sys.argv[5:]
LIMIT, TOP = 50, 8
failed = 0


def check(what, cond, why=""):
    global failed
    print(("ok " if cond else "not ok ") + name + ": " + what + ("" if cond else ": " + str(why)[:400]))
    if not cond:
        failed += 1


def analyze(*args, fmt="json"):
    r = subprocess.run([sysrec, "analyze", *traces, "--no-progress", "--format", fmt, *args],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("not ok %s: analyze %s failed: %s" % (name, " ".join(args), r.stderr))
    return json.loads(r.stdout) if fmt == "json" else r.stdout


html = open(page, encoding="utf-8").read()
seen = json.load(open(browser))
dom = seen["dom"]
m = re.search(r'<script type="application/json" id="sr-data">\n(.*?)</script>', html, re.S)
check("the data element", m is not None)
data = json.loads(m.group(1)) if m else {}

# --- the data: the analyzer's rows, as it prints them ---
want = {
    "overview": analyze(),
    "top_procs": analyze("--top-io", "--limit", str(LIMIT)),
    "top_files": analyze("--top-io", "--by", "file", "--limit", str(LIMIT)),
    "timeline": analyze("--timeline"),
    "syscalls": analyze("--syscalls"),
    "hist": analyze("--syscalls", "--hist"),
    "procs": analyze("--procs", "--limit", "2000"),
    "cpu": analyze("--cpu", "--limit", "2000"),
    "slow": analyze("--slow", "--limit", str(LIMIT)),
    "errors": analyze("--errors", "--limit", str(LIMIT)),
}
for k, rows in want.items():
    got = data.get(k, {}).get("rows")
    check("data %s: the %d rows of analyze" % (k, len(rows)), got == rows,
          "got %s" % (None if got is None else "%d rows, first %s" % (len(got), got[:1])))
top = [r["pid"] for r in want["top_procs"][:TOP]]
tls = {p: analyze("--timeline", "--pid", str(p)) for p in top}
got = [(t["pid"], t["timeline"]["rows"]) for t in data.get("proc_timelines", [])]
check("data: a timeline for each of the top %d processes" % len(top),
      got == [(p, tls[p]) for p in top], got[:2])
cpu = data.get("cpu_class") == 1
head = []
for l in analyze(fmt="table").splitlines():
    if not l.startswith("#"):
        break
    head.append(l)
check("the coverage header is analyze's", dom["coverage"].rstrip("\n").split("\n") == head,
      dom["coverage"])

# --- the browser ---
check("no request but the page itself", seen["requests"] == [seen["url"]], seen["requests"])
check("no console error or warning, no exception", seen["problems"] == [], seen["problems"])
check("chromium's log says nothing of the page", seen["chromium_log"] == [],
      seen["chromium_log"])
check("the page's script finished", dom["done"] == "1", dom["done"])
check("the page's script met no error", dom["errors"] == 0 and dom["errorText"] == "",
      dom["errorText"])
check("uPlot's licence is in the page", "Permission is hereby granted" in dom["licence"] and
      "Leon Sorokin" in dom["licence"], dom["licence"][:100])

# --- the I/O charts ---
tl = want["timeline"]
io = [c for c in dom["charts"] if c["cls"] == "chart io"]
stack = {}
for key in ("read_bytes", "write_bytes"):
    bands = []
    for p in top:
        by = {round(r["time"], 6): r[key] for r in tls[p]}
        bands.append([by.get(round(r["time"], 6), 0) for r in tl])
    rest = [r[key] - sum(b[i] for b in bands) for i, r in enumerate(tl)]
    if any(v > 0 for v in rest) or not bands:
        bands.append(rest)
    stack[key] = bands
if tl:
    check("two I/O charts", [c["title"] for c in io] == ["Bytes read", "Bytes written"], io)
    for c, key in zip(io, ("read_bytes", "write_bytes")):
        bands = stack[key]
        check("%s: %d points, one per --timeline bucket" % (c["title"], len(tl)),
              c["points"] == len(tl) and c["canvas"] == 1, c)
        check("%s: %d series (top processes, other)" % (c["title"], len(bands)),
              c["series"] == len(bands) and len(c["ink"]) == len(bands), c)
        total = max([sum(b[i] for b in bands) for i in range(len(tl))] + [0])
        # the series are drawn top band first: ink is in reverse band order
        ink = list(reversed(c["ink"]))
        big = [j for j, b in enumerate(bands) if total and max(b) >= 0.05 * total]
        check("%s: drawn, every band of 5%% or more inked (%s)" % (c["title"], big),
              c["drawn"] >= 1 and all(ink[j] > 0 for j in big) and (total == 0 or big),
              c["ink"])
else:
    check("no I/O chart without events", io == [], io)

# --- the histograms ---
order, rows = [], {}
for r in want["hist"]:
    if r["syscall"] not in rows:
        order.append(r["syscall"])
        rows[r["syscall"]] = []
    rows[r["syscall"]].append(r)
hs = [c for c in dom["charts"] if c["cls"] == "chart hist"]
check("a histogram per syscall, in --hist's order (%d)" % len(order),
      [c["syscall"] for c in hs] == order, [c["syscall"] for c in hs])
stats = {r["syscall"]: r for r in want["syscalls"]}
for c in hs:
    rs = rows.get(c["syscall"], [])
    ok = (c["points"] == len(rs) and c["series"] == 1 and c["drawn"] >= 1 and
          len(c["ink"]) == 1 and c["ink"][0] > 0 and
          c["title"].startswith("%s: %d calls, p50 " % (c["syscall"], stats[c["syscall"]]["calls"])))
    check("histogram %s: %d bars, drawn and inked, calls in its title" % (c["syscall"], len(rs)),
          ok, c)
check("every chart counted", dom["ncharts"] == len(dom["charts"]) == len(io) + len(hs),
      dom["ncharts"])

# --- the tables ---
T = dom["tables"]


def col(table, title):
    t = T.get(table)
    if not t or title not in t["head"]:
        return None
    i = t["head"].index(title)
    return [r[i] for r in t["rows"]]


check("top processes: pids in order", col("t-top-procs", "pid") ==
      [str(r["pid"]) for r in want["top_procs"]], col("t-top-procs", "pid"))
check("top files: paths in order", col("t-top-files", "path") ==
      [r["path"] for r in want["top_files"]], col("t-top-files", "path"))
check("syscalls: names in order", col("t-syscalls", "syscall") ==
      [r["syscall"] for r in want["syscalls"]], col("t-syscalls", "syscall"))
check("syscalls: calls", col("t-syscalls", "calls") ==
      [str(r["calls"]) for r in want["syscalls"]], col("t-syscalls", "calls"))
check("process tree: pids in tree order", col("t-procs", "pid") ==
      [str(r["pid"]) for r in want["procs"]], col("t-procs", "pid"))


def exit_text(r):
    if r["exit_status"] is None:
        return "-"
    return "sig %d" % r["exit_signal"] if r["exit_signal"] else str(r["exit_status"])


check("process tree: exit statuses", col("t-procs", "exit") ==
      [exit_text(r) for r in want["procs"]], col("t-procs", "exit"))
check("process tree: CPU time %s" % ("shown" if cpu else "absent"),
      (col("t-procs", "on cpu") is not None) == cpu, T.get("t-procs", {}).get("head"))
check("CPU table %s" % ("with a row per process" if cpu else "absent"),
      (len(T["t-cpu"]["rows"]) == len(want["cpu"])) if cpu else "t-cpu" not in T,
      T.get("t-cpu"))
check("slowest calls: rows in order", col("t-slow", "tid") ==
      [str(r["tid"]) for r in want["slow"]], col("t-slow", "tid"))
if want["errors"]:
    check("errors: syscall, errno and failures", list(zip(col("t-errors", "syscall") or [],
          col("t-errors", "error") or [], col("t-errors", "failures") or [])) ==
          [(r["syscall"], r["error"], str(r["failures"])) for r in want["errors"]],
          T.get("t-errors"))
else:
    check("errors: none, no table", "t-errors" not in T, T.get("t-errors"))
s = seen["sorted"]
nums = [int(x) for x in s["syscalls_calls_asc"]]
check("a click sorts a column up", nums == sorted(nums), nums)
nums = [int(x) for x in s["syscalls_calls_desc"]]
check("a second click sorts it down", nums == sorted(nums, reverse=True), nums)
nums = [int(x) for x in s["procs_pid_asc"]]
check("the process tree sorts by pid", nums == sorted(nums), nums)
o = want["overview"][0]
cards = dict(dom["cards"])
check("summary: events and lost events", (cards.get("events"), cards.get("lost events")) ==
      (str(o["events"]), str(o["lost_events"])), cards)

# --- self-contained ---
check("a Content-Security-Policy that forbids requests",
      "content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
      " img-src data:\"" in html)
ext = re.findall(r'<(?:script|img|iframe|link|object|embed)\b[^>]*\b(?:src|href)=', html, re.I)
check("no external script, style or image element", ext == [], ext)
check("no url() or @import in styles", not re.search(r"url\((?!data:)|@import", html),
      re.findall(r".{20}(?:url\(|@import).{20}", html)[:3])
sys.exit(1 if failed else 0)
