/*
 * write_epub.c - EPUB 3.3 (https://www.w3.org/TR/epub-33/) with an
 * EPUB 2 NCX for older reading systems, built in memory with libzip.
 *
 * Content documents are rendered from the model only, never from source
 * markup, so they are valid by construction.  Output is reproducible:
 * fixed entry order and timestamps, identifiers derived from content
 * (UUID v5), dcterms:modified from SOURCE_DATE_EPOCH or the newest
 * article date, never the clock.
 *
 * Not supported: remote resources (forbidden by EPUB; images that were
 * not fetched become a visible placeholder linking to the original),
 * fixed layout, media overlays, audio/video files (embeds are links),
 * MathML, page lists.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <zip.h>

#include "newsconv.h"
#include "output.h"
#include "sniff.h"
#include "write_zip.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/lang.h"
#include "util/text.h"
#include "util/date.h"
#include "util/map.h"
#include "render_html.h"
#include "util/words.h"

#define FALLBACK_MODIFIED 946684800 /* 2000-01-01T00:00:00Z */

struct image {
	const struct nc_blob *blob; /* only while a chapter is prepared */
	char name[64];   /* images/<hex><ext> */
	char id[48];     /* img-<hex> */
	char media_type[32];
	unsigned char sha1[20];
	uint64_t off;    /* where its bytes are in the spool */
	size_t len;
	bool cover;
};

/* A chapter as add() leaves it: its XHTML is in the spool, its place in
 * the book is decided by finish(). */
struct staged {
	uint64_t off;
	size_t len;
	size_t cover;    /* index into images of its cover image, or SIZE_MAX */
	/* A cover the chapter does not show: spooled, but in the book only
	 * if it becomes the book's cover. */
	struct image cover_img;
	bool has_cover_img;
};

/* What the accessibility metadata may claim, from the model, summed over
 * the chapters as they are added: the images
 * shown in chapters (the same test as embed_resource(), without adding
 * anything) and how many of them have no text alternative. */
struct a11y_facts {
	size_t shown, no_alt, embeds;
	bool animated;
};

struct book {
	struct nc_doc **docs;   /* reading order (after order()); metadata only */
	size_t n, cap;
	struct staged *staged;  /* parallel to docs */
	const struct nc_write_opts *o;
	struct nc_writer *w;
	struct image *images;
	size_t nimages, capimages;
	struct nc_map image_index; /* sha1 -> index + 1 */
	size_t not_embedded;
	bool any_fetched;
	struct nc_blob *cover_file;   /* --cover, owned until staged */
	size_t cover_file_image;
	char *title, *author, *lang;
	const struct nc_words *words; /* the words the book adds, in its language */
	bool title_words;             /* the title is one of those words ("Articles, ...") */
	bool title_range;             /* the title says the book's date range */
	char uuid[37];
	struct nc_sha1_ctx content; /* every input, in input order: the book's id */
	bool content_open;
	int64_t modified;
	char **groups;          /* first category of each doc, NULL if none */
	bool grouped;
	FILE *spool;            /* chapters and images until finish() */
	struct a11y_facts facts;
	int rc;
};

/* ---- ordering ---------------------------------------------------------- */

/* Each item carries its own sort key, so that the comparator reads no
 * global: two books with different --sort may be ordered on two threads
 * at once (review row 24). */
struct order_item {
	struct nc_doc *doc;
	size_t input;
	int group;
	bool dated;             /* undated articles last (not for NC_SORT_INPUT) */
	uint64_t when;          /* ascending in the requested order */
};

/* The date as an unsigned key: ascending for oldest first, reversed for
 * newest first; 0 for every item when the input order is kept. */
static void sort_key(struct order_item *it, enum nc_sort sort)
{
	it->dated = sort != NC_SORT_INPUT && it->doc->meta.date != NULL;
	uint64_t k = it->dated ? (uint64_t)it->doc->meta.date_epoch ^ UINT64_C(0x8000000000000000) : 0;
	it->when = sort == NC_SORT_NEWEST ? ~k : k;
}

static int cmp_docs(const void *pa, const void *pb)
{
	const struct order_item *a = pa, *b = pb;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->dated != b->dated)
		return a->dated ? -1 : 1;
	if (a->when != b->when)
		return a->when < b->when ? -1 : 1;
	return a->input < b->input ? -1 : a->input > b->input;
}

static const char *first_category(const struct nc_doc *d)
{
	if (d->meta.ncategories && d->meta.categories[0].len)
		return d->meta.categories[0].items[0];
	return NULL;
}

/* The group a chapter is listed under: a digest's section, else the
 * first category. */
static const char *group_of(const struct book *b, const struct nc_doc *d)
{
	return b->o->digest ? d->meta.section : first_category(d);
}

/* A digest opens with a title page however few articles it holds. */
static bool has_title_page(const struct book *b)
{
	return b->n > 1 || b->o->digest;
}

/* Sort, and group by first category when the articles span several:
 * groups appear in the order their first article would. */
static int order(struct book *b)
{
	size_t n = b->n;
	struct order_item *v = calloc(n ? n : 1, sizeof *v);
	struct nc_doc **docs = calloc(n ? n : 1, sizeof *docs);
	struct staged *staged = calloc(n ? n : 1, sizeof *staged);
	b->groups = calloc(n ? n : 1, sizeof *b->groups);
	struct nc_map groups = {0};
	int rc = NC_OK;
	if (!v || !docs || !staged || !b->groups) {
		rc = NC_ERR_NOMEM;
		goto out;
	}
	/* A digest comes in the order its step decided. */
	enum nc_sort sort = b->o->digest ? NC_SORT_INPUT : b->o->sort;
	for (size_t i = 0; i < n; i++) {
		v[i].doc = b->docs[i];
		v[i].input = i;
		sort_key(&v[i], sort);
	}
	qsort(v, n, sizeof *v, cmp_docs);
	/* Group number = rank of the category's first appearance. */
	int next = 0;
	for (size_t i = 0; i < n; i++) {
		const char *c = group_of(b, v[i].doc);
		const char *key = c ? c : "";
		size_t klen = c ? strlen(c) + 1 : 0; /* "no category" differs from "" */
		void *g = nc_map_get(&groups, key, klen);
		if (!g) {
			g = (void *)(uintptr_t)(++next);
			if (nc_map_put(&groups, key, klen, g)) {
				rc = NC_ERR_NOMEM;
				goto out;
			}
		}
		v[i].group = (int)(uintptr_t)g - 1;
	}
	size_t distinct = groups.len - (nc_map_get(&groups, "", 0) ? 1 : 0);
	b->grouped = b->o->digest ? b->o->digest->grouped : n > 1 && distinct > 1;
	if (b->grouped)
		qsort(v, n, sizeof *v, cmp_docs);
	for (size_t i = 0; i < n; i++) {
		docs[i] = v[i].doc;
		staged[i] = b->staged[v[i].input];
		b->groups[i] = (char *)group_of(b, v[i].doc);
	}
	free(b->docs);
	free(b->staged);
	b->docs = docs;
	b->staged = staged;
	docs = NULL;
	staged = NULL;
out:
	nc_map_free(&groups);
	free(v);
	free(docs);
	free(staged);
	return rc;
}

/* ---- images ------------------------------------------------------------ */

static const struct image *embed_blob(struct book *b, const struct nc_blob *blob)
{
	if (!blob || !blob->ext[0])
		return NULL;
	const struct nc_image_type *t = nc_sniff_image(blob->data, blob->size);
	if (!t || !t->epub_core)
		return NULL;
	size_t known = (size_t)(uintptr_t)nc_map_get(&b->image_index, blob->sha1, 20);
	if (known)
		return &b->images[known - 1];
	if (nc_map_put(&b->image_index, blob->sha1, 20, (void *)(uintptr_t)(b->nimages + 1))) {
		b->rc = NC_ERR_NOMEM;
		return NULL;
	}
	if (b->nimages == b->capimages) {
		size_t cap = b->capimages ? b->capimages * 2 : 16;
		struct image *v = realloc(b->images, cap * sizeof *v);
		if (!v) {
			b->rc = NC_ERR_NOMEM;
			return NULL;
		}
		b->images = v;
		b->capimages = cap;
	}
	struct image *im = &b->images[b->nimages++];
	char hex[41];
	nc_hex(blob->sha1, 20, hex);
	memset(im, 0, sizeof *im);
	im->blob = blob;
	memcpy(im->sha1, blob->sha1, 20);
	snprintf(im->media_type, sizeof im->media_type, "%s", t->media_type);
	snprintf(im->name, sizeof im->name, "images/%s%s", hex, t->ext);
	snprintf(im->id, sizeof im->id, "img-%s", hex);
	return im;
}

static const struct image *embed_resource(struct book *b, const struct nc_resource *r)
{
	if (!r || !r->blob || (r->state != NC_RES_FETCHED && r->state != NC_RES_CACHED))
		return NULL;
	return embed_blob(b, r->blob);
}

/* ---- images in chapters ---------------------------------------------- */

static const char *chapter_image(void *ctx, const struct nc_resource *res, const char *url)
{
	struct book *b = ctx;
	(void)url;
	const struct image *im = embed_resource(b, res);
	if (im)
		return im->name;
	b->not_embedded++;
	if (res && res->state != NC_RES_REMOTE)
		b->any_fetched = true;
	return NULL;
}

static void xhtml_open(struct nc_buf *x, const char *lang, const char *title)
{
	nc_buf_puts(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
		       "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\"");
	nc_html_attr(x, "lang", lang);
	nc_html_attr(x, "xml:lang", lang);
	nc_buf_puts(x, ">\n<head>\n<meta charset=\"utf-8\"/>\n<title>");
	nc_buf_puts_xml(x, title, false);
	nc_buf_puts(x, "</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"style.css\"/>\n</head>\n");
}

static const char *doc_lang(struct book *b, const struct nc_doc *d)
{
	if (b->o->lang)
		return b->o->lang;
	if (d->meta.language && *d->meta.language)
		return d->meta.language;
	return nc_lang_guess(d);
}

static void chapter(struct book *b, struct nc_buf *x, const struct nc_doc *d)
{
	const struct nc_meta *m = &d->meta;
	/* once: without a declared language it is guessed from the text */
	const char *lang = doc_lang(b, d);
	xhtml_open(x, lang, m->title);
	nc_buf_puts(x, "<body>\n<section epub:type=\"chapter\" role=\"doc-chapter\">\n<header>\n<h1>");
	nc_buf_puts_xml(x, m->title, false);
	nc_buf_puts(x, "</h1>\n");
	bool any = m->authors.len || m->date || m->date_raw || m->source_url;
	if (any) {
		nc_buf_puts(x, "<p class=\"byline\">");
		bool sep = false;
		for (size_t i = 0; i < m->authors.len; i++) {
			if (i)
				nc_buf_puts(x, ", ");
			nc_buf_puts_xml(x, m->authors.items[i], false);
			sep = true;
		}
		if (m->date) {
			if (sep)
				nc_buf_puts(x, " \xc2\xb7 ");
			nc_buf_puts(x, "<time");
			nc_html_attr(x, "datetime", m->date);
			nc_buf_putc(x, '>');
			nc_buf_put_xml(x, m->date, 10, false);
			nc_buf_puts(x, "</time>");
			sep = true;
		} else if (m->date_raw) {
			if (sep)
				nc_buf_puts(x, " \xc2\xb7 ");
			nc_buf_puts_xml(x, m->date_raw, false);
			sep = true;
		}
		if (m->source_url) {
			size_t mark = x->len;
			if (sep)
				nc_buf_puts(x, " \xc2\xb7 ");
			nc_buf_puts(x, "<a");
			if (nc_html_href(x, m->source_url)) {
				const struct nc_words *w = nc_words_for(lang);
				nc_html_words_lang(x, w, lang);
				nc_buf_putc(x, '>');
				nc_buf_puts(x, w->source);
				nc_buf_puts(x, "</a>");
			} else {
				nc_buf_truncate(x, mark);
			}
		}
		nc_buf_puts(x, "</p>\n");
	}
	nc_buf_puts(x, "</header>\n");
	struct nc_html_images im = { chapter_image, b, lang };
	nc_html_body(x, d->root, &im);
	nc_buf_puts(x, "</section>\n</body>\n</html>\n");
}

/* ---- book metadata ---------------------------------------------------- */

static void date_range(const struct book *b, int64_t *lo, int64_t *hi, bool *any)
{
	*any = false;
	for (size_t i = 0; i < b->n; i++) {
		const struct nc_meta *m = &b->docs[i]->meta;
		if (!m->date)
			continue;
		if (!*any || m->date_epoch < *lo)
			*lo = m->date_epoch;
		if (!*any || m->date_epoch > *hi)
			*hi = m->date_epoch;
		*any = true;
	}
}

static bool book_range(const struct book *b, int64_t *lo, int64_t *hi);

static int book_meta(struct book *b)
{
	const struct nc_write_opts *o = b->o;
	struct nc_doc *first = b->docs[0];
	/* A digest's is its chapters' most frequent (cli/digest.c decides). */
	const char *lang = !o->lang && o->digest && o->digest->lang ? o->digest->lang : doc_lang(b, first);
	if (!(b->lang = strdup(lang)))
		return NC_ERR_NOMEM;
	b->words = nc_words_for(b->lang);
	struct nc_buf t = {0};
	if (o->title) {
		nc_buf_puts(&t, o->title);
	} else if (b->n == 1 && !b->o->digest) {
		nc_buf_puts(&t, first->meta.title);
	} else {
		int64_t lo = 0, hi = 0;
		bool any;
		date_range(b, &lo, &hi, &any);
		const char *c = first_category(first);
		bool same = true;
		for (size_t i = 1; i < b->n && c; i++) {
			const char *d = first_category(b->docs[i]);
			if (!d || strcmp(c, d))
				same = false;
		}
		b->title_words = b->o->digest || !(c && same);
		nc_buf_puts(&t, b->o->digest ? b->words->digest : c && same ? c : b->words->articles);
		/* A digest's span is its window where one was given. */
		if (b->o->digest)
			any = book_range(b, &lo, &hi);
		b->title_range = any; /* so the title page says it once */
		if (any) {
			char a[21], z[21];
			nc_date_iso(lo, a);
			nc_date_iso(hi, z);
			nc_buf_printf(&t, ", %.10s", a);
			if (strncmp(a, z, 10))
				nc_buf_printf(&t, " \xe2\x80\x93 %.10s", z);
		}
	}
	b->title = nc_buf_detach(&t, NULL);

	struct nc_buf a = {0};
	if (o->author) {
		nc_buf_puts(&a, o->author);
	} else if (o->digest) {
		/* A digest is by its sources, never by its items' authors (who
		 * may be many, and whose e-mail addresses feeds give). */
		for (size_t i = 0; i < o->digest->nsources; i++) {
			if (i)
				nc_buf_puts(&a, ", ");
			nc_buf_puts(&a, o->digest->sources[i]);
		}
	} else {
		/* Up to three distinct authors, else "Various".  Distinct is
		 * whole names: "Ann" is not "Ann Lee" (review row 26). */
		const char *seen[3];
		size_t count = 0;
		for (size_t i = 0; i < b->n; i++) {
			const struct nc_strlist *l = &b->docs[i]->meta.authors;
			for (size_t k = 0; k < l->len; k++) {
				bool dup = false;
				for (size_t s = 0; s < count && !dup; s++)
					dup = strcmp(seen[s], l->items[k]) == 0;
				if (dup)
					continue;
				if (count == 3) {
					nc_buf_truncate(&a, 0);
					nc_buf_puts(&a, b->words->various);
					goto done;
				}
				if (count)
					nc_buf_puts(&a, ", ");
				nc_buf_puts(&a, l->items[k]);
				seen[count++] = l->items[k];
			}
		}
	}
done:
	b->author = a.len ? nc_buf_detach(&a, NULL) : NULL;
	nc_buf_free(&a);

	/* Identifier: the source URL of a single article, else the content. */
	if (b->n == 1 && first->meta.source_url) {
		nc_uuid5(nc_uuid_ns_url, first->meta.source_url, strlen(first->meta.source_url), b->uuid);
	} else {
		unsigned char h[20];
		nc_sha1_end(&b->content, h);
		b->content_open = false;
		nc_uuid5(nc_uuid_ns_url, h, sizeof h, b->uuid);
	}

	if (o->have_epoch) {
		b->modified = o->epoch;
	} else {
		int64_t lo = 0, hi = 0;
		bool any;
		date_range(b, &lo, &hi, &any);
		b->modified = any ? hi : FALLBACK_MODIFIED;
	}
	return b->title ? NC_OK : NC_ERR_NOMEM;
}

/* ---- package files ----------------------------------------------------- */

/* "<time>2024-03-01</time>" */
static void put_day(struct nc_buf *x, int64_t t)
{
	char d[21];
	nc_date_iso(t, d);
	nc_buf_printf(x, "<time datetime=\"%.10s\">%.10s</time>", d, d);
}

/* The span of the book: the digest's window where it was given, else
 * the oldest and newest article. */
static bool book_range(const struct book *b, int64_t *lo, int64_t *hi)
{
	bool any;
	date_range(b, lo, hi, &any);
	const struct nc_digest *g = b->o->digest;
	if (g && g->have_since)
		*lo = g->since;
	if (g && g->have_until)
		*hi = g->until;
	if (g && (g->have_since || g->have_until) && !any) {
		if (!g->have_since)
			*lo = *hi;
		if (!g->have_until)
			*hi = *lo;
		any = true;
	}
	return any;
}

/* Sources: a digest's (feed titles, file names), else the first author
 * of each article; the list only when there is one (no empty <ul>). */
static void title_sources(struct book *b, struct nc_buf *x)
{
	const struct nc_digest *g = b->o->digest;
	struct nc_map seen = {0};
	size_t n = g ? g->nsources : b->n;
	bool open = false;
	for (size_t i = 0; i < n; i++) {
		const struct nc_strlist *l = g ? NULL : &b->docs[i]->meta.authors;
		const char *s = g ? g->sources[i] : l->len ? l->items[0] : NULL;
		if (!s || nc_str_blank(s) || nc_map_get_str(&seen, s))
			continue;
		if (nc_map_put_str(&seen, s, (void *)1))
			x->oom = true;
		if (!open) {
			nc_buf_puts(x, "<h2");
			nc_html_words_lang(x, b->words, b->lang);
			nc_buf_puts(x, ">");
			nc_buf_puts(x, b->words->sources);
			nc_buf_puts(x, "</h2>\n<ul>\n");
		}
		open = true;
		nc_buf_puts(x, "<li>");
		nc_buf_puts_xml(x, s, false);
		nc_buf_puts(x, "</li>\n");
	}
	if (open)
		nc_buf_puts(x, "</ul>\n");
	nc_map_free(&seen);
}

static void title_page(struct book *b, struct nc_buf *x)
{
	xhtml_open(x, b->lang, b->title);
	nc_buf_puts(x, "<body>\n<section epub:type=\"titlepage\" class=\"titlepage\">\n<h1");
	if (b->title_words)
		nc_html_words_lang(x, b->words, b->lang);
	nc_buf_putc(x, '>');
	nc_buf_puts_xml(x, b->title, false);
	nc_buf_puts(x, "</h1>\n");
	/* A digest's author is its sources, listed below. */
	if (b->author && (!b->o->digest || b->o->author)) {
		nc_buf_puts(x, "<p class=\"author\">");
		nc_buf_puts_xml(x, b->author, false);
		nc_buf_puts(x, "</p>\n");
	}
	int64_t lo = 0, hi = 0;
	bool any = book_range(b, &lo, &hi);
	const struct nc_words *w = b->words;
	nc_buf_puts(x, "<p class=\"count\"");
	nc_html_words_lang(x, w, b->lang);
	nc_buf_putc(x, '>');
	nc_buf_printf(x, b->n == 1 ? w->one_article : w->n_articles, b->n);
	if (b->o->digest) {
		size_t k = b->o->digest->nsources;
		nc_buf_printf(x, k == 1 ? w->one_source : w->n_sources, k);
	}
	nc_buf_puts(x, "</p>\n");
	if (any && !b->title_range) {
		nc_buf_puts(x, "<p class=\"range\">");
		put_day(x, lo);
		nc_buf_puts(x, " \xe2\x80\x93 ");
		put_day(x, hi);
		nc_buf_puts(x, "</p>\n");
	}
	title_sources(b, x);
	nc_buf_puts(x, "</section>\n</body>\n</html>\n");
}

static void nav_doc(struct book *b, struct nc_buf *x)
{
	xhtml_open(x, b->lang, b->title);
	const struct nc_words *w = b->words;
	nc_buf_puts(x, "<body>\n<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">\n<h1 id=\"toc-title\"");
	nc_html_words_lang(x, w, b->lang);
	nc_buf_printf(x, ">%s</h1>\n<ol>\n", w->contents);
	if (b->o->digest) {
		nc_buf_puts(x, "<li><a href=\"title.xhtml\"");
		nc_html_words_lang(x, w, b->lang);
		nc_buf_printf(x, ">%s</a></li>\n", w->title_page);
	}
	for (size_t i = 0; i < b->n; i++) {
		bool open_group = b->grouped && (i == 0 || (b->groups[i] ? !b->groups[i - 1] || strcmp(b->groups[i], b->groups[i - 1])
								   : b->groups[i - 1] != NULL));
		if (open_group) {
			if (i)
				nc_buf_puts(x, "</ol></li>\n");
			nc_buf_puts(x, "<li><span");
			if (!b->groups[i])
				nc_html_words_lang(x, w, b->lang);
			nc_buf_putc(x, '>');
			nc_buf_puts_xml(x, b->groups[i] ? b->groups[i] : w->other, false);
			nc_buf_puts(x, "</span>\n<ol>\n");
		}
		nc_buf_printf(x, "<li><a href=\"chapter-%04zu.xhtml\">", i + 1);
		nc_buf_puts_xml(x, b->docs[i]->meta.title, false);
		nc_buf_puts(x, "</a></li>\n");
	}
	if (b->grouped)
		nc_buf_puts(x, "</ol></li>\n");
	nc_buf_puts(x, "</ol>\n</nav>\n<nav epub:type=\"landmarks\" role=\"navigation\"");
	nc_html_attr(x, "aria-label", w->landmarks);
	nc_html_words_lang(x, w, b->lang);
	nc_buf_printf(x, " hidden=\"hidden\">\n<ol>\n"
		      "<li><a epub:type=\"bodymatter\" href=\"chapter-0001.xhtml\">%s</a></li>\n"
		      "</ol>\n</nav>\n</body>\n</html>\n", w->start);
}

static void ncx_doc(struct book *b, struct nc_buf *x)
{
	nc_buf_puts(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\">\n<head>\n");
	nc_buf_printf(x, "<meta name=\"dtb:uid\" content=\"urn:uuid:%s\"/>\n", b->uuid);
	nc_buf_printf(x, "<meta name=\"dtb:depth\" content=\"%d\"/>\n", b->grouped ? 2 : 1);
	nc_buf_puts(x, "<meta name=\"dtb:totalPageCount\" content=\"0\"/>\n"
		       "<meta name=\"dtb:maxPageNumber\" content=\"0\"/>\n</head>\n<docTitle><text>");
	nc_buf_puts_xml(x, b->title, false);
	nc_buf_puts(x, "</text></docTitle>\n<navMap>\n");
	size_t play = 0; /* NCX play order starts at 1 */
	int group = 0;
	if (b->o->digest) {
		nc_buf_printf(x, "<navPoint id=\"titlepage\" playOrder=\"1\"><navLabel><text>%s</text></navLabel>"
			      "<content src=\"title.xhtml\"/></navPoint>\n", b->words->title_page);
		play = 1;
	}
	for (size_t i = 0; i < b->n; i++) {
		bool open_group = b->grouped && (i == 0 || (b->groups[i] ? !b->groups[i - 1] || strcmp(b->groups[i], b->groups[i - 1])
								   : b->groups[i - 1] != NULL));
		if (open_group) {
			if (i)
				nc_buf_puts(x, "</navPoint>\n");
			group++;
			nc_buf_printf(x, "<navPoint id=\"group-%d\" playOrder=\"%zu\"><navLabel><text>", group, play + i + 1);
			nc_buf_puts_xml(x, b->groups[i] ? b->groups[i] : b->words->other, false);
			nc_buf_printf(x, "</text></navLabel><content src=\"chapter-%04zu.xhtml\"/>\n", i + 1);
		}
		nc_buf_printf(x, "<navPoint id=\"chapter-%zu\" playOrder=\"%zu\"><navLabel><text>", i + 1, play + i + 1);
		nc_buf_puts_xml(x, b->docs[i]->meta.title, false);
		nc_buf_printf(x, "</text></navLabel><content src=\"chapter-%04zu.xhtml\"/></navPoint>\n", i + 1);
	}
	if (b->grouped)
		nc_buf_puts(x, "</navPoint>\n");
	nc_buf_puts(x, "</navMap>\n</ncx>\n");
}

static void dc(struct nc_buf *x, const char *el, const char *value)
{
	if (!value || nc_str_blank(value))
		return;
	nc_buf_printf(x, "<dc:%s>", el);
	nc_buf_puts_xml(x, value, false);
	nc_buf_printf(x, "</dc:%s>\n", el);
}

/* An animated GIF, PNG or WebP: it might flash, which cannot be told
 * from here, so the book does not claim to be free of hazards. */
static bool animated(const struct nc_blob *blob)
{
	static const char *const marks[] = {"NETSCAPE2.0", "acTL", "ANIM"};
	for (size_t m = 0; m < sizeof marks / sizeof *marks; m++) {
		size_t k = strlen(marks[m]);
		for (size_t i = 0; i + k <= blob->size; i++)
			if (blob->data[i] == (unsigned char)marks[m][0] && !memcmp(blob->data + i, marks[m], k))
				return true;
	}
	return false;
}

static bool shown_in_book(const struct nc_resource *r)
{
	if (!r || !r->blob || !r->blob->ext[0] || (r->state != NC_RES_FETCHED && r->state != NC_RES_CACHED))
		return false;
	const struct nc_image_type *t = nc_sniff_image(r->blob->data, r->blob->size);
	return t && t->epub_core;
}

/* One chapter's part of the facts; any thread. */
static void a11y_doc_facts(const struct nc_doc *d, struct a11y_facts *f)
{
	struct nc_buf alt = {0};
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, d->root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		const struct nc_node *n = it.cur;
		if (ev != NC_EVENT_ENTER)
			continue;
		/* Posters are decoration inside a link that names them. */
		if (n->type == NC_NODE_EMBED) {
			f->embeds++;
			if (shown_in_book(n->as.embed.poster_res))
				f->shown++;
		}
		if (n->type != NC_NODE_IMAGE || !shown_in_book(n->as.image.res))
			continue;
		f->shown++;
		nc_buf_truncate(&alt, 0);
		if (nc_html_image_alt(n, &alt) == NC_ALT_NONE)
			f->no_alt++;
	}
	nc_buf_free(&alt);
}

static void a11y_facts(const struct book *b, struct a11y_facts *f)
{
	*f = b->facts;
}

/* EPUB Accessibility 1.1 discovery metadata (schema.org), every claim
 * true of this book: see docs-a11y.md. */
static void a11y_meta(const struct book *b, struct nc_buf *x)
{
	struct a11y_facts f;
	a11y_facts(b, &f);
	bool visual = f.shown > 0 || b->nimages > 0;
	nc_buf_puts(x, "<meta property=\"schema:accessMode\">textual</meta>\n");
	if (visual)
		nc_buf_puts(x, "<meta property=\"schema:accessMode\">visual</meta>\n");
	if (f.no_alt)
		nc_buf_puts(x, "<meta property=\"schema:accessModeSufficient\">textual,visual</meta>\n");
	else
		nc_buf_puts(x, "<meta property=\"schema:accessModeSufficient\">textual</meta>\n");
	nc_buf_puts(x, "<meta property=\"schema:accessibilityFeature\">structuralNavigation</meta>\n"
		       "<meta property=\"schema:accessibilityFeature\">tableOfContents</meta>\n"
		       "<meta property=\"schema:accessibilityFeature\">readingOrder</meta>\n");
	if (f.shown && !f.no_alt)
		nc_buf_puts(x, "<meta property=\"schema:accessibilityFeature\">alternativeText</meta>\n");
	nc_buf_printf(x, "<meta property=\"schema:accessibilityHazard\">%s</meta>\n", f.animated ? "unknown" : "none");
	if (b->n == 1)
		nc_buf_puts(x, "<meta property=\"schema:accessibilitySummary\">One article converted from a web page. ");
	else
		nc_buf_printf(x, "<meta property=\"schema:accessibilitySummary\">%zu articles converted from web pages. ", b->n);
	nc_buf_puts(x, 
		       "A table of contents links to each article; every article is one chapter in reading order, "
		       "with its title as the top heading and its headings nested without skipped levels. ");
	if (!f.shown)
		nc_buf_puts(x, "There are no images in the text. ");
	else if (!f.no_alt)
		nc_buf_puts(x, "Every image has a text alternative taken from the article (its alt text or figure caption); "
			       "images that only decorate are marked as such. ");
	else
		nc_buf_printf(x, "%zu image%s no text alternative, because the article gave none; "
			      "no description was made up. ", f.no_alt, f.no_alt == 1 ? " has" : "s have");
	if (b->not_embedded)
		nc_buf_puts(x, "Images that are not in the book are shown as a text placeholder linking to the original. ");
	if (f.embeds)
		nc_buf_puts(x, "Videos and other embedded media are links named by their kind and title or address. ");
	nc_buf_puts(x, f.animated ? "Some images are animated; whether they flash is not known.</meta>\n"
				  : "Nothing in the book moves, flashes or plays sound.</meta>\n");
	if (!f.no_alt)
		nc_buf_puts(x, "<meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>\n");
}

static void opf_doc(struct book *b, struct nc_buf *x)
{
	char modified[21];
	nc_date_iso(b->modified, modified);
	nc_buf_puts(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"bookid\"");
	nc_html_attr(x, "xml:lang", b->lang);
	nc_buf_puts(x, ">\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n");
	nc_buf_printf(x, "<dc:identifier id=\"bookid\">urn:uuid:%s</dc:identifier>\n", b->uuid);
	if (b->title_words && nc_words_foreign(b->words, b->lang)) {
		nc_buf_printf(x, "<dc:title xml:lang=\"%s\">", b->words->lang);
		nc_buf_puts_xml(x, b->title, false);
		nc_buf_puts(x, "</dc:title>\n");
	} else {
		dc(x, "title", b->title);
	}
	dc(x, "language", b->lang);
	dc(x, "creator", b->author);
	const struct nc_meta *m = &b->docs[0]->meta;
	int64_t lo = 0, hi = 0;
	bool any;
	date_range(b, &lo, &hi, &any);
	if (any) {
		char d[21];
		nc_date_iso(b->n == 1 ? m->date_epoch : hi, d);
		dc(x, "date", d);
	}
	/* Subjects: every distinct category name and tag. */
	struct nc_strlist subjects = {0};
	for (size_t i = 0; i < b->n; i++) {
		const struct nc_meta *dm = &b->docs[i]->meta;
		for (size_t c = 0; c < dm->ncategories; c++)
			for (size_t k = 0; k < dm->categories[c].len; k++) {
				const char *s = dm->categories[c].items[k];
				bool dup = false;
				for (size_t j = 0; j < subjects.len && !dup; j++)
					dup = !strcmp(subjects.items[j], s);
				if (!dup && subjects.len < 200)
					x->oom |= nc_strlist_push(&subjects, s) != NC_OK;
			}
		for (size_t k = 0; k < dm->tags.len; k++) {
			bool dup = false;
			for (size_t j = 0; j < subjects.len && !dup; j++)
				dup = !strcmp(subjects.items[j], dm->tags.items[k]);
			if (!dup && subjects.len < 200)
				x->oom |= nc_strlist_push(&subjects, dm->tags.items[k]) != NC_OK;
		}
	}
	for (size_t j = 0; j < subjects.len; j++)
		dc(x, "subject", subjects.items[j]);
	nc_strlist_free(&subjects);
	if (b->n == 1) {
		dc(x, "source", m->source_url);
		dc(x, "description", m->description);
	}
	nc_buf_printf(x, "<meta property=\"dcterms:modified\">%s</meta>\n", modified);
	a11y_meta(b, x);
	const struct image *cover = NULL;
	for (size_t i = 0; i < b->nimages; i++)
		if (b->images[i].cover)
			cover = &b->images[i];
	if (cover)
		nc_buf_printf(x, "<meta name=\"cover\" content=\"%s\"/>\n", cover->id);
	nc_buf_puts(x, "</metadata>\n<manifest>\n"
		       "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n"
		       "<item id=\"ncx\" href=\"toc.ncx\" media-type=\"application/x-dtbncx+xml\"/>\n"
		       "<item id=\"css\" href=\"style.css\" media-type=\"text/css\"/>\n");
	if (has_title_page(b))
		nc_buf_puts(x, "<item id=\"titlepage\" href=\"title.xhtml\" media-type=\"application/xhtml+xml\"/>\n");
	for (size_t i = 0; i < b->n; i++)
		nc_buf_printf(x, "<item id=\"chapter-%zu\" href=\"chapter-%04zu.xhtml\" media-type=\"application/xhtml+xml\"/>\n",
			      i + 1, i + 1);
	for (size_t i = 0; i < b->nimages; i++) {
		nc_buf_printf(x, "<item id=\"%s\" href=\"%s\" media-type=\"%s\"%s/>\n", b->images[i].id,
			      b->images[i].name, b->images[i].media_type,
			      b->images[i].cover ? " properties=\"cover-image\"" : "");
	}
	nc_buf_puts(x, "</manifest>\n<spine toc=\"ncx\">\n");
	if (has_title_page(b))
		nc_buf_puts(x, "<itemref idref=\"titlepage\"/>\n");
	for (size_t i = 0; i < b->n; i++)
		nc_buf_printf(x, "<itemref idref=\"chapter-%zu\"/>\n", i + 1);
	nc_buf_puts(x, "</spine>\n</package>\n");
}

static const char stylesheet[] =
	"/* newsconv: readable defaults for Latin and CJK text. */\n"
	"body { margin: 0 1em; line-height: 1.6; font-family: serif; }\n"
	":lang(zh), :lang(ja), :lang(ko) { line-height: 1.8; text-align: justify; }\n"
	"h1 { font-size: 1.5em; line-height: 1.3; margin: 0.5em 0; }\n"
	"h2, h3, h4, h5, h6 { line-height: 1.3; margin: 1em 0 0.5em; }\n"
	"p { margin: 0.6em 0; text-indent: 0; }\n"
	"p.byline, p.author { color: #555; font-size: 0.9em; }\n"
	"img { max-width: 100%; height: auto; }\n"
	"figure { margin: 1em 0; text-align: center; }\n"
	"figcaption, p.caption { font-size: 0.9em; color: #444; }\n"
	"blockquote { margin: 1em 0; padding-left: 1em; border-left: 3px solid #ccc; }\n"
	"pre { white-space: pre-wrap; font-size: 0.85em; }\n"
	"code { font-family: monospace; }\n"
	"table { border-collapse: collapse; margin: 1em 0; }\n"
	"td, th { border: 1px solid #999; padding: 0.2em 0.4em; vertical-align: top; }\n"
	".image-placeholder, .embed { font-style: italic; }\n"
	"section.titlepage { text-align: center; margin-top: 20%; }\n";

/* ---- the archive ------------------------------------------------------- */

static int add_entry(zip_t *za, const char *name, const void *data, size_t len,
		     bool store, int64_t mtime)
{
	return nc_zip_add(za, name, zip_source_buffer(za, data, len, 0), store, 9, mtime);
}

/* A staged chapter or image: a range of the spool file. */
static int add_spooled(zip_t *za, int spool, const char *name, uint64_t off,
		       size_t len, bool store, int64_t mtime)
{
	return nc_zip_add(za, name, nc_zip_source_fd(za, spool, off, (int64_t)len), store, 9, mtime);
}

/* Write the package documents, then let libzip read chapters and images
 * from the spool while it writes the book to a temporary file. */
static int build_zip(struct book *b, int spool, int zfd, struct nc_err *err)
{
	const char *where = b->o->output_path ? b->o->output_path : "-";
	/* Every buffer lives until zip_close() has read it. */
	struct nc_buf opf = {0}, nav = {0}, ncx = {0}, title = {0};
	zip_t *za = nc_zip_create(zfd);
	if (!za)
		return nc_err_set(err, NC_ERR_IO, where, "cannot create the zip archive");
	int64_t mtime = b->modified;
	static const char container[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
		"<rootfiles>\n<rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>\n"
		"</rootfiles>\n</container>\n";
	opf_doc(b, &opf);
	nav_doc(b, &nav);
	ncx_doc(b, &ncx);
	if (has_title_page(b))
		title_page(b, &title);
	bool ok = !opf.oom && !nav.oom && !ncx.oom && !title.oom &&
		  add_entry(za, "mimetype", "application/epub+zip", 20, true, mtime) == 0 &&
		  add_entry(za, "META-INF/container.xml", container, sizeof container - 1, false, mtime) == 0 &&
		  add_entry(za, "OEBPS/content.opf", opf.data, opf.len, false, mtime) == 0 &&
		  add_entry(za, "OEBPS/nav.xhtml", nav.data, nav.len, false, mtime) == 0 &&
		  add_entry(za, "OEBPS/toc.ncx", ncx.data, ncx.len, false, mtime) == 0 &&
		  add_entry(za, "OEBPS/style.css", stylesheet, sizeof stylesheet - 1, false, mtime) == 0;
	if (ok && has_title_page(b))
		ok = add_entry(za, "OEBPS/title.xhtml", title.data, title.len, false, mtime) == 0;
	for (size_t i = 0; ok && i < b->n; i++) {
		char name[64];
		snprintf(name, sizeof name, "OEBPS/chapter-%04zu.xhtml", i + 1);
		ok = add_spooled(za, spool, name, b->staged[i].off, b->staged[i].len, false, mtime) == 0;
	}
	for (size_t i = 0; ok && i < b->nimages; i++) {
		char name[96];
		snprintf(name, sizeof name, "OEBPS/%s", b->images[i].name);
		/* Images are compressed already. */
		ok = add_spooled(za, spool, name, b->images[i].off, b->images[i].len, true, mtime) == 0;
	}
	int rc = NC_OK;
	if (!ok) {
		/* The message is read before zip_discard() frees it. */
		rc = nc_err_set(err, NC_ERR_INTERNAL, where, "cannot build the EPUB: %s", zip_strerror(za));
		zip_discard(za);
	} else if (zip_close(za) < 0) {
		rc = nc_err_set(err, NC_ERR_IO, where, "cannot finish the EPUB: %s", zip_strerror(za));
		zip_discard(za);
	}
	nc_buf_free(&opf);
	nc_buf_free(&nav);
	nc_buf_free(&ncx);
	nc_buf_free(&title);
	return rc;
}

#define MAX_COVER_BYTES (50u * 1024u * 1024u)

static int load_cover_file(struct book *b, struct nc_err *err)
{
	const char *path = b->o->cover_file;
	FILE *f = fopen(path, "rb");
	if (!f)
		return nc_err_set(err, NC_ERR_IO, path, "cannot open the cover image: %s", strerror(errno));
	struct nc_buf data = {0};
	int rc = nc_buf_read_file(&data, f, MAX_COVER_BYTES);
	if (rc == NC_ERR_LIMIT)
		rc = nc_err_set(err, NC_ERR_LIMIT, path, "cover image larger than the %u MB limit",
				MAX_COVER_BYTES / (1024u * 1024u));
	else if (rc == NC_ERR_NOMEM)
		rc = nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	else if (rc)
		rc = nc_err_set(err, NC_ERR_IO, path, "cannot read the cover image");
	fclose(f);
	const struct nc_image_type *t = !rc && data.data ? nc_sniff_image((unsigned char *)data.data, data.len) : NULL;
	if (!rc && (!t || !t->epub_core))
		rc = nc_err_set(err, NC_ERR_PARSE, path, "not a JPEG, PNG, GIF, WebP or SVG image");
	if (!rc && !(b->cover_file = nc_blob_new((unsigned char *)data.data, data.len)))
		rc = nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
	nc_buf_free(&data);
	return rc;
}

/* ---- streaming: prepare (any thread), add, finish ----------------------- */

/* What prepare() leaves in the document for add(). */
struct chapter_part {
	struct nc_buf xhtml;
	struct image *images;   /* the images the chapter embeds (blobs lent by the doc) */
	size_t nimages;
	size_t cover;           /* index into images, or SIZE_MAX */
	bool cover_only;        /* the cover is not shown in the chapter */
	size_t not_embedded;
	bool any_fetched;
	struct a11y_facts facts;
};

static void chapter_part_free(void *p)
{
	struct chapter_part *c = p;
	nc_buf_free(&c->xhtml);
	free(c->images);
	free(c);
}

static int epub_prepare(const struct nc_writer *w, struct nc_doc *d, struct nc_err *err)
{
	/* A private copy of the book: chapter() records the images it
	 * embeds there, so threads never share what they change. */
	struct book local = *(const struct book *)w->state;
	local.images = NULL;
	local.nimages = local.capimages = 0;
	memset(&local.image_index, 0, sizeof local.image_index);
	local.not_embedded = 0;
	local.any_fetched = false;
	local.rc = NC_OK;
	struct chapter_part *c = calloc(1, sizeof *c);
	if (!c)
		return nc_err_set(err, NC_ERR_NOMEM, d->source_name, "out of memory");
	chapter(&local, &c->xhtml, d);
	c->cover = SIZE_MAX;
	for (size_t r = 0; r < d->nresources; r++)
		if (d->resources[r]->is_cover) {
			size_t before = local.nimages;
			const struct image *im = embed_resource(&local, d->resources[r]);
			if (im) {
				c->cover = (size_t)(im - local.images);
				c->cover_only = local.nimages > before;
			}
			break;
		}
	c->images = local.images;
	c->nimages = local.nimages;
	a11y_doc_facts(d, &c->facts);
	for (size_t i = 0; i < c->nimages && !c->facts.animated; i++)
		c->facts.animated = animated(c->images[i].blob);
	c->not_embedded = local.not_embedded;
	c->any_fetched = local.any_fetched;
	nc_map_free(&local.image_index);
	if (local.rc || c->xhtml.oom) {
		chapter_part_free(c);
		return nc_err_set(err, NC_ERR_NOMEM, d->source_name, "out of memory");
	}
	d->prepared = c;
	d->prepared_free = chapter_part_free;
	return NC_OK;
}

static int spool_put(struct book *b, const void *data, size_t len, uint64_t *off)
{
	long pos = ftell(b->spool);
	if (pos < 0 || (len && fwrite(data, 1, len, b->spool) != len))
		return NC_ERR_IO;
	*off = (uint64_t)pos;
	return NC_OK;
}

/* An image's bytes into the spool; `s` describes where. */
static int spool_image(struct book *b, const struct image *im, struct image *s)
{
	*s = *im;
	s->blob = NULL;
	s->cover = false;
	s->len = im->blob->size;
	return spool_put(b, im->blob->data, im->blob->size, &s->off) ? NC_ERR_IO : NC_OK;
}

/* A spooled image into the book's manifest, once per book. */
static int register_image(struct book *b, const struct image *s, size_t *index)
{
	size_t known = (size_t)(uintptr_t)nc_map_get(&b->image_index, s->sha1, 20);
	if (known) {
		*index = known - 1;
		return NC_OK;
	}
	if (b->nimages == b->capimages) {
		size_t cap = b->capimages ? b->capimages * 2 : 16;
		struct image *v = realloc(b->images, cap * sizeof *v);
		if (!v)
			return NC_ERR_NOMEM;
		b->images = v;
		b->capimages = cap;
	}
	if (nc_map_put(&b->image_index, s->sha1, 20, (void *)(uintptr_t)(b->nimages + 1)))
		return NC_ERR_NOMEM;
	b->images[b->nimages] = *s;
	*index = b->nimages++;
	return NC_OK;
}

/* The image, stored once per book however many chapters use it. */
static int stage_image(struct book *b, const struct image *im, size_t *index)
{
	size_t known = (size_t)(uintptr_t)nc_map_get(&b->image_index, im->sha1, 20);
	if (known) {
		*index = known - 1;
		return NC_OK;
	}
	struct image s;
	int rc = spool_image(b, im, &s);
	return rc ? rc : register_image(b, &s, index);
}

/* The metadata a table of contents and the package need, copied. */
static struct nc_doc *summary_of(const struct nc_doc *d)
{
	struct nc_doc *s = nc_doc_new();
	if (!s)
		return NULL;
	const struct nc_meta *m = &d->meta;
	struct nc_meta *t = &s->meta;
	bool ok = !nc_set_str(&t->title, m->title) && !nc_set_str(&t->date, m->date) &&
		  !nc_set_str(&t->date_raw, m->date_raw) && !nc_set_str(&t->language, m->language) &&
		  !nc_set_str(&t->source_url, m->source_url) && !nc_set_str(&t->description, m->description) &&
		  !nc_set_str(&t->section, m->section) &&
		  !nc_set_str(&s->source_name, d->source_name);
	t->date_epoch = m->date_epoch;
	for (size_t i = 0; ok && i < m->authors.len; i++)
		ok = !nc_strlist_push(&t->authors, m->authors.items[i]);
	for (size_t i = 0; ok && i < m->tags.len; i++)
		ok = !nc_strlist_push(&t->tags, m->tags.items[i]);
	if (ok && m->ncategories) {
		t->categories = calloc(m->ncategories, sizeof *t->categories);
		ok = t->categories != NULL;
		if (ok)
			t->ncategories = m->ncategories;
		for (size_t c = 0; ok && c < m->ncategories; c++)
			for (size_t k = 0; ok && k < m->categories[c].len; k++)
				ok = !nc_strlist_push(&t->categories[c], m->categories[c].items[k]);
	}
	if (!ok) {
		nc_doc_free(s);
		return NULL;
	}
	return s;
}

static int epub_add(struct nc_writer *w, struct nc_doc *d, struct nc_err *err)
{
	struct book *b = w->state;
	struct chapter_part *c = d->prepared;
	const char *where = b->o->output_path ? b->o->output_path : "-";
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct nc_doc **v = realloc(b->docs, cap * sizeof *v);
		if (v)
			b->docs = v;
		struct staged *st = v ? realloc(b->staged, cap * sizeof *st) : NULL;
		if (!st)
			return nc_err_set(err, NC_ERR_NOMEM, where, "out of memory");
		b->staged = st;
		b->cap = cap;
	}
	struct staged *st = &b->staged[b->n];
	st->cover = SIZE_MAX;
	if (!(b->docs[b->n] = summary_of(d)))
		return nc_err_set(err, NC_ERR_NOMEM, where, "out of memory");
	b->n++;
	nc_sha1_update(&b->content, d->input, d->input_len);
	st->len = c->xhtml.len;
	if (spool_put(b, c->xhtml.data, c->xhtml.len, &st->off))
		return nc_err_set(err, NC_ERR_IO, where, "cannot stage a chapter: %s", strerror(errno));
	st->has_cover_img = false;
	for (size_t i = 0; i < c->nimages; i++) {
		size_t index = SIZE_MAX;
		bool aside = i == c->cover && c->cover_only;
		int rc = aside ? spool_image(b, &c->images[i], &st->cover_img)
			       : stage_image(b, &c->images[i], &index);
		st->has_cover_img |= aside && !rc;
		if (rc)
			return nc_err_set(err, rc, where, "cannot stage an image: %s",
					  rc == NC_ERR_NOMEM ? "out of memory" : strerror(errno));
		if (i == c->cover)
			st->cover = index;
	}
	b->not_embedded += c->not_embedded;
	b->any_fetched |= c->any_fetched;
	b->facts.shown += c->facts.shown;
	b->facts.no_alt += c->facts.no_alt;
	b->facts.embeds += c->facts.embeds;
	b->facts.animated |= c->facts.animated;
	return NC_OK;
}

static int epub_begin(struct nc_writer *w, struct nc_err *err)
{
	const struct nc_write_opts *o = &w->opts;
	const char *where = o->output_path ? o->output_path : "-";
	struct book *b = calloc(1, sizeof *b);
	if (!b)
		return nc_err_set(err, NC_ERR_NOMEM, where, "out of memory");
	w->state = b;
	b->o = &w->opts;
	b->w = w;
	b->cover_file_image = SIZE_MAX;
	if (nc_sha1_begin(&b->content))
		return nc_err_set(err, NC_ERR_NOMEM, where, "out of memory");
	b->content_open = true;
	if (!(b->spool = nc_scratch_fopen(o->output_path, err)))
		return err->code;
	if (o->cover_file) {
		int rc = load_cover_file(b, err);
		if (rc)
			return rc;
		struct image im = {0};
		const struct nc_image_type *t = nc_sniff_image(b->cover_file->data, b->cover_file->size);
		char hex[41];
		nc_hex(b->cover_file->sha1, 20, hex);
		im.blob = b->cover_file;
		memcpy(im.sha1, b->cover_file->sha1, 20);
		snprintf(im.name, sizeof im.name, "images/%s%s", hex, t->ext);
		snprintf(im.id, sizeof im.id, "img-%s", hex);
		snprintf(im.media_type, sizeof im.media_type, "%s", t->media_type);
		b->facts.animated |= animated(b->cover_file);
		if (stage_image(b, &im, &b->cover_file_image))
			return nc_err_set(err, NC_ERR_IO, where, "cannot stage the cover image");
		nc_blob_unref(b->cover_file);
		b->cover_file = NULL;
	}
	return NC_OK;
}

static int epub_finish(struct nc_writer *w, struct nc_err *err)
{
	struct book *b = w->state;
	const char *where = b->o->output_path ? b->o->output_path : "-";
	int rc = order(b);
	if (!rc)
		rc = book_meta(b);
	if (rc)
		return nc_err_set(err, rc, where, "out of memory");
	/* The cover: --cover, else the first article's (in reading order). */
	size_t cover = b->cover_file_image;
	for (size_t i = 0; i < b->n && cover == SIZE_MAX; i++) {
		cover = b->staged[i].cover;
		if (cover == SIZE_MAX && b->staged[i].has_cover_img &&
		    register_image(b, &b->staged[i].cover_img, &cover))
			return nc_err_set(err, NC_ERR_NOMEM, where, "out of memory");
	}
	if (cover != SIZE_MAX)
		b->images[cover].cover = true;
	if (fflush(b->spool) != 0)
		return nc_err_set(err, NC_ERR_IO, where, "cannot stage the book: %s", strerror(errno));
	int zfd = nc_scratch_open(b->o->output_path, err);
	if (zfd < 0)
		return err->code;
	rc = build_zip(b, fileno(b->spool), zfd, err);
	/* The spool is done with: its descriptor is not held while the
	 * book waits for its window to be committed. */
	nc_scratch_fclose(b->spool);
	b->spool = NULL;
	if (!rc)
		rc = nc_writer_put_fd(w, zfd, err);
	nc_scratch_close(zfd);
	if (!rc && b->not_embedded)
		nc_writer_note(w, "%zu image%s not embedded (%s)", b->not_embedded,
			       b->not_embedded == 1 ? "" : "s",
			       b->any_fetched ? "could not be fetched; see the warnings above"
					      : "use --fetch-images to embed them");
	return rc;
}

static void epub_free(struct nc_writer *w)
{
	struct book *b = w->state;
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		nc_doc_free(b->docs[i]);
	free(b->docs);
	free(b->staged);
	free(b->groups);
	free(b->images);
	nc_map_free(&b->image_index);
	free(b->title);
	free(b->author);
	free(b->lang);
	if (b->content_open) {
		unsigned char h[20];
		nc_sha1_end(&b->content, h);
	}
	nc_scratch_fclose(b->spool);
	nc_blob_unref(b->cover_file);
	free(b);
	w->state = NULL;
}

const struct nc_format nc_format_epub = {
	.name = "epub",
	.extension = ".epub",
	.many_in_one = true,
	.prepare = epub_prepare,
	.begin = epub_begin,
	.add = epub_add,
	.finish = epub_finish,
	.free = epub_free,
};
