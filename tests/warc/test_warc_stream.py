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
    exit 0, as in a whole read.
Issue 19: the archive's bytes themselves are not held either.  A file
is mapped (util/filemap.c) and each pass lets go of what it has read,
so an archive of ~300 MB (pages among large chunked media records, read
to be sniffed) peaks within 24 MB of its pages alone (measured: +5 MB),
as .warc (was refused by the 64 MB input limit; mapped but never let go:
+283 MB) and as .warc.gz (56 MB compressed: was read whole, +53 MB);
both give the bytes a whole read gives (stdin, read into memory), and a
file truncated while it is read is an error naming it, never a SIGBUS."""
import gzip, hashlib, json, os, random, shutil, struct, subprocess, sys, tempfile, time, zlib

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


# Started from a fresh, small interpreter: a child's ru_maxrss starts at
# its parent's resident size when it was forked (Linux keeps the high
# water mark across exec), and this test holds big JSON documents.
SPAWN = """import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
print(ru.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def peak_kb(args):
    """Peak RSS of one run (its own rusage, not the test's)."""
    env = dict(os.environ)
    if env.get("NC_SANITIZED"):  # ASan's quarantine keeps freed memory: none
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=0"
    p = subprocess.run([sys.executable, "-c", SPAWN, NC, *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    rss, rc = (int(x) for x in p.stdout.split()[-2:])
    return rss, rc, p.stderr


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

# ---- issue 19: the archive's bytes read from the file, not held ----

shm = tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
rnd = random.Random(19)


def raw(typ, uri, block, ctype=AH):
    return gzip.decompress(record(typ, uri, block, ctype))


def media(i):
    """1 MB of "video" that gzip takes to about a fifth, sent chunked (so
    every byte is read, to be sniffed); not an image: nothing is kept."""
    blk = b"".join(b"10000\r\n" + rnd.randbytes(12288) + bytes(53248) + b"\r\n" for _ in range(16))
    body = (b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nTransfer-Encoding: chunked\r\n\r\n" +
            blk + b"0\r\n\r\n")
    return raw("response", f"http://ex.test/v{i}.mp4", body)


def plain_page(i):
    return gzip.decompress(page(i))


def write_both(folder, records):
    """The same records as folder/plain/arc (.warc) and folder/gz/arc
    (.warc.gz, a member per record): one name, so outputs compare."""
    for sub in ("plain", "gz"):
        os.makedirs(os.path.join(folder, sub))
    with open(os.path.join(folder, "plain", "arc"), "wb") as f, \
         open(os.path.join(folder, "gz", "arc"), "wb") as g:
        for r in records:
            f.write(r)
            g.write(gzip.compress(r, 1))


def with_media(n):
    for i in range(n):
        yield plain_page(i)
        if i % 7 == 0:
            yield media(i)
    yield raw("response", "http://ex.test/pic.png", response(png(), "image/png"))


def pages_only(n):
    for i in range(n):
        yield plain_page(i)
    yield raw("response", "http://ex.test/pic.png", response(png(), "image/png"))


try:
    big_dir, base_dir = os.path.join(shm, "big"), os.path.join(shm, "base")
    write_both(big_dir, with_media(2000))
    write_both(base_dir, pages_only(2000))
    sizes = {k: os.path.getsize(os.path.join(big_dir, k, "arc")) for k in ("plain", "gz")}
    outs = {}
    for kind in ("plain", "gz"):
        rb_, cb_, eb_ = peak_kb(["--to", "json", "-o", os.path.join(big_dir, kind + ".json"),
                                 os.path.join(big_dir, kind, "arc")])
        rs_, cs_, es_ = peak_kb(["--to", "json", "-o", os.path.join(base_dir, kind + ".json"),
                                 os.path.join(base_dir, kind, "arc")])
        check(cb_ == 0 and cs_ == 0,
              f"issue 19: a {sizes[kind] >> 20} MB {kind} archive converted (exit {cb_}, {cs_})", eb_ + es_)
        check(rb_ - rs_ < 24 * 1024,
              f"issue 19: {kind} archive of {sizes[kind] >> 20} MB peaks at {rb_ // 1024} MB, its pages "
              f"alone at {rs_ // 1024} MB: its bytes are read from the file, not held "
              "(.gz was +53 MB, .warc refused)")
        # The same name in both folders: the same bytes out.
        r = subprocess.run([NC, "--to", "json", "-o", "-", "arc"], cwd=os.path.join(big_dir, kind),
                           capture_output=True, timeout=300)
        outs[kind] = r.stdout if r.returncode == 0 else b"(failed)"
        got = json.loads(r.stdout) if r.returncode == 0 else []
        check(len(got) == 2000 and all(d["meta"]["title"] == f"Story {i}" for i, d in enumerate(got)) and
              got[-1]["resources"][0]["state"] == "cached",
              f"issue 19: {kind}: 2,000 pages in archive order, the image after them attached", r)
    check(outs["plain"] == outs["gz"], "issue 19: the .warc and the .warc.gz give identical JSON bytes")

    # A WACZ: its members pulled through libzip as they are parsed, never
    # whole (main: the package read whole, then each member inflated whole).
    import zipfile
    for kind, method in (("plain", zipfile.ZIP_DEFLATED), ("gz", zipfile.ZIP_STORED)):
        name = "data.warc" + (".gz" if kind == "gz" else "")
        for folder in (big_dir, base_dir):
            os.makedirs(os.path.join(folder, "wacz-" + kind))
            with zipfile.ZipFile(os.path.join(folder, "wacz-" + kind, "arc"), "w", method,
                                 compresslevel=1 if method == zipfile.ZIP_DEFLATED else None) as z:
                z.write(os.path.join(folder, kind, "arc"), "archive/" + name)
        size = os.path.getsize(os.path.join(big_dir, "wacz-" + kind, "arc")) >> 20
        rb_, cb_, eb_ = peak_kb(["--to", "json", "-o", os.path.join(big_dir, kind + "-wacz.json"),
                                 os.path.join(big_dir, "wacz-" + kind, "arc")])
        rs_, cs_, es_ = peak_kb(["--to", "json", "-o", os.path.join(base_dir, kind + "-wacz.json"),
                                 os.path.join(base_dir, "wacz-" + kind, "arc")])
        check(cb_ == 0 and cs_ == 0, f"issue 19: a {size} MB WACZ ({name}) converted (exit {cb_}, {cs_})",
              eb_ + es_)
        check(rb_ - rs_ < 24 * 1024,
              f"issue 19: WACZ of {size} MB ({name}, {sizes[kind] >> 20} MB) peaks at {rb_ // 1024} MB, "
              f"its pages alone at {rs_ // 1024} MB: members pulled, not held")
        r = subprocess.run([NC, "--to", "json", "-o", "-", "arc"], cwd=os.path.join(big_dir, "wacz-" + kind),
                           capture_output=True, timeout=300)
        check(r.returncode == 0 and r.stdout == outs["plain"],
              f"issue 19: the WACZ ({name}) gives the bytes its WARC gives", r)

    # A member whose checksum is wrong: what came before the damage is kept, warned.
    bad = bytearray()
    with zipfile.ZipFile(os.path.join(shm, "bad.wacz"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.warc", b"".join(plain_page(i) for i in range(3)))
    with open(os.path.join(shm, "bad.wacz"), "rb") as f:
        bad = bytearray(f.read())
    k = bad.find(b"Story 2</title>")
    bad[k + 6] = ord("X")  # "Story X": the CRC no longer matches
    with open(os.path.join(shm, "bad.wacz"), "wb") as f:
        f.write(bad)
    r = subprocess.run([NC, "--to", "json", "-o", "-", os.path.join(shm, "bad.wacz")], capture_output=True,
                       timeout=300)
    got = json.loads(r.stdout) if r.returncode == 0 else []
    check([d["meta"]["title"] for d in got] == ["Story 0", "Story 1", "Story X"] and
          b"archive/data.warc: is damaged in the package" in r.stderr,
          "issue 19: a WACZ member with a wrong CRC, pulled: its records kept, the damage warned", r)

    # A mapped file and the same bytes read whole (stdin): the same documents.
    mid_dir = os.path.join(shm, "mid")
    write_both(mid_dir, with_media(60))
    for kind in ("plain", "gz"):
        arc = os.path.join(mid_dir, kind, "arc")
        a = subprocess.run([NC, "--to", "json", "-o", "-", arc], capture_output=True, timeout=300)
        with open(arc, "rb") as f:
            b = subprocess.run([NC, "--to", "json", "-o", "-", "-"], stdin=f, capture_output=True,
                               timeout=300)
        ja = json.loads(a.stdout) if a.returncode == 0 else None
        jb = json.loads(b.stdout) if b.returncode == 0 else None
        for d in (ja or []) + (jb or []):
            d.pop("source", None)
        check(ja and len(ja) == 60 and ja == jb,
              f"issue 19: {kind}: the mapped file gives what stdin (read whole) gives", a.stderr + b.stderr)

    # Any other reader reads a mapped file whole: a copy, within the 64 MB limit.
    art_big = os.path.join(shm, "big.html")
    with open(art_big, "wb") as f:
        f.write(b"---\ntitle: Big\n---\n<p>" + b"word " * (13 * 1024 * 1024 + 10) + b"</p>\n")
    r = subprocess.run([NC, "--to", "json", "-o", "-", art_big], capture_output=True, timeout=300)
    check(r.returncode == 1 and b"big.html: larger than the 64 MB limit" in r.stderr,
          "issue 19: a 65 MB article (mapped, not an archive) is still refused by the input limit", r)
    art_mid = os.path.join(shm, "mid.html")
    with open(art_mid, "wb") as f:
        f.write(b"---\ntitle: Mid\n---\n<p>" + b"word " * 40000 + b"</p>\n")
    a = subprocess.run([NC, "--to", "json", "-o", "-", art_mid], capture_output=True, timeout=300)
    with open(art_mid, "rb") as f:
        b = subprocess.run([NC, "--to", "json", "-o", "-", "-"], stdin=f, capture_output=True, timeout=300)
    ja = json.loads(a.stdout) if a.returncode == 0 else None  # one document: an object
    jb = json.loads(b.stdout) if b.returncode == 0 else None
    for d in (ja, jb):
        if d:
            d.pop("source", None)
    check(ja and ja == jb and ja["meta"]["title"] == "Mid",
          "issue 19: a 200 KB article (mapped, then copied) reads as from stdin", a.stderr + b.stderr)

    # Truncated while read: an error naming the file, never a SIGBUS.
    cut_dir = os.path.join(shm, "cut")
    os.makedirs(cut_dir)
    cut = os.path.join(cut_dir, "cut.warc")
    with open(cut, "wb") as f:
        for i in range(20000):
            f.write(plain_page(i))
    od = os.path.join(cut_dir, "out")
    p = subprocess.Popen([NC, "-j", "1", "--to", "md", "-O", od, cut], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    try:
        deadline, truncated = time.time() + 120, False
        while time.time() < deadline and p.poll() is None:
            if os.path.isdir(od) and os.listdir(od):
                os.truncate(cut, 1 << 20)  # the first window is written: the rest goes
                truncated = p.poll() is None
                break
            time.sleep(0.005)
        err = p.communicate(timeout=300)[1]
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    written = len([n for n in os.listdir(od) if n.endswith(".md")]) if os.path.isdir(od) else 0
    check(p.returncode >= 0, f"issue 19: a file truncated while mapped: no signal (exit {p.returncode})", err)
    check(not truncated or written == 20000 or
          (p.returncode == 1 and b"cut.warc" in err and b"shrank while it was read" in err),
          f"issue 19: truncated while read ({written} of 20,000 written): the file named, exit 1", err)
finally:
    shutil.rmtree(shm, ignore_errors=True)

done("warc_stream")
