#!/usr/bin/env python3
"""WARC and WACZ as input (issue 11).
1. Round trip: fixtures -> .warc.gz / .warc -> JSON equals the fixtures'
   own JSON (source names aside); Markdown bodies equal; the EPUB made
   from the archive passes epubcheck.
2. Images from the archive, no network: an archive made with
   --fetch-images from tests/fetch/server.py gives an EPUB with the
   images after the server is gone; --fetch-images on it keeps them; a
   WARC written from it holds them again.
3. A foreign WARC written here by hand (chunked HTML page with <title>
   and og:url, an image, a revisit, a redirect, a 404 page), plain, gzip
   per record, gzip as one member, in a WACZ, and cut short.
4. Every corpus article's WARC reads back to identical JSON.
5. Markdown posts and feeds (fixtures, and ../shared's posts and feeds)
   through .warc.gz and WACZ read back to identical JSON: the input
   record is read by the reader its bytes call for, and a feed item's
   input record is the feed holding that item alone.  A bare <item>
   archived by earlier builds still reads."""
import glob, gzip, io, json, os, shutil, struct, subprocess, sys, tempfile, zipfile, zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, start_server, SRC, SHARED, check, done  # noqa: E402

tmp = tempfile.mkdtemp()
FETCH = os.path.join(SRC, "tests", "fetch")
fixtures = sorted(glob.glob(os.path.join(SRC, "fixtures", "*.txt")))
EPUBCHECK = "/usr/bin/epubcheck"


def run(*args, timeout=300):
    return subprocess.run([NC, "-q", *args], capture_output=True, timeout=timeout)


def json_of(*args):
    out = os.path.join(tmp, "j.json")
    r = run("--to", "json", *args, "-o", out)
    check(r.returncode == 0, f"--to json {' '.join(os.path.basename(a) for a in args)}", r)
    if r.returncode:
        return []
    v = json.load(open(out))
    return v if isinstance(v, list) else [v]


def strip_source(docs):
    return [{k: v for k, v in d.items() if k != "source"} for d in docs]


def epubcheck(path, what):
    if not os.path.exists(EPUBCHECK):
        return
    r = subprocess.run(["java", "-jar", EPUBCHECK, path], capture_output=True, timeout=300)
    check(r.returncode == 0, f"epubcheck {what}", r)


# ---- 1. round trip ----------------------------------------------------------
want = json_of(*fixtures)
for ext in (".warc.gz", ".warc"):
    arc = os.path.join(tmp, "fx" + ext)
    r = run("--to", "warc", *fixtures, "-o", arc)
    check(r.returncode == 0, f"fixtures -> {ext}", r)
    got = json_of(arc)
    check(len(got) == len(fixtures), f"{ext}: one document per archived article ({len(got)})")
    check(strip_source(got) == strip_source(want), f"{ext}: JSON equals the originals'")
    names = [d.get("source", "") for d in got]
    check(names == [arc + "#" + os.path.basename(f) for f in fixtures],
          f"{ext}: source names are ARCHIVE#input-file", names[:2])
    check(run("--from", "warc", "--to", "json", arc, "-o", os.path.join(tmp, "k.json")).returncode == 0,
          f"{ext}: --from warc")

arc = os.path.join(tmp, "fx.warc.gz")
md_a, md_b = os.path.join(tmp, "md-a"), os.path.join(tmp, "md-b")
r1 = run("--to", "md", "-O", md_a, arc)
r2 = run("--to", "md", "-O", md_b, *fixtures)
check(r1.returncode == 0 and r2.returncode == 0, "--to md -O from archive and originals", r1 if r1.returncode else r2)
bodies = lambda d: sorted(open(p, "rb").read() for p in glob.glob(os.path.join(d, "*.md")))
check(len(bodies(md_a)) == len(fixtures) and bodies(md_a) == bodies(md_b), "same Markdown from the archive")
book = os.path.join(tmp, "fx.epub")
r = run("--to", "epub", arc, "-o", book)
check(r.returncode == 0, "--to epub from the archive", r)
epubcheck(book, "of the fixtures' archive")

# Not a WARC: refused with --from warc, left to the HTML reader otherwise.
r = run("--from", "warc", "--to", "json", fixtures[0], "-o", os.path.join(tmp, "n.json"))
check(r.returncode != 0 and b"not a WARC" in r.stderr, "--from warc refuses an article", r)

# ---- 2. images from the archive, no network --------------------------------
srv, port = start_server(lifetime=120)
try:
    base = f"http://127.0.0.1:{port}"
    art = os.path.join(tmp, "pics.txt")
    open(art, "w").write(
        f"---\ntitle: Pictures\nauthor: test\ndate: 2024-01-02 03:04:05\nheadimg: {base}/img/cover.gif\n---\n"
        f'<p><img src="{base}/img/a.png" alt="a"></p>\n<p><img src="{base}/img/b.jpg" alt="b"></p>\n'
        f'<p><img src="{base}/same/a.png" alt="same bytes"></p>\n')
    pics = os.path.join(tmp, "pics.warc.gz")
    r = run("--to", "warc", "--fetch-images", "--allow-loopback", "--cache-dir", os.path.join(tmp, "cache"),
            "--timeout", "5", art, "-o", pics)
    check(r.returncode == 0, "archive made with --fetch-images", r)
finally:
    srv.kill()
    srv.wait()

docs = json_of(pics)
res = {x["resolved"].split(str(port), 1)[-1]: x for d in docs for x in d["resources"]}
for p in ("/img/cover.gif", "/img/a.png", "/img/b.jpg", "/same/a.png"):
    check(res.get(p, {}).get("state") == "cached" and res[p].get("sha1"), f"{p} from the archive (revisit too)",
          res.get(p))
pbook = os.path.join(tmp, "pics.epub")
r = run("--to", "epub", pics, "-o", pbook)
check(r.returncode == 0, "--to epub from the image archive, server gone", r)
if r.returncode == 0:
    imgs = [n for n in zipfile.ZipFile(pbook).namelist() if "images/" in n]
    check(len(imgs) >= 3, f"the EPUB embeds the archived images ({imgs})")
    epubcheck(pbook, "with archived images")
# --fetch-images on an archive does not replace what it holds (nothing listens now).
docs = json_of("--fetch-images", "--allow-loopback", "--timeout", "1", "--no-cache", pics)
check(docs and all(x["state"] == "cached" for x in docs[0]["resources"]), "--fetch-images keeps archived images",
      docs and docs[0]["resources"])
# A WARC written from the archive holds the images again.
again = os.path.join(tmp, "again.warc")
r = run("--to", "warc", pics, "-o", again)
data = open(again, "rb").read() if r.returncode == 0 else b""
# (The revisit is not written again: newsconv stores no request for it.)
check(r.returncode == 0 and data.count(b"WARC-Type: response") == 3 and data.count(b"WARC-Type: request") == 3,
      "WARC from the archive re-archives its images", r)


# ---- 3. a foreign WARC ------------------------------------------------------
PNG = (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
       + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) & 0xffffffff))
raw = zlib.compress(b"\x00\xff\x00\x00")
PNG += struct.pack(">I", len(raw)) + b"IDAT" + raw + struct.pack(">I", zlib.crc32(b"IDAT" + raw) & 0xffffffff)
PNG += struct.pack(">I", 0) + b"IEND" + struct.pack(">I", zlib.crc32(b"IEND") & 0xffffffff)
PAGE = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Harbour opens</title>"
        "<meta property=\"og:url\" content=\"https://news.example/story\">"
        "<meta property=\"article:published_time\" content=\"2024-03-04T05:06:07Z\"></head>"
        "<body><article><h1>Harbour opens</h1><p>The new harbour opened today.</p>"
        "<p><img src=\"/img/pic.png\" alt=\"pic\"></p><p><img src=\"dup.png\" alt=\"dup\"></p>"
        "<p><img src=\"/moved.png\" alt=\"moved\"></p><p><img src=\"/gone.png\" alt=\"gone\"></p>"
        "</article></body></html>").encode()


def record(typ, uri, block, ctype="application/http; msgtype=response", extra=""):
    head = (f"WARC/1.0\r\nWARC-Type: {typ}\r\nWARC-Record-ID: <urn:uuid:{abs(hash((typ, uri))):032x}>\r\n"
            f"WARC-Date: 2024-03-04T05:06:07Z\r\nWARC-Target-URI: {uri}\r\n{extra}"
            f"Content-Type: {ctype}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def http(status, ctype, body, chunked=False, more=""):
    if chunked:
        body = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 100]), body[i:i + 100]) for i in range(0, len(body), 100)) + b"0\r\n\r\n"
        te = "Transfer-Encoding: chunked\r\n"
    else:
        te = f"Content-Length: {len(body)}\r\n"
    return f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\n{te}{more}\r\n".encode() + body


S = "https://news.example"
recs = [
    record("warcinfo", "", b"software: hand\r\n", "application/warc-fields").replace(b"WARC-Target-URI: \r\n", b""),
    record("request", S + "/story", b"GET /story HTTP/1.1\r\nHost: news.example\r\n\r\n", "application/http; msgtype=request"),
    record("response", S + "/story", http(200, "text/html; charset=utf-8", PAGE, chunked=True)),
    record("response", S + "/img/pic.png", http(200, "image/png", PNG)),
    record("revisit", S + "/dup.png", http(200, "image/png", b""),
           extra=f"WARC-Refers-To-Target-URI: {S}/img/pic.png\r\nWARC-Profile: http://netpreserve.org/warc/1.0/revisit/identical-payload-digest\r\n"),
    record("response", S + "/moved.png", http(301, "text/html", b"", more=f"Location: {S}/img/pic.png\r\n")),
    record("response", S + "/missing", http(404, "text/html", b"<title>Not found</title>")),
]
plain = b"".join(recs)
variants = {
    "plain.warc": plain,
    "members.warc.gz": b"".join(gzip.compress(r) for r in recs),
    "onemember.warc.gz": gzip.compress(plain),
}
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, "w") as z:
    z.writestr("datapackage.json", "{}")
    z.writestr("archive/data.warc.gz", variants["members.warc.gz"])
variants["crawl.wacz"] = zbuf.getvalue()
for name, data in variants.items():
    path = os.path.join(tmp, name)
    open(path, "wb").write(data)
    docs = json_of(path)
    check(len(docs) == 1, f"{name}: one page, the 404 skipped ({len(docs)})")
    if not docs:
        continue
    d = docs[0]
    m = d["meta"]
    check(m.get("title") == "Harbour opens", f"{name}: title from <title>", m.get("title"))
    check(m.get("source_url") == S + "/story", f"{name}: source is the WARC-Target-URI", m.get("source_url"))
    check((m.get("date") or "").startswith("2024-03-04T05:06:07"), f"{name}: date from article:published_time", m.get("date"))
    st = {x["resolved"]: x["state"] for x in d["resources"]}
    check(st.get(S + "/img/pic.png") == "cached" and st.get(S + "/dup.png") == "cached"
          and st.get(S + "/moved.png") == "cached", f"{name}: image, revisit and redirect from the archive", st)
    check(st.get(S + "/gone.png") == "remote", f"{name}: an image not archived stays remote", st)
    check("The new harbour opened today." in json.dumps(d["body"]), f"{name}: body text (de-chunked)")
book = os.path.join(tmp, "foreign.epub")
r = run("--to", "epub", os.path.join(tmp, "crawl.wacz"), "-o", book)
check(r.returncode == 0 and any("images/" in n for n in zipfile.ZipFile(book).namelist()),
      "EPUB from a WACZ embeds its image", r)

# Cut short: the records before the cut still give their documents, with a warning.
cut = os.path.join(tmp, "cut.warc.gz")
open(cut, "wb").write(variants["members.warc.gz"][:-40])
r = subprocess.run([NC, "--to", "json", cut, "-o", os.path.join(tmp, "cut.json")], capture_output=True, timeout=60)
check(r.returncode == 0 and b"cut off" in r.stderr, "a cut archive keeps what came before, with a warning", r)
open(cut, "wb").write(b"WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 99999\r\n\r\nshort")
r = run("--to", "json", cut, "-o", os.path.join(tmp, "cut.json"))
check(r.returncode != 0 and b"truncated" in r.stderr, "an archive with nothing readable fails", r)

# ---- 4. the corpus ------------------------------------------------------------
corpus = os.path.join(SHARED, "corpus")
if os.path.isdir(corpus):
    arts = sorted(glob.glob(os.path.join(corpus, "*.txt")))
    wdir, ja, jb = (os.path.join(tmp, x) for x in ("cw", "cja", "cjb"))
    r = run("--to", "warc", "-O", wdir, *arts)
    check(r.returncode == 0, "corpus: one WARC per article", r)
    r1 = run("--to", "json", "-O", ja, *sorted(glob.glob(os.path.join(wdir, "*.warc"))))
    r2 = run("--to", "json", "-O", jb, *arts)
    check(r1.returncode == 0 and r2.returncode == 0, "corpus: JSON from archives and originals", r1 if r1.returncode else r2)
    bad = []
    for a in arts:
        n = os.path.basename(a)[:-4] + ".json"
        try:
            x, y = json.load(open(os.path.join(ja, n))), json.load(open(os.path.join(jb, n)))
        except (OSError, ValueError) as e:
            bad.append((n, str(e)))
            continue
        if strip_source([x]) != strip_source([y]):
            bad.append(n)
    check(not bad and len(arts) > 0, f"corpus: {len(arts) - len(bad)}/{len(arts)} articles read back identical", bad[:5])
else:
    print("corpus absent: part 4 skipped")

# ---- 5. posts and feeds -------------------------------------------------------
def same(d):
    """A document less its source name and the warning that its feed was
    repaired: the archive holds the item as read, well-formed."""
    d = strip_source([d])[0]
    d["warnings"] = [w for w in d.get("warnings", []) if "not well-formed XML" not in w]
    return d


def round_trip(inputs, what):
    want = json_of(*inputs)
    for ext in (".warc.gz", ".wacz"):
        arc = os.path.join(tmp, "pf" + ext)
        r = run("--to", "wacz" if ext == ".wacz" else "warc", *inputs, "-o", arc)
        check(r.returncode == 0, f"{what} -> {ext}", r)
        got = json_of(arc)
        check(len(got) == len(want) and len(want) > 0, f"{what} {ext}: {len(got)} documents of {len(want)}")
        bad = [w.get("source") for w, g in zip(want, got) if same(w) != same(g)]
        check(not bad, f"{what} {ext}: JSON equals the originals' ({len(want) - len(bad)}/{len(want)})", bad[:3])


round_trip(sorted(glob.glob(os.path.join(SRC, "fixtures", "posts", "*.md"))), "fixture posts")
round_trip(sorted(glob.glob(os.path.join(SRC, "fixtures", "feeds", "*.xml")) +
                  glob.glob(os.path.join(SRC, "fixtures", "feeds", "*.rdf"))), "fixture feeds")
for sub, pat in (("posts", "*.md"), ("feeds", "*.xml")):
    found = sorted(glob.glob(os.path.join(SHARED, sub, pat)))
    readable = [f for f in found if run("--to", "json", f, "-o", os.path.join(tmp, "probe.json")).returncode == 0]
    if readable:
        round_trip(readable, f"shared {sub}")
    else:
        print(f"../shared/{sub} absent: skipped")

# An input record as earlier builds wrote a feed item: the <item> alone,
# its dc: prefix undeclared.
item = (b"<item><title>Old archive item</title><link>https://example.org/old</link>"
        b"<dc:creator>Ann Author</dc:creator><pubDate>Fri, 01 Mar 2024 10:00:00 GMT</pubDate>"
        b"<description>&lt;p&gt;Body text kept.&lt;/p&gt;</description></item>")
old = os.path.join(tmp, "old-item.warc")
open(old, "wb").write(b"WARC/1.1\r\nWARC-Type: resource\r\n"
                      b"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\n"
                      b"WARC-Date: 2024-03-01T10:00:00Z\r\nWARC-Target-URI: urn:newsconv:input:X\r\n"
                      b"Content-Type: text/plain; charset=utf-8\r\n"
                      b"Content-Length: " + str(len(item)).encode() + b"\r\n\r\n" + item + b"\r\n\r\n")
got = json_of(old)
check(len(got) == 1 and got[0]["meta"].get("title") == "Old archive item" and
      got[0]["meta"].get("authors") == ["Ann Author"], "a bare <item> input record reads as that item", got[:1])

shutil.rmtree(tmp, ignore_errors=True)
done("warc_input")
