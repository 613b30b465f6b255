/* HTML body -> model: each element kind, whitespace, lazy images,
 * embeds, tables, and the depth limit.  Trees are compared in a compact
 * S-expression form. */
#include <stdlib.h>

#pragma GCC diagnostic ignored "-Wswitch-enum"

#include "check.h"
#include "newsconv.h"
#include "util/buf.h"

static const char *short_name(enum nc_node_type t)
{
	switch (t) {
	case NC_NODE_DOCUMENT: return "doc";
	case NC_NODE_PARAGRAPH: return "p";
	case NC_NODE_HEADING: return "h";
	case NC_NODE_BLOCKQUOTE: return "quote";
	case NC_NODE_LIST: return "list";
	case NC_NODE_ITEM: return "li";
	case NC_NODE_CODE_BLOCK: return "pre";
	case NC_NODE_THEMATIC_BREAK: return "hr";
	case NC_NODE_TABLE: return "table";
	case NC_NODE_TABLE_ROW: return "tr";
	case NC_NODE_TABLE_CELL: return "td";
	case NC_NODE_FIGURE: return "figure";
	case NC_NODE_CAPTION: return "caption";
	case NC_NODE_TEXT: return "t";
	case NC_NODE_EMPH: return "em";
	case NC_NODE_STRONG: return "strong";
	case NC_NODE_STRIKE: return "del";
	case NC_NODE_SUB: return "sub";
	case NC_NODE_SUP: return "sup";
	case NC_NODE_CODE: return "code";
	case NC_NODE_LINK: return "a";
	case NC_NODE_IMAGE: return "img";
	case NC_NODE_EMBED: return "embed";
	case NC_NODE_LINE_BREAK: return "br";
	}
	return "?";
}

static char out[8192];

/* The document read from `html` (with a minimal front matter), or NULL. */
static struct nc_doc *read_doc(const char *html)
{
	struct nc_buf in = {0};
	nc_buf_puts(&in, "---\ntitle: t\nlink: https://ex.org/dir/page.html\n---\n");
	nc_buf_puts(&in, html);
	struct nc_doc *d = NULL;
	struct nc_err err = {0};
	if (nc_read("t.txt", (unsigned char *)in.data, in.len, &d, &err)) {
		nc_doc_free(d);
		d = NULL;
	}
	nc_buf_free(&in);
	return d;
}

/* Total bytes of text in the tree under `n`. */
static size_t text_bytes(struct nc_node *root)
{
	size_t total = 0;
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE)
		if (ev == NC_EVENT_ENTER && it.cur->type == NC_NODE_TEXT)
			total += strlen(it.cur->as.text.literal);
	return total;
}

/* The body of `html` (with a minimal front matter) as S-expressions. */
static const char *tree(const char *html)
{
	struct nc_buf in = {0}, b = {0};
	nc_buf_puts(&in, "---\ntitle: t\nlink: https://ex.org/dir/page.html\n---\n");
	nc_buf_puts(&in, html);
	struct nc_doc *d = NULL;
	struct nc_err err = {0};
	if (nc_read("t.txt", (unsigned char *)in.data, in.len, &d, &err) || nc_resolve(d, &err)) {
		snprintf(out, sizeof out, "ERROR %s", err.msg);
		nc_buf_free(&in);
		nc_doc_free(d);
		return out;
	}
	struct nc_iter it;
	enum nc_event ev;
	nc_iter_init(&it, d->root);
	while ((ev = nc_iter_next(&it)) != NC_EVENT_NONE) {
		struct nc_node *n = it.cur;
		if (n == d->root)
			continue;
		if (ev == NC_EVENT_EXIT) {
			nc_buf_putc(&b, ')');
			continue;
		}
		if (b.len && b.data[b.len - 1] != '(')
			nc_buf_putc(&b, ' ');
		if (n->type == NC_NODE_TEXT) {
			nc_buf_printf(&b, "'%s'", n->as.text.literal);
			continue;
		}
		nc_buf_printf(&b, "(%s", short_name(n->type));
		switch (n->type) {
		case NC_NODE_HEADING: nc_buf_printf(&b, "%d", n->as.heading.level); break;
		case NC_NODE_LIST:
			if (n->as.list.ordered)
				nc_buf_printf(&b, " ol=%d", n->as.list.start);
			break;
		case NC_NODE_CODE: nc_buf_printf(&b, " '%s'", n->as.text.literal); break;
		case NC_NODE_CODE_BLOCK:
			nc_buf_printf(&b, " %s '%s'", n->as.code_block.info ? n->as.code_block.info : "-",
				      n->as.code_block.literal);
			break;
		case NC_NODE_LINK: nc_buf_printf(&b, " %s", n->as.link.url); break;
		case NC_NODE_IMAGE:
			nc_buf_printf(&b, " %s alt='%s'%s", n->as.image.url, n->as.image.alt,
				      n->as.image.res ? " res" : "");
			break;
		case NC_NODE_EMBED:
			nc_buf_printf(&b, " %d %s%s%s", n->as.embed.kind, n->as.embed.url,
				      n->as.embed.poster ? " poster=" : "", n->as.embed.poster ? n->as.embed.poster : "");
			break;
		case NC_NODE_TABLE_ROW:
			if (n->as.row.header)
				nc_buf_puts(&b, " head");
			break;
		case NC_NODE_TABLE_CELL:
			if (n->as.cell.header)
				nc_buf_puts(&b, " th");
			if (n->as.cell.align)
				nc_buf_printf(&b, " align=%d", n->as.cell.align);
			if (n->as.cell.colspan > 1)
				nc_buf_printf(&b, " colspan=%d", n->as.cell.colspan);
			if (n->as.cell.rowspan > 1)
				nc_buf_printf(&b, " rowspan=%d", n->as.cell.rowspan);
			break;
		default:
			break;
		}
		if (nc_node_is_leaf(n))
			nc_buf_putc(&b, ')');
	}
	snprintf(out, sizeof out, "%s", b.data ? b.data : "");
	nc_buf_free(&b);
	nc_buf_free(&in);
	nc_doc_free(d);
	return out;
}

int main(void)
{
	/* Paragraphs, headings, inline formatting, whitespace collapsing. */
	CHECK_STR(tree("<p>  Hello   <b>bold</b>\n<i>it</i>  </p><h3> Title </h3>"),
		  "(p 'Hello ' (strong 'bold') ' ' (em 'it')) (h3 'Title')");
	CHECK_STR(tree("<p>a <span> b </span> c</p>"), "(p 'a b c')");
	CHECK_STR(tree("<p><s>x</s><del>y</del><sub>2</sub><sup>3</sup><u>u</u></p>"),
		  "(p (del 'x') (del 'y') (sub '2') (sup '3') (em 'u'))");
	/* Full-width indentation and no-break spaces are text. */
	CHECK_STR(tree("<p>\xe3\x80\x80\xe3\x80\x80新华社电</p>"), "(p '\xe3\x80\x80\xe3\x80\x80新华社电')");
	CHECK_STR(tree("<p>a&nbsp;&nbsp;b</p>"), "(p 'a\xc2\xa0\xc2\xa0" "b')");
	/* Entities for braces, comments, Vue attributes, scripts. */
	CHECK_STR(tree("<div data-v-1a2b>&#123;x&#125;<!----><script>evil()</script><style>p{}</style></div>"),
		  "(p '{x}')");
	/* Loose text in divs becomes paragraphs; text is never dropped. */
	CHECK_STR(tree("<div>one<div>two</div>three</div>"), "(p 'one') (p 'two') (p 'three')");
	CHECK_STR(tree("plain text body"), "(p 'plain text body')");
	CHECK_STR(tree("<font color=red>red</font><center>mid</center>"), "(p 'red') (p 'mid')");
	/* Lists, nesting, ordered start. */
	CHECK_STR(tree("<ol start=\"3\"><li>a<ul><li>b</li></ul></li><li>c</li></ol>"),
		  "(list ol=3 (li (p 'a') (list (li (p 'b')))) (li (p 'c')))");
	CHECK_STR(tree("<blockquote><p>q</p></blockquote><hr>"), "(quote (p 'q')) (hr)");
	/* Code: language from the class, text verbatim. */
	CHECK_STR(tree("<pre><code class=\"language-c\">int  x;\n  y();\n</code></pre>"),
		  "(pre c 'int  x;\n  y();')");
	CHECK_STR(tree("<p>call <code>f( a )</code> now</p>"), "(p 'call ' (code 'f( a )') ' now')");
	/* Links: resolved; in-page anchors and javascript: keep only text. */
	CHECK_STR(tree("<p><a href=\"../x\">rel</a> <a href=\"#top\">top</a> <a href=\"javascript:void(0)\">js</a></p>"),
		  "(p (a https://ex.org/x 'rel') ' top js')");
	/* A button's text is the link's text. */
	CHECK_STR(tree("<a href=\"https://e.org/g\"><button>Episode guide</button></a>"),
		  "(p (a https://e.org/g 'Episode guide'))");
	/* Form controls: input dropped, textarea and select text kept. */
	CHECK_STR(tree("<form><input type=hidden value=secret><textarea>typed</textarea></form>"), "(p 'typed')");
	/* Images: protocol-relative, lazy, srcset, picture. */
	CHECK_STR(tree("<img src=\"//cdn.ex.org/a.jpg\" alt=\" A  pic \">"),
		  "(p (img https://cdn.ex.org/a.jpg alt='A pic' res))");
	CHECK_STR(tree("<img src=\"data:image/gif;base64,R0lGOD\" data-src=\"/real.png\">"),
		  "(p (img https://ex.org/real.png alt='' res))");
	CHECK_STR(tree("<img src=\"s.jpg\" srcset=\"https://e.org/s.jpg 480w, https://e.org/l.jpg 1200w, https://e.org/m.jpg 800w\">"),
		  "(p (img https://e.org/l.jpg alt='' res))");
	CHECK_STR(tree("<picture><source srcset=\"/p.webp\"><img src=\"https://e.org/p.jpg\"></picture>"),
		  "(p (img https://e.org/p.jpg alt='' res))");
	CHECK_STR(tree("<a href=\"https://e.org/big\"><img src=\"https://e.org/t.jpg\"></a>"),
		  "(p (a https://e.org/big (img https://e.org/t.jpg alt='' res)))");
	/* Embeds stay as links with their poster. */
	CHECK_STR(tree("<iframe src=\"//www.youtube.com/embed/xyz\"></iframe>"),
		  "(p (embed 0 https://www.youtube.com/embed/xyz))");
	CHECK_STR(tree("<video poster=\"/v.jpg\"><source src=\"/v.mp4\">Your browser</video>"),
		  "(p (embed 1 https://ex.org/v.mp4 poster=https://ex.org/v.jpg))");
	/* Figures. */
	CHECK_STR(tree("<figure><img src=\"https://e.org/f.jpg\"><figcaption>Cap <b>x</b></figcaption></figure>"),
		  "(figure (p (img https://e.org/f.jpg alt='' res)) (caption 'Cap ' (strong 'x')))");
	/* Tables: header rows, alignment, spans, nested blocks. */
	CHECK_STR(tree("<table><thead><tr><th>A</th><th align=right>B</th></tr></thead>"
		       "<tbody><tr><td colspan=2 style=\"text-align: center\">c</td></tr>"
		       "<tr><td rowspan=\"3\"><p>p1</p><p>p2</p></td></tr></tbody></table>"),
		  "(table (tr head (td th (p 'A')) (td th align=3 (p 'B'))) (tr (td align=2 colspan=2 (p 'c'))) "
		  "(tr (td rowspan=3 (p 'p1') (p 'p2'))))");
	/* A block inside a link flattens with a line break. */
	CHECK_STR(tree("<a href=\"https://e.org/\"><div>one</div><div>two</div></a>"),
		  "(p (a https://e.org/ 'one' (br) 'two'))");
	/* Empty <pre> and <code>: dom_text() once read an unterminated
	 * buffer here (found by fuzzing, caught under ASan). */
	CHECK_STR(tree("<pre></pre><p><code></code>x</p><pre></p>y</pre>"), "(pre - '') (p 'x') (pre - 'y')");
	/* Line breaks at edges vanish; inner ones stay. */
	CHECK_STR(tree("<p><br>a<br>b<br></p>"), "(p 'a' (br) 'b')");
	/* Depth: 100000 nested elements neither crash nor lose the text. */
	{
		struct nc_buf deep = {0};
		for (int i = 0; i < 100000; i++)
			nc_buf_puts(&deep, i % 2 ? "<div>" : "<b>");
		nc_buf_puts(&deep, "deep text");
		const char *t = tree(deep.data);
		CHECK(strstr(t, "deep text") != NULL);
		nc_buf_free(&deep);
	}
	/* Depth pre-scan: an end tag that closes nothing does not lower the
	 * depth (300 x "<div></span>" once lost every word after it, with
	 * no warning); deep input is flattened, with a warning. */
	{
		struct nc_buf deep = {0};
		for (int i = 0; i < 300; i++)
			nc_buf_puts(&deep, "<div></span>");
		nc_buf_puts(&deep, "inner<p>AFTER</p>");
		const char *t = tree(deep.data);
		CHECK(strstr(t, "inner") != NULL);
		CHECK(strstr(t, "AFTER") != NULL);
		CHECK(strstr(t, "innerAFTER") == NULL);
		struct nc_doc *d = read_doc(deep.data);
		CHECK(d && d->nwarnings >= 1);
		nc_doc_free(d);
		/* Below the limit stray end tags change nothing and warn not. */
		nc_buf_truncate(&deep, 0);
		for (int i = 0; i < 200; i++)
			nc_buf_puts(&deep, "<div></span></i>");
		nc_buf_puts(&deep, "inner<p>AFTER</p>");
		CHECK_STR(tree(deep.data), "(p 'inner') (p 'AFTER')");
		d = read_doc(deep.data);
		CHECK(d && d->nwarnings == 0);
		nc_doc_free(d);
		nc_buf_free(&deep);
	}
	/* Declarations, CDATA and processing instructions are bogus
	 * comments in HTML5: no text. */
	CHECK_STR(tree("<p>a<![CDATA[x<y]]>b</p><!ELEMENT foo ANY><!ATTLIST foo a CDATA #IMPLIED>"
		       "<!DOCTYPE x><p>c<?php echo 1 ?>d</ x>e</p><!-->f<!--->g<!-- h --!>i"),
		  "(p 'ab') (p 'cde') (p 'fgi')");
	/* HTML5 tree building for misnested markup, one rule each. */
	/* An ancestor's end tag closes what was opened inside it. */
	CHECK_STR(tree("<blockquote><div>foo</blockquote><p>bar</p>"), "(quote (p 'foo')) (p 'bar')");
	CHECK_STR(tree("<ul><li><div></li><li>foo</li></ul>"), "(list (li) (li (p 'foo')))");
	CHECK_STR(tree("<ul><li><div>a</ul><p>b</p>"), "(list (li (p 'a'))) (p 'b')");
	CHECK_STR(tree("<blockquote><ul><li>a</blockquote>b"), "(quote (list (li (p 'a')))) (p 'b')");
	/* Unclosed p, li, dd, td. */
	CHECK_STR(tree("<p>one<p>two<div>three</div>four"), "(p 'one') (p 'two') (p 'three') (p 'four')");
	CHECK_STR(tree("<ul><li>a<li>b</ul>c"), "(list (li (p 'a')) (li (p 'b'))) (p 'c')");
	CHECK_STR(tree("<dl><dt>t<dd>d<dt>u</dl>"), "(p 't') (p 'd') (p 'u')");
	CHECK_STR(tree("<table><tr><td>a<td>b<tr><td>c</table>after"),
		  "(table (tr (td (p 'a')) (td (p 'b'))) (tr (td (p 'c')))) (p 'after')");
	/* p inside li. */
	CHECK_STR(tree("<ol><li><p>a<li><p>b</ol>after"), "(list ol=1 (li (p 'a')) (li (p 'b'))) (p 'after')");
	/* Stray end tags close nothing. */
	CHECK_STR(tree("<p>a</div>b</li>c</td>d</p>e"), "(p 'abcd') (p 'e')");
	CHECK_STR(tree("<div>x</blockquote>y</div>"), "(p 'xy')");
	/* A heading closes an open heading; </h2> closes any heading. */
	CHECK_STR(tree("<h2>a<h3>b</h2>c"), "(h2 'a') (h3 'b') (p 'c')");
	/* Tables without tbody or tr, cells and rows left open. */
	CHECK_STR(tree("<table><td>a</td></table>"), "(table (tr (td (p 'a'))))");
	CHECK_STR(tree("<table><tr><th>h<tr><td>c</table>"), "(table (tr (td th (p 'h'))) (tr (td (p 'c'))))");
	CHECK_STR(tree("<table><tbody><td>a<tbody><td>b</table>"), "(table (tr (td (p 'a'))) (tr (td (p 'b'))))");
	CHECK_STR(tree("<table><tr><td><div>a</td><td>b</tr></table>"), "(table (tr (td (p 'a')) (td (p 'b'))))");
	/* Raw text is text, not markup. */
	CHECK_STR(tree("<textarea><b>x</b>&amp;</textarea><xmp><i>y</i>&amp;</xmp>"),
		  "(p '<b>x</b>&') (pre - '<i>y</i>&amp;')");
	/* Formatting end tags stop at blocks opened inside them. */
	CHECK_STR(tree("<p><b>x<i>y</b>z</p>"), "(p (strong 'x' (em 'y')) 'z')");
	/* 100000 stray and misnested tags stay linear. */
	{
		struct nc_buf big = {0};
		for (int i = 0; i < 100000; i++)
			nc_buf_puts(&big, i % 3 == 0 ? "<li>" : i % 3 == 1 ? "</blockquote>" : "<p>x");
		struct nc_doc *d = read_doc(big.data);
		CHECK(d != NULL);
		nc_doc_free(d);
		nc_buf_free(&big);
	}
	/* A text run over libxml2's 10 MB default cap survives whole. */
	{
		size_t n = 11u * 1024u * 1024u;
		char *big = malloc(n + 16);
		CHECK(big != NULL);
		if (big) {
			memcpy(big, "<p>", 3);
			for (size_t i = 0; i < n; i++)
				big[3 + i] = (char)('a' + i % 26);
			memcpy(big + 3 + n, "</p>", 5);
			struct nc_doc *d = read_doc(big);
			CHECK(d != NULL);
			if (d)
				CHECK(text_bytes(d->root) == n);
			nc_doc_free(d);
			free(big);
		}
	}
	return check_done("html");
}
