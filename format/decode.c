// SPDX-License-Identifier: GPL-2.0-only
/*
 * decode.c - from a block's payload to what it holds: zstd undone for any
 * block, and for a chunk the column transform undone and every record
 * checked before the reader hands out a pointer to it.
 */
#include <errno.h>
#include <string.h>
#include <zstd.h>

#include "reader.h"


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
			sr_reader_damage(r, off,
					 "chunk record %u: %zu bytes left, less than a header",
					 i, left);
			break;
		}
		type = get16(p);
		size = get16(p + 2);
		t = sr_schema_type(type);
		if (size < sizeof(struct sr_event) || size % 8 || size > left) {
			sr_reader_damage(r, off, "chunk record %u: bad size %u", i, size);
			break;
		}
		if (t && size < t->fixed_size) {
			sr_reader_damage(r, off,
					 "chunk record %u: %s record of %u bytes, less than its %u",
					 i, t->name, size, t->fixed_size);
			break;
		}
		pos += size;
		i++;
	}
	if (pos == r->data_len && check_count && i != count) {
		sr_reader_damage(r, off, "chunk holds %u records, its header says %u", i, count);
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
const uint8_t *sr_reader_decode_payload(struct sr_reader *r, uint64_t off,
					const struct sr_bhdr *h, const uint8_t *payload,
					size_t cap)
{
	size_t n;

	if (!(h->flags & SR_BF_ZSTD)) {
		if (h->body_len != h->payload_len) {
			sr_reader_damage(r, off, "%s block: body length differs from the payload's",
					 sr_block_name(h->type));
			return NULL;
		}
		return payload;
	}
	if (h->body_len > cap) {
		sr_reader_damage(r, off, "%s block: %u bytes uncompressed, more than %zu",
				 sr_block_name(h->type), h->body_len, cap);
		return NULL;
	}
	/* the first frame's size: more may follow (§1: frames may be concatenated) */
	n = ZSTD_getFrameContentSize(payload, h->payload_len);
	if (n != ZSTD_CONTENTSIZE_UNKNOWN && n != ZSTD_CONTENTSIZE_ERROR && n > h->body_len) {
		sr_reader_damage(r, off, "%s block: the zstd frame does not hold the body length",
				 sr_block_name(h->type));
		return NULL;
	}
	if (sr_reader_grow(r, &r->body, &r->body_cap, h->body_len)) {
		sr_reader_damage(r, off, "%s block: out of memory", sr_block_name(h->type));
		return NULL;
	}
	if (!r->dctx && !(r->dctx = ZSTD_createDCtx())) {
		sr_reader_damage(r, off, "%s block: out of memory", sr_block_name(h->type));
		return NULL;
	}
	n = ZSTD_decompressDCtx(r->dctx, r->body, h->body_len, payload, h->payload_len);
	if (ZSTD_isError(n)) {
		sr_reader_damage(r, off, "%s block: cannot decompress: %s", sr_block_name(h->type),
				 ZSTD_getErrorName(n));
		return NULL;
	}
	if (n != h->body_len) {
		sr_reader_damage(r, off, "%s block: decompressed to %zu bytes, not %u",
				 sr_block_name(h->type), n, h->body_len);
		return NULL;
	}
	return r->body;
}

int sr_reader_load_chunk(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
			 const uint8_t *payload)
{
	const uint8_t *body;
	const char *why = NULL;
	uint32_t nok = 0;

	r->data_len = r->data_pos = 0;
	if (h->data_len > SR_DATA_MAX || h->count > h->data_len / sizeof(struct sr_event)) {
		sr_reader_damage(r, off, "chunk: %u records in %u bytes: over the limits", h->count,
				 h->data_len);
		goto bad;
	}
	if (h->data_len > h->body_len) {
		sr_reader_damage(r, off, "chunk: %u bytes of records from a body of %u",
				 h->data_len, h->body_len);
		goto bad;
	}
	body = sr_reader_decode_payload(r, off, h, payload, SR_BODY_MAX);
	if (!body)
		goto bad;
	if (sr_reader_grow(r, &r->data, &r->data_cap, h->data_len ? h->data_len : 8))
		goto nomem;
	if (h->flags & SR_BF_COLUMNS) {
		if (sr_reader_grow(r, &r->scratch, &r->scratch_cap, h->body_len ? h->body_len : 8))
			goto nomem;
		nok = sr_cols_decode(body, h->body_len, h->count, r->data, h->data_len,
				     &r->data_len, r->scratch, &why);
		if (why) {
			sr_reader_damage(r, off, "chunk: %s (after %u good records)", why, nok);
		} else if (r->data_len != h->data_len) {
			sr_reader_damage(r, off,
					 "chunk: records add up to %zu bytes, the header says %u",
					 r->data_len, h->data_len);
			why = "";
		}
	} else {
		if (h->body_len != h->data_len) {
			sr_reader_damage(r, off, "chunk: data length differs from the body's");
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
	sr_reader_damage(r, off, "chunk: out of memory");
bad:
	r->st.bad_chunks++;
	return 0;
}
