/* module_fetch.c - what newsconv-fetch.so (fetch.c) tells the program
 * that loads it (fetch_loader.c, module.c): the interface it was built
 * for.  nc_fetch and nc_fetch_url are fetch.c's own names. */
#include "module.h"

const struct nc_module_abi nc_module_abi = NC_MODULE_ABI_INIT;
