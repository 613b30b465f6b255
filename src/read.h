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

/* Append key: value (copied) to m->extra, the keys kept for nothing
 * else.  NC_OK or NC_ERR_NOMEM. */
int nc_meta_add_extra(struct nc_meta *m, const char *key, const char *value);

/* A date key: *rawp gets raw as written, *norm and *epoch the date in
 * UTC when raw is one nc_date_parse() reads; a warning naming key when
 * it is not.  A blank raw sets nothing.  NC_OK or NC_ERR_NOMEM. */
int nc_meta_set_date(struct nc_doc *d, const char *key, const char *raw, char **norm,
		     char **rawp, int64_t *epoch);

#endif
