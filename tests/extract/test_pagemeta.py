#!/usr/bin/env python3
"""Page metadata (src/pagemeta.c) on small pages: JSON-LD with @graph,
OpenGraph only, <meta> only, a byline in the text, "By X" at the start,
broken JSON-LD; and the inputs whose metadata it must never touch:
front-matter articles and feed items keep theirs exactly."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["SOURCE_ROOT"], "tests"))
from nctest import NC, SRC, check, done

PAGES = os.path.join(SRC, "fixtures", "pages")


def meta(path, *opts):
    r = subprocess.run([NC, *opts, "--to", "json", "-q", "-o", "-", path],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"{os.path.basename(path)}: converts", r)
    try:
        return json.loads(r.stdout)["meta"]
    except (ValueError, KeyError):
        check(False, f"{os.path.basename(path)}: --to json gives a document", r.stdout[:400])
        return {}


def expect(name, m, want):
    for k, v in want.items():
        got = m.get("extra", {}).get(k[6:]) if k.startswith("extra.") else m.get(k)
        check(got == v, f"{name}: {k} is {v!r}", f"got {got!r}")


g = meta(os.path.join(PAGES, "meta-jsonld-graph.html"))
expect("JSON-LD @graph", g, {
    "title": "Harbour bridge reopens after repairs",       # headline beats og:title and <title>
    "authors": ["Ana Ruiz", "Kim Lee"],                   # Person, @id into the graph; no e-mail, no URL
    "date": "2024-05-06T06:30:00Z", "date_raw": "2024-05-06T08:30:00+02:00",
    "updated": "2024-05-07T08:00:00Z",
    "language": "en-GB",
    "description": "The bridge is open again after two years of works.",
    "tags": ["bridges", "transport", "city"],
    "cover": "https://times.example/img/bridge.jpg",       # the first image, an ImageObject
    "extra.site_name": "Harbour Times",                    # publisher.name through its @id
    "extra.section": "City",                               # the first articleSection
})

o = meta(os.path.join(PAGES, "meta-og.html"))
expect("OpenGraph only", o, {
    "title": "Night trains return to the valley",
    "authors": ["Marta Keller"],                           # the article:author URL is no name
    "date": "2024-03-02T02:15:00Z", "updated": "2024-03-02T09:00:00Z",
    "language": "en-US",                                   # og:locale en_US, no <html lang>
    "description": "After ten years, the sleeper is back.",
    "tags": ["rail", "night trains"],
    "cover": "https://post.example/train.jpg",
    "source_url": "https://post.example/2024/night-trains",
    "extra.site_name": "Valley Post", "extra.section": "Travel",
})

t = meta(os.path.join(PAGES, "meta-tags.html"))
expect("<meta name> only", t, {
    "title": "Neue Brücke für den Stadtpark",              # <title> without " – Stadtanzeiger"
    "title_raw": "Neue Brücke für den Stadtpark – Stadtanzeiger",
    "authors": ["Jonas Weber"],
    "date": "2023-11-20T00:00:00Z",
    "language": "de",
    "description": "Die Stadt baut eine neue Fußgängerbrücke.",
    "tags": ["Stadtpark", "Brücke", "Verkehr"],             # keywords split at , and ;
    "source_url": "https://anzeiger.example/lokales/bruecke",
    "extra.site_name": "Stadtanzeiger", "extra.section": "Lokales",
})

b = meta(os.path.join(PAGES, "meta-byline.html"))
expect("byline in the text", b, {
    "title": "Hermit crab swap meets",                     # the <h1> is the <title> up to " | "
    "authors": ["Jane Doe"],                               # not the related list's, not a comment's
    "date": "2022-08-14T06:00:00Z",                        # the article's <time>, not the aside's
})

s = meta(os.path.join(PAGES, "meta-by-start.html"))
expect("'By X' at the start", s, {"title": "Wikipedia-style page", "authors": ["Ann Other"]})

k = meta(os.path.join(PAGES, "meta-broken-jsonld.html"))
expect("broken JSON-LD", k, {
    "title": 'Café 😀 "quoted" \\ done',                  # the one valid script, escapes decoded
    "authors": ["Zoé Martin"],
    "date": "2021-07-01T00:00:00Z",                        # dateCreated: datePublished is no date
    "tags": ["café", "terrasse", "\ufffdx"],               # a lone surrogate is U+FFFD
    "cover": "https://cafe.example/t.jpg",
    "language": "fr",
})

with tempfile.TemporaryDirectory() as tmp:
    body = open(os.path.join(PAGES, "meta-jsonld-graph.html"), encoding="utf-8").read()
    fm = os.path.join(tmp, "fm.txt")
    with open(fm, "w", encoding="utf-8") as f:
        f.write("---\ntitle: Front matter title\nauthor: Front Author\ndate: 2020-01-02\n---\n" + body)
    m = meta(fm)
    expect("front-matter article", m, {
        "title": "Front matter title", "authors": ["Front Author"],
        "date": "2020-01-02T00:00:00Z", "description": None, "tags": [], "cover": None,
        "extra.site_name": None, "language": None,
    })
    check(m.get("extra") == {}, "front-matter article: no page metadata in extra", m.get("extra"))

    feed = os.path.join(tmp, "feed.xml")
    item = body.replace("]]>", "")
    with open(feed, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
                "<title>F</title><link>https://feed.example/</link><description>d</description>"
                "<item><title>Feed item title</title><link>https://feed.example/1</link>"
                "<description><![CDATA[" + item.replace("Ana Ruiz", "Ana Ruiz") +
                "]]></description></item></channel></rss>\n")
    m = meta(feed)
    expect("feed item", m, {"title": "Feed item title", "authors": [], "date": None,
                            "extra.site_name": None})

    # Every loop at 100,000 (house rule 8): metas, keywords, rel=author
    # links, byline candidates, <time>s, <h1>s, a <title> of 100,000
    # parts, 33 JSON-LD graphs of 5,000 references.  Linear work is a
    # second or so even under ASan; anything quadratic would be minutes.
    # (The graph's names are two words: "n12" alone reads as a login.)
    n = 100000
    graph = {"@graph": [{"@type": "NewsArticle", "headline": "Hostile page",
                         "author": [{"@id": "#t%d" % (i % 300)} for i in range(5000)],
                         "keywords": ",".join("k%d" % i for i in range(5000))}] +
             [{"@type": "Thing", "@id": "#t%d" % i, "name": "Writer n%d" % i} for i in range(5000)]}
    parts = ["<!DOCTYPE html><html><head><title>%s</title>" % " | ".join("Part %d" % i for i in range(n)),
             '<script type="application/ld+json">%s</script>' % json.dumps(graph) * 33]
    parts += ['<meta name="author" content="Author %d">' % i for i in range(n)]
    parts += ['<meta name="keywords" content="w%d,x%d">' % (i, i) for i in range(n)]
    parts.append('</head><body><div>menu</div><article>')
    parts += ["<h1>Heading %d</h1>" % i for i in range(n // 100)]
    # (10,000 body elements of each kind here: the HTML reader's own tree
    # of 400,000 elements takes minutes under ASan; 100,000 each was
    # measured by hand: 2.0 s for the whole page, 1.47 s against 1.38 s
    # without page metadata.)
    parts += ['<span class="author">%s</span>' % ("x" * 101) for i in range(n // 10)]
    parts += ['<a rel="author" href="/a">Writer %d</a>' % i for i in range(n // 10)]
    parts += ['<time datetime="2020-01-01">x</time>' for i in range(n // 10)]
    parts += ["<p>Words of the article, with commas, and more words after them.</p>"] * 200
    parts.append("</article></body></html>")
    hostile = os.path.join(tmp, "hostile.html")
    with open(hostile, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))
    r = subprocess.run([NC, "--to", "json", "-q", "-o", "-", hostile], capture_output=True,
                       text=True, timeout=120)
    check(r.returncode == 0, "100,000 of each: converts in bounded time", r)
    m = json.loads(r.stdout)["meta"] if r.returncode == 0 else {}
    expect("100,000 of each", m, {"title": "Hostile page"})
    check(len(m.get("authors", [])) == 32 and len(m.get("tags", [])) == 32,
          "100,000 of each: lists cut at 32", (len(m.get("authors", [])), len(m.get("tags", []))))

    # Bylines as pages write them (README "Page metadata"); each page is
    # a whole page: a menu, an <article> with its byline and paragraphs.
    def page(name, head, byline):
        path = os.path.join(tmp, name + ".html")
        with open(path, "w", encoding="utf-8") as f:
            f.write("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Tide "
                    "tables for the bay</title>" + head + "</head><body><nav><a href='/'>Home</a>"
                    "</nav><article><h1>Tide tables for the bay</h1>" + byline +
                    "<p>The tide comes in twice a day, and the tables say when, to the minute, "
                    "for every harbour of the bay.</p><p>Fishers read them before dawn, "
                    "sailors before they leave, and walkers before they cross the flats.</p>"
                    "</article></body></html>")
        return meta(path)

    m = page("job-title", "", "<div class='author'><a class='author-link' href='/author/ben'>"
             "Ben Silverman</a><div class='author-title'>Games Editor</div></div>")
    expect("byline with a job title (yahoo-1)", m, {"authors": ["Ben Silverman"]})
    check("byline" not in m.get("extra", {}), "byline with a job title: no byline extra", m)

    m = page("date-count", "", "<p class='byline'><span class='by'>by</span> <a "
             "class='byauthor' href='/author/lnolan/'>Lucas Nolan</a><span class='bydate'>22 Dec "
             "2016</span><a class='bycount' href='#comments'>651</a></p>")
    expect("byline with its date and comment count (breitbart)", m, {"authors": ["Lucas Nolan"]})

    m = page("handle", '<script type="application/ld+json">{"@type": "NewsArticle", '
             '"headline": "Tide tables for the bay", "creator": "CC7567"}</script>',
             "<div class='byline'><a href='/u/CC7567'><span class='author vcard'><span "
             "class='author-name fn'>James Akinaka</span></span></a><span class='posted-time'> "
             "&bull; <time datetime='2017-02-23T17:18:13Z'>8h</time></span></div>")
    expect("a login for a name in JSON-LD, the name in the byline (wikia)", m,
           {"authors": ["James Akinaka"]})
    m = page("digits", "<meta name='author' content='9to5Mac'>", "")
    expect("a name with digits that is no login", m, {"authors": ["9to5Mac"]})

    m = page("contact", "<meta name='author' content='Bradley M. Kuhn (http://ebb.org/bkuhn/)'>", "")
    expect("<meta name=author> with a URL after the name (ebb-org)", m,
           {"authors": ["Bradley M. Kuhn"]})
    m = page("email", "<meta name='author' content='Ana Ruiz <ana@tides.example>'>", "")
    expect("<meta name=author> with an e-mail address after the name", m, {"authors": ["Ana Ruiz"]})
    m = page("paren", "<meta name='author' content='Bruno (Henrique Zecchin) Rodrigues'>", "")
    expect("<meta name=author> with a part in parentheses that is no address", m,
           {"authors": ["Bruno (Henrique Zecchin) Rodrigues"]})

    m = page("more", "", "<div class='author_fmt'>By <a rel='author' href='/brenda-goodman'>"
             "Brenda  Goodman, MA</a><br/>WebMD Health News</div>")
    expect("byline saying more than the name (webmd-1)", m, {
        "authors": ["Brenda Goodman, MA"], "extra.byline": "Brenda Goodman, MA WebMD Health News"})
    m = page("more-meta", "<meta name='author' content='Brenda Goodman'>",
             "<div class='author_fmt'>By <a rel='author' href='/brenda-goodman'>"
             "Brenda Goodman</a><br/>WebMD Health News</div>")
    expect("the same byline when <meta> names the author", m, {
        "authors": ["Brenda Goodman"], "extra.byline": None})

    m = page("date-text", "", "<div class='byline'>By Nathan Willis\n   March 25, 2015</div>")
    expect("byline with its date as text (lwn-1)", m, {
        "authors": ["Nathan Willis"], "extra.byline": "Nathan Willis March 25, 2015"})
    m = page("date-text-2", "", "<span class='byline'>By GILLIAN MOHNEY</span>")
    expect("byline without a date", m, {"authors": ["GILLIAN MOHNEY"], "extra.byline": None})
    for name, text, want in (
            ("date-us", "By GILLIAN MOHNEY March 11, 2015 3:46 PM", "GILLIAN MOHNEY"),
            ("date-nyt", "JEFFREY GETTLEMAN JAN. 13, 2017", "JEFFREY GETTLEMAN"),
            ("date-es", "César Salza 1 de diciembre de 2017 3:00 AM PST", "César Salza"),
            ("date-fr", "Par Juliette Deborde — 1 mars 2019 à 15:20", "Juliette Deborde"),
            ("date-de", "Von Jonas Weber, 25. März 2015", "Jonas Weber"),
            ("date-updated", "Dan Goodin | Updated Apr 16, 2015 8:02 pm UTC", "Dan Goodin"),
            ("date-pm", "Ana Ruiz, updated on March 3, 2020 at 5:00 p.m. ET", "Ana Ruiz"),
            ("date-uhr", "Jonas Weber, 3. März 2015 um 15:20 Uhr", "Jonas Weber"),
            ("month-name", "April Ryan", "April Ryan"),
            ("month-name-2", "June May 2015", "June May 2015")):
        m = page(name, "", "<p class='byline'>%s</p>" % text)
        expect("byline %r" % text, m, {"authors": [want]})
    m = page("date-only", "", "<div class='byline'>Last Updated: January 7, 2025</div>")
    expect("a byline element that is only a date (spiceworks)", m, {"authors": []})

    m = page("itemprop-name", "", "<div class='authorinfo'><span class='provider'>Tech Insider"
             "</span><span itemprop='author' itemscope><span itemprop='name'>Alex Perry</span>"
             "</span><time datetime='2016-11-15T07:00:00Z'>1 day ago</time></div>")
    expect("byline with itemprop=name inside (msn)", m, {
        "authors": ["Alex Perry"], "extra.byline": None})

    # A stray element before <head>: libxml2 opens the body there and puts
    # the head's <title> and <link> in it.  They are still the page's.
    for stray in ("", "<div class='x'></div>"):
        page = os.path.join(tmp, "stray.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write("<!DOCTYPE html><html>" + stray + "<head><title>Harbour bridge reopens</title>"
                    "<meta charset='utf-8'><link rel='canonical' href='https://times.example/bridge'>"
                    "</head><body><div><h2>Menu</h2><p>The bridge is open again, after two years, "
                    "with a new deck and wider paths.</p></div><div>other</div></body></html>")
        expect("stray element before <head>" if stray else "the same page without it", meta(page), {
            "title": "Harbour bridge reopens", "source_url": "https://times.example/bridge"})

done("pagemeta")
