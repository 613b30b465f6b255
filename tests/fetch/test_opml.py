#!/usr/bin/env python3
"""OPML subscription lists as input (issue 22), against tests/fetch/server.py
on 127.0.0.1 (started here, stopped by its PID whatever happens):
1. an OPML 2.0 list of four feeds in two folders (one answering 404, one
   redirecting to a private address) plus a type="link" outline and one
   without xmlUrl, made a digest with --group category: the two good
   feeds' five items, in sections named after the folders, titled with
   the list's <title>; one warning per bad feed (naming its URL) and per
   skipped outline; exit 0, and exit 1 with --strict (the book still
   written); epubcheck 0/0 and Ace 0 violations on the book;
2. detection from the bytes, whatever the file is called (subs.xml);
3. OPML 1.0 without <head>: an xmlUrl that is a path or a file:// URL is
   never read as a local file (reported, skipped); an outline nested in
   two folders gets both as its category path."""
import json, os, re, shutil, subprocess, sys, tempfile, zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, start_server, SRC, ace, check, done, epubcheck  # noqa: E402

tmp = tempfile.mkdtemp()


def run(*args):
    return subprocess.run([NC, "--allow-loopback", "--no-cache", *args], capture_output=True,
                          text=True, timeout=120, cwd=tmp)


def write(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def opml2(base):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- exported by a feed reader -->
<opml version="2.0">
<head><title>My morning paper</title><dateCreated>Mon, 01 Jan 2024 00:00:00 GMT</dateCreated></head>
<body>
<outline text="News" title="News">
  <outline type="rss" text="Local news" title="Local news" xmlUrl="{base}/feeds/news.xml" htmlUrl="{base}/"/>
  <outline type="rss" text="Gone away" xmlUrl="{base}/404"/>
</outline>
<outline text="Tech">
  <outline type="rss" text="Other news" xmlUrl="{base}/feeds/other.xml"/>
  <outline type="rss" text="Sneaky" xmlUrl="{base}/goto?http://10.255.255.1/feed.xml"/>
  <outline type="link" text="A web page" url="http://example.org/"/>
  <outline text="Just a note"/>
</outline>
</body>
</opml>
"""


def book_parts(path):
    z = zipfile.ZipFile(path)
    opf = z.read("OEBPS/content.opf").decode()
    nav = z.read("OEBPS/nav.xhtml").decode()
    chapters = [n for n in z.namelist() if re.search(r"chapter-\d+\.xhtml$", n)]
    return opf, nav, [z.read(n).decode() for n in sorted(chapters)]


def main(port):
    base = f"http://127.0.0.1:{port}"
    subs = write("subs.opml", opml2(base))
    book = os.path.join(tmp, "paper.epub")
    r = run("--to", "epub", "--group", "category", "-o", book, subs)
    check(r.returncode == 0, "OPML digest: exit 0 although two feeds fail (no --strict)", r)
    err = r.stderr
    check(f"{base}/404" in err and "404" in err, "the 404 feed is reported with its URL", err)
    check("10.255.255.1" in err and "goto?" in err, "the redirect to a private address is reported", err)
    check('"A web page"' in err and "a link, not a feed" in err, 'type="link" outline reported', err)
    check('"Just a note"' in err and "no xmlUrl" in err, "outline without xmlUrl reported", err)
    if os.path.exists(book):
        opf, nav, chapters = book_parts(book)
        titles = [re.search(r"<h1>(.*?)</h1>", c).group(1) for c in chapters]
        check(sorted(titles) == ["First item", "Other first", "Other second", "Second item", "Third item"],
              f"the two good feeds' five items are the chapters: {titles}")
        check("<dc:title>My morning paper</dc:title>" in opf, "the OPML title is the digest's title",
              re.findall(r"<dc:title.*?</dc:title>", opf))
        check(re.search(r">News</", nav) and re.search(r">Tech</", nav),
              "--group category: sections named after the OPML folders", nav[:1500])
        at = lambda s: nav.find(s) if s in nav else -1
        check(at(">First item<") > at(">News<") >= 0 and at(">Other first<") > at(">Tech<") >= 0,
              "each feed's items under its folder", nav[:1500])
        epubcheck([book])
        ace([book])
    else:
        check(False, "the digest book was written", r)

    strict = os.path.join(tmp, "strict.epub")
    r = run("--to", "epub", "--group", "category", "--strict", "-o", strict, subs)
    check(r.returncode == 1, "--strict: a feed that cannot be read makes exit 1", r)
    check(os.path.exists(strict) and len(book_parts(strict)[2]) == 5, "--strict still writes the good feeds' book")

    # Detected from the bytes, not the name; --from opml means the same.
    renamed = write("subs.xml", opml2(base))
    for extra in ([], ["--from", "opml"]):
        out = os.path.join(tmp, "j.json")
        r = run("--to", "json", "-q", *extra, "-o", out, renamed)
        docs = json.load(open(out)) if r.returncode == 0 and os.path.exists(out) else []
        docs = docs if isinstance(docs, list) else [docs]
        check(r.returncode == 0 and len(docs) == 5, f"subs.xml {extra}: detected as OPML, 5 items", r)
        cats = {d["meta"]["title"]: d["meta"].get("categories") for d in docs}
        check(cats.get("Other first", [[None]])[0] == ["Tech"] and cats.get("First item", [[None]])[0] == ["News"],
              f"the folder is each item's first category: {cats}")

    # OPML 1.0, no head; paths and file:// are not local files to read.
    secret = write("secret.txt", "---\ntitle: Secret local file\n---\n<p>must not be read</p>\n")
    v1 = write("v1.opml", f"""<opml version="1.0"><body>
<outline text="Outer"><outline text="Inner">
  <outline text="deep" xmlUrl="{base}/feeds/other.xml"/>
</outline></outline>
<outline text="a path" xmlUrl="{secret}"/>
<outline text="relative" xmlUrl="secret.txt"/>
<outline text="file url" xmlUrl="file://{secret}"/>
</body></opml>
""")
    out = os.path.join(tmp, "v1.json")
    r = run("--to", "json", "-o", out, v1)
    docs = json.load(open(out)) if os.path.exists(out) else []
    docs = docs if isinstance(docs, list) else [docs]
    check(r.returncode == 0 and [d["meta"]["title"] for d in docs] == ["Other first", "Other second"],
          f"OPML 1.0: only the feed is read, no local file: {[d['meta']['title'] for d in docs]}", r)
    check(all("Secret" not in json.dumps(d) for d in docs), "a path in xmlUrl is never read")
    check(r.stderr.count("not an absolute URL") == 2 and "file://" in r.stderr,
          "path and relative xmlUrl reported; file:// refused", r.stderr)
    check(docs and docs[0]["meta"].get("categories", [[]])[0] == ["Outer", "Inner"],
          "nested folders give the category path", docs and docs[0]["meta"].get("categories"))


srv, port = start_server(lifetime=200, quiet=False)
try:
    main(port)
finally:
    srv.kill()
    srv.wait()
    shutil.rmtree(tmp, ignore_errors=True)
done("fetch_opml")
