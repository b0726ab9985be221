// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyze/info.c - sysrec info: what a trace holds, read end to end.
 *
 * The counts are those of the records actually read, not those the end
 * metadata claims; the two are compared and the integrity section says
 * whether the file is complete, cut (no end block) or has damaged chunks.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sysrec/builtin.h"
#include "sysrec/event.h"
#include "sysrec/format.h"
#include "sysrec/util.h"
#include "analyze.h"

#define NS_PER_SEC	1000000000ULL
#define KEY_WIDTH	20

const char sr_usage_info[] =
	"usage: sysrec info [--json] FILE\n"
	"\n"
	"Read a trace end to end and say what it holds: host, kernel, time range,\n"
	"events by type and by syscall, chunks and bytes, lost events (total and\n"
	"per CPU) and integrity (complete, cut, damaged chunks).\n"
	"\n"
	"Options:\n"
	"  -j, --json   one JSON object instead of text\n"
	"  -h, --help   show this help\n"
	"\n"
	"Exit status (as dump and analyze): 0 when every record was read, a cut\n"
	"file included (the integrity line says so); 1 when the file cannot be\n"
	"read or records were lost to damage (what could be read is shown); 2 for\n"
	"bad usage.\n";

/* Metadata keys shown on lines of their own, in this order. */
static const struct {
	const char *key;
	const char *label;
	int number;		/* a whole number in JSON */
} meta_keys[] = {
	{ "recording_id", "recording_id", 0 },
	{ "rotation_index", "rotation_index", 1 },
	{ "host", "host", 0 },
	{ "kernel", "kernel", 0 },
	{ "machine", "machine", 0 },
	{ "ncpus", "cpus", 1 },
	{ "sysrec_version", "sysrec_version", 0 },
	{ "cmdline", "cmdline", 0 },
	{ "filters", "filters", 0 },
};

/* Keys info prints elsewhere or that only feed computations. */
static const char *const meta_used[] = {
	"start_ns", "stop_ns", "clock_offset_ns", "events", "lost", "lost_per_cpu",
};

#define NSLOTS	65536	/* type, nr and cpu are all __u16 */

struct info {
	const char *path;
	struct sr_reader *r;
	struct sr_reader_stats st;
	struct sr_damage_log log;
	uint64_t file_size;
	uint64_t *by_type;	/* [NSLOTS] events */
	uint64_t *by_other;	/* [NSLOTS] the other records */
	uint64_t *by_nr;	/* [NSLOTS] */
	uint64_t *lost_cpu;	/* [NSLOTS] */
	uint64_t records;	/* every record read */
	uint64_t events;	/* those that are events, as analyze counts them */
	uint64_t lost;
	int read_err;
	/* derived */
	int have_start, have_stop, have_offset;
	uint64_t start, stop;	/* monotonic ns */
	int64_t offset;
};

struct count {
	unsigned int id;
	uint64_t n;
	const char *name;
	char buf[24];
};

static void add_sat(uint64_t *a, uint64_t b)
{
	if (__builtin_add_overflow(*a, b, a))
		*a = UINT64_MAX;
}

static void read_all(struct info *in)
{
	const struct sr_event *ev;
	int nr, rc;

	while ((rc = sr_reader__next(in->r, &ev)) == 1) {
		in->records++;
		if (sr_an_is_event(ev)) {
			in->events++;
			in->by_type[ev->type]++;
		} else {
			in->by_other[ev->type]++;
		}
		nr = sr_event__sys_nr(ev);
		if (nr >= 0)
			in->by_nr[nr]++;
		if (ev->type == SR_EV_LOST && ev->size >= sizeof(struct sr_ev_lost)) {
			const struct sr_ev_lost *l = (const void *)ev;

			add_sat(&in->lost, l->count);
			add_sat(&in->lost_cpu[ev->cpu], l->count);
		}
	}
	if (rc < 0) {
		sr_err("cannot read %s: %s", in->path, strerror(-rc));
		in->read_err = rc;
	}
	sr_reader__stats(in->r, &in->st);
}

static void derive(struct info *in)
{
	int64_t v = 0;

	in->have_offset = !sr_meta_s64(in->r, "clock_offset_ns", &v);
	in->offset = v;
	if (!sr_meta_s64(in->r, "start_ns", &v) && v >= 0) {
		in->start = (uint64_t)v;
		in->have_start = 1;
	} else if (in->records) {
		in->start = in->st.ts_first;
		in->have_start = 1;
	}
	if (!sr_meta_s64(in->r, "stop_ns", &v) && v >= 0) {
		in->stop = (uint64_t)v;
		in->have_stop = 1;
	} else if (in->records) {
		/* a cut file: the last record is the best stop there is */
		in->stop = in->st.ts_last;
		in->have_stop = 1;
	}
	if (!in->have_offset)
		in->offset = 0;
}

static const char *type_name(const struct info *in, unsigned int type, char *buf, size_t n)
{
	const struct sr_type *t = sr_schema_type(type);

	if (!t || !t->name)
		t = sr_reader__file_type(in->r, type);
	if (t && t->name)
		return t->name;
	snprintf(buf, n, "type%u", type);
	return buf;
}

static const char *nr_name(const struct info *in, unsigned int nr, char *buf, size_t n)
{
	const struct sr_syscall *sc;
	const char *name = sr_reader__syscall_name(in->r, nr);

	if (name)
		return name;
	sc = sr_syscall_by_nr(nr);
	if (sc)
		return sc->name;
	snprintf(buf, n, "syscall_%u", nr);
	return buf;
}

static int cmp_count(const void *a, const void *b)
{
	const struct count *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* The non-zero counts of @c; by_type in type order, syscalls by count then name. */
static size_t collect(const struct info *in, const uint64_t *c, int syscalls, struct count **out)
{
	struct count *v;
	size_t n = 0, i;

	for (i = 0; i < NSLOTS; i++)
		n += !!c[i];
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return 0;
	n = 0;
	for (i = 0; i < NSLOTS; i++) {
		if (!c[i])
			continue;
		v[n].id = (unsigned int)i;
		v[n].n = c[i];
		n++;
	}
	/* names after the array stops moving: they may point into buf */
	for (i = 0; i < n; i++)
		v[i].name = syscalls ? nr_name(in, v[i].id, v[i].buf, sizeof(v[i].buf)) :
				       type_name(in, v[i].id, v[i].buf, sizeof(v[i].buf));
	if (syscalls)
		qsort(v, n, sizeof(*v), cmp_count);
	*out = v;
	return n;
}

/* "12.345678901 s" */
static void fmt_dur(uint64_t ns, char *buf, size_t n)
{
	snprintf(buf, n, "%llu.%09llu s", (unsigned long long)(ns / NS_PER_SEC),
		 (unsigned long long)(ns % NS_PER_SEC));
}

static int known_key(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(meta_keys); i++)
		if (!strcmp(key, meta_keys[i].key))
			return 1;
	for (i = 0; i < ARRAY_SIZE(meta_used); i++)
		if (!strcmp(key, meta_used[i]))
			return 1;
	return 0;
}

/* --- text --- */

/* "key:" padded to the value column; type and syscall names may come from the file: escaped. */
static void label(const char *key, int indent)
{
	char buf[SR_ESC_MAX(256)];
	size_t len = strnlen(key, 256);
	int n;

	len = sr_esc_text(buf, key, len);
	n = printf("%*s%.*s:", indent, "", (int)len, buf);
	printf("%*s", n < KEY_WIDTH ? KEY_WIDTH - n : 1, "");
}

static void line_str(const char *key, const char *val)
{
	label(key, 0);
	if (val)
		sr_fput_text(stdout, val, strlen(val));
	else
		fputs("-", stdout);
	putchar('\n');
}

static void line_u64(const char *key, int indent, uint64_t v)
{
	label(key, indent);
	printf("%llu\n", (unsigned long long)v);
}

/* "key: total", then the count of each type, indented */
static void line_counts(const struct info *in, const char *key, uint64_t total,
			const uint64_t *by_type)
{
	struct count *c = NULL;
	size_t i, n;

	line_u64(key, 0, total);
	n = collect(in, by_type, 0, &c);
	for (i = 0; i < n; i++) {
		label(c[i].name, 2);
		printf("%llu\n", (unsigned long long)c[i].n);
	}
	free(c);
}

static void line_time(const struct info *in, const char *key, int have, uint64_t ts)
{
	char buf[64];
	int64_t wall;

	label(key, 0);
	if (!have)
		puts("-");
	else if (in->have_offset && sr_wall_ns(ts, in->offset, &wall))
		puts(SR_WALL_OUT_OF_RANGE);
	else if (in->have_offset)
		puts(sr_fmt_wall(wall, buf, sizeof(buf)));
	else
		printf("%llu.%09llu (monotonic: no clock offset in the metadata)\n",
		       (unsigned long long)(ts / NS_PER_SEC), (unsigned long long)(ts % NS_PER_SEC));
}

/* Cut: the file ends early, before its END block or its trailer. */
static bool is_cut(const struct sr_reader_stats *st)
{
	return st->cut || !st->ended;
}

/* The integrity line's first words; damage, if any, is added after them. */
static const char *integrity(const struct sr_reader_stats *st)
{
	if (!st->ended)
		return "cut (no end block)";
	if (st->cut)
		return "cut (no trailer after the end block)";
	if (st->damaged)
		return "";
	return st->complete ? "complete" : "no index";
}

static void print_text(struct info *in)
{
	const char *const *keys, *const *vals;
	struct count *c = NULL;
	char buf[64], hb[32];
	const char *end_events;
	size_t i, n, nmeta;
	int first;

	line_str("file", in->path);
	label("size", 0);
	printf("%llu (%s)\n", (unsigned long long)in->file_size,
	       sr_human_bytes(in->file_size, hb, sizeof(hb)));
	label("format", 0);
	printf("%u.%u\n", in->st.major, in->st.minor);
	for (i = 0; i < ARRAY_SIZE(meta_keys); i++)
		line_str(meta_keys[i].label, sr_reader__meta(in->r, meta_keys[i].key));
	line_time(in, "start", in->have_start, in->start);
	line_time(in, "stop", in->have_stop, in->stop);
	label("duration", 0);
	if (in->have_start && in->have_stop && in->stop >= in->start) {
		fmt_dur(in->stop - in->start, buf, sizeof(buf));
		puts(buf);
	} else {
		puts("-");
	}

	line_counts(in, "events", in->events, in->by_type);
	line_counts(in, "other_records", in->records - in->events, in->by_other);
	n = collect(in, in->by_nr, 1, &c);
	if (n)
		puts("syscalls:");
	else
		line_str("syscalls", NULL);
	for (i = 0; i < n; i++) {
		label(c[i].name, 2);
		printf("%llu\n", (unsigned long long)c[i].n);
	}
	free(c);

	line_u64("chunks", 0, in->st.chunks);
	label("compressed", 0);
	printf("%llu (%s)\n", (unsigned long long)in->st.compressed_bytes,
	       sr_human_bytes(in->st.compressed_bytes, hb, sizeof(hb)));
	label("uncompressed", 0);
	printf("%llu (%s)\n", (unsigned long long)in->st.raw_bytes,
	       sr_human_bytes(in->st.raw_bytes, hb, sizeof(hb)));
	label("compression_ratio", 0);
	if (in->st.compressed_bytes)
		printf("%.2f\n", (double)in->st.raw_bytes / (double)in->st.compressed_bytes);
	else
		puts("-");
	label("bytes_per_event", 0);
	if (in->events)
		printf("%.2f\n", (double)in->file_size / (double)in->events);
	else
		puts("-");

	label("lost", 0);
	printf("%llu", (unsigned long long)in->lost);
	if (sr_reader__meta(in->r, "lost")) {
		const char *m = sr_reader__meta(in->r, "lost");
		int64_t v;

		if (sr_meta_s64(in->r, "lost", &v) || (uint64_t)v != in->lost) {
			fputs(" (end metadata says ", stdout);
			sr_fput_text(stdout, m, strlen(m));
			putchar(')');
		}
	}
	putchar('\n');
	label("lost_per_cpu", 0);
	first = 1;
	for (i = 0; i < NSLOTS; i++) {
		if (!in->lost_cpu[i])
			continue;
		printf("%s%zu:%llu", first ? "" : " ", i, (unsigned long long)in->lost_cpu[i]);
		first = 0;
	}
	puts(first ? "-" : "");

	label("integrity", 0);
	fputs(integrity(&in->st), stdout);
	if (in->st.damaged) {
		/*
		 * A skipped chunk is one problem reported, or more: the rest
		 * is counted in all, not as damage outside the chunks.
		 */
		unsigned long long nc = in->st.bad_chunks, np = in->st.damaged;

		printf("%sdamaged (", is_cut(&in->st) ? ", " : "");
		if (nc)
			printf("%llu chunk%s skipped", nc, nc == 1 ? "" : "s");
		if (nc && np > nc)
			printf(", %llu problems in all", np);
		else if (!nc)
			printf("%llu problem%s", np, np == 1 ? "" : "s");
		putchar(')');
	}
	putchar('\n');
	line_u64("damaged_chunks", 0, in->st.bad_chunks);
	line_u64("skipped_bytes", 0, in->st.skipped_bytes);
	label("end_events", 0);
	end_events = sr_reader__meta(in->r, "events");
	if (!end_events) {
		puts("- (no end metadata)");
	} else {
		int64_t v;

		sr_fput_text(stdout, end_events, strlen(end_events));
		if (!sr_meta_s64(in->r, "events", &v) && (uint64_t)v == in->records)
			puts(" (matches the records read)");
		else
			printf(" (does not match: %llu records read)\n",
			       (unsigned long long)in->records);
	}

	/* the rest of the metadata, so that nothing the file says is hidden */
	nmeta = sr_reader__meta_all(in->r, &keys, &vals);
	first = 1;
	for (i = 0; i < nmeta; i++) {
		if (!keys[i] || known_key(keys[i]))
			continue;
		if (first)
			puts("metadata:");
		first = 0;
		printf("  ");
		sr_fput_text(stdout, keys[i], strlen(keys[i]));
		printf(": ");
		if (vals[i])
			sr_fput_text(stdout, vals[i], strlen(vals[i]));
		putchar('\n');
	}
}

/* --- JSON --- */

static void j_meta_str(struct sr_json *j, const struct info *in, const char *key, const char *label)
{
	const char *v = sr_reader__meta(in->r, key);

	sr_json__key(j, label);
	sr_json__str(j, v);
}

static void j_time(struct sr_json *j, const struct info *in, const char *key,
		   int have, uint64_t ts)
{
	char buf[64], k[32];
	int64_t wall;

	snprintf(k, sizeof(k), "%s_ns", key);
	sr_json__key(j, k);
	if (have)
		sr_json__u64(j, ts);
	else
		sr_json__null(j);
	sr_json__key(j, key);
	if (have && in->have_offset && !sr_wall_ns(ts, in->offset, &wall))
		sr_json__str(j, sr_fmt_wall(wall, buf, sizeof(buf)));
	else
		sr_json__null(j);
}

/* "key": { "type": count, ... } */
static void j_counts(struct sr_json *j, const struct info *in, const char *key,
		     const uint64_t *by_type)
{
	struct count *c = NULL;
	size_t i, n;

	sr_json__key(j, key);
	sr_json__obj_start(j);
	n = collect(in, by_type, 0, &c);
	for (i = 0; i < n; i++) {
		sr_json__key(j, c[i].name);
		sr_json__u64(j, c[i].n);
	}
	free(c);
	sr_json__obj_end(j);
}

static void print_json(struct info *in)
{
	const char *const *keys, *const *vals;
	struct sr_json *j = sr_json__new(stdout, 1);
	struct count *c = NULL;
	size_t i, n, nmeta;
	int64_t v;
	char k[24];

	if (!j)
		return;
	sr_json__obj_start(j);
	sr_json__key(j, "file");
	sr_json__str(j, in->path);
	sr_json__key(j, "size");
	sr_json__u64(j, in->file_size);
	sr_json__key(j, "format_major");
	sr_json__u64(j, in->st.major);
	sr_json__key(j, "format_minor");
	sr_json__u64(j, in->st.minor);
	for (i = 0; i < ARRAY_SIZE(meta_keys); i++) {
		if (meta_keys[i].number) {
			sr_json__key(j, meta_keys[i].label);
			if (!sr_meta_s64(in->r, meta_keys[i].key, &v))
				sr_json__s64(j, v);
			else
				sr_json__null(j);
		} else {
			j_meta_str(j, in, meta_keys[i].key, meta_keys[i].label);
		}
	}
	j_time(j, in, "start", in->have_start, in->start);
	j_time(j, in, "stop", in->have_stop, in->stop);
	sr_json__key(j, "duration_ns");
	if (in->have_start && in->have_stop && in->stop >= in->start)
		sr_json__u64(j, in->stop - in->start);
	else
		sr_json__null(j);

	sr_json__key(j, "events");
	sr_json__u64(j, in->events);
	j_counts(j, in, "events_by_type", in->by_type);
	sr_json__key(j, "other_records");
	sr_json__u64(j, in->records - in->events);
	j_counts(j, in, "other_records_by_type", in->by_other);
	sr_json__key(j, "records");
	sr_json__u64(j, in->records);
	sr_json__key(j, "events_by_syscall");
	sr_json__obj_start(j);
	n = collect(in, in->by_nr, 1, &c);
	for (i = 0; i < n; i++) {
		sr_json__key(j, c[i].name);
		sr_json__u64(j, c[i].n);
	}
	free(c);
	sr_json__obj_end(j);

	sr_json__key(j, "chunks");
	sr_json__u64(j, in->st.chunks);
	sr_json__key(j, "compressed_bytes");
	sr_json__u64(j, in->st.compressed_bytes);
	sr_json__key(j, "uncompressed_bytes");
	sr_json__u64(j, in->st.raw_bytes);
	sr_json__key(j, "compression_ratio");
	if (in->st.compressed_bytes)
		sr_json__dbl(j, (double)in->st.raw_bytes / (double)in->st.compressed_bytes);
	else
		sr_json__null(j);
	sr_json__key(j, "bytes_per_event");
	if (in->events)
		sr_json__dbl(j, (double)in->file_size / (double)in->events);
	else
		sr_json__null(j);

	sr_json__key(j, "lost");
	sr_json__u64(j, in->lost);
	sr_json__key(j, "lost_per_cpu");
	sr_json__obj_start(j);
	for (i = 0; i < NSLOTS; i++) {
		if (!in->lost_cpu[i])
			continue;
		snprintf(k, sizeof(k), "%zu", i);
		sr_json__key(j, k);
		sr_json__u64(j, in->lost_cpu[i]);
	}
	sr_json__obj_end(j);
	sr_json__key(j, "lost_meta");
	if (!sr_meta_s64(in->r, "lost", &v))
		sr_json__s64(j, v);
	else
		sr_json__null(j);

	sr_json__key(j, "integrity");
	sr_json__obj_start(j);
	sr_json__key(j, "complete");
	sr_json__bool(j, in->st.complete && !in->st.cut && !in->st.damaged);
	sr_json__key(j, "cut");
	sr_json__bool(j, is_cut(&in->st));
	sr_json__key(j, "ended");
	sr_json__bool(j, in->st.ended);
	sr_json__key(j, "damaged");
	sr_json__bool(j, in->st.damaged != 0);
	sr_json__key(j, "damaged_chunks");
	sr_json__u64(j, in->st.bad_chunks);
	sr_json__key(j, "skipped_bytes");
	sr_json__u64(j, in->st.skipped_bytes);
	sr_json__key(j, "problems");
	sr_json__u64(j, in->log.count);
	sr_json__key(j, "end_events");
	if (!sr_meta_s64(in->r, "events", &v))
		sr_json__s64(j, v);
	else
		sr_json__null(j);
	sr_json__key(j, "events_match");
	if (!sr_meta_s64(in->r, "events", &v))
		sr_json__bool(j, (uint64_t)v == in->records);
	else
		sr_json__null(j);
	sr_json__obj_end(j);

	sr_json__key(j, "metadata");
	sr_json__obj_start(j);
	nmeta = sr_reader__meta_all(in->r, &keys, &vals);
	for (i = 0; i < nmeta; i++) {
		if (!keys[i])
			continue;
		sr_json__key(j, keys[i]);
		sr_json__str(j, vals[i]);
	}
	sr_json__obj_end(j);
	sr_json__obj_end(j);
	sr_json__free(j);
}

#define INFO_OPTS	":jh"	/* leading ':': a missing value returns ':' */

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_info(int argc, char **argv)
{
	struct info in = { 0 };
	struct stat sb;
	int c, json = 0, status = SR_EXIT_OK;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, INFO_OPTS, long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(sr_usage_info, stdout);
			return SR_EXIT_OK;
		default:
			return sr_opt_err("info", INFO_OPTS, argv, c);
		}
	}
	if (optind >= argc) {
		sr_err("info: no trace file given. See 'sysrec info --help'.");
		return SR_EXIT_USAGE;
	}
	if (argc - optind > 1) {
		sr_err("info: one trace file at a time. See 'sysrec info --help'.");
		return SR_EXIT_USAGE;
	}
	in.path = argv[optind];
	/* a file that cannot be opened gets a JSON error too; damage found later does not */
	sr_json_errors = json;
	c = sr_trace_open(&in.r, in.path, &in.log);
	sr_json_errors = 0;
	if (c)
		return SR_EXIT_FAIL;
	in.by_type = calloc(NSLOTS, sizeof(*in.by_type));
	in.by_other = calloc(NSLOTS, sizeof(*in.by_other));
	in.by_nr = calloc(NSLOTS, sizeof(*in.by_nr));
	in.lost_cpu = calloc(NSLOTS, sizeof(*in.lost_cpu));
	if (!in.by_type || !in.by_other || !in.by_nr || !in.lost_cpu) {
		sr_err("info: %s", strerror(ENOMEM));
		status = SR_EXIT_FAIL;
		goto out;
	}
	read_all(&in);
	/* a pipe's st_size is 0: what was read is its size */
	in.file_size = !stat(in.path, &sb) && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size
								 : in.st.file_bytes;
	derive(&in);
	if (json)
		print_json(&in);
	else
		print_text(&in);
	fflush(stdout);
	if (ferror(stdout)) {
		sr_err("info: cannot write the output");
		status = SR_EXIT_FAIL;
	} else if (in.read_err || in.st.damaged) {
		/* records were lost to the damage: as dump and analyze, 1 */
		status = SR_EXIT_FAIL;
	}
out:
	sr_reader__free(in.r);
	free(in.by_type);
	free(in.by_other);
	free(in.by_nr);
	free(in.lost_cpu);
	return status;
}
