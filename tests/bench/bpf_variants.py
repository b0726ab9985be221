#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""bpf_variants.py - what each part of the BPF capture costs, by taking it out.

    bpf_variants.py SRC_BPF VARIANT OUT_BPF

Writes to OUT_BPF a copy of SRC_BPF (bpf/sysrec.bpf.c) with the bpf/*.bpf.h
headers it includes written in place, and one change, for
`tests/bench/run.sh variants`, which builds each copy in a scratch tree and
measures the programs' run time per call.  Variants:

    base      unchanged (but for the headers in place)
    no-output records are built but never sent (no bpf_perf_event_output)
    unbatched every record sent alone, not gathered in the per-CPU batch
    ringbuf   unbatched, sent with bpf_ringbuf_output to a 256 MiB ring
              buffer nobody reads (a BPF ring buffer instead of perf buffers)
    no-path   open records without the path walk (name as passed only)
    no-name   open records without the name as passed (path only)
    no-entry-clock  sys_enter takes no time stamp (durations are wrong)
    lean      no-entry-clock and no-name together: the records without the
              two parts that cost most, durations and the name as passed
    bare-exit sys_exit stops once it has the pending syscall and the time
              (nothing recorded: the cost of pairing and the exit clock)
    filter    sys_enter stops right after the pid filter (nothing recorded:
              the cost of the filter alone)

Exit status 0, or 1 when the source no longer has the line a variant edits
(the variant is then meaningless and run.sh says so).
"""
import os
import re
import sys

OUTPUT = "bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, "
BATCH = "batch_on ? bpf_map_lookup_elem(&batches, &zero) : NULL"
PATH = "off = put_file_path(rec, off, f, &e->path, &e->h.flags);"
ENTER = "int BPF_PROG(sys_enter,"
NAME = "off = put_user_str(rec, sizeof(*e), name, &e->name);"
ENTRY_CLOCK = "p->ts = bpf_ktime_get_ns();"
EXIT_CLOCK = "now = bpf_ktime_get_ns();\n\ttype = sys_type"
TASK = "if (filter_comm_on && !comm_matches())"
# before the transport's first line: vmlinux.h and the libbpf headers are in
MAPS = "#define SYSREC_TRANSPORT_BPF_H"
LOCAL = re.compile(r'^#include "([a-z_]+\.bpf\.h)"\n', re.M)


def flatten(path, seen=None):
    """path's text with each bpf/*.bpf.h it includes written in its place, once."""
    seen = set() if seen is None else seen
    with open(path) as f:
        src = f.read()

    def inline(m):
        name = m.group(1)
        if name in seen:        # included again (net.bpf.h, after sched.bpf.h): gone
            return ""
        seen.add(name)
        return flatten(os.path.join(os.path.dirname(path), name), seen).rstrip("\n") + "\n"
    return LOCAL.sub(inline, src)


def outputs(src, define):
    """Every perf output call becomes BENCH_OUT(ctx, data, size), defined by 'define'."""
    if OUTPUT not in src or MAPS not in src:
        return None
    src = src.replace(OUTPUT, "BENCH_OUT(ctx, ")
    return src.replace(MAPS, MAPS + "\n\n" + define, 1)


def unbatched(src):
    # both places that start a batch (emit, out_begin); the flush finds it empty
    return src.replace(BATCH, "((void)zero, NULL)") if src.count(BATCH) == 2 else None


def variant(src, name):
    if name == "base":
        return src
    if name == "no-output":
        return outputs(src, "#define BENCH_OUT(c, d, n) ((void)(c), (void)(d), (void)(n), 0)")
    if name == "unbatched":
        return unbatched(src)
    if name == "ringbuf":
        src = unbatched(src)
        return src and outputs(src, "struct {\n\t__uint(type, BPF_MAP_TYPE_RINGBUF);\n"
                               "\t__uint(max_entries, 256 << 20);\n} bench_rb SEC(\".maps\");\n"
                               "#define BENCH_OUT(c, d, n) ((void)(c), "
                               "bpf_ringbuf_output(&bench_rb, (d), (n), BPF_RB_NO_WAKEUP))")
    if name == "no-path":
        # the first occurrence is emit_open's (the exec emitter comes later)
        return src.replace(PATH, "e->path.off = off; e->path.len = 0;", 1) if PATH in src else None
    if name == "no-name":
        # emit_open's: the failed exec emitter reads its name into the scratch buffer
        return src.replace(NAME, "(void)name; off = sizeof(*e); e->name.off = off; e->name.len = 0;", 1) \
            if NAME in src else None
    if name == "no-entry-clock":
        return src.replace(ENTRY_CLOCK, "p->ts = 0;", 1) if src.count(ENTRY_CLOCK) == 1 else None
    if name == "lean":
        src = variant(src, "no-entry-clock")
        return src and variant(src, "no-name")
    if name == "bare-exit":
        return src.replace(EXIT_CLOCK, "now = bpf_ktime_get_ns();\n\tif (now)\n\t\treturn 0;\n\ttype = sys_type", 1) \
            if EXIT_CLOCK in src else None
    if name == "filter":
        i = src.find(ENTER)
        j = src.find(TASK, i) if i >= 0 else -1
        if j < 0:
            return None
        return src[:j] + "return 0;\n\t" + src[j:]
    return None


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: bpf_variants.py SRC_BPF VARIANT OUT_BPF\n")
        return 2
    src = flatten(sys.argv[1])
    out = variant(src, sys.argv[2])
    if out is None:
        sys.stderr.write("bpf_variants: variant %s does not apply to %s\n" % (sys.argv[2], sys.argv[1]))
        return 1
    with open(sys.argv[3], "w") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
