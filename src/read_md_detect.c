/* read_md_detect.c - is it a Markdown post?  The detection half of the
 * Markdown reader, and the front-matter split it shares with read_md.c.
 * Every input is detected, so this half stays in the newsconv program
 * while read_md.c (cmark-gfm) is the module newsconv-md.so. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "read.h"
#include "read_md_detect.h"

/* How far detect() looks into the body. */
#define DETECT_BYTES 65536

/* ---- small helpers ------------------------------------------------------- */

size_t nc_md_line_len(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
	*next = nl ? nl + 1 : end;
	if (n && p[n - 1] == '\r')
		n--;
	return n;
}

static bool line_is(const char *p, size_t n, const char *fence)
{
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n == strlen(fence) && memcmp(p, fence, n) == 0;
}

static bool line_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return false;
	return true;
}

/* `key: value` (or `key:`) at the start of a line, as Hexo writes. */
static bool yaml_key_line(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && (isalnum((unsigned char)p[i]) || p[i] == '_' || p[i] == '-'))
		i++;
	return i > 0 && i < n && p[i] == ':' && (i + 1 == n || p[i + 1] == ' ' || p[i + 1] == '\t');
}

/* A key Hexo writes in every post's front matter.  Bare front matter
 * (no opening fence) must have one: "Update: version 2\n---" is a
 * setext heading, not metadata. */
static bool hexo_key_line(const char *p, size_t n)
{
	static const char *const keys[] = {"title", "date", "updated", "tags", "categories",
					    "layout", "author", "permalink", "comments", NULL};
	for (const char *const *k = keys; *k; k++) {
		size_t kn = strlen(*k);
		if (n > kn && !memcmp(p, *k, kn) && p[kn] == ':')
			return true;
	}
	return false;
}

/* ---- detection ------------------------------------------------------------ */

/* Where the front matter of `t` ends (the body offset), and its style.
 * NC_MD_FM_HEXO_BARE: Hexo's form without the opening "---", plain `key:
 * value` / list lines up to a "---" line. */
enum nc_md_fm nc_md_split_fm(const char *t, size_t len, size_t *fm_start,
			    size_t *fm_end, size_t *body)
{
	const char *p = t, *end = t + len, *next;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) { /* leading blank lines */
		size_t n = nc_md_line_len(p, end, &next);
		if (!line_blank(p, n))
			break;
		p = next;
	}
	*body = *fm_start = *fm_end = (size_t)(p - t);
	if (p >= end)
		return NC_MD_FM_NONE;
	size_t n = nc_md_line_len(p, end, &next);
	const char *fence = NULL, *alt = NULL;
	enum nc_md_fm style = NC_MD_FM_NONE;
	if (line_is(p, n, "---"))
		fence = "---", alt = "...", style = NC_MD_FM_YAML;
	else if (line_is(p, n, "+++"))
		fence = "+++", style = NC_MD_FM_TOML;
	else if (line_is(p, n, ";;;"))
		fence = ";;;", style = NC_MD_FM_JSON;
	else if (*p == '{' || *p == '"')
		fence = ";;;", style = NC_MD_FM_JSON, next = p;
	else if (yaml_key_line(p, n))
		fence = "---", style = NC_MD_FM_HEXO_BARE, next = p;
	if (!fence)
		return NC_MD_FM_NONE;
	size_t fm_bytes = 0;
	bool known_key = style != NC_MD_FM_HEXO_BARE;
	for (const char *q = next; q < end; ) {
		const char *after;
		size_t k = nc_md_line_len(q, end, &after);
		if (line_is(q, k, fence) || (alt && line_is(q, k, alt))) {
			if (!known_key)
				return NC_MD_FM_NONE;
			*fm_start = (size_t)(next - t);
			*fm_end = (size_t)(q - t);
			*body = (size_t)(after - t);
			return style;
		}
		/* Bare Hexo front matter is only key lines, list items,
		 * indented continuations and blank lines. */
		if (style == NC_MD_FM_HEXO_BARE && !line_blank(q, k) && !yaml_key_line(q, k) &&
		    q[0] != ' ' && q[0] != '\t' && q[0] != '-' && q[0] != '#')
			return NC_MD_FM_NONE;
		known_key = known_key || hexo_key_line(q, k);
		fm_bytes += k + 1;
		if (fm_bytes > NC_MAX_FRONTMATTER)
			return NC_MD_FM_NONE;
		q = after;
	}
	return NC_MD_FM_NONE;
}

/* Is s[0, k) only the character c and spaces?  (The body is not
 * NUL-terminated here: no strspn.) */
static bool only(const char *s, size_t k, char c)
{
	for (size_t i = 0; i < k; i++)
		if (s[i] != c && s[i] != ' ')
			return false;
	return true;
}

/* An ordered list item ("1. ", "2) "), a link reference definition
 * ("[docs]: ") or a footnote's ("[^1]: "): Markdown, never HTML. */
static bool block_sign(const char *s, size_t k)
{
	size_t d = 0;
	while (d < k && d < 9 && isdigit((unsigned char)s[d]))
		d++;
	if (d && d + 1 < k && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ')
		return true;
	if (k >= 4 && s[0] == '[') {
		const char *close = memchr(s, ']', k);
		if (close && close > s + 1 && (size_t)(close - s) + 1 < k && close[1] == ':')
			return true;
	}
	return false;
}

/* A GFM table's delimiter row ("|---|:--:|") as the line at p. */
static bool delimiter_row(const char *p, const char *end)
{
	const char *next;
	size_t n = p < end ? nc_md_line_len(p, end, &next) : 0;
	bool dash = false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '-')
			dash = true;
		else if (!strchr("|: \t", p[i]))
			return false;
	}
	return dash && memchr(p, '|', n) != NULL;
}

/* At s: a Markdown span ("](" of an inline link, "][" of a reference
 * link, "**x" / "__x" strong emphasis, "<https://" autolink). */
static bool inline_sign(const char *s, size_t n)
{
	if (n >= 2 && s[0] == ']' && (s[1] == '(' || s[1] == '['))
		return true;
	if (n >= 3 && (s[0] == '*' || s[0] == '_') && s[1] == s[0] &&
	    !isspace((unsigned char)s[2]) && s[2] != s[0] && memchr(s + 2, s[0], n - 2))
		return true;
	return n >= 9 && s[0] == '<' && (!strncasecmp(s + 1, "http://", 7) || !strncasecmp(s + 1, "https://", 8));
}

/* Is the line s[0, k) (indent removed) a Markdown block: an ATX
 * heading, a list item, a quote, a fence, a setext underline below a
 * paragraph line (`para`), a table's header (its next line, at `next`,
 * the delimiter row), a reference or footnote definition? */
static bool block_line(const char *s, size_t k, bool para, const char *next, const char *end)
{
	if (k >= 2 && s[0] == '#') {
		size_t h = 0;
		while (h < k && h < 7 && s[h] == '#')
			h++;
		if (h <= 6 && h < k && s[h] == ' ')
			return true;
	}
	if (k >= 2 && (s[0] == '*' || s[0] == '-' || s[0] == '+' || s[0] == '>') && s[1] == ' ')
		return true;
	if (k >= 3 && (!memcmp(s, "```", 3) || !memcmp(s, "~~~", 3)))
		return true;
	/* the body is not NUL-terminated here: only(), no strspn */
	if (para && k >= 3 && (s[0] == '-' || s[0] == '=') && only(s, k, s[0]))
		return true;
	return block_sign(s, k) || (k && s[0] == '|' && delimiter_row(next, end));
}

/* The end marker of a CommonMark HTML block of kinds 1-5 opening at s
 * (<pre>, <script>, <style>, <textarea>, a comment, <?...?>, <!X>,
 * CDATA), which only that marker ends; NULL for the other kinds, which
 * a blank line ends. */
static const char *html_block_end(const char *s, size_t k)
{
	static const char *const raw[] = {"pre", "script", "style", "textarea", NULL};
	static const char *const close[] = {"</pre>", "</script>", "</style>", "</textarea>"};
	for (size_t i = 0; raw[i]; i++) {
		size_t n = strlen(raw[i]);
		if (k > n && !strncasecmp(s + 1, raw[i], n) && (k == n + 1 || strchr(" \t>", s[n + 1])))
			return close[i];
	}
	if (k >= 4 && !memcmp(s, "<!--", 4))
		return "-->";
	if (k >= 9 && !memcmp(s, "<![CDATA[", 9))
		return "]]>";
	if (k >= 2 && s[1] == '?')
		return "?>";
	if (k >= 3 && s[1] == '!' && isalpha((unsigned char)s[2]))
		return ">";
	return NULL;
}

/* Where marker (any case) is in p[0, n), else NULL; from the end when
 * `last`. */
static const char *line_find(const char *p, size_t n, const char *marker, bool last)
{
	size_t m = strlen(marker);
	const char *found = NULL, *end = p + n;
	/* every marker opens with a sign that has no case (< - ] ? >): memchr
	 * finds the candidates (a body on one line is tens of KB) */
	for (const char *q = p; m <= (size_t)(end - q) && (q = memchr(q, marker[0], (size_t)(end - q) - m + 1));
	     q++) {
		if (!strncasecmp(q, marker, m)) {
			found = q;
			if (!last)
				break;
		}
	}
	return found;
}

static bool line_has(const char *p, size_t n, const char *marker)
{
	return line_find(p, n, marker, false) != NULL;
}

/* A line inside HTML that leaves a <pre>, <script>, <style>, <textarea>
 * or comment open: its closing marker, else NULL.  CommonMark would end
 * the HTML block at the next blank line even so, and read the code
 * inside as Markdown ("# comment" a heading); an article written in
 * HTML means the element, so it stays HTML up to the close. */
static const char *leaves_open(const char *p, size_t n)
{
	static const char *const open[] = {"<pre", "<script", "<style", "<textarea", "<!--", NULL};
	static const char *const close[] = {"</pre>", "</script>", "</style>", "</textarea>", "-->"};
	for (size_t i = 0; open[i]; i++) {
		const char *o = line_find(p, n, open[i], true);
		size_t on = strlen(open[i]);
		if (!o || (i < 4 && o + on < p + n && !strchr(" \t>", o[on])))
			continue;
		if (!line_has(o, (size_t)(p + n - o), close[i]))
			return close[i];
	}
	return NULL;
}

/* The spaces that open a line, at most max (CommonMark's indent). */
static size_t indent(const char *p, size_t n, size_t max)
{
	size_t i = 0;
	while (i < n && i < max && p[i] == ' ')
		i++;
	return i;
}

/* A body opening with HTML: is there Markdown between its HTML blocks?
 * CommonMark ends an HTML block at a blank line (or, for <pre>, comments
 * and the like, at their closing marker), and what follows is Markdown
 * again: `<div class="x">`, a blank line, then headings, lists and
 * tables is a Markdown post (issue 19), while HTML whose lines are all
 * inside HTML blocks or paragraphs is HTML. */
static bool markdown_between_html(const char *p, const char *end)
{
	enum st { NONE, PARA, HTML_BLANK, HTML_MARKER } st = NONE, after = NONE;
	const char *marker = NULL, *next;
	for (; p < end; p = next) {
		size_t n = nc_md_line_len(p, end, &next);
		if (st == HTML_MARKER) {
			/* an element left open inside an HTML block closes
			 * inside it: the block goes on to its blank line */
			if (line_has(p, n, marker))
				st = after;
			continue;
		}
		if (line_blank(p, n)) {
			st = NONE;
			continue;
		}
		if (st == HTML_BLANK) {
			if ((marker = leaves_open(p, n)))
				st = HTML_MARKER, after = HTML_BLANK;
			continue;
		}
		size_t i = indent(p, n, 3);
		const char *s = p + i;
		size_t k = n - i;
		if (k >= 2 && s[0] == '<' && (isalpha((unsigned char)s[1]) || strchr("/!?", s[1]))) {
			marker = html_block_end(s, k);
			after = marker ? NONE : HTML_BLANK;
			if (marker)
				st = line_has(s + 1, k - 1, marker) ? NONE : HTML_MARKER;
			else
				st = (marker = leaves_open(s, k)) ? HTML_MARKER : HTML_BLANK;
			continue;
		}
		if (i < 4 && block_line(s, k, st == PARA, next, end))
			return true;
		st = PARA;
	}
	return false;
}

/* Does the body read as Markdown?  0: it is HTML (its first line is a
 * tag, and no Markdown block sits between its HTML blocks); 1: no sign
 * either way; 2: Markdown signs, or text with no tags.
 * *blocks: a block-level sign was seen (a heading, a list, a fence, a
 * table), which a plain text seldom has by chance. */
static int body_markdown_score(const char *p, size_t len, bool *blocks)
{
	const char *end = p + (len < DETECT_BYTES ? len : DETECT_BYTES), *next;
	bool first = true, signs = false, tags = false, prev_text = false;
	*blocks = false;
	for (; p < end; p = next) {
		size_t n = nc_md_line_len(p, end, &next);
		if (line_blank(p, n)) {
			prev_text = false;
			continue;
		}
		size_t i = indent(p, n, 4);
		const char *s = p + i;
		size_t k = n - i;
		if (first) {
			first = false;
			if (k && s[0] == '<')
				return (*blocks = markdown_between_html(p, end)) ? 2 : 0;
		}
		if (block_line(s, k, prev_text, next, end))
			*blocks = true;
		prev_text = true;
		for (size_t j = 0; j + 1 < n; j++) {
			if (inline_sign(p + j, n - j))
				signs = true;
			else if (p[j] == '<' && (isalpha((unsigned char)p[j + 1]) ||
						 (p[j + 1] == '/' && j + 2 < n && isalpha((unsigned char)p[j + 2]))))
				tags = true;
		}
	}
	signs = signs || *blocks;
	if (first) /* an empty body */
		return 1;
	return signs || !tags ? 2 : 1;
}

int nc_md_detect(const unsigned char *data, size_t len)
{
	if (nc_input_is_binary(data, len))
		return 0;
	const char *t = (const char *)data;
	size_t body, fs, fe;
	enum nc_md_fm st = nc_md_split_fm(t, len, &fs, &fe, &body);
	if (st == NC_MD_FM_NONE) {
		/* No front matter: a file opening with an ATX heading is a
		 * Markdown page (a Notion export); tie with html's fallback,
		 * which md wins by coming first. */
		const char *p = t + body;
		size_t rest = len - body;
		if (rest >= 2 && p[0] == '#' && (p[1] == ' ' || (p[1] == '#' && rest > 2)))
			return 1;
		/* Or block-level Markdown (a setext heading, a list, a table)
		 * and no first line opening with a tag (input row 33). */
		bool blocks;
		return body_markdown_score(p, rest, &blocks) == 2 && blocks ? 1 : 0;
	}
	bool blocks;
	int s = body_markdown_score(t + body, len - body, &blocks);
	if (st == NC_MD_FM_HEXO_BARE && s == 0)
		return 1; /* html does not see front matter without its opening fence */
	return s;
}
