// SPDX-License-Identifier: GPL-2.0-only
/*
 * gentrace - writes a deterministic, realistic synthetic trace, for size and
 * speed measurements and for tests that need millions of events.
 *
 *   gentrace -o FILE -n EVENTS [--seed N] [--processes N] [--level L]
 *            [--chunk BYTES] [--loop] [--recording-id ID --rotation I] [-f]
 *
 * The file starts like a recording: metadata, then the snapshot (cgroup,
 * proc and fd records).  Then processes fork, exec and exit; they open
 * files from a fixed tree of paths, read and write them in loops, dup and
 * close descriptors, map and unmap memory, move the break, make a few other
 * syscalls; now and then a CPU loses events.  Timestamps and durations are
 * drawn from skewed distributions, as real ones are; the same seed gives the
 * same file byte for byte, of exactly EVENTS records.  --loop writes one
 * process copying a file in 4 KiB reads and writes instead (the syscall-heavy
 * loop of docs/FORMAT.md).
 * Prints one line: events, raw bytes, file bytes, bytes/event, seconds.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sysrec/format.h"
#include "sysrec/util.h"
#include "../rng.h"
#include "tool.h"

#define MAX_PROCS	4096
#define MAX_FDS		64
#define NPATHS		256
#define NCPUS		8

static uint64_t rng;

static uint64_t rnd(void)
{
	return splitmix64(&rng);
}

/* Skewed toward small values: the minimum of two uniform draws in [0, n). */
static uint64_t skew(uint64_t n)
{
	uint64_t a = rnd() % n, b = rnd() % n;

	return a < b ? a : b;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("gentrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

struct file {
	char path[96];
	uint64_t dev, ino, size;
};

struct proc {
	uint32_t pid, ppid;
	uint16_t cpu;
	char comm[16];
	uint64_t cgroup;
	int exe;			/* index in progs */
	int fd_file[MAX_FDS];		/* file index + 1, 0 when closed */
	uint64_t fd_pos[MAX_FDS];
	uint64_t brk, map_base;
	int alive;
};

static const char *const progs[][2] = {
	{ "/usr/bin/bash", "bash" }, { "/usr/bin/make", "make" },
	{ "/usr/bin/gcc-12", "gcc-12" }, { "/usr/lib/gcc/x86_64-linux-gnu/12/cc1", "cc1" },
	{ "/usr/bin/as", "as" }, { "/usr/bin/ld", "ld" }, { "/usr/bin/cat", "cat" },
	{ "/usr/bin/grep", "grep" }, { "/usr/bin/python3.11", "python3" },
	{ "/usr/sbin/nginx", "nginx" },
};
#define NPROGS (sizeof(progs) / sizeof(progs[0]))

static struct file files[NPATHS];
static struct proc procs[MAX_PROCS];
static int nprocs;
static int live[MAX_PROCS];	/* indexes of the live ones, in no order */
static int nlive;
static uint32_t next_pid = 1000;
static uint64_t now = 5000000000ull;	/* CLOCK_MONOTONIC, 5 s after boot */
static struct sr_writer *w;
static uint64_t buf[65536 / 8];
static uint64_t nevents, target;
static uint64_t lost_cpu[NCPUS];

static void make_files(void)
{
	static const char *const dirs[] = {
		"/home/alice/src/project/src", "/home/alice/src/project/include",
		"/usr/include", "/usr/lib/x86_64-linux-gnu", "/tmp", "/var/log/nginx",
		"/etc", "/home/alice/src/project/build/obj",
	};
	static const char *const exts[] = { ".c", ".h", ".o", ".so.6", ".log", ".conf", ".tmp" };

	for (int i = 0; i < NPATHS; i++) {
		const char *d = dirs[i % 8];

		snprintf(files[i].path, sizeof(files[i].path), "%s/file%03d%s", d, i, exts[i % 7]);
		files[i].dev = i % 8 == 4 ? (0ull << 20 | 38) : (259ull << 20 | 2);
		files[i].ino = 131072 + (uint64_t)i * 17 + (i % 8) * 100000;
		files[i].size = 512 + skew(1 << 20);
	}
}

static void header(struct sr_event *e, uint16_t type, size_t fixed, const struct proc *p)
{
	memset(buf, 0, fixed);
	e->type = type;
	e->size = (uint16_t)fixed;
	e->cpu = p ? p->cpu : 0;
	e->ts = now;
	if (p) {
		e->pid = p->pid;
		e->tid = p->pid;
		e->uid = 1000;
		e->gid = 1000;
		e->cgroup_id = p->cgroup;
		memcpy(e->comm, p->comm, sizeof(e->comm));
	}
}

/* Appends a string to the record's tail; returns its reference. */
static struct sr_str tail_str(struct sr_event *e, const char *s, size_t len)
{
	struct sr_str ref = { e->size, (uint16_t)len };
	uint8_t *rec = (uint8_t *)e;

	memcpy(rec + e->size, s, len);
	rec[e->size + len] = 0;
	e->size = (uint16_t)((e->size + len + 1 + 7) & ~7u);
	return ref;
}

/* Exactly -n records: what would go past it is dropped. */
static void emit(struct sr_event *e)
{
	int err;

	if (nevents >= target)
		return;
	err = sr_writer__append(w, e);
	if (err)
		die("cannot write: %s", strerror(-err));
	nevents++;
}

static void tick(uint64_t max)
{
	now += 150 + skew(max);
}

static void sys(struct sr_sys *s, uint16_t nr, int64_t ret, uint64_t dur)
{
	s->nr = nr;
	s->ret = ret;
	s->dur_ns = dur;
}

static int free_fd(struct proc *p)
{
	for (int fd = 3; fd < MAX_FDS; fd++)
		if (!p->fd_file[fd])
			return fd;
	return -1;
}

static void ev_open(struct proc *p)
{
	struct sr_ev_open *o = (void *)buf;
	int fd = free_fd(p), fi = (int)skew(NPATHS);
	const char *name = files[fi].path;

	if (fd < 0)
		return;
	tick(4000);
	header(&o->h, SR_EV_OPEN, sizeof(*o), p);
	o->dirfd = -100;
	o->flags = fi % 7 == 4 ? 02101 : 0100000;
	o->mode = o->flags & 0100 ? 0644 : 0;
	if (rnd() % 16 == 0) {		/* a miss: ENOENT, no path */
		sys(&o->s, 257, -2, 800 + skew(3000));
		o->name = tail_str(&o->h, "/etc/ld.so.preload", 18);
		emit(&o->h);
		return;
	}
	sys(&o->s, rnd() % 8 ? 257 : 2, fd, 1500 + skew(8000));
	o->dev = files[fi].dev;
	o->ino = files[fi].ino;
	if (!strncmp(name, "/home/alice/src/project/", 24))	/* relative from the cwd */
		o->name = tail_str(&o->h, name + 24, strlen(name + 24));
	else
		o->name = tail_str(&o->h, name, strlen(name));
	o->path = tail_str(&o->h, name, strlen(name));
	emit(&o->h);
	p->fd_file[fd] = fi + 1;
	p->fd_pos[fd] = 0;
}

static void ev_rw(struct proc *p, int fd, int write, uint64_t count, int64_t ret)
{
	struct sr_ev_rw *r = (void *)buf;
	int fi = p->fd_file[fd] - 1;

	tick(2500);
	header(&r->h, SR_EV_RW, sizeof(*r), p);
	sys(&r->s, write ? 1 : 0, ret, (write ? 900 : 600) + skew(count / 2 + 1500));
	r->fd = fd;
	r->count = count;
	r->offset = -1;
	if (fi >= 0) {
		r->dev = files[fi].dev;
		r->ino = files[fi].ino;
	} else {
		r->h.flags = SR_F_NO_FILE;
	}
	if (fi >= 0 && rnd() % 8 == 0) {	/* pread64/pwrite64 at the position */
		r->s.nr = write ? 18 : 17;
		r->offset = (int64_t)p->fd_pos[fd];
	}
	emit(&r->h);
	if (ret > 0)
		p->fd_pos[fd] += (uint64_t)ret;
}

static void ev_close(struct proc *p, int fd)
{
	struct sr_ev_close *c = (void *)buf;
	int fi = p->fd_file[fd] - 1;

	tick(1500);
	header(&c->h, SR_EV_CLOSE, sizeof(*c), p);
	sys(&c->s, 3, 0, 300 + skew(1200));
	c->fd = fd;
	if (fi >= 0) {
		c->dev = files[fi].dev;
		c->ino = files[fi].ino;
	}
	emit(&c->h);
	p->fd_file[fd] = 0;
}

static void ev_dup(struct proc *p, int fd)
{
	struct sr_ev_dup *d = (void *)buf;
	int nfd = free_fd(p), fi = p->fd_file[fd] - 1;

	if (nfd < 0)
		return;
	tick(1500);
	header(&d->h, SR_EV_DUP, sizeof(*d), p);
	d->fd = fd;
	d->newfd = -1;
	if (rnd() % 3 == 0) {		/* fcntl(F_DUPFD_CLOEXEC) */
		sys(&d->s, 72, nfd, 400 + skew(800));
		d->cmd = 1030;
		d->arg = 3;
	} else {
		sys(&d->s, 32, nfd, 300 + skew(600));
	}
	if (fi >= 0) {
		d->dev = files[fi].dev;
		d->ino = files[fi].ino;
	}
	emit(&d->h);
	p->fd_file[nfd] = p->fd_file[fd];
	p->fd_pos[nfd] = p->fd_pos[fd];
}

static void ev_mem(struct proc *p)
{
	uint64_t r = rnd() % 10;

	tick(3000);
	if (r < 5) {
		struct sr_ev_mmap *m = (void *)buf;
		int fd = (int)(3 + rnd() % 8), fi = p->fd_file[fd] - 1;

		header(&m->h, SR_EV_MMAP, sizeof(*m), p);
		m->len = 4096ull << skew(9);
		m->prot = 3;
		m->flags = 0x22;
		m->fd = -1;
		if (fi >= 0 && rnd() % 2) {
			m->prot = 5;
			m->flags = 0x802;
			m->fd = fd;
			m->off = 0;
			m->dev = files[fi].dev;
			m->ino = files[fi].ino;
		}
		p->map_base -= m->len;
		sys(&m->s, 9, (int64_t)p->map_base, 1200 + skew(6000));
		emit(&m->h);
	} else if (r < 8) {
		struct sr_ev_munmap *m = (void *)buf;

		header(&m->h, SR_EV_MUNMAP, sizeof(*m), p);
		m->addr = p->map_base;
		m->len = 4096ull << skew(9);
		sys(&m->s, 11, 0, 1500 + skew(9000));
		emit(&m->h);
	} else {
		struct sr_ev_brk *b = (void *)buf;

		header(&b->h, SR_EV_BRK, sizeof(*b), p);
		b->req = rnd() % 4 ? p->brk + 135168 : 0;
		if (b->req)
			p->brk = b->req;
		sys(&b->s, 12, (int64_t)p->brk, 300 + skew(2000));
		emit(&b->h);
	}
}

static void ev_other(struct proc *p)
{
	static const uint16_t nrs[] = { 39, 202, 228, 7, 4, 5, 8, 16, 13, 14 };
	struct sr_ev_syscall *s = (void *)buf;
	uint16_t nr = nrs[skew(sizeof(nrs) / sizeof(nrs[0]))];

	tick(2000);
	header(&s->h, SR_EV_SYSCALL, sizeof(*s), p);
	sys(&s->s, nr, nr == 39 ? p->pid : 0, 200 + skew(nr == 202 ? 200000 : 2000));
	s->args[0] = rnd() % 4 ? 3 : 0x7ffd12345000ull + (rnd() % 4096) * 16;
	s->args[1] = nr == 202 ? 128 : 0;
	emit(&s->h);
}

static void init_proc(struct proc *p, uint32_t pid, uint32_t ppid, int exe)
{
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = ppid;
	p->cpu = (uint16_t)(rnd() % NCPUS);
	p->exe = exe;
	snprintf(p->comm, sizeof(p->comm), "%s", progs[exe][1]);
	p->cgroup = 4242 + pid % 3;
	p->brk = 0x55550000ull + (rnd() % 1024) * 4096 * 16;
	p->map_base = 0x7f0000000000ull + (rnd() % 65536) * 4096 * 16;
	p->alive = 1;
	live[nlive++] = (int)(p - procs);
}

static void argv_of(int exe, uint32_t pid, char *out, size_t *len)
{
	int n = snprintf(out, 256, "%s", progs[exe][1]);

	out[n++] = 0;
	n += snprintf(out + n, 256, "-O2");
	out[n++] = 0;
	n += snprintf(out + n, 256, "file%03u.c", pid % NPATHS);
	*len = (size_t)n;
}

static void ev_exec(struct proc *p)
{
	struct sr_ev_exec *x = (void *)buf;
	int exe = (int)skew(NPROGS);
	char argv[800];
	size_t alen;

	tick(20000);
	p->exe = exe;
	snprintf(p->comm, sizeof(p->comm), "%s", progs[exe][1]);
	header(&x->h, SR_EV_EXEC, sizeof(*x), p);
	sys(&x->s, 59, 0, 150000 + skew(400000));
	x->old_tid = p->pid;
	x->argc = 3;
	x->dev = 259ull << 20 | 2;
	x->ino = 2000000 + (uint64_t)exe;
	x->filename = tail_str(&x->h, progs[exe][0], strlen(progs[exe][0]));
	x->path = tail_str(&x->h, progs[exe][0], strlen(progs[exe][0]));
	argv_of(exe, p->pid, argv, &alen);
	x->argv = tail_str(&x->h, argv, alen);
	emit(&x->h);
}

static void ev_fork(struct proc *p)
{
	static int cursor;
	struct sr_ev_fork *f = (void *)buf;
	struct proc *c = NULL;

	if (nprocs < MAX_PROCS) {
		c = &procs[nprocs++];
	} else {	/* the slot of a process that exited */
		for (int i = 0; i < MAX_PROCS && !c; i++, cursor = (cursor + 1) % MAX_PROCS)
			if (!procs[cursor].alive)
				c = &procs[cursor];
		if (!c)
			return;
	}
	tick(30000);
	init_proc(c, next_pid++, p->pid, p->exe);
	header(&f->h, SR_EV_FORK, sizeof(*f), p);
	sys(&f->s, rnd() % 4 ? 56 : 435, c->pid, 40000 + skew(100000));
	f->child_pid = c->pid;
	f->child_tid = c->pid;
	f->clone_flags = 0x1200011;
	emit(&f->h);
	if (rnd() % 4)
		ev_exec(c);
}

static void ev_exit(struct proc *p)
{
	struct sr_ev_exit *x = (void *)buf;

	for (int fd = 3; fd < MAX_FDS; fd++)
		if (p->fd_file[fd] && rnd() % 2)
			ev_close(p, fd);
	tick(10000);
	header(&x->h, SR_EV_EXIT, sizeof(*x), p);
	x->h.flags = SR_F_GROUP_DEAD;
	x->exit_code = rnd() % 10 ? 0 : 1 << 8;
	emit(&x->h);
	p->alive = 0;
	for (int i = 0; i < nlive; i++) {
		if (live[i] == (int)(p - procs)) {
			live[i] = live[--nlive];
			break;
		}
	}
}

static void ev_lost(void)
{
	struct sr_ev_lost *l = (void *)buf;

	header(&l->h, SR_EV_LOST, sizeof(*l), NULL);
	l->h.cpu = (uint16_t)(rnd() % NCPUS);
	l->count = 1 + skew(5000);
	lost_cpu[l->h.cpu] += l->count;
	emit(&l->h);
}

static void snapshot(int n)
{
	char argv[800];
	size_t alen;

	for (int i = 0; i < 3; i++) {
		struct sr_ev_cgroup *c = (void *)buf;
		static const char *const paths[] = {
			"/user.slice/user-1000.slice/session-2.scope",
			"/system.slice/nginx.service", "/user.slice/user-1000.slice/user@1000.service",
		};

		header(&c->h, SR_EV_CGROUP, sizeof(*c), NULL);
		c->id = 4242 + (uint64_t)i;
		c->path = tail_str(&c->h, paths[i], strlen(paths[i]));
		emit(&c->h);
	}
	for (int i = 0; i < n; i++) {
		struct proc *p = &procs[nprocs++];
		struct sr_ev_proc *r = (void *)buf;

		init_proc(p, next_pid++, i ? 1000 : 1, i ? (int)(rnd() % NPROGS) : 0);
		header(&r->h, SR_EV_PROC, sizeof(*r), p);
		r->ppid = p->ppid;
		r->start_ns = now - 1000000ull * (uint64_t)(n - i);
		r->exe = tail_str(&r->h, progs[p->exe][0], strlen(progs[p->exe][0]));
		argv_of(p->exe, p->pid, argv, &alen);
		r->argv = tail_str(&r->h, argv, alen);
		r->cwd = tail_str(&r->h, "/home/alice/src/project", 23);
		emit(&r->h);
		for (int fd = 0; fd < 3; fd++) {
			struct sr_ev_fd *f = (void *)buf;

			header(&f->h, SR_EV_FD, sizeof(*f), p);
			f->fd = fd;
			f->flags = 02;
			f->dev = 0ull << 20 | 3;
			f->ino = 3;
			f->path = tail_str(&f->h, "/dev/pts/0", 10);
			emit(&f->h);
		}
	}
}

/* One process copying a file: read 4 KiB, write 4 KiB, again. */
static void loop(void)
{
	struct proc *p = &procs[0];

	p->fd_file[3] = 1;
	p->fd_file[4] = 2;
	while (nevents < target) {
		ev_rw(p, 3, 0, 4096, 4096);
		ev_rw(p, 4, 1, 4096, 4096);
		if (rnd() % 20000 == 0)
			ev_lost();
	}
}

static void mixed(void)
{
	while (nevents < target) {
		struct proc *p = &procs[live[skew((uint64_t)nlive)]];
		uint64_t r = rnd() % 1000;
		int fd;

		if (rnd() % 64 == 0)
			p->cpu = (uint16_t)(rnd() % NCPUS);
		fd = (int)(3 + skew(8));
		if (r < 600) {
			if (!p->fd_file[fd]) {
				ev_open(p);
				continue;
			}
			/* a burst of reads or writes: how real loops look */
			int write = p->fd_file[fd] % 3 == 0, n = 1 + (int)skew(32);
			uint64_t count = rnd() % 4 ? 4096 : 1 + rnd() % 65536;

			for (int i = 0; i < n && nevents < target; i++)
				ev_rw(p, fd, write, count, rnd() % 64 ? (int64_t)count : (int64_t)(count / 3));
		} else if (r < 700) {
			ev_open(p);
		} else if (r < 800) {
			if (p->fd_file[fd])
				ev_close(p, fd);
		} else if (r < 830) {
			if (p->fd_file[fd])
				ev_dup(p, fd);
		} else if (r < 930) {
			ev_mem(p);
		} else if (r < 975) {
			ev_other(p);
		} else if (r < 985) {
			ev_fork(p);
		} else if (p->pid != procs[0].pid) {
			ev_exit(p);
		}
		if (rnd() % 100000 == 0)
			ev_lost();
	}
}

static const char usage[] =
	"usage: gentrace -o FILE -n EVENTS [--seed N] [--processes N] [--level L]\n"
	"                [--chunk BYTES] [--loop] [--recording-id ID --rotation I]\n"
	"                [--host NAME] [-f]\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "events", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "processes", required_argument, NULL, 'p' },
		{ "loop", no_argument, NULL, 'L' },
		{ "recording-id", required_argument, NULL, 'R' },
		{ "rotation", required_argument, NULL, 'r' },
		{ "host", required_argument, NULL, 'H' },
		TOOL_WRITER_OPTIONS,
		TOOL_COMMON_OPTIONS,
		{ 0 }
	};
	struct sr_writer_opts wo = { .threaded = 1, .owner_uid = (uid_t)-1, .owner_gid = (gid_t)-1 };
	uint64_t seed = 1, nproc = 8;
	int c, err, is_loop = 0, have_n = 0;
	const char *out = NULL, *rec_id = NULL, *host = "gen-host";
	uint64_t rotation = 0;
	struct sr_writer_stats st;
	struct timespec t0, t1;
	char v[256];

	while ((c = getopt_long(argc, argv, "o:n:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'n': target = tool_num("-n", optarg, 0, UINT64_MAX); have_n = 1; break;
		case 's': seed = tool_num("--seed", optarg, 0, UINT64_MAX); break;
		case 'p': nproc = tool_num("--processes", optarg, 1, MAX_PROCS / 2); break;
		case 'L': is_loop = 1; break;
		case 'R': rec_id = optarg; break;
		case 'r': rotation = tool_num("--rotation", optarg, 0, UINT64_MAX); break;
		case 'H': host = optarg; break;
		default: tool_option(c, &wo, usage);
		}
	}
	if (!out || !have_n || optind != argc)
		tool_usage(usage);
	rng = seed;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = sr_writer__new(&w, out, &wo);
	if (err)
		die("cannot create %s: %s", out, strerror(-err));
	/* a rotated set: files of one id, rotation 0, 1, ... (e.g. a seed each) */
	snprintf(v, sizeof(v), "%016llx", (unsigned long long)(seed * 0x9E3779B97F4A7C15ull));
	sr_writer__meta(w, "recording_id", rec_id ? rec_id : v);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)rotation);
	sr_writer__meta(w, "rotation_index", v);
	sr_writer__meta(w, "host", host);
	sr_writer__meta(w, "kernel", "6.1.0-synthetic-amd64");
	sr_writer__meta(w, "machine", "x86_64");
	sr_writer__meta(w, "ncpus", "8");
	sr_writer__meta(w, "page_size", "4096");
	sr_writer__meta(w, "clock", "CLOCK_MONOTONIC");
	sr_writer__meta(w, "clock_offset_ns", "1764190000000000000");
	snprintf(v, sizeof(v), "%llu", (unsigned long long)now);
	sr_writer__meta(w, "start_ns", v);
	sr_writer__meta(w, "sysrec_version", SYSREC_VERSION);
	snprintf(v, sizeof(v), "gentrace -n %llu --seed %llu --processes %llu%s",
		 (unsigned long long)target, (unsigned long long)seed,
		 (unsigned long long)nproc, is_loop ? " --loop" : "");
	sr_writer__meta(w, "cmdline", v);
	sr_writer__meta(w, "filters", "");
	sr_writer__meta(w, "classes", "proc,mem,file");
	sr_writer__meta(w, "cgroup2_mount", "/sys/fs/cgroup");
	err = sr_writer__begin(w);
	if (err)
		die("cannot write %s: %s", out, strerror(-err));

	make_files();
	snapshot(is_loop ? 1 : (int)nproc);
	if (is_loop)
		loop();
	else
		mixed();

	snprintf(v, sizeof(v), "%llu", (unsigned long long)now);
	sr_writer__end_meta(w, "stop_ns", v);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)nevents);
	sr_writer__end_meta(w, "events", v);
	{
		uint64_t total = 0;
		size_t n = 0;

		for (int i = 0; i < NCPUS; i++) {
			total += lost_cpu[i];
			n += (size_t)snprintf(v + n, sizeof(v) - n, "%s%d:%llu", i ? " " : "", i,
					      (unsigned long long)lost_cpu[i]);
		}
		sr_writer__end_meta(w, "lost_per_cpu", v);
		snprintf(v, sizeof(v), "%llu", (unsigned long long)total);
		sr_writer__end_meta(w, "lost", v);
	}
	err = sr_writer__finish(w);
	sr_writer__stats(w, &st);
	sr_writer__free(w);
	if (err)
		die("cannot write %s: %s", out, strerror(-err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("events=%llu raw_bytes=%llu file_bytes=%llu bytes_per_event=%.2f ratio=%.1f seconds=%.2f\n",
	       (unsigned long long)st.events, (unsigned long long)st.raw_bytes,
	       (unsigned long long)st.file_bytes, (double)st.file_bytes / (double)(st.events ? st.events : 1),
	       (double)st.raw_bytes / (double)(st.file_bytes ? st.file_bytes : 1),
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
