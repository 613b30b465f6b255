/* read.h - what the readers share of read.c. */
#ifndef NC_READ_H
#define NC_READ_H

#include "newsconv.h"

/* Text of the first heading, squashed, or NULL (also on OOM): the title
 * fallback when front matter gives none. */
char *nc_first_heading_text(struct nc_node *root);

#endif
