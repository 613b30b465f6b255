/* module.h - the newsconv program's loadable modules (module.c), and
 * the entry points each module exports under its own name. */
#ifndef NC_MODULE_H
#define NC_MODULE_H

#include <stdbool.h>
#include <stddef.h>

#include "newsconv.h"

#define NC_MODULE_ZIP "newsconv-zip.so"  /* EPUB, WACZ out and in (libzip) */
#define NC_MODULE_MD  "newsconv-md.so"   /* Markdown posts in (cmark-gfm) */
#define NC_MODULE_FETCH "newsconv-fetch.so" /* images and URL inputs (libcurl) */

/* The address of `symbol` in the module file `module_file`, loaded on
 * first use from $NEWSCONV_MODULE_DIR, the program's own directory,
 * then the installed module directory; NULL with err set when the
 * module cannot be loaded or lacks the symbol.  Thread-safe; a module
 * is loaded once and stays loaded. */
void *nc_module_sym(const char *module_file, const char *symbol, struct nc_err *err);

/* Exported by newsconv-zip.so (module_zip.c). */
extern const struct nc_format *const nc_module_format_epub;
extern const struct nc_format *const nc_module_format_wacz;
struct nc_wacz_in;
bool nc_module_wacz_detect(const unsigned char *data, size_t len);
int nc_module_wacz_read(const struct nc_wacz_in *in, const unsigned char *data, size_t len);

/* Exported by newsconv-md.so (module_md.c). */
extern const struct nc_reader *const nc_module_reader_md;

#endif
