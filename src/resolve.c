/* TEMPORARY placeholder so the tree builds while this part is written. */
#include "newsconv.h"
int nc_resolve(struct nc_doc *doc, struct nc_err *err)
{ (void)doc; return nc_err_set(err, NC_ERR_UNSUPPORTED, "", "not written yet"); }
