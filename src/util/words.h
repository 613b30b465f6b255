/* words.h - the few words newsconv writes itself, in the reader's
 * language where it has them (words.c). */
#ifndef NC_WORDS_H
#define NC_WORDS_H

#include <stdbool.h>

struct nc_words {
	const char *lang;          /* the language these words are in: "en", "zh-Hans" ... */
	const char *contents;      /* heading of a table of contents */
	const char *title_page;    /* a digest's title page, in the contents */
	const char *start;         /* the landmark of the first chapter */
	const char *landmarks;     /* the landmarks list's label */
	const char *sources;       /* heading of a title page's list of sources */
	const char *source;        /* a chapter's link to the article's original */
	const char *author, *date, *category, *tags; /* an archived page's labels */
	const char *articles;      /* title of a book of several articles */
	const char *digest;        /* title of a digest */
	const char *various;       /* the author of a book by more than three */
	const char *other;         /* a group of chapters without a name */
	const char *uncategorised; /* a digest group: articles without a category */
	const char *undated;       /* a digest group: articles without a date */
	const char *video, *audio, *embedded; /* an embedded player's label */
	const char *image;         /* the placeholder of an image not in the book */
	const char *one_article, *n_articles; /* "1 article", "%zu articles" */
	const char *one_source, *n_sources;   /* " from 1 source", " from %zu sources" */
};

/* The words for a BCP 47 tag ("zh-CN", "de", NULL ...): English when
 * newsconv has none in that language. */
const struct nc_words *nc_words_for(const char *lang);

/* True when the words are not in `lang`, so the element holding them
 * must say lang="en" (WCAG 3.1.2, language of parts: a screen reader
 * then reads them as English, not with the book's voice). */
bool nc_words_foreign(const struct nc_words *w, const char *lang);

#endif
