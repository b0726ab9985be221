/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel.bpf.h - what vmlinux.h cannot give: the kernel's macros, and
 * typed reads of kernel pointers.
 */
#ifndef SYSREC_KERNEL_BPF_H
#define SYSREC_KERNEL_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

/*
 * Syscall numbers (SR_NR_openat), argument places (SR_FD_ARG_close) and the
 * like, generated from the syscall table user space reads too
 * (format/syscalls.c, bpf/gen_syscalls.c): no number is written here.
 */
#include "sysrec_syscalls.h"

/*
 * A kernel pointer read as a number becomes a typed, read-only pointer:
 * its fields are then plain loads the JIT guards, far cheaper than a
 * bpf_probe_read_kernel() call per field.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define KPTR(type, p)	((type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)))

#define AT_FDCWD	-100
#define ENAMETOOLONG	36
#define MAP_ANONYMOUS	0x20
#define F_DUPFD		0
#define CLONE_VFORK	0x00004000
#define CLONE_VM	0x00000100
#define SIGCHLD		17
#define TS_COMPAT	0x0002	/* x86 thread_info.status: in a 32-bit syscall */

#endif /* SYSREC_KERNEL_BPF_H */
