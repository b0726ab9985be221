// SPDX-License-Identifier: GPL-2.0-only
/*
 * writer.c - writes a trace: file header, start blocks, chunks, end blocks.
 *
 * The file only ever grows: no byte is rewritten once written, so whatever a
 * crash leaves behind reads up to its last complete chunk.  Records are
 * copied into the current chunk buffer by the caller (the recorder's polling
 * loop); a full chunk goes to a writer thread through a bounded queue, and
 * the thread transforms, compresses and write()s it.  The caller only waits
 * when every buffer is in the queue.  The first error is sticky: later chunks
 * are dropped, and sr_writer__error() shows it without taking a lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zstd.h>

#include "sysrec/format.h"
#include "sysrec/util.h"
#include "layout.h"

#define MAX_RECORD	65536u		/* sr_event.size is a u16 */
#define QUEUE_BYTES	(32u << 20)	/* chunk buffers in flight, at most */

struct chunk {
	uint8_t *buf;		/* chunk_bytes + MAX_RECORD */
	size_t len;
	uint32_t nrec;
	uint64_t ts_min, ts_max;
	struct chunk *next;	/* queue or free list */
};

struct kv {
	char *key;
	char *value;
};

struct sr_writer {
	int fd;
	int level;
	size_t chunk_bytes;
	int threaded;
	int begun, finished;
	int err;			/* sticky; __atomic access */

	struct kv *meta, *end_meta;
	size_t nmeta, nend;
	struct sr_type *types;		/* sr_writer__add_type copies */
	size_t ntypes;
	uint16_t *fixed_of;		/* [65536]: bytes of each type that are columns */

	/* caller side */
	struct chunk *cur;
	uint64_t seen[65536 / 64];	/* types in cur */
	uint16_t seen_types[SR_GROUPS_MAX];
	unsigned int nseen;

	/* the side that writes: the thread, or the caller when unthreaded */
	ZSTD_CCtx *cctx;
	uint8_t *tbuf, *zbuf, *sbuf;	/* transformed, compressed, scratch */
	size_t tcap, zcap;
	uint64_t off;			/* where the next block goes */
	uint32_t seq;
	uint8_t *index;			/* SR_INDEX_ENTRY bytes per run of chunks */
	size_t index_len, index_cap;
	size_t index_max;		/* entries at most */
	uint32_t span, last_n;		/* chunks per full entry; in the last one */

	/* the queue */
	pthread_t thread;
	int thread_running;
	pthread_mutex_t lock;
	pthread_cond_t cv_work, cv_free;
	struct chunk *q_head, *q_tail, *free_list;
	unsigned int nbufs, max_bufs;
	int stop;

	/* stats, __atomic access: read from any thread */
	uint64_t events, raw_bytes, raw_written, chunk_file_bytes, file_bytes, chunks, queued;
};

static void set_err(struct sr_writer *w, int err)
{
	int zero = 0;

	__atomic_compare_exchange_n(&w->err, &zero, err, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

int sr_writer__error(const struct sr_writer *w)
{
	return __atomic_load_n(&w->err, __ATOMIC_SEQ_CST);
}

static void stat_add(uint64_t *v, uint64_t n)
{
	__atomic_fetch_add(v, n, __ATOMIC_RELAXED);
}

static int write_all(struct sr_writer *w, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t r = writev(w->fd, iov, n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		w->off += (uint64_t)r;
		stat_add(&w->file_bytes, (uint64_t)r);
		while (n > 0 && (size_t)r >= iov->iov_len) {
			r -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + r;
			iov->iov_len -= (size_t)r;
		}
	}
	return 0;
}

/* One block at w->off; the header's seq, payload length and crc are filled here. */
static int write_block(struct sr_writer *w, struct sr_bhdr *h, const void *payload, size_t len)
{
	uint8_t hdr[SR_BLOCK_HDR_SIZE];
	struct iovec iov[2];
	int err;

	h->seq = w->seq++;
	h->payload_len = (uint32_t)len;
	h->payload_crc = sr_crc32c(0, payload, len);
	sr_bhdr_encode(hdr, h);
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)payload;
	iov[1].iov_len = len;
	err = write_all(w, iov, len ? 2 : 1);
	if (err)
		set_err(w, err);
	return err;
}

static uint32_t sat_add32(uint32_t a, uint32_t b)
{
	return a + b < a ? UINT32_MAX : a + b;
}

/* dst = the run of chunks a then b (dst may be a) */
static void index_merge(uint8_t *dst, const uint8_t *a, const uint8_t *b)
{
	uint64_t first = get64(a + 16) < get64(b + 16) ? get64(a + 16) : get64(b + 16);
	uint64_t last = get64(a + 24) > get64(b + 24) ? get64(a + 24) : get64(b + 24);

	put64(dst, get64(a));
	put32(dst + 8, sat_add32(get32(a + 8), get32(b + 8)));
	put32(dst + 12, sat_add32(get32(a + 12), get32(b + 12)));
	put64(dst + 16, first);
	put64(dst + 24, last);
}

/*
 * One entry per chunk while there are at most index_max of them; then
 * neighbours are merged pairwise, and each entry stands for a run of 2, 4,
 * ... consecutive chunks: offset of the first, records and data bytes
 * summed, the run's time range.  Memory stays bounded however long the
 * file, and seeks stay exact: the first run that ends at or after a time
 * holds the first chunk that does (docs/FORMAT.md, 10).
 */
static int index_add(struct sr_writer *w, uint64_t off, const struct sr_bhdr *h)
{
	size_t n = w->index_len / SR_INDEX_ENTRY;
	uint8_t e[SR_INDEX_ENTRY];

	put64(e, off);
	put32(e + 8, h->count);
	put32(e + 12, h->data_len);
	put64(e + 16, h->ts_first);
	put64(e + 24, h->ts_last);
	if (n && w->last_n < w->span) {
		uint8_t *last = w->index + (n - 1) * SR_INDEX_ENTRY;

		index_merge(last, last, e);
		w->last_n++;
		return 0;
	}
	if (n == w->index_max) {
		for (size_t i = 0; i < n / 2; i++)
			index_merge(w->index + i * SR_INDEX_ENTRY, w->index + 2 * i * SR_INDEX_ENTRY,
				    w->index + (2 * i + 1) * SR_INDEX_ENTRY);
		n /= 2;		/* index_max is even */
		w->index_len = n * SR_INDEX_ENTRY;
		w->span *= 2;
	}
	if (w->index_len + SR_INDEX_ENTRY > w->index_cap) {
		size_t cap = w->index_cap ? w->index_cap * 2 : 64 * SR_INDEX_ENTRY;
		uint8_t *p;

		if (cap > w->index_max * SR_INDEX_ENTRY)
			cap = w->index_max * SR_INDEX_ENTRY;
		p = realloc(w->index, cap);
		if (!p)
			return -ENOMEM;
		w->index = p;
		w->index_cap = cap;
	}
	memcpy(w->index + w->index_len, e, SR_INDEX_ENTRY);
	w->index_len += SR_INDEX_ENTRY;
	w->last_n = 1;
	return 0;
}

static int write_chunk(struct sr_writer *w, const struct chunk *c)
{
	struct sr_bhdr h = { .type = SR_BLK_CHUNK, .flags = SR_BF_ZSTD | SR_BF_COLUMNS };
	size_t tlen, zlen;
	uint64_t off = w->off;
	int err;

	tlen = sr_cols_encode(w->tbuf, c->buf, c->len, c->nrec, w->fixed_of, w->sbuf);
	if (!tlen)
		return -EINVAL;		/* append keeps a chunk to SR_GROUPS_MAX types */
	zlen = ZSTD_compress2(w->cctx, w->zbuf, w->zcap, w->tbuf, tlen);
	if (ZSTD_isError(zlen))
		return -ENOMEM;		/* the buffers are sized by ZSTD_compressBound */
	h.count = c->nrec;
	h.body_len = (uint32_t)tlen;
	h.data_len = (uint32_t)c->len;
	h.ts_first = c->ts_min;
	h.ts_last = c->ts_max;
	err = write_block(w, &h, w->zbuf, zlen);
	if (err)
		return err;
	stat_add(&w->chunks, 1);
	stat_add(&w->raw_written, c->len);
	stat_add(&w->chunk_file_bytes, w->off - off + SR_INDEX_ENTRY);
	return index_add(w, off, &h);
}

static void *writer_thread(void *arg)
{
	struct sr_writer *w = arg;
	struct chunk *c;
	int err;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->q_head && !w->stop)
			pthread_cond_wait(&w->cv_work, &w->lock);
		c = w->q_head;
		if (!c)
			break;
		w->q_head = c->next;
		if (!w->q_head)
			w->q_tail = NULL;
		pthread_mutex_unlock(&w->lock);

		if (!sr_writer__error(w)) {
			err = write_chunk(w, c);
			if (err)
				set_err(w, err);
		}

		pthread_mutex_lock(&w->lock);
		__atomic_fetch_sub(&w->queued, 1, __ATOMIC_RELAXED);
		c->next = w->free_list;
		w->free_list = c;
		pthread_cond_broadcast(&w->cv_free);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static struct chunk *chunk_new(size_t chunk_bytes)
{
	struct chunk *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->buf = malloc(chunk_bytes + MAX_RECORD);
	if (!c->buf) {
		free(c);
		return NULL;
	}
	return c;
}

static void chunk_free(struct chunk *c)
{
	if (c)
		free(c->buf);
	free(c);
}

static void chunk_reset(struct chunk *c)
{
	c->len = 0;
	c->nrec = 0;
	c->ts_min = UINT64_MAX;
	c->ts_max = 0;
	c->next = NULL;
}

/* Hands the current chunk over and gets an empty one. */
static int hand_off(struct sr_writer *w)
{
	struct chunk *c = w->cur, *n;
	int err;

	if (!c || !c->nrec)
		return 0;
	for (unsigned int i = 0; i < w->nseen; i++)
		w->seen[w->seen_types[i] / 64] = 0;
	w->nseen = 0;

	if (!w->threaded) {
		if (!sr_writer__error(w)) {
			err = write_chunk(w, c);
			if (err)
				set_err(w, err);
		}
		chunk_reset(c);
		return sr_writer__error(w);
	}

	pthread_mutex_lock(&w->lock);
	if (w->q_tail)
		w->q_tail->next = c;
	else
		w->q_head = c;
	w->q_tail = c;
	__atomic_fetch_add(&w->queued, 1, __ATOMIC_RELAXED);
	pthread_cond_signal(&w->cv_work);
	while (!w->free_list && w->nbufs >= w->max_bufs)
		pthread_cond_wait(&w->cv_free, &w->lock);
	n = w->free_list;
	if (n)
		w->free_list = n->next;
	else
		w->nbufs++;	/* allocated below, outside the lock */
	pthread_mutex_unlock(&w->lock);

	if (!n) {
		n = chunk_new(w->chunk_bytes);
		if (!n) {
			pthread_mutex_lock(&w->lock);
			w->nbufs--;
			pthread_mutex_unlock(&w->lock);
			w->cur = NULL;
			set_err(w, -ENOMEM);
			return -ENOMEM;
		}
	}
	chunk_reset(n);
	w->cur = n;
	return sr_writer__error(w);
}

static int check_opts(const struct sr_writer_opts *o, int *level, size_t *chunk)
{
	*level = o && o->level ? o->level : SR_LEVEL_DEFAULT;
	*chunk = o && o->chunk_bytes ? o->chunk_bytes : SR_CHUNK_DEFAULT;
	if (*level < ZSTD_minCLevel() || *level > ZSTD_maxCLevel())
		return -EINVAL;
	if (*chunk < SR_CHUNK_MIN || *chunk > SR_CHUNK_MAX)
		return -EINVAL;
	if (o && o->index_max > SR_INDEX_PAYLOAD_MAX / SR_INDEX_ENTRY)
		return -EINVAL;
	return 0;
}

static int write_file_header(struct sr_writer *w)
{
	uint8_t h[SR_FILE_HDR_SIZE] = { 0 };
	struct iovec iov = { h, sizeof(h) };
	int err;

	memcpy(h, SR_FILE_MAGIC, SR_FILE_MAGIC_LEN);
	put16(h + SR_FH_MAJOR, SR_FORMAT_MAJOR);
	put16(h + SR_FH_MINOR, SR_FORMAT_MINOR);
	put32(h + SR_FH_BOM, SR_BOM);
	put32(h + SR_FH_SIZE, SR_FILE_HDR_SIZE);
	put32(h + SR_FH_FLAGS, 0);
	put32(h + SR_FH_CRC, sr_crc32c(0, h, SR_FH_CRC));
	err = write_all(w, &iov, 1);
	if (err)
		set_err(w, err);
	return err;
}

int sr_writer__new_fd(struct sr_writer **wp, int fd, const struct sr_writer_opts *opts)
{
	struct sr_writer *w;
	int level, err;
	size_t chunk;

	*wp = NULL;
	err = check_opts(opts, &level, &chunk);
	if (err) {
		close(fd);
		return err;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		close(fd);
		return -ENOMEM;
	}
	w->fd = fd;
	w->level = level;
	w->chunk_bytes = chunk;
	w->threaded = opts && opts->threaded;
	w->index_max = opts && opts->index_max ? (opts->index_max + 1) & ~(size_t)1 : SR_INDEX_MAX_DEFAULT;
	w->span = 1;
	w->max_bufs = QUEUE_BYTES / chunk;
	if (w->max_bufs < 2)
		w->max_bufs = 2;
	if (w->max_bufs > 5)
		w->max_bufs = 5;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cv_work, NULL);
	pthread_cond_init(&w->cv_free, NULL);

	w->fixed_of = malloc(65536 * sizeof(*w->fixed_of));
	if (!w->fixed_of) {
		err = -ENOMEM;
		goto fail;
	}
	for (unsigned int t = 0; t < 65536; t++) {
		const struct sr_type *st = sr_schema_type(t);

		w->fixed_of[t] = st ? st->fixed_size : sizeof(struct sr_event);
	}
	err = write_file_header(w);
	if (err)
		goto fail;
	*wp = w;
	return 0;
fail:
	sr_writer__free(w);
	return err;
}

/*
 * O_EXCL unless forced; forced, only a regular file is replaced, never
 * through a symbolic link, and by a new file rather than truncated in place:
 * a recorder running as root must not be turned into a tool that truncates
 * /etc/shadow or a device, nor hand its trace to whoever owns the old file
 * or holds it open.  Whatever appears at @path between the unlink and the
 * create makes O_EXCL fail: it fails closed.
 */
static int create_file(const char *path, int force, int *created)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	int fd;

	*created = 0;
	fd = open(path, flags, 0600);
	if (fd < 0 && errno == EEXIST && force) {
		if (lstat(path, &st))
			return -errno;
		if (S_ISLNK(st.st_mode))
			return -ELOOP;
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (!S_ISREG(st.st_mode))
			return -EEXIST;
		if (unlink(path) && errno != ENOENT)
			return -errno;
		fd = open(path, flags, 0600);
	}
	if (fd < 0)
		return -errno;
	*created = 1;
	return fd;
}

int sr_writer__new(struct sr_writer **wp, const char *path, const struct sr_writer_opts *opts)
{
	int fd, created, level, err;
	size_t chunk;

	*wp = NULL;
	err = check_opts(opts, &level, &chunk);
	if (err)
		return err;
	fd = create_file(path, opts && opts->force, &created);
	if (fd < 0)
		return fd;
	if (opts && (opts->owner_uid != (uid_t)-1 || opts->owner_gid != (gid_t)-1)) {
		struct stat st;

		/* skip when it already is (root recording for root) */
		if (fstat(fd, &st) ||
		    ((opts->owner_uid != (uid_t)-1 && opts->owner_uid != st.st_uid) ||
		     (opts->owner_gid != (gid_t)-1 && opts->owner_gid != st.st_gid) ?
		     fchown(fd, opts->owner_uid, opts->owner_gid) : 0)) {
			err = -errno;
			close(fd);
			if (created)
				unlink(path);
			return err;
		}
	}
	err = sr_writer__new_fd(wp, fd, opts);
	if (err && created)
		unlink(path);
	return err;
}

static int kv_set(struct kv **arr, size_t *n, const char *key, const char *value)
{
	size_t klen, vlen;
	struct kv *p;
	char *k, *v;

	if (!key || !value)
		return -EINVAL;
	klen = strlen(key);
	vlen = strlen(value);
	if (!klen || klen > SR_KEY_MAX || vlen > SR_VALUE_MAX)
		return -EINVAL;
	v = strdup(value);
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		if (!strcmp((*arr)[i].key, key)) {
			free((*arr)[i].value);
			(*arr)[i].value = v;
			return 0;
		}
	}
	if (*n >= SR_META_MAX) {
		free(v);
		return -E2BIG;
	}
	k = strdup(key);
	p = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!k || !p) {
		free(k);
		free(v);
		if (p)
			*arr = p;
		return -ENOMEM;
	}
	*arr = p;
	p[*n].key = k;
	p[*n].value = v;
	(*n)++;
	return 0;
}

int sr_writer__meta(struct sr_writer *w, const char *key, const char *value)
{
	if (w->begun)
		return -EINVAL;
	return kv_set(&w->meta, &w->nmeta, key, value);
}

int sr_writer__end_meta(struct sr_writer *w, const char *key, const char *value)
{
	if (w->finished)
		return -EINVAL;
	return kv_set(&w->end_meta, &w->nend, key, value);
}

static void type_free(struct sr_type *t)
{
	for (size_t f = 0; f < t->nfields; f++)
		free((char *)t->fields[f].name);
	free((void *)t->fields);
	free((char *)t->name);
}

int sr_writer__add_type(struct sr_writer *w, const struct sr_type *t)
{
	struct sr_type copy = *t, *types;
	struct sr_field *fields;
	size_t i;

	if (w->begun || sr_type_problem(t))
		return -EINVAL;
	for (i = 0; i < t->nfields; i++)
		if (sr_kind_size(t->fields[i].kind) < 0)
			return -EINVAL;

	fields = calloc(t->nfields ? t->nfields : 1, sizeof(*fields));
	copy.fields = fields;
	copy.nfields = 0;
	copy.name = strdup(t->name);
	if (!fields || !copy.name)
		goto nomem;
	for (; copy.nfields < t->nfields; copy.nfields++) {
		fields[copy.nfields] = t->fields[copy.nfields];
		fields[copy.nfields].name = strdup(t->fields[copy.nfields].name);
		if (!fields[copy.nfields].name)
			goto nomem;
	}

	for (i = 0; i < w->ntypes && w->types[i].type != t->type; i++)
		;
	if (i < w->ntypes) {
		type_free(&w->types[i]);
	} else {
		if (w->ntypes >= SR_TYPES_MAX) {
			type_free(&copy);
			return -E2BIG;
		}
		types = realloc(w->types, (w->ntypes + 1) * sizeof(*types));
		if (!types)
			goto nomem;
		w->types = types;
		w->ntypes++;
	}
	w->types[i] = copy;
	w->fixed_of[t->type] = t->fixed_size;
	return 0;
nomem:
	type_free(&copy);
	return -ENOMEM;
}

/* A growing buffer for building the small blocks. */
struct buf {
	uint8_t *p;
	size_t len, cap;
	int err;
};

static void buf_put(struct buf *b, const void *data, size_t len)
{
	if (b->err)
		return;
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap < b->len + len)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void buf_u8(struct buf *b, uint8_t v) { buf_put(b, &v, 1); }
static void buf_u16(struct buf *b, uint16_t v) { buf_put(b, &v, 2); }
static void buf_u32(struct buf *b, uint32_t v) { buf_put(b, &v, 4); }

/*
 * The schema and the syscall table are compressed (8 KiB down to 3, which
 * matters for small rotated files); metadata is left plain, so that
 * strings(1) shows the host and the command line of a damaged trace.
 */
static int write_buf_block(struct sr_writer *w, uint16_t type, uint32_t count, struct buf *b,
			   int compress)
{
	struct sr_bhdr h = { .type = type, .count = count };
	uint8_t *z = NULL;
	size_t zlen = 0;
	int err = b->err;

	h.body_len = h.data_len = (uint32_t)b->len;
	if (!err && compress) {
		z = malloc(ZSTD_compressBound(b->len));
		zlen = z ? ZSTD_compress(z, ZSTD_compressBound(b->len), b->p, b->len, 19) : 0;
		if (!z || ZSTD_isError(zlen))
			err = -ENOMEM;
		h.flags = SR_BF_ZSTD;
	}
	if (!err)
		err = compress ? write_block(w, &h, z, zlen) : write_block(w, &h, b->p, b->len);
	free(z);
	free(b->p);
	*b = (struct buf){ 0 };
	return err;
}

static int write_meta_block(struct sr_writer *w, uint16_t type, const struct kv *kv, size_t n)
{
	struct buf b = { 0 };

	for (size_t i = 0; i < n; i++) {
		size_t kl = strlen(kv[i].key), vl = strlen(kv[i].value);

		buf_u16(&b, (uint16_t)kl);
		buf_u32(&b, (uint32_t)vl);
		buf_put(&b, kv[i].key, kl);
		buf_put(&b, kv[i].value, vl);
	}
	return write_buf_block(w, type, (uint32_t)n, &b, 0);
}

static const struct sr_type *writer_type(const struct sr_writer *w, unsigned int type)
{
	for (size_t i = 0; i < w->ntypes; i++)
		if (w->types[i].type == type)
			return &w->types[i];
	return sr_schema_type(type);
}

static int write_schema_block(struct sr_writer *w)
{
	struct buf b = { 0 };
	uint32_t n = 0;

	/* numbers in order: this build's, and those add_type brought */
	for (unsigned int t = 0; t < 65536; t++) {
		const struct sr_type *st;
		size_t i;

		if (!sr_schema_type(t)) {
			for (i = 0; i < w->ntypes && w->types[i].type != t; i++)
				;
			if (i == w->ntypes)
				continue;
		}
		st = writer_type(w, t);
		buf_u16(&b, st->type);
		buf_u16(&b, st->fixed_size);
		buf_u16(&b, st->nfields);
		buf_u8(&b, (uint8_t)strlen(st->name));
		buf_put(&b, st->name, strlen(st->name));
		for (unsigned int f = 0; f < st->nfields; f++) {
			const struct sr_field *fl = &st->fields[f];

			buf_u16(&b, fl->offset);
			buf_u16(&b, fl->size);
			buf_u8(&b, fl->kind);
			buf_u8(&b, (uint8_t)strlen(fl->name));
			buf_put(&b, fl->name, strlen(fl->name));
		}
		n++;
	}
	return write_buf_block(w, SR_BLK_SCHEMA, n, &b, 1);
}

static int write_syscalls_block(struct sr_writer *w)
{
	struct buf b = { 0 };
	const struct sr_syscall *sc;
	size_t n;

	sc = sr_syscalls(&n);
	for (size_t i = 0; i < n; i++) {
		buf_u16(&b, sc[i].nr);
		buf_u16(&b, sc[i].ev_type);
		buf_u32(&b, sc[i].class);
		buf_u8(&b, (uint8_t)strlen(sc[i].name));
		buf_put(&b, sc[i].name, strlen(sc[i].name));
	}
	return write_buf_block(w, SR_BLK_SYSCALLS, (uint32_t)n, &b, 1);
}

int sr_writer__begin(struct sr_writer *w)
{
	size_t cap = w->chunk_bytes + MAX_RECORD;
	int err;

	if (w->begun || w->finished)
		return -EINVAL;
	w->begun = 1;
	err = sr_writer__error(w);
	if (err)
		return err;

	w->cctx = ZSTD_createCCtx();
	w->tcap = sr_cols_size((uint32_t)(cap / sizeof(struct sr_event)), SR_GROUPS_MAX, cap);
	w->zcap = ZSTD_compressBound(w->tcap);
	w->tbuf = malloc(w->tcap);
	w->zbuf = malloc(w->zcap);
	w->sbuf = malloc(cap);
	w->cur = chunk_new(w->chunk_bytes);
	if (!w->cctx || !w->tbuf || !w->zbuf || !w->sbuf || !w->cur)
		goto nomem;
	w->nbufs = 1;
	chunk_reset(w->cur);
	if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, w->level)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_contentSizeFlag, 1)))
		goto nomem;

	err = write_meta_block(w, SR_BLK_START, w->meta, w->nmeta);
	if (!err)
		err = write_schema_block(w);
	if (!err)
		err = write_syscalls_block(w);
	if (err) {
		set_err(w, err);
		return err;
	}
	if (w->threaded) {
		err = -pthread_create(&w->thread, NULL, writer_thread, w);
		if (err) {
			set_err(w, err);
			return err;
		}
		w->thread_running = 1;
	}
	return 0;
nomem:
	set_err(w, -ENOMEM);
	return -ENOMEM;
}

int sr_writer__append(struct sr_writer *w, const struct sr_event *ev)
{
	struct chunk *c;
	uint16_t size = ev->size, type = ev->type;
	int err;

	if (!w->begun || w->finished)
		return -EINVAL;
	err = sr_writer__error(w);
	if (err)
		return err;
	if (size < sizeof(struct sr_event) || size % 8 || size < w->fixed_of[type])
		return -EINVAL;
	if (!(w->seen[type / 64] & (1ull << (type % 64)))) {
		if (w->nseen == SR_GROUPS_MAX) {
			err = hand_off(w);
			if (err)
				return err;
		}
		w->seen[type / 64] |= 1ull << (type % 64);
		w->seen_types[w->nseen++] = type;
	}
	c = w->cur;
	if (c->len && c->len + size > w->chunk_bytes) {
		err = hand_off(w);
		if (err)
			return err;
		c = w->cur;
		w->seen[type / 64] |= 1ull << (type % 64);
		w->seen_types[w->nseen++] = type;
	}
	memcpy(c->buf + c->len, ev, size);
	c->len += size;
	c->nrec++;
	if (ev->ts < c->ts_min)
		c->ts_min = ev->ts;
	if (ev->ts > c->ts_max)
		c->ts_max = ev->ts;
	stat_add(&w->events, 1);
	stat_add(&w->raw_bytes, size);
	return 0;
}

int sr_writer__flush(struct sr_writer *w)
{
	int err;

	if (!w->begun || w->finished)
		return -EINVAL;
	err = sr_writer__error(w);
	return err ? err : hand_off(w);
}

/* Lets the thread write what is queued, and stops it. */
static void stop_thread(struct sr_writer *w)
{
	if (!w->thread_running)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->cv_work);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	w->thread_running = 0;
}

static int write_end_blocks(struct sr_writer *w)
{
	struct sr_bhdr h = { .type = SR_BLK_INDEX };
	uint64_t end_off, index_off;
	uint8_t tr[SR_TRAILER_PAYLOAD];
	int err;

	end_off = w->off;
	err = write_meta_block(w, SR_BLK_END, w->end_meta, w->nend);
	if (err)
		return err;
	index_off = w->off;
	h.count = (uint32_t)(w->index_len / SR_INDEX_ENTRY);
	h.body_len = h.data_len = (uint32_t)w->index_len;
	err = write_block(w, &h, w->index, w->index_len);
	if (err)
		return err;
	put64(tr, index_off);
	put64(tr + 8, end_off);
	put64(tr + 16, w->off + SR_BLOCK_HDR_SIZE + SR_TRAILER_PAYLOAD);
	h = (struct sr_bhdr){ .type = SR_BLK_TRAILER, .count = 1,
			      .body_len = sizeof(tr), .data_len = sizeof(tr) };
	return write_block(w, &h, tr, sizeof(tr));
}

int sr_writer__finish(struct sr_writer *w)
{
	int err;

	if (w->finished)
		return sr_writer__error(w) ? sr_writer__error(w) : -EINVAL;
	if (!w->begun)
		sr_writer__begin(w);
	hand_off(w);
	stop_thread(w);
	if (!sr_writer__error(w)) {
		err = write_end_blocks(w);
		if (err)
			set_err(w, err);
	}
	w->finished = 1;
	if (close(w->fd) && errno != EINTR)
		set_err(w, -errno);
	w->fd = -1;
	return sr_writer__error(w);
}

void sr_writer__stats(const struct sr_writer *w, struct sr_writer_stats *st)
{
	st->events = __atomic_load_n(&w->events, __ATOMIC_RELAXED);
	st->raw_bytes = __atomic_load_n(&w->raw_bytes, __ATOMIC_RELAXED);
	st->raw_written = __atomic_load_n(&w->raw_written, __ATOMIC_RELAXED);
	st->chunk_bytes = __atomic_load_n(&w->chunk_file_bytes, __ATOMIC_RELAXED);
	st->file_bytes = __atomic_load_n(&w->file_bytes, __ATOMIC_RELAXED);
	st->chunks = __atomic_load_n(&w->chunks, __ATOMIC_RELAXED);
	st->queued = __atomic_load_n(&w->queued, __ATOMIC_RELAXED);
}

static void kv_free(struct kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void sr_writer__free(struct sr_writer *w)
{
	struct chunk *c;

	if (!w)
		return;
	stop_thread(w);
	if (w->fd >= 0)
		close(w->fd);
	chunk_free(w->cur);
	while ((c = w->free_list)) {
		w->free_list = c->next;
		chunk_free(c);
	}
	while ((c = w->q_head)) {	/* only when the thread never ran */
		w->q_head = c->next;
		chunk_free(c);
	}
	kv_free(w->meta, w->nmeta);
	kv_free(w->end_meta, w->nend);
	for (size_t i = 0; i < w->ntypes; i++)
		type_free(&w->types[i]);
	free(w->types);
	free(w->fixed_of);
	ZSTD_freeCCtx(w->cctx);
	free(w->tbuf);
	free(w->zbuf);
	free(w->sbuf);
	free(w->index);
	pthread_cond_destroy(&w->cv_work);
	pthread_cond_destroy(&w->cv_free);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
