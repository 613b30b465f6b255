/* Front matter: every form, and every failure, through nc_read(). */
#include <stdlib.h>

#include "check.h"
#include "newsconv.h"

static struct nc_doc *rd(const char *text, struct nc_err *err)
{
	struct nc_doc *d = NULL;
	nc_err_clear(err);
	nc_read("t.txt", (const unsigned char *)text, strlen(text), &d, err);
	return d;
}

static const char *extra(const struct nc_doc *d, const char *key)
{
	for (size_t i = 0; i < d->meta.nextra; i++)
		if (!strcmp(d->meta.extra[i].key, key))
			return d->meta.extra[i].value;
	return NULL;
}

static bool warned(const struct nc_doc *d, const char *part)
{
	for (size_t i = 0; i < d->nwarnings; i++)
		if (strstr(d->warnings[i], part))
			return true;
	return false;
}

int main(void)
{
	struct nc_err err;
	struct nc_doc *d;

	/* The seed's shape: blank line first, quoted title, category list. */
	d = rd("\n---\ntitle: '王毅会见'\ncategories: \n - 金融\n - 新浪财经\nheadimg: 'https://n.example.cn/a.png'\n"
	       "author: 新浪财经\ncomments: false\ndate: Fri, 29 Jul 2022 04:55:15 GMT\n"
	       "thumbnail: 'https://n.example.cn/a.png'\n---\n\n<p>正文</p>\n", &err);
	CHECK(d != NULL);
	CHECK_STR(d->meta.title, "王毅会见");
	CHECK(d->meta.fm_kind == NC_FM_YAML);
	CHECK(d->meta.ncategories == 1 && d->meta.categories[0].len == 2);
	CHECK_STR(d->meta.categories[0].items[1], "新浪财经");
	CHECK_STR(d->meta.authors.items[0], "新浪财经");
	CHECK_STR(d->meta.date, "2022-07-29T04:55:15Z");
	CHECK_STR(d->meta.date_raw, "Fri, 29 Jul 2022 04:55:15 GMT");
	CHECK_STR(d->meta.cover, "https://n.example.cn/a.png");
	CHECK_STR(extra(d, "comments"), "false");
	CHECK(d->meta.fm_raw && strstr(d->meta.fm_raw, "comments: false"));
	CHECK(d->nwarnings == 0);
	nc_doc_free(d);

	/* UTF-8 BOM, authors list, tags string, nested categories, source. */
	d = rd("\xef\xbb\xbf---\ntitle: A\nauthors: [Ann, Bob]\ntags: news\ncategories: [[a, b], c]\n"
	       "link: https://ex.org/a\nlang: en\nupdated: 2021-04-11 00:30:33\nexcerpt: short\n---\nx", &err);
	CHECK(d && d->meta.authors.len == 2);
	CHECK(d && d->meta.tags.len == 1);
	CHECK(d && d->meta.ncategories == 2 && d->meta.categories[0].len == 2 && d->meta.categories[1].len == 1);
	CHECK_STR(d->meta.source_url, "https://ex.org/a");
	CHECK_STR(d->meta.language, "en");
	CHECK_STR(d->meta.updated, "2021-04-11T00:30:33Z");
	CHECK_STR(d->meta.description, "short");
	nc_doc_free(d);

	/* Language tags become BCP 47, or are not used (and said so). */
	d = rd("---\ntitle: L\nlang: zh_cn\n---\nx", &err);
	CHECK_STR(d ? d->meta.language : NULL, "zh-CN");
	CHECK(d && d->nwarnings == 0);
	nc_doc_free(d);
	d = rd("---\ntitle: L\nlanguage: zh-hans-cn\n---\nx", &err);
	CHECK_STR(d ? d->meta.language : NULL, "zh-Hans-CN");
	nc_doc_free(d);
	d = rd("---\ntitle: L\nlang: Chinese\n---\nx", &err);
	CHECK(d && d->meta.language == NULL);
	CHECK(d && warned(d, "lang 'Chinese' is not a BCP 47 language tag"));
	CHECK_STR(d ? extra(d, "lang") : NULL, "Chinese");
	nc_doc_free(d);
	d = rd("---\ntitle: L\nlang: 中文\n---\nx", &err);
	CHECK(d && d->meta.language == NULL && warned(d, "'中文'"));
	nc_doc_free(d);
	d = rd("---\ntitle: L\nlang: ''\n---\nx", &err);
	CHECK(d && d->meta.language == NULL && warned(d, "lang '' is not"));
	nc_doc_free(d);
	d = rd("---\ntitle: \"L\"x\"\nlang: EN\n---\nx", &err); /* recovered */
	CHECK(d && d->meta.fm_kind == NC_FM_YAML_RECOVERED);
	CHECK_STR(d ? d->meta.language : NULL, "en");
	nc_doc_free(d);

	/* Invalid YAML: stacked quotes are recovered, with one warning. */
	d = rd("---\ntitle: \"\"\"\"'今日数据'\"\"\"\"\ncategories: \n    - 新媒体\n    - 199IT - 标签\n"
	       "date: Invalid Date\nthumbnail: ''\n---\n<p>x</p>", &err);
	CHECK(d != NULL);
	CHECK(d->meta.fm_kind == NC_FM_YAML_RECOVERED);
	CHECK_STR(d->meta.title, "今日数据");
	CHECK(d->meta.ncategories == 1 && d->meta.categories[0].len == 2);
	CHECK(d->meta.date == NULL);
	CHECK_STR(d->meta.date_raw, "Invalid Date");
	CHECK(d->meta.cover == NULL);
	CHECK_STR(extra(d, "thumbnail"), "");
	CHECK(warned(d, "not valid YAML"));
	CHECK(warned(d, "Invalid Date"));
	nc_doc_free(d);

	/* Unescaped inner quotes and a title over two lines. */
	d = rd("---\ntitle: \"There's No \"Supercycle,\" Says\"\nauthor: x\n---\n", &err);
	CHECK_STR(d->meta.title, "There's No \"Supercycle,\" Says");
	nc_doc_free(d);
	d = rd("---\ntitle: 'it's first\n  second'\nauthor: x\n---\n", &err);
	CHECK_STR(d->meta.title, "it's first second");
	CHECK_STR(d->meta.authors.len ? d->meta.authors.items[0] : NULL, "x");
	nc_doc_free(d);

	/* `title: #` is a comment in YAML: fall back to the first heading,
	 * then to the file name. */
	d = rd("---\ntitle: #\n---\n<h2>Real  heading</h2><p>x</p>", &err);
	CHECK_STR(d->meta.title, "Real heading");
	nc_doc_free(d);
	d = rd("---\ntitle: '   '\n---\n<p>x</p>", &err);
	CHECK_STR(d->meta.title, "t");
	CHECK(warned(d, "no usable title"));
	nc_doc_free(d);

	/* A thumbnail that is not an image is not the cover. */
	d = rd("---\ntitle: a\nthumbnail: https://ex.org/page.html\n---\n", &err);
	CHECK(d->meta.cover == NULL);
	CHECK(warned(d, "does not look like an image"));
	nc_doc_free(d);

	/* Hexo JSON front matter, with and without the opening fence. */
	d = rd(";;;\n{\"title\": \"JSON post\", \"date\": \"2013-07-13 20:46:25\", \"tags\": [\"a\", \"b\"]}\n;;;\n<p>x</p>", &err);
	CHECK(d && d->meta.fm_kind == NC_FM_JSON);
	CHECK_STR(d->meta.title, "JSON post");
	CHECK(d && d->meta.tags.len == 2);
	nc_doc_free(d);
	d = rd("\"title\": \"Hexo JSON\",\n\"date\": \"2013/7/13 20:46:25\"\n;;;\n<p>x</p>", &err);
	CHECK_STR(d->meta.title, "Hexo JSON");
	CHECK_STR(d->meta.date, "2013-07-13T20:46:25Z");
	nc_doc_free(d);

	/* A list instead of a map: kept raw, warned, still converted. */
	d = rd("---\n- a\n- b\n---\n<p>body</p>", &err);
	CHECK(d != NULL && warned(d, "not a key: value map"));
	CHECK(d && d->root->first_child != NULL);
	nc_doc_free(d);

	/* Unterminated front matter: the file is read as body. */
	d = rd("---\ntitle: x\n<p>body</p>\n", &err);
	CHECK(d != NULL && warned(d, "never closed"));
	nc_doc_free(d);

	/* No front matter at all: a saved HTML page. */
	d = rd("<!doctype html><html lang=\"de\"><head><title>Seite</title>"
	       "<meta name=\"author\" content=\"Eva\"><meta property=\"og:image\" content=\"https://ex.org/c.jpg\">"
	       "<meta property=\"article:published_time\" content=\"2020-01-02T03:04:05+01:00\">"
	       "<link rel=\"canonical\" href=\"https://ex.org/seite\"></head><body><p>Hallo</p></body></html>", &err);
	CHECK(d && d->meta.fm_kind == NC_FM_NONE);
	CHECK_STR(d->meta.title, "Seite");
	CHECK_STR(d->meta.language, "de");
	CHECK_STR(d->meta.authors.len ? d->meta.authors.items[0] : NULL, "Eva");
	CHECK_STR(d->meta.cover, "https://ex.org/c.jpg");
	CHECK_STR(d->meta.date, "2020-01-02T02:04:05Z");
	CHECK_STR(d->meta.source_url, "https://ex.org/seite");
	nc_doc_free(d);

	/* Empty file and a literal null body still convert. */
	d = rd("", &err);
	CHECK(d != NULL && d->meta.title != NULL);
	nc_doc_free(d);
	d = rd("---\ntitle: n\n---\nnull\n", &err);
	CHECK(d && d->root->first_child && d->root->first_child->first_child &&
	      !strcmp(d->root->first_child->first_child->as.text.literal, "null"));
	nc_doc_free(d);

	/* A YAML alias bomb is an error, not gigabytes. */
	d = rd("---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n---\n", &err);
	CHECK(d == NULL && err.code == NC_ERR_LIMIT);
	CHECK(strstr(err.msg, "alias") != NULL);

	/* Deep nesting: libyaml is quadratic in it (a megabyte of '[' ran
	 * for minutes), so past 64 levels the text goes to line recovery,
	 * with one warning, and the title survives. */
	{
		size_t deep = 1000000;
		const char *head = "---\ntitle: Deep one\nx: ", *tail = "\n---\n<p>body</p>\n";
		char *t = malloc(strlen(head) + deep + strlen(tail) + 1);
		CHECK(t != NULL);
		if (t) {
			strcpy(t, head);
			memset(t + strlen(head), '[', deep);
			strcpy(t + strlen(head) + deep, tail);
			d = rd(t, &err);
			CHECK(d != NULL);
			CHECK(d && d->meta.fm_kind == NC_FM_YAML_RECOVERED);
			CHECK_STR(d ? d->meta.title : NULL, "Deep one");
			CHECK(d && warned(d, "nests deeper than 64 levels"));
			nc_doc_free(d);
			/* The same through JSON front matter, '{' instead. */
			strcpy(t, ";;;\n{\"title\": \"J\", \"x\": ");
			size_t h = strlen(t);
			memset(t + h, '{', deep);
			strcpy(t + h + deep, "\n;;;\n<p>b</p>");
			d = rd(t, &err);
			CHECK(d && warned(d, "nests deeper"));
			nc_doc_free(d);
			free(t);
		}
		/* Brackets inside a quoted string are not nesting; a ']' inside
		 * one cannot hide real nesting either. */
		struct { char s[2048]; } q;
		strcpy(q.s, "---\ntitle: \"");
		for (int i = 0; i < 100; i++)
			strcat(q.s, "[");
		strcat(q.s, "\"\n---\n");
		d = rd(q.s, &err);
		CHECK(d && d->meta.fm_kind == NC_FM_YAML && d->nwarnings == 0);
		nc_doc_free(d);
		strcpy(q.s, "---\ntitle: T\nx: ");
		for (int i = 0; i < 70; i++)
			strcat(q.s, "[\"]\", ");
		strcat(q.s, "a\n---\n");
		d = rd(q.s, &err);
		CHECK(d && warned(d, "nests deeper"));
		CHECK_STR(d ? d->meta.title : NULL, "T");
		nc_doc_free(d);
	}

	/* Binary input is refused with a clear message. */
	d = rd("\x89PNG\r\n\x1a\n", &err);
	nc_doc_free(d);
	{
		const unsigned char bin[] = {0x89, 'P', 'N', 'G', 0, 0, 1};
		nc_err_clear(&err);
		d = NULL;
		CHECK(nc_read("img.png", bin, sizeof bin, &d, &err) == NC_ERR_PARSE && d == NULL);
		CHECK_STR(err.where, "img.png");
	}

	/* Legacy encodings: GB18030 and Windows-1252 without declaration. */
	{
		const char gb[] = "---\ntitle: a\n---\n<p>\xd6\xd0\xce\xc4</p>"; /* 中文 */
		d = rd(gb, &err);
		CHECK(d && d->root->first_child && !strcmp(d->root->first_child->first_child->as.text.literal, "中文"));
		CHECK(d && warned(d, "GB18030"));
		nc_doc_free(d);
		const char cp[] = "<p>caf\xe9 \x93quoted\x94 \x81</p>";
		d = rd(cp, &err);
		CHECK(d && !strcmp(d->root->first_child->first_child->as.text.literal,
				   "café “quoted” \xef\xbf\xbd"));
		nc_doc_free(d);
		const char decl[] = "<meta charset=\"gbk\"><p>\xd6\xd0\xce\xc4</p>";
		d = rd(decl, &err);
		CHECK(d && d->nwarnings == 0);
		nc_doc_free(d);
	}
	return check_done("frontmatter");
}
