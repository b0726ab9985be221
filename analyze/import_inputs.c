// SPDX-License-Identifier: GPL-2.0-only
/*
 * import_inputs.c - the trace files given to an import: opened, damage noted,
 * the same file or recording given twice skipped, what the database
 * holds already skipped or refused.
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

static int open_input(struct an_input *in)
{
	int err = sr_reader__open(&in->r, in->path, on_damage, in);

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

void open_inputs(struct an_imp *im, struct an_input *in, char **files, int n, int *nfailed)
{
	for (int i = 0; i < n; i++) {
		in[i].path = files[i];
		if (open_input(&in[i])) {
			in[i].skip = 1;
			++*nfailed;
			continue;
		}
		{
			struct stat sb;

			if (!stat(in[i].path, &sb)) {
				in[i].dev = sb.st_dev;
				in[i].ino = sb.st_ino;
			}
		}
		for (int k = 0; k < i && !in[i].skip; k++) {
			if (in[k].skip || !in[i].ino || in[k].dev != in[i].dev ||
			    in[k].ino != in[i].ino)
				continue;
			sr_err("%s: the same file as %s: skipped", in[i].path, in[k].path);
			in[i].skip = 1;
		}
		if (in[i].skip)
			continue;
		in[i].recording_id = sr_reader__meta(in[i].r, "recording_id");
		if (in[i].recording_id && !*in[i].recording_id)
			in[i].recording_id = NULL;
		in[i].rotation = meta_int(in[i].r, "rotation_index", 0);
		for (int k = 0; k < i; k++) {
			if (in[k].skip || !in[i].recording_id || !same_recording(&in[k], &in[i]) ||
			    in[k].rotation != in[i].rotation)
				continue;
			sr_err("%s: same recording and rotation index as %s: skipped",
			       in[i].path, in[k].path);
			in[i].skip = 1;
			break;
		}
		if (!in[i].skip) {
			int found = in_database(im, &in[i]);

			in[i].skip = found != 0;
			*nfailed += found == 2;
		}
	}
}
