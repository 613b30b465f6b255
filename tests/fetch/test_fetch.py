#!/usr/bin/env python3
"""Fetching with real libcurl against tests/fetch/server.py on 127.0.0.1:
the fault matrix, de-duplication and the cache (counted in server hits),
the private-address guard, and images in EPUB (epubcheck), Markdown
(side files) and WARC (check_warc.py --images)."""
import glob, json, os, re, shutil, subprocess, sys, tempfile, time, urllib.request, zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, start_server, SRC, BUILD, SHARED, check, done  # noqa: E402

HERE = os.path.join(SRC, "tests", "fetch")
tmp = tempfile.mkdtemp()



def server(*args):
    return start_server(*args, lifetime=150)


def hits(port):
    return json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/__hits", timeout=5))


def article(name, urls, extra=""):
    path = os.path.join(tmp, name)
    imgs = "".join(f'<p><img src="{u}" alt="{i}"></p>\n' for i, u in enumerate(urls))
    open(path, "w").write(f"---\ntitle: {name}\nauthor: test\ndate: 2024-01-02 03:04:05\n{extra}---\n{imgs}")
    return path


def run(*args, env=None):
    return subprocess.run([NC, *args], capture_output=True, text=True, timeout=120, env=env)


srv, port = server()
base = f"http://127.0.0.1:{port}"
cache = os.path.join(tmp, "cache")
common = ["--fetch-images", "--allow-loopback", "--cache-dir", cache, "--timeout", "1", "--max-image-size", "2000000"]
faults = ["/img/a.png", "/img/b.jpg", "/404", "/flaky/x.png", "/ratelimit/y.png", "/slow", "/loop", "/big",
          "/wrongtype.png", "/html", "/truncated", "/reset", "/to-private", "/img/a.png"]
a1 = article("a1.txt", [base + p for p in faults], f"headimg: {base}/img/cover.gif\n")
a2 = article("a2.txt", [base + "/img/a.png", base + "/same/a.png"])

# 1. The fault matrix, through --to json.
t0 = time.time()
r = run("--to", "json", *common, a1, a2, "-o", os.path.join(tmp, "m.json"))
elapsed = time.time() - t0
check(r.returncode == 0, "failures do not fail the run: " + r.stderr[-300:])
docs = json.load(open(os.path.join(tmp, "m.json")))
res = {x["resolved"][len(base):]: x for d in docs for x in d["resources"]}
def state(p): return res.get(p, {}).get("state")
def error(p): return res.get(p, {}).get("error", "")
for p in ("/img/a.png", "/img/b.jpg", "/flaky/x.png", "/ratelimit/y.png", "/wrongtype.png", "/img/cover.gif", "/same/a.png"):
    check(state(p) == "fetched", f"{p} fetched (got {state(p)} {error(p)})")
check(res["/wrongtype.png"].get("media_type") == "image/png", "type from the bytes, not Content-Type")
check(res["/img/b.jpg"].get("media_type") == "image/jpeg", "jpeg sniffed")
expect_fail = {"/404": "HTTP 404", "/slow": "timed out", "/loop": "too many redirects", "/big": "larger than",
               "/html": "not an image", "/truncated": "truncated", "/reset": "reset",
               "/to-private": "refused to connect to private address 10.255.255.1"}
for p, why in expect_fail.items():
    check(state(p) == "failed" and why in error(p), f"{p} fails with '{why}' (got {state(p)}: {error(p)})")
h = hits(port)
check(h.get("/img/a.png") == 1, f"an image used 3 times in 2 articles is fetched once (hits {h.get('/img/a.png')})")
check(h.get("/flaky/x.png") == 2, "500 then 200: one retry")
check(h.get("/ratelimit/y.png") == 2 and elapsed >= 1.0, "429 retried after Retry-After")
check(h.get("/404") == 1, "404 is not retried")
check(h.get("/slow", 0) == 4, f"a time-out is retried 3 times (hits {h.get('/slow')})")
check("/x.png" not in h, "the private redirect target was never requested")
check(len([l for l in r.stderr.splitlines() if "warning: image" in l]) == len(expect_fail),
      "one warning line per failed URL")
check(re.search(r"images: 7 fetched, 0 from cache, 8 failed", r.stderr) is not None, "summary counts: " + r.stderr[-200:])
print(f"fault matrix run took {elapsed:.1f}s")

# 2. Without the loopback permission nothing is even requested.
before = hits(port)
r = run("--to", "json", "--fetch-images", "--no-cache", a2, "-o", os.path.join(tmp, "n.json"))
after = hits(port)
check(before == after, "without --allow-loopback no request reaches 127.0.0.1")
check("refused to connect to private address 127.0.0.1" in r.stderr, "refusal names the address")
check(run("--to", "json", "--fetch-images", "--no-cache", "--strict", a2, "-o", os.path.join(tmp, "s.json")).returncode == 1,
      "--strict: a missing image makes exit code 1")

# 3. The cache: a second run makes zero transfers; --offline uses only the cache.
before = hits(port)
r = run("--to", "json", *common, a2, "-o", os.path.join(tmp, "c.json"))
after = hits(port)
check(before == after, f"second run makes zero transfers ({before} -> {after})")
check("0 fetched, 2 from cache" in r.stderr, "second run served from the cache: " + r.stderr[-200:])
r = run("--to", "json", "--fetch-images", "--offline", "--cache-dir", cache, a1, "-o", os.path.join(tmp, "o.json"))
d = json.load(open(os.path.join(tmp, "o.json")))
st = {x["resolved"][len(base):]: x["state"] for x in d["resources"]}
check(st.get("/img/a.png") == "cached" and st.get("/404") == "failed", "--offline: cache hits, misses fail")
check(hits(port) == after, "--offline makes no request")

# 4. Revalidation: a server whose images are stale at once answers 304.
srv2, port2 = server("--max-age", "0")
a3 = article("a3.txt", [f"http://127.0.0.1:{port2}/img/r.png"])
run("--to", "json", *common, a3, "-o", os.path.join(tmp, "r1.json"))
r = run("--to", "json", *common, a3, "-o", os.path.join(tmp, "r2.json"))
check(hits(port2).get("/img/r.png") == 2 and "1 from cache" in r.stderr, "stale entry revalidated with a 304")
srv2.kill()

# 5. Outputs with images.
book = os.path.join(tmp, "book.epub")
r = run("--to", "epub", *common, a1, a2, "-o", book)
z = zipfile.ZipFile(book)
imgs = [n for n in z.namelist() if n.startswith("OEBPS/images/")]
check(len(imgs) == 6, f"EPUB embeds each distinct image once ({len(imgs)})")
check('properties="cover-image"' in z.read("OEBPS/content.opf").decode(), "fetched headimg is the cover")
jr = subprocess.run(["java", "-cp", "/usr/share/java/epubcheck.jar", os.path.join(SRC, "tests", "epub", "EpubBatch.java"), book],
                    capture_output=True, text=True, timeout=300)
check("Messages: 0 fatals / 0 errors / 0 warnings" in jr.stdout, "epubcheck 0/0 for a book with images: " + jr.stdout[-300:])

md = os.path.join(tmp, "out", "notes.md")
r = run("--to", "md", *common, a2, "-o", md)
files = sorted(os.listdir(os.path.join(tmp, "out", "notes_files")))
text = open(md).read()
check(len(files) == 1 and f"](notes_files/{files[0]})" in text, f"Markdown images in notes_files/ ({files})")

warc = os.path.join(tmp, "img.warc.gz")
r = run("--to", "warc", *common, a1, a2, "-o", warc)
checker = os.path.join(SHARED, "tools", "check_warc.py")
if os.path.exists(checker):
    c = subprocess.run([sys.executable, checker, "--images", warc], capture_output=True, text=True)
    check(c.returncode == 0 and "0 errors, 0 warnings" in c.stdout, "check_warc --images: " + c.stdout[:600])
    check("revisit=1" in c.stdout and "request=" in c.stdout and "response=" in c.stdout,
          "request/response pairs and a revisit for the same payload: " + c.stdout.splitlines()[0])

srv.kill()
shutil.rmtree(tmp, ignore_errors=True)
done("fetch")
