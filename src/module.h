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

/* What a module and the program must agree on to call each other: a
 * number raised by hand when an interface changes meaning, and the
 * size of every structure they pass, so that a module built from
 * another version of the headers (a field added) is refused on load
 * instead of crashing.  Every module exports one, named nc_module_abi,
 * made with NC_MODULE_ABI_INIT. */
#define NC_MODULE_ABI_VERSION 1
struct nc_module_abi {
	unsigned version;
	unsigned sizes[20];
};
#define NC_MODULE_ABI_INIT { NC_MODULE_ABI_VERSION, { \
	sizeof(struct nc_err), sizeof(struct nc_strlist), sizeof(struct nc_kv), \
	sizeof(struct nc_meta), sizeof(struct nc_node), sizeof(struct nc_blob), \
	sizeof(struct nc_exchange), sizeof(struct nc_resource), sizeof(struct nc_doc), \
	sizeof(struct nc_iter), sizeof(struct nc_doclist), sizeof(struct nc_reader), \
	sizeof(struct nc_fetch_opts), sizeof(struct nc_fetch_stats), \
	sizeof(struct nc_digest), sizeof(struct nc_write_opts), sizeof(struct nc_sink), \
	sizeof(struct nc_sidefile), sizeof(struct nc_writer), sizeof(struct nc_format) } }

/* The address of `symbol` in the module file `module_file`, loaded on
 * first use from $NEWSCONV_MODULE_DIR, the program's own directory,
 * then the installed module directory; NULL with err set when the
 * module cannot be loaded, was built for another version of the program
 * (its nc_module_abi differs) or lacks the symbol.  Thread-safe; a module
 * is loaded once and stays loaded. */
void *nc_module_sym(const char *module_file, const char *symbol, struct nc_err *err);

/* Exported by every module (module_zip.c, module_md.c, module_fetch.c). */
extern const struct nc_module_abi nc_module_abi;

/* Exported by newsconv-zip.so (module_zip.c). */
extern const struct nc_format *const nc_module_format_epub;
extern const struct nc_format *const nc_module_format_wacz;
struct nc_wacz_in;
bool nc_module_wacz_detect(const unsigned char *data, size_t len);
int nc_module_wacz_read(const struct nc_wacz_in *in, const unsigned char *data, size_t len);

/* Exported by newsconv-md.so (module_md.c). */
extern const struct nc_reader *const nc_module_reader_md;

#endif
