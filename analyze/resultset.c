// SPDX-License-Identifier: GPL-2.0-only
/*
 * resultset.c - result sets and their three printers.  Every report, and --sql,
 * builds a struct sr_rs (column names and kinds, rows of typed values) and
 * hands it to sr_rs__print, so the formats behave the same everywhere:
 *  - table: aligned, fits the width asked for (sr_out_width); bytes get a
 *    human form, durations are shown human, long text is cut in the
 *    middle and long paths at their start, numbers and times never;
 *  - csv: a header row, raw numbers, RFC 4180 fields;
 *  - json: an array of objects, numbers as numbers, one object a line.
 * Strings from traces are hostile: they go through sr_fput_text/csv/json.
 */
#include <errno.h>
#include <math.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sysrec/util.h"
#include "analyze.h"

struct sr_rs *sr_rs__new(void)
{
	return calloc(1, sizeof(struct sr_rs));
}

void sr_rs__free(struct sr_rs *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nrows * rs->ncols; i++)
		free(rs->vals[i].s);
	for (size_t i = 0; i < rs->ncols; i++)
		free(rs->cols[i].name);
	free(rs->vals);
	free(rs->cols);
	free(rs);
}

int sr_rs__col(struct sr_rs *rs, const char *name, int kind, int flags)
{
	struct sr_col *c = realloc(rs->cols, (rs->ncols + 1) * sizeof(*c));

	if (!c)
		return rs->err = -ENOMEM;
	rs->cols = c;
	c[rs->ncols].name = strdup(name);
	c[rs->ncols].kind = kind;
	c[rs->ncols].flags = flags;
	if (!c[rs->ncols].name)
		return rs->err = -ENOMEM;
	rs->ncols++;
	return 0;
}

/* Values are appended in order: the next free one is at fill. */
static struct sr_val *next_val(struct sr_rs *rs)
{
	size_t used = rs->nrows * rs->ncols;

	/* sr_rs__row reserved a zeroed row: find its first unset cell */
	for (size_t i = used - rs->ncols; i < used; i++)
		if (!rs->vals[i].type)
			return &rs->vals[i];
	return NULL;
}

int sr_rs__row(struct sr_rs *rs)
{
	size_t need = (rs->nrows + 1) * rs->ncols;

	if (!rs->ncols)
		return rs->err = -EINVAL;
	if (sr_grow(&rs->vals, &rs->cap, need, sizeof(*rs->vals)))
		return rs->err = -ENOMEM;
	memset(rs->vals + rs->nrows * rs->ncols, 0, rs->ncols * sizeof(*rs->vals));
	rs->nrows++;
	return 0;
}

void sr_rs__int(struct sr_rs *rs, int64_t v)
{
	struct sr_val *x = next_val(rs);

	if (x) {
		x->type = SQLITE_INTEGER;
		x->i = v;
	}
}

void sr_rs__real(struct sr_rs *rs, double v)
{
	struct sr_val *x = next_val(rs);

	if (x) {
		x->type = SQLITE_FLOAT;
		x->d = v;
	}
}

void sr_rs__text(struct sr_rs *rs, const char *s, size_t len)
{
	struct sr_val *x = next_val(rs);

	if (!x)
		return;
	x->type = SQLITE_TEXT;
	x->s = sr_memdup0(s, len);
	if (!x->s) {
		x->type = SQLITE_NULL;
		rs->err = -ENOMEM;
		return;
	}
	x->len = len;
}

void sr_rs__str(struct sr_rs *rs, const char *s)
{
	if (s)
		sr_rs__text(rs, s, strlen(s));
	else
		sr_rs__null(rs);
}

void sr_rs__null(struct sr_rs *rs)
{
	struct sr_val *x = next_val(rs);

	if (x)
		x->type = SQLITE_NULL;
}

struct sr_val *sr_rs__at(struct sr_rs *rs, size_t row, size_t col)
{
	return &rs->vals[row * rs->ncols + col];
}

static int guess_kind(const char *name)
{
	if (sr_ends_with(name, strlen(name), "bytes") || !strcmp(name, "mapped") ||
	    !strcmp(name, "unmapped") || !strcmp(name, "peak"))
		return SR_COL_BYTES;
	if (sr_ends_with(name, strlen(name), "_ns"))
		return SR_COL_DUR;
	if (!strcmp(name, "path") || !strcmp(name, "exe") || !strcmp(name, "name") ||
	    !strcmp(name, "cgroup") || !strcmp(name, "cmdline"))
		return SR_COL_PATH;
	return SR_COL_AUTO;	/* numbers right, text left: decided by the values */
}

/* Append the row @st is on. */
static int row_from_stmt(struct sr_rs *rs, sqlite3_stmt *st, int n)
{
	if (sr_rs__row(rs))
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			sr_rs__int(rs, sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT:
			sr_rs__real(rs, sqlite3_column_double(st, i));
			break;
		case SQLITE_NULL:
			sr_rs__null(rs);
			break;
		default: {
			/* text and blobs alike: the escapers make them safe */
			const void *p = sqlite3_column_blob(st, i);
			int len = sqlite3_column_bytes(st, i);

			sr_rs__text(rs, p ? p : "", p ? (size_t)len : 0);
		}
		}
	}
	return rs->err;
}

/* The columns of @st, unless @rs has them: 0, -ENOMEM, or -EINVAL when they differ. */
static int cols_from_stmt(struct sr_rs *rs, sqlite3_stmt *st)
{
	int n = sqlite3_column_count(st);

	if (!rs->ncols) {
		for (int i = 0; i < n; i++) {
			const char *name = sqlite3_column_name(st, i);

			if (sr_rs__col(rs, name ? name : "?", guess_kind(name ? name : ""), 0))
				return -ENOMEM;
		}
	}
	return (size_t)n == rs->ncols ? 0 : -EINVAL;
}

int sr_rs__from_stmt(struct sr_rs *rs, sqlite3_stmt *st, int64_t max)
{
	int n = sqlite3_column_count(st), rc;
	int64_t got = 0;

	rc = cols_from_stmt(rs, st);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/*
		 * One row past @max only says that there are more: stepping
		 * no further is what ends a query without end.
		 */
		if (max > 0 && got >= max) {
			rs->more = 1;
			return 0;
		}
		got++;
		if (n && row_from_stmt(rs, st, n))
			return rs->err ? rs->err : -ENOMEM;
	}
	if (rc != SQLITE_DONE) {
		sr_err("%s", sqlite3_errmsg(sqlite3_db_handle(st)));
		return -EIO;
	}
	return 0;
}

static int out_errno;	/* of the first write to the output that failed */

int sr_out_err(FILE *f)
{
	if (!ferror(f))
		return 0;
	if (!out_errno)
		out_errno = errno ? errno : EIO;
	return -out_errno;
}

/* --- table --- */

size_t sr_out_width(int wide)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	uint64_t v;

	if (wide)
		return SIZE_MAX;
	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	if (cols && !sr_parse_u64(cols, 20, 100000, &v))
		return (size_t)v;
	return isatty(STDOUT_FILENO) ? 80 : SIZE_MAX;
}

static size_t cps(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* The escaped text of a value in a malloc'ed buffer. */
static char *escaped(const char *s, size_t len)
{
	char *buf = NULL;
	size_t sz = 0;
	FILE *m = open_memstream(&buf, &sz);

	if (!m)
		return NULL;
	sr_fput_text(m, s, len);
	fclose(m);
	return buf;
}

/* What a table shows for one value; compact: bytes without the raw number. */
static char *cell_text(const struct sr_col *c, const struct sr_val *v, int compact)
{
	char buf[96], h[32];

	switch (v->type) {
	case SQLITE_NULL:
	case 0:
		return strdup("-");
	case SQLITE_TEXT:
		return escaped(v->s, v->len);
	case SQLITE_FLOAT:
		if (c->kind == SR_COL_TIME)
			snprintf(buf, sizeof(buf), "%.6f", v->d);
		else
			snprintf(buf, sizeof(buf), "%.6g", v->d);
		return strdup(buf);
	}
	if (c->kind == SR_COL_BYTES && v->i >= 1024) {
		sr_human_short((uint64_t)v->i, h, sizeof(h));
		if (compact)
			snprintf(buf, sizeof(buf), "%s", h);
		else
			snprintf(buf, sizeof(buf), "%" PRId64 " (%s)", v->i, h);
	} else if (c->kind == SR_COL_DUR && v->i >= 0) {
		sr_human_dur((uint64_t)v->i, buf, sizeof(buf));
	} else {
		snprintf(buf, sizeof(buf), "%" PRId64, v->i);
	}
	return strdup(buf);
}

size_t sr_col_title_len(const struct sr_col *col)
{
	size_t len = strlen(col->name);

	if (col->kind == SR_COL_DUR && len > 3 && !strcmp(col->name + len - 3, "_ns"))
		len -= 3;
	return len;
}

/* How a table is laid out: the cells of its rows, and its columns. */
struct layout {
	char **cells;		/* nrows * ncols, as shown */
	size_t *w;		/* the width of each column */
	int *right;		/* right-aligned */
	int compact;		/* bytes without their raw number */
	size_t last;		/* the last column shown: not padded */
};

static void layout_free(struct layout *L, size_t ncells)
{
	if (L->cells)
		for (size_t i = 0; i < ncells; i++)
			free(L->cells[i]);
	free(L->cells);
	free(L->w);
	free(L->right);
}

/* Size the columns on the rows of @rs so that the table fits @width if it can. */
static int layout(struct sr_rs *rs, size_t width, struct layout *L)
{
	size_t nc = rs->ncols, nr = rs->nrows, total;

	L->cells = calloc(nr * nc + 1, sizeof(*L->cells));
	L->w = calloc(nc + 1, sizeof(*L->w));
	L->right = calloc(nc + 1, sizeof(*L->right));
	L->compact = 0;
	L->last = 0;
	if (!L->cells || !L->w || !L->right)
		return -ENOMEM;
again:
	for (size_t c = 0; c < nc; c++) {
		const struct sr_col *col = &rs->cols[c];

		L->w[c] = sr_col_title_len(col);
		L->right[c] = col->kind == SR_COL_INT || col->kind == SR_COL_BYTES ||
			      col->kind == SR_COL_DUR || col->kind == SR_COL_REAL;
		if (col->flags & SR_COL_F_NOTABLE)
			continue;
		for (size_t r = 0; r < nr; r++) {
			struct sr_val *v = sr_rs__at(rs, r, c);
			char **cell = &L->cells[r * nc + c];
			size_t l;

			free(*cell);
			*cell = cell_text(col, v, L->compact);
			if (!*cell)
				return -ENOMEM;
			l = cps(*cell, strlen(*cell));
			if (l > L->w[c])
				L->w[c] = l;
			/* times are numbers (rel) or wall-clock text (abs) */
			if ((col->kind == SR_COL_AUTO || col->kind == SR_COL_TIME) &&
			    v->type != SQLITE_NULL)
				L->right[c] = v->type == SQLITE_INTEGER || v->type == SQLITE_FLOAT;
		}
		if (col->flags & SR_COL_F_LEFT)
			L->right[c] = 0;
	}
	total = 0;
	for (size_t c = 0; c < nc; c++)
		if (!(rs->cols[c].flags & SR_COL_F_NOTABLE))
			total += L->w[c] + (total ? 2 : 0);
	if (total > width && !L->compact) {
		L->compact = 1;
		goto again;
	}
	/* still too wide: give up columns of text, widest first, down to 12 */
	while (total > width) {
		size_t best = nc;

		for (size_t c = 0; c < nc; c++) {
			/* numbers and times are never cut: wall-clock text is left-aligned */
			if (rs->cols[c].flags & SR_COL_F_NOTABLE || L->right[c] || L->w[c] <= 12 ||
			    rs->cols[c].kind == SR_COL_TIME || L->w[c] <= sr_col_title_len(&rs->cols[c]))
				continue;
			if (best == nc || L->w[c] > L->w[best])
				best = c;
		}
		if (best == nc)
			break;
		L->w[best]--;
		total--;
	}
	for (size_t c = 0; c < nc; c++)
		if (!(rs->cols[c].flags & SR_COL_F_NOTABLE))
			L->last = c;
	return 0;
}

/*
 * One line of the table: @cells (ncols of them), or the column names when
 * NULL.  A value wider than its column is cut in the middle when @cut,
 * else printed whole.
 */
static int table_line(const struct sr_rs *rs, const struct layout *L, char *const *cells,
		      int cut, FILE *f)
{
	int first = 1;

	for (size_t c = 0; c < rs->ncols; c++) {
		const char *s;
		char *buf = NULL;
		size_t l, len, pad;

		if (rs->cols[c].flags & SR_COL_F_NOTABLE)
			continue;
		s = cells ? cells[c] : rs->cols[c].name;
		len = cells ? strlen(s) : sr_col_title_len(&rs->cols[c]);
		l = cps(s, len);
		if (l > L->w[c] && cut) {
			buf = malloc(len + 4 > L->w[c] * 4 + 4 ? len + 4 : L->w[c] * 4 + 4);
			if (buf) {
				if (rs->cols[c].kind == SR_COL_PATH)
					sr_shorten_path(s, len, L->w[c], buf);
				else
					sr_shorten_middle(s, len, L->w[c], buf);
				s = buf;
				len = strlen(s);
				l = cps(s, len);
			}
		}
		pad = l < L->w[c] ? L->w[c] - l : 0;
		if (!first)
			fputs("  ", f);
		/* the last column is not padded: no trailing blanks */
		if (L->right[c])
			fprintf(f, "%*s%.*s", (int)pad, "", (int)len, s);
		else if (c != L->last)
			fprintf(f, "%.*s%*s", (int)len, s, (int)pad, "");
		else
			fwrite(s, 1, len, f);
		first = 0;
		free(buf);
	}
	fputc('\n', f);
	return sr_out_err(f);
}

/* The names and the rows of @rs, laid out on them. */
static int table_page(struct sr_rs *rs, const struct layout *L, FILE *f)
{
	int err = table_line(rs, L, NULL, 1, f);

	for (size_t r = 0; r < rs->nrows && !err; r++)
		err = table_line(rs, L, L->cells + r * rs->ncols, 1, f);
	return err;
}

static int print_table(struct sr_rs *rs, FILE *f, size_t width)
{
	struct layout L = { .cells = NULL };
	int err = layout(rs, width, &L);

	if (!err)
		err = table_page(rs, &L, f);
	if (!err && !rs->nrows)
		fputs("(no rows)\n", f);
	if (!err)
		err = sr_out_err(f);
	layout_free(&L, rs->nrows * rs->ncols);
	return err;
}

/* A row after the first page: in the page's columns, cut nowhere. */
static int table_more(struct sr_rs *rs, size_t row, const struct layout *L, FILE *f)
{
	char **cells = calloc(rs->ncols + 1, sizeof(*cells));
	int err = 0;

	if (!cells)
		return -ENOMEM;
	for (size_t c = 0; c < rs->ncols && !err; c++) {
		if (rs->cols[c].flags & SR_COL_F_NOTABLE)
			continue;
		cells[c] = cell_text(&rs->cols[c], sr_rs__at(rs, row, c), L->compact);
		if (!cells[c])
			err = -ENOMEM;
	}
	if (!err)
		err = table_line(rs, L, cells, 0, f);
	for (size_t c = 0; c < rs->ncols; c++)
		free(cells[c]);
	free(cells);
	return err;
}

/* --- csv and json --- */

static void print_num(FILE *f, const struct sr_col *c, const struct sr_val *v)
{
	if (v->type == SQLITE_INTEGER)
		fprintf(f, "%" PRId64, v->i);
	else if (c->kind == SR_COL_TIME)
		fprintf(f, "%.6f", v->d);
	else
		fprintf(f, "%.17g", v->d);
}

/* The header row (@row SIZE_MAX) or row @row of @rs in CSV. */
static int csv_line(struct sr_rs *rs, size_t row, FILE *f)
{
	struct sr_val *v;
	int first = 1;

	for (size_t c = 0; c < rs->ncols; c++) {
		if (rs->cols[c].flags & SR_COL_F_TABLEONLY)
			continue;
		if (!first)
			fputc(',', f);
		first = 0;
		v = row == SIZE_MAX ? NULL : sr_rs__at(rs, row, c);
		if (!v)
			sr_fput_csv(f, rs->cols[c].name, strlen(rs->cols[c].name));
		else if (v->type == SQLITE_TEXT)
			sr_fput_csv(f, v->s, v->len);
		else if (v->type == SQLITE_INTEGER || v->type == SQLITE_FLOAT)
			print_num(f, &rs->cols[c], v);
	}
	fputc('\n', f);
	return sr_out_err(f);
}

static int print_csv(struct sr_rs *rs, FILE *f)
{
	int err = csv_line(rs, SIZE_MAX, f);

	for (size_t r = 0; r < rs->nrows && !err; r++)
		err = csv_line(rs, r, f);
	return err;
}

/*
 * Row @row of @rs as a JSON object of the array @j writes (format/json.c's
 * writer, SR_JSON_ROWS: "[\n", objects joined by ",\n", then "\n]\n"; or
 * "[]\n").
 */
static int json_row(struct sr_rs *rs, size_t row, struct sr_json *j, FILE *f)
{
	char num[64];

	sr_json__obj_start(j);
	for (size_t c = 0; c < rs->ncols; c++) {
		struct sr_val *v = sr_rs__at(rs, row, c);

		if (rs->cols[c].flags & SR_COL_F_TABLEONLY)
			continue;
		sr_json__key(j, rs->cols[c].name);
		if (v->type == SQLITE_TEXT)
			sr_json__strn(j, v->s, v->len);
		else if (v->type == SQLITE_INTEGER)
			sr_json__s64(j, v->i);
		else if (v->type == SQLITE_FLOAT && isfinite(v->d))
			sr_json__raw(j, num, (size_t)snprintf(num, sizeof(num),
				rs->cols[c].kind == SR_COL_TIME ? "%.6f" : "%.17g", v->d));
		else
			sr_json__null(j);
	}
	sr_json__obj_end(j);
	return sr_out_err(f);
}

/* The end of the array @j wrote, and @j. */
static int json_end(struct sr_json *j, FILE *f)
{
	sr_json__arr_end(j);
	sr_json__free(j);
	return sr_out_err(f);
}

static struct sr_json *json_start(FILE *f)
{
	struct sr_json *j = sr_json__new(f, SR_JSON_ROWS);

	if (j)
		sr_json__arr_start(j);
	return j;
}

static int print_json(struct sr_rs *rs, FILE *f)
{
	struct sr_json *j = json_start(f);
	int err = 0;

	if (!j)
		return -ENOMEM;
	for (size_t r = 0; r < rs->nrows && !err; r++)
		err = json_row(rs, r, j, f);
	if (err) {
		sr_json__free(j);
		return err;
	}
	return json_end(j, f);
}

int sr_rs__print(struct sr_rs *rs, FILE *f, int fmt, size_t width)
{
	switch (fmt) {
	case SR_FMT_CSV:
		return print_csv(rs, f);
	case SR_FMT_JSON:
		return print_json(rs, f);
	default:
		return print_table(rs, f, width);
	}
}

/* --- streaming --- */

/* Forget the rows of @rs (its columns stay): the next row is row 0. */
static void clear_rows(struct sr_rs *rs)
{
	for (size_t i = 0; i < rs->nrows * rs->ncols; i++)
		free(rs->vals[i].s);
	rs->nrows = 0;
}

/*
 * Print the last row of @rs as it came (JSON: into the array *@j writes,
 * begun with the first row, so that a query that fails prints nothing).
 */
static int stream_row(struct sr_rs *rs, struct sr_json **j, int fmt, const struct layout *L,
		      FILE *f)
{
	size_t row = rs->nrows - 1;

	switch (fmt) {
	case SR_FMT_CSV:
		return csv_line(rs, row, f);
	case SR_FMT_JSON:
		if (!*j && !(*j = json_start(f)))
			return -ENOMEM;
		return json_row(rs, row, *j, f);
	default:
		return table_more(rs, row, L, f);
	}
}

int sr_rs__stream(struct sr_rs *rs, sqlite3_stmt *st, const struct sr_rs_stream *o, FILE *f)
{
	int n = sqlite3_column_count(st), rc = SQLITE_DONE, err;
	struct layout L = { .cells = NULL };
	struct sr_json *j = NULL;
	size_t ncells = 0;
	int paged = 0;		/* table: the first page is out */

	rs->shown = 0;
	err = cols_from_stmt(rs, st);

	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* one row past the limit only says that there are more */
		if (o->max > 0 && rs->shown >= o->max) {
			rs->more = 1;
			rc = SQLITE_DONE;
			break;
		}
		if (!n)
			continue;	/* a row of no column is no row, as in from_stmt */
		if (!rs->shown && o->first)
			o->first(o->ctx);
		if (!rs->shown && o->fmt == SR_FMT_CSV)
			err = csv_line(rs, SIZE_MAX, f);
		rs->shown++;
		if (err)
			break;
		if (row_from_stmt(rs, st, n)) {
			err = rs->err ? rs->err : -ENOMEM;
			break;
		}
		if (o->fmt == SR_FMT_TABLE && !paged) {
			/* the columns are sized on the first page, kept whole till then */
			if (rs->nrows < SR_RS_PAGE)
				continue;
			err = layout(rs, o->width, &L);
			ncells = rs->nrows * rs->ncols;
			if (!err)
				err = table_page(rs, &L, f);
			paged = 1;
		} else {
			err = stream_row(rs, &j, o->fmt, &L, f);
		}
		clear_rows(rs);
	}
	if (!err && rc != SQLITE_DONE) {
		err = -EIO;	/* the statement failed: the caller says why */
		/* what came before it stays, whole: a closed JSON array, a table */
		if (j)
			json_end(j, f), j = NULL;
		else if (o->fmt == SR_FMT_TABLE && !paged && rs->nrows)
			print_table(rs, f, o->width);
	}
	if (!err && !rs->shown && o->first)
		o->first(o->ctx);	/* no row, but the query ran */
	if (!err) {
		if (o->fmt == SR_FMT_CSV && !rs->shown)
			err = csv_line(rs, SIZE_MAX, f);
		else if (o->fmt == SR_FMT_JSON && (j || (j = json_start(f))))
			err = json_end(j, f), j = NULL;
		else if (o->fmt == SR_FMT_JSON)
			err = -ENOMEM;
		else if (o->fmt == SR_FMT_TABLE && !paged)
			err = print_table(rs, f, o->width);
	}
	layout_free(&L, ncells);
	sr_json__free(j);
	return err;
}

int sr_val__set_text(struct sr_val *v, const char *s, size_t n)
{
	char *t = malloc(n + 1);

	if (!t)
		return -ENOMEM;
	memcpy(t, s, n);
	t[n] = '\0';
	free(v->s);
	v->s = t;
	v->len = n;
	v->type = SQLITE_TEXT;
	return 0;
}
