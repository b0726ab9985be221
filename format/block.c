// SPDX-License-Identifier: GPL-2.0-only
/* block.c - block headers and schema checks shared by the writer and the reader. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

void sr_bhdr_encode(uint8_t out[SR_BLOCK_HDR_SIZE], const struct sr_bhdr *h)
{
	memset(out, 0, SR_BLOCK_HDR_SIZE);
	memcpy(out, SR_BLOCK_MAGIC, SR_BLOCK_MAGIC_LEN);
	put16(out + SR_BH_TYPE, h->type);
	put16(out + SR_BH_FLAGS, h->flags);
	put32(out + SR_BH_SEQ, h->seq);
	put32(out + SR_BH_COUNT, h->count);
	put32(out + SR_BH_PAYLOAD_LEN, h->payload_len);
	put32(out + SR_BH_BODY_LEN, h->body_len);
	put32(out + SR_BH_DATA_LEN, h->data_len);
	put32(out + SR_BH_PAYLOAD_CRC, h->payload_crc);
	put64(out + SR_BH_TS_FIRST, h->ts_first);
	put64(out + SR_BH_TS_LAST, h->ts_last);
	put32(out + SR_BH_CRC, sr_crc32c(0, out, SR_BH_CRC));
}

int sr_bhdr_decode(const uint8_t in[SR_BLOCK_HDR_SIZE], struct sr_bhdr *h)
{
	if (memcmp(in, SR_BLOCK_MAGIC, SR_BLOCK_MAGIC_LEN))
		return -EBADMSG;
	h->type = get16(in + SR_BH_TYPE);
	h->flags = get16(in + SR_BH_FLAGS);
	h->seq = get32(in + SR_BH_SEQ);
	h->count = get32(in + SR_BH_COUNT);
	h->payload_len = get32(in + SR_BH_PAYLOAD_LEN);
	h->body_len = get32(in + SR_BH_BODY_LEN);
	h->data_len = get32(in + SR_BH_DATA_LEN);
	h->payload_crc = get32(in + SR_BH_PAYLOAD_CRC);
	h->ts_first = get64(in + SR_BH_TS_FIRST);
	h->ts_last = get64(in + SR_BH_TS_LAST);
	if (get32(in + SR_BH_CRC) != sr_crc32c(0, in, SR_BH_CRC))
		return -EILSEQ;
	return 0;
}

static const signed char kind_size[] = {
	[SR_FK_U8] = 1, [SR_FK_U16] = 2, [SR_FK_U32] = 4, [SR_FK_U64] = 8,
	[SR_FK_S32] = 4, [SR_FK_S64] = 8, [SR_FK_STR] = 4, [SR_FK_COMM] = SR_COMM_LEN,
	[SR_FK_HEX] = 8, [SR_FK_PAD] = 0,
};

int sr_kind_size(unsigned int kind)
{
	if (kind == 0 || kind >= sizeof(kind_size))
		return -1;
	return kind_size[kind];
}

const char *sr_type_problem(const struct sr_type *t)
{
	size_t n;

	if (!t->name || !(n = strlen(t->name)) || n > SR_NAME_MAX)
		return "type name empty or too long";
	if (t->fixed_size < sizeof(struct sr_event) || t->fixed_size % 8)
		return "fixed size below 56 or not a multiple of 8";
	if (t->nfields > SR_FIELDS_MAX)
		return "too many fields";
	for (unsigned int i = 0; i < t->nfields; i++) {
		const struct sr_field *f = &t->fields[i];
		int ks = sr_kind_size(f->kind);

		if (!f->name || !(n = strlen(f->name)) || n > SR_NAME_MAX)
			return "field name empty or too long";
		if ((uint32_t)f->offset + f->size > t->fixed_size)
			return "field beyond the fixed size";
		if (ks > 0 && f->size != ks)
			return "field size does not match its kind";
	}
	return NULL;
}

void sr_type_free(struct sr_type *t)
{
	for (size_t f = 0; f < t->nfields; f++)
		free((char *)t->fields[f].name);
	free((void *)t->fields);
	free((char *)t->name);
}
