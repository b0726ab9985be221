// SPDX-License-Identifier: GPL-2.0-only
/*
 * an_import.c - trace files into the analysis database.
 *
 * One pass over the records of each recording (its files in rotation order)
 * keeps in memory what a record alone does not say: which process a pid is
 * right now, what each descriptor refers to, which (dev, ino) has which path.
 * Records come from a thread that reads ahead (an_feed.c).  Events are
 * inserted as they come, with prepared statements in one transaction;
 * processes, files, descriptor lifetimes and the aggregation tables are
 * written when the recording ends, indexes after everything.
 *
 * Every record is hostile: its size was checked by the reader against the
 * fixed size of its type, strings go through sr_event__str, and nothing here
 * trusts a pid, a descriptor or a length to be sensible.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sysrec/format.h"
#include "sysrec/util.h"
#include "analyze.h"

#define NONE		UINT32_MAX
#define DEAD		(UINT32_MAX - 1)	/* alive map: the pid's process exited */
#define EV_COLS		23	/* columns of table events */
#define EV_COL_COMM	13	/* the one text column */
#define EV_BATCH	32	/* event rows per INSERT */
#define FD_COLS		9	/* columns of table fds */
#define AGG_COLS	11	/* of agg */
#define AGGALL_COLS	10	/* of agg_all */
#define ROW_BATCH	32	/* rows per INSERT of fds, agg and agg_all */
#define START_SLACK_NS	50000000LL	/* /proc start times are in 10 ms ticks */
#define SYS_ID_MAX	(1u << 20)	/* names interned; packed in 20 bits in the agg key */

enum { HOW_OPEN, HOW_DUP, HOW_INHERIT, HOW_SNAPSHOT };
static const char *const how_names[] = { "open", "dup", "inherit", "snapshot" };

enum { RW_NONE, RW_READ, RW_WRITE };

struct an_file {
	uint64_t dev, ino;
	char *path;		/* NULL until a record names it */
	size_t path_len;
	/*
	 * Descriptors of processes alive now that refer to it: while there
	 * are some, its inode cannot have been given to another file.
	 */
	uint32_t nopen;
};

struct an_fd {
	int32_t fd;
	uint32_t file;		/* index in files, or NONE */
	uint32_t life;		/* index in lives */
	uint8_t cloexec;
};

struct an_proc {
	uint32_t pid, ppid;
	uint32_t parent;	/* index in procs, or NONE */
	char comm[SR_COMM_LEN + 1];
	char *exe, *cmdline, *cwd, *argv;
	size_t argv_len;
	uint32_t uid, gid;
	uint64_t cgroup_id;
	int64_t start_ts, exit_ts;
	int32_t exit_code;
	uint8_t has_start, exited, origin;
	uint32_t threads, execs;
	/*
	 * A thread other than the first was seen (a clone of one, or a record
	 * of one) since the process started or last exec'd: its table may be
	 * shared.  Threads that end are not counted off: this only errs on
	 * the side of "shared".
	 */
	uint8_t threaded;
	struct an_fd *fds;	/* sorted by fd */
	uint32_t nfds, capfds;
	/* memory */
	uint64_t mmaps, mapped, munmaps, unmapped, brks, brk_first, brk_last;
	int64_t cur, peak;
	/*
	 * Its last agg and tl rows (index + 1, 0: none): the next event of a
	 * process mostly falls in the same ones, which spares two hash lookups.
	 */
	uint32_t agg_hint, tl_hint;
};

enum { ORIGIN_SNAPSHOT, ORIGIN_FORK, ORIGIN_SEEN };
static const char *const origin_names[] = { "snapshot", "fork", "seen" };

struct an_life {
	uint32_t proc, file;
	int32_t fd;
	uint8_t how, cloexec, closed;
	int64_t opened_ts, closed_ts;
};

struct an_agg {
	int64_t bucket;
	uint32_t proc, file;
	uint64_t cgroup;
	uint64_t events, opens, reads, read_bytes, writes, write_bytes;
};

/* The timeline's finer buckets: events and bytes per 10 ms, process and cgroup. */
struct an_tl {
	int64_t bucket;
	uint32_t proc;
	uint64_t cgroup;
	uint64_t events, read_bytes, write_bytes;
};

/* Per syscall name: what --syscalls needs, gathered while importing. */
struct an_sys {
	char *name;
	uint8_t rw;		/* RW_* */
	uint8_t close_range;	/* closes (or marks) a range of descriptors */
	uint64_t calls, errors, total, max;
	uint64_t *durs;
	size_t ndurs, capdurs;
};

struct an_imp {
	sqlite3 *db;
	/* multi-row INSERTs: EV_BATCH or ROW_BATCH rows each */
	sqlite3_stmt *ins_events, *ins_fds, *ins_aggs, *ins_aggalls;
	sqlite3_stmt *ins_event, *ins_open, *ins_dup, *ins_mmap, *ins_fork,
		     *ins_exit, *ins_exec, *ins_sys, *ins_lost, *ins_cgroup,
		     *ins_proc, *ins_file, *ins_fd, *ins_agg, *ins_mem, *ins_trace,
		     *ins_tmeta, *ins_sysname, *ins_tl, *ins_aggall, *ins_memev,
		     *ins_filestats, *ins_cgstats;
	int progress;
	int event_rows;		/* rows of events and ev_*, or only their ids counted */
	int64_t next_event;	/* events.id of the next event (also without rows) */
	int64_t file_base, proc_base;	/* ids of index 0 in this recording */
	int keep_durs;		/* the database was empty: sys_stats from memory */

	/* syscall names, interned over the whole import; sys_id = index + 1 */
	struct an_sys *sys;
	size_t nsys, capsys;
	struct sr_map sys_map;	/* (hash, len, 0) -> index */
	int32_t *nr_sys;	/* per trace: nr -> sys index + 1, 0 = not looked up */

	/* the recording being imported */
	int64_t rec_id;
	int64_t start;		/* bucket 0 begins here */
	int have_start, ts_sorted;
	int64_t last_ts;
	int64_t first_event;
	uint64_t rec_events, rec_lost;
	int64_t rec_stop;
	struct an_file *files;
	size_t nfiles, capfiles;
	struct sr_map file_map;
	struct an_proc *procs;
	size_t nprocs, capprocs;
	struct sr_map alive;	/* pid -> proc index */
	struct an_life *lives;
	size_t nlives, caplives;
	struct an_agg *aggs;
	size_t naggs, capaggs;
	struct sr_map agg_map;
	struct sr_map fd_map;	/* (proc, fd) -> position in procs[proc].fds */
	struct an_tl *tls;
	size_t ntls, captls;
	struct sr_map tl_map;

	_Alignas(8) unsigned char tmp[65536];	/* a record with its ts clamped */

	/*
	 * Event rows wait here and go in EV_BATCH at a time: one multi-row
	 * INSERT costs SQLite about a third less per row than single ones.
	 */
	struct ev_pending {
		int64_t v[EV_COLS];
		uint32_t nulls;		/* bit k: column k is NULL */
		uint8_t comm_len;
		char comm[SR_COMM_LEN];
	} pend[EV_BATCH];
	int npend;

	/* the trace being read */
	int64_t trace_id;
	const struct sr_an_feed *feed;	/* its records, read on another thread */
	const char *fname;
	uint64_t tr_events, tr_lost, tr_unknown;
};

volatile sig_atomic_t sr_an_stop;

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* A string field of a record, or NULL/0 when it points outside the record. */
static const char *ev_str(const struct sr_event *ev, struct sr_str ref, size_t *len)
{
	const char *s;

	if (sr_event__str(ev, ref, &s, len) || !*len) {
		*len = 0;
		return NULL;
	}
	return s;
}

static size_t comm_len(const uint8_t *comm)
{
	size_t n = 0;

	while (n < SR_COMM_LEN && comm[n])
		n++;
	return n;
}

static int is_err(int64_t ret)
{
	return ret < 0 && ret >= -4095;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s, size_t len)
{
	if (s)
		sqlite3_bind_text(st, i, s, (int)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int step_reset(struct an_imp *im, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		sr_err("database: %s", sqlite3_errmsg(im->db));
		return -EIO;
	}
	return 0;
}

/* --- syscall names --- */

static int classify_rw(const char *name)
{
	if (strstr(name, "read") || !strncmp(name, "recv", 4))
		return RW_READ;
	if (strstr(name, "write") || !strncmp(name, "send", 4))
		return RW_WRITE;
	return RW_NONE;
}

/* Intern a name: returns its index, or NONE. */
static uint32_t sys_intern(struct an_imp *im, const char *name, int insert_db)
{
	size_t len = strlen(name);
	uint64_t h = sr_hash_bytes(name, len);
	uint32_t i = sr_map__get(&im->sys_map, h, len, 0);
	struct an_sys *s;

	if (i != NONE)
		return i;
	if (im->nsys + 1 >= SYS_ID_MAX ||
	    sr_grow(&im->sys, &im->capsys, im->nsys + 1, sizeof(*im->sys)))
		return NONE;
	s = &im->sys[im->nsys];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	if (!s->name || sr_map__set(&im->sys_map, h, len, 0, (uint32_t)im->nsys))
		return NONE;
	s->rw = (uint8_t)classify_rw(name);
	s->close_range = !strcmp(name, "close_range");
	if (insert_db) {
		sqlite3_bind_int64(im->ins_sysname, 1, (int64_t)im->nsys + 1);
		sqlite3_bind_text(im->ins_sysname, 2, name, (int)len, SQLITE_STATIC);
		sqlite3_bind_int(im->ins_sysname, 3, s->rw);
		if (step_reset(im, im->ins_sysname))
			return NONE;
	}
	return (uint32_t)im->nsys++;
}

static int load_sysnames(struct an_imp *im)
{
	sqlite3_stmt *st;
	int err = sr_an_prepare(im->db, "SELECT sys_id, name FROM syscalls ORDER BY sys_id", &st);

	if (err)
		return err;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 1);

		/* ids were given densely from 1 by earlier imports */
		if (!n || sqlite3_column_int64(st, 0) != (int64_t)im->nsys + 1 ||
		    sys_intern(im, n, 0) == NONE) {
			sqlite3_finalize(st);
			sr_err("database: the syscalls table is not as sysrec wrote it");
			return -EINVAL;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* The sys index for nr in the current trace (the file's own table first). */
static uint32_t sys_of(struct an_imp *im, unsigned int nr)
{
	const struct sr_syscall *sc;
	const char *name;
	char buf[32];
	uint32_t i;

	if (im->nr_sys[nr])
		return (uint32_t)(im->nr_sys[nr] - 1);
	name = sr_an_feed__syscall_name(im->feed, nr);
	if (!name || !*name) {
		sc = sr_syscall_by_nr(nr);
		if (sc)
			name = sc->name;
	}
	if (!name || !*name) {
		snprintf(buf, sizeof(buf), "syscall_%u", nr);
		name = buf;
	}
	i = sys_intern(im, name, 1);
	if (i != NONE)
		im->nr_sys[nr] = (int32_t)i + 1;
	return i;
}

/* --- files --- */

static uint32_t file_new(struct an_imp *im, uint64_t a, uint64_t b, uint64_t c,
			 uint64_t dev, uint64_t ino, const char *path, size_t len)
{
	struct an_file *f;
	uint32_t i = (uint32_t)im->nfiles;

	if (im->nfiles + 1 >= NONE || sr_grow(&im->files, &im->capfiles, im->nfiles + 1,
					   sizeof(*im->files)))
		return NONE;
	f = &im->files[i];
	f->dev = dev;
	f->ino = ino;
	f->path = path ? sr_memdup0(path, len) : NULL;
	f->path_len = f->path ? len : 0;
	f->nopen = 0;
	if (sr_map__set(&im->file_map, a, b, c, i)) {
		free(f->path);
		return NONE;
	}
	im->nfiles++;
	return i;
}

/*
 * The file of (dev, ino), learning its path when the record gives one and
 * none was known.  A file with no dev/ino (an open that could not read them)
 * is known by its path alone.
 */
/* File i, named @path if no record named it before. */
static uint32_t file_named(struct an_imp *im, uint32_t i, const char *path, size_t len)
{
	if (path && !im->files[i].path) {
		im->files[i].path = sr_memdup0(path, len);
		im->files[i].path_len = im->files[i].path ? len : 0;
	}
	return i;
}

static uint32_t file_get(struct an_imp *im, uint64_t dev, uint64_t ino,
			 const char *path, size_t len)
{
	uint32_t i;

	if (!dev && !ino) {
		uint64_t h;

		if (!path)
			return NONE;
		h = sr_hash_bytes(path, len);
		i = sr_map__get(&im->file_map, h, len, 1);
		if (i != NONE)
			return i;
		return file_new(im, h, len, 1, 0, 0, path, len);
	}
	i = sr_map__get(&im->file_map, dev, ino, 0);
	if (i == NONE)
		return file_new(im, dev, ino, 0, dev, ino, path, len);
	return file_named(im, i, path, len);
}

/*
 * The file a successful open of the kernel's @path gave (dev, ino).
 * Unlinks are not traced, so a deleted file's inode number given to a new
 * file would make the two one file under the first one's path.  An inode
 * is reused only once nothing holds the old file open: so an open that
 * names another path than the file's, while no descriptor refers to it,
 * is a new file of that (dev, ino), and later records of the (dev, ino)
 * are the new one's.  While a descriptor is open, another path is a hard
 * link to the same file.
 */
static uint32_t file_of_open(struct an_imp *im, uint64_t dev, uint64_t ino,
			     const char *path, size_t len)
{
	uint32_t i;
	const struct an_file *f;

	if (!dev && !ino)
		return file_get(im, dev, ino, path, len);
	i = sr_map__get(&im->file_map, dev, ino, 0);
	f = i == NONE ? NULL : &im->files[i];
	if (!f || (f->path && !f->nopen && (f->path_len != len || memcmp(f->path, path, len))))
		return file_new(im, dev, ino, 0, dev, ino, path, len);
	return file_named(im, i, path, len);
}

/* A descriptor starts (+1) or stops (-1) referring to @file. */
static void file_ref(struct an_imp *im, uint32_t file, int delta)
{
	if (file < im->nfiles)
		im->files[file].nopen += (uint32_t)delta;
}

/* --- processes and their descriptors --- */

/*
 * A process's descriptors: an unsorted array, found through im->fd_map
 * ((proc, fd) -> position), so that opening, closing and looking up are
 * O(1) whatever fds a (hostile) trace throws at us.
 */
static struct an_fd *fd_find(struct an_imp *im, uint32_t proc, int32_t fd)
{
	uint32_t pos = sr_map__get(&im->fd_map, proc, (uint32_t)fd, 0);

	if (pos == NONE || pos >= im->procs[proc].nfds)
		return NULL;
	return &im->procs[proc].fds[pos];
}

static void life_close(struct an_imp *im, uint32_t life, int64_t ts)
{
	struct an_life *l = &im->lives[life];

	if (!l->closed) {
		l->closed = 1;
		l->closed_ts = ts;
	}
}

/* Take the entry at pos out of the array: the last one moves into its place. */
static void fd_remove(struct an_imp *im, uint32_t proc, uint32_t pos)
{
	struct an_proc *p = &im->procs[proc];
	uint32_t last = p->nfds - 1;

	sr_map__del(&im->fd_map, proc, (uint32_t)p->fds[pos].fd, 0);
	file_ref(im, p->fds[pos].file, -1);
	if (pos != last) {
		p->fds[pos] = p->fds[last];
		/* cannot fail: the key is there, only its value changes */
		sr_map__set(&im->fd_map, proc, (uint32_t)p->fds[pos].fd, 0, pos);
	}
	p->nfds--;
}

static void fd_close(struct an_imp *im, uint32_t proc, int32_t fd, int64_t ts)
{
	struct an_fd *e = fd_find(im, proc, fd);

	if (!e)
		return;
	life_close(im, e->life, ts);
	fd_remove(im, proc, (uint32_t)(e - im->procs[proc].fds));
}

/* Descriptor fd of proc now refers to file: a new lifetime (closing an old one). */
static int fd_assign(struct an_imp *im, uint32_t proc, int32_t fd, uint32_t file,
		     int cloexec, int how, int64_t ts)
{
	struct an_proc *p;
	struct an_life *l;
	struct an_fd *e;
	size_t cap;

	if (fd < 0)
		return 0;
	if (im->nlives + 1 >= NONE ||
	    sr_grow(&im->lives, &im->caplives, im->nlives + 1, sizeof(*im->lives)))
		return -ENOMEM;
	p = &im->procs[proc];
	e = fd_find(im, proc, fd);
	if (e) {
		life_close(im, e->life, ts);
		file_ref(im, e->file, -1);
	} else {
		cap = p->capfds;
		if (p->nfds + 1 >= NONE || sr_grow(&p->fds, &cap, (size_t)p->nfds + 1, sizeof(*p->fds)))
			return -ENOMEM;
		p->capfds = (uint32_t)cap;
		if (sr_map__set(&im->fd_map, proc, (uint32_t)fd, 0, p->nfds))
			return -ENOMEM;
		e = &p->fds[p->nfds++];
	}
	e->fd = fd;
	e->file = file;
	file_ref(im, file, 1);
	e->cloexec = !!cloexec;
	e->life = (uint32_t)im->nlives;
	l = &im->lives[im->nlives++];
	l->proc = proc;
	l->file = file;
	l->fd = fd;
	l->how = (uint8_t)how;
	l->cloexec = !!cloexec;
	l->closed = 0;
	l->opened_ts = ts;
	l->closed_ts = 0;
	return 0;
}

static void fds_close_all(struct an_imp *im, uint32_t proc, int64_t ts, int only_cloexec)
{
	struct an_proc *p = &im->procs[proc];

	for (uint32_t i = p->nfds; i-- > 0;) {
		if (only_cloexec && !p->fds[i].cloexec)
			continue;
		life_close(im, p->fds[i].life, ts);
		fd_remove(im, proc, i);
	}
}

/* The process ends (its exit was seen, or its pid was taken by another). */
static void proc_end(struct an_imp *im, uint32_t proc, int64_t ts)
{
	fds_close_all(im, proc, ts, 0);
	free(im->procs[proc].fds);
	im->procs[proc].fds = NULL;
	im->procs[proc].capfds = 0;
}

static uint32_t proc_new(struct an_imp *im, uint32_t pid, const struct sr_event *h, int origin)
{
	struct an_proc *p;
	uint32_t i = (uint32_t)im->nprocs, old;

	if (im->nprocs + 1 >= NONE ||
	    sr_grow(&im->procs, &im->capprocs, im->nprocs + 1, sizeof(*im->procs)))
		return NONE;
	old = sr_map__get(&im->alive, pid, 0, 0);
	if (sr_map__set(&im->alive, pid, 0, 0, i))
		return NONE;
	if (old < DEAD)
		proc_end(im, old, (int64_t)h->ts);
	p = &im->procs[i];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->parent = NONE;
	memcpy(p->comm, h->comm, SR_COMM_LEN);
	p->comm[comm_len(h->comm)] = 0;
	p->uid = h->uid;
	p->gid = h->gid;
	p->cgroup_id = h->cgroup_id;
	p->origin = (uint8_t)origin;
	im->nprocs++;
	return i;
}

/* The live process of the record's pid, made up when none was seen. */
static uint32_t proc_of(struct an_imp *im, const struct sr_event *h)
{
	uint32_t i = sr_map__get(&im->alive, h->pid, 0, 0);
	struct an_proc *p;

	if (i >= DEAD)
		return proc_new(im, h->pid, h, ORIGIN_SEEN);
	p = &im->procs[i];
	if (h->cgroup_id)
		p->cgroup_id = h->cgroup_id;
	/* the group leader's name is the process's name (prctl PR_SET_NAME) */
	if (h->tid == h->pid && memcmp(p->comm, h->comm, comm_len(h->comm) + (comm_len(h->comm) < SR_COMM_LEN))) {
		memcpy(p->comm, h->comm, SR_COMM_LEN);
		p->comm[comm_len(h->comm)] = 0;
	}
	return i;
}

static void set_str(char **dst, const char *s, size_t len)
{
	if (!s)
		return;
	free(*dst);
	*dst = sr_memdup0(s, len);
}

/* argv as one line: NULs between arguments become spaces. */
static void set_argv(struct an_proc *p, const char *s, size_t len)
{
	if (!s)
		return;
	while (len && !s[len - 1])
		len--;
	free(p->argv);
	free(p->cmdline);
	p->argv = sr_memdup0(s, len);
	p->argv_len = p->argv ? len : 0;
	p->cmdline = sr_memdup0(s, len);
	if (p->cmdline)
		for (size_t i = 0; i < len; i++)
			if (!p->cmdline[i])
				p->cmdline[i] = ' ';
}

/* --- aggregation --- */

/*
 * The agg row of (second, process, file, cgroup).  Types and syscalls are
 * not part of the key: what the I/O, file and overview reports need is
 * summed in columns, and --syscalls has its own table.
 */
static struct an_agg *agg_get(struct an_imp *im, int64_t ts, uint32_t proc, uint32_t file,
			      uint64_t cgroup)
{
	int64_t rel = ts - im->start, bucket;
	uint32_t i;
	struct an_agg *g;

	bucket = rel >= 0 ? rel / SR_NS_PER_SEC : -((-rel + SR_NS_PER_SEC - 1) / SR_NS_PER_SEC);
	i = im->procs[proc].agg_hint - 1;
	if (i != NONE) {
		g = &im->aggs[i];
		if (g->bucket == bucket && g->proc == proc && g->file == file && g->cgroup == cgroup)
			return g;
	}
	i = sr_map__get(&im->agg_map, (uint64_t)bucket, ((uint64_t)proc << 32) | file, cgroup);
	if (i != NONE) {
		im->procs[proc].agg_hint = i + 1;
		return &im->aggs[i];
	}
	if (im->naggs + 1 >= NONE ||
	    sr_grow(&im->aggs, &im->capaggs, im->naggs + 1, sizeof(*im->aggs)) ||
	    sr_map__set(&im->agg_map, (uint64_t)bucket, ((uint64_t)proc << 32) | file, cgroup,
			(uint32_t)im->naggs))
		return NULL;
	im->procs[proc].agg_hint = (uint32_t)im->naggs + 1;
	g = &im->aggs[im->naggs++];
	memset(g, 0, sizeof(*g));
	g->bucket = bucket;
	g->proc = proc;
	g->file = file;
	g->cgroup = cgroup;
	return g;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b && (a < 0) != (b < 0)) ? q - 1 : q;
}

static struct an_tl *tl_get(struct an_imp *im, int64_t ts, uint32_t proc, uint64_t cgroup)
{
	int64_t bucket = floor_div(ts - im->start, SR_TL_NS);
	uint32_t i = im->procs[proc].tl_hint - 1;
	struct an_tl *t;

	if (i != NONE) {
		t = &im->tls[i];
		if (t->bucket == bucket && t->proc == proc && t->cgroup == cgroup)
			return t;
	}
	i = sr_map__get(&im->tl_map, (uint64_t)bucket, proc, cgroup);
	if (i != NONE) {
		im->procs[proc].tl_hint = i + 1;
		return &im->tls[i];
	}
	if (im->ntls + 1 >= NONE ||
	    sr_grow(&im->tls, &im->captls, im->ntls + 1, sizeof(*im->tls)) ||
	    sr_map__set(&im->tl_map, (uint64_t)bucket, proc, cgroup, (uint32_t)im->ntls))
		return NULL;
	im->procs[proc].tl_hint = (uint32_t)im->ntls + 1;
	t = &im->tls[im->ntls++];
	memset(t, 0, sizeof(*t));
	t->bucket = bucket;
	t->proc = proc;
	t->cgroup = cgroup;
	return t;
}

/* --- records --- */

struct ev_row {
	int32_t fd;		/* -1: none */
	uint32_t file;
	int has_len, has_off, has_arg;
	uint64_t len;
	int64_t off, arg;
};

/* Write the waiting event rows: a full batch in one statement, a rest one by one. */
static int flush_events(struct an_imp *im)
{
	sqlite3_stmt *st = im->npend == EV_BATCH ? im->ins_events : im->ins_event;
	int n = im->npend == EV_BATCH ? EV_BATCH : 1;

	for (int done = 0; done < im->npend; done += n) {
		for (int k = 0; k < n; k++) {
			struct ev_pending *r = &im->pend[done + k];

			for (int c = 0; c < EV_COLS; c++) {
				int at = k * EV_COLS + c + 1;

				if (c == EV_COL_COMM)
					sqlite3_bind_text(st, at, r->comm, r->comm_len, SQLITE_STATIC);
				else if (r->nulls & (1u << c))
					sqlite3_bind_null(st, at);
				else
					sqlite3_bind_int64(st, at, r->v[c]);
			}
		}
		if (step_reset(im, st))
			return -EIO;
	}
	im->npend = 0;
	return 0;
}

/* The events row of a record, queued for the next batch INSERT. */
static int queue_event_row(struct an_imp *im, const struct sr_event *h, uint32_t proc,
			   const struct sr_sys *s, uint32_t sys, const struct ev_row *x)
{
	struct ev_pending *r = &im->pend[im->npend];

	r->nulls = 0;
	r->v[0] = im->next_event;
	r->v[1] = im->trace_id;
	r->v[2] = im->rec_id;
	r->v[3] = (int64_t)h->ts;
	r->v[4] = h->type;
	r->v[5] = h->cpu;
	r->v[6] = h->flags;
	r->v[7] = im->proc_base + proc;
	r->v[8] = h->pid;
	r->v[9] = h->tid;
	r->v[10] = h->uid;
	r->v[11] = h->gid;
	r->v[12] = (int64_t)h->cgroup_id;
	r->comm_len = (uint8_t)comm_len(h->comm);
	memcpy(r->comm, h->comm, SR_COMM_LEN);
	if (s) {
		if (sys != NONE)
			r->v[14] = (int64_t)sys + 1;
		else
			r->nulls |= 1u << 14;
		r->v[15] = s->nr;
		r->v[16] = s->ret;
		r->v[17] = (int64_t)s->dur_ns;
	} else {
		r->nulls |= 0xfu << 14;
	}
	if (x->fd != -1)
		r->v[18] = x->fd;
	else
		r->nulls |= 1u << 18;
	if (x->file != NONE)
		r->v[19] = im->file_base + x->file;
	else
		r->nulls |= 1u << 19;
	if (x->has_len)
		r->v[20] = (int64_t)x->len;
	else
		r->nulls |= 1u << 20;
	if (x->has_off)
		r->v[21] = x->off;
	else
		r->nulls |= 1u << 21;
	if (x->has_arg)
		r->v[22] = x->arg;
	else
		r->nulls |= 1u << 22;
	if (++im->npend == EV_BATCH && flush_events(im))
		return -EIO;
	return 0;
}

static int insert_event(struct an_imp *im, const struct sr_event *h, uint32_t proc,
			const struct sr_sys *s, uint32_t sys, const struct ev_row *x)
{
	uint8_t rw = RW_NONE;
	struct an_agg *g;
	struct an_tl *t;
	int64_t dur = 0;

	if (im->event_rows && queue_event_row(im, h, proc, s, sys, x))
		return -EIO;
	/* ids are counted with or without rows: recordings.first_event is the same */
	if (!im->rec_events)
		im->first_event = im->next_event;
	im->next_event++;
	im->rec_events++;
	im->tr_events++;
	if ((int64_t)h->ts < im->last_ts)
		im->ts_sorted = 0;
	im->last_ts = (int64_t)h->ts;

	g = agg_get(im, (int64_t)h->ts, proc, x->file, h->cgroup_id);
	t = tl_get(im, (int64_t)h->ts, proc, h->cgroup_id);
	if (!g || !t)
		return -ENOMEM;
	g->events++;
	t->events++;
	if (!s)
		return 0;
	if (h->type == SR_EV_OPEN && s->ret >= 0)
		g->opens++;
	dur = sr_clamp_u64(s->dur_ns, SR_DUR_MAX);
	if (sys != NONE)
		rw = im->sys[sys].rw;
	if (h->type == SR_EV_RW && s->ret >= 0) {
		uint64_t bytes = (uint64_t)sr_io_bytes(s->ret);

		if (rw == RW_READ) {
			g->reads++;
			g->read_bytes += bytes;
			t->read_bytes += bytes;
		} else if (rw == RW_WRITE) {
			g->writes++;
			g->write_bytes += bytes;
			t->write_bytes += bytes;
		}
	}
	if (h->type == SR_EV_MMAP || h->type == SR_EV_MUNMAP || h->type == SR_EV_BRK) {
		sqlite3_stmt *m = im->ins_memev;

		sqlite3_bind_int64(m, 1, im->proc_base + proc);
		sqlite3_bind_int64(m, 2, im->rec_id);
		sqlite3_bind_int64(m, 3, (int64_t)h->ts);
		sqlite3_bind_int(m, 4, h->type);
		sqlite3_bind_int64(m, 5, s->ret);
		sqlite3_bind_int64(m, 6, sr_clamp_u64(x->len, SR_LEN_MAX));
		if (step_reset(im, m))
			return -EIO;
	}
	if (sys != NONE) {
		struct an_sys *y = &im->sys[sys];

		y->calls++;
		y->errors += is_err(s->ret);
		y->total = (uint64_t)sr_sum((int64_t)y->total, dur);
		if ((uint64_t)dur > y->max)
			y->max = (uint64_t)dur;
		if (im->keep_durs) {
			if (sr_grow(&y->durs, &y->capdurs, y->ndurs + 1, sizeof(*y->durs)))
				return -ENOMEM;
			y->durs[y->ndurs++] = (uint64_t)dur;
		}
	}
	return 0;
}

/* The file behind a descriptor: the record's dev/ino first, else what we tracked. */
static uint32_t file_of_fd(struct an_imp *im, uint32_t proc, int32_t fd,
			   uint64_t dev, uint64_t ino)
{
	struct an_fd *e;

	if (dev || ino)
		return file_get(im, dev, ino, NULL, 0);
	if (fd < 0)
		return NONE;
	e = fd_find(im, proc, fd);
	return e ? e->file : NONE;
}

static int64_t event_id_now(struct an_imp *im)
{
	return im->next_event;
}

static int do_exec(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		   const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_exec *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE };
	const char *fn, *path, *argv;
	size_t fnl, pl, al;
	struct an_proc *p;
	sqlite3_stmt *st = im->ins_exec;
	int64_t id = event_id_now(im);

	fn = ev_str(ev, e->filename, &fnl);
	path = ev_str(ev, e->path, &pl);
	argv = ev_str(ev, e->argv, &al);
	if (e->dev || e->ino || path)
		x.file = file_get(im, e->dev, e->ino, path, pl);
	if (!is_err(s->ret)) {
		p = &im->procs[proc];
		p->execs++;
		p->threaded = 0;	/* exec leaves the process one thread */
		memcpy(p->comm, ev->comm, SR_COMM_LEN);
		p->comm[comm_len(ev->comm)] = 0;
		set_str(&p->exe, path ? path : fn, path ? pl : fnl);
		set_argv(p, argv, al);
		fds_close_all(im, proc, (int64_t)ev->ts, 1);
	}
	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, im->proc_base + proc);
		sqlite3_bind_int64(st, 3, e->old_tid);
		sqlite3_bind_int64(st, 4, e->argc);
		sqlite3_bind_int64(st, 5, (int64_t)e->dev);
		sqlite3_bind_int64(st, 6, (int64_t)e->ino);
		if (x.file != NONE)
			sqlite3_bind_int64(st, 7, im->file_base + x.file);
		else
			sqlite3_bind_null(st, 7);
		bind_text_or_null(st, 8, fn, fnl);
		bind_text_or_null(st, 9, path, pl);
		if (argv && !is_err(s->ret) && im->procs[proc].cmdline)
			sqlite3_bind_text(st, 10, im->procs[proc].cmdline, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(st, 10);
		if (argv)
			sqlite3_bind_blob(st, 11, argv, (int)al, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 11);
		if (step_reset(im, st))
			return -EIO;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int do_fork(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		   const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_fork *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE };
	sqlite3_stmt *st = im->ins_fork;
	int64_t id = event_id_now(im);
	uint32_t child = NONE;

	if (s->ret >= 0 && (ev->flags & SR_F_THREAD)) {
		im->procs[proc].threads++;
		im->procs[proc].threaded = 1;
	} else if (s->ret >= 0 && e->child_pid && e->child_pid != ev->pid) {
		struct an_proc *p, *c;

		child = sr_map__get(&im->alive, e->child_pid, 0, 0);
		/*
		 * The child may have run before the parent's record was taken:
		 * the process made up for its events is this one.
		 */
		if (child >= DEAD || im->procs[child].origin != ORIGIN_SEEN ||
		    im->procs[child].has_start) {
			child = proc_new(im, e->child_pid, ev, ORIGIN_FORK);
			if (child == NONE)
				return -ENOMEM;
		}
		p = &im->procs[proc];
		c = &im->procs[child];
		c->origin = ORIGIN_FORK;
		c->ppid = ev->pid;
		c->parent = proc;
		c->start_ts = (int64_t)ev->ts;
		c->has_start = 1;
		if (!c->exe && p->exe)
			c->exe = strdup(p->exe);
		if (!c->argv && p->argv)
			set_argv(c, p->argv, p->argv_len);
		if (!c->cwd && p->cwd)
			c->cwd = strdup(p->cwd);
		/* the child starts with a copy of the parent's table */
		for (uint32_t i = 0; i < im->procs[proc].nfds; i++) {
			struct an_fd f = im->procs[proc].fds[i];

			if (fd_find(im, child, f.fd))
				continue;
			if (fd_assign(im, child, f.fd, f.file, f.cloexec, HOW_INHERIT, (int64_t)ev->ts))
				return -ENOMEM;
		}
	}
	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, e->child_pid);
		sqlite3_bind_int64(st, 3, e->child_tid);
		sqlite3_bind_int64(st, 4, (int64_t)e->clone_flags);
		if (child != NONE)
			sqlite3_bind_int64(st, 5, im->proc_base + child);
		else
			sqlite3_bind_null(st, 5);
		if (step_reset(im, st))
			return -EIO;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int do_exit(struct an_imp *im, const struct sr_event *ev, uint32_t proc)
{
	const struct sr_ev_exit *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE };
	sqlite3_stmt *st = im->ins_exit;
	int64_t id = event_id_now(im);

	if (ev->flags & SR_F_GROUP_DEAD) {
		struct an_proc *p = &im->procs[proc];

		p->exited = 1;
		p->exit_ts = (int64_t)ev->ts;
		p->exit_code = e->exit_code;
		proc_end(im, proc, (int64_t)ev->ts);
	}
	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, e->exit_code);
		if (step_reset(im, st))
			return -EIO;
	}
	if (insert_event(im, ev, proc, NULL, NONE, &x))
		return -EIO;
	/* a pid seen after this is a new process */
	if (ev->flags & SR_F_GROUP_DEAD)
		sr_map__set(&im->alive, ev->pid, 0, 0, DEAD);
	return 0;
}

static int do_open(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		   const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_open *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE };
	sqlite3_stmt *st = im->ins_open;
	int64_t id = event_id_now(im);
	const char *name, *path;
	size_t nl, pl;

	name = ev_str(ev, e->name, &nl);
	path = ev_str(ev, e->path, &pl);
	if (s->ret >= 0 && s->ret <= INT32_MAX) {
		x.fd = (int32_t)s->ret;
		x.file = path ? file_of_open(im, e->dev, e->ino, path, pl)
			      : file_get(im, e->dev, e->ino, name, nl);
		if (fd_assign(im, proc, x.fd, x.file, e->flags & O_CLOEXEC, HOW_OPEN, (int64_t)ev->ts))
			return -ENOMEM;
	}
	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, e->dirfd);
		sqlite3_bind_int64(st, 3, e->flags);
		sqlite3_bind_int64(st, 4, e->mode);
		sqlite3_bind_int64(st, 5, (int64_t)e->resolve);
		bind_text_or_null(st, 6, name, nl);
		bind_text_or_null(st, 7, path, pl);
		if (step_reset(im, st))
			return -EIO;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int do_rw(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		 const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_rw *e = (const void *)ev;
	struct ev_row x = { .fd = e->fd, .has_len = 1, .len = e->count };

	x.file = file_of_fd(im, proc, e->fd, e->dev, e->ino);
	if (e->offset != -1) {
		x.has_off = 1;
		x.off = e->offset;
	}
	if (e->iovcnt) {
		x.has_arg = 1;
		x.arg = e->iovcnt;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int do_close(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		    const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_close *e = (const void *)ev;
	struct ev_row x = { .fd = e->fd };

	x.file = file_of_fd(im, proc, e->fd, e->dev, e->ino);
	/* the descriptor is gone even when close reports EINTR or EIO */
	if (s->ret != -EBADF)
		fd_close(im, proc, e->fd, (int64_t)ev->ts);
	return insert_event(im, ev, proc, s, sys, &x);
}

static int do_dup(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		  const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_dup *e = (const void *)ev;
	struct ev_row x = { .fd = e->fd };
	sqlite3_stmt *st = im->ins_dup;
	int64_t id = event_id_now(im);
	int is_fcntl = sys != NONE && !strcmp(im->sys[sys].name, "fcntl");
	int newfd = -1, cloexec = 0;

	x.file = file_of_fd(im, proc, e->fd, e->dev, e->ino);
	if (s->ret >= 0 && s->ret <= INT32_MAX) {
		if (!is_fcntl) {
			newfd = (int)s->ret;
			cloexec = !!(e->flags & O_CLOEXEC);	/* dup3 */
		} else if (e->cmd == F_DUPFD || e->cmd == F_DUPFD_CLOEXEC) {
			newfd = (int)s->ret;
			cloexec = e->cmd == F_DUPFD_CLOEXEC;
		} else if (e->cmd == F_SETFD) {
			struct an_fd *f;

			f = fd_find(im, proc, e->fd);
			if (f) {
				f->cloexec = !!(e->arg & FD_CLOEXEC);
				im->lives[f->life].cloexec = f->cloexec;
			}
		}
	}
	/* dup2(fd, fd) changes nothing */
	if (newfd >= 0 && newfd != e->fd) {
		if (fd_assign(im, proc, newfd, x.file, cloexec, HOW_DUP, (int64_t)ev->ts))
			return -ENOMEM;
	}
	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, e->newfd);
		sqlite3_bind_int64(st, 3, e->cmd);
		sqlite3_bind_int64(st, 4, e->flags);
		sqlite3_bind_int64(st, 5, (int64_t)e->arg);
		if (step_reset(im, st))
			return -EIO;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int do_mmap(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		   const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_mmap *e = (const void *)ev;
	struct ev_row x = { .fd = e->fd, .has_len = 1, .len = e->len, .has_off = 1,
			    .off = (int64_t)e->off };
	sqlite3_stmt *st = im->ins_mmap;
	int64_t id = event_id_now(im);
	struct an_proc *p;

	if (e->fd < 0)
		x.fd = -1;
	x.file = (e->dev || e->ino || e->fd >= 0) ?
		 file_of_fd(im, proc, e->fd, e->dev, e->ino) : NONE;
	if (!is_err(s->ret)) {
		p = &im->procs[proc];
		p->mmaps++;
		p->mapped = (uint64_t)sr_sum((int64_t)p->mapped, sr_clamp_u64(e->len, SR_LEN_MAX));
		p->cur = sr_sum(p->cur, sr_clamp_u64(e->len, SR_LEN_MAX));
		if (p->cur > p->peak)
			p->peak = p->cur;
	}
	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)e->addr);
		sqlite3_bind_int64(st, 3, e->prot);
		sqlite3_bind_int64(st, 4, e->flags);
		if (step_reset(im, st))
			return -EIO;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int do_munmap(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		     const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_munmap *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE, .has_len = 1, .len = e->len,
			    .has_arg = 1, .arg = (int64_t)e->addr };
	struct an_proc *p = &im->procs[proc];

	if (!is_err(s->ret)) {
		p->munmaps++;
		p->unmapped = (uint64_t)sr_sum((int64_t)p->unmapped, sr_clamp_u64(e->len, SR_LEN_MAX));
		p->cur = sr_sum(p->cur, -sr_clamp_u64(e->len, SR_LEN_MAX));
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

static int do_brk(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		  const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_brk *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE, .has_len = 1, .len = e->req };
	struct an_proc *p = &im->procs[proc];

	if (!is_err(s->ret)) {
		if (!p->brks)
			p->brk_first = (uint64_t)s->ret;
		p->brk_last = (uint64_t)s->ret;
		p->brks++;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE	(1u << 1)	/* linux/close_range.h */
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1u << 2)
#endif

/*
 * close_range(first, last, flags): the descriptors in [first, last] are
 * closed, or with CLOSE_RANGE_CLOEXEC marked close-on-exec.  With
 * CLOSE_RANGE_UNSHARE the calling thread gets a table of its own first:
 * the process's one table of this model stays right only when no other
 * thread shares it, so in a process that may have one (an_proc.threaded)
 * nothing is changed: a descriptor left open here at worst keeps a reused
 * inode under its old file.
 */
static void close_range_fds(struct an_imp *im, uint32_t proc, uint64_t first, uint64_t last,
			    uint64_t flags, int64_t ts)
{
	struct an_proc *p = &im->procs[proc];

	first = (uint32_t)first;
	last = (uint32_t)last;
	for (uint32_t i = p->nfds; i-- > 0;) {
		struct an_fd *f = &p->fds[i];

		if ((uint64_t)(uint32_t)f->fd < first || (uint64_t)(uint32_t)f->fd > last)
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC) {
			f->cloexec = 1;
			im->lives[f->life].cloexec = 1;
		} else {
			life_close(im, f->life, ts);
			fd_remove(im, proc, i);
		}
	}
}

static int do_syscall(struct an_imp *im, const struct sr_event *ev, uint32_t proc,
		      const struct sr_sys *s, uint32_t sys)
{
	const struct sr_ev_syscall *e = (const void *)ev;
	struct ev_row x = { .fd = -1, .file = NONE };
	sqlite3_stmt *st = im->ins_sys;

	if (sys < im->nsys && im->sys[sys].close_range && s->ret == 0 &&
	    (!(e->args[2] & CLOSE_RANGE_UNSHARE) || !im->procs[proc].threaded))
		close_range_fds(im, proc, e->args[0], e->args[1], e->args[2], (int64_t)ev->ts);

	if (im->event_rows) {
		sqlite3_bind_int64(st, 1, event_id_now(im));
		for (int i = 0; i < 6; i++)
			sqlite3_bind_int64(st, 2 + i, (int64_t)e->args[i]);
		if (step_reset(im, st))
			return -EIO;
	}
	return insert_event(im, ev, proc, s, sys, &x);
}

/* --- snapshot records: state, not events --- */

static int do_proc(struct an_imp *im, const struct sr_event *ev)
{
	const struct sr_ev_proc *e = (const void *)ev;
	const char *exe, *argv, *cwd;
	size_t el, al, cl;
	uint32_t i = sr_map__get(&im->alive, ev->pid, 0, 0);
	struct an_proc *p;

	exe = ev_str(ev, e->exe, &el);
	argv = ev_str(ev, e->argv, &al);
	cwd = ev_str(ev, e->cwd, &cl);
	/*
	 * The same process again in the next file of a rotated set.  /proc
	 * gives start times in clock ticks, so they are compared loosely: only
	 * a start clearly after the one we know is a new process on a reused pid.
	 */
	if (i < DEAD && (!e->start_ns || !im->procs[i].has_start ||
			 sr_clamp_u64(e->start_ns, SR_TS_MAX) <= im->procs[i].start_ts + START_SLACK_NS)) {
		p = &im->procs[i];
		if (!p->exe)
			set_str(&p->exe, exe, el);
		if (!p->argv)
			set_argv(p, argv, al);
		if (!p->cwd)
			set_str(&p->cwd, cwd, cl);
		if (!p->has_start && e->start_ns) {
			p->start_ts = sr_clamp_u64(e->start_ns, SR_TS_MAX);
			p->has_start = 1;
		}
		return 0;
	}
	i = proc_new(im, ev->pid, ev, ORIGIN_SNAPSHOT);
	if (i == NONE)
		return -ENOMEM;
	p = &im->procs[i];
	p->ppid = e->ppid;
	if (e->start_ns) {
		p->start_ts = sr_clamp_u64(e->start_ns, SR_TS_MAX);
		p->has_start = 1;
	}
	set_str(&p->exe, exe, el);
	set_argv(p, argv, al);
	set_str(&p->cwd, cwd, cl);
	return 0;
}

static int do_fd(struct an_imp *im, const struct sr_event *ev)
{
	const struct sr_ev_fd *e = (const void *)ev;
	const char *path;
	size_t pl;
	uint32_t proc, file;
	struct an_fd *f;

	path = ev_str(ev, e->path, &pl);
	proc = proc_of(im, ev);
	if (proc == NONE)
		return -ENOMEM;
	file = file_get(im, e->dev, e->ino, path, pl);
	f = fd_find(im, proc, e->fd);
	if (f && f->file == file) {
		f->cloexec = !!(e->flags & O_CLOEXEC);
		return 0;
	}
	return fd_assign(im, proc, e->fd, file, e->flags & O_CLOEXEC, HOW_SNAPSHOT, (int64_t)ev->ts);
}

static int do_cgroup(struct an_imp *im, const struct sr_event *ev)
{
	const struct sr_ev_cgroup *e = (const void *)ev;
	sqlite3_stmt *st = im->ins_cgroup;
	struct sr_cg_info ci;
	const char *path;
	size_t pl;

	path = ev_str(ev, e->path, &pl);
	sr_cg_parse(path, pl, &ci);
	sqlite3_bind_int64(st, 1, im->rec_id);
	sqlite3_bind_int64(st, 2, (int64_t)e->id);
	bind_text_or_null(st, 3, path, pl);
	bind_text_or_null(st, 4, ci.runtime[0] ? ci.runtime : NULL, strlen(ci.runtime));
	bind_text_or_null(st, 5, ci.id[0] ? ci.id : NULL, strlen(ci.id));
	bind_text_or_null(st, 6, ci.unit[0] ? ci.unit : NULL, strlen(ci.unit));
	return step_reset(im, st);
}

static int do_lost(struct an_imp *im, const struct sr_event *ev)
{
	const struct sr_ev_lost *e = (const void *)ev;
	sqlite3_stmt *st = im->ins_lost;

	sqlite3_bind_int64(st, 1, im->rec_id);
	sqlite3_bind_int64(st, 2, im->trace_id);
	sqlite3_bind_int64(st, 3, (int64_t)ev->ts);
	sqlite3_bind_int(st, 4, ev->cpu);
	sqlite3_bind_int64(st, 5, sr_clamp_u64(e->count, SR_LOST_MAX));
	im->rec_lost += (uint64_t)sr_clamp_u64(e->count, SR_LOST_MAX);
	im->tr_lost += (uint64_t)sr_clamp_u64(e->count, SR_LOST_MAX);
	return step_reset(im, st);
}

/* A record of a known type, as big as its type says. */
static int known_record(const struct sr_event *ev)
{
	const struct sr_type *t = ev->type < SR_EV_TYPE_MAX ? sr_schema_type(ev->type) : NULL;

	return t && ev->size >= t->fixed_size;
}

/*
 * A record whose syscall do_record() names (sys_of()): every event but exit.
 * The feed looks the name up when it reads the first of each number.
 */
static int record_has_sys(const struct sr_event *ev)
{
	return known_record(ev) && sr_type_has_sys(ev->type);
}

static int do_record(struct an_imp *im, const struct sr_event *ev)
{
	const struct sr_sys *s = NULL;
	uint32_t proc, sys = NONE;

	/* a timestamp past SR_TS_MAX is clamped on a copy: rare, so cheap */
	if (ev->ts > (uint64_t)SR_TS_MAX) {
		uint64_t ts = SR_TS_MAX;

		memcpy(im->tmp, ev, ev->size);
		memcpy(im->tmp + offsetof(struct sr_event, ts), &ts, sizeof(ts));
		ev = (const void *)im->tmp;
	}

	if (!known_record(ev)) {
		im->tr_unknown++;
		return 0;
	}
	if (!im->have_start) {
		im->start = (int64_t)ev->ts;
		im->have_start = 1;
	}
	if ((int64_t)ev->ts > im->rec_stop)
		im->rec_stop = (int64_t)ev->ts;
	switch (ev->type) {
	case SR_EV_LOST:
		return do_lost(im, ev);
	case SR_EV_PROC:
		return do_proc(im, ev);
	case SR_EV_FD:
		return do_fd(im, ev);
	case SR_EV_CGROUP:
		return do_cgroup(im, ev);
	default:
		break;
	}
	proc = proc_of(im, ev);
	if (proc == NONE)
		return -ENOMEM;
	if (ev->tid != ev->pid)
		im->procs[proc].threaded = 1;
	if (record_has_sys(ev)) {
		s = (const void *)(ev + 1);
		sys = sys_of(im, s->nr);
	}
	switch (ev->type) {
	case SR_EV_EXEC:	return do_exec(im, ev, proc, s, sys);
	case SR_EV_FORK:	return do_fork(im, ev, proc, s, sys);
	case SR_EV_EXIT:	return do_exit(im, ev, proc);
	case SR_EV_OPEN:	return do_open(im, ev, proc, s, sys);
	case SR_EV_RW:		return do_rw(im, ev, proc, s, sys);
	case SR_EV_CLOSE:	return do_close(im, ev, proc, s, sys);
	case SR_EV_DUP:		return do_dup(im, ev, proc, s, sys);
	case SR_EV_MMAP:	return do_mmap(im, ev, proc, s, sys);
	case SR_EV_MUNMAP:	return do_munmap(im, ev, proc, s, sys);
	case SR_EV_BRK:		return do_brk(im, ev, proc, s, sys);
	case SR_EV_SYSCALL:	return do_syscall(im, ev, proc, s, sys);
	}
	return 0;
}

/* --- one recording: state in, rows out --- */

static void rec_reset(struct an_imp *im)
{
	for (size_t i = 0; i < im->nfiles; i++)
		free(im->files[i].path);
	for (size_t i = 0; i < im->nprocs; i++) {
		struct an_proc *p = &im->procs[i];

		free(p->exe);
		free(p->cmdline);
		free(p->cwd);
		free(p->argv);
		free(p->fds);
	}
	free(im->files);
	free(im->procs);
	free(im->lives);
	free(im->aggs);
	free(im->tls);
	im->tls = NULL;
	im->ntls = im->captls = 0;
	sr_map__clear(&im->tl_map);
	im->files = NULL;
	im->procs = NULL;
	im->lives = NULL;
	im->aggs = NULL;
	im->nfiles = im->capfiles = im->nprocs = im->capprocs = 0;
	im->nlives = im->caplives = im->naggs = im->capaggs = 0;
	sr_map__clear(&im->file_map);
	sr_map__clear(&im->alive);
	sr_map__clear(&im->agg_map);
	sr_map__clear(&im->fd_map);
}

static void bind_id_or_null(sqlite3_stmt *st, int i, int64_t base, uint32_t idx)
{
	if (idx == NONE)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, base + idx);
}

static int write_procs(struct an_imp *im)
{
	sqlite3_stmt *st = im->ins_proc, *sm = im->ins_mem;

	for (size_t i = 0; i < im->nprocs; i++) {
		struct an_proc *p = &im->procs[i];
		int64_t id = im->proc_base + (int64_t)i;

		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, im->rec_id);
		sqlite3_bind_int64(st, 3, p->pid);
		if (p->ppid)
			sqlite3_bind_int64(st, 4, p->ppid);
		else
			sqlite3_bind_null(st, 4);
		bind_id_or_null(st, 5, im->proc_base, p->parent);
		sqlite3_bind_text(st, 6, p->comm, -1, SQLITE_STATIC);
		bind_text_or_null(st, 7, p->exe, p->exe ? strlen(p->exe) : 0);
		bind_text_or_null(st, 8, p->cmdline, p->cmdline ? strlen(p->cmdline) : 0);
		if (p->argv)
			sqlite3_bind_blob(st, 9, p->argv, (int)p->argv_len, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 9);
		bind_text_or_null(st, 10, p->cwd, p->cwd ? strlen(p->cwd) : 0);
		sqlite3_bind_int64(st, 11, p->uid);
		sqlite3_bind_int64(st, 12, p->gid);
		sqlite3_bind_int64(st, 13, (int64_t)p->cgroup_id);
		if (p->has_start)
			sqlite3_bind_int64(st, 14, p->start_ts);
		else
			sqlite3_bind_null(st, 14);
		if (p->exited) {
			sqlite3_bind_int64(st, 15, p->exit_ts);
			sqlite3_bind_int64(st, 16, p->exit_code);
			sqlite3_bind_int64(st, 17, (p->exit_code >> 8) & 0xff);
			sqlite3_bind_int64(st, 18, p->exit_code & 0x7f);
		} else {
			for (int k = 15; k <= 18; k++)
				sqlite3_bind_null(st, k);
		}
		sqlite3_bind_int64(st, 19, p->threads);
		sqlite3_bind_int64(st, 20, p->execs);
		sqlite3_bind_text(st, 21, origin_names[p->origin], -1, SQLITE_STATIC);
		if (step_reset(im, st))
			return -EIO;
		if (!p->mmaps && !p->munmaps && !p->brks)
			continue;
		sqlite3_bind_int64(sm, 1, id);
		sqlite3_bind_int64(sm, 2, (int64_t)p->mmaps);
		sqlite3_bind_int64(sm, 3, (int64_t)p->mapped);
		sqlite3_bind_int64(sm, 4, (int64_t)p->munmaps);
		sqlite3_bind_int64(sm, 5, (int64_t)p->unmapped);
		sqlite3_bind_int64(sm, 6, p->peak);
		sqlite3_bind_int64(sm, 7, (int64_t)p->brks);
		sqlite3_bind_int64(sm, 8, (int64_t)p->brk_first);
		sqlite3_bind_int64(sm, 9, (int64_t)p->brk_last);
		if (step_reset(im, sm))
			return -EIO;
	}
	return 0;
}

static int write_files(struct an_imp *im)
{
	sqlite3_stmt *st = im->ins_file;
	char name[96];

	for (size_t i = 0; i < im->nfiles; i++) {
		struct an_file *f = &im->files[i];

		sqlite3_bind_int64(st, 1, im->file_base + (int64_t)i);
		sqlite3_bind_int64(st, 2, im->rec_id);
		sqlite3_bind_int64(st, 3, (int64_t)f->dev);
		sqlite3_bind_int64(st, 4, (int64_t)f->ino);
		if (f->path) {
			sqlite3_bind_text(st, 5, f->path, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 6, f->path, -1, SQLITE_STATIC);
		} else {
			snprintf(name, sizeof(name), "dev %" PRIu64 ":%" PRIu64 " ino %" PRIu64,
				 f->dev >> 20, f->dev & 0xfffff, f->ino);
			sqlite3_bind_null(st, 5);
			sqlite3_bind_text(st, 6, name, -1, SQLITE_STATIC);
		}
		if (step_reset(im, st))
			return -EIO;
	}
	return 0;
}

/*
 * Rows of the tables written when a recording ends go in ROW_BATCH at a
 * time through @batch (the rest one by one through @one), in order: that
 * halved the time of the 1.3M fds and 450k agg and agg_all rows of a
 * 10M-event trace here (2.6 s to 1.3 s).
 * @bind binds one row from parameter @at on.
 */
typedef void (*bind_row_fn)(struct an_imp *im, sqlite3_stmt *st, int at, const void *row);

static int write_rows(struct an_imp *im, sqlite3_stmt *batch, sqlite3_stmt *one, int ncols,
		      const void *rows, size_t n, size_t size, bind_row_fn bind)
{
	const char *p = rows;
	size_t i = 0;

	while (i < n) {
		int full = n - i >= ROW_BATCH;
		sqlite3_stmt *st = full ? batch : one;
		int k = full ? ROW_BATCH : 1;

		for (int r = 0; r < k; r++, i++)
			bind(im, st, r * ncols + 1, p + i * size);
		if (step_reset(im, st))
			return -EIO;
	}
	return 0;
}

static void bind_fd(struct an_imp *im, sqlite3_stmt *st, int at, const void *row)
{
	const struct an_life *l = row;

	sqlite3_bind_int64(st, at, im->rec_id);
	sqlite3_bind_int64(st, at + 1, im->proc_base + l->proc);
	sqlite3_bind_int64(st, at + 2, im->procs[l->proc].pid);
	sqlite3_bind_int64(st, at + 3, l->fd);
	bind_id_or_null(st, at + 4, im->file_base, l->file);
	sqlite3_bind_int64(st, at + 5, l->opened_ts);
	if (l->closed)
		sqlite3_bind_int64(st, at + 6, l->closed_ts);
	else
		sqlite3_bind_null(st, at + 6);
	sqlite3_bind_text(st, at + 7, how_names[l->how], -1, SQLITE_STATIC);
	sqlite3_bind_int(st, at + 8, l->cloexec);
}

static int write_fds(struct an_imp *im)
{
	return write_rows(im, im->ins_fds, im->ins_fd, FD_COLS, im->lives, im->nlives,
			  sizeof(*im->lives), bind_fd);
}

static void bind_agg(sqlite3_stmt *st, int i, const struct an_agg *g)
{
	sqlite3_bind_int64(st, i, (int64_t)g->events);
	sqlite3_bind_int64(st, i + 1, (int64_t)g->opens);
	sqlite3_bind_int64(st, i + 2, (int64_t)g->reads);
	sqlite3_bind_int64(st, i + 3, (int64_t)g->read_bytes);
	sqlite3_bind_int64(st, i + 4, (int64_t)g->writes);
	sqlite3_bind_int64(st, i + 5, (int64_t)g->write_bytes);
}

static void bind_agg_row(struct an_imp *im, sqlite3_stmt *st, int at, const void *row)
{
	const struct an_agg *g = row;

	sqlite3_bind_int64(st, at, im->rec_id);
	sqlite3_bind_int64(st, at + 1, g->bucket);
	sqlite3_bind_int64(st, at + 2, im->proc_base + g->proc);
	sqlite3_bind_int64(st, at + 3, (int64_t)g->cgroup);
	bind_id_or_null(st, at + 4, im->file_base, g->file);
	bind_agg(st, at + 5, g);
}

static int write_aggs(struct an_imp *im)
{
	return write_rows(im, im->ins_aggs, im->ins_agg, AGG_COLS, im->aggs, im->naggs,
			  sizeof(*im->aggs), bind_agg_row);
}

static void bind_aggall_row(struct an_imp *im, sqlite3_stmt *st, int at, const void *row)
{
	const struct an_agg *g = row;

	sqlite3_bind_int64(st, at, im->rec_id);
	sqlite3_bind_int64(st, at + 1, im->proc_base + g->proc);
	sqlite3_bind_int64(st, at + 2, (int64_t)g->cgroup);
	bind_id_or_null(st, at + 3, im->file_base, g->file);
	bind_agg(st, at + 4, g);
}

/*
 * Per file and per cgroup totals of a recording, for the reports that have
 * no filter at all: --top-io --by file|cgroup and --files read a few hundred
 * rows instead of grouping agg_all.  readers/writers count processes once
 * even when they did I/O from two cgroups.
 */
static int write_file_cg_stats(struct an_imp *im, const struct an_agg *sum, size_t n)
{
	struct sr_map fm = { 0 }, cm = { 0 }, seen = { 0 };
	struct an_agg *fs = calloc(n + 1, sizeof(*fs)), *cs = calloc(n + 1, sizeof(*cs));
	uint64_t *readers = calloc(n + 1, sizeof(*readers)), *writers = calloc(n + 1, sizeof(*writers));
	size_t nf = 0, nc = 0;
	int err = 0;

	if (!fs || !cs || !readers || !writers) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n && !err; i++) {
		const struct an_agg *g = &sum[i];
		uint32_t f = sr_map__get(&fm, g->file, 0, 0);
		uint32_t c = sr_map__get(&cm, g->cgroup, 0, 0);

		if (f == NONE) {
			f = (uint32_t)nf++;
			fs[f].file = g->file;
			if (sr_map__set(&fm, g->file, 0, 0, f))
				err = -ENOMEM;
		}
		if (c == NONE) {
			c = (uint32_t)nc++;
			cs[c].cgroup = g->cgroup;
			if (sr_map__set(&cm, g->cgroup, 0, 0, c))
				err = -ENOMEM;
		}
		fs[f].opens += g->opens;
		fs[f].reads += g->reads;
		fs[f].read_bytes += g->read_bytes;
		fs[f].writes += g->writes;
		fs[f].write_bytes += g->write_bytes;
		cs[c].reads += g->reads;
		cs[c].read_bytes += g->read_bytes;
		cs[c].writes += g->writes;
		cs[c].write_bytes += g->write_bytes;
		if (g->reads && sr_map__get(&seen, g->proc, g->file, 1) == NONE) {
			readers[f]++;
			if (sr_map__set(&seen, g->proc, g->file, 1, 1))
				err = -ENOMEM;
		}
		if (g->writes && sr_map__get(&seen, g->proc, g->file, 2) == NONE) {
			writers[f]++;
			if (sr_map__set(&seen, g->proc, g->file, 2, 1))
				err = -ENOMEM;
		}
	}
	for (size_t i = 0; i < nf && !err; i++) {
		sqlite3_stmt *st = im->ins_filestats;

		sqlite3_bind_int64(st, 1, im->rec_id);
		bind_id_or_null(st, 2, im->file_base, fs[i].file);
		sqlite3_bind_int64(st, 3, (int64_t)fs[i].opens);
		sqlite3_bind_int64(st, 4, (int64_t)readers[i]);
		sqlite3_bind_int64(st, 5, (int64_t)writers[i]);
		sqlite3_bind_int64(st, 6, (int64_t)fs[i].reads);
		sqlite3_bind_int64(st, 7, (int64_t)fs[i].read_bytes);
		sqlite3_bind_int64(st, 8, (int64_t)fs[i].writes);
		sqlite3_bind_int64(st, 9, (int64_t)fs[i].write_bytes);
		err = step_reset(im, st);
	}
	for (size_t i = 0; i < nc && !err; i++) {
		sqlite3_stmt *st = im->ins_cgstats;

		sqlite3_bind_int64(st, 1, im->rec_id);
		sqlite3_bind_int64(st, 2, (int64_t)cs[i].cgroup);
		sqlite3_bind_int64(st, 3, (int64_t)cs[i].reads);
		sqlite3_bind_int64(st, 4, (int64_t)cs[i].read_bytes);
		sqlite3_bind_int64(st, 5, (int64_t)cs[i].writes);
		sqlite3_bind_int64(st, 6, (int64_t)cs[i].write_bytes);
		err = step_reset(im, st);
	}
out:
	sr_map__clear(&fm);
	sr_map__clear(&cm);
	sr_map__clear(&seen);
	free(fs);
	free(cs);
	free(readers);
	free(writers);
	return err;
}

/* agg summed over time: what the reports read when no --since/--until is given */
static int write_agg_all(struct an_imp *im)
{
	struct sr_map m = { 0 };
	struct an_agg *sum = NULL;
	size_t n = 0;
	int err = 0;

	sum = malloc((im->naggs + 1) * sizeof(*sum));
	if (!sum)
		return -ENOMEM;
	for (size_t i = 0; i < im->naggs; i++) {
		struct an_agg *g = &im->aggs[i], *o;
		uint32_t k = sr_map__get(&m, 0, ((uint64_t)g->proc << 32) | g->file, g->cgroup);

		if (k == NONE) {
			if (sr_map__set(&m, 0, ((uint64_t)g->proc << 32) | g->file, g->cgroup,
					(uint32_t)n)) {
				err = -ENOMEM;
				goto out;
			}
			sum[n++] = *g;
			continue;
		}
		o = &sum[k];
		o->events += g->events;
		o->opens += g->opens;
		o->reads += g->reads;
		o->read_bytes += g->read_bytes;
		o->writes += g->writes;
		o->write_bytes += g->write_bytes;
	}
	err = write_rows(im, im->ins_aggalls, im->ins_aggall, AGGALL_COLS, sum, n, sizeof(*sum),
			 bind_aggall_row);
	if (!err)
		err = write_file_cg_stats(im, sum, n);
out:
	free(sum);
	sr_map__clear(&m);
	return err;
}

static int write_tl(struct an_imp *im)
{
	sqlite3_stmt *st = im->ins_tl;

	for (size_t i = 0; i < im->ntls; i++) {
		struct an_tl *t = &im->tls[i];

		sqlite3_bind_int64(st, 1, im->rec_id);
		sqlite3_bind_int64(st, 2, t->bucket);
		sqlite3_bind_int64(st, 3, im->proc_base + t->proc);
		sqlite3_bind_int64(st, 4, (int64_t)t->cgroup);
		sqlite3_bind_int64(st, 5, (int64_t)t->events);
		sqlite3_bind_int64(st, 6, (int64_t)t->read_bytes);
		sqlite3_bind_int64(st, 7, (int64_t)t->write_bytes);
		if (step_reset(im, st))
			return -EIO;
	}
	return 0;
}

/* --- the files of a recording --- */

struct an_input {
	char *path;
	dev_t dev;			/* the file itself, to see it named twice */
	ino_t ino;
	struct sr_reader *r;
	const char *recording_id;	/* points into the reader's metadata */
	int64_t rotation;
	int skip;
	/* damage found by the reader */
	uint64_t ndamage, first_off;
	char first_what[160];
};

static void on_damage(void *ctx, uint64_t offset, const char *what)
{
	struct an_input *in = ctx;

	if (!in->ndamage++) {
		in->first_off = offset;
		snprintf(in->first_what, sizeof(in->first_what), "%s", what ? what : "?");
	}
}

static int64_t meta_int(const struct sr_reader *r, const char *key, int64_t def)
{
	int64_t v;

	return sr_meta_s64(r, key, &v) ? def : v;
}

/* A time from the metadata, clamped to [0, SR_TS_MAX]. */
static int64_t meta_ts(const struct sr_reader *r, const char *key)
{
	return sr_clamp(meta_int(r, key, 0), 0, SR_TS_MAX);
}

static void progress(struct an_imp *im, const struct sr_an_feed *feed, int done)
{
	struct sr_reader_stats st;
	unsigned int pct, bar;
	char b[32];

	if (!im->progress)
		return;
	if (done) {
		fputs("\r\033[K", stderr);
		return;
	}
	sr_an_feed__stats(feed, &st);
	if (st.file_bytes < (4u << 20))
		return;		/* small files are done before a bar could help */
	pct = st.file_bytes ? (unsigned int)(st.compressed_bytes * 100 / st.file_bytes) : 0;
	if (pct > 100)
		pct = 100;
	bar = pct / 5;
	memset(b, '#', bar);
	memset(b + bar, ' ', 20 - bar);
	b[20] = 0;
	fprintf(stderr, "\rsysrec: importing [%s] %3u%% %" PRIu64 " events", b, pct,
		st.events);
	fflush(stderr);
}

static int import_trace(struct an_imp *im, struct an_input *in, int *nfailed)
{
	const char *const *keys, *const *vals;
	struct sr_reader_stats rs;
	const struct sr_event *ev;
	struct sr_an_feed *feed;
	size_t nmeta;
	int rc = 0, err = 0;
	uint64_t n = 0;

	im->fname = in->path;
	im->tr_events = im->tr_lost = im->tr_unknown = 0;
	memset(im->nr_sys, 0, 65536 * sizeof(*im->nr_sys));
	im->trace_id = sr_an_query_int(im->db, "SELECT IFNULL(MAX(trace_id), 0) + 1 FROM traces", 1);

	/* the reader is the feed's until sr_an_feed__free() */
	err = sr_an_feed__new(&feed, in->r, record_has_sys);
	if (err) {
		sr_err("%s: cannot start reading: %s", in->path, strerror(-err));
		return err;
	}
	im->feed = feed;
	while ((rc = sr_an_feed__next(feed, &ev)) == 1) {
		err = do_record(im, ev);
		if (err)
			break;
		if (!(++n & 0xffff)) {
			if (sr_an_stop) {
				err = -EINTR;
				break;
			}
			progress(im, feed, 0);
		}
	}
	progress(im, feed, 1);
	sr_an_feed__free(feed);
	im->feed = NULL;
	if (!err)
		err = flush_events(im);
	if (err)
		return err;
	if (rc < 0) {
		sr_err("%s: read error after %" PRIu64 " records: %s; the rest is not imported",
		       in->path, n, strerror(-rc));
		++*nfailed;
	}
	sr_reader__stats(in->r, &rs);
	if (in->ndamage == 1 && rs.cut && !rs.bad_chunks && rs.events) {
		/*
		 * Only cut short, as when the recorder was killed: everything
		 * before the cut is here.  Said, but not a failure.
		 */
		sr_err("%s: cut short at offset %" PRIu64 " (%s); imported the %" PRIu64
		       " events before it", in->path, in->first_off, in->first_what,
		       im->tr_events);
	} else if (in->ndamage) {
		sr_err("%s: damaged at offset %" PRIu64 " (%s)%s; imported %" PRIu64 " events from the rest",
		       in->path, in->first_off, in->first_what,
		       in->ndamage > 1 ? ", and more" : "", im->tr_events);
		++*nfailed;
	}
	sqlite3_bind_int64(im->ins_trace, 1, im->trace_id);
	sqlite3_bind_int64(im->ins_trace, 2, im->rec_id);
	sqlite3_bind_text(im->ins_trace, 3, in->path, -1, SQLITE_STATIC);
	bind_text_or_null(im->ins_trace, 4, in->recording_id,
			  in->recording_id ? strlen(in->recording_id) : 0);
	sqlite3_bind_int64(im->ins_trace, 5, in->rotation);
	{
		const char *host = sr_reader__meta(in->r, "host");

		bind_text_or_null(im->ins_trace, 6, host, host ? strlen(host) : 0);
	}
	if (sr_reader__meta(in->r, "start_ns"))
		sqlite3_bind_int64(im->ins_trace, 7, meta_ts(in->r, "start_ns"));
	else
		sqlite3_bind_null(im->ins_trace, 7);
	if (sr_reader__meta(in->r, "stop_ns"))
		sqlite3_bind_int64(im->ins_trace, 8, meta_ts(in->r, "stop_ns"));
	else
		sqlite3_bind_null(im->ins_trace, 8);
	sqlite3_bind_int64(im->ins_trace, 9, (int64_t)rs.ts_first);
	sqlite3_bind_int64(im->ins_trace, 10, (int64_t)rs.ts_last);
	sqlite3_bind_int64(im->ins_trace, 11, (int64_t)im->tr_events);
	sqlite3_bind_int64(im->ins_trace, 12, (int64_t)im->tr_lost);
	sqlite3_bind_int64(im->ins_trace, 13, (int64_t)im->tr_unknown);
	sqlite3_bind_int64(im->ins_trace, 14, (int64_t)rs.bad_chunks);
	sqlite3_bind_int(im->ins_trace, 15, rs.complete);
	sqlite3_bind_int64(im->ins_trace, 16, (int64_t)rs.file_bytes);
	if (step_reset(im, im->ins_trace))
		return -EIO;
	nmeta = sr_reader__meta_all(in->r, &keys, &vals);
	for (size_t i = 0; i < nmeta; i++) {
		sqlite3_bind_int64(im->ins_tmeta, 1, im->trace_id);
		sqlite3_bind_text(im->ins_tmeta, 2, keys[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(im->ins_tmeta, 3, vals[i], -1, SQLITE_STATIC);
		if (step_reset(im, im->ins_tmeta))
			return -EIO;
	}
	return 0;
}

/* The text metadata of the first file that describe a recording, in column order. */
static const char *const rec_text_keys[] = { "recording_id", "host", "kernel", "machine" };

static int begin_recording(struct an_imp *im, struct an_input *first)
{
	const struct sr_reader *r = first->r;
	sqlite3_stmt *st;
	int err;

	rec_reset(im);
	im->file_base = sr_an_query_int(im->db, "SELECT IFNULL(MAX(file_id), 0) + 1 FROM files", 1);
	im->proc_base = sr_an_query_int(im->db, "SELECT IFNULL(MAX(proc_id), 0) + 1 FROM procs", 1);
	im->rec_id = sr_an_query_int(im->db, "SELECT IFNULL(MAX(rec_id), 0) + 1 FROM recordings", 1);
	im->have_start = !!sr_reader__meta(r, "start_ns");
	im->start = meta_ts(r, "start_ns");
	im->ts_sorted = 1;
	im->last_ts = INT64_MIN;
	im->rec_events = im->rec_lost = 0;
	im->first_event = im->next_event;
	im->rec_stop = INT64_MIN;

	err = sr_an_prepare(im->db, "INSERT INTO recordings(rec_id, recording_id, host,"
			    " kernel, machine, ncpus, clock_offset_ns, cgroup2_mount)"
			    " VALUES(?, ?, ?, ?, ?, ?, ?, ?)", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, im->rec_id);
	for (size_t i = 0; i < ARRAY_SIZE(rec_text_keys); i++) {
		const char *v = sr_reader__meta(r, rec_text_keys[i]);

		bind_text_or_null(st, 2 + i, v, v ? strlen(v) : 0);
	}
	if (sr_reader__meta(r, "ncpus"))
		sqlite3_bind_int64(st, 6, meta_int(r, "ncpus", 0));
	if (sr_reader__meta(r, "clock_offset_ns"))
		sqlite3_bind_int64(st, 7, meta_int(r, "clock_offset_ns", 0));
	{
		const char *m = sr_reader__meta(r, "cgroup2_mount");

		bind_text_or_null(st, 8, m, m ? strlen(m) : 0);
	}
	err = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	if (err)
		sr_err("database: %s", sqlite3_errmsg(im->db));
	sqlite3_finalize(st);
	return err;
}

static int end_recording(struct an_imp *im, struct an_input *last)
{
	sqlite3_stmt *st;
	int err;

	err = write_procs(im);
	if (!err)
		err = write_files(im);
	if (!err)
		err = write_fds(im);
	if (!err)
		err = write_aggs(im);
	if (!err)
		err = write_agg_all(im);
	if (!err)
		err = write_tl(im);
	if (err)
		return err;
	err = sr_an_prepare(im->db, "UPDATE recordings SET start_ns = ?, stop_ns = ?,"
			    " first_event = ?, last_event = ?, ts_sorted = ?, events = ?,"
			    " lost = ? WHERE rec_id = ?", &st);
	if (err)
		return err;
	sqlite3_bind_int64(st, 1, im->start);
	if (last && sr_reader__meta(last->r, "stop_ns") && meta_ts(last->r, "stop_ns") >= im->start)
		sqlite3_bind_int64(st, 2, meta_ts(last->r, "stop_ns"));
	else if (im->rec_stop != INT64_MIN)
		sqlite3_bind_int64(st, 2, im->rec_stop);
	else
		sqlite3_bind_int64(st, 2, im->start);
	sqlite3_bind_int64(st, 3, im->first_event);
	sqlite3_bind_int64(st, 4, im->next_event - 1);
	sqlite3_bind_int(st, 5, im->ts_sorted);
	sqlite3_bind_int64(st, 6, (int64_t)im->rec_events);
	sqlite3_bind_int64(st, 7, (int64_t)(im->rec_lost & INT64_MAX));
	sqlite3_bind_int64(st, 8, im->rec_id);
	err = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	if (err)
		sr_err("database: %s", sqlite3_errmsg(im->db));
	sqlite3_finalize(st);
	return err;
}

/* --- statements --- */

static const struct {
	size_t off;
	const char *sql;
} stmts[] = {
#define S(f, q) { offsetof(struct an_imp, f), q }
	S(ins_event, "INSERT INTO events VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
	S(ins_open, "INSERT INTO ev_open VALUES(?,?,?,?,?,?,?)"),
	S(ins_dup, "INSERT INTO ev_dup VALUES(?,?,?,?,?)"),
	S(ins_mmap, "INSERT INTO ev_mmap VALUES(?,?,?,?)"),
	S(ins_fork, "INSERT INTO ev_fork VALUES(?,?,?,?,?)"),
	S(ins_exit, "INSERT INTO ev_exit VALUES(?,?)"),
	S(ins_exec, "INSERT INTO ev_exec VALUES(?,?,?,?,?,?,?,?,?,?,?)"),
	S(ins_sys, "INSERT INTO ev_syscall VALUES(?,?,?,?,?,?,?)"),
	S(ins_lost, "INSERT INTO lost VALUES(?,?,?,?,?)"),
	S(ins_cgroup, "INSERT OR REPLACE INTO cgroups VALUES(?,?,?,?,?,?)"),
	S(ins_proc, "INSERT INTO procs VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
	S(ins_file, "INSERT INTO files VALUES(?,?,?,?,?,?)"),
	S(ins_fd, "INSERT INTO fds VALUES(?,?,?,?,?,?,?,?,?)"),
	S(ins_agg, "INSERT INTO agg VALUES(?,?,?,?,?,?,?,?,?,?,?)"),
	S(ins_mem, "INSERT INTO proc_mem VALUES(?,?,?,?,?,?,?,?,?)"),
	S(ins_trace, "INSERT INTO traces VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
	S(ins_tmeta, "INSERT INTO trace_meta VALUES(?,?,?)"),
	S(ins_sysname, "INSERT INTO syscalls VALUES(?,?,?)"),
	S(ins_tl, "INSERT INTO tl VALUES(?,?,?,?,?,?,?)"),
	S(ins_aggall, "INSERT INTO agg_all VALUES(?,?,?,?,?,?,?,?,?,?)"),
	S(ins_memev, "INSERT INTO mem_ev VALUES(?,?,?,?,?,?)"),
	S(ins_filestats, "INSERT INTO file_stats VALUES(?,?,?,?,?,?,?,?,?)"),
	S(ins_cgstats, "INSERT INTO cg_stats VALUES(?,?,?,?,?,?)"),
#undef S
};

/* INSERT INTO table VALUES (?,...), ... nrows times, ncols each */
static int prepare_batch(struct an_imp *im, const char *table, int ncols, int nrows,
			 sqlite3_stmt **st)
{
	size_t row = 2 * (size_t)ncols + 2, len = 32 + strlen(table) + (size_t)nrows * row;
	char *sql = malloc(len), *p;
	int err;

	if (!sql)
		return -ENOMEM;
	p = sql + sprintf(sql, "INSERT INTO %s VALUES", table);
	for (int r = 0; r < nrows; r++) {
		*p++ = r ? ',' : ' ';
		*p++ = '(';
		for (int c = 0; c < ncols; c++) {
			if (c)
				*p++ = ',';
			*p++ = '?';
		}
		*p++ = ')';
	}
	*p = 0;
	err = sr_an_prepare(im->db, sql, st);
	free(sql);
	return err;
}

static void imp_free(struct an_imp *im)
{
	sqlite3_finalize(im->ins_events);
	sqlite3_finalize(im->ins_fds);
	sqlite3_finalize(im->ins_aggs);
	sqlite3_finalize(im->ins_aggalls);
	rec_reset(im);
	for (size_t i = 0; i < ARRAY_SIZE(stmts); i++)
		sqlite3_finalize(*(sqlite3_stmt **)((char *)im + stmts[i].off));
	for (size_t i = 0; i < im->nsys; i++) {
		free(im->sys[i].name);
		free(im->sys[i].durs);
	}
	free(im->sys);
	sr_map__clear(&im->sys_map);
	free(im->nr_sys);
}

/* --- sys_stats: exact nearest-rank percentiles over the whole database --- */

static int write_sys_stats(struct an_imp *im)
{
	sqlite3_stmt *st;
	int err;

	if (!im->keep_durs) {
		/* earlier imports are in the database: gather everything from there */
		if (!im->event_rows) {
			/* cannot happen: only a fresh temporary database goes without rows */
			sr_err("internal error: sys_stats needs event rows, which were not imported");
			return -EIO;
		}
		for (size_t i = 0; i < im->nsys; i++) {
			struct an_sys *y = &im->sys[i];

			y->calls = y->errors = y->total = y->max = 0;
			y->ndurs = 0;
		}
		err = sr_an_prepare(im->db, "SELECT sys_id, dur_ns, ret FROM events"
				    " WHERE sys_id IS NOT NULL", &st);
		if (err)
			return err;
		while (sqlite3_step(st) == SQLITE_ROW) {
			int64_t id = sqlite3_column_int64(st, 0);
			int64_t d = sqlite3_column_int64(st, 1);
			struct an_sys *y;

			if (id < 1 || (size_t)id > im->nsys)
				continue;
			y = &im->sys[id - 1];
			d = sr_clamp(d, 0, SR_DUR_MAX);
			y->calls++;
			y->errors += is_err(sqlite3_column_int64(st, 2));
			y->total = (uint64_t)sr_sum((int64_t)y->total, d);
			if ((uint64_t)d > y->max)
				y->max = (uint64_t)d;
			if (sr_grow(&y->durs, &y->capdurs, y->ndurs + 1, sizeof(*y->durs))) {
				sqlite3_finalize(st);
				return -ENOMEM;
			}
			y->durs[y->ndurs++] = (uint64_t)d;
		}
		sqlite3_finalize(st);
	}
	err = sr_an_exec(im->db, "DELETE FROM sys_stats");
	if (err)
		return err;
	err = sr_an_prepare(im->db, "INSERT INTO sys_stats VALUES(?,?,?,?,?,?,?)", &st);
	if (err)
		return err;
	for (size_t i = 0; i < im->nsys && !err; i++) {
		struct an_sys *y = &im->sys[i];

		if (!y->calls)
			continue;
		sr_sort_u64(y->durs, y->ndurs);
		sqlite3_bind_int64(st, 1, (int64_t)i + 1);
		sqlite3_bind_int64(st, 2, (int64_t)y->calls);
		sqlite3_bind_int64(st, 3, (int64_t)y->errors);
		sqlite3_bind_int64(st, 4, (int64_t)y->total);
		sqlite3_bind_int64(st, 5, (int64_t)y->max);
		sqlite3_bind_int64(st, 6, (int64_t)sr_percentile(y->durs, y->ndurs, 50));
		sqlite3_bind_int64(st, 7, (int64_t)sr_percentile(y->durs, y->ndurs, 99));
		err = step_reset(im, st);
	}
	sqlite3_finalize(st);
	return err;
}

/* --- the inputs: open, group into recordings, order --- */

static int open_input(struct an_input *in)
{
	int err = sr_reader__open(&in->r, in->path, on_damage, in);

	if (!err)
		return 0;
	/* the reader's own words when it gave any: they say what it saw */
	if (in->ndamage && (err == -EINVAL || err == -EPROTONOSUPPORT))
		sr_err("%s: %s", in->path, in->first_what);
	else if (err == -EINVAL)
		sr_err("%s: not a sysrec trace", in->path);
	else if (err == -EPROTONOSUPPORT)
		sr_err("%s: written by a newer sysrec (format version above %d)",
		       in->path, SR_FORMAT_MAJOR);
	else
		sr_err("cannot open %s: %s", in->path, strerror(-err));
	in->r = NULL;
	return err;
}

static int same_recording(const struct an_input *a, const struct an_input *b)
{
	if (!a->recording_id || !b->recording_id)
		return a == b;
	return !strcmp(a->recording_id, b->recording_id);
}

/*
 * Whether in's recording is in the database already: 1 when this very file
 * (recording and rotation index) is, skipped; 2 when other files of its
 * rotated set are, which this import cannot join (a second recording of
 * the same id would split the processes and descriptors that span files):
 * refused.  0 otherwise.
 */
static int in_database(struct an_imp *im, const struct an_input *in)
{
	sqlite3_stmt *st;
	int found = 0;

	if (!in->recording_id)
		return 0;
	if (sr_an_prepare(im->db, "SELECT path, rotation_index = ?2 FROM traces"
			  " WHERE recording_id = ?1 ORDER BY rotation_index = ?2 DESC,"
			  " rotation_index LIMIT 1", &st))
		return 0;
	sqlite3_bind_text(st, 1, in->recording_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, in->rotation);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);

		if (sqlite3_column_int(st, 1)) {
			found = 1;
			sr_err("%s: already in the database (as %s): skipped", in->path, path);
		} else {
			found = 2;
			sr_err("%s: other files of its rotated set are in the database (%s):"
			       " import the whole set in one run, into a new database", in->path, path);
		}
	}
	sqlite3_finalize(st);
	return found;
}

int sr_an_import(struct sr_an_db *d, char **files, int n,
		 const struct sr_an_import_opts *o, int *nfailed)
{
	struct an_imp *im = calloc(1, sizeof(*im));
	struct an_input *in = calloc((size_t)n + 1, sizeof(*in));
	double t0 = now_s();
	int err = 0;

	*nfailed = 0;
	if (!im || !in) {
		free(im);
		free(in);
		return -ENOMEM;
	}
	im->db = d->db;
	im->progress = o && o->progress;
	im->event_rows = !o || o->event_rows;
	im->nr_sys = calloc(65536, sizeof(*im->nr_sys));
	if (!im->nr_sys) {
		free(im);
		free(in);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ARRAY_SIZE(stmts) && !err; i++)
		err = sr_an_prepare(d->db, stmts[i].sql,
				    (sqlite3_stmt **)((char *)im + stmts[i].off));
	if (!err)
		err = prepare_batch(im, "events", EV_COLS, EV_BATCH, &im->ins_events);
	if (!err)
		err = prepare_batch(im, "fds", FD_COLS, ROW_BATCH, &im->ins_fds);
	if (!err)
		err = prepare_batch(im, "agg", AGG_COLS, ROW_BATCH, &im->ins_aggs);
	if (!err)
		err = prepare_batch(im, "agg_all", AGGALL_COLS, ROW_BATCH, &im->ins_aggalls);
	if (!err)
		err = sr_an_exec(d->db, "BEGIN");
	if (!err)
		err = load_sysnames(im);
	if (err)
		goto out;
	im->keep_durs = !sr_an_query_int(d->db, "SELECT COUNT(*) FROM sys_stats", 0);
	/*
	 * Once a database misses the rows of one import it misses them for
	 * good: '0' is never turned back into '1'.
	 */
	err = sr_an_exec(d->db, im->event_rows ?
			 "INSERT OR IGNORE INTO meta VALUES('event_rows', '1')" :
			 "INSERT OR REPLACE INTO meta VALUES('event_rows', '0')");
	if (err)
		goto out;
	sr_dbg("import: %s", im->event_rows ? "with event rows" :
	       "without event rows (the report does not read them)");
	im->next_event = sr_an_query_int(d->db, "SELECT IFNULL(MAX(id), 0) + 1 FROM events", 1);

	for (int i = 0; i < n; i++) {
		in[i].path = files[i];
		if (open_input(&in[i])) {
			in[i].skip = 1;
			++*nfailed;
			continue;
		}
		{
			struct stat sb;

			if (!stat(in[i].path, &sb)) {
				in[i].dev = sb.st_dev;
				in[i].ino = sb.st_ino;
			}
		}
		for (int k = 0; k < i && !in[i].skip; k++) {
			if (in[k].skip || !in[i].ino || in[k].dev != in[i].dev ||
			    in[k].ino != in[i].ino)
				continue;
			sr_err("%s: the same file as %s: skipped", in[i].path, in[k].path);
			in[i].skip = 1;
		}
		if (in[i].skip)
			continue;
		in[i].recording_id = sr_reader__meta(in[i].r, "recording_id");
		if (in[i].recording_id && !*in[i].recording_id)
			in[i].recording_id = NULL;
		in[i].rotation = meta_int(in[i].r, "rotation_index", 0);
		for (int k = 0; k < i; k++) {
			if (in[k].skip || !in[i].recording_id || !same_recording(&in[k], &in[i]) ||
			    in[k].rotation != in[i].rotation)
				continue;
			sr_err("%s: same recording and rotation index as %s: skipped",
			       in[i].path, in[k].path);
			in[i].skip = 1;
			break;
		}
		if (!in[i].skip) {
			int found = in_database(im, &in[i]);

			in[i].skip = found != 0;
			*nfailed += found == 2;
		}
	}

	/* one recording at a time, its files in rotation order */
	for (int i = 0; i < n && !err; i++) {
		struct an_input **set, *last = NULL;
		int ns = 0;

		if (in[i].skip)
			continue;
		set = calloc((size_t)n, sizeof(*set));
		if (!set) {
			err = -ENOMEM;
			break;
		}
		for (int k = i; k < n; k++)
			if (!in[k].skip && same_recording(&in[i], &in[k]))
				set[ns++] = &in[k];
		for (int a = 1; a < ns; a++)
			for (int b = a; b > 0 && set[b - 1]->rotation > set[b]->rotation; b--) {
				struct an_input *t = set[b];

				set[b] = set[b - 1];
				set[b - 1] = t;
			}
		err = begin_recording(im, set[0]);
		for (int k = 0; k < ns && !err; k++) {
			err = import_trace(im, set[k], nfailed);
			set[k]->skip = 1;
			last = set[k];
		}
		sr_dbg("import: recording read at %.3f s", now_s() - t0);
		if (!err)
			err = end_recording(im, last);
		sr_dbg("import: recording written at %.3f s", now_s() - t0);
		free(set);
	}
	sr_dbg("import: records read and inserted in %.3f s", now_s() - t0);
	if (!err)
		err = write_sys_stats(im);
	sr_dbg("import: sys_stats at %.3f s", now_s() - t0);
	if (!err)
		err = sr_an_exec(d->db,
				 "UPDATE procs SET parent_id = (SELECT q.proc_id FROM procs q"
				 " WHERE q.rec_id = procs.rec_id AND q.pid = procs.ppid"
				 " AND q.proc_id <> procs.proc_id"
				 " AND (q.start_ts IS NULL OR procs.start_ts IS NULL"
				 " OR q.start_ts <= procs.start_ts)"
				 " ORDER BY q.start_ts DESC LIMIT 1)"
				 " WHERE parent_id IS NULL AND ppid IS NOT NULL");
	sr_dbg("import: parents at %.3f s", now_s() - t0);
	if (!err)
		err = sr_an_exec(d->db, sr_an_index_sql);
	if (!err && (!o || o->query_indexes))
		err = sr_an_exec(d->db, sr_an_query_index_sql);
	sr_dbg("import: indexes at %.3f s", now_s() - t0);
	if (!err)
		err = sr_an_exec(d->db, "COMMIT");
	sr_dbg("import: commit and analyze at %.3f s", now_s() - t0);
out:
	if (err)
		sqlite3_exec(d->db, "ROLLBACK", NULL, NULL, NULL);
	for (int i = 0; i < n; i++)
		sr_reader__free(in[i].r);
	free(in);
	imp_free(im);
	free(im);
	return err;
}
