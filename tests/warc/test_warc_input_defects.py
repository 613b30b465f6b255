#!/usr/bin/env python3
"""Archives as input: the review's input rows 16, 17, 18, 21, 22 and
29 (one freshness function, a cache entry for an input URL), each with a
WARC written here modelled on its trigger in ../shared/review/input.
16. a page whose charset is only in its HTTP Content-Type is read in it;
17. a Content-Length too long or too short: warned, the next record not
    swallowed, every page kept;
18. a page or image whose body cannot be decoded (brotli, bad chunking)
    is skipped with a warning naming its record;
21. Content-Encoding inflation counts in the archive's 1 GB budget;
22. a limit keeps what was read before it, with a warning (a .warc.gz
    inflating past 1 GB, a WACZ member claiming 2 GB);
29. a cached input whose .meta has date -9223372036854775808 is stale
    (no signed overflow; the server's copy is used).
Output row 27: --shard splits by the hash the README defines."""
import gzip, hashlib, http.server, json, os, resource, subprocess, sys, tempfile, threading, uuid, zipfile, zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, check, done  # noqa: E402

tmp = tempfile.mkdtemp()
AH = "application/http; msgtype=response"


def record(typ, uri, block, ctype=AH, length=None, extra=b""):
    n = len(block) if length is None else length
    head = (b"WARC/1.1\r\nWARC-Type: " + typ.encode() +
            b"\r\nWARC-Record-ID: <urn:uuid:" + str(uuid.uuid4()).encode() + b">\r\n" +
            (b"WARC-Target-URI: " + uri.encode() + b"\r\n" if uri else b"") +
            b"WARC-Date: 2024-05-01T08:00:00Z\r\nContent-Type: " + ctype.encode() + b"\r\n" + extra +
            b"Content-Length: " + str(n).encode() + b"\r\n\r\n")
    return head + block + b"\r\n\r\n"


def response(body, ctype="text/html; charset=utf-8", extra=b""):
    return (b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype.encode() + b"\r\n" + extra +
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def html(title, text):
    return f"<html><head><title>{title}</title></head><body><p>{text}</p></body></html>".encode()


def page(n, title=None, text=None):
    return record("response", f"http://site.test/{n}.html",
                  response(html(title or f"Page {n}", text or f"Text of page {n}")))


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def convert(path, *extra, timeout=300):
    return subprocess.run([NC, "--to", "json", "-o", "-", *extra, path], capture_output=True, timeout=timeout)


def docs_of(r):
    try:
        v = json.loads(r.stdout.decode())
    except ValueError:
        return []
    return v if isinstance(v, list) else [v]


def texts(docs):
    return [json.dumps(d, ensure_ascii=False) for d in docs]


# ---- 16: the HTTP charset -----------------------------------------------------
ru = "<html><head><title>Вести</title></head><body><p>Здравствуй, мир: проверка.</p></body></html>"
p = write("charset.warc", record("response", "http://site.test/ru.html",
                                 response(ru.encode("koi8_r"), "text/html; charset=KOI8-R")))
r = convert(p)
d = docs_of(r)
check(len(d) == 1 and "Здравствуй, мир" in texts(d)[0] and d[0].get("meta", {}).get("title") == "Вести",
      "input row 16: the HTTP Content-Type charset (KOI8-R) is honoured", r)
check(b"no charset declared" not in r.stderr, "input row 16: no false 'no charset declared' warning", r)
lat = "<html><head><title>Caf\u00e9</title></head><body><p>\u201cquoted\u201d na\u00efve</p></body></html>"
p = write("latin1.warc", record("response", "http://site.test/l.html",
                                response(lat.encode("cp1252"), 'text/html; charset="iso-8859-1"')))
r = convert(p)
check("\u201cquoted\u201d" in "".join(texts(docs_of(r))),
      "input row 16: an ISO-8859-1 HTTP label is read as windows-1252 (WHATWG)", r)

# ---- 17: a wrong Content-Length ---------------------------------------------------
blk = response(html("First", "First page text"))
p2, p3 = page(2), page(3)
for name, length in (("too long", len(blk) + 4 + len(p2)), ("too short", len(blk) - 25)):
    p = write("cl.warc", record("response", "http://site.test/1.html", blk, length=length) + p2 + p3)
    r = convert(p)
    d = texts(docs_of(r))
    check(len(d) == 3 and "First page text" in d[0] and "Text of page 2" in d[1] and "Text of page 3" in d[2],
          f"input row 17: Content-Length {name}: three pages, none swallowed", r)
    check(not any("WARC-Type" in t or "WARC/1.1" in t for t in d),
          f"input row 17: Content-Length {name}: no record header inside a page", d[:1])
    check(b"Content-Length" in r.stderr and b"record" in r.stderr,
          f"input row 17: Content-Length {name}: warned", r)
    check(r.returncode == 0, f"input row 17: Content-Length {name}: exit 0", r)

# ---- 18: a body that cannot be decoded is warned about -----------------------------
bad = {
    "brotli": record("response", "http://site.test/br.html",
                     response(b"\x1b\x00\x00\x00not really brotli", extra=b"Content-Encoding: br\r\n")),
    "bad chunked": record("response", "http://site.test/ch.html",
                          b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n" +
                          b"2000\r\n" + html("Chunked", "short chunk") + b"\r\n0\r\n\r\n"),
    "brotli image": record("response", "http://site.test/i.png",
                           response(b"\x1b\x00garbage", "image/png", extra=b"Content-Encoding: br\r\n")),
}
for name, rec in bad.items():
    rid = rec.split(b"WARC-Record-ID: ")[1].split(b"\r\n")[0]
    p = write("bad.warc", page(1) + rec + page(3))
    r = convert(p)
    d = docs_of(r)
    check(len(d) == 2, f"input row 18: {name}: the pages around it are kept", r)
    check(rid in r.stderr and b"skipped" in r.stderr,
          f"input row 18: {name}: a warning naming the record ({rid.decode()})", r)

# ---- 21 and 22: the 1 GB budget ----------------------------------------------------
def bomb(i, mb=110):
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = z.compress(b"\0" * (mb << 20)) + z.flush()
    return record("response", f"http://site.test/b{i}.png",
                  response(body, "image/png", extra=b"Content-Encoding: gzip\r\n"))


bombs = b"".join(bomb(i) for i in range(10))  # 1.1 GB inflated, 1.1 MB written
p = write("bombs.warc", page(1) + bombs + page(2))
r = convert(p)
check(b"1024 MB" in r.stderr, "input row 21: Content-Encoding inflation counts in the 1 GB budget (warned)", r)
d = texts(docs_of(r))
check(len(d) >= 1 and "Text of page 1" in d[0],
      "input row 22: the page read before the budget ran out is kept", r)
check(r.returncode == 0, "input row 22: a budget reached is a warning, not a failure", r)

# A .warc.gz that inflates past 1 GB: a page, then 1.1 GB of one record.
big = gzip.compress(page(1)) + gzip.compress(page(2))
z = zlib.compressobj(6, zlib.DEFLATED, 31)
filler = (b"WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:x>\r\nContent-Length: "
          + str(120 << 20).encode() + b"\r\n\r\n")
chunks = [z.compress(filler)]
for _ in range(10):
    chunks.append(z.compress(b"\0" * (120 << 20)))
    chunks.append(z.compress(b"\r\n\r\n" + filler))
chunks.append(z.flush())
p = write("over.warc.gz", big + b"".join(chunks))
r = convert(p)
d = texts(docs_of(r))
check(len(d) == 2 and "Text of page 2" in d[1], "input row 22: a .warc.gz past 1 GB keeps the pages before", r)
check(b"1024 MB" in r.stderr and r.returncode == 0, "input row 22: .warc.gz past 1 GB: warned, exit 0", r)

# A WACZ whose second member claims 2 GB.
good = page(1)
wacz = os.path.join(tmp, "lying.wacz")
with zipfile.ZipFile(wacz, "w", zipfile.ZIP_DEFLATED) as zf:
    zf.writestr("archive/a.warc", good)
    zf.writestr("archive/b.warc", page(2))
    zf.writestr("datapackage.json", "{}")
raw = bytearray(open(wacz, "rb").read())
# The central directory's uncompressed size of archive/b.warc: 2^31 - 1.
i = raw.find(b"PK\x01\x02")
while i >= 0:
    nlen = int.from_bytes(raw[i + 28:i + 30], "little")
    if raw[i + 46:i + 46 + nlen] == b"archive/b.warc":
        raw[i + 24:i + 28] = (2**31 - 1).to_bytes(4, "little")
    i = raw.find(b"PK\x01\x02", i + 4)
open(wacz, "wb").write(raw)
r = convert(wacz)
d = texts(docs_of(r))
check(len(d) >= 1 and "Text of page 1" in d[0],
      "input row 22: a WACZ member claiming 2 GB does not lose the member before it", r)

# ---- 29: one freshness function (a cached input URL) --------------------------------
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"---\ntitle: From the server\n---\n<p>served fresh</p>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=srv.serve_forever, daemon=True).start()
try:
    url = f"http://127.0.0.1:{srv.server_address[1]}/post.html"
    cache = os.path.join(tmp, "cache")
    os.makedirs(cache)
    key = hashlib.sha1(url.encode()).hexdigest()
    with open(os.path.join(cache, key + ".meta"), "w") as f:
        f.write(f"url: {url}\ndate: -9223372036854775808\nmax-age: 86400\nstatus: 200\n")
    for ext, data in ((".body", b"---\ntitle: From the cache\n---\n<p>stale copy</p>\n"),
                      (".head", b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"), (".req", b"")):
        with open(os.path.join(cache, key + ext), "wb") as f:
            f.write(data)
    r = subprocess.run([NC, "--allow-loopback", "--cache-dir", cache, "--to", "md", "-o", "-", url],
                       capture_output=True, timeout=120)
    check(b"served fresh" in r.stdout and b"stale copy" not in r.stdout,
          "input row 29: a cache date of -2^63 is stale for an input URL (one freshness check)", r)
    check(b"runtime error" not in r.stderr, "input row 29: no signed overflow", r)
finally:
    srv.shutdown()

# ---- output row 27: shards by the documented hash -------------------------------------
sd = os.path.join(tmp, "shards")
os.makedirs(os.path.join(sd, "in"))
for x in "abcd":
    with open(os.path.join(sd, "in", x + ".txt"), "w") as f:
        f.write(f"---\ntitle: {x}\n---\n<p>{x}</p>\n")


def shard_of(path, n):
    h = 1469598103934665603
    for b in path.encode():
        h = ((h ^ b) * 1099511628211) % 2**64
    return (h ^ (h >> 29)) % n


for i in (0, 1):
    r = subprocess.run([NC, "--shard", f"{i}/2", "--to", "md", "in", "-O", f"o{i}"], cwd=sd,
                       capture_output=True, timeout=60)
    got = sorted(os.listdir(os.path.join(sd, f"o{i}"))) if os.path.isdir(os.path.join(sd, f"o{i}")) else []
    want = sorted(x + ".md" for x in "abcd" if shard_of(f"in/{x}.txt", 2) == i)
    check(got == want and want == (["a.md", "b.md"] if i == 0 else ["c.md", "d.md"]),
          f"output row 27: --shard {i}/2 keeps the README's hash of the path ({got})", r)

done("warc_input_defects")
