/* Front matter under allocation failure: the n-th allocation fails, for
 * every n, and nc_frontmatter_parse() must either report NC_ERR_NOMEM
 * through struct nc_err or produce exactly what it produces with memory
 * to spare -- never a silently shorter result.  Allocations are made to
 * fail through the linker's --wrap (see meson.build), which reaches the
 * library's own calls and the helpers it uses, not libyaml's. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "newsconv.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);

static long fail_at;   /* allocation number that fails; 0 = none */
static long count;
static bool fired;

static bool should_fail(void)
{
	if (!fail_at)
		return false;
	if (++count == fail_at) {
		fired = true;
		return true;
	}
	return false;
}

void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t k, size_t n) { return should_fail() ? NULL : __real_calloc(k, n); }
void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return should_fail() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return should_fail() ? NULL : __real_strndup(s, n); }

static char out[16384];

static void put(const char *label, const char *s)
{
	size_t n = strlen(out);
	snprintf(out + n, sizeof out - n, "%s=%s\n", label, s ? s : "(null)");
}

static void put_list(const char *label, const struct nc_strlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		put(label, l->items[i]);
}

/* Everything the parser can set, as text to compare. */
static const char *describe(const struct nc_doc *d, size_t body)
{
	const struct nc_meta *m = &d->meta;
	out[0] = '\0';
	put("title", m->title);
	put("title_raw", m->title_raw);
	put_list("author", &m->authors);
	put("date", m->date);
	put("date_raw", m->date_raw);
	put("updated", m->updated);
	put("updated_raw", m->updated_raw);
	for (size_t i = 0; i < m->ncategories; i++) {
		put("category path", "");
		put_list("category", &m->categories[i]);
	}
	put_list("tag", &m->tags);
	put("cover", m->cover);
	put("description", m->description);
	put("source", m->source_url);
	put("language", m->language);
	for (size_t i = 0; i < m->nextra; i++) {
		put("extra key", m->extra[i].key);
		put("extra value", m->extra[i].value);
	}
	put("raw", m->fm_raw);
	for (size_t i = 0; i < d->nwarnings; i++)
		put("warning", d->warnings[i]);
	char kind[64];
	snprintf(kind, sizeof kind, "%d body at %zu", (int)m->fm_kind, body);
	put("kind", kind);
	return out;
}

static void run(const char *what, const char *text)
{
	struct nc_err err;
	size_t body;
	char *want = NULL;
	struct nc_doc *d = nc_doc_new();
	CHECK(d != NULL);
	if (!d)
		return;
	nc_err_clear(&err);
	CHECK(nc_frontmatter_parse(d, text, strlen(text), &body, &err) == NC_OK);
	want = strdup(describe(d, body));
	nc_doc_free(d);

	long n;
	for (n = 1; n < 100000; n++) {
		d = nc_doc_new();
		if (!d)
			break;
		nc_err_clear(&err);
		count = 0;
		fired = false;
		fail_at = n;
		int rc = nc_frontmatter_parse(d, text, strlen(text), &body, &err);
		fail_at = 0;
		if (rc != NC_OK) {
			if (rc != NC_ERR_NOMEM || err.code != NC_ERR_NOMEM || !fired) {
				fprintf(stderr, "%s: allocation %ld failed: rc=%d err=%d '%s'\n",
					what, n, rc, err.code, err.msg);
				CHECK(rc == NC_ERR_NOMEM && err.code == NC_ERR_NOMEM && fired);
			}
		} else if (strcmp(describe(d, body), want) != 0) {
			fprintf(stderr, "%s: allocation %ld failed and was not reported; got\n%s", what, n, out);
			CHECK(!"a failed allocation is reported, not dropped");
		}
		nc_doc_free(d);
		if (!fired)
			break;
	}
	CHECK(n > 1);
	printf("%s: %ld allocations tried\n", what, n - 1);
	free(want);
}

int main(void)
{
	run("yaml",
	    "---\ntitle: 'A title'\nauthors: [Ann, Bob]\ndate: 2021-04-11 00:30:33\nupdated: Invalid Date\n"
	    "categories: [[a, b], c]\ntags:\n  - x\n  - y\nthumbnail: https://ex.org/page.html\n"
	    "cover: https://ex.org/c.jpg\ndescription: short\nlink: https://ex.org/a\nlang: en_us\n"
	    "comments: {a: [1, 2], b: \"q\"}\n---\n<p>x</p>");
	run("recovered",
	    "---\ntitle: \"There's \"quoted\" one\n  and more\"\ncategories:\n  - 金融\n  - 新浪\n"
	    "date: Invalid Date\nthumbnail: ''\nother: x\n---\n<p>x</p>");
	run("json", "\"title\": \"Hexo JSON\",\n\"tags\": [\"a\", \"b\"]\n;;;\n<p>x</p>");
	run("deep", "---\ntitle: Deep\nx: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n---\n");
	run("unclosed", "---\ntitle: x\n<p>body</p>\n");
	run("list", "---\n- a\n- b\n---\n");
	return check_done("fm_nomem");
}
