/* lang.c - count letters by Unicode script over the title and body and
 * name the language the dominant script most likely means.  Kana decide
 * Japanese over Chinese even when Han characters outnumber them. */
#include "lang.h"

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
