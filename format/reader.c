// SPDX-License-Identifier: GPL-2.0-only
/*
 * reader.c - reads a trace whatever its bytes.
 *
 * Blocks are read in order and the index is never needed: each block header
 * carries its own magic and checksum, so after damage the reader reports the
 * offset, looks for the next good header and goes on.  Every length and
 * count is checked against what is left and against a cap before anything is
 * allocated; every multi-byte value is read with memcpy (the bytes are
 * unaligned and hostile); records are copied into an aligned buffer and
 * checked before a struct pointer to them is handed out.
 *
 * This file reads the file: its header, the trailer, the blocks in order,
 * resyncing after damage; decode.c and meta.c make sense of the payloads.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "sysrec/format.h"
#include "sysrec/util.h"
#include "reader.h"

#define SCAN_WINDOW	(256u << 10)
#define STREAM_MAX	(1ull << 30)	/* a pipe is read into memory up to this */

int sr_format_fuzzing;

static const char *const block_names[] = {
	[SR_BLK_START] = "start metadata",
	[SR_BLK_SCHEMA] = "schema",
	[SR_BLK_SYSCALLS] = "syscall table",
	[SR_BLK_CHUNK] = "chunk",
	[SR_BLK_END] = "end metadata",
	[SR_BLK_INDEX] = "index",
	[SR_BLK_TRAILER] = "trailer",
};

const char *sr_block_name(unsigned int type)
{
	if (type < sizeof(block_names) / sizeof(block_names[0]) && block_names[type])
		return block_names[type];
	return "unknown";
}

static void report(struct sr_reader *r, uint64_t off, const char *fmt, va_list ap)
{
	if (!r->damage)
		return;
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	r->damage(r->ctx, off, r->msg);
}

void sr_reader_damage(struct sr_reader *r, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	r->st.damaged++;
	va_start(ap, fmt);
	report(r, off, fmt, ap);
	va_end(ap);
}

/* The file ends early: reported, but it is a cut (st.cut), not damage. */
static void cut_short(struct sr_reader *r, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void cut_short(struct sr_reader *r, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(r, off, fmt, ap);
	va_end(ap);
}

int sr_reader_grow(struct sr_reader *r, uint8_t **buf, size_t *cap, size_t len)
{
	uint8_t *p;

	if (len <= *cap)
		return 0;
	if (len < 4096)
		len = 4096;
	if (r->mem_fn && r->mem_fn(r->mem_ctx, (int64_t)(len - *cap)))
		return -ENOMEM;
	/* what they held is not kept: never the old block and the new at once */
	free(*buf);
	r->mem_held -= *cap;
	*cap = 0;
	p = malloc(len);
	*buf = p;
	if (!p) {
		if (r->mem_fn)
			r->mem_fn(r->mem_ctx, -(int64_t)len);
		return -ENOMEM;
	}
	r->mem_held += len;
	*cap = len;
	return 0;
}

/*
 * Room for a chunk's payload, body, records and column scratch before any
 * of it is read, all asked of mem_fn at once: a chunk its budget cannot
 * hold stops the read with -ENOMEM instead of reading as damage.  Lengths
 * over the format's caps are left to the checks that report them.
 */
static int reserve_chunk(struct sr_reader *r, const struct sr_bhdr *h)
{
	size_t need[4] = { 0 }, *cap[4] = { &r->io_cap, &r->body_cap, &r->data_cap, &r->scratch_cap };
	uint8_t **buf[4] = { &r->io, &r->body, &r->data, &r->scratch };
	uint64_t more = 0;
	int err = 0;

	if (!r->mem_fn || h->body_len > SR_BODY_MAX || h->data_len > SR_DATA_MAX ||
	    h->data_len > h->body_len)
		return 0;
	if (!r->mem)
		need[0] = h->payload_len;
	if (h->flags & SR_BF_ZSTD)
		need[1] = h->body_len;
	need[2] = h->data_len;
	if (h->flags & SR_BF_COLUMNS)
		need[3] = h->body_len;
	for (int i = 0; i < 4; i++)
		if (need[i] > *cap[i])
			more += (need[i] < 4096 ? 4096 : need[i]) - *cap[i];
	if (!more)
		return 0;
	/* one question for the whole chunk, then the buffers one by one */
	if (r->mem_fn(r->mem_ctx, (int64_t)more))
		return -ENOMEM;
	r->mem_fn(r->mem_ctx, -(int64_t)more);
	for (int i = 0; i < 4 && !err; i++)
		err = sr_reader_grow(r, buf[i], cap[i], need[i]);
	return err;
}

/*
 * Points *p at the bytes [off, off + len) of the file, fewer at its end;
 * returns how many there are, or -errno.  *p stays valid until the next call.
 */
static ssize_t src_get(struct sr_reader *r, uint64_t off, size_t len, const uint8_t **p)
{
	static const uint8_t empty[1];
	size_t got = 0;

	*p = empty;
	if (off >= r->size)
		return 0;
	if (len > r->size - off)
		len = r->size - off;
	if (r->mem) {
		*p = r->mem + off;
		return (ssize_t)len;
	}
	if (sr_reader_grow(r, &r->io, &r->io_cap, len))
		return -ENOMEM;
	while (got < len) {
		ssize_t n = pread(r->fd, r->io + got, len - got, (off_t)(off + got));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;	/* the file shrank since open */
		got += (size_t)n;
	}
	*p = r->io;
	return (ssize_t)got;
}

/* A header that is good enough to follow: its magic and its checksum. */
static int header_ok(struct sr_reader *r, const uint8_t *p, struct sr_bhdr *h)
{
	int err = sr_bhdr_decode(p, h);

	return !err || (err == -EILSEQ && r->fuzzing);
}

/*
 * After damage at @from: the next offset with a good block header, reported
 * with what was wrong.  Returns 0 (r->pos set, or r->eof) or -errno.
 */
static int resync(struct sr_reader *r, uint64_t from, const char *why)
{
	uint64_t pos = from + 1;
	struct sr_bhdr h;

	for (;;) {
		const uint8_t *p, *hit;
		ssize_t n = src_get(r, pos, SCAN_WINDOW, &p);
		size_t i = 0;

		if (n < 0)
			return (int)n;
		if (n < SR_BLOCK_HDR_SIZE)
			break;
		while (i + SR_BLOCK_HDR_SIZE <= (size_t)n &&
		       (hit = memmem(p + i, (size_t)n - i, SR_BLOCK_MAGIC, SR_BLOCK_MAGIC_LEN))) {
			i = (size_t)(hit - p);
			if (i + SR_BLOCK_HDR_SIZE > (size_t)n)
				break;
			if (header_ok(r, p + i, &h)) {
				uint64_t at = pos + i;

				sr_reader_damage(r, from, "%s; %" PRIu64 " bytes skipped to the next block at offset %" PRIu64,
						 why, at - from, at);
				r->st.skipped_bytes += at - from;
				r->pos = at;
				return 0;
			}
			i++;
		}
		pos += (size_t)n - (SR_BLOCK_HDR_SIZE - 1);
	}
	sr_reader_damage(r, from, "%s; no good block after it (%" PRIu64 " bytes skipped)", why,
			 r->size - from);
	r->st.skipped_bytes += r->size - from;
	r->pos = r->size;
	return 0;
}

/* --- blocks --- */

static void at_eof(struct sr_reader *r)
{
	if (r->eof)
		return;
	if (!r->cut_seen && !r->last_was_trailer)
		cut_short(r, r->size, "the file ends without its trailer: the recording was cut");
	r->eof = 1;
	r->st.cut = r->cut_seen || !r->last_was_trailer;
	r->st.complete = r->end_seen && r->index_seen;
}

static uint32_t payload_cap(uint16_t type)
{
	switch (type) {
	case SR_BLK_CHUNK:
		return SR_PAYLOAD_MAX;
	case SR_BLK_INDEX:
		return SR_INDEX_PAYLOAD_MAX;
	default:
		return SR_META_PAYLOAD_MAX;
	}
}

static int load_index(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
		      const uint8_t *p)
{
	if (h->payload_len % SR_INDEX_ENTRY || h->count != h->payload_len / SR_INDEX_ENTRY ||
	    h->flags) {
		sr_reader_damage(r, off, "index block: bad length");
		return 0;
	}
	free(r->index);
	r->index = malloc(h->payload_len ? h->payload_len : 1);
	if (!r->index)
		return -ENOMEM;
	memcpy(r->index, p, h->payload_len);
	r->nindex = h->count;
	return 0;
}

/* Reads the block at r->pos and moves past it.  0, or -errno for I/O. */
static int step(struct sr_reader *r)
{
	uint64_t off = r->pos;
	const uint8_t *p, *body;
	struct sr_bhdr h;
	uint8_t hb[SR_BLOCK_HDR_SIZE];
	ssize_t n;
	int err;

	if (off >= r->size) {
		at_eof(r);
		return 0;
	}
	n = src_get(r, off, SR_BLOCK_HDR_SIZE, &p);
	if (n < 0)
		return (int)n;
	if (n < SR_BLOCK_HDR_SIZE) {
		size_t m = (size_t)n < SR_BLOCK_MAGIC_LEN ? (size_t)n : SR_BLOCK_MAGIC_LEN;

		if (!memcmp(p, SR_BLOCK_MAGIC, m)) {
			cut_short(r, off, "file cut inside a block header (%zd of %u bytes)", n,
			       SR_BLOCK_HDR_SIZE);
			r->cut_seen = 1;
		} else {
			sr_reader_damage(r, off, "%zd bytes of junk at the end of the file", n);
			r->st.skipped_bytes += (uint64_t)n;
		}
		r->pos = r->size;
		at_eof(r);
		return 0;
	}
	memcpy(hb, p, sizeof(hb));
	err = sr_bhdr_decode(hb, &h);
	if (err == -EBADMSG)
		return resync(r, off, "no block header (bad magic)");
	if (err && !r->fuzzing)
		return resync(r, off, "bad block header checksum");

	r->last_was_trailer = 0;
	if (h.payload_len > r->size - off - SR_BLOCK_HDR_SIZE) {
		cut_short(r, off, "file cut inside a %s block (%" PRIu64 " of %u payload bytes)",
		       sr_block_name(h.type), r->size - off - SR_BLOCK_HDR_SIZE, h.payload_len);
		r->cut_seen = 1;
		r->pos = r->size;
		at_eof(r);
		return 0;
	}
	r->pos = off + SR_BLOCK_HDR_SIZE + h.payload_len;

	if (h.type == SR_BLK_CHUNK && r->seeking && h.ts_last < r->seek_ts)
		return 0;	/* passed over without reading its payload */
	if (h.type == 0 || h.type > SR_BLK_TRAILER)
		return 0;	/* a block type from a later minor: header checked, payload unread */
	if (h.payload_len > payload_cap(h.type)) {
		sr_reader_damage(r, off, "%s block: payload of %u bytes, more than %u",
				 sr_block_name(h.type), h.payload_len, payload_cap(h.type));
		if (h.type == SR_BLK_CHUNK)
			r->st.bad_chunks++;
		return 0;
	}
	if (h.type == SR_BLK_END && off == r->end_off)
		return 0;	/* read at open through the trailer */
	if (h.type == SR_BLK_CHUNK && r->opening) {
		/* open stops before the records: read by the first sr_reader__next() */
		r->pos = off;
		r->opening = 0;
		return 0;
	}
	if (h.type == SR_BLK_CHUNK) {
		err = reserve_chunk(r, &h);
		if (err)
			return err;
	}

	n = src_get(r, off + SR_BLOCK_HDR_SIZE, h.payload_len, &p);
	if (n < 0)
		return (int)n;
	if ((size_t)n < h.payload_len) {
		cut_short(r, off, "the file shrank while it was read");
		r->cut_seen = 1;
		r->pos = r->size;
		at_eof(r);
		return 0;
	}
	if (sr_crc32c(0, p, h.payload_len) != h.payload_crc && !r->fuzzing) {
		sr_reader_damage(r, off, "%s block: payload checksum mismatch, block skipped",
				 sr_block_name(h.type));
		if (h.type == SR_BLK_CHUNK)
			r->st.bad_chunks++;
		return 0;
	}
	if (h.flags & ~SR_BF_KNOWN) {
		sr_reader_damage(r, off, "%s block: unknown encoding 0x%x, block skipped",
				 sr_block_name(h.type), h.flags);
		if (h.type == SR_BLK_CHUNK)
			r->st.bad_chunks++;
		return 0;
	}

	switch (h.type) {
	case SR_BLK_CHUNK:
		return sr_reader_load_chunk(r, off, &h, p);
	case SR_BLK_TRAILER:
		r->last_was_trailer = 1;
		return 0;
	case SR_BLK_INDEX:
		err = r->index ? 0 : load_index(r, off, &h, p);
		r->index_seen = r->index != NULL;
		return err;
	default:
		break;
	}

	int *seen = h.type == SR_BLK_START ? &r->start_seen :
		    h.type == SR_BLK_END ? &r->end_seen :
		    h.type == SR_BLK_SCHEMA ? &r->schema_seen : &r->syscalls_seen;

	if (*seen) {
		sr_reader_damage(r, off, "a second %s block, ignored", sr_block_name(h.type));
		return 0;
	}
	if (h.flags & SR_BF_COLUMNS) {
		sr_reader_damage(r, off, "%s block: column encoding on a block that has no records",
				 sr_block_name(h.type));
		return 0;
	}
	body = sr_reader_decode_payload(r, off, &h, p, SR_META_PAYLOAD_MAX);
	if (!body)
		return 0;
	*seen = 1;
	switch (h.type) {
	case SR_BLK_START:
		return sr_reader_parse_meta(r, off, &h, body, h.body_len, &r->start);
	case SR_BLK_END:
		return sr_reader_parse_meta(r, off, &h, body, h.body_len, &r->end);
	case SR_BLK_SCHEMA:
		return sr_reader_parse_schema(r, off, &h, body, h.body_len);
	default:
		return sr_reader_parse_syscalls(r, off, &h, body, h.body_len);
	}
}

/*
 * The block of @type whose header is at @off and which ends right at @end,
 * read whole and checked (flags outside @flags_ok, a payload over @max or a
 * checksum mismatch: not it): 1 with *h and *payload set, 0 when it is not
 * there, or -errno.
 */
static int tail_block(struct sr_reader *r, uint64_t off, uint64_t end, unsigned int type,
		      uint32_t max, uint32_t flags_ok, struct sr_bhdr *h, const uint8_t **payload)
{
	uint8_t hb[SR_BLOCK_HDR_SIZE];
	const uint8_t *p;
	ssize_t n;

	n = src_get(r, off, SR_BLOCK_HDR_SIZE, &p);
	if (n < SR_BLOCK_HDR_SIZE)
		return n < 0 ? (int)n : 0;
	memcpy(hb, p, sizeof(hb));
	if (!header_ok(r, hb, h) || h->type != type ||
	    off + SR_BLOCK_HDR_SIZE + h->payload_len != end ||
	    h->payload_len > max || (h->flags & ~flags_ok))
		return 0;
	n = src_get(r, off + SR_BLOCK_HDR_SIZE, h->payload_len, &p);
	if (n < 0)
		return (int)n;
	if ((size_t)n != h->payload_len ||
	    (sr_crc32c(0, p, h->payload_len) != h->payload_crc && !r->fuzzing))
		return 0;
	*payload = p;
	return 1;
}

/*
 * A good trailer at the very end gives the end metadata and the index
 * without reading the file: info and seeks use them.  Any doubt, and the
 * sequential read will find them (or not) on its own.
 */
static int read_tail(struct sr_reader *r)
{
	const uint8_t *p;
	struct sr_bhdr h, ih, eh;
	uint64_t toff, ioff, eoff;
	ssize_t n;
	int err;

	if (r->size < SR_FILE_HDR_SIZE + 3 * SR_BLOCK_HDR_SIZE + SR_TRAILER_PAYLOAD)
		return 0;
	toff = r->size - SR_BLOCK_HDR_SIZE - SR_TRAILER_PAYLOAD;
	n = src_get(r, toff, SR_BLOCK_HDR_SIZE + SR_TRAILER_PAYLOAD, &p);
	if (n < 0)
		return (int)n;
	if (n < SR_BLOCK_HDR_SIZE + SR_TRAILER_PAYLOAD || !header_ok(r, p, &h) ||
	    h.type != SR_BLK_TRAILER || h.payload_len != SR_TRAILER_PAYLOAD ||
	    (sr_crc32c(0, p + SR_BLOCK_HDR_SIZE, SR_TRAILER_PAYLOAD) != h.payload_crc &&
	     !r->fuzzing))
		return 0;
	ioff = get64(p + SR_BLOCK_HDR_SIZE);
	eoff = get64(p + SR_BLOCK_HDR_SIZE + 8);
	if (get64(p + SR_BLOCK_HDR_SIZE + 16) != r->size || ioff >= toff || eoff >= ioff ||
	    eoff < SR_FILE_HDR_SIZE)
		return 0;

	/* the index: right before the trailer; its flags are not looked at */
	err = tail_block(r, ioff, toff, SR_BLK_INDEX, SR_INDEX_PAYLOAD_MAX, ~0u, &ih, &p);
	if (err <= 0)
		return err;
	err = load_index(r, ioff, &ih, p);
	if (err || !r->index)
		return err;

	/* the end metadata: right before the index */
	err = tail_block(r, eoff, ioff, SR_BLK_END, SR_META_PAYLOAD_MAX, SR_BF_ZSTD, &eh, &p);
	if (err <= 0)
		return err;
	p = sr_reader_decode_payload(r, eoff, &eh, p, SR_META_PAYLOAD_MAX);
	if (!p)
		return 0;
	err = sr_reader_parse_meta(r, eoff, &eh, p, eh.body_len, &r->end);
	if (err)
		return err;
	r->end_seen = 1;
	r->index_seen = 1;
	r->end_off = eoff;
	r->trailer_ok = 1;
	return 0;
}

/* The file header: 0, -EINVAL, -EPROTONOSUPPORT. */
static int read_header(struct sr_reader *r)
{
	const uint8_t *p;
	ssize_t n = src_get(r, 0, SR_FILE_HDR_SIZE, &p);
	uint32_t hsize;

	if (n < 0)
		return (int)n;
	if (n < SR_FILE_MAGIC_LEN || memcmp(p, SR_FILE_MAGIC, SR_FILE_MAGIC_LEN)) {
		sr_reader_damage(r, 0, "not a sysrec trace (no sysrec magic)");
		return -EINVAL;
	}
	if (n >= SR_FH_BOM) {
		r->major = get16(p + SR_FH_MAJOR);
		r->minor = get16(p + SR_FH_MINOR);
		if (r->major > SR_FORMAT_MAJOR) {
			sr_reader_damage(r, 0,
					 "trace format %u.%u is newer than this reader's %u.x",
					 r->major, r->minor, SR_FORMAT_MAJOR);
			return -EPROTONOSUPPORT;
		}
	}
	if (n < SR_FILE_HDR_SIZE) {	/* nothing to read in it: no trace */
		cut_short(r, 0, "file cut inside its header (%zd of %u bytes)", n, SR_FILE_HDR_SIZE);
		return -EINVAL;
	}
	if (get32(p + SR_FH_BOM) == 0x04030201u) {
		sr_reader_damage(r, 0, "big-endian trace: not supported");
		return -EPROTONOSUPPORT;
	}
	if (get32(p + SR_FH_CRC) != sr_crc32c(0, p, SR_FH_CRC) && !r->fuzzing) {
		sr_reader_damage(r, 0, "damaged file header (checksum mismatch)");
		return -EINVAL;
	}
	hsize = get32(p + SR_FH_SIZE);
	if (get32(p + SR_FH_BOM) != SR_BOM || r->major == 0 ||
	    hsize < SR_FILE_HDR_SIZE || hsize > SR_FILE_HDR_MAX) {
		sr_reader_damage(r, 0, "damaged file header");
		return -EINVAL;
	}
	r->pos = hsize;
	return 0;
}

static int reader_start(struct sr_reader *r)
{
	int err;

	r->end_off = UINT64_MAX;
	r->st.file_bytes = r->size;
	err = read_header(r);
	if (err)
		return err;
	r->st.major = r->major;
	r->st.minor = r->minor;
	if (r->pos >= r->size) {
		at_eof(r);
		return 0;
	}
	err = read_tail(r);
	if (err)
		return err;
	r->st.cut = !r->trailer_ok;
	r->st.complete = r->trailer_ok;
	/*
	 * The describing blocks, up to the first chunk: its buffers are the
	 * caller's to count (sr_reader__set_mem_fn) before they are taken.
	 */
	r->opening = 1;
	while (!r->eof && r->opening) {
		err = step(r);
		if (err)
			return err;
	}
	r->opening = 0;
	return 0;
}

/*
 * Reads the start of the trace @r was set up for, unless setting it up failed
 * (@err): *rp = @r, or @r freed and -errno.
 */
static int reader_open(struct sr_reader *r, int err, struct sr_reader **rp)
{
	if (!err)
		err = reader_start(r);
	if (err) {
		sr_reader__free(r);
		return err;
	}
	*rp = r;
	return 0;
}

static struct sr_reader *reader_alloc(sr_damage_fn damage_fn, void *ctx)
{
	struct sr_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->fd = -1;
	r->damage = damage_fn;
	r->ctx = ctx;
	r->fuzzing = sr_format_fuzzing;
	return r;
}

int sr_reader__open_mem(struct sr_reader **rp, const void *buf, size_t len,
			sr_damage_fn damage_fn, void *ctx)
{
	struct sr_reader *r = reader_alloc(damage_fn, ctx);

	*rp = NULL;
	if (!r)
		return -ENOMEM;
	r->mem = buf ? buf : (const uint8_t *)"";
	r->size = buf ? len : 0;
	return reader_open(r, 0, rp);
}

/* A pipe or a device: read whole into memory, up to STREAM_MAX. */
static int slurp(struct sr_reader *r)
{
	size_t len = 0, cap = 0;

	for (;;) {
		ssize_t n;

		if (len == cap) {
			if (cap >= STREAM_MAX)
				return -EFBIG;
			size_t ncap = cap ? cap * 2 : 1 << 20;
			uint8_t *p = realloc(r->owned, ncap);

			if (!p)
				return -ENOMEM;
			r->mem_held += ncap - cap;
			r->owned = p;
			cap = ncap;
		}
		n = read(r->fd, r->owned + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		/* not a trace: say so now, not after reading up to STREAM_MAX */
		if (len < SR_FILE_MAGIC_LEN && len + (size_t)n >= SR_FILE_MAGIC_LEN &&
		    memcmp(r->owned, SR_FILE_MAGIC, SR_FILE_MAGIC_LEN))
			return -EINVAL;
		len += (size_t)n;
	}
	r->mem = r->owned ? r->owned : (const uint8_t *)"";
	r->size = len;
	return 0;
}

int sr_reader__open(struct sr_reader **rp, const char *path, sr_damage_fn damage_fn, void *ctx)
{
	struct sr_reader *r = reader_alloc(damage_fn, ctx);
	struct stat st;
	int err = 0;

	*rp = NULL;
	if (!r)
		return -ENOMEM;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &st))
		err = -errno;
	else if (S_ISDIR(st.st_mode))
		err = -EISDIR;
	else if (S_ISREG(st.st_mode))
		r->size = (uint64_t)st.st_size;
	else
		err = slurp(r);
	return reader_open(r, err, rp);
}

int sr_reader__stat(const struct sr_reader *r, struct stat *st)
{
	if (r->fd < 0)
		return -EBADF;
	return fstat(r->fd, st) ? -errno : 0;
}

int sr_reader__next(struct sr_reader *r, const struct sr_event **ev)
{
	for (;;) {
		if (r->data_pos < r->data_len) {
			const struct sr_event *e = (const void *)(r->data + r->data_pos);

			r->data_pos += e->size;
			if (r->seeking) {
				if (e->ts < r->seek_ts)
					continue;
				r->seeking = 0;
			}
			if (!r->st.events || e->ts < r->st.ts_first)
				r->st.ts_first = e->ts;
			if (e->ts > r->st.ts_last)
				r->st.ts_last = e->ts;
			r->st.events++;
			r->st.raw_bytes += e->size;
			*ev = e;
			return 1;
		}
		if (r->eof)
			return 0;
		int err = step(r);

		if (err)
			return err;
	}
}

int sr_reader__seek(struct sr_reader *r, uint64_t ts)
{
	r->seeking = 1;
	r->seek_ts = ts;
	/* the first indexed chunk ahead that ends at or after ts */
	for (size_t i = 0; i < r->nindex; i++) {
		const uint8_t *e = r->index + i * SR_INDEX_ENTRY;
		uint64_t off = get64(e);

		if (get64(e + 24) < ts)
			continue;
		if (off > r->pos && off < r->size) {
			r->pos = off;
			r->data_pos = r->data_len = 0;
		}
		break;
	}
	return 0;
}

int sr_event__str(const struct sr_event *ev, struct sr_str ref, const char **s, size_t *len)
{
	if ((uint32_t)ref.off + ref.len > ev->size)
		return -EINVAL;
	*s = (const char *)ev + ref.off;
	*len = ref.len;
	return 0;
}

void sr_reader__stats(const struct sr_reader *r, struct sr_reader_stats *st)
{
	*st = r->st;
	st->ended = r->end_seen;
}

/* What damage @st holds for @path, one line on stderr, as dump and export say it. */
void sr_reader_stats__say_damage(const struct sr_reader_stats *st, const char *path)
{
	unsigned long long nc = st->bad_chunks, np = st->damaged;

	if (nc && np > nc)
		sr_err("%s: %llu damaged chunk%s skipped, %llu problems in all", path,
		       nc, nc == 1 ? "" : "s", np);
	else if (nc)
		sr_err("%s: %llu damaged chunk%s skipped", path, nc, nc == 1 ? "" : "s");
	else if (np)
		sr_err("%s: damaged: %llu problem%s", path, np, np == 1 ? "" : "s");
}

int sr_reader__set_mem_fn(struct sr_reader *r, sr_reader_mem_fn fn, void *ctx)
{
	if (r->mem_fn)
		r->mem_fn(r->mem_ctx, -(int64_t)r->mem_held);
	r->mem_fn = NULL;
	if (fn && r->mem_held && fn(ctx, (int64_t)r->mem_held))
		return -ENOMEM;
	r->mem_fn = fn;
	r->mem_ctx = ctx;
	return 0;
}

void sr_reader__free(struct sr_reader *r)
{
	if (!r)
		return;
	if (r->mem_fn)
		r->mem_fn(r->mem_ctx, -(int64_t)r->mem_held);
	if (r->fd >= 0)
		close(r->fd);
	free(r->owned);
	free(r->io);
	ZSTD_freeDCtx(r->dctx);
	free(r->body);
	free(r->scratch);
	free(r->data);
	sr_reader_meta_free(r);
	free(r->index);
	free(r);
}
