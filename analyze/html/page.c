// SPDX-License-Identifier: GPL-2.0-only
/*
 * page.c - the HTML document of sysrec report: one file that needs nothing
 * else.  The data (the reports as JSON) sits in a <script type=
 * "application/json"> that the page's script parses; uPlot's script and
 * style and the page's own are inline; uPlot's licence is shown at the end.
 * A Content-Security-Policy forbids every request (default-src 'none'), so
 * a browser opening the page from a file or a mail makes none.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sysrec/util.h"
#include "html.h"

/* Text as the content of an element: & < > escaped. */
static void put_text(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(s[i], f);
		}
	}
}

/*
 * JSON inside <script>: the HTML parser ends the element at "</script"
 * and treats "<!--" specially, whatever JSON means.  In JSON < > & occur
 * only inside strings, where \u003c and the like mean the same.
 */
static void put_json(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '<')
			fputs("\\u003c", f);
		else if (s[i] == '>')
			fputs("\\u003e", f);
		else if (s[i] == '&')
			fputs("\\u0026", f);
		else
			fputc(s[i], f);
	}
}

/*
 * A script from a file inline: a "</script" in it (a string of the
 * library's, say) would end the element, so its "</" becomes "<\/", which
 * means the same inside a JavaScript string, regex or comment.
 */
static void put_script(FILE *f, const struct sr_html_blob *b)
{
	const char *p = b->data, *end = b->data + b->len, *q;

	while ((q = memmem(p, (size_t)(end - p), "</", 2))) {
		fwrite(p, 1, (size_t)(q - p), f);
		fputs("<\\/", f);
		p = q + 2;
	}
	fwrite(p, 1, (size_t)(end - p), f);
}

int sr_html_write(const struct sr_html_page *p, FILE *f)
{
	const struct sr_html_assets *a = &sr_html_assets;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
	      " script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"sysrec " SYSREC_VERSION "\">\n<title>", f);
	put_text(f, p->title, strlen(p->title));
	fputs("</title>\n<style>\n", f);
	fwrite(a->uplot_css.data, 1, a->uplot_css.len, f);
	fputs("\n</style>\n<style>\n", f);
	fwrite(a->page_css.data, 1, a->page_css.len, f);
	fputs("\n</style>\n</head>\n<body>\n<header>\n<h1>", f);
	put_text(f, p->title, strlen(p->title));
	fputs("</h1>\n<pre id=\"coverage\">", f);
	put_text(f, p->coverage, p->coverage_len);
	fputs("</pre>\n</header>\n<main id=\"report\">\n"
	      "<noscript>This report draws its tables and charts with JavaScript.</noscript>\n"
	      "</main>\n<footer>\n<p>Made by sysrec " SYSREC_VERSION ". Charts drawn with"
	      " <a href=\"https://github.com/leeoniya/uPlot\">uPlot</a> ", f);
	put_text(f, a->uplot_version, strlen(a->uplot_version));
	fputs(", under the MIT licence:</p>\n<details id=\"licence\"><summary>uPlot's"
	      " licence</summary>\n<pre>", f);
	put_text(f, a->uplot_license.data, a->uplot_license.len);
	fputs("</pre></details>\n</footer>\n<script type=\"application/json\" id=\"sr-data\">\n", f);
	put_json(f, p->data, p->data_len);
	fputs("</script>\n<script>\n", f);
	put_script(f, &a->uplot_js);
	fputs("\n</script>\n<script>\n", f);
	put_script(f, &a->page_js);
	fputs("\n</script>\n</body>\n</html>\n", f);
	fflush(f);
	return ferror(f) ? -(errno ? errno : EIO) : 0;
}
