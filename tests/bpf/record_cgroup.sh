#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_cgroup.sh - a workload inside a cgroup v2 made for the test, the same
# workload outside it; --cgroup records only the group's I/O and
# --top-io --by cgroup shows its exact bytes.
. "$(dirname "$0")/../lib.sh"
need_bpf record_cgroup || exit 0
mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -z "$mnt" ]; then skip record_cgroup "no cgroup2 mount in /proc/mounts"; exit 0; fi

tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
name=sysrec-test-$$
cg=$mnt/$name
cleanup() {
	[ -d "$cg" ] && rmdir "$cg" 2>/dev/null
	[ -d "$cg-short" ] && rmdir "$cg-short" 2>/dev/null
	[ -d "$cg-nest/y" ] && rmdir "$cg-nest/y" 2>/dev/null
	[ -d "$cg-nest" ] && rmdir "$cg-nest" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir "$cg" || { fail record_cgroup "cannot create $cg"; exit 1; }

mkdir "$tmp/in" "$tmp/out"
SR_WORK_READY=$tmp/in.ready sh -c "echo \$\$ > $cg/cgroup.procs && exec $WORKLOADS/sr_work basic $tmp/in" &
in_pid=$!
SR_WORK_READY=$tmp/out.ready "$WORKLOADS/sr_work" basic "$tmp/out" &
out_pid=$!
wait_for "$tmp/in.ready" && wait_for "$tmp/out.ready" || fail "record_cgroup: workloads ready" "no ready file"
in_start=$(awk '{ print $22 }' "/proc/$in_pid/stat")
"$SYSREC" record -q -o "$tmp/cg.trc" --cgroup "/$name" &
rpid=$!
wait_for "$tmp/cg.trc" || fail "record_cgroup: recorder started" "no trace file"
kill -USR1 "$in_pid" "$out_pid"
wait "$in_pid"; expect_eq "record_cgroup: inside workload status" "$?" 0
wait "$out_pid"; expect_eq "record_cgroup: outside workload status" "$?" 0
kill -INT "$rpid"
wait "$rpid"; expect_eq "record_cgroup: recorder status" "$?" 0

# the snapshot too: the group's one process and its descriptors, nobody else
"$SYSREC" dump --type proc "$tmp/cg.trc" | awk '{ print $4 }' > "$tmp/procs"
expect_eq "record_cgroup: the snapshot holds only the group's process" \
	"$(sort -u "$tmp/procs" | tr '\n' ' ')" "$in_pid/$in_pid "
expect_eq "record_cgroup: the snapshot's descriptors are the group's" \
	"$("$SYSREC" dump --type fd "$tmp/cg.trc" | awk '{ print $4 }' | sort -u | tr '\n' ' ')" "$in_pid/$in_pid "
# its start time: /proc/PID/stat's, in the trace's clock (CLOCK_MONOTONIC)
"$SYSREC" dump --json --type proc "$tmp/cg.trc" > "$tmp/procs.json"
check "record_cgroup: the snapshot's start_ns is when it started" python3 -c 'import json, os, sys
p = json.loads(open(sys.argv[1]).readline())
ticks = os.sysconf("SC_CLK_TCK")
started_ms = int(sys.argv[2]) * 1000 // ticks
assert abs(p["start_ns"] // 1000000 - started_ms) <= 1000 // ticks, (p["start_ns"], started_ms)' \
	"$tmp/procs.json" "$in_start"
"$SYSREC" analyze "$tmp/cg.trc" --top-io --by cgroup --format csv > "$tmp/cg.csv"
# writes: a.dat 1000+433+6000, b.dat 2222, child1 100, child2 200; reads: a.dat
expect_eq "record_cgroup: --top-io --by cgroup" \
	"$(grep "^/$name," "$tmp/cg.csv" | cut -d, -f1-5)" "/$name,3,7433,6,9955"
expect_eq "record_cgroup: only the group recorded" "$(grep -vc "^cgroup,\|^/$name," "$tmp/cg.csv")" 0
"$SYSREC" analyze "$tmp/cg.trc" --top-io --by file --format csv > "$tmp/f.csv"
expect_eq "record_cgroup: no file of the outside workload" "$(grep -c "$tmp/out" "$tmp/f.csv")" 0
expect_eq "record_cgroup: a.dat inside" \
	"$(grep "^$(realpath "$tmp/in")/a.dat," "$tmp/f.csv" | cut -d, -f4-5)" "3,7433"
"$SYSREC" analyze "$tmp/cg.trc" --top-io --by cgroup --cgroup "$cg" --format csv > "$tmp/cg2.csv"
expect_eq "record_cgroup: analyze --cgroup with the full path" \
	"$(grep "^/$name," "$tmp/cg2.csv" | cut -d, -f1-5)" "/$name,3,7433,6,9955"

# a group made and removed during the recording, before the recorder writes
# its first record: named all the same, and its write counted under it
cat > "$tmp/short.sh" <<EOF
mkdir $cg-short
sh -c 'echo \$\$ > $cg-short/cgroup.procs && echo 0123456789 > $tmp/short.out'
rmdir $cg-short
EOF
"$SYSREC" record -q -o "$tmp/short.trc" -e file,proc -- sh "$tmp/short.sh"
expect_eq "record_cgroup: the recorder status, short-lived group" "$?" 0
expect_eq "record_cgroup: a short-lived group keeps its name" \
	"$("$SYSREC" dump --type cgroup "$tmp/short.trc" | grep -o "path=\"/$name-short\"")" "path=\"/$name-short\""
# the 11-byte write names the group's id, and that id its path
expect_eq "record_cgroup: the write in it carries its id" \
	"$("$SYSREC" dump --json "$tmp/short.trc" | python3 -c 'import json, sys
evs = [json.loads(l) for l in sys.stdin]
names = {e["id"]: e["path"] for e in evs if e["type"] == "cgroup"}
print(" ".join(names.get(e["cgroup_id"], "?") for e in evs
               if e.get("syscall") == "write" and e.get("ret") == 11))')" "/$name-short"
# a parent made on CPU 1, its child on CPU 0: the child's mkdir is read
# first (the batches are read in CPU order) and waits for its parent's name
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	cat > "$tmp/nest.sh" <<EOF
taskset -c 1 mkdir $cg-nest
taskset -c 0 mkdir $cg-nest/y
sh -c 'echo \$\$ > $cg-nest/y/cgroup.procs && echo 0123456789 > $tmp/nest.out'
rmdir $cg-nest/y $cg-nest
EOF
	"$SYSREC" record -q -o "$tmp/nest.trc" -e file,proc -- sh "$tmp/nest.sh"
	expect_eq "record_cgroup: a child group read before its parent is named" \
		"$("$SYSREC" dump --type cgroup "$tmp/nest.trc" | grep -o "path=\"/$name-nest/y\"")" "path=\"/$name-nest/y\""
else
	skip "record_cgroup: a child group read before its parent" "needs two CPUs and taskset"
fi
t_done
