/* fuzz_date: nc_date_parse() on arbitrary text.  Invariants: a parsed
 * date prints as "YYYY-MM-DDTHH:MM:SSZ" (20 chars) and "YYYYMMDDHHMMSS"
 * (14 digits), and parsing that ISO form gives the same epoch back. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	int64_t epoch = 0;
	if (nc_date_parse(s, &epoch) == 0) {
		char iso[21], d14[15];
		memset(iso, 'X', sizeof iso);
		memset(d14, 'X', sizeof d14);
		nc_date_iso(epoch, iso);
		nc_date_14(epoch, d14);
		FUZZ_ASSERT(memchr(iso, '\0', sizeof iso) && strlen(iso) == 20,
			    "\"%s\" -> epoch %lld -> ISO of length %zu", s, (long long)epoch,
			    memchr(iso, '\0', sizeof iso) ? strlen(iso) : (size_t)-1);
		FUZZ_ASSERT(memchr(d14, '\0', sizeof d14) && strlen(d14) == 14,
			    "\"%s\" -> epoch %lld -> 14-digit form of length %zu", s, (long long)epoch,
			    memchr(d14, '\0', sizeof d14) ? strlen(d14) : (size_t)-1);
		for (int i = 0; i < 14; i++)
			FUZZ_ASSERT(d14[i] >= '0' && d14[i] <= '9', "\"%s\" -> 14-digit form \"%s\"", s, d14);
		int64_t back = 0;
		FUZZ_ASSERT(nc_date_parse(iso, &back) == 0, "\"%s\" -> \"%s\" which does not parse", s, iso);
		FUZZ_ASSERT(back == epoch, "\"%s\" -> %lld -> \"%s\" -> %lld", s, (long long)epoch, iso, (long long)back);
	}
	free(s);
	return 0;
}
