/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reader.h - the state of a trace reader, shared by the files that read:
 * reader.c (the file, block by block), decode.c (payloads and chunks) and
 * meta.c (metadata, schema, syscall table).  Private to format/.
 */
#ifndef SYSREC_FORMAT_READER_H
#define SYSREC_FORMAT_READER_H

#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

#include "sysrec/format.h"
#include "layout.h"

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
	int opening;			/* in open: stop at the first chunk block */

	/* the bytes of the buffers above (owned, io, body, scratch, data) */
	uint64_t mem_held;
	sr_reader_mem_fn mem_fn;	/* asked before they grow, or NULL */
	void *mem_ctx;

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

/* reader.c */
/* "chunk", "schema", ...: how messages name a block type. */
const char *sr_block_name(unsigned int type);
/* Damage: counted, so that a damaged file never passes for a complete one. */
void sr_reader_damage(struct sr_reader *r, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * A buffer of at least @len bytes in *buf, grown as needed (callers cap len)
 * without keeping what it held, counted in r->mem_held and asked of
 * r->mem_fn first: 0 or -ENOMEM.
 */
int sr_reader_grow(struct sr_reader *r, uint8_t **buf, size_t *cap, size_t len);

/* decode.c */
/*
 * A block's payload decoded into r->body (or left where it is, when not
 * compressed): the body, or NULL after reporting the damage.  @cap caps the
 * body length.
 */
const uint8_t *sr_reader_decode_payload(struct sr_reader *r, uint64_t off,
					const struct sr_bhdr *h, const uint8_t *payload,
					size_t cap);
/* A chunk's records into r->data, those before the first bad one: 0 or -errno. */
int sr_reader_load_chunk(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
			 const uint8_t *payload);

/* meta.c: the decoded bodies of the describing blocks; 0 or -ENOMEM */
int sr_reader_parse_meta(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
			 const uint8_t *p, size_t len, struct kvs *kv);
int sr_reader_parse_schema(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
			   const uint8_t *p, size_t len);
int sr_reader_parse_syscalls(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
			     const uint8_t *p, size_t len);
/* Frees what those built. */
void sr_reader_meta_free(struct sr_reader *r);

#endif /* SYSREC_FORMAT_READER_H */
