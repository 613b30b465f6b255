/* write_warc.h - what the WACZ writer (write_wacz.c) borrows from the
 * WARC writer; not library API. */
#ifndef NC_WRITE_WARC_H
#define NC_WRITE_WARC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "newsconv.h"
#include "util/buf.h"

/* Where an article without an http(s) source URL is archived when no
 * --base-url is given.  .invalid is reserved (RFC 2606, RFC 6761): the
 * URL can never name a real site, yet replay tools accept it as they
 * accept any http URL. */
#define NC_WARC_DEFAULT_BASE "http://newsconv.invalid/"

/* Is `base` usable as a page URL base: http(s)://host..., no query,
 * fragment, space, control or quoting character? */
bool nc_warc_base_ok(const char *base);

/* The URL the article's page is archived at (appended to `out`): its
 * source URL when that is http(s), else base (or the default) +
 * "YYYY/MM/DD/" (from the date, when known) + an ASCII slug of the
 * title + "-" + the first 12 hex digits of the input's SHA-1 + ".html".
 * Deterministic: it depends on the input bytes and `base` only.  A page
 * fetched as served (d->served) is at the URL it was served from. */
int nc_warc_page_url(const struct nc_doc *d, const char *base, struct nc_buf *out);

/* When d's page was captured, for a writer of nc_format_warc: its
 * response's date when fetched as served, else the WARC-Date of the
 * article records. */
int64_t nc_warc_page_date(const struct nc_writer *w, const struct nc_doc *d);

/* A writer of nc_format_warc, just made, indexes its records for the
 * caller (the WACZ) rather than into opts.cdx_path; sort runs spill
 * beside `near` (an output path; NULL: $TMPDIR). */
void nc_warc_keep_index(struct nc_writer *w, const char *near);
/* That index, sorted, after nc_writer_finish(); 0 or an error code. */
int nc_warc_write_index(struct nc_writer *w, FILE *out);

#endif
