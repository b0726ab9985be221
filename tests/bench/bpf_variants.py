#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""bpf_variants.py - what each part of the BPF capture costs, by taking it out.

    bpf_variants.py SRC_BPF VARIANT OUT_BPF

Writes to OUT_BPF a copy of SRC_BPF (bpf/sysrec.bpf.c) with one change, for
`tests/bench/run.sh variants`, which builds each copy in a scratch tree and
measures the programs' run time per call.  Variants:

    base      unchanged
    no-output records are built but never sent (no bpf_perf_event_output)
    ringbuf   sent with bpf_ringbuf_output to a 256 MiB ring buffer nobody
              reads (the cost of a BPF ring buffer instead of perf buffers)
    task-comm the header's comm read from task->comm, not bpf_get_current_comm
    no-path   open records without the path walk (name as passed only)
    filter    sys_enter stops right after the pid filter (nothing recorded:
              the cost of the filter alone)

Exit status 0, or 1 when the source no longer has the line a variant edits
(the variant is then meaningless and run.sh says so).
"""
import sys

EMIT = "bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, eb->b, size);"
COMM = "bpf_get_current_comm(h->comm, sizeof(h->comm));"
PATH = "off = put_file_path(eb, off, f, &e->path, &e->h.flags);"
ENTER = "int BPF_PROG(sys_enter,"
TASK = "task = bpf_get_current_task_btf();"
EMIT_FN = "static __always_inline void emit("


def variant(src, name):
    if name == "base":
        return src
    if name == "no-output":
        return src.replace(EMIT, "(void)ctx; (void)size;", 1) if EMIT in src else None
    if name == "ringbuf":
        if EMIT not in src or EMIT_FN not in src:
            return None
        src = src.replace(EMIT, "bpf_ringbuf_output(&bench_rb, eb->b, size, BPF_RB_NO_WAKEUP);", 1)
        return src.replace(EMIT_FN, "struct {\n\t__uint(type, BPF_MAP_TYPE_RINGBUF);\n"
                           "\t__uint(max_entries, 256 << 20);\n} bench_rb SEC(\".maps\");\n\n"
                           + EMIT_FN, 1)
    if name == "task-comm":
        return src.replace(COMM, "{ struct task_struct *ct = bpf_get_current_task_btf();"
                           " __builtin_memcpy(h->comm, ct->comm, sizeof(h->comm)); }", 1) \
            if COMM in src else None
    if name == "no-path":
        # the first occurrence is emit_open's (the exec emitter comes later)
        return src.replace(PATH, "e->path.off = off; e->path.len = 0;", 1) if PATH in src else None
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
    with open(sys.argv[1]) as f:
        src = f.read()
    out = variant(src, sys.argv[2])
    if out is None:
        sys.stderr.write("bpf_variants: variant %s does not apply to %s\n" % (sys.argv[2], sys.argv[1]))
        return 1
    with open(sys.argv[3], "w") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
