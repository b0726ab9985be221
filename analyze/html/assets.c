// SPDX-License-Identifier: GPL-2.0-only
/*
 * assets.c - the files the HTML report embeds, as the build generated them
 * (assets/gen_assets: $(OUTPUT)/html_assets.h), or none in a build made with
 * NO_HTML=1.
 */
#include "html_assets.h"
#include "html.h"

#ifdef SR_HTML_NO_ASSETS
const struct sr_html_assets sr_html_assets = { .present = 0 };
#else
#define BLOB(name)	{ (const char *)sr_asset_##name, sizeof(sr_asset_##name) - 1 }

const struct sr_html_assets sr_html_assets = {
	.present = 1,
	.uplot_version = SR_UPLOT_VERSION,
	.uplot_js = BLOB(uplot_js),
	.uplot_css = BLOB(uplot_css),
	.uplot_license = BLOB(uplot_license),
	.page_js = BLOB(page_js),
	.page_css = BLOB(page_css),
};
#endif
