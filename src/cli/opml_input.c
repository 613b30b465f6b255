/* opml_input.c - an OPML subscription list as an input: each feed it
 * lists is read as a URL input (cli_read_input: every URL-input rule
 * applies, address checks, redirects, cache, --offline), and its items
 * come out in the list's order, under the folders of the OPML as their
 * first category (what --group category shows).  A subscription that
 * cannot be read is reported and skipped, as is an outline that is no
 * feed; the others are still read.  --strict makes such a list's run
 * exit 1 (opml_input_failures()).  An OPML listing an OPML is not
 * followed: a list could name itself. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "cli/cli.h"
#include "read.h"
#include "read_opml.h"
#include "util/text.h"

static atomic_uint failures;
static _Thread_local bool inside;          /* reading an OPML's feeds */
static pthread_mutex_t title_lock = PTHREAD_MUTEX_INITIALIZER;
static char *first_title;                   /* the first list's title */

unsigned opml_input_failures(void)
{
	return atomic_load(&failures);
}

const char *opml_input_title(void)
{
	pthread_mutex_lock(&title_lock);
	const char *t = first_title;
	pthread_mutex_unlock(&title_lock);
	return t;
}

static void keep_title(const char *t)
{
	pthread_mutex_lock(&title_lock);
	if (t && !first_title)
		first_title = strdup(t); /* kept to the end of the run */
	pthread_mutex_unlock(&title_lock);
}

static void trouble(const struct cli *c, const char *where, const char *msg)
{
	atomic_fetch_add(&failures, 1);
	if (c->verbosity >= 0)
		cli_say(where, "warning", msg);
}

/* The OPML's folders first among the item's categories; the feed's name
 * from the list when the feed gives none. */
static int place(struct nc_doc *d, const struct nc_opml_feed *f)
{
	if (f->category.len) {
		struct nc_strlist path = {0};
		for (size_t i = 0; i < f->category.len; i++)
			if (nc_strlist_push(&path, f->category.items[i])) {
				nc_strlist_free(&path);
				return NC_ERR_NOMEM;
			}
		struct nc_meta *m = &d->meta;
		struct nc_strlist *v = realloc(m->categories, (m->ncategories + 1) * sizeof *v);
		if (!v) {
			nc_strlist_free(&path);
			return NC_ERR_NOMEM;
		}
		memmove(v + 1, v, m->ncategories * sizeof *v);
		v[0] = path;
		m->categories = v;
		m->ncategories++;
	}
	bool named = false;
	for (size_t i = 0; i < d->meta.nextra; i++)
		named |= !strcmp(d->meta.extra[i].key, "feed_title") && !nc_str_blank(d->meta.extra[i].value);
	return named || !f->title ? NC_OK : nc_meta_add_extra(&d->meta, "feed_title", f->title);
}

/* One subscription's documents, appended to docs. */
static int read_feed(const struct cli *c, const struct nc_opml_feed *f, struct nc_doclist *docs)
{
	if (!url_input_is(f->url)) {
		trouble(c, f->url, "not an absolute URL; skipped");
		return NC_OK;
	}
	struct input sub = { .path = f->url, .walked = false };
	struct nc_doclist got = {0};
	struct nc_err err = {0};
	bool skipped = false;
	int rc = cli_read_input(c, &sub, &got, &skipped, &err);
	if (rc == NC_ERR_NOMEM) {
		nc_doclist_free(&got);
		return rc;
	}
	if (rc) {
		trouble(c, err.where[0] ? err.where : f->url, err.msg[0] ? err.msg : "cannot be read");
		nc_doclist_free(&got);
		return NC_OK;
	}
	for (size_t i = 0; i < got.n && !rc; i++) {
		struct nc_doc *d = got.v[i];
		got.v[i] = NULL;
		rc = place(d, f);
		if (rc)
			nc_doc_free(d);
		else
			rc = nc_doclist_push(docs, d);
	}
	nc_doclist_free(&got);
	return rc;
}

int opml_input_read(const struct cli *c, const char *name, const unsigned char *data,
		    size_t len, struct nc_doclist *docs, struct nc_err *err)
{
	if (inside)
		return nc_err_set(err, NC_ERR_UNSUPPORTED, name,
				  "an OPML list inside an OPML list is not followed");
	struct nc_opml o;
	int rc = nc_opml_parse(name, data, len, &o, err);
	if (rc)
		return rc;
	for (size_t k = 0; k < o.skipped.len; k++)
		if (c->verbosity >= 0)
			cli_say(name, "warning", o.skipped.items[k]);
	if (!o.nfeeds)
		trouble(c, name, "no outline with an xmlUrl: no feed to read");
	keep_title(o.title);
	inside = true;
	for (size_t i = 0; i < o.nfeeds && !rc && !cli_stop; i++)
		rc = read_feed(c, &o.feeds[i], docs);
	inside = false;
	nc_opml_free(&o);
	return rc ? nc_err_set(err, NC_ERR_NOMEM, name, "out of memory") : NC_OK;
}
