#!/usr/bin/env python3
"""Digest books: several feeds into one book laid out like a newspaper
(--since, --until, --max-per-source, --group; src/cli/digest.c).

Fixtures fixtures/feeds/digest-a.xml (RSS, 5 items, one undated) and
digest-b.xml (Atom, 5 entries; one has digest-a's link, one its title
and date).  Checks item counts after each filter, duplicates kept once
with a note naming both, the sections in nav.xhtml and toc.ncx, the title
page, Markdown and JSON sections, epubcheck 0 errors / 0 warnings, and
one digest of every feed of $NC_SHARED/feeds (part skipped when absent):
as many chapters as items minus duplicates."""
import glob, json, os, re, subprocess, sys, tempfile, time, zipfile
import xml.etree.ElementTree as ET
from email.utils import format_datetime
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, SHARED, check, done, epubcheck  # noqa: E402

FX = os.path.join(SRC, "fixtures", "feeds")
A, B = os.path.join(FX, "digest-a.xml"), os.path.join(FX, "digest-b.xml")
EPOCH = "1709856000"  # 2024-03-08T00:00:00Z: "now" for relative windows
NS = {"x": "http://www.w3.org/1999/xhtml", "n": "http://www.daisy.org/z3986/2005/ncx/"}
tmp = tempfile.mkdtemp()
to_check = []


def run(*args, env=None):
    e = dict(os.environ, **(env or {}))
    return subprocess.run([NC, *args], capture_output=True, text=True, timeout=600, env=e)


def docs(*args, env=None):
    """The documents a digest keeps, from --to json, and the run."""
    r = run("--to", "json", "-o", "-", *args, env=env)
    check(r.returncode == 0, f"json digest {args}", r)
    if r.returncode or not r.stdout.strip():
        return [], r
    d = json.loads(r.stdout)
    return (d if isinstance(d, list) else [d]), r


def book(name, *args, env=None):
    out = os.path.join(tmp, name + ".epub")
    r = run("--to", "epub", "-o", out, *args, env=env)
    check(r.returncode == 0 and os.path.exists(out), f"epub digest {name}", r)
    if r.returncode == 0:
        to_check.append(out)
    return (zipfile.ZipFile(out) if r.returncode == 0 else None), r


def titles(ds):
    return [d["meta"]["title"] for d in ds]


def spine(z):
    opf = z.read("OEBPS/content.opf").decode()
    return re.findall(r'<itemref idref="([^"]+)"', opf)


# ---- selection ------------------------------------------------------------------

ds, r = docs(A, B, "--group", "none")
check(len(ds) == 8, f"10 items, 2 duplicates: 8 kept, got {len(ds)}: {titles(ds)}")
notes = [l for l in r.stderr.splitlines() if "duplicate of" in l]
check(len(notes) == 2, f"one note per duplicate: {notes}")
check(any("digest-b.xml#1" in l and "digest-a.xml#5" in l and "source URL" in l for l in notes),
      f"same link: the note names both inputs: {notes}")
check(any("digest-b.xml#2" in l and "digest-a.xml#2" in l and "title and date" in l for l in notes),
      f"same title and date: the note names both inputs: {notes}")
check(titles(ds).count("Ferry strike ends") == 1 and titles(ds).count("Council budget approved") == 1,
      "each duplicate kept once")
kept = [d["source"] for d in ds if d["meta"]["title"] in ("Ferry strike ends", "Council budget approved")]
check(all("digest-a.xml" in s for s in kept), f"the first in input order is kept: {kept}")
dated = [d["meta"]["date"] for d in ds if d["meta"]["date"]]
check(dated == sorted(dated) and ds[-1]["meta"]["date"] is None,
      f"oldest first, undated last: {[d['meta']['date'] for d in ds]}")

ds, r = docs(A, B, "--since", "2024-03-02")
check(len(ds) == 6, f"--since 2024-03-02: 6 kept, got {titles(ds)}")
check("Letters to the editor" in titles(ds), "the undated item is kept by --since")
check(re.search(r"digest-a\.xml#4: warning: no date", r.stderr), f"with a warning: {r.stderr}")
ds, _ = docs(A, B, "--until", "2024-03-05")
check(len(ds) == 6 and "Fish market reopens" in titles(ds),
      f"--until 2024-03-05: 6 kept, the whole of that day included, got {titles(ds)}")
ds, _ = docs(A, B, "--since", "2024-03-02", "--until", "2024-03-05T23:59:59Z")
check(sorted(titles(ds)) == ["Ferry strike ends", "Fish market reopens", "Letters to the editor",
                             "Snow closes mountain pass"], f"--since and --until: {titles(ds)}")
ds, _ = docs(A, B, "--max-per-source", "2")
check(sorted(titles(ds)) == ["Council budget approved", "Fish market reopens", "Orchard blossoms early",
                             "Snow closes mountain pass"], f"--max-per-source 2: the newest 2 of each: {titles(ds)}")
ep = {"SOURCE_DATE_EPOCH": EPOCH}
ds, _ = docs(A, B, "--since", "3d", env=ep)
check(len(ds) == 4, f"--since 3d before SOURCE_DATE_EPOCH: 4 kept, got {titles(ds)}")
ds, _ = docs(A, B, "--since", "24h", env=ep)
check(sorted(titles(ds)) == ["Letters to the editor", "Orchard blossoms early"], f"--since 24h: {titles(ds)}")

# Relative to the clock when SOURCE_DATE_EPOCH is not set.
now = time.time()
fresh = os.path.join(tmp, "fresh.xml")
with open(fresh, "w") as f:
    f.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Fresh</title>')
    for i, ago in enumerate((2 * 3600, 3 * 86400)):
        when = format_datetime(datetime.fromtimestamp(now - ago, timezone.utc), usegmt=True)
        f.write(f"<item><title>Item {i}</title><link>https://fresh.example/{i}</link>"
                f"<pubDate>{when}</pubDate><description>Text {i}.</description></item>")
    f.write("</channel></rss>")
env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
r = subprocess.run([NC, "--to", "json", "-o", "-", "--since", "24h", fresh], capture_output=True, text=True, env=env)
check(r.returncode == 0 and r.stdout.count('"title":"Item 0"') == 1 and "Item 1" not in r.stdout,
      "--since 24h against the clock keeps the item of 2 hours ago only", r)

# Bad values and a digest without -o are usage errors.
for bad in (["--since", "yesterday"], ["--until", "7w"], ["--max-per-source", "0"], ["--group", "author"]):
    r = run("--to", "epub", "-o", os.path.join(tmp, "bad.epub"), *bad, A)
    check(r.returncode == 2 and r.stderr.startswith("newsconv: "), f"{bad}: exit 2", r)
r = run("--to", "epub", "-O", tmp, "--group", "source", A)
check(r.returncode == 2, "a digest needs -o", r)

# ---- sections --------------------------------------------------------------------

z, r = book("by-source", A, B, "--group", "source")
if z:
    nav = ET.fromstring(z.read("OEBPS/nav.xhtml"))
    toc = nav.find(".//x:nav[@id='toc']/x:ol", NS)
    groups = [li for li in toc.findall("x:li", NS) if li.find("x:span", NS) is not None]
    names = [li.find("x:span", NS).text for li in groups]
    check(names == ["Harbour Gazette", "Valley Courier"], f"nav: one heading entry per source: {names}")
    inner = [[a.text for a in li.findall("x:ol/x:li/x:a", NS)] for li in groups]
    check([len(i) for i in inner] == [5, 3], f"nav: chapters nested under their source: {inner}")
    check(inner and inner[1] == ["Library extends hours", "Snow closes mountain pass", "Orchard blossoms early"],
          f"inside a group, oldest first: {inner[1:]}")
    ncx = ET.fromstring(z.read("OEBPS/toc.ncx"))
    top = ncx.findall("n:navMap/n:navPoint", NS)
    labels = [p.find("n:navLabel/n:text", NS).text for p in top]
    check(labels == ["Title page", "Harbour Gazette", "Valley Courier"], f"NCX top level: {labels}")
    check([len(p.findall("n:navPoint", NS)) for p in top] == [0, 5, 3], "NCX: chapters nested in their group")
    check(ncx.find("n:head/n:meta[@name='dtb:depth']", NS).get("content") == "2", "NCX depth 2")
    check(spine(z)[:2] == ["titlepage", "chapter-1"], f"the title page opens the book: {spine(z)[:3]}")
    tp = z.read("OEBPS/title.xhtml").decode()
    check('lang="en"' in tp and "<h1>" in tp, "title page: lang and a heading")
    check("<li>Harbour Gazette</li>" in tp and "<li>Valley Courier</li>" in tp, "title page lists the sources", tp)
    check("8 articles from 2 sources" in tp, "title page gives the count", tp)
    check("2024-02-20" in tp and "2024-03-07" in tp, "title page gives the date range", tp)
    check(not re.search(r"<(\w+)[^>]*>\s*</\1>", tp), "title page: no empty element", tp)

z, _ = book("window", A, B, "--since", "2024-03-01", "--until", "2024-03-06", "--title", "Week 10")
if z:
    tp = z.read("OEBPS/title.xhtml").decode()
    check("<h1>Week 10</h1>" in tp and '"2024-03-01"' in tp and '"2024-03-06"' in tp,
          "title page: --title and the window asked for", tp)
    nav = z.read("OEBPS/nav.xhtml").decode()
    check("<span>" not in nav and "title.xhtml" in nav, "--group none: a flat contents with the title page")

ds, _ = docs(A, B, "--group", "category")
secs = [d.get("section") for d in ds]
check(secs == ["Local", "Local", "Local", "Opinion", "Politics", "Transport", "Weather", "Weather"],
      f"json: a section per document, categories by name: {secs}")
ds, _ = docs(A, B, "--group", "day", "--sort", "newest")
secs = [d.get("section") for d in ds]
check(secs[0] == "2024-03-07" and secs[-1] == "Undated" and secs[:-1] == sorted(secs[:-1], reverse=True),
      f"--group day --sort newest: newest day first, undated last: {secs}")
md = os.path.join(tmp, "digest.md")
r = run("--to", "md", "-o", md, "--group", "source", A, B)
check(r.returncode == 0, "md digest of two feeds", r)
if r.returncode == 0:
    text = open(md).read()
    heads = re.findall(r"^# (.+)$", text, re.M)
    check(heads == ["Harbour Gazette", "Valley Courier"], f"md: one heading per group: {heads}")
    check(text.index("# Valley Courier") > text.index("Letters to the editor"), "md: groups in order")

# ---- the words the book adds, in its language (src/util/words.c) -------------------
z, _ = book("zh", A, B, "--lang", "zh-CN", "--group", "day")
if z:
    nav = z.read("OEBPS/nav.xhtml").decode()
    check('<h1 id="toc-title">目录</h1>' in nav and ">扉页</a>" in nav and 'aria-label="导航"' in nav,
          "zh book: contents heading, title page and landmarks in Chinese", nav[:600])
    check('lang="en"' not in nav.split("<body>", 1)[1], "zh book: no English words in the nav", nav)
    tp = z.read("OEBPS/title.xhtml").decode()
    check("8 篇文章，来自 2 个来源" in tp and "<h2>来源</h2>" in tp, "zh title page: count and sources", tp)
    ncx = z.read("OEBPS/toc.ncx").decode()
    check("<text>扉页</text>" in ncx and "<text>无日期</text>" in ncx, "zh NCX: title page and the undated group")
ds, _ = docs(A, B, "--lang", "zh-TW", "--group", "day")
check(ds and ds[-1].get("section") == "無日期", f"zh-TW: the undated article under 無日期: {[d.get('section') for d in ds]}")
z, _ = book("ko", A, B, "--lang", "ko", "--group", "source")
if z:
    nav = z.read("OEBPS/nav.xhtml").decode()
    check('<h1 id="toc-title" lang="en" xml:lang="en">Contents</h1>' in nav,
          "a language without words: the English heading says it is English", nav[:600])
    tp = z.read("OEBPS/title.xhtml").decode()
    check('<p class="count" lang="en" xml:lang="en">8 articles from 2 sources</p>' in tp,
          "... and so does the title page's count", tp)
    check('<h1 lang="en" xml:lang="en">Digest' in tp, "... and its title made of English words", tp)
    opf = z.read("OEBPS/content.opf").decode()
    check('<dc:title xml:lang="en">Digest' in opf, "... in the package too", opf[:800])

# ---- every feed of ../shared ---------------------------------------------------------

feeds = sorted(glob.glob(os.path.join(SHARED, "feeds", "*.xml"))) if SHARED and os.path.isdir(SHARED) else []
if feeds:
    r = run("-q", "--to", "json", "-o", "-", *feeds)
    check(r.returncode == 0, "json of every shared feed", r)
    every = json.loads(r.stdout) if r.returncode == 0 else []
    seen, unique, dups = set(), 0, 0
    for d in every:
        m = d["meta"]
        keys = []
        if m["source_url"]:
            keys.append(("u", m["source_url"]))
        if m["date"] and m["title"].strip():
            keys.append(("t", m["title"], m["date"]))
        if any(k in seen for k in keys):  # a duplicate registers none of its keys
            dups += 1
            continue
        seen.update(keys)
        unique += 1
    z, r = book("all-feeds", "--group", "source", *feeds)
    if z:
        chapters = [i for i in spine(z) if i.startswith("chapter-")]
        notes = [l for l in r.stderr.splitlines() if "duplicate of" in l]
        check(len(chapters) == unique, f"all feeds: {len(chapters)} chapters, expected {len(every)} - {dups}")
        check(len(notes) == dups, f"all feeds: {len(notes)} duplicate notes, expected {dups}")
        print(f"all shared feeds: {len(every)} items, {dups} duplicates dropped, {len(chapters)} chapters")
else:
    print("../shared absent (NC_SHARED): the all-feeds digest skipped")

# ---- epubcheck --------------------------------------------------------------------

epubcheck(to_check)

done("test_digest")
