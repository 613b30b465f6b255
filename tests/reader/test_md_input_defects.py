#!/usr/bin/env python3
"""Markdown posts read faithfully (issue 19, input side): one block per
row of ../shared/review/input/DEFECTS.md that the Markdown reader owns,
and the post misses of issue 19.  Every input is written here, modelled
on the review's trigger (nothing is read from ../shared)."""
import json, os, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, check, done  # noqa: E402


def run(src, *args):
    data = src if isinstance(src, bytes) else src.encode()
    return subprocess.run([NC, *args, "-o", "-", "-"], input=data, capture_output=True, timeout=120)


def to_json(src, *args):
    r = run(src, "--to", "json", *args)
    if r.returncode != 0:
        check(False, "--to json exits 0", r)
        return None
    return json.loads(r.stdout)


def to_md(src, *args):
    r = run(src, "-q", "--to", "md", *args)
    check(r.returncode == 0, "--to md exits 0", r)
    return r.stdout.decode()


def nodes(n):
    """Every node under n, depth first, in document order."""
    out, stack = [], [n]
    while stack:
        x = stack.pop()
        out.append(x)
        stack.extend(reversed(x.get("children", [])))
    return out


def of_type(doc, t):
    return [x for x in nodes(doc["body"]) if x["type"] == t] if doc else []


def text_of(n):
    return "".join(x.get("text", "") for x in nodes(n) if x["type"] in ("text", "code"))


def urls(doc):
    return [x.get("url") for x in of_type(doc, "link")]


FM = "---\ntitle: Benchmarks\ndate: 2024-03-01\n---\n"

# ---- input row 5: one <br> does not make a Markdown post HTML -------------------
d = to_json(FM + "Results are below.<br>\n\n| Tool | Time |\n|------|------|\n| alpha | 1 s |\n\n"
            "1. first step\n2. second step\n\n**Note**: see [the docs][docs] and <https://ex.org/faq>.\n\n"
            "[docs]: https://ex.org/docs\n")
check(len(of_type(d, "table")) == 1, "input row 5: the table of a post with a <br> kept")
lists = of_type(d, "list")
check(len(lists) == 1 and lists[0].get("ordered") and len(lists[0]["children"]) == 2,
      "input row 5: the ordered list kept", lists)
check(len(of_type(d, "strong")) == 1, "input row 5: **Note** is strong")
check(urls(d) == ["https://ex.org/docs", "https://ex.org/faq"],
      "input row 5: the reference link and the autolink kept", urls(d))
# each sign alone beside a <br> is enough
for what, body, t in [("a table", "| a | b |\n|---|:-:|\n| 1 | 2 |\n", "table"),
                      ("an ordered list", "1. one\n2. two\n", "list"),
                      ("strong emphasis", "This is **bold** text.\n", "strong"),
                      ("a reference link", "See [docs][d].\n\n[d]: https://ex.org/d\n", "link"),
                      ("an autolink", "Mail <https://ex.org/a> now.\n", "link"),
                      ("a footnote", "Claim.[^1]\n\n[^1]: Source.\n", "sup")]:
    d = to_json(FM + "First line.<br>\n\n" + body)
    check(len(of_type(d, t)) >= 1, f"input row 5: {what} is a Markdown sign (read as Markdown)",
          d and d["body"])
# and front-matter HTML stays HTML
d = to_json(FM + "<p>One <b>two</b></p>\n<ul><li>a</li></ul>\n")
check(len(of_type(d, "strong")) == 1 and len(of_type(d, "list")) == 1, "input row 5: HTML bodies still read as HTML")

# ---- input row 10: a NUL after 8 KB does not cut the post --------------------------
filler = ("Filler paragraph text. " * 40 + "\n\n") * 10
assert len(filler) > 8192
src = ("---\ntitle: NUL test\n---\n\n# Heading\n\n" + filler).encode() + \
    b"Before the NUL \0 after the NUL: KEEP-THIS-TEXT.\n\nLast paragraph THE-END.\n"
r = run(src, "--to", "json")
check(r.returncode == 0, "input row 10: a post with a NUL after 8 KB converts", r)
body = text_of(json.loads(r.stdout)["body"]) if r.returncode == 0 else ""
check("KEEP-THIS-TEXT" in body and "THE-END" in body and "\0" not in body,
      "input row 10: the text after the NUL kept, the NUL dropped", body[-200:])
html = ("---\ntitle: NUL html\n---\n<div><p>" + filler.replace("\n\n", "</p><p>") + "</p>").encode() + \
    b"<p>Before the NUL \0 after the NUL: KEEP-THIS-TEXT.</p><p>Last paragraph THE-END.</p></div>\n"
r2 = run(html, "--to", "json")
hbody = text_of(json.loads(r2.stdout)["body"]) if r2.returncode == 0 else ""
check("KEEP-THIS-TEXT" in hbody and "THE-END" in hbody, "input row 10: as the HTML reader keeps it", hbody[-200:])
r = run(b"\0binary" + b"x" * 100, "--from", "md", "--to", "json")
check(r.returncode != 0 and b"binary data, not a Markdown post" in r.stderr,
      "input row 10: a NUL in the first 8 KB is still binary data", r)

# ---- input row 11: mappings under author, tags, categories -------------------------
d = to_json("---\ntitle: Author as a mapping\nauthor:\n  name: Jane Doe\n  url: https://jane.example\n"
            "tags:\n  web: true\ncategories: {main: News}\ndate: 2024-03-01\n---\n\nSome *text*.\n")
m = d["meta"] if d else {}
check(m.get("authors") == ["Jane Doe"], "input row 11: author {name, url}: the name is the author", m.get("authors"))
ex = m.get("extra", {})
check(ex.get("author.url") == "https://jane.example", "input row 11: the author's url kept in the extras", ex)
check(ex.get("tags.web") == "true", "input row 11: a mapping under tags kept in the extras", ex)
check(ex.get("categories.main") == "News", "input row 11: a mapping under categories kept in the extras", ex)
d = to_json("---\ntitle: t\nauthors:\n  - name: Ann\n    url: https://a.example\n  - Bob\n"
            "tags: [x, {y: z}]\n---\nx\n")
m = d["meta"] if d else {}
check(m.get("authors") == ["Ann", "Bob"], "input row 11: Hugo authors [{name}, scalar] both kept", m.get("authors"))
check(m.get("extra", {}).get("authors.1.url") == "https://a.example" and m.get("tags") == ["x"] and
      m.get("extra", {}).get("tags.2.y") == "z", "input row 11: list items' mappings kept by place", m)
md = to_md("---\ntitle: t\nauthor: {name: Jane, url: https://j.example}\n---\nx\n")
check('author: "Jane"' in md and '"author.url": "https://j.example"' in md, "input row 11: --to md writes the author and its url", md)
d = to_json("---\ntitle: t\nauthor: Plain Name\ntags: [a, b]\ncategories: [c, d]\n---\nx\n")
m = d["meta"] if d else {}
check(m.get("authors") == ["Plain Name"] and m.get("tags") == ["a", "b"] and m.get("categories") == [["c", "d"]]
      and m.get("extra") == {}, "input row 11: scalar forms unchanged", m)

# ---- input row 20: footnotes ------------------------------------------------------------
d = to_json("---\ntitle: Footnotes\n---\n\n# Notes\n\n"
            'First claim with <abbr title="HyperText">HTML</abbr> inline.[^a]\n\n'
            "Second claim.[^b] And the first again.[^a]\n\nThird claim.[^c]\n\n"
            "[^c]: Note C text.\n[^b]: Note B text.\n[^a]: Note A text.\n[^unused]: Never referenced note text.\n")
sups = [text_of(s) for s in of_type(d, "sup")]
check(sups == ["[1]", "[2]", "[1]", "[3]"], "input row 20: references numbered in order through inline HTML", sups)
notes = [text_of(i) for i in d["body"]["children"][-1]["children"]] if d else []
check(notes == ["Note A text.", "Note B text.", "Note C text.", "Never referenced note text."],
      "input row 20: notes in reference order, the unreferenced one kept last", notes)
check("[^" not in text_of(d["body"]) if d else False, "input row 20: no reference left as text")
# a body ending inside an unclosed <pre> (which would take the added references in)
md = to_md("---\ntitle: t\n---\nText.[^a]\n\n[^a]: A.\n[^u]: Unused.\n\n<pre>\nopen\n")
check("[^" not in md and "1. A." in md and "\\[1\\]" in md,
      "input row 20: a body ending in an open <pre> keeps its notes numbered", md)
# a "[^x]:" line inside a fenced code block is code, not a note
d = to_json("---\ntitle: t\n---\nText.[^a]\n\n[^a]: A.\n\n```\n[^b]: code line\n```\n")
codes = [x.get("text") for x in of_type(d, "code_block")]
check(codes == ["[^b]: code line"] and len(d["body"]["children"][-1]["children"]) == 1 if d else False,
      "input row 20: a note-like line in a code fence stays code", codes)

# ---- input row 28: tight lists stay tight ------------------------------------------------
d = to_json("---\ntitle: t\n---\n- faster\n- smaller\n\n1. a\n2. b\n\n- loose\n\n- list\n")
tight = [l.get("tight") for l in of_type(d, "list")]
check(tight == [True, True, False], "input row 28: tight lists tight, a loose one loose", tight)
md = to_md("---\ntitle: t\n---\nWords **here**.\n\n- faster\n- smaller\n")
check("- faster\n- smaller\n" in md, "input row 28: --to md writes a tight list tight", md)

# ---- input row 32: TOML unclosed array ---------------------------------------------------
src = '+++\ntags = ["a", "b"\ntitle = "Real title"\ndate = 2024-03-01\ndescription = "desc"\n+++\n\n# Body\n\nText *here*.\n'
d = to_json(src)
m = d["meta"] if d else {}
check(m.get("title") == "Real title" and m.get("tags") == ["a", "b"] and m.get("description") == "desc" and
      (m.get("date") or "").startswith("2024-03-01"), "input row 32: the keys after an unclosed array read", m)
check(any("not closed" in w for w in (d or {}).get("warnings", [])), "input row 32: a warning says the array is not closed",
      d and d["warnings"])
d = to_json('+++\ntags = [\n  "a",\n  "b",\n]\nlist = [ { k = 1 },\n  { j = 2 } ]\ntitle = "T"\n+++\nx\n')
m = d["meta"] if d else {}
check(m.get("tags") == ["a", "b"] and m.get("title") == "T" and not d["warnings"],
      "input row 32: closed arrays over lines unchanged, no warning", d)

# ---- input row 33: a setext heading is not bare front matter -------------------------------
src = ("Update: version 2.0 is out\n---\n\nWe shipped **many** changes, see the [changelog](https://ex.org/changes).\n\n"
       "- faster\n- smaller\n")
d = to_json(src)
m = d["meta"] if d else {}
heads = of_type(d, "heading")
check(len(heads) == 1 and text_of(heads[0]) == "Update: version 2.0 is out" and heads[0].get("level") == 2,
      "input row 33: 'Update: ...' over '---' is a heading", d and d["body"])
check(m.get("front_matter") == "none" and "Update" not in m.get("extra", {}), "input row 33: no front matter read", m)
check(urls(d) == ["https://ex.org/changes"] and len(of_type(d, "list")) == 1,
      "input row 33: the rest read as Markdown", d and d["body"])
d = to_json("title: Bare Hexo\ndate: 2024-01-02\n---\n\nBody *here*.\n")
m = d["meta"] if d else {}
check(m.get("title") == "Bare Hexo" and m.get("front_matter") == "yaml",
      "input row 33: Hexo's bare front matter with its keys still read", m)

# ---- issue 19, post misses ("40 real posts": 35 right) -----------------------------------
import re, tempfile, urllib.parse, zipfile  # noqa: E402
from nctest import EPUBCHECK_JAR, epubcheck  # noqa: E402
tmp = tempfile.mkdtemp()
books = []  # through epubcheck at the end, in one JVM

URI_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")


def valid_uri(u):
    """An RFC 3986 URI reference (raw non-ASCII allowed, as IRIs and EPUB do, but no Unicode
    space or C1 control), whose http(s)/ftp host a browser can parse (WHATWG URL)."""
    if not u or u.count("#") > 1:
        return False
    for i, ch in enumerate(u):
        if ord(ch) > 127:
            if ch.isspace() or 0x80 <= ord(ch) <= 0x9f or ch in "\u200b\u2028\u2029":
                return False
        elif ch not in URI_CHARS or (ch == "%" and not re.fullmatch(r"%[0-9A-Fa-f]{2}", u[i:i + 3])):
            return False
    m = re.match(r"(?i)(?:https?|ftp)://([^/?#]*)", u)
    auth = m.group(1).rsplit("@", 1)[-1] if m else ""
    ipv6 = auth.startswith("[")
    if ("[" in u or "]" in u) and not (ipv6 and u.count("[") == 1 and u.count("]") == 1 and auth.count("]") == 1):
        return False
    if m and not ipv6:
        host, _, port = auth.partition(":")
        host = urllib.parse.unquote(host)
        if not host or any(c in "#%/:<>?@[\\]^|\"{}` " or ord(c) < 0x21 for c in host) or not port.isdigit() and port:
            return False
    return True


def md_targets(md):
    """The link and image targets of a Markdown text: [x](<t>), [x](t "title"), <autolink>."""
    out = []
    for m in re.finditer(r"\]\((<[^>\n]*>|[^)\s]*)", md):
        out.append(m.group(1)[1:-1] if m.group(1).startswith("<") else m.group(1))
    out += re.findall(r"<((?:https?|ftp|mailto):[^>\s]*)>", md)
    return out


def epub_hrefs(book):
    with zipfile.ZipFile(book) as z:
        return [h for n in z.namelist() if n.endswith(".xhtml")
                for h in re.findall(r'href="([^"]*)"', z.read(n).decode())]


def to_epub(src, name):
    book = os.path.join(tmp, name)
    r = subprocess.run([NC, "-q", "--to", "epub", "-o", book, "-"], input=src.encode(), capture_output=True,
                       timeout=120)
    return book if r.returncode == 0 else (check(False, f"{name}: --to epub exits 0", r) or None)


# Miss 1: an autolink inside a template tag ({% btn 'https://site',Label,,x%}: Hexo's button tag) is
# no URI a reader can open: it stays text; every other target is made a valid URI; the EPUB is valid.
src = ("---\ntitle: Template link\n---\nPress {% btn 'https://site',Label,,x%} to go on.\n\n"
       "{% btn 'https://ex.org/page',Label,,fa-x%}\n\n"
       "[sp](<https://ex.org/a b>) [two](https://ex.org/a#b#c) [ok](https://ex.org/%E4%B8%AD/路?q=1&r=2#f)\n")
d = to_json(src)
body = text_of(d["body"]) if d else ""
check("https://site',Label,,x%}" in body and not any(u.startswith("https://site") for u in urls(d)),
      "post miss autolink: a link whose host cannot be parsed is kept as text", urls(d))
check(urls(d) == ["https://ex.org/page',Label,,fa-x%25%7D", "https://ex.org/a%20b", "https://ex.org/a#b%23c",
                  "https://ex.org/%E4%B8%AD/路?q=1&r=2#f"],
      "post miss autolink: JSON link targets percent-encoded to valid URIs, valid ones unchanged", urls(d))
check(all(valid_uri(u) for u in urls(d)), "post miss autolink: every JSON link target is a valid URI", urls(d))
check(any("not a URL a reader can open" in w for w in (d or {}).get("warnings", [])),
      "post miss autolink: a warning names the link")
md = to_md(src)
check(md_targets(md) and all(valid_uri(u) for u in md_targets(md)) and
      not any(u.startswith("https://site") for u in md_targets(md)) and "Label,,x%}" in md.replace("\\", ""),
      "post miss autolink: every Markdown link target is a valid URI, the broken one plain text", md_targets(md))
book = to_epub(src, "template.epub")
if book:
    hrefs = [h for h in epub_hrefs(book) if "://" in h]
    check(hrefs and all(valid_uri(h.replace("&amp;", "&")) for h in hrefs),
          "post miss autolink: every EPUB href is a valid URI", hrefs)
    books.append(book)  # epubcheck: 0 errors (6, RSC-005/RSC-020, on the old build)

# The XHTML's other hrefs (the source URL, an image shown as a link) go through the same rule
# (resolve.c nc_uri_put, called by render_html.c): "%zz" and a second '#' were written raw.
book = to_epub("---\ntitle: Src\nurl: https://ex.org/post%zz#a#b\n---\nSee ![pic](https://ex.org/a|b%zz.png) here.\n",
               "source.epub")
if book:
    hrefs = [h for h in epub_hrefs(book) if "://" in h]
    check(sorted(hrefs) == ["https://ex.org/a%7Cb%25zz.png", "https://ex.org/post%25zz#a%23b"],
          "post miss autolink: the source URL's and an image's hrefs are valid URIs too", hrefs)
    books.append(book)

# Miss 2: Markdown between <div class="x"> and </div>, with blank lines, stays Markdown (CommonMark:
# the HTML block ends at the blank line).  Counted in --to json: 3 headings, 5 items, 2 tables.
src = ("---\ntitle: Div\n---\n<div class=\"note\">\n\n## Heading inside\n\n- item one\n- item **two**\n\n"
       "| a | b |\n|---|---|\n| 1 | 2 |\n\n### Second heading\n\n1. first\n2. second\n3. third\n\n</div>\n\n"
       "<div class=\"x\">\n\n## Third heading\n\n| c | d |\n|:--|--:|\n| 3 | 4 |\n\n</div>\n\nAfter.\n")
d = to_json(src)
counts = {t: len(of_type(d, t)) for t in ("heading", "item", "table", "strong")}
check(counts == {"heading": 3, "item": 5, "table": 2, "strong": 1},
      "post miss div: headings, list items, tables inside <div> blocks kept (3, 5, 2)", counts)
check(d and "##" not in text_of(d["body"]) and "**" not in text_of(d["body"]) and "|" not in text_of(d["body"]),
      "post miss div: no literal '#', '**' or '|' left", d and text_of(d["body"]))
md = to_md(src)
check("\n## Heading inside\n" in md and "\n1. first\n" in md and "\n| 3 | 4 |\n" in md,
      "post miss div: --to md writes them as Markdown", md)
# while an HTML article with code (blank lines, '# comment') inside <pre> stays HTML
d = to_json("---\ntitle: Html\n---\n<div>\n<h2>T</h2>\n<pre><code>a = 1\n\n# a comment\n- not a list\n</code></pre>\n"
            "<p>after</p>\n</div>\n")
codes = [x.get("text", "") for x in of_type(d, "code_block")]
check(len(codes) == 1 and "# a comment" in codes[0] and not of_type(d, "list"),
      "post miss div: an HTML article's <pre> with blank lines stays HTML", d and d["body"])

# Miss 3: a list inside a GFM table cell (a cell holds no blocks, so the post writes the list as
# inline HTML) was joined with no space, "actualOtros", and its link lost: every tag of the cell was
# dropped alone.  The cell's HTML is read whole; the columns stay where they were.
src = ("---\ntitle: Estado\n---\nIntro.\n\n| Campo | Valor | Nota |\n|---|---|---|\n"
       "| Versión | <ul><li>actual</li><li><a href=\"https://ex.org/otros\">Otros</a></li></ul> | fin |\n"
       "| Foto | <img src=\"https://ex.org/w.png\" alt=\"foto\"> | línea uno<br>línea dos |\n"
       "| Nota | <b>dato</b>[^1] | <a href=\"https://ex.org/x\">x</a> y |\n\n[^1]: La nota.\n")
d = to_json(src)
rows = [r["children"] for r in of_type(d, "table_row")]
check([len(r) for r in rows] == [3, 3, 3, 3] and [text_of(r[2]) for r in rows] == ["Nota", "fin", "línea unolínea dos", "x y"],
      "post miss table cell: every row keeps its 3 columns, each cell's text in its own", [[text_of(c) for c in r] for r in rows])
cell = rows[1][1] if len(rows) > 1 and len(rows[1]) > 1 else {}
items = [text_of(i) for i in of_type({"body": cell}, "item")]
check(items == ["actual", "Otros"], "post miss table cell: the cell's list kept, its items apart", cell)
check(urls(d) == ["https://ex.org/otros", "https://ex.org/x"], "post miss table cell: the links in cells kept", urls(d))
check(len(of_type(d, "image")) == 1 and len(of_type(d, "line_break")) == 1 and len(of_type(d, "strong")) == 1,
      "post miss table cell: <img>, <br> and <b> in cells read", d and d["body"])
check([text_of(s) for s in of_type(d, "sup")] == ["[1]"], "post miss table cell: a footnote beside cell HTML numbered")
md = to_md(src)
check("actual [Otros](https://ex.org/otros)" in md and "actualOtros" not in md and "línea uno línea dos" in md,
      "post miss table cell: --to md keeps a separator and the link", md)
book = to_epub(src, "cell.epub")
if book:
    with zipfile.ZipFile(book) as z:
        xh = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    check(re.search(r"<td><ul>\s*<li>(<p>)?actual<", xh) and '<a href="https://ex.org/otros">Otros</a>' in xh and
          "actualOtros" not in xh,
          "post miss table cell: the EPUB keeps the list and the link", xh[-1500:])
    books.append(book)

if books and os.path.exists(EPUBCHECK_JAR):
    epubcheck(books)

done("md_input_defects")
