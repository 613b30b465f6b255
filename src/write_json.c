/* TEMPORARY placeholder so the tree builds while this part is written. */
#include "newsconv.h"
static int write_json(struct nc_doc *const *docs, size_t n, const struct nc_write_opts *o, struct nc_output *out, struct nc_err *err)
{ (void)docs; (void)n; (void)o; (void)out; return nc_err_set(err, NC_ERR_UNSUPPORTED, "", "--to json is not available yet"); }
const struct nc_format nc_format_json = { "json", ".json", true, write_json };
