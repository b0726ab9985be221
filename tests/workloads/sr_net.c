// SPDX-License-Identifier: GPL-2.0-only
/*
 * sr_net.c - a deterministic network, pipe and zero-copy workload for
 * tests/bpf/record_net.sh: every byte count here is asserted there, and
 * every address and port it used is printed (one "key value" line each),
 * so that the test can name each socket exactly.
 *
 *   sr_net all DIR     in one process unless said:
 *     tcp4   a listener on 127.0.0.1, accept(fd, NULL, NULL): the client
 *            sends 1000 (send), the server writes 2000 (write); the
 *            client then sendfile()s 3000 bytes of DIR/src to the server,
 *            which reads them; a non-blocking connect (EINPROGRESS, poll,
 *            getsockopt SO_ERROR) sends 50; a connect to a closed port
 *            fails with ECONNREFUSED
 *     tcp6   the same over ::1: 1100 one way, 2100 back, then shutdown
 *     tcp4m  an IPv6 socket connects to the tcp4 listener's v4-mapped
 *            address (::ffff:127.0.0.1) and sends 123
 *     udpc   a connected UDP client sends 300 (send) and 100 + 50
 *            (sendmsg, two iovecs) to a server (recvfrom, recvmsg)
 *     udpu   an unconnected, unbound UDP client sendto()s 400 to another
 *            server, then sendmmsg()s 10, 20 and 30 (recvfrom, recvmmsg)
 *     nl     a netlink route socket, bound
 *     unix   a stream socket bound to DIR/s.sock: 500 to the server
 *            (write), 600 back (send)
 *     abs    an abstract unix socket "@sr_net.PID": 700 and 800
 *     pair   a socketpair: 900 one way, 950 back
 *     pipe   a child writes 1200 bytes into a pipe, the parent reads them
 *     splice 1300 bytes of DIR/src into a pipe and out to DIR/spliced;
 *            vmsplice 100 bytes into a second pipe, tee them into a
 *            third, read the third (read) and the second (vmsplice)
 *     cfr    copy_file_range of 1400 bytes of DIR/src to DIR/copied
 *
 *   sr_net echo N      the benchmark (tests/bench/run.sh net): a child
 *                      echoes what it reads on a loopback TCP connection,
 *                      the parent sends 64 bytes and reads them back, N
 *                      round trips
 *
 * With SR_WORK_READY=FILE: as sr_work, waits for SIGUSR1 once set up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <linux/netlink.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[65536];

static void die(const char *what)
{
	fprintf(stderr, "sr_net: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Move exactly @n bytes: the counts are what the test asserts. */
static void put(int fd, size_t n, int use_send)
{
	ssize_t r = use_send ? send(fd, buf, n, 0) : write(fd, buf, n);

	if (r != (ssize_t)n)
		die("write");
}

static void get(int fd, size_t n, int use_recv)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = use_recv ? recv(fd, buf, n - got, 0) : read(fd, buf, n - got);

		if (r <= 0)
			die("read");
		got += (size_t)r;
	}
}

static void show(const char *key, const struct sockaddr *sa)
{
	char ip[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		printf("%s %s:%u\n", key, ip, ntohs(in->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		printf("%s [%s]:%u\n", key, ip, ntohs(in6->sin6_port));
	}
}

static void show_fd(const char *key, int fd, int peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if ((peer ? getpeername(fd, (void *)&ss, &len) : getsockname(fd, (void *)&ss, &len)))
		die("getsockname");
	show(key, (void *)&ss);
}

/* A listener on the loopback of @family, its address in @sa. */
static int listener(int family, struct sockaddr_storage *sa, socklen_t *len)
{
	int fd = socket(family, SOCK_STREAM, 0);

	memset(sa, 0, sizeof(*sa));
	if (family == AF_INET) {
		struct sockaddr_in *in = (void *)sa;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (void *)sa;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
		*len = sizeof(*in6);
	}
	if (fd < 0 || bind(fd, (void *)sa, *len) || listen(fd, 8) ||
	    getsockname(fd, (void *)sa, len))
		die("listener");
	return fd;
}

static void tcp(int family, const char *tag, size_t up, size_t down, int dir)
{
	struct sockaddr_storage sa;
	socklen_t len;
	char key[32];
	int l = listener(family, &sa, &len), c, s;

	c = socket(family, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (void *)&sa, len))
		die("connect");
	s = accept(l, NULL, NULL);
	if (s < 0)
		die("accept");
	snprintf(key, sizeof(key), "%s_server", tag);
	show(key, (void *)&sa);
	snprintf(key, sizeof(key), "%s_client", tag);
	show_fd(key, c, 0);
	put(c, up, 1);
	get(s, up, 1);
	put(s, down, 0);
	get(c, down, 0);
	if (family == AF_INET) {
		int src = open("src", O_RDONLY), nb, e = 0, s2;
		socklen_t el = sizeof(e);
		struct pollfd pfd;
		off_t off = 0;

		/* sendfile: the file's bytes to the socket */
		if (src < 0 || sendfile(c, src, &off, 3000) != 3000)
			die("sendfile");
		close(src);
		get(s, 3000, 0);
		/* a non-blocking connect, completed by poll and SO_ERROR */
		nb = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (nb < 0 || connect(nb, (void *)&sa, len) == 0 || errno != EINPROGRESS)
			die("non-blocking connect");
		pfd.fd = nb;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, 5000) != 1 || getsockopt(nb, SOL_SOCKET, SO_ERROR, &e, &el) || e)
			die("non-blocking connect: completion");
		show_fd("tcp4_nb_client", nb, 0);
		s2 = accept(l, NULL, NULL);
		if (s2 < 0)
			die("accept");
		put(nb, 50, 1);
		get(s2, 50, 1);
		close(s2);
		close(nb);
		/* an IPv6 socket to the listener's v4-mapped address */
		{
			struct sockaddr_in6 m = { .sin6_family = AF_INET6 };
			int v6 = socket(AF_INET6, SOCK_STREAM, 0);

			m.sin6_port = ((struct sockaddr_in *)&sa)->sin_port;
			m.sin6_addr.s6_addr[10] = m.sin6_addr.s6_addr[11] = 0xff;
			memcpy(&m.sin6_addr.s6_addr[12], &((struct sockaddr_in *)&sa)->sin_addr, 4);
			if (v6 < 0 || connect(v6, (void *)&m, sizeof(m)))
				die("v4-mapped connect");
			show_fd("tcp4m_client", v6, 0);
			s2 = accept(l, NULL, NULL);
			if (s2 < 0)
				die("accept");
			put(v6, 123, 0);
			get(s2, 123, 0);
			close(s2);
			close(v6);
		}
		/* a refused connect: a port bound then closed */
		nb = listener(family, &sa, &len);
		close(nb);
		show("tcp4_refused", (void *)&sa);
		nb = socket(family, SOCK_STREAM, 0);
		if (connect(nb, (void *)&sa, len) == 0 || errno != ECONNREFUSED)
			die("refused connect");
		close(nb);
	}
	if (family == AF_INET6 && shutdown(c, SHUT_RDWR))
		die("shutdown");
	close(c);
	close(s);
	close(l);
	(void)dir;
}

static int udp_server(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (void *)sa, sizeof(*sa)) || getsockname(fd, (void *)sa, &len))
		die("udp server");
	return fd;
}

static void udp(void)
{
	struct sockaddr_in a, b, from;
	socklen_t fl = sizeof(from);
	int sa = udp_server(&a), sb = udp_server(&b), c, u;

	show("udpc_server", (void *)&a);
	c = socket(AF_INET, SOCK_DGRAM, 0);
	if (c < 0 || connect(c, (void *)&a, sizeof(a)))
		die("udp connect");
	show_fd("udpc_client", c, 0);
	put(c, 300, 1);
	if (recvfrom(sa, buf, sizeof(buf), 0, (void *)&from, &fl) != 300)
		die("udp recvfrom");
	{
		struct iovec iov[2] = { { buf, 100 }, { buf + 100, 50 } }, riov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
		struct msghdr rm = { .msg_name = &from, .msg_namelen = sizeof(from),
				     .msg_iov = &riov, .msg_iovlen = 1 };

		if (sendmsg(c, &m, 0) != 150 || recvmsg(sa, &rm, 0) != 150)
			die("udp sendmsg");
	}

	show("udpu_server", (void *)&b);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	if (u < 0 || sendto(u, buf, 400, 0, (void *)&b, sizeof(b)) != 400)
		die("udp sendto");
	show_fd("udpu_client", u, 0);
	fl = sizeof(from);
	if (recvfrom(sb, buf, sizeof(buf), 0, (void *)&from, &fl) != 400)
		die("udp recvfrom");
	{
		struct mmsghdr mm[3], rmm[3];
		struct iovec iov[3], riov[3];
		struct sockaddr_in rfrom[3];

		memset(mm, 0, sizeof(mm));
		memset(rmm, 0, sizeof(rmm));
		for (int i = 0; i < 3; i++) {
			iov[i].iov_base = buf;
			iov[i].iov_len = 10 * (i + 1);
			mm[i].msg_hdr.msg_name = &b;
			mm[i].msg_hdr.msg_namelen = sizeof(b);
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			riov[i].iov_base = buf + 1024 * (i + 1);
			riov[i].iov_len = 1024;
			rmm[i].msg_hdr.msg_name = &rfrom[i];
			rmm[i].msg_hdr.msg_namelen = sizeof(rfrom[i]);
			rmm[i].msg_hdr.msg_iov = &riov[i];
			rmm[i].msg_hdr.msg_iovlen = 1;
		}
		if (sendmmsg(u, mm, 3, 0) != 3 || recvmmsg(sb, rmm, 3, MSG_WAITFORONE, NULL) != 3)
			die("udp sendmmsg");
	}
	close(c);
	close(u);
	close(sa);
	close(sb);
}

static void unix_stream(const char *name, int abstract, size_t up, size_t down)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len;
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c, s;

	if (abstract) {
		/* "@name" in the listings: a NUL, then the name, no NUL after it */
		memcpy(sun.sun_path + 1, name, strlen(name));
		len = offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
	} else {
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", name);
		len = sizeof(sun);
	}
	if (l < 0 || bind(l, (void *)&sun, len) || listen(l, 4))
		die("unix listener");
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (void *)&sun, len))
		die("unix connect");
	s = accept(l, NULL, NULL);
	if (s < 0)
		die("unix accept");
	put(c, up, 0);
	get(s, up, 0);
	put(s, down, 1);
	get(c, down, 1);
	close(c);
	close(s);
	close(l);
}

static void pair(void)
{
	int sv[2];
	struct stat st;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	fstat(sv[0], &st);
	printf("pair_ino0 %lu\n", (unsigned long)st.st_ino);
	fstat(sv[1], &st);
	printf("pair_ino1 %lu\n", (unsigned long)st.st_ino);
	put(sv[0], 900, 0);
	get(sv[1], 900, 0);
	put(sv[1], 950, 0);
	get(sv[0], 950, 0);
	close(sv[0]);
	close(sv[1]);
}

static void netlink(void)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);

	if (fd < 0 || bind(fd, (void *)&nl, sizeof(nl)))
		die("netlink");
	close(fd);
}

static void pipe_procs(void)
{
	int p[2], status;
	struct stat st;
	pid_t pid;
	size_t got = 0;
	ssize_t r;

	if (pipe(p))
		die("pipe");
	fstat(p[0], &st);
	printf("pipe_ino %lu\n", (unsigned long)st.st_ino);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(p[0]);
		put(p[1], 1200, 0);
		_exit(0);
	}
	close(p[1]);
	while ((r = read(p[0], buf, sizeof(buf))) > 0)
		got += (size_t)r;
	if (got != 1200 || waitpid(pid, &status, 0) != pid)
		die("pipe read");
	close(p[0]);
}

static void zero_copy(void)
{
	int src = open("src", O_RDONLY), out = open("spliced", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int cp = open("copied", O_WRONLY | O_CREAT | O_TRUNC, 0644), p[2];
	struct stat st;

	if (src < 0 || out < 0 || cp < 0 || pipe2(p, O_CLOEXEC))
		die("zero copy: open");
	fstat(p[0], &st);
	printf("splice_pipe_ino %lu\n", (unsigned long)st.st_ino);
	if (splice(src, NULL, p[1], NULL, 1300, 0) != 1300 ||
	    splice(p[0], NULL, out, NULL, 1300, 0) != 1300)
		die("splice");
	if (lseek(src, 0, SEEK_SET) || copy_file_range(src, NULL, cp, NULL, 1400, 0) != 1400)
		die("copy_file_range");
	{
		int p2[2], p3[2];
		struct iovec v = { buf, 100 };

		if (pipe(p2) || pipe(p3))
			die("pipe");
		fstat(p2[0], &st);
		printf("vmsplice_pipe_ino %lu\n", (unsigned long)st.st_ino);
		fstat(p3[0], &st);
		printf("tee_pipe_ino %lu\n", (unsigned long)st.st_ino);
		if (vmsplice(p2[1], &v, 1, 0) != 100 || tee(p2[0], p3[1], 100, 0) != 100)
			die("vmsplice, tee");
		get(p3[0], 100, 0);
		v.iov_base = buf + 4096;
		if (vmsplice(p2[0], &v, 1, 0) != 100)
			die("vmsplice from a pipe");
		close(p2[0]);
		close(p2[1]);
		close(p3[0]);
		close(p3[1]);
	}
	close(p[0]);
	close(p[1]);
	close(src);
	close(out);
	close(cp);
}

/* N round trips of 64 bytes over loopback TCP, to a child that echoes them. */
static int echo(long n)
{
	struct sockaddr_storage sa;
	socklen_t len;
	int l = listener(AF_INET, &sa, &len), c, s, status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		ssize_t r;

		s = accept(l, NULL, NULL);
		if (s < 0)
			die("accept");
		while ((r = read(s, buf, sizeof(buf))) > 0)
			if (write(s, buf, (size_t)r) != r)
				die("echo");
		_exit(0);
	}
	close(l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (void *)&sa, len))
		die("connect");
	for (long i = 0; i < n; i++) {
		put(c, 64, 1);
		get(c, 64, 1);
	}
	close(c);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		die("echo child");
	return 0;
}

static void on_usr1(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	const char *ready = getenv("SR_WORK_READY");
	char path[108];
	int fd;

	if (argc == 3 && !strcmp(argv[1], "echo"))
		return echo(atol(argv[2]));
	if (argc != 3 || strcmp(argv[1], "all")) {
		fprintf(stderr, "usage: sr_net all DIR | sr_net echo N\n");
		return 2;
	}
	if (chdir(argv[2]))
		die(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open("src", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, 4096) != 4096 || close(fd))
		die("src");
	if (ready) {
		sigset_t set;
		int sig;

		signal(SIGUSR1, on_usr1);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		fd = open(ready, O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			die(ready);
		close(fd);
		sigwait(&set, &sig);
	}
	tcp(AF_INET, "tcp4", 1000, 2000, 0);
	tcp(AF_INET6, "tcp6", 1100, 2100, 0);
	udp();
	snprintf(path, sizeof(path), "%s/s.sock", argv[2]);
	unlink(path);
	unix_stream(path, 0, 500, 600);
	unlink(path);
	printf("unix_path %s\n", path);
	snprintf(path, sizeof(path), "sr_net.%d", (int)getpid());
	unix_stream(path, 1, 700, 800);
	printf("abs_name @%s\n", path);
	pair();
	netlink();
	pipe_procs();
	zero_copy();
	return 0;
}
