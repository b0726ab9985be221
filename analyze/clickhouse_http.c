// SPDX-License-Identifier: GPL-2.0-only
/*
 * clickhouse_http.c - the HTTP client of the ClickHouse sink, on libcurl.
 * A build without libcurl (the static and cross builds, docs/BUILDING.md)
 * compiles the stub at the end instead: the same functions, which say that
 * this build cannot reach ClickHouse.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sysrec/util.h"
#include "clickhouse.h"

#ifdef SR_HAVE_CURL
#include <curl/curl.h>

struct sr_ch {
	CURL *curl;
	char *url;		/* as given, without a trailing '&' or '?' */
	int has_query;		/* the URL has a '?' already */
};

int sr_ch_supported(void)
{
	return 1;
}

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct sr_chbuf *b = ctx;

	if (b) {
		sr_chbuf__add(b, p, size * n);
		if (b->err)
			return 0;
	}
	return size * n;
}

int sr_ch__new(struct sr_ch **out, const char *url)
{
	struct sr_ch *ch;

	*out = NULL;
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		sr_err("clickhouse: %s: not an http:// or https:// URL", url);
		return -EINVAL;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return -ENOMEM;
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return -ENOMEM;
	ch->url = strdup(url);
	ch->curl = curl_easy_init();
	if (!ch->url || !ch->curl) {
		sr_ch__free(ch);
		return -ENOMEM;
	}
	ch->has_query = strchr(url, '?') != NULL;
	*out = ch;
	return 0;
}

void sr_ch__free(struct sr_ch *ch)
{
	if (!ch)
		return;
	if (ch->curl)
		curl_easy_cleanup(ch->curl);
	free(ch->url);
	free(ch);
}

/* A body in pieces, read by curl as it sends it. */
struct pieces {
	const struct sr_chseg *seg;
	size_t nseg, at;	/* the piece being sent and how far */
};

static size_t on_read(char *p, size_t size, size_t n, void *ctx)
{
	struct pieces *r = ctx;
	size_t want = size * n, got = 0;

	while (got < want && r->nseg) {
		size_t k = r->seg->n - r->at;

		if (k > want - got)
			k = want - got;
		memcpy(p + got, (const char *)r->seg->p + r->at, k);
		got += k;
		r->at += k;
		if (r->at == r->seg->n) {
			r->seg++;
			r->nseg--;
			r->at = 0;
		}
	}
	return got;
}

/*
 * POST @body (or the @nseg pieces of @seg) to the URL, with ?query=@query
 * when given; the answer into @out.
 */
static int post(struct sr_ch *ch, const char *query, const void *body, size_t len,
		const struct sr_chseg *seg, size_t nseg, struct sr_chbuf *out)
{
	struct pieces rd = { seg, nseg, 0 };
	struct curl_slist *hdrs = NULL;
	struct sr_chbuf url = { 0 };
	CURL *c = ch->curl;
	long code = 0;
	CURLcode rc;
	int ret = 0;

	sr_chbuf__add(&url, ch->url, strlen(ch->url));
	if (query) {
		char *q = curl_easy_escape(c, query, 0);

		sr_chbuf__add(&url, ch->has_query ? "&query=" : "?query=", 7);
		if (q)
			sr_chbuf__add(&url, q, strlen(q));
		curl_free(q);
	}
	sr_chbuf__add(&url, "", 1);
	if (url.err) {
		sr_chbuf__free(&url);
		return -ENOMEM;
	}
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url.p);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	if (seg) {
		for (size_t k = len = 0; k < nseg; k++)
			len += seg[k].n;
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &rd);
		curl_easy_setopt(c, CURLOPT_UPLOAD_BUFFERSIZE, 1L << 20);
		/* no round trip for "100 Continue" before the body */
		hdrs = curl_slist_append(NULL, "Expect:");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	} else {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	/* a server that is not there is an error in seconds, not a hang */
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK) {
		sr_err("clickhouse: %s: %s", ch->url, curl_easy_strerror(rc));
		ret = -EIO;
	} else if (code != 200) {
		/* the body of a failed request is the server's message */
		ret = -EIO;
	}
	curl_slist_free_all(hdrs);
	sr_chbuf__free(&url);
	return ret;
}

static int run(struct sr_ch *ch, const char *query, const void *body, size_t len,
	       const struct sr_chseg *seg, size_t nseg, struct sr_chbuf *out)
{
	struct sr_chbuf msg = { 0 };
	int ret;

	ret = post(ch, query, body, len, seg, nseg, &msg);
	if (ret == -EIO && msg.n) {
		size_t k = 0;

		/* one line: the server's message up to its first newline */
		while (k < msg.n && msg.p[k] != '\n' && k < 400)
			k++;
		sr_err("clickhouse: %.*s", (int)k, msg.p);
	} else if (!ret && out) {
		sr_chbuf__add(out, msg.p, msg.n);
		if (out->err)
			ret = out->err;
	}
	sr_chbuf__free(&msg);
	return ret;
}

int sr_ch__query(struct sr_ch *ch, const char *sql, struct sr_chbuf *out)
{
	return run(ch, NULL, sql, strlen(sql), NULL, 0, out);
}

int sr_ch__insert(struct sr_ch *ch, const char *table, const char *format,
		  const void *data, size_t len)
{
	char q[256];

	snprintf(q, sizeof(q), "INSERT INTO %s FORMAT %s", table, format);
	return run(ch, q, data, len, NULL, 0, NULL);
}

int sr_ch__insert_block(struct sr_ch *ch, const char *table, struct sr_chblock *b)
{
	unsigned char head[20];
	struct sr_chseg *seg;
	char q[256];
	int ret;

	if (!b->n)
		return 0;
	seg = malloc((1 + 3 * b->ncols) * sizeof(*seg));
	if (!seg)
		return -ENOMEM;
	snprintf(q, sizeof(q), "INSERT INTO %s FORMAT Native", table);
	ret = run(ch, q, NULL, 0, seg, sr_chblock__segs(b, head, seg), NULL);
	free(seg);
	sr_chblock__clear(b);
	return ret;
}

#else /* !SR_HAVE_CURL */

struct sr_ch {
	int unused;
};

int sr_ch_supported(void)
{
	return 0;
}

int sr_ch__new(struct sr_ch **out, const char *url)
{
	(void)url;
	*out = NULL;
	sr_err("this build of sysrec has no ClickHouse support (built without libcurl:"
	       " docs/BUILDING.md)");
	return -ENOTSUP;
}

void sr_ch__free(struct sr_ch *ch)
{
	(void)ch;
}

int sr_ch__query(struct sr_ch *ch, const char *sql, struct sr_chbuf *out)
{
	(void)ch;
	(void)sql;
	(void)out;
	return -ENOTSUP;
}

int sr_ch__insert(struct sr_ch *ch, const char *table, const char *format,
		  const void *data, size_t len)
{
	(void)ch;
	(void)table;
	(void)format;
	(void)data;
	(void)len;
	return -ENOTSUP;
}

int sr_ch__insert_block(struct sr_ch *ch, const char *table, struct sr_chblock *b)
{
	(void)ch;
	(void)table;
	(void)b;
	return -ENOTSUP;
}
#endif /* SR_HAVE_CURL */
