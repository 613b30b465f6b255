/* TEMPORARY placeholder so the tree builds while this part is written. */
#include "newsconv.h"
int nc_frontmatter_parse(struct nc_doc *doc, const char *text, size_t len, size_t *body_offset, struct nc_err *err)
{ (void)doc; (void)text; (void)len; *body_offset = 0; return nc_err_set(err, NC_ERR_UNSUPPORTED, "", "not written yet"); }
