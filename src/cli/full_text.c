/* full_text.c - --full-text: a feed item's body replaced by its page's
 * article.  Each item with an http(s) link has the link fetched with the
 * fetcher's rules (url_input_fetch: address checks hop by hop, size cap,
 * time-outs, per-host slots, the cache, --offline) and read as an HTML
 * page, so the reader view (extract.c) keeps its article.  The article
 * becomes the body when
 *   - it has more characters of text than the item's body, and
 *   - at least 60% of the item's distinct words (4 bytes or more, case
 *     folded for ASCII) appear in it: the page is the item's story, not
 *     a paywall, a consent page or another story.
 * The feed's title, date, authors and link are kept (they are the
 * item's).  With a WARC output the page is kept as served (d->served):
 * write_warc.c records it at its URL and the article as a conversion of
 * it.  Pages not taken are not recorded.  Any failure keeps the feed's body with one warning naming
 * the item and the URL; full_text_failures() counts them for --strict. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "read.h"
#include "util/text.h"
#include "util/url.h"

#define MIN_WORD 4
#define SHARE_PCT 60

static atomic_size_t failures;

size_t full_text_failures(void)
{
	return atomic_load(&failures);
}

/* A set of 64-bit word hashes, open addressing (0 marks empty). */
struct wset {
	uint64_t *v;
	size_t cap, n;
};

static int wset_add(struct wset *s, uint64_t h)
{
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uint64_t *v = calloc(cap, sizeof *v);
		if (!v)
			return NC_ERR_NOMEM;
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i])
				for (size_t j = s->v[i] & (cap - 1);; j = (j + 1) & (cap - 1))
					if (!v[j]) {
						v[j] = s->v[i];
						break;
					}
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	for (size_t j = h & (s->cap - 1);; j = (j + 1) & (s->cap - 1)) {
		if (s->v[j] == h)
			return NC_OK;
		if (!s->v[j]) {
			s->v[j] = h;
			s->n++;
			return NC_OK;
		}
	}
}

static bool wset_has(const struct wset *s, uint64_t h)
{
	if (!s->cap)
		return false;
	for (size_t j = h & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1))
		if (s->v[j] == h)
			return true;
	return false;
}

static bool word_byte(unsigned char ch)
{
	return ch >= 0x80 || (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z');
}

/* The words of a text node into `s`; *chars counts its bytes. */
static int put_words(struct wset *s, const char *t, size_t len)
{
	for (size_t i = 0; i < len;) {
		while (i < len && !word_byte((unsigned char)t[i]))
			i++;
		size_t start = i;
		uint64_t h = 1469598103934665603ULL;
		while (i < len && word_byte((unsigned char)t[i])) {
			unsigned char ch = (unsigned char)t[i++];
			if (ch < 0x80)
				ch |= 0x20;
			h = (h ^ ch) * 1099511628211ULL;
		}
		if (i - start >= MIN_WORD && wset_add(s, h ? h : 1))
			return NC_ERR_NOMEM;
	}
	return NC_OK;
}

/* A tree's words and its characters of text. */
static int tree_words(struct nc_node *root, struct wset *s, size_t *chars)
{
	struct nc_iter it;
	*chars = 0;
	nc_iter_init(&it, root);
	for (enum nc_event ev; (ev = nc_iter_next(&it)) != NC_EVENT_NONE;) {
		struct nc_node *n = it.cur;
		if (ev != NC_EVENT_ENTER)
			continue;
		const char *t = NULL;
		size_t len = 0;
		if (n->type == NC_NODE_TEXT || n->type == NC_NODE_CODE)
			t = n->as.text.literal, len = n->as.text.len;
		else if (n->type == NC_NODE_CODE_BLOCK)
			t = n->as.code_block.literal, len = n->as.code_block.len;
		if (!t)
			continue;
		*chars += len;
		if (put_words(s, t, len))
			return NC_ERR_NOMEM;
	}
	return NC_OK;
}

/* How many of `item`'s words are in `page`, in percent (100 if none). */
static int shared_pct(const struct wset *item, const struct wset *page)
{
	if (!item->n)
		return 100;
	size_t in = 0;
	for (size_t i = 0; i < item->cap; i++)
		if (item->v[i] && wset_has(page, item->v[i]))
			in++;
	return (int)(in * 100 / item->n);
}

/* Moves the page's body, its reader-view notes and resources to `d`. */
static void take_body(struct nc_doc *d, struct nc_doc *page)
{
	struct nc_node *root = d->root;
	d->root = page->root;
	page->root = root;
	struct nc_resource **res = d->resources;
	size_t nres = d->nresources;
	d->resources = page->resources, d->nresources = page->nresources;
	page->resources = res, page->nresources = nres;
	struct nc_dropped *dr = d->dropped;
	size_t ndr = d->ndropped;
	d->dropped = page->dropped, d->ndropped = page->ndropped;
	page->dropped = dr, page->ndropped = ndr;
	d->extracted = page->extracted;
	d->kept_chars = page->kept_chars;
	d->dropped_chars = page->dropped_chars;
}

/* The article's first block, a heading saying the item's title again
 * (the page's <h1>), is dropped: the chapter shows the feed's title
 * already.  Compared squashed, ASCII case folded. */
static void drop_title_heading(struct nc_doc *d)
{
	struct nc_node *h = d->root ? d->root->first_child : NULL;
	if (!h || h->type != NC_NODE_HEADING || !d->meta.title)
		return;
	/* NULL: an empty heading, or out of memory: kept either way. */
	char *t = nc_first_heading_text(h), *title = nc_str_squash(d->meta.title);
	if (t && title && !strcasecmp(t, title))
		nc_node_free(h);
	free(t);
	free(title);
}

/* NULL when the page's article was taken, else why not (static). */
static const char *try_item(const struct cli *c, struct nc_doc *d, struct nc_err *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char *final = NULL;
	struct nc_exchange *x = NULL;
	const char *why = NULL;
	struct nc_doclist page = {0};
	struct wset iw = {0}, pw = {0};
	size_t ichars = 0, pchars = 0;
	if (url_input_fetch(c, d->meta.source_url, &data, &len, &final, &x, err)) {
		why = err->msg[0] ? err->msg : "not fetched";
		goto out;
	}
	int score = 0;
	if (nc_reader_detect(data, len, &score) != &nc_reader_html ||
	    nc_reader_html.read(final ? final : d->meta.source_url, data, len, &page, err) ||
	    page.n != 1) {
		why = "not an HTML page";
		goto out;
	}
	if (tree_words(d->root, &iw, &ichars) || tree_words(page.v[0]->root, &pw, &pchars)) {
		why = "out of memory";
		goto out;
	}
	if (pchars <= ichars)
		why = "the page's article is not longer than the item's body";
	else if (shared_pct(&iw, &pw) < SHARE_PCT)
		why = "the page's article does not share the item's text";
	else if (url_input_keep(data, len, x, &d->served))
		why = "out of memory";
	else
		take_body(d, page.v[0]);
	if (!why)
		drop_title_heading(d);
out:
	free(iw.v);
	free(pw.v);
	nc_doclist_free(&page);
	nc_exchange_unref(x);
	free(data);
	free(final);
	return why;
}

void full_text_apply(const struct cli *c, struct nc_doclist *docs)
{
	int64_t now = digest_now(c);
	for (size_t i = 0; i < docs->n; i++) {
		struct nc_doc *d = docs->v[i];
		if (!d->meta.source_url || !nc_url_is_http(d->meta.source_url))
			continue;
		/* an item the digest's window drops is never fetched */
		if (digest_outside(c, now, &d->meta))
			continue;
		struct nc_err err = {0};
		const char *why = try_item(c, d, &err);
		if (why) {
			atomic_fetch_add(&failures, 1);
			if (c->verbosity >= 0) {
				char msg[1200];
				snprintf(msg, sizeof msg, "--full-text: item '%.200s': %.400s: feed body kept: %s",
					 d->meta.title ? d->meta.title : "", d->meta.source_url, why);
				cli_say(d->source_name ? d->source_name : d->meta.source_url,
					"warning", msg);
			}
		}
	}
}
