/* fuzz_html: nc_html_read() on arbitrary text (made valid UTF-8 first,
 * as nc_read() guarantees), then a walk of the tree: links consistent,
 * leaves childless, depth bounded, every text node valid UTF-8. */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	fuzz_quiet_libxml();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;
	struct nc_doc *d = fuzz_doc(data, size, "fuzz.txt", &text);
	struct nc_err err = {0};
	int rc = nc_html_read(d, text, size, &err);
	if (rc == NC_OK) {
		if (d->root)
			fuzz_check_tree(d->root);
		fuzz_check_meta(&d->meta);
		for (size_t i = 0; i < d->nwarnings; i++)
			FUZZ_UTF8_STR(d->warnings[i], "warning");
	} else {
		FUZZ_ASSERT(err.code == rc, "returned %d but err.code is %d", rc, err.code);
	}
	nc_doc_free(d);
	free(text);
	return 0;
}
