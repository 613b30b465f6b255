/* check.h - the smallest test harness: CHECK() records a failure with
 * file and line and goes on; main() returns check_done(). */
#ifndef NC_TEST_CHECK_H
#define NC_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures, check_count;

#define CHECK(cond) do { \
	check_count++; \
	if (!(cond)) { \
		check_failures++; \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	check_count++; \
	if (!g_ || !w_ || strcmp(g_, w_) != 0) { \
		check_failures++; \
		fprintf(stderr, "%s:%d: %s\n    got:  \"%s\"\n    want: \"%s\"\n", \
			__FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} \
} while (0)

static inline int check_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
