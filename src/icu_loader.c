/* icu_loader.c - ICU for the newsconv program, loaded on first use.
 *
 * The program links libxml2 statically when the system has libxml2.a
 * (meson option static_libxml2): Debian's shared libxml2 pulls in ICU
 * and libstdc++, whose ~15,000 symbol relocations cost more start-up
 * time (1.2 ms here) than converting a whole article.  libxml2 calls ICU
 * for one thing only: a converter for an encoding that glibc's iconv
 * does not know (encoding.c tries iconv first), which almost no input
 * declares.  These seven functions are the ones libxml2.a calls; each
 * opens libicuuc on its first call and hands the call on, so an input in
 * such an encoding (SCSU, BOCU-1 ...) still converts.
 *
 * ICU's headers rename every function with its major version
 * (ucnv_open -> ucnv_open_72), so the names defined here are the ones
 * libxml2.a was built against, and SYM() gives dlsym the same name. */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/uvernum.h>

#define STR_(x) #x
#define SYM(x) STR_(x)

struct icu {
	UConverter *(*open)(const char *, UErrorCode *);
	void (*close)(UConverter *);
	void (*convert_ex)(UConverter *, UConverter *, char **, const char *, const char **,
			   const char *, UChar *, UChar **, UChar **, const UChar *, UBool, UBool,
			   UErrorCode *);
	void (*set_from_u)(UConverter *, UConverterFromUCallback, const void *,
			   UConverterFromUCallback *, const void **, UErrorCode *);
	void (*set_to_u)(UConverter *, UConverterToUCallback, const void *,
			 UConverterToUCallback *, const void **, UErrorCode *);
	UConverterFromUCallback from_u_stop;
	UConverterToUCallback to_u_stop;
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct icu icu;
static int icu_ok;

static void *sym(void *h, const char *name, int *ok)
{
	void *p = dlsym(h, name);
	if (!p)
		*ok = 0;
	return p;
}

static void load(void)
{
	void *h = dlopen("libicuuc.so." U_ICU_VERSION_SHORT, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return;
	int ok = 1;
	/* dlsym's void * into function pointers: same bytes (POSIX) */
#define GET(field, name) \
	do { \
		void *p_ = sym(h, SYM(name), &ok); \
		memcpy(&icu.field, &p_, sizeof p_); \
	} while (0)
	GET(open, ucnv_open);
	GET(close, ucnv_close);
	GET(convert_ex, ucnv_convertEx);
	GET(set_from_u, ucnv_setFromUCallBack);
	GET(set_to_u, ucnv_setToUCallBack);
	GET(from_u_stop, UCNV_FROM_U_CALLBACK_STOP);
	GET(to_u_stop, UCNV_TO_U_CALLBACK_STOP);
#undef GET
	icu_ok = ok;
}

/* Every converter handed out came from icu.open, so the functions below
 * that take one run only after a successful load. */
UConverter *ucnv_open(const char *name, UErrorCode *err)
{
	pthread_once(&once, load);
	if (!icu_ok) {
		*err = U_FILE_ACCESS_ERROR;
		return NULL;
	}
	return icu.open(name, err);
}

void ucnv_close(UConverter *c)
{
	if (c)
		icu.close(c);
}

void ucnv_convertEx(UConverter *target_cnv, UConverter *source_cnv, char **target,
		    const char *target_limit, const char **source, const char *source_limit,
		    UChar *pivot_start, UChar **pivot_source, UChar **pivot_target,
		    const UChar *pivot_limit, UBool reset, UBool flush, UErrorCode *err)
{
	icu.convert_ex(target_cnv, source_cnv, target, target_limit, source, source_limit,
		       pivot_start, pivot_source, pivot_target, pivot_limit, reset, flush, err);
}

void ucnv_setFromUCallBack(UConverter *c, UConverterFromUCallback action, const void *context,
			   UConverterFromUCallback *old_action, const void **old_context,
			   UErrorCode *err)
{
	icu.set_from_u(c, action, context, old_action, old_context, err);
}

void ucnv_setToUCallBack(UConverter *c, UConverterToUCallback action, const void *context,
			 UConverterToUCallback *old_action, const void **old_context,
			 UErrorCode *err)
{
	icu.set_to_u(c, action, context, old_action, old_context, err);
}

/* libxml2 passes these as the callbacks to set; ICU calls them back. */
void UCNV_FROM_U_CALLBACK_STOP(const void *context, UConverterFromUnicodeArgs *args,
			       const UChar *units, int32_t length, UChar32 cp,
			       UConverterCallbackReason reason, UErrorCode *err)
{
	icu.from_u_stop(context, args, units, length, cp, reason, err);
}

void UCNV_TO_U_CALLBACK_STOP(const void *context, UConverterToUnicodeArgs *args,
			     const char *units, int32_t length, UConverterCallbackReason reason,
			     UErrorCode *err)
{
	icu.to_u_stop(context, args, units, length, reason, err);
}

#ifdef NC_ICU_LOADER_TEST
/* meson's link test: libxml2.a's converter code links against these. */
#include <libxml/encoding.h>
int main(void)
{
	return xmlFindCharEncodingHandler("SCSU") != NULL;
}
#endif
