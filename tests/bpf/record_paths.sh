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
record_pid record_paths "$tmp/p.trc" 0 -- "$WORKLOADS/sr_work" paths "$d"

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
