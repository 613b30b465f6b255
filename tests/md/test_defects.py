#!/usr/bin/env python3
"""Regression tests for Markdown writer defects, one block per defect.
Each HTML snippet goes through newsconv --to md and the Markdown is
rendered back by cmark (cmark-gfm with the table extension for tables,
when installed); the checks are on that HTML."""
import os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, check, done  # noqa: E402

GFM = shutil.which("cmark-gfm")


def to_md(body):
    src = "---\ntitle: t\n---\n" + body
    r = subprocess.run([NC, "-q", "--to", "md", "-"], input=src.encode(), capture_output=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.decode())
    md = r.stdout.decode()
    m = re.match(r"---\n.*?\n---\n\n?", md, re.S)
    return md[m.end():] if m else md


def cmark(md, gfm=False):
    cmd = [GFM, "-e", "table", "-e", "strikethrough"] if gfm and GFM else ["cmark"]
    return subprocess.run(cmd, input=md.encode(), capture_output=True, timeout=60).stdout.decode()


def renders(body, want, what=None):
    md = to_md(body)
    got = cmark(md).strip()
    check(got == want, (what or body) + "\n  got:  " + got + "\n  want: " + want, md)


# 1. Nested emphasis: one delimiter run, moved punctuation written once.
renders('<p>a<em><strong>"x"</strong></em>b</p>', "<p>a&quot;<em><strong>x</strong></em>&quot;b</p>")
renders("<p><em><strong>x</strong></em></p>", "<p><em><strong>x</strong></em></p>")
renders("<p><em><em>x</em></em></p>", "<p><em>x</em></p>")
renders("<p>a<em><em>x</em></em>b</p>", "<p>a<em>x</em>b</p>")
renders("<p><strong><strong>x</strong></strong></p>", "<p><strong>x</strong></p>")
renders("<p>a<strong><em>“x，”</em></strong>b</p>", "<p>a“<em><strong>x</strong></em>，”b</p>")
renders("<p>a <em>b <strong>c</strong></em>d</p>", "<p>a <em>b <strong>c</strong></em>d</p>")

# 2. A text "!" right before a link must not make it an image.
renders("<p>Wow!<a href=u>more</a></p>", '<p>Wow!<a href="u">more</a></p>')
renders("<p>Wow! <a href=u>more</a>!</p>", '<p>Wow! <a href="u">more</a>!</p>')

# 3. Underscores next to CJK punctuation and curly quotes are not intraword.
renders("<p>价格。_注意_。</p>", "<p>价格。_注意_。</p>")
renders("<p>“_quoted_”</p>", "<p>“_quoted_”</p>")
renders("<p>snake_case 中文_中文 ü_ü</p>", "<p>snake_case 中文_中文 ü_ü</p>")

# 4. Carriage returns: code blocks get LF line ends, titles lose them.
renders("<pre>a&#13;&#10;b&#13;c</pre>", "<pre><code>a\nb\nc\n</code></pre>")
renders("<ul><li><pre>a&#13;b</pre></li></ul>", "<ul>\n<li>\n<pre><code>a\nb\n</code></pre>\n</li>\n</ul>")
renders('<ul><li><a href="u" title="a&#13;b">x</a></li></ul>', '<ul>\n<li><a href="u" title="a b">x</a></li>\n</ul>')
renders("<blockquote><p><code>a&#13;b</code></p></blockquote>", "<blockquote>\n<p><code>a b</code></p>\n</blockquote>")

# 5. Big inputs (no timing here: the run must finish and be right).
md = to_md("<ol>" + "".join("<li>item %d</li>" % i for i in range(40000)) + "</ol>")
lines = md.strip().split("\n")
check(len(lines) == 40000 and lines[0] == "1. item 0" and lines[-1] == "40000. item 39999",
      "40,000 ordered items numbered in order", lines[-3:])
out = cmark("\n".join(lines[-3:]))
check(out.startswith('<ol start="39998">'), "the last items still form a list", out)
md = to_md("<p>" + "".join("<em>w%d</em> " % i for i in range(40000)) + "</p>")
out = cmark(md)
check(out.count("<em>") == 40000 and "<em>w39999</em>" in out, "40,000 emphases all kept", out[-200:])

# 8. Adjacent lists stay apart; tight lists stay tight.
renders("<ul><li>a</li></ul><ul><li>b</li></ul><ul><li>c</li></ul>",
        "<ul>\n<li>a</li>\n</ul>\n<ul>\n<li>b</li>\n</ul>\n<ul>\n<li>c</li>\n</ul>")
renders("<ol><li>a</li></ol><ol start=3><li>b</li><li>c</li></ol>",
        '<ol>\n<li>a</li>\n</ol>\n<ol start="3">\n<li>b</li>\n<li>c</li>\n</ol>')
renders("<ul><li>a<ul><li>n</li></ul><ul><li>m</li></ul></li></ul>",
        "<ul>\n<li>a\n<ul>\n<li>n</li>\n</ul>\n<ul>\n<li>m</li>\n</ul>\n</li>\n</ul>")
renders("<ul><li>a</li></ul><ol><li>b</li></ol>", "<ul>\n<li>a</li>\n</ul>\n<ol>\n<li>b</li>\n</ol>")
renders("<ul><li>a</li><li>b</li></ul>", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>")
renders("<ul><li><p>a</p><p>a2</p></li><li><p>b</p></li></ul>",
        "<ul>\n<li>\n<p>a</p>\n<p>a2</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>")

# 9. Links without text show their host (a permalink "#", a share-by-mail
#    button "e-mail"); embeds say what they are in one mark (text the
#    article did not have is kept short), in words in a poster's alt.
renders('<p><a href="https://service.weibo.com/share/share.php?url=x&title=y"><img src=""></a></p>',
        '<p><a href="https://service.weibo.com/share/share.php?url=x&amp;title=y">service.weibo.com</a></p>')
renders('<p><a href="https://www.e.org:8080/a/b"></a></p>', '<p><a href="https://www.e.org:8080/a/b">e.org</a></p>')
renders('<p>x<a href="mailto:a@b.example?subject=hi"></a></p>', '<p>x<a href="mailto:a@b.example?subject=hi">a@b.example</a></p>')
renders('<iframe src="https://www.youtube.com/embed/abc" title="Launch video"></iframe>',
        '<p><a href="https://www.youtube.com/embed/abc">\u25b6 Launch video</a></p>')
renders('<iframe src="https://www.youtube.com/embed/abc"></iframe>',
        '<p><a href="https://www.youtube.com/embed/abc">\u25b6 youtube.com</a></p>')
renders('<iframe src="https://maps.example.org/embed?q=1"></iframe>',
        '<p><a href="https://maps.example.org/embed?q=1">\u2197 maps.example.org</a></p>')
renders('<iframe src="https://w.soundcloud.com/player/?url=x"></iframe>',
        '<p><a href="https://w.soundcloud.com/player/?url=x">\u266a soundcloud.com</a></p>')
renders('<video src="https://e.org/v.mp4" poster="https://e.org/p.jpg"></video>',
        '<p><a href="https://e.org/v.mp4"><img src="https://e.org/p.jpg" alt="video on e.org" /></a></p>')
renders('<h2>T<a class="headerlink" href="https://e.org/p#t" title="T"></a></h2>',
        '<h2>T<a href="https://e.org/p#t" title="T">#</a></h2>')
renders('<p>x<a href="mailto:?body=a%20b&subject=c"></a></p>',
        '<p>x<a href="mailto:?body=a%20b&amp;subject=c">e-mail</a></p>')


def gfm_rows(body):
    """The rows of the GFM tables cmark-gfm reads, as lists of cell texts."""
    out = cmark(to_md(body), gfm=True)
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", out, re.S):
        rows.append([re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)])
    return rows, out


# 6. Spans: every cell keeps its row and column (spanned positions repeat).
if GFM:
    rows, out = gfm_rows("<table><tr><th>日期</th><th>时间</th><th>节目</th></tr>"
                         "<tr><td rowspan=3>周一</td><td>8:00</td><td>新闻</td></tr>"
                         "<tr><td>9:00</td><td>天气</td></tr><tr><td>10:00</td><td>体育</td></tr>"
                         "<tr><td>周二</td><td colspan=2>休息</td></tr></table>")
    check(rows == [["日期", "时间", "节目"], ["周一", "8:00", "新闻"], ["周一", "9:00", "天气"],
                   ["周一", "10:00", "体育"], ["周二", "休息", "休息"]], "rowspan/colspan grid", out)
    rows, out = gfm_rows("<table><tr><td>a</td><td rowspan=2 colspan=2>big</td><td>d</td></tr>"
                         "<tr><td>e</td><td>h</td></tr><tr><td>i</td><td>j</td><td>k</td><td>l</td></tr></table>")
    check(rows == [["a", "big", "big", "d"], ["e", "big", "big", "h"], ["i", "j", "k", "l"]],
          "a 2x2 span in the middle", out)

# 7. Layout tables: content as blocks, not a GFM table.
renders("<table><tr><td>only</td></tr><tr><td>one <b>column</b></td></tr></table>",
        "<p>only</p>\n<p>one <strong>column</strong></p>")
renders("<table><tr><td>one</td><td>row</td></tr></table>", "<p>one</p>\n<p>row</p>")
md = to_md("<table><tr><td><p>p1</p><p>p2</p></td><td>x</td></tr>"
           "<tr><td>y</td><td><table><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table></td></tr></table>")
out = cmark(md, gfm=True)
check(out.count("<table>") == (1 if GFM else 0) and "<p>p1</p>\n<p>p2</p>" in out and "<p>y</p>" in out,
      "blocks in cells: outer table is layout, inner one a data table", md)

# 8. Bare URLs in text stay text under GFM's autolink extension (a second
#    conversion would otherwise gain links); linked ones stay links.
if GFM:
    md = to_md('<p>see https://a.org/x, HTTP://b.org and www.c.org; awww.d.org '
               '<a href="https://e.org/">https://e.org/</a></p>')
    out = subprocess.run([GFM, "-e", "autolink"], input=md.encode(), capture_output=True).stdout.decode()
    check(out.strip() == '<p>see https://a.org/x, HTTP://b.org and www.c.org; awww.d.org '
          '<a href="https://e.org/">https://e.org/</a></p>', "bare URLs are not autolinked", md + out)
    check("[https://e.org/]" in md, "no escapes inside a link's text", md)

done("md defects")
