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

/* How far the readers look for a NUL byte: one there means binary data,
 * not text (a NUL further on is a stray byte in a text, dropped). */
#define NC_BINARY_SNIFF_BYTES 8192

/* A NUL byte in the first NC_BINARY_SNIFF_BYTES: binary, no text input. */
bool nc_input_is_binary(const unsigned char *data, size_t len);

/* The checks every text reader makes before reading: the input size
 * limit (NC_ERR_LIMIT) and binary data (NC_ERR_PARSE, "binary data, not
 * a `what`"), set in *err naming `name`. */
int nc_input_check(const char *name, const unsigned char *data, size_t len,
		   const char *what, struct nc_err *err);

/* read() of a reader that reads in parts (nc_reader.open): open, one
 * next(0), close. */
int nc_reader_read_whole(const struct nc_reader *r, const char *name, const unsigned char *data,
			 size_t len, struct nc_doclist *out, struct nc_err *err);

#endif
