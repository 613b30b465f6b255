/*
 * read_feed.c - RSS and Atom feeds: one document per item or entry.
 *
 * Specs: RSS 0.91/0.92/2.0 (RSS Advisory Board, RSS 2.0.11), RSS 1.0
 * (RDF Site Summary, with the Dublin Core and content modules), Atom 1.0
 * (RFC 4287, text constructs of section 3.1, xml:base of section 2),
 * Media RSS 1.5 (media:content, media:thumbnail).
 *
 * The bytes are parsed with libxml2's XML parser in recovery mode, never
 * loading a DTD or anything from the network and never expanding
 * external entities.  Feeds break in known ways; a pre-pass mends the
 * common ones before parsing (HTML named entities such as &nbsp;, a bare
 * '&', bytes that are not UTF-8, an encoding declaration that the bytes
 * contradict), and whatever libxml2 still finds wrong is recovered.  A
 * feed that needed any of it gives every one of its documents the same
 * one warning.
 *
 * Each document keeps its item serialised as XML as its input, so that a
 * WARC holds an exact source per item: the feed around it, without the
 * other items and the blanks between them.  Namespace declarations made
 * on the feed's root are not repeated in that serialisation.
 *
 * The feed is read in parts (nc_reader open/next/close), never held
 * whole as a tree: "the feed, in passes" below says how.
 *
 * A text node may be as large as the input (NC_MAX_INPUT_BYTES), except
 * in a feed that declares entities of its own, which keeps libxml2's
 * 10 MB limit and is warned about when a text passes it (parse_feed).
 *
 * A feed read under the http(s) URL it was fetched from (the name given
 * is that URL) resolves relative references against it when the feed
 * has no absolute link or xml:base of its own.
 *
 * Also read, as feed readers do: Atom 0.3 (issued, created, modified,
 * mode="escaped|xml|base64"), UserLand's namespaced <r:rss>, RSS bodies
 * in <xhtml:body>, <body> or <fullitem>, base64 content, TypePad's
 * <div> of escaped HTML, the Dublin Core, iTunes and Media RSS fields
 * an item lacks otherwise (dc:title, media:title, dc:description,
 * dcterms:issued, itunes:author, itunes:image), "Name <a@b>" authors,
 * and undeclared KOI8-R / windows-1251 (charset.c's guess).  An item
 * whose body cannot be read is left out with a message naming it
 * (nc_doclist_skip); the others are still converted.
 *
 * Not supported: UTF-16 and UTF-32 feeds, RSS 0.90's top-level
 * <textinput>/<image>, Atom content given out of line (src=...: kept as
 * a link), base64 content that is not UTF-8 text (an image, a file: left
 * out), and paging (rel="next"): one file is one feed.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "newsconv.h"
#include "charset.h"
#include "read.h"
#include "util/buf.h"
#include "util/digest.h"
#include "util/filemap.h"
#include "util/date.h"
#include "util/lang.h"
#include "util/map.h"
#include "util/text.h"
#include "util/url.h"

#define FEED_SNIFF_BYTES 65536          /* how far detect() looks for the root */
#define ENTITY_BUDGET NC_MAX_INPUT_BYTES /* internal entity text copied, per feed */
#define TITLE_FROM_BODY 60              /* bytes of body text a missing title takes */
#define DESCRIPTION_MAX 1000            /* bytes kept of a summary beside a body */

static const char BROKEN_WARNING[] = "feed is not well-formed XML; read with recovery";

/* ---- detect ------------------------------------------------------------ */

static size_t find(const unsigned char *p, size_t i, size_t n, const char *s)
{
	size_t k = strlen(s);
	for (; i + k <= n; i++)
		if (p[i] == (unsigned char)s[0] && memcmp(p + i, s, k) == 0)
			return i;
	return n;
}

/* Offset of the root element's '<' after BOM, blanks, declaration,
 * processing instructions, comments and a doctype; n if none. */
static size_t root_start(const unsigned char *p, size_t n)
{
	size_t i = 0;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	for (;;) {
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
			i++;
		if (i + 1 >= n || p[i] != '<')
			return n;
		if (p[i + 1] == '?') {
			i = find(p, i + 2, n, "?>");
			if (i >= n)
				return n;
			i += 2;
		} else if (n - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
			i = find(p, i + 4, n, "-->");
			if (i >= n)
				return n;
			i += 3;
		} else if (n - i >= 9 && strncasecmp((const char *)p + i, "<!DOCTYPE", 9) == 0) {
			size_t gt = find(p, i, n, ">"), br = find(p, i, n, "[");
			if (br < gt) /* internal subset: up to "]>" */
				gt = find(p, br, n, "]");
			i = find(p, gt, n, ">");
			if (i >= n)
				return n;
			i++;
		} else {
			return i;
		}
	}
}

static bool is_atom_ns(const char *h, size_t k)
{
	return (k == 27 && !memcmp(h, "http://www.w3.org/2005/Atom", 27)) ||
	       (k == 24 && !memcmp(h, "http://purl.org/atom/ns#", 24));
}

/* The namespace the root's start tag at p[0..n) declares for prefix
 * (k bytes; 0: the default one) in a quoted xmlns attribute: *href,
 * *hlen; false when it declares none. */
static bool root_ns(const unsigned char *p, size_t n, const char *prefix, size_t k,
		    const char **href, size_t *hlen)
{
	size_t gt = find(p, 0, n, ">");
	for (size_t i = find(p, 0, gt, "xmlns"); i < gt; i = find(p, i + 5, gt, "xmlns")) {
		size_t j = i + 5;
		if (k) {
			if (j >= gt || p[j] != ':' || gt - j - 1 < k || memcmp(p + j + 1, prefix, k))
				continue;
			j += 1 + k;
		}
		while (j < gt && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r' || p[j] == '\n'))
			j++;
		if (j >= gt || p[j] != '=')
			continue;
		j++;
		while (j < gt && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r' || p[j] == '\n'))
			j++;
		if (j >= gt || (p[j] != '"' && p[j] != '\''))
			continue;
		size_t e = j + 1;
		while (e < gt && p[e] != p[j])
			e++;
		*href = (const char *)p + j + 1;
		*hlen = e - j - 1;
		return true;
	}
	return false;
}

/* RSS and RDF by their root's name; Atom by its namespace, whatever the
 * prefix (<atom:feed xmlns:atom="http://www.w3.org/2005/Atom">), or an
 * unprefixed <feed> that declares no namespace (old Atom). */
/* An XML document with a declaration and nothing else (no root): what
 * an empty feed is often served as. */
static bool is_empty_xml(const unsigned char *data, size_t len)
{
	size_t i = len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf ? 3 : 0;
	return len - i >= 5 && !memcmp(data + i, "<?xml", 5) && root_start(data, len) >= len &&
	       len <= FEED_SNIFF_BYTES;
}

static int feed_detect(const unsigned char *data, size_t len)
{
	size_t n = len < FEED_SNIFF_BYTES ? len : FEED_SNIFF_BYTES;
	if (is_empty_xml(data, len))
		return 2;
	size_t i = root_start(data, n);
	if (i >= n)
		return 0;
	size_t tag = i, s = ++i;
	while (i < n && data[i] != ' ' && data[i] != '\t' && data[i] != '\r' &&
	       data[i] != '\n' && data[i] != '>' && data[i] != '/')
		i++;
	if (i >= n)
		return 0;
	size_t k = i - s;
	const char *name = (const char *)data + s;
	if (k == 3 && memcmp(name, "rss", 3) == 0)
		return 2;
	/* <r:rss xmlns:r="http://backend.userland.com/rss2">: RSS 2.0 under
	 * UserLand's namespace, any prefix */
	if (k > 4 && !memcmp(name + k - 4, ":rss", 4)) {
		const char *href = NULL;
		size_t hlen = 0;
		return root_ns(data + tag, n - tag, name, k - 4, &href, &hlen) && hlen >= 31 &&
		       !memcmp(href, "http://backend.userland.com/rss", 31) ? 2 : 0;
	}
	/* rdf:RDF, or RDF under any prefix the feed chose */
	if (k >= 3 && memcmp(name + k - 3, "RDF", 3) == 0 && (k == 3 || name[k - 4] == ':'))
		return 2;
	if (k < 4 || memcmp(name + k - 4, "feed", 4) != 0 || (k > 4 && name[k - 5] != ':'))
		return 0;
	size_t plen = k > 4 ? k - 5 : 0, hlen = 0;
	const char *href = NULL;
	if (root_ns(data + tag, n - tag, name, plen, &href, &hlen))
		return is_atom_ns(href, hlen) ? 2 : 0;
	return plen == 0 || (plen == 4 && !memcmp(name, "atom", 4)) ? 2 : 0;
}

/* ---- mending the bytes before parsing ---------------------------------- */

/* The HTML named entities feeds use in XML, where they are undefined.
 * Constant size: a linear look-up costs nothing the input controls. */
static const struct { const char *name; unsigned cp; } html_entities[] = {
	{"nbsp", 160}, {"iexcl", 161}, {"cent", 162}, {"pound", 163}, {"curren", 164},
	{"yen", 165}, {"brvbar", 166}, {"sect", 167}, {"uml", 168}, {"copy", 169},
	{"ordf", 170}, {"laquo", 171}, {"not", 172}, {"shy", 173}, {"reg", 174},
	{"macr", 175}, {"deg", 176}, {"plusmn", 177}, {"sup2", 178}, {"sup3", 179},
	{"acute", 180}, {"micro", 181}, {"para", 182}, {"middot", 183}, {"cedil", 184},
	{"sup1", 185}, {"ordm", 186}, {"raquo", 187}, {"frac14", 188}, {"frac12", 189},
	{"frac34", 190}, {"iquest", 191}, {"Agrave", 192}, {"Aacute", 193}, {"Acirc", 194},
	{"Atilde", 195}, {"Auml", 196}, {"Aring", 197}, {"AElig", 198}, {"Ccedil", 199},
	{"Egrave", 200}, {"Eacute", 201}, {"Ecirc", 202}, {"Euml", 203}, {"Igrave", 204},
	{"Iacute", 205}, {"Icirc", 206}, {"Iuml", 207}, {"ETH", 208}, {"Ntilde", 209},
	{"Ograve", 210}, {"Oacute", 211}, {"Ocirc", 212}, {"Otilde", 213}, {"Ouml", 214},
	{"times", 215}, {"Oslash", 216}, {"Ugrave", 217}, {"Uacute", 218}, {"Ucirc", 219},
	{"Uuml", 220}, {"Yacute", 221}, {"THORN", 222}, {"szlig", 223}, {"agrave", 224},
	{"aacute", 225}, {"acirc", 226}, {"atilde", 227}, {"auml", 228}, {"aring", 229},
	{"aelig", 230}, {"ccedil", 231}, {"egrave", 232}, {"eacute", 233}, {"ecirc", 234},
	{"euml", 235}, {"igrave", 236}, {"iacute", 237}, {"icirc", 238}, {"iuml", 239},
	{"eth", 240}, {"ntilde", 241}, {"ograve", 242}, {"oacute", 243}, {"ocirc", 244},
	{"otilde", 245}, {"ouml", 246}, {"divide", 247}, {"oslash", 248}, {"ugrave", 249},
	{"uacute", 250}, {"ucirc", 251}, {"uuml", 252}, {"yacute", 253}, {"thorn", 254},
	{"yuml", 255}, {"OElig", 338}, {"oelig", 339}, {"Scaron", 352}, {"scaron", 353},
	{"Yuml", 376}, {"fnof", 402}, {"circ", 710}, {"tilde", 732},
	{"ensp", 8194}, {"emsp", 8195}, {"thinsp", 8201}, {"zwnj", 8204}, {"zwj", 8205},
	{"lrm", 8206}, {"rlm", 8207}, {"ndash", 8211}, {"mdash", 8212}, {"lsquo", 8216},
	{"rsquo", 8217}, {"sbquo", 8218}, {"ldquo", 8220}, {"rdquo", 8221}, {"bdquo", 8222},
	{"dagger", 8224}, {"Dagger", 8225}, {"bull", 8226}, {"hellip", 8230}, {"permil", 8240},
	{"prime", 8242}, {"Prime", 8243}, {"lsaquo", 8249}, {"rsaquo", 8250}, {"oline", 8254},
	{"frasl", 8260}, {"euro", 8364}, {"trade", 8482}, {"larr", 8592}, {"uarr", 8593},
	{"rarr", 8594}, {"darr", 8595}, {"harr", 8596}, {"minus", 8722}, {"infin", 8734},
	{"ne", 8800}, {"le", 8804}, {"ge", 8805}, {"asymp", 8776}, {"hearts", 9829},
};

static unsigned html_entity(const unsigned char *s, size_t k)
{
	for (size_t i = 0; i < sizeof html_entities / sizeof html_entities[0]; i++)
		if (strlen(html_entities[i].name) == k && memcmp(html_entities[i].name, s, k) == 0)
			return html_entities[i].cp;
	return 0;
}

static bool is_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static bool is_digit_in(unsigned char c, bool hex)
{
	return (c >= '0' && c <= '9') ||
	       (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

/* Length of a well-formed reference at p ("&amp;", "&#38;", "&#x26;",
 * "&name;"), 0 when the '&' starts none.  *name and *nlen give a named one. */
static size_t reference_len(const unsigned char *p, size_t n, const unsigned char **name,
			    size_t *nlen)
{
	size_t i = 1;
	*name = NULL;
	*nlen = 0;
	if (i < n && p[i] == '#') {
		i++;
		bool hex = i < n && (p[i] == 'x' || p[i] == 'X');
		if (hex)
			i++;
		size_t d = i;
		while (i < n && i - d < 8 && is_digit_in(p[i], hex))
			i++;
		return i > d && i < n && p[i] == ';' ? i + 1 : 0;
	}
	if (i >= n || !((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z'))
		return 0;
	while (i < n && i < 40 && is_name_char(p[i]))
		i++;
	if (i >= n || p[i] != ';')
		return 0;
	*name = p + 1;
	*nlen = i - 1;
	return i + 1;
}

struct mend {
	struct nc_buf out;
	bool entities;         /* the feed declares entities of its own */
	size_t longest_text;   /* bytes of the longest stretch without markup */
	bool changed;          /* the feed was not well-formed: warn */
	char why[160];         /* the first reason, for the warning */
};

static void mend_note(struct mend *m, const char *why)
{
	m->changed = true;
	if (!m->why[0])
		snprintf(m->why, sizeof m->why, "%s", why);
}

/* "ISO-8859-1" from <?xml ... encoding="ISO-8859-1"?>, into out. */
static bool declared_encoding(const unsigned char *p, size_t n, char *out, size_t outsz)
{
	size_t i = 0;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	if (n - i < 5 || memcmp(p + i, "<?xml", 5) != 0)
		return false;
	size_t end = find(p, i, n < 512 ? n : 512, "?>");
	size_t e = find(p, i, end, "encoding");
	if (e >= end)
		return false;
	e += 8;
	while (e < end && (p[e] == ' ' || p[e] == '=' || p[e] == '\t'))
		e++;
	if (e >= end || (p[e] != '"' && p[e] != '\''))
		return false;
	unsigned char q = p[e++];
	size_t k = 0;
	while (e < end && p[e] != q && k + 1 < outsz)
		out[k++] = (char)p[e++];
	out[k] = '\0';
	return k > 0;
}

static int mend_utf8(struct mend *m, const unsigned char *p, size_t n, bool as_utf8);

/* A declared legacy encoding (Shift_JIS, EUC-KR, ISO-8859-2 ...) made
 * UTF-8 here, by iconv, when it knows the label: a byte it cannot
 * convert becomes U+FFFD and the rest is read, where libxml2 stops at
 * the first such byte and every item after it is lost.  false: iconv
 * does not know it (libxml2 is given the label, as before). */
static bool declared_legacy(struct mend *m, const char *enc, const unsigned char *p, size_t n,
			    struct nc_buf *conv)
{
	if (nc_charset_label_to_utf8(enc, p, n, conv) && !conv->oom) {
		nc_buf_free(conv);
		return false;
	}
	const char *c = conv->oom ? NULL : conv->data, *end = c ? c + conv->len : NULL;
	while (c && (c = memchr(c, 0xef, (size_t)(end - c))) && (end - c < 3 || memcmp(c, "\xef\xbf\xbd", 3)))
		c++;
	if (c) {
		char why[160];
		snprintf(why, sizeof why, "bytes that are not %.60s (each read as U+FFFD)", enc);
		mend_note(m, why);
	}
	return true;
}

/* Copy the feed into m->out, mending what XML parsers refuse:
 *   - bytes that are not UTF-8 in a feed read as UTF-8 are taken as
 *     Latin-1 (one invalid byte at a time, the rest kept);
 *   - HTML named entities become numeric references;
 *   - a '&' that starts no reference, and unknown named references
 *     (unless the feed declares entities of its own), become "&amp;".
 * CDATA sections and comments are copied as they are.  *encoding is
 * set to the encoding to parse with (NULL: as declared). */
static int mend_bytes(struct mend *m, const unsigned char *p, size_t n, const char **encoding)
{
	char enc[64] = "";
	bool declared = declared_encoding(p, n, enc, sizeof enc);
	bool valid = nc_utf8_valid((const char *)p, n);
	bool ascii = true, ascii_label = false;
	for (size_t i = 0; i < n && ascii; i++)
		ascii = p[i] < 0x80;
	const char *name = declared ? nc_charset_name(enc, &ascii_label) : "UTF-8";
	/* an ASCII label over UTF-8 bytes: the usual, harmless mislabel */
	bool as_utf8 = !strcmp(name, "UTF-8") || (ascii_label && valid);
	*encoding = NULL;
	if (declared && !as_utf8 && valid && !ascii) {
		/* declares one encoding, is another: the bytes win */
		char why[160];
		snprintf(why, sizeof why, "declares encoding %.60s but the bytes are UTF-8", enc);
		mend_note(m, why);
		as_utf8 = true;
	}
	struct nc_buf conv = {0};
	const char *cyr = !declared && !valid ? nc_charset_guess_legacy(p, n) : NULL;
	if (cyr && nc_charset_label_to_utf8(cyr, p, n, &conv)) {
		bool oom = conv.oom;
		nc_buf_free(&conv);
		if (oom)
			return NC_ERR_NOMEM;
		cyr = NULL; /* iconv cannot: read as before */
	}
	if (cyr) {
		/* no declaration, not UTF-8, and Cyrillic: read whole as the
		 * legacy encoding it is, not byte by byte as Latin-1 */
		char why[160];
		snprintf(why, sizeof why, "no encoding declared and the bytes are not UTF-8; read as %s", cyr);
		mend_note(m, why);
	} else if (!as_utf8 && !strcmp(name, "WINDOWS-1252")) {
		/* WHATWG: ISO-8859-1 and ASCII labels mean windows-1252, which
		 * libxml2 would not give (input row 15); decoded here, by the
		 * table articles use too (charset.c) */
		if (!ascii)
			nc_charset_from_cp1252(p, n, &conv);
		as_utf8 = true;
	} else if (!as_utf8 && declared_legacy(m, enc, p, n, &conv)) {
		as_utf8 = true;
	} else if (!as_utf8 && strcasecmp(name, enc)) {
		*encoding = name; /* a GBK label: GB18030 */
	}
	if (conv.oom) {
		nc_buf_free(&conv);
		return NC_ERR_NOMEM;
	}
	if (conv.data) { /* converted above: the UTF-8 is read from here on */
		p = (const unsigned char *)conv.data;
		n = conv.len;
	}
	if (as_utf8)
		*encoding = "UTF-8";
	int rc = mend_utf8(m, p, n, as_utf8);
	nc_buf_free(&conv);
	return rc;
}

/* One character at p copied as UTF-8: a valid sequence as it is, a
 * byte that starts none as Latin-1.  Returns the bytes used. */
static size_t mend_char(struct mend *m, const unsigned char *p, size_t n)
{
	size_t k = nc_utf8_valid_seq(p, n);
	if (k) {
		nc_buf_put(&m->out, p, k);
		return k;
	}
	char u[4];
	nc_buf_put(&m->out, u, (size_t)nc_utf8_encode(p[0], u));
	mend_note(m, "bytes that are not UTF-8 (read as Latin-1)");
	return 1;
}

/* The '&' at p copied as a reference XML knows.  Returns the bytes used. */
static size_t mend_reference(struct mend *m, const unsigned char *p, size_t n, bool own_entities)
{
	const unsigned char *name;
	size_t nlen, k = reference_len(p, n, &name, &nlen);
	if (k && !name) {
		nc_buf_put(&m->out, p, k); /* numeric */
	} else if (k && ((nlen == 3 && !memcmp(name, "amp", 3)) ||
			 (nlen == 2 && (!memcmp(name, "lt", 2) || !memcmp(name, "gt", 2))) ||
			 (nlen == 4 && (!memcmp(name, "quot", 4) || !memcmp(name, "apos", 4))))) {
		nc_buf_put(&m->out, p, k);
	} else if (k && html_entity(name, nlen)) {
		nc_buf_printf(&m->out, "&#%u;", html_entity(name, nlen));
		mend_note(m, "HTML entities that XML does not define");
	} else if (k && own_entities) {
		nc_buf_put(&m->out, p, k);
	} else {
		nc_buf_puts(&m->out, "&amp;");
		mend_note(m, k ? "an undefined entity" : "a bare '&'");
		k = 1;
	}
	return k;
}

/* The copy of mend_bytes(); as_utf8: p is to be UTF-8. */
static int mend_utf8(struct mend *m, const unsigned char *p, size_t n, bool as_utf8)
{
	bool own_entities = m->entities = find(p, 0, n, "<!ENTITY") < n;
	size_t last_lt = 0; /* for the longest stretch without markup */

	if (nc_buf_reserve(&m->out, n + n / 16 + 16))
		return NC_ERR_NOMEM;
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c == '<') {
			if (i - last_lt > m->longest_text)
				m->longest_text = i - last_lt;
			last_lt = i;
		}
		if (c == '<' && n - i >= 9 && memcmp(p + i, "<![CDATA[", 9) == 0) {
			size_t e = find(p, i + 9, n, "]]>");
			e = e < n ? e + 3 : n;
			if (e - i > m->longest_text)
				m->longest_text = e - i;
			/* CDATA text must still be UTF-8, but its '&' is text */
			if (!as_utf8)
				nc_buf_put(&m->out, p + i, e - i);
			for (size_t j = i; as_utf8 && j < e;)
				j += mend_char(m, p + j, e - j);
			i = e;
		} else if (c == '<' && n - i >= 4 && memcmp(p + i, "<!--", 4) == 0) {
			size_t e = find(p, i + 4, n, "-->");
			e = e < n ? e + 3 : n;
			nc_buf_put(&m->out, p + i, e - i);
			i = e;
		} else if (c == '&') {
			i += mend_reference(m, p + i, n - i, own_entities);
		} else if (as_utf8 && c >= 0x80) {
			i += mend_char(m, p + i, n - i);
		} else {
			nc_buf_putc(&m->out, c);
			i++;
		}
	}
	if (n - last_lt > m->longest_text)
		m->longest_text = n - last_lt;
	return m->out.oom ? NC_ERR_NOMEM : NC_OK;
}

/* ---- the parsed tree --------------------------------------------------- */

enum ns { NS_CORE, NS_ATOM, NS_CONTENT, NS_DC, NS_MEDIA, NS_ITUNES, NS_OTHER };

enum feed_kind { FEED_RSS, FEED_RDF, FEED_ATOM };

struct feed {
	xmlDoc *x;
	enum feed_kind kind;
	const char *name;        /* the input, for messages */
	const char *url;         /* name, when the input was fetched from that http(s) URL */
	char *title, *link, *language;
	struct nc_strlist authors; /* an Atom feed's, which its entries inherit */
	xmlNode *channel;        /* RSS channel, Atom feed */
	size_t entity_budget;    /* bytes of internal entities left to copy */
	struct nc_buf shell_head, shell_tail; /* the feed around its items (feed_shell) */
	bool broken;
	char why[160];
	struct nc_err *err;
};

static const char *local_name(const xmlNode *n)
{
	const char *s = (const char *)n->name;
	const char *c = n->ns ? NULL : strchr(s, ':');
	return c ? c + 1 : s;
}

static enum ns ns_of_href(const char *h, bool atom_feed)
{
	if (!strcmp(h, "http://www.w3.org/2005/Atom") || !strcmp(h, "http://purl.org/atom/ns#"))
		return atom_feed ? NS_CORE : NS_ATOM;
	if (!strcmp(h, "http://purl.org/rss/1.0/") || !strcmp(h, "http://my.netscape.com/rdf/simple/0.9/") ||
	    !strcmp(h, "http://backend.userland.com/rss2") || !strcmp(h, "http://backend.userland.com/rss"))
		return NS_CORE;
	if (!strcmp(h, "http://purl.org/rss/1.0/modules/content/"))
		return NS_CONTENT;
	if (!strncmp(h, "http://purl.org/dc/elements/1.1", 31) || !strncmp(h, "http://purl.org/dc/terms", 24))
		return NS_DC;
	if (!strncmp(h, "http://search.yahoo.com/mrss", 28))
		return NS_MEDIA;
	if (!strcmp(h, "http://www.itunes.com/dtds/podcast-1.0.dtd"))
		return NS_ITUNES;
	return NS_OTHER;
}

/* The namespace of an element; a prefix the feed forgot to declare is
 * taken at its usual meaning. */
static enum ns ns_of(const struct feed *f, const xmlNode *n)
{
	if (n->ns && n->ns->href)
		return ns_of_href((const char *)n->ns->href, f->kind == FEED_ATOM);
	const char *s = (const char *)n->name, *c = strchr(s, ':');
	if (!c)
		return NS_CORE;
	size_t k = (size_t)(c - s);
	static const struct { const char *prefix; enum ns ns; } known[] = {
		{"atom", NS_ATOM}, {"content", NS_CONTENT}, {"dc", NS_DC},
		{"dcterms", NS_DC}, {"media", NS_MEDIA}, {"itunes", NS_ITUNES},
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strlen(known[i].prefix) == k && !memcmp(s, known[i].prefix, k))
			return known[i].ns == NS_ATOM && f->kind == FEED_ATOM ? NS_CORE : known[i].ns;
	return NS_OTHER;
}

static bool is(const struct feed *f, const xmlNode *n, enum ns ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && ns_of(f, n) == ns && !strcmp(local_name(n), name);
}

static xmlNode *child(const struct feed *f, const xmlNode *parent, enum ns ns, const char *name)
{
	for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (is(f, c, ns, name))
			return c;
	return NULL;
}

static const char *attr(const xmlNode *n, const char *name)
{
	for (xmlAttr *a = n->properties; a; a = a->next)
		if (!strcmp((const char *)a->name, name) && a->children &&
		    (a->children->type == XML_TEXT_NODE) && a->children->content)
			return (const char *)a->children->content;
	return NULL;
}

/* Copy an internal entity's text (a feed's own <!ENTITY>), within the
 * per-feed budget: the references are not expanded by the parser. */
static void put_entity(struct feed *f, struct nc_buf *b, const xmlNode *n)
{
	xmlEntity *e = xmlGetDocEntity(f->x, n->name);
	if (e && e->etype == XML_INTERNAL_GENERAL_ENTITY && e->content) {
		size_t k = strlen((const char *)e->content);
		if (k <= f->entity_budget) {
			f->entity_budget -= k;
			nc_buf_put(b, e->content, k);
			return;
		}
	}
	nc_buf_printf(b, "&%s;", (const char *)n->name);
}

/* All text under n (text, CDATA, entities), without recursion. */
static void put_text(struct feed *f, struct nc_buf *b, const xmlNode *n)
{
	const xmlNode *c = n->children;
	while (c) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content)
				nc_buf_puts(b, (const char *)c->content);
		} else if (c->type == XML_ENTITY_REF_NODE) {
			put_entity(f, b, c);
		} else if (c->type == XML_ELEMENT_NODE && c->children) {
			c = c->children;
			continue;
		}
		while (c && !c->next && c != n)
			c = c->parent;
		if (!c || c == n)
			break;
		c = c->next;
	}
}

/* Text of n, malloc'd ("" when empty), NULL on OOM. */
static char *text_of(struct feed *f, const xmlNode *n)
{
	struct nc_buf b = {0};
	if (n)
		put_text(f, &b, n);
	if (!b.data)
		nc_buf_reserve(&b, 1);
	if (b.oom) {
		nc_buf_free(&b);
		return NULL;
	}
	return nc_buf_detach(&b, NULL);
}

/* Text of n squashed to one line, or NULL when blank (or OOM: *oom). */
static char *line_of(struct feed *f, const xmlNode *n, bool *oom)
{
	if (!n)
		return NULL;
	char *t = text_of(f, n);
	char *s = t ? nc_str_squash(t) : NULL;
	free(t);
	if (!s) {
		*oom = true;
		return NULL;
	}
	if (!*s) {
		free(s);
		return NULL;
	}
	return s;
}

/* Serialise a node as UTF-8 XML (no character references for non-ASCII). */
static void put_xml(struct nc_buf *b, xmlDoc *x, xmlNode *n)
{
	xmlBuffer *xb = xmlBufferCreate();
	if (!xb) {
		b->oom = true;
		return;
	}
	xmlSaveCtxt *s = xmlSaveToBuffer(xb, "UTF-8", XML_SAVE_NO_DECL);
	if (!s) {
		xmlBufferFree(xb);
		b->oom = true;
		return;
	}
	(void)x;
	xmlSaveTree(s, n);
	xmlSaveClose(s);
	nc_buf_put(b, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
}

/* TypePad's wrapper: the content's one element is a <div> outside the
 * XHTML namespace holding nothing but text, and that text is escaped
 * HTML.  The div is then a wrapper and its text the HTML (else its tags
 * were shown as literal text). */
static xmlNode *typepad_div(xmlNode *n)
{
	xmlNode *div = NULL;
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			if (div || strcmp(local_name(c), "div"))
				return NULL;
			div = c;
		} else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
			   !nc_str_blank((const char *)c->content)) {
			return NULL;
		}
	}
	if (!div || (div->ns && div->ns->href &&
		     !strcmp((const char *)div->ns->href, "http://www.w3.org/1999/xhtml")))
		return NULL;
	bool markup = false;
	for (xmlNode *c = div->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			return NULL;
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content &&
		    strchr((const char *)c->content, '<'))
			markup = true;
	}
	return markup ? div : NULL;
}

/* The HTML an element holds: its text when it has no child elements
 * (entity-escaped or CDATA HTML), else its children serialised (HTML
 * written straight into the feed, which recovery keeps as elements). */
static void put_html(struct feed *f, struct nc_buf *b, xmlNode *n)
{
	bool elements = false;
	for (xmlNode *c = n->children; c && !elements; c = c->next)
		elements = c->type == XML_ELEMENT_NODE;
	if (!elements) {
		put_text(f, b, n);
		return;
	}
	xmlNode *tp = typepad_div(n);
	if (tp) {
		put_text(f, b, tp);
		return;
	}
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE && c->content)
			nc_buf_puts_xml(b, (const char *)c->content, false);
		else if (c->type == XML_CDATA_SECTION_NODE && c->content)
			nc_buf_puts(b, (const char *)c->content);
		else if (c->type == XML_ENTITY_REF_NODE)
			put_entity(f, b, c);
		else if (c->type == XML_ELEMENT_NODE)
			put_xml(b, f->x, c);
	}
}

/* Plain text as HTML paragraphs: blank lines part them. */
static void put_text_as_html(struct nc_buf *b, const char *s)
{
	nc_buf_puts(b, "<p>");
	while (*s) {
		const char *e = strstr(s, "\n\n");
		size_t k = e ? (size_t)(e - s) : strlen(s);
		nc_buf_put_xml(b, s, k, false);
		if (!e)
			break;
		nc_buf_puts(b, "</p>\n<p>");
		s = e;
		while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
			s++;
	}
	nc_buf_puts(b, "</p>");
}

static const char *feed_base(const struct feed *f);
static char *xml_base(struct feed *f, xmlNode *n, bool *oom);

static bool is_void_html(const char *name)
{
	static const char *const v[] = {"area", "base", "br", "col", "embed", "hr", "img",
					"input", "link", "meta", "param", "source", "track", "wbr"};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

static bool is_url_attr(const char *name)
{
	return !strcmp(name, "href") || !strcmp(name, "src") || !strcmp(name, "poster");
}

/* "<name attrs", the name without its prefix.  An xml:base on el gives
 * the base (*own, malloc'd) that its references and its descendants'
 * resolve against; *base is that, else the one of its parent (NULL: no
 * xml:base inside the content, left to rebase_body). */
static void open_xhtml_tag(struct feed *f, struct nc_buf *b, xmlNode *el, const char **base,
			   char **own, xmlNode *content)
{
	*own = NULL;
	xmlChar *xb = xmlGetNsProp(el, (const xmlChar *)"base", XML_XML_NAMESPACE);
	if (xb) {
		bool oom = false;
		char *outer = *base ? NULL : xml_base(f, content, &oom);
		const char *from = *base ? *base : outer ? outer : feed_base(f);
		*own = nc_url_resolve(from, (const char *)xb);
		free(outer);
		xmlFree(xb);
		if (*own)
			*base = *own;
		b->oom |= oom;
	}
	nc_buf_putc(b, '<');
	nc_buf_puts(b, local_name(el));
	for (xmlAttr *a = el->properties; a; a = a->next) {
		if (a->ns && a->ns->href && !strcmp((const char *)a->ns->href, (const char *)XML_XML_NAMESPACE) &&
		    !strcmp((const char *)a->name, "base"))
			continue;
		xmlChar *v = xmlNodeListGetString(f->x, a->children, 1);
		nc_buf_putc(b, ' ');
		if (a->ns && a->ns->prefix)
			nc_buf_printf(b, "%s:", (const char *)a->ns->prefix);
		nc_buf_puts(b, (const char *)a->name);
		nc_buf_puts(b, "=\"");
		char *r = NULL;
		if (v && *base && !a->ns && is_url_attr((const char *)a->name) &&
		    !nc_url_is_blank((const char *)v) && v[0] != '#')
			r = nc_url_resolve(*base, (const char *)v);
		nc_buf_puts_xml(b, r ? r : v ? (const char *)v : "", true);
		nc_buf_putc(b, '"');
		free(r);
		xmlFree(v);
	}
}

/* The children of an XHTML content's wrapping div as HTML (RFC 4287
 * 3.1.1.3): elements under any prefix (<xh:p>) written by their local
 * name, which is how the HTML reader knows them, and references under
 * an xml:base given inside the content resolved against it (input rows
 * 2 and 25).  Iterative: no recursion on the input's depth. */
static void put_xhtml(struct feed *f, struct nc_buf *b, xmlNode *div, xmlNode *content)
{
	struct level { const char *base; char *own; } *st = NULL;
	size_t depth = 0, cap = 0;
	const char *base = NULL;
	char *div_own = NULL;
	xmlChar *xb = div == content ? NULL : xmlGetNsProp(div, (const xmlChar *)"base", XML_XML_NAMESPACE);
	if (xb) {
		bool oom = false;
		char *outer = xml_base(f, content, &oom);
		div_own = nc_url_resolve(outer ? outer : feed_base(f), (const char *)xb);
		base = div_own;
		free(outer);
		xmlFree(xb);
		b->oom |= oom;
	}
	xmlNode *c = div->children;
	while (c && !b->oom) {
		if (c->type == XML_ELEMENT_NODE) {
			const char *eb = base;
			char *own;
			open_xhtml_tag(f, b, c, &eb, &own, content);
			if (c->children && !is_void_html(local_name(c))) {
				if (depth == cap) {
					size_t nc = cap ? 2 * cap : 16;
					struct level *v = realloc(st, nc * sizeof *v);
					if (!v) {
						free(own);
						b->oom = true;
						break;
					}
					st = v;
					cap = nc;
				}
				st[depth++] = (struct level){base, own};
				base = eb;
				nc_buf_putc(b, '>');
				c = c->children;
				continue;
			}
			nc_buf_puts(b, "/>");
			free(own);
		} else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
			nc_buf_puts_xml(b, (const char *)c->content, false);
		} else if (c->type == XML_ENTITY_REF_NODE) {
			nc_buf_printf(b, "&%s;", (const char *)c->name);
		}
		while (c && !c->next && c->parent != div) {
			c = c->parent;
			nc_buf_printf(b, "</%s>", local_name(c));
			depth--;
			base = st[depth].base;
			free(st[depth].own);
		}
		c = c ? c->next : NULL;
	}
	while (depth)
		free(st[--depth].own);
	free(st);
	free(div_own);
}

static int base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : -1;
}

/* RFC 4648 base64 (blanks skipped, padding optional) into out; false
 * when s holds anything else. */
static bool base64_decode(const char *s, struct nc_buf *out)
{
	unsigned acc = 0;
	int bits = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=')
			break;
		int v = base64_value(c);
		if (v < 0)
			return false;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			nc_buf_putc(out, (char)((acc >> bits) & 0xff));
		}
	}
	for (; *s; s++)
		if (*s != '=' && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return false;
	return true;
}

/* Content given in base64: Atom 0.3's mode="base64", or an Atom 1.0
 * content whose type is neither text nor XML (RFC 4287 4.1.3.3). */
static bool is_base64_content(const xmlNode *n, const char *type)
{
	const char *mode = attr(n, "mode");
	if (mode)
		return !strcasecmp(mode, "base64");
	if (!type || !strchr(type, '/') || !strncasecmp(type, "text/", 5))
		return false;
	size_t k = strlen(type);
	return !(k >= 4 && (!strcasecmp(type + k - 4, "+xml") || !strcasecmp(type + k - 4, "/xml")));
}

/* Base64 content decoded: UTF-8 text is read as HTML when its type says
 * so or it holds tags, else as plain text; other bytes (an image, a
 * file) cannot be shown in the body and are left out.  Not base64 after
 * all: read as the HTML it is. */
static void put_base64(struct feed *f, struct nc_buf *b, xmlNode *n, const char *type)
{
	char *t = text_of(f, n);
	struct nc_buf raw = {0};
	if (!t || !base64_decode(t, &raw)) {
		b->oom |= !t;
		if (t)
			put_html(f, b, n);
		free(t);
		nc_buf_free(&raw);
		return;
	}
	free(t);
	b->oom |= raw.oom;
	if (raw.data && !memchr(raw.data, '\0', raw.len) && nc_utf8_valid(raw.data, raw.len)) {
		bool plain = type && !strncasecmp(type, "text/", 5) && strcasecmp(type, "text/html");
		if (!plain && memchr(raw.data, '<', raw.len))
			nc_buf_put(b, raw.data, raw.len);
		else if (!nc_str_blank(raw.data))
			put_text_as_html(b, raw.data);
	}
	nc_buf_free(&raw);
}

/* An Atom text construct (RFC 4287 3.1) or a <content> as HTML. */
static void put_atom_html(struct feed *f, struct nc_buf *b, xmlNode *n)
{
	const char *type = attr(n, "type");
	const char *src = attr(n, "src");
	if (src) {
		nc_buf_puts(b, "<p><a href=\"");
		nc_buf_puts_xml(b, src, true);
		nc_buf_puts(b, "\">");
		nc_buf_puts_xml(b, src, false);
		nc_buf_puts(b, "</a></p>");
		return;
	}
	if (is_base64_content(n, type)) {
		put_base64(f, b, n, type);
		return;
	}
	xmlNode *tp = typepad_div(n);
	if (tp) {
		put_text(f, b, tp);
		return;
	}
	if (!type || !strcasecmp(type, "text") || (!strncasecmp(type, "text/", 5) &&
						    strcasecmp(type, "text/html"))) {
		char *t = text_of(f, n);
		if (!t) {
			b->oom = true;
			return;
		}
		if (!nc_str_blank(t))
			put_text_as_html(b, t);
		free(t);
	} else if (!strcasecmp(type, "xhtml") || !strcasecmp(type, "application/xhtml+xml")) {
		xmlNode *div = NULL;
		for (xmlNode *c = n->children; c && !div; c = c->next)
			if (c->type == XML_ELEMENT_NODE)
				div = c;
		/* The div is a wrapper, not content (RFC 4287 3.1.1.3). */
		if (div && !strcmp(local_name(div), "div"))
			put_xhtml(f, b, div, n);
		else if (div) /* no wrapper: the elements are the content */
			put_xhtml(f, b, n, n);
		else
			put_html(f, b, n);
	} else {
		put_html(f, b, n); /* "html", "text/html", or a type we read as HTML */
	}
}

/* Tags stripped and entities decoded (HTML rules), squashed; NULL when
 * blank or on OOM (*oom). */
static char *html_to_line(const char *html, bool *oom)
{
	if (!html)
		return NULL;
	if (!strchr(html, '<') && !strchr(html, '&')) {
		char *s = nc_str_squash(html);
		if (!s)
			*oom = true;
		else if (!*s) {
			free(s);
			s = NULL;
		}
		return s;
	}
	size_t len = strlen(html);
	if (len > INT32_MAX)
		return NULL;
	htmlDocPtr h = htmlReadMemory(html, (int)len, NULL, "UTF-8",
				      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
				      HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	if (!h)
		return NULL;
	xmlNode *root = xmlDocGetRootElement(h);
	xmlChar *t = root ? xmlNodeGetContent(root) : NULL;
	char *s = t ? nc_str_squash((const char *)t) : NULL;
	if (t && !s)
		*oom = true;
	xmlFree(t);
	xmlFreeDoc(h);
	if (s && !*s) {
		free(s);
		s = NULL;
	}
	return s;
}

/* s with its character references decoded once more (numeric, XML's
 * five and the HTML entities of mend_bytes), as plain text: no tag is
 * read.  Malloc'd, NULL on OOM. */
static char *decode_refs(const char *s)
{
	struct nc_buf b = {0};
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		const unsigned char *name, *p = (const unsigned char *)s + i;
		size_t nlen, k = s[i] == '&' ? reference_len(p, n - i, &name, &nlen) : 0;
		unsigned cp = 0;
		if (k && !name) {
			bool hex = p[2] == 'x' || p[2] == 'X';
			cp = (unsigned)strtoul((const char *)p + (hex ? 3 : 2), NULL, hex ? 16 : 10);
		} else if (k) {
			static const struct { const char *n; unsigned cp; } xml[] = {
				{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
			for (size_t j = 0; j < 5 && !cp; j++)
				if (strlen(xml[j].n) == nlen && !memcmp(xml[j].n, name, nlen))
					cp = xml[j].cp;
			if (!cp)
				cp = html_entity(name, nlen);
		}
		/* what XML 1.0 cannot hold stays as written */
		if (!cp || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000) ||
		    (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r')) {
			nc_buf_putc(&b, s[i++]);
			continue;
		}
		char u[4];
		nc_buf_put(&b, u, (size_t)nc_utf8_encode(cp, u));
		i += k;
	}
	if (!b.data)
		nc_buf_reserve(&b, 1);
	if (b.oom) {
		nc_buf_free(&b);
		return NULL;
	}
	return nc_buf_detach(&b, NULL);
}

/* <script>...</script> and <style>...</style> taken out of a title, in
 * place: a chapter title is never meant to show code (a title of "a<b"
 * or "vector<int>" has no closing tag and stays).  Each removal resumes
 * after the closing tag: linear. */
static void drop_scripts(char *s)
{
	static const char *const names[] = {"script", "style"};
	bool unclosed[2] = {false, false}; /* no closing tag further on */
	char *w = s, *r = s;
	while (*r) {
		const char *close = NULL;
		for (int i = 0; i < 2 && !close && *r == '<'; i++) {
			size_t k = strlen(names[i]);
			if (unclosed[i] || strncasecmp(r + 1, names[i], k) ||
			    (r[1 + k] != '>' && r[1 + k] != ' ' && r[1 + k] != '\t' && r[1 + k] != '/'))
				continue;
			for (const char *c = strchr(r + 1 + k, '<'); c && !close; c = strchr(c + 1, '<'))
				if (c[1] == '/' && !strncasecmp(c + 2, names[i], k))
					close = c;
			unclosed[i] = !close;
		}
		const char *gt = close ? strchr(close, '>') : NULL;
		if (close && !gt) /* no '>' left at all: nothing further closes */
			unclosed[0] = unclosed[1] = true;
		if (!gt) {
			*w++ = *r++;
			continue;
		}
		r = (char *)gt + 1;
	}
	*w = '\0';
}

/* A title: Atom titles say their type; RSS titles are plain text by the
 * spec (input row 14: "vector<int>" is not a tag), though escaped twice
 * often enough (&amp;#8217;) that their references are decoded again. */
static char *title_of(struct feed *f, xmlNode *n, bool *oom)
{
	if (!n)
		return NULL;
	char *t = text_of(f, n);
	if (!t) {
		*oom = true;
		return NULL;
	}
	const char *type = attr(n, "type");
	bool html = type && (!strcasecmp(type, "html") || !strcasecmp(type, "xhtml") ||
			     !strcasecmp(type, "text/html"));
	if (type && !strcasecmp(type, "xhtml")) {
		struct nc_buf b = {0};
		put_atom_html(f, &b, n);
		free(t);
		t = b.oom ? NULL : nc_buf_detach(&b, NULL);
		if (!t) {
			nc_buf_free(&b);
			if (!b.oom)
				return NULL;
			*oom = true;
			return NULL;
		}
	}
	char *s;
	drop_scripts(t);
	if (html) {
		s = html_to_line(t, oom);
	} else if (!type && f->kind != FEED_ATOM) {
		char *plain = decode_refs(t);
		if (plain)
			drop_scripts(plain);
		s = plain ? nc_str_squash(plain) : NULL;
		free(plain);
		if (!s)
			*oom = true;
		else if (!*s) {
			free(s);
			s = NULL;
		}
	} else {
		s = nc_str_squash(t);
		if (!s)
			*oom = true;
		else if (!*s) {
			free(s);
			s = NULL;
		}
	}
	free(t);
	return s;
}

/* What relative references of the feed are resolved against when no
 * xml:base says: the feed's link, else the URL the feed was fetched from. */
static const char *feed_base(const struct feed *f)
{
	return f->link ? f->link : f->url;
}

/* The base URI of element n from its xml:base chain (XML Base; libxml2
 * joins the chain), malloc'd, or NULL when no xml:base applies (or on
 * OOM: *oom).  A chain that stays relative is resolved against the URL
 * the document was fetched from (RFC 3986 5.1.3), else, for a file,
 * against the feed's link (input row 25). */
static char *xml_base(struct feed *f, xmlNode *n, bool *oom)
{
	xmlChar *xb = n ? xmlNodeGetBase(f->x, n) : NULL;
	if (!xb)
		return NULL;
	char *base = nc_url_resolve(f->url ? f->url : f->link, (const char *)xb);
	if (!base && !nc_url_is_blank((const char *)xb))
		*oom = true;
	xmlFree(xb);
	return base;
}

/* The absolute URL of a reference made in element n: against the
 * element's xml:base, then the feed's link (or URL). */
static char *absolute(struct feed *f, xmlNode *n, const char *ref, bool *oom)
{
	if (!ref || nc_url_is_blank(ref))
		return NULL;
	char *base = xml_base(f, n, oom);
	if (!base && !*oom && feed_base(f)) {
		base = strdup(feed_base(f));
		if (!base)
			*oom = true;
	}
	const char *b = base && nc_url_is_absolute(base) ? base : NULL;
	char *r = nc_url_resolve(b, ref);
	free(base);
	if (!r)
		*oom = true;
	return r;
}

/* ---- one item ------------------------------------------------------------ */

/* Whether the item has this extra key already: the few keys this
 * reader adds, so a look along them costs nothing the input controls. */
static bool has_extra(const struct nc_meta *m, const char *key)
{
	for (size_t i = 0; i < m->nextra; i++)
		if (!strcmp(m->extra[i].key, key))
			return true;
	return false;
}

/* s[from, to) trimmed, into a new string (NULL when blank or on OOM:
 * *oom). */
static char *trimmed(const char *s, size_t from, size_t to, bool *oom)
{
	while (from < to && (s[from] == ' ' || s[from] == '\t'))
		from++;
	while (to > from && (s[to - 1] == ' ' || s[to - 1] == '\t'))
		to--;
	if (from == to)
		return NULL;
	char *r = strndup(s + from, to - from);
	*oom |= !r;
	return r;
}

/* The forms RSS 2.0 authors take: "jane@ex.org (Jane Doe)", "Jane Doe
 * (jane@ex.org)", "Jane Doe <jane@ex.org>".  *s becomes the name alone,
 * *email the address (malloc'd; NULL when none is given apart). */
static bool split_author(char **s, char **email)
{
	char *a = *s, *name = NULL;
	bool oom = false;
	*email = NULL;
	char *lt = strrchr(a, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	char *o = strchr(a, '('), *c = o ? strchr(o, ')') : NULL;
	if (lt && gt && memchr(lt, '@', (size_t)(gt - lt))) {
		*email = trimmed(a, (size_t)(lt - a) + 1, (size_t)(gt - a), &oom);
		name = trimmed(a, 0, (size_t)(lt - a), &oom);
	} else if (o && c) {
		size_t in_from = (size_t)(o - a) + 1, in_to = (size_t)(c - a);
		bool at_in = memchr(o, '@', (size_t)(c - o)) != NULL;
		const char *at = strchr(a, '@');
		bool at_out = (at && at < o) || strchr(c, '@');
		if (at_in != at_out) {
			char *inner = trimmed(a, in_from, in_to, &oom);
			struct nc_buf out = {0};
			nc_buf_put(&out, a, (size_t)(o - a));
			nc_buf_puts(&out, c + 1);
			char *outer = out.oom || !out.data ? NULL : nc_str_squash(out.data);
			oom |= out.data && !outer;
			if (outer && !*outer) {
				free(outer);
				outer = NULL;
			}
			oom |= out.oom;
			nc_buf_free(&out);
			*email = at_in ? inner : outer;
			name = at_in ? outer : inner;
		}
	}
	if (*email && !name && !oom) /* "<jane@ex.org>" alone: the address is the name */
		oom = !(name = strdup(*email));
	if (oom || !*email) {
		free(name);
		free(*email);
		*email = NULL;
		return !oom;
	}
	free(*s);
	*s = name;
	return true;
}

static bool is_image_type(const char *t)
{
	return t && !strncasecmp(t, "image/", 6);
}

/* The cover: an image enclosure, then an image media:content, then a
 * media:thumbnail (also inside media:group / media:content). */
static const char *cover_of(struct feed *f, xmlNode *item, xmlNode **where)
{
	const char *thumb = NULL, *media = NULL;
	xmlNode *thumb_n = NULL, *media_n = NULL;
	for (xmlNode *c = item->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((is(f, c, NS_CORE, "enclosure") && is_image_type(attr(c, "type")) && attr(c, "url")) ||
		    ((is(f, c, NS_CORE, "link") || is(f, c, NS_ATOM, "link")) && attr(c, "rel") &&
		     !strcmp(attr(c, "rel"), "enclosure") && is_image_type(attr(c, "type")) && attr(c, "href"))) {
			*where = c;
			return attr(c, "url") ? attr(c, "url") : attr(c, "href");
		}
		if (ns_of(f, c) != NS_MEDIA)
			continue;
		/* media:group holds media:content; media:content may hold a
		 * thumbnail.  Every child of the group is looked at: YouTube
		 * puts its thumbnail third (input row 13). */
		bool group = !strcmp(local_name(c), "group");
		for (xmlNode *m = group ? c->children : c; m; m = group ? m->next : NULL) {
			if (m->type != XML_ELEMENT_NODE || ns_of(f, m) != NS_MEDIA)
				continue;
			const char *u = attr(m, "url");
			if (u && !strcmp(local_name(m), "content") && !media &&
			    ((attr(m, "medium") && !strcmp(attr(m, "medium"), "image")) ||
			     is_image_type(attr(m, "type")))) {
				media = u;
				media_n = m;
			} else if (u && !strcmp(local_name(m), "thumbnail") && !thumb) {
				thumb = u;
				thumb_n = m;
			}
			for (xmlNode *t = m->children; t && !thumb; t = t->next)
				if (t->type == XML_ELEMENT_NODE && ns_of(f, t) == NS_MEDIA &&
				    !strcmp(local_name(t), "thumbnail") && attr(t, "url")) {
					thumb = attr(t, "url");
					thumb_n = t;
				}
		}
	}
	*where = media ? media_n : thumb_n;
	return media ? media : thumb;
}

/* The first words of the body, for an item without a title. */
static char *title_from_body(struct nc_node *root, size_t number)
{
	struct nc_buf b = {0};
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE && b.len < 4 * TITLE_FROM_BODY) {
		struct nc_node *n = it.cur;
		if (ev == NC_EVENT_ENTER && (n->type == NC_NODE_TEXT || n->type == NC_NODE_CODE))
			nc_buf_put(&b, n->as.text.literal, n->as.text.len);
		else if (n->type == NC_NODE_LINE_BREAK || (ev == NC_EVENT_EXIT && nc_node_is_block(n->type)))
			nc_buf_putc(&b, ' ');
	}
	char *s = b.data ? nc_str_squash(b.data) : NULL;
	bool oom = b.oom;
	nc_buf_free(&b);
	if (oom) {
		free(s);
		return NULL;
	}
	if (!s || !*s) {
		free(s);
		struct nc_buf t = {0};
		nc_buf_printf(&t, "Item %zu", number);
		return t.oom ? NULL : nc_buf_detach(&t, NULL);
	}
	size_t n = strlen(s);
	if (n <= TITLE_FROM_BODY)
		return s;
	size_t cut = TITLE_FROM_BODY;
	while (cut > TITLE_FROM_BODY / 2 && s[cut] != ' ')
		cut--;
	if (s[cut] != ' ') {
		cut = TITLE_FROM_BODY;
		while (cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	while (cut && s[cut - 1] == ' ')
		cut--;
	char *r = malloc(cut + sizeof "\xe2\x80\xa6");
	if (r) {
		memcpy(r, s, cut);
		memcpy(r + cut, "\xe2\x80\xa6", sizeof "\xe2\x80\xa6");
	}
	free(s);
	return r;
}

/* Relative URLs of the body against the base the content was written
 * under (its xml:base); what is left relative nc_resolve() resolves
 * against the item's link. */
static bool rebase_body(struct nc_node *root, const char *base)
{
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		if (ev != NC_EVENT_ENTER)
			continue;
		struct nc_node *n = it.cur;
		char **v[2] = {NULL, NULL};
		if (n->type == NC_NODE_LINK)
			v[0] = &n->as.link.url;
		else if (n->type == NC_NODE_IMAGE)
			v[0] = &n->as.image.url;
		else if (n->type == NC_NODE_EMBED) {
			v[0] = &n->as.embed.url;
			v[1] = &n->as.embed.poster;
		}
		for (int i = 0; i < 2; i++) {
			if (!v[i] || !*v[i] || nc_url_is_blank(*v[i]) || nc_url_is_absolute(*v[i]) ||
			    (*v[i])[0] == '#')
				continue;
			char *r = nc_url_resolve(base, *v[i]);
			if (!r)
				return false;
			free(*v[i]);
			*v[i] = r;
		}
	}
	return true;
}

struct categories {
	struct nc_strlist *v;
	size_t n, cap;
	struct nc_map seen;
};

static int add_category(struct categories *c, const char *s)
{
	char *name = nc_str_squash(s);
	if (!name)
		return NC_ERR_NOMEM;
	int rc = NC_OK;
	if (!*name || nc_map_get_str(&c->seen, name))
		goto out;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		struct nc_strlist *v = realloc(c->v, cap * sizeof *v);
		if (!v) {
			rc = NC_ERR_NOMEM;
			goto out;
		}
		c->v = v;
		c->cap = cap;
	}
	memset(&c->v[c->n], 0, sizeof c->v[c->n]);
	if ((rc = nc_strlist_push(&c->v[c->n], name)) != NC_OK)
		goto out;
	c->n++;
	rc = nc_map_put_str(&c->seen, name, (void *)1);
out:
	free(name);
	return rc;
}

/* An author once, however many elements name them (author and
 * dc:creator often both do). */
static bool add_author(struct nc_strlist *l, struct nc_map *seen, const char *a)
{
	if (!a || nc_map_get_str(seen, a))
		return true;
	return nc_strlist_push(l, a) == NC_OK && nc_map_put_str(seen, a, (void *)1) == NC_OK;
}

/* The children of an item that say what it is, found in one pass. */
struct parts {
	xmlNode *title, *link, *guid, *content, *encoded, *desc, *summary, *itunes_summary;
	xmlNode *pub, *dcdate, *published, *updated, *dclang;
	xmlNode *xbody; /* <xhtml:body>, <body>, <fullitem>: an RSS item's full text */
	xmlNode *dctitle, *mtitle, *dcdesc; /* dc:title, media:title, dc:description */
};

/* Atom: the alternate link, an HTML one preferred; RSS: its <link>,
 * else an atom:link alternate. */
static void pick_link(struct feed *f, struct parts *p, xmlNode *c, enum ns ns)
{
	const char *rel = attr(c, "rel");
	bool alternate = (!rel || !strcmp(rel, "alternate")) && attr(c, "href");
	if (f->kind == FEED_ATOM) {
		if (alternate && (!p->link || (attr(c, "type") && !strcasecmp(attr(c, "type"), "text/html"))))
			p->link = c;
	} else if (ns == NS_ATOM) {
		if (alternate && !p->link)
			p->link = c;
	} else if (!p->link || ns_of(f, p->link) == NS_ATOM) {
		p->link = c;
	}
}

static int take_category(struct feed *f, struct categories *cats, xmlNode *c)
{
	const char *v = attr(c, "label");
	if (!v || nc_str_blank(v))
		v = attr(c, "term");
	char *t = NULL;
	if (!v || nc_str_blank(v))
		v = t = text_of(f, c);
	int rc = v ? add_category(cats, v) : NC_ERR_NOMEM;
	free(t);
	return rc;
}

/* An author element's name: Atom's <name>, RSS's text ("a@b (Name)"). */
static bool take_author(struct feed *f, struct nc_meta *m, struct nc_map *seen, xmlNode *c)
{
	bool atom = f->kind == FEED_ATOM, oom = false;
	xmlNode *nm = atom || ns_of(f, c) == NS_ATOM ? child(f, c, NS_CORE, "name") : NULL;
	char *a = line_of(f, nm ? nm : c, &oom), *email = NULL;
	if (a && !nm && !split_author(&a, &email))
		oom = true;
	if (!email && nm)
		email = line_of(f, child(f, c, NS_CORE, "email"), &oom);
	if (!add_author(&m->authors, seen, a))
		oom = true;
	/* the first address given, kept apart from the name */
	if (email && !oom && !has_extra(m, "author_email") &&
	    nc_meta_add_extra(m, "author_email", email))
		oom = true;
	free(email);
	free(a);
	return !oom;
}

static int scan_item(struct feed *f, xmlNode *item, struct parts *p, struct categories *cats,
		     struct nc_meta *m, struct nc_map *seen)
{
	bool atom = f->kind == FEED_ATOM;
	for (xmlNode *c = item->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		enum ns ns = ns_of(f, c);
		const char *ln = local_name(c);
		bool core = ns == NS_CORE, core_or_atom = core || ns == NS_ATOM;
		if (core && !strcmp(ln, "title") && !p->title)
			p->title = c;
		else if (core_or_atom && !strcmp(ln, "link"))
			pick_link(f, p, c, ns);
		else if (core && (!strcmp(ln, "guid") || (atom && !strcmp(ln, "id"))) && !p->guid)
			p->guid = c;
		else if (ns == NS_CONTENT && !strcmp(ln, "encoded") && !p->encoded)
			p->encoded = c;
		else if (!atom && (!strcmp(ln, "body") || (core && !strcmp(ln, "fullitem"))) && !p->xbody)
			p->xbody = c;
		else if (core && atom && !strcmp(ln, "content") && !p->content)
			p->content = c;
		else if (core && !strcmp(ln, "description") && !p->desc)
			p->desc = c;
		else if (((core && atom) || ns == NS_ATOM) && !strcmp(ln, "summary") && !p->summary)
			p->summary = c;
		else if (ns == NS_ITUNES && !strcmp(ln, "summary") && !p->itunes_summary)
			p->itunes_summary = c;
		else if (core && !strcmp(ln, "pubDate") && !p->pub)
			p->pub = c;
		else if (ns == NS_DC && !strcmp(ln, "date") && !p->dcdate)
			p->dcdate = c;
		else if (((core_or_atom && (!strcmp(ln, "published") || !strcmp(ln, "issued") ||
					    !strcmp(ln, "created"))) ||
			  (ns == NS_DC && (!strcmp(ln, "issued") || !strcmp(ln, "created")))) &&
			 !p->published)
			p->published = c; /* Atom 0.3 and dcterms: issued, created */
		else if (((core_or_atom && (!strcmp(ln, "updated") || !strcmp(ln, "modified"))) ||
			  (ns == NS_DC && !strcmp(ln, "modified"))) && !p->updated)
			p->updated = c;
		else if (ns == NS_DC && !strcmp(ln, "title") && !p->dctitle)
			p->dctitle = c;
		else if (ns == NS_MEDIA && !strcmp(ln, "title") && !p->mtitle)
			p->mtitle = c;
		else if (ns == NS_MEDIA && !strcmp(ln, "group") && !p->mtitle)
			p->mtitle = child(f, c, NS_MEDIA, "title");
		else if (ns == NS_DC && !strcmp(ln, "description") && !p->dcdesc)
			p->dcdesc = c;
		else if (ns == NS_DC && !strcmp(ln, "language") && !p->dclang)
			p->dclang = c;
		else if ((core && !strcmp(ln, "category")) || (ns == NS_DC && !strcmp(ln, "subject"))) {
			if (take_category(f, cats, c) != NC_OK)
				return NC_ERR_NOMEM;
		} else if ((core && !strcmp(ln, "author")) || (ns == NS_DC && !strcmp(ln, "creator"))) {
			if (!take_author(f, m, seen, c))
				return NC_ERR_NOMEM;
		}
	}
	return NC_OK;
}

/* No author of its own: an Atom entry inherits the feed's (RFC 4287
 * 4.1.1; f->authors, read once: input row 7); else itunes:author. */
static bool inherit_authors(struct feed *f, xmlNode *item, struct nc_meta *m, struct nc_map *seen)
{
	bool oom = false;
	if (!m->authors.len && f->kind == FEED_ATOM)
		for (size_t i = 0; i < f->authors.len && !oom; i++)
			oom = !add_author(&m->authors, seen, f->authors.items[i]);
	if (!m->authors.len && !oom) {
		char *a = line_of(f, child(f, item, NS_ITUNES, "author"), &oom);
		if (a && nc_strlist_push(&m->authors, a))
			oom = true;
		free(a);
	}
	return !oom;
}

static bool item_title(struct feed *f, const struct parts *p, struct nc_meta *m)
{
	bool oom = false;
	char *s = title_of(f, p->title, &oom);
	if (s) {
		char *raw = text_of(f, p->title);
		if (!raw || nc_set_str(&m->title_raw, raw) || nc_set_str(&m->title, s))
			oom = true;
		free(raw);
	}
	free(s);
	return !oom;
}

/* The link, else a guid that is a permalink; the guid (Atom: id) kept. */
static bool item_link(struct feed *f, const struct parts *p, struct nc_meta *m)
{
	bool atom = f->kind == FEED_ATOM, oom = false;
	const char *href = NULL;
	char *ltext = NULL;
	if (p->link && (atom || ns_of(f, p->link) == NS_ATOM))
		href = attr(p->link, "href");
	else if (p->link)
		href = ltext = line_of(f, p->link, &oom);
	if (!href && p->guid && !atom) {
		const char *pl = attr(p->guid, "isPermaLink");
		ltext = line_of(f, p->guid, &oom);
		if (ltext && (!pl || strcmp(pl, "false")) && nc_url_is_http(ltext))
			href = ltext;
	}
	if (href) {
		char *u = absolute(f, p->link ? p->link : p->guid, href, &oom);
		if (u && nc_set_str(&m->source_url, u))
			oom = true;
		free(u);
	}
	free(ltext);
	if (p->guid && !oom) {
		char *g = line_of(f, p->guid, &oom);
		if (g && nc_meta_add_extra(m, atom ? "id" : "guid", g))
			oom = true;
		free(g);
	}
	return !oom;
}

/* The first date there is that can be read, in this order (input row
 * 26: a pubDate in words gives way to a dc:date); the ones passed over
 * stay as extra keys.  None readable: the first, kept as written with a
 * warning.  The update date beside it. */
static bool item_dates(struct feed *f, const struct parts *p, struct nc_doc *d)
{
	struct nc_meta *m = &d->meta;
	struct { xmlNode *n; const char *key; } dates[] = {
		{p->pub, "pubDate"}, {p->dcdate, "dc:date"}, {p->published, "published"},
		{p->updated, "updated"},
	};
	enum { N = sizeof dates / sizeof dates[0] };
	char *v[N] = {NULL};
	bool oom = false;
	size_t use = N, first = N;
	for (size_t i = 0; i < N && use == N && !oom; i++) {
		int64_t t;
		if (!(v[i] = line_of(f, dates[i].n, &oom)))
			continue;
		if (first == N)
			first = i;
		if (nc_date_parse(v[i], &t) == 0)
			use = i;
	}
	if (use == N)
		use = first;
	int rc = oom ? NC_ERR_NOMEM : NC_OK;
	for (size_t i = 0; i < N; i++) {
		if (!rc && v[i] && i == use)
			rc = nc_meta_set_date(d, dates[i].key, v[i], &m->date, &m->date_raw, &m->date_epoch);
		else if (!rc && v[i] && i < use && i != 3)
			rc = nc_meta_add_extra(m, dates[i].key, v[i]);
		free(v[i]);
	}
	if (rc)
		return false;
	if (p->updated) {
		char *u = line_of(f, p->updated, &oom);
		rc = u ? nc_meta_set_date(d, "updated", u, &m->updated, &m->updated_raw, &m->updated_epoch)
		       : NC_OK;
		free(u);
		if (oom || rc)
			return false;
	}
	return true;
}

/* *cover: the cover's URL as written (borrowed from the tree), or NULL. */
static bool item_cover(struct feed *f, xmlNode *item, struct nc_meta *m, const char **cover)
{
	xmlNode *cn = NULL;
	bool oom = false;
	*cover = cover_of(f, item, &cn);
	if (!*cover || nc_url_is_blank(*cover)) {
		/* else the episode's itunes:image (its href, as Apple's spec
		 * writes it; some feeds put the URL as text) */
		cn = child(f, item, NS_ITUNES, "image");
		*cover = cn ? attr(cn, "href") : NULL;
		char *t = cn && !*cover ? line_of(f, cn, &oom) : NULL;
		if (*cover && !nc_url_is_blank(*cover))
			oom = nc_set_str(&m->cover, *cover) != NC_OK;
		else if (t && nc_url_is_http(t))
			oom = nc_set_str(&m->cover, t) != NC_OK;
		*cover = m->cover;
		free(t);
		return !oom;
	}
	xmlChar *xb = xmlNodeGetBase(f->x, cn);
	char *u = xb ? absolute(f, cn, *cover, &oom) : NULL;
	xmlFree(xb);
	oom = oom || nc_set_str(&m->cover, u ? u : *cover);
	free(u);
	return !oom;
}

/* The item's own language (its xml:lang, then its dc:language), then
 * an xml:lang it inherits, then the feed's: an item's dc:language is
 * more its own than the root's xml:lang (input row 24). */
static bool item_lang(struct feed *f, xmlNode *item, const struct parts *p, struct nc_meta *m)
{
	bool oom = false;
	xmlChar *xl = xmlGetNsProp(item, (const xmlChar *)"lang", XML_XML_NAMESPACE);
	char *lang = xl ? strdup((const char *)xl) : line_of(f, p->dclang, &oom);
	oom = oom || (xl && !lang);
	xmlFree(xl);
	if (!lang && !oom && (xl = xmlNodeGetLang(item)) != NULL) {
		lang = strdup((const char *)xl);
		xmlFree(xl);
		oom = !lang;
	}
	if (oom)
		return false;
	char *tag = NULL;
	int rc = lang ? nc_lang_normalize(lang, &tag) : NC_OK;
	free(lang);
	if (rc != NC_ERR_NOMEM)
		rc = nc_set_str(&m->language, tag ? tag : f->language);
	free(tag);
	return rc == NC_OK;
}

/* Plain text (itunes:summary, media:description) as paragraphs, or as
 * HTML when it says so or holds tags (podcast feeds put HTML there). */
static void put_plain_or_html(struct feed *f, struct nc_buf *b, xmlNode *n)
{
	const char *type = attr(n, "type");
	char *t = text_of(f, n);
	if (!t) {
		b->oom = true;
		return;
	}
	if ((type && !strcasecmp(type, "html")) || (strchr(t, '<') && strchr(t, '>')))
		put_html(f, b, n);
	else if (!nc_str_blank(t))
		put_text_as_html(b, t);
	free(t);
}

/* The body's HTML: full content first, then the summary.  *base: what
 * its links resolve against when that is not the item's link. */
static bool item_body(struct feed *f, xmlNode *from, const struct parts *p, const struct nc_meta *m,
		      struct nc_buf *body, char **base)
{
	if (!from)
		return true;
	if (from == p->encoded || (from == p->desc && f->kind != FEED_ATOM))
		put_html(f, body, from);
	else if (from == p->xbody && !strcmp(local_name(from), "body"))
		put_xhtml(f, body, from, from); /* the body is the wrapper, as Atom's div */
	else if (from == p->xbody)
		put_html(f, body, from);
	else if (ns_of(f, from) == NS_ITUNES || ns_of(f, from) == NS_MEDIA)
		put_plain_or_html(f, body, from);
	else
		put_atom_html(f, body, from);
	bool oom = false;
	if ((*base = xml_base(f, from, &oom)) != NULL || oom)
		return !oom;
	if (!m->source_url && !f->link && f->url) /* fetched, and nothing else to resolve against */
		return (*base = strdup(f->url)) != NULL;
	return true;
}

/* A body source that says nothing: no element (but an empty xhtml
 * wrapper div), no reference, no text but blanks, no out-of-line src.
 * The next source is taken instead (input row 4: an empty
 * content:encoded beside a real description). */
static bool is_empty_within(const xmlNode *n, bool wrapper)
{
	if (!n || attr(n, "src"))
		return !n;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && wrapper && !strcmp(local_name(c), "div") &&
		    is_empty_within(c, false))
			continue;
		if (c->type == XML_ELEMENT_NODE || c->type == XML_ENTITY_REF_NODE)
			return false;
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    !nc_str_blank((const char *)c->content))
			return false;
	}
	return true;
}

static bool is_empty_source(const xmlNode *n)
{
	return is_empty_within(n, true);
}

/* media:description of the item, of its media:group, or of a
 * media:content in either (Media RSS 1.5: the same element at each
 * level; YouTube puts it in the group). */
static xmlNode *media_description(struct feed *f, xmlNode *item)
{
	xmlNode *found[3] = {NULL, NULL, NULL}; /* item, group, content level */
	for (xmlNode *c = item->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || ns_of(f, c) != NS_MEDIA)
			continue;
		if (!strcmp(local_name(c), "description") && !found[0] && !is_empty_source(c))
			found[0] = c;
		if (strcmp(local_name(c), "group") && strcmp(local_name(c), "content"))
			continue;
		for (xmlNode *g = c->children; g; g = g->next) {
			if (g->type != XML_ELEMENT_NODE || ns_of(f, g) != NS_MEDIA)
				continue;
			int lv = strcmp(local_name(c), "group") ? 2 : 1;
			if (!strcmp(local_name(g), "description") && !found[lv] && !is_empty_source(g))
				found[lv] = g;
			else if (!strcmp(local_name(g), "content") && !found[2])
				for (xmlNode *d = g->children; d && !found[2]; d = d->next)
					if (is(f, d, NS_MEDIA, "description") && !is_empty_source(d))
						found[2] = d;
		}
	}
	return found[0] ? found[0] : found[1] ? found[1] : found[2];
}

/* The source of the body: the first of content:encoded, Atom content,
 * description / summary, itunes:summary, media:description that is not
 * empty (input rows 4 and 12). */
static xmlNode *body_source(struct feed *f, xmlNode *item, const struct parts *p)
{
	xmlNode *v[] = {p->encoded, p->xbody, p->content, p->desc, p->summary, p->itunes_summary};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (v[i] && !is_empty_source(v[i]))
			return v[i];
	return media_description(f, item);
}

/* The URL and type of a medium item child c shows, or false: an RSS
 * enclosure, an Atom enclosure link, or (input row 12) an audio or video
 * media:content, on the item or in its media:group. */
static bool medium_of(struct feed *f, xmlNode *c, const char **u, const char **t)
{
	bool atom = f->kind == FEED_ATOM;
	*u = *t = NULL;
	if (is(f, c, NS_CORE, "enclosure")) {
		*u = attr(c, "url");
		*t = attr(c, "type");
	} else if ((is(f, c, NS_CORE, "link") && atom) || is(f, c, NS_ATOM, "link")) {
		const char *rel = attr(c, "rel");
		if (rel && !strcmp(rel, "enclosure")) {
			*u = attr(c, "href");
			*t = attr(c, "type");
		}
	} else if (is(f, c, NS_MEDIA, "content")) {
		const char *medium = attr(c, "medium");
		*t = attr(c, "type");
		bool av = (medium && (!strcmp(medium, "video") || !strcmp(medium, "audio"))) ||
			  (*t && (!strncasecmp(*t, "video/", 6) || !strncasecmp(*t, "audio/", 6)));
		*u = av ? attr(c, "url") : NULL;
		if (av && !*t)
			*t = !strcmp(medium, "video") ? "video/" : "audio/";
	}
	/* an image enclosure besides the cover is shown too: every
	 * enclosure is kept, not only the first */
	return *u && !nc_url_is_blank(*u);
}

static void put_medium(struct nc_buf *body, const char *u, const char *t)
{
	const char *tagname = t && !strncasecmp(t, "audio/", 6) ? "audio" :
			      t && !strncasecmp(t, "video/", 6) ? "video" : NULL;
	if (is_image_type(t)) {
		nc_buf_puts(body, "\n<p><img src=\"");
		nc_buf_puts_xml(body, u, true);
		nc_buf_puts(body, "\" alt=\"\"/></p>");
	} else if (tagname) {
		nc_buf_printf(body, "\n<p><%s controls src=\"", tagname);
		nc_buf_puts_xml(body, u, true);
		nc_buf_printf(body, "\"></%s></p>", tagname);
	} else {
		nc_buf_puts(body, "\n<p><a href=\"");
		nc_buf_puts_xml(body, u, true);
		nc_buf_puts(body, "\">");
		nc_buf_puts_xml(body, u, false);
		nc_buf_puts(body, "</a></p>");
	}
}

/* Enclosures other than images (and the cover): shown as players or
 * links to the media, each URL once (an enclosure and a media:content
 * often name the same file). */
static void put_enclosures(struct feed *f, xmlNode *item, const char *cover, struct nc_buf *body)
{
	struct nc_map shown = {0};
	for (xmlNode *c = item->children; c && !body->oom; c = c->next) {
		bool group = is(f, c, NS_MEDIA, "group");
		for (xmlNode *m = group ? c->children : c; m; m = group ? m->next : NULL) {
			const char *u, *t;
			if (m->type != XML_ELEMENT_NODE || !medium_of(f, m, &u, &t) ||
			    (cover && !strcmp(u, cover)) || nc_map_get_str(&shown, u))
				continue;
			if (nc_map_put_str(&shown, u, (void *)1) != NC_OK)
				body->oom = true;
			put_medium(body, u, t);
		}
	}
	nc_map_free(&shown);
}

/* The summary beside a full body becomes the description (one line, at
 * most DESCRIPTION_MAX bytes). */
static bool item_description(struct feed *f, xmlNode *sum, const struct parts *p, struct nc_meta *m)
{
	struct nc_buf h = {0};
	bool oom = false;
	if (sum == p->summary && f->kind == FEED_ATOM)
		put_atom_html(f, &h, sum);
	else
		put_html(f, &h, sum);
	char *line = h.oom ? NULL : html_to_line(h.data ? h.data : "", &oom);
	oom = oom || h.oom;
	nc_buf_free(&h);
	if (line && strlen(line) > DESCRIPTION_MAX) {
		/* DESCRIPTION_MAX bytes and an ellipsis, in a string of their
		 * own: a line of 1001-1002 bytes has no room for it (input row 1) */
		size_t k = DESCRIPTION_MAX;
		while (k && ((unsigned char)line[k] & 0xc0) == 0x80)
			k--;
		char *cut = malloc(k + sizeof "\xe2\x80\xa6");
		if (cut) {
			memcpy(cut, line, k);
			memcpy(cut + k, "\xe2\x80\xa6", sizeof "\xe2\x80\xa6");
		}
		oom = oom || !cut;
		free(line);
		line = cut;
	}
	if (line && nc_set_str(&m->description, line))
		oom = true;
	free(line);
	return !oom;
}

/* Its name ("feed.xml#3") and its input: the feed holding this item
 * alone (a WARC's input record), so that reading it again gives this
 * document. */
static bool item_input(struct feed *f, xmlNode *item, size_t number, struct nc_doc *d)
{
	struct nc_buf in = {0}, name = {0};
	nc_buf_printf(&name, "%s#%zu", f->name, number);
	nc_buf_put(&in, f->shell_head.data, f->shell_head.len);
	put_xml(&in, f->x, item);
	nc_buf_put(&in, f->shell_tail.data, f->shell_tail.len);
	bool ok = !name.oom && !in.oom && !nc_set_str(&d->source_name, name.data);
	nc_buf_free(&name);
	if (ok) {
		d->input_len = in.len;
		d->input = (unsigned char *)nc_buf_detach(&in, NULL);
	}
	nc_buf_free(&in);
	return ok;
}

/* The feed itself, for digests that name or group by their source. */
static bool item_feed_fields(struct feed *f, struct nc_doc *d)
{
	struct nc_meta *m = &d->meta;
	return !((f->title && nc_meta_add_extra(m, "feed_title", f->title)) ||
		 (f->link && nc_meta_add_extra(m, "feed_link", f->link)) ||
		 (f->language && nc_meta_add_extra(m, "feed_language", f->language)) ||
		 (f->broken && nc_doc_warn(d, "%s (%s)", BROKEN_WARNING, f->why)));
}

static bool item_meta(struct feed *f, xmlNode *item, struct parts *p, struct nc_doc *d,
		      const char **cover)
{
	struct categories cats = {0};
	struct nc_map seen = {0};
	struct nc_meta *m = &d->meta;
	bool ok = scan_item(f, item, p, &cats, m, &seen) == NC_OK && inherit_authors(f, item, m, &seen);
	/* Dublin Core and Media RSS stand in for what the item lacks */
	if (!p->title)
		p->title = p->dctitle ? p->dctitle : p->mtitle;
	if (!p->desc)
		p->desc = p->dcdesc;
	if (ok && cats.n) {
		m->categories = cats.v;
		m->ncategories = cats.n;
		cats.v = NULL;
		cats.n = 0;
	}
	for (size_t i = 0; i < cats.n; i++)
		nc_strlist_free(&cats.v[i]);
	free(cats.v);
	nc_map_free(&cats.seen);
	nc_map_free(&seen);
	return ok && item_title(f, p, m) && item_link(f, p, m) && item_dates(f, p, d) &&
	       item_cover(f, item, m, cover) && item_lang(f, item, p, m);
}

static int read_item(struct feed *f, xmlNode *item, size_t number, struct nc_doclist *out)
{
	struct nc_err *err = f->err;
	struct nc_doc *d = nc_doc_new();
	struct nc_buf body = {0};
	struct parts p = {0};
	const char *cover = NULL;
	char *base = NULL;
	int rc = NC_OK;
	if (!d || !item_input(f, item, number, d) || !item_meta(f, item, &p, d, &cover))
		goto fail;
	xmlNode *from = body_source(f, item, &p);
	xmlNode *sum = !is_empty_source(p.desc) ? p.desc : !is_empty_source(p.summary) ? p.summary : NULL;
	if (!item_body(f, from, &p, &d->meta, &body, &base))
		goto fail;
	put_enclosures(f, item, cover, &body);
	if (body.oom)
		goto fail;
	if (body.len && (rc = nc_html_read_body(d, body.data, body.len, NC_BODY_ITEM, err)) != NC_OK) {
		if (rc == NC_ERR_NOMEM)
			goto fail_set; /* err is set: keep it */
		/* One broken item never takes the others down: left out, and
		 * said by name (its number and title) */
		rc = nc_doclist_skip(out, "item %zu (\"%.120s\"): %s; skipped", number,
				     d->meta.title ? d->meta.title : "untitled", err->msg);
		memset(err, 0, sizeof *err);
		if (rc)
			goto fail;
		goto skip;
	}
	if (base && !rebase_body(d->root, base))
		goto fail;
	if (sum && from != sum && !item_description(f, sum, &p, &d->meta))
		goto fail;
	if (!d->meta.title && !d->meta.source_url && (!d->root || !d->root->first_child) &&
	    nc_doc_warn(d, "item %zu is empty: no title, link or content", number))
		goto fail;
	if (!d->meta.title && !(d->meta.title = title_from_body(d->root, number)))
		goto fail;
	if (!item_feed_fields(f, d))
		goto fail;
	free(base);
	nc_buf_free(&body);
	if (nc_doclist_push(out, d)) /* frees d on failure */
		return nc_err_set(err, NC_ERR_NOMEM, f->name, "out of memory");
	return NC_OK;
fail:
	rc = nc_err_set(err, NC_ERR_NOMEM, f->name, "out of memory reading item %zu", number);
fail_set:
skip:
	free(base);
	nc_buf_free(&body);
	nc_doc_free(d);
	return rc;
}

/* ---- the channel --------------------------------------------------------- */

/* The Atom feed's own authors, once and in order. */
static bool feed_authors(struct feed *f)
{
	struct nc_map seen = {0};
	bool oom = false;
	for (xmlNode *c = f->channel->children; c && !oom; c = c->next)
		if (is(f, c, NS_CORE, "author")) {
			char *a = line_of(f, child(f, c, NS_CORE, "name"), &oom);
			if (!add_author(&f->authors, &seen, a))
				oom = true;
			free(a);
		}
	nc_map_free(&seen);
	return !oom;
}

static int read_channel(struct feed *f, xmlNode *root)
{
	bool oom = false;
	f->channel = f->kind == FEED_ATOM ? root : child(f, root, NS_CORE, "channel");
	if (!f->channel)
		return NC_OK;
	f->title = title_of(f, child(f, f->channel, NS_CORE, "title"), &oom);
	xmlNode *ln = NULL;
	for (xmlNode *c = f->channel->children; c; c = c->next) {
		if (f->kind == FEED_ATOM ? is(f, c, NS_CORE, "link") : false) {
			const char *rel = attr(c, "rel");
			if ((!rel || !strcmp(rel, "alternate")) && attr(c, "href") && !ln)
				ln = c;
		} else if (is(f, c, NS_CORE, "link") && !ln) {
			ln = c;
		}
	}
	char *href = NULL;
	if (ln && f->kind == FEED_ATOM)
		href = attr(ln, "href") ? strdup(attr(ln, "href")) : NULL;
	else if (ln)
		href = line_of(f, ln, &oom);
	if (href) {
		char *xb = xml_base(f, ln, &oom); /* f->link is not set yet: against f->url */
		f->link = nc_url_resolve(xb && nc_url_is_absolute(xb) ? xb : f->url, href);
		free(xb);
		oom |= !f->link && !nc_url_is_blank(href);
		free(href);
		if (f->link && !nc_url_is_absolute(f->link)) {
			free(f->link);
			f->link = NULL;
		}
	}
	if (f->kind == FEED_ATOM && !feed_authors(f))
		oom = true;
	xmlNode *ll = child(f, f->channel, NS_CORE, "language");
	if (!ll)
		ll = child(f, f->channel, NS_DC, "language");
	char *lang = line_of(f, ll, &oom);
	if (!lang) {
		xmlChar *xl = xmlNodeGetLang(f->channel);
		lang = xl ? strdup((const char *)xl) : NULL;
		xmlFree(xl);
	}
	if (lang && nc_lang_normalize(lang, &f->language) == NC_ERR_NOMEM)
		oom = true;
	free(lang);
	return oom ? NC_ERR_NOMEM : NC_OK;
}

/* Why a feed is read with recovery: mend_bytes()'s repair, else
 * libxml2's last error. */
static void broken_why(struct feed *f, const struct mend *m, xmlParserCtxt *ctxt)
{
	f->broken = m->changed || !ctxt->wellFormed;
	if (!ctxt->wellFormed && m->entities && m->longest_text > XML_MAX_TEXT_LENGTH) {
		/* the true cause, not libxml2's last error (input row 9) */
		snprintf(f->why, sizeof f->why, "a text of %zu MB in a feed that declares entities "
			 "of its own is past the %d MB limit kept for such feeds; it is cut",
			 m->longest_text / 1000000, XML_MAX_TEXT_LENGTH / 1000000);
	} else if (m->changed) {
		snprintf(f->why, sizeof f->why, "%s", m->why);
	} else if (!ctxt->wellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char msg[120] = "";
		if (e && e->message) {
			snprintf(msg, sizeof msg, "%s", e->message);
			msg[strcspn(msg, "\n")] = '\0';
		}
		snprintf(f->why, sizeof f->why, "line %d: %s", e ? e->line : 0, msg[0] ? msg : "error");
	}
}


/* ---- the feed, in passes ------------------------------------------------- */

/* A feed is never held whole as a tree (issue 19: a 100,000-item feed in
 * about the memory of its file).  The mended bytes are given to
 * libxml2's push parser a chunk at a time, twice:
 *   - the shell pass (feed_open) keeps everything but the items and the
 *     blanks between two items, leaving a mark where the first was: the
 *     feed around its items, serialised once as each item's input
 *     (item_input), and the channel's own fields (read_channel), which
 *     may come after the items;
 *   - the items pass (feed_next) reads each item as soon as it is
 *     complete and frees it, a window of documents per call.
 * Between chunks only complete nodes are taken out of the tree, never
 * a parent's last child: libxml2 keeps adding to that one (a text node
 * grows in place), and an element that is not the last is closed.
 *
 * A feed that is not well-formed is read whole instead (both passes
 * over one tree each, from libxml2's pull parser): the push parser
 * recovers differently from broken markup (it lost an item's body the
 * pull parser kept), and a broken feed reads as it always did. */
#ifndef NC_FEED_CHUNK_BYTES
#define NC_FEED_CHUNK_BYTES (256u * 1024u) /* a smaller one tests chunk edges (fuzz build) */
#endif
#define CHUNK_BYTES NC_FEED_CHUNK_BYTES

struct pass {
	xmlParserCtxt *ctxt;
	bool whole;               /* one parse of all the bytes (a broken feed) */
	xmlDoc *doc;              /* the whole parse's tree */
	const char *p;            /* the mended bytes */
	size_t n, at;             /* their length, and how far fed */
	bool finished;            /* all fed, the parse terminated */
	xmlNode *parents[2];      /* where items are: channel and root (RSS), feed (Atom) */
	xmlNode *kept[2];         /* each parent's last child known to stay */
	bool after_item[2];       /* the nodes after kept[] follow an item (shell pass) */
	int options;
	const char *encoding;
};

/* A reading in parts: the cursor of nc_reader.open. */
struct reading {
	struct feed f;
	struct mend m;            /* the mended bytes, which both passes read */
	const char *encoding;
	struct pass items;
	xmlNode **queue;          /* complete items not read yet */
	size_t nqueue, qat, qcap;
	size_t number;            /* items read so far */
	bool empty;               /* an XML declaration and nothing else */
	bool whole;               /* not well-formed: both passes read it whole */
};

static const char *item_name(const struct feed *f)
{
	return f->kind == FEED_ATOM ? "entry" : "item";
}

static bool is_item(const struct feed *f, const xmlNode *n)
{
	return is(f, n, NS_CORE, item_name(f));
}

static void drop(xmlNode *n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

static int pass_start(struct reading *r, struct pass *s)
{
	*s = (struct pass){ .p = r->m.out.data ? r->m.out.data : "", .n = r->m.out.len,
			    .whole = r->whole };
	s->ctxt = s->whole ? xmlNewParserCtxt() : xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, NULL);
	if (!s->ctxt)
		return NC_ERR_NOMEM;
	if (r->encoding && !s->whole)
		xmlCtxtResetPush(s->ctxt, NULL, 0, NULL, r->encoding);
	/* No NOENT (entities stay references), no DTDLOAD.  HUGE lifts
	 * libxml2's 10 MB cap on one text node (input row 9): the input is
	 * bounded already (NC_MAX_INPUT_BYTES), so a text may be as large
	 * as the feed.  Not for a feed that declares entities of its own:
	 * HUGE also turns off libxml2's guard against entity amplification
	 * (attribute values expand entities), so such a feed keeps every
	 * limit, and broken_why() says when a text was cut by it. */
	int huge = r->m.entities ? 0 : XML_PARSE_HUGE;
	/* An encoding given (the bytes were made UTF-8, or a GBK label
	 * means GB18030) wins over the declaration, which names the old */
	int enc = r->encoding ? XML_PARSE_IGNORE_ENC : 0;
	s->options = XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
		     huge | enc;
	xmlCtxtUseOptions(s->ctxt, s->options);
	s->encoding = r->encoding;
	return NC_OK;
}

static void pass_free(struct pass *s)
{
	if (!s->ctxt)
		return;
	if (s->ctxt->myDoc)
		xmlFreeDoc(s->ctxt->myDoc);
	s->ctxt->myDoc = NULL;
	if (s->doc)
		xmlFreeDoc(s->doc);
	s->doc = NULL;
	xmlFreeParserCtxt(s->ctxt);
	s->ctxt = NULL;
}

/* The feed's kind from its root element, once there is one. */
static int feed_kind(struct feed *f, xmlNode *root)
{
	const char *rn = local_name(root);
	if (!strcmp(rn, "rss"))
		f->kind = FEED_RSS;
	else if (!strcmp(rn, "RDF"))
		f->kind = FEED_RDF;
	else if (!strcmp(rn, "feed") && (!root->ns || !root->ns->href ||
					  is_atom_ns((const char *)root->ns->href,
						     strlen((const char *)root->ns->href))))
		f->kind = FEED_ATOM; /* by its namespace, not its prefix (input row 3) */
	else
		return nc_err_set(f->err, NC_ERR_PARSE, f->name,
				  "not a feed: the root element is <%.80s>", rn);
	return NC_OK;
}

/* The next chunk into the parser; then where the items are, when the
 * tree shows it: RSS 2.0's in the channel, RSS 1.0 and 0.90's beside it
 * (and stray ones beside it in RSS 2.0), Atom's in the feed. */
static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static int pass_feed(struct feed *f, struct pass *s)
{
	/* libxml2 prints encoding and I/O errors (bytes a declared legacy
	 * encoding cannot convert) to stderr past XML_PARSE_NOERROR, without
	 * the file's name: quiet here, this thread only, and the feed's
	 * warning says what broke (broken_why) */
	xmlGenericErrorFunc said = xmlGenericError;
	void *said_ctx = xmlGenericErrorContext;
	xmlSetGenericErrorFunc(NULL, quiet);
	if (s->whole) {
		s->doc = xmlCtxtReadMemory(s->ctxt, s->p, (int)s->n, NULL, s->encoding, s->options);
		s->at = s->n;
		s->finished = true;
		f->x = s->doc;
	} else {
		size_t k = s->n - s->at < CHUNK_BYTES ? s->n - s->at : CHUNK_BYTES;
		s->finished = s->at + k == s->n;
		xmlParseChunk(s->ctxt, s->p + s->at, (int)k, s->finished); /* recovers: the tree is it */
		s->at += k;
		f->x = s->ctxt->myDoc;
	}
	xmlSetGenericErrorFunc(said_ctx, said);
	xmlNode *root = f->x ? xmlDocGetRootElement(f->x) : NULL;
	if (!root)
		return s->finished ? nc_err_set(f->err, NC_ERR_PARSE, f->name,
						"not a feed: no XML root element") : NC_OK;
	if (!s->parents[1]) {
		int rc = feed_kind(f, root);
		if (rc)
			return rc;
		s->parents[1] = root;
	}
	if (f->kind == FEED_ATOM)
		s->parents[0] = root;
	for (xmlNode *c = s->kept[1] ? s->kept[1] : root->children; c && !s->parents[0]; c = c->next)
		if (is(f, c, NS_CORE, "channel"))
			s->parents[0] = c; /* the first, as child() finds it */
	return NC_OK;
}

/* The parents in the order items are numbered: the channel's first. */
static xmlNode *parent_at(const struct pass *s, int i)
{
	return i == 1 && s->parents[1] == s->parents[0] ? NULL : s->parents[i];
}

/* A comment text the input cannot contain: the SHA-1 of the input in
 * it (input row 19: a feed holding the old fixed mark split wrongly). */
static void shell_mark(const unsigned char *data, size_t len, char out[64])
{
	unsigned char h[20];
	nc_sha1(data, len, h);
	int k = snprintf(out, 64, "nc-items-here-");
	for (int i = 0; i < 20; i++)
		k += snprintf(out + k, (size_t)(64 - k), "%02x", h[i]);
}

struct shell {
	char mark[64];
	bool marked;              /* the mark is in the tree, before the first item */
	size_t items;
};

/* The shell pass over one parent's new complete children: items out
 * (the mark before the first), and with them what lies between two
 * items when nothing but blanks and comments does: blanks between items
 * belong to no item, and in the shell they would be in every item's
 * input (input row 6).  Waits (returns) where a run of blanks after an
 * item has not reached its end yet. */
static int sweep_shell(struct feed *f, struct pass *s, int i, struct shell *sh)
{
	xmlNode *parent = parent_at(s, i), *c;
	if (!parent)
		return NC_OK;
	for (c = s->kept[i] ? s->kept[i]->next : parent->children; c && (s->finished || c != parent->last);) {
		xmlNode *next = c->next;
		if (is_item(f, c)) {
			if (++sh->items > NC_MAX_FEED_ITEMS)
				return nc_err_set(f->err, NC_ERR_LIMIT, f->name, "more than %u items",
						  NC_MAX_FEED_ITEMS);
			if (!sh->marked) {
				xmlNode *mark = xmlNewDocComment(f->x, (const xmlChar *)sh->mark);
				if (!mark || !xmlAddPrevSibling(c, mark)) {
					xmlFreeNode(mark);
					return nc_err_set(f->err, NC_ERR_NOMEM, f->name, "out of memory");
				}
				sh->marked = true;
				s->kept[i] = mark;
			}
			drop(c);
			s->after_item[i] = true;
			c = next;
			continue;
		}
		if (s->after_item[i] && c->type != XML_ELEMENT_NODE) {
			xmlNode *e = c;
			while (e && e->type != XML_ELEMENT_NODE)
				e = e->next;
			if (!e && !s->finished)
				return NC_OK; /* the run may yet end at an item */
			if (e && is_item(f, e)) {
				while (c != e) {
					next = c->next;
					drop(c);
					c = next;
				}
				continue;
			}
		}
		s->after_item[i] = false;
		s->kept[i] = c;
		c = next;
	}
	return NC_OK;
}

/* The feed without its items, as the text before and after the mark:
 * each item's input is head + item + tail (item_input). */
static int shell_split(struct feed *f, const struct shell *sh)
{
	if (!sh->items)
		return NC_OK;
	char mark_xml[80];
	snprintf(mark_xml, sizeof mark_xml, "<!--%s-->", sh->mark);
	struct nc_buf all = {0};
	put_xml(&all, f->x, (xmlNode *)f->x);
	const char *m = all.data ? strstr(all.data, mark_xml) : NULL;
	if (m) {
		size_t at = (size_t)(m - all.data), ml = strlen(mark_xml);
		nc_buf_put(&f->shell_head, all.data, at);
		nc_buf_put(&f->shell_tail, m + ml, all.len - at - ml);
	}
	bool oom = all.oom || f->shell_head.oom || f->shell_tail.oom;
	nc_buf_free(&all);
	return oom ? nc_err_set(f->err, NC_ERR_NOMEM, f->name, "out of memory") : NC_OK;
}

/* The whole feed through the parser, items left out as they complete. */
static int shell_parse(struct reading *r, struct pass *s, struct shell *sh)
{
	struct feed *f = &r->f;
	int rc = pass_start(r, s) ? nc_err_set(f->err, NC_ERR_NOMEM, f->name, "out of memory") : NC_OK;
	while (!rc && !s->finished) {
		rc = pass_feed(f, s);
		for (int i = 0; i < 2 && !rc && s->parents[1]; i++)
			rc = sweep_shell(f, s, i, sh);
	}
	return rc;
}

/* The shell pass, streamed; again whole when the feed proves broken.
 * Then the shell, the channel's fields and the warning, if any. */
static int shell_pass(struct reading *r, const unsigned char *data, size_t len)
{
	struct feed *f = &r->f;
	struct pass s;
	struct shell sh = {0};
	shell_mark(data, len, sh.mark);
	int rc = shell_parse(r, &s, &sh);
	if (rc != NC_ERR_NOMEM && s.ctxt && !s.ctxt->wellFormed) {
		pass_free(&s);
		memset(f->err, 0, sizeof *f->err);
		sh.marked = false;
		sh.items = 0;
		r->whole = true;
		rc = shell_parse(r, &s, &sh);
	}
	if (!rc) {
		broken_why(f, &r->m, s.ctxt);
		if (read_channel(f, xmlDocGetRootElement(f->x)) != NC_OK)
			rc = nc_err_set(f->err, NC_ERR_NOMEM, f->name, "out of memory");
	}
	if (!rc)
		rc = shell_split(f, &sh);
	f->channel = NULL; /* the shell's, freed now */
	f->x = NULL;
	pass_free(&s);
	return rc;
}

/* The items pass over one parent's new complete children: items into
 * the queue, blanks freed (nothing reads them now); elements that are
 * not items stay (the channel among them). */
static bool sweep_items(struct reading *r, int i)
{
	struct pass *s = &r->items;
	xmlNode *parent = parent_at(s, i), *c;
	if (!parent)
		return true;
	for (c = s->kept[i] ? s->kept[i]->next : parent->children; c && (s->finished || c != parent->last);) {
		xmlNode *next = c->next;
		if (is_item(&r->f, c)) {
			if (r->nqueue == r->qcap) {
				size_t cap = r->qcap ? 2 * r->qcap : 256;
				xmlNode **q = realloc(r->queue, cap * sizeof *q);
				if (!q)
					return false;
				r->queue = q;
				r->qcap = cap;
			}
			r->queue[r->nqueue++] = c;
		} else if (c->type != XML_ELEMENT_NODE) {
			drop(c);
		} else {
			s->kept[i] = c;
		}
		c = next;
	}
	return true;
}

/* Items into the queue: chunks fed until one completes an item or the
 * input ends. */
static int fill_queue(struct reading *r)
{
	struct feed *f = &r->f;
	r->nqueue = r->qat = 0;
	while (!r->nqueue && !r->items.finished) {
		int rc = pass_feed(f, &r->items);
		for (int i = 0; i < 2 && !rc; i++)
			if (!sweep_items(r, i))
				rc = nc_err_set(f->err, NC_ERR_NOMEM, f->name, "out of memory");
		if (rc)
			return rc;
	}
	return NC_OK;
}

static void feed_close(void *cursor)
{
	struct reading *r = cursor;
	if (!r)
		return;
	pass_free(&r->items);
	free(r->queue);
	nc_buf_free(&r->m.out);
	nc_buf_free(&r->f.shell_head);
	nc_buf_free(&r->f.shell_tail);
	free(r->f.title);
	nc_strlist_free(&r->f.authors);
	free(r->f.link);
	free(r->f.language);
	free(r);
}

/* Mends the bytes (then the file's own pages are let go: only the
 * mended copy is read again), runs the shell pass and starts the items
 * pass. */
static int feed_open(const char *name, const unsigned char *data, size_t len, void **cursor,
		     struct nc_err *err)
{
	*cursor = NULL;
	if (len > NC_MAX_INPUT_BYTES)
		return nc_err_set(err, NC_ERR_LIMIT, name, "larger than the %u MB limit",
				  NC_MAX_INPUT_BYTES / (1024u * 1024u));
	if (len > INT32_MAX)
		return nc_err_set(err, NC_ERR_LIMIT, name, "too large");
	struct reading *r = calloc(1, sizeof *r);
	if (!r)
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	r->f = (struct feed){ .name = name, .err = err, .entity_budget = ENTITY_BUDGET,
			      .url = nc_url_is_http(name) ? name : NULL };
	int rc = NC_OK;
	if ((r->empty = is_empty_xml(data, len))) {
		/* no items: the caller says so, no empty chapter */
	} else if (mend_bytes(&r->m, data, len, &r->encoding)) {
		rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	} else if (r->m.out.len > INT32_MAX) {
		rc = nc_err_set(err, NC_ERR_LIMIT, name, "too large");
	} else if (!(rc = shell_pass(r, data, len))) {
		nc_filemap_release(data, len);
		if (pass_start(r, &r->items))
			rc = nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	}
	if (rc) {
		feed_close(r);
		return rc;
	}
	*cursor = r;
	return NC_OK;
}

/* At most `max` items (0: all), each freed once read; *more when an
 * item is known to be left. */
static int feed_next(void *cursor, size_t max, struct nc_doclist *out, bool *more,
		     struct nc_err *err)
{
	struct reading *r = cursor;
	struct feed *f = &r->f;
	size_t given = 0;
	int rc = NC_OK;
	f->err = err;
	*more = false;
	if (r->empty)
		return NC_OK;
	for (;;) {
		while (!rc && r->qat < r->nqueue && (!max || given < max)) {
			xmlNode *item = r->queue[r->qat++];
			rc = read_item(f, item, ++r->number, out);
			drop(item);
			given++;
		}
		if (rc || r->qat < r->nqueue)
			break;
		if ((rc = fill_queue(r)) != NC_OK || !r->nqueue)
			break;
	}
	*more = !rc && r->qat < r->nqueue;
	return rc;
}

static int feed_read(const char *name, const unsigned char *data, size_t len,
		     struct nc_doclist *out, struct nc_err *err)
{
	return nc_reader_read_whole(&nc_reader_feed, name, data, len, out, err);
}

const struct nc_reader nc_reader_feed = {
	.name = "feed",
	.detect = feed_detect,
	.read = feed_read,
	.open = feed_open,
	.next = feed_next,
	.close = feed_close,
};
