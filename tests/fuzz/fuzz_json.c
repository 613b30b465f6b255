/* fuzz_json: the JSON-LD reader (src/util/json_read.c) on arbitrary
 * text.  Invariants: a parse is NC_OK with a tree or NC_ERR_PARSE with
 * none; every link stays inside the tree and points forward (so no
 * walk can loop); every value lies inside the input; a string's decoded
 * text is valid UTF-8 whenever the input is; lookups of any key on any
 * value return -1 or a value of the tree. */
#include "fuzz_common.h"
#include "util/json_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	struct nc_jdoc j;
	int rc = nc_jdoc_parse(&j, (const char *)data, size);
	FUZZ_ASSERT(rc == NC_OK || rc == NC_ERR_PARSE || rc == NC_ERR_NOMEM, "rc %d", rc);
	FUZZ_ASSERT(rc == NC_OK ? j.n > 0 : j.n == 0, "rc %d with %zu values", rc, j.n);
	bool utf8 = fuzz_utf8_ok(data, size);
	for (size_t i = 0; i < j.n; i++) {
		const struct nc_jval *v = &j.v[i];
		FUZZ_ASSERT(v->start <= size && v->len <= size - v->start, "value %zu outside the input", i);
		FUZZ_ASSERT(v->first == -1 || (v->first > (int)i && (size_t)v->first < j.n),
			    "value %zu: first child %d", i, v->first);
		FUZZ_ASSERT(v->next == -1 || (v->next > (int)i && (size_t)v->next < j.n),
			    "value %zu: next %d", i, v->next);
		char *t = NULL;
		FUZZ_ASSERT(nc_jdoc_text(&j, (int)i, &t) == NC_OK, "text of %zu", i);
		FUZZ_ASSERT((t != NULL) == (v->type == NC_J_STRING || v->type == NC_J_NUMBER),
			    "value %zu of type %d: text %p", i, (int)v->type, (void *)t);
		if (t && utf8)
			FUZZ_UTF8(t, strlen(t), "decoded string");
		free(t);
		int g = nc_jdoc_get(&j, (int)i, "@type");
		FUZZ_ASSERT(g == -1 || ((size_t)g < j.n && g > (int)i), "get on %zu: %d", i, g);
	}
	nc_jdoc_free(&j);
	return 0;
}
