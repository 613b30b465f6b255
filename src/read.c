/* TEMPORARY placeholder so the tree builds while this part is written. */
#include "newsconv.h"
int nc_read(const char *name, const unsigned char *data, size_t len, struct nc_doc **out, struct nc_err *err)
{ (void)data; (void)len; *out = NULL; return nc_err_set(err, NC_ERR_UNSUPPORTED, name, "not written yet"); }
