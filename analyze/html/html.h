/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * html.h - sysrec report: a self-contained HTML page of the analyzer's
 * reports (private to analyze/html/).
 *
 *   report.c    cmd_report: options, the import, the reports run into JSON
 *   page.c      the page: the data, the embedded scripts and styles
 *   assets.c    the embedded files (uPlot, its licence, report.js/.css),
 *               from the header that assets/gen_assets makes at build time
 *   report.js   the page's script: sortable tables, the charts (uPlot)
 *   report.css  the page's style
 *
 * docs/sysrec-report.md describes the command, docs/BUILDING.md the assets.
 */
#ifndef SYSREC_HTML_H
#define SYSREC_HTML_H

#include <stddef.h>
#include <stdio.h>

/* One embedded file: its bytes (NUL-terminated) and length. */
struct sr_html_blob {
	const char *data;
	size_t len;
};

/* The embedded files; present is 0 in a build made with NO_HTML=1. */
struct sr_html_assets {
	int present;
	const char *uplot_version;
	struct sr_html_blob uplot_js, uplot_css, uplot_license, page_js, page_css;
};

extern const struct sr_html_assets sr_html_assets;

/* What the page shows, made by report.c. */
struct sr_html_page {
	const char *title;	/* the <title> and heading: escaped by the writer */
	const char *coverage;	/* the analyzer's coverage header, as text */
	size_t coverage_len;
	const char *data;	/* the reports as one JSON object */
	size_t data_len;
};

/*
 * Write @p to @f as one HTML document that needs nothing else: every script
 * and style inline, the data in a JSON script element, a Content-Security-
 * Policy that forbids any request.  0, or -errno of a failed write.
 */
int sr_html_write(const struct sr_html_page *p, FILE *f);

#endif /* SYSREC_HTML_H */
