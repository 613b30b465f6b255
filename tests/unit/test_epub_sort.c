/* Output row 24 of issue 20's review: two EPUB books ordered on two
 * threads at once, one --sort date (oldest first), one --sort newest,
 * each come out in their own order, round after round.  The chapter
 * order once lived in a global the comparator read, so one book could
 * take the other's order.  Checked in each book's nav. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zip.h>

#include "newsconv.h"
#include "check.h"

#define NDOCS 6000
#define ROUNDS 6

struct job {
	enum nc_sort sort;
	struct nc_doc **docs;
	unsigned char *out;
	size_t len;
	int rc;
};

static void *write_book(void *arg)
{
	struct job *j = arg;
	struct nc_write_opts o = { .sort = j->sort, .have_epoch = true, .epoch = 1700000000,
				   .quiet = true };
	struct nc_err e = {0};
	j->rc = nc_write_all(&nc_format_epub, j->docs, NDOCS, &o, &j->out, &j->len, &e);
	if (j->rc)
		fprintf(stderr, "write: %s\n", e.msg);
	return NULL;
}

/* The number of the first chapter title ("T00042") in the book's nav. */
static long first_in_nav(const unsigned char *book, size_t len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(book, len, 0, &ze);
	zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	long first = -1;
	zip_file_t *f = za ? zip_fopen(za, "OEBPS/nav.xhtml", 0) : NULL;
	static char nav[1 << 21];
	zip_int64_t n = f ? zip_fread(f, nav, sizeof nav - 1) : -1;
	if (n > 0) {
		nav[n] = '\0';
		const char *p = strstr(nav, ">T");
		if (p)
			first = strtol(p + 2, NULL, 10);
	}
	if (f)
		zip_fclose(f);
	if (za)
		zip_discard(za);
	else if (src)
		zip_source_free(src);
	zip_error_fini(&ze);
	return first;
}

int main(void)
{
	static struct nc_doc *docs[2][NDOCS];
	for (int i = 0; i < NDOCS; i++) {
		char buf[160], date[32];
		/* Dates rising with i, an hour apart, from 2000-01-01. */
		time_t t = (time_t)946684800 + (time_t)3600 * i;
		struct tm tm;
		strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
		int n = snprintf(buf, sizeof buf, "---\ntitle: T%05d\ndate: %s\n---\n<p>x</p>\n", i, date);
		struct nc_err e = {0};
		for (int s = 0; s < 2; s++)
			if (nc_read("a.txt", (const unsigned char *)buf, (size_t)n, &docs[s][i], &e)) {
				fprintf(stderr, "read: %s\n", e.msg);
				return 1;
			}
	}
	for (int r = 0; r < ROUNDS; r++) {
		struct job a = { NC_SORT_DATE, docs[0], NULL, 0, 0 }, b = { NC_SORT_NEWEST, docs[1], NULL, 0, 0 };
		pthread_t ta, tb;
		CHECK(pthread_create(&ta, NULL, write_book, &a) == 0);
		CHECK(pthread_create(&tb, NULL, write_book, &b) == 0);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		CHECK(a.rc == 0 && b.rc == 0);
		long fa = a.rc ? -1 : first_in_nav(a.out, a.len);
		long fb = b.rc ? -1 : first_in_nav(b.out, b.len);
		if (fa != 0 || fb != NDOCS - 1)
			fprintf(stderr, "output row 24, round %d: oldest-first book starts with T%05ld, "
				"newest-first with T%05ld\n", r, fa, fb);
		CHECK(fa == 0);
		CHECK(fb == NDOCS - 1);
		free(a.out);
		free(b.out);
	}
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < NDOCS; i++)
			nc_doc_free(docs[s][i]);
	return check_done("epub_sort");
}
