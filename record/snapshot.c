// SPDX-License-Identifier: GPL-2.0-only
/*
 * snapshot.c - what was alive before the recording began: processes, their
 * open descriptors and the cgroups they live in, read from /proc, so that
 * files opened before recording are still named in the reports.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "sysrec/util.h"
#include "record.h"

#define REC_MAX		(sizeof(struct sr_ev_proc) + 3 * SR_PATH_MAX + SR_ARGV_MAX + 64)

uint64_t sr_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t sr_kdev(uint64_t st_dev)
{
	return ((uint64_t)major(st_dev) << 20) | minor(st_dev);
}

/* --- cgroup v2 ids --- */

struct cg_ent {
	uint64_t id;
	char *path;		/* NULL: looked for and not found */
	int seen;
};

/* A group made during the recording whose parent was not yet known. */
struct cg_wait {
	uint64_t id, parent;
	char *name;
};

#define CG_WAIT_MAX	1024

struct sr_cgroups {
	char *mount;		/* NULL when there is no cgroup2 mount */
	struct cg_ent *ents;
	size_t n, cap;
	struct cg_wait wait[CG_WAIT_MAX];	/* oldest first */
	size_t nwait;
};

static struct cg_ent *cg_find(struct sr_cgroups *cg, uint64_t id)
{
	for (size_t i = 0; i < cg->n; i++)
		if (cg->ents[i].id == id)
			return &cg->ents[i];
	return NULL;
}

static struct cg_ent *cg_add(struct sr_cgroups *cg, uint64_t id, const char *path)
{
	struct cg_ent *e = cg_find(cg, id);

	if (e) {
		if (!e->path && path)
			e->path = strdup(path);
		return e;
	}
	if (cg->n == cg->cap) {
		size_t cap = cg->cap ? cg->cap * 2 : 64;
		void *p = realloc(cg->ents, cap * sizeof(*cg->ents));

		if (!p)
			return NULL;
		cg->ents = p;
		cg->cap = cap;
	}
	e = &cg->ents[cg->n++];
	e->id = id;
	e->path = path ? strdup(path) : NULL;
	e->seen = 0;
	return e;
}

/* Depth-first walk of the cgroup2 tree; rel is the path below the mount. */
static void cg_scan(struct sr_cgroups *cg, const char *rel, int depth)
{
	char full[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (depth > 32)
		return;
	snprintf(full, sizeof(full), "%s%s", cg->mount, rel);
	if (stat(full, &st))
		return;
	cg_add(cg, st.st_ino, *rel ? rel : "/");
	d = opendir(full);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", rel, de->d_name) >= (int)sizeof(sub))
			continue;
		cg_scan(cg, sub, depth + 1);
	}
	closedir(d);
}

struct sr_cgroups *sr_cgroups__new(void)
{
	struct sr_cgroups *cg = calloc(1, sizeof(*cg));
	char dev[256], dir[PATH_MAX], type[64];
	FILE *f;

	if (!cg)
		return NULL;
	f = fopen("/proc/mounts", "re");
	if (f) {
		while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3) {
			if (!strcmp(type, "cgroup2")) {
				cg->mount = strdup(dir);
				break;
			}
		}
		fclose(f);
	}
	if (cg->mount)
		cg_scan(cg, "", 0);
	return cg;
}

const char *sr_cgroups__mount(const struct sr_cgroups *cg)
{
	return cg->mount;
}

const char *sr_cgroups__path(struct sr_cgroups *cg, uint64_t id)
{
	struct cg_ent *e = cg_find(cg, id);

	if (!e && cg->mount) {
		cg_scan(cg, "", 0);
		e = cg_find(cg, id);
		if (!e)
			e = cg_add(cg, id, NULL);
	}
	return e ? e->path : NULL;
}

/* Name id below its parent; 0 when the parent has no path (yet). */
static int cg_join(struct sr_cgroups *cg, uint64_t id, uint64_t parent, const char *name,
		   size_t len)
{
	struct cg_ent *p = cg_find(cg, parent);
	char path[PATH_MAX];

	if (!p || !p->path)
		return 0;
	if (snprintf(path, sizeof(path), "%s/%.*s", strcmp(p->path, "/") ? p->path : "",
		     (int)len, name) < (int)sizeof(path))
		cg_add(cg, id, path);
	return 1;
}

/*
 * The records of a group and of its parent may be read in either order
 * (one batch per CPU): a group whose parent is not known yet waits for it.
 * A parent never named (outside the mount's view, in a cgroup namespace)
 * leaves its children waiting until newer ones push them out.
 */
void sr_cgroups__learn(struct sr_cgroups *cg, uint64_t id, uint64_t parent, const char *name,
		       size_t len)
{
	int progress;

	if (memchr(name, '/', len))
		return;
	if (!cg_join(cg, id, parent, name, len)) {
		if (cg->nwait == CG_WAIT_MAX) {
			free(cg->wait[0].name);
			memmove(cg->wait, cg->wait + 1, --cg->nwait * sizeof(*cg->wait));
		}
		cg->wait[cg->nwait].name = strndup(name, len);
		if (!cg->wait[cg->nwait].name)
			return;
		cg->wait[cg->nwait].id = id;
		cg->wait[cg->nwait].parent = parent;
		cg->nwait++;
		return;
	}
	do {
		progress = 0;
		for (size_t i = 0; i < cg->nwait; i++) {
			struct cg_wait *w = &cg->wait[i];

			if (!cg_join(cg, w->id, w->parent, w->name, strlen(w->name)))
				continue;
			free(w->name);
			memmove(w, w + 1, (--cg->nwait - i) * sizeof(*w));
			i--;
			progress = 1;
		}
	} while (progress);
}

int sr_cgroups__first_seen(struct sr_cgroups *cg, uint64_t id)
{
	struct cg_ent *e = cg_find(cg, id);

	if (!e) {
		sr_cgroups__path(cg, id);
		e = cg_find(cg, id);
		if (!e)
			return 0;
	}
	if (e->seen)
		return 0;
	e->seen = 1;
	return 1;
}

void sr_cgroups__reset_seen(struct sr_cgroups *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		cg->ents[i].seen = 0;
}

void sr_cgroups__free(struct sr_cgroups *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++)
		free(cg->ents[i].path);
	for (size_t i = 0; i < cg->nwait; i++)
		free(cg->wait[i].name);
	free(cg->ents);
	free(cg->mount);
	free(cg);
}

/* --- processes and descriptors --- */

/* Read a small file whole; returns its length or -1. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((size_t)len < size && (n = read(fd, buf + len, size - len)) > 0)
		len += n;
	close(fd);
	return len;
}

/* Append a string to the record's tail; returns the new end. */
static size_t put_str(uint8_t *rec, size_t off, const char *s, size_t len, struct sr_str *ref)
{
	ref->off = (uint16_t)off;
	ref->len = (uint16_t)len;
	memcpy(rec + off, s, len);
	rec[off + len] = 0;
	return off + len + 1;
}

static size_t finish(uint8_t *rec, size_t off)
{
	size_t size = (off + 7) & ~(size_t)7;

	memset(rec + off, 0, size - off);
	((struct sr_event *)rec)->size = (uint16_t)size;
	return size;
}

struct proc_info {
	uint32_t pid, ppid, uid, gid;
	uint64_t start_ns;
	uint64_t cgroup_id;
	char comm[SR_COMM_LEN + 1];
	char cgroup[PATH_MAX];	/* cgroup v2 path below the mount, "" if unknown */
};

/* Fill pi from /proc/PID/{stat,status,cgroup}; -1 if the process is gone. */
static int proc_info(uint32_t pid, struct sr_cgroups *cg, struct proc_info *pi)
{
	static long hz;
	char path[64], buf[4096], *p;
	unsigned long long start;
	ssize_t n;

	if (!hz)
		hz = sysconf(_SC_CLK_TCK);
	memset(pi, 0, sizeof(*pi));
	pi->pid = pid;
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	/* comm may hold spaces and parentheses: it ends at the last ')' */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -1;
	{
		char *c = strchr(buf, '(');
		size_t len = c && c < p ? (size_t)(p - c - 1) : 0;

		if (len > SR_COMM_LEN)
			len = SR_COMM_LEN;
		if (c)
			memcpy(pi->comm, c + 1, len);
	}
	/* fields after comm: state ppid ... starttime is field 22 overall */
	if (sscanf(p + 2, "%*c %u %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &pi->ppid, &start) != 2)
		return -1;
	{
		struct timespec b, m;

		clock_gettime(CLOCK_BOOTTIME, &b);
		clock_gettime(CLOCK_MONOTONIC, &m);
		uint64_t boot_ns = start * (1000000000ull / hz);
		/*
		 * Time spent suspended: BOOTTIME - MONOTONIC.  Signed, since
		 * the second clock is read later: without a suspend the
		 * difference is a few ns below zero.
		 */
		int64_t delta = (int64_t)(b.tv_sec - m.tv_sec) * 1000000000 + (b.tv_nsec - m.tv_nsec);

		if (delta < 0)
			delta = 0;
		pi->start_ns = boot_ns > (uint64_t)delta ? boot_ns - delta : 0;
	}
	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = 0;
		p = strstr(buf, "\nUid:");
		if (p)
			sscanf(p + 5, "%u", &pi->uid);
		p = strstr(buf, "\nGid:");
		if (p)
			sscanf(p + 5, "%u", &pi->gid);
	}
	snprintf(path, sizeof(path), "/proc/%u/cgroup", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n > 0 && sr_cgroups__mount(cg)) {
		buf[n] = 0;
		p = strstr(buf, "0::");
		if (p && (p == buf || p[-1] == '\n')) {
			char full[PATH_MAX];
			struct stat st;
			char *nl = strchr(p, '\n');

			if (nl)
				*nl = 0;
			snprintf(pi->cgroup, sizeof(pi->cgroup), "%s", p + 3);
			snprintf(full, sizeof(full), "%s%s", sr_cgroups__mount(cg), p + 3);
			if (!stat(full, &st))
				pi->cgroup_id = st.st_ino;
		}
	}
	return 0;
}

static void hdr_init(struct sr_event *h, uint16_t type, uint64_t ts, const struct proc_info *pi)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->ts = ts;
	h->pid = pi->pid;
	h->tid = pi->pid;
	h->uid = pi->uid;
	h->gid = pi->gid;
	h->cgroup_id = pi->cgroup_id;
	memcpy(h->comm, pi->comm, SR_COMM_LEN);
}

/* A socket's sock record after its fd record, from its namespace's tables. */
static int snap_sock(const struct proc_info *pi, uint64_t ts, uint8_t *rec, int fd,
		     const struct sr_ev_fd *fde, struct sr_netsnap *ns, sr_release_fn fn, void *ctx)
{
	struct sr_ev_sock *e = (void *)rec;
	uint64_t dev = fde->dev, ino = fde->ino;
	size_t end;

	memset(e, 0, sizeof(*e));
	end = sr_netsnap__sock(ns, pi->pid, ino, rec);
	if (!end)
		return 0;
	hdr_init(&e->h, SR_EV_SOCK, ts, pi);
	e->fd = fd;
	e->dev = dev;
	finish(rec, end);
	return fn(ctx, &e->h);
}

static int snap_fds(const struct proc_info *pi, uint64_t ts, uint8_t *rec,
		    struct sr_netsnap *ns, sr_release_fn fn, void *ctx)
{
	char dir[64], path[384], link[SR_PATH_MAX], info[512];
	struct dirent *de;
	int err = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%u/fd", pi->pid);
	d = opendir(dir);
	if (!d)
		return 0;
	while (!err && (de = readdir(d))) {
		struct sr_ev_fd *e = (void *)rec;
		struct stat st;
		ssize_t n;
		char *p;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, link, sizeof(link));
		if (n < 0)
			continue;
		hdr_init(&e->h, SR_EV_FD, ts, pi);
		e->fd = atoi(de->d_name);
		e->flags = 0;
		e->pos = 0;
		e->_pad = 0;
		if (n == sizeof(link)) {
			e->h.flags |= SR_F_PATH_CUT;
			n = sizeof(link) - 1;
		}
		if (!stat(path, &st)) {
			e->dev = sr_kdev(st.st_dev);
			e->ino = st.st_ino;
		} else {
			e->dev = e->ino = 0;
			e->h.flags |= SR_F_NO_FILE;
		}
		snprintf(path, sizeof(path), "/proc/%u/fdinfo/%s", pi->pid, de->d_name);
		if (read_file(path, info, sizeof(info) - 1) > 0) {
			info[sizeof(info) - 1] = 0;
			p = strstr(info, "pos:");
			if (p)
				e->pos = strtoull(p + 4, NULL, 10);
			p = strstr(info, "flags:");
			if (p)
				e->flags = strtoul(p + 6, NULL, 8);
		}
		finish(rec, put_str(rec, sizeof(*e), link, n, &e->path));
		err = fn(ctx, &e->h);
		if (!err && !strncmp(link, "socket:[", 8) && e->ino) {
			struct sr_ev_fd fde = *e;

			err = snap_sock(pi, ts, rec, fde.fd, &fde, ns, fn, ctx);
		}
	}
	closedir(d);
	return err;
}

/* The number after "key:" in a /proc status text, or 0. */
static uint64_t status_u64(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/*
 * A CPUTIME record of thread tid of process pi->pid: the counters
 * schedstat and status give, which the kernel's own at-exit record reads
 * from the same fields.  0 and no record for a thread gone, or not
 * recorded (the BPF filter matches each thread's own comm).
 */
static int snap_thread(const struct proc_info *pi, uint32_t tid, const struct sr_snap_filter *flt,
		       uint64_t ts, uint8_t *rec, sr_release_fn fn, void *ctx)
{
	struct sr_ev_cputime *e = (void *)rec;
	unsigned long long on, runq, slices;
	char path[96], buf[4096];
	ssize_t n;

	hdr_init(&e->h, SR_EV_CPUTIME, ts, pi);
	e->h.tid = tid;
	e->h.flags = flt->cputime_flags;
	e->h.size = sizeof(*e);
	snprintf(path, sizeof(path), "/proc/%u/task/%u/comm", pi->pid, tid);
	n = read_file(path, buf, SR_COMM_LEN);
	if (n <= 0)
		return 0;
	if (buf[n - 1] == '\n')
		n--;
	memset(e->h.comm, 0, SR_COMM_LEN);
	memcpy(e->h.comm, buf, n);
	if (flt->comm && strncmp((const char *)e->h.comm, flt->comm, SR_COMM_LEN))
		return 0;
	snprintf(path, sizeof(path), "/proc/%u/task/%u/schedstat", pi->pid, tid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	if (sscanf(buf, "%llu %llu %llu", &on, &runq, &slices) != 3)
		return 0;
	e->on_cpu_ns = on;
	e->runq_ns = runq;
	e->timeslices = slices;
	snprintf(path, sizeof(path), "/proc/%u/task/%u/status", pi->pid, tid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	e->vol_switches = status_u64(buf, "\nvoluntary_ctxt_switches:");
	e->invol_switches = status_u64(buf, "\nnonvoluntary_ctxt_switches:");
	return fn(ctx, &e->h);
}

/*
 * A CPUTIME record per thread of the process.  The list is read whole
 * first: the directory is not held open while records are written.
 */
static int snap_threads(const struct proc_info *pi, const struct sr_snap_filter *flt, uint64_t ts,
			uint8_t *rec, sr_release_fn fn, void *ctx)
{
	struct dirent **tids;
	char dir[64];
	int n, err = 0;

	snprintf(dir, sizeof(dir), "/proc/%u/task", pi->pid);
	n = scandir(dir, &tids, NULL, NULL);
	for (int i = 0; i < n; i++) {
		char *end;
		unsigned long tid = strtoul(tids[i]->d_name, &end, 10);

		if (!err && !*end && tid)
			err = snap_thread(pi, tid, flt, ts, rec, fn, ctx);
		free(tids[i]);
	}
	if (n >= 0)
		free(tids);
	return err;
}

static int snap_proc(uint32_t pid, const struct sr_snap_filter *flt, struct sr_cgroups *cg,
		     uint64_t ts, uint8_t *rec, struct sr_netsnap *ns, sr_release_fn fn, void *ctx)
{
	char path[64], link[SR_PATH_MAX];
	struct sr_ev_proc *e = (void *)rec;
	struct proc_info pi;
	size_t off;
	ssize_t n;
	int err;

	if (proc_info(pid, cg, &pi))
		return 0;
	/* as --cgroup filters in BPF; a process whose cgroup is not known is not under it */
	if (flt->cgroup && !sr_cgroup_under(pi.cgroup, strlen(pi.cgroup), flt->cgroup,
					    strlen(flt->cgroup)))
		return 0;
	if (flt->cputime_only)
		return snap_threads(&pi, flt, ts, rec, fn, ctx);
	if (flt->comm && strncmp(pi.comm, flt->comm, SR_COMM_LEN))
		return 0;
	if (pi.cgroup_id && sr_cgroups__first_seen(cg, pi.cgroup_id)) {
		struct sr_ev_cgroup *c = (void *)rec;
		const char *cp = sr_cgroups__path(cg, pi.cgroup_id);

		hdr_init(&c->h, SR_EV_CGROUP, ts, &pi);
		c->h.pid = c->h.tid = 0;
		memset(c->h.comm, 0, sizeof(c->h.comm));
		c->id = pi.cgroup_id;
		c->_pad = 0;
		cp = cp ? cp : "";
		finish(rec, put_str(rec, sizeof(*c), cp, strlen(cp), &c->path));
		err = fn(ctx, &c->h);
		if (err)
			return err;
	}
	hdr_init(&e->h, SR_EV_PROC, ts, &pi);
	e->ppid = pi.ppid;
	e->_pad = e->_pad2 = 0;
	e->start_ns = pi.start_ns;
	off = sizeof(*e);

	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	n = readlink(path, link, sizeof(link) - 1);
	off = put_str(rec, off, link, n > 0 ? (size_t)n : 0, &e->exe);

	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	n = read_file(path, link, flt->argv_max < sizeof(link) ? flt->argv_max : sizeof(link));
	if (n < 0)
		n = 0;
	if ((size_t)n == flt->argv_max || (size_t)n == sizeof(link))
		e->h.flags |= SR_F_ARGV_CUT;
	/* cmdline ends with a NUL already: keep it out of len */
	if (n > 0 && link[n - 1] == 0)
		n--;
	off = put_str(rec, off, link, n, &e->argv);

	snprintf(path, sizeof(path), "/proc/%u/cwd", pid);
	n = readlink(path, link, sizeof(link) - 1);
	off = put_str(rec, off, link, n > 0 ? (size_t)n : 0, &e->cwd);
	finish(rec, off);
	err = fn(ctx, &e->h);
	if (err)
		return err;
	err = snap_fds(&pi, ts, rec, ns, fn, ctx);
	if (!err && flt->cputime)
		err = snap_threads(&pi, flt, ts, rec, fn, ctx);
	return err;
}

int sr_snapshot(const struct sr_snap_filter *flt, struct sr_cgroups *cg, uint64_t ts,
		sr_release_fn fn, void *ctx)
{
	struct sr_netsnap *ns;
	struct dirent *de;
	uint8_t *rec;
	int err = 0;
	DIR *d;

	rec = malloc(REC_MAX);
	ns = sr_netsnap__new();	/* NULL: sockets stay "socket:[INO]" */
	if (!rec) {
		sr_netsnap__free(ns);
		return -ENOMEM;
	}
	d = opendir("/proc");
	if (!d) {
		err = -errno;
		sr_netsnap__free(ns);
		free(rec);
		return err;
	}
	while (!err && (de = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (*end || !pid || pid == flt->self)
			continue;
		if (flt->want_pid && !flt->want_pid(flt->ctx, pid))
			continue;
		err = snap_proc(pid, flt, cg, ts, rec, ns, fn, ctx);
	}
	closedir(d);
	sr_netsnap__free(ns);
	free(rec);
	return err;
}
