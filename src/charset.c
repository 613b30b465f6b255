/* charset.c - decide the encoding of an article and convert it to UTF-8
 * (WHATWG Encoding: a declared charset, else UTF-8, else the legacy
 * encodings these archives come in: GB18030 for Chinese sites and
 * Windows-1252 for the rest).  iconv is glibc's. */
#include "charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/text.h"

static const char fffd[] = "\xef\xbf\xbd";

/* Find charset=NAME in the first few KB (a <meta> tag). */
static bool declared_charset(const unsigned char *in, size_t len, char *name, size_t cap)
{
	size_t n = len < 8192 ? len : 8192;
	for (size_t i = 0; i + 8 < n; i++) {
		if ((in[i] | 0x20) != 'c' || (in[i + 1] | 0x20) != 'h' ||
		    strncasecmp((const char *)in + i, "charset", 7) != 0)
			continue; /* "ch" first: a call per 'c' was a tenth of this function */
		size_t j = i + 7;
		while (j < n && (in[j] == ' ' || in[j] == '\t'))
			j++;
		if (j >= n || in[j] != '=')
			continue;
		j++;
		while (j < n && (in[j] == ' ' || in[j] == '"' || in[j] == '\''))
			j++;
		size_t k = 0;
		while (j < n && k + 1 < cap && (isalnum(in[j]) || in[j] == '-' || in[j] == '_' || in[j] == ':' || in[j] == '.'))
			name[k++] = (char)in[j++];
		name[k] = '\0';
		if (k)
			return true;
	}
	return false;
}

/* The one charset-label table (WHATWG Encoding, section 4.2 "Names and
 * labels") for the encodings whose labels need mapping: label -> the
 * name iconv decodes it by.  Not listed: a label iconv knows as it is.
 * `ascii`: the label promises ASCII only, so that valid UTF-8 under it
 * is a mislabel nobody needs to hear about. */
static const struct { const char *label, *name; bool ascii; } labels[] = {
	{"utf-8", "UTF-8", false}, {"utf8", "UTF-8", false},
	{"unicode-1-1-utf-8", "UTF-8", false}, {"unicode11utf8", "UTF-8", false},
	{"unicode20utf8", "UTF-8", false}, {"x-unicode20utf8", "UTF-8", false},
	/* windows-1252: ISO-8859-1 and ASCII labels included (WHATWG) */
	{"ansi_x3.4-1968", "WINDOWS-1252", true}, {"ascii", "WINDOWS-1252", true},
	{"us-ascii", "WINDOWS-1252", true}, {"cp1252", "WINDOWS-1252", false},
	{"cp819", "WINDOWS-1252", false}, {"csisolatin1", "WINDOWS-1252", false},
	{"ibm819", "WINDOWS-1252", false}, {"iso-8859-1", "WINDOWS-1252", false},
	{"iso-ir-100", "WINDOWS-1252", false}, {"iso8859-1", "WINDOWS-1252", false},
	{"iso88591", "WINDOWS-1252", false}, {"iso_8859-1", "WINDOWS-1252", false},
	{"iso_8859-1:1987", "WINDOWS-1252", false}, {"l1", "WINDOWS-1252", false},
	{"latin1", "WINDOWS-1252", false}, {"windows-1252", "WINDOWS-1252", false},
	{"x-cp1252", "WINDOWS-1252", false},
	/* GBK labels decode as GB18030, its superset: pages declare gb2312
	 * and use GB18030 characters */
	{"chinese", "GB18030", false}, {"csgb2312", "GB18030", false},
	{"csiso58gb231280", "GB18030", false}, {"gb2312", "GB18030", false},
	{"gb_2312", "GB18030", false}, {"gb_2312-80", "GB18030", false}, {"gbk", "GB18030", false},
	{"iso-ir-58", "GB18030", false}, {"x-gbk", "GB18030", false}, {"gb18030", "GB18030", false},
};

const char *nc_charset_name(const char *label, bool *ascii)
{
	if (ascii)
		*ascii = false;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcasecmp(labels[i].label, label)) {
			if (ascii)
				*ascii = labels[i].ascii;
			return labels[i].name;
		}
	return label;
}

bool nc_charset_is_utf8(const char *label)
{
	return !strcmp(nc_charset_name(label, NULL), "UTF-8");
}

bool nc_charset_is_cp1252(const char *label)
{
	return !strcmp(nc_charset_name(label, NULL), "WINDOWS-1252");
}

/* The Cyrillic guess of nc_charset_guess_legacy(): the ten most
 * frequent Russian lowercase letters (о е а и н т с р в л: about 65% of
 * the letters of a text) as bytes of each encoding. */
static const unsigned char koi8r_top[10] = {0xcf, 0xc5, 0xc1, 0xc9, 0xce, 0xd4, 0xd3, 0xd2, 0xd7, 0xcc};
static const unsigned char cp1251_top[10] = {0xee, 0xe5, 0xe0, 0xe8, 0xed, 0xf2, 0xf1, 0xf0, 0xe2, 0xeb};

static bool in_top(const unsigned char top[10], unsigned char c)
{
	return memchr(top, c, 10) != NULL;
}

/* Bytes that are not UTF-8 and declare no charset: KOI8-R or
 * windows-1251 when they read as Cyrillic, else NULL (the caller's
 * Western guess stands).  The stated heuristic:
 *   - not mostly UTF-8: fewer valid multi-byte sequences than a quarter
 *     of the bytes >= 0xC0 (a UTF-8 feed with a few stray bytes is not
 *     re-read);
 *   - words, not accents: at least 60% of the bytes >= 0xC0 stand next
 *     to another such byte (Cyrillic words are runs of them; Western
 *     accents stand alone between ASCII letters);
 *   - letter frequency: the share of those bytes that are the ten most
 *     frequent Russian letters, in each encoding; the better one wins
 *     when it reaches 40% (Cyrillic text gives about 65% in its own
 *     encoding and little in the other; CJK double bytes stay below).
 * Linear, one pass. */
const char *nc_charset_guess_legacy(const unsigned char *in, size_t len)
{
	size_t high = 0, paired = 0, utf8 = 0, koi = 0, win = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = in[i];
		if (c < 0x80)
			continue;
		size_t k = nc_utf8_valid_seq(in + i, len - i);
		if (k > 1) {
			utf8++;
			i += k - 1;
			continue;
		}
		if (c < 0xc0)
			continue;
		high++;
		paired += (i > 0 && in[i - 1] >= 0xc0) || (i + 1 < len && in[i + 1] >= 0xc0);
		koi += in_top(koi8r_top, c);
		win += in_top(cp1251_top, c);
	}
	if (high < 8 || utf8 * 4 >= high || paired * 10 < high * 6)
		return NULL;
	size_t best = koi > win ? koi : win;
	if (best * 10 < high * 4)
		return NULL;
	return koi > win ? "KOI8-R" : "WINDOWS-1251";
}

/* iconv with each undecodable byte replaced by U+FFFD.  strict: fail on
 * the first one instead. */
static int convert(const char *from, const unsigned char *in, size_t len,
		   bool strict, struct nc_buf *out)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return -1;
	char *ip = (char *)in;
	size_t il = len;
	char chunk[8192];
	int rc = 0;
	while (il > 0) {
		char *op = chunk;
		size_t ol = sizeof chunk;
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		nc_buf_put(out, chunk, sizeof chunk - ol);
		if (r == (size_t)-1) {
			if (errno == E2BIG)
				continue;
			if (strict) {
				rc = -1;
				break;
			}
			/* EILSEQ or EINVAL (truncated at end): skip one byte. */
			nc_buf_puts(out, fffd);
			ip++;
			il--;
			iconv(cd, NULL, NULL, NULL, NULL);
		}
	}
	iconv_close(cd);
	return out->oom ? -1 : rc;
}

/* Windows-1252 by table: iconv refuses its five undefined bytes. */
void nc_charset_from_cp1252(const unsigned char *in, size_t len, struct nc_buf *out)
{
	static const unsigned short hi[32] = {
		0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
		0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
	};
	for (size_t i = 0; i < len; i++) {
		unsigned cp = in[i];
		if (cp >= 0x80 && cp < 0xa0)
			cp = hi[cp - 0x80];
		char u[4];
		nc_buf_put(out, u, (size_t)nc_utf8_encode(cp, u));
	}
}

/* Valid UTF-8 kept; any invalid byte replaced by U+FFFD. */
static void sanitize_utf8(const unsigned char *in, size_t len, struct nc_buf *out)
{
	size_t i = 0, run = 0;
	while (i < len) {
		if (in[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = nc_utf8_valid_seq(in + i, len - i);
		if (k) {
			i += k;
			continue;
		}
		nc_buf_put(out, in + run, i - run);
		nc_buf_puts(out, fffd);
		i++;
		run = i;
	}
	nc_buf_put(out, in + run, i - run);
}

/* More valid multi-byte UTF-8 sequences than twice the bytes that start
 * none: UTF-8 with stray bytes, not a legacy encoding (whose non-ASCII
 * bytes seldom form a valid sequence). */
static bool mostly_utf8(const unsigned char *in, size_t len)
{
	size_t good = 0, bad = 0;
	for (size_t i = 0; i < len;) {
		if (in[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = nc_utf8_valid_seq(in + i, len - i);
		if (k) {
			good++;
			i += k;
		} else {
			bad++;
			i++;
		}
	}
	return bad && good > 2 * bad;
}

int nc_charset_to_utf8(const char *name, const unsigned char *in, size_t len,
		       char **out, size_t *outlen, struct nc_doc *doc,
		       struct nc_err *err)
{
	struct nc_buf b = {0};
	bool lost = false; /* a warning could not be kept */
	char cs[64];
	bool valid = nc_utf8_valid((const char *)in, len);

	if (declared_charset(in, len, cs, sizeof cs) && !nc_charset_is_utf8(cs)) {
		const char *from = nc_charset_name(cs, NULL);
		if (nc_charset_is_cp1252(cs)) {
			/* by table: iconv refuses five bytes of windows-1252 */
			if (!valid) {
				nc_charset_from_cp1252(in, len, &b);
				goto done;
			}
		} else if (!valid && convert(from, in, len, false, &b) == 0) {
			goto done;
		} else if (!valid) {
			if (nc_doc_warn(doc, "declared charset '%s' is unknown; guessing", cs))
				lost = true;
			nc_buf_free(&b);
		}
		/* A valid UTF-8 file under a legacy declaration was re-saved as
		 * UTF-8 by the mirror; converting again would garble it. */
	}
	if (valid) {
		nc_buf_put(&b, in, len);
		goto done;
	}
	if (mostly_utf8(in, len)) {
		/* UTF-8 but for a few bytes: those bytes are U+FFFD, as a
		 * browser decodes such a page, not the whole page misread as
		 * windows-1252 (every non-ASCII letter garbled) */
		sanitize_utf8(in, len, &b);
		if (nc_doc_warn(doc, "bytes that are not UTF-8 in a UTF-8 text; read as U+FFFD"))
			lost = true;
		goto done;
	}
	const char *cyr = nc_charset_guess_legacy(in, len);
	if (cyr && convert(cyr, in, len, false, &b) == 0) {
		if (nc_doc_warn(doc, "not UTF-8 and no charset declared; read as %s", cyr))
			lost = true;
		goto done;
	}
	nc_buf_free(&b);
	if (convert("GB18030", in, len, true, &b) == 0) {
		if (nc_doc_warn(doc, "not UTF-8 and no charset declared; read as GB18030"))
			lost = true;
		goto done;
	}
	nc_buf_free(&b);
	nc_charset_from_cp1252(in, len, &b);
	if (nc_doc_warn(doc, "not UTF-8 and no charset declared; read as Windows-1252"))
		lost = true;
done:
	if (lost || b.oom || (!b.data && nc_buf_reserve(&b, 0))) {
		nc_buf_free(&b);
		return nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
	}
	/* Belt and braces: iconv output is UTF-8, but the result must be
	 * (valid: the input copied as it was, checked above). */
	if (!valid && !nc_utf8_valid(b.data, b.len)) {
		struct nc_buf c = {0};
		sanitize_utf8((const unsigned char *)b.data, b.len, &c);
		nc_buf_free(&b);
		b = c;
	}
	*out = nc_buf_detach(&b, outlen);
	return *out ? NC_OK : nc_err_set(err, NC_ERR_NOMEM, name, "out of memory");
}

int nc_charset_label_to_utf8(const char *label, const unsigned char *in, size_t len,
			     struct nc_buf *out)
{
	if (!*label || nc_charset_is_utf8(label))
		return -1;
	if (nc_charset_is_cp1252(label)) {
		nc_charset_from_cp1252(in, len, out);
		return out->oom ? -1 : 0;
	}
	return convert(nc_charset_name(label, NULL), in, len, false, out);
}
