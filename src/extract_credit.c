/*
 * extract_credit.c - the reader view's rule 4 for captions: where the
 * photo credit at the end of a caption begins ("Der Saal am Abend.
 * Foto: Max Muster", "... (REUTERS/Jane Doe)", "... | © Agentur").
 *
 * A credit names the page's source of the picture, not what it shows:
 * a label ("Foto:", "Photo:", "Bild:", "Imagen:", "Crédit :", "Quelle:",
 * "Źródło:" ... followed by a colon), a copyright sign, or a news or
 * picture agency opening a bracket ("(AP", "(REUTERS/", "(dpa").  It is
 * taken only at the end of the caption (at most 60 characters from the
 * marker to the end, no sentence after it), so a caption that merely
 * mentions a photo keeps its words.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "extract_credit.h"

enum { MAX_CREDIT = 60 };

/* Words that are a credit when a colon follows (spaces between
 * allowed); matched case-insensitively in ASCII, so the accented ones
 * come in both cases. */
static const char *const labels[] = {
	"foto", "fotos", "fotografie", "fotografía", "fotografia", "photo", "photos",
	"photograph", "photography", "picture", "bild", "bilder", "bildquelle",
	"bildnachweis", "titelbild", "image", "images", "imagen", "imagem", "credit",
	"credits", "crédit", "crédits", "Crédit", "Crédits", "crédits photo",
	"crédits photos", "Crédits photo", "Crédits photos", "crédito", "créditos",
	"Crédito", "Créditos", "quelle", "fuente", "fonte", "fonti", "źródło",
	"Źródło", "zdjęcie", "Zdjęcie", "fot", "foto/video", "kuva", "bron", NULL
};

/* Agencies that open a credit in a bracket: "(AP Photo/...)". */
static const char *const agencies[] = {
	"ap", "afp", "reuters", "dpa", "efe", "epa", "getty", "ansa", "apa", "kna",
	"keystone", "imago", "picture alliance", "shutterstock", "istock", NULL
};

static bool word_end(const char *s)
{
	return !isalnum((unsigned char)*s) && ((unsigned char)*s < 0x80);
}

static bool word_start(const char *text, size_t i)
{
	return i == 0 || (!isalnum((unsigned char)text[i - 1]) &&
			  ((unsigned char)text[i - 1] < 0x80));
}

/* The length of the credit marker at text[i], or 0. */
static size_t marker_at(const char *text, size_t i)
{
	const char *s = text + i;
	/* U+00A9 the copyright sign */
	if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA9)
		return 2;
	if (s[0] == '(') {
		const char *a = s + 1;
		while (*a == ' ')
			a++;
		for (size_t k = 0; agencies[k]; k++) {
			size_t l = strlen(agencies[k]);
			if (strncasecmp(a, agencies[k], l) == 0 && word_end(a + l))
				return (size_t)(a + l - s);
		}
		return 0;
	}
	if (!word_start(text, i))
		return 0;
	for (size_t k = 0; labels[k]; k++) {
		size_t l = strlen(labels[k]);
		if (strncasecmp(s, labels[k], l) != 0 || !word_end(s + l))
			continue;
		const char *c = s + l;
		while (*c == ' ' || *c == '.')
			c++;
		if (*c == ':')
			return (size_t)(c + 1 - s);
	}
	return 0;
}

/* Next text node in the caption's subtree, document order; scripts and
 * styles are no text. */
static xmlNode *next_in(const xmlNode *top, xmlNode *n)
{
	for (;;) {
		if (n->type == XML_ELEMENT_NODE && n->children &&
		    strcasecmp((const char *)n->name, "script") != 0 &&
		    strcasecmp((const char *)n->name, "style") != 0)
			n = n->children;
		else {
			while (n != top && !n->next)
				n = n->parent;
			if (n == top)
				return NULL;
			n = n->next;
		}
		if (n->type == XML_TEXT_NODE)
			return n;
	}
}

bool nc_credit_start(const xmlNode *cap, xmlNode **node, size_t *off)
{
	xmlNode *at = NULL;
	size_t at_off = 0, after = 0; /* characters from the marker on */
	bool sentence = false;        /* a sentence ends after the marker */
	for (xmlNode *t = next_in(cap, (xmlNode *)cap); t; t = next_in(cap, t)) {
		const char *s = (const char *)t->content;
		if (!s)
			continue;
		size_t n = strlen(s);
		for (size_t i = 0; i < n; i++) {
			size_t m = marker_at(s, i);
			if (m) {
				at = t;
				at_off = i;
				after = 0;
				sentence = false;
				i += m - 1;
				continue;
			}
			if (!at)
				continue;
			after += (unsigned char)s[i] > ' ' && ((unsigned char)s[i] & 0xC0) != 0x80;
			/* ". Next" after the credit: a sentence, not a name */
			if (s[i] == '.' && i + 2 < n && s[i + 1] == ' ' && isupper((unsigned char)s[i + 2]) &&
			    after > 4)
				sentence = true;
			if (after > MAX_CREDIT) {
				at = NULL;
				after = 0;
			}
		}
	}
	if (!at || sentence)
		return false;
	/* the bracket or bar that opens the credit goes with it */
	const char *s = (const char *)at->content;
	while (at_off > 0 && strchr(" ([|/-", s[at_off - 1]))
		at_off--;
	*node = at;
	*off = at_off;
	return true;
}
