#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# report_record.sh - sysrec report of real recordings: sr_work basic (what
# make demo records: files of known sizes, two children that exit 5 and 6)
# and sr_cpu threads with the cpu class (six threads of known scheduling),
# each page opened in headless Chromium and checked against analyze --format
# json of the same trace (tests/cli/report_check.py); then the workloads'
# own figures in the page: bytes per file, exit statuses, CPU time per
# thread from the kernel's counters.  With REPORT_SCREENSHOT=FILE the
# demo page's screenshot is kept there (docs/report.png is made so).
. "$(dirname "$0")/../lib.sh"
need_bpf report_record || exit 0
t_tmpdir
W=$WORKLOADS/sr_work
C=$WORKLOADS/sr_cpu
need_built report_record "$W" "$C"
if ! command -v node >/dev/null || ! [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	skip report_record "no node or chromium (make deps installs them)"
	exit 0
fi

mkdir "$tmp/w"
"$SYSREC" record -q -o "$tmp/demo.trc" -- "$W" basic "$tmp/w" ||
	fail report_record "record sr_work basic"
"$SYSREC" record -q -e proc,mem,file,cpu,clock_nanosleep -o "$tmp/cpu.trc" -- \
	"$C" threads "$tmp/oracle" || fail report_record "record sr_cpu threads"

for t in demo cpu; do
	if ! "$SYSREC" report --no-progress -o "$tmp/$t.html" "$tmp/$t.trc"; then
		fail "report_record: $t: report" "exit status $?"
		continue
	fi
	in_browser "report_record: $t: in a browser" "$tmp/$t" || continue
	/usr/bin/python3 "$TOP/tests/cli/report_check.py" "report_record $t" "$SYSREC" \
		"$tmp/$t.html" "$tmp/$t.json" "$tmp/$t.trc" || T_FAILED=$((T_FAILED + 1))
done
if [ -n "${REPORT_SCREENSHOT:-}" ] && [ -s "$tmp/demo.png" ]; then
	cp "$tmp/demo.png" "$REPORT_SCREENSHOT"
fi

# the workloads' own figures, as the page's tables show them
py() {
	/usr/bin/python3 -c "import json,sys; d=json.load(open('$tmp/$1.json'))['dom']['tables']
def col(t, h): return [r[d[t]['head'].index(h)] for r in d[t]['rows']]
$2"
}
rd=$(realpath "$tmp/w")
expect_eq "report_record demo: bytes per file (read, written)" \
	"$(py demo "print(sorted(zip(col('t-top-files', 'path'), col('t-top-files', 'read'), col('t-top-files', 'written'))))")" \
	"[('$rd/a.dat', '7.3 KiB', '7.3 KiB'), ('$rd/b.dat', '0 B', '2.2 KiB'), ('$rd/child1.dat', '0 B', '100 B'), ('$rd/child2.dat', '0 B', '200 B')]"
expect_eq "report_record demo: the tree: sr_work and its children, exit 0, 5, 6" \
	"$(py demo "print(list(zip(col('t-procs', 'process'), col('t-procs', 'exit'))))")" \
	"[('sr_work', '0'), ('sr_work', '5'), ('sr_work', '6')]"
check "report_record demo: CPU time in the tree" py demo "assert 'on cpu' in d['t-procs']['head']"
# sr_cpu's oracle: NAME TID ON_CPU_NS ... per thread, from its /proc counters
want=$(awk '$1 != "delay" { s += $3 } END { print s }' "$tmp/oracle")
got=$(/usr/bin/python3 -c "import json; d=json.load(open('$tmp/cpu.json'))
import re; s=open('$tmp/cpu.html').read()
m=re.search(r'id=\"sr-data\">\n(.*?)</script>', s, re.S); x=json.loads(m.group(1))
print(x['cpu']['rows'][0]['on_cpu_ns'])")
# the process's total holds its six threads' and the main thread's own
if [ -n "$want" ] && [ -n "$got" ] && [ "$got" -ge "$want" ]; then
	ok "report_record cpu: on-CPU time of sr_cpu ($got ns) holds its threads' ($want ns)"
else
	fail "report_record cpu: on-CPU time" "page $got ns, the threads' counters $want ns"
fi
expect_eq "report_record cpu: the CPU table has the one process" \
	"$(py cpu "print(col('t-cpu', 'comm'))")" "['sr_cpu']"
t_done
