// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_format_compat.c - a file of this version read by a reader that knows
 * one record type less, and the other way round.
 *
 * The reader learns the types it knows from sr_schema_type().  This program
 * brings its own sr_schema_type() (the real table under another name), which
 * can hide one type, so the linker never takes schema.o from libformat.a:
 * the reader and the writer in this program are what an older (or newer)
 * build of them would be, without a line of test code inside them.
 */
#define TAP_PREFIX "format-compat"
#include "unit/tap.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define sr_schema_type real_sr_schema_type
#define sr_schema_type_by_name real_sr_schema_type_by_name
#include "../../format/schema.c"
#undef sr_schema_type
#undef sr_schema_type_by_name

static unsigned int hidden;	/* the type this "build" does not know, or 0 */

const struct sr_type *sr_schema_type(unsigned int type)
{
	return type && type == hidden ? NULL : real_sr_schema_type(type);
}

const struct sr_type *sr_schema_type_by_name(const char *name)
{
	const struct sr_type *t = real_sr_schema_type_by_name(name);

	return t && t->type == hidden ? NULL : t;
}

static int damaged;

static void on_damage(void *ctx, uint64_t off, const char *what)
{
	(void)ctx;
	printf("# damage at %" PRIu64 ": %s\n", off, what);
	damaged++;
}

/* 2000 records cycling through every type; brk ones carry a tail. */
static int write_file(const char *path, uint8_t *all, size_t *all_len)
{
	struct sr_writer_opts o = { .chunk_bytes = 8192, .owner_uid = (uid_t)-1,
				    .owner_gid = (gid_t)-1 };
	static uint64_t buf[64];
	struct sr_writer *w;
	int err;

	*all_len = 0;
	err = sr_writer__new(&w, path, &o);
	if (err)
		return err;
	err = sr_writer__begin(w);
	for (unsigned int i = 0; !err && i < 2000; i++) {
		unsigned int t = 1 + i % (SR_EV_TYPE_MAX - 1);
		struct sr_event *e = (void *)buf;

		memset(buf, 0, sizeof(buf));
		for (unsigned int k = 7; k < 20; k++)
			buf[k] = (uint64_t)i * 2654435761u + k;
		e->type = (uint16_t)t;
		e->size = (uint16_t)(real_sr_schema_type(t)->fixed_size + (t == SR_EV_BRK ? 16 : 0));
		e->ts = 1000 + i;
		e->pid = 100 + i % 5;
		e->tid = e->pid;
		memcpy(e->comm, "worker", 6);
		memcpy(all + *all_len, buf, e->size);
		*all_len += e->size;
		err = sr_writer__append(w, e);
	}
	if (!err)
		err = sr_writer__finish(w);
	sr_writer__free(w);
	return err;
}

static void read_file(const char *path, const uint8_t *all, size_t all_len, const char *what)
{
	struct sr_reader *r;
	struct sr_reader_stats st;
	const struct sr_event *ev;
	size_t pos = 0;
	int err, same = 1, n_brk = 0, rc;
	/* record i of write_file() is of type 1 + i % (SR_EV_TYPE_MAX - 1) */
	int want_brk = (2000 - SR_EV_BRK) / (SR_EV_TYPE_MAX - 1) + 1;

	damaged = 0;
	err = sr_reader__open(&r, path, on_damage, NULL);
	ok_eq(err, 0, "%s: opened", what);
	if (err)
		return;
	while ((rc = sr_reader__next(r, &ev)) == 1) {
		if (pos + ev->size > all_len || memcmp(all + pos, ev, ev->size))
			same = 0;
		pos += ev->size;
		n_brk += ev->type == SR_EV_BRK;
	}
	sr_reader__stats(r, &st);
	ok(rc == 0 && same && pos == all_len && st.events == 2000 && n_brk == want_brk,
	   "%s: all 2000 records back as written, the %d brk ones too", what, want_brk);
	ok(!damaged && st.bad_chunks == 0 && st.complete && !st.cut, "%s: no damage reported", what);

	const struct sr_type *ft = sr_reader__file_type(r, SR_EV_BRK);

	if (sr_schema_type(SR_EV_BRK) || !hidden) {
		ok(1, "%s: brk known to this build", what);
	} else {
		ok(ft && !strcmp(ft->name, "brk") && ft->fixed_size == 88 && ft->nfields == 16 &&
		   !strcmp(ft->fields[15].name, "req"),
		   "%s: brk described by the file's own schema", what);
	}
	sr_reader__free(r);
}

int main(void)
{
	char path[] = "/tmp/test_format_compat.XXXXXX";
	static uint8_t all[2000 * 160];
	size_t all_len;
	int fd = mkstemp(path);

	if (fd < 0) {
		printf("not ok format-compat: mkstemp: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	unlink(path);

	ok(real_sr_schema_type(SR_EV_BRK) && sr_schema_type(SR_EV_BRK),
	   "this build knows brk before the simulation starts");

	/* written by this version, read by one without brk */
	hidden = 0;
	ok_eq(write_file(path, all, &all_len), 0, "written with every type known");
	hidden = SR_EV_BRK;
	ok(!sr_schema_type(SR_EV_BRK) && !sr_schema_type_by_name("brk") && sr_schema_type(SR_EV_RW),
	   "the reader now knows one type less");
	read_file(path, all, all_len, "older reader");
	unlink(path);

	/* written by a version without brk, read by this one */
	hidden = SR_EV_BRK;
	ok_eq(write_file(path, all, &all_len), 0, "written without brk");
	hidden = 0;
	read_file(path, all, all_len, "newer reader");
	unlink(path);
	return tap_done();
}
