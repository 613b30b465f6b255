/* module_stubs.c - what the newsconv program has in place of the code
 * it loads as modules (module.c): the EPUB and WACZ formats and the
 * zip side of the WARC reader (newsconv-zip.so), the Markdown reader
 * (newsconv-md.so).  Compiled into the program only; the library and the
 * tests link the real files.
 *
 * A stub format's begin() loads the module and hands the writer over to
 * the real format (w->format = real), so every later call goes there
 * directly.  The stub's other fields must match the real table's. */
#include <stdint.h>
#include <string.h>

#include "module.h"
#include "read_md_detect.h"
#include "read_wacz.h"

/* The object `symbol` of `module` points to (a table), or NULL. */
static const void *module_table(const char *module, const char *symbol, struct nc_err *err)
{
	const void *const *p = nc_module_sym(module, symbol, err);
	return p ? *p : NULL;
}

static int hand_over(struct nc_writer *w, const char *symbol, struct nc_err *err)
{
	const struct nc_format *real = module_table(NC_MODULE_ZIP, symbol, err);
	if (!real)
		return NC_ERR_UNSUPPORTED;
	/* A stale module, or a stub table that drifted from the real one. */
	const struct nc_format *stub = w->format;
	if (strcmp(real->name, stub->name) || strcmp(real->extension, stub->extension) ||
	    real->many_in_one != stub->many_in_one)
		return nc_err_set(err, NC_ERR_INTERNAL, stub->name,
				  "module %s does not match this program (format %s%s)", NC_MODULE_ZIP,
				  real->name, real->extension);
	w->format = real;
	return real->begin(w, err);
}

static int epub_begin(struct nc_writer *w, struct nc_err *err)
{
	return hand_over(w, "nc_module_format_epub", err);
}

static int wacz_begin(struct nc_writer *w, struct nc_err *err)
{
	return hand_over(w, "nc_module_format_wacz", err);
}

/* Never reached (the writer has the real format once begin() ran); the
 * same, in case a caller goes through the table itself. */
static int not_begun(struct nc_writer *w, struct nc_doc *doc, struct nc_err *err)
{
	return nc_err_set(err, NC_ERR_INTERNAL, w->format->name, "writer not begun");
}

static int not_begun_finish(struct nc_writer *w, struct nc_err *err)
{
	return not_begun(w, NULL, err);
}

const struct nc_format nc_format_epub = {
	.name = "epub",
	.extension = ".epub",
	.many_in_one = true,
	.begin = epub_begin,
	.add = not_begun,
	.finish = not_begun_finish,
};

const struct nc_format nc_format_wacz = {
	.name = "wacz",
	.extension = ".wacz",
	.many_in_one = true,
	.begin = wacz_begin,
	.add = not_begun,
	.finish = not_begun_finish,
};

/* ---- the zip side of the WARC reader ------------------------------------ */

typedef bool (*wacz_detect_fn)(const unsigned char *, size_t);
typedef int (*wacz_read_fn)(const struct nc_wacz_in *, const unsigned char *, size_t);

bool nc_wacz_detect(const unsigned char *data, size_t len)
{
	struct nc_err e = {0};
	void *p = nc_module_sym(NC_MODULE_ZIP, "nc_module_wacz_detect", &e);
	/* Without the module, claim the zip: read() then says why. */
	return p ? ((wacz_detect_fn)(uintptr_t)p)(data, len) : true;
}

int nc_wacz_read(const struct nc_wacz_in *in, const unsigned char *data, size_t len)
{
	void *p = nc_module_sym(NC_MODULE_ZIP, "nc_module_wacz_read", in->err);
	return p ? ((wacz_read_fn)(uintptr_t)p)(in, data, len) : NC_ERR_UNSUPPORTED;
}

/* ---- Markdown posts ------------------------------------------------------- */

static int md_read(const char *name, const unsigned char *data, size_t len,
		   struct nc_doclist *out, struct nc_err *err)
{
	const struct nc_reader *real = module_table(NC_MODULE_MD, "nc_module_reader_md", err);
	if (!real)
		return NC_ERR_UNSUPPORTED;
	if (strcmp(real->name, nc_reader_md.name))
		return nc_err_set(err, NC_ERR_INTERNAL, name, "module %s does not match this program",
				  NC_MODULE_MD);
	return real->read(name, data, len, out, err);
}

const struct nc_reader nc_reader_md = {
	.name = "md",
	.detect = nc_md_detect,
	.read = md_read,
};
