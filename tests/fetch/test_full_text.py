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
5. a page URL as input gives the article, not the menus;
6. the chapter does not say the title twice (the page's <h1> equal to
   the item's title is dropped);
7. a WARC of a --full-text run: check_warc.py and warcio (npm) pass; the
   page is a response (and request) at its URL, which the CDXJ lists;
   the article is a conversion record referring to it; -j 1 and -j 2
   give the same bytes; read back, one document per item;
8. a page given as a URL and the same page taken for an item: one
   capture of the URL, both conversions refer to it; an item whose link
   redirects has its page recorded at the final URL, nothing at the link;
9. a digest of two feeds gets full articles from both (epubcheck 0/0,
   Ace 0 in the normal build);
   a second run with the cache asks the server for nothing it got (the
   cache's default freshness): only the two failed links are tried again.
10. ReplayWeb.page (tests/warc/replay.js, chromium) shows the original
   page at its URL from a --full-text WACZ, the server stopped; skipped
   with a note when chromium or the npm packages are missing.
/ft/feed2.xml (tests/fetch/server.py) is the second feed."""
import json, os, re, shutil, signal, subprocess, sys, tempfile, threading, urllib.request, zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, start_server, SRC, SHARED, ace, check, done, epubcheck  # noqa: E402

HERE = os.path.join(SRC, "tests", "fetch")
CHECK_WARC = os.path.join(SHARED, "tools", "check_warc.py")
NPM = os.environ.get("NC_NPM_DIR", os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                                                "newsconv-test", "npm"))
WARCIO = os.path.join(NPM, "node_modules", ".bin", "warcio")
tmp = tempfile.mkdtemp()
cache = os.path.join(tmp, "cache")


def run(*args, env=None):
    return subprocess.run([NC, *args], capture_output=True, text=True, timeout=120, cwd=tmp, env=env)


def records(path):
    """(headers, block) of every record of an uncompressed WARC."""
    data, out, pos = open(path, "rb").read(), [], 0
    while pos < len(data):
        end = data.index(b"\r\n\r\n", pos)
        h = dict(l.split(": ", 1) for l in data[pos:end].decode().split("\r\n")[1:])
        n = int(h["Content-Length"])
        out.append((h, data[end + 4:end + 4 + n]))
        pos = end + 4 + n + 4
    return out


def hits(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/__hits" % port, timeout=10) as f:
        return json.load(f)


def strict_checks(path, what):
    """check_warc.py (0 errors, 0 warnings) and warcio's parser."""
    if os.path.exists(CHECK_WARC):
        r = subprocess.run([sys.executable, CHECK_WARC, path], capture_output=True, text=True, timeout=120)
        check(r.returncode == 0 and r.stdout.splitlines()[0].endswith("0 errors, 0 warnings"),
              "%s: check_warc.py 0 errors, 0 warnings" % what, r.stdout)
    else:
        check(False, "%s: ../shared/tools/check_warc.py is missing (NC_SHARED=%r)" % (what, SHARED))
    if os.path.exists(WARCIO):
        r = subprocess.run([WARCIO, "index", path], capture_output=True, text=True, timeout=120)
        got = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
        want = [h["WARC-Type"] for h, _ in records(path)]
        check(r.returncode == 0 and [j.get("warc-type") for j in got] == want,
              "%s: warcio reads all %d records" % (what, len(want)), r.stderr[-300:])
    else:
        check(False, "%s: warcio not installed (tools/deps.sh installs it)" % what)


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

    # A feed saved as a file is read in parts (a window of items at a
    # time, issue 19); its items get their full text all the same.
    saved = os.path.join(tmp, "saved-feed.xml")
    with urllib.request.urlopen(feed, timeout=5) as resp, open(saved, "wb") as out:
        out.write(resp.read())
    mdir = os.path.join(tmp, "saved-md")
    r = run("--to", "md", "--full-text", "--offline", "--allow-loopback", "--cache-dir", cache,
            saved, "-O", mdir)
    got = "".join(open(os.path.join(mdir, n)).read() for n in sorted(os.listdir(mdir))
                  if n.endswith(".md")) if os.path.isdir(mdir) else ""
    check(r.returncode == 0 and "Paragraph 8 of the full story" in got,
          "full text: a feed file given as input (read in parts) gets the article (%d: %s)"
          % (r.returncode, r.stderr))

    chapter = zipfile.ZipFile(book).read("OEBPS/chapter-0001.xhtml").decode() if os.path.exists(book) else ""
    check(chapter.count("Pier rebuilt") == 2 and "<h2>Pier rebuilt</h2>" not in chapter,
          "full text: the chapter says its title once (<title>, <h1>), the page's own <h1> dropped",
          chapter[:900])

    warc_checks(port, feed)
    digest_checks(port, feed)

    md = os.path.join(tmp, "story.md")
    r = run("--to", "md", *base, "http://127.0.0.1:%d/ft/story" % port, "-o", md)
    got = open(md).read() if os.path.exists(md) else ""
    check(r.returncode == 0 and "Paragraph 8 of the full story" in got and "Weather" not in got
          and "SUBSCRIBE" not in got, "page URL input: the article, not the menus (%s)" % r.stderr)


def warc_checks(port, feed):
    story = "http://127.0.0.1:%d/ft/story" % port
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    for j in ("1", "2"):
        os.makedirs(os.path.join(tmp, "j" + j), exist_ok=True)
    warc, cdx = os.path.join(tmp, "j1", "ft.warc"), os.path.join(tmp, "j1", "ft.cdxj")
    r = run("--to", "warc", "--full-text", "--offline", "--allow-loopback", "--cache-dir", cache, "-j", "1",
            feed, "-o", warc, "--cdx", cdx, env=env)
    check(r.returncode == 0, "warc: --full-text to WARC, exit 0 (%d: %s)" % (r.returncode, r.stderr))
    if r.returncode:
        return
    strict_checks(warc, "warc")
    recs = records(warc)
    resp = [(h, b) for h, b in recs if h["WARC-Type"] == "response" and h.get("WARC-Target-URI") == story]
    check(len(resp) == 1 and resp[0][1].startswith(b"HTTP/1.1 200") and b"SUBSCRIBE NOW" in resp[0][1],
          "warc: the page is one response record at its URL, as served (menus and all)")
    rid = resp[0][0]["WARC-Record-ID"] if resp else "?"
    req = [h for h, b in recs if h["WARC-Type"] == "request" and h.get("WARC-Target-URI") == story]
    check(len(req) == 1 and req[0].get("WARC-Concurrent-To") == rid, "warc: its request record, concurrent to it")
    conv = [(h, b) for h, b in recs if h["WARC-Type"] == "conversion"]
    check(len(conv) == 1 and conv[0][0].get("WARC-Target-URI") == story and conv[0][0].get("WARC-Refers-To") == rid
          and conv[0][0].get("Content-Type") == "text/html; charset=utf-8",
          "warc: the article is a conversion record at the page's URL referring to the response",
          [h for h, _ in conv])
    body = conv[0][1].decode() if conv else ""
    check("Paragraph 8 of the full story" in body and "SUBSCRIBE" not in body,
          "warc: the conversion holds the article, not the page's menus")
    same_url = [h["WARC-Type"] for h, _ in recs if h.get("WARC-Target-URI") == story
                and h["WARC-Type"] in ("resource", "response", "revisit")]
    check(same_url == ["response"], "warc: one capture of the page's URL (%s)" % same_url)
    lines = [l for l in open(cdx) if '"url": "%s"' % story in l]
    check(len(lines) == 1 and '"status": "200"' in lines[0] and '"mime": "text/html"' in lines[0],
          "warc: the CDXJ lists the page's response at its URL (%s)" % lines)
    warc2 = os.path.join(tmp, "j2", "ft.warc")
    r = run("--to", "warc", "--full-text", "--offline", "--allow-loopback", "--cache-dir", cache, "-j", "2",
            feed, "-o", warc2, env=env)
    check(r.returncode == 0 and open(warc, "rb").read() == open(warc2, "rb").read(),
          "warc: -j 1 and -j 2 write the same bytes")
    r = run("--to", "json", warc, "-o", os.path.join(tmp, "back.json"))
    back = json.load(open(os.path.join(tmp, "back.json"))) if r.returncode == 0 else []
    docs = back if isinstance(back, list) else back.get("articles", back.get("documents", []))
    check(r.returncode == 0 and len(docs) == 3,
          "warc: read back, one document per item (the page as served is not read again: %d)" % len(docs),
          r.stderr)

    # The same page as a URL input and as an item's page: one capture.
    both = os.path.join(tmp, "both.warc")
    r = run("--to", "warc", "--full-text", "--offline", "--allow-loopback", "--cache-dir", cache,
            story, feed, "-o", both, env=env)
    check(r.returncode == 0, "warc: page URL and feed, exit 0 (%s)" % r.stderr)
    if r.returncode == 0:
        strict_checks(both, "warc, page URL and feed")
        recs = records(both)
        resp = [h["WARC-Record-ID"] for h, _ in recs if h["WARC-Type"] == "response"
                and h.get("WARC-Target-URI") == story]
        refs = [h.get("WARC-Refers-To") for h, _ in recs if h["WARC-Type"] == "conversion"]
        check(len(resp) == 1 and refs == resp * 2,
              "warc: the page given as a URL and taken for an item is captured once, both conversions "
              "refer to that response (%s, %s)" % (resp, refs))
    redirect_checks(port, env)


def redirect_checks(port, env):
    story = "http://127.0.0.1:%d/ft/story" % port
    warc = os.path.join(tmp, "redir.warc")
    r = run("--to", "warc", "--full-text", "--allow-loopback", "--cache-dir", cache, "--timeout", "5",
            "http://127.0.0.1:%d/ft/redirfeed.xml" % port, "-o", warc, env=env)
    check(r.returncode == 0, "warc, redirected link: exit 0 (%s)" % r.stderr)
    if r.returncode:
        return
    strict_checks(warc, "warc, redirected link")
    recs = records(warc)
    at = sorted((h["WARC-Type"], h.get("WARC-Target-URI")) for h, _ in recs
                if "/goto" in h.get("WARC-Target-URI", "") or h.get("WARC-Target-URI") == story)
    want = sorted(("response request conversion metadata".split()[i], story) for i in range(4))
    check(at == want, "warc, redirected link: the page's response, request, conversion and metadata at "
          "the final URL, none at the link (%s)" % at)


def digest_checks(port, feed):
    feed2 = "http://127.0.0.1:%d/ft/feed2.xml" % port
    dc = os.path.join(tmp, "dcache")
    book = os.path.join(tmp, "digest.epub")
    args = ("--to", "epub", "--full-text", "--allow-loopback", "--cache-dir", dc, "--timeout", "5",
            "-o", book, feed, feed2)
    r = run(*args)
    text = book_text(book) if r.returncode == 0 and os.path.exists(book) else ""
    check(r.returncode == 0 and "Paragraph 8 of the full story" in text and "Leg 6 of regatta 1" in text
          and "Leg 6 of regatta 2" in text and "Copyright Harbour Sport" not in text,
          "digest: full articles from both feeds in one book (%d: %s)" % (r.returncode, r.stderr))
    if text:
        epubcheck([book])
        ace([book])
    before = hits(port)
    r = run(*args)
    after = hits(port)
    new = {p: after[p] - before.get(p, 0) for p in after if after[p] != before.get(p, 0)}
    check(r.returncode == 0 and new == {"/404": 1, "/to-private": 1},
          "digest: a second run with the cache requests neither feed nor page again, only the two "
          "failed links (%s)" % new)


def replay(port):
    """The page of a --full-text WACZ opened in ReplayWeb.page at its URL
    (the server already stopped): the original page, not newsconv's."""
    rwp = os.path.join(NPM, "replaywebpage", "package")
    missing = [w for w, ok in (("chromium", os.access("/usr/bin/chromium", os.X_OK)), ("node", shutil.which("node")),
                               ("npm puppeteer-core", os.path.isdir(os.path.join(NPM, "node_modules", "puppeteer-core"))),
                               ("npm replaywebpage", os.path.isfile(os.path.join(rwp, "sw.js")))) if not ok]
    if missing:
        print("replay check skipped: missing " + ", ".join(missing) + " (tools/deps.sh installs them)")
        return
    story = "http://127.0.0.1:%d/ft/story" % port
    site = os.path.join(tmp, "site")
    os.makedirs(site)
    wacz = os.path.join(site, "archive.wacz")
    r = run("--to", "wacz", "--full-text", "--offline", "--allow-loopback", "--cache-dir", cache,
            "http://127.0.0.1:%d/ft/feed.xml" % port, "-o", wacz, env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
    check(r.returncode == 0, "replay: --full-text to WACZ (%s)" % r.stderr)
    if r.returncode:
        return
    pages = [json.loads(l) for l in zipfile.ZipFile(wacz).read("pages/pages.jsonl").decode().splitlines()[1:]]
    check(story in [p["url"] for p in pages], "replay: pages.jsonl lists the page at its URL")
    os.symlink(rwp, os.path.join(site, "replay"))
    open(os.path.join(site, "page.html"), "w").write(
        '<!doctype html>\n<html><head><meta charset="utf-8"><title>replay</title>\n'
        '<script src="/replay/ui.js"></script></head>\n<body>\n'
        '<replay-web-page style="height: 600px; display: block" source="/archive.wacz" url="%s" '
        'replayBase="/replay/" embed="replayonly"></replay-web-page>\n</body></html>\n' % story)
    open(os.path.join(tmp, "jobs.json"), "w").write(json.dumps([{"html": "page.html", "url": story}]))
    procs = []

    def stop_all():
        for pid in reversed(procs):
            try:
                os.kill(pid, signal.SIGTERM)
            except (ProcessLookupError, PermissionError):
                pass
    web = subprocess.Popen([sys.executable, os.path.join(SRC, "tests", "warc", "range_server.py"), site,
                            "--lifetime", "150"], stdout=subprocess.PIPE, text=True)
    procs.append(web.pid)
    node = None
    watchdog = threading.Timer(120, stop_all)
    try:
        web_port = int(web.stdout.readline())
        node = subprocess.Popen(["node", os.path.join(SRC, "tests", "warc", "replay.js"), "http://127.0.0.1:%d" % web_port,
                                 os.path.join(tmp, "jobs.json"), os.path.join(tmp, "profile")], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=dict(os.environ, NODE_PATH=os.path.join(NPM, "node_modules")))
        procs.append(node.pid)
        watchdog.start()
        results = []
        for line in node.stdout:
            if line.startswith("pid "):
                procs.append(int(line.split()[1]))
            elif line.strip():
                results.append(json.loads(line))
        node.wait(timeout=30)
        res = results[0] if results else {}
        check(res.get("ok") and res.get("title") == "Pier rebuilt - Harbour News"
              and res.get("first", "").startswith("The harbour council voted"),
              "replay: ReplayWeb.page shows the original page at its URL (its <title>, its first paragraph)",
              json.dumps(res)[:600] + node.stderr.read()[-300:])
        print("replayed %s: title %r, first paragraph %r" % (story, res.get("title"), res.get("first", "")[:40]))
    finally:
        watchdog.cancel()
        stop_all()
        for p in (node, web):
            if p:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.kill(p.pid, signal.SIGKILL)


srv, port = start_server(lifetime=200, quiet=False)
try:
    main(port)
finally:
    srv.kill()
    srv.wait()
replay(port)  # the server stopped: only the archive can answer
done("fetch_full_text")
