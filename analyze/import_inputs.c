// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_inputs.c - the trace files given to an import: their metadata read
 * one file at a time, damage noted, the same file or recording given twice
 * skipped, what the database holds already skipped or refused; then grouped
 * into recordings by sorting, and each opened again when its turn comes.
 * Memory and descriptors do not grow with the number of files.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import.h"

static void on_damage(void *ctx, uint64_t offset, const char *what)
{
	struct an_input *in = ctx;

	if (!in->ndamage++) {
		in->first_off = offset;
		snprintf(in->first_what, sizeof(in->first_what), "%s", what ? what : "?");
	}
}

int64_t meta_int(const struct sr_reader *r, const char *key, int64_t def)
{
	int64_t v;

	return sr_meta_s64(r, key, &v) ? def : v;
}

/* A time from the metadata, clamped to [0, SR_TS_MAX]. */
int64_t meta_ts(const struct sr_reader *r, const char *key)
{
	return sr_clamp(meta_int(r, key, 0), 0, SR_TS_MAX);
}

/*
 * The reader's buffers count in the budget: a chunk they cannot hold stops
 * the import as any table would (called on the read-ahead thread too).
 */
static int reader_mem(void *ctx, int64_t n)
{
	struct an_imp *im = ctx;

	if (n < 0) {
		sr_mem__give(&im->mem, (uint64_t)-n);
		im->reader_held -= (uint64_t)-n;
		return 0;
	}
	if (sr_mem__take(&im->mem, (uint64_t)n)) {
		im->reader_refused = im->reader_held + (uint64_t)n;
		return -ENOMEM;
	}
	im->reader_held += (uint64_t)n;
	return 0;
}

static int open_input(struct an_imp *im, struct an_input *in)
{
	int err = sr_reader__open(&in->r, in->path, on_damage, in);

	if (!err && im->budget && sr_reader__set_mem_fn(in->r, reader_mem, im)) {
		close_input(in);
		return -ENOMEM;
	}
	if (!err)
		return 0;
	/* the reader's own words when it gave any: they say what it saw */
	if (in->ndamage && (err == -EINVAL || err == -EPROTONOSUPPORT))
		sr_err("%s: %s", in->path, in->first_what);
	else if (err == -EINVAL)
		sr_err("%s: not a sysrec trace", in->path);
	else if (err == -EPROTONOSUPPORT)
		sr_err("%s: written by a newer sysrec (format version above %d)",
		       in->path, SR_FORMAT_MAJOR);
	else
		sr_err("cannot open %s: %s", in->path, strerror(-err));
	in->r = NULL;
	return err;
}

int same_recording(const struct an_input *a, const struct an_input *b)
{
	if (!a->recording_id || !b->recording_id)
		return a == b;
	return !strcmp(a->recording_id, b->recording_id);
}

/*
 * Whether in's recording is in the database already: 1 when this very file
 * (recording and rotation index) is, skipped; 2 when other files of its
 * rotated set are, which this import cannot join (a second recording of
 * the same id would split the processes and descriptors that span files):
 * refused.  0 otherwise.
 */
static int in_database(struct an_imp *im, const struct an_input *in)
{
	sqlite3_stmt *st;
	int found = 0;

	if (!in->recording_id)
		return 0;
	if (sr_an_prepare(im->db, "SELECT path, rotation_index = ?2 FROM traces"
			  " WHERE recording_id = ?1 ORDER BY rotation_index = ?2 DESC,"
			  " rotation_index LIMIT 1", &st))
		return 0;
	sqlite3_bind_text(st, 1, in->recording_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, in->rotation);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);

		if (sqlite3_column_int(st, 1)) {
			found = 1;
			sr_err("%s: already in the database (as %s): skipped", in->path, path);
		} else {
			found = 2;
			sr_err("%s: other files of its rotated set are in the database (%s):"
			       " import the whole set in one run, into a new database", in->path, path);
		}
	}
	sqlite3_finalize(st);
	return found;
}

/*
 * Whether an earlier file given was @in itself, or of its recording and
 * rotation index: the keys of the files kept so far are in @seen, as
 * (dev, ino, 0) and (hash of the recording id, rotation, 1).
 */
static struct an_input *seen_file(const struct an_input *in, const struct sr_map *seen,
				  struct an_input *in0)
{
	uint32_t k;

	if (!in->ino)
		return NULL;
	k = sr_map__get(seen, in->dev, in->ino, 0);
	return k == NONE ? NULL : &in0[k];
}

static struct an_input *seen_rotation(const struct an_input *in, const struct sr_map *seen,
				      struct an_input *in0)
{
	uint64_t h;
	uint32_t k;

	if (!in->recording_id)
		return NULL;
	h = sr_hash_bytes(in->recording_id, strlen(in->recording_id));
	k = sr_map__get(seen, h, (uint64_t)in->rotation, 1);
	if (k == NONE)
		return NULL;
	if (same_recording(&in0[k], in))
		return &in0[k];
	/* two ids of one hash: look the slow way */
	for (struct an_input *e = in0; e < in; e++)
		if (!e->skip && e->recording_id && same_recording(e, in) &&
		    e->rotation == in->rotation)
			return e;
	return NULL;
}

static int remember(struct sr_map *seen, const struct an_input *in, uint32_t i)
{
	int err = 0;

	if (in->ino && sr_map__get(seen, in->dev, in->ino, 0) == NONE)
		err = sr_map__set(seen, in->dev, in->ino, 0, i);
	if (!err && in->recording_id) {
		uint64_t h = sr_hash_bytes(in->recording_id, strlen(in->recording_id));

		if (sr_map__get(seen, h, (uint64_t)in->rotation, 1) == NONE)
			err = sr_map__set(seen, h, (uint64_t)in->rotation, 1, i);
	}
	return err;
}

int scan_inputs(struct an_imp *im, struct an_input *in, char **files, int n, int *nfailed)
{
	struct sr_map seen = { .mem = &im->mem };
	int err = 0;

	for (int i = 0; i < n && !err; i++) {
		struct an_input *k;
		struct stat sb;
		const char *rid;

		in[i].path = files[i];
		err = open_input(im, &in[i]);
		if (err == -ENOMEM && im->mem.over)
			break;
		err = 0;
		if (!in[i].r) {
			in[i].skip = 1;
			++*nfailed;
			continue;
		}
		if (!sr_reader__stat(in[i].r, &sb)) {
			in[i].dev = sb.st_dev;
			in[i].ino = sb.st_ino;
			/* a pipe cannot be read twice: it stays open until its turn */
			in[i].reopen = S_ISREG(sb.st_mode);
		}
		k = seen_file(&in[i], &seen, in);
		if (k) {
			sr_err("%s: the same file as %s: skipped", in[i].path, k->path);
			in[i].skip = 1;
			close_input(&in[i]);
			continue;
		}
		rid = sr_reader__meta(in[i].r, "recording_id");
		if (rid && *rid) {
			in[i].recording_id = imp_memdup0(im, rid, strlen(rid));
			if (!in[i].recording_id) {
				err = -ENOMEM;
				break;
			}
		}
		in[i].rotation = meta_int(in[i].r, "rotation_index", 0);
		in[i].has_stop = !!sr_reader__meta(in[i].r, "stop_ns");
		in[i].stop_ns = meta_ts(in[i].r, "stop_ns");
		k = seen_rotation(&in[i], &seen, in);
		if (k) {
			sr_err("%s: same recording and rotation index as %s: skipped",
			       in[i].path, k->path);
			in[i].skip = 1;
		}
		if (!in[i].skip) {
			int found = in_database(im, &in[i]);

			in[i].skip = found != 0;
			*nfailed += found == 2;
		}
		if (!in[i].skip)
			err = remember(&seen, &in[i], (uint32_t)i);
		if (in[i].skip || in[i].reopen)
			close_input(&in[i]);
	}
	sr_map__clear(&seen);
	return err;
}

int reopen_input(struct an_imp *im, struct an_input *in)
{
	struct stat sb;
	int err;

	if (in->r)
		return 0;
	/* the damage the first open saw is seen again, and counted once */
	in->ndamage = 0;
	in->first_off = 0;
	in->first_what[0] = 0;
	err = open_input(im, in);
	if (err)
		return err;
	/* the file scanned, not another put under its name since */
	if (in->ino && (sr_reader__stat(in->r, &sb) || sb.st_dev != in->dev ||
			sb.st_ino != in->ino)) {
		sr_err("%s: replaced since it was first read: skipped", in->path);
		close_input(in);
		return -ESTALE;
	}
	return 0;
}

void close_input(struct an_input *in)
{
	sr_reader__free(in->r);
	in->r = NULL;
}

/*
 * Recordings in the order of their first file given, their files in
 * rotation order: by (recording, rotation) here, then by first file.
 */
static int cmp_rotation(const void *a, const void *b)
{
	const struct an_input *x = *(struct an_input *const *)a, *y = *(struct an_input *const *)b;
	int c;

	if (!x->recording_id || !y->recording_id) {
		/* a file without an id is a recording alone, ordered by position */
		if (!!x->recording_id != !!y->recording_id)
			return x->recording_id ? -1 : 1;
		return x < y ? -1 : x > y;
	}
	c = strcmp(x->recording_id, y->recording_id);
	if (c)
		return c;
	if (x->rotation != y->rotation)
		return x->rotation < y->rotation ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int cmp_first(const void *a, const void *b)
{
	const struct an_recset *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

int group_inputs(struct an_input *in, int n, struct an_input ***files,
		 struct an_recset **sets, size_t *nsets)
{
	struct an_input **v;
	struct an_recset *s;
	size_t nv = 0, ns = 0;

	*files = NULL;
	*sets = NULL;
	*nsets = 0;
	v = calloc((size_t)n + 1, sizeof(*v));
	s = calloc((size_t)n + 1, sizeof(*s));
	if (!v || !s) {
		free(v);
		free(s);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++)
		if (!in[i].skip)
			v[nv++] = &in[i];
	qsort(v, nv, sizeof(*v), cmp_rotation);
	for (size_t i = 0; i < nv; i++) {
		if (!i || !same_recording(v[i - 1], v[i])) {
			s[ns].start = i;
			s[ns].first = v[i];
			ns++;
		}
		s[ns - 1].n++;
		if (v[i] < s[ns - 1].first)
			s[ns - 1].first = v[i];
	}
	qsort(s, ns, sizeof(*s), cmp_first);
	*files = v;
	*sets = s;
	*nsets = ns;
	return 0;
}
