// SPDX-License-Identifier: GPL-2.0-only
/*
 * sockname.c - a socket's name from its sock record, the one way dump and
 * analyze write it: "tcp 127.0.0.1:5432->127.0.0.1:40000" (local first),
 * "udp [::1]:53", "unix /run/x.sock", "unix @abstract",
 * "unix socketpair:[INO]" (the peer's inode), "netlink route".
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "sysrec/format.h"

static const char *inet_proto(const struct sr_ev_sock *e)
{
	switch (e->protocol) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 136:
		return "udplite";
	case 132:
		return "sctp";
	case 1:
	case 58:
		return "icmp";
	}
	if (e->type == SOCK_STREAM)
		return "tcp";
	if (e->type == SOCK_DGRAM)
		return "udp";
	return e->type == SOCK_RAW ? "raw" : "ip";
}

const char *sr_sock_proto(const struct sr_ev_sock *e)
{
	switch (e->local.family) {
	case AF_INET:
	case AF_INET6:
		return inet_proto(e);
	case AF_UNIX:
		return "unix";
	case AF_NETLINK:
		return "netlink";
	}
	return "socket";
}

size_t sr_addr_str(const struct sr_addr *a, char *buf, size_t n)
{
	char ip[INET6_ADDRSTRLEN];
	int len;

	if (!n)
		return 0;
	buf[0] = 0;
	if (a->family == AF_INET && inet_ntop(AF_INET, a->addr, ip, sizeof(ip)))
		len = snprintf(buf, n, "%s:%u", ip, a->port);
	else if (a->family == AF_INET6 && inet_ntop(AF_INET6, a->addr, ip, sizeof(ip)))
		len = snprintf(buf, n, "[%s]:%u", ip, a->port);
	else
		return 0;
	return len < 0 ? 0 : (size_t)len >= n ? n - 1 : (size_t)len;
}

/* A unix name of the record, printable: its bytes up to a NUL. */
static int unix_name(const struct sr_ev_sock *e, struct sr_str ref, const char **s, size_t *len)
{
	if (sr_event__str(&e->h, ref, s, len) || !*len)
		return 0;
	*len = strnlen(*s, *len);
	return *len > 0;
}

static const char *netlink_name(unsigned int proto)
{
	static const char *const names[] = {
		[0] = "route", [4] = "sock_diag", [9] = "audit", [10] = "fib_lookup",
		[15] = "kobject_uevent", [16] = "generic",
	};

	return proto < sizeof(names) / sizeof(names[0]) ? names[proto] : NULL;
}

/* The unix part after "unix ": the socket's name, else the peer's, else the inodes. */
static size_t unix_str(const struct sr_ev_sock *e, char *buf, size_t n)
{
	const char *s;
	size_t len;
	int r;

	if (unix_name(e, e->lpath, &s, &len) || unix_name(e, e->ppath, &s, &len))
		r = snprintf(buf, n, "unix %.*s", (int)len, s);
	else if (e->peer_ino)
		r = snprintf(buf, n, "unix socketpair:[%llu]", (unsigned long long)e->peer_ino);
	else
		r = snprintf(buf, n, "unix socket:[%llu]", (unsigned long long)e->ino);
	return r < 0 ? 0 : (size_t)r >= n ? n - 1 : (size_t)r;
}

size_t sr_sock_name(const struct sr_ev_sock *e, char *buf, size_t n)
{
	char l[64], p[64];
	const char *nl;
	int r;

	if (!n)
		return 0;
	switch (e->local.family) {
	case AF_INET:
	case AF_INET6:
		sr_addr_str(&e->local, l, sizeof(l));
		if (sr_addr_str(&e->peer, p, sizeof(p)))
			r = snprintf(buf, n, "%s %s->%s", inet_proto(e), l, p);
		else
			r = snprintf(buf, n, "%s %s", inet_proto(e), l);
		break;
	case AF_UNIX:
		return unix_str(e, buf, n);
	case AF_NETLINK:
		nl = netlink_name(e->protocol);
		r = nl ? snprintf(buf, n, "netlink %s", nl) : snprintf(buf, n, "netlink %u", e->protocol);
		break;
	default:
		r = snprintf(buf, n, "socket:[%llu]", (unsigned long long)e->ino);
		break;
	}
	return r < 0 ? 0 : (size_t)r >= n ? n - 1 : (size_t)r;
}

size_t sr_sock_endpoint(const struct sr_ev_sock *e, const struct sr_addr *a, char *buf, size_t n)
{
	char p[64];
	int r;

	if (!n)
		return 0;
	buf[0] = 0;
	switch (e->local.family) {
	case AF_INET:
	case AF_INET6:
		if (!a || (a->family != AF_INET && a->family != AF_INET6))
			a = &e->peer;
		if (!sr_addr_str(a, p, sizeof(p)))
			return 0;
		r = snprintf(buf, n, "%s %s", inet_proto(e), p);
		return r < 0 ? 0 : (size_t)r >= n ? n - 1 : (size_t)r;
	case AF_UNIX:
		return unix_str(e, buf, n);
	}
	return sr_sock_name(e, buf, n);
}
