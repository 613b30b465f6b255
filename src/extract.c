/*
 * extract.c - the reader view: find a web page's article in the libxml2
 * tree read_html.c parsed, and drop the page around it.
 *
 * The rules (README "Reader view" states them for users):
 *  1. Boilerplate by name: nav, aside, header, footer, form, dialog;
 *     role navigation/banner/contentinfo/complementary/search/dialog/...;
 *     hidden elements (hidden, aria-hidden, display:none); and elements
 *     whose class or id says menu, share, comments, related, cookie,
 *     subscription, ads ... in several languages (see `junk_words`).  An
 *     element is spared when it holds the page's marked article
 *     (<article>, <main>, role=main, itemprop=articleBody) or most of the
 *     page's text: a wrapper named "has-sidebar" is not a sidebar (but a
 *     strong name beside a marked article of 200+ characters is); or
 *     is prose (500+ characters, under 30% links) named only by a weak
 *     word or a <header> tag, or holding most of the <article> around
 *     it; and a <header> holding a paragraph (60+ characters, under
 *     20% links) inside an <article> or beside a heading is the
 *     article's.  An id of five
 *     words is a slug, not a name.
 *  2. Paragraphs (p, pre, td, blockquote, li, divs of text, and lines of
 *     text between a container's blocks) of 25
 *     characters or more score 1 + commas + one per 100 characters (at
 *     most 3); the score goes to their parent, half to the grandparent,
 *     less further up.  A candidate starts from its tag and its class or
 *     id (article words +25, boilerplate words -25; itemprop=articleBody
 *     +50, <article> +15, <main> or role=main +10) and its score is
 *     scaled by 1 - link density (link text / text).
 *  3. The best candidate is the article; when others nearly as good sit
 *     in one ancestor, that ancestor is.  Siblings join it when they
 *     score well, are prose (long, few links, or ending in
 *     punctuation), or are boxes of 200+ characters under 10% links
 *     holding no <article> (the story split into rows).  Found inside
 *     a marked article (<article>, itemprop=articleBody) up to four
 *     levels up, below any <main>, it widens to it when that holds at
 *     most three times its text (the headline, standfirst and lead
 *     beside the body).
 *  4. Inside the article, blocks that are mostly links, lists of links,
 *     and short blocks without a sentence are dropped as leftovers of
 *     the page (share bars, tag lists, "read more"; boxes only, never a
 *     <span> of words inside a sentence); so are short blocks
 *     announcing the page's own matter (section_phrases: a heading takes
 *     its section along), labels (label_phrases: credits, copyright),
 *     notes anywhere in a short block (note_phrases: whose opinion,
 *     licence, login to comment),
 *     and headings whose section was all dropped; a photo credit
 *     ending a caption is cut from it (extract_credit.c), a caption
 *     before the first paragraph (the lead picture's) goes; the last
 *     short blocks that call to action (subscribe, donate, follow) go,
 *     and such calls ending in '!' anywhere.
 *     After the article's
 *     last paragraph (80+ characters, under 30% links, a sentence),
 *     short blocks (under 60 characters) that end no sentence go, but
 *     not tables, lists or code, nor link-free lines beside that
 *     paragraph (a signature); a short heading there goes unless a
 *     sentence follows it.  A list of eight items or more, half of them
 *     holding a heading, is a gallery or a list of other stories.
 *  5. When the article found has under 250 characters of text left, or
 *     under a fifth of the page's prose, the whole body is kept less
 *     rule 1's junk (by names too, unless they leave under a fifth of
 *     what its tags, roles and hidden elements leave): a wrong guess
 *     must not lose a page.
 *
 * Everything is linear in the number of elements: one pass to list them
 * in document order, and passes over that list; no recursion.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"
#include "extract_credit.h"
#include "util/buf.h"

enum { MIN_PARA = 25, MIN_ARTICLE = 250, MAX_LEVELS = 5, MARKED_TEXT = 200 };

struct el {
	xmlNode *node;
	int parent;           /* index in the list, -1 for the body */
	unsigned junk : 1;    /* boilerplate by rule 1 (own signal) */
	unsigned by_tag : 1;  /* ... by its tag, role or hidden, not its names */
	unsigned dropped : 1; /* junk, or inside junk */
	unsigned semantic : 1;/* article, main, role=main, articleBody */
	unsigned has_sem : 1; /* holds a semantic element */
	unsigned is_link : 1;
	unsigned blockish : 1;/* has block children (not a div of text) */
	unsigned inside : 1;  /* in the content chosen */
	unsigned in_leaf : 1; /* inside a leaf block (rule 4's tail) */
	unsigned in_article : 1; /* inside an <article> */
	unsigned has_prose : 1;  /* holds a <p> of 60+ characters, under 20% links */
	unsigned has_heading : 1; /* holds a heading (rule 4's galleries) */
	unsigned in_cap : 1;  /* inside a caption (rule 4's credits) */
	unsigned is_cap : 1;  /* a caption inside the content */
	unsigned holds_first : 1; /* holds the article's first paragraph (credits) */
	size_t raw_text;      /* all text, junk included */
	size_t raw_links;     /* link text of it */
	size_t sem_text;      /* raw_text of the nearest <article> or articleBody
			       * around or at it, 0 outside any */
	size_t text;          /* text outside junk */
	size_t link_text;
	size_t gone;          /* text of dropped leftovers below (rule 4) */
	size_t gone_links;
	size_t commas;
	size_t paras;         /* p-like children kept */
	size_t imgs;
	double own;           /* rule 2 for its own runs of text (<br> lines) */
	double score;
	double weight;        /* from class/id and tag */
	bool scored;
	const char *why;      /* the rule that dropped it (--to json), or NULL */
};

struct ex {
	struct nc_doc *doc;
	xmlNode *body;
	struct el *els;
	size_t n, cap;
	int rc;
};

/* ---- the words ------------------------------------------------------- */

/* A class or id word (split at anything not a letter or digit, lower
 * case) that starts with one of these names boilerplate, whatever else
 * the element is called ("comment-body" is a comment). */
static const char *const strong_prefixes[] = {
	"comment", "kommentar", "commentaire", "comentario", "commenti",
	"disqus", "share", "sharing", "shariff", "social", "related",
	"relacionad", "verwandt", "recommend", "empfehl", "popular",
	"mostread", "mostpopular", "trending", "cookie", "consent", "gdpr",
	"newsletter", "subscri", "abonn", "advert", "werbung", "anzeige",
	"sponsor", "outbrain", "taboola", "breadcrumb", "sidebar", "navbar",
	"footer", "partage", "compartir", "condividi", "publicit",
	"leaderboard", "skyscraper", "offcanvas", "seitenleiste", "fusszeile",
	"kopfzeile", "aside", "skiplink", "popup", "modal", "banner", "paywall", "author",
	"disclaimer", "disclosure", "affiliate", "copyright", NULL
};

/* Prefixes naming boilerplate unless an article word is there too. */
static const char *const weak_prefixes[] = {
	"nav", "menu", "promo", "pagination", "pager", "overlay", "widget",
	"toolbar", "masthead", "login", "signup", "signin", "tagcloud",
	"teaser", "byline", "dateline", "topbar", "rubrik", "cabecera",
	"piede", "print", "rating", "authorbox", "bio", "postmeta", "meta",
	"tags", "follow", NULL
};

/* Words that must equal the class/id word (too short to be prefixes). */
static const char *const weak_words[] = {
	"ad", "ads", "adv", "header", "head", "top", "foot", "sns", "tag",
	"extra", "links", "more", "date", "time", "pie",
	"infobox", "sitemap", "legal", "imprint", "impressum",
	"contact", "kontakt", "search", "suche", "recherche", "hidden", NULL
};

static const char *const good_prefixes[] = {
	"article", "artikel", "content", "inhalt", "contenu", "contenido",
	"conteudo", "entry", "post", "story", "text", "body", "main",
	"beitrag", "blog", "prose", "richtext", "testo", "corpo", "tresc", NULL
};

static bool word_in(const char *w, size_t n, const char *const *list, bool prefix)
{
	for (size_t i = 0; list[i]; i++) {
		size_t l = strlen(list[i]);
		if (prefix ? (n >= l && strncmp(w, list[i], l) == 0)
			   : (n == l && strncmp(w, list[i], l) == 0))
			return true;
	}
	return false;
}

/* Counts the article words (good) and boilerplate words (bad: +1 weak,
 * +100 strong) of a class or id.  An id of five words or more is a
 * heading's slug ("sharing-with-a-single-developer"), not a name. */
static void names_say(const char *s, bool is_id, int *good, int *bad)
{
	char w[48];
	while (s && *s) {
		size_t words = 0, tok = strcspn(s, " \t\r\n");
		for (size_t i = 0; i < tok; i++)
			words += isalnum((unsigned char)s[i]) &&
				 (i == 0 || !isalnum((unsigned char)s[i - 1]));
		const char *end = s + tok;
		if (is_id && words >= 5) {
			s = end;
			while (*s && isspace((unsigned char)*s))
				s++;
			continue;
		}
		while (s < end) {
			size_t n = 0;
			while (s < end && !isalnum((unsigned char)*s))
				s++;
			while (s < end && isalnum((unsigned char)*s)) {
				if (n < sizeof w - 1)
					w[n++] = (char)tolower((unsigned char)*s);
				s++;
			}
			w[n] = 0;
			if (!n)
				continue;
			if (word_in(w, n, strong_prefixes, true))
				*bad += 100;
			else if (word_in(w, n, weak_prefixes, true) || word_in(w, n, weak_words, false))
				(*bad)++;
			else if (word_in(w, n, good_prefixes, true))
				(*good)++;
		}
		while (*s && isspace((unsigned char)*s))
			s++;
	}
}

/* ---- the DOM ---------------------------------------------------------- */

static const char *attr(const xmlNode *n, const char *name)
{
	for (xmlAttr *a = n->properties; a; a = a->next)
		if (strcasecmp((const char *)a->name, name) == 0 && a->children &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

static bool is(const xmlNode *n, const char *name)
{
	return strcasecmp((const char *)n->name, name) == 0;
}

static bool ignored_tag(const xmlNode *n)
{
	static const char *const t[] = {"script", "style", "template", "noscript",
		"svg", "math", "head", "title", "meta", "link", "object", NULL};
	for (size_t i = 0; t[i]; i++)
		if (is(n, t[i]))
			return true;
	return false;
}

static bool heading(const xmlNode *n);
static bool block_tag(const xmlNode *n)
{
	static const char *const t[] = {"p", "div", "section", "article", "main",
		"ul", "ol", "dl", "table", "blockquote", "pre", "h1", "h2", "h3",
		"h4", "h5", "h6", "figure", "header", "footer", "nav", "aside",
		"form", "li", "tr", "td", "hr", NULL};
	for (size_t i = 0; t[i]; i++)
		if (is(n, t[i]))
			return true;
	return false;
}

/* p-like: what rule 2 scores. */
static bool para_tag(const xmlNode *n)
{
	return is(n, "p") || is(n, "pre") || is(n, "td") || is(n, "blockquote") ||
	       is(n, "dd") || is(n, "li");
}

static bool role_is(const xmlNode *n, const char *const *roles)
{
	const char *r = attr(n, "role");
	if (!r)
		return false;
	for (size_t i = 0; roles[i]; i++)
		if (strcasecmp(r, roles[i]) == 0)
			return true;
	return false;
}

static bool hidden(const xmlNode *n)
{
	if (attr(n, "hidden"))
		return true;
	const char *a = attr(n, "aria-hidden");
	if (a && strcasecmp(a, "true") == 0)
		return true;
	const char *st = attr(n, "style");
	if (st) {
		char buf[128];
		size_t j = 0;
		for (const char *p = st; *p && j < sizeof buf - 1; p++)
			if (!isspace((unsigned char)*p))
				buf[j++] = (char)tolower((unsigned char)*p);
		buf[j] = 0;
		if (strstr(buf, "display:none") || strstr(buf, "visibility:hidden"))
			return true;
	}
	return false;
}

static bool semantic(const xmlNode *n)
{
	static const char *const main_roles[] = {"main", "article", NULL};
	const char *ip = attr(n, "itemprop");
	return is(n, "article") || is(n, "main") || role_is(n, main_roles) ||
	       (ip && strcasecmp(ip, "articleBody") == 0);
}

/* What an element's class and id say together (names_say). */
static void names_of(const xmlNode *n, int *good, int *bad)
{
	names_say(attr(n, "class"), false, good, bad);
	names_say(attr(n, "id"), true, good, bad);
}

/* Its class or id holds a strong boilerplate word. */
static bool strong_names(const xmlNode *n)
{
	int good = 0, bad = 0;
	names_of(n, &good, &bad);
	return bad >= 100;
}

/* Inside a marked article (an ancestor is <article>, <main> ...). */
static bool in_marked(const struct ex *x, const struct el *e)
{
	while (e->parent > 0) {
		e = &x->els[e->parent];
		if (e->semantic)
			return true;
	}
	return false;
}

/* Rule 1's own signal; `why` says which. */
static bool junk_signal(const xmlNode *n, const char **why)
{
	static const char *const tags[] = {"nav", "aside", "footer", "header",
		"form", "dialog", "button", "select", NULL};
	static const char *const roles[] = {"navigation", "banner", "contentinfo",
		"complementary", "search", "dialog", "alertdialog", "menu",
		"menubar", "toolbar", "alert", NULL};
	for (size_t i = 0; tags[i]; i++)
		if (is(n, tags[i])) {
			*why = tags[i];
			return true;
		}
	if (role_is(n, roles)) {
		*why = "role";
		return true;
	}
	if (hidden(n)) {
		*why = "hidden";
		return true;
	}
	int good = 0, bad = 0;
	names_of(n, &good, &bad);
	if (bad >= 100 || (bad && !good)) {
		*why = "class/id";
		return true;
	}
	return false;
}

/* The listed element of a DOM node, or NULL. */
static struct el *el_of(const struct ex *x, const xmlNode *n)
{
	uintptr_t i = (uintptr_t)n->_private;
	return i ? &x->els[i - 1] : NULL;
}

/* ---- listing and measuring ------------------------------------------- */

static int push_el(struct ex *x, xmlNode *n, int parent)
{
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 256;
		struct el *e = realloc(x->els, cap * sizeof *e);
		if (!e)
			return NC_ERR_NOMEM;
		x->els = e;
		x->cap = cap;
	}
	struct el *e = &x->els[x->n];
	memset(e, 0, sizeof *e);
	e->node = n;
	e->parent = parent;
	x->n++;
	/* an index, not a pointer: the list grows */
	n->_private = (void *)(uintptr_t)x->n;
	return NC_OK;
}

/* Characters of text, white space not counted, UTF-8 sequences once. */
static size_t text_len(const char *s, size_t *commas)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= ' ' || (*p & 0xC0) == 0x80)
			continue;
		n++;
		if (*p == ',')
			(*commas)++;
		/* U+FF0C fullwidth comma and U+3001 ideographic comma */
		else if ((p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x8C) ||
			 (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x81))
			(*commas)++;
	}
	return n;
}

/* Rule 2's score of one paragraph. */
static double para_score(size_t text, size_t commas)
{
	return 1 + (double)commas + (text / 100 > 3 ? 3 : (double)(text / 100));
}

/* Lists the elements under the body in document order (each after its
 * parent), skipping what is never text (scripts, styles, SVG). */
static int list_elements(struct ex *x)
{
	if (push_el(x, x->body, -1))
		return NC_ERR_NOMEM;
	xmlNode *n = x->body->children;
	while (n && n != x->body) {
		bool down = false;
		if (n->type == XML_ELEMENT_NODE && !ignored_tag(n)) {
			if (push_el(x, n, (int)((uintptr_t)n->parent->_private - 1)))
				return NC_ERR_NOMEM;
			down = n->children != NULL;
		}
		if (down) {
			n = n->children;
			continue;
		}
		while (n != x->body && !n->next)
			n = n->parent;
		if (n == x->body)
			break;
		n = n->next;
	}
	return NC_OK;
}

/* Text of an element's own text children, then sums up the list in
 * reverse order so each element holds its subtree's figures.  `clean`
 * leaves out what is dropped. */
static void measure(struct ex *x, bool clean)
{
	for (size_t i = 0; i < x->n; i++) {
		struct el *e = &x->els[i];
		size_t t = 0, c = 0;
		double own = 0;
		for (xmlNode *k = e->node->children; k; k = k->next)
			if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
				size_t c1 = 0, t1 = text_len((const char *)k->content, &c1);
				t += t1;
				c += c1;
				if (t1 >= MIN_PARA)
					own += para_score(t1, c1);
			}
		e->own = own;
		e->is_link = is(e->node, "a");
		if (clean) {
			e->text = e->dropped ? 0 : t;
			e->commas = e->dropped ? 0 : c;
			e->link_text = e->is_link ? e->text : 0;
			e->paras = 0;
			e->imgs = !e->dropped && (is(e->node, "img") || is(e->node, "picture"));
		} else {
			e->raw_text = t;
			e->raw_links = e->is_link ? t : 0;
		}
	}
	for (size_t i = x->n; i-- > 1;) {
		struct el *e = &x->els[i], *p = &x->els[e->parent];
		if (!clean) {
			p->raw_text += e->raw_text;
			p->raw_links += p->is_link ? e->raw_text : e->raw_links;
			p->has_sem |= e->semantic | e->has_sem;
			p->has_heading |= e->has_heading || heading(e->node);
			p->has_prose |= e->has_prose ||
				(is(e->node, "p") && e->raw_text >= 60 && e->raw_links * 5 < e->raw_text);
			if (block_tag(e->node))
				p->blockish = 1;
			continue;
		}
		p->text += e->text;
		p->commas += e->commas;
		p->link_text += p->is_link ? e->text : e->link_text;
		p->imgs += e->imgs;
		if (!e->dropped && (is(e->node, "p") || is(e->node, "pre")))
			p->paras++;
	}
}

static void reset(struct ex *x)
{
	for (size_t i = 0; i < x->n; i++) {
		struct el *e = &x->els[i];
		e->junk = e->dropped = 0;
		e->why = NULL;
		e->scored = false;
		e->score = e->weight = 0;
	}
}

/* Drops an element by the rule `why` names; the first rule to drop it
 * is the one reported. */
static void drop_as(struct el *e, const char *why)
{
	if (!e->dropped) {
		e->dropped = 1;
		e->why = why;
	}
}

/* Rule 1's reason as --to json says it. */
static const char *junk_reason(const char *why)
{
	if (strcmp(why, "class/id") == 0)
		return "boilerplate class or id";
	if (strcmp(why, "role") == 0)
		return "boilerplate role";
	if (strcmp(why, "hidden") == 0)
		return "hidden";
	return "boilerplate element";
}

/* Rule 1: marks junk (own signal) and dropped (junk or inside it). */
static void mark_junk(struct ex *x, size_t page_text)
{
	/* The page's marked article (<article>, <main>, articleBody), if
	 * it has one with text: a sidebar beside it is no wrapper. */
	size_t marked = 0;
	for (size_t i = 1; i < x->n; i++)
		if (x->els[i].semantic && x->els[i].raw_text > marked)
			marked = x->els[i].raw_text;
	for (size_t i = 1; i < x->n; i++) {
		struct el *e = &x->els[i];
		const char *why = NULL;
		e->dropped = x->els[e->parent].dropped;
		if (e->dropped || e->semantic || e->has_sem)
			continue;
		if (!junk_signal(e->node, &why))
			continue;
		/* A wrapper holding most of the page is not boilerplate. */
		if (e->raw_text * 2 > page_text && strcmp(why, "hidden") != 0 &&
		    !(marked >= MARKED_TEXT && strong_names(e->node) && !in_marked(x, e)))
			continue;
		/* Nor is a block of prose a weak name or a <header> only
		 * guesses at ("read-more" holding the rest of the story). */
		bool prose = e->raw_text >= 500 && e->raw_links * 10 < e->raw_text * 3;
		/* Nor, whatever its names, is prose holding most of the
		 * marked article around it (a theme's "entry share" body). */
		size_t art = x->els[e->parent].sem_text;
		if (prose && art && e->raw_text * 2 > art && strcmp(why, "hidden") != 0)
			continue;
		if (prose && strcmp(why, "header") == 0)
			continue;
		/* A <header> holding a paragraph inside an <article>, or
		 * beside a heading, is the article's (headline, standfirst),
		 * not the page's; its bylines and dates go by their own
		 * names. */
		if (strcmp(why, "header") == 0 && e->has_prose &&
		    (x->els[e->parent].in_article || e->has_heading))
			continue;
		if (prose && strcmp(why, "class/id") == 0 && !strong_names(e->node))
			continue;
		e->junk = 1;
		e->dropped = 1;
		e->by_tag = strcmp(why, "class/id") != 0;
		e->why = junk_reason(why);
	}
}

/* The body less rule 1's junk: all of it, or (names false) only what
 * its tags, roles and hiddenness say. */
static void keep_all_but(struct ex *x, size_t page_text, bool names)
{
	reset(x);
	mark_junk(x, page_text);
	for (size_t i = 1; i < x->n; i++) {
		struct el *e = &x->els[i];
		e->junk = e->junk && (e->by_tag || names);
		e->dropped = e->junk || x->els[e->parent].dropped;
		if (!e->junk)
			e->why = NULL;
	}
}

/* Rule 5's fallback: the whole body less what rule 1 drops; by tag,
 * role or hiddenness only (nav, footer, role=banner ...: no guess) when
 * its names would leave under a fifth of what that leaves: a tiny
 * article beside its share bar and comments loses those, and a page
 * whose names mislead keeps its text. */
static void keep_all_but_junk(struct ex *x, size_t page_text)
{
	keep_all_but(x, page_text, false);
	measure(x, true);
	size_t by_tags = x->els[0].text;
	keep_all_but(x, page_text, true);
	measure(x, true);
	if (x->els[0].text * 5 < by_tags)
		keep_all_but(x, page_text, false);
}

/* ---- scoring (rule 2) ------------------------------------------------- */

static double weight_of(const xmlNode *n)
{
	int good = 0, bad = 0;
	names_of(n, &good, &bad);
	double w = (good ? 25 : 0) - (bad ? 25 : 0);
	const char *ip = attr(n, "itemprop");
	static const char *const main_roles[] = {"main", NULL};
	if (ip && strcasecmp(ip, "articleBody") == 0)
		w += 50;
	if (is(n, "article"))
		w += 15;
	if (is(n, "main") || role_is(n, main_roles))
		w += 10;
	if (is(n, "div") || is(n, "section"))
		w += 5;
	else if (is(n, "pre") || is(n, "td") || is(n, "blockquote"))
		w += 3;
	else if (is(n, "ol") || is(n, "ul") || is(n, "dl") || is(n, "li") || is(n, "form") || is(n, "th"))
		w -= 3;
	else if (is(n, "h1") || is(n, "h2") || is(n, "h3") || is(n, "h4") || is(n, "th"))
		w -= 5;
	return w;
}

static double link_density(const struct el *e)
{
	return e->text ? (double)e->link_text / (double)e->text : 0;
}

/* A paragraph: p-like, or a div/section holding only inline content. */
static bool scored_para(const struct el *e)
{
	if (e->dropped || e->text < MIN_PARA)
		return false;
	if (para_tag(e->node))
		return !is(e->node, "li") || e->commas > 0;
	return (is(e->node, "div") || is(e->node, "section") || is(e->node, "span")) &&
	       !e->blockish;
}

static void score(struct ex *x)
{
	for (size_t i = 0; i < x->n; i++) {
		struct el *e = &x->els[i];
		double s;
		int a;
		if (scored_para(e)) {
			/* a paragraph of links (a list of names, of tags) says
			 * little of where the article is */
			s = para_score(e->text, e->commas);
			a = e->parent;
		} else if (!e->dropped && e->blockish && e->own > 0) {
			/* Lines of text between its blocks (text cut by <br>,
			 * not in <p>): paragraphs whose parent it is. */
			s = e->own;
			a = (int)i;
		} else {
			continue;
		}
		for (int level = 0; a >= 0 && level < MAX_LEVELS; level++, a = x->els[a].parent) {
			struct el *p = &x->els[a];
			if (!p->scored) {
				p->scored = true;
				p->weight = weight_of(p->node);
				p->score = p->weight;
			}
			p->score += level == 0 ? s : level == 1 ? s / 2 : s / (level * 3);
		}
	}
	for (size_t i = 0; i < x->n; i++) {
		struct el *e = &x->els[i];
		if (e->scored)
			e->score *= 1 - link_density(e);
	}
}

/* Rule 3: the best candidate, or the ancestor that holds it and the
 * candidates nearly as good. */
static int choose(struct ex *x)
{
	int best = -1;
	for (size_t i = 0; i < x->n; i++)
		if (x->els[i].scored && !x->els[i].dropped &&
		    (best < 0 || x->els[i].score > x->els[best].score))
			best = (int)i;
	if (best < 0)
		return -1;
	double top = x->els[best].score;
	/* Candidates within three quarters of the best that are neither
	 * inside it nor around it: the article is split across them. */
	int near[3], nn = 0;
	for (size_t i = 0; i < x->n && nn < 3; i++) {
		struct el *e = &x->els[i];
		if (!e->scored || e->dropped || (int)i == best || e->score < top * 0.75)
			continue;
		bool related = false;
		for (int a = (int)i; a >= 0 && !related; a = x->els[a].parent)
			related = a == best;
		for (int a = best; a >= 0 && !related; a = x->els[a].parent)
			related = a == (int)i;
		if (!related)
			near[nn++] = (int)i;
	}
	if (nn >= 2) {
		for (int a = x->els[best].parent; a > 0; a = x->els[a].parent) {
			int held = 0;
			for (int k = 0; k < nn; k++)
				for (int b = near[k]; b >= 0; b = x->els[b].parent)
					if (b == a) {
						held++;
						break;
					}
			if (held >= 2) {
				best = a;
				break;
			}
		}
	}
	/* A lone child says nothing its parent does not. */
	while (best > 0 && x->els[best].parent > 0) {
		struct el *p = &x->els[x->els[best].parent];
		if (p->text > x->els[best].text + x->els[best].text / 8 || is(p->node, "body"))
			break;
		best = x->els[best].parent;
	}
	return best;
}

/* ---- the article's edges (rule 3) and leftovers (rule 4) ------------- */

static bool ends_sentence(const xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	if (!t)
		return false;
	size_t l = strlen((const char *)t);
	while (l && isspace(t[l - 1]))
		l--;
	bool yes = l && (strchr(".!?:\"", t[l - 1]) ||
			 (l >= 3 && (unsigned char)t[l - 3] == 0xE3 && t[l - 2] == 0x80 && t[l - 1] == 0x82));
	xmlFree(t);
	return yes;
}

static bool prose_sibling(const struct el *s, double top)
{
	if (s->dropped || !s->text)
		return false;
	if (s->scored && s->score >= (top * 0.2 > 10 ? top * 0.2 : 10))
		return true;
	/* a box of 200+ characters, under 10% links, holding no article
	 * of its own: the story split into rows (a comment list is made
	 * of <article>s) */
	if (s->blockish && !s->semantic && !s->has_sem && s->text >= 200 &&
	    s->link_text * 10 < s->text)
		return true;
	if (!is(s->node, "p") && !(is(s->node, "div") && !s->blockish))
		return false;
	double ld = link_density(s);
	if (s->text > 80)
		return ld < 0.25;
	return ld == 0 && ends_sentence(s->node);
}

/* The siblings of the best candidate that belong to the article; the
 * content is then their parent with the others dropped.  Returns the
 * element to convert. */
static int gather(struct ex *x, int best, size_t *outside)
{
	struct el *b = &x->els[best];
	if (best == 0 || !b->node->parent)
		return best;
	xmlNode *first = NULL, *last = NULL;
	for (xmlNode *s = b->node->parent->children; s; s = s->next) {
		if (s->type != XML_ELEMENT_NODE || !s->_private)
			continue;
		if (s == b->node || prose_sibling(el_of(x, s), b->score)) {
			if (!first)
				first = s;
			last = s;
		}
	}
	if (first == b->node && last == b->node)
		return best;
	bool in = false;
	for (xmlNode *s = b->node->parent->children; s; s = s->next) {
		if (s == first)
			in = true;
		if (s->type == XML_ELEMENT_NODE && s->_private) {
			struct el *e = el_of(x, s);
			if (!in || (s != b->node && !prose_sibling(e, b->score) &&
				    link_density(e) > 0.33)) {
				if (!e->dropped) {
					e->junk = 1;
					e->dropped = 1;
					e->why = in ? "links beside the article" : "beside the article";
					*outside += 1;
				}
			}
		}
		if (s == last)
			in = false;
	}
	return b->parent;
}

/* Rule 4 for one element inside the article; the reason, or NULL. */
static const char *leftover(const struct el *e)
{
	if (e->dropped)
		return NULL;
	const xmlNode *n = e->node;
	double ld = link_density(e);
	bool list = is(n, "ul") || is(n, "ol") || is(n, "dl");
	/* a <span> of text is a run of words inside a sentence (a linked
	 * name), never a box of the page's: only one holding blocks is */
	bool box = list || is(n, "div") || is(n, "section") || is(n, "table") ||
		   (is(n, "span") && e->blockish) || is(n, "p") || is(n, "center");
	if (!box || e->commas >= 10)
		return NULL;
	if (ld > 0.5 && (list || e->text < 1000) && !is(n, "p"))
		return "mostly links";
	if (is(n, "p") && ld > 0.8 && e->text < 60)
		return "a link";
	if (!list && !is(n, "p") && e->weight < 25 && ld > 0.33 && e->text < 200)
		return "links";
	return NULL;
}

static void propagate(struct ex *x)
{
	for (size_t i = 1; i < x->n; i++)
		x->els[i].dropped |= x->els[x->els[i].parent].dropped;
}

static bool heading(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE && n->name[0] && (n->name[0] | 32) == 'h' &&
	       n->name[1] >= '1' && n->name[1] <= '6' && !n->name[2];
}

/* A heading inside the article whose section (its next siblings up to
 * the next heading) was all dropped: "Related stories" over its list,
 * "Comments" over the comments.  Each sibling is looked at for one
 * heading at most. */
static void orphan_headings(struct ex *x, int content)
{
	for (size_t i = 1; i < x->n; i++) {
		struct el *e = &x->els[i];
		if (!e->inside || e->dropped || (int)i == content || !heading(e->node))
			continue;
		bool gone = false, kept = false;
		for (xmlNode *s = e->node->next; s && !kept; s = s->next) {
			if (s->type == XML_TEXT_NODE) {
				size_t c = 0;
				kept = text_len((const char *)s->content, &c) > 0;
				continue;
			}
			if (s->type != XML_ELEMENT_NODE || !s->_private)
				continue;
			if (heading(s))
				break;
			struct el *k = el_of(x, s);
			if (k->dropped)
				gone |= k->raw_text > 0;
			else
				kept = k->text > 0 || k->imgs > 0;
		}
		if (gone && !kept)
			drop_as(e, "a heading over a dropped section");
	}
	propagate(x);
}

/* ---- the article's own announcements (rule 4) ------------------------ */

/* How a page's blocks inside an article name themselves, lower case,
 * matched at the start of a short block's text ("Mehr zum Thema:",
 * "You may also like").  A heading saying one of these drops its whole
 * section with it. */
static const char *const section_phrases[] = {
	/* en */
	"related", "read more", "read also", "also read", "more from", "more on this",
	"more stories", "more news", "you may also like", "you might also like",
	"you may like", "recommended", "most popular", "most read", "popular posts",
	"recent posts", "latest news", "latest posts", "comments", "leave a comment",
	"leave a reply", "share this", "follow us", "subscribe", "sign up",
	"newsletter", "advertisement", "sponsored", "tags", "topics",
	"about the author", "about the authors", "was this article helpful", "share this article",
	"share this post", "share this page", "to continue reading", "continue reading",
	"next article", "previous article", "next post", "previous post", "back to",
	"no comments", "you must be logged in", "sources",
	"learn more", "read next", "up next", "latest on", "rate this article", "see also", "more like this", "don't miss",
	"contact", "press contact", "media contact", "further information", "more information",
	/* de */
	"mehr zum thema", "mehr zu", "mehr aus", "mehr themen", "lesen sie auch",
	"lesen sie mehr", "lies auch", "auch interessant", "das könnte", "ähnliche",
	"verwandte", "weitere artikel", "weitere beiträge", "weitere nachrichten",
	"weitere meldungen", "weitere themen", "beiträge zum thema", "neue beiträge",
	"neueste beiträge", "aktuelle beiträge", "aktuellste beiträge",
	"empfohlen", "empfohlene", "meistgelesen", "meistgelesene", "die meistgelesenen", "meist gelesen",
	"schon gelesen", "kommentare", "kommentar schreiben", "kommentieren",
	"teilen", "diesen artikel teilen", "anzeige", "werbung", "schlagworte",
	"schlagwörter", "themen", "zum weiterlesen", "weiterlesen",
	"über den autor", "über die autorin", "über die autoren", "zum autor", "zur autorin",
	"war der artikel", "war dieser artikel", "hat ihnen der artikel", "hat dir der artikel",
	"artikel teilen", "beitrag teilen", "seite teilen", "möchten sie weiterlesen",
	"nächster artikel", "vorheriger artikel", "nächster beitrag", "vorheriger beitrag",
	"zurück zur", "zurück zu", "zurück zum", "bisher keine kommentare", "noch keine kommentare",
	"noch keine bewertungen", "schreibe einen kommentar", "kommentar verfassen",
	"du musst eingeloggt", "sie müssen angemeldet", "quellen", "quellenangaben",
	"das könnte dich auch interessieren", "das thema könnte", "das könnte sie auch interessieren",
	"die neuesten", "neueste meldungen", "aktuelle meldungen", "mehr infos", "mehr erfahren",
	"mehr lesen", "artikel bewerten", "beitrag bewerten", "noch mehr infos", "auch auf", "zum angebot", "jetzt teilen", "jetzt abonnieren",
	"kontakt", "pressekontakt", "ansprechpartner", "weitere informationen", "mehr informationen",
	/* fr */
	"à lire aussi", "a lire aussi", "lire aussi", "à découvrir", "dans la même rubrique",
	"articles les plus lus", "les plus lus", "sur le même sujet", "commentaires",
	"votre commentaire", "partager", "publicité", "abonnez-vous",
	"à propos de l'auteur", "pour lire la suite", "article suivant", "article précédent",
	"retour à", "sources", "en savoir plus", "lire la suite", "voir aussi",
	/* es, pt, it */
	"lea", "lea también", "lea más", "lee más", "leer más", "mira también", "ver también",
	"le puede interesar", "te puede interesar", "también te puede", "contenido relacionado",
	"noticias relacionadas", "temas relacionados", "lo más leído", "más leídas",
	"lea también", "lee también", "comentarios", "compartir", "publicidad",
	"suscríbete", "leia também", "veja também", "mais lidas", "leggi anche",
	"articoli correlati", "potrebbe interessarti", "i più letti", "commenti", "argomenti",
	"sobre el autor", "sobre o autor", "sull'autore", "l'autore", "fuentes", "fontes", "fonti",
	"artículo siguiente", "artigo seguinte", "articolo successivo",
	"vea también", "mira", "mire", "puedes ver", "te recomendamos", "lea además",
	"saber más", "leer también", "leia mais", "saiba mais", "per saperne di più", "leggi anche",
	"valora esta noticia", "valora este artículo", "índice de contenidos", "indice dei contenuti", "imprimir", "stampa",
	/* pl, nl */
	"czytaj też", "czytaj także", "zobacz też", "zobacz także", "polecane",
	"najczęściej czytane", "komentarze", "reklama", "lees ook", "gerelateerd", "reacties",
	"o autorze", "over de auteur", "over de schrijver", "bronnen", "źródła",
	"czytasz właśnie", "dowiedz się więcej", "spis treści", "inhoudsopgave",
	"czytaj więcej", "czytaj dalej", "lees meer", "lees verder", "meer lezen",
	/* the page's buttons and hints: load more, enlarge, click here */
	"load more", "show more", "click to enlarge", "click here", "mehr laden", "weitere laden",
	"lade weitere", "mehr anzeigen", "zum vergrößern", "klicken sie", "hier klicken",
	"voir plus", "afficher plus", "cliquez ici", "ver más", "haga clic", "carica altri",
	/* tables of contents and print buttons: the page's, not the text */
	"table of contents", "inhaltsverzeichnis", "sommaire", "print", "print this page",
	"drucken", "rezept drucken", "artikel drucken", "seite drucken", "imprimer",
	NULL
};

/* Labels of the page's own matter that go alone: credits, bylines,
 * dates, copyright lines. */
static const char *const label_phrases[] = {
	"foto:", "fotos:", "foto ©", "bild:", "bilder:", "quelle:", "photo:", "photos:",
	"image:", "images:", "credit:", "credits:", "crédit", "crédito", "źródło:",
	"fot.", "imagen:", "kuva:", "bild via", "beitragsbild", "titelbild", "domena publiczna",
	"public domain", "©", "copyright", "all rights reserved", "alle rechte",
	"von:", "autor:", "autoren:", "author:", "aktualisiert am", "last modified",
	"last updated", "letzte änderung", "zuletzt aktualisiert", "stand:", "ohne gewähr",
	"alle angaben ohne gewähr", "release date", "published:", "veröffentlicht am",
	"veröffentlichung", "ultima modifica", "aufrufe:", "views:", "kategorie:", "category:",
	"categories:", "catégorie", "categoría:", "posted in", "filed under", "lesezeit",
	"reading time", "min read", "minuten lesezeit", "permalink", "permalien",
	"crédits photos", "crédit photo", "photo credit", "photocredit", NULL
};

/* The page's notes about the text, found anywhere in a short block
 * (200 characters at most): whose opinion it is, its licence, where it
 * appeared first, and the login a comment needs. */
static const char *const note_phrases[] = {
	"necessarily reflect", "necessarily represent", "not necessarily those of",
	"not responsible for the opinions", "meinung des autors", "meinung der autorin",
	"meinung der autoren", "nicht notwendigerweise", "nicht unbedingt die meinung",
	"n'engagent que", "n'engage que", "no necesariamente", "non necessariamente",
	"veröffentlicht unter der lizenz",
	"steht unter der lizenz", "licensed under a creative commons",
	"dieser beitrag stammt aus", "dieser artikel stammt aus", "erschien zuerst",
	"um kommentare zu schreiben", "um einen kommentar zu", "logged in to post",
	"log in to comment", "log in to leave", "login to comment", NULL
};

/* Lower case: ASCII, and the Latin-1 capitals (UTF-8 C3 80 to C3 9E). */
static size_t fold_text(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	/* leading marks, ASCII only: a UTF-8 byte must not match one */
	while (*p && (*p <= ' ' || strchr("-*#([\"'>|", *p)))
		p++;
	for (; *p && n + 2 < cap; p++) {
		unsigned char c = *p;
		if (c <= ' ') {
			if (n && out[n - 1] != ' ')
				out[n++] = ' ';
			continue;
		}
		if (c == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E && p[1] != 0x97) {
			out[n++] = (char)c;
			out[n++] = (char)(*++p + 0x20);
			continue;
		}
		out[n++] = (char)tolower(c);
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = 0;
	return n;
}

/* The section phrase the text starts with, as a whole word; its length
 * or 0. */
static size_t says(const char *t, const char *const *list)
{
	size_t best = 0;
	for (size_t i = 0; list[i]; i++) {
		size_t l = strlen(list[i]);
		bool word = isalnum((unsigned char)list[i][l - 1]);
		if (l > best && strncmp(t, list[i], l) == 0 &&
		    (!word || (!isalnum((unsigned char)t[l]) && (unsigned char)t[l] < 0x80)))
			best = l; /* the longest: "lea también", not "lea" */
	}
	return best;
}

static int heading_level(const xmlNode *n)
{
	return heading(n) ? n->name[1] - '0' : 0;
}

/* Drops a short block of the article announcing the page's own matter
 * (section_phrases); a heading takes its section along, up to the next
 * heading of its rank or higher.  Only the outermost short blocks are
 * read, so each element is read once. */
/* The start of an element's text, at most `cap` - 1 bytes from at most
 * 64 nodes: enough to read a label, and a constant cost per element. */
static void text_start(const xmlNode *top, char *out, size_t cap)
{
	size_t n = 0, budget = 64;
	const xmlNode *k = top->children;
	while (k && k != top && budget-- && n + 1 < cap) {
		if (k->type == XML_TEXT_NODE && k->content) {
			size_t l = strlen((const char *)k->content);
			if (l > cap - 1 - n)
				l = cap - 1 - n;
			memcpy(out + n, k->content, l);
			n += l;
		}
		if (k->type == XML_ELEMENT_NODE && k->children && !ignored_tag(k)) {
			k = k->children;
			continue;
		}
		while (k != top && !k->next)
			k = k->parent;
		if (k != top)
			k = k->next;
	}
	out[n] = 0;
}

/* A phrase of two words or more whose clause ends in a colon within 40
 * bytes ("Lesen Sie auch die folgenden Beiträge:", "Das Thema könnte
 * dich auch interessieren:"): a label over what follows.  One word is
 * not enough ("Mira" is also a name). */
static bool colon_soon(const char *t, size_t l)
{
	if (!memchr(t, ' ', l))
		return false;
	for (size_t i = l; t[i] && i < l + 40; i++) {
		if (t[i] == ':')
			return true;
		if (strchr(".!?", t[i]))
			return false;
	}
	return false;
}

static bool has_word(const char *t, const char *const *list, bool prefix);
static bool reported(const char *t);

/* Share prompts: a short line asking to share, in a word of these
 * ("Möchten Sie den Artikel teilen?", "Be Sociable, Share!", "NEWS
 * TEILEN:"), ending in a colon, a question or an exclamation mark. */
static const char *const share_words[] = {
	"share", "teilen", "partager", "partagez", "compartir", "comparte", "compartilhe",
	"condividi", "udostępnij", "delen", "deel", NULL
};

static bool share_prompt(const char *t, size_t n)
{
	return n && strchr(":?!", t[n - 1]) && has_word(t, share_words, false);
}

static void announcements(struct ex *x, int content)
{
	char raw[224], t[224];
	for (size_t i = 1; i < x->n; i++) {
		struct el *e = &x->els[i], *p = &x->els[e->parent];
		/* blocks of 200 characters at most, each the largest of its
		 * text (a chain of wrappers around one label is read once) */
		if (!e->inside || e->dropped || (int)i == content || e->raw_text > 200 ||
		    !e->raw_text || (p->raw_text <= e->raw_text && e->parent != content) ||
		    is(e->node, "img"))
			continue;
		text_start(e->node, raw, sizeof raw);
		size_t n = fold_text(raw, t, sizeof t);
		if (e->raw_text <= 60 && share_prompt(t, n)) {
			drop_as(e, "announces the page's matter");
			continue;
		}
		if (has_word(t, note_phrases, true) && !reported(t)) {
			drop_as(e, "a note of the page (opinion, licence, login)");
			continue;
		}
		if (e->raw_text <= 60 && !says(t, section_phrases) && says(t, label_phrases)) {
			drop_as(e, "a label of the page (credit, copyright, byline)");
			continue;
		}
		size_t l = says(t, section_phrases);
		/* "Read also: <another story>" up to 200 characters; else
		 * only when the phrase is most of the block */
		bool label = l && !heading(e->node) && (t[l] == ':' || colon_soon(t, l));
		if (!l || (!label && (n > 48 || n > l + 24)))
			continue;
		drop_as(e, "announces the page's matter");
		int lv = heading_level(e->node);
		for (xmlNode *s = lv ? e->node->next : NULL; s; s = s->next) {
			if (s->type != XML_ELEMENT_NODE || !s->_private)
				continue;
			if (heading(s) && heading_level(s) <= lv)
				break;
			drop_as(el_of(x, s), "in a section announcing the page's matter");
		}
	}
	propagate(x);
}

static void mark_inside(struct ex *x, int content)
{
	for (size_t i = 0; i < x->n; i++)
		x->els[i].inside = (int)i == content ||
				   (i > 0 && x->els[x->els[i].parent].inside);
}

/* ---- reporting and dropping ------------------------------------------ */

/* '#' or '.' and the name's first word, cut to 40 bytes at a character
 * boundary (a path is UTF-8 in JSON and in -v lines). */
static void put_name(struct nc_buf *b, char mark, const char *s)
{
	size_t l = strcspn(s, " \t\r\n");
	if (l > 40) {
		l = 40;
		while (l > 0 && ((unsigned char)s[l] & 0xC0) == 0x80)
			l--;
	}
	nc_buf_putc(b, mark);
	nc_buf_put(b, s, l);
}

/* "div#main>aside.share": the element's place from below the body. */
static char *path_of(const struct ex *x, const struct el *e)
{
	const struct el *chain[16];
	size_t n = 0;
	for (const struct el *a = e; a && a->parent >= 0 && n < 16; a = &x->els[a->parent])
		chain[n++] = a;
	struct nc_buf b = {0};
	if (n == 16)
		nc_buf_puts(&b, "...>");
	while (n--) {
		const xmlNode *d = chain[n]->node;
		const char *id = attr(d, "id"), *cl = attr(d, "class");
		nc_buf_puts(&b, (const char *)d->name);
		if (id && *id)
			put_name(&b, '#', id);
		else if (cl && *cl)
			put_name(&b, '.', cl);
		if (n)
			nc_buf_putc(&b, '>');
	}
	if (b.oom) {
		nc_buf_free(&b);
		return NULL;
	}
	return nc_buf_detach(&b, NULL);
}

static int report_chars(struct ex *x, const struct el *e, size_t chars, const char *reason)
{
	struct nc_doc *d = x->doc;
	if (!chars)
		return NC_OK;
	d->dropped_chars += chars;
	struct nc_dropped *v = realloc(d->dropped, (d->ndropped + 1) * sizeof *v);
	if (!v)
		return NC_ERR_NOMEM;
	d->dropped = v;
	char *p = path_of(x, e);
	if (!p)
		return NC_ERR_NOMEM;
	v[d->ndropped++] = (struct nc_dropped){ p, chars, reason };
	return NC_OK;
}

static int report(struct ex *x, const struct el *e, const char *reason)
{
	return report_chars(x, e, e->raw_text, reason);
}

/* The rule that dropped it; a block outside the content that no rule
 * named is outside the article (rules 2 and 3 chose elsewhere). */
static const char *reason_of(const struct el *e)
{
	return e->why ? e->why : "outside the article";
}

/* A caption: <figcaption>, or an element whose class says caption,
 * legend, image description or Bildunterschrift ("wp-caption-text",
 * "media__caption", "imagedescription"). */
static bool caption(const xmlNode *n)
{
	if (is(n, "figcaption"))
		return true;
	static const char *const words[] = {"caption", "legend", "bildunterschrift",
		"imagedesc", "image-desc", "media-desc", NULL};
	const char *c = attr(n, "class");
	for (; c && *c; c++) {
		int f = tolower((unsigned char)*c);
		/* one compare per byte for most: the words' first letters */
		if (f != 'c' && f != 'l' && f != 'b' && f != 'i' && f != 'm')
			continue;
		for (size_t k = 0; words[k]; k++)
			if (words[k][0] == f && strncasecmp(c, words[k], strlen(words[k])) == 0)
				return true;
	}
	return false;
}

/* Rule 4: a photo credit ending a caption inside the content goes
 * ("Der Saal. Foto: Max Muster"): its text is cut where the credit
 * begins, and the elements after that point are dropped; a caption
 * that is all credit goes whole.  A caption before the article's first
 * paragraph (a <p> of 80 characters or more, under 20% links) is the
 * lead picture's, the page's frame around the story, and goes whole.
 * Each outermost caption's subtree is read twice at most: linear. */
static int credits(struct ex *x, int content)
{
	mark_inside(x, content);
	size_t first = 0;
	for (size_t i = 1; i < x->n && !first; i++) {
		struct el *e = &x->els[i];
		if (e->inside && !e->dropped && is(e->node, "p") && e->text >= 80 && e->link_text * 5 < e->text)
			first = i;
	}
	/* A "caption" that holds the first paragraph (a class that says
	 * caption around the story, the content itself) is no lead picture's. */
	for (size_t a = first; a > 0; a = x->els[a].parent)
		x->els[a].holds_first = 1;
	for (size_t i = 1; i < x->n; i++) {
		struct el *e = &x->els[i], *p = &x->els[e->parent];
		e->in_cap = p->in_cap || (e->parent > 0 && p->is_cap);
		/* the content itself is never a caption to drop: it is
		 * what the reader converts */
		e->is_cap = e->inside && !e->dropped && (int)i != content &&
			    !e->holds_first && caption(e->node);
		if (i < first && e->is_cap && !e->in_cap) {
			drop_as(e, "the lead picture's caption");
			continue;
		}
		xmlNode *at = NULL, *top = e->node;
		size_t off = 0;
		if (!e->is_cap || e->in_cap ||
		    !nc_credit_start(top, &at, &off))
			continue;
		size_t kept = 0, c = 0;
		bool after = false;
		for (xmlNode *k = top->children; k && k != top;) {
			if (k == at) {
				after = true;
				xmlChar *head = xmlStrndup(k->content, (int)off);
				if (!head)
					return NC_ERR_NOMEM;
				kept += text_len((const char *)head, &c);
				size_t cut = text_len((const char *)k->content + off, &c);
				xmlNodeSetContent(k, head);
				xmlFree(head);
				if (kept && report_chars(x, e, cut, "a credit in a caption"))
					return NC_ERR_NOMEM;
			} else if (k->type == XML_TEXT_NODE && k->content) {
				if (after)
					xmlNodeSetContent(k, (const xmlChar *)"");
				else
					kept += text_len((const char *)k->content, &c);
			} else if (after && k->type == XML_ELEMENT_NODE && k->_private) {
				drop_as(el_of(x, k), "a credit in a caption");
			}
			if (k->type == XML_ELEMENT_NODE && k->children && !(after && k->_private)) {
				k = k->children;
				continue;
			}
			while (k != top && !k->next)
				k = k->parent;
			if (k != top)
				k = k->next;
		}
		if (!kept)
			drop_as(e, "a credit in a caption");
	}
	propagate(x);
	return NC_OK;
}

/* Reports and frees every dropped element inside the content, then
 * reports what lies outside it, from the content up to the body. */
static int drop(struct ex *x, int content)
{
	int rc = NC_OK;
	xmlNode *c = x->els[content].node;
	mark_inside(x, content);
	for (size_t i = 1; i < x->n && rc == NC_OK; i++) {
		struct el *e = &x->els[i];
		if (!e->dropped || x->els[e->parent].dropped || !e->inside)
			continue;
		rc = report(x, e, reason_of(e));
	}
	for (xmlNode *a = c; a && a != x->body && rc == NC_OK; a = a->parent)
		for (xmlNode *s = a->parent ? a->parent->children : NULL; s && rc == NC_OK; s = s->next)
			if (s != a && s->type == XML_ELEMENT_NODE && s->_private)
				rc = report(x, el_of(x, s), reason_of(el_of(x, s)));
	/* Unlink last: the walk above reads parents.  The content stays
	 * whatever a rule said: the reader converts it next. */
	for (size_t i = x->n; i-- > 1;) {
		struct el *e = &x->els[i];
		if (e->dropped && !x->els[e->parent].dropped && e->inside && (int)i != content) {
			xmlUnlinkNode(e->node);
			xmlFreeNode(e->node);
		}
	}
	return rc;
}

/* ---- the step ---------------------------------------------------------- */

enum nc_extract_mode nc_extract_mode = NC_EXTRACT_AUTO;

/* The head's own elements.  A stray element before <head> ("<html><div>
 * </div><head>") makes libxml2 open the body there and put the head's
 * title, meta and link elements in it, with no <head> at all. */
static bool head_tag(const xmlNode *n)
{
	return n->type == XML_ELEMENT_NODE &&
	       (is(n, "title") || is(n, "meta") || is(n, "link") || is(n, "base"));
}

bool nc_extract_is_page(xmlNode *html, xmlNode *body)
{
	bool head = false;
	for (xmlNode *c = html ? html->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && is(c, "head") && c->children)
			head = true;
	for (xmlNode *c = body && !head ? body->children : NULL; c && !head; c = c->next)
		head = head_tag(c);
	if (!head || !body)
		return false;
	size_t blocks = 0;
	for (xmlNode *c = body->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !ignored_tag(c))
			blocks++;
	return blocks > 1 || (body->children && body->children->next) ||
	       (body->children && body->children->type == XML_ELEMENT_NODE &&
		(is(body->children, "div") || is(body->children, "main")));
}


/* Rule 3: the content found inside a marked article (<article>,
 * itemprop=articleBody) a few levels down, below any <main>, widens to
 * it when the article holds at most three times its text: the
 * headline, the standfirst and the lead sit beside the body, and rule 4
 * cleans what else the article holds. */
static int widen(struct ex *x, int content)
{
	int a = x->els[content].parent;
	for (int level = 0; a > 0 && level < 4; level++, a = x->els[a].parent) {
		const xmlNode *n = x->els[a].node;
		const char *ip = attr(n, "itemprop");
		if (is(n, "main"))
			break;
		if (is(n, "article") || (ip && strcasecmp(ip, "articleBody") == 0))
			return x->els[a].text <= 3 * x->els[content].text ? a : content;
	}
	return content;
}

/* A block of text with no blocks inside: a paragraph, a heading, a
 * cell, a div of text; the outermost only (<p><span><div> is one). */
static bool leaf_block(const struct el *e)
{
	return e->inside && !e->dropped && !e->blockish && !e->in_leaf && e->text > 0 &&
	       (block_tag(e->node) || para_tag(e->node));
}

/* Tables, lists and code: data, not labels, however short. */
static bool data_block(const xmlNode *n)
{
	static const char *const t[] = {"table", "thead", "tbody", "tfoot", "tr", "td", "th",
		"pre", "ul", "ol", "dl", "li", "dd", "dt", NULL};
	for (size_t i = 0; t[i]; i++)
		if (is(n, t[i]))
			return true;
	return false;
}

/* What a call to action says (lower case, the start of a word, found
 * anywhere in the block): subscribe, sign up, follow us, the newsletter,
 * the app, in the languages of section_phrases. */
static const char *const action_words[] = {
	"subscri", "newsletter", "sign up", "signing up", "follow us",
	"support us", "support our", "become a member", "abonn",
	"folgen sie uns", "folge uns", "melden sie sich", "registrieren sie",
	"bitte registrieren", "jetzt anmelden", "faites un don", "je fais un don",
	"suivez-nous", "inscrivez", "suscrib", "suscríb", "síguenos", "hazte", "únete",
	"assine", "siga-nos", "iscriviti", "abbonati", "seguici", "subskryp", "prenumer",
	"abonneer", "volg ons", "telegram", "whatsapp", NULL
};

/* Asking words that are a call only when the block speaks to the reader
 * (address_words): "Unterstützen Sie uns", not "die Stadt will die
 * Vereine unterstützen". */
static const char *const asking_words[] = {
	"donat*", "spende*", "unterstütz*", "support*", "soutenez", "soutien*", "apoya*",
	"sostieni", "wesprzyj", "doneer", "shop", "e-paper", "epaper", "app", "apps", "abo",
	"registrier*", "anmelden", NULL
};

static const char *const address_words[] = {
	"you", "your", "us", "our", "du", "dich", "dir", "dein", "deine", "ihr", "euch",
	"euer", "eure", "sie", "ihnen", "uns", "unser", "unsere", "unseren", "unserem",
	"unserer", "vous", "votre", "nous", "notre", "nos", "te", "tu", "tus", "usted",
	"nuestro", "nuestra", "nuestros", "você", "nosso", "nossa", "ti", "vostro", "nostro",
	"nostra", "ci", "nasz", "nasze", "naszego", "jij", "je", "jouw", "ons", "onze",
	NULL
};

/* A word of `list` starts at a word start of t: a whole word, or its
 * start when `prefix` or when the entry ends in '*'. */
static bool has_word(const char *t, const char *const *list, bool prefix)
{
	for (size_t i = 0; t[i]; i++) {
		if (i && (isalnum((unsigned char)t[i - 1]) || (unsigned char)t[i - 1] >= 0x80))
			continue;
		for (size_t k = 0; list[k]; k++) {
			size_t l = strlen(list[k]);
			bool star = l && list[k][l - 1] == '*';
			l -= star;
			if (strncmp(t + i, list[k], l) == 0 &&
			    (prefix || star || (!isalnum((unsigned char)t[i + l]) && (unsigned char)t[i + l] < 0x80)))
				return true;
		}
	}
	return false;
}

/* "Follow The Gleaner on Twitter": following, with a network named. */
static const char *const follow_words[] = {
	"follow*", "folg*", "suivez", "siga*", "segu*", "síg*", "volg*", "obserwuj*", NULL
};
static const char *const network_words[] = {
	"twitter", "instagram", "facebook", "tiktok", "youtube", "linkedin", "mastodon",
	"bluesky", "threads", NULL
};

/* "Download the Nationnews apps for iOS and Android". */
static const char *const download_words[] = {
	"download*", "herunterladen", "lade*", "télécharge*", "descarga*", "baixe", "scarica*", NULL
};
static const char *const app_words[] = {"app", "apps", "ios", "android", NULL};

/* Reported speech is the story's, whatever it asks: quotation marks
 * (ASCII, curly, guillemets, German low quotes) or a reporting verb. */
static const char *const said_words[] = {
	"said", "says", "sagte", "sagt", "erklärte", "dijo", "afirmó", "disse", "ha detto",
	"a déclaré", "a dit", "powiedział*", "zei", NULL
};

static bool reported(const char *t)
{
	return strchr(t, '"') || strstr(t, "\xe2\x80\x9c") || strstr(t, "\xe2\x80\x9d") ||
	       strstr(t, "\xe2\x80\x9e") || strstr(t, "\xc2\xab") || strstr(t, "\xc2\xbb") ||
	       has_word(t, said_words, false);
}

static bool calls_to(const char *t)
{
	if (reported(t))
		return false;
	return has_word(t, action_words, true) ||
	       (has_word(t, download_words, false) && has_word(t, app_words, false)) ||
	       (has_word(t, asking_words, false) && has_word(t, address_words, false)) ||
	       (has_word(t, follow_words, false) && has_word(t, network_words, false));
}

/* Rule 4: anywhere in the article, a short block (200 characters at
 * most) that calls to action and ends in an exclamation mark ("Never
 * miss the latest news by signing up to our newsletter today!", "Jede
 * kleine Spende hilft!"): the page shouting, not the story telling. */
static void exclaimed_calls(struct ex *x, int content)
{
	char raw[640], t[640];
	for (size_t i = 1; i < x->n; i++) {
		struct el *e = &x->els[i];
		if ((int)i == content || !e->inside || e->dropped || !leaf_block(e) ||
		    e->text > 200 || !e->text)
			continue;
		text_start(e->node, raw, sizeof raw);
		size_t n = fold_text(raw, t, sizeof t);
		if (n && t[n - 1] == '!' && calls_to(t))
			drop_as(e, "a call to action");
	}
}

/* Rule 4: the article's last blocks, read backwards while each is short
 * (200 characters at most) and calls to action ("Subscribe now to our
 * e-edition for the full story", "Follow us on Telegram", "Jede kleine
 * Spende hilft"): the page asking, not the article telling.  The first
 * block that is not one ends the walk, so only the end is read. */
static void calls_to_action(struct ex *x, int content)
{
	char raw[640], t[640];
	for (size_t i = 1; i < x->n; i++) {
		struct el *e = &x->els[i], *p = &x->els[e->parent];
		e->in_leaf = p->in_leaf || (e->parent > 0 && leaf_block(p));
	}
	for (size_t i = x->n; i-- > 1;) {
		struct el *e = &x->els[i];
		if ((int)i == content || !leaf_block(e))
			continue;
		if (e->text > 200)
			break;
		text_start(e->node, raw, sizeof raw);
		fold_text(raw, t, sizeof t);
		/* a stray &nbsp; or dash after the call is no block of text */
		if (e->text <= 2 && !strpbrk(t, "abcdefghijklmnopqrstuvwxyz0123456789"))
			continue;
		if (!calls_to(t))
			break;
		drop_as(e, "a call to action");
	}
	exclaimed_calls(x, content);
	propagate(x);
}

/* Rule 4, the tail: after the article's last paragraph (80 characters
 * or more, under 30% links, ending a sentence), blocks of text under 60
 * characters that end no sentence are the page's ("Next article",
 * "Source: ...", "No comments yet"), and so do short headings there
 * unless a closing sentence follows.  Table cells, code and list items
 * stay (data, not labels), and so do lines without a link beside that
 * paragraph (a signature, a closing word).  Leaf blocks do not nest, so
 * each subtree is read once. */
static void tail(struct ex *x, int content)
{
	size_t last = 0;
	for (size_t i = 1; i < x->n; i++) {
		struct el *e = &x->els[i], *p = &x->els[e->parent];
		e->in_leaf = p->in_leaf || (e->parent > 0 && leaf_block(p));
		if ((int)i != content && leaf_block(e) && !heading(e->node) && e->text >= 80 &&
		    link_density(e) < 0.3 && ends_sentence(e->node))
			last = i;
	}
	size_t heading_at = 0; /* a heading waiting for the block after it */
	for (size_t i = last + 1; last && i < x->n; i++) {
		struct el *e = &x->els[i];
		const xmlNode *n = e->node;
		if ((int)i == content || !leaf_block(e))
			continue;
		bool exempt = e->text >= 60 || data_block(n) ||
			      (e->parent == x->els[last].parent && e->link_text == 0);
		bool sentence = (heading_at || !exempt) && ends_sentence(n);
		/* a heading stays over a closing sentence only */
		if (heading_at && !sentence)
			drop_as(&x->els[heading_at], "after the article's end");
		heading_at = heading(n) && e->text < 60 ? i : 0;
		if (!heading(n) && !exempt && !sentence)
			drop_as(e, "after the article's end");
	}
	if (heading_at)
		drop_as(&x->els[heading_at], "after the article's end");
	propagate(x);
}

/* Rule 4: a list of eight items or more, at least half of them holding
 * a heading, is a gallery or a list of other stories ("1/50 United
 * goin down ..."), not the article's list.  Each list reads its own
 * children: linear. */
static void galleries(struct ex *x, int content)
{
	for (size_t i = 1; i < x->n; i++) {
		struct el *e = &x->els[i];
		if (!e->inside || e->dropped || (int)i == content || !(is(e->node, "ul") || is(e->node, "ol")))
			continue;
		int items = 0, with = 0;
		for (xmlNode *k = e->node->children; k; k = k->next)
			if (k->type == XML_ELEMENT_NODE && k->_private && is(k, "li")) {
				items++;
				with += el_of(x, k)->has_heading;
			}
		if (with >= 8 && with * 2 >= items)
			drop_as(e, "a gallery or a list of other stories");
	}
	propagate(x);
}

/* One try at rules 2 to 4; the content's index, or -1. */
static int find(struct ex *x, size_t *outside)
{
	measure(x, true);
	score(x);
	int best = choose(x);
	if (best < 0)
		return -1;
	int content = gather(x, best, outside);
	propagate(x);
	measure(x, true);
	content = widen(x, content);
	mark_inside(x, content);
	/* Children come after their parent in the list: backwards, each
	 * element's figures lose what its dropped leftovers held before its
	 * own test, and it hands the loss on to its parent. */
	for (size_t i = 0; i < x->n; i++)
		x->els[i].gone = x->els[i].gone_links = 0;
	for (size_t i = x->n; i-- > 1;) {
		struct el *e = &x->els[i], *p = &x->els[e->parent];
		size_t text = e->text, links = e->link_text;
		e->text -= e->gone;
		e->link_text -= e->gone_links;
		const char *why = e->inside && (int)i != content ? leftover(e) : NULL;
		if (why) {
			drop_as(e, why);
			p->gone += text;
			p->gone_links += links;
		} else {
			p->gone += e->gone;
			p->gone_links += e->gone_links;
		}
	}
	x->els[0].text -= x->els[0].gone;
	x->els[0].link_text -= x->els[0].gone_links;
	propagate(x);
	announcements(x, content);
	galleries(x, content);
	calls_to_action(x, content);
	tail(x, content);
	orphan_headings(x, content);
	measure(x, true); /* what is left, for rule 5 */
	return content;
}

int nc_extract(struct nc_doc *doc, xmlNode *body, const char *title, xmlNode **content)
{
	(void)title;
	*content = body;
	struct ex x = { .doc = doc, .body = body };
	int rc = list_elements(&x);
	if (rc)
		goto out;
	for (size_t i = 0; i < x.n; i++) {
		struct el *e = &x.els[i];
		e->semantic = semantic(e->node);
		e->in_article = is(e->node, "article") || (i > 0 && x.els[e->parent].in_article);
	}
	measure(&x, false);
	for (size_t i = 1; i < x.n; i++) {
		struct el *e = &x.els[i];
		const char *ip = attr(e->node, "itemprop");
		e->sem_text = is(e->node, "article") || (ip && strcasecmp(ip, "articleBody") == 0)
			      ? e->raw_text : x.els[e->parent].sem_text;
	}
	size_t page = x.els[0].raw_text, outside = 0;
	mark_junk(&x, page);
	int c = find(&x, &outside);
	/* A short page may be all article: enough is most of what is left
	 * once the boilerplate is out. */
	size_t enough = x.els[0].text * 3 / 5 < MIN_ARTICLE ? x.els[0].text * 3 / 5 : MIN_ARTICLE;
	if (c < 0 || x.els[c].text < enough || !x.els[c].text) {
		/* Rule 5: the names misled; try on text alone. */
		reset(&x);
		c = find(&x, &outside);
	}
	if (c < 0 || x.els[c].text < enough || !x.els[c].text) {
		keep_all_but_junk(&x, page);
		c = 0;
	}
	doc->extracted = true;
	if ((rc = credits(&x, c)) || (rc = drop(&x, c)))
		goto out;
	doc->kept_chars = page > doc->dropped_chars ? page - doc->dropped_chars : 0;
	*content = x.els[c].node;
out:
	free(x.els);
	return rc;
}
