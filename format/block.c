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

/*
 * Keys that `dump --json` writes itself for every record (present/
 * print_json.c: the header's, the syscall's, the flags'), which no field
 * past the header may take: two keys of one name in an object are read as
 * the last one by most parsers, so a file could show a value that is not
 * the record's.
 */
static const char *const json_keys[] = {
	"type", "cpu", "pid", "tid", "uid", "gid", "cgroup_id", "comm", "ts_ns", "time",
	"syscall", "errno", "thread", "group_dead", "no_file", "count_cut", "compat", "data",
};

/* Whether field @i of @t would print as a JSON key that another already is. */
static int key_taken(const struct sr_type *t, unsigned int i)
{
	const char *name = t->fields[i].name;
	size_t n = strlen(name);

	if (t->fields[i].offset < sizeof(struct sr_event))
		return 0;	/* the header, printed by its own keys */
	for (size_t k = 0; k < sizeof(json_keys) / sizeof(json_keys[0]); k++)
		if (!strcmp(name, json_keys[k]))
			return 1;
	/* a cut string adds NAME_cut */
	if (n > 4 && !strcmp(name + n - 4, "_cut"))
		return 1;
	for (unsigned int k = 0; k < i; k++)
		if (t->fields[k].kind != SR_FK_PAD && t->fields[k].offset >= sizeof(struct sr_event) &&
		    !strcmp(name, t->fields[k].name))
			return 1;
	return 0;
}

const char *sr_type_key_clash(const struct sr_type *t)
{
	for (unsigned int i = 0; i < t->nfields; i++)
		if (t->fields[i].kind != SR_FK_PAD && key_taken(t, i))
			return "a field past the header named like another key of the record";
	return NULL;
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
