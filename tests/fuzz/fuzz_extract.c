/* fuzz_extract: the reader view (extract.c) on arbitrary pages: the HTML
 * reader with --extract on, so every body goes through it.  Checks the
 * tree as fuzz_html does, and the report: kept + dropped characters, each
 * dropped block with a valid UTF-8 path and a reason. */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	fuzz_quiet_libxml();
	nc_extract_mode = NC_EXTRACT_ON;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	struct nc_doc *d = fuzz_doc(data, size, "fuzz.html", &text);
	struct nc_err err = {0};
	int rc = nc_html_read_body(d, text, size, NC_BODY_PAGE, &err);
	if (rc == NC_OK) {
		if (d->root)
			fuzz_check_tree(d->root);
		size_t sum = 0;
		for (size_t i = 0; i < d->ndropped; i++) {
			FUZZ_ASSERT(d->dropped[i].path && d->dropped[i].reason, "dropped block %zu unnamed", i);
			FUZZ_UTF8_STR(d->dropped[i].path, "dropped path");
			sum += d->dropped[i].chars;
		}
		FUZZ_ASSERT(d->extracted || d->ndropped == 0, "dropped blocks without extraction");
		FUZZ_ASSERT(sum <= d->dropped_chars + d->kept_chars + size,
			    "dropped %zu characters of a %zu-byte page", sum, size);
	} else {
		FUZZ_ASSERT(err.code == rc, "returned %d but err.code is %d", rc, err.code);
	}
	nc_doc_free(d);
	free(text);
	return 0;
}
