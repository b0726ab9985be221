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
#include "layout.h"

#define SCAN_WINDOW	(256u << 10)
#define STREAM_MAX	(1ull << 30)	/* a pipe is read into memory up to this */

int sr_format_fuzzing;

struct kvs {
	char **keys, **values;
	size_t n;
};

struct sys_name {
	uint16_t nr;
	char *name;
};

struct sr_reader {
	/* the bytes: memory, or a regular file read with pread */
	int fd;
	const uint8_t *mem;
	uint8_t *owned;			/* what a pipe was read into */
	uint64_t size;
	uint8_t *io;
	size_t io_cap;

	sr_damage_fn damage;
	void *ctx;
	int fuzzing;
	char msg[256];

	uint16_t major, minor;
	uint64_t pos;			/* the next block */
	int eof;
	int cut_seen;			/* a block or the header ends past the end of the file */
	int last_was_trailer;
	int trailer_ok;			/* at open */
	uint64_t end_off;		/* the end block read at open, or UINT64_MAX */

	/* the current chunk */
	ZSTD_DCtx *dctx;
	uint8_t *body, *scratch, *data;
	size_t body_cap, scratch_cap, data_cap;
	size_t data_len, data_pos;

	int seeking;
	uint64_t seek_ts;

	/* what the file describes */
	struct kvs start, end;
	const char **all_keys, **all_values;
	size_t nall;
	int start_seen, end_seen, index_seen, schema_seen, syscalls_seen;
	struct sr_type *types;		/* sorted by number */
	const struct sr_type **type_ptrs;
	size_t ntypes;
	struct sys_name *sys;		/* sorted by nr */
	size_t nsys;
	uint8_t *index;			/* SR_INDEX_ENTRY bytes each */
	size_t nindex;

	struct sr_reader_stats st;
};

static const char *const block_names[] = {
	[SR_BLK_START] = "start metadata",
	[SR_BLK_SCHEMA] = "schema",
	[SR_BLK_SYSCALLS] = "syscall table",
	[SR_BLK_CHUNK] = "chunk",
	[SR_BLK_END] = "end metadata",
	[SR_BLK_INDEX] = "index",
	[SR_BLK_TRAILER] = "trailer",
};

static const char *block_name(unsigned int type)
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

/* Damage: counted, so that a damaged file never passes for a complete one. */
static void damage(struct sr_reader *r, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void damage(struct sr_reader *r, uint64_t off, const char *fmt, ...)
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

/* A buffer of at least @len bytes in *buf, grown as needed (callers cap len). */
static int grow(uint8_t **buf, size_t *cap, size_t len)
{
	uint8_t *p;

	if (len <= *cap)
		return 0;
	if (len < 4096)
		len = 4096;
	p = realloc(*buf, len);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = len;
	return 0;
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
	if (grow(&r->io, &r->io_cap, len))
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

				damage(r, from, "%s; %" PRIu64 " bytes skipped to the next block at offset %" PRIu64,
				       why, at - from, at);
				r->st.skipped_bytes += at - from;
				r->pos = at;
				return 0;
			}
			i++;
		}
		pos += (size_t)n - (SR_BLOCK_HDR_SIZE - 1);
	}
	damage(r, from, "%s; no good block after it (%" PRIu64 " bytes skipped)", why, r->size - from);
	r->st.skipped_bytes += r->size - from;
	r->pos = r->size;
	return 0;
}

/* --- metadata --- */

static int rebuild_all(struct sr_reader *r)
{
	size_t n = r->start.n + r->end.n;
	const char **k = realloc(r->all_keys, (n ? n : 1) * sizeof(*k));
	const char **v;

	if (!k)
		return -ENOMEM;
	r->all_keys = k;
	v = realloc(r->all_values, (n ? n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->all_values = v;
	for (size_t i = 0; i < r->start.n; i++) {
		k[i] = r->start.keys[i];
		v[i] = r->start.values[i];
	}
	for (size_t i = 0; i < r->end.n; i++) {
		k[r->start.n + i] = r->end.keys[i];
		v[r->start.n + i] = r->end.values[i];
	}
	r->nall = n;
	return 0;
}

static int parse_meta(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
		      const uint8_t *p, size_t len, struct kvs *kv)
{
	size_t pos = 0;
	uint32_t n = h->count;

	if (n > SR_META_MAX) {
		damage(r, off, "%s block: %u entries, more than %u", block_name(h->type), n,
		       SR_META_MAX);
		n = SR_META_MAX;
	}
	kv->keys = calloc(n ? n : 1, sizeof(char *));
	kv->values = calloc(n ? n : 1, sizeof(char *));
	if (!kv->keys || !kv->values)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		uint16_t kl;
		uint32_t vl;

		if (len - pos < 6) {
			damage(r, off, "%s block: entry %u cut", block_name(h->type), i);
			break;
		}
		kl = get16(p + pos);
		vl = get32(p + pos + 2);
		pos += 6;
		if (!kl || kl > SR_KEY_MAX || vl > SR_VALUE_MAX || len - pos < (size_t)kl + vl) {
			damage(r, off, "%s block: entry %u has a bad length", block_name(h->type), i);
			break;
		}
		kv->keys[kv->n] = sr_memdup0(p + pos, kl);
		kv->values[kv->n] = sr_memdup0(p + pos + kl, vl);
		if (!kv->keys[kv->n] || !kv->values[kv->n]) {
			free(kv->keys[kv->n]);
			free(kv->values[kv->n]);
			return -ENOMEM;
		}
		kv->n++;
		pos += (size_t)kl + vl;
	}
	return rebuild_all(r);
}

/* --- schema and syscall table --- */

static int cmp_type(const void *a, const void *b)
{
	const struct sr_type *x = a, *y = b;

	return (int)x->type - (int)y->type;
}

static void type_free(struct sr_type *t)
{
	for (size_t f = 0; f < t->nfields; f++)
		free((char *)t->fields[f].name);
	free((void *)t->fields);
	free((char *)t->name);
}

/* One type at p[*pos]; 1 when parsed, 0 when the block is cut, -ENOMEM. */
static int parse_type(const uint8_t *p, size_t len, size_t *pos, struct sr_type *t)
{
	struct sr_field *fields;
	size_t q = *pos;
	uint16_t nf;
	uint8_t nl;

	/* t->nfields counts the fields that hold a name: type_free() frees those */
	memset(t, 0, sizeof(*t));
	if (len - q < 7)
		return 0;
	t->type = get16(p + q);
	t->fixed_size = get16(p + q + 2);
	nf = get16(p + q + 4);
	nl = p[q + 6];
	q += 7;
	/*
	 * More than SR_FIELDS_MAX fields is parsed all the same, so that the
	 * types after it are read; sr_type_problem() drops this one.  Fields
	 * take 6 bytes at least: a count the block cannot hold is a cut.
	 */
	if (len - q < nl || (len - q - nl) / 6 < nf)
		return 0;
	t->name = sr_memdup0(p + q, nl);
	q += nl;
	fields = calloc(nf ? nf : 1, sizeof(*fields));
	t->fields = fields;
	if (!t->name || !fields)
		return -ENOMEM;
	for (unsigned int i = 0; i < nf; i++) {
		if (len - q < 6 || len - q - 6 < p[q + 5])
			return 0;
		fields[i].offset = get16(p + q);
		fields[i].size = get16(p + q + 2);
		fields[i].kind = p[q + 4];
		nl = p[q + 5];
		fields[i].name = sr_memdup0(p + q + 6, nl);
		if (!fields[i].name)
			return -ENOMEM;
		t->nfields = (uint16_t)(i + 1);
		/* a kind from a later minor: shown as nothing rather than misread */
		if (sr_kind_size(fields[i].kind) < 0)
			fields[i].kind = SR_FK_PAD;
		q += 6 + (size_t)nl;
	}
	*pos = q;
	return 1;
}

static int parse_schema(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
			const uint8_t *p, size_t len)
{
	uint32_t n = h->count;
	size_t pos = 0;

	if (n > SR_TYPES_MAX) {
		damage(r, off, "schema block: %u types, more than %u", n, SR_TYPES_MAX);
		n = SR_TYPES_MAX;
	}
	r->types = calloc(n ? n : 1, sizeof(*r->types));
	r->type_ptrs = calloc(n ? n : 1, sizeof(*r->type_ptrs));
	if (!r->types || !r->type_ptrs)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		struct sr_type *t = &r->types[r->ntypes];
		char conflict[256];
		const char *why;
		int rc = parse_type(p, len, &pos, t);

		if (rc < 0) {
			type_free(t);
			return rc;
		}
		if (!rc) {
			type_free(t);
			damage(r, off, "schema block: type %u of %u cut", i, n);
			break;
		}
		why = sr_type_problem(t);
		if (!why)
			why = sr_type_conflict(t, conflict, sizeof(conflict));
		for (size_t j = 0; !why && j < r->ntypes; j++)
			if (r->types[j].type == t->type)
				why = "described twice";
		if (why) {
			damage(r, off, "schema block: type %u: %s", t->type, why);
			type_free(t);
			continue;
		}
		r->ntypes++;
	}
	qsort(r->types, r->ntypes, sizeof(*r->types), cmp_type);
	for (size_t i = 0; i < r->ntypes; i++)
		r->type_ptrs[i] = &r->types[i];
	return 0;
}

static int cmp_sys(const void *a, const void *b)
{
	const struct sys_name *x = a, *y = b;

	return (int)x->nr - (int)y->nr;
}

static int parse_syscalls(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
			  const uint8_t *p, size_t len)
{
	uint32_t n = h->count;
	size_t pos = 0;

	if (n > SR_SYSCALLS_MAX) {
		damage(r, off, "syscall table: %u entries, more than %u", n, SR_SYSCALLS_MAX);
		n = SR_SYSCALLS_MAX;
	}
	r->sys = calloc(n ? n : 1, sizeof(*r->sys));
	if (!r->sys)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t nl;

		if (len - pos < 9 || !(nl = p[pos + 8]) || len - pos - 9 < nl) {
			damage(r, off, "syscall table: entry %u cut or nameless", i);
			break;
		}
		r->sys[r->nsys].nr = get16(p + pos);
		r->sys[r->nsys].name = sr_memdup0(p + pos + 9, nl);
		if (!r->sys[r->nsys].name)
			return -ENOMEM;
		r->nsys++;
		pos += 9 + (size_t)nl;
	}
	qsort(r->sys, r->nsys, sizeof(*r->sys), cmp_sys);
	return 0;
}

/* --- chunks --- */

/*
 * Checks the records of the current chunk in order and keeps those before
 * the first bad one.  Returns 1 when all were good.
 */
static int check_records(struct sr_reader *r, uint64_t off, uint32_t count, int check_count)
{
	size_t pos = 0;
	uint32_t i = 0;

	while (pos < r->data_len) {
		const uint8_t *p = r->data + pos;
		size_t left = r->data_len - pos;
		uint16_t type, size;
		const struct sr_type *t;

		if (left < sizeof(struct sr_event)) {
			damage(r, off, "chunk record %u: %zu bytes left, less than a header", i, left);
			break;
		}
		type = get16(p);
		size = get16(p + 2);
		t = sr_schema_type(type);
		if (size < sizeof(struct sr_event) || size % 8 || size > left) {
			damage(r, off, "chunk record %u: bad size %u", i, size);
			break;
		}
		if (t && size < t->fixed_size) {
			damage(r, off, "chunk record %u: %s record of %u bytes, less than its %u",
			       i, t->name, size, t->fixed_size);
			break;
		}
		pos += size;
		i++;
	}
	if (pos == r->data_len && check_count && i != count) {
		damage(r, off, "chunk holds %u records, its header says %u", i, count);
		r->data_len = pos;
		return 0;
	}
	if (pos != r->data_len) {
		r->data_len = pos;
		return 0;
	}
	return 1;
}

/* The payload decoded into r->body (or left where it is): the body, or NULL. */
static const uint8_t *decode_payload(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
				     const uint8_t *payload, size_t cap)
{
	size_t n;

	if (!(h->flags & SR_BF_ZSTD)) {
		if (h->body_len != h->payload_len) {
			damage(r, off, "%s block: body length differs from the payload's",
			       block_name(h->type));
			return NULL;
		}
		return payload;
	}
	if (h->body_len > cap) {
		damage(r, off, "%s block: %u bytes uncompressed, more than %zu",
		       block_name(h->type), h->body_len, cap);
		return NULL;
	}
	/* the first frame's size: more may follow (§1: frames may be concatenated) */
	n = ZSTD_getFrameContentSize(payload, h->payload_len);
	if (n != ZSTD_CONTENTSIZE_UNKNOWN && n != ZSTD_CONTENTSIZE_ERROR && n > h->body_len) {
		damage(r, off, "%s block: the zstd frame does not hold the body length",
		       block_name(h->type));
		return NULL;
	}
	if (grow(&r->body, &r->body_cap, h->body_len)) {
		damage(r, off, "%s block: out of memory", block_name(h->type));
		return NULL;
	}
	if (!r->dctx && !(r->dctx = ZSTD_createDCtx())) {
		damage(r, off, "%s block: out of memory", block_name(h->type));
		return NULL;
	}
	n = ZSTD_decompressDCtx(r->dctx, r->body, h->body_len, payload, h->payload_len);
	if (ZSTD_isError(n)) {
		damage(r, off, "%s block: cannot decompress: %s", block_name(h->type),
		       ZSTD_getErrorName(n));
		return NULL;
	}
	if (n != h->body_len) {
		damage(r, off, "%s block: decompressed to %zu bytes, not %u", block_name(h->type),
		       n, h->body_len);
		return NULL;
	}
	return r->body;
}

static int load_chunk(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
		      const uint8_t *payload)
{
	const uint8_t *body;
	const char *why = NULL;
	uint32_t nok = 0;

	r->data_len = r->data_pos = 0;
	if (h->data_len > SR_DATA_MAX || h->count > h->data_len / sizeof(struct sr_event)) {
		damage(r, off, "chunk: %u records in %u bytes: over the limits", h->count,
		       h->data_len);
		goto bad;
	}
	if (h->data_len > h->body_len) {
		damage(r, off, "chunk: %u bytes of records from a body of %u", h->data_len,
		       h->body_len);
		goto bad;
	}
	body = decode_payload(r, off, h, payload, SR_BODY_MAX);
	if (!body)
		goto bad;
	if (grow(&r->data, &r->data_cap, h->data_len ? h->data_len : 8))
		goto nomem;
	if (h->flags & SR_BF_COLUMNS) {
		if (grow(&r->scratch, &r->scratch_cap, h->body_len ? h->body_len : 8))
			goto nomem;
		nok = sr_cols_decode(body, h->body_len, h->count, r->data, h->data_len,
				     &r->data_len, r->scratch, &why);
		if (why) {
			damage(r, off, "chunk: %s (after %u good records)", why, nok);
		} else if (r->data_len != h->data_len) {
			damage(r, off, "chunk: records add up to %zu bytes, the header says %u",
			       r->data_len, h->data_len);
			why = "";
		}
	} else {
		if (h->body_len != h->data_len) {
			damage(r, off, "chunk: data length differs from the body's");
			goto bad;
		}
		memcpy(r->data, body, h->data_len);
		r->data_len = h->data_len;
	}
	/* the good records before a bad one are still given out */
	if (!check_records(r, off, h->count, !why) || why)
		goto bad;
	r->st.chunks++;
	r->st.compressed_bytes += h->payload_len;
	return 0;
nomem:
	damage(r, off, "chunk: out of memory");
bad:
	r->st.bad_chunks++;
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
		damage(r, off, "index block: bad length");
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
			damage(r, off, "%zd bytes of junk at the end of the file", n);
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
		       block_name(h.type), r->size - off - SR_BLOCK_HDR_SIZE, h.payload_len);
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
		damage(r, off, "%s block: payload of %u bytes, more than %u", block_name(h.type),
		       h.payload_len, payload_cap(h.type));
		if (h.type == SR_BLK_CHUNK)
			r->st.bad_chunks++;
		return 0;
	}
	if (h.type == SR_BLK_END && off == r->end_off)
		return 0;	/* read at open through the trailer */

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
		damage(r, off, "%s block: payload checksum mismatch, block skipped",
		       block_name(h.type));
		if (h.type == SR_BLK_CHUNK)
			r->st.bad_chunks++;
		return 0;
	}
	if (h.flags & ~SR_BF_KNOWN) {
		damage(r, off, "%s block: unknown encoding 0x%x, block skipped",
		       block_name(h.type), h.flags);
		if (h.type == SR_BLK_CHUNK)
			r->st.bad_chunks++;
		return 0;
	}

	switch (h.type) {
	case SR_BLK_CHUNK:
		return load_chunk(r, off, &h, p);
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
		damage(r, off, "a second %s block, ignored", block_name(h.type));
		return 0;
	}
	if (h.flags & SR_BF_COLUMNS) {
		damage(r, off, "%s block: column encoding on a block that has no records",
		       block_name(h.type));
		return 0;
	}
	body = decode_payload(r, off, &h, p, SR_META_PAYLOAD_MAX);
	if (!body)
		return 0;
	*seen = 1;
	switch (h.type) {
	case SR_BLK_START:
		return parse_meta(r, off, &h, body, h.body_len, &r->start);
	case SR_BLK_END:
		return parse_meta(r, off, &h, body, h.body_len, &r->end);
	case SR_BLK_SCHEMA:
		return parse_schema(r, off, &h, body, h.body_len);
	default:
		return parse_syscalls(r, off, &h, body, h.body_len);
	}
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
	uint8_t hb[SR_BLOCK_HDR_SIZE];
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

	/* the index: right before the trailer */
	n = src_get(r, ioff, SR_BLOCK_HDR_SIZE, &p);
	if (n < SR_BLOCK_HDR_SIZE)
		return n < 0 ? (int)n : 0;
	memcpy(hb, p, sizeof(hb));
	if (!header_ok(r, hb, &ih) || ih.type != SR_BLK_INDEX ||
	    ioff + SR_BLOCK_HDR_SIZE + ih.payload_len != toff ||
	    ih.payload_len > SR_INDEX_PAYLOAD_MAX)
		return 0;
	n = src_get(r, ioff + SR_BLOCK_HDR_SIZE, ih.payload_len, &p);
	if (n < 0)
		return (int)n;
	if ((size_t)n != ih.payload_len ||
	    (sr_crc32c(0, p, ih.payload_len) != ih.payload_crc && !r->fuzzing))
		return 0;
	err = load_index(r, ioff, &ih, p);
	if (err || !r->index)
		return err;

	/* the end metadata: right before the index */
	n = src_get(r, eoff, SR_BLOCK_HDR_SIZE, &p);
	if (n < SR_BLOCK_HDR_SIZE)
		return n < 0 ? (int)n : 0;
	memcpy(hb, p, sizeof(hb));
	if (!header_ok(r, hb, &eh) || eh.type != SR_BLK_END ||
	    eoff + SR_BLOCK_HDR_SIZE + eh.payload_len != ioff ||
	    eh.payload_len > SR_META_PAYLOAD_MAX || (eh.flags & ~SR_BF_ZSTD))
		return 0;
	n = src_get(r, eoff + SR_BLOCK_HDR_SIZE, eh.payload_len, &p);
	if (n < 0)
		return (int)n;
	if ((size_t)n != eh.payload_len ||
	    (sr_crc32c(0, p, eh.payload_len) != eh.payload_crc && !r->fuzzing))
		return 0;
	p = decode_payload(r, eoff, &eh, p, SR_META_PAYLOAD_MAX);
	if (!p)
		return 0;
	err = parse_meta(r, eoff, &eh, p, eh.body_len, &r->end);
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
		damage(r, 0, "not a sysrec trace (no sysrec magic)");
		return -EINVAL;
	}
	if (n >= SR_FH_BOM) {
		r->major = get16(p + SR_FH_MAJOR);
		r->minor = get16(p + SR_FH_MINOR);
		if (r->major > SR_FORMAT_MAJOR) {
			damage(r, 0, "trace format %u.%u is newer than this reader's %u.x",
			       r->major, r->minor, SR_FORMAT_MAJOR);
			return -EPROTONOSUPPORT;
		}
	}
	if (n < SR_FILE_HDR_SIZE) {	/* nothing to read in it: no trace */
		cut_short(r, 0, "file cut inside its header (%zd of %u bytes)", n, SR_FILE_HDR_SIZE);
		return -EINVAL;
	}
	if (get32(p + SR_FH_BOM) == 0x04030201u) {
		damage(r, 0, "big-endian trace: not supported");
		return -EPROTONOSUPPORT;
	}
	if (get32(p + SR_FH_CRC) != sr_crc32c(0, p, SR_FH_CRC) && !r->fuzzing) {
		damage(r, 0, "damaged file header (checksum mismatch)");
		return -EINVAL;
	}
	hsize = get32(p + SR_FH_SIZE);
	if (get32(p + SR_FH_BOM) != SR_BOM || r->major == 0 ||
	    hsize < SR_FILE_HDR_SIZE || hsize > SR_FILE_HDR_MAX) {
		damage(r, 0, "damaged file header");
		return -EINVAL;
	}
	r->pos = hsize;
	return 0;
}

static int reader_open(struct sr_reader *r)
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
	/* the start blocks, up to the first records */
	while (!r->eof && r->data_pos >= r->data_len) {
		err = step(r);
		if (err)
			return err;
	}
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
	int err;

	*rp = NULL;
	if (!r)
		return -ENOMEM;
	r->mem = buf ? buf : (const uint8_t *)"";
	r->size = buf ? len : 0;
	err = reader_open(r);
	if (err) {
		sr_reader__free(r);
		return err;
	}
	*rp = r;
	return 0;
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
			if (grow(&r->owned, &cap, cap ? cap * 2 : 1 << 20))
				return -ENOMEM;
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
	int err;

	*rp = NULL;
	if (!r)
		return -ENOMEM;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &st)) {
		err = -errno;
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto fail;
	}
	if (S_ISREG(st.st_mode)) {
		r->size = (uint64_t)st.st_size;
	} else {
		err = slurp(r);
		if (err)
			goto fail;
	}
	err = reader_open(r);
	if (err)
		goto fail;
	*rp = r;
	return 0;
fail:
	sr_reader__free(r);
	return err;
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

const char *sr_reader__meta(const struct sr_reader *r, const char *key)
{
	for (size_t i = 0; i < r->nall; i++)
		if (!strcmp(r->all_keys[i], key))
			return r->all_values[i];
	return NULL;
}

size_t sr_reader__meta_all(const struct sr_reader *r, const char *const **keys,
			   const char *const **values)
{
	*keys = r->all_keys;
	*values = r->all_values;
	return r->nall;
}

size_t sr_reader__meta_nstart(const struct sr_reader *r)
{
	return r->start.n;
}

const struct sr_type *sr_reader__file_type(const struct sr_reader *r, unsigned int type)
{
	size_t lo = 0, hi = r->ntypes;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->types[mid].type == type)
			return &r->types[mid];
		if (r->types[mid].type < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t sr_reader__file_types(const struct sr_reader *r, const struct sr_type *const **types)
{
	*types = r->type_ptrs;
	return r->ntypes;
}

const char *sr_reader__syscall_name(const struct sr_reader *r, unsigned int nr)
{
	size_t lo = 0, hi = r->nsys;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->sys[mid].nr == nr)
			return r->sys[mid].name;
		if (r->sys[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void sr_reader__stats(const struct sr_reader *r, struct sr_reader_stats *st)
{
	*st = r->st;
	st->ended = r->end_seen;
}

static void kvs_free(struct kvs *kv)
{
	for (size_t i = 0; i < kv->n; i++) {
		free(kv->keys[i]);
		free(kv->values[i]);
	}
	free(kv->keys);
	free(kv->values);
}

void sr_reader__free(struct sr_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->owned);
	free(r->io);
	ZSTD_freeDCtx(r->dctx);
	free(r->body);
	free(r->scratch);
	free(r->data);
	kvs_free(&r->start);
	kvs_free(&r->end);
	free(r->all_keys);
	free(r->all_values);
	for (size_t i = 0; i < r->ntypes; i++)
		type_free(&r->types[i]);
	free(r->types);
	free(r->type_ptrs);
	for (size_t i = 0; i < r->nsys; i++)
		free(r->sys[i].name);
	free(r->sys);
	free(r->index);
	free(r);
}
