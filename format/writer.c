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
 *
 * This file holds the writer's life and the caller's side: creating the
 * file, appending records to the current chunk, finishing; chunk_write.c
 * writes blocks and runs the thread, meta.c encodes the describing blocks.
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
#include "writer.h"

#define QUEUE_BYTES	(32u << 20)	/* chunk buffers in flight, at most */

int sr_writer__error(const struct sr_writer *w)
{
	return __atomic_load_n(&w->err, __ATOMIC_SEQ_CST);
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
	err = sr_writer_write_all(w, &iov, 1);
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
		sr_type_free(&w->types[i]);
	} else {
		if (w->ntypes >= SR_TYPES_MAX) {
			sr_type_free(&copy);
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
	sr_type_free(&copy);
	return -ENOMEM;
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
	w->cur = sr_writer_chunk_new(w->chunk_bytes);
	if (!w->cctx || !w->tbuf || !w->zbuf || !w->sbuf || !w->cur)
		goto nomem;
	w->nbufs = 1;
	sr_writer_chunk_reset(w->cur);
	if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, w->level)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_contentSizeFlag, 1)))
		goto nomem;

	err = sr_writer_write_meta_block(w, SR_BLK_START, w->meta, w->nmeta);
	if (!err)
		err = sr_writer_write_schema_block(w);
	if (!err)
		err = sr_writer_write_syscalls_block(w);
	if (err) {
		set_err(w, err);
		return err;
	}
	if (w->threaded) {
		err = -pthread_create(&w->thread, NULL, sr_writer_thread, w);
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
			err = sr_writer_hand_off(w);
			if (err)
				return err;
		}
		w->seen[type / 64] |= 1ull << (type % 64);
		w->seen_types[w->nseen++] = type;
	}
	c = w->cur;
	if (c->len && c->len + size > w->chunk_bytes) {
		err = sr_writer_hand_off(w);
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
	return err ? err : sr_writer_hand_off(w);
}

static int write_end_blocks(struct sr_writer *w)
{
	struct sr_bhdr h = { .type = SR_BLK_INDEX };
	uint64_t end_off, index_off;
	uint8_t tr[SR_TRAILER_PAYLOAD];
	int err;

	end_off = w->off;
	err = sr_writer_write_meta_block(w, SR_BLK_END, w->end_meta, w->nend);
	if (err)
		return err;
	index_off = w->off;
	h.count = (uint32_t)(w->index_len / SR_INDEX_ENTRY);
	h.body_len = h.data_len = (uint32_t)w->index_len;
	err = sr_writer_write_block(w, &h, w->index, w->index_len);
	if (err)
		return err;
	put64(tr, index_off);
	put64(tr + 8, end_off);
	put64(tr + 16, w->off + SR_BLOCK_HDR_SIZE + SR_TRAILER_PAYLOAD);
	h = (struct sr_bhdr){ .type = SR_BLK_TRAILER, .count = 1,
			      .body_len = sizeof(tr), .data_len = sizeof(tr) };
	return sr_writer_write_block(w, &h, tr, sizeof(tr));
}

int sr_writer__finish(struct sr_writer *w)
{
	int err;

	if (w->finished)
		return sr_writer__error(w) ? sr_writer__error(w) : -EINVAL;
	if (!w->begun)
		sr_writer__begin(w);
	sr_writer_hand_off(w);
	sr_writer_stop_thread(w);
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

void sr_writer__free(struct sr_writer *w)
{
	struct chunk *c;

	if (!w)
		return;
	sr_writer_stop_thread(w);
	if (w->fd >= 0)
		close(w->fd);
	sr_writer_chunk_free(w->cur);
	while ((c = w->free_list)) {
		w->free_list = c->next;
		sr_writer_chunk_free(c);
	}
	while ((c = w->q_head)) {	/* only when the thread never ran */
		w->q_head = c->next;
		sr_writer_chunk_free(c);
	}
	sr_writer_kv_free(w->meta, w->nmeta);
	sr_writer_kv_free(w->end_meta, w->nend);
	for (size_t i = 0; i < w->ntypes; i++)
		sr_type_free(&w->types[i]);
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
