// SPDX-License-Identifier: GPL-2.0-only
/*
 * netsnap.c - the sockets open when a file begins, named as the kernel's
 * tables in /proc/PID/net (tcp, tcp6, udp, udp6, unix) show them, so that
 * a socket the snapshot finds gets a sock record as one made during the
 * recording does.  The tables are those of the process's network
 * namespace, read once per namespace met (a snapshot walks processes of
 * the same namespace in a row, so one is kept).  What the tables do not
 * hold (a unix socket's peer, netlink) leaves the socket "socket:[INO]".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "record.h"

struct ns_sock {
	uint64_t ino;
	struct sr_addr local, peer;
	uint16_t type, protocol;
	char *path;		/* unix: its name ("@..." abstract), or NULL */
};

struct sr_netsnap {
	uint64_t netns;		/* the namespace the table is of; 0: none read */
	struct ns_sock *s;
	size_t n, cap;
};

struct sr_netsnap *sr_netsnap__new(void)
{
	return calloc(1, sizeof(struct sr_netsnap));
}

static void clear(struct sr_netsnap *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->s[i].path);
	ns->n = 0;
}

void sr_netsnap__free(struct sr_netsnap *ns)
{
	if (!ns)
		return;
	clear(ns);
	free(ns->s);
	free(ns);
}

static struct ns_sock *add(struct sr_netsnap *ns)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 64;
		struct ns_sock *s = realloc(ns->s, cap * sizeof(*s));

		if (!s)
			return NULL;
		ns->s = s;
		ns->cap = cap;
	}
	memset(&ns->s[ns->n], 0, sizeof(ns->s[0]));
	return &ns->s[ns->n++];
}

/* "0100007F:1F90": the address as the kernel printed its words, then the port. */
static int parse_addr(const char *hex, unsigned int port, int family, struct sr_addr *a)
{
	size_t words = family == AF_INET ? 1 : 4;
	uint32_t w[4] = { 0 };

	if (strlen(hex) != words * 8)
		return -EINVAL;
	for (size_t i = 0; i < words; i++) {
		char part[9];

		memcpy(part, hex + 8 * i, 8);
		part[8] = 0;
		w[i] = (uint32_t)strtoul(part, NULL, 16);
	}
	a->family = (uint16_t)family;
	a->port = (uint16_t)port;
	memcpy(a->addr, w, words * 4);
	return 0;
}

/* One of /proc/PID/net/{tcp,tcp6,udp,udp6}. */
static void read_inet(struct sr_netsnap *ns, uint32_t pid, const char *table, int family,
		      uint16_t type, uint16_t protocol)
{
	char path[64], line[512], lhex[40], rhex[40];
	unsigned int lport, rport, st;
	unsigned long long ino;
	struct ns_sock *s;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/net/%s", pid, table);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*u: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %*s %*s %*s %*u %*u %llu",
			   lhex, &lport, rhex, &rport, &st, &ino) != 6 || !ino)
			continue;
		s = add(ns);
		if (!s)
			break;
		s->ino = ino;
		s->type = type;
		s->protocol = protocol;
		if (parse_addr(lhex, lport, family, &s->local) ||
		    (rport && parse_addr(rhex, rport, family, &s->peer)))
			ns->n--;
	}
	fclose(f);
}

/* /proc/PID/net/unix: Num RefCount Protocol Flags Type St Inode [Path] */
static void read_unix(struct sr_netsnap *ns, uint32_t pid)
{
	char path[64], line[512], name[256];
	unsigned int type;
	unsigned long long ino;
	struct ns_sock *s;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%u/net/unix", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		name[0] = 0;
		n = sscanf(line, "%*s %*x %*x %*x %x %*x %llu %255s", &type, &ino, name);
		if (n < 2 || !ino)
			continue;
		s = add(ns);
		if (!s)
			break;
		s->ino = ino;
		s->type = (uint16_t)type;
		s->local.family = AF_UNIX;
		if (n == 3 && name[0]) {
			s->path = strdup(name);
			if (!s->path)
				ns->n--;
		}
	}
	fclose(f);
}

/* The tables of @pid's namespace, unless they are those read last. */
static void load(struct sr_netsnap *ns, uint32_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%u/ns/net", pid);
	if (stat(path, &st) || (uint64_t)st.st_ino == ns->netns)
		return;
	clear(ns);
	ns->netns = st.st_ino;
	read_inet(ns, pid, "tcp", AF_INET, SOCK_STREAM, 6);
	read_inet(ns, pid, "tcp6", AF_INET6, SOCK_STREAM, 6);
	read_inet(ns, pid, "udp", AF_INET, SOCK_DGRAM, 17);
	read_inet(ns, pid, "udp6", AF_INET6, SOCK_DGRAM, 17);
	read_unix(ns, pid);
}

size_t sr_netsnap__sock(struct sr_netsnap *ns, uint32_t pid, uint64_t ino, uint8_t *rec)
{
	struct sr_ev_sock *e = (void *)rec;
	const struct ns_sock *s = NULL;
	size_t off = sizeof(*e), len;

	if (!ns)
		return 0;
	load(ns, pid);
	for (size_t i = 0; i < ns->n && !s; i++)
		if (ns->s[i].ino == ino)
			s = &ns->s[i];
	if (!s)
		return 0;
	e->type = s->type;
	e->protocol = s->protocol;
	e->ino = ino;
	e->peer_ino = 0;
	e->local = s->local;
	e->peer = s->peer;
	e->lpath.off = e->ppath.off = (uint16_t)off;
	e->lpath.len = e->ppath.len = 0;
	if (s->path) {
		len = strlen(s->path);
		memcpy(rec + off, s->path, len + 1);
		e->lpath.len = (uint16_t)len;
		off += len + 1;
		e->ppath.off = (uint16_t)off;
	}
	return off;
}
