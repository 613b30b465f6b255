#!/usr/bin/env python3
"""Digest books read in a real reader (issue 22 "Digests"): a digest of
four feeds whose oldest items are Japanese (so the first chapter is),
then three English and Dutch feeds, the English items the most.
- the book's language is the chapters' most frequent (by primary
  subtag: en and en-GB count together), not the first chapter's; its
  title, title page and navigation labels are in it; --lang overrides;
- dc:creator is the list of the sources' names in input order, never
  item authors or their e-mail addresses; --author overrides;
- the title page says the date range once (the title already does);
- the placeholder of an image not in the book is in the chapter's
  language ("画像" in a Japanese chapter), else marked lang="en";
- epubcheck 0 errors / 0 warnings and Ace 0 violations on the book.
The feeds are written here (no shared material needed)."""
import os, re, subprocess, sys, tempfile, zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, ace, check, done, epubcheck  # noqa: E402

tmp = tempfile.mkdtemp()
EPOCH = "1709856000"  # 2024-03-08T00:00:00Z: "now" for --since 7d
SOURCES = ["東京ニュース", "Harbour Times", "Valley Weekly", "Utrechts Nieuws"]


def rss(title, lang, items):
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link>{author}<pubDate>{date}</pubDate>"
        f"<description>{html}</description></item>\n" for t, link, author, date, html in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://{lang}.example.org/</link><language>{lang}</language>\n{body}</channel></rss>\n")


FEEDS = {
    "ja.xml": rss(SOURCES[0], "ja", [
        ("地震の訓練", "https://ja.example.org/1", "<author>tanaka@ja.example.org (田中)</author>",
         "Sat, 02 Mar 2024 09:00:00 GMT",
         "&lt;p&gt;今日は市内で地震の訓練が行われました。多くの市民が参加しました。&lt;/p&gt;"
         '&lt;p&gt;&lt;img src="http://images.invalid/quake.png" alt="訓練の様子"/&gt;&lt;/p&gt;'),
        ("桜の開花", "https://ja.example.org/2", "", "Sun, 03 Mar 2024 09:00:00 GMT",
         "&lt;p&gt;今年の桜は例年より早く咲きそうです。&lt;/p&gt;")]),
    "en.xml": rss(SOURCES[1], "en-GB", [
        ("Ferry timetable changes", "https://en.example.org/1",
         "<author>webmaster@en.example.org (Shawn Henry)</author>", "Mon, 04 Mar 2024 08:00:00 GMT",
         "&lt;p&gt;The ferry will leave ten minutes earlier from Monday, the harbour office said.&lt;/p&gt;"),
        ("New lighthouse keeper", "https://en.example.org/2", "", "Thu, 07 Mar 2024 08:00:00 GMT",
         "&lt;p&gt;The town has a new lighthouse keeper after forty years.&lt;/p&gt;")]),
    "en2.xml": """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Valley Weekly</title><id>urn:x:valley</id>
<updated>2024-03-07T00:00:00Z</updated>
<entry><title>Market hall reopens</title><id>urn:x:v1</id><link href="https://valley.example.org/1"/>
<updated>2024-03-05T12:00:00Z</updated><author><name>Anthony</name><email>anthony@valley.example.org</email></author>
<content type="html">&lt;p&gt;The market hall reopens on Saturday after the repairs to its roof.&lt;/p&gt;</content></entry>
<entry><title>School choir wins prize</title><id>urn:x:v2</id><link href="https://valley.example.org/2"/>
<updated>2024-03-06T12:00:00Z</updated>
<content type="html">&lt;p&gt;The school choir won first prize at the regional festival.&lt;/p&gt;</content></entry>
</feed>
""",
    "nl.xml": rss(SOURCES[3], "nl", [
        ("Nieuwe fietsenstalling", "https://nl.example.org/1",
         "<author>webmaster@fcutrecht.net (Redactie)</author>", "Tue, 05 Mar 2024 07:00:00 GMT",
         "&lt;p&gt;Bij het station is een nieuwe fietsenstalling geopend voor duizenden fietsen.&lt;/p&gt;"
         '&lt;p&gt;&lt;img src="http://images.invalid/fiets.png"/&gt;&lt;/p&gt;')]),
}
inputs = []
for name, text in FEEDS.items():
    inputs.append(os.path.join(tmp, name))
    with open(inputs[-1], "w") as f:
        f.write(text)


def book(name, *args):
    """The book's parts by name (OEBPS/ dropped), or {} when it failed."""
    out = os.path.join(tmp, name + ".epub")
    r = subprocess.run([NC, "-q", "--to", "epub", "-o", out, *args], capture_output=True, text=True,
                       timeout=300, env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH))
    check(r.returncode == 0 and os.path.exists(out), f"{name}: exit 0", r)
    if r.returncode:
        return out, {}
    z = zipfile.ZipFile(out)
    return out, {n[len("OEBPS/"):]: z.read(n).decode() for n in z.namelist() if n.startswith("OEBPS/")}


def dc(opf, field):
    m = re.search(rf"<dc:{field}[^>]*>(.*?)</dc:{field}>", opf)
    return m.group(1) if m else None


def body(xhtml):
    return xhtml[xhtml.find("<body"):]


def said(xhtml, text):
    """How often the page's text (not its markup) says `text`."""
    return re.sub(r"<[^>]*>", "", body(xhtml)).count(text)


def chapter_with(parts, text):
    return next((v for k, v in parts.items() if k.startswith("chapter-") and text in v), "")


# ---- the digest as it comes -----------------------------------------------------
main_book, p = book("paper", "--since", "7d", *inputs)
if p:
    opf, title, nav = p["content.opf"], p["title.xhtml"], p["nav.xhtml"]
    first = sorted(k for k in p if k.startswith("chapter-"))[0]
    check('lang="ja"' in p[first], "the fixture's first chapter is Japanese (the old rule's pick)", p[first][:300])
    lang = dc(opf, "language") or ""
    check(lang.split("-")[0] == "en", f"book language: the most frequent (en: 4 of 7), not ja: {lang}")
    check(dc(opf, "title") == "Digest, 2024-03-01 \u2013 2024-03-07",
          f"title in English with the window: {dc(opf, 'title')}")
    check(re.search(r'<html[^>]* lang="en', title) and "<h1>Digest, " in title,
          "title page in the book's language, its title unmarked", body(title)[:300])
    check('<h1 id="toc-title">Contents</h1>' in nav, "nav label in English", nav[:600])
    check(re.search(r'<p class="count">7 articles from 4 sources</p>', title), "count label in English",
          body(title))
    creator = dc(opf, "creator")
    check(creator == ", ".join(SOURCES), f"dc:creator = the sources' names in input order: {creator}")
    check(creator and "@" not in creator and "Shawn" not in creator and "Anthony" not in creator,
          f"dc:creator has no item author or e-mail address: {creator}")
    check(said(title, "2024-03-01") == 1 and 'class="range"' not in title,
          "the title page says the date range once", body(title))
    check(said(title, "Harbour Times") == 1, "the sources listed once on the title page (no author line)",
          body(title))
    ja = chapter_with(p, "地震の訓練")
    check("[画像: 訓練の様子]" in ja, "image placeholder in a Japanese chapter: words.c's 画像",
          re.findall(r"image-placeholder[^\n]*", ja))
    nl = chapter_with(p, "fietsenstalling")
    check('[<span lang="en" xml:lang="en">Image</span>]' in nl,
          "image placeholder in a Dutch chapter (no Dutch words): marked lang=\"en\"",
          re.findall(r"image-placeholder[^\n]*", nl))
    en = chapter_with(p, "Ferry timetable")
    check('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en-GB"' in en,
          "chapters keep their own language", en[:300])
    epubcheck([main_book])
    ace([main_book])

# ---- --lang, --author, --title ---------------------------------------------------
_, p = book("paper-nl", "--since", "7d", "--lang", "nl", "--author", "The Desk", *inputs)
if p:
    opf, title = p["content.opf"], p["title.xhtml"]
    check(dc(opf, "language") == "nl", f"--lang nl: the book's language: {dc(opf, 'language')}")
    check('<h1 lang="en" xml:lang="en">Digest, ' in title, "--lang nl: English words marked lang=\"en\"",
          body(title)[:300])
    check(dc(opf, "creator") == "The Desk", f"--author: dc:creator: {dc(opf, 'creator')}")
    check('<p class="author">The Desk</p>' in title, "--author: said on the title page", body(title)[:400])

_, p = book("paper-titled", "--since", "7d", "--title", "Morning paper", *inputs)
if p:
    title = p["title.xhtml"]
    check(said(title, "2024-03-01") == 1 and 'class="range"' in title,
          "--title: the range said once, under the title", body(title))

# ---- a book of several articles that is no digest: the same title page rule -------
_, p = book("several", *inputs[1:3])
if p:
    title = p["title.xhtml"]
    check(said(title, "2024-03-04") == 1, "several articles: the date range said once", body(title))

done("epub_digest_polish")
