#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# record_paths.sh - files reached by relative names, a directory fd, a
# symlinked directory, "..", chdir/fchdir inherited across fork, and a
# descriptor opened before recording all appear under their exact absolute
# path with their exact bytes in --top-io --by file.
. "$(dirname "$0")/../lib.sh"
need_bpf record_paths || exit 0

tmp=$(mktemp -d /tmp/sysrec-t.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

d=$tmp/w
mkdir "$d"
SR_WORK_READY=$tmp/ready "$WORKLOADS/sr_work" paths "$d" &
wpid=$!
wait_for "$tmp/ready" || fail "record_paths: workload ready" "no ready file"
"$SYSREC" record -q -o "$tmp/p.trc" -p "$wpid" &
rpid=$!
wait_for "$tmp/p.trc" || fail "record_paths: recorder started" "no trace file"
kill -USR1 "$wpid"
wait "$wpid"
expect_eq "record_paths: workload status" "$?" 0
wait "$rpid"
expect_eq "record_paths: recorder status" "$?" 0

"$SYSREC" analyze "$tmp/p.trc" --top-io --by file --format csv > "$tmp/files.csv" ||
	fail "record_paths: analyze" "failed"
rd=$(realpath "$d")
while read -r name bytes how; do
	expect_eq "record_paths: $how -> $name" \
		"$(grep "^$rd/$name," "$tmp/files.csv" | cut -d, -f1-5)" "$rd/$name,0,0,1,$bytes"
done <<LIST
pre.dat 1111 descriptor-opened-before-recording
rel.dat 101 relative-name
sub/dfd.dat 202 directory-fd
sub/sym.dat 303 symlinked-directory
dotdot.dat 404 dot-dot
sub/child.dat 505 child-after-chdir
sub/inh.dat 606 fchdir-inherited-across-fork
LIST
expect_eq "record_paths: no relative or symlinked name left" \
	"$(grep -cE '^(rel.dat|sub/|.*/link/|.*/\.\./)' "$tmp/files.csv")" 0
t_done
