/* fuzz_reader: one reader of the table (chosen at build time with
 * -DREADER=nc_reader_feed, _md or _warc) on arbitrary bytes, then every
 * document it gives: resolved, tree consistent, text valid UTF-8. */
#include "fuzz_common.h"

#ifndef READER
#error "build with -DREADER=nc_reader_<name>"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	fuzz_quiet_libxml();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct nc_reader *r = &READER;
	struct nc_doclist docs = {0};
	struct nc_err err = {0};
	(void)r->detect(data, size);
	int rc = r->read("fuzz.in", data, size, &docs, &err);
	if (rc == NC_OK) {
		for (size_t i = 0; i < docs.n; i++) {
			struct nc_doc *d = docs.v[i];
			struct nc_err e2 = {0};
			FUZZ_ASSERT(nc_resolve(d, &e2) == NC_OK || e2.code == NC_ERR_NOMEM, "resolve failed: %s", e2.msg);
			if (d->root)
				fuzz_check_tree(d->root);
			fuzz_check_meta(&d->meta);
			for (size_t k = 0; k < d->nwarnings; k++)
				FUZZ_UTF8_STR(d->warnings[k], "warning");
		}
	} else {
		FUZZ_ASSERT(err.code == rc, "returned %d but err.code is %d", rc, err.code);
	}
	nc_doclist_free(&docs);
	return 0;
}
