// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_format.c - the trace format: schema and syscall tables, round trips,
 * files cut at every offset, flipped bytes, versions, file creation, ENOSPC.
 *
 * Block offsets are found here with a walker of our own, written from
 * docs/FORMAT.md rather than from reader.c, so the two check each other.
 */
#define TAP_PREFIX "format"
#include "unit/tap.h"
#include "rng.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zstd.h>
#include "sysrec/format.h"
#include "../format/layout.h"	/* block headers, for the multi-frame chunk */

static char tmpdir[] = "/tmp/test_format.XXXXXX";
static char path_buf[4096];

static const char *tmp(const char *name)
{
	snprintf(path_buf, sizeof(path_buf), "%s/%s", tmpdir, name);
	return path_buf;
}

/* --- a deterministic generator of records of every type --- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	return splitmix64(&rng_state);
}

struct recs {
	uint8_t *buf;
	size_t len, cap;
	size_t n;
	uint64_t ts;
};

/* A record of @type with random fields, strings where the schema has them, and a random tail. */
static struct sr_event *gen(struct recs *rs, unsigned int type, unsigned int fixed,
			    const struct sr_type *t)
{
	static uint64_t words[65536 / 8];
	uint8_t *rec = (uint8_t *)words;
	size_t size = fixed;
	struct sr_event *ev = (void *)rec;

	for (size_t i = 0; i < fixed / 8; i++)
		words[i] = rnd() & (rnd() & 1 ? 0xffff : ~0ull);
	for (unsigned int f = 0; t && f < t->nfields; f++) {
		struct sr_str ref;
		size_t len = rnd() % 3 ? rnd() % 40 : rnd() % 600;

		if (t->fields[f].kind != SR_FK_STR)
			continue;
		ref.off = (uint16_t)size;
		ref.len = (uint16_t)len;
		for (size_t i = 0; i < len; i++)
			rec[size + i] = "/usr/lib/x86_64-linux-gnu/libc.so.6 abc"[rnd() % 39];
		rec[size + len] = 0;
		size += len + 1;
		memcpy(rec + t->fields[f].offset, &ref, sizeof(ref));
	}
	if (rnd() % 8 == 0) {
		size_t extra = rnd() % 200;

		for (size_t i = 0; i < extra; i++)
			rec[size + i] = (uint8_t)rnd();
		size += extra;
	}
	while (size % 8)
		rec[size++] = 0;
	rs->ts += rnd() % 5000;
	ev->type = (uint16_t)type;
	ev->size = (uint16_t)size;
	ev->ts = rs->ts;
	if (rs->len + size > rs->cap) {
		rs->cap = (rs->cap + size) * 2;
		rs->buf = realloc(rs->buf, rs->cap);
	}
	memcpy(rs->buf + rs->len, rec, size);
	rs->len += size;
	rs->n++;
	return ev;
}

static const struct sr_event *rec_at(const struct recs *rs, size_t *pos)
{
	const struct sr_event *ev = (const void *)(rs->buf + *pos);

	*pos += ev->size;
	return ev;
}

/* --- damage reports --- */

struct dmg {
	int n;
	uint64_t first_off;
	char first[256];
};

static void on_damage(void *ctx, uint64_t off, const char *what)
{
	struct dmg *d = ctx;

	if (!d)
		return;
	if (!d->n++) {
		d->first_off = off;
		snprintf(d->first, sizeof(d->first), "%s", what);
	}
}

/* --- a walker of the block layout, from docs/FORMAT.md --- */

struct blk {
	uint64_t off, end;
	uint16_t type;
	uint32_t count;
};

static size_t walk(const uint8_t *f, size_t len, struct blk *b, size_t max)
{
	size_t pos = 64, n = 0;

	while (pos + 64 <= len && n < max) {
		uint32_t plen;

		memcpy(&plen, f + pos + 16, 4);
		b[n].off = pos;
		memcpy(&b[n].type, f + pos + 4, 2);
		memcpy(&b[n].count, f + pos + 12, 4);
		b[n].end = pos + 64 + plen;
		pos = b[n++].end;
	}
	return n;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc(n ? (size_t)n : 1);
	if (fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

static const struct sr_writer_opts plain = { .owner_uid = (uid_t)-1, .owner_gid = (gid_t)-1 };

/* --- schema, syscalls, crc --- */

static void test_tables(void)
{
	static const char *const names[] = {
		NULL, "exec", "fork", "exit", "open", "rw", "close", "dup", "mmap", "munmap",
		"brk", "syscall", "lost", "proc", "fd", "cgroup", "switch", "wakeup", "syscpu",
		"cputime", "net", "sock", "pipe", "xfer",
	};
	int tiles = 1, named = 1;

	ok_eq(sr_crc32c(0, "123456789", 9), 0xE3069283u, "crc32c check value");
	ok_eq(sr_crc32c(sr_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u, "crc32c continues");

	for (unsigned int t = 1; t < SR_EV_TYPE_MAX; t++) {
		const struct sr_type *st = sr_schema_type(t);
		unsigned int next = 0;

		if (!st || st->type != t || strcmp(st->name, names[t]) ||
		    sr_schema_type_by_name(names[t]) != st) {
			named = 0;
			continue;
		}
		/* fields in order, each where the previous ended, the last at the end */
		for (unsigned int f = 0; f < st->nfields; f++) {
			if (st->fields[f].offset != next)
				tiles = 0;
			next = st->fields[f].offset + st->fields[f].size;
		}
		if (next != st->fixed_size) {
			printf("# %s: fields end at %u, sizeof is %u\n", st->name, next, st->fixed_size);
			tiles = 0;
		}
	}
	ok(named, "schema: 23 types with their names");
	ok(tiles, "schema: the fields of each type tile its struct exactly");
	ok(!sr_schema_type(0) && !sr_schema_type(SR_EV_TYPE_MAX) && !sr_schema_type(70000),
	   "schema: no type 0 or past the last");
	ok_eq(sr_schema_type(SR_EV_OPEN)->fixed_size, sizeof(struct sr_ev_open), "schema: open size");

	size_t n;
	const struct sr_syscall *sc = sr_syscalls(&n);
	int sorted = 1, found = 1, other = 0;

	for (size_t i = 1; i < n; i++)
		if (strcmp(sc[i - 1].name, sc[i].name) >= 0)
			sorted = 0;
	for (size_t i = 0; i < n; i++) {
		if (sr_syscall_by_name(sc[i].name) != &sc[i] || sr_syscall_by_nr(sc[i].nr) != &sc[i])
			found = 0;
		if (sc[i].class == SR_CLASS_OTHER && sc[i].ev_type == SR_EV_SYSCALL)
			other++;
	}
	ok_eq(n, 362, "syscalls: 362 in the x86-64 table");
	ok(sorted, "syscalls: sorted by name");
	ok(found, "syscalls: every one found by name and by number");
	ok_eq(other, 362 - 51, "syscalls: all but 51 are class other, type syscall");

	static const struct { const char *name; unsigned int nr, type, class; } want[] = {
		{ "read", 0, SR_EV_RW, SR_CLASS_FILE }, { "pwritev2", 328, SR_EV_RW, SR_CLASS_FILE },
		{ "openat2", 437, SR_EV_OPEN, SR_CLASS_FILE }, { "creat", 85, SR_EV_OPEN, SR_CLASS_FILE },
		{ "close", 3, SR_EV_CLOSE, SR_CLASS_FILE }, { "fcntl", 72, SR_EV_DUP, SR_CLASS_FILE },
		{ "clone3", 435, SR_EV_FORK, SR_CLASS_PROC }, { "execveat", 322, SR_EV_EXEC, SR_CLASS_PROC },
		{ "mmap", 9, SR_EV_MMAP, SR_CLASS_MEM }, { "brk", 12, SR_EV_BRK, SR_CLASS_MEM },
		{ "munmap", 11, SR_EV_MUNMAP, SR_CLASS_MEM }, { "getpid", 39, SR_EV_SYSCALL, SR_CLASS_OTHER },
		{ "close_range", 436, SR_EV_SYSCALL, SR_CLASS_FILE },
		{ "sendto", 44, SR_EV_NET, SR_CLASS_NET }, { "accept4", 288, SR_EV_NET, SR_CLASS_NET },
		{ "getsockopt", 55, SR_EV_NET, SR_CLASS_NET }, { "recvmmsg", 299, SR_EV_NET, SR_CLASS_NET },
		{ "pipe2", 293, SR_EV_PIPE, SR_CLASS_FILE }, { "pipe", 22, SR_EV_PIPE, SR_CLASS_FILE },
		{ "sendfile", 40, SR_EV_XFER, SR_CLASS_FILE }, { "vmsplice", 278, SR_EV_XFER, SR_CLASS_FILE },
		{ "copy_file_range", 326, SR_EV_XFER, SR_CLASS_FILE },
	};
	int right = 1;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct sr_syscall *s = sr_syscall_by_name(want[i].name);

		if (!s || s->nr != want[i].nr || s->ev_type != want[i].type || s->class != want[i].class) {
			printf("# %s wrong\n", want[i].name);
			right = 0;
		}
	}
	ok(right, "syscalls: numbers, types and classes of the traced ones");
	ok(!sr_syscall_by_name("nosuchcall") && !sr_syscall_by_nr(400) && !sr_syscall_by_nr(9999),
	   "syscalls: unknown names and numbers give NULL");
}

/* The syscall table's meanings: direction, and the argument places against the prototypes. */
static void test_syscall_meanings(void)
{
	/* from the kernel's SYSCALL_DEFINE prototypes (fs/read_write.c) */
	static const struct {
		const char *name;
		int dir, buf, fd, bufp, count, off;
	} rw[] = {
		{ "read", SR_DIR_READ, SR_BUF_PLAIN, 0, 1, 2, -1 },	/* fd, buf, count */
		{ "write", SR_DIR_WRITE, SR_BUF_PLAIN, 0, 1, 2, -1 },
		{ "pread64", SR_DIR_READ, SR_BUF_PLAIN, 0, 1, 2, 3 },	/* fd, buf, count, pos */
		{ "pwrite64", SR_DIR_WRITE, SR_BUF_PLAIN, 0, 1, 2, 3 },
		{ "readv", SR_DIR_READ, SR_BUF_IOV, 0, 1, 2, -1 },	/* fd, vec, vlen */
		{ "writev", SR_DIR_WRITE, SR_BUF_IOV, 0, 1, 2, -1 },
		{ "preadv", SR_DIR_READ, SR_BUF_IOV, 0, 1, 2, 3 },	/* fd, vec, vlen, pos_l, pos_h */
		{ "pwritev", SR_DIR_WRITE, SR_BUF_IOV, 0, 1, 2, 3 },
		{ "preadv2", SR_DIR_READ, SR_BUF_IOV, 0, 1, 2, 3 },	/* ..., pos_h, flags */
		{ "pwritev2", SR_DIR_WRITE, SR_BUF_IOV, 0, 1, 2, 3 },
	};
	static const struct { const char *name; int dir, fd; } other[] = {
		/* not reads: no bytes through an fd, whatever the name says */
		{ "readlink", SR_DIR_NONE, -1 }, { "readlinkat", SR_DIR_NONE, -1 },
		{ "readahead", SR_DIR_NONE, -1 }, { "process_vm_readv", SR_DIR_NONE, -1 },
		{ "process_vm_writev", SR_DIR_NONE, -1 },
		/* its direction is the pipe end's: its fd, no direction */
		{ "vmsplice", SR_DIR_NONE, 0 },
		{ "getpid", SR_DIR_NONE, -1 },
		/* direction: net and xfer records */
		{ "recvfrom", SR_DIR_READ, 0 }, { "recvmsg", SR_DIR_READ, 0 },
		{ "sendto", SR_DIR_WRITE, 0 }, { "sendmsg", SR_DIR_WRITE, 0 },
		{ "sendfile", SR_DIR_WRITE, 0 },		/* out_fd, in_fd, offset, count */
		{ "splice", SR_DIR_WRITE, 2 },			/* fd_in, off_in, fd_out, ... */
		{ "copy_file_range", SR_DIR_WRITE, 2 },		/* fd_in, off_in, fd_out, ... */
		{ "tee", SR_DIR_WRITE, 1 },			/* fdin, fdout, len, flags */
		/* the fd of the other record types */
		{ "close", SR_DIR_NONE, 0 }, { "dup", SR_DIR_NONE, 0 }, { "dup2", SR_DIR_NONE, 0 },
		{ "dup3", SR_DIR_NONE, 0 }, { "fcntl", SR_DIR_NONE, 0 },
		{ "mmap", SR_DIR_NONE, 4 },			/* addr, len, prot, flags, fd, off */
		{ "openat", SR_DIR_NONE, 0 }, { "openat2", SR_DIR_NONE, 0 },	/* dfd first */
		{ "open", SR_DIR_NONE, -1 }, { "creat", SR_DIR_NONE, -1 },
		{ "execveat", SR_DIR_NONE, 0 }, { "execve", SR_DIR_NONE, -1 },
	};
	const struct sr_syscall *sc, *all;
	const struct sr_syscall_ia32 *c;
	int right = 1, nrw = 0, consistent = 1, twins = 1;
	size_t n, i;

	for (i = 0; i < sizeof(rw) / sizeof(rw[0]); i++) {
		sc = sr_syscall_by_name(rw[i].name);
		if (!sc || sc->ev_type != SR_EV_RW || sc->dir != rw[i].dir || sc->buf != rw[i].buf ||
		    sc->fd_arg != rw[i].fd || sc->buf_arg != rw[i].bufp ||
		    sc->count_arg != rw[i].count || sc->off_arg != rw[i].off ||
		    sr_syscall_dir(rw[i].name) != rw[i].dir) {
			printf("# %s wrong\n", rw[i].name);
			right = 0;
		}
	}
	ok(right, "syscalls: read/write family: direction, fd, buffer, count, offset as declared");
	right = 1;
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		sc = sr_syscall_by_name(other[i].name);
		if (!sc || sc->dir != other[i].dir || sc->fd_arg != other[i].fd ||
		    sc->buf != SR_BUF_NONE || sr_syscall_dir(other[i].name) != other[i].dir) {
			printf("# %s wrong\n", other[i].name);
			right = 0;
		}
	}
	ok(right, "syscalls: readlink, readahead... are no reads; sockets and copies have a direction");
	ok(sr_syscall_dir("nosuchcall") == SR_DIR_NONE && sr_syscall_dir("") == SR_DIR_NONE &&
	   sr_syscall_dir(NULL) == SR_DIR_NONE && sr_syscall_dir("READ") == SR_DIR_NONE,
	   "syscalls: an unknown name has no direction");

	all = sr_syscalls(&n);
	for (i = 0; i < n; i++) {
		sc = &all[i];
		nrw += sc->ev_type == SR_EV_RW;
		/* a buffer exactly for the rw records, each with a direction and an fd */
		if ((sc->ev_type == SR_EV_RW) != (sc->buf != SR_BUF_NONE) ||
		    (sc->buf != SR_BUF_NONE && (sc->dir == SR_DIR_NONE || sc->fd_arg < 0 ||
						sc->buf_arg < 0 || sc->count_arg < 0)) ||
		    (sc->buf == SR_BUF_NONE && (sc->buf_arg != -1 || sc->count_arg != -1 ||
						sc->off_arg != -1)) ||
		    (sc->dir != SR_DIR_NONE && sc->fd_arg < 0) ||
		    sc->fd_arg > 5 || sc->buf_arg > 5 || sc->count_arg > 5 || sc->off_arg > 5) {
			printf("# %s inconsistent\n", sc->name);
			consistent = 0;
		}
	}
	ok_eq(nrw, 10, "syscalls: 10 read/write syscalls");
	ok(consistent, "syscalls: the argument places of every row are consistent");

	c = sr_syscalls_ia32(&n);
	for (i = 0; i < n; i++) {
		sc = sr_syscall_by_name(c[i].name);
		if (!sc || (sc->ev_type != SR_EV_FORK && sc->ev_type != SR_EV_EXEC) ||
		    c[i].nr >= SR_NR_MAX)
			twins = 0;
	}
	ok(n == 6 && twins, "syscalls: 6 ia32 numbers, each of a fork or exec syscall");
}

/* --- round trips --- */

struct wrote {
	struct recs rs;
	size_t chunks;
	uint64_t file_bytes;
};

/* Writes @n records of every type (and two unknown ones) to @path. */
static int write_trace(const char *path, size_t n, const struct sr_writer_opts *o,
		       struct wrote *out, uint64_t seed)
{
	struct sr_writer *w;
	struct sr_writer_stats st;
	int err;

	memset(out, 0, sizeof(*out));
	rng_state = seed;
	err = sr_writer__new(&w, path, o);
	if (err)
		return err;
	sr_writer__meta(w, "host", "box1");
	sr_writer__meta(w, "cmdline", "sysrec record -o x.trc -- sh -c 'a\nb'");
	sr_writer__meta(w, "empty", "");
	err = sr_writer__begin(w);
	/* the snapshot first, as the recorder writes it */
	for (int i = 0; !err && i < 20; i++) {
		unsigned int t = SR_EV_PROC + (unsigned int)i % 3;

		err = sr_writer__append(w, gen(&out->rs, t, sr_schema_type(t)->fixed_size,
					       sr_schema_type(t)));
	}
	for (size_t i = 0; !err && i < n; i++) {
		unsigned int t = 1 + (unsigned int)(rnd() % (SR_EV_TYPE_MAX + 1));

		if (t >= SR_EV_TYPE_MAX)	/* unknown types: 56 bytes and a tail */
			t = t == SR_EV_TYPE_MAX ? 999 : 40000;
		err = sr_writer__append(w, gen(&out->rs, t,
					       sr_schema_type(t) ? sr_schema_type(t)->fixed_size : 56,
					       sr_schema_type(t)));
		if (!err && rnd() % 500 == 0)
			err = sr_writer__flush(w);
	}
	if (!err)
		err = sr_writer__end_meta(w, "events", "12345");
	if (!err)
		err = sr_writer__finish(w);
	sr_writer__stats(w, &st);
	out->chunks = st.chunks;
	out->file_bytes = st.file_bytes;
	sr_writer__free(w);
	return err;
}

/* Reads @r to the end, comparing with rs from record @from; returns records matched or -1. */
static long read_compare(struct sr_reader *r, const struct recs *rs, size_t from_pos)
{
	const struct sr_event *ev;
	size_t pos = from_pos;
	long n = 0;
	int rc;

	while ((rc = sr_reader__next(r, &ev)) == 1) {
		const struct sr_event *want;

		if (pos >= rs->len)
			return -1;
		want = rec_at(rs, &pos);
		if (want->size != ev->size || memcmp(want, ev, ev->size)) {
			printf("# record %ld differs\n", n);
			return -1;
		}
		n++;
	}
	return rc ? -1 : n;
}

static void test_round_trip(void)
{
	static const struct { int threaded, level; size_t chunk; const char *what; } cfg[] = {
		{ 0, 0, 4096, "unthreaded, 4 KiB chunks" },
		{ 1, 0, 4096, "threaded, 4 KiB chunks" },
		{ 1, 1, 65536, "threaded, level 1, 64 KiB chunks" },
		{ 0, 19, 0, "unthreaded, level 19, default chunks" },
		{ 1, -5, 8192, "threaded, level -5, 8 KiB chunks" },
	};

	for (size_t c = 0; c < sizeof(cfg) / sizeof(cfg[0]); c++) {
		struct sr_writer_opts o = plain;
		struct sr_reader_stats st;
		struct sr_reader *r;
		struct dmg d = { 0 };
		struct wrote wr;
		const char *p = tmp("rt.trc");
		int err;

		o.threaded = cfg[c].threaded;
		o.level = cfg[c].level;
		o.chunk_bytes = cfg[c].chunk;
		unlink(p);
		err = write_trace(p, 3000, &o, &wr, 42 + c);
		ok_eq(err, 0, "round trip (%s): written", cfg[c].what);
		err = sr_reader__open(&r, p, on_damage, &d);
		ok_eq(err, 0, "round trip (%s): opened", cfg[c].what);
		if (err) {
			free(wr.rs.buf);
			continue;
		}
		ok_eq(read_compare(r, &wr.rs, 0), 3020, "round trip (%s): 3020 records back byte for byte",
		      cfg[c].what);
		sr_reader__stats(r, &st);
		ok(st.events == 3020 && st.raw_bytes == wr.rs.len && st.chunks == wr.chunks &&
		   st.bad_chunks == 0 && st.complete && !st.cut && st.file_bytes == wr.file_bytes &&
		   st.skipped_bytes == 0 && st.major == 1 && st.minor == 0 && d.n == 0,
		   "round trip (%s): stats (%zu chunks, %zu bytes)", cfg[c].what, wr.chunks, wr.rs.len);
		if (cfg[c].chunk == 4096)
			ok(wr.chunks > 100, "round trip (%s): many chunks (%zu)", cfg[c].what, wr.chunks);
		ok(!strcmp(sr_reader__meta(r, "host"), "box1") &&
		   !strcmp(sr_reader__meta(r, "cmdline"), "sysrec record -o x.trc -- sh -c 'a\nb'") &&
		   !strcmp(sr_reader__meta(r, "empty"), "") &&
		   !strcmp(sr_reader__meta(r, "events"), "12345") && !sr_reader__meta(r, "nope"),
		   "round trip (%s): metadata", cfg[c].what);
		sr_reader__free(r);
		free(wr.rs.buf);
	}
}

static void test_file_schema(void)
{
	struct sr_reader *r;
	const struct sr_type *const *types;
	const char *const *keys, *const *values;
	struct wrote wr;
	size_t n;
	int same = 1;

	unlink(tmp("schema.trc"));
	write_trace(tmp("schema.trc"), 10, &plain, &wr, 7);
	free(wr.rs.buf);
	wr.rs.buf = NULL;
	if (sr_reader__open(&r, tmp("schema.trc"), NULL, NULL)) {
		ok(0, "file schema: open");
		return;
	}
	n = sr_reader__file_types(r, &types);
	ok_eq(n, SR_EV_TYPE_MAX - 1, "file schema: 19 types");
	for (unsigned int t = 1; t < SR_EV_TYPE_MAX; t++) {
		const struct sr_type *a = sr_schema_type(t), *b = sr_reader__file_type(r, t);

		if (!b || b != types[t - 1] || strcmp(a->name, b->name) ||
		    a->fixed_size != b->fixed_size || a->nfields != b->nfields) {
			same = 0;
			continue;
		}
		for (unsigned int f = 0; f < a->nfields; f++)
			if (strcmp(a->fields[f].name, b->fields[f].name) ||
			    a->fields[f].kind != b->fields[f].kind ||
			    a->fields[f].offset != b->fields[f].offset ||
			    a->fields[f].size != b->fields[f].size)
				same = 0;
	}
	ok(same, "file schema: every type and field as this build has them");
	ok(!sr_reader__file_type(r, 999), "file schema: no description of an undescribed type");
	ok(!strcmp(sr_reader__syscall_name(r, 257), "openat") &&
	   !strcmp(sr_reader__syscall_name(r, 0), "read") && !sr_reader__syscall_name(r, 400),
	   "file schema: the file's syscall table");
	n = sr_reader__meta_all(r, &keys, &values);
	ok(n == 4 && !strcmp(keys[0], "host") && !strcmp(keys[1], "cmdline") &&
	   !strcmp(keys[2], "empty") && !strcmp(keys[3], "events") && !strcmp(values[3], "12345"),
	   "file schema: all metadata in order, start then end");
	sr_reader__free(r);
	free(wr.rs.buf);
}

/* A trace of @n records in 4 KiB chunks, read back whole; its blocks in b[]. */
static uint8_t *small_trace(const char *name, size_t n, uint64_t seed, struct wrote *wr,
			    struct blk *b, size_t max, size_t *nb, size_t *len)
{
	struct sr_writer_opts o = plain;
	uint8_t *f;

	o.chunk_bytes = 4096;
	unlink(tmp(name));
	write_trace(tmp(name), n, &o, wr, seed);
	f = slurp(tmp(name), len);
	*nb = f ? walk(f, *len, b, max) : 0;
	return f;
}

/* --- cut files --- */

static void test_cut(void)
{
	struct blk b[4096];
	struct wrote wr;
	uint8_t *f;
	size_t len, nb;
	int bad = 0, tested = 0;

	f = small_trace("cut.trc", 150, 11, &wr, b, 4096, &nb, &len);
	ok(nb > 8 && b[nb - 1].end == len && b[nb - 1].type == 7,
	   "cut: the layout walks to a trailer at the end (%zu blocks, %zu bytes)", nb, len);

	/*
	 * Every offset near a block boundary and in the first KiB, every
	 * fifth elsewhere: all of them takes 15 s under ASan for nothing more.
	 */
	for (size_t c = 0; c <= len; c++) {
		struct sr_reader *r;
		struct sr_reader_stats st;
		struct dmg d = { 0 };
		uint8_t *copy = malloc(c ? c : 1);
		long want = 0, got;
		int err;

		int near = c < 1024 || c == len;

		for (size_t i = 0; i < nb; i++)
			if ((c >= b[i].off && c < b[i].off + 80) || (c + 80 > b[i].end && c <= b[i].end))
				near = 1;
		if (!near && c % 5) {
			free(copy);
			continue;
		}
		memcpy(copy, f, c);	/* a copy of its own size: ASan sees any overread */
		for (size_t i = 0; i < nb; i++)
			if (b[i].type == 4 && b[i].end <= c)
				want += b[i].count;
		err = sr_reader__open_mem(&r, copy, c, on_damage, &d);
		tested++;
		if (c < 64) {	/* not even a header: not a trace */
			if (err != -EINVAL)
				bad++, printf("# cut at %zu: open gave %d\n", c, err);
			free(copy);
			continue;
		}
		if (err) {
			bad++, printf("# cut at %zu: open gave %d\n", c, err);
			free(copy);
			continue;
		}
		got = read_compare(r, &wr.rs, 0);
		sr_reader__stats(r, &st);
		if (got != want || st.cut != (c != len) || st.bad_chunks || (c != len && !d.n) ||
		    (c == len && d.n)) {
			bad++;
			if (bad < 5)
				printf("# cut at %zu: %ld records, want %ld, cut %d, damage %d: %s\n",
				       c, got, want, st.cut, d.n, d.first);
		}
		sr_reader__free(r);
		free(copy);
	}
	ok_eq(bad, 0, "cut: at each of %d offsets, the complete chunks before it read, cut said",
	      tested);
	free(f);
	free(wr.rs.buf);
}

/* --- flipped bytes --- */

static void test_flips(void)
{
	struct blk b[4096];
	struct wrote wr;
	uint8_t *f;
	size_t len, nb;
	int bad = 0, tested = 0, header_bad = 0;

	f = small_trace("flip.trc", 400, 13, &wr, b, 4096, &nb, &len);

	/* each byte of the file header and the block headers, every 31st of payloads */
	for (size_t c = 0; c < len; c++) {
		struct sr_reader *r;
		struct sr_reader_stats st;
		struct dmg d = { 0 };
		const struct blk *hit = NULL;
		long want = (long)wr.rs.n, got;
		int err;

		int near = c < 64;

		for (size_t i = 0; i < nb; i++)
			if (c >= b[i].off && c < b[i].off + 64)
				near = 1;
		if (!near && c % 31)
			continue;
		f[c] ^= (uint8_t)(1u << (c % 8));
		err = sr_reader__open_mem(&r, f, len, on_damage, &d);
		tested++;
		if (c < 64) {
			if (err != -EINVAL && err != -EPROTONOSUPPORT)
				header_bad++;
			if (!err)
				sr_reader__free(r);
			f[c] ^= (uint8_t)(1u << (c % 8));
			continue;
		}
		for (size_t i = 0; i < nb; i++)
			if (c >= b[i].off && c < b[i].end)
				hit = &b[i];
		if (hit->type == 4)
			want -= hit->count;
		if (err) {
			bad++, printf("# flip at %zu: open gave %d\n", c, err);
		} else {
			/* the records before the damaged chunk, then all after it */
			const struct sr_event *ev;
			size_t pos = 0, i = 0;
			long n = 0, skip_from = -1, skip_to = -1;

			if (hit->type == 4) {
				long before = 0;

				for (size_t k = 0; &b[k] != hit; k++)
					if (b[k].type == 4)
						before += b[k].count;
				skip_from = before;
				skip_to = before + hit->count;
			}
			got = 0;
			while (sr_reader__next(r, &ev) == 1) {
				const struct sr_event *e;

				while ((long)i >= skip_from && (long)i < skip_to) {
					rec_at(&wr.rs, &pos);
					i++;
				}
				e = rec_at(&wr.rs, &pos);
				i++;
				if (memcmp(e, ev, ev->size))
					n = -1000000;
				got++;
			}
			got += n;
			sr_reader__stats(r, &st);
			int in_header = c < hit->off + 64;

			if (got != want || !d.n ||
			    st.bad_chunks != (hit->type == 4 && !in_header) ||
			    st.skipped_bytes != (in_header ? hit->end - hit->off : 0) ||
			    d.first_off != hit->off ||
			    st.cut != (hit->type == 7) ||
			    st.complete != (hit->type != 5 && hit->type != 6)) {
				bad++;
				if (bad < 5)
					printf("# flip at %zu in block type %u at %" PRIu64 ": %ld records, want %ld; bad %" PRIu64 " cut %d complete %d damage %d at %" PRIu64 ": %s\n",
					       c, hit->type, hit->off, got, want, st.bad_chunks, st.cut, st.complete, d.n, d.first_off, d.first);
			}
			sr_reader__free(r);
		}
		f[c] ^= (uint8_t)(1u << (c % 8));
	}
	ok_eq(header_bad, 0, "flips: a damaged file header is refused with EINVAL or EPROTONOSUPPORT");
	ok_eq(bad, 0, "flips: at %d offsets, damage reported at its block, every other record read",
	      tested);

	/* a run of zeros over three chunks in the middle: they go, the rest is read */
	{
		size_t first = 0, k = 0;
		long lost = 0, got;
		struct sr_reader *r;
		struct sr_reader_stats st;
		struct dmg d = { 0 };
		uint8_t *g = malloc(len);

		for (size_t i = 0; i < nb; i++)
			if (b[i].type == 4 && ++k == 10)
				first = i;
		memcpy(g, f, len);
		memset(g + b[first].off + 10, 0, b[first + 2].end - b[first].off - 20);
		for (size_t i = first; i < first + 3; i++)
			lost += b[i].count;
		sr_reader__open_mem(&r, g, len, on_damage, &d);
		got = 0;
		{
			const struct sr_event *ev;

			while (sr_reader__next(r, &ev) == 1)
				got++;
		}
		sr_reader__stats(r, &st);
		ok(got == (long)wr.rs.n - lost && st.bad_chunks == 0 && d.n == 1 &&
		   d.first_off == b[first].off && st.skipped_bytes == b[first + 2].end - b[first].off &&
		   st.complete && !st.cut,
		   "flips: zeros over three chunks: %ld records lost of %zu, %" PRIu64 " bytes skipped, one report: %s",
		   lost, wr.rs.n, st.skipped_bytes, d.first);
		sr_reader__free(r);
		free(g);
	}
	free(f);
	free(wr.rs.buf);
}

/* --- versions and foreign files --- */

static void fix_header_crc(uint8_t *f)
{
	uint32_t c = sr_crc32c(0, f, 60);

	memcpy(f + 60, &c, 4);
}

/* The first block of @type in b[], or nb when there is none. */
static size_t first_block(const struct blk *b, size_t nb, uint16_t type)
{
	size_t i = 0;

	while (i < nb && b[i].type != type)
		i++;
	return i;
}

/* first_block(), a failed test @what when there is none. */
static size_t need_block(const struct blk *b, size_t nb, uint16_t type, const char *what)
{
	size_t i = first_block(b, nb, type);

	if (i == nb)
		ok(0, "%s", what);
	return i;
}

/* Open @f (len bytes) in memory and read it to the end: records read, stats in *st. */
static long read_all(const uint8_t *f, size_t len, struct sr_reader_stats *st)
{
	const struct sr_event *ev;
	struct sr_reader *r;
	long n = 0;

	memset(st, 0, sizeof(*st));
	if (sr_reader__open_mem(&r, f, len, on_damage, NULL))
		return -1;
	while (sr_reader__next(r, &ev) > 0)
		n++;
	sr_reader__stats(r, st);
	sr_reader__free(r);
	return n;
}

/*
 * Damage anywhere counts, not only in chunks: a damaged chunk header (the
 * chunk is resynced over) or START block must not leave a file "complete".
 * A file cut right after its END block is ended and cut, not damaged.
 */
static void test_damage_counted(void)
{
	struct sr_reader_stats st;
	struct blk b[256];
	struct wrote wr;
	size_t len, nb, chunk2, start, end, index;
	uint8_t *f = small_trace("dmg.trc", 300, 21, &wr, b, 256, &nb, &len);
	long n;

	start = first_block(b, nb, SR_BLK_START);
	chunk2 = first_block(b, nb, SR_BLK_CHUNK) + 1;
	end = first_block(b, nb, SR_BLK_END);
	index = first_block(b, nb, SR_BLK_INDEX);
	ok(start < nb && chunk2 < end && b[chunk2].type == SR_BLK_CHUNK && end < nb && index < nb,
	   "damage: a trace with chunks, END and INDEX");
	if (!(start < nb && chunk2 < end && end < nb && index < nb)) {
		free(f);
		free(wr.rs.buf);
		return;
	}

	n = read_all(f, len, &st);
	ok(n == (long)wr.rs.n && !st.damaged && st.ended && st.complete && !st.cut,
	   "damage: the intact file: every record, nothing damaged, complete");

	f[b[chunk2].off + 13] ^= 1;		/* the second chunk's count */
	n = read_all(f, len, &st);
	ok(n == (long)(wr.rs.n - b[chunk2].count) && st.damaged == 1 && !st.bad_chunks &&
	   st.skipped_bytes == b[chunk2].end - b[chunk2].off,
	   "damage: a chunk header: its records lost, one damage, resynced over");
	f[b[chunk2].off + 13] ^= 1;

	f[b[start].off + 64 + 3] ^= 0x10;	/* START's payload */
	n = read_all(f, len, &st);
	ok(n == (long)wr.rs.n && st.damaged == 1 && !st.bad_chunks,
	   "damage: the START block: every record, one damage");
	f[b[start].off + 64 + 3] ^= 0x10;

	n = read_all(f, b[end].end, &st);	/* cut after END: no INDEX, no trailer */
	ok(n == (long)wr.rs.n && st.ended && st.cut && !st.complete && !st.damaged,
	   "damage: cut after END: ended and cut, not damaged");
	n = read_all(f, b[index].off, &st);
	ok(st.ended && st.cut && !st.damaged, "damage: cut at INDEX: the same");
	free(f);
	free(wr.rs.buf);
}

/*
 * A chunk whose payload is two zstd frames (FORMAT.md §1: readers accept
 * several, concatenated) reads like one.  The file is cut after it, so no
 * offset behind it has to be fixed.
 */
static void test_two_frames(void)
{
	struct sr_reader_stats st;
	struct blk b[256];
	struct wrote wr;
	struct sr_bhdr h;
	size_t len, nb, c, out = 0, half, z1, z2;
	uint8_t *f = small_trace("frames.trc", 100, 5, &wr, b, 256, &nb, &len), *body, *g;
	long n;

	c = first_block(b, nb, SR_BLK_CHUNK);
	if (c == nb || sr_bhdr_decode(f + b[c].off, &h) || !(h.flags & SR_BF_ZSTD)) {
		ok(0, "two frames: a compressed chunk");
		free(f);
		free(wr.rs.buf);
		return;
	}
	body = malloc(h.body_len);
	ok(ZSTD_decompress(body, h.body_len, f + b[c].off + 64, h.payload_len) == h.body_len,
	   "two frames: the chunk decompresses");
	half = h.body_len / 2;
	g = malloc(b[c].off + 64 + 2 * ZSTD_compressBound(h.body_len));
	memcpy(g, f, b[c].off);
	out = b[c].off + 64;
	z1 = ZSTD_compress(g + out, ZSTD_compressBound(half), body, half, 3);
	z2 = ZSTD_compress(g + out + z1, ZSTD_compressBound(h.body_len - half), body + half,
			   h.body_len - half, 3);
	h.payload_len = (uint32_t)(z1 + z2);
	h.payload_crc = sr_crc32c(0, g + out, z1 + z2);
	sr_bhdr_encode(g + b[c].off, &h);
	n = read_all(g, out + z1 + z2, &st);
	ok(n == (long)h.count && st.chunks == 1 && !st.damaged && st.cut,
	   "two frames: every record of the chunk, nothing damaged");
	free(body);
	free(g);
	free(f);
	free(wr.rs.buf);
}

/*
 * A block of a type from a later minor is passed over by its header alone
 * (FORMAT.md §4): neither its size nor its payload's checksum is a reader's
 * business.  Placed after the first chunk, larger than any known block's
 * cap, with a payload CRC that does not match.
 */
static void test_unknown_block(void)
{
	struct sr_reader_stats st;
	struct sr_bhdr h = { .type = 8, .count = 1, .payload_len = 17u << 20 };
	struct blk b[256];
	struct wrote wr;
	size_t len, nb, c;
	uint8_t *f = small_trace("later.trc", 100, 9, &wr, b, 256, &nb, &len), *g;
	long n;

	c = need_block(b, nb, SR_BLK_CHUNK, "unknown block: a trace with a chunk");
	if (c == nb)
		goto out;
	g = calloc(1, b[c].end + 64 + h.payload_len);
	memcpy(g, f, b[c].end);
	h.body_len = h.data_len = h.payload_len;
	h.payload_crc = 1;
	{
		struct sr_bhdr ch;

		sr_bhdr_decode(f + b[c].off, &ch);
		h.seq = ch.seq + 1;
	}
	sr_bhdr_encode(g + b[c].end, &h);
	n = read_all(g, b[c].end + 64 + h.payload_len, &st);
	ok(n == (long)b[c].count && !st.damaged && st.cut,
	   "unknown block: passed over unread, nothing damaged");
	free(g);
out:
	free(f);
	free(wr.rs.buf);
}

/*
 * A schema type with more fields than SR_FIELDS_MAX is dropped alone
 * (FORMAT.md §6); the types after it are still read.  The SCHEMA block is
 * rebuilt uncompressed with such a type first, and the file cut after it.
 */
static void test_schema_too_many_fields(void)
{
	const struct sr_type *const *types;
	struct sr_reader *r;
	struct sr_bhdr h;
	struct blk b[64];
	struct wrote wr;
	size_t len, nb, sc, out, big, ntypes;
	uint8_t *f = small_trace("fields.trc", 10, 3, &wr, b, 64, &nb, &len), *g, *body;
	int err;

	sc = need_block(b, nb, SR_BLK_SCHEMA, "schema: a trace with a SCHEMA block");
	if (sc == nb)
		goto out;
	sr_bhdr_decode(f + b[sc].off, &h);
	body = malloc(h.body_len);
	if (h.flags & SR_BF_ZSTD)
		ZSTD_decompress(body, h.body_len, f + b[sc].off + 64, h.payload_len);
	else
		memcpy(body, f + b[sc].off + 64, h.body_len);
	/* type 900 "wide": SR_FIELDS_MAX + 1 one-byte fields named "f" */
	big = 7 + 4 + (SR_FIELDS_MAX + 1) * 7;
	g = malloc(b[sc].off + 64 + big + h.body_len);
	memcpy(g, f, b[sc].off);
	out = b[sc].off + 64;
	memcpy(g + out, (uint8_t[]){ 0x84, 0x03, 64, 0, (SR_FIELDS_MAX + 1) & 0xff,
				      (SR_FIELDS_MAX + 1) >> 8, 4, 'w', 'i', 'd', 'e' }, 11);
	for (size_t i = 0; i <= SR_FIELDS_MAX; i++)
		memcpy(g + out + 11 + i * 7, (uint8_t[]){ i % 64, 0, 1, 0, SR_FK_U8, 1, 'f' }, 7);
	memcpy(g + out + big, body, h.body_len);
	h.flags = 0;
	h.count++;
	h.payload_len = h.body_len = h.data_len = (uint32_t)(big + h.body_len);
	h.payload_crc = sr_crc32c(0, g + out, h.payload_len);
	sr_bhdr_encode(g + b[sc].off, &h);
	err = sr_reader__open_mem(&r, g, out + h.payload_len, on_damage, NULL);
	ok(!err, "schema: a file whose first type has too many fields opens");
	if (!err) {
		ntypes = sr_reader__file_types(r, &types);
		ok(!sr_reader__file_type(r, 900) && ntypes == h.count - 1 &&
		   sr_reader__file_type(r, SR_EV_RW),
		   "schema: that type alone is dropped, every other type read");
		sr_reader__free(r);
	}
	free(body);
	free(g);
out:
	free(f);
	free(wr.rs.buf);
}

static void test_versions(void)
{
	struct sr_reader *r;
	struct wrote wr;
	struct dmg d = { 0 };
	uint8_t *f;
	size_t len;
	int err;

	unlink(tmp("ver.trc"));
	write_trace(tmp("ver.trc"), 50, &plain, &wr, 3);
	f = slurp(tmp("ver.trc"), &len);

	f[8] = 2;
	fix_header_crc(f);
	err = sr_reader__open_mem(&r, f, len, on_damage, &d);
	ok_eq(err, -EPROTONOSUPPORT, "versions: major 2 refused (%s)", d.first);
	f[60] ^= 1;
	ok_eq(sr_reader__open_mem(&r, f, len, NULL, NULL), -EPROTONOSUPPORT,
	      "versions: major 2 refused even when its header does not check as 1.x");
	f[8] = 1;
	f[10] = 7;
	fix_header_crc(f);
	err = sr_reader__open_mem(&r, f, len, NULL, NULL);
	ok_eq(err, 0, "versions: minor 1.7 accepted");
	if (!err) {
		struct sr_reader_stats st;

		ok_eq(read_compare(r, &wr.rs, 0), 70, "versions: minor 1.7 read whole");
		sr_reader__stats(r, &st);
		ok(st.major == 1 && st.minor == 7, "versions: 1.7 reported");
		sr_reader__free(r);
	}
	f[10] = 0;
	memcpy(f + 12, "\x01\x02\x03\x04", 4);
	fix_header_crc(f);
	ok_eq(sr_reader__open_mem(&r, f, len, NULL, NULL), -EPROTONOSUPPORT,
	      "versions: big-endian file refused");
	memcpy(f + 12, "\x04\x03\x02\x01", 4);
	fix_header_crc(f);

	ok_eq(sr_reader__open_mem(&r, "", 0, NULL, NULL), -EINVAL, "foreign: empty file");
	ok_eq(sr_reader__open_mem(&r, "SQLite format 3\0 and more bytes here, enough of them to fill"
				  " a header of sixty-four", 80, NULL, NULL), -EINVAL,
	      "foreign: not a trace");
	ok_eq(sr_reader__open_mem(&r, "\x89SYSRE", 6, NULL, NULL), -EINVAL,
	      "foreign: six bytes of magic");
	f[30] ^= 0x10;
	memset(&d, 0, sizeof(d));
	ok_eq(sr_reader__open_mem(&r, f, len, on_damage, &d), -EINVAL,
	      "foreign: damaged file header (%s)", d.first);
	f[30] ^= 0x10;
	ok_eq(sr_reader__open(&r, tmp("nonexistent.trc"), NULL, NULL), -ENOENT, "foreign: no such file");
	ok_eq(sr_reader__open(&r, tmpdir, NULL, NULL), -EISDIR, "foreign: a directory");

	/* fuzzing mode reads a good file the same */
	sr_format_fuzzing = 1;
	err = sr_reader__open_mem(&r, f, len, NULL, NULL);
	sr_format_fuzzing = 0;
	ok(!err && read_compare(r, &wr.rs, 0) == 70, "fuzzing mode reads a good file whole");
	if (!err)
		sr_reader__free(r);

	/* from a pipe: read into memory */
	{
		int p[2];
		char name[64];

		if (len < 60000 && !pipe(p) && write(p[1], f, len) == (ssize_t)len) {
			close(p[1]);
			snprintf(name, sizeof(name), "/proc/self/fd/%d", p[0]);
			err = sr_reader__open(&r, name, NULL, NULL);
			ok(!err && read_compare(r, &wr.rs, 0) == 70, "a trace read from a pipe");
			if (!err)
				sr_reader__free(r);
			close(p[0]);
		} else {
			ok(0, "a trace read from a pipe: setting up (%zu bytes)", len);
		}
	}
	free(f);
	free(wr.rs.buf);
}

/* --- other versions' types --- */

static void test_unknown_types(void)
{
	static const struct sr_field future_fields[] = {
		{ "type", SR_FK_U16, 0, 2 }, { "size", SR_FK_U16, 2, 2 },
		{ "cpu", SR_FK_U16, 4, 2 }, { "flags", SR_FK_U16, 6, 2 },
		{ "ts", SR_FK_U64, 8, 8 }, { "pid", SR_FK_U32, 16, 4 },
		{ "tid", SR_FK_U32, 20, 4 }, { "uid", SR_FK_U32, 24, 4 },
		{ "gid", SR_FK_U32, 28, 4 }, { "cgroup_id", SR_FK_U64, 32, 8 },
		{ "comm", SR_FK_COMM, 40, 16 }, { "target", SR_FK_U32, 56, 4 },
		{ "what", SR_FK_STR, 60, 4 }, { "addr", SR_FK_HEX, 64, 8 },
	};
	static const struct sr_type future = { 40, "ptrace", 72, 14, future_fields };
	struct sr_field rw_more[32];
	struct sr_type rw2 = *sr_schema_type(SR_EV_RW);
	struct sr_writer *w;
	struct sr_reader *r;
	const struct sr_event *ev;
	uint64_t buf[32] = { 0 };
	struct sr_event *e = (void *)buf;
	int err, n = 0, right = 1;

	/* a newer writer: a type 40 this build lacks, and rw with a field appended */
	memcpy(rw_more, rw2.fields, rw2.nfields * sizeof(*rw_more));
	rw_more[rw2.nfields] = (struct sr_field){ "latency_bucket", SR_FK_U64, 120, 8 };
	rw2.fields = rw_more;
	rw2.nfields++;
	rw2.fixed_size = 128;

	unlink(tmp("future.trc"));
	err = sr_writer__new(&w, tmp("future.trc"), &plain);
	ok(!err && !sr_writer__add_type(w, &future) && !sr_writer__add_type(w, &rw2),
	   "unknown types: a writer describing a type 40 and a longer rw");
	if (err)
		return;
	{
		struct sr_type broken = future;

		broken.fixed_size = 60;
		ok_eq(sr_writer__add_type(w, &broken), -EINVAL, "unknown types: a fixed size not a multiple of 8 refused");
	}
	sr_writer__begin(w);
	for (int i = 0; i < 30; i++) {
		struct sr_str s = { 72, 5 };

		memset(buf, 0, sizeof(buf));
		e->type = i % 2 ? 40 : SR_EV_RW;
		e->size = i % 2 ? 80 : 128;
		e->ts = 1000 + (uint64_t)i;
		e->pid = 77;
		if (i % 2) {
			memcpy((uint8_t *)buf + 60, &s, 4);
			memcpy((uint8_t *)buf + 72, "peek", 5);
		} else {
			buf[15] = 0xABCDEF;	/* latency_bucket */
		}
		if (sr_writer__append(w, e))
			right = 0;
	}
	e->type = SR_EV_RW;
	e->size = 120;
	ok_eq(sr_writer__append(w, e), -EINVAL, "unknown types: the writer holds rw to its own 128 bytes");
	ok(right && !sr_writer__finish(w), "unknown types: 30 records written");
	sr_writer__free(w);

	err = sr_reader__open(&r, tmp("future.trc"), NULL, NULL);
	ok_eq(err, 0, "unknown types: an older reader opens it");
	if (err)
		return;
	right = 1;
	while (sr_reader__next(r, &ev) == 1) {
		const char *s;
		size_t l;
		struct sr_str ref;

		if (ev->type == 40) {
			memcpy(&ref, (const uint8_t *)ev + 60, 4);
			if (ev->size != 80 || sr_event__str(ev, ref, &s, &l) || l != 5 || memcmp(s, "peek", 5))
				right = 0;
		} else if (ev->type != SR_EV_RW || ev->size != 128 ||
			   ((const uint64_t *)ev)[15] != 0xABCDEF) {
			right = 0;
		}
		if (ev->ts != 1000 + (uint64_t)n++)
			right = 0;
	}
	ok(right && n == 30, "unknown types: all 30 records back as written (%d)", n);
	const struct sr_type *ft = sr_reader__file_type(r, 40);

	ok(ft && !strcmp(ft->name, "ptrace") && ft->fixed_size == 72 && ft->nfields == 14 &&
	   !strcmp(ft->fields[12].name, "what") && ft->fields[12].kind == SR_FK_STR,
	   "unknown types: described by the file's schema");
	ft = sr_reader__file_type(r, SR_EV_RW);
	ok(ft && ft->fixed_size == 128 && !strcmp(ft->fields[ft->nfields - 1].name, "latency_bucket"),
	   "unknown types: the appended rw field is in the file's schema");
	sr_reader__free(r);
}

/* --- creating files --- */

/*
 * dump --json writes some keys itself (the header's, "syscall", "errno",
 * "time", the flags'): a file whose schema names a field past the header
 * like one of them, or like another field, is damaged for that type, or a
 * JSON parser would see the file's value under dump's key.
 */
static void test_key_clash(void)
{
	static const char *const clashing[] = { "pid", "errno", "syscall", "time", "ts_ns", "x_cut" };
	struct sr_field f[32];
	const struct sr_type *rw = sr_schema_type(SR_EV_RW);
	struct sr_type t = *rw;
	struct sr_reader *r = NULL;
	struct sr_writer *w = NULL;
	struct sr_type u = { 41, "probe", 64, 0, f };
	int clean = 1, err;

	for (unsigned int k = 1; k < SR_EV_TYPE_MAX; k++)
		if (sr_type_key_clash(sr_schema_type(k)))
			clean = 0;
	ok(clean, "key clash: none in this build's own types (open's flags is its own key)");
	memcpy(f, rw->fields, rw->nfields * sizeof(*f));
	t.fields = f;
	t.nfields = rw->nfields + 1;
	t.fixed_size = rw->fixed_size + 8;
	for (size_t i = 0; i < sizeof(clashing) / sizeof(clashing[0]); i++) {
		f[rw->nfields] = (struct sr_field){ clashing[i], SR_FK_U64, rw->fixed_size, 8 };
		ok(sr_type_key_clash(&t) != NULL, "key clash: rw with a field '%s' appended", clashing[i]);
	}
	f[rw->nfields] = (struct sr_field){ "fd", SR_FK_U64, rw->fixed_size, 8 };
	ok(sr_type_key_clash(&t) != NULL, "key clash: rw with a second 'fd'");
	f[rw->nfields] = (struct sr_field){ "latency", SR_FK_U64, rw->fixed_size, 8 };
	ok(!sr_type_key_clash(&t), "key clash: rw with a new name appended is fine");

	/* an unknown type naming its own field "pid": dropped by the reader, said */
	memcpy(f, rw->fields, 11 * sizeof(*f));	/* the header */
	f[11] = (struct sr_field){ "pid", SR_FK_U64, 56, 8 };
	u.nfields = 12;
	unlink(tmp("clash.trc"));
	err = sr_writer__new(&w, tmp("clash.trc"), &plain);
	if (!err)
		err = sr_writer__add_type(w, &u) ?: sr_writer__begin(w) ?: sr_writer__finish(w);
	sr_writer__free(w);
	ok_eq(err, 0, "key clash: a writer may describe such a type (test tools do)");
	{
		struct dmg d = { 0 };

		err = sr_reader__open(&r, tmp("clash.trc"), on_damage, &d);
		ok(!err && !sr_reader__file_type(r, 41) && d.n == 1,
		   "key clash: the reader drops the type and says so once");
	}
	sr_reader__free(r);
}

static void test_create(void)
{
	struct sr_writer_opts o = plain;
	struct sr_writer *w;
	struct stat st;
	const char *p;
	int err;

	p = tmp("new.trc");
	unlink(p);
	err = sr_writer__new(&w, p, &o);
	ok_eq(err, 0, "create: a new file");
	sr_writer__finish(w);
	sr_writer__free(w);
	ok(!stat(p, &st) && (st.st_mode & 0777) == 0600, "create: mode 0600 (%o)", st.st_mode & 0777);
	ok_eq(sr_writer__new(&w, p, &o), -EEXIST, "create: an existing file is not replaced");
	o.force = 1;
	chmod(p, 0644);
	chown(p, 4321, 4321);
	{
		int old_fd = open(p, O_RDONLY | O_CLOEXEC);
		struct stat old_st;

		fstat(old_fd, &old_st);
		err = sr_writer__new(&w, p, &o);
		ok_eq(err, 0, "create: forced, an existing file is replaced");
		if (!err) {
			sr_writer__free(w);
			ok(!stat(p, &st) && st.st_size == 64 && (st.st_mode & 0777) == 0600 &&
			   st.st_uid == geteuid() && st.st_ino != old_st.st_ino,
			   "create: replaced by a new file of ours, mode 0600");
			ok(!fstat(old_fd, &old_st) && old_st.st_size != 64,
			   "create: a descriptor open on the old file does not see the new trace");
		}
		close(old_fd);
	}

	char target[4096], link[4096];

	snprintf(target, sizeof(target), "%s", p);
	snprintf(link, sizeof(link), "%s", tmp("link.trc"));
	p = target;
	if (symlink(target, link) == 0) {
		o.force = 0;
		ok_eq(sr_writer__new(&w, link, &o), -EEXIST, "create: a symbolic link is not followed");
		o.force = 1;
		ok_eq(sr_writer__new(&w, link, &o), -ELOOP, "create: forced, a symbolic link is refused");
		ok(!stat(p, &st) && st.st_size == 64, "create: the link's target untouched");
	}
	snprintf(target, sizeof(target), "%s", tmp("nowhere"));
	symlink(target, tmp("dangling.trc"));
	err = sr_writer__new(&w, tmp("dangling.trc"), &o);
	ok_eq(err, -ELOOP, "create: forced, a dangling symbolic link is refused");
	if (!err)
		sr_writer__free(w);
	ok(access(tmp("nowhere"), F_OK) != 0, "create: nothing created through the dangling link");
	mkfifo(tmp("fifo"), 0600);
	ok_eq(sr_writer__new(&w, tmp("fifo"), &o), -EEXIST, "create: forced, a FIFO is refused");
	ok_eq(sr_writer__new(&w, "/dev/null", &o), -EEXIST, "create: forced, a device is refused");
	ok_eq(sr_writer__new(&w, tmpdir, &o), -EISDIR, "create: forced, a directory is refused");
	ok_eq(sr_writer__new(&w, tmp("no/such/dir.trc"), &o), -ENOENT, "create: no such directory");

	o.force = 0;
	o.owner_uid = 4321;
	o.owner_gid = 8765;
	p = tmp("owned.trc");
	err = sr_writer__new(&w, p, &o);
	if (geteuid() == 0) {
		ok(!err && !stat(p, &st) && st.st_uid == 4321 && st.st_gid == 8765,
		   "create: chowned to 4321:8765");
	} else {
		ok(err == -EPERM && access(p, F_OK) != 0, "create: chown refused, the file removed");
	}
	sr_writer__free(w);

	o = plain;
	o.level = 99;
	ok_eq(sr_writer__new(&w, tmp("lvl.trc"), &o), -EINVAL, "create: zstd level 99 refused");
	o.level = 0;
	o.chunk_bytes = 100;
	ok_eq(sr_writer__new(&w, tmp("lvl.trc"), &o), -EINVAL, "create: a 100-byte chunk refused");
	o.chunk_bytes = (size_t)SR_CHUNK_MAX + 1;
	ok_eq(sr_writer__new(&w, tmp("lvl.trc"), &o), -EINVAL, "create: a chunk over 64 MiB refused");
	ok(access(tmp("lvl.trc"), F_OK) != 0, "create: no file left by refused options");
}

/* --- the writer's API and its errors --- */

static void test_writer_api(void)
{
	struct sr_writer *w;
	uint64_t buf[16] = { 0 };
	struct sr_event *e = (void *)buf;
	char big[300];

	unlink(tmp("api.trc"));
	if (sr_writer__new(&w, tmp("api.trc"), &plain)) {
		ok(0, "api: create");
		return;
	}
	memset(big, 'k', sizeof(big));
	big[299] = 0;
	ok_eq(sr_writer__meta(w, "", "v"), -EINVAL, "api: an empty key refused");
	ok_eq(sr_writer__meta(w, big, "v"), -EINVAL, "api: a 299-byte key refused");
	ok_eq(sr_writer__meta(w, "k", "1"), 0, "api: meta");
	ok_eq(sr_writer__meta(w, "k", "2"), 0, "api: meta again replaces");
	e->type = SR_EV_LOST;
	e->size = 64;
	ok_eq(sr_writer__append(w, e), -EINVAL, "api: append before begin refused");
	ok_eq(sr_writer__begin(w), 0, "api: begin");
	ok_eq(sr_writer__meta(w, "k", "3"), -EINVAL, "api: meta after begin refused");
	e->size = 60;
	ok_eq(sr_writer__append(w, e), -EINVAL, "api: a size not a multiple of 8 refused");
	e->size = 48;
	ok_eq(sr_writer__append(w, e), -EINVAL, "api: a size below the header refused");
	e->type = SR_EV_RW;
	e->size = 64;
	ok_eq(sr_writer__append(w, e), -EINVAL, "api: an rw record of 64 bytes refused");
	e->type = SR_EV_LOST;
	ok_eq(sr_writer__append(w, e), 0, "api: a lost record");
	ok_eq(sr_writer__finish(w), 0, "api: finish");
	ok(sr_writer__append(w, e) < 0 && sr_writer__finish(w) < 0, "api: nothing after finish");
	sr_writer__free(w);
	sr_writer__free(NULL);
	sr_reader__free(NULL);

	struct sr_reader *r;

	if (!sr_reader__open(&r, tmp("api.trc"), NULL, NULL)) {
		const struct sr_event *ev;

		ok(!strcmp(sr_reader__meta(r, "k"), "2") && sr_reader__next(r, &ev) == 1 &&
		   ev->type == SR_EV_LOST && sr_reader__next(r, &ev) == 0 && sr_reader__next(r, &ev) == 0,
		   "api: what was written, then the end, twice");
		sr_reader__free(r);
	}

	/* strings checked against the record */
	{
		const char *s;
		size_t l;

		e->size = 64;
		memcpy((uint8_t *)buf + 56, "abcdefgh", 8);
		ok(!sr_event__str(e, (struct sr_str){ 56, 8 }, &s, &l) && l == 8 && s[0] == 'a' &&
		   !sr_event__str(e, (struct sr_str){ 64, 0 }, &s, &l) && l == 0 &&
		   sr_event__str(e, (struct sr_str){ 60, 5 }, &s, &l) == -EINVAL &&
		   sr_event__str(e, (struct sr_str){ 65535, 65535 }, &s, &l) == -EINVAL,
		   "strings: inside the record or -EINVAL");
	}
}

/* More than 256 types in a chunk: the writer starts a new chunk. */
static void test_many_types(void)
{
	struct sr_writer_opts o = plain;
	struct sr_writer *w;
	struct sr_reader *r;
	struct sr_reader_stats st;
	uint64_t buf[8] = { 0 };
	struct sr_event *e = (void *)buf;
	const struct sr_event *ev;
	int n = 0, right = 1;

	o.chunk_bytes = 1 << 20;
	unlink(tmp("types.trc"));
	if (sr_writer__new(&w, tmp("types.trc"), &o))
		return;
	sr_writer__begin(w);
	for (int i = 0; i < 600; i++) {
		e->type = (uint16_t)(1000 + i);
		e->size = 64;
		e->ts = (uint64_t)i;
		buf[7] = (uint64_t)i * 3;
		sr_writer__append(w, e);
	}
	sr_writer__finish(w);
	sr_writer__free(w);
	if (sr_reader__open(&r, tmp("types.trc"), NULL, NULL))
		return;
	while (sr_reader__next(r, &ev) == 1) {
		if (ev->type != 1000 + n || ((const uint64_t *)ev)[7] != (uint64_t)n * 3)
			right = 0;
		n++;
	}
	sr_reader__stats(r, &st);
	ok(right && n == 600 && st.chunks == 3,
	   "600 types: read back in 3 chunks of at most 256 types (%" PRIu64 ")", st.chunks);
	sr_reader__free(r);
}

/* --- seeks --- */

static void test_seek(void)
{
	struct wrote wr;
	uint8_t *f;
	size_t len, nb;

	f = small_trace("seek.trc", 2000, 21, &wr, NULL, 0, &nb, &len);

	for (int cut = 0; cut < 2; cut++) {
		struct sr_reader *r;
		struct sr_reader_stats st;
		const struct sr_event *ev, *want = NULL;
		size_t pos = 0, i = 0;
		uint64_t target;

		/* the 1500th record's ts; ts repeat, so the first record with it */
		for (size_t k = 0; k < 1500; k++)
			want = rec_at(&wr.rs, &pos);
		target = want->ts;
		pos = 0;
		while ((want = rec_at(&wr.rs, &pos))->ts < target)
			i++;
		sr_reader__open_mem(&r, f, cut ? len - 100 : len, NULL, NULL);
		sr_reader__seek(r, target);
		ok(sr_reader__next(r, &ev) == 1 && !memcmp(ev, want, want->size),
		   "seek (%s): the first record at the ts (record %zu)", cut ? "no index" : "index", i);
		sr_reader__stats(r, &st);
		ok(st.chunks < wr.chunks / 2, "seek (%s): %" PRIu64 " of %zu chunks decompressed",
		   cut ? "no index" : "index", st.chunks, wr.chunks);
		sr_reader__free(r);
	}
	free(f);
	free(wr.rs.buf);
}

/*
 * An index of at most 6 entries over ~100 chunks: entries stand for runs of
 * chunks, the file is smaller by the entries saved, and every seek is still
 * exact.
 */
static void test_seek_runs(void)
{
	struct sr_writer_opts o = plain;
	struct wrote wr, wd;
	struct stat a, b;
	uint8_t *f;
	size_t len, k, bad = 0, targets = 0;

	o.chunk_bytes = 4096;
	unlink(tmp("runs.trc"));
	unlink(tmp("dense.trc"));
	write_trace(tmp("dense.trc"), 2000, &o, &wd, 21);
	o.index_max = 6;
	write_trace(tmp("runs.trc"), 2000, &o, &wr, 21);
	stat(tmp("dense.trc"), &a);
	stat(tmp("runs.trc"), &b);
	k = wr.chunks - (size_t)(a.st_size - b.st_size) / 32;	/* SR_INDEX_ENTRY */
	ok(wr.chunks > 60 && (a.st_size - b.st_size) % 32 == 0 && k >= 3 && k <= 6,
	   "index runs: %zu chunks, %zu index entries", wr.chunks, k);
	f = slurp(tmp("runs.trc"), &len);
	for (size_t t = 0; t < 2000; t += 37) {
		const struct sr_event *ev, *want = NULL;
		struct sr_reader *r;
		size_t pos = 0;
		uint64_t target;

		for (size_t j = 0; j <= t; j++)
			want = rec_at(&wr.rs, &pos);
		target = want->ts;
		pos = 0;
		while ((want = rec_at(&wr.rs, &pos))->ts < target)
			;
		sr_reader__open_mem(&r, f, len, NULL, NULL);
		sr_reader__seek(r, target);
		if (sr_reader__next(r, &ev) != 1 || memcmp(ev, want, want->size))
			bad++;
		targets++;
		sr_reader__free(r);
	}
	ok(bad == 0, "index runs: %zu of %zu seeks land on the first record at their ts", targets - bad,
	   targets);
	free(f);
	free(wr.rs.buf);
	free(wd.rs.buf);
}

/* --- ENOSPC --- */

static int wait_error(struct sr_writer *w)
{
	for (int i = 0; i < 500 && !sr_writer__error(w); i++)
		usleep(10000);
	return sr_writer__error(w);
}

static void test_enospc(void)
{
	struct sr_writer_opts o = plain;
	struct sr_writer *w;
	uint64_t buf[16] = { 0 };
	struct sr_event *e = (void *)buf;
	int full = open("/dev/full", O_WRONLY | O_CLOEXEC), fd, err = 0;

	if (full < 0) {
		printf("skip format: ENOSPC: no /dev/full\n");
		return;
	}
	ok_eq(sr_writer__new_fd(&w, dup(full), &o), -ENOSPC, "ENOSPC: on the file header");

	for (int threaded = 0; threaded < 2; threaded++) {
		struct sr_writer_stats st;
		int n = 0;

		o.threaded = threaded;
		o.chunk_bytes = 4096;
		fd = open(tmp("full.trc"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (sr_writer__new_fd(&w, fd, &o) || sr_writer__begin(w)) {
			ok(0, "ENOSPC: setting up");
			continue;
		}
		dup2(full, fd);	/* the disk fills up */
		e->type = SR_EV_LOST;
		e->size = 64;
		for (n = 0; n < 1000; n++) {
			e->ts = (uint64_t)n;
			err = sr_writer__append(w, e);
			if (err)
				break;
		}
		if (!err)
			err = wait_error(w);
		ok_eq(err, -ENOSPC, "ENOSPC (%s): seen (after %d appends)",
		      threaded ? "threaded" : "unthreaded", n);
		ok(sr_writer__error(w) == -ENOSPC && sr_writer__append(w, e) == -ENOSPC &&
		   sr_writer__flush(w) == -ENOSPC, "ENOSPC (%s): sticky",
		   threaded ? "threaded" : "unthreaded");
		ok_eq(sr_writer__finish(w), -ENOSPC, "ENOSPC (%s): finish says so",
		      threaded ? "threaded" : "unthreaded");
		sr_writer__stats(w, &st);
		ok(st.chunks == 0 && st.queued == 0, "ENOSPC (%s): no chunk counted as written",
		   threaded ? "threaded" : "unthreaded");
		sr_writer__free(w);
	}
	close(full);
}

/* A threaded writer under load: tiny chunks, the queue fills, everything arrives. */
static void test_threaded_load(void)
{
	struct sr_writer_opts o = plain;
	struct sr_writer *w;
	struct sr_writer_stats ws;
	struct sr_reader *r;
	struct sr_reader_stats st;
	const struct sr_event *ev;
	uint64_t buf[16] = { 0 };
	struct sr_event *e = (void *)buf;
	uint64_t n = 0;
	int right = 1;

	o.threaded = 1;
	o.chunk_bytes = SR_CHUNK_MIN;
	o.level = 9;	/* slower than the caller: the queue fills */
	unlink(tmp("load.trc"));
	if (sr_writer__new(&w, tmp("load.trc"), &o))
		return;
	sr_writer__begin(w);
	for (uint64_t i = 0; i < 200000; i++) {
		e->type = SR_EV_LOST;
		e->size = 64;
		e->ts = i;
		e->cpu = (uint16_t)(i % 7);
		buf[7] = i * i;
		if (sr_writer__append(w, e))
			right = 0;
	}
	sr_writer__end_meta(w, "events", "200000");
	ok(!sr_writer__finish(w) && right, "threaded load: 200000 records written");
	sr_writer__stats(w, &ws);
	sr_writer__free(w);
	if (sr_reader__open(&r, tmp("load.trc"), NULL, NULL))
		return;
	while (sr_reader__next(r, &ev) == 1) {
		if (ev->ts != n || ev->cpu != n % 7 || ((const uint64_t *)ev)[7] != n * n)
			right = 0;
		n++;
	}
	sr_reader__stats(r, &st);
	ok(right && n == 200000 && st.chunks == ws.chunks && ws.chunks == 200000 / 64 &&
	   ws.events == 200000 && ws.raw_bytes == 200000 * 64 && ws.queued == 0,
	   "threaded load: all back in order, %" PRIu64 " chunks", ws.chunks);
	printf("# threaded load: %.2f bytes/record on disk\n", (double)ws.file_bytes / 200000);
	sr_reader__free(r);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		printf("not ok format: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	test_tables();
	test_syscall_meanings();
	test_round_trip();
	test_file_schema();
	test_cut();
	test_flips();
	test_damage_counted();
	test_two_frames();
	test_unknown_block();
	test_schema_too_many_fields();
	test_versions();
	test_unknown_types();
	test_key_clash();
	test_create();
	test_writer_api();
	test_many_types();
	test_seek();
	test_seek_runs();
	test_enospc();
	test_threaded_load();

	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd))
		printf("# could not remove %s\n", tmpdir);
	return tap_done();
}
