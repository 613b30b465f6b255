/* TEMPORARY placeholder so the tree builds while this part is written. */
#include "newsconv.h"
int nc_html_read(struct nc_doc *doc, const char *html, size_t len, struct nc_err *err)
{ (void)doc; (void)html; (void)len; return nc_err_set(err, NC_ERR_UNSUPPORTED, "", "not written yet"); }
