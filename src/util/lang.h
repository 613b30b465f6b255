/* lang.h - a language tag guessed from the script of a text, for books
 * and pages whose metadata says nothing. */
#ifndef NC_UTIL_LANG_H
#define NC_UTIL_LANG_H

#include "newsconv.h"

/* "zh", "ja", "ko", "ru", "ka", "ar", "he", "th", "el" or "en". */
const char *nc_lang_guess(const struct nc_doc *doc);

#endif
