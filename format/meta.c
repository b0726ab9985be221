// SPDX-License-Identifier: GPL-2.0-only
/*
 * meta.c - the blocks that describe a trace: start and end metadata, the
 * schema and the syscall table.  Both sides of each layout sit here, the
 * writer's encoding next to the reader's parsing, with the reader's lookups.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "sysrec/util.h"
#include "reader.h"
#include "writer.h"

/* --- reading: metadata --- */

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

int sr_reader_parse_meta(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
			 const uint8_t *p, size_t len, struct kvs *kv)
{
	size_t pos = 0;
	uint32_t n = h->count;

	if (n > SR_META_MAX) {
		sr_reader_damage(r, off, "%s block: %u entries, more than %u",
				 sr_block_name(h->type), n, SR_META_MAX);
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
			sr_reader_damage(r, off, "%s block: entry %u cut",
					 sr_block_name(h->type), i);
			break;
		}
		kl = get16(p + pos);
		vl = get32(p + pos + 2);
		pos += 6;
		if (!kl || kl > SR_KEY_MAX || vl > SR_VALUE_MAX || len - pos < (size_t)kl + vl) {
			sr_reader_damage(r, off, "%s block: entry %u has a bad length",
					 sr_block_name(h->type), i);
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

/* --- reading: schema and syscall table --- */

static int cmp_type(const void *a, const void *b)
{
	const struct sr_type *x = a, *y = b;

	return (int)x->type - (int)y->type;
}

/* One type at p[*pos]; 1 when parsed, 0 when the block is cut, -ENOMEM. */
static int parse_type(const uint8_t *p, size_t len, size_t *pos, struct sr_type *t)
{
	struct sr_field *fields;
	size_t q = *pos;
	uint16_t nf;
	uint8_t nl;

	/* t->nfields counts the fields that hold a name: sr_type_free() frees those */
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

/* A block's count of entries, cut to @max (reported): the rest are not read. */
static uint32_t capped_count(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
			     const char *block, const char *what, uint32_t max)
{
	if (h->count <= max)
		return h->count;
	sr_reader_damage(r, off, "%s: %u %s, more than %u", block, h->count, what, max);
	return max;
}

int sr_reader_parse_schema(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
			   const uint8_t *p, size_t len)
{
	uint32_t n = capped_count(r, off, h, "schema block", "types", SR_TYPES_MAX);
	size_t pos = 0;

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
			sr_type_free(t);
			return rc;
		}
		if (!rc) {
			sr_type_free(t);
			sr_reader_damage(r, off, "schema block: type %u of %u cut", i, n);
			break;
		}
		why = sr_type_problem(t);
		if (!why)
			why = sr_type_conflict(t, conflict, sizeof(conflict));
		if (!why)
			why = sr_type_key_clash(t);
		for (size_t j = 0; !why && j < r->ntypes; j++)
			if (r->types[j].type == t->type)
				why = "described twice";
		if (why) {
			sr_reader_damage(r, off, "schema block: type %u: %s", t->type, why);
			sr_type_free(t);
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

int sr_reader_parse_syscalls(struct sr_reader *r, uint64_t off, const struct sr_bhdr *h,
			     const uint8_t *p, size_t len)
{
	uint32_t n = capped_count(r, off, h, "syscall table", "entries", SR_SYSCALLS_MAX);
	size_t pos = 0;

	r->sys = calloc(n ? n : 1, sizeof(*r->sys));
	if (!r->sys)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t nl;

		if (len - pos < 9 || !(nl = p[pos + 8]) || len - pos - 9 < nl) {
			sr_reader_damage(r, off, "syscall table: entry %u cut or nameless", i);
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

static void kvs_free(struct kvs *kv)
{
	for (size_t i = 0; i < kv->n; i++) {
		free(kv->keys[i]);
		free(kv->values[i]);
	}
	free(kv->keys);
	free(kv->values);
}

void sr_reader_meta_free(struct sr_reader *r)
{
	kvs_free(&r->start);
	kvs_free(&r->end);
	free(r->all_keys);
	free(r->all_values);
	for (size_t i = 0; i < r->ntypes; i++)
		sr_type_free(&r->types[i]);
	free(r->types);
	free(r->type_ptrs);
	for (size_t i = 0; i < r->nsys; i++)
		free(r->sys[i].name);
	free(r->sys);
}

/* --- writing --- */

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
		err = compress ? sr_writer_write_block(w, &h, z, zlen) :
				 sr_writer_write_block(w, &h, b->p, b->len);
	free(z);
	free(b->p);
	*b = (struct buf){ 0 };
	return err;
}

int sr_writer_write_meta_block(struct sr_writer *w, uint16_t type, const struct kv *kv, size_t n)
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

int sr_writer_write_schema_block(struct sr_writer *w)
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

int sr_writer_write_syscalls_block(struct sr_writer *w)
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

void sr_writer_kv_free(struct kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}
