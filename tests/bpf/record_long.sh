#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_long.sh - long paths and argv are kept whole up to PATH_MAX and
# --argv-max, and anything longer is flagged as cut, never cut silently.
. "$(dirname "$0")/../lib.sh"
need_bpf record_long || exit 0
tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# a path of 300 components, then one of about 4000 bytes, opened by relative
# names from deep inside (so the kernel, not the caller, knows the full path)
cat > "$tmp/deep.py" <<'PY'
import os, sys
base = sys.argv[1]
os.chdir(base)
for i in range(300):
    os.mkdir("d"); os.chdir("d")
open("deep.dat", "w").write("x" * 11)
os.chdir(base)
name = "n" * 200
depth = (4000 - len(base)) // 201
for i in range(depth):
    os.mkdir(name); os.chdir(name)
open("long.dat", "w").write("y" * 22)
for i in range(3):		# now past PATH_MAX, reachable only by relative names
    os.mkdir(name); os.chdir(name)
open("over.dat", "w").write("z" * 33)
PY
"$SYSREC" record -q -o "$tmp/l.trc" -- python3 "$tmp/deep.py" "$tmp" ||
	fail "record_long: record" "failed"
"$SYSREC" dump --json --type open "$tmp/l.trc" > "$tmp/l.ndjson"
rt=$(realpath "$tmp")
python3 - "$tmp/l.ndjson" "$rt" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
base = sys.argv[2]
deep = base + "/d" * 300 + "/deep.dat"
depth = (4000 - len(base)) // 201
long = base + ("/" + "n" * 200) * depth + "/long.dat"
def check(name, cond, why=""):
    print(("ok " if cond else "not ok ") + "record_long: " + name + ("" if cond else ": " + why))
got = [e for e in evs if e.get("name") == "deep.dat"]
check("300 components: whole path", [e.get("path") for e in got] == [deep],
      "got %r" % [len(e.get("path", "")) for e in got])
check("300 components: not flagged cut", not any(e.get("path_cut") for e in got))
got = [e for e in evs if e.get("name") == "long.dat"]
check("%d-byte path kept whole" % len(long), [e.get("path") for e in got] == [long],
      "got lengths %r" % [len(e.get("path", "")) for e in got])
check("... and not flagged cut", not any(e.get("path_cut") for e in got))
got = [e for e in evs if e.get("name") == "over.dat"]
over = long[:-len("/long.dat")] + ("/" + "n" * 200) * 3 + "/over.dat"
check("a path past PATH_MAX (%d bytes) is flagged cut" % len(over),
      [e.get("path_cut", False) for e in got] == [True], "got %r" % got)
check("... and keeps its last components",
      len(got) == 1 and over.endswith(got[0].get("path", "-")) and len(got[0]["path"]) > 3500,
      "got %r" % [len(e.get("path", "")) for e in got])
PY
# argv: 4000 bytes kept by default; 6000 cut (flagged) by default, whole with -A 8192
a4=$(head -c 3990 /dev/zero | tr '\0' a)
a6=$(head -c 5990 /dev/zero | tr '\0' b)
"$SYSREC" record -q -o "$tmp/a.trc" -- /bin/echo "$a4" > /dev/null
"$SYSREC" record -q -o "$tmp/b.trc" -- /bin/echo "$a6" > /dev/null
"$SYSREC" record -q -A 8192 -o "$tmp/c.trc" -- /bin/echo "$a6" > /dev/null
for f in a b c; do
	"$SYSREC" dump --json --type exec "$tmp/$f.trc" | head -1 > "$tmp/$f.json"
done
argv_of() { python3 -c 'import json,sys; e=json.load(open(sys.argv[1])); print(len(e["argv"][-1]), e.get("argv_cut", False))' "$1"; }
expect_eq "record_long: 3990-byte argument kept whole" "$(argv_of "$tmp/a.json")" "3990 False"
b=$(argv_of "$tmp/b.json")
expect_eq "record_long: 5990-byte argument cut and flagged by default" "${b#* }" "True"
check "record_long: the cut argv keeps the first 4 KiB" test "${b% *}" -ge 4000
expect_eq "record_long: -A 8192 keeps it whole" "$(argv_of "$tmp/c.json")" "5990 False"
"$SYSREC" dump --type exec "$tmp/b.trc" | grep -q '(cut)'
expect_eq "record_long: the text dump shows the cut" "$?" 0

# -A at its limits: 16384 bytes of argv (NULs included) kept whole, one more
# cut; a failed exec keeps its argv up to 8192, -A 8192 and above included
# ("/bin/echo" and its NUL are 10 bytes, the argument's NUL one more)
a16=$(head -c 16373 /dev/zero | tr '\0' c)
"$SYSREC" record -q -A 16384 -o "$tmp/d.trc" -- /bin/echo "$a16" > /dev/null
"$SYSREC" record -q -A 16384 -o "$tmp/e.trc" -- /bin/echo "${a16}c" > /dev/null
for f in d e; do
	"$SYSREC" dump --json --type exec "$tmp/$f.trc" | head -1 > "$tmp/$f.json"
done
expect_eq "record_long: -A 16384 keeps 16384 bytes of argv whole" "$(argv_of "$tmp/d.json")" "16373 False"
expect_eq "record_long: -A 16384 cuts 16385 bytes to 16384, flagged" "$(argv_of "$tmp/e.json")" "16374 True"
for A in 4096 8191 8192 16384; do
	"$SYSREC" record -q -A $A -o "$tmp/f$A.trc" -e execve -- sh -c '/nonexistent/x a b; true' 2>/dev/null
	expect_eq "record_long: a failed exec keeps its argv with -A $A" \
		"$("$SYSREC" dump --type execve "$tmp/f$A.trc" | grep -o 'argc=3 argv=\["/nonexistent/x","a","b"\] ret=-2 ' | wc -l)" 1
done
# a failed exec whose last argument is cut is flagged; one that ends
# exactly at the limit is not ("/nonexistent/x" and its NUL are 15 bytes)
a40=$(head -c 4080 /dev/zero | tr '\0' d)
for arg in "${a40}" "${a40}dd"; do
	"$SYSREC" record -q -A 4096 -o "$tmp/g.trc" -f -e execve -- /bin/sh -c "/nonexistent/x $arg; true" 2>/dev/null
	"$SYSREC" dump --json --type execve "$tmp/g.trc" | grep '"ret":-2' | head -1 > "$tmp/g.json"
	case ${#arg} in
	4080) expect_eq "record_long: a failed exec's argv that fits -A exactly is whole" "$(argv_of "$tmp/g.json")" "4080 False" ;;
	*) expect_eq "record_long: a failed exec's cut last argument is flagged" "$(argv_of "$tmp/g.json")" "4080 True" ;;
	esac
done
t_done
