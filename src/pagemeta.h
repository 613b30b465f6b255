/* pagemeta.h - a web page's metadata from its libxml2 tree (pagemeta.c). */
#ifndef NC_PAGEMETA_H
#define NC_PAGEMETA_H

#include <stdbool.h>
#include <libxml/tree.h>

#include "newsconv.h"

/* Fills the fields of doc->meta the input left unset (front matter and
 * a feed item's own fields always win) from the page `html` (the root
 * element of libxml2's tree).  With `page` false (a body that is not a
 * whole web page) only <html lang> and the <head>'s <title>, <meta> and
 * canonical link are read, as they are written; with `page` true also
 * JSON-LD, microdata, bylines, <time> and <h1> in the body, and the
 * <title>'s site suffix is cut (README "Page metadata" lists the rules).
 * Run it before the reader view frees anything.  NC_OK or NC_ERR_NOMEM
 * (a value not understood is skipped, at most with a warning). */
int nc_pagemeta(struct nc_doc *doc, xmlNode *html, bool page);

#endif
