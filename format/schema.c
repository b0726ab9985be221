// SPDX-License-Identifier: GPL-2.0-only
/*
 * schema.c - the description of every record type of event.h, written into
 * each trace so that a reader can show types it was not built with.
 *
 * One static table per type, every member listed in order with offsetof and
 * sizeof, padding included as SR_FK_PAD: test_format checks that the fields
 * of each type tile its struct exactly, so a member added to event.h without
 * its line here fails the tests.  Field names are the member names
 * (conventions shared with dump, analyze and mktrace).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "layout.h"
#include "sysrec/format.h"
#include "sysrec/util.h"

#define F(T, member, name, kind) \
	{ name, kind, offsetof(T, member), sizeof(((T *)0)->member) }

/* struct sr_event, the first 56 bytes of every record */
#define HDR(T)								\
	F(T, h.type, "type", SR_FK_U16),				\
	F(T, h.size, "size", SR_FK_U16),				\
	F(T, h.cpu, "cpu", SR_FK_U16),					\
	F(T, h.flags, "flags", SR_FK_U16),				\
	F(T, h.ts, "ts", SR_FK_U64),					\
	F(T, h.pid, "pid", SR_FK_U32),					\
	F(T, h.tid, "tid", SR_FK_U32),					\
	F(T, h.uid, "uid", SR_FK_U32),					\
	F(T, h.gid, "gid", SR_FK_U32),					\
	F(T, h.cgroup_id, "cgroup_id", SR_FK_U64),			\
	F(T, h.comm, "comm", SR_FK_COMM)

/* struct sr_sys, after the header of syscall records */
#define SYS(T)								\
	F(T, s.dur_ns, "dur_ns", SR_FK_U64),				\
	F(T, s.ret, "ret", SR_FK_S64),					\
	F(T, s.nr, "nr", SR_FK_U16),					\
	F(T, s._pad, "_pad", SR_FK_PAD)

static const struct sr_field exec_fields[] = {
	HDR(struct sr_ev_exec), SYS(struct sr_ev_exec),
	F(struct sr_ev_exec, old_tid, "old_tid", SR_FK_U32),
	F(struct sr_ev_exec, argc, "argc", SR_FK_U32),
	F(struct sr_ev_exec, dev, "dev", SR_FK_U64),
	F(struct sr_ev_exec, ino, "ino", SR_FK_U64),
	F(struct sr_ev_exec, filename, "filename", SR_FK_STR),
	F(struct sr_ev_exec, path, "path", SR_FK_STR),
	F(struct sr_ev_exec, argv, "argv", SR_FK_STR),
	F(struct sr_ev_exec, _pad, "_pad", SR_FK_PAD),
};

static const struct sr_field fork_fields[] = {
	HDR(struct sr_ev_fork), SYS(struct sr_ev_fork),
	F(struct sr_ev_fork, child_pid, "child_pid", SR_FK_U32),
	F(struct sr_ev_fork, child_tid, "child_tid", SR_FK_U32),
	F(struct sr_ev_fork, clone_flags, "clone_flags", SR_FK_HEX),
};

static const struct sr_field exit_fields[] = {
	HDR(struct sr_ev_exit),
	F(struct sr_ev_exit, exit_code, "exit_code", SR_FK_S32),
	F(struct sr_ev_exit, _pad, "_pad", SR_FK_PAD),
};

static const struct sr_field open_fields[] = {
	HDR(struct sr_ev_open), SYS(struct sr_ev_open),
	F(struct sr_ev_open, dirfd, "dirfd", SR_FK_S32),
	F(struct sr_ev_open, flags, "flags", SR_FK_U32),
	F(struct sr_ev_open, mode, "mode", SR_FK_U32),
	F(struct sr_ev_open, _pad, "_pad", SR_FK_PAD),
	F(struct sr_ev_open, resolve, "resolve", SR_FK_HEX),
	F(struct sr_ev_open, dev, "dev", SR_FK_U64),
	F(struct sr_ev_open, ino, "ino", SR_FK_U64),
	F(struct sr_ev_open, name, "name", SR_FK_STR),
	F(struct sr_ev_open, path, "path", SR_FK_STR),
};

static const struct sr_field rw_fields[] = {
	HDR(struct sr_ev_rw), SYS(struct sr_ev_rw),
	F(struct sr_ev_rw, fd, "fd", SR_FK_S32),
	F(struct sr_ev_rw, iovcnt, "iovcnt", SR_FK_U32),
	F(struct sr_ev_rw, count, "count", SR_FK_U64),
	F(struct sr_ev_rw, offset, "offset", SR_FK_S64),
	F(struct sr_ev_rw, dev, "dev", SR_FK_U64),
	F(struct sr_ev_rw, ino, "ino", SR_FK_U64),
};

static const struct sr_field close_fields[] = {
	HDR(struct sr_ev_close), SYS(struct sr_ev_close),
	F(struct sr_ev_close, fd, "fd", SR_FK_S32),
	F(struct sr_ev_close, _pad, "_pad", SR_FK_PAD),
	F(struct sr_ev_close, dev, "dev", SR_FK_U64),
	F(struct sr_ev_close, ino, "ino", SR_FK_U64),
};

static const struct sr_field dup_fields[] = {
	HDR(struct sr_ev_dup), SYS(struct sr_ev_dup),
	F(struct sr_ev_dup, fd, "fd", SR_FK_S32),
	F(struct sr_ev_dup, newfd, "newfd", SR_FK_S32),
	F(struct sr_ev_dup, cmd, "cmd", SR_FK_U32),
	F(struct sr_ev_dup, flags, "flags", SR_FK_U32),
	F(struct sr_ev_dup, arg, "arg", SR_FK_HEX),
	F(struct sr_ev_dup, dev, "dev", SR_FK_U64),
	F(struct sr_ev_dup, ino, "ino", SR_FK_U64),
};

static const struct sr_field mmap_fields[] = {
	HDR(struct sr_ev_mmap), SYS(struct sr_ev_mmap),
	F(struct sr_ev_mmap, addr, "addr", SR_FK_HEX),
	F(struct sr_ev_mmap, len, "len", SR_FK_U64),
	F(struct sr_ev_mmap, prot, "prot", SR_FK_U32),
	F(struct sr_ev_mmap, flags, "flags", SR_FK_U32),
	F(struct sr_ev_mmap, fd, "fd", SR_FK_S32),
	F(struct sr_ev_mmap, _pad, "_pad", SR_FK_PAD),
	F(struct sr_ev_mmap, off, "off", SR_FK_U64),
	F(struct sr_ev_mmap, dev, "dev", SR_FK_U64),
	F(struct sr_ev_mmap, ino, "ino", SR_FK_U64),
};

static const struct sr_field munmap_fields[] = {
	HDR(struct sr_ev_munmap), SYS(struct sr_ev_munmap),
	F(struct sr_ev_munmap, addr, "addr", SR_FK_HEX),
	F(struct sr_ev_munmap, len, "len", SR_FK_U64),
};

static const struct sr_field brk_fields[] = {
	HDR(struct sr_ev_brk), SYS(struct sr_ev_brk),
	F(struct sr_ev_brk, req, "req", SR_FK_HEX),
};

/* args[] has no member name per element: "args0".."args5". */
static const struct sr_field syscall_fields[] = {
	HDR(struct sr_ev_syscall), SYS(struct sr_ev_syscall),
	F(struct sr_ev_syscall, args[0], "args0", SR_FK_HEX),
	F(struct sr_ev_syscall, args[1], "args1", SR_FK_HEX),
	F(struct sr_ev_syscall, args[2], "args2", SR_FK_HEX),
	F(struct sr_ev_syscall, args[3], "args3", SR_FK_HEX),
	F(struct sr_ev_syscall, args[4], "args4", SR_FK_HEX),
	F(struct sr_ev_syscall, args[5], "args5", SR_FK_HEX),
};

static const struct sr_field switch_fields[] = {
	HDR(struct sr_ev_switch),
	F(struct sr_ev_switch, next_pid, "next_pid", SR_FK_U32),
	F(struct sr_ev_switch, next_tid, "next_tid", SR_FK_U32),
	F(struct sr_ev_switch, next_comm, "next_comm", SR_FK_COMM),
	F(struct sr_ev_switch, prev_state, "prev_state", SR_FK_U32),
	F(struct sr_ev_switch, prev_state_raw, "prev_state_raw", SR_FK_U32),
};

static const struct sr_field wakeup_fields[] = {
	HDR(struct sr_ev_wakeup),
	F(struct sr_ev_wakeup, wakee_pid, "wakee_pid", SR_FK_U32),
	F(struct sr_ev_wakeup, wakee_tid, "wakee_tid", SR_FK_U32),
	F(struct sr_ev_wakeup, target_cpu, "target_cpu", SR_FK_U32),
	F(struct sr_ev_wakeup, _pad, "_pad", SR_FK_PAD),
};

static const struct sr_field syscpu_fields[] = {
	HDR(struct sr_ev_syscpu),
	F(struct sr_ev_syscpu, off_cpu_ns, "off_cpu_ns", SR_FK_U64),
	F(struct sr_ev_syscpu, blocked_ns, "blocked_ns", SR_FK_U64),
	F(struct sr_ev_syscpu, runq_ns, "runq_ns", SR_FK_U64),
	F(struct sr_ev_syscpu, vol_switches, "vol_switches", SR_FK_U32),
	F(struct sr_ev_syscpu, invol_switches, "invol_switches", SR_FK_U32),
	F(struct sr_ev_syscpu, nr, "nr", SR_FK_U16),
	F(struct sr_ev_syscpu, _pad, "_pad", SR_FK_PAD),
};

static const struct sr_field cputime_fields[] = {
	HDR(struct sr_ev_cputime),
	F(struct sr_ev_cputime, on_cpu_ns, "on_cpu_ns", SR_FK_U64),
	F(struct sr_ev_cputime, runq_ns, "runq_ns", SR_FK_U64),
	F(struct sr_ev_cputime, timeslices, "timeslices", SR_FK_U64),
	F(struct sr_ev_cputime, vol_switches, "vol_switches", SR_FK_U64),
	F(struct sr_ev_cputime, invol_switches, "invol_switches", SR_FK_U64),
};

static const struct sr_field lost_fields[] = {
	HDR(struct sr_ev_lost),
	F(struct sr_ev_lost, count, "count", SR_FK_U64),
};

static const struct sr_field proc_fields[] = {
	HDR(struct sr_ev_proc),
	F(struct sr_ev_proc, ppid, "ppid", SR_FK_U32),
	F(struct sr_ev_proc, _pad, "_pad", SR_FK_PAD),
	F(struct sr_ev_proc, start_ns, "start_ns", SR_FK_U64),
	F(struct sr_ev_proc, exe, "exe", SR_FK_STR),
	F(struct sr_ev_proc, argv, "argv", SR_FK_STR),
	F(struct sr_ev_proc, cwd, "cwd", SR_FK_STR),
	F(struct sr_ev_proc, _pad2, "_pad2", SR_FK_PAD),
};

static const struct sr_field fd_fields[] = {
	HDR(struct sr_ev_fd),
	F(struct sr_ev_fd, fd, "fd", SR_FK_S32),
	F(struct sr_ev_fd, flags, "flags", SR_FK_U32),
	F(struct sr_ev_fd, dev, "dev", SR_FK_U64),
	F(struct sr_ev_fd, ino, "ino", SR_FK_U64),
	F(struct sr_ev_fd, pos, "pos", SR_FK_U64),
	F(struct sr_ev_fd, path, "path", SR_FK_STR),
	F(struct sr_ev_fd, _pad, "_pad", SR_FK_PAD),
};

static const struct sr_field cgroup_fields[] = {
	HDR(struct sr_ev_cgroup),
	F(struct sr_ev_cgroup, id, "id", SR_FK_U64),
	F(struct sr_ev_cgroup, path, "path", SR_FK_STR),
	F(struct sr_ev_cgroup, _pad, "_pad", SR_FK_PAD),
};

/* struct sr_addr at member @m, its fields named @p_family and so on */
#define ADDR(T, m, p)							\
	F(T, m.family, p "_family", SR_FK_U16),				\
	F(T, m.port, p "_port", SR_FK_U16),				\
	F(T, m.scope, p "_scope", SR_FK_U32),				\
	F(T, m.addr[0], p "_addr0", SR_FK_HEX),				\
	F(T, m.addr[1], p "_addr1", SR_FK_HEX)

static const struct sr_field net_fields[] = {
	HDR(struct sr_ev_net), SYS(struct sr_ev_net),
	F(struct sr_ev_net, fd, "fd", SR_FK_S32),
	F(struct sr_ev_net, fd2, "fd2", SR_FK_S32),
	F(struct sr_ev_net, count, "count", SR_FK_U64),
	F(struct sr_ev_net, bytes, "bytes", SR_FK_U64),
	F(struct sr_ev_net, flags, "flags", SR_FK_U32),
	F(struct sr_ev_net, arg, "arg", SR_FK_U32),
	F(struct sr_ev_net, dev, "dev", SR_FK_U64),
	F(struct sr_ev_net, ino, "ino", SR_FK_U64),
	ADDR(struct sr_ev_net, addr, "addr"),
};

static const struct sr_field sock_fields[] = {
	HDR(struct sr_ev_sock),
	F(struct sr_ev_sock, fd, "fd", SR_FK_S32),
	F(struct sr_ev_sock, type, "sock_type", SR_FK_U16),
	F(struct sr_ev_sock, protocol, "protocol", SR_FK_U16),
	F(struct sr_ev_sock, dev, "dev", SR_FK_U64),
	F(struct sr_ev_sock, ino, "ino", SR_FK_U64),
	F(struct sr_ev_sock, peer_ino, "peer_ino", SR_FK_U64),
	ADDR(struct sr_ev_sock, local, "local"),
	ADDR(struct sr_ev_sock, peer, "peer"),
	F(struct sr_ev_sock, lpath, "lpath", SR_FK_STR),
	F(struct sr_ev_sock, ppath, "ppath", SR_FK_STR),
};

static const struct sr_field pipe_fields[] = {
	HDR(struct sr_ev_pipe), SYS(struct sr_ev_pipe),
	F(struct sr_ev_pipe, fds[0], "rfd", SR_FK_S32),
	F(struct sr_ev_pipe, fds[1], "wfd", SR_FK_S32),
	F(struct sr_ev_pipe, flags, "flags", SR_FK_U32),
	F(struct sr_ev_pipe, _pad, "_pad", SR_FK_PAD),
	F(struct sr_ev_pipe, dev, "dev", SR_FK_U64),
	F(struct sr_ev_pipe, ino, "ino", SR_FK_U64),
};

static const struct sr_field xfer_fields[] = {
	HDR(struct sr_ev_xfer), SYS(struct sr_ev_xfer),
	F(struct sr_ev_xfer, in_fd, "in_fd", SR_FK_S32),
	F(struct sr_ev_xfer, out_fd, "out_fd", SR_FK_S32),
	F(struct sr_ev_xfer, count, "count", SR_FK_U64),
	F(struct sr_ev_xfer, flags, "flags", SR_FK_U32),
	F(struct sr_ev_xfer, _pad, "_pad", SR_FK_PAD),
	F(struct sr_ev_xfer, in_dev, "in_dev", SR_FK_U64),
	F(struct sr_ev_xfer, in_ino, "in_ino", SR_FK_U64),
	F(struct sr_ev_xfer, out_dev, "out_dev", SR_FK_U64),
	F(struct sr_ev_xfer, out_ino, "out_ino", SR_FK_U64),
};

#define TYPE(num, tname, T, fields) \
	[num] = { num, tname, sizeof(T), ARRAY_SIZE(fields), fields }

/*
 * One entry per type of SR_EVENT_TYPES: a type added there without its
 * <name>_fields table above fails to build here.
 */
#define SR_SCHEMA_TYPE_(N, n, nr, sys, origin) \
	TYPE(SR_EV_##N, #n, struct sr_ev_##n, n##_fields),
static const struct sr_type types[SR_EV_TYPE_MAX] = {
	SR_EVENT_TYPES(SR_SCHEMA_TYPE_)
};
#undef SR_SCHEMA_TYPE_

const struct sr_type *sr_schema_type(unsigned int type)
{
	if (type >= ARRAY_SIZE(types) || !types[type].name)
		return NULL;
	return &types[type];
}

const struct sr_type *sr_schema_type_by_name(const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(types); i++) {
		const struct sr_type *t = sr_schema_type(i);

		if (t && !strcmp(t->name, name))
			return t;
	}
	return NULL;
}

static int same_field(const struct sr_field *a, const struct sr_field *b)
{
	return !strcmp(a->name, b->name) && a->kind == b->kind && a->offset == b->offset &&
	       a->size == b->size;
}

const char *sr_type_conflict(const struct sr_type *ft, char *buf, size_t n)
{
	const struct sr_type *bt = sr_schema_type(ft->type);
	const struct sr_field *f;
	unsigned int i;

	if (!bt)
		return NULL;
	if (strcmp(ft->name, bt->name)) {
		snprintf(buf, n, "named '%s', not this build's %s", ft->name, bt->name);
		return buf;
	}
	if (ft->fixed_size < bt->fixed_size) {
		snprintf(buf, n, "%s: fixed size %u, less than this build's %u", bt->name,
			 ft->fixed_size, bt->fixed_size);
		return buf;
	}
	for (i = 0; i < bt->nfields; i++) {
		if (i >= ft->nfields) {
			snprintf(buf, n, "%s: %u fields, fewer than this build's %u", bt->name,
				 ft->nfields, bt->nfields);
			return buf;
		}
		if (!same_field(&ft->fields[i], &bt->fields[i])) {
			f = &ft->fields[i];
			snprintf(buf, n, "%s: field %u is '%s' (offset %u, %u bytes), not this build's '%s' (offset %u, %u bytes)",
				 bt->name, i, f->name, f->offset, f->size, bt->fields[i].name,
				 bt->fields[i].offset, bt->fields[i].size);
			return buf;
		}
	}
	for (; i < ft->nfields; i++) {
		f = &ft->fields[i];
		if (f->offset < bt->fixed_size) {
			snprintf(buf, n, "%s: field '%s' at offset %u, inside this build's %u bytes",
				 bt->name, f->name, f->offset, bt->fixed_size);
			return buf;
		}
		/* a syscall's object gets the split of its time under these keys */
		if (sr_type_has_sys(bt->type) && (!strcmp(f->name, "on_cpu_ns") ||
		    !strcmp(f->name, "off_cpu_ns") || !strcmp(f->name, "runq_ns"))) {
			snprintf(buf, n, "%s: a field named '%s', a key dump gives syscalls", bt->name,
				 f->name);
			return buf;
		}
		/* a second "pid" would be a second JSON key of that name */
		for (unsigned int j = 0; j < bt->nfields; j++) {
			if (!strcmp(f->name, bt->fields[j].name)) {
				snprintf(buf, n, "%s: a second field named '%s'", bt->name, f->name);
				return buf;
			}
		}
	}
	return NULL;
}
