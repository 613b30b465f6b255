/*
 * pagemeta.c - a web page's metadata: title, authors, published and
 * modified dates, language, site name, description, section, keywords,
 * cover and canonical URL, from what the page says about itself.
 *
 * Sources, best first (README "Page metadata" states them for users):
 * JSON-LD (schema.org Article types, inside @graph and arrays too),
 * Dublin Core, OpenGraph and article:*, plain <meta name>, citation_*,
 * Twitter cards, parsely-* and sailthru.*, microdata (itemprop), then
 * the text: rel=author links, a byline element, "By X" at the start,
 * <time datetime> in the <article>; the <title> last, its " | Site"
 * suffix cut when it names the site or an <h1> is the rest.  Every
 * source offers values with a rank; the best rank wins per field and
 * equal ranks add up for lists (authors, keywords).  Only fields the
 * input left unset are filled.
 *
 * Names only: an author that is a URL, an e-mail address or a handle is
 * skipped.  Bounded: at most MAX_SCRIPTS JSON-LD scripts, MAX_OBJECTS
 * objects of each, MAX_LIST values per list; text of an element read up
 * to MAX_TEXT bytes.  No recursion on the input's depth.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pagemeta.h"
#include "pagemeta_date.h"
#include "read.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/json_read.h"
#include "util/lang.h"
#include "util/text.h"

enum { MAX_SCRIPTS = 32, MAX_OBJECTS = 256, MAX_LIST = 32, MAX_TEXT = 400, MAX_TEXT_NODES = 2000,
       MAX_H1 = 8, MAX_START_BLOCKS = 40, BYLINE_MAX = 100 };

enum field { F_TITLE, F_AUTHOR, F_DATE, F_UPDATED, F_LANG, F_SITE, F_DESC,
	     F_SECTION, F_TAGS, F_IMAGE, F_URL, NFIELDS };

/* Ranks: lower wins.  <meta> keys rank twice their table entry
 * (metakeys: 40 for Dublin Core ... 112 for sailthru), a <meta property>
 * one better than the same key as <meta name>. */
enum { R_HTML_LANG = 5, R_CANONICAL = 5, R_LD = 10, R_LD_PAGE = 16,
       R_MICRODATA = 120, R_REL_AUTHOR = 140, R_BYLINE = 150, R_BY_START = 156,
       R_TIME = 160, R_TITLE_EL = 180, R_NONE = INT_MAX };

struct slot {
	int rank;
	struct nc_strlist vals;
};

struct pm {
	struct nc_doc *doc;
	struct slot f[NFIELDS];
	char *title_el;                 /* <title> as written */
	char *h1[MAX_H1];
	size_t nh1;
	bool byline_done;
	char *byline;                   /* the first byline element's text */
	bool page;                      /* a whole web page (else <head> only) */
	int rc;
};

static bool is_list(enum field f)
{
	return f == F_AUTHOR || f == F_TAGS;
}

/* ---- small DOM helpers ---------------------------------------------- */

static const char *attr(const xmlNode *n, const char *name)
{
	for (xmlAttr *a = n->properties; a; a = a->next)
		if (strcasecmp((const char *)a->name, name) == 0)
			return a->children && a->children->type == XML_TEXT_NODE
			       ? (const char *)a->children->content : "";
	return NULL;
}

static bool named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcasecmp((const char *)n->name, name) == 0;
}

/* The next node in document order under root, children first unless
 * skip_children; NULL past the end. */
static xmlNode *next_node(xmlNode *n, xmlNode *root, bool skip_children)
{
	if (!skip_children && n->type == XML_ELEMENT_NODE && n->children)
		return n->children;
	while (n && n != root && !n->next)
		n = n->parent;
	return n && n != root ? n->next : NULL;
}

static bool breaks_words(const xmlNode *n)
{
	static const char *const blocks[] = { "br", "p", "div", "li", "td", "th", "tr", "dd",
		"dt", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
		"footer", "ul", "ol", "table", "figure", "figcaption", "blockquote", NULL };
	for (size_t i = 0; blocks[i]; i++)
		if (named(n, blocks[i]))
			return true;
	return false;
}

/* The text under n as a reader sees it (textContent, blocks parted),
 * whitespace squashed; *cut set, and the text then incomplete, past
 * MAX_TEXT bytes or MAX_TEXT_NODES nodes, so that each call costs at
 * most that whatever the page.  Scripts and styles skipped.  NULL on
 * OOM. */
static bool not_name(const xmlNode *n);

static char *text_walk(xmlNode *n, bool *cut, bool byline)
{
	struct nc_buf b = {0};
	size_t seen = 0;
	*cut = false;
	nc_buf_reserve(&b, 0);
	for (xmlNode *c = n->children; c && c != n; seen++) {
		if (b.len > MAX_TEXT || seen > MAX_TEXT_NODES) {
			*cut = true;
			break;
		}
		bool skip = named(c, "script") || named(c, "style") || named(c, "template") ||
			    (byline && not_name(c));
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			size_t len = strnlen((const char *)c->content, MAX_TEXT + 1);
			nc_buf_put(&b, c->content, len);
		} else if (!skip && breaks_words(c)) {
			nc_buf_putc(&b, ' ');
		}
		c = next_node(c, n, skip);
	}
	char *raw = nc_buf_detach(&b, NULL);
	nc_buf_free(&b);
	if (!raw)
		return NULL;
	char *s = nc_str_squash(raw);
	free(raw);
	return s;
}

static char *text_of(xmlNode *n, bool *cut)
{
	return text_walk(n, cut, false);
}

/* Lower-case ASCII; other bytes (UTF-8) as they are. */
static bool same_text(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* ---- offering values ------------------------------------------------- */

/* A login rather than a name: one word of ASCII letters ending in two
 * digits or more ("CC7567", "jdoe42"; not "9to5Mac" or "3M"). */
static bool is_handle(const char *s)
{
	size_t n = strlen(s), digits = 0;
	while (digits < n && isdigit((unsigned char)s[n - 1 - digits]))
		digits++;
	if (digits < 2 || digits == n || strchr(s, ' '))
		return false;
	for (size_t i = 0; i < n - digits; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return false;
	return true;
}

static bool looks_like_name(const char *s)
{
	return !strchr(s, '@') && !strstr(s, "://") && strncasecmp(s, "www.", 4) != 0 &&
	       strncmp(s, "/", 1) != 0 && !is_handle(s);
}

/* "Jane Doe (https://jane.example/)" and "Jane Doe <jane@example.org>":
 * the contact after the name is cut (in place) from the name. */
static void cut_contact(char *s)
{
	size_t n = strlen(s);
	if (n < 2 || (s[n - 1] != ')' && s[n - 1] != '>'))
		return;
	char *open = strrchr(s, s[n - 1] == ')' ? '(' : '<');
	if (!open || open == s)
		return;
	if (!strchr(open, '@') && !strstr(open, "://") && strncasecmp(open + 1, "www.", 4) != 0)
		return;
	while (open > s && open[-1] == ' ')
		open--;
	*open = '\0';
}

/* A leading "By", "Par", "Von" ... and ":" are not part of the name. */
static const char *strip_by(const char *s)
{
	static const char *const by[] = { "written by", "posted by", "by", "par", "von",
					  "por", "door", "di", "av", "af" };
	for (size_t i = 0; i < sizeof by / sizeof by[0]; i++) {
		size_t n = strlen(by[i]);
		if (strncasecmp(s, by[i], n) == 0 && (s[n] == ' ' || s[n] == ':' || !s[n])) {
			s += n;
			while (*s == ' ' || *s == ':')
				s++;
			return s;
		}
	}
	return s;
}

static void offer(struct pm *p, enum field f, int rank, const char *val)
{
	struct slot *sl = &p->f[f];
	if (!val || rank > sl->rank || p->rc)
		return;
	char *v = nc_str_squash(val);
	if (!v) {
		p->rc = NC_ERR_NOMEM;
		return;
	}
	if (f == F_AUTHOR)
		cut_contact(v);
	const char *s = f == F_AUTHOR ? strip_by(v) : v;
	if (!*s || (f == F_AUTHOR && !looks_like_name(s)) || strlen(s) > 4096) {
		free(v);
		return;
	}
	if (rank < sl->rank) {
		nc_strlist_free(&sl->vals);
		sl->rank = rank;
	} else if (!is_list(f) || sl->vals.len >= MAX_LIST) {
		free(v);
		return;
	}
	bool dup = false;
	for (size_t i = 0; i < sl->vals.len && !dup; i++)
		dup = same_text(sl->vals.items[i], s);
	if (!dup && nc_strlist_push(&sl->vals, s) != NC_OK)
		p->rc = NC_ERR_NOMEM;
	free(v);
}

/* A squashed copy of val when field f would still take it at rank (NULL
 * when not, or out of memory, which is recorded). */
static char *wanted(struct pm *p, enum field f, int rank, const char *val)
{
	if (!val || rank > p->f[f].rank || p->rc)
		return NULL;
	char *v = nc_str_squash(val);
	if (!v)
		p->rc = NC_ERR_NOMEM;
	return v;
}

/* Keywords written as one string: "a, b, c" (or "a; b"). */
static void offer_split(struct pm *p, enum field f, int rank, const char *val)
{
	char *copy = wanted(p, f, rank, val);
	if (!copy)
		return;
	char *save = NULL;
	for (char *t = strtok_r(copy, ",;", &save); t; t = strtok_r(NULL, ",;", &save))
		if (!nc_str_blank(t))
			offer(p, f, rank, t);
	free(copy);
}

/* Only dates nc_date_parse() reads: a "date" that is not one must not
 * hide one that is. */
static void offer_date(struct pm *p, enum field f, int rank, const char *val)
{
	int64_t t;
	char *v = wanted(p, f, rank, val);
	if (!v)
		return;
	if (nc_date_parse(v, &t) == 0)
		offer(p, f, rank, v);
	free(v);
}

/* ---- <meta> ----------------------------------------------------------- */

enum how { H_ONE, H_SPLIT, H_DATE };

/* Keys as normalised by meta_key(): lower case, ':' read as '.', and
 * dcterm./dcterms. as dc. */
static const struct metakey {
	const char *key;
	enum field field;
	int rank;
	enum how how;
} metakeys[] = {
	{"dc.title", F_TITLE, 20, H_ONE}, {"og.title", F_TITLE, 30, H_ONE},
	{"title", F_TITLE, 40, H_ONE}, {"citation_title", F_TITLE, 44, H_ONE},
	{"twitter.title", F_TITLE, 50, H_ONE}, {"parsely-title", F_TITLE, 54, H_ONE},
	{"sailthru.title", F_TITLE, 56, H_ONE},
	{"dc.creator", F_AUTHOR, 20, H_ONE}, {"article.author", F_AUTHOR, 32, H_ONE},
	{"og.article.author", F_AUTHOR, 32, H_ONE},
	{"author", F_AUTHOR, 40, H_ONE}, {"byl", F_AUTHOR, 42, H_ONE},
	{"citation_author", F_AUTHOR, 44, H_ONE}, {"parsely-author", F_AUTHOR, 54, H_ONE},
	{"sailthru.author", F_AUTHOR, 56, H_ONE},
	{"article.published_time", F_DATE, 30, H_DATE}, {"og.published_time", F_DATE, 32, H_DATE},
	{"dc.date", F_DATE, 34, H_DATE}, {"dc.issued", F_DATE, 34, H_DATE},
	{"dc.created", F_DATE, 35, H_DATE}, {"date", F_DATE, 40, H_DATE},
	{"pubdate", F_DATE, 40, H_DATE}, {"publish-date", F_DATE, 40, H_DATE},
	{"citation_publication_date", F_DATE, 44, H_DATE}, {"citation_date", F_DATE, 45, H_DATE},
	{"parsely-pub-date", F_DATE, 54, H_DATE}, {"sailthru.date", F_DATE, 56, H_DATE},
	{"article.modified_time", F_UPDATED, 30, H_DATE}, {"og.updated_time", F_UPDATED, 32, H_DATE},
	{"dc.modified", F_UPDATED, 34, H_DATE}, {"last-modified", F_UPDATED, 40, H_DATE},
	{"dc.language", F_LANG, 20, H_ONE}, {"og.locale", F_LANG, 30, H_ONE},
	{"language", F_LANG, 40, H_ONE}, {"content-language", F_LANG, 40, H_ONE},
	{"og.site_name", F_SITE, 30, H_ONE}, {"application-name", F_SITE, 40, H_ONE},
	{"dc.publisher", F_SITE, 42, H_ONE}, {"citation_journal_title", F_SITE, 44, H_ONE},
	{"dc.description", F_DESC, 20, H_ONE}, {"og.description", F_DESC, 30, H_ONE},
	{"description", F_DESC, 40, H_ONE}, {"citation_abstract", F_DESC, 44, H_ONE},
	{"twitter.description", F_DESC, 50, H_ONE}, {"sailthru.description", F_DESC, 56, H_ONE},
	{"article.section", F_SECTION, 30, H_ONE}, {"section", F_SECTION, 40, H_ONE},
	{"parsely-section", F_SECTION, 54, H_ONE},
	{"dc.subject", F_TAGS, 20, H_SPLIT}, {"article.tag", F_TAGS, 30, H_ONE},
	{"news_keywords", F_TAGS, 38, H_SPLIT}, {"keywords", F_TAGS, 40, H_SPLIT},
	{"citation_keywords", F_TAGS, 44, H_SPLIT}, {"parsely-tags", F_TAGS, 54, H_SPLIT},
	{"sailthru.tags", F_TAGS, 56, H_SPLIT},
	{"og.image", F_IMAGE, 30, H_ONE}, {"og.image.url", F_IMAGE, 31, H_ONE},
	{"og.image.secure_url", F_IMAGE, 31, H_ONE}, {"twitter.image", F_IMAGE, 50, H_ONE},
	{"twitter.image.src", F_IMAGE, 50, H_ONE}, {"parsely-image-url", F_IMAGE, 54, H_ONE},
	{"sailthru.image.full", F_IMAGE, 56, H_ONE},
	{"og.url", F_URL, 30, H_ONE}, {"parsely-link", F_URL, 54, H_ONE},
};

/* One key of a (space-separated) property or name list, normalised
 * into out (cut at 63 bytes). */
static void meta_key(const char *k, size_t n, char out[64])
{
	size_t o = 0;
	for (size_t i = 0; i < n && o < 63; i++)
		out[o++] = k[i] == ':' ? '.' : (char)tolower((unsigned char)k[i]);
	out[o] = '\0';
	if (strncmp(out, "dcterms.", 8) == 0)
		memmove(out + 3, out + 8, o - 7);
	else if (strncmp(out, "dcterm.", 7) == 0)
		memmove(out + 3, out + 7, o - 6);
}

/* The keys read from a body that is not a whole page (an HTML file's
 * or a feed item's <head>), as before page metadata existed. */
static const char *const head_keys[] = { "og.title", "author", "article.author", "description",
	"og.description", "og.image", "og.url", "article.published_time", "date",
	"article.tag", "keywords", NULL };

static void meta_value(struct pm *p, const char *key, size_t n, int bonus, const char *val)
{
	char k[64];
	meta_key(key, n, k);
	bool known = p->page;
	for (size_t i = 0; !known && head_keys[i]; i++)
		known = strcmp(k, head_keys[i]) == 0;
	if (!known)
		return;
	for (size_t i = 0; i < sizeof metakeys / sizeof metakeys[0]; i++) {
		const struct metakey *m = &metakeys[i];
		if (strcmp(k, m->key) != 0)
			continue;
		int rank = m->rank * 2 + bonus;
		if (m->how == H_SPLIT)
			offer_split(p, m->field, rank, val);
		else if (m->how == H_DATE)
			offer_date(p, m->field, rank, val);
		else
			offer(p, m->field, rank, val);
		return;
	}
}

/* <meta property="a b" name="c" http-equiv="d" content="v">. */
static void meta_el(struct pm *p, xmlNode *n)
{
	const char *val = attr(n, "content");
	if (!val || nc_str_blank(val))
		return;
	static const char *const attrs[] = { "property", "name", "http-equiv" };
	for (size_t a = 0; a < sizeof attrs / sizeof attrs[0]; a++) {
		const char *keys = attr(n, attrs[a]);
		if (!keys)
			continue;
		for (const char *k = keys; *k; ) {
			while (*k == ' ' || *k == '\t' || *k == '\n')
				k++;
			size_t len = strcspn(k, " \t\n");
			if (len)
				meta_value(p, k, len, a == 0 ? 0 : 1, val);
			k += len;
		}
	}
}

/* ---- JSON-LD ------------------------------------------------------------ */

/* schema.org types whose object describes the article itself. */
static const char *const article_types[] = {
	"Article", "NewsArticle", "BlogPosting", "Report", "ReportageNewsArticle",
	"AnalysisNewsArticle", "OpinionNewsArticle", "ReviewNewsArticle",
	"BackgroundNewsArticle", "AskPublicNewsArticle", "SatiricalArticle",
	"ScholarlyArticle", "MedicalScholarlyArticle", "TechArticle", "SocialMediaPosting",
	"LiveBlogPosting", "DiscussionForumPosting", "Posting", NULL };
/* Types of the page around it: a fallback for what the article lacks. */
static const char *const page_types[] = {
	"WebPage", "ItemPage", "AboutPage", "CollectionPage", "ProfilePage", "QAPage",
	"FAQPage", "MedicalWebPage", NULL };
static const char *const site_types[] = { "WebSite", NULL };

struct ld {
	struct nc_jdoc j;
	int objs[MAX_OBJECTS];
	int ids[MAX_OBJECTS];   /* each one's "@id" value, -1 */
	size_t n;
	bool article_done, page_done, site_done;
};

/* Whether the decoded type t ("NewsArticle", "schema:NewsArticle",
 * "https://schema.org/NewsArticle") is one of list. */
static bool type_in(const char *t, const char *const *list)
{
	const char *slash = strrchr(t, '/'), *colon = strrchr(t, ':');
	if (slash && (!colon || slash > colon))
		t = slash + 1;
	else if (colon)
		t = colon + 1;
	for (size_t i = 0; list[i]; i++)
		if (strcmp(t, list[i]) == 0)
			return true;
	return false;
}

static bool has_type(struct pm *p, const struct nc_jdoc *j, int obj, const char *const *list)
{
	int t = nc_jdoc_get(j, obj, "@type");
	int one = t >= 0 && j->v[t].type == NC_J_ARRAY ? j->v[t].first : t;
	for (int k = 0; one >= 0 && k < MAX_LIST; k++) {
		char *s = NULL;
		if (nc_jdoc_text(j, one, &s) != NC_OK)
			p->rc = NC_ERR_NOMEM;
		bool in = s && type_in(s, list);
		free(s);
		if (in)
			return true;
		if (t < 0 || j->v[t].type != NC_J_ARRAY)
			break;
		one = j->v[one].next;
	}
	return false;
}

/* The objects to look at: the top value, an array's elements, and the
 * elements of each one's @graph. */
static void ld_collect(struct ld *l)
{
	const struct nc_jdoc *j = &l->j;
	int tops[MAX_OBJECTS];
	size_t nt = 0;
	if (j->v[0].type == NC_J_ARRAY) {
		for (int c = j->v[0].first; c >= 0 && nt < MAX_OBJECTS; c = j->v[c].next)
			tops[nt++] = c;
	} else {
		tops[nt++] = 0;
	}
	for (size_t i = 0; i < nt && l->n < MAX_OBJECTS; i++) {
		if (j->v[tops[i]].type != NC_J_OBJECT)
			continue;
		l->objs[l->n++] = tops[i];
		int g = nc_jdoc_get(j, tops[i], "@graph");
		if (g >= 0 && j->v[g].type == NC_J_OBJECT && l->n < MAX_OBJECTS)
			l->objs[l->n++] = g;
		for (int c = g >= 0 && j->v[g].type == NC_J_ARRAY ? j->v[g].first : -1;
		     c >= 0 && l->n < MAX_OBJECTS; c = j->v[c].next)
			if (j->v[c].type == NC_J_OBJECT)
				l->objs[l->n++] = c;
	}
	/* Looked up once: references are resolved against this list, so a
	 * lookup costs MAX_OBJECTS comparisons, not a walk of every key. */
	for (size_t i = 0; i < l->n; i++)
		l->ids[i] = nc_jdoc_get(j, l->objs[i], "@id");
}

/* An object that only points elsewhere ({"@id": "#org"}) is the object
 * of the graph with that @id. */
static int ld_resolve(struct pm *p, struct ld *l, int obj)
{
	const struct nc_jdoc *j = &l->j;
	int id = nc_jdoc_get(j, obj, "@id");
	if (id < 0 || nc_jdoc_get(j, obj, "name") >= 0)
		return obj;
	char *want = NULL;
	if (nc_jdoc_text(j, id, &want) != NC_OK)
		p->rc = NC_ERR_NOMEM;
	int found = obj;
	for (size_t i = 0; want && i < l->n && found == obj; i++)
		if (l->objs[i] != obj && nc_jdoc_str_is(j, l->ids[i], want))
			found = l->objs[i];
	free(want);
	return found;
}

static void ld_offer(struct pm *p, const struct nc_jdoc *j, enum field f, int rank, int v,
		     bool split)
{
	char *s = NULL;
	if (v < 0 || j->v[v].type != NC_J_STRING)
		return;
	if (nc_jdoc_text(j, v, &s) != NC_OK) {
		p->rc = NC_ERR_NOMEM;
		return;
	}
	if (f == F_DATE || f == F_UPDATED)
		offer_date(p, f, rank, s);
	else if (split)
		offer_split(p, f, rank, s);
	else
		offer(p, f, rank, s);
	free(s);
}

/* A string, an object's `key` ("name" of a Person, "url" of an
 * ImageObject), or each element of an array of those (only the first
 * when !all).  Names only: a Person without "name" gives nothing. */
static void ld_things(struct pm *p, struct ld *l, enum field f, int rank, int v,
		      const char *key, bool all)
{
	const struct nc_jdoc *j = &l->j;
	if (v < 0)
		return;
	int one = j->v[v].type == NC_J_ARRAY ? j->v[v].first : v;
	for (int k = 0; one >= 0 && k < MAX_LIST; k++) {
		int o = j->v[one].type == NC_J_OBJECT ? ld_resolve(p, l, one) : one;
		int s = j->v[o].type == NC_J_OBJECT ? nc_jdoc_get(j, o, key) : o;
		if (s < 0 && f == F_IMAGE)
			s = nc_jdoc_get(j, o, "contentUrl");
		if (s >= 0 && j->v[s].type == NC_J_ARRAY)
			s = j->v[s].first; /* "url": ["a.jpg"] */
		ld_offer(p, j, f, rank, s, f == F_TAGS);
		if (!all || j->v[v].type != NC_J_ARRAY)
			break;
		one = j->v[one].next;
	}
}

/* The headline, or the name when only the name starts the page's
 * <title> (some sites put a summary in "headline", others their own
 * name in "name"). */
static int ld_title(struct pm *p, const struct nc_jdoc *j, int o)
{
	int h = nc_jdoc_get(j, o, "headline"), n = nc_jdoc_get(j, o, "name");
	if (h < 0 || j->v[h].type != NC_J_STRING)
		return n;
	if (n < 0 || j->v[n].type != NC_J_STRING || !p->title_el)
		return h;
	char *hs = NULL, *ns = NULL;
	if (nc_jdoc_text(j, h, &hs) != NC_OK || nc_jdoc_text(j, n, &ns) != NC_OK)
		p->rc = NC_ERR_NOMEM;
	const char *t = p->title_el;
	while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
		t++;
	int pick = hs && ns && *ns && strncmp(t, hs, strlen(hs)) != 0 &&
		   strncmp(t, ns, strlen(ns)) == 0 ? n : h;
	free(hs);
	free(ns);
	return pick;
}

static void ld_article(struct pm *p, struct ld *l, int o, int rank, bool with_title)
{
	const struct nc_jdoc *j = &l->j;
	if (with_title)
		ld_offer(p, j, F_TITLE, rank, ld_title(p, j, o), false);
	int a = nc_jdoc_get(j, o, "author");
	ld_things(p, l, F_AUTHOR, rank, a >= 0 ? a : nc_jdoc_get(j, o, "creator"), "name", true);
	ld_offer(p, j, F_DATE, rank, nc_jdoc_get(j, o, "datePublished"), false);
	ld_offer(p, j, F_DATE, rank + 1, nc_jdoc_get(j, o, "dateCreated"), false);
	ld_offer(p, j, F_UPDATED, rank, nc_jdoc_get(j, o, "dateModified"), false);
	ld_things(p, l, F_LANG, rank, nc_jdoc_get(j, o, "inLanguage"), "alternateName", false);
	ld_things(p, l, F_SITE, rank, nc_jdoc_get(j, o, "publisher"), "name", false);
	ld_offer(p, j, F_DESC, rank, nc_jdoc_get(j, o, "description"), false);
	ld_things(p, l, F_SECTION, rank, nc_jdoc_get(j, o, "articleSection"), "name", false);
	ld_things(p, l, F_TAGS, rank, nc_jdoc_get(j, o, "keywords"), "name", true);
	ld_things(p, l, F_IMAGE, rank, nc_jdoc_get(j, o, "image"), "url", false);
}

/* One <script type="application/ld+json">: the first article object of
 * the page wins, the first web page object fills what it lacks (not the
 * title: a page's name carries the site's suffix). */
static void ld_script(struct pm *p, struct ld *l, const char *text)
{
	if (nc_jdoc_parse(&l->j, text, strlen(text)) != NC_OK || l->j.n == 0) {
		nc_jdoc_free(&l->j);
		return; /* broken JSON-LD says nothing */
	}
	l->n = 0;
	ld_collect(l);
	for (size_t i = 0; i < l->n && !p->rc; i++) {
		int o = l->objs[i];
		if (!l->article_done && has_type(p, &l->j, o, article_types)) {
			l->article_done = true;
			ld_article(p, l, o, R_LD, true);
		} else if (!l->page_done && has_type(p, &l->j, o, page_types)) {
			l->page_done = true;
			ld_article(p, l, o, R_LD_PAGE, false);
		} else if (!l->site_done && has_type(p, &l->j, o, site_types)) {
			l->site_done = true;
			ld_offer(p, &l->j, F_SITE, R_LD_PAGE + 2, nc_jdoc_get(&l->j, o, "name"), false);
		}
	}
	nc_jdoc_free(&l->j);
}

/* ---- the body: microdata, bylines, <time>, <h1> ------------------------ */

struct walk {
	struct pm *p;
	struct ld *ld;
	xmlNode *head;     /* inside <head>: only scripts are read */
	xmlNode *quiet;    /* inside this comment/related/footer block */
	int in_article;
	size_t scripts, blocks;
	bool time_done;
};

/* Lower-cased class and id, space-separated, cut at 255 bytes. */
static void class_id(const xmlNode *n, char out[256])
{
	const char *c = attr(n, "class"), *i = attr(n, "id");
	snprintf(out, 256, "%s %s", c ? c : "", i ? i : "");
	for (char *s = out; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static bool has_word(const char *list, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (strstr(list, words[i]))
			return true;
	return false;
}

/* Blocks whose names and dates are not the article's: comments (their
 * authors), related and recommended lists, sidebars, footers, navigation.
 * A class or id token must start with the word ("comments",
 * "related-posts"): a page wrapper "has-sidebar" is not a sidebar. */
static bool quiet_block(const xmlNode *n)
{
	static const char *const words[] = { "comment", "related", "recommend", "sidebar",
					     "footer", "newsletter", NULL };
	if (named(n, "nav") || named(n, "footer") || named(n, "form"))
		return true;
	if (named(n, "body") || named(n, "main") || named(n, "article"))
		return false;
	char ci[256];
	class_id(n, ci);
	for (const char *t = ci; *t; ) {
		while (*t == ' ' || *t == '\t' || *t == '\n')
			t++;
		for (size_t i = 0; words[i]; i++)
			if (strncmp(t, words[i], strlen(words[i])) == 0)
				return true;
		t += strcspn(t, " \t\n");
	}
	return false;
}

/* Whether the space-separated list holds token (ASCII case-insensitive). */
static bool has_token(const char *list, const char *token)
{
	size_t n = strlen(token);
	for (const char *s = list; s && *s; ) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		size_t len = strcspn(s, " \t\n");
		if (len == n && strncasecmp(s, token, n) == 0)
			return true;
		s += len;
	}
	return false;
}

static void offer_text(struct pm *p, enum field f, int rank, xmlNode *n, size_t max)
{
	bool cut;
	char *t = text_of(n, &cut);
	if (!t) {
		p->rc = NC_ERR_NOMEM;
		return;
	}
	if (!cut && strlen(t) <= max)
		offer(p, f, rank, t);
	free(t);
}

/* The itemprop=name inside an itemprop=author element, or the element. */
static xmlNode *name_inside(xmlNode *n)
{
	size_t seen = 0;
	for (xmlNode *c = n->children; c && c != n && seen < 200; c = next_node(c, n, false), seen++)
		if (c->type == XML_ELEMENT_NODE && has_token(attr(c, "itemprop"), "name"))
			return c;
	return n;
}

static void microdata(struct walk *w, xmlNode *n, const char *props)
{
	struct pm *p = w->p;
	const char *content = attr(n, "content");
	const char *dt = content ? content : attr(n, "datetime");
	if (has_token(props, "author") || has_token(props, "creator")) {
		if (content)
			offer(p, F_AUTHOR, R_MICRODATA, content);
		else
			offer_text(p, F_AUTHOR, R_MICRODATA, name_inside(n), BYLINE_MAX);
	}
	if (has_token(props, "datePublished"))
		offer_date(p, F_DATE, R_MICRODATA, dt);
	if (has_token(props, "dateModified"))
		offer_date(p, F_UPDATED, R_MICRODATA, dt);
	if (has_token(props, "headline")) {
		if (content)
			offer(p, F_TITLE, R_MICRODATA, content);
		else
			offer_text(p, F_TITLE, R_MICRODATA, n, MAX_TEXT);
	}
}

/* Parts of a byline that are not the name: a job title or role ("Ben
 * Silverman <div class=author-title>Games Editor</div>"), the date
 * ("<span class=posted-time>&bull; <time>8h</time></span>") and the
 * comment count ("<a class=comments-link>13</a>"). */
static bool not_name(const xmlNode *n)
{
	static const char *const words[] = { "title", "role", "position", "job", "date", "time",
					     "comment", "count", NULL };
	char ci[256];
	if (n->type != XML_ELEMENT_NODE)
		return false;
	if (named(n, "time") || has_token(attr(n, "itemprop"), "jobTitle"))
		return true;
	class_id(n, ci);
	return has_word(ci, words);
}

/* The separators left around a name once its date is gone ("Jane Doe
 * &bull;", "Jane Doe |"), cut in place. */
static void trim_seps(char *s)
{
	static const char *const seps[] = { "\xE2\x80\xA2", "\xC2\xB7", "\xE2\x80\x94",
					    "\xE2\x80\x93", "|", "-", ",", ":", ";", NULL };
	for (bool more = true; more; ) {
		more = false;
		size_t n = strlen(s);
		while (n && s[n - 1] == ' ')
			s[--n] = '\0';
		for (size_t i = 0; seps[i] && !more; i++) {
			size_t k = strlen(seps[i]);
			if (n >= k && memcmp(s + n - k, seps[i], k) == 0) {
				s[n - k] = '\0';
				more = true;
			}
		}
	}
}

/* A byline's text as an author: without the date written after the
 * name ("Nathan Willis March 25, 2015"), which the byline keeps. */
static void offer_name(struct pm *p, int rank, const char *text)
{
	char *name = strndup(text, nc_byline_date_cut(text));
	if (!name) {
		p->rc = NC_ERR_NOMEM;
		return;
	}
	trim_seps(name);
	offer(p, F_AUTHOR, rank, name);
	free(name);
}

/* A byline element: class or id with byline, author, autor, auteur ...;
 * with `any` also rel=author and itemprop=author, which name the
 * byline a reader sees as well. */
static bool byline_el(const xmlNode *n, bool any)
{
	static const char *const words[] = { "byline", "author", "autor", "auteur",
					     "writtenby", "written-by", NULL };
	char ci[256];
	if (named(n, "img") || named(n, "meta") || named(n, "link"))
		return false;
	if (any && (has_token(attr(n, "rel"), "author") || has_token(attr(n, "itemprop"), "author")))
		return true;
	class_id(n, ci);
	return has_word(ci, words);
}

/* The first byline element of at most BYLINE_MAX characters: its text
 * (its itemprop=name's when it has one; without a job title, date or
 * comment count) is the byline a reader sees, and is offered as the
 * article's author when it is a class or id one. */
static void byline(struct walk *w, xmlNode *n)
{
	struct pm *p = w->p;
	/* done once the byline is read and no later one can be offered */
	if ((p->byline && (p->byline_done || p->f[F_AUTHOR].rank < R_BYLINE)) ||
	    !byline_el(n, true))
		return;
	bool cut;
	char *t = text_walk(name_inside(n), &cut, true);
	if (!t) {
		p->rc = NC_ERR_NOMEM;
		return;
	}
	trim_seps(t);
	const char *s = strip_by(t);
	if (!cut && *s && strlen(t) <= BYLINE_MAX && looks_like_name(s)) {
		if (!p->byline && !(p->byline = strdup(s)))
			p->rc = NC_ERR_NOMEM;
		if (!p->byline_done && byline_el(n, false)) {
			size_t before = p->f[F_AUTHOR].vals.len;
			int rank = p->f[F_AUTHOR].rank;
			offer_name(p, R_BYLINE, t);
			p->byline_done = p->f[F_AUTHOR].rank != rank ||
					 p->f[F_AUTHOR].vals.len != before;
		}
	}
	free(t);
}

/* "By Jane Doe" as a short block near the start of the text. */
static void by_at_start(struct walk *w, xmlNode *n)
{
	if (!(named(n, "p") || named(n, "div") || named(n, "span") || named(n, "address")))
		return;
	if (++w->blocks > MAX_START_BLOCKS || w->p->f[F_AUTHOR].rank <= R_BY_START)
		return;
	bool cut;
	char *t = text_of(n, &cut);
	if (!t) {
		w->p->rc = NC_ERR_NOMEM;
		return;
	}
	size_t words = 0;
	for (const char *s = t; *s; s++)
		words += *s == ' ';
	if (!cut && strlen(t) <= 60 && words <= 5 && (strncmp(t, "By ", 3) == 0 || strncmp(t, "BY ", 3) == 0) &&
	    isupper((unsigned char)t[3]))
		offer_name(w->p, R_BY_START, t);
	free(t);
}

static void script(struct walk *w, xmlNode *n)
{
	const char *type = attr(n, "type");
	if (!type || !strstr(type, "ld+json") || w->scripts >= MAX_SCRIPTS)
		return;
	w->scripts++;
	xmlChar *text = xmlNodeGetContent(n);
	if (!text) {
		w->p->rc = NC_ERR_NOMEM;
		return;
	}
	ld_script(w->p, w->ld, (const char *)text);
	xmlFree(text);
}

/* Entering an element; returns whether to go into its children. */
static bool enter(struct walk *w, xmlNode *n)
{
	struct pm *p = w->p;
	if (n->type != XML_ELEMENT_NODE)
		return false;
	if (named(n, "script")) {
		script(w, n);
		return false;
	}
	if (named(n, "style") || named(n, "noscript") || named(n, "template") || named(n, "svg"))
		return false;
	if (named(n, "meta")) {
		/* anywhere: parsers move a stray <meta> into the body */
		const char *props = attr(n, "itemprop");
		if (props && !w->head && !w->quiet)
			microdata(w, n, props);
		else if (!props)
			meta_el(p, n);
		return false;
	}
	if (named(n, "head"))
		w->head = n;
	if (w->head)
		return true;
	if (named(n, "article"))
		w->in_article++;
	if (!w->quiet && quiet_block(n))
		w->quiet = n;
	if (w->quiet)
		return true;
	const char *props = attr(n, "itemprop");
	if (props)
		microdata(w, n, props);
	if (named(n, "h1") && p->nh1 < MAX_H1) {
		bool cut;
		char *t = text_of(n, &cut);
		if (!t || !*t || cut)
			free(t);
		else
			p->h1[p->nh1++] = t;
		p->rc |= t ? 0 : NC_ERR_NOMEM;
	} else if (named(n, "time") && !w->time_done && (w->in_article || attr(n, "pubdate")) &&
		   attr(n, "datetime")) {
		w->time_done = true;
		offer_date(p, F_DATE, R_TIME, attr(n, "datetime"));
	} else if (named(n, "a") && has_token(attr(n, "rel"), "author")) {
		offer_text(p, F_AUTHOR, R_REL_AUTHOR, n, BYLINE_MAX);
	}
	byline(w, n);
	by_at_start(w, n);
	return true;
}

static void leave(struct walk *w, xmlNode *n)
{
	if (n == w->head)
		w->head = NULL;
	if (n == w->quiet)
		w->quiet = NULL;
	if (named(n, "article") && !w->head)
		w->in_article--;
}

static void walk_page(struct pm *p, xmlNode *root)
{
	struct ld *ld = calloc(1, sizeof *ld);
	if (!ld) {
		p->rc = NC_ERR_NOMEM;
		return;
	}
	struct walk w = { .p = p, .ld = ld };
	for (xmlNode *n = root->children; n && !p->rc; ) {
		if (enter(&w, n) && n->children) {
			n = n->children;
			continue;
		}
		for (;;) {
			leave(&w, n);
			if (n->next) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (!n || n == root) {
				n = NULL;
				break;
			}
		}
	}
	free(ld);
}

/* ---- <head> ------------------------------------------------------------- */

/* The <head>'s own children: <title>, the canonical link, and (outside
 * a page, whose walk reads every <meta>) <meta>.  A stray element before
 * <head> ("<html><div></div><head>") makes libxml2 open the body there
 * and put the head's elements in it, with no <head> at all: then a
 * page's body's own children are read the same way (only its children:
 * a <title> deeper down is an SVG's or a widget's). */
static void head(struct pm *p, xmlNode *html, bool page)
{
	xmlNode *h = NULL, *body = NULL;
	for (xmlNode *c = html->children; c; c = c->next) {
		if (named(c, "head") && c->children)
			h = c;
		else if (named(c, "body") && !body)
			body = c;
	}
	if (!h && page)
		h = body;
	for (xmlNode *c = h ? h->children : NULL; c && !p->rc; c = c->next) {
		if (named(c, "title") && !p->title_el) {
			xmlChar *t = xmlNodeGetContent(c);
			if (!t || !(p->title_el = strdup((const char *)t)))
				p->rc = NC_ERR_NOMEM;
			xmlFree(t);
		} else if (named(c, "link")) {
			const char *rel = attr(c, "rel"), *href = attr(c, "href");
			if (href && has_token(rel, "canonical"))
				offer(p, F_URL, R_CANONICAL, href);
		} else if (named(c, "meta") && !page) {
			meta_el(p, c);
		}
	}
}

/* ---- the title ---------------------------------------------------------- */

static const char *const title_seps[] = { " | ", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ",
	" \xC2\xB7 ", " \xE2\x80\xA2 ", " :: ", " \xC2\xBB ", " / ", " \\ ", " > ", " ~ ", NULL };

/* The separator at s, its length or 0. */
static size_t sep_at(const char *s)
{
	for (size_t i = 0; title_seps[i]; i++)
		if (strncmp(s, title_seps[i], strlen(title_seps[i])) == 0)
			return strlen(title_seps[i]);
	return 0;
}

/* Letters and digits, ASCII lower-cased, other bytes kept: "The
 * Guardian" and "theguardian.com" compare by what they spell. */
static void fold(const char *s, size_t n, struct nc_buf *b)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || isalnum(c))
			nc_buf_putc(b, tolower(c));
	}
}

static bool folds_equal(const char *a, size_t an, const char *b, size_t bn)
{
	struct nc_buf x = {0}, y = {0};
	fold(a, an, &x);
	fold(b, bn, &y);
	bool eq = x.len && y.len && x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
	nc_buf_free(&x);
	nc_buf_free(&y);
	return eq;
}

/* Whether part names the site: its name, the host of the page's URL
 * (with or without "www." and the last label), or the author (whose
 * name a personal site puts after each title). */
static bool names_site(const struct pm *p, const char *part, size_t n)
{
	const struct nc_strlist *site = &p->f[F_SITE].vals, *url = &p->f[F_URL].vals;
	const struct nc_strlist *who = &p->f[F_AUTHOR].vals;
	if (site->len && folds_equal(part, n, site->items[0], strlen(site->items[0])))
		return true;
	if (who->len && folds_equal(part, n, who->items[0], strlen(who->items[0])))
		return true;
	const char *h = url->len ? strstr(url->items[0], "://") : NULL;
	if (!h)
		return false;
	h += 3;
	size_t hn = strcspn(h, "/:?#");
	if (hn > 4 && strncasecmp(h, "www.", 4) == 0)
		h += 4, hn -= 4;
	const char *dot = memchr(h, '.', hn);
	const char *last = dot;
	while (last && memchr(last + 1, '.', hn - (size_t)(last + 1 - h)))
		last = memchr(last + 1, '.', hn - (size_t)(last + 1 - h));
	return folds_equal(part, n, h, hn) || (last && folds_equal(part, n, h, (size_t)(last - h)));
}

/* The page's <title> without the site around it: "Story | Site" and
 * "Site - Story" lose the part that names the site; otherwise an <h1>
 * that is the title up to a separator is the title ("Story - Site";
 * not an <h1> after one: that is the site's logo as often as not). */
static char *cut_title(const struct pm *p, const char *t)
{
	size_t len = strlen(t), first = 0, last = 0, fn = 0, ln = 0;
	for (size_t i = 0; i < len; i++) {
		size_t n = t[i] == ' ' ? sep_at(t + i) : 0;
		if (n && !first)
			first = i, fn = n;
		if (n)
			last = i, ln = n;
	}
	if (last && names_site(p, t + last + ln, len - last - ln))
		return strndup(t, last);
	if (first && names_site(p, t, first))
		return strdup(t + first + fn);
	for (size_t k = 0; k < p->nh1; k++) {
		const char *h = p->h1[k];
		size_t hn = strlen(h);
		if (hn < len && strncasecmp(t, h, hn) == 0 && sep_at(t + hn))
			return strdup(h);
	}
	return strdup(t);
}

/* ---- into the model ----------------------------------------------------- */

static const char *best(const struct pm *p, enum field f)
{
	return p->f[f].vals.len ? p->f[f].vals.items[0] : NULL;
}

static int set_title(struct pm *p, struct nc_meta *m, bool page)
{
	if (m->title)
		return NC_OK;
	const char *raw = best(p, F_TITLE);
	char *t = NULL;
	if (!raw && p->title_el && !nc_str_blank(p->title_el)) {
		raw = p->title_el;
		char *sq = nc_str_squash(raw);
		t = sq && page ? cut_title(p, sq) : sq;
		if (t != sq)
			free(sq);
	} else if (raw) {
		t = strdup(raw); /* offered values are squashed */
	}
	if (!raw)
		return NC_OK;
	int rc = !t ? NC_ERR_NOMEM : nc_set_str(&m->title, t);
	if (rc == NC_OK && !m->title_raw)
		rc = nc_set_str(&m->title_raw, raw);
	free(t);
	return rc;
}

static int set_date(const char *raw, char **norm, char **rawp, int64_t *epoch)
{
	int64_t t;
	if (!raw || *rawp)
		return NC_OK;
	if (nc_set_str(rawp, raw) != NC_OK)
		return NC_ERR_NOMEM;
	if (nc_date_parse(raw, &t) == 0) {
		char iso[21];
		nc_date_iso(t, iso);
		*epoch = t;
		return nc_set_str(norm, iso);
	}
	return NC_OK;
}

/* <html lang> as read before (warned about when it is not a tag); the
 * other sources' languages silently when they are ("en_US" is en-US). */
static int set_lang(struct pm *p, struct nc_meta *m, const char *html_lang)
{
	if (m->language)
		return NC_OK;
	char *tag = NULL;
	int rc;
	if (html_lang && *html_lang) {
		rc = nc_lang_normalize(html_lang, &tag);
		if (rc == NC_OK)
			m->language = tag;
		if (rc == NC_ERR_NOMEM)
			return rc;
		if (rc != NC_OK && nc_doc_warn(p->doc, "<html lang=\"%s\"> is not a language tag; ignored",
					       html_lang) != NC_OK)
			return NC_ERR_NOMEM;
		if (rc == NC_OK)
			return NC_OK;
	}
	const char *l = best(p, F_LANG);
	char *copy = l ? strdup(l) : NULL;
	if (l && !copy)
		return NC_ERR_NOMEM;
	for (char *s = copy; s && *s; s++)
		if (*s == '_')
			*s = '-';
	rc = copy ? nc_lang_normalize(copy, &tag) : NC_OK;
	free(copy);
	if (rc == NC_OK && tag)
		m->language = tag;
	return rc == NC_ERR_NOMEM ? rc : NC_OK;
}

static bool has_extra(const struct nc_meta *m, const char *key)
{
	for (size_t i = 0; i < m->nextra; i++)
		if (strcmp(m->extra[i].key, key) == 0)
			return true;
	return false;
}

/* Whether the byline element says more than the names it holds ("By
 * <a rel=author>Brenda Goodman, MA</a><br>WebMD Health News"): then the
 * page's own byline is kept beside them, when the names come from the
 * text (a name from JSON-LD or <meta> is the byline as the page states
 * it). */
static bool shows_more(const struct pm *p)
{
	const struct nc_strlist *who = &p->f[F_AUTHOR].vals;
	if (!p->byline || !who->len || p->f[F_AUTHOR].rank < R_MICRODATA)
		return false;
	if (who->len == 1 && same_text(p->byline, who->items[0]))
		return false;
	for (size_t i = 0; i < who->len; i++)
		if (!strstr(p->byline, who->items[i]))
			return false;
	return true;
}

static int apply(struct pm *p, bool page, const char *html_lang)
{
	struct nc_meta *m = &p->doc->meta;
	int bad = set_title(p, m, page);
	bool authors = !m->authors.len, tags = !m->tags.len;
	for (size_t i = 0; authors && i < p->f[F_AUTHOR].vals.len; i++)
		bad |= nc_strlist_push(&m->authors, p->f[F_AUTHOR].vals.items[i]);
	for (size_t i = 0; tags && i < p->f[F_TAGS].vals.len; i++)
		bad |= nc_strlist_push(&m->tags, p->f[F_TAGS].vals.items[i]);
	bad |= set_date(best(p, F_DATE), &m->date, &m->date_raw, &m->date_epoch);
	bad |= set_date(best(p, F_UPDATED), &m->updated, &m->updated_raw, &m->updated_epoch);
	bad |= set_lang(p, m, html_lang);
	if (!m->description && best(p, F_DESC))
		bad |= nc_set_str(&m->description, best(p, F_DESC));
	if (!m->cover && best(p, F_IMAGE))
		bad |= nc_set_str(&m->cover, best(p, F_IMAGE));
	if (!m->source_url && best(p, F_URL))
		bad |= nc_set_str(&m->source_url, best(p, F_URL));
	/* nc_meta has no field for these: extras, as front matter would
	 * give them ("site_name", "section"). */
	if (best(p, F_SITE) && !has_extra(m, "site_name"))
		bad |= nc_meta_add_extra(m, "site_name", best(p, F_SITE));
	if (shows_more(p) && !has_extra(m, "byline"))
		bad |= nc_meta_add_extra(m, "byline", p->byline);
	if (best(p, F_SECTION) && !has_extra(m, "section"))
		bad |= nc_meta_add_extra(m, "section", best(p, F_SECTION));
	return bad ? NC_ERR_NOMEM : NC_OK;
}

int nc_pagemeta(struct nc_doc *doc, xmlNode *html, bool page)
{
	struct pm *p = calloc(1, sizeof *p);
	if (!p)
		return NC_ERR_NOMEM;
	p->doc = doc;
	p->page = page;
	for (int f = 0; f < NFIELDS; f++)
		p->f[f].rank = R_NONE;
	const char *lang = attr(html, "lang");
	if (!lang)
		lang = attr(html, "xml:lang");
	head(p, html, page);
	if (page && !p->rc)
		walk_page(p, html);
	int rc = p->rc ? p->rc : apply(p, page, lang);
	for (int f = 0; f < NFIELDS; f++)
		nc_strlist_free(&p->f[f].vals);
	for (size_t i = 0; i < p->nh1; i++)
		free(p->h1[i]);
	free(p->title_el);
	free(p->byline);
	free(p);
	return rc;
}
