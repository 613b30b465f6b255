/* lang.h - language tags: one written in the input, normalised to BCP 47;
 * one guessed from the script of a text, for books and pages whose
 * metadata says nothing. */
#ifndef NC_UTIL_LANG_H
#define NC_UTIL_LANG_H

#include "newsconv.h"

/* "zh", "ja", "ko", "ru", "ka", "ar", "he", "th", "el" or "en". */
const char *nc_lang_guess(const struct nc_doc *doc);

/* The tag `in` as well-formed BCP 47 (RFC 5646 section 2.1), in the
 * registry's case conventions: surrounding blanks trimmed, '_' read as
 * '-', language and extlang lowercase, script titlecase, region
 * uppercase, the rest lowercase ("zh_cn" -> "zh-CN", "zh-hans-cn" ->
 * "zh-Hans-CN", "EN" -> "en").  On NC_OK *out is a new malloc'd string
 * the caller frees; NC_ERR_PARSE (with *out NULL) when the text is not a
 * tag ("Chinese", "中文", ""), NC_ERR_NOMEM when out of memory.
 * Language subtags of 4-8 letters are refused: none is registered, and
 * they are how language names ("English") look.  Grandfathered irregular
 * tags (i-klingon ...) are refused too; private use (x-...) is kept. */
int nc_lang_normalize(const char *in, char **out);

#endif
