// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_net.c - the net class, pipes and fd-to-fd moves: sockets named by
 * their sock records ("tcp 127.0.0.1:5432->127.0.0.1:40000" becomes the
 * file's name, so --top-io --by file shows it), pipes as pipe:[INO], the
 * bytes of sendfile/splice/tee/copy_file_range on both sides, and per
 * remote endpoint and process the connects, accepts, bytes, errors and
 * connect latencies that --net reads (tables net_stats, net_errors,
 * net_connects, written as the recording ends).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "import.h"

#define SO_ERROR_	4
#define SOL_SOCKET_	1
#define EINPROGRESS_	115
#define SOCK_CLOEXEC_	02000000

enum { NK_OTHER, NK_SOCKET, NK_SOCKETPAIR, NK_CONNECT, NK_ACCEPT, NK_GETSOCKOPT };

uint8_t net_kind(const char *name)
{
	if (!strcmp(name, "socket"))
		return NK_SOCKET;
	if (!strcmp(name, "socketpair"))
		return NK_SOCKETPAIR;
	if (!strcmp(name, "connect"))
		return NK_CONNECT;
	if (!strcmp(name, "accept") || !strcmp(name, "accept4"))
		return NK_ACCEPT;
	if (!strcmp(name, "getsockopt"))
		return NK_GETSOCKOPT;
	return NK_OTHER;
}

/* The endpoint row of (@proc, @name), made when missing; NONE past the budget. */
static uint32_t ep_get(struct an_imp *im, uint32_t proc, const char *name, size_t len)
{
	uint64_t h = sr_hash_bytes(name, len);
	uint32_t i = sr_map__get(&im->ep_map, h, len, proc);
	struct an_ep *e;

	if (i != NONE)
		return i;
	if (im->neps + 1 >= NONE ||
	    sr_grow_mem(&im->mem, &im->eps, &im->capeps, im->neps + 1, sizeof(*im->eps)))
		return NONE;
	e = &im->eps[im->neps];
	memset(e, 0, sizeof(*e));
	e->proc = proc;
	e->name = imp_memdup0(im, name, len);
	e->len = len;
	if (!e->name || sr_map__set(&im->ep_map, h, len, proc, (uint32_t)im->neps))
		return NONE;
	return (uint32_t)im->neps++;
}

/* The socket of @file, or NULL. */
static struct an_sock *sock_of(struct an_imp *im, uint32_t file)
{
	if (file >= im->nfiles || !im->files[file].sock)
		return NULL;
	return &im->socks[im->files[file].sock - 1];
}

/* A name of a file (the socket's, a pipe's), in place of what it had. */
static void file_rename(struct an_imp *im, uint32_t i, const char *s, size_t len)
{
	struct an_file *f = &im->files[i];

	if (f->path && f->path_len == len && !memcmp(f->path, s, len))
		return;
	imp_free_str(im, f->path, f->path_len);
	f->path = imp_memdup0(im, s, len);
	f->path_len = f->path ? len : 0;
}

int import_sock(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_sock *e = (const void *)ev;
	char name[320], ep[320];
	size_t n = sr_sock_name(e, name, sizeof(name));
	size_t m = sr_sock_endpoint(e, NULL, ep, sizeof(ep));
	uint32_t file = file_get(im, e->dev, e->ino, NULL, 0);
	struct an_sock *k;
	struct sr_fd *fd;

	(void)s;
	(void)sys;
	if (file == NONE)
		return -ENOMEM;
	file_rename(im, file, name, n);
	k = sock_of(im, file);
	if (!k) {
		if (sr_grow_mem(&im->mem, &im->socks, &im->capsocks, im->nsocks + 1,
				sizeof(*im->socks)))
			return -ENOMEM;
		k = &im->socks[im->nsocks++];
		memset(k, 0, sizeof(*k));
		im->files[file].sock = (uint32_t)im->nsocks;
	}
	snprintf(k->proto, sizeof(k->proto), "%s", sr_sock_proto(e));
	k->inet = e->local.family == AF_INET || e->local.family == AF_INET6;
	k->has_peer = e->peer.family != 0;
	imp_free_str(im, k->ep, k->ep_len);
	k->ep = m ? imp_memdup0(im, ep, m) : NULL;
	k->ep_len = k->ep ? m : 0;
	/* the descriptor it was read through refers to it (made, accepted, inherited) */
	fd = sr_fdtrack__find(&im->fdt, proc, e->fd);
	if ((!fd || fd->file != file) &&
	    sr_fdtrack__assign(&im->fdt, proc, e->fd, file, 0, SR_FD_OPEN, (int64_t)ev->ts))
		return -ENOMEM;
	return 0;
}

static void mark_cloexec(struct an_imp *im, uint32_t proc, int32_t fd)
{
	struct sr_fd *f = fd >= 0 ? sr_fdtrack__find(&im->fdt, proc, fd) : NULL;

	if (f)
		f->cloexec = 1;
}

/* The endpoint of an I/O on socket @k with the datagram address @a (or none). */
static uint32_t ep_of(struct an_imp *im, uint32_t proc, const struct an_sock *k,
		      const struct sr_addr *a)
{
	char buf[96], addr[64];
	int n;

	if (k->inet && !k->has_peer && a && sr_addr_str(a, addr, sizeof(addr))) {
		n = snprintf(buf, sizeof(buf), "%s %s", k->proto, addr);
		return ep_get(im, proc, buf, (size_t)n);
	}
	if (!k->ep)
		return NONE;
	return ep_get(im, proc, k->ep, k->ep_len);
}

static int ep_error(struct an_imp *im, uint32_t ep, int err)
{
	uint32_t i;

	if (ep == NONE)
		return 0;
	im->eps[ep].errors++;
	i = sr_map__get(&im->eperr_map, ep, (uint64_t)err, 0);
	if (i == NONE) {
		if (sr_grow_mem(&im->mem, &im->eperrs, &im->capeperrs, im->neperrs + 1,
				sizeof(*im->eperrs)) ||
		    sr_map__set(&im->eperr_map, ep, (uint64_t)err, 0, (uint32_t)im->neperrs))
			return -ENOMEM;
		i = (uint32_t)im->neperrs++;
		im->eperrs[i].ep = ep;
		im->eperrs[i].err = err;
		im->eperrs[i].n = 0;
	}
	im->eperrs[i].n++;
	return 0;
}

static int connect_row(struct an_imp *im, uint32_t ep, int64_t ts, int64_t dur, int64_t ret)
{
	sqlite3_stmt *st = im->ins_netconn;

	if (ep == NONE)
		return 0;
	sqlite3_bind_int64(st, 1, im->rec_id);
	sqlite3_bind_int64(st, 2, im->proc_base + im->eps[ep].proc);
	sqlite3_bind_text(st, 3, im->eps[ep].name, (int)im->eps[ep].len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ts);
	sqlite3_bind_int64(st, 5, dur);
	sqlite3_bind_int64(st, 6, ret);
	return step_reset(im, st) ? -EIO : 0;
}

/*
 * A non-blocking connect ends where its socket is first used: a successful
 * I/O, or getsockopt(SO_ERROR) saying how it went (@so_error, -1 for an I/O).
 */
static int connect_done(struct an_imp *im, struct an_sock *k, int64_t ts, int64_t so_error)
{
	int err = 0;

	if (!k->conn_pending)
		return 0;
	k->conn_pending = 0;
	if (so_error > 0)
		err = ep_error(im, k->conn_ep, (int)so_error);
	if (!err)
		err = connect_row(im, k->conn_ep, k->conn_start, ts - k->conn_start,
				  so_error > 0 ? -so_error : 0);
	return err;
}

int net_io(struct an_imp *im, const struct sr_event *ev, uint32_t proc, uint32_t file,
	   int dir, int64_t ret, uint64_t bytes, const struct sr_addr *a)
{
	struct an_sock *k = sock_of(im, file);
	const struct sr_sys *s = (const void *)(ev + 1);
	uint32_t ep;

	if (!k)
		return 0;
	if (ret >= 0 && connect_done(im, k, (int64_t)ev->ts - (int64_t)s->dur_ns, -1))
		return -ENOMEM;
	/* bind, listen, shutdown: only their failures count, at the socket's own endpoint */
	if (dir == RW_NONE && !is_err(ret))
		return 0;
	ep = ep_of(im, proc, k, dir == RW_NONE ? NULL : a);
	if (ep == NONE)
		return 0;
	if (is_err(ret))
		return ep_error(im, ep, (int)-ret);
	if (dir == RW_WRITE) {
		im->eps[ep].sends++;
		im->eps[ep].sent += bytes;
	} else if (dir == RW_READ) {
		im->eps[ep].recvs++;
		im->eps[ep].recvd += bytes;
	}
	return 0;
}

int import_net(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
	       const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_net *e = (const void *)ev;
	struct ev_row x = { .fd = e->fd, .has_len = 1, .len = e->count };
	uint8_t kind = sys != NONE ? im->sys[sys].net : NK_OTHER;
	uint8_t dir = sys != NONE ? im->sys[sys].rw : RW_NONE;
	int64_t start = (int64_t)ev->ts - (int64_t)sr_clamp_u64(s->dur_ns, SR_DUR_MAX);
	struct an_sock *k;
	uint32_t ep = NONE;
	int err = 0;

	x.file = file_of_fd(im, proc, e->fd, e->dev, e->ino);
	if (x.fd < 0)
		x.fd = -1;
	if (e->fd2 >= 0) {
		x.has_arg = 1;
		x.arg = e->fd2;
	}
	k = sock_of(im, x.file);
	if (dir != RW_NONE && s->ret >= 0) {
		x.io = dir;
		x.io_bytes = e->bytes;
	}
	switch (kind) {
	case NK_CONNECT:
		if (!k)
			break;
		/* an IP socket's: the address asked for (a failed connect has no peer) */
		if (k->inet) {
			char buf[96], addr[64];

			if (sr_addr_str(&e->addr, addr, sizeof(addr)))
				ep = ep_get(im, proc, buf,
					    (size_t)snprintf(buf, sizeof(buf), "%s %s", k->proto, addr));
		} else {
			ep = ep_of(im, proc, k, NULL);
		}
		if (ep == NONE)
			break;
		im->eps[ep].connects++;
		if (s->ret == -EINPROGRESS_) {
			k->conn_pending = 1;
			k->conn_start = start;
			k->conn_ep = ep;
		} else {
			if (is_err(s->ret))
				err = ep_error(im, ep, (int)-s->ret);
			if (!err)
				err = connect_row(im, ep, start, (int64_t)sr_clamp_u64(s->dur_ns, SR_DUR_MAX),
						  s->ret);
		}
		break;
	case NK_ACCEPT: {
		struct sr_fd *nf = e->fd2 >= 0 ? sr_fdtrack__find(&im->fdt, proc, e->fd2) : NULL;
		struct an_sock *nk = nf ? sock_of(im, nf->file) : NULL;

		if (nf && (e->flags & SOCK_CLOEXEC_))	/* accept4 */
			nf->cloexec = 1;
		if (nk && (ep = ep_of(im, proc, nk, NULL)) != NONE)
			im->eps[ep].accepts++;
		else if (is_err(s->ret) && k)
			err = ep_error(im, ep_of(im, proc, k, NULL), (int)-s->ret);
		break;
	}
	case NK_GETSOCKOPT:
		if (k && s->ret == 0 && e->arg == (SOL_SOCKET_ << 16 | SO_ERROR_))
			err = connect_done(im, k, start, (int64_t)e->count);
		break;
	case NK_SOCKET:
	case NK_SOCKETPAIR:
		/* the sock records named the descriptors; SOCK_CLOEXEC is O_CLOEXEC */
		if (s->ret >= 0 && (e->flags & SOCK_CLOEXEC_)) {
			mark_cloexec(im, proc, e->fd);
			mark_cloexec(im, proc, e->fd2);
		}
		break;
	default:
		if (k)
			err = net_io(im, ev, proc, x.file, dir, s->ret, e->bytes, &e->addr);
		break;
	}
	if (err)
		return err;
	return insert_event(im, ev, proc, s, sys, &x);
}

int import_pipe(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_pipe *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE };
	char name[48];
	int n;

	if (s->ret == 0 && (e->dev || e->ino)) {
		n = snprintf(name, sizeof(name), "pipe:[%" PRIu64 "]", (uint64_t)e->ino);
		x.file = file_get(im, e->dev, e->ino, NULL, 0);
		if (x.file == NONE)
			return -ENOMEM;
		file_rename(im, x.file, name, (size_t)n);
		x.fd = e->fds[0];
		for (int i = 0; i < 2; i++)
			if (sr_fdtrack__assign(&im->fdt, proc, e->fds[i], x.file,
					       !!(e->flags & 02000000), SR_FD_OPEN, (int64_t)ev->ts))
				return -ENOMEM;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

int import_xfer(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_xfer *e = (const void *)ev;
	struct ev_row x = { .fd = e->out_fd, .has_len = 1, .len = e->count };
	uint32_t in = NONE;
	uint64_t bytes = s->ret > 0 ? (uint64_t)s->ret : 0;

	/* the row is the output's; the input's read is added to its own file */
	x.file = e->out_fd >= 0 ? file_of_fd(im, proc, e->out_fd, e->out_dev, e->out_ino) : NONE;
	if (e->in_fd >= 0)
		in = file_of_fd(im, proc, e->in_fd, e->in_dev, e->in_ino);
	if (e->out_fd < 0) {	/* vmsplice from a pipe: only a read */
		x.fd = e->in_fd;
		x.file = in;
		in = NONE;
		if (s->ret >= 0) {
			x.io = RW_READ;
			x.io_bytes = bytes;
		}
	} else if (s->ret >= 0) {
		x.io = RW_WRITE;
		x.io_bytes = bytes;
	}
	if (e->in_fd >= 0 && e->out_fd >= 0) {
		x.has_arg = 1;
		x.arg = e->in_fd;
	}
	if (s->ret >= 0 && in != NONE) {
		if (agg_io(im, ev, proc, in, RW_READ, bytes) ||
		    net_io(im, ev, proc, in, RW_READ, s->ret, bytes, NULL))
			return -ENOMEM;
	}
	if (x.file != NONE && net_io(im, ev, proc, x.file, x.io, s->ret, bytes, NULL))
		return -ENOMEM;
	return insert_event(im, ev, proc, s, sys, &x);
}

/* The recording's endpoints into net_stats and net_errors, then forgotten. */
int net_end(struct an_imp *im)
{
	sqlite3_stmt *st = im->ins_netstat, *se = im->ins_neterr;
	int err = 0;

	for (size_t i = 0; i < im->neps && !err; i++) {
		const struct an_ep *e = &im->eps[i];

		sqlite3_bind_int64(st, 1, im->rec_id);
		sqlite3_bind_int64(st, 2, im->proc_base + e->proc);
		sqlite3_bind_text(st, 3, e->name, (int)e->len, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (int64_t)e->connects);
		sqlite3_bind_int64(st, 5, (int64_t)e->accepts);
		sqlite3_bind_int64(st, 6, (int64_t)e->sends);
		sqlite3_bind_int64(st, 7, (int64_t)e->recvs);
		sqlite3_bind_int64(st, 8, (int64_t)(e->sent & INT64_MAX));
		sqlite3_bind_int64(st, 9, (int64_t)(e->recvd & INT64_MAX));
		sqlite3_bind_int64(st, 10, (int64_t)e->errors);
		err = step_reset(im, st);
	}
	for (size_t i = 0; i < im->neperrs && !err; i++) {
		const struct an_eperr *r = &im->eperrs[i];
		const struct an_ep *e = &im->eps[r->ep];

		sqlite3_bind_int64(se, 1, im->rec_id);
		sqlite3_bind_int64(se, 2, im->proc_base + e->proc);
		sqlite3_bind_text(se, 3, e->name, (int)e->len, SQLITE_STATIC);
		sqlite3_bind_int64(se, 4, r->err);
		sqlite3_bind_int64(se, 5, (int64_t)r->n);
		err = step_reset(im, se);
	}
	net_reset(im);
	return err;
}

void net_reset(struct an_imp *im)
{
	for (size_t i = 0; i < im->neps; i++)
		imp_free_str(im, im->eps[i].name, im->eps[i].len);
	for (size_t i = 0; i < im->nsocks; i++)
		imp_free_str(im, im->socks[i].ep, im->socks[i].ep_len);
	sr_mem__give(&im->mem, im->capeps * sizeof(*im->eps) + im->capsocks * sizeof(*im->socks) +
		     im->capeperrs * sizeof(*im->eperrs));
	free(im->eps);
	free(im->socks);
	free(im->eperrs);
	im->eps = NULL;
	im->socks = NULL;
	im->eperrs = NULL;
	im->neps = im->capeps = im->nsocks = im->capsocks = im->neperrs = im->capeperrs = 0;
	sr_map__clear(&im->ep_map);
	sr_map__clear(&im->eperr_map);
}
