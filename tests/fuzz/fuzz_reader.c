// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_reader.c - libFuzzer target for the trace reader.
 *
 * Each input is read twice through sr_reader__open_mem: as any reader would,
 * then with sr_format_fuzzing set, so that mutations behind a checksum reach
 * the decompressor, the column transform and the record checks.  Every
 * record, string, metadata entry and schema name is touched, so that ASan
 * sees any pointer the reader hands out that does not hold what it claims.
 *
 * The seeds in corpus/reader/ are small real traces: full.trc (every record
 * type, mktrace), gen-300.trc and loop-200.trc (gentrace), empty.trc;
 * cut-*.trc and killed.trc cut at various places; flip-*.trc and zeros.trc
 * damaged; plain-, zstd-only- and columns-only-chunks.trc with each payload
 * encoding; hostile-*.trc and short-record.trc with chunks whose checksums
 * hold but whose bodies lie; major2.trc, junk-tail.trc.  They were crafted
 * with a reader written in Python from docs/FORMAT.md alone.  crash-*.trc
 * are inputs the fuzzer once crashed the reader with: keep them.
 *
 *   make fuzz && .output/fuzz/fuzz_reader -max_total_time=300 DIR tests/fuzz/corpus/reader
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sysrec/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint64_t sink;

static void on_damage(void *ctx, uint64_t off, const char *what)
{
	(void)ctx;
	sink += off + strlen(what);
}

static void touch(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t s = 0;

	for (size_t i = 0; i < len; i++)
		s += b[i];
	sink += s;
}

static void touch_type(const struct sr_type *t)
{
	if (!t)
		return;
	sink += strlen(t->name) + t->fixed_size;
	for (unsigned int f = 0; f < t->nfields; f++)
		sink += strlen(t->fields[f].name) + t->fields[f].offset + t->fields[f].size +
			t->fields[f].kind;
}

static void touch_record(const struct sr_reader *r, const struct sr_event *ev)
{
	const struct sr_type *t = sr_reader__file_type(r, ev->type);
	const struct sr_type *known = sr_schema_type(ev->type);

	touch(ev, ev->size);
	/* strings as a consumer finds them: by the file's schema when it fits the record */
	for (int pass = 0; pass < 2; pass++) {
		const struct sr_type *d = pass ? known : t;

		for (unsigned int f = 0; d && f < d->nfields; f++) {
			const struct sr_field *fl = &d->fields[f];
			struct sr_str ref;
			const char *s;
			size_t len;

			if (fl->kind != SR_FK_STR || fl->offset + 4u > ev->size)
				continue;
			memcpy(&ref, (const uint8_t *)ev + fl->offset, sizeof(ref));
			if (!sr_event__str(ev, ref, &s, &len))
				touch(s, len);
		}
	}
	for (unsigned int f = 0; known && f < known->nfields; f++) {
		const struct sr_field *fl = &known->fields[f];
		const char *name;
		uint16_t nr;

		if (strcmp(fl->name, "nr"))
			continue;
		memcpy(&nr, (const uint8_t *)ev + fl->offset, sizeof(nr));
		name = sr_reader__syscall_name(r, nr);
		if (name)
			sink += strlen(name);
	}
}

static void run(const uint8_t *data, size_t size, int seek)
{
	const char *const *keys, *const *values;
	const struct sr_type *const *types;
	struct sr_reader_stats st;
	const struct sr_event *ev;
	struct sr_reader *r;
	size_t n;
	int rc;

	if (sr_reader__open_mem(&r, data, size, on_damage, NULL))
		return;
	n = sr_reader__meta_all(r, &keys, &values);
	for (size_t i = 0; i < n; i++)
		sink += strlen(keys[i]) + strlen(values[i]);
	n = sr_reader__file_types(r, &types);
	for (size_t i = 0; i < n; i++)
		touch_type(types[i]);
	if (seek && size >= 8) {
		uint64_t ts;

		memcpy(&ts, data + size - 8, sizeof(ts));
		sr_reader__seek(r, ts % 100000);
	}
	while ((rc = sr_reader__next(r, &ev)) == 1)
		touch_record(r, ev);
	sr_reader__stats(r, &st);
	sink += st.events + st.chunks + st.bad_chunks + (uint64_t)st.cut + (uint64_t)rc;
	/* the end metadata may have come late */
	n = sr_reader__meta_all(r, &keys, &values);
	for (size_t i = 0; i < n; i++)
		sink += strlen(keys[i]) + strlen(values[i]);
	sr_reader__free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sr_format_fuzzing = 0;
	run(data, size, 0);
	sr_format_fuzzing = 1;
	run(data, size, 1);
	sr_format_fuzzing = 0;
	return 0;
}
