/* TEMPORARY placeholder so the tree builds while this part is written. */
#include "newsconv.h"
void nc_fetch_opts_default(struct nc_fetch_opts *o) { (void)o; }
int nc_fetch(struct nc_doc *const *docs, size_t ndocs, const struct nc_fetch_opts *o, struct nc_fetch_stats *stats, struct nc_err *err)
{ (void)docs; (void)ndocs; (void)o; (void)stats; return nc_err_set(err, NC_ERR_UNSUPPORTED, "", "not written yet"); }
