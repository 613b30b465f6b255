/* nc_lang_normalize: what front matter and <html lang> write, as BCP 47
 * that EPUB (xml:lang, dc:language) accepts, or refused. */
#include <stdlib.h>

#include "check.h"
#include "util/lang.h"

static const char *norm(const char *in)
{
	static char keep[128];
	char *t = NULL;
	int rc = nc_lang_normalize(in, &t);
	if (rc != NC_OK) {
		CHECK(t == NULL);
		return rc == NC_ERR_PARSE ? "(refused)" : "(error)";
	}
	snprintf(keep, sizeof keep, "%s", t);
	free(t);
	return keep;
}

int main(void)
{
	CHECK_STR(norm("zh_CN"), "zh-CN");
	CHECK_STR(norm("zh_cn"), "zh-CN");
	CHECK_STR(norm("zh-hans-cn"), "zh-Hans-CN");
	CHECK_STR(norm("ZH-HANT-TW"), "zh-Hant-TW");
	CHECK_STR(norm("EN"), "en");
	CHECK_STR(norm("en-us"), "en-US");
	CHECK_STR(norm("  de-DE \n"), "de-DE");
	CHECK_STR(norm("es-419"), "es-419");
	CHECK_STR(norm("sr-latn"), "sr-Latn");
	CHECK_STR(norm("zh-yue-HK"), "zh-yue-HK");
	CHECK_STR(norm("de-CH-1996"), "de-CH-1996");
	CHECK_STR(norm("sl-rozaj-biske"), "sl-rozaj-biske");
	CHECK_STR(norm("en-US-u-ca-GREGORY"), "en-US-u-ca-gregory");
	CHECK_STR(norm("en-x-Private"), "en-x-private");
	CHECK_STR(norm("x-whatever"), "x-whatever");
	CHECK_STR(norm("ka"), "ka");

	CHECK_STR(norm("Chinese"), "(refused)");
	CHECK_STR(norm("English"), "(refused)");
	CHECK_STR(norm("中文"), "(refused)");
	CHECK_STR(norm(""), "(refused)");
	CHECK_STR(norm("   "), "(refused)");
	CHECK_STR(norm("e"), "(refused)");
	CHECK_STR(norm("en-"), "(refused)");
	CHECK_STR(norm("-en"), "(refused)");
	CHECK_STR(norm("en--US"), "(refused)");
	CHECK_STR(norm("en US"), "(refused)");
	CHECK_STR(norm("en-US-abcd"), "(refused)");
	CHECK_STR(norm("en-u"), "(refused)");
	CHECK_STR(norm("en-u-x"), "(refused)");
	CHECK_STR(norm("en-x"), "(refused)");
	CHECK_STR(norm("x"), "(refused)");
	CHECK_STR(norm("en-toolongsubtag"), "(refused)");
	CHECK_STR(norm("zh-CN;q=0.9"), "(refused)");
	CHECK_STR(norm("en\"><script>"), "(refused)");
	CHECK_STR(norm("en-aaaaaaaa-bbbbbbbb-cccccccc-dddddddd-eeeeeeee-ffffffff-gggggggg"), "(refused)");
	return check_done("lang");
}
