/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * net.bpf.h - the net class and the fd-to-fd syscalls: socket syscalls
 * (net records), what the kernel holds of a socket (sock records), pipes
 * and the zero-copy moves (pipe and xfer records).  Called at syscall
 * exit from sys_exit's switch, for these syscalls only: nothing here runs
 * for any other syscall.
 *
 * A socket is read from the kernel (struct file -> struct socket -> struct
 * sock, CO-RE through bpf_rdonly_cast), not from the caller's buffers: an
 * accept without an address and a connected UDP socket still name their
 * peer.  It is read when a syscall makes, binds, connects or accepts it,
 * and at a send or receive only when its ports changed since it was last
 * named (an unconnected UDP socket's port comes with its first send; listen
 * binds one when bind did not), which a hash lookup by inode tells: never at
 * a plain read or write.
 */
#ifndef SYSREC_NET_BPF_H
#define SYSREC_NET_BPF_H

#include <bpf/bpf_endian.h>

#include "emit.bpf.h"

#define AF_UNIX		1
#define AF_INET		2
#define AF_INET6	10
#define AF_NETLINK	16
#define EINPROGRESS	115
#define S_IFMT		00170000
#define S_IFSOCK	0140000
#define FMODE_WRITE	0x2
#define UNIX_PATH_MAX	108
#define SR_MMSG_MAX	64	/* messages of a sendmmsg/recvmmsg whose bytes are summed */
#define SOCK_SEEN_MAX	16384

/* The sockets named lately: inode -> the ports they were named with. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SOCK_SEEN_MAX);
	__type(key, __u64);
	__type(value, __u64);
} sock_seen SEC(".maps");

/* The struct sock behind @f, or NULL when @f is no socket. */
static __always_inline struct sock *file_sock(struct file *f)
{
	struct file *kf;
	struct socket *so;

	if (!f)
		return NULL;
	kf = KPTR(struct file, f);
	if ((kf->f_inode->i_mode & S_IFMT) != S_IFSOCK)
		return NULL;
	so = KPTR(struct socket, kf->private_data);
	return so->sk;
}

/* What tells that a socket's addresses changed: its ports and peer. */
static __always_inline __u64 sock_sig(struct sock *sk)
{
	struct sock_common *c = &KPTR(struct sock, sk)->__sk_common;

	return (__u64)c->skc_num | (__u64)c->skc_dport << 16 | (__u64)c->skc_daddr << 32;
}

static __always_inline void addr_zero(struct sr_addr *a)
{
	a->family = 0;
	a->port = 0;
	a->scope = 0;
	a->addr[0] = a->addr[1] = 0;
}

/* An IPv6 address of the kernel's, as its 16 bytes in memory. */
static __always_inline void addr_v6(struct sr_addr *a, struct in6_addr *in)
{
	__u32 *w = (__u32 *)a->addr;

	w[0] = in->in6_u.u6_addr32[0];
	w[1] = in->in6_u.u6_addr32[1];
	w[2] = in->in6_u.u6_addr32[2];
	w[3] = in->in6_u.u6_addr32[3];
}

/*
 * A unix socket's name at @off: a path, or an abstract name with '@' for
 * its leading NUL as ss and /proc/net/unix show it.
 */
static __always_inline __u32 put_unix_name(__u8 *rec, __u32 off, struct unix_address *ua,
					   struct sr_str *ref)
{
	const char *sun;
	int len;
	long n;

	ref->off = off;
	ref->len = 0;
	if (!ua || off > EV_FIXED_MAX + UNIX_PATH_MAX + 8)
		return off;
	len = ua->len - 2;	/* less sun_family */
	if (len <= 0)
		return off;
	if (len > UNIX_PATH_MAX)
		len = UNIX_PATH_MAX;
	sun = ua->name[0].sun_path;
	if (bpf_probe_read_kernel(&rec[off], 1, sun))
		return off;
	if (rec[off]) {
		n = bpf_probe_read_kernel_str(&rec[off], UNIX_PATH_MAX + 1, sun);
		if (n <= 0)
			return off;
		ref->len = n - 1;
		return off + n;
	}
	if (bpf_probe_read_kernel(&rec[off], len & 127, sun))
		return off;
	rec[off] = '@';
	rec[(off + len) & 1023] = 0;
	ref->len = len;
	return off + len + 1;
}

/*
 * A sock record for descriptor @fd, the socket behind file @f: what
 * the kernel holds of it now.  Remembered in sock_seen.
 */
static __noinline int emit_sock(void *ctx, struct task_struct *task, int fd, struct file *f,
				__u64 now)
{
	struct sock *sk = file_sock(f);
	struct sock_common *c;
	struct sr_ev_sock *e;
	struct out o;
	__u8 *rec;
	__u64 sig;
	__u32 off;
	__u16 fam;

	if (!sk)
		return 0;
	sk = KPTR(struct sock, sk);
	c = &sk->__sk_common;
	sig = sock_sig(sk);
	e = out_begin(&o);
	if (!e)
		return 0;
	rec = (void *)e;
	hdr_fill(&e->h, SR_EV_SOCK, task, now);
	fam = c->skc_family;
	e->fd = fd;
	e->type = sk->sk_type;
	e->protocol = sk->sk_protocol;
	file_id(f, &e->dev, &e->ino);
	e->peer_ino = 0;
	addr_zero(&e->local);
	addr_zero(&e->peer);
	e->local.family = fam;
	off = sizeof(*e);
	e->lpath.off = e->ppath.off = off;
	e->lpath.len = e->ppath.len = 0;
	if (fam == AF_INET) {
		*(__u32 *)e->local.addr = c->skc_rcv_saddr;
		e->local.port = c->skc_num;
		if (c->skc_dport) {
			e->peer.family = fam;
			*(__u32 *)e->peer.addr = c->skc_daddr;
			e->peer.port = bpf_ntohs(c->skc_dport);
		}
	} else if (fam == AF_INET6) {
		addr_v6(&e->local, &c->skc_v6_rcv_saddr);
		e->local.port = c->skc_num;
		if (c->skc_dport) {
			e->peer.family = fam;
			addr_v6(&e->peer, &c->skc_v6_daddr);
			e->peer.port = bpf_ntohs(c->skc_dport);
			e->peer.scope = c->skc_bound_dev_if;
		}
	} else if (fam == AF_UNIX) {
		struct unix_sock *us = KPTR(struct unix_sock, sk);
		struct sock *peer = us->peer;

		off = put_unix_name(rec, off, us->addr, &e->lpath);
		if (peer) {
			struct unix_sock *pu = KPTR(struct unix_sock, peer);

			e->peer.family = fam;
			e->peer_ino = KPTR(struct socket_alloc, pu->sk.sk_socket)->vfs_inode.i_ino;
			off = put_unix_name(rec, off, pu->addr, &e->ppath);
		} else {
			e->ppath.off = off;
		}
	} else if (fam == AF_NETLINK) {
		struct netlink_sock *nl = KPTR(struct netlink_sock, sk);

		e->local.scope = nl->portid;
		if (nl->dst_portid) {
			e->peer.family = fam;
			e->peer.scope = nl->dst_portid;
		}
	}
	out_end(ctx, &o, off);
	if (e->ino)
		bpf_map_update_elem(&sock_seen, &e->ino, &sig, BPF_ANY);
	return 0;
}

/* A sock record for @fd when it is a socket not named since its ports changed. */
static __always_inline void sock_check(void *ctx, struct task_struct *task, int fd,
				       struct file *f, __u64 ino, __u64 now)
{
	struct sock *sk = file_sock(f);
	__u64 *seen, sig;

	if (!sk)
		return;
	sig = sock_sig(sk);
	seen = bpf_map_lookup_elem(&sock_seen, &ino);
	if (seen && *seen == sig)
		return;
	emit_sock(ctx, task, fd, f, now);
}

/* A socket address from user memory (@len bytes at @ua), or none. */
static __always_inline void addr_user(struct sr_addr *a, const void *ua, __u32 len)
{
	struct sockaddr_in6 sa = {};

	if (!ua || len < 2)
		return;
	if (bpf_probe_read_user(&sa, sizeof(sa), ua) &&
	    bpf_probe_read_user(&sa, sizeof(struct sockaddr_in), ua))
		return;
	a->family = sa.sin6_family;
	if (sa.sin6_family == AF_INET) {
		struct sockaddr_in *in = (void *)&sa;

		a->port = bpf_ntohs(in->sin_port);
		*(__u32 *)a->addr = in->sin_addr.s_addr;
	} else if (sa.sin6_family == AF_INET6 && len >= sizeof(sa)) {
		a->port = bpf_ntohs(sa.sin6_port);
		a->scope = sa.sin6_scope_id;
		__builtin_memcpy(a->addr, &sa.sin6_addr, 16);
	}
}

/* The bytes an iovec array asks for: its first SR_IOV_MAX entries. */
static __always_inline __u64 iov_sum(const struct iovec *uiov, __u64 cnt)
{
	__u64 sum = 0;

	for (__u32 i = 0; i < SR_IOV_MAX && i < cnt; i++) {
		struct iovec iov;

		if (bpf_probe_read_user(&iov, sizeof(iov), &uiov[i]))
			break;
		sum += iov.iov_len;
	}
	return sum;
}

/*
 * Every net syscall, its arguments in the kernel's order.  The table
 * (format/syscalls.c) says where the fd is; the build checks it here.
 */
_Static_assert(SR_NSYS_NET == 15, "emit_net: socket, socketpair, bind, listen, connect, accept, "
	       "accept4, shutdown, getsockopt, sendto, recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg");
_Static_assert(SR_FD_ARG_bind == 0 && SR_FD_ARG_listen == 0 && SR_FD_ARG_connect == 0 &&
	       SR_FD_ARG_accept == 0 && SR_FD_ARG_accept4 == 0 && SR_FD_ARG_shutdown == 0 &&
	       SR_FD_ARG_getsockopt == 0 && SR_FD_ARG_sendto == 0 && SR_FD_ARG_recvfrom == 0 &&
	       SR_FD_ARG_sendmsg == 0 && SR_FD_ARG_recvmsg == 0 && SR_FD_ARG_sendmmsg == 0 &&
	       SR_FD_ARG_recvmmsg == 0, "emit_net: the socket is the first argument");

static __noinline int emit_net(void *ctx, struct task_struct *task, struct pending *p,
			       long ret, __u64 now)
{
	int fd = p->args[0], fd2 = -1, sv[2] = { -1, -1 };
	__u8 name = 0, check = 0;
	struct sr_addr a = {};
	struct sr_ev_net *e;
	struct file *f, *f2;
	__u64 count = 0, bytes = 0, dev, ino;

	__u32 flags = 0, arg = 0;
	struct out o;

	switch (p->nr) {
	case SR_NR_socket:		/* socket(domain, type, protocol) */
		fd = ret;
		arg = p->args[0];
		flags = p->args[1];
		count = p->args[2];
		name = ret >= 0;
		break;
	case SR_NR_socketpair:		/* socketpair(domain, type, protocol, sv) */
		arg = p->args[0];
		flags = p->args[1];
		count = p->args[2];
		if (!ret)
			bpf_probe_read_user(sv, sizeof(sv), (void *)p->args[3]);
		fd = sv[0];
		fd2 = sv[1];
		name = !ret;
		break;
	case SR_NR_bind:		/* bind(fd, addr, len) */
	case SR_NR_connect:		/* connect(fd, addr, len) */
		addr_user(&a, (void *)p->args[1], p->args[2]);
		name = !ret || (p->nr == SR_NR_connect && ret == -EINPROGRESS);
		break;
	case SR_NR_listen:		/* listen(fd, backlog): named again only if it bound a port */
		count = p->args[1];
		check = !ret;
		break;
	case SR_NR_accept4:		/* accept4(fd, addr, addrlen, flags) */
		flags = p->args[3];
		/* fallthrough */
	case SR_NR_accept:		/* accept(fd, addr, addrlen) */
		if (ret >= 0) {
			fd2 = ret;
			addr_user(&a, (void *)p->args[1], p->args[1] ? 28 : 0);
		}
		break;
	case SR_NR_shutdown:		/* shutdown(fd, how) */
		count = p->args[1];
		break;
	case SR_NR_getsockopt:		/* getsockopt(fd, level, optname, optval, optlen) */
		arg = (__u32)p->args[1] << 16 | (p->args[2] & 0xffff);
		/* SOL_SOCKET, SO_ERROR: how a non-blocking connect ended */
		if (!ret && arg == (1 << 16 | 4)) {
			int so_error = 0;

			bpf_probe_read_user(&so_error, sizeof(so_error), (void *)p->args[3]);
			count = so_error;
		}
		check = !ret;
		break;
	case SR_NR_sendto:		/* sendto(fd, buf, len, flags, addr, addrlen) */
	case SR_NR_recvfrom:		/* recvfrom(fd, buf, len, flags, addr, addrlen*) */
		count = p->args[2];
		flags = p->args[3];
		if (ret >= 0) {
			bytes = ret;
			addr_user(&a, (void *)p->args[4], p->args[4] ? 28 : 0);
		}
		check = ret >= 0;
		break;
	case SR_NR_sendmsg:		/* sendmsg(fd, msg, flags) */
	case SR_NR_recvmsg: {		/* recvmsg(fd, msg, flags) */
		struct user_msghdr m = {};

		flags = p->args[2];
		if (!bpf_probe_read_user(&m, sizeof(m), (void *)p->args[1])) {
			count = iov_sum(m.msg_iov, m.msg_iovlen);
			if (ret >= 0)
				addr_user(&a, m.msg_name, m.msg_namelen);
		}
		if (ret >= 0)
			bytes = ret;
		check = ret >= 0;
		break;
	}
	default: {			/* sendmmsg, recvmmsg(fd, msgvec, vlen, flags[, timeout]) */
		struct mmsghdr *mv = (void *)p->args[1];
		struct user_msghdr m = {};

		count = p->args[2];
		flags = p->args[3];
		for (__u32 i = 0; i < SR_MMSG_MAX && i < ret; i++) {
			__u32 len = 0;

			if (bpf_probe_read_user(&len, sizeof(len), &mv[i].msg_len))
				break;
			bytes += len;
		}
		if (ret > 0 && !bpf_probe_read_user(&m, sizeof(m), &mv[0].msg_hdr))
			addr_user(&a, m.msg_name, m.msg_namelen);
		check = ret > 0;
		break;
	}
	}
	f = fd_file(task, fd);
	file_id(f, &dev, &ino);
	if (name)
		emit_sock(ctx, task, fd, f, now);
	else if (check)
		sock_check(ctx, task, fd, f, ino, now);
	if (fd2 >= 0) {
		f2 = fd_file(task, fd2);
		emit_sock(ctx, task, fd2, f2, now);
	}
	e = sys_begin_out(&o, SR_EV_NET, task, p, ret, now);
	if (!e)
		return 0;
	e->fd = fd;
	e->fd2 = fd2;
	e->count = count;
	e->bytes = bytes;
	e->flags = flags;
	e->arg = arg;
	e->dev = dev;
	e->ino = ino;
	e->addr = a;
	if (!f)
		e->h.flags |= SR_F_NO_FILE;
	out_end(ctx, &o, sizeof(*e));
	return 0;
}

/* pipe(fds), pipe2(fds, flags): both ends, at exit. */
static __noinline int emit_pipe(void *ctx, struct task_struct *task, struct pending *p,
				long ret, __u64 now)
{
	int fds[2] = { -1, -1 };
	struct sr_ev_pipe *e;
	struct out o;

	_Static_assert(SR_NSYS_PIPE == 2, "emit_pipe: pipe, pipe2");
	if (!ret && bpf_probe_read_user(fds, sizeof(fds), (void *)p->args[0]))
		fds[0] = fds[1] = -1;
	e = sys_begin_out(&o, SR_EV_PIPE, task, p, ret, now);
	if (!e)
		return 0;
	e->fds[0] = fds[0];
	e->fds[1] = fds[1];
	e->flags = p->nr == SR_NR_pipe2 ? p->args[1] : 0;
	e->_pad = 0;
	file_id(fd_file(task, fds[0]), &e->dev, &e->ino);
	out_end(ctx, &o, sizeof(*e));
	return 0;
}

/* The fd-to-fd moves: the table's fd is the output, as emit_xfer reads it. */
_Static_assert(SR_NSYS_XFER == 5, "emit_xfer: sendfile, splice, tee, vmsplice, copy_file_range");
_Static_assert(SR_FD_ARG_sendfile == 0 && SR_FD_ARG_splice == 2 && SR_FD_ARG_tee == 1 &&
	       SR_FD_ARG_copy_file_range == 2 && SR_FD_ARG_vmsplice == 0,
	       "emit_xfer: the output fd is not where it looks");

static __noinline int emit_xfer(void *ctx, struct task_struct *task, struct pending *p,
				long ret, __u64 now)
{
	struct sr_ev_xfer *e;
	struct out o;
	int in_fd = -1, out_fd = -1;
	__u64 count = 0;
	__u32 flags = 0;

	switch (p->nr) {
	case SR_NR_sendfile:		/* sendfile(out, in, offset*, count) */
		out_fd = p->args[0];
		in_fd = p->args[1];
		count = p->args[3];
		break;
	case SR_NR_tee:			/* tee(in, out, len, flags) */
		in_fd = p->args[0];
		out_fd = p->args[1];
		count = p->args[2];
		flags = p->args[3];
		break;
	case SR_NR_vmsplice: {		/* vmsplice(fd, iov, nr_segs, flags) */
		struct file *f = fd_file(task, p->args[0]);

		if (f && (KPTR(struct file, f)->f_mode & FMODE_WRITE))
			out_fd = p->args[0];
		else
			in_fd = p->args[0];
		count = iov_sum((void *)p->args[1], p->args[2]);
		flags = p->args[3];
		break;
	}
	default:	/* splice, copy_file_range(in, off_in*, out, off_out*, len, flags) */
		in_fd = p->args[0];
		out_fd = p->args[2];
		count = p->args[4];
		flags = p->args[5];
		break;
	}
	e = sys_begin_out(&o, SR_EV_XFER, task, p, ret, now);
	if (!e)
		return 0;
	e->in_fd = in_fd;
	e->out_fd = out_fd;
	e->count = count;
	e->flags = flags;
	e->_pad = 0;
	file_id(fd_file(task, in_fd), &e->in_dev, &e->in_ino);
	file_id(fd_file(task, out_fd), &e->out_dev, &e->out_ino);
	out_end(ctx, &o, sizeof(*e));
	return 0;
}

#endif /* SYSREC_NET_BPF_H */
