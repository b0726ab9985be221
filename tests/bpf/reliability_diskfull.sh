#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# reliability_diskfull.sh - record a busy workload onto a 256 KiB tmpfs until
# it is full.  The recorder must stop by itself with exit 1 and one line
# "sysrec: writing FILE: No space left on device", stop the command it
# started, leave no BPF program or link behind, and the file must read up
# to its last complete chunk (info: cut, events > 0; dump: every record).
# The same with rotation (--rotate-size), where the disk fills up while a
# new file is being opened.
. "$(dirname "$0")/../lib.sh"
need_bpf reliability_diskfull || exit 0

t_tmpdir
mnt=$tmp/mnt
W=$WORKLOADS/sr_work
mkdir "$mnt" "$tmp/loop"
t_cleanup_more() {
	mountpoint -q "$mnt" && umount "$mnt"
}
if ! mount -t tmpfs -o size=256k,mode=0755 sysrec-test "$mnt"; then
	fail reliability_diskfull "cannot mount a tmpfs on $mnt"
	exit 1
fi

# programs named like sysrec's (its tp_btf programs), whoever loaded them
count_progs() {
	bpftool prog show 2>/dev/null |
		grep -cE ' name (sys_enter|sys_exit|sched_process_fork|sched_process_exec|sched_process_exit) '
}

# fill NAME FILE RECORD_OPTS...: record sr_work loop into FILE until the
# tmpfs is full; sets RC, ERR (stderr), IDS (the recorder's programs/links)
fill() {
	local name=$1 file=$2 rpid wpid t0
	shift 2
	"$SYSREC" record -q -o "$file" "$@" -- "$W" loop 100000000 "$tmp/loop" \
		2> "$tmp/$name.err" &
	rpid=$!
	# the file (or the first rotated one) exists once the programs are attached
	for _ in $(seq 100); do compgen -G "${file%.trc}*.trc" > /dev/null && break; sleep 0.05; done
	IDS=$(prog_ids "$rpid")
	check "$name: the recorder held its programs" test "$(echo "$IDS" | grep -c prog_id)" -ge 5
	wpid=$(ps -o pid= --ppid "$rpid" | tr -d ' ' | head -1)
	t0=$SECONDS
	# a busy loop fills 256 KiB in a few seconds; give it a minute
	for _ in $(seq 600); do kill -0 "$rpid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$rpid" 2>/dev/null; then
		fail "$name: recorder stops by itself on a full disk" "still running after 60 s"
		kill -INT "$rpid"
	else
		ok "$name: recorder stops by itself on a full disk ($((SECONDS - t0)) s)"
	fi
	wait "$rpid"
	RC=$?
	ERR=$(cat "$tmp/$name.err")
	if [ -n "$wpid" ] && kill -0 "$wpid" 2>/dev/null; then
		fail "$name: the recorded command is stopped" "pid $wpid still runs"
		kill -KILL "$wpid"
	else
		ok "$name: the recorded command is stopped"
	fi
}

before=$(count_progs)
fill single "$mnt/full.trc"
expect_eq "single: exit status 1" "$RC" 1
expect_eq "single: one line naming the file and ENOSPC" "$ERR" \
	"sysrec: writing $mnt/full.trc: No space left on device"
expect_eq "single: none of its programs or links is left" "$(still_loaded "$IDS")" 0
# other recorders (other tests) may come and go: the ids above are the proof
echo "# sysrec programs loaded: $before before, $(count_progs) after"
check "single: the file filled the disk (over 200 KiB)" test "$(stat -c %s "$mnt/full.trc")" -gt 204800
expect_eq "single: file mode still 0600" "$(stat -c %a "$mnt/full.trc")" 600

"$SYSREC" info --json "$mnt/full.trc" > "$tmp/info.json" 2> "$tmp/info.err"
expect_eq "single: info reads the file" "$?" 0
expect_eq "single: info says cut, not damaged, with events" \
	"$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1])); g=i["integrity"]
print(g["cut"], g["damaged_chunks"], i["events"] > 1000)' "$tmp/info.json")" "True 0 True"
"$SYSREC" dump --json "$mnt/full.trc" > "$tmp/full.ndjson" 2> "$tmp/dump.err"
expect_eq "single: dump reads the file" "$?" 0
expect_eq "single: dump prints every record info counted" "$(wc -l < "$tmp/full.ndjson")" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$tmp/info.json")"
# what is in the file is a consistent prefix of the loop: N rounds of
# open/read/read/close + open/write/close, the last one possibly cut short
python3 - "$tmp/full.ndjson" "$(realpath "$tmp/loop")" <<'EOF'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
d = sys.argv[2]
out = [e for e in evs if e["type"] == "open" and e.get("path") == d + "/loop.out"]
w = [e for e in evs if e["type"] == "rw" and e["syscall"] == "write" and e["ret"] == 512]
r = [e for e in evs if e["type"] == "rw" and e["syscall"] == "read" and e["ret"] == 4096]
ok = len(out) > 100 and len(w) in (len(out), len(out) - 1) and len(r) in range(2 * len(out), 2 * len(out) + 3)
print(("ok" if ok else "not ok") + " single: the file holds whole loop rounds (%d opens of loop.out,"
      " %d writes of 512, %d reads of 4096)" % (len(out), len(w), len(r)) + ("" if ok else ": not a prefix"))
sys.exit(0 if ok else 1)
EOF
[ $? -eq 0 ] || T_FAILED=$((T_FAILED + 1))

# a disk already full, and one with 4 KiB left (full while writing the
# metadata and the first chunk): one line each, exit 1
rm -f "$mnt"/*
head -c 300k /dev/zero > "$mnt/filler" 2>/dev/null
err=$("$SYSREC" record -q -o "$mnt/none.trc" -- "$W" basic "$tmp/loop" 2>&1)
expect_eq "already full: exit 1" "$?" 1
expect_eq "already full: one line" "$err" "sysrec: cannot create $mnt/none.trc: No space left on device"
check "already full: no file left" test ! -e "$mnt/none.trc"
rm -f "$mnt/filler"
head -c $((256 * 1024 - 4096)) /dev/zero > "$mnt/filler"
err=$("$SYSREC" record -q -o "$mnt/4k.trc" -- "$W" basic "$tmp/loop" 2>&1)
expect_eq "4 KiB left: exit 1" "$?" 1
case "$err" in
"sysrec: "*"$mnt/4k.trc: No space left on device")
	expect_eq "4 KiB left: one line naming the file and ENOSPC" "$(printf '%s\n' "$err" | wc -l)" 1 ;;
*)	fail "4 KiB left: one line naming the file and ENOSPC" "got '$err'" ;;
esac
"$SYSREC" info "$mnt/4k.trc" > /dev/null 2>&1
expect_eq "4 KiB left: info reads what is there" "$?" 0

# rotation: the disk fills while writing one of several files
rm -f "$mnt"/*
mkdir "$mnt/rot"
fill rotate "$mnt/rot/r.trc" --rotate-size 64K
expect_eq "rotate: exit status 1" "$RC" 1
# which step meets the full disk (writing a chunk, finishing a file, creating
# or starting the next) depends on timing: any one line naming the file
case "$ERR" in
*"
"*)	fail "rotate: one line naming the file and ENOSPC" "got '$ERR'" ;;
"sysrec: "*" $mnt/rot/r."[0-9][0-9][0-9][0-9][0-9][0-9]".trc: No space left on device")
	ok "rotate: one line naming the file and ENOSPC" ;;
*)	fail "rotate: one line naming the file and ENOSPC" "got '$ERR'" ;;
esac
expect_eq "rotate: none of its programs or links is left" "$(still_loaded "$IDS")" 0
set -- "$mnt"/rot/r.*.trc
check "rotate: several files ($#)" test $# -ge 2
for f in "$@"; do
	"$SYSREC" info --json "$f" > "$tmp/ri.json" 2>/dev/null
	rc=$?
	expect_eq "rotate: info reads $(basename "$f")" "$rc" 0
done
# the file the error names is cut, every other one complete: the last one,
# or none when the disk filled as the next file was created (then the error
# names a file that does not exist)
named=$(printf '%s\n' "$ERR" | grep -o "$mnt/rot/r\.[0-9]*\.trc")
if [ -e "$named" ]; then
	expect_eq "rotate: the file named is the last" "$named" "${!#}"
fi
for f in "$@"; do
	want="True False"
	[ "$f" = "$named" ] && want="False True"
	"$SYSREC" info --json "$f" > "$tmp/ri.json" 2>/dev/null
	expect_eq "rotate: $(basename "$f") complete/cut" \
		"$(python3 -c 'import json,sys; g=json.load(open(sys.argv[1]))["integrity"]; print(g["complete"], g["cut"])' "$tmp/ri.json" 2>&1)" "$want"
done
t_done
