#!/usr/bin/env python3
"""Feed-reader conformance classes of issue 19 (the list under "A
third-party feed-reader test suite ... passes 75%"), one check group per
class, each on a small feed written here.  The class is named in every
check text.  Localised RFC 822 dates are in tests/unit/test_date.c; the
check here is that a feed item gets one."""
import json, os, subprocess, sys, tempfile, zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, check, done  # noqa: E402

tmp = tempfile.mkdtemp()


def write(name, text, encoding="utf-8"):
    p = os.path.join(tmp, name)
    with open(p, "wb") as f:
        f.write(text.encode(encoding) if isinstance(text, str) else text)
    return p


def run(*args, timeout=120):
    return subprocess.run([NC, *args], capture_output=True, timeout=timeout)


def docs(path, *extra, what=""):
    r = run("--to", "json", "-o", "-", *extra, path)
    check(r.returncode == 0, f"{what or os.path.basename(path)}: json exit 0", r)
    if r.returncode or not r.stdout.strip():
        return []
    d = json.loads(r.stdout)
    return d if isinstance(d, list) else [d]


def walk(n):
    yield n
    for c in n.get("children") or []:
        yield from walk(c)


def text(doc):
    return " ".join(n.get("text", "") for n in walk(doc["body"]) if n.get("text"))


def urls(doc, kind):
    return [n.get("url") for n in walk(doc["body"]) if n.get("type") == kind]


def by_title(ds):
    return {d["meta"]["title"]: d for d in ds}


RSS = ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" {ns}><channel><title>T</title>'
       '<link>https://ex.org/</link>\n{items}\n</channel></rss>\n')
ATOM = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" {ns}>'
        '<title>T</title>\n{items}\n</feed>\n')


def item(title, body="", extra=""):
    return f"<item><title>{title}</title>{extra}<description>{body}</description></item>"


# ---- one bad item never empties the book ---------------------------------
BAD = ["&lt;td&gt;&lt;/td&gt;", "&lt;tr&gt;", "&lt;caption&gt;&lt;/caption&gt;", "&lt;col&gt;",
       "&lt;thead&gt;&lt;/thead&gt;", "&lt;tbody&gt;", "&lt;colgroup&gt;", "&lt;th&gt;&lt;/th&gt;",
       "&lt;!' &lt;a href=\"foo\"&gt;"]
items = [item("Good one", "&lt;p&gt;First good text&lt;/p&gt;")]
items += [item(f"Bad {i}", b) for i, b in enumerate(BAD)]
items += [item("Good two", "&lt;p&gt;Second good text&lt;/p&gt;")]
p = write("bad_items.xml", RSS.format(ns="", items="\n".join(items)))
ds = docs(p, what="bad item: json")
titles = [d["meta"]["title"] for d in ds]
check(len(ds) == len(items), "bad item: every item of the feed is converted (none fails the feed)", titles)
check("First good text" in " ".join(text(d) for d in ds) and "Second good text" in " ".join(text(d) for d in ds),
      "bad item: the good items' text is in the book")
for fmt, out in (("epub", "bad.epub"), ("md", "bad_md")):
    o = os.path.join(tmp, out)
    r = run("--to", fmt, "-o" if fmt == "epub" else "-O", o, p)
    check(r.returncode == 0 and b"cannot be parsed" not in r.stderr, f"bad item: --to {fmt} exit 0, no parse failure", r)
check(os.path.exists(os.path.join(tmp, "bad.epub")), "bad item: the EPUB is written")
check(len(os.listdir(os.path.join(tmp, "bad_md"))) == len(items) if os.path.isdir(os.path.join(tmp, "bad_md")) else False,
      "bad item: one Markdown file per item")

# ---- script text in chapter titles removed -------------------------------
p = write("title_script.xml", RSS.format(ns="", items="\n".join([
    item("Before &lt;script&gt;alert('x')&lt;/script&gt; after", "b"),
    item("vector&lt;int&gt; stays", "b"),
])))
ds = docs(p, what="title script")
t = [d["meta"]["title"] for d in ds]
check(t[:1] == ["Before after"], "title script: RSS title loses <script> and its text", t)
check(t[1:2] == ["vector<int> stays"], "title script: a title with a lone '<' stays as written (input row 14)", t)
p = write("title_script_atom.xml", ATOM.format(ns="", items=(
    '<entry><id>1</id><title type="html">Atom &lt;script&gt;evil()&lt;/script&gt;title</title>'
    '<content>x</content></entry>')))
ds = docs(p, what="title script atom")
check([d["meta"]["title"] for d in ds] == ["Atom title"], "title script: Atom html title loses <script> text",
      [d["meta"]["title"] for d in ds])

# ---- RSS <xhtml:body>, <body>, <fullitem> read as the body -----------------
p = write("bodies.xml", RSS.format(ns='xmlns:xhtml="http://www.w3.org/1999/xhtml"', items="\n".join([
    '<item><title>X1</title><xhtml:body><xhtml:p>Text of <xhtml:b>xhtml body</xhtml:b></xhtml:p></xhtml:body></item>',
    '<item><title>X2</title><body xmlns="http://www.w3.org/1999/xhtml"><p>Text of plain body</p></body></item>',
    '<item><title>X3</title><fullitem>&lt;p&gt;Text of fullitem&lt;/p&gt;</fullitem></item>',
])))
ds = by_title(docs(p, what="bodies"))
for k, want in (("X1", "Text of xhtml body"), ("X2", "Text of plain body"), ("X3", "Text of fullitem")):
    got = " ".join(text(ds[k]).split()) if k in ds else ""
    check(want in got, f"xhtml:body/body/fullitem: {k} body read", got)
check(k in ds and any(n.get("type") == "strong" for n in walk(ds["X1"]["body"])),
      "xhtml:body/body/fullitem: markup inside xhtml:body kept")

# ---- base64 content decoded ----------------------------------------------
import base64  # noqa: E402
b64 = base64.b64encode("<p>Decoded <b>base64</b> body</p>".encode()).decode()
p = write("base64.xml", ATOM.format(ns="", items=(
    f'<entry><id>1</id><title>B1</title><content type="application/octet-stream">{b64}</content></entry>'
    f'<entry><id>2</id><title>B2</title><content type="text/html" mode="base64">{b64[:20]}\n{b64[20:]}</content></entry>')))
ds = by_title(docs(p, what="base64"))
for k in ("B1", "B2"):
    got = text(ds[k]) if k in ds else ""
    check("Decoded" in got and "base64" in got and b64[:10] not in got, f"base64: {k} decoded, not shown raw", got)
p = write("base64_03.xml", '<?xml version="1.0"?>\n<feed version="0.3" xmlns="http://purl.org/atom/ns#">'
          '<title>Old</title>'
          f'<entry><title>B3</title><id>3</id><content type="text/html" mode="base64">{b64}</content></entry></feed>')
ds = docs(p, what="base64 atom 0.3")
check(ds and "Decoded" in text(ds[0]), "base64: Atom 0.3 mode=\"base64\" decoded", ds and text(ds[0]))

# ---- undeclared legacy charsets detected -----------------------------------
RU = "Привет, мир! Съешь же ещё этих мягких французских булок, да выпей чаю. Новости дня"
for enc in ("koi8-r", "cp1251"):
    x = ('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Лента</title>'
         f'<item><title>Заголовок новости</title><description>{RU}</description></item></channel></rss>\n')
    p = write(f"cyr_{enc}.xml", x, enc)
    ds = docs(p, what=f"charset {enc}")
    check(ds and ds[0]["meta"]["title"] == "Заголовок новости" and RU in text(ds[0]),
          f"charset: undeclared {enc} read as Cyrillic, not Latin-1", ds and ds[0]["meta"]["title"])
WEST = "Ça a été très français, déjà vu; où est la fenêtre? Müller über Größe"
p = write("west_cp1252.xml", '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>F</title>'
          f'<item><title>Été</title><description>{WEST}</description></item></channel></rss>\n', "cp1252")
ds = docs(p, what="charset cp1252")
check(ds and WEST in text(ds[0]), "charset: undeclared Western bytes still read as Latin-1/cp1252",
      ds and text(ds[0]))

# A declared legacy encoding with a byte it cannot have: that byte is
# U+FFFD and the rest of the feed is read (libxml2 alone stopped there:
# the second item lost its body, every later item was lost).
sj = ('<?xml version="1.0" encoding="Shift_JIS"?>\n<rss version="2.0"><channel><title>T</title>\n'
      '<item><title>One \u3042</title><description>first</description></item>\n').encode("shift_jis")
sj += (b'<item><title>Two \xff\xfe\x85</title><description>second</description></item>\n'
       b'<item><title>Three</title><description>third</description></item>\n</channel></rss>\n')
p = write("sjis_bad_byte.xml", sj)
r = run("--to", "json", "-o", "-", p)
ds = json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip() else []
check(len(ds) == 3 and ds[0]["meta"]["title"] == "One \u3042" and "second" in text(ds[1]) and
      "third" in text(ds[2]),
      "charset: a bad byte in a declared Shift_JIS feed is U+FFFD, the items after it are kept",
      [(d["meta"]["title"], text(d)) for d in ds])
err = r.stderr.decode()
check("Shift_JIS" in err and p in err and "encoding error" not in err,
      "charset: the warning names the file and the encoding; libxml2 prints nothing of its own", err)

# ---- an unclosed <object> does not swallow the rest -------------------------
p = write("object.xml", RSS.format(ns="", items=item(
    "O", "&lt;p&gt;Before&lt;/p&gt;&lt;object data=\"movie.swf\"&gt;&lt;param name=\"a\" value=\"b\"&gt;"
         "&lt;p&gt;After the object&lt;/p&gt;&lt;p&gt;Last paragraph&lt;/p&gt;")))
ds = docs(p, what="object")
got = text(ds[0]) if ds else ""
check("Before" in got and "After the object" in got and "Last paragraph" in got,
      "object: the text after an unclosed <object> is kept", got)

# ---- non-ASCII relative links resolved ------------------------------------
p = write("iri.xml", RSS.format(ns="", items=(
    '<item><title>L</title><link>https://ex.org/dir/page.html</link>'
    '<description>&lt;a href="café.html"&gt;café&lt;/a&gt; &lt;img src="bilder/grüße.png" alt="x"&gt;</description></item>')))
ds = docs(p, what="iri")
check(ds and urls(ds[0], "link") == ["https://ex.org/dir/caf%C3%A9.html"],
      "non-ASCII link: href=\"café.html\" resolved and percent-encoded", ds and urls(ds[0], "link"))
check(ds and urls(ds[0], "image") == ["https://ex.org/dir/bilder/gr%C3%BC%C3%9Fe.png"],
      "non-ASCII link: image src resolved too", ds and urls(ds[0], "image"))

# ---- MathML kept with its text -------------------------------------------
p = write("mathml.xml", RSS.format(ns="", items=item(
    "M", "&lt;p&gt;Sum: &lt;math xmlns=\"http://www.w3.org/1998/Math/MathML\"&gt;&lt;mi&gt;x&lt;/mi&gt;"
         "&lt;mo&gt;+&lt;/mo&gt;&lt;mn&gt;1&lt;/mn&gt;&lt;/math&gt; done&lt;/p&gt;")))
ds = docs(p, what="mathml")
got = "".join(text(ds[0]).split()) if ds else ""
check("x+1" in got and "done" in got, "MathML: the formula's text kept", got)

# ---- every enclosure kept ------------------------------------------------
p = write("enclosures.xml", RSS.format(ns="", items=(
    '<item><title>E</title><description>d</description>'
    '<enclosure url="https://ex.org/a.mp3" type="audio/mpeg" length="1"/>'
    '<enclosure url="https://ex.org/b.ogg" type="audio/ogg" length="1"/>'
    '<enclosure url="https://ex.org/c.pdf" type="application/pdf" length="1"/>'
    '<enclosure url="https://ex.org/1.jpg" type="image/jpeg" length="1"/>'
    '<enclosure url="https://ex.org/2.jpg" type="image/jpeg" length="1"/></item>')))
ds = docs(p, what="enclosures")
seen = set(urls(ds[0], "link") + urls(ds[0], "embed") + urls(ds[0], "image")) if ds else set()
check({"https://ex.org/a.mp3", "https://ex.org/b.ogg", "https://ex.org/c.pdf"} <= seen,
      "enclosures: every enclosure kept, not only the first", sorted(seen))
check(ds and ds[0]["meta"].get("cover") == "https://ex.org/1.jpg" and "https://ex.org/2.jpg" in seen,
      "enclosures: the first image is the cover, a second image enclosure is shown", sorted(seen))
p = write("enclosures_atom.xml", ATOM.format(ns="", items=(
    '<entry><id>1</id><title>E</title><content>d</content>'
    '<link rel="enclosure" href="https://ex.org/a.mp3" type="audio/mpeg"/>'
    '<link rel="enclosure" href="https://ex.org/b.mp3" type="audio/mpeg"/>'
    '<link rel="enclosure" href="https://ex.org/c.png" type="image/png"/>'
    '<link rel="enclosure" href="https://ex.org/d.png" type="image/png"/></entry>')))
ds = docs(p, what="enclosures atom")
seen = set(urls(ds[0], "link") + urls(ds[0], "embed") + urls(ds[0], "image")) if ds else set()
check({"https://ex.org/a.mp3", "https://ex.org/b.mp3", "https://ex.org/d.png"} <= seen,
      "enclosures: every Atom enclosure link kept", sorted(seen))

# ---- iTunes, Media RSS and Dublin Core item fields ------------------------
NS = ('xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
      'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/"')
p = write("fields.xml", RSS.format(ns=NS, items="\n".join([
    '<item><dc:title>DC title</dc:title><dc:description>DC description text</dc:description>'
    '<dcterms:issued>2024-03-01T10:00:00Z</dcterms:issued><itunes:author>Pod Author</itunes:author>'
    '<itunes:image href="https://ex.org/episode.jpg"/></item>',
    '<item><media:title>Media title</media:title><description>d</description>'
    '<dcterms:created>2024-03-02T10:00:00Z</dcterms:created></item>',
    '<item><media:group><media:title>Group title</media:title></media:group><description>d</description></item>',
])))
ds = by_title(docs(p, what="fields"))
m = ds.get("DC title", {}).get("meta", {})
check("DC title" in ds, "item fields: dc:title is the title", list(ds))
check(m.get("date") == "2024-03-01T10:00:00Z", "item fields: dcterms:issued is the date", m.get("date"))
check(m.get("authors") == ["Pod Author"], "item fields: itunes:author is the author", m.get("authors"))
check(m.get("cover") == "https://ex.org/episode.jpg", "item fields: itunes:image is the cover", m.get("cover"))
check("DC title" in ds and "DC description text" in text(ds["DC title"]),
      "item fields: dc:description is read as the description/body")
check("Media title" in ds and ds["Media title"]["meta"].get("date") == "2024-03-02T10:00:00Z",
      "item fields: media:title is the title, dcterms:created the date", list(ds))
check("Group title" in ds, "item fields: media:title inside media:group is the title", list(ds))

# ---- author e-mail forms ---------------------------------------------------
p = write("authors.xml", RSS.format(ns="", items="\n".join([
    item("A1", "d", "<author>jane@ex.org (Jane Doe)</author>"),
    item("A2", "d", "<author>Jane Doe (jane@ex.org)</author>"),
    item("A3", "d", "<author>Jane Doe &lt;jane@ex.org&gt;</author>"),
    item("A4", "d", "<author>Plain Name</author>"),
    item("A5", "d", "<author>Name (with a remark)</author>"),
    item("A6", "d", "<author>Jane Doe (jane@ex.org) (editor)</author>"),
])))
ds = by_title(docs(p, what="authors"))
for k in ("A1", "A2", "A3"):
    meta = ds.get(k, {}).get("meta", {})
    check(meta.get("authors") == ["Jane Doe"], f"author e-mail: {k} gives the name alone", meta.get("authors"))
    check(meta.get("extra", {}).get("author_email") == "jane@ex.org", f"author e-mail: {k} keeps the address apart",
          meta.get("extra"))
check(ds.get("A4", {}).get("meta", {}).get("authors") == ["Plain Name"], "author e-mail: a plain name stays")
check(ds.get("A5", {}).get("meta", {}).get("authors") == ["Name (with a remark)"],
      "author e-mail: parentheses without an address stay")
check(ds.get("A6", {}).get("meta", {}).get("authors") == ["Jane Doe (editor)"],
      "author e-mail: the address alone is taken out of a name with a remark",
      ds.get("A6", {}).get("meta", {}).get("authors"))

# ---- HTML inside a TypePad-style <div> ------------------------------------
p = write("typepad.xml", ATOM.format(ns="", items=(
    '<entry><id>1</id><title>TP1</title><content type="xhtml"><div>&lt;p&gt;Typepad &lt;b&gt;bold&lt;/b&gt;&lt;/p&gt;</div></content></entry>'
    '<entry><id>2</id><title>TP2</title><content type="html"><div>&lt;p&gt;Second &lt;i&gt;one&lt;/i&gt;&lt;/p&gt;</div></content></entry>'
    '<entry><id>3</id><title>TP3</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">a &lt;b&gt; c</div></content></entry>')))
ds = by_title(docs(p, what="typepad"))
for k, word in (("TP1", "bold"), ("TP2", "one")):
    got = text(ds[k]) if k in ds else ""
    check("<" not in got and word in got, f"TypePad div: {k} HTML read as HTML, not literal tags", got)
got = text(ds["TP3"]) if "TP3" in ds else ""
check("<b>" in got, "TypePad div: a real XHTML div keeps its escaped text as text", got)

# ---- an empty document warns ---------------------------------------------
p = write("empty_doc.xml", '<?xml version="1.0" encoding="utf-8"?>\n')
r = run("--to", "json", "-o", os.path.join(tmp, "empty.json"), p)
check(r.returncode == 0 and b"nothing" in r.stderr and not os.path.exists(os.path.join(tmp, "empty.json")),
      "empty document: a warning, no empty chapter", r)
p = write("empty_item.xml", RSS.format(ns="", items="<item></item>"))
r = run("--to", "json", "-o", "-", p)
check(r.returncode == 0 and b"item 1 is empty" in r.stderr, "empty document: an empty item is warned about", r)

# ---- the Userland-namespaced <r:rss> is a feed -----------------------------
p = write("userland.xml", '<?xml version="1.0"?>\n<r:rss version="2.0" xmlns:r="http://backend.userland.com/rss2">'
          '<r:channel><r:title>U</r:title><r:link>https://ex.org/</r:link>'
          '<r:item><r:title>Userland one</r:title><r:description>Body one</r:description></r:item>'
          '<r:item><r:title>Userland two</r:title><r:description>Body two</r:description></r:item>'
          '</r:channel></r:rss>')
ds = docs(p, what="r:rss")
check([d["meta"]["title"] for d in ds] == ["Userland one", "Userland two"], "r:rss: read as a feed, both items",
      [d["meta"]["title"] for d in ds])

# ---- Atom 0.3 ---------------------------------------------------------------
p = write("atom03.xml", '<?xml version="1.0" encoding="utf-8"?>\n<feed version="0.3" xmlns="http://purl.org/atom/ns#">'
          '<title>Old</title><link rel="alternate" type="text/html" href="https://ex.org/"/>'
          '<entry><title>E1</title><link rel="alternate" type="text/html" href="https://ex.org/1"/><id>tag:1</id>'
          '<issued>2003-12-13T08:29:29-04:00</issued><modified>2003-12-13T18:30:02Z</modified>'
          '<content type="text/html" mode="escaped">&lt;p&gt;Escaped &lt;b&gt;html&lt;/b&gt;&lt;/p&gt;</content></entry>'
          '<entry><title>E2</title><id>tag:2</id><created>2003-12-14T08:00:00Z</created>'
          '<content type="application/xhtml+xml" mode="xml"><div xmlns="http://www.w3.org/1999/xhtml"><p>XML <i>mode</i></p></div></content></entry>'
          '</feed>')
ds = by_title(docs(p, what="atom 0.3"))
m = ds.get("E1", {}).get("meta", {})
check(m.get("date") == "2003-12-13T12:29:29Z", "Atom 0.3: issued is the date", m.get("date"))
check(m.get("updated") == "2003-12-13T18:30:02Z", "Atom 0.3: modified is the update", m.get("updated"))
check("E1" in ds and "Escaped html" in " ".join(text(ds["E1"]).split()), "Atom 0.3: mode=\"escaped\" content read")
check(ds.get("E2", {}).get("meta", {}).get("date") == "2003-12-14T08:00:00Z", "Atom 0.3: created is the date")
check("E2" in ds and "mode" in text(ds["E2"]), "Atom 0.3: mode=\"xml\" content read")

# ---- localised RFC 822 dates reach the item ---------------------------------
p = write("date_pt.xml", RSS.format(ns="", items=item("D", "d", "<pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate>")))
ds = docs(p, what="localised date")
check(ds and ds[0]["meta"]["date"] == "2018-09-24T22:42:40Z", "localised date: a Portuguese pubDate is read",
      ds and ds[0]["meta"].get("date"))

done("feed_conformance")
