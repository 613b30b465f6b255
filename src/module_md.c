/* module_md.c - the entry point of newsconv-md.so (read_md.c), under a
 * name of its own: the program's nc_reader_md is a stub (module_stubs.c). */
#include "module.h"

const struct nc_reader *const nc_module_reader_md = &nc_reader_md;

const struct nc_module_abi nc_module_abi = NC_MODULE_ABI_INIT;
