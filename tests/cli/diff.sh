#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# diff.sh - sysrec diff on two traces built by mktrace with known
# differences: syscalls' calls, errors and percentiles, files' bytes, new
# and gone names, processes matched by comm and command line (not pid);
# table, CSV, JSON, --limit, usage errors.  Uses the ASan/UBSan build; needs
# no root and no BPF.
. "$(dirname "$0")/../lib.sh"

export TZ=UTC
S=$SYSREC_ASAN MK=$TOOLS/mktrace
need_built diff "$S" "$MK"
t_tmpdir
D=$tmp
# spec_head ID PID: the metadata and the app process of a side
spec_head() {
	printf 'meta recording_id %s\nmeta host hostD\nmeta start_ns 1000000000\n' "$1"
	printf 'proc ts=1000000000 pid=%s comm=app ppid=1 start_ns=500000000 exe="/bin/app" argv="app"\n' "$2"
}

# before: 100 app reads /etc/hosts 10 bytes and fails a lot; closes it;
# reads /data/in 100 bytes in 10 ms
{ spec_head d1ff0001 100; cat <<-'EOF'
	fd ts=1000000000 pid=100 fd=3 dev=0x800001 ino=12 path="/data/in"
	open ts=1100000000 pid=100 comm=app sys=openat ret=4 dirfd=-100 flags=0 name="/etc/hosts" path="/etc/hosts" dev=0x800002 ino=40 dur_ns=1500
	rw ts=1110000000 pid=100 comm=app sys=read ret=10 fd=4 count=100 offset=-1 dev=0x800002 ino=40 dur_ns=3000
	rw ts=1120000000 pid=100 comm=app sys=read ret=-11 fd=4 count=100 offset=-1 dev=0x800002 ino=40 dur_ns=500
	open ts=1140000000 pid=100 comm=app sys=openat ret=-2 dirfd=-100 flags=0 name="/nope" dur_ns=2500
	close ts=1180000000 pid=100 comm=app sys=close ret=0 fd=4 dev=0x800002 ino=40 dur_ns=200
	rw ts=1190000000 pid=100 comm=app sys=read ret=100 fd=3 count=100 offset=-1 dev=0x800001 ino=12 dur_ns=10000000
	EOF
} >"$D/a.spec"
# after: the same app as pid 200 reads /etc/hosts 50 bytes, no failure, no
# close; forks 201, which execs cat /x and writes /tmp/new 4096 bytes;
# /data/in read in 20 ms
{ spec_head d1ff0002 200; cat <<-'EOF'
	fd ts=1000000000 pid=200 fd=3 dev=0x800001 ino=12 path="/data/in"
	open ts=1100000000 pid=200 comm=app sys=openat ret=4 dirfd=-100 flags=0 name="/etc/hosts" path="/etc/hosts" dev=0x800002 ino=40 dur_ns=1500
	rw ts=1110000000 pid=200 comm=app sys=read ret=50 fd=4 count=100 offset=-1 dev=0x800002 ino=40 dur_ns=3000
	fork ts=1120000000 pid=200 comm=app sys=clone ret=201 child_pid=201 child_tid=201 dur_ns=100
	exec ts=1150000000 pid=201 comm=cat sys=execve ret=0 filename="/bin/cat" path="/bin/cat" argv="cat\0/x" argc=2 dur_ns=100
	open ts=1160000000 pid=201 comm=cat sys=openat ret=5 dirfd=-100 flags=0x241 name="/tmp/new" path="/tmp/new" dev=0x800002 ino=41 dur_ns=1000
	rw ts=1170000000 pid=201 comm=cat sys=write ret=4096 fd=5 count=4096 offset=-1 dev=0x800002 ino=41 dur_ns=2000
	rw ts=1190000000 pid=200 comm=app sys=read ret=100 fd=3 count=100 offset=-1 dev=0x800001 ino=12 dur_ns=20000000
	EOF
} >"$D/b.spec"
"$MK" -o "$D/a.trc" "$D/a.spec" || fail mktrace a.trc
"$MK" -o "$D/b.trc" "$D/b.spec" || fail mktrace b.trc

got=$("$S" diff "$D/a.trc" "$D/b.trc" --no-progress --format csv 2>&1)
expect_eq diff_csv "$got" "kind,name,metric,before,after,change,change_pct,status
syscall,clone,calls,,1,1,,new
syscall,close,calls,1,,-1,,gone
syscall,execve,calls,,1,1,,new
syscall,read,calls,3,2,-1,-33.333333333333336,
syscall,write,calls,,1,1,,new
syscall,openat,errors,1,0,-1,-100,
syscall,read,errors,1,0,-1,-100,
syscall,write,p50_ns,,2000,2000,,new
syscall,openat,p50_ns,1500,1000,-500,-33.333333333333336,
syscall,close,p50_ns,200,,-200,,gone
syscall,clone,p50_ns,,100,100,,new
syscall,execve,p50_ns,,100,100,,new
syscall,read,p99_ns,10000000,20000000,10000000,100,
syscall,write,p99_ns,,2000,2000,,new
syscall,openat,p99_ns,2500,1500,-1000,-40,
syscall,close,p99_ns,200,,-200,,gone
syscall,clone,p99_ns,,100,100,,new
syscall,execve,p99_ns,,100,100,,new
file,/tmp/new,opens,,1,1,,new
file,/bin/cat,opens,,0,0,,new
file,/etc/hosts,read_bytes,10,50,40,400,
file,/tmp/new,write_bytes,,4096,4096,,new
process,cat (cat /x),processes,,1,1,,new
process,app (app),read_bytes,110,150,40,36.363636363636367,
process,cat (cat /x),write_bytes,,4096,4096,,new"
# the table: a line naming the two sides, then the rows
got=$("$S" diff "$D/a.trc" "$D/b.trc" --no-progress --limit 4 2>&1 | sed "s|$D/||g")
expect_eq diff_table "$got" "# before a.trc, after b.trc
kind     name    metric  before  after  change  change_pct  status
syscall  clone   calls        -      1       1           -  new
syscall  close   calls        1      -      -1           -  gone
syscall  execve  calls        -      1       1           -  new
syscall  read    calls        3      2      -1    -33.3333  -
# first 4 rows (--limit 0 shows all)"
got=$("$S" diff "$D/a.trc" "$D/b.trc" --no-progress --format json 2>&1 | grep '"process"')
expect_eq diff_json "$got" '{"kind": "process", "name": "cat (cat /x)", "metric": "processes", "before": null, "after": 1, "change": 1, "change_pct": null, "status": "new"},
{"kind": "process", "name": "app (app)", "metric": "read_bytes", "before": 110, "after": 150, "change": 40, "change_pct": 36.363636363636367, "status": null},
{"kind": "process", "name": "cat (cat /x)", "metric": "write_bytes", "before": null, "after": 4096, "change": 4096, "change_pct": null, "status": "new"}'
# a recording against itself: no change, no row
expect_eq diff_same "$("$S" diff "$D/a.trc" "$D/a.trc" --no-progress --format csv 2>&1)" \
	"kind,name,metric,before,after,change,change_pct,status"
# the other way round: new is gone
expect_eq diff_reverse "$("$S" diff "$D/b.trc" "$D/a.trc" --no-progress --format csv 2>&1 | grep -c ',gone$')" \
	"$("$S" diff "$D/a.trc" "$D/b.trc" --no-progress --format csv 2>&1 | grep -c ',new$')"

# the cpu class on both sides: on-CPU time per process (4 ms, then 9 ms)
for x in 1 2; do
	cat >"$D/c$x.spec" <<-EOF
	meta recording_id c1ff000$x
	meta host hostD
	meta classes proc,mem,file,cpu
	meta start_ns 1000000000
	proc ts=1000000000 pid=10$x comm=app ppid=1 start_ns=500000000 argv="app"
	cputime ts=1000000000 pid=10$x comm=app on_cpu_ns=1000000 h.flags=0x400
	cputime ts=2000000000 pid=10$x comm=app on_cpu_ns=$((x * 5000000))
	EOF
	"$MK" -o "$D/c$x.trc" "$D/c$x.spec" || fail mktrace "c$x.trc"
done
expect_eq diff_cpu "$("$S" diff "$D/c1.trc" "$D/c2.trc" --no-progress --format csv 2>&1)" \
	"kind,name,metric,before,after,change,change_pct,status
process,app (app),on_cpu_ns,4000000,9000000,5000000,125,"
# on one side only: left out (every process would look new)
expect_eq diff_cpu_one_side "$("$S" diff "$D/c1.trc" "$D/a.trc" --no-progress --format csv 2>&1 | grep -c on_cpu_ns)" 0

# rotated sets: BEFORE... -- AFTER..., each side's files one recording
# (the descriptor /etc/hosts opened in one file is read in the next)
split_set() { # NAME: $D/NAME.spec as three rotated files $D/NAME.00000N.trc
	local n=$1 id
	id=$(sed -n 's/^meta recording_id //p' "$D/$n.spec")
	for i in 0 1 2; do
		{ grep '^meta' "$D/$n.spec" | grep -v rotation_index
		  echo "meta rotation_index $i"
		  case $i in
		  0) grep -v '^meta' "$D/$n.spec" | head -4 ;;
		  1) grep -v '^meta' "$D/$n.spec" | sed -n 5,6p ;;
		  2) grep -v '^meta' "$D/$n.spec" | sed -n '7,$p' ;;
		  esac
		} | "$MK" -o "$D/$n.00000$i.trc" -f >/dev/null || fail mktrace "$n.00000$i.trc"
	done
}
split_set a
split_set b
expect_eq diff_sets "$("$S" diff "$D"/a.00000?.trc -- "$D"/b.00000?.trc --no-progress --format csv 2>&1)" \
	"$("$S" diff "$D/a.trc" "$D/b.trc" --no-progress --format csv 2>&1)"
# options anywhere; a set against the same events in one file: no change
expect_eq diff_set_vs_file "$("$S" diff --format csv "$D/a.trc" -- "$D"/a.00000?.trc --no-progress 2>&1)" \
	"kind,name,metric,before,after,change,change_pct,status"
got=$("$S" diff "$D"/a.00000?.trc -- "$D"/b.00000?.trc --no-progress --limit 1 2>&1 | sed "s|$D/||g")
expect_eq diff_sets_table "$(echo "$got" | head -1)" \
	"# before a.000000.trc and 2 more files, after b.000000.trc and 2 more files"
for bad in "a.trc --" "-- a.trc" "a.trc b.trc a.trc" "a.trc -- b.trc -- a.trc"; do
	# shellcheck disable=SC2086
	(cd "$D" && "$S" diff $bad --no-progress >/dev/null 2>"$D/err")
	expect_eq "diff usage: $bad" "$?:$(cat "$D/err")" \
		"2:sysrec: diff: two trace files, before and after, or two sets split by -- (BEFORE... -- AFTER...). See 'sysrec diff --help'."
done

expect_eq diff_help "$("$S" diff --help | head -1)" "usage: sysrec diff BEFORE.trc AFTER.trc [OPTIONS]"
expect_eq diff_help_cmd "$("$S" help diff | head -1)" "usage: sysrec diff BEFORE.trc AFTER.trc [OPTIONS]"
must_fail diff_one_file "$S" diff "$D/a.trc"
must_fail diff_bad_format "$S" diff "$D/a.trc" "$D/b.trc" --format xml
must_fail diff_missing "$S" diff "$D/a.trc" "$D/none.trc" --no-progress
"$S" diff "$D/a.trc" >/dev/null 2>&1; expect_eq diff_usage_status $? 2
"$S" diff "$D/a.trc" "$D/none.trc" --no-progress >/dev/null 2>&1; expect_eq diff_fail_status $? 1

t_done
