/* module_zip.c - the entry points of newsconv-zip.so (write_epub.c,
 * write_wacz.c, read_wacz.c), under names of their own: the program
 * has stubs called nc_format_epub, nc_wacz_read ... (module_stubs.c). */
#include "module.h"
#include "read_wacz.h"

const struct nc_format *const nc_module_format_epub = &nc_format_epub;
const struct nc_format *const nc_module_format_wacz = &nc_format_wacz;

bool nc_module_wacz_detect(const unsigned char *data, size_t len)
{
	return nc_wacz_detect(data, len);
}

int nc_module_wacz_read(const struct nc_wacz_in *in, const unsigned char *data, size_t len)
{
	return nc_wacz_read(in, data, len);
}

const struct nc_module_abi nc_module_abi = NC_MODULE_ABI_INIT;
