#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# reliability_names.sh - a REAL recording of a workload that creates and
# writes files whose names hold newlines, quotes, control characters, C1
# controls, invalid UTF-8, printf directives and SQL; that renames itself
# (comm) to such bytes and runs a command with such arguments; all under a
# directory whose own name holds a newline.  Then:
#  - dump --json: every line parses, one line per record, every name comes
#    back exactly (invalid bytes as U+00NN) with its exact bytes written;
#  - dump text: one line per record, valid UTF-8, no control byte, every
#    name escaped as documented;
#  - analyze, every report, table/CSV/JSON: CSV rows have the header's
#    column count (python csv), JSON parses, tables keep one line per row;
#    the names and their exact bytes are in --top-io --by file;
#  - the SQL name is stored as a path, byte for byte, and every table is
#    still there; filters with quotes are values, not SQL;
#  - info: one line per key, the command line escaped.
. "$(dirname "$0")/../lib.sh"
need_bpf reliability_names || exit 0

tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
D=$tmp/$'w\nd'
mkdir "$D"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

# the workload: NAMES is shared with the checker through names.py
cat > "$tmp/names.py" <<'EOF'
# file names (bytes) and the bytes written to each: 1000 + index
NAMES = [
    b"nl\nname", b'dq"name', b"sq'name", b"x'); DROP TABLE events; --",
    b"ctl\x01\x1b[31mred\x7f", b"bad\xff\xfeutf8", b"c1\xc2\x85nel",
    b"tab\tcr\rend", b"comma,name", b"back\\x41slash",
    "\u00fcn\u00ef\U0001f600".encode(), b"fmt%s%n%x%p", b"\xc3\x28lone",
    b"\xed\xa0\x80surrogate", b"sub\ndir/inner\"file", b"-dash",
    b"<i>&amp;&lt;i>", b"L" * 200 + b"\n\xff" + b"M" * 40,
]
COMM = b'c\n"\',\x1b\xff'          # 8 bytes: fits the 15 of a comm
ARGV = [b"arg\nnl", b"q\"'", b"\xff\xfe", b"x'); DROP TABLE events; --"]
EOF
cat > "$tmp/hostile.py" <<'EOF'
import ctypes, os, subprocess, sys
sys.path.insert(0, os.path.dirname(sys.argv[0]))
from names import NAMES, COMM, ARGV
d = os.fsencode(sys.argv[1])
os.makedirs(d + b"/sub\ndir", exist_ok=True)
for k, n in enumerate(NAMES):
    fd = os.open(d + b"/" + n, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, b"x" * (1000 + k))
    os.close(fd)
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(15, ctypes.c_char_p(COMM), 0, 0, 0):     # PR_SET_NAME
    sys.exit(4)
fd = os.open(d + b"/comm.dat", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, b"y" * 777)
os.close(fd)
sys.exit(subprocess.run([b"/bin/true"] + ARGV).returncode)
EOF

"$SYSREC" record -q -o "$tmp/h.trc" -- "$PY" "$tmp/hostile.py" "$D"
expect_eq "record: the hostile workload ran" "$?" 0
"$SYSREC" info --json "$tmp/h.trc" > "$tmp/info.json"
expect_eq "info --json exits 0" "$?" 0
# dump prints every record, the snapshot's and the cpu class's too: info's
# "records", of which "events" are what the processes did
events=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$tmp/info.json")
check "info counts records ($events)" test "$events" -gt 100

"$SYSREC" dump --json "$tmp/h.trc" > "$tmp/d.ndjson" 2> "$tmp/d.err"
expect_eq "dump --json exits 0" "$?" 0
"$SYSREC" dump "$tmp/h.trc" > "$tmp/d.txt" 2> "$tmp/t.err"
expect_eq "dump text exits 0" "$?" 0
"$SYSREC" analyze "$tmp/h.trc" --db "$tmp/h.db" --top-io --by file --limit 0 --format csv \
	> "$tmp/files.csv" 2> "$tmp/a.err"
expect_eq "analyze --db exits 0" "$?" 0

# the checker: escapes computed from format/util.c's documented rules
cat > "$tmp/check.py" <<'EOF'
import csv, io, json, os, sqlite3, sys
sys.path.insert(0, os.path.dirname(sys.argv[0]))
from names import NAMES, COMM, ARGV
tmp, D, events = sys.argv[1], os.fsencode(sys.argv[2]), int(sys.argv[3])
failed = 0
def check(name, cond, why=""):
    global failed
    print(("ok names: %s" % name) if cond else ("not ok names: %s: %s" % (name, why)))
    failed += 0 if cond else 1

def seqs(b):
    """(bytes, valid) pieces as format/util.c's utf8_seq sees them"""
    i = 0
    while i < len(b):
        for n in (1, 2, 3, 4):
            try:
                if len(b[i:i + n].decode("utf-8")) == 1:
                    yield b[i:i + n], True
                    i += n
                    break
            except UnicodeDecodeError:
                pass
        else:
            yield b[i:i + 1], False
            i += 1

def jdec(b):   # what json.loads gives back: invalid bytes are U+00NN
    return "".join(s.decode() if ok else chr(s[0]) for s, ok in seqs(b))

def is_c1(s):
    return len(s) == 2 and s[0] == 0xC2 and s[1] < 0xA0

def tenc(b):   # sr_fput_text
    out = []
    for s, ok in seqs(b):
        c = s[0]
        if ok and len(s) == 1:
            esc = {10: "\\n", 9: "\\t", 13: "\\r", 92: "\\\\", 34: '\\"'}.get(c)
            out.append(esc if esc else ("\\x%02x" % c if c < 0x20 or c == 0x7F else chr(c)))
        elif ok and not is_c1(s):
            out.append(s.decode())
        else:
            out.append("".join("\\x%02x" % x for x in s))
    return "".join(out)

def cenc(b):   # sr_fput_csv, as the csv module returns the field
    out = []
    for s, ok in seqs(b):
        c = s[0]
        if not ok or (len(s) == 1 and (c < 0x20 or c == 0x7F)) or is_c1(s):
            out.append("".join("\\x%02x" % x for x in s))
        elif c == 92:
            out.append("\\\\")
        else:
            out.append(s.decode())
    return "".join(out)

real = os.path.realpath(D)
paths = [real + b"/" + n for n in NAMES]

# --- dump --json ---
raw = open(tmp + "/d.ndjson", "rb").read()
lines = raw.split(b"\n")
check("dump --json ends with a newline", raw.endswith(b"\n"))
lines = lines[:-1]
evs, bad = [], []
for i, l in enumerate(lines):
    try:
        evs.append(json.loads(l.decode("utf-8")))
    except Exception as e:
        bad.append((i, str(e)))
check("dump --json: every line parses (%d lines)" % len(lines), not bad, str(bad[:3]))
check("dump --json: one line per record", len(lines) == events, "%d lines, %d events" % (len(lines), events))
opens = {}
for e in evs:
    if e.get("type") == "open" and e.get("ret", -1) >= 0:
        opens.setdefault(e["path"], []).append(e)
for k, p in enumerate(paths):
    o = opens.get(jdec(p), [])
    if len(o) != 1:
        check("dump --json: %r opened once under its exact path" % NAMES[k], False,
              "%d opens; near: %r" % (len(o), [x for x in opens if "w\nd" in x][:3]))
        continue
    e = o[0]
    w = [x["ret"] for x in evs if x.get("type") == "rw" and x.get("syscall") == "write"
         and (x["dev"], x["ino"]) == (e["dev"], e["ino"])]
    check("dump --json: %r exact path, name as passed, %d bytes" % (NAMES[k], 1000 + k),
          e["name"] == jdec(p) and w == [1000 + k], "name %r, writes %r" % (e["name"], w))
cw = [e for e in evs if e.get("type") == "rw" and e.get("ret") == 777]
check("dump --json: the renamed process's comm comes back exactly",
      [e["comm"] for e in cw] == [jdec(COMM)], repr([e["comm"] for e in cw]))
ex = [e for e in evs if e.get("type") == "exec" and e.get("path") == "/usr/bin/true"]
check("dump --json: hostile argv comes back exactly",
      [e["argv"] for e in ex] == [[jdec(a) for a in [b"/bin/true"] + ARGV]],
      repr([e["argv"] for e in ex]))

# --- dump text ---
raw = open(tmp + "/d.txt", "rb").read()
try:
    txt = raw.decode("utf-8")
    okutf = True
except UnicodeDecodeError as e:
    okutf, txt = False, raw.decode("utf-8", "replace")
check("dump text: valid UTF-8", okutf)
ctl = [c for c in txt if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0]
check("dump text: no control character", not ctl, repr(ctl[:5]))
tl = txt.split("\n")[:-1]
check("dump text: one line per record", len(tl) == events, "%d lines, %d events" % (len(tl), events))
for k, p in enumerate(paths):
    want = ' path="%s"' % tenc(p)
    check("dump text: %r escaped as documented" % NAMES[k],
          sum(1 for l in tl if " openat " in l and want in l) == 1,
          "no line with %s" % want)
check("dump text: comm escaped", sum(1 for l in tl if " %s write " % tenc(COMM) in l) == 1,
      "no write line by %s" % tenc(COMM))

# --- analyze --top-io --by file, CSV ---
rows = list(csv.reader(io.StringIO(open(tmp + "/files.csv", encoding="utf-8", newline="").read())))
hdr = rows[0]
check("analyze CSV: every row has the header's %d columns" % len(hdr),
      all(len(r) == len(hdr) for r in rows), str([r for r in rows if len(r) != len(hdr)][:2]))
byp = {r[0]: r for r in rows[1:]}
for k, p in enumerate(paths):
    r = byp.get(cenc(p))
    check("analyze CSV: %r with its %d bytes" % (NAMES[k], 1000 + k),
          r is not None and r[hdr.index("writes")] == "1" and r[hdr.index("write_bytes")] == str(1000 + k),
          "row %r" % (r,))

# --- the database: names are values, stored byte for byte ---
db = sqlite3.connect(tmp + "/h.db")
db.text_factory = bytes
tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
check("database: the events table is still there", b"events" in tables, repr(sorted(tables)))
n = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
check("database: events imported (%d)" % n, n > 0)
sql_path = paths[NAMES.index(b"x'); DROP TABLE events; --")]
got = [r[0] for r in db.execute("SELECT path FROM files WHERE path LIKE '%DROP TABLE%'")]
check("database: the SQL name is a path, byte for byte", got == [sql_path], repr(got))
stored = {r[0] for r in db.execute("SELECT path FROM files")}
# SQLite TEXT may not hold invalid UTF-8 as such: compare what it does hold
missing = [NAMES[k] for k, p in enumerate(paths)
           if p not in stored and jdec(p).encode() not in stored]
check("database: every name is stored (raw, or invalid bytes as U+00NN)", not missing, repr(missing))
sys.exit(1 if failed else 0)
EOF
python3 "$tmp/check.py" "$tmp" "$D" "$events" || T_FAILED=$((T_FAILED + 1))

# --- every report, every format ---
for rep in "" --top-io "--top-io --by file" "--top-io --by cgroup" --syscalls --procs --mem --files \
	--timeline --sql; do
	name=${rep:-overview}
	if [ "$rep" = --sql ]; then
		args=(--sql "SELECT * FROM events_v")
	else
		read -ra args <<< "$rep"
	fi
	"$SYSREC" analyze "$tmp/h.trc" "${args[@]}" --limit 0 --format csv > "$tmp/r.csv" 2>/dev/null
	expect_eq "analyze $name csv exits 0" "$?" 0
	python3 - "$tmp/r.csv" "$name" <<'EOF'
import csv, sys
raw = open(sys.argv[1], "rb").read()
try:
    rows = list(csv.reader(raw.decode("utf-8").splitlines(True)))
    ok = len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows)
    why = "%d rows; bad: %r" % (len(rows), [r for r in rows if len(r) != len(rows[0])][:2])
except Exception as e:
    ok, why = False, str(e)
print(("ok" if ok else "not ok") + " names: analyze %s csv: %d-column rows throughout" %
      (sys.argv[2], len(rows[0]) if ok else 0) + ("" if ok else ": " + why))
sys.exit(0 if ok else 1)
EOF
	[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))
	"$SYSREC" analyze "$tmp/h.trc" "${args[@]}" --limit 0 --format json > "$tmp/r.json" 2>/dev/null
	expect_eq "analyze $name json exits 0" "$?" 0
	check "analyze $name json parses, all objects with the same keys" python3 -c '
import json, sys
v = json.load(open(sys.argv[1], encoding="utf-8"))
assert isinstance(v, list) and v and all(set(o) == set(v[0]) for o in v)' "$tmp/r.json"
	"$SYSREC" analyze "$tmp/h.trc" "${args[@]}" --limit 0 > "$tmp/r.txt" 2>/dev/null
	expect_eq "analyze $name table exits 0" "$?" 0
	check "analyze $name table: UTF-8, no control character, one line per row" python3 -c '
import csv, sys
t = open(sys.argv[1], "rb").read().decode("utf-8")
assert not [c for c in t if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0]
body = [l for l in t.split("\n")[:-1] if not l.startswith("#")]
rows = list(csv.reader(open(sys.argv[2], encoding="utf-8", newline="")))
if sys.argv[3] not in ("overview",):
    assert len([l for l in body if l.strip()]) == len(rows), (len(body), len(rows))' \
		"$tmp/r.txt" "$tmp/r.csv" "$name"
done

# filters with quotes are bound as values
"$SYSREC" analyze --db "$tmp/h.db" --top-io --comm "x'); DROP TABLE events; --" --format csv > "$tmp/q.csv" 2>/dev/null
expect_eq "analyze --comm with SQL in it exits 0" "$?" 0
expect_eq "analyze --comm with SQL in it: just no rows" "$(wc -l < "$tmp/q.csv")" 1
"$SYSREC" analyze --db "$tmp/h.db" --top-io --cgroup "/x'); DROP TABLE events; --" --format csv > /dev/null 2>&1
expect_eq "analyze --cgroup with SQL in it exits 0" "$?" 0
expect_eq "the events table survived every filter" \
	"$("$SYSREC" analyze --db "$tmp/h.db" --sql 'SELECT COUNT(*) > 0 FROM events' --format csv 2>/dev/null | tail -1)" 1

# info: one line per key, the command line escaped
"$SYSREC" info "$tmp/h.trc" > "$tmp/i.txt"
expect_eq "info text exits 0" "$?" 0
expect_eq "info: one cmdline line" "$(grep -c '^cmdline:' "$tmp/i.txt")" 1
check "info: the newline of the directory escaped in cmdline" grep -q '^cmdline: .*/w\\nd$' "$tmp/i.txt"
check "info: every line is key: value or a section" \
	test "$(grep -cvE '^( {2})?[^ ][^:]*:( |$)' "$tmp/i.txt")" -eq 0
check "info --json: the command line comes back exactly" python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["cmdline"]
assert m.endswith(sys.argv[2]), (m, sys.argv[2])' "$tmp/info.json" "$D"
t_done
