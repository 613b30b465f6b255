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
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <zip.h>

#include "newsconv.h"
#include "sniff.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/lang.h"
#include "util/text.h"
#include "util/date.h"
#include "render_html.h"

#define FALLBACK_MODIFIED 946684800 /* 2000-01-01T00:00:00Z */

struct image {
	const struct nc_blob *blob;
	char name[64];   /* images/<hex><ext> */
	char id[48];     /* img-<hex> */
	bool cover;
};

struct book {
	struct nc_doc **docs;   /* in reading order */
	size_t n;
	const struct nc_write_opts *o;
	struct nc_output *out;
	struct image *images;
	size_t nimages, capimages;
	size_t not_embedded;
	bool any_fetched;
	const struct nc_blob *cover;
	struct nc_blob *cover_file;   /* --cover, owned */
	char *title, *author, *lang;
	char uuid[37];
	int64_t modified;
	char **groups;          /* first category of each doc, NULL if none */
	bool grouped;
	int rc;
};

/* ---- ordering ---------------------------------------------------------- */

struct order_item {
	struct nc_doc *doc;
	size_t input;
	int group;
};

static enum nc_sort g_sort;

static int cmp_docs(const void *pa, const void *pb)
{
	const struct order_item *a = pa, *b = pb;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (g_sort != NC_SORT_INPUT) {
		bool ha = a->doc->meta.date != NULL, hb = b->doc->meta.date != NULL;
		if (ha != hb)
			return ha ? -1 : 1; /* undated articles last */
		if (ha && a->doc->meta.date_epoch != b->doc->meta.date_epoch) {
			bool less = a->doc->meta.date_epoch < b->doc->meta.date_epoch;
			if (g_sort == NC_SORT_NEWEST)
				less = !less;
			return less ? -1 : 1;
		}
	}
	return a->input < b->input ? -1 : a->input > b->input;
}

static const char *first_category(const struct nc_doc *d)
{
	if (d->meta.ncategories && d->meta.categories[0].len)
		return d->meta.categories[0].items[0];
	return NULL;
}

/* Sort, and group by first category when the articles span several:
 * groups appear in the order their first article would. */
static int order(struct book *b, struct nc_doc *const *docs, size_t n)
{
	struct order_item *v = calloc(n, sizeof *v);
	b->docs = calloc(n, sizeof *b->docs);
	b->groups = calloc(n, sizeof *b->groups);
	if (!v || !b->docs || !b->groups) {
		free(v);
		return NC_ERR_NOMEM;
	}
	g_sort = b->o->sort;
	for (size_t i = 0; i < n; i++) {
		v[i].doc = docs[i];
		v[i].input = i;
	}
	qsort(v, n, sizeof *v, cmp_docs);
	size_t distinct = 0;
	for (size_t i = 0; i < n; i++) {
		const char *c = first_category(v[i].doc);
		bool seen = false;
		for (size_t j = 0; j < i && c; j++) {
			const char *d = first_category(v[j].doc);
			if (d && !strcmp(c, d))
				seen = true;
		}
		if (c && !seen)
			distinct++;
	}
	b->grouped = n > 1 && distinct > 1;
	if (b->grouped) {
		/* Group number = rank of the category's first appearance. */
		int next = 0;
		for (size_t i = 0; i < n; i++) {
			const char *c = first_category(v[i].doc);
			int g = -1;
			for (size_t j = 0; j < i; j++) {
				const char *d = first_category(v[j].doc);
				if ((c && d && !strcmp(c, d)) || (!c && !d)) {
					g = v[j].group;
					break;
				}
			}
			v[i].group = g >= 0 ? g : next++;
		}
		qsort(v, n, sizeof *v, cmp_docs);
	}
	for (size_t i = 0; i < n; i++) {
		b->docs[i] = v[i].doc;
		b->groups[i] = (char *)first_category(v[i].doc);
	}
	b->n = n;
	free(v);
	return NC_OK;
}

/* ---- images ------------------------------------------------------------ */

static const struct image *embed_blob(struct book *b, const struct nc_blob *blob)
{
	if (!blob || !blob->ext[0])
		return NULL;
	const struct nc_image_type *t = nc_sniff_image(blob->data, blob->size);
	if (!t || !t->epub_core)
		return NULL;
	for (size_t i = 0; i < b->nimages; i++)
		if (!memcmp(b->images[i].blob->sha1, blob->sha1, 20))
			return &b->images[i];
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
	im->blob = blob;
	im->cover = false;
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
	xhtml_open(x, doc_lang(b, d), m->title);
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
				nc_buf_puts(x, ">Source</a>");
			} else {
				nc_buf_truncate(x, mark);
			}
		}
		nc_buf_puts(x, "</p>\n");
	}
	nc_buf_puts(x, "</header>\n");
	struct nc_html_images im = { chapter_image, b };
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

static int book_meta(struct book *b)
{
	const struct nc_write_opts *o = b->o;
	struct nc_doc *first = b->docs[0];
	struct nc_buf t = {0};
	if (o->title) {
		nc_buf_puts(&t, o->title);
	} else if (b->n == 1) {
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
		nc_buf_puts(&t, c && same ? c : "Articles");
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
	} else {
		/* Up to three distinct authors, else "Various". */
		size_t count = 0;
		for (size_t i = 0; i < b->n; i++) {
			const struct nc_strlist *l = &b->docs[i]->meta.authors;
			for (size_t k = 0; k < l->len; k++) {
				bool dup = a.data && strstr(a.data, l->items[k]);
				if (dup)
					continue;
				if (count == 3) {
					nc_buf_truncate(&a, 0);
					nc_buf_puts(&a, "Various");
					goto done;
				}
				if (count)
					nc_buf_puts(&a, ", ");
				nc_buf_puts(&a, l->items[k]);
				count++;
			}
		}
	}
done:
	b->author = a.len ? nc_buf_detach(&a, NULL) : NULL;
	nc_buf_free(&a);
	b->lang = strdup(doc_lang(b, first));

	/* Identifier: the source URL of a single article, else the content. */
	if (b->n == 1 && first->meta.source_url) {
		nc_uuid5(nc_uuid_ns_url, first->meta.source_url, strlen(first->meta.source_url), b->uuid);
	} else {
		struct nc_sha1_ctx c;
		unsigned char h[20];
		nc_sha1_begin(&c);
		for (size_t i = 0; i < b->n; i++)
			nc_sha1_update(&c, b->docs[i]->input, b->docs[i]->input_len);
		nc_sha1_end(&c, h);
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
	return b->title && b->lang ? NC_OK : NC_ERR_NOMEM;
}

/* ---- package files ----------------------------------------------------- */

static void title_page(struct book *b, struct nc_buf *x)
{
	xhtml_open(x, b->lang, b->title);
	nc_buf_puts(x, "<body>\n<section epub:type=\"titlepage\" class=\"titlepage\">\n<h1>");
	nc_buf_puts_xml(x, b->title, false);
	nc_buf_puts(x, "</h1>\n");
	if (b->author) {
		nc_buf_puts(x, "<p class=\"author\">");
		nc_buf_puts_xml(x, b->author, false);
		nc_buf_puts(x, "</p>\n");
	}
	int64_t lo = 0, hi = 0;
	bool any;
	date_range(b, &lo, &hi, &any);
	nc_buf_printf(x, "<p>%zu articles", b->n);
	if (any) {
		char a[21], z[21];
		nc_date_iso(lo, a);
		nc_date_iso(hi, z);
		nc_buf_printf(x, ", %.10s \xe2\x80\x93 %.10s", a, z);
	}
	nc_buf_puts(x, "</p>\n<h2>Sources</h2>\n<ul>\n");
	/* Distinct sources: the feed (author) names, in order. */
	for (size_t i = 0; i < b->n; i++) {
		const struct nc_strlist *l = &b->docs[i]->meta.authors;
		const char *s = l->len ? l->items[0] : NULL;
		if (!s)
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++) {
			const struct nc_strlist *k = &b->docs[j]->meta.authors;
			seen = k->len && !strcmp(k->items[0], s);
		}
		if (seen)
			continue;
		nc_buf_puts(x, "<li>");
		nc_buf_puts_xml(x, s, false);
		nc_buf_puts(x, "</li>\n");
	}
	nc_buf_puts(x, "</ul>\n</section>\n</body>\n</html>\n");
}

static void nav_doc(struct book *b, struct nc_buf *x)
{
	xhtml_open(x, b->lang, b->title);
	nc_buf_puts(x, "<body>\n<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\" aria-labelledby=\"toc-title\">\n<h1 id=\"toc-title\">Contents</h1>\n<ol>\n");
	for (size_t i = 0; i < b->n; i++) {
		bool open_group = b->grouped && (i == 0 || (b->groups[i] ? !b->groups[i - 1] || strcmp(b->groups[i], b->groups[i - 1])
								   : b->groups[i - 1] != NULL));
		if (open_group) {
			if (i)
				nc_buf_puts(x, "</ol></li>\n");
			nc_buf_puts(x, "<li><span>");
			nc_buf_puts_xml(x, b->groups[i] ? b->groups[i] : "Other", false);
			nc_buf_puts(x, "</span>\n<ol>\n");
		}
		nc_buf_printf(x, "<li><a href=\"chapter-%04zu.xhtml\">", i + 1);
		nc_buf_puts_xml(x, b->docs[i]->meta.title, false);
		nc_buf_puts(x, "</a></li>\n");
	}
	if (b->grouped)
		nc_buf_puts(x, "</ol></li>\n");
	nc_buf_puts(x, "</ol>\n</nav>\n<nav epub:type=\"landmarks\" role=\"navigation\" aria-label=\"Landmarks\" hidden=\"hidden\">\n<ol>\n"
		       "<li><a epub:type=\"bodymatter\" href=\"chapter-0001.xhtml\">Start</a></li>\n"
		       "</ol>\n</nav>\n</body>\n</html>\n");
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
	for (size_t i = 0; i < b->n; i++) {
		bool open_group = b->grouped && (i == 0 || (b->groups[i] ? !b->groups[i - 1] || strcmp(b->groups[i], b->groups[i - 1])
								   : b->groups[i - 1] != NULL));
		if (open_group) {
			if (i)
				nc_buf_puts(x, "</navPoint>\n");
			group++;
			nc_buf_printf(x, "<navPoint id=\"group-%d\" playOrder=\"%zu\"><navLabel><text>", group, play + i + 1);
			nc_buf_puts_xml(x, b->groups[i] ? b->groups[i] : "Other", false);
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

/* What the accessibility metadata may claim, from the model: the images
 * shown in chapters (the same test as embed_resource(), without adding
 * anything) and how many of them have no text alternative. */
struct a11y_facts {
	size_t shown, no_alt, embeds;
	bool animated;
};

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

static void a11y_facts(const struct book *b, struct a11y_facts *f)
{
	struct nc_buf alt = {0};
	f->shown = f->no_alt = f->embeds = 0;
	f->animated = false;
	for (size_t i = 0; i < b->nimages && !f->animated; i++)
		f->animated = animated(b->images[i].blob);
	for (size_t i = 0; i < b->n; i++) {
		struct nc_iter it;
		enum nc_event ev;
		nc_iter_init(&it, b->docs[i]->root);
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
	}
	nc_buf_free(&alt);
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
	dc(x, "title", b->title);
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
					nc_strlist_push(&subjects, s);
			}
		for (size_t k = 0; k < dm->tags.len; k++) {
			bool dup = false;
			for (size_t j = 0; j < subjects.len && !dup; j++)
				dup = !strcmp(subjects.items[j], dm->tags.items[k]);
			if (!dup && subjects.len < 200)
				nc_strlist_push(&subjects, dm->tags.items[k]);
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
	if (b->n > 1)
		nc_buf_puts(x, "<item id=\"titlepage\" href=\"title.xhtml\" media-type=\"application/xhtml+xml\"/>\n");
	for (size_t i = 0; i < b->n; i++)
		nc_buf_printf(x, "<item id=\"chapter-%zu\" href=\"chapter-%04zu.xhtml\" media-type=\"application/xhtml+xml\"/>\n",
			      i + 1, i + 1);
	for (size_t i = 0; i < b->nimages; i++) {
		const struct nc_image_type *t = nc_sniff_image(b->images[i].blob->data, b->images[i].blob->size);
		nc_buf_printf(x, "<item id=\"%s\" href=\"%s\" media-type=\"%s\"%s/>\n", b->images[i].id,
			      b->images[i].name, t ? t->media_type : "application/octet-stream",
			      b->images[i].cover ? " properties=\"cover-image\"" : "");
	}
	nc_buf_puts(x, "</manifest>\n<spine toc=\"ncx\">\n");
	if (b->n > 1)
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
		     bool store, time_t mtime)
{
	zip_source_t *s = zip_source_buffer(za, data, len, 0);
	if (!s)
		return -1;
	zip_int64_t idx = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
	if (idx < 0) {
		zip_source_free(s);
		return -1;
	}
	if (zip_set_file_compression(za, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 9) < 0 ||
	    zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0) < 0)
		return -1;
	return 0;
}

static int build_zip(struct book *b, struct nc_err *err)
{
	const char *where = b->o->output_path ? b->o->output_path : "-";
	/* Every buffer lives until zip_close() has read it. */
	struct nc_buf opf_b = {0}, nav_b = {0}, ncx_b = {0}, title_b = {0};
	struct nc_buf *opf = &opf_b, *nav = &nav_b, *ncx = &ncx_b, *title = &title_b;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *za = mem ? zip_open_from_source(mem, ZIP_TRUNCATE, &ze) : NULL;
	int rc = NC_OK;
	/* DOS time cannot go before 1980. */
	time_t mtime = b->modified < 315532800 ? 315532800 : (time_t)b->modified;
	if (!za) {
		if (mem)
			zip_source_free(mem);
		zip_error_fini(&ze);
		return nc_err_set(err, NC_ERR_INTERNAL, where, "cannot create the zip archive");
	}
	zip_source_keep(mem);

	static const char container[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n"
		"<rootfiles>\n<rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/>\n"
		"</rootfiles>\n</container>\n";
	bool ok = add_entry(za, "mimetype", "application/epub+zip", 20, true, mtime) == 0 &&
		  add_entry(za, "META-INF/container.xml", container, sizeof container - 1, false, mtime) == 0;

	/* Chapters first: rendering decides which images are embedded. */
	struct nc_buf *chapters = calloc(b->n ? b->n : 1, sizeof *chapters);
	if (!chapters)
		ok = false;
	for (size_t i = 0; ok && i < b->n; i++)
		chapter(b, &chapters[i], b->docs[i]);
	if (b->rc)
		ok = false;
	if (ok) {
		opf_doc(b, opf);
		nav_doc(b, nav);
		ncx_doc(b, ncx);
		if (b->n > 1)
			title_page(b, title);
		ok = !opf->oom && !nav->oom && !ncx->oom && !title->oom;
	}
	ok = ok && add_entry(za, "OEBPS/content.opf", opf->data, opf->len, false, mtime) == 0 &&
	     add_entry(za, "OEBPS/nav.xhtml", nav->data, nav->len, false, mtime) == 0 &&
	     add_entry(za, "OEBPS/toc.ncx", ncx->data, ncx->len, false, mtime) == 0 &&
	     add_entry(za, "OEBPS/style.css", stylesheet, sizeof stylesheet - 1, false, mtime) == 0;
	if (ok && b->n > 1)
		ok = add_entry(za, "OEBPS/title.xhtml", title->data, title->len, false, mtime) == 0;
	for (size_t i = 0; ok && i < b->n; i++) {
		char name[64];
		snprintf(name, sizeof name, "OEBPS/chapter-%04zu.xhtml", i + 1);
		ok = !chapters[i].oom && add_entry(za, name, chapters[i].data, chapters[i].len, false, mtime) == 0;
	}
	for (size_t i = 0; ok && i < b->nimages; i++) {
		char name[96];
		snprintf(name, sizeof name, "OEBPS/%s", b->images[i].name);
		/* Images are compressed already. */
		ok = add_entry(za, name, b->images[i].blob->data, b->images[i].blob->size, true, mtime) == 0;
	}
	if (!ok) {
		zip_discard(za);
		rc = nc_err_set(err, b->rc ? b->rc : NC_ERR_INTERNAL, where, "cannot build the EPUB: %s",
				b->rc ? "out of memory" : zip_strerror(za));
	} else if (zip_close(za) < 0) {
		rc = nc_err_set(err, NC_ERR_INTERNAL, where, "cannot finish the EPUB: %s", zip_strerror(za));
		zip_discard(za);
	} else {
		zip_stat_t st;
		if (zip_source_open(mem) < 0 || zip_source_stat(mem, &st) < 0) {
			rc = nc_err_set(err, NC_ERR_INTERNAL, where, "cannot read the finished EPUB back");
		} else {
			unsigned char chunk[65536];
			zip_int64_t got;
			while ((got = zip_source_read(mem, chunk, sizeof chunk)) > 0)
				if (nc_output_append(b->out, chunk, (size_t)got)) {
					rc = nc_err_set(err, NC_ERR_NOMEM, where, "out of memory");
					break;
				}
			zip_source_close(mem);
		}
	}
	zip_source_free(mem);
	zip_error_fini(&ze);
	for (size_t i = 0; i < b->n && chapters; i++)
		nc_buf_free(&chapters[i]);
	free(chapters);
	nc_buf_free(opf);
	nc_buf_free(nav);
	nc_buf_free(ncx);
	nc_buf_free(title);
	return rc;
}

static int load_cover_file(struct book *b, struct nc_err *err)
{
	const char *path = b->o->cover_file;
	FILE *f = fopen(path, "rb");
	if (!f)
		return nc_err_set(err, NC_ERR_IO, path, "cannot open the cover image");
	struct nc_buf data = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && data.len < 50u * 1024 * 1024)
		nc_buf_put(&data, chunk, n);
	fclose(f);
	const struct nc_image_type *t = data.data ? nc_sniff_image((unsigned char *)data.data, data.len) : NULL;
	if (!t || !t->epub_core) {
		nc_buf_free(&data);
		return nc_err_set(err, NC_ERR_PARSE, path, "not a JPEG, PNG, GIF, WebP or SVG image");
	}
	b->cover_file = nc_blob_new((unsigned char *)data.data, data.len);
	nc_buf_free(&data);
	return b->cover_file ? NC_OK : nc_err_set(err, NC_ERR_NOMEM, path, "out of memory");
}

static int write_epub(struct nc_doc *const *docs, size_t n, const struct nc_write_opts *o,
		      struct nc_output *out, struct nc_err *err)
{
	struct book b = { .o = o, .out = out };
	const char *where = o->output_path ? o->output_path : "-";
	int rc = NC_OK;
	if (n == 0)
		return nc_err_set(err, NC_ERR_USAGE, where, "no articles to put in a book");
	if ((rc = order(&b, docs, n)) != NC_OK) {
		nc_err_set(err, rc, where, "out of memory");
		goto done;
	}
	if (o->cover_file && (rc = load_cover_file(&b, err)) != NC_OK)
		goto done;
	if ((rc = book_meta(&b)) != NC_OK) {
		nc_err_set(err, rc, where, "out of memory");
		goto done;
	}
	/* The cover: --cover, else the first article's embedded cover. */
	const struct image *cover = NULL;
	if (b.cover_file) {
		cover = embed_blob(&b, b.cover_file);
	} else {
		for (size_t i = 0; i < b.n && !cover; i++)
			for (size_t r = 0; r < b.docs[i]->nresources && !cover; r++)
				if (b.docs[i]->resources[r]->is_cover)
					cover = embed_resource(&b, b.docs[i]->resources[r]);
	}
	if (cover)
		((struct image *)cover)->cover = true;
	rc = build_zip(&b, err);
	if (!rc && b.not_embedded)
		nc_output_note(out, "%zu image%s not embedded (%s)", b.not_embedded,
			       b.not_embedded == 1 ? "" : "s",
			       b.any_fetched ? "could not be fetched; see the warnings above"
					     : "use --fetch-images to embed them");
done:
	free(b.docs);
	free(b.groups);
	free(b.images);
	free(b.title);
	free(b.author);
	free(b.lang);
	nc_blob_unref(b.cover_file);
	return rc;
}

const struct nc_format nc_format_epub = {
	.name = "epub",
	.extension = ".epub",
	.many_in_one = true,
	.write = write_epub,
};
