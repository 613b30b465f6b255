#!/usr/bin/env python3
"""Markdown escaping and structure, judged by the CommonMark reference
(cmark): each HTML snippet goes through newsconv --to md, the Markdown
goes through cmark, and the HTML cmark gives back must carry the same
text and markup.  GFM-only parts (tables, strikethrough) are checked on
the Markdown text itself."""
import os, re, subprocess, sys, tempfile, html

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, BUILD, SHARED, check, done  # noqa: E402



def to_md(body, extra_fm=""):
    src = "---\ntitle: t\n" + extra_fm + "---\n" + body
    r = subprocess.run([NC, "-q", "--to", "md", "-"], input=src.encode(), capture_output=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.decode())
    md = r.stdout.decode()
    m = re.match(r"---\n.*?\n---\n\n?", md, re.S)
    return md, md[m.end():] if m else md


def cmark(md):
    return subprocess.run(["cmark"], input=md.encode(), capture_output=True, timeout=30).stdout.decode()



def renders(body, want_html, what=None):
    _, md = to_md(body)
    got = cmark(md).strip()
    check(got == want_html, (what or body) + "\n  got:  " + got + "\n  want: " + want_html, md)


# Text that must stay text: every markup character in turn.
renders("<p>*not em* _not em_ **x** __y__</p>", "<p>*not em* _not em_ **x** __y__</p>")
renders("<p>snake_case_name and 2*3*4</p>", "<p>snake_case_name and 2*3*4</p>")
renders("<p># not a heading</p>", "<p># not a heading</p>")
renders("<p>1. not a list</p>", "<p>1. not a list</p>")
renders("<p>2021) also not</p>", "<p>2021) also not</p>")
renders("<p>- not a bullet</p>", "<p>- not a bullet</p>")
renders("<p>+ plus</p>", "<p>+ plus</p>")
renders("<p>&gt; not a quote</p>", "<p>&gt; not a quote</p>")
renders("<p>&lt;div&gt; is text, so is &lt;b&gt;</p>", "<p>&lt;div&gt; is text, so is &lt;b&gt;</p>")
renders("<p>[brackets](not-a-link) and ![bang](x)</p>", "<p>[brackets](not-a-link) and ![bang](x)</p>")
renders("<p>`ticks` and \\backslash\\</p>", "<p>`ticks` and \\backslash\\</p>")
renders("<p>&amp;copy; stays literal, AT&amp;T too</p>", "<p>&amp;copy; stays literal, AT&amp;T too</p>")
renders("<p>a<br>---<br>b</p>", "<p>a<br />\n---<br />\nb</p>")
renders("<p>===</p>", "<p>===</p>")
renders("<p>~~not struck~~</p>", "<p>~~not struck~~</p>")
renders("<p>http://example.com/x_y_z</p>", "<p>http://example.com/x_y_z</p>")
# Emphasis, including next to CJK punctuation (the flanking-rule trap).
renders("<p>这是<strong>“强调”</strong>文字</p>", "<p>这是“<strong>强调</strong>”文字</p>")
renders("<p>中文<em>（括号）</em>中文</p>", "<p>中文（<em>括号</em>）中文</p>")
renders("<p><b>粗体：</b>说明</p>", "<p><strong>粗体</strong>：说明</p>")
renders("<p>word<b> spaced </b>word</p>", "<p>word <strong>spaced</strong> word</p>")
renders("<p><b>bold</b><i>it</i></p>", "<p><strong>bold</strong><em>it</em></p>")
renders("<p><strong>a <em>b</em> c</strong></p>", "<p><strong>a <em>b</em> c</strong></p>")
renders("<p>x<b>  </b>y</p>", "<p>x y</p>")
renders("<p>\u3000\u3000<b>\u3000缩进</b>正文</p>", "<p>\u3000\u3000\u3000<strong>缩进</strong>正文</p>")
# Code spans with backticks inside.
renders("<p><code>a`b</code> and <code>``</code></p>", "<p><code>a`b</code> and <code>``</code></p>")
# Links and images: titles, spaces and parentheses in URLs.
renders('<p><a href="https://e.org/a b(c" title="T &quot;q&quot;">x</a></p>',
        '<p><a href="https://e.org/a%20b(c" title="T &quot;q&quot;">x</a></p>')
renders('<p><a href="https://e.org/wiki/A_(b)">wiki</a></p>', '<p><a href="https://e.org/wiki/A_(b)">wiki</a></p>')
renders('<p><img src="https://e.org/i.png" alt="an [alt]" title="tt"></p>',
        '<p><img src="https://e.org/i.png" alt="an [alt]" title="tt" /></p>')
renders('<p><a href="https://e.org/"><img src="https://e.org/i.png" alt="i"></a></p>',
        '<p><a href="https://e.org/"><img src="https://e.org/i.png" alt="i" /></a></p>')
renders('<p><a href="https://e.org/empty"></a></p>', '<p><a href="https://e.org/empty">e.org</a></p>')
# Headings, quotes, lists, code blocks.
renders("<h2>Title ends with #</h2>", "<h2>Title ends with #</h2>")
renders("<blockquote><p>q1</p><p>q2</p></blockquote>", "<blockquote>\n<p>q1</p>\n<p>q2</p>\n</blockquote>")
renders("<ol start=7><li>a</li><li>b</li></ol>", '<ol start="7">\n<li>a</li>\n<li>b</li>\n</ol>')
renders("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>",
        "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>")
renders("<ul><li><p>p1</p><p>p2</p></li><li>x</li></ul>",
        "<ul>\n<li>\n<p>p1</p>\n<p>p2</p>\n</li>\n<li>\n<p>x</p>\n</li>\n</ul>")
renders('<pre><code class="language-py">x = 1\n```\n</code></pre>',
        '<pre><code class="language-py">x = 1\n```\n</code></pre>')
renders("<blockquote><ul><li>in quote</li></ul></blockquote>",
        "<blockquote>\n<ul>\n<li>in quote</li>\n</ul>\n</blockquote>")
renders("<p>a</p><hr><p>b</p>", "<p>a</p>\n<hr />\n<p>b</p>")
# Embeds stay visible links.
_, md = to_md('<iframe src="https://www.youtube.com/embed/abc"></iframe>')
check('href="https://www.youtube.com/embed/abc"' in cmark(md), "iframe becomes a link", md)

# GFM: tables and strikethrough, on the Markdown text.
_, md = to_md("<table><tr><th>a|b</th><th align=right>c</th></tr><tr><td>1</td><td><ul><li>x</li><li>y</li></ul></td></tr></table>")
check("| a\\|b | c |" in md and "| --- | --: |" in md and "| 1 | x y |" in md, "GFM table with escaped pipe and flattened list", md)
_, md = to_md("<table><tr><td colspan=2>wide</td></tr><tr><td>1</td><td>2</td></tr></table>")
check("| wide | wide |" in md and "| 1 | 2 |" in md, "colspan repeats its text, keeps the column count", md)
_, md = to_md("<p><del>gone</del></p>")
check(md.strip() == "~~gone~~", "strikethrough", md)

# Front matter is valid YAML with the fields normalised.
full, _ = to_md("<p>x</p>", 'author: "A \\"quoted\\" name"\ndate: Fri, 29 Jul 2022 04:55:15 GMT\ncomments: false\n"odd key": v\n')
fm = full.split("---\n")[1]
check('title: "t"' in fm and 'author: "A \\"quoted\\" name"' in fm, "author quoted", full)
check('date: "2022-07-29T04:55:15Z"' in fm and "comments: false" in fm, "date normalised, extras kept", full)
check('"odd key": "v"' in fm, "odd keys quoted", full)
try:
    import yaml  # optional: python3-yaml
    yaml.safe_load(fm)
except ImportError:
    pass
except Exception as e:
    check(False, "front matter parses as YAML: %s" % e, full)

done("md roundtrip")
