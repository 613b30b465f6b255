/*
 * pagemeta_date.c - a date written out at the end of a byline.
 *
 * Bylines put the date after the name in plain text ("By Nathan Willis
 * March 25, 2015"); the name is what the model keeps as an author.  The
 * date is read backwards as words: [time [am|pm] [zone]] year, day and
 * month in either order, each word checked against a short vocabulary,
 * so a name is never taken for a date unless it is a month's name
 * between a day and a year.  Linear in the text, which is at most a
 * byline's 100 bytes.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "pagemeta_date.h"

enum { MAX_WORDS = 32 };

/* Month names and their usual abbreviations in English, French, German,
 * Spanish, Italian; compared ASCII case-insensitively up to a '.'. */
static const char *const months[] = {
	"january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
	"jul", "aug", "sep", "sept", "oct", "nov", "dec",
	"janvier", "f\xC3\xA9vrier", "mars", "avril", "mai", "juin", "juillet", "ao\xC3\xBBt",
	"septembre", "octobre", "novembre", "d\xC3\xA9" "cembre",
	"januar", "februar", "m\xC3\xA4rz", "juni", "juli", "oktober", "dezember",
	"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
	"septiembre", "octubre", "noviembre", "diciembre",
	"gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre",
	"ottobre", "dicembre", NULL };
/* Words around a date that are not the name. */
static const char *const fillers[] = { "updated", "published", "posted", "on", "am", "le",
	"de", "del", "den", "\xC3\xA0", "at", "um", "last", "|", "-", "\xE2\x80\x94",
	"\xE2\x80\x93", "\xE2\x80\xA2", "\xC2\xB7", NULL };
/* Compared without their last "." ("p.m." is "p.m"). */
static const char *const meridians[] = { "am", "pm", "a.m", "p.m", NULL };
static const char *const zones[] = { "et", "est", "edt", "ct", "cst", "cdt", "mt", "mst",
	"mdt", "pt", "pst", "pdt", "utc", "gmt", "bst", "cet", "cest", "aest", "aedt", "ist",
	"uhr", "h", NULL };

struct word {
	const char *s;
	size_t n;
};

/* w without the punctuation that follows a word ("25," "JAN." "2015:"). */
static size_t bare(const struct word *w)
{
	size_t n = w->n;
	while (n && (w->s[n - 1] == ',' || w->s[n - 1] == '.' || w->s[n - 1] == ':'))
		n--;
	return n;
}

static bool in(const struct word *w, const char *const *list, bool strip)
{
	size_t n = strip ? bare(w) : w->n;
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && n && strncasecmp(w->s, list[i], n) == 0)
			return true;
	return false;
}

/* All digits, between lo and hi digits long. */
static bool digits(const struct word *w, size_t lo, size_t hi)
{
	size_t n = bare(w);
	if (n < lo || n > hi)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)w->s[i]))
			return false;
	return true;
}

/* "3:46", "15:20", "6:01am", "15h20". */
static bool clock(const struct word *w)
{
	size_t n = bare(w), i = 0, d = 0;
	while (i < n && isdigit((unsigned char)w->s[i]))
		i++, d++;
	if (!d || d > 2 || i == n || (w->s[i] != ':' && w->s[i] != 'h'))
		return false;
	size_t m = ++i;
	while (i < n && isdigit((unsigned char)w->s[i]))
		i++;
	if (i - m != 2)
		return false;
	struct word rest = { w->s + i, n - i };
	return i == n || in(&rest, meridians, false);
}

static bool year(const struct word *w)
{
	return digits(w, 4, 4) && (strncmp(w->s, "19", 2) == 0 || strncmp(w->s, "20", 2) == 0);
}

/* "25", "25.", "1er". */
static bool day(const struct word *w)
{
	if (w->n == 3 && strncasecmp(w->s + 1, "er", 2) == 0 && w->s[0] == '1')
		return true;
	return digits(w, 1, 2);
}

size_t nc_byline_date_cut(const char *s)
{
	struct word w[MAX_WORDS];
	size_t n = 0, len = strlen(s);
	for (const char *p = s; *p && n < MAX_WORDS; ) {
		while (*p == ' ')
			p++;
		size_t k = strcspn(p, " ");
		if (k)
			w[n++] = (struct word){ p, k };
		p += k;
	}
	if (n == MAX_WORDS)
		return len; /* not a byline's length: leave it */
	size_t i = n;
	while (i && (in(&w[i - 1], zones, true) || in(&w[i - 1], meridians, true)))
		i--;
	while (i && (clock(&w[i - 1]) || in(&w[i - 1], fillers, true)))
		i--;
	/* month day year, or day month year */
	if (i < 3 || !year(&w[i - 1]))
		return len;
	bool mdy = in(&w[i - 3], months, true) && day(&w[i - 2]);
	bool dmy = day(&w[i - 3]) && in(&w[i - 2], months, true);
	bool d_de_m = i >= 5 && day(&w[i - 5]) && in(&w[i - 4], fillers, false) &&
		      in(&w[i - 3], months, true) && in(&w[i - 2], fillers, false);
	if (d_de_m)
		i -= 5;
	else if (mdy || dmy)
		i -= 3;
	else
		return len;
	while (i && in(&w[i - 1], fillers, true))
		i--;
	return i ? (size_t)(w[i - 1].s + w[i - 1].n - s) : 0;
}
