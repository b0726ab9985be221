// SPDX-License-Identifier: GPL-2.0-only
/*
 * syscalls.c - the x86-64 syscall table: name, number, class, record type,
 * and where each syscall's fd and bytes are; the ia32 numbers of those
 * recorded from 32-bit programs.  The BPF programs get the same facts as
 * constants generated from here (bpf/gen_syscalls.c).
 *
 * Sorted by name for bsearch.  Generated once from the kernel headers of
 * Debian 12 (linux-libc-dev 6.1) with:
 *
 *   awk '/^#define __NR_/ { print substr($2, 6), $3 }' \
 *	/usr/include/x86_64-linux-gnu/asm/unistd_64.h | LC_ALL=C sort
 *
 * and each pair written as { nr, SR_EV_SYSCALL, SR_CLASS_OTHER, "name", NO_IO },
 * except the syscalls sysrec has a record type for, which were given theirs:
 *   proc: execve execveat (exec); fork vfork clone clone3 (fork)
 *   mem:  mmap (mmap); munmap (munmap); brk (brk)
 *   file: open openat openat2 creat (open); read pread64 readv preadv preadv2
 *         write pwrite64 writev pwritev pwritev2 (rw); close (close);
 *         dup dup2 dup3 fcntl (dup); pipe pipe2 (pipe); sendfile splice tee
 *         vmsplice copy_file_range (xfer)
 *   net:  socket socketpair bind listen connect accept accept4 shutdown
 *         getsockopt sendto recvfrom sendmsg recvmsg sendmmsg recvmmsg (net)
 * and the argument places, from the kernel's SYSCALL_DEFINE prototypes, of
 * those and of the syscalls that move bytes through an fd (see NO_IO).
 * A new kernel's syscalls are added the same way, keeping the name order.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/format.h"
#include "sysrec/util.h"

/*
 * The last columns of a row (struct sr_syscall): direction, buffer layout,
 * then the argument indices of the fd, the buffer, the count and the offset.
 *   RW     an SR_EV_RW syscall: all of them.
 *   DIR    another syscall that moves bytes through an fd, and its fd: socket
 *          receives and sends, message queues, and the fd-to-fd copies
 *          (sendfile, splice, tee, copy_file_range), which write their
 *          output fd.  Not vmsplice, whose direction is the pipe end's.
 *   FD     a syscall with a record type whose fd argument is this one.
 *   NO_IO  none of those is described: the syscall moves no bytes through
 *          an fd (readlink, readahead, process_vm_readv...), or it is
 *          recorded only as SR_EV_SYSCALL, whatever fd it takes (fstat...).
 */
#define RW(dir, fd, buf, buf_arg, count, off) \
	SR_DIR_##dir, SR_BUF_##buf, fd, buf_arg, count, off
#define DIR(dir, fd)	SR_DIR_##dir, SR_BUF_NONE, fd, -1, -1, -1
#define FD(fd)		SR_DIR_NONE, SR_BUF_NONE, fd, -1, -1, -1
#define NO_IO		SR_DIR_NONE, SR_BUF_NONE, -1, -1, -1, -1

static const struct sr_syscall syscalls[] = {
	{ 156, SR_EV_SYSCALL, SR_CLASS_OTHER, "_sysctl", NO_IO },
	{ 43, SR_EV_NET, SR_CLASS_NET, "accept", FD(0) },
	{ 288, SR_EV_NET, SR_CLASS_NET, "accept4", FD(0) },
	{ 21, SR_EV_SYSCALL, SR_CLASS_OTHER, "access", NO_IO },
	{ 163, SR_EV_SYSCALL, SR_CLASS_OTHER, "acct", NO_IO },
	{ 248, SR_EV_SYSCALL, SR_CLASS_OTHER, "add_key", NO_IO },
	{ 159, SR_EV_SYSCALL, SR_CLASS_OTHER, "adjtimex", NO_IO },
	{ 183, SR_EV_SYSCALL, SR_CLASS_OTHER, "afs_syscall", NO_IO },
	{ 37, SR_EV_SYSCALL, SR_CLASS_OTHER, "alarm", NO_IO },
	{ 158, SR_EV_SYSCALL, SR_CLASS_OTHER, "arch_prctl", NO_IO },
	{ 49, SR_EV_NET, SR_CLASS_NET, "bind", FD(0) },
	{ 321, SR_EV_SYSCALL, SR_CLASS_OTHER, "bpf", NO_IO },
	{ 12, SR_EV_BRK, SR_CLASS_MEM, "brk", NO_IO },
	{ 125, SR_EV_SYSCALL, SR_CLASS_OTHER, "capget", NO_IO },
	{ 126, SR_EV_SYSCALL, SR_CLASS_OTHER, "capset", NO_IO },
	{ 80, SR_EV_SYSCALL, SR_CLASS_OTHER, "chdir", NO_IO },
	{ 90, SR_EV_SYSCALL, SR_CLASS_OTHER, "chmod", NO_IO },
	{ 92, SR_EV_SYSCALL, SR_CLASS_OTHER, "chown", NO_IO },
	{ 161, SR_EV_SYSCALL, SR_CLASS_OTHER, "chroot", NO_IO },
	{ 305, SR_EV_SYSCALL, SR_CLASS_OTHER, "clock_adjtime", NO_IO },
	{ 229, SR_EV_SYSCALL, SR_CLASS_OTHER, "clock_getres", NO_IO },
	{ 228, SR_EV_SYSCALL, SR_CLASS_OTHER, "clock_gettime", NO_IO },
	{ 230, SR_EV_SYSCALL, SR_CLASS_OTHER, "clock_nanosleep", NO_IO },
	{ 227, SR_EV_SYSCALL, SR_CLASS_OTHER, "clock_settime", NO_IO },
	{ 56, SR_EV_FORK, SR_CLASS_PROC, "clone", NO_IO },
	{ 435, SR_EV_FORK, SR_CLASS_PROC, "clone3", NO_IO },
	{ 3, SR_EV_CLOSE, SR_CLASS_FILE, "close", FD(0) },
	{ 436, SR_EV_SYSCALL, SR_CLASS_FILE, "close_range", NO_IO },
	{ 42, SR_EV_NET, SR_CLASS_NET, "connect", FD(0) },
	{ 326, SR_EV_XFER, SR_CLASS_FILE, "copy_file_range", DIR(WRITE, 2) },
	{ 85, SR_EV_OPEN, SR_CLASS_FILE, "creat", NO_IO },
	{ 174, SR_EV_SYSCALL, SR_CLASS_OTHER, "create_module", NO_IO },
	{ 176, SR_EV_SYSCALL, SR_CLASS_OTHER, "delete_module", NO_IO },
	{ 32, SR_EV_DUP, SR_CLASS_FILE, "dup", FD(0) },
	{ 33, SR_EV_DUP, SR_CLASS_FILE, "dup2", FD(0) },
	{ 292, SR_EV_DUP, SR_CLASS_FILE, "dup3", FD(0) },
	{ 213, SR_EV_SYSCALL, SR_CLASS_OTHER, "epoll_create", NO_IO },
	{ 291, SR_EV_SYSCALL, SR_CLASS_OTHER, "epoll_create1", NO_IO },
	{ 233, SR_EV_SYSCALL, SR_CLASS_OTHER, "epoll_ctl", NO_IO },
	{ 214, SR_EV_SYSCALL, SR_CLASS_OTHER, "epoll_ctl_old", NO_IO },
	{ 281, SR_EV_SYSCALL, SR_CLASS_OTHER, "epoll_pwait", NO_IO },
	{ 441, SR_EV_SYSCALL, SR_CLASS_OTHER, "epoll_pwait2", NO_IO },
	{ 232, SR_EV_SYSCALL, SR_CLASS_OTHER, "epoll_wait", NO_IO },
	{ 215, SR_EV_SYSCALL, SR_CLASS_OTHER, "epoll_wait_old", NO_IO },
	{ 284, SR_EV_SYSCALL, SR_CLASS_OTHER, "eventfd", NO_IO },
	{ 290, SR_EV_SYSCALL, SR_CLASS_OTHER, "eventfd2", NO_IO },
	{ 59, SR_EV_EXEC, SR_CLASS_PROC, "execve", NO_IO },
	{ 322, SR_EV_EXEC, SR_CLASS_PROC, "execveat", FD(0) },
	{ 60, SR_EV_SYSCALL, SR_CLASS_OTHER, "exit", NO_IO },
	{ 231, SR_EV_SYSCALL, SR_CLASS_OTHER, "exit_group", NO_IO },
	{ 269, SR_EV_SYSCALL, SR_CLASS_OTHER, "faccessat", NO_IO },
	{ 439, SR_EV_SYSCALL, SR_CLASS_OTHER, "faccessat2", NO_IO },
	{ 221, SR_EV_SYSCALL, SR_CLASS_OTHER, "fadvise64", NO_IO },
	{ 285, SR_EV_SYSCALL, SR_CLASS_OTHER, "fallocate", NO_IO },
	{ 300, SR_EV_SYSCALL, SR_CLASS_OTHER, "fanotify_init", NO_IO },
	{ 301, SR_EV_SYSCALL, SR_CLASS_OTHER, "fanotify_mark", NO_IO },
	{ 81, SR_EV_SYSCALL, SR_CLASS_OTHER, "fchdir", NO_IO },
	{ 91, SR_EV_SYSCALL, SR_CLASS_OTHER, "fchmod", NO_IO },
	{ 268, SR_EV_SYSCALL, SR_CLASS_OTHER, "fchmodat", NO_IO },
	{ 93, SR_EV_SYSCALL, SR_CLASS_OTHER, "fchown", NO_IO },
	{ 260, SR_EV_SYSCALL, SR_CLASS_OTHER, "fchownat", NO_IO },
	{ 72, SR_EV_DUP, SR_CLASS_FILE, "fcntl", FD(0) },
	{ 75, SR_EV_SYSCALL, SR_CLASS_OTHER, "fdatasync", NO_IO },
	{ 193, SR_EV_SYSCALL, SR_CLASS_OTHER, "fgetxattr", NO_IO },
	{ 313, SR_EV_SYSCALL, SR_CLASS_OTHER, "finit_module", NO_IO },
	{ 196, SR_EV_SYSCALL, SR_CLASS_OTHER, "flistxattr", NO_IO },
	{ 73, SR_EV_SYSCALL, SR_CLASS_OTHER, "flock", NO_IO },
	{ 57, SR_EV_FORK, SR_CLASS_PROC, "fork", NO_IO },
	{ 199, SR_EV_SYSCALL, SR_CLASS_OTHER, "fremovexattr", NO_IO },
	{ 431, SR_EV_SYSCALL, SR_CLASS_OTHER, "fsconfig", NO_IO },
	{ 190, SR_EV_SYSCALL, SR_CLASS_OTHER, "fsetxattr", NO_IO },
	{ 432, SR_EV_SYSCALL, SR_CLASS_OTHER, "fsmount", NO_IO },
	{ 430, SR_EV_SYSCALL, SR_CLASS_OTHER, "fsopen", NO_IO },
	{ 433, SR_EV_SYSCALL, SR_CLASS_OTHER, "fspick", NO_IO },
	{ 5, SR_EV_SYSCALL, SR_CLASS_OTHER, "fstat", NO_IO },
	{ 138, SR_EV_SYSCALL, SR_CLASS_OTHER, "fstatfs", NO_IO },
	{ 74, SR_EV_SYSCALL, SR_CLASS_OTHER, "fsync", NO_IO },
	{ 77, SR_EV_SYSCALL, SR_CLASS_OTHER, "ftruncate", NO_IO },
	{ 202, SR_EV_SYSCALL, SR_CLASS_OTHER, "futex", NO_IO },
	{ 449, SR_EV_SYSCALL, SR_CLASS_OTHER, "futex_waitv", NO_IO },
	{ 261, SR_EV_SYSCALL, SR_CLASS_OTHER, "futimesat", NO_IO },
	{ 177, SR_EV_SYSCALL, SR_CLASS_OTHER, "get_kernel_syms", NO_IO },
	{ 239, SR_EV_SYSCALL, SR_CLASS_OTHER, "get_mempolicy", NO_IO },
	{ 274, SR_EV_SYSCALL, SR_CLASS_OTHER, "get_robust_list", NO_IO },
	{ 211, SR_EV_SYSCALL, SR_CLASS_OTHER, "get_thread_area", NO_IO },
	{ 309, SR_EV_SYSCALL, SR_CLASS_OTHER, "getcpu", NO_IO },
	{ 79, SR_EV_SYSCALL, SR_CLASS_OTHER, "getcwd", NO_IO },
	{ 78, SR_EV_SYSCALL, SR_CLASS_OTHER, "getdents", NO_IO },
	{ 217, SR_EV_SYSCALL, SR_CLASS_OTHER, "getdents64", NO_IO },
	{ 108, SR_EV_SYSCALL, SR_CLASS_OTHER, "getegid", NO_IO },
	{ 107, SR_EV_SYSCALL, SR_CLASS_OTHER, "geteuid", NO_IO },
	{ 104, SR_EV_SYSCALL, SR_CLASS_OTHER, "getgid", NO_IO },
	{ 115, SR_EV_SYSCALL, SR_CLASS_OTHER, "getgroups", NO_IO },
	{ 36, SR_EV_SYSCALL, SR_CLASS_OTHER, "getitimer", NO_IO },
	{ 52, SR_EV_SYSCALL, SR_CLASS_OTHER, "getpeername", NO_IO },
	{ 121, SR_EV_SYSCALL, SR_CLASS_OTHER, "getpgid", NO_IO },
	{ 111, SR_EV_SYSCALL, SR_CLASS_OTHER, "getpgrp", NO_IO },
	{ 39, SR_EV_SYSCALL, SR_CLASS_OTHER, "getpid", NO_IO },
	{ 181, SR_EV_SYSCALL, SR_CLASS_OTHER, "getpmsg", NO_IO },
	{ 110, SR_EV_SYSCALL, SR_CLASS_OTHER, "getppid", NO_IO },
	{ 140, SR_EV_SYSCALL, SR_CLASS_OTHER, "getpriority", NO_IO },
	{ 318, SR_EV_SYSCALL, SR_CLASS_OTHER, "getrandom", NO_IO },
	{ 120, SR_EV_SYSCALL, SR_CLASS_OTHER, "getresgid", NO_IO },
	{ 118, SR_EV_SYSCALL, SR_CLASS_OTHER, "getresuid", NO_IO },
	{ 97, SR_EV_SYSCALL, SR_CLASS_OTHER, "getrlimit", NO_IO },
	{ 98, SR_EV_SYSCALL, SR_CLASS_OTHER, "getrusage", NO_IO },
	{ 124, SR_EV_SYSCALL, SR_CLASS_OTHER, "getsid", NO_IO },
	{ 51, SR_EV_SYSCALL, SR_CLASS_OTHER, "getsockname", NO_IO },
	{ 55, SR_EV_NET, SR_CLASS_NET, "getsockopt", FD(0) },
	{ 186, SR_EV_SYSCALL, SR_CLASS_OTHER, "gettid", NO_IO },
	{ 96, SR_EV_SYSCALL, SR_CLASS_OTHER, "gettimeofday", NO_IO },
	{ 102, SR_EV_SYSCALL, SR_CLASS_OTHER, "getuid", NO_IO },
	{ 191, SR_EV_SYSCALL, SR_CLASS_OTHER, "getxattr", NO_IO },
	{ 175, SR_EV_SYSCALL, SR_CLASS_OTHER, "init_module", NO_IO },
	{ 254, SR_EV_SYSCALL, SR_CLASS_OTHER, "inotify_add_watch", NO_IO },
	{ 253, SR_EV_SYSCALL, SR_CLASS_OTHER, "inotify_init", NO_IO },
	{ 294, SR_EV_SYSCALL, SR_CLASS_OTHER, "inotify_init1", NO_IO },
	{ 255, SR_EV_SYSCALL, SR_CLASS_OTHER, "inotify_rm_watch", NO_IO },
	{ 210, SR_EV_SYSCALL, SR_CLASS_OTHER, "io_cancel", NO_IO },
	{ 207, SR_EV_SYSCALL, SR_CLASS_OTHER, "io_destroy", NO_IO },
	{ 208, SR_EV_SYSCALL, SR_CLASS_OTHER, "io_getevents", NO_IO },
	{ 333, SR_EV_SYSCALL, SR_CLASS_OTHER, "io_pgetevents", NO_IO },
	{ 206, SR_EV_SYSCALL, SR_CLASS_OTHER, "io_setup", NO_IO },
	{ 209, SR_EV_SYSCALL, SR_CLASS_OTHER, "io_submit", NO_IO },
	{ 426, SR_EV_SYSCALL, SR_CLASS_OTHER, "io_uring_enter", NO_IO },
	{ 427, SR_EV_SYSCALL, SR_CLASS_OTHER, "io_uring_register", NO_IO },
	{ 425, SR_EV_SYSCALL, SR_CLASS_OTHER, "io_uring_setup", NO_IO },
	{ 16, SR_EV_SYSCALL, SR_CLASS_OTHER, "ioctl", NO_IO },
	{ 173, SR_EV_SYSCALL, SR_CLASS_OTHER, "ioperm", NO_IO },
	{ 172, SR_EV_SYSCALL, SR_CLASS_OTHER, "iopl", NO_IO },
	{ 252, SR_EV_SYSCALL, SR_CLASS_OTHER, "ioprio_get", NO_IO },
	{ 251, SR_EV_SYSCALL, SR_CLASS_OTHER, "ioprio_set", NO_IO },
	{ 312, SR_EV_SYSCALL, SR_CLASS_OTHER, "kcmp", NO_IO },
	{ 320, SR_EV_SYSCALL, SR_CLASS_OTHER, "kexec_file_load", NO_IO },
	{ 246, SR_EV_SYSCALL, SR_CLASS_OTHER, "kexec_load", NO_IO },
	{ 250, SR_EV_SYSCALL, SR_CLASS_OTHER, "keyctl", NO_IO },
	{ 62, SR_EV_SYSCALL, SR_CLASS_OTHER, "kill", NO_IO },
	{ 445, SR_EV_SYSCALL, SR_CLASS_OTHER, "landlock_add_rule", NO_IO },
	{ 444, SR_EV_SYSCALL, SR_CLASS_OTHER, "landlock_create_ruleset", NO_IO },
	{ 446, SR_EV_SYSCALL, SR_CLASS_OTHER, "landlock_restrict_self", NO_IO },
	{ 94, SR_EV_SYSCALL, SR_CLASS_OTHER, "lchown", NO_IO },
	{ 192, SR_EV_SYSCALL, SR_CLASS_OTHER, "lgetxattr", NO_IO },
	{ 86, SR_EV_SYSCALL, SR_CLASS_OTHER, "link", NO_IO },
	{ 265, SR_EV_SYSCALL, SR_CLASS_OTHER, "linkat", NO_IO },
	{ 50, SR_EV_NET, SR_CLASS_NET, "listen", FD(0) },
	{ 194, SR_EV_SYSCALL, SR_CLASS_OTHER, "listxattr", NO_IO },
	{ 195, SR_EV_SYSCALL, SR_CLASS_OTHER, "llistxattr", NO_IO },
	{ 212, SR_EV_SYSCALL, SR_CLASS_OTHER, "lookup_dcookie", NO_IO },
	{ 198, SR_EV_SYSCALL, SR_CLASS_OTHER, "lremovexattr", NO_IO },
	{ 8, SR_EV_SYSCALL, SR_CLASS_OTHER, "lseek", NO_IO },
	{ 189, SR_EV_SYSCALL, SR_CLASS_OTHER, "lsetxattr", NO_IO },
	{ 6, SR_EV_SYSCALL, SR_CLASS_OTHER, "lstat", NO_IO },
	{ 28, SR_EV_SYSCALL, SR_CLASS_OTHER, "madvise", NO_IO },
	{ 237, SR_EV_SYSCALL, SR_CLASS_OTHER, "mbind", NO_IO },
	{ 324, SR_EV_SYSCALL, SR_CLASS_OTHER, "membarrier", NO_IO },
	{ 319, SR_EV_SYSCALL, SR_CLASS_OTHER, "memfd_create", NO_IO },
	{ 447, SR_EV_SYSCALL, SR_CLASS_OTHER, "memfd_secret", NO_IO },
	{ 256, SR_EV_SYSCALL, SR_CLASS_OTHER, "migrate_pages", NO_IO },
	{ 27, SR_EV_SYSCALL, SR_CLASS_OTHER, "mincore", NO_IO },
	{ 83, SR_EV_SYSCALL, SR_CLASS_OTHER, "mkdir", NO_IO },
	{ 258, SR_EV_SYSCALL, SR_CLASS_OTHER, "mkdirat", NO_IO },
	{ 133, SR_EV_SYSCALL, SR_CLASS_OTHER, "mknod", NO_IO },
	{ 259, SR_EV_SYSCALL, SR_CLASS_OTHER, "mknodat", NO_IO },
	{ 149, SR_EV_SYSCALL, SR_CLASS_OTHER, "mlock", NO_IO },
	{ 325, SR_EV_SYSCALL, SR_CLASS_OTHER, "mlock2", NO_IO },
	{ 151, SR_EV_SYSCALL, SR_CLASS_OTHER, "mlockall", NO_IO },
	{ 9, SR_EV_MMAP, SR_CLASS_MEM, "mmap", FD(4) },
	{ 154, SR_EV_SYSCALL, SR_CLASS_OTHER, "modify_ldt", NO_IO },
	{ 165, SR_EV_SYSCALL, SR_CLASS_OTHER, "mount", NO_IO },
	{ 442, SR_EV_SYSCALL, SR_CLASS_OTHER, "mount_setattr", NO_IO },
	{ 429, SR_EV_SYSCALL, SR_CLASS_OTHER, "move_mount", NO_IO },
	{ 279, SR_EV_SYSCALL, SR_CLASS_OTHER, "move_pages", NO_IO },
	{ 10, SR_EV_SYSCALL, SR_CLASS_OTHER, "mprotect", NO_IO },
	{ 245, SR_EV_SYSCALL, SR_CLASS_OTHER, "mq_getsetattr", NO_IO },
	{ 244, SR_EV_SYSCALL, SR_CLASS_OTHER, "mq_notify", NO_IO },
	{ 240, SR_EV_SYSCALL, SR_CLASS_OTHER, "mq_open", NO_IO },
	{ 243, SR_EV_SYSCALL, SR_CLASS_OTHER, "mq_timedreceive", DIR(READ, 0) },
	{ 242, SR_EV_SYSCALL, SR_CLASS_OTHER, "mq_timedsend", DIR(WRITE, 0) },
	{ 241, SR_EV_SYSCALL, SR_CLASS_OTHER, "mq_unlink", NO_IO },
	{ 25, SR_EV_SYSCALL, SR_CLASS_OTHER, "mremap", NO_IO },
	{ 71, SR_EV_SYSCALL, SR_CLASS_OTHER, "msgctl", NO_IO },
	{ 68, SR_EV_SYSCALL, SR_CLASS_OTHER, "msgget", NO_IO },
	{ 70, SR_EV_SYSCALL, SR_CLASS_OTHER, "msgrcv", NO_IO },
	{ 69, SR_EV_SYSCALL, SR_CLASS_OTHER, "msgsnd", NO_IO },
	{ 26, SR_EV_SYSCALL, SR_CLASS_OTHER, "msync", NO_IO },
	{ 150, SR_EV_SYSCALL, SR_CLASS_OTHER, "munlock", NO_IO },
	{ 152, SR_EV_SYSCALL, SR_CLASS_OTHER, "munlockall", NO_IO },
	{ 11, SR_EV_MUNMAP, SR_CLASS_MEM, "munmap", NO_IO },
	{ 303, SR_EV_SYSCALL, SR_CLASS_OTHER, "name_to_handle_at", NO_IO },
	{ 35, SR_EV_SYSCALL, SR_CLASS_OTHER, "nanosleep", NO_IO },
	{ 262, SR_EV_SYSCALL, SR_CLASS_OTHER, "newfstatat", NO_IO },
	{ 180, SR_EV_SYSCALL, SR_CLASS_OTHER, "nfsservctl", NO_IO },
	{ 2, SR_EV_OPEN, SR_CLASS_FILE, "open", NO_IO },
	{ 304, SR_EV_SYSCALL, SR_CLASS_OTHER, "open_by_handle_at", NO_IO },
	{ 428, SR_EV_SYSCALL, SR_CLASS_OTHER, "open_tree", NO_IO },
	{ 257, SR_EV_OPEN, SR_CLASS_FILE, "openat", FD(0) },
	{ 437, SR_EV_OPEN, SR_CLASS_FILE, "openat2", FD(0) },
	{ 34, SR_EV_SYSCALL, SR_CLASS_OTHER, "pause", NO_IO },
	{ 298, SR_EV_SYSCALL, SR_CLASS_OTHER, "perf_event_open", NO_IO },
	{ 135, SR_EV_SYSCALL, SR_CLASS_OTHER, "personality", NO_IO },
	{ 438, SR_EV_SYSCALL, SR_CLASS_OTHER, "pidfd_getfd", NO_IO },
	{ 434, SR_EV_SYSCALL, SR_CLASS_OTHER, "pidfd_open", NO_IO },
	{ 424, SR_EV_SYSCALL, SR_CLASS_OTHER, "pidfd_send_signal", NO_IO },
	{ 22, SR_EV_PIPE, SR_CLASS_FILE, "pipe", NO_IO },
	{ 293, SR_EV_PIPE, SR_CLASS_FILE, "pipe2", NO_IO },
	{ 155, SR_EV_SYSCALL, SR_CLASS_OTHER, "pivot_root", NO_IO },
	{ 330, SR_EV_SYSCALL, SR_CLASS_OTHER, "pkey_alloc", NO_IO },
	{ 331, SR_EV_SYSCALL, SR_CLASS_OTHER, "pkey_free", NO_IO },
	{ 329, SR_EV_SYSCALL, SR_CLASS_OTHER, "pkey_mprotect", NO_IO },
	{ 7, SR_EV_SYSCALL, SR_CLASS_OTHER, "poll", NO_IO },
	{ 271, SR_EV_SYSCALL, SR_CLASS_OTHER, "ppoll", NO_IO },
	{ 157, SR_EV_SYSCALL, SR_CLASS_OTHER, "prctl", NO_IO },
	{ 17, SR_EV_RW, SR_CLASS_FILE, "pread64", RW(READ, 0, PLAIN, 1, 2, 3) },
	{ 295, SR_EV_RW, SR_CLASS_FILE, "preadv", RW(READ, 0, IOV, 1, 2, 3) },
	{ 327, SR_EV_RW, SR_CLASS_FILE, "preadv2", RW(READ, 0, IOV, 1, 2, 3) },
	{ 302, SR_EV_SYSCALL, SR_CLASS_OTHER, "prlimit64", NO_IO },
	{ 440, SR_EV_SYSCALL, SR_CLASS_OTHER, "process_madvise", NO_IO },
	{ 448, SR_EV_SYSCALL, SR_CLASS_OTHER, "process_mrelease", NO_IO },
	{ 310, SR_EV_SYSCALL, SR_CLASS_OTHER, "process_vm_readv", NO_IO },
	{ 311, SR_EV_SYSCALL, SR_CLASS_OTHER, "process_vm_writev", NO_IO },
	{ 270, SR_EV_SYSCALL, SR_CLASS_OTHER, "pselect6", NO_IO },
	{ 101, SR_EV_SYSCALL, SR_CLASS_OTHER, "ptrace", NO_IO },
	{ 182, SR_EV_SYSCALL, SR_CLASS_OTHER, "putpmsg", NO_IO },
	{ 18, SR_EV_RW, SR_CLASS_FILE, "pwrite64", RW(WRITE, 0, PLAIN, 1, 2, 3) },
	{ 296, SR_EV_RW, SR_CLASS_FILE, "pwritev", RW(WRITE, 0, IOV, 1, 2, 3) },
	{ 328, SR_EV_RW, SR_CLASS_FILE, "pwritev2", RW(WRITE, 0, IOV, 1, 2, 3) },
	{ 178, SR_EV_SYSCALL, SR_CLASS_OTHER, "query_module", NO_IO },
	{ 179, SR_EV_SYSCALL, SR_CLASS_OTHER, "quotactl", NO_IO },
	{ 443, SR_EV_SYSCALL, SR_CLASS_OTHER, "quotactl_fd", NO_IO },
	{ 0, SR_EV_RW, SR_CLASS_FILE, "read", RW(READ, 0, PLAIN, 1, 2, -1) },
	{ 187, SR_EV_SYSCALL, SR_CLASS_OTHER, "readahead", NO_IO },
	{ 89, SR_EV_SYSCALL, SR_CLASS_OTHER, "readlink", NO_IO },
	{ 267, SR_EV_SYSCALL, SR_CLASS_OTHER, "readlinkat", NO_IO },
	{ 19, SR_EV_RW, SR_CLASS_FILE, "readv", RW(READ, 0, IOV, 1, 2, -1) },
	{ 169, SR_EV_SYSCALL, SR_CLASS_OTHER, "reboot", NO_IO },
	{ 45, SR_EV_NET, SR_CLASS_NET, "recvfrom", DIR(READ, 0) },
	{ 299, SR_EV_NET, SR_CLASS_NET, "recvmmsg", DIR(READ, 0) },
	{ 47, SR_EV_NET, SR_CLASS_NET, "recvmsg", DIR(READ, 0) },
	{ 216, SR_EV_SYSCALL, SR_CLASS_OTHER, "remap_file_pages", NO_IO },
	{ 197, SR_EV_SYSCALL, SR_CLASS_OTHER, "removexattr", NO_IO },
	{ 82, SR_EV_SYSCALL, SR_CLASS_OTHER, "rename", NO_IO },
	{ 264, SR_EV_SYSCALL, SR_CLASS_OTHER, "renameat", NO_IO },
	{ 316, SR_EV_SYSCALL, SR_CLASS_OTHER, "renameat2", NO_IO },
	{ 249, SR_EV_SYSCALL, SR_CLASS_OTHER, "request_key", NO_IO },
	{ 219, SR_EV_SYSCALL, SR_CLASS_OTHER, "restart_syscall", NO_IO },
	{ 84, SR_EV_SYSCALL, SR_CLASS_OTHER, "rmdir", NO_IO },
	{ 334, SR_EV_SYSCALL, SR_CLASS_OTHER, "rseq", NO_IO },
	{ 13, SR_EV_SYSCALL, SR_CLASS_OTHER, "rt_sigaction", NO_IO },
	{ 127, SR_EV_SYSCALL, SR_CLASS_OTHER, "rt_sigpending", NO_IO },
	{ 14, SR_EV_SYSCALL, SR_CLASS_OTHER, "rt_sigprocmask", NO_IO },
	{ 129, SR_EV_SYSCALL, SR_CLASS_OTHER, "rt_sigqueueinfo", NO_IO },
	{ 15, SR_EV_SYSCALL, SR_CLASS_OTHER, "rt_sigreturn", NO_IO },
	{ 130, SR_EV_SYSCALL, SR_CLASS_OTHER, "rt_sigsuspend", NO_IO },
	{ 128, SR_EV_SYSCALL, SR_CLASS_OTHER, "rt_sigtimedwait", NO_IO },
	{ 297, SR_EV_SYSCALL, SR_CLASS_OTHER, "rt_tgsigqueueinfo", NO_IO },
	{ 146, SR_EV_SYSCALL, SR_CLASS_OTHER, "sched_get_priority_max", NO_IO },
	{ 147, SR_EV_SYSCALL, SR_CLASS_OTHER, "sched_get_priority_min", NO_IO },
	{ 204, SR_EV_SYSCALL, SR_CLASS_OTHER, "sched_getaffinity", NO_IO },
	{ 315, SR_EV_SYSCALL, SR_CLASS_OTHER, "sched_getattr", NO_IO },
	{ 143, SR_EV_SYSCALL, SR_CLASS_OTHER, "sched_getparam", NO_IO },
	{ 145, SR_EV_SYSCALL, SR_CLASS_OTHER, "sched_getscheduler", NO_IO },
	{ 148, SR_EV_SYSCALL, SR_CLASS_OTHER, "sched_rr_get_interval", NO_IO },
	{ 203, SR_EV_SYSCALL, SR_CLASS_OTHER, "sched_setaffinity", NO_IO },
	{ 314, SR_EV_SYSCALL, SR_CLASS_OTHER, "sched_setattr", NO_IO },
	{ 142, SR_EV_SYSCALL, SR_CLASS_OTHER, "sched_setparam", NO_IO },
	{ 144, SR_EV_SYSCALL, SR_CLASS_OTHER, "sched_setscheduler", NO_IO },
	{ 24, SR_EV_SYSCALL, SR_CLASS_OTHER, "sched_yield", NO_IO },
	{ 317, SR_EV_SYSCALL, SR_CLASS_OTHER, "seccomp", NO_IO },
	{ 185, SR_EV_SYSCALL, SR_CLASS_OTHER, "security", NO_IO },
	{ 23, SR_EV_SYSCALL, SR_CLASS_OTHER, "select", NO_IO },
	{ 66, SR_EV_SYSCALL, SR_CLASS_OTHER, "semctl", NO_IO },
	{ 64, SR_EV_SYSCALL, SR_CLASS_OTHER, "semget", NO_IO },
	{ 65, SR_EV_SYSCALL, SR_CLASS_OTHER, "semop", NO_IO },
	{ 220, SR_EV_SYSCALL, SR_CLASS_OTHER, "semtimedop", NO_IO },
	{ 40, SR_EV_XFER, SR_CLASS_FILE, "sendfile", DIR(WRITE, 0) },
	{ 307, SR_EV_NET, SR_CLASS_NET, "sendmmsg", DIR(WRITE, 0) },
	{ 46, SR_EV_NET, SR_CLASS_NET, "sendmsg", DIR(WRITE, 0) },
	{ 44, SR_EV_NET, SR_CLASS_NET, "sendto", DIR(WRITE, 0) },
	{ 238, SR_EV_SYSCALL, SR_CLASS_OTHER, "set_mempolicy", NO_IO },
	{ 450, SR_EV_SYSCALL, SR_CLASS_OTHER, "set_mempolicy_home_node", NO_IO },
	{ 273, SR_EV_SYSCALL, SR_CLASS_OTHER, "set_robust_list", NO_IO },
	{ 205, SR_EV_SYSCALL, SR_CLASS_OTHER, "set_thread_area", NO_IO },
	{ 218, SR_EV_SYSCALL, SR_CLASS_OTHER, "set_tid_address", NO_IO },
	{ 171, SR_EV_SYSCALL, SR_CLASS_OTHER, "setdomainname", NO_IO },
	{ 123, SR_EV_SYSCALL, SR_CLASS_OTHER, "setfsgid", NO_IO },
	{ 122, SR_EV_SYSCALL, SR_CLASS_OTHER, "setfsuid", NO_IO },
	{ 106, SR_EV_SYSCALL, SR_CLASS_OTHER, "setgid", NO_IO },
	{ 116, SR_EV_SYSCALL, SR_CLASS_OTHER, "setgroups", NO_IO },
	{ 170, SR_EV_SYSCALL, SR_CLASS_OTHER, "sethostname", NO_IO },
	{ 38, SR_EV_SYSCALL, SR_CLASS_OTHER, "setitimer", NO_IO },
	{ 308, SR_EV_SYSCALL, SR_CLASS_OTHER, "setns", NO_IO },
	{ 109, SR_EV_SYSCALL, SR_CLASS_OTHER, "setpgid", NO_IO },
	{ 141, SR_EV_SYSCALL, SR_CLASS_OTHER, "setpriority", NO_IO },
	{ 114, SR_EV_SYSCALL, SR_CLASS_OTHER, "setregid", NO_IO },
	{ 119, SR_EV_SYSCALL, SR_CLASS_OTHER, "setresgid", NO_IO },
	{ 117, SR_EV_SYSCALL, SR_CLASS_OTHER, "setresuid", NO_IO },
	{ 113, SR_EV_SYSCALL, SR_CLASS_OTHER, "setreuid", NO_IO },
	{ 160, SR_EV_SYSCALL, SR_CLASS_OTHER, "setrlimit", NO_IO },
	{ 112, SR_EV_SYSCALL, SR_CLASS_OTHER, "setsid", NO_IO },
	{ 54, SR_EV_SYSCALL, SR_CLASS_OTHER, "setsockopt", NO_IO },
	{ 164, SR_EV_SYSCALL, SR_CLASS_OTHER, "settimeofday", NO_IO },
	{ 105, SR_EV_SYSCALL, SR_CLASS_OTHER, "setuid", NO_IO },
	{ 188, SR_EV_SYSCALL, SR_CLASS_OTHER, "setxattr", NO_IO },
	{ 30, SR_EV_SYSCALL, SR_CLASS_OTHER, "shmat", NO_IO },
	{ 31, SR_EV_SYSCALL, SR_CLASS_OTHER, "shmctl", NO_IO },
	{ 67, SR_EV_SYSCALL, SR_CLASS_OTHER, "shmdt", NO_IO },
	{ 29, SR_EV_SYSCALL, SR_CLASS_OTHER, "shmget", NO_IO },
	{ 48, SR_EV_NET, SR_CLASS_NET, "shutdown", FD(0) },
	{ 131, SR_EV_SYSCALL, SR_CLASS_OTHER, "sigaltstack", NO_IO },
	{ 282, SR_EV_SYSCALL, SR_CLASS_OTHER, "signalfd", NO_IO },
	{ 289, SR_EV_SYSCALL, SR_CLASS_OTHER, "signalfd4", NO_IO },
	{ 41, SR_EV_NET, SR_CLASS_NET, "socket", NO_IO },
	{ 53, SR_EV_NET, SR_CLASS_NET, "socketpair", NO_IO },
	{ 275, SR_EV_XFER, SR_CLASS_FILE, "splice", DIR(WRITE, 2) },
	{ 4, SR_EV_SYSCALL, SR_CLASS_OTHER, "stat", NO_IO },
	{ 137, SR_EV_SYSCALL, SR_CLASS_OTHER, "statfs", NO_IO },
	{ 332, SR_EV_SYSCALL, SR_CLASS_OTHER, "statx", NO_IO },
	{ 168, SR_EV_SYSCALL, SR_CLASS_OTHER, "swapoff", NO_IO },
	{ 167, SR_EV_SYSCALL, SR_CLASS_OTHER, "swapon", NO_IO },
	{ 88, SR_EV_SYSCALL, SR_CLASS_OTHER, "symlink", NO_IO },
	{ 266, SR_EV_SYSCALL, SR_CLASS_OTHER, "symlinkat", NO_IO },
	{ 162, SR_EV_SYSCALL, SR_CLASS_OTHER, "sync", NO_IO },
	{ 277, SR_EV_SYSCALL, SR_CLASS_OTHER, "sync_file_range", NO_IO },
	{ 306, SR_EV_SYSCALL, SR_CLASS_OTHER, "syncfs", NO_IO },
	{ 139, SR_EV_SYSCALL, SR_CLASS_OTHER, "sysfs", NO_IO },
	{ 99, SR_EV_SYSCALL, SR_CLASS_OTHER, "sysinfo", NO_IO },
	{ 103, SR_EV_SYSCALL, SR_CLASS_OTHER, "syslog", NO_IO },
	{ 276, SR_EV_XFER, SR_CLASS_FILE, "tee", DIR(WRITE, 1) },
	{ 234, SR_EV_SYSCALL, SR_CLASS_OTHER, "tgkill", NO_IO },
	{ 201, SR_EV_SYSCALL, SR_CLASS_OTHER, "time", NO_IO },
	{ 222, SR_EV_SYSCALL, SR_CLASS_OTHER, "timer_create", NO_IO },
	{ 226, SR_EV_SYSCALL, SR_CLASS_OTHER, "timer_delete", NO_IO },
	{ 225, SR_EV_SYSCALL, SR_CLASS_OTHER, "timer_getoverrun", NO_IO },
	{ 224, SR_EV_SYSCALL, SR_CLASS_OTHER, "timer_gettime", NO_IO },
	{ 223, SR_EV_SYSCALL, SR_CLASS_OTHER, "timer_settime", NO_IO },
	{ 283, SR_EV_SYSCALL, SR_CLASS_OTHER, "timerfd_create", NO_IO },
	{ 287, SR_EV_SYSCALL, SR_CLASS_OTHER, "timerfd_gettime", NO_IO },
	{ 286, SR_EV_SYSCALL, SR_CLASS_OTHER, "timerfd_settime", NO_IO },
	{ 100, SR_EV_SYSCALL, SR_CLASS_OTHER, "times", NO_IO },
	{ 200, SR_EV_SYSCALL, SR_CLASS_OTHER, "tkill", NO_IO },
	{ 76, SR_EV_SYSCALL, SR_CLASS_OTHER, "truncate", NO_IO },
	{ 184, SR_EV_SYSCALL, SR_CLASS_OTHER, "tuxcall", NO_IO },
	{ 95, SR_EV_SYSCALL, SR_CLASS_OTHER, "umask", NO_IO },
	{ 166, SR_EV_SYSCALL, SR_CLASS_OTHER, "umount2", NO_IO },
	{ 63, SR_EV_SYSCALL, SR_CLASS_OTHER, "uname", NO_IO },
	{ 87, SR_EV_SYSCALL, SR_CLASS_OTHER, "unlink", NO_IO },
	{ 263, SR_EV_SYSCALL, SR_CLASS_OTHER, "unlinkat", NO_IO },
	{ 272, SR_EV_SYSCALL, SR_CLASS_OTHER, "unshare", NO_IO },
	{ 134, SR_EV_SYSCALL, SR_CLASS_OTHER, "uselib", NO_IO },
	{ 323, SR_EV_SYSCALL, SR_CLASS_OTHER, "userfaultfd", NO_IO },
	{ 136, SR_EV_SYSCALL, SR_CLASS_OTHER, "ustat", NO_IO },
	{ 132, SR_EV_SYSCALL, SR_CLASS_OTHER, "utime", NO_IO },
	{ 280, SR_EV_SYSCALL, SR_CLASS_OTHER, "utimensat", NO_IO },
	{ 235, SR_EV_SYSCALL, SR_CLASS_OTHER, "utimes", NO_IO },
	{ 58, SR_EV_FORK, SR_CLASS_PROC, "vfork", NO_IO },
	{ 153, SR_EV_SYSCALL, SR_CLASS_OTHER, "vhangup", NO_IO },
	{ 278, SR_EV_XFER, SR_CLASS_FILE, "vmsplice", FD(0) },
	{ 236, SR_EV_SYSCALL, SR_CLASS_OTHER, "vserver", NO_IO },
	{ 61, SR_EV_SYSCALL, SR_CLASS_OTHER, "wait4", NO_IO },
	{ 247, SR_EV_SYSCALL, SR_CLASS_OTHER, "waitid", NO_IO },
	{ 1, SR_EV_RW, SR_CLASS_FILE, "write", RW(WRITE, 0, PLAIN, 1, 2, -1) },
	{ 20, SR_EV_RW, SR_CLASS_FILE, "writev", RW(WRITE, 0, IOV, 1, 2, -1) },
};

/*
 * From the kernel's arch/x86/entry/syscalls/syscall_32.tbl: the syscalls
 * that make processes, so that no process of a 32-bit program is an orphan.
 */
static const struct sr_syscall_ia32 ia32[] = {
	{ 2, "fork" }, { 11, "execve" }, { 120, "clone" }, { 190, "vfork" },
	{ 358, "execveat" }, { 435, "clone3" },
};

static const struct sr_class_name class_names[] = {
	{ "proc", SR_CLASS_PROC },
	{ "mem", SR_CLASS_MEM },
	{ "file", SR_CLASS_FILE },
	{ "cpu", SR_CLASS_CPU },
	{ "net", SR_CLASS_NET },
	{ "all", SR_CLASS_PROC | SR_CLASS_MEM | SR_CLASS_FILE | SR_CLASS_CPU | SR_CLASS_NET },
};

const struct sr_class_name *sr_class_names(size_t *n)
{
	*n = ARRAY_SIZE(class_names);
	return class_names;
}

uint32_t sr_class_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(class_names); i++)
		if (!strcmp(name, class_names[i].name))
			return class_names[i].mask;
	return 0;
}

uint32_t sr_classes_in(const char *list)
{
	char name[32];
	uint32_t mask = 0;
	size_t len;

	while (list && *list) {
		len = strcspn(list, ",");
		if (len < sizeof(name)) {
			memcpy(name, list, len);
			name[len] = 0;
			mask |= sr_class_by_name(name);
		}
		list += len + (list[len] == ',');
	}
	return mask;
}

const struct sr_syscall *sr_syscalls(size_t *n)
{
	*n = ARRAY_SIZE(syscalls);
	return syscalls;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sr_syscall *)elem)->name);
}

const struct sr_syscall *sr_syscall_by_name(const char *name)
{
	if (!name)
		return NULL;
	return bsearch(name, syscalls, ARRAY_SIZE(syscalls), sizeof(syscalls[0]), cmp_name);
}

int sr_syscall_dir(const char *name)
{
	const struct sr_syscall *sc = sr_syscall_by_name(name);

	return sc ? sc->dir : SR_DIR_NONE;
}

const struct sr_syscall_ia32 *sr_syscalls_ia32(size_t *n)
{
	*n = ARRAY_SIZE(ia32);
	return ia32;
}

/* Index by number, built once: 1 + the position in syscalls[], 0 for a hole. */
static uint16_t by_nr[SR_NR_MAX];
static pthread_once_t by_nr_once = PTHREAD_ONCE_INIT;

static void by_nr_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(syscalls); i++)
		if (syscalls[i].nr < SR_NR_MAX)
			by_nr[syscalls[i].nr] = (uint16_t)(i + 1);
}

const struct sr_syscall *sr_syscall_by_nr(unsigned int nr)
{
	if (nr >= SR_NR_MAX)
		return NULL;
	pthread_once(&by_nr_once, by_nr_init);
	return by_nr[nr] ? &syscalls[by_nr[nr] - 1] : NULL;
}
