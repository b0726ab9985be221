// SPDX-License-Identifier: GPL-2.0-only
/*
 * mktrace - builds a trace from a text description, so that tests can craft
 * exact traces without BPF.
 *
 *   mktrace -o OUT.trc [-f] [--level L] [--chunk BYTES] [SPEC]   (SPEC or stdin)
 *
 *   # comment
 *   meta KEY VALUE...        start metadata (VALUE: the rest of the line)
 *   endmeta KEY VALUE...     end metadata
 *   TYPE field=value ...     one record of a type named in the schema
 *   raw type=N field=value ... [bytes=HEX]   a record of any type number: the
 *                            56-byte header, then HEX bytes (padded to 8)
 *   schema NAME [fixed=BYTES] [FIELD=NEWNAME ...]   the file's schema
 *                            describes type NAME with that fixed size (fields
 *                            past it dropped) and those fields renamed: a
 *                            schema that contradicts the records
 *   flush                    ends the current chunk here
 *   cut                      stops like a killed recorder: what came before is
 *                            in complete chunks, no end block, no index
 *
 * Numbers: decimal or 0x hex, negative allowed, checked against the field's
 * width.  Strings: field="..." with C escapes (\n \t \r \" \\ \xNN \0) or a
 * bare word.  sys=NAME sets nr from the syscall name; tid defaults to pid;
 * unset fields are 0; size is computed and 8-aligned; each string is stored
 * with a NUL after it.  A name both the header and the type have ("flags")
 * means the type's: h.flags names the header's.
 *
 * The whole description is parsed before the file is created: a bad line
 * leaves no file behind.  Exit 1 with "mktrace: line N: ..." on a bad line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysrec/format.h"
#include "sysrec/util.h"
#include "tool.h"

#define REC_MAX 65528	/* the biggest multiple of 8 a u16 size holds */

struct item {
	int line;
	int flush;		/* 1: a flush mark, no record */
	size_t off;		/* record bytes in recs */
};

struct kv {
	char *key, *value;
};

static struct item *items;
static size_t nitems, items_cap;
static uint8_t *recs;
static size_t recs_len, recs_cap;
static struct kv *metas, *endmetas;
static size_t nmeta, nendmeta;
static int cut;
static struct sr_type *schemas;	/* the descriptions "schema" lines change */
static size_t nschemas;
static const char *created;	/* removed when writing it fails */

static void die(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

static void die(int line, const char *fmt, ...)
{
	va_list ap;

	if (created)
		unlink(created);
	fputs("mktrace: ", stderr);
	if (line)
		fprintf(stderr, "line %d: ", line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die(0, "out of memory");
	return p;
}

static void add_item(int line, int flush, const uint8_t *rec, size_t size)
{
	if (nitems == items_cap) {
		items_cap = items_cap ? items_cap * 2 : 256;
		items = xrealloc(items, items_cap * sizeof(*items));
	}
	items[nitems++] = (struct item){ line, flush, recs_len };
	if (!size)
		return;
	if (recs_len + size > recs_cap) {
		while (recs_len + size > recs_cap)
			recs_cap = recs_cap ? recs_cap * 2 : 1 << 16;
		recs = xrealloc(recs, recs_cap);
	}
	memcpy(recs + recs_len, rec, size);
	recs_len += size;
}

static void add_kv(struct kv **arr, size_t *n, char *key, char *value)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[*n].key = strdup(key);
	(*arr)[*n].value = strdup(value);
	if (!(*arr)[*n].key || !(*arr)[*n].value)
		die(0, "out of memory");
	(*n)++;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * One value at *pp: a quoted string with escapes or a bare word, into buf
 * (cap bytes).  Returns its length; *quoted says which it was.
 */
static size_t parse_value(int line, char **pp, char *buf, size_t cap, int *quoted)
{
	char *p = *pp;
	size_t n = 0;

	*quoted = *p == '"';
	if (!*quoted) {
		while (*p && *p != ' ' && *p != '\t') {
			if (n == cap)
				die(line, "value too long");
			buf[n++] = *p++;
		}
		*pp = p;
		return n;
	}
	p++;
	for (;;) {
		int c = (unsigned char)*p++, h1, h2;

		if (!c)
			die(line, "unterminated string");
		if (c == '"')
			break;
		if (c == '\\') {
			c = (unsigned char)*p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '0': c = 0; break;
			case '"': case '\\': break;
			case 'x':
				h1 = hexval(p[0]);
				h2 = h1 < 0 ? -1 : hexval(p[1]);
				if (h2 < 0)
					die(line, "bad \\x escape: two hex digits wanted");
				c = h1 * 16 + h2;
				p += 2;
				break;
			default:
				die(line, "unknown escape '\\%c'", c ? c : '0');
			}
		}
		if (n == cap)
			die(line, "string too long");
		buf[n++] = (char)c;
	}
	if (*p && *p != ' ' && *p != '\t')
		die(line, "junk after a closing quote");
	*pp = p;
	return n;
}

/* A number fitting @size bytes, signed or not; dies otherwise. */
static uint64_t parse_num(int line, const char *name, const char *s, unsigned int size)
{
	int neg = *s == '-';
	const char *d = neg ? s + 1 : s;
	unsigned long long v;
	char *end;

	if (!*d || *d == '-' || *d == '+' || *d == ' ')
		die(line, "%s: '%s' is not a number", name, s);
	errno = 0;
	v = strtoull(d, &end, 0);
	if (*end || errno)
		die(line, "%s: '%s' is not a number", name, s);
	if (size < 8) {
		uint64_t lim = 1ull << (8 * size);

		if ((!neg && v >= lim) || (neg && v > lim / 2))
			die(line, "%s: %s does not fit in %u bytes", name, s, size);
	} else if (neg && v > (1ull << 63)) {
		die(line, "%s: %s does not fit in 8 bytes", name, s);
	}
	return neg ? (uint64_t)0 - v : v;
}

static void put_int(uint8_t *rec, const struct sr_field *f, uint64_t v)
{
	uint8_t b8 = (uint8_t)v;
	uint16_t b16 = (uint16_t)v;
	uint32_t b32 = (uint32_t)v;

	switch (f->size) {
	case 1: memcpy(rec + f->offset, &b8, 1); break;
	case 2: memcpy(rec + f->offset, &b16, 2); break;
	case 4: memcpy(rec + f->offset, &b32, 4); break;
	default: memcpy(rec + f->offset, &v, 8); break;
	}
}

static const struct sr_field *find_field(const struct sr_type *t, const char *name)
{
	int header = 0;

	if (!strncmp(name, "h.", 2)) {
		header = 1;
		name += 2;
	} else if (!strncmp(name, "s.", 2)) {
		name += 2;
	}
	/* from the end: the type's own field wins over the header's of the same name */
	for (int i = t->nfields - 1; i >= 0; i--) {
		const struct sr_field *f = &t->fields[i];

		if (f->kind == SR_FK_PAD || strcmp(f->name, name))
			continue;
		if (header && f->offset >= sizeof(struct sr_event))
			continue;
		return f;
	}
	return NULL;
}

static void parse_record(int line, const char *word, char *p)
{
	static uint8_t rec[REC_MAX];
	static char val[REC_MAX];
	const struct sr_type *t;
	size_t size, raw_bytes = 0;
	int is_raw = !strcmp(word, "raw"), tid_set = 0, type_set = 0;
	uint32_t pid = 0;

	t = sr_schema_type_by_name(is_raw ? "lost" : word);	/* raw: the header's fields */
	if (!t)
		die(line, "unknown record type '%s'", word);
	memset(rec, 0, sizeof(rec));
	size = is_raw ? sizeof(struct sr_event) : t->fixed_size;
	if (!is_raw)
		put_int(rec, &t->fields[0], t->type);

	for (;;) {
		const struct sr_field *f;
		char name[64], *eq;
		size_t n, nl;
		int quoted;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		eq = strchr(p, '=');
		nl = eq ? (size_t)(eq - p) : 0;
		if (!eq || !nl || nl >= sizeof(name) || memchr(p, ' ', nl) || memchr(p, '\t', nl))
			die(line, "expected field=value at '%.20s'", p);
		memcpy(name, p, nl);
		name[nl] = 0;
		p = eq + 1;
		n = parse_value(line, &p, val, sizeof(val) - 1, &quoted);
		val[n] = 0;

		if (!strcmp(name, "size"))
			die(line, "size is computed, it cannot be set");
		if (is_raw && !strcmp(name, "type")) {
			put_int(rec, &t->fields[0], parse_num(line, name, val, 2));
			type_set = 1;
			continue;
		}
		if (!strcmp(name, "type"))
			die(line, "type comes from the record name");
		if (is_raw && !strcmp(name, "bytes")) {
			if (n % 2)
				die(line, "bytes: an even number of hex digits wanted");
			raw_bytes = n / 2;
			if (size + raw_bytes > REC_MAX)
				die(line, "record longer than %d bytes", REC_MAX);
			for (size_t i = 0; i < raw_bytes; i++) {
				int h1 = hexval(val[2 * i]), h2 = hexval(val[2 * i + 1]);

				if (h1 < 0 || h2 < 0)
					die(line, "bytes: '%s' is not hex", val);
				rec[size + i] = (uint8_t)(h1 * 16 + h2);
			}
			continue;
		}
		if (!is_raw && !strcmp(name, "sys")) {
			const struct sr_syscall *sc = sr_syscall_by_name(val);

			f = find_field(t, "nr");
			if (!f)
				die(line, "sys: %s records have no syscall number", word);
			if (!sc)
				die(line, "sys: unknown syscall '%s'", val);
			put_int(rec, f, sc->nr);
			continue;
		}
		f = find_field(t, name);
		if (!f || (is_raw && f->offset >= sizeof(struct sr_event)))
			die(line, "%s records have no field '%s'", word, name);
		switch (f->kind) {
		case SR_FK_COMM:
			if (n > SR_COMM_LEN)
				die(line, "comm: longer than %d bytes", SR_COMM_LEN);
			memcpy(rec + f->offset, val, n);
			break;
		case SR_FK_STR: {
			struct sr_str ref;

			if (size + n + 1 > REC_MAX)
				die(line, "record longer than %d bytes", REC_MAX);
			ref.off = (uint16_t)size;
			ref.len = (uint16_t)n;
			memcpy(rec + size, val, n);
			size += n + 1;	/* the NUL is there already */
			memcpy(rec + f->offset, &ref, sizeof(ref));
			break;
		}
		default:
			if (quoted)
				die(line, "%s: a number wanted, not a string", name);
			put_int(rec, f, parse_num(line, name, val, f->size));
			if (!strcmp(f->name, "tid") && f->offset < sizeof(struct sr_event))
				tid_set = 1;
			if (!strcmp(f->name, "pid") && f->offset < sizeof(struct sr_event))
				pid = (uint32_t)parse_num(line, name, val, 4);
			break;
		}
	}
	if (is_raw && !type_set)
		die(line, "raw: type=N is required");
	if (is_raw) {
		uint16_t type;
		const struct sr_type *known;

		memcpy(&type, rec, sizeof(type));
		known = sr_schema_type(type);
		if (known && size + raw_bytes < known->fixed_size)
			die(line, "raw: a %s record has at least %u bytes", known->name,
			    known->fixed_size);
	}
	if (!tid_set)
		memcpy(rec + offsetof(struct sr_event, tid), &pid, sizeof(pid));
	size += raw_bytes;
	size = (size + 7) & ~(size_t)7;
	if (size > REC_MAX)
		die(line, "record longer than %d bytes", REC_MAX);
	uint16_t sz16 = (uint16_t)size;

	memcpy(rec + offsetof(struct sr_event, size), &sz16, 2);
	add_item(line, 0, rec, size);
}

/* "KEY VALUE..." at p: the key token and the rest of the line. */
static void parse_meta(int line, char *p, int end)
{
	char *key, *value;

	while (*p == ' ' || *p == '\t')
		p++;
	key = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (p == key)
		die(line, "%s: a key wanted", end ? "endmeta" : "meta");
	if (*p)
		*p++ = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	value = p;
	if (end)
		add_kv(&endmetas, &nendmeta, key, value);
	else
		add_kv(&metas, &nmeta, key, value);
}

static void parse_schema(int line, char *p)
{
	const struct sr_type *bt;
	struct sr_type *t;
	struct sr_field *fields;
	char *tok, *save = NULL, *eq;
	unsigned int i;

	tok = strtok_r(p, " \t", &save);
	if (!tok || !(bt = sr_schema_type_by_name(tok)))
		die(line, "schema: a type of this build wanted");
	schemas = xrealloc(schemas, (nschemas + 1) * sizeof(*schemas));
	t = &schemas[nschemas++];
	*t = *bt;
	fields = xrealloc(NULL, bt->nfields * sizeof(*fields));
	memcpy(fields, bt->fields, bt->nfields * sizeof(*fields));
	t->fields = fields;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		if (!(eq = strchr(tok, '=')))
			die(line, "schema: '%s': FIELD=NEWNAME or fixed=BYTES wanted", tok);
		*eq++ = 0;
		if (!strcmp(tok, "fixed")) {
			t->fixed_size = (uint16_t)strtoul(eq, NULL, 0);
			continue;
		}
		for (i = 0; i < t->nfields && strcmp(fields[i].name, tok); i++)
			;
		if (i == t->nfields)
			die(line, "schema: %s has no field '%s'", t->name, tok);
		fields[i].name = strdup(eq);
		if (!fields[i].name)
			die(0, "out of memory");
	}
	for (i = t->nfields = 0; i < bt->nfields; i++)
		if ((uint32_t)fields[i].offset + fields[i].size <= t->fixed_size)
			fields[t->nfields++] = fields[i];
}

static void parse(FILE *f)
{
	char *line = NULL, *p, word[64];
	size_t cap = 0, n;
	ssize_t len;
	int lineno = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		for (n = 0; p[n] && p[n] != ' ' && p[n] != '\t'; n++)
			;
		if (n >= sizeof(word))
			die(lineno, "unknown word '%.20s...'", p);
		memcpy(word, p, n);
		word[n] = 0;
		p += n;
		if (!strcmp(word, "meta") || !strcmp(word, "endmeta")) {
			parse_meta(lineno, p, word[0] == 'e');
		} else if (!strcmp(word, "schema")) {
			parse_schema(lineno, p);
		} else if (!strcmp(word, "flush")) {
			add_item(lineno, 1, NULL, 0);
		} else if (!strcmp(word, "cut")) {
			cut = 1;
			break;
		} else {
			parse_record(lineno, word, p);
		}
	}
	free(line);
	if (ferror(f))
		die(0, "cannot read the description: %s", strerror(errno));
}

static const char usage[] =
	"usage: mktrace -o OUT.trc [-f] [--level L] [--chunk BYTES] [SPEC]\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		TOOL_WRITER_OPTIONS,
		TOOL_COMMON_OPTIONS,
		{ 0 }
	};
	struct sr_writer_opts wo = { .owner_uid = (uid_t)-1, .owner_gid = (gid_t)-1 };
	const char *out = NULL;
	struct sr_writer *w;
	FILE *in = stdin;
	int c, err;

	while ((c = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		default: tool_option(c, &wo, usage);
		}
	}
	if (!out || argc - optind > 1)
		tool_usage(usage);
	if (optind < argc && !(in = fopen(argv[optind], "r")))
		die(0, "cannot open %s: %s", argv[optind], strerror(errno));
	parse(in);
	if (in != stdin)
		fclose(in);

	err = sr_writer__new(&w, out, &wo);
	if (err)
		die(0, "cannot create %s: %s", out, strerror(-err));
	created = out;
	for (size_t i = 0; i < nschemas; i++)
		if ((err = sr_writer__add_type(w, &schemas[i])))
			die(0, "schema %s: %s", schemas[i].name, strerror(-err));
	for (size_t i = 0; i < nmeta; i++)
		if ((err = sr_writer__meta(w, metas[i].key, metas[i].value)))
			die(0, "meta %s: %s", metas[i].key, strerror(-err));
	err = sr_writer__begin(w);
	if (err)
		die(0, "cannot write %s: %s", out, strerror(-err));
	for (size_t i = 0; i < nitems; i++) {
		if (items[i].flush)
			err = sr_writer__flush(w);
		else
			err = sr_writer__append(w, (const void *)(recs + items[i].off));
		if (err)
			die(items[i].line, "cannot write the record: %s", strerror(-err));
	}
	if (cut) {
		err = sr_writer__flush(w);
		if (err)
			die(0, "cannot write %s: %s", out, strerror(-err));
		sr_writer__free(w);
		return 0;
	}
	for (size_t i = 0; i < nendmeta; i++)
		if ((err = sr_writer__end_meta(w, endmetas[i].key, endmetas[i].value)))
			die(0, "endmeta %s: %s", endmetas[i].key, strerror(-err));
	err = sr_writer__finish(w);
	sr_writer__free(w);
	if (err)
		die(0, "cannot write %s: %s", out, strerror(-err));
	return 0;
}
