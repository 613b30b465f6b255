#!/usr/bin/env python3
"""--full-text (issue 21), against tests/fetch/server.py on 127.0.0.1
(started here, stopped by its PID whatever happens).  /ft/feed.xml has 3
summary-only items: /ft/story serves the whole page, /404 fails, and
/to-private redirects to 10.255.255.1 (refused before connecting):
1. a digest EPUB has the good item's whole article (not its menus) under
   the feed's title; the other two keep their summary, each with one
   warning naming the item and URL; exit 0; epubcheck 0/0;
2. --strict: exit 1; without --full-text: the summaries only;
3. --offline second run from the cache gives the article again;
4. -v says what the reader view kept and dropped of the page;
5. a page URL as input gives the article, not the menus."""
import os, re, subprocess, sys, tempfile, zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, check, done, epubcheck  # noqa: E402

HERE = os.path.join(SRC, "tests", "fetch")
tmp = tempfile.mkdtemp()
cache = os.path.join(tmp, "cache")


def run(*args):
    return subprocess.run([NC, *args], capture_output=True, text=True, timeout=120, cwd=tmp)


def book_text(path):
    z = zipfile.ZipFile(path)
    return "".join(z.read(n).decode() for n in sorted(z.namelist()) if n.endswith(".xhtml"))


def main(port):
    feed = "http://127.0.0.1:%d/ft/feed.xml" % port
    book = os.path.join(tmp, "book.epub")
    base = ("--allow-loopback", "--cache-dir", cache, "--timeout", "5")
    r = run("--to", "epub", "--full-text", *base, feed, "-o", book)
    check(r.returncode == 0, "full text: exit 0 though two items failed (%d: %s)" % (r.returncode, r.stderr))
    text = book_text(book) if os.path.exists(book) else ""
    check("Paragraph 8 of the full story" in text, "full text: the good item's whole article is in the book")
    check("SUBSCRIBE NOW" not in text and "Most read" not in text and "Cookie settings" not in text,
          "full text: the page's banner, related list and footer are not")
    check(text.count("Pier rebuilt") >= 1 and "Harbour News</title>" not in text,
          "full text: the feed's title wins over the page's <title>")
    warn = [l for l in r.stderr.splitlines() if "--full-text" in l]
    check(len(warn) == 2, "full text: one warning per failed item (%r)" % warn)
    check(any("Gone story" in l and "/404" in l for l in warn), "full text: the 404 item named with its URL")
    check(any("Hidden story" in l and "/to-private" in l for l in warn),
          "full text: the item redirected to a private address named with its URL")
    check(text.count("rebuild the old pier") >= 3, "full text: the failed items keep their summary")
    if os.path.exists(book):
        epubcheck([book])

    r = run("--to", "epub", "--full-text", "--strict", *base, feed, "-o", os.path.join(tmp, "s.epub"))
    check(r.returncode == 1, "full text: --strict exits 1 when an item kept its summary (%d)" % r.returncode)
    plain = os.path.join(tmp, "plain.epub")
    r = run("--to", "epub", *base, feed, "-o", plain)
    check(r.returncode == 0 and "Paragraph 8" not in book_text(plain),
          "full text: without --full-text the items keep their summaries")

    off = os.path.join(tmp, "off.epub")
    r = run("--to", "epub", "--full-text", "--offline", "-v", "--allow-loopback", "--cache-dir", cache,
            feed, "-o", off)
    check(r.returncode == 0 and os.path.exists(off) and "Paragraph 8" in book_text(off),
          "full text: --offline gives the article from the cache (%d: %s)" % (r.returncode, r.stderr))
    check(re.search(r"reader view: \d+ characters kept, \d+ dropped", r.stderr) is not None,
          "full text: -v says what the page kept and dropped")

    md = os.path.join(tmp, "story.md")
    r = run("--to", "md", *base, "http://127.0.0.1:%d/ft/story" % port, "-o", md)
    got = open(md).read() if os.path.exists(md) else ""
    check(r.returncode == 0 and "Paragraph 8 of the full story" in got and "Weather" not in got
          and "SUBSCRIBE" not in got, "page URL input: the article, not the menus (%s)" % r.stderr)


srv = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), "--lifetime", "200"],
                       stdout=subprocess.PIPE, text=True)
try:
    main(int(srv.stdout.readline()))
finally:
    srv.kill()
    srv.wait()
done("fetch_full_text")
