#!/usr/bin/env python3
"""Replayable page URLs (--base-url, the http://newsconv.invalid/
default) and WACZ 1.1.1 (--to wacz): the zip's entries, the STORED WARC,
hashes and sizes recomputed here, pages.jsonl, the CDXJ pointing at real
records, check_warc.py on the inner WARC, and -j 1 vs -j 2 byte-identical
under SOURCE_DATE_EPOCH."""
import glob, hashlib, io, json, os, re, shutil, subprocess, sys, tempfile, zipfile, zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, start_server, SRC, SHARED, check, done  # noqa: E402

CHECK = os.path.join(SHARED, "tools", "check_warc.py")
tmp = tempfile.mkdtemp()
env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
fixtures = sorted(glob.glob(os.path.join(SRC, "fixtures", "*.txt")))
SOURCED = "https://news.example.org/2020/saved"  # no-frontmatter.txt's own URL


def run(*args, e=env):
    return subprocess.run([NC, "-q", *args], capture_output=True, timeout=300, env=e)


def records(data):
    """(headers, block) of every record of a WARC, gzip per record or not."""
    if data[:2] == b"\x1f\x8b":
        out, pos = [], 0
        while pos < len(data):
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += records(d.decompress(data[pos:]))
            pos = len(data) - len(d.unused_data)
        return out
    res, pos = [], 0
    while pos < len(data):
        end = data.index(b"\r\n\r\n", pos)
        h = dict(l.split(": ", 1) for l in data[pos:end].decode().split("\r\n")[1:])
        n = int(h["Content-Length"])
        res.append((h, data[end + 4:end + 4 + n]))
        pos = end + 4 + n + 4
    return res


def pages_of(recs):
    return [(h, b) for h, b in recs if h["WARC-Type"] == "resource" and h.get("Content-Type", "").startswith("text/html")]


# 1. --base-url: every page at an http URL under it; links between records kept.
out = os.path.join(tmp, "base.warc")
r = run("--to", "warc", "--base-url", "https://archive.example.org/news", *fixtures, "-o", out)
check(r.returncode == 0, "--to warc --base-url", r)
recs = records(open(out, "rb").read())
pages = pages_of(recs)
urls = [h["WARC-Target-URI"] for h, _ in pages]
check(len(pages) == len(fixtures), f"one page per article ({len(pages)})")
made = [u for u in urls if u != SOURCED]
check(SOURCED in urls, "an article with an http(s) source keeps it as its page URL")
pat = re.compile(r"^https://archive\.example\.org/news/(\d{4}/\d{2}/\d{2}/)?([a-z0-9-]+-)?[0-9a-f]{12}\.html$")
check(all(pat.match(u) for u in made), "other pages at base/YYYY/MM/DD/<slug>-<sha1>.html", made)
check(len(set(urls)) == len(urls), "page URLs are unique")
check("https://archive.example.org/news/2021/03/22/photo-essay-harbour-at-dawn-" in " ".join(urls),
      "date and ASCII title make the slug", urls)
check(not any(h.get("WARC-Target-URI", "").startswith("urn:newsconv:article:") for h, _ in recs), "no urn: page URLs left")
ids = {h["WARC-Record-ID"]: h for h, _ in pages}
meta = [h for h, _ in recs if h["WARC-Type"] == "metadata"]
inputs = [h for h, _ in recs if h.get("WARC-Target-URI", "").startswith("urn:newsconv:input:")]
check(len(meta) == len(pages) and all(ids.get(h.get("WARC-Refers-To"), {}).get("WARC-Target-URI") == h["WARC-Target-URI"]
                                      for h in meta), "each metadata record refers to its page, at the page's URL")
check(len(inputs) == len(pages) and all(h.get("WARC-Concurrent-To") in ids for h in inputs),
      "each urn: input record is concurrent to its page")
check(all(b"<style>" in b and b"line-height" in b for _, b in pages), "pages carry an inline stylesheet")
again = os.path.join(tmp, "again.warc")
run("--to", "warc", "--base-url", "https://archive.example.org/news/", *reversed(fixtures), "-o", again, "-j", "3")
check(sorted(urls) == sorted(h["WARC-Target-URI"] for h, _ in pages_of(records(open(again, "rb").read()))),
      "page URLs do not depend on order, threads or a trailing slash")

# 2. The default: http://newsconv.invalid/ (RFC 2606 reserved).
out = os.path.join(tmp, "default.warc")
r = run("--to", "warc", *fixtures, "-o", out)
check(r.returncode == 0, "--to warc without --base-url", r)
urls = [h["WARC-Target-URI"] for h, _ in pages_of(records(open(out, "rb").read()))]
check(all(u == SOURCED or u.startswith("http://newsconv.invalid/") for u in urls), "default page URLs", urls)
for bad in ("ftp://x.org/", "https://x.org/a b", "https://x.org/?q=1", "http:///x", "x.org"):
    r = run("--to", "warc", "--base-url", bad, fixtures[0], "-o", os.path.join(tmp, "bad.warc"))
    check(r.returncode == 2 and b"--base-url" in r.stderr, f"--base-url {bad!r} refused (usage)", r)
r = run("--to", "md", "--base-url", "https://x.org/", fixtures[0], "-o", os.path.join(tmp, "x.md"))
check(r.returncode == 2, "--base-url is refused for --to md", r)
r = run("--to", "wacz", "--cdx", os.path.join(tmp, "x.cdxj"), fixtures[0], "-o", os.path.join(tmp, "x.wacz"))
check(r.returncode == 2, "--cdx is refused for --to wacz (it holds its own index)", r)

# 3. A redirected image: the page points at the URL actually archived.
srv, port = start_server(lifetime=60)
try:
    art = os.path.join(tmp, "redir.txt")
    open(art, "w").write(f'---\ntitle: Redirected\ndate: 2024-01-02\n---\n<p><img src="http://127.0.0.1:{port}/redirect/r.png" alt="r"></p>\n')
    out = os.path.join(tmp, "redir.warc")
    r = run("--to", "warc", "--fetch-images", "--allow-loopback", "--no-cache", art, "-o", out)
    check(r.returncode == 0, "fetch a redirected image into a WARC", r)
    recs = records(open(out, "rb").read())
    page = pages_of(recs)[0][1].decode()
    final = f"http://127.0.0.1:{port}/img/r.png"
    check(f'src="{final}"' in page and "/redirect/" not in page, "the page's img src is the final URL", page[-400:])
    check(any(h["WARC-Type"] == "response" and h["WARC-Target-URI"] == final for h, _ in recs),
          "a response record answers for that URL")
finally:
    srv.terminate()
    srv.wait(timeout=10)

# 4. WACZ.
wdir = os.path.join(tmp, "w")
os.makedirs(wdir)
wacz = os.path.join(wdir, "all.wacz")
r = run("--to", "wacz", "-j", "1", *fixtures, "-o", wacz)
check(r.returncode == 0, "--to wacz", r)
check(os.listdir(wdir) == ["all.wacz"], "no temporary file left beside the output", os.listdir(wdir))
z = zipfile.ZipFile(wacz)
check(z.testzip() is None, "zip CRCs")
names = sorted(z.namelist())
check(names == sorted(["archive/data.warc.gz", "indexes/index.cdxj", "pages/pages.jsonl", "datapackage.json",
                       "datapackage-digest.json"]), "WACZ entries", names)
check(z.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED, "the WARC is STORED, not deflated")
pkg_bytes = z.read("datapackage.json")
pkg = json.loads(pkg_bytes)
check(pkg.get("profile") == "data-package" and pkg.get("wacz_version") == "1.1.1", "datapackage profile and version", pkg)
check(pkg.get("created") == "2023-11-14T22:13:20Z" and pkg.get("modified") == pkg.get("created"),
      "created/modified from SOURCE_DATE_EPOCH", pkg)
res = {x["path"]: x for x in pkg.get("resources", [])}
check(sorted(res) == sorted(n for n in names if not n.startswith("datapackage")), "resources list every data file", list(res))
for path, x in res.items():
    data = z.read(path)
    check(x.get("name") == os.path.basename(path), f"{path}: name")
    check(x.get("bytes") == len(data), f"{path}: bytes {x.get('bytes')} == {len(data)}")
    check(x.get("hash") == "sha256:" + hashlib.sha256(data).hexdigest(), f"{path}: sha256")
dig = json.loads(z.read("datapackage-digest.json"))
check(dig.get("path") == "datapackage.json" and dig.get("hash") == "sha256:" + hashlib.sha256(pkg_bytes).hexdigest(),
      "datapackage-digest.json hashes datapackage.json", dig)

lines = z.read("pages/pages.jsonl").decode().splitlines()
check(lines[0] == '{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}', "pages.jsonl header", lines[0])
pl = [json.loads(l) for l in lines[1:]]
check(len(pl) == len(fixtures), f"one page line per article ({len(pl)})")
check(all(p.get("url", "").startswith("http") and p.get("ts") == "2023-11-14T22:13:20Z" and p.get("title")
          and isinstance(p.get("text"), str) for p in pl), "page lines: url, ts, title, text", pl[:1])
harbour = [p for p in pl if p["title"] == "Photo essay: Harbour at dawn"]
check(harbour and "The first boats leave at five." in harbour[0]["text"], "text is the article's plain text", harbour)
cjk = [p for p in pl if p["title"].startswith("「東京")]
check(cjk and "夜の市場" in cjk[0]["text"] and "<" not in cjk[0]["text"], "CJK text, no markup", cjk)

warc = z.read("archive/data.warc.gz")
recs = records(warc)
page_urls = {h["WARC-Target-URI"] for h, _ in pages_of(recs)}
check({p["url"] for p in pl} == page_urls, "every page line names a page record")
check(any(h.get("WARC-Filename") == "data.warc.gz" for h, _ in recs), "WARC-Filename is the name inside the WACZ")
cdx = [l.split(" ", 2) for l in z.read("indexes/index.cdxj").decode().splitlines()]
check(cdx == sorted(cdx, key=lambda k: k[:2]) and len(cdx) > len(fixtures), "CDXJ sorted, every page and input indexed")
good = 0
for key, ts, js in cdx:
    j = json.loads(js)
    off, n = int(j["offset"]), int(j["length"])
    rec = records(warc[off:off + n])
    good += j["filename"] == "data.warc.gz" and len(rec) == 1 and rec[0][0].get("WARC-Target-URI") == j["url"]
check(good == len(cdx), f"each CDXJ line points at its record in data.warc.gz ({good}/{len(cdx)})")
if os.path.exists(CHECK):
    inner = os.path.join(tmp, "data.warc.gz")
    open(inner, "wb").write(warc)
    r = subprocess.run([sys.executable, CHECK, inner], capture_output=True, text=True, timeout=300)
    check(r.returncode == 0 and "0 errors, 0 warnings" in r.stdout, "check_warc.py on the inner WARC", r.stdout[-600:])
else:
    print("../shared/tools/check_warc.py absent: inner WARC not checked")

# Reproducible, whatever the threads.
w2 = os.path.join(tmp, "w2", "all.wacz")
os.makedirs(os.path.dirname(w2))
r = run("--to", "wacz", "-j", "2", *fixtures, "-o", w2)
check(r.returncode == 0 and open(wacz, "rb").read() == open(w2, "rb").read(), "-j 1 and -j 2 make byte-identical WACZ")

# One per input (-O), and standard output.
odir = os.path.join(tmp, "each")
r = run("--to", "wacz", "-O", odir, *fixtures[:3])
check(r.returncode == 0 and len(glob.glob(os.path.join(odir, "*.wacz"))) == 3 and len(os.listdir(odir)) == 3,
      "-O: one WACZ per input, nothing else", r)
r = subprocess.run([NC, "-q", "--to", "wacz", fixtures[0], "-o", "-"], capture_output=True, timeout=60, env=env)
check(r.returncode == 0 and zipfile.ZipFile(io.BytesIO(r.stdout)).testzip() is None, "WACZ to standard output", r)

shutil.rmtree(tmp, ignore_errors=True)
done("wacz")
