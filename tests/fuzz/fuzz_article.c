/* fuzz_article: a whole article through nc_read() + nc_resolve(), then
 * every writer in memory.  Invariants:
 *   - the model: tree structure and UTF-8 (fuzz_common.h);
 *   - md: valid UTF-8;
 *   - epub: a zip libzip opens, "mimetype" first and exact, and every
 *     .xhtml/.opf/.ncx/.xml entry well-formed XML (libxml2, no recovery);
 *   - warc (gzip off): records back to back, each "WARC/1.1\r\n", a
 *     Content-Length that matches the block, then "\r\n\r\n";
 *   - json: valid UTF-8 and well-formed JSON (RFC 8259). */
#include <ctype.h>
#include <strings.h>

#include <libxml/parser.h>
#include <zip.h>

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	fuzz_quiet_libxml();
	xmlInitParser();
	return 0;
}

/* The one place that calls the writer API: adapt here when it changes. */
/* One document through the streaming writer into memory. */
struct out {
	unsigned char *data;
	size_t size;
};

static int write_one(const struct nc_format *f, struct nc_doc *d, struct out *out,
		     struct nc_err *err)
{
	struct nc_write_opts o = {0};
	o.sort = NC_SORT_INPUT;
	o.gzip = false;
	o.have_epoch = true;
	o.epoch = 1700000000;
	o.quiet = true;
	o.options_text = "--fuzz";
	struct nc_doc *docs[1] = { d };
	return nc_write_all(f, docs, 1, &o, &out->data, &out->size, err);
}

/* ---- epub ---------------------------------------------------------- */

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && strcmp(s + n - m, suf) == 0;
}

static void check_epub(const unsigned char *data, size_t size)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, size, 0, &ze);
	FUZZ_ASSERT(src, "epub: zip_source_buffer_create failed");
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	FUZZ_ASSERT(za, "epub: not a zip libzip can open: %s", zip_error_strerror(&ze));
	zip_int64_t n = zip_get_num_entries(za, 0);
	FUZZ_ASSERT(n > 0, "epub: no entries");
	FUZZ_ASSERT(strcmp(zip_get_name(za, 0, 0), "mimetype") == 0, "epub: first entry is not mimetype");
	for (zip_int64_t i = 0; i < n; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
		FUZZ_ASSERT(name, "epub: entry %lld without name", (long long)i);
		zip_stat_t st;
		FUZZ_ASSERT(zip_stat_index(za, (zip_uint64_t)i, 0, &st) == 0, "epub: stat %s", name);
		bool xml = ends_with(name, ".xhtml") || ends_with(name, ".opf") ||
			   ends_with(name, ".ncx") || ends_with(name, ".xml");
		bool mime = strcmp(name, "mimetype") == 0;
		if (!xml && !mime)
			continue;
		zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
		FUZZ_ASSERT(zf, "epub: cannot open %s", name);
		char *buf = malloc(st.size + 1);
		FUZZ_ASSERT(buf, "oom");
		zip_int64_t got = zip_fread(zf, buf, st.size);
		FUZZ_ASSERT(got == (zip_int64_t)st.size, "epub: short read of %s", name);
		zip_fclose(zf);
		if (mime) {
			FUZZ_ASSERT(st.size == 20 && memcmp(buf, "application/epub+zip", 20) == 0,
				    "epub: mimetype content wrong");
		} else {
			FUZZ_UTF8(buf, st.size, name);
			xmlDocPtr x = xmlReadMemory(buf, (int)st.size, name, NULL,
						    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
			if (!x) {
				const xmlError *e = xmlGetLastError();
				FUZZ_FAIL("epub: %s is not well-formed XML: line %d: %s", name,
					  e ? e->line : 0, e && e->message ? e->message : "?");
			}
			xmlFreeDoc(x);
		}
		free(buf);
	}
	zip_discard(za); /* also frees src */
}

/* ---- warc ---------------------------------------------------------- */

static void check_warc(const unsigned char *p, size_t size)
{
	size_t i = 0;
	int nrec = 0;
	FUZZ_ASSERT(size > 0, "warc: empty output");
	while (i < size) {
		nrec++;
		FUZZ_ASSERT(size - i >= 10 && memcmp(p + i, "WARC/1.1\r\n", 10) == 0,
			    "warc: record %d at byte %zu does not start with WARC/1.1 CRLF", nrec, i);
		/* headers end at the first CRLFCRLF */
		size_t h = i, end = 0;
		for (; h + 4 <= size; h++)
			if (memcmp(p + h, "\r\n\r\n", 4) == 0) {
				end = h + 4;
				break;
			}
		FUZZ_ASSERT(end, "warc: record %d: headers never end", nrec);
		long long clen = -1;
		int nclen = 0;
		for (size_t l = i; l < end - 2;) {
			const unsigned char *eol = memchr(p + l, '\n', end - l);
			size_t ll = (size_t)(eol - (p + l)) + 1;
			FUZZ_ASSERT(ll >= 2 && p[l + ll - 2] == '\r', "warc: record %d: bare LF in headers at %zu", nrec, l);
			if (ll > 15 && strncasecmp((const char *)p + l, "Content-Length:", 15) == 0) {
				nclen++;
				clen = 0;
				size_t k = l + 15;
				while (p[k] == ' ')
					k++;
				FUZZ_ASSERT(isdigit(p[k]), "warc: record %d: Content-Length not a number", nrec);
				while (isdigit(p[k]))
					clen = clen * 10 + (p[k++] - '0');
				FUZZ_ASSERT(p[k] == '\r', "warc: record %d: junk after Content-Length", nrec);
			}
			l += ll;
		}
		FUZZ_ASSERT(nclen == 1, "warc: record %d has %d Content-Length headers", nrec, nclen);
		FUZZ_ASSERT((size_t)clen <= size - end, "warc: record %d: Content-Length %lld beyond the output",
			    nrec, clen);
		size_t next = end + (size_t)clen;
		FUZZ_ASSERT(size - next >= 4 && memcmp(p + next, "\r\n\r\n", 4) == 0,
			    "warc: record %d: block of Content-Length %lld not followed by CRLFCRLF", nrec, clen);
		i = next + 4;
	}
}

/* ---- json ---------------------------------------------------------- */

struct js { const unsigned char *p; size_t n, i; };

static void js_ws(struct js *j)
{
	while (j->i < j->n && (j->p[j->i] == ' ' || j->p[j->i] == '\t' ||
			       j->p[j->i] == '\n' || j->p[j->i] == '\r'))
		j->i++;
}

#define JS_OK(cond, what) FUZZ_ASSERT(cond, "json: %s at byte %zu", what, j->i)

static void js_string(struct js *j)
{
	JS_OK(j->i < j->n && j->p[j->i] == '"', "expected string");
	j->i++;
	for (;;) {
		JS_OK(j->i < j->n, "unterminated string");
		unsigned char c = j->p[j->i++];
		if (c == '"')
			return;
		JS_OK(c >= 0x20, "raw control character in string");
		if (c == '\\') {
			JS_OK(j->i < j->n, "dangling backslash");
			c = j->p[j->i++];
			if (c == 'u') {
				for (int k = 0; k < 4; k++) {
					JS_OK(j->i < j->n && isxdigit(j->p[j->i]), "bad \\u escape");
					j->i++;
				}
			} else {
				JS_OK(strchr("\"\\/bfnrt", c) && c, "bad escape");
			}
		}
	}
}

static void js_value(struct js *j, int depth)
{
	JS_OK(depth < 2000, "nesting too deep");
	js_ws(j);
	JS_OK(j->i < j->n, "value expected");
	unsigned char c = j->p[j->i];
	if (c == '{' || c == '[') {
		unsigned char close = c == '{' ? '}' : ']';
		j->i++;
		js_ws(j);
		if (j->i < j->n && j->p[j->i] == close) {
			j->i++;
			return;
		}
		for (;;) {
			if (c == '{') {
				js_ws(j);
				js_string(j);
				js_ws(j);
				JS_OK(j->i < j->n && j->p[j->i] == ':', "':' expected");
				j->i++;
			}
			js_value(j, depth + 1);
			js_ws(j);
			JS_OK(j->i < j->n, "unterminated container");
			if (j->p[j->i] == ',') {
				j->i++;
				continue;
			}
			JS_OK(j->p[j->i] == close, "',' or close expected");
			j->i++;
			return;
		}
	} else if (c == '"') {
		js_string(j);
	} else if (c == '-' || isdigit(c)) {
		size_t s = j->i;
		if (j->p[j->i] == '-')
			j->i++;
		JS_OK(j->i < j->n && isdigit(j->p[j->i]), "bad number");
		if (j->p[j->i] == '0')
			j->i++;
		else
			while (j->i < j->n && isdigit(j->p[j->i]))
				j->i++;
		if (j->i < j->n && j->p[j->i] == '.') {
			j->i++;
			JS_OK(j->i < j->n && isdigit(j->p[j->i]), "bad fraction");
			while (j->i < j->n && isdigit(j->p[j->i]))
				j->i++;
		}
		if (j->i < j->n && (j->p[j->i] == 'e' || j->p[j->i] == 'E')) {
			j->i++;
			if (j->i < j->n && (j->p[j->i] == '+' || j->p[j->i] == '-'))
				j->i++;
			JS_OK(j->i < j->n && isdigit(j->p[j->i]), "bad exponent");
			while (j->i < j->n && isdigit(j->p[j->i]))
				j->i++;
		}
		(void)s;
	} else if (j->n - j->i >= 4 && memcmp(j->p + j->i, "true", 4) == 0) {
		j->i += 4;
	} else if (j->n - j->i >= 5 && memcmp(j->p + j->i, "false", 5) == 0) {
		j->i += 5;
	} else if (j->n - j->i >= 4 && memcmp(j->p + j->i, "null", 4) == 0) {
		j->i += 4;
	} else {
		JS_OK(0, "unexpected character");
	}
}

static void check_json(const unsigned char *p, size_t n)
{
	FUZZ_UTF8(p, n, "json output");
	struct js js = { p, n, 0 }, *j = &js;
	js_value(j, 0);
	js_ws(j);
	JS_OK(j->i == n, "trailing bytes after the document");
}

/* ---- driver -------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nc_doc *d = NULL;
	struct nc_err err = {0};
	unsigned char *masked = NULL;
	if (fuzz_mask_known() && memchr(data, '\0', size)) {
		if (!(masked = malloc(size)))
			abort();
		memcpy(masked, data, size);
		fuzz_mask_nul((char *)masked, size);
		data = masked;
	}
	int rrc = nc_read("fuzz.txt", data, size, &d, &err);
	free(masked);
	if (rrc != NC_OK) {
		FUZZ_ASSERT(d == NULL, "nc_read failed but returned a doc");
		return 0;
	}
	FUZZ_ASSERT(d && d->meta.title, "nc_read: no doc or no title");
	fuzz_check_meta(&d->meta);
	fuzz_check_tree(d->root);
	if (nc_resolve(d, &err) != NC_OK) {
		nc_doc_free(d);
		return 0;
	}
	fuzz_check_tree(d->root);
	for (size_t i = 0; i < d->nresources; i++) {
		FUZZ_ASSERT(d->resources[i] && d->resources[i]->resolved, "resource %zu unresolved", i);
		FUZZ_UTF8_STR(d->resources[i]->resolved, "resource url");
	}

	for (size_t k = 0; nc_formats[k]; k++) {
		const struct nc_format *f = nc_formats[k];
		struct out out = {0};
		nc_err_clear(&err);
		int rc = write_one(f, d, &out, &err);
		FUZZ_ASSERT(rc == NC_OK, "%s writer failed: %d %s", f->name, rc, err.msg);
		if (strcmp(f->name, "md") == 0)
			FUZZ_UTF8(out.data, out.size, "markdown output");
		else if (strcmp(f->name, "epub") == 0)
			check_epub(out.data, out.size);
		else if (strcmp(f->name, "warc") == 0)
			check_warc(out.data, out.size);
		else if (strcmp(f->name, "json") == 0)
			check_json(out.data, out.size);
		free(out.data);
	}
	nc_doc_free(d);
	return 0;
}
