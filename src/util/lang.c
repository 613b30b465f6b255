/* lang.c - BCP 47 tags (RFC 5646) from what the input wrote, and a
 * guess from the text when it wrote none: count letters by Unicode script
 * over the title and body and name the language the dominant script most
 * likely means.  Kana decide Japanese over Chinese even when Han
 * characters outnumber them. */
#include "lang.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

enum script { S_LATIN, S_HAN, S_KANA, S_HANGUL, S_CYRILLIC, S_GEORGIAN,
	      S_ARABIC, S_HEBREW, S_THAI, S_GREEK, S_COUNT };

static int script_of(unsigned c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xc0 && c <= 0x24f))
		return S_LATIN;
	if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x20000 && c <= 0x2a6df))
		return S_HAN;
	if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x31f0 && c <= 0x31ff))
		return S_KANA;
	if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f))
		return S_HANGUL;
	if (c >= 0x400 && c <= 0x4ff)
		return S_CYRILLIC;
	if ((c >= 0x10a0 && c <= 0x10ff) || (c >= 0x1c90 && c <= 0x1cbf))
		return S_GEORGIAN;
	if (c >= 0x600 && c <= 0x6ff)
		return S_ARABIC;
	if (c >= 0x590 && c <= 0x5ff)
		return S_HEBREW;
	if (c >= 0xe00 && c <= 0xe7f)
		return S_THAI;
	if (c >= 0x370 && c <= 0x3ff)
		return S_GREEK;
	return -1;
}

static void count(const char *s, size_t n, size_t *counts)
{
	size_t i = 0;
	while (i < n) {
		unsigned cp;
		size_t k = nc_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (!k) {
			i++;
			continue;
		}
		int sc = script_of(cp);
		if (sc >= 0)
			counts[sc]++;
		i += k;
	}
}

const char *nc_lang_guess(const struct nc_doc *d)
{
	static const char *const tags[S_COUNT] = {"en", "zh", "ja", "ko", "ru", "ka", "ar", "he", "th", "el"};
	size_t counts[S_COUNT] = {0};
	if (d->meta.title)
		count(d->meta.title, strlen(d->meta.title), counts);
	struct nc_iter it;
	enum nc_event ev;
	size_t seen = 0;
	nc_iter_init(&it, d->root);
	/* A few thousand characters tell the script as well as the whole. */
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE && seen < 4000) {
		if (ev == NC_EVENT_ENTER && it.cur->type == NC_NODE_TEXT) {
			count(it.cur->as.text.literal, it.cur->as.text.len, counts);
			seen += it.cur->as.text.len;
		}
	}
	if (counts[S_KANA] * 10 > counts[S_HAN] && counts[S_KANA] > 0)
		return "ja";
	int best = S_LATIN;
	for (int s = 0; s < S_COUNT; s++)
		if (counts[s] > counts[best])
			best = s;
	return tags[best];
}

/* ---- BCP 47 ----------------------------------------------------------- */

/* Longer than any tag seen in practice (RFC 5646 4.4.1 asks for 35). */
#define LANG_TAG_MAX 64

static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }
static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 32) : c; }

static bool all_alpha(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_alpha(s[i]))
			return false;
	return true;
}

static bool all_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

static void case_sub(char *s, size_t n, bool title, bool up)
{
	for (size_t i = 0; i < n; i++)
		s[i] = up || (title && i == 0) ? upper(s[i]) : lower(s[i]);
}

/* Checks the subtags of `t` (hyphen-separated, each 1-8 ASCII letters or
 * digits, already verified) against the langtag / privateuse grammar and
 * recases them in place. */
static bool well_formed(char *t)
{
	char *sub[LANG_TAG_MAX];
	size_t len[LANG_TAG_MAX];
	size_t n = 0;
	for (char *p = t;;) {
		char *h = strchr(p, '-');
		size_t k = h ? (size_t)(h - p) : strlen(p);
		sub[n] = p;
		len[n++] = k;
		if (!h)
			break;
		p = h + 1;
	}
	for (size_t j = 0; j < n; j++)
		case_sub(sub[j], len[j], false, false);
	/* privateuse = "x" 1*("-" (1*8alphanum)) */
	if (len[0] == 1 && sub[0][0] == 'x')
		return n > 1;
	/* language = 2*3ALPHA ["-" extlang] */
	if (len[0] < 2 || len[0] > 3 || !all_alpha(sub[0], len[0]))
		return false;
	size_t i = 1;
	/* extlang = 3ALPHA *2("-" 3ALPHA) */
	for (int e = 0; e < 3 && i < n && len[i] == 3 && all_alpha(sub[i], 3); e++)
		i++;
	/* script = 4ALPHA */
	if (i < n && len[i] == 4 && all_alpha(sub[i], 4))
		case_sub(sub[i++], 4, true, false);
	/* region = 2ALPHA / 3DIGIT */
	if (i < n && ((len[i] == 2 && all_alpha(sub[i], 2)) || (len[i] == 3 && all_digit(sub[i], 3)))) {
		case_sub(sub[i], len[i], false, true);
		i++;
	}
	/* variant = 5*8alphanum / (DIGIT 3alphanum) */
	while (i < n && (len[i] >= 5 || (len[i] == 4 && is_digit(sub[i][0]))))
		i++;
	/* extension = singleton 1*("-" (2*8alphanum)) */
	while (i < n && len[i] == 1 && sub[i][0] != 'x') {
		size_t first = ++i;
		while (i < n && len[i] >= 2)
			i++;
		if (i == first)
			return false;
	}
	/* ["-" privateuse] */
	if (i < n && len[i] == 1 && sub[i][0] == 'x')
		return i + 1 < n;
	return i == n;
}

int nc_lang_normalize(const char *in, char **out)
{
	*out = NULL;
	size_t n = strlen(in);
	while (n && is_blank(*in))
		in++, n--;
	while (n && is_blank(in[n - 1]))
		n--;
	if (n == 0 || n > LANG_TAG_MAX)
		return NC_ERR_PARSE;
	/* Every subtag 1-8 letters or digits, '_' taken for '-'. */
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == '-' || in[i] == '_') {
			if (run == 0)
				return NC_ERR_PARSE;
			run = 0;
		} else if ((is_alpha(in[i]) || is_digit(in[i])) && run < 8) {
			run++;
		} else {
			return NC_ERR_PARSE;
		}
	}
	if (run == 0)
		return NC_ERR_PARSE;
	char *t = malloc(n + 1);
	if (!t)
		return NC_ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		t[i] = in[i] == '_' ? '-' : in[i];
	t[n] = '\0';
	if (!well_formed(t)) {
		free(t);
		return NC_ERR_PARSE;
	}
	*out = t;
	return NC_OK;
}
