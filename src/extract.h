/* extract.h - the reader view: a whole web page's article (extract.c). */
#ifndef NC_EXTRACT_H
#define NC_EXTRACT_H

#include <stdbool.h>
#include <libxml/tree.h>

#include "newsconv.h"

/* A document without front matter whose DOM has a page around it: a
 * <head> (or the head's title, meta and link elements at the top of the
 * body, where a stray element before <head> made libxml2 put them) and a
 * body with more than one top-level block.  What `auto` extracts from. */
bool nc_extract_is_page(xmlNode *html, xmlNode *body);

/* Finds the article inside `body` (a libxml2 element of a parsed page),
 * frees the boilerplate around and inside it, and sets *content to the
 * element to convert (body itself when no article stands out).  Each
 * dropped block is reported on the document (nc_doc.dropped).  `title`
 * (the page's title, may be NULL) helps find where the article starts.
 * NC_OK or NC_ERR_NOMEM. */
int nc_extract(struct nc_doc *doc, xmlNode *body, const char *title,
	       xmlNode **content);

#endif
