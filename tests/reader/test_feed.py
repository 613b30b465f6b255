#!/usr/bin/env python3
"""The feed reader (issue 10): RSS 2.0, RSS 1.0, Atom 1.0 and broken feeds.

Per fixture of fixtures/feeds: --to json gives the expected documents
(title, link, date, author, category, cover, body); --to md -O DIR writes
one numbered file per item; --to epub -o makes a book epubcheck passes.
Over every real feed of $NC_SHARED/feeds: exit 0, as many documents as
the feed has items, no empty body where the item had content, books that
pass epubcheck and a WARC that check_warc.py accepts."""
import glob, html, json, os, re, subprocess, sys, tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, SHARED, check, done, epubcheck  # noqa: E402

FX = os.path.join(SRC, "fixtures", "feeds")
tmp = tempfile.mkdtemp()
BROKEN = "feed is not well-formed XML; read with recovery"


def run(*args, **kw):
    return subprocess.run([NC, *args], capture_output=True, timeout=300, **kw)


def docs_of(path, *extra):
    r = run("--to", "json", "-o", "-", *extra, path)
    check(r.returncode == 0, f"json {os.path.basename(path)}", r)
    if r.returncode or not r.stdout.strip():
        return [], r
    d = json.loads(r.stdout)
    return (d if isinstance(d, list) else [d]), r


def walk(n):
    yield n
    for c in n.get("children") or []:
        yield from walk(c)


def body_text(doc):
    return " ".join(n.get("text", "") for n in walk(doc["body"]) if n.get("text"))


def urls(doc, kind):
    return [n.get("url") for n in walk(doc["body"]) if n.get("type") == kind]


def expect(doc, what, **want):
    m = doc["meta"]
    for k, v in want.items():
        if k == "body":
            got = body_text(doc)
            ok = all(s in got for s in (v if isinstance(v, list) else [v]))
        elif k == "extra":
            got = m["extra"]
            ok = all(got.get(a) == b for a, b in v.items())
        else:
            got = m[k]
            ok = got == v
        check(ok, f"{what}: {k} is {got!r}, expected {v!r}")


# ---- fixtures -------------------------------------------------------------

d, _ = docs_of(os.path.join(FX, "rss2.xml"))
check(len(d) == 3, f"rss2.xml: {len(d)} documents, expected 3")
if len(d) == 3:
    expect(d[0], "rss2 #1", title="Vinyl Unboxed \u2013 \u2018Silk & Soul\u2019",
           source_url="https://news.example.com/vinyl-unboxed/", date="2024-03-25T16:51:57Z",
           authors=["Patrick Phillips"], categories=[["Entertainment"], ["Music"]],
           cover="https://cdn.example.com/cover-101.jpeg", language="en-US",
           description="Short summary of the unboxing.",
           body=["gatefold", "Side A\u00a0opens"],
           extra={"feed_title": "Geek Fixture \u2013 News", "feed_link": "https://news.example.com"})
    check(urls(d[0], "image") == ["https://news.example.com/wp-content/uploads/sleeve.jpg"],
          f"rss2 #1: relative image resolved against the item link: {urls(d[0], 'image')}")
    check(d[0]["source"].endswith("rss2.xml#1"), f"rss2 #1: source {d[0]['source']}")
    expect(d[1], "rss2 #2", title="Streaming gear you need", authors=["Felicia P."],
           categories=[["Gadgets"]], cover="https://cdn.example.com/clip-thumb.jpg",
           body="A microphone & a camera")
    check(any(n.get("type") == "emph" for n in walk(d[1]["body"])), "rss2 #2: escaped HTML read as HTML")
    t = d[2]["meta"]["title"]
    check(t.startswith("A post with no title at all") and t.endswith("\u2026") and len(t) < 70,
          f"rss2 #3: title from the body: {t!r}")
    expect(d[2], "rss2 #3", source_url="https://news.example.com/2024/03/26#a1",
           date="2024-03-26T08:00:00Z", cover=None)
    check(urls(d[2], "embed") == ["https://cdn.example.com/episode.m4a"],
          f"rss2 #3: audio enclosure kept as an embed: {urls(d[2], 'embed')}")
    check(all(not x["warnings"] for x in d), "rss2: no warnings")

d, _ = docs_of(os.path.join(FX, "rss1.rdf"))
check(len(d) == 2, f"rss1.rdf: {len(d)} documents, expected 2")
if len(d) == 2:
    expect(d[0], "rss1 #1", title="Erster Artikel", source_url="https://rdf.example.org/a/eins",
           date="2021-02-06T22:01:00Z", authors=["Anna Schmidt"], categories=[["Politik"]],
           language="de", description="Kurz: die Woche.", body=["Woche", "\u00dcberblick"],
           extra={"feed_title": "RDF Fixture Weekly"})
    check(urls(d[0], "link") == ["https://rdf.example.org/a/mehr"], f"rss1 #1 links {urls(d[0], 'link')}")
    expect(d[1], "rss1 #2", title="Zweiter Artikel", date="2021-02-07T00:00:00Z",
           authors=["Ben Weber"], body="Nur eine Beschreibung, ohne Inhalt.")

d, _ = docs_of(os.path.join(FX, "atom.xml"))
check(len(d) == 3, f"atom.xml: {len(d)} documents, expected 3")
if len(d) == 3:
    expect(d[0], "atom #1", title="Hello World",
           source_url="https://blog.example.net/post/4a17b156.html",
           date="2025-02-10T07:42:50Z", updated="2025-02-11T08:00:00Z", authors=["\u5927\u7231\u9ece\u5c0a"],
           categories=[["Hexo"], ["start"]], language="zh-CN", cover=None,
           description="Welcome to Hexo!", body=["Welcome to", "hexo new"],
           extra={"feed_title": "\u5927\u7231\u306e Blog", "feed_link": "https://blog.example.net/"})
    check(urls(d[0], "image") == ["https://blog.example.net/images/hello.png"],
          f"atom #1: image against xml:base: {urls(d[0], 'image')}")
    expect(d[1], "atom #2", title="Plain & simple", authors=["Guest Writer"],
           cover="https://img.example.net/plain.png", date="2025-02-12T09:30:00Z",
           body=["First line of text <not a tag>.", "Second paragraph."])
    paras = [n for n in walk(d[1]["body"]) if n.get("type") == "paragraph"]
    check(len(paras) == 2, f"atom #2: text content gives 2 paragraphs, got {len(paras)}")
    expect(d[2], "atom #3", language="en", cover="https://img.example.net/thumb.jpg",
           body="Just the summary here.")

d, _ = docs_of(os.path.join(FX, "atom-xhtml.xml"))
check(len(d) == 1, f"atom-xhtml.xml: {len(d)} documents, expected 1")
if d:
    expect(d[0], "atom-xhtml", title="An XHTML title", source_url="https://x.example.com/2003/12/robots",
           date="2003-12-13T12:29:29Z", authors=["Mark"], categories=[["robots"]],
           body=["Atom-powered", "robots", "run amok.", "one", "two"])
    check(urls(d[0], "image") == ["https://x.example.com/media/robot.png"],
          f"atom-xhtml: image against the content's xml:base: {urls(d[0], 'image')}")
    check(urls(d[0], "link") == ["https://x.example.com/about"], f"atom-xhtml: links {urls(d[0], 'link')}")
    check(any(n.get("type") == "list" for n in walk(d[0]["body"])), "atom-xhtml: the list survives")

d, r = docs_of(os.path.join(FX, "broken.xml"))
check(len(d) == 2, f"broken.xml: {len(d)} documents, expected 2")
if len(d) == 2:
    expect(d[0], "broken #1", title="Caf\u00e9 & more\u00a0news",
           source_url="https://broken.example.com/item?id=1&lang=en",
           body="Fish & chips \u2014 the \u2026 story. Q&A inside.",
           extra={"feed_link": "https://broken.example.com/?a=1&b=2"})
    expect(d[1], "broken #2", title="Second", date="2022-10-08T10:15:00Z", body="Already")
    for x in d:
        n = sum(BROKEN in w for w in x["warnings"])
        check(n == 1, f"broken: {x['source']} has {n} not-well-formed warnings, expected 1")
    check(r.stderr.decode().count(BROKEN) == 2, "broken: the warning is printed once per document")

# Detection: feeds are feeds, articles stay articles.
for fx in sorted(glob.glob(os.path.join(SRC, "fixtures", "*.txt"))):
    d, _ = docs_of(fx)
    check(len(d) == 1 and "#" not in d[0]["source"], f"{os.path.basename(fx)} still read as one article")
r = run("--from", "feed", "--to", "json", "-o", "-", os.path.join(SRC, "fixtures", "example.txt"))
check(r.returncode != 0, "--from feed refuses an article", r)
r = run("--from", "nope", "--to", "json", "-o", "-", os.path.join(FX, "rss2.xml"))
check(b"feed" in r.stderr and b"nope" in r.stderr, "--from's message lists feed", r)
with open(os.path.join(FX, "atom.xml"), "rb") as f:
    r = run("--to", "json", "-o", "-", "-", stdin=f)
check(r.returncode == 0 and r.stdout.count(b'"source":"-#') == 3, "a feed on stdin", r)
r = run("--to", "json", "-o", "-", FX)
# 11 documents of the reader's fixtures, 10 of digest-a/b.xml (tests/epub/test_digest.py)
check(r.returncode == 0 and r.stdout.count(b'"source":') == 21, "a directory of feeds gives 21 documents", r)

# Limits and hostile feeds: no items is not an error; past NC_MAX_FEED_ITEMS
# is a clear one; a feed's own entities are never expanded into a bomb.
def feed_file(name, text):
    p = os.path.join(tmp, name)
    with open(p, "w", encoding="utf-8") as f:
        f.write(text)
    return p


r = run("--to", "json", "-o", "-", feed_file("empty.xml", '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>'))
check(r.returncode == 0 and b"no items" in r.stderr and not r.stdout, "an empty feed: exit 0, nothing written", r)
r = run("-q", "--to", "json", "-o", os.path.join(tmp, "over.json"),
        feed_file("over.xml", "<rss><channel>" + "<item><title>x</title></item>" * 100001 + "</channel></rss>"))
check(r.returncode != 0 and b"more than 100000 items" in r.stderr, "more than 100,000 items is refused", r)
bomb = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
for k in range(1, 10):
    bomb += f'<!ENTITY a{k} "' + ("&a" + (str(k - 1) if k > 1 else "") + ";") * 10 + '">'
bomb += "]><rss><channel><item><title>&a9;</title><description>&a9;</description></item></channel></rss>"
r = run("--to", "json", "-o", "-", feed_file("bomb.xml", bomb))
check(r.returncode == 0 and len(r.stdout) < 100000, f"entity bomb: {len(r.stdout)} bytes out", r)

# Markdown: one file per item, named from its date and title (CJK kept);
# an item without a title by its date; two alike get -2.
out = os.path.join(tmp, "md")
os.makedirs(out)
r = run("--to", "md", "-O", out, os.path.join(FX, "rss2.xml"), os.path.join(FX, "atom-xhtml.xml"))
check(r.returncode == 0, "md -O", r)
got = sorted(os.listdir(out))
check(got == ["2024-03-25-streaming-gear-you-need.md", "2024-03-25-vinyl-unboxed-silk-soul.md",
              "2024-03-26.md", "atom-xhtml.md"], f"md files: {got}")
if "2024-03-25-streaming-gear-you-need.md" in got:
    text = open(os.path.join(out, "2024-03-25-streaming-gear-you-need.md"), encoding="utf-8").read()
    check('title: "Streaming gear you need"' in text and "microphone & a camera" in text,
          "the file named after the second item holds it")
same = feed_file("same.xml", """<rss version="2.0"><channel><title>t</title>
<item><title>東京の天気 — Today!</title><pubDate>Mon, 25 Mar 2024 16:51:57 +0000</pubDate><description>a</description></item>
<item><title>東京の天気 — Today!</title><pubDate>Mon, 25 Mar 2024 18:00:00 +0000</pubDate><description>b</description></item>
<item><description>no title, no date</description></item>
<item><description>no title, no date either</description></item>
</channel></rss>""")
out2 = os.path.join(tmp, "md-same")
r = run("--to", "md", "-O", out2, same)
got = sorted(os.listdir(out2)) if os.path.isdir(out2) else []
check(r.returncode == 0 and got == ["2024-03-25-東京の天気-today-2.md", "2024-03-25-東京の天気-today.md",
                                    "same-003.md", "same-004.md"], f"alike items: {got}", r)


# ---- epubcheck, one JVM for every book ---------------------------------------

books = []
book = os.path.join(tmp, "fixtures.epub")
r = run("-q", "--to", "epub", "-o", book, *sorted(glob.glob(os.path.join(FX, "*"))))
check(r.returncode == 0 and os.path.exists(book), "one book of every fixture feed", r)
books.append(book)
for fx in sorted(glob.glob(os.path.join(FX, "*"))):
    b = os.path.join(tmp, os.path.basename(fx) + ".epub")
    r = run("-q", "--to", "epub", "-o", b, fx)
    check(r.returncode == 0, f"epub {os.path.basename(fx)}", r)
    books.append(b)


# ---- the real feeds ------------------------------------------------------------

class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.img = [], False

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        self.img |= tag in ("img", "iframe", "video", "audio")


def has_content(raw):
    """Does an item's content/description (XML text) hold visible text or media?"""
    if raw is None:
        return False
    m = re.fullmatch(r"\s*<!\[CDATA\[(.*)\]\]>\s*", raw, re.S)
    s = m.group(1) if m else html.unescape(re.sub(r"<!\[CDATA\[(.*?)\]\]>", r"\1", raw, flags=re.S))
    p = Text()
    p.feed(s)
    p.close()
    return bool("".join(p.parts).strip()) or p.img


CONTENT = re.compile(r"<(content:encoded|content|description|summary)(\s[^>]*)?(?<!/)>(.*?)</\1>", re.S)


def items_of(data):
    """(count by a python XML parser or else a regex, raw item texts)."""
    text = data.decode("utf-8", "replace")
    raw = re.findall(r"<(item|entry)[\s>].*?</\1>", text, re.S)
    try:
        root = ET.fromstring(data)
        n = sum(1 for e in root.iter() if e.tag.split("}")[-1] in ("item", "entry"))
    except ET.ParseError:
        n = len(raw)
    return n, raw


feeds = sorted(glob.glob(os.path.join(SHARED, "feeds", "*.xml"))) if SHARED else []
if not feeds:
    print("no shared feeds: real-feed checks skipped")
total_items = total_warn = total_broken = 0
warc = os.path.join(tmp, "all.warc.gz")
for path in feeds:
    name = os.path.basename(path)
    data = open(path, "rb").read()
    n, raw = items_of(data)
    d, r = docs_of(path)
    check(r.returncode == 0, f"{name}: exit {r.returncode}", r)
    check(len(d) == n, f"{name}: {len(d)} documents, the feed has {n} items")
    total_items += len(d)
    total_warn += sum(len(x["warnings"]) for x in d)
    total_broken += sum(any(BROKEN in w for w in x["warnings"]) for x in d)
    for x in d:
        check(sum(BROKEN in w for w in x["warnings"]) <= 1, f"{x['source']}: one not-well-formed warning at most")
        check(x["meta"]["title"].strip() != "", f"{x['source']}: a title")
    if len(raw) == len(d):
        for i, (item, x) in enumerate(zip(raw, d)):
            contents = [m.group(3) for m in CONTENT.finditer(item)]
            if any(has_content(c) for c in contents):
                check(x["body"].get("children"), f"{name} item {i + 1}: empty body, the item has content")
    if d:
        b = os.path.join(tmp, name + ".epub")
        r = run("-q", "--to", "epub", "-o", b, path)
        check(r.returncode == 0, f"{name}: epub", r)
        books.append(b)
if feeds:
    r = run("-q", "--to", "warc", "-o", warc, *feeds)
    check(r.returncode == 0, "one WARC of every real feed", r)
    chk = os.path.join(SHARED, "tools", "check_warc.py")
    if os.path.exists(chk) and r.returncode == 0:
        c = subprocess.run([sys.executable, chk, warc], capture_output=True, text=True)
        check(c.returncode == 0, "check_warc.py accepts the feeds' WARC: " + c.stdout[-600:])
    print(f"real feeds: {len(feeds)} files, {total_items} items, {total_warn} warnings "
          f"({total_broken} documents from feeds read with recovery)")

epubcheck(books)
done("feed")
