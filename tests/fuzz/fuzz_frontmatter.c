/* fuzz_frontmatter: nc_frontmatter_parse() on arbitrary text (YAML,
 * recovered YAML, JSON front matter, or none).  The text is made valid
 * UTF-8 first, as nc_read() guarantees.  Invariants: the body offset is
 * inside the input, every metadata string is valid UTF-8, dates are
 * normalised ISO 8601 agreeing with their epoch, fm_raw is set exactly
 * when there was front matter. */
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
	size_t body = (size_t)-1;
	int rc = nc_frontmatter_parse(d, text, size, &body, &err);
	if (rc == NC_OK) {
		FUZZ_ASSERT(body <= size, "body offset %zu beyond length %zu", body, size);
		fuzz_check_meta(&d->meta);
		if (d->meta.fm_kind == NC_FM_NONE)
			FUZZ_ASSERT(d->meta.fm_raw == NULL, "fm_raw set without front matter");
		for (size_t i = 0; i < d->nwarnings; i++)
			FUZZ_UTF8_STR(d->warnings[i], "warning");
	} else {
		FUZZ_ASSERT(err.code == rc, "returned %d but err.code is %d", rc, err.code);
	}
	nc_doc_free(d);
	free(text);
	return 0;
}
