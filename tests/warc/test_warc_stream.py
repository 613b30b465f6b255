#!/usr/bin/env python3
"""Input row 23: an archive's documents are streamed like any batch.

A .warc.gz of many pages used to be read whole, every document held at
once (60,000 pages: 166 MB).  Now read_warc.c indexes the archive first
(images, revisits, names) and hands the documents over a window at a
time (nc_reader.open/next/close), each with its images attached, so the
peak does not grow with the number of pages.  Checked here:
  - peak RSS for 24,000 pages stays within 40 MB of that for 3,000
    (it grew by about 8 KB a page: +170 MB);
  - every page converted, in archive order, with an image archived
    after the last page attached to the first (the index is complete
    before any document is given);
  - the input after the archive comes after it in a shared output, and
    -O names are those of a whole read (story-N.md), -j1 = -j2 bytes;
  - a page that cannot be read in a later part is warned about by name,
    exit 0, as in a whole read."""
import gzip, hashlib, json, os, struct, subprocess, sys, tempfile, zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, check, done  # noqa: E402

tmp = tempfile.mkdtemp()
AH = "application/http; msgtype=response"


def record(typ, uri, block, ctype=AH):
    rid = hashlib.md5((uri + typ).encode()).hexdigest()
    head = (f"WARC/1.1\r\nWARC-Type: {typ}\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\n"
            f"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return gzip.compress(head + block + b"\r\n\r\n", 1)


def response(body, ctype="text/html; charset=utf-8", extra=b""):
    return (b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype.encode() + b"\r\n" + extra +
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def png():
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def page(i):
    body = (f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>"
            f"<img src='/pic.png' alt='p'>" +
            "".join(f"<p>Paragraph {k} of story {i}, with words enough to be an article, "
                    "and commas, and more.</p>" for k in range(3)) + "</article></body></html>")
    return record("response", f"http://ex.test/{i}.html", response(body.encode()))


def archive(name, n, broken_at=None):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        for i in range(n):
            if i == broken_at:  # brotli: cannot be decoded
                f.write(record("response", f"http://ex.test/{i}.html",
                               response(b"\x1b\x00garbage", extra=b"Content-Encoding: br\r\n")))
            else:
                f.write(page(i))
        f.write(record("response", "http://ex.test/pic.png", response(png(), "image/png")))
    return path


def peak_kb(args):
    """Peak RSS of one run (its own rusage, not the test's)."""
    env = dict(os.environ)
    if env.get("NC_SANITIZED"):  # ASan's quarantine keeps freed memory: none
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=0"
    p = subprocess.Popen([NC, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return ru.ru_maxrss, p.returncode, err


small, big = archive("small.warc.gz", 3000), archive("big.warc.gz", 24000)
rs, cs, es = peak_kb(["--to", "json", "-o", os.path.join(tmp, "s.json"), small])
rb, cb, eb = peak_kb(["--to", "json", "-o", os.path.join(tmp, "b.json"), big])
check(cs == 0 and cb == 0, f"input row 23: both archives converted (exit {cs}, {cb})", es + eb)
check(rb - rs < 40 * 1024,
      f"input row 23: peak RSS 24,000 pages {rb // 1024} MB, 3,000 pages {rs // 1024} MB: "
      "documents streamed, not held (was +170 MB)")
with open(os.path.join(tmp, "b.json")) as f:
    docs = json.load(f)
check(len(docs) == 24000 and all(d["meta"]["title"] == f"Story {i}" for i, d in enumerate(docs)),
      f"input row 23: 24,000 pages in archive order ({len(docs)})")
check(all(d["resources"] and d["resources"][0]["state"] == "cached" for d in (docs[0], docs[12345], docs[-1])),
      "input row 23: the image archived after the last page is attached to the first page too")

# Order and names: a whole read's, the input after the archive after it.
mid = archive("mid.warc.gz", 700)
art = os.path.join(tmp, "after.txt")
with open(art, "w") as f:
    f.write("---\ntitle: After\n---\n<p>The article after the archive.</p>\n")
r = subprocess.run([NC, "-j", "2", "--to", "json", "-o", "-", mid, art], capture_output=True, timeout=300)
got = json.loads(r.stdout) if r.returncode == 0 else []
check([d["meta"]["title"] for d in got] == [f"Story {i}" for i in range(700)] + ["After"],
      "input row 23: -j2 shared output: the archive's 700 pages in order, then the next input", r)
ws = {}
for j in ("1", "2"):
    os.makedirs(os.path.join(tmp, "j" + j))
    out = os.path.join(tmp, "j" + j, "all.warc")  # the name seeds the record ids
    r = subprocess.run([NC, "-j", j, "--to", "warc", "-o", out, mid, art], capture_output=True, timeout=300,
                       env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
    ws[j] = open(out, "rb").read() if r.returncode == 0 else b""
check(ws["1"] and ws["1"] == ws["2"], "input row 23: -j1 and -j2 write identical WARC bytes across parts")
od = os.path.join(tmp, "md")
r = subprocess.run([NC, "-j", "2", "--to", "md", "-O", od, mid, art], capture_output=True, timeout=300)
names = sorted(n for n in os.listdir(od) if n.endswith(".md")) if os.path.isdir(od) else []
check(r.returncode == 0 and names == sorted([f"story-{i}.md" for i in range(700)] + ["after.md"]),
      f"input row 23: -O names as a whole read gives ({len(names)} files)", r)

# A page that cannot be read, in a later part: named, exit 0.
bad = archive("bad.warc.gz", 700, broken_at=650)
r = subprocess.run([NC, "--to", "json", "-o", "-", bad], capture_output=True, timeout=300)
got = json.loads(r.stdout) if r.returncode == 0 else []
check(r.returncode == 0 and len(got) == 699 and b"http://ex.test/650.html" in r.stderr and b"skipped" in r.stderr,
      "input row 23: a page of a later part that cannot be read: the others kept, it is named", r)

done("warc_stream")
