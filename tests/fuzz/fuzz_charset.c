/* fuzz_charset: nc_charset_to_utf8() on arbitrary bytes.  Invariants
 * (charset.h): the result is always valid UTF-8 and NUL-terminated at
 * *outlen; valid UTF-8 without a declared charset is kept as is. */
#include "fuzz_common.h"
#include "charset.h"

#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nc_doc *d = nc_doc_new();
	struct nc_err err = {0};
	char *out = NULL;
	size_t outlen = (size_t)-1;
	if (!d)
		abort();
	int rc = nc_charset_to_utf8("fuzz.txt", data, size, &out, &outlen, d, &err);
	if (rc == NC_OK) {
		FUZZ_ASSERT(out != NULL, "NC_OK with NULL output");
		FUZZ_ASSERT(out[outlen] == '\0', "output not NUL-terminated at outlen");
		FUZZ_UTF8(out, outlen, "charset output");
		/* No "charset" anywhere and valid UTF-8: bytes kept (a BOM may go). */
		bool declared = false;
		for (size_t i = 0; i + 7 <= size && !declared; i++)
			declared = (data[i] | 0x20) == 'c' && strncasecmp((const char *)data + i, "charset", 7) == 0;
		if (!declared && fuzz_utf8_ok(data, size)) {
			size_t skip = size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
			FUZZ_ASSERT((outlen == size - skip && memcmp(out, data + skip, outlen) == 0) ||
				    (outlen == size && memcmp(out, data, size) == 0),
				    "valid UTF-8 input changed by conversion");
		}
		for (size_t i = 0; i < d->nwarnings; i++)
			FUZZ_UTF8_STR(d->warnings[i], "warning");
	} else {
		FUZZ_ASSERT(err.code == rc, "returned %d but err.code is %d", rc, err.code);
	}
	free(out);
	nc_doc_free(d);
	return 0;
}
