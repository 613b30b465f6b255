#!/usr/bin/env python3
"""Inputs given as URLs, against tests/fetch/server.py on 127.0.0.1
(started here, stopped by its PID whatever happens):
1. a feed converts from its URL (--allow-loopback) into a book epubcheck
   passes, one chapter per item; relative links resolve against the
   item's link, else the final URL (after a redirect); an article with
   no source URL gets its URL; outputs are named after the URL;
2. a second run with the same --cache-dir sends no request, or only a
   conditional one answered 304 (the server logs every answer);
3. a redirect to a private address is refused with --allow-loopback
   only: exit 1, one line naming the URL, and no connection made (a
   listener on a private address of this machine, when it has one,
   sees nothing);
4. --offline with an empty cache fails in one line, without a request;
5. file:///etc/passwd (a scheme other than http/https) is refused;
6. without --allow-loopback nothing reaches 127.0.0.1;
7. a feed URL to WARC (and WACZ): the feed's own response and request
   records, once, before its first item, with the feed's bytes as
   payload; check_warc.py passes; an article URL gets no response record
   (its bytes are the input record, newsconv's page its capture);
8. a digest book of URL inputs (--group source) reads them like files."""
import ipaddress, json, os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.parse, urllib.request, zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, start_server, SRC, check, done, epubcheck  # noqa: E402

HERE = os.path.join(SRC, "tests", "fetch")
tmp = tempfile.mkdtemp()
cache = os.path.join(tmp, "cache")


def run(*args, cwd=tmp):
    t0 = time.time()
    r = subprocess.run([NC, *args], capture_output=True, text=True, timeout=120, cwd=cwd)
    r.elapsed = time.time() - t0
    return r


def log(port):
    return json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/__log", timeout=5))


def lines(r):
    return [l for l in r.stderr.splitlines() if l.strip()]


def chapters(book):
    opf = zipfile.ZipFile(book).read("OEBPS/content.opf").decode()
    return len(re.findall(r'<itemref idref="chapter-', opf))


def warc_records(raw):
    """(headers, block) of every record of an uncompressed WARC (or of
    gzip members, decompressed first)."""
    import gzip, io
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.GzipFile(fileobj=io.BytesIO(raw)).read()
    out, pos = [], 0
    while True:
        start = raw.find(b"WARC/1.", pos)
        if start < 0:
            return out
        he = raw.index(b"\r\n\r\n", start)
        h = {}
        for line in raw[start:he].decode("utf-8", "replace").split("\r\n")[1:]:
            k, _, v = line.partition(":")
            h[k.strip()] = v.strip()
        n = int(h.get("Content-Length", "0"))
        out.append((h, raw[he + 4:he + 4 + n]))
        pos = he + 4 + n


def json_docs(*args):
    out = os.path.join(tmp, "d.json")
    r = run("--to", "json", "-q", "--allow-loopback", "--cache-dir", cache, *args, "-o", out)
    check(r.returncode == 0, f"--to json {' '.join(args)}", r)
    if r.returncode:
        return []
    v = json.load(open(out))
    return v if isinstance(v, list) else [v]


def blocked_local_address():
    """A private address of this machine (refused by newsconv, reachable
    here), or None."""
    nets = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                                              "100.64.0.0/10", "fc00::/7")]
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for a in out.split():
        try:
            ip = ipaddress.ip_address(a)
        except ValueError:
            continue
        if any(ip.version == n.version and ip in n for n in nets):
            return ip
    return None


def private_redirect_makes_no_connection(base):
    ip = blocked_local_address()
    if ip is None:
        print("no private address on this machine: the listener check is skipped")
        return
    fam = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    try:
        ls.bind((str(ip), 0))
        ls.listen(8)
        lport = ls.getsockname()[1]
        host = f"[{ip}]" if ip.version == 6 else str(ip)
        # The control: the listener is reachable from here.
        c = socket.create_connection((str(ip), lport), timeout=5)
        ls.settimeout(5)
        ls.accept()[0].close()
        c.close()
        target = f"http://{host}:{lport}/feed.xml"
        url = f"{base}/goto?{urllib.parse.quote(target, safe='')}"
        r = run("--to", "epub", "--allow-loopback", "--no-cache", "--timeout", "5", url)
        check(r.returncode == 1 and len(lines(r)) == 1 and url in r.stderr and
              f"refused to connect to private address {ip}" in r.stderr,
              f"redirect to {target} refused in one line naming the URL", r)
        ls.setblocking(False)
        try:
            ls.accept()[0].close()
            check(False, f"no connection reaches {target}")
        except BlockingIOError:
            pass
    except OSError as e:
        print(f"listener on {ip} not possible ({e}): skipped")
    finally:
        ls.close()


def main(port):
    base = f"http://127.0.0.1:{port}"
    feed = f"{base}/feeds/news.xml"

    # 1. A feed from its URL: a valid book, one chapter per item.
    book = os.path.join(tmp, "news.epub")
    r = run("--to", "epub", "--allow-loopback", "--cache-dir", cache, feed, "-o", book)
    check(r.returncode == 0 and os.path.exists(book), "a feed URL converts to EPUB", r)
    if os.path.exists(book):
        check(chapters(book) == 3, f"3 items, 3 chapters ({chapters(book)})")
        epubcheck([book])
    first = [e for e in log(port) if e[0] == "/feeds/news.xml"]
    check(len(first) == 1 and first[0][1] == 200, f"the feed was fetched once ({first})")

    # Relative links: the item's link, else the final URL after a redirect.
    docs = json_docs(f"{base}/go/news")
    check(len(docs) == 3, f"3 documents through the redirect ({len(docs)})")
    if len(docs) == 3:
        check(docs[0]["source"] == feed + "#1", "documents are named after the final URL: " + docs[0]["source"])
        check(docs[0]["meta"]["source_url"] == base + "/posts/1", "a relative item link resolves against the feed URL")
        check([x["resolved"] for x in docs[0]["resources"]] == [base + "/img/one.png"],
              "an image resolves against the item's link")
        check(docs[2]["meta"]["source_url"] is None, "an item without a link gets no made-up source URL")
        check(base + "/feeds/more.html" in json.dumps(docs[2]["body"]),
              "a link of an item without a link resolves against the final URL")
    post = json_docs(f"{base}/post.md")
    check(len(post) == 1 and post[0]["meta"]["source_url"] == base + "/post.md" and
          [x["resolved"] for x in post[0]["resources"]] == [base + "/pic.png"],
          "an article without a source URL takes its URL, and relative images resolve against it")

    # Output names: after the last path segment, else the host, a feed's
    # items after their date and title; in the current directory (or -O).
    names = os.path.join(tmp, "names")
    os.mkdir(names)
    r = run("--to", "epub", "-q", "--allow-loopback", "--no-cache", f"{base}/post.md?x=1#top", cwd=names)
    r2 = run("--to", "md", "-q", "--allow-loopback", "--no-cache", "-O", "out", base + "/", cwd=names)
    got = sorted(os.listdir(names)) + sorted(os.listdir(os.path.join(names, "out")) if os.path.isdir(
        os.path.join(names, "out")) else [])
    check(r.returncode == 0 and r2.returncode == 0 and
          got == ["out", "post.epub", "2024-01-01-first-item.md", "2024-01-02-second-item.md",
                 "2024-01-03-third-item.md"],
          f"outputs named after the URL ({got})", r if r.returncode else r2)

    # 2. Again with the same cache: no request, or a conditional one answered 304.
    before = len(log(port))
    book2 = os.path.join(tmp, "news2.epub")
    r = run("--to", "epub", "--allow-loopback", "--cache-dir", cache, feed, "-o", book2)
    check(r.returncode == 0 and os.path.exists(book2) and chapters(book2) == 3, "the cached feed converts", r)
    again = [e for e in log(port)[before:] if e[0] == "/feeds/news.xml"]
    check(all(e[1] == 304 and e[2] for e in again), f"served from the cache: no full transfer ({again})")
    if os.path.exists(book) and os.path.exists(book2):
        check(open(book, "rb").read() == open(book2, "rb").read(), "the same book from the cache")

    # 3. A redirect to a private address: refused before connecting.
    for target in ("http://10.0.0.1/x.xml", "http://169.254.169.254/latest/meta-data/"):
        url = f"{base}/goto?{target}"
        r = run("--to", "epub", "--allow-loopback", "--no-cache", "--timeout", "5", url)
        host = urllib.parse.urlsplit(target).hostname
        check(r.returncode == 1 and len(lines(r)) == 1 and lines(r)[0].startswith(f"newsconv: {url}: ") and
              f"refused to connect to private address {host}" in r.stderr,
              f"redirect to {target} refused in one line naming the URL", r)
        check(r.elapsed < 4.5, f"refused without trying to connect ({r.elapsed:.1f}s)")
    private_redirect_makes_no_connection(base)

    # 4. --offline with an empty cache.
    before = len(log(port))
    r = run("--to", "epub", "--allow-loopback", "--offline", "--cache-dir", os.path.join(tmp, "empty"), feed)
    check(r.returncode == 1 and lines(r) == [f"newsconv: {feed}: not in the cache (--offline)"],
          "--offline with an empty cache fails in one line naming the URL", r)
    check(len(log(port)) == before, "--offline sends nothing")
    r = run("--to", "epub", "--allow-loopback", "--offline", "--cache-dir", cache, feed, "-o",
            os.path.join(tmp, "offline.epub"))
    check(r.returncode == 0 and chapters(os.path.join(tmp, "offline.epub")) == 3 and len(log(port)) == before,
          "--offline with the feed in the cache converts without a request", r)

    # 5. Schemes other than http and https.
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/feed.xml"):
        r = run("--to", "md", "--allow-private-network", url, "-o", os.path.join(tmp, "scheme.md"))
        check(r.returncode == 1 and lines(r)[0] == f"newsconv: {url}: not an http or https URL (only those are fetched)"
              and not os.path.exists(os.path.join(tmp, "scheme.md")), f"{url} is refused", r)

    # 7. A feed URL to WARC: the feed's exchange recorded, once.
    arc = os.path.join(tmp, "news.warc")
    r = run("--to", "warc", "--allow-loopback", "--no-cache", feed, f"{base}/post.md", "-o", arc)
    check(r.returncode == 0 and os.path.exists(arc), "a feed URL and an article URL to WARC", r)
    raw = open(arc, "rb").read() if os.path.exists(arc) else b""
    recs = warc_records(raw)
    resp = [(h, b) for h, b in recs if h.get("WARC-Type") == "response"]
    reqs = [(h, b) for h, b in recs if h.get("WARC-Type") == "request"]
    feed_resp = [(h, b) for h, b in resp if h.get("WARC-Target-URI") == feed]
    check(len(feed_resp) == 1 and len([1 for h, _ in reqs if h.get("WARC-Target-URI") == feed]) == 1,
          f"one response and one request for the feed ({[h.get('WARC-Target-URI') for h, _ in resp + reqs]})")
    served = urllib.request.urlopen(feed).read()
    if feed_resp:
        h, b = feed_resp[0]
        head, _, body = b.partition(b"\r\n\r\n")
        check(head.startswith(b"HTTP/1.1 200") and body == served, "its payload is the feed as served", head[:200])
        first_page = next((i for i, (hh, _) in enumerate(recs) if hh.get("WARC-Type") == "resource"), -1)
        check(recs.index(feed_resp[0]) < first_page, "the feed's records come before its first item's")
    check(not [1 for h, _ in resp if h.get("WARC-Target-URI") == f"{base}/post.md"],
          "an article URL: no response record (its bytes are the input record)")
    checker = os.path.join(os.environ.get("NC_SHARED", ""), "tools", "check_warc.py")
    if os.path.exists(checker):
        c = subprocess.run([sys.executable, checker, arc], capture_output=True, text=True, timeout=120)
        check(c.returncode == 0 and "0 errors, 0 warnings" in c.stdout, "check_warc.py on it", c.stdout[-400:])
    wacz = os.path.join(tmp, "news.wacz")
    r = run("--to", "wacz", "--allow-loopback", "--no-cache", feed, "-o", wacz)
    ok = r.returncode == 0 and os.path.exists(wacz)
    check(ok, "a feed URL to WACZ", r)
    if ok:
        z = zipfile.ZipFile(wacz)
        inner = b"".join(z.read(n) for n in z.namelist() if n.startswith("archive/"))
        check(any(h.get("WARC-Type") == "response" and h.get("WARC-Target-URI") == feed
                  for h, _ in warc_records(inner)), "the WACZ's WARC holds the feed's response")

    # 8. A digest of URL inputs.
    dg = os.path.join(tmp, "digest.epub")
    r = run("--to", "epub", "--allow-loopback", "--no-cache", "--group", "source", feed, "-o", dg)
    check(r.returncode == 0 and os.path.exists(dg) and chapters(dg) == 3, "a digest book of a feed URL", r)
    if os.path.exists(dg):
        epubcheck([dg])

    # 6. Without --allow-loopback nothing is requested.
    before = len(log(port))
    r = run("--to", "epub", "--no-cache", feed)
    check(r.returncode == 1 and "refused to connect to private address 127.0.0.1" in r.stderr and
          len(log(port)) == before, "a loopback URL is refused by default", r)


srv, port = start_server(lifetime=200)
try:
    main(port)
finally:
    srv.kill()
    srv.wait()
    shutil.rmtree(tmp, ignore_errors=True)
done("url_input")
