/* fuzz_url: nc_url_resolve(base, ref).  Input is "base\0ref", or just
 * "ref" (NULL base) when there is no NUL.  Invariants: the result has no
 * CR, LF or other control characters (it goes into HTTP requests and
 * WARC headers), is valid UTF-8 when both inputs are, and an absolute
 * result resolves to itself.  NC_FUZZ_URL_ALLOW_CTRL=1 skips the control
 * character check (as does NC_FUZZ_MASK_KNOWN=1), to look past the
 * known open bug. */
#include "fuzz_common.h"
#include "util/url.h"

static bool allow_ctrl;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	const char *e = getenv("NC_FUZZ_URL_ALLOW_CTRL");
	allow_ctrl = (e && *e == '1') || fuzz_mask_known();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *buf = malloc(size + 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	const char *base = NULL, *ref = buf;
	char *nul = memchr(buf, '\0', size);
	if (nul) {
		base = buf;
		ref = nul + 1;
	}
	char *r = nc_url_resolve(base, ref);
	if (r) {
		if (!allow_ctrl)
			for (const unsigned char *p = (const unsigned char *)r; *p; p++)
				FUZZ_ASSERT(*p >= 0x20 && *p != 0x7f,
					    "resolved URL has control byte 0x%02x at %zu: base=\"%s\" ref=\"%s\"",
					    *p, (size_t)(p - (const unsigned char *)r), base ? base : "(null)", ref);
		if (fuzz_utf8_ok(ref, strlen(ref)) && (!base || fuzz_utf8_ok(base, strlen(base))))
			FUZZ_UTF8_STR(r, "resolved URL");
		if (nc_url_is_http(r))
			FUZZ_ASSERT(nc_url_is_absolute(r), "http URL \"%s\" is not absolute", r);
		if (nc_url_is_absolute(r)) {
			char *again = nc_url_resolve(NULL, r);
			FUZZ_ASSERT(again && strcmp(again, r) == 0,
				    "not idempotent: base=\"%s\" ref=\"%s\" -> \"%s\" -> \"%s\"",
				    base ? base : "(null)", ref, r, again ? again : "(null)");
			free(again);
			char *host = nc_url_host(r);
			if (host)
				for (const char *h = host; *h; h++)
					FUZZ_ASSERT(!(*h >= 'A' && *h <= 'Z'), "host \"%s\" not lower-cased", host);
			free(host);
		}
		free(r);
	}
	free(buf);
	return 0;
}
