/* read.h - what the readers share of read.c. */
#ifndef NC_READ_H
#define NC_READ_H

#include "newsconv.h"

/* Text of the first heading, squashed, or NULL (also on OOM): the title
 * fallback when front matter gives none. */
char *nc_first_heading_text(struct nc_node *root);

/* The title fallback of every file reader: first heading, else the file
 * name as `from_name` makes it a title.  NC_OK or NC_ERR_NOMEM. */
int nc_title_fallback(struct nc_doc *d, const char *name,
		      char *(*from_name)(const char *), struct nc_err *err);

#endif
