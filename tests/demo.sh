#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# demo.sh - record the bundled demo workload, print what it did and write
# its HTML report, demo.html.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUTPUT=${OUTPUT:-.output}
case $OUTPUT in /*) OUT=$OUTPUT ;; *) OUT=$TOP/$OUTPUT ;; esac
SYSREC=${SYSREC:-$TOP/sysrec}
work=$(mktemp -d /tmp/sysrec-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
trace=$TOP/demo.trc

echo "== sysrec record -o demo.trc -- sr_work basic $work"
"$SYSREC" record -f -o "$trace" -- "$OUT/workloads/sr_work" basic "$work"
echo
echo "== sysrec info demo.trc"
"$SYSREC" info "$trace"
echo
echo "== sysrec analyze demo.trc --top-io --by file"
"$SYSREC" analyze "$trace" --top-io --by file --limit 10
echo
echo "== sysrec analyze demo.trc --top-io"
"$SYSREC" analyze "$trace" --top-io --limit 10
echo
echo "== sysrec export demo.trc --perfetto demo.pftrace"
"$SYSREC" export "$trace" --perfetto "$TOP/demo.pftrace"
echo "== sysrec report demo.trc -o demo.html"
"$SYSREC" report -f --no-progress -o "$TOP/demo.html" "$trace"
echo
echo "The trace is $trace: try 'sysrec dump demo.trc | less' or 'sysrec analyze demo.trc --syscalls'."
echo "Its timeline is $TOP/demo.pftrace: open https://ui.perfetto.dev in a browser,"
echo "choose 'Open trace file' and pick it (it stays on this machine, nothing is uploaded)."
echo "The report is $TOP/demo.html: open it in a browser ('xdg-open demo.html',"
echo "or file://$TOP/demo.html); it needs no network and can be sent as it is."
