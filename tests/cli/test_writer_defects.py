#!/usr/bin/env python3
"""Writer defects of issue 20 (../shared/review/output/DEFECTS.md rows 8,
11, 23, 24, 25, 26), each on a fixture of its own made here."""
import base64
import json
import os
import re
import resource
import struct
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib

sys.path.insert(0, os.path.join(os.environ["SOURCE_ROOT"], "tests"))
from nctest import EPUBCHECK_JAR, NC, check, done, epubcheck  # noqa: E402

T = tempfile.mkdtemp(prefix="nc-writer-defects-")


def run(*args, env=None, timeout=300):
    e = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    e.update(env or {})
    return subprocess.run([NC, "-q", *args], capture_output=True, timeout=timeout, env=e)


def article(path, title, body, author=None, date="2024-01-02"):
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: {title}\ndate: {date}\n")
        if author:
            f.write(f"author: {author}\n")
        f.write(f"---\n{body}\n")


def record_ids(data):
    return re.findall(rb"WARC-Record-ID: (<urn:uuid:[0-9a-f-]+>)", data)


def row8():
    """The same article in two shards, or two runs, never share an id."""
    d = os.path.join(T, "r8")
    os.makedirs(os.path.join(d, "in"))
    for n in "abcdefgh":
        article(os.path.join(d, "in", n + ".txt"), "Same story", "<p>Saved twice.</p>")
    ids, per_shard = [], []
    for i in range(2):
        os.makedirs(os.path.join(d, f"s{i}"))
        out = os.path.join(d, f"s{i}", "all.warc")  # one name in both shards
        r = run("--shard", f"{i}/2", "--to", "warc", os.path.join(d, "in"), "-o", out)
        check(r.returncode == 0, f"output row 8: shard {i}/2 written", r)
        got = record_ids(open(out, "rb").read()) if os.path.exists(out) else []
        per_shard.append(len(got))
        ids += got
    check(all(n > 1 for n in per_shard), "output row 8: both shards hold records", per_shard)
    check(len(ids) == len(set(ids)), "output row 8: WARC-Record-IDs unique across two shards of one article",
          f"{len(ids)} ids, {len(set(ids))} distinct")
    info = []
    for name in ("day1.warc", "day2.warc"):
        out = os.path.join(d, name)
        r = run("--to", "warc", os.path.join(d, "in", "a.txt"), "-o", out)
        check(r.returncode == 0, f"output row 8: {name} written", r)
        info.append(record_ids(open(out, "rb").read())[:1] if os.path.exists(out) else [])
    check(info[0] and info[0] != info[1], "output row 8: two runs' warcinfo ids differ", info)
    wacz = []
    for name in ("one.wacz", "two.wacz"):
        out = os.path.join(d, name)
        r = run("--to", "wacz", os.path.join(d, "in", "a.txt"), "-o", out)
        check(r.returncode == 0, f"output row 8: {name} written", r)
        try:
            with zipfile.ZipFile(out) as z:
                import gzip
                wacz.append(set(record_ids(gzip.decompress(z.read("archive/data.warc.gz")))))
        except (OSError, KeyError, zipfile.BadZipFile) as e:
            wacz.append(set())
            check(False, f"output row 8: {name} readable", e)
    check(wacz[0] and not wacz[0] & wacz[1], "output row 8: two WACZ files share no record id",
          wacz[0] & wacz[1])


def row26():
    """dc:creator keeps each distinct author, not those that are substrings."""
    d = os.path.join(T, "r26")
    os.makedirs(d)
    names = []
    for i, who in enumerate(["Ann Lee", "Ann", "Lee", "Ann Lee"]):
        names.append(os.path.join(d, f"{i}.txt"))
        article(names[-1], f"Story {i}", "<p>Text.</p>", author=who, date=f"2024-01-0{i + 1}")
    out = os.path.join(d, "b.epub")
    r = run("--to", "epub", *names, "-o", out)
    check(r.returncode == 0, "output row 26: book written", r)
    opf = zipfile.ZipFile(out).read("OEBPS/content.opf").decode() if os.path.exists(out) else ""
    got = re.findall(r"<dc:creator[^>]*>([^<]*)</dc:creator>", opf)
    check(got == ["Ann Lee, Ann, Lee"], 'output row 26: dc:creator "Ann Lee, Ann, Lee"', got)


def row11():
    """A figure with two captions: one figcaption, the book valid."""
    d = os.path.join(T, "r11")
    os.makedirs(d)
    src = os.path.join(d, "fig.txt")
    article(src, "Two captions", "<p>A figure with a caption and a credit line:</p>\n"
            "<figure><figcaption>Flooded streets</figcaption>"
            "<img src=\"https://example.org/flood.jpg\" alt=\"flood\">"
            "<figcaption>Photo: Agency</figcaption></figure>\n"
            "<figure><img src=\"https://example.org/b.jpg\" alt=\"b\">"
            "<figcaption>Only one, last</figcaption></figure>")
    out = os.path.join(d, "fig.epub")
    r = run("--to", "epub", src, "-o", out)
    check(r.returncode == 0, "output row 11: book written", r)
    if not os.path.exists(out):
        return
    with zipfile.ZipFile(out) as z:
        ch = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("OEBPS/chapter-"))
    figs = re.findall(r"<figure>.*?</figure>", ch, re.S)
    check(len(figs) == 2 and [f.count("<figcaption>") for f in figs] == [1, 1],
          "output row 11: one figcaption per figure", figs)
    check("Photo: Agency" in ch and "Flooded streets" in ch, "output row 11: both captions kept", ch[-600:])
    if os.path.exists(EPUBCHECK_JAR):
        res = epubcheck([out])
        check(res.get(out, (1,))[0] == 0, "output row 11: epubcheck 0 errors", res)


def png(i):
    """A distinct 1x1 PNG per i."""
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    raw = b"\x00" + bytes([i & 255, (i >> 8) & 255, (i >> 16) & 255])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def cpu_run(*args):
    """run(), and the CPU seconds the child used (the children's rusage:
    what other programs on the machine do changes it far less than wall
    time)."""
    def cpu():
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ru.ru_utime + ru.ru_stime
    t0 = cpu()
    r = run(*args)
    return r, cpu() - t0


def row23():
    """Markdown side-file images: linear in their number.  10k against 40k
    images (data: URLs, so no network), the least CPU time of two runs
    each, on tmpfs when there is one so that fsync does not hide the
    writer: linear gives a ratio near 4, the scan per image near 8."""
    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else T
    d = tempfile.mkdtemp(prefix="nc-r23-", dir=base)
    try:
        best = {}
        for n in (10000, 40000):
            src = os.path.join(d, f"in{n}.txt")
            with open(src, "w") as f:
                f.write("---\ntitle: Many images\ndate: 2024-01-01\n---\n")
                for i in range(n):
                    f.write('<p><img src="data:image/png;base64,%s" alt="p%d"></p>\n'
                            % (base64.b64encode(png(i)).decode(), i))
            for _ in range(2):
                out = os.path.join(d, "out.md")
                r, t = cpu_run("-j1", "--fetch-images", "--no-cache", "--to", "md", src, "-o", out)
                check(r.returncode == 0, f"output row 23: {n} images written", r)
                files = os.path.join(d, "out_files")
                if n == 40000 and os.path.isdir(files):
                    check(len(os.listdir(files)) == n, "output row 23: one side file per image",
                          len(os.listdir(files)))
                shutil.rmtree(files, ignore_errors=True)
                os.unlink(out) if os.path.exists(out) else None
                best[n] = min(best.get(n, t), t)
        ratio = best[40000] / max(best[10000], 1e-3)
        print(f"row 23: 10k images {best[10000]:.2f}s, 40k {best[40000]:.2f}s CPU, ratio {ratio:.2f}")
        check(ratio < 5.6, "output row 23: Markdown side-file images linear (40k/10k CPU time ratio < 5.6)",
              f"{ratio:.2f}")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def words(seed, n):
    """n pseudo-random words: text that gzip cannot shrink to nothing."""
    x, out = seed * 2654435761 % 2 ** 32 or 1, []
    for _ in range(n):
        x = x * 1103515245 + 12345 & 0x7fffffff
        out.append("".join(chr(97 + (x >> k) % 26) for k in range(0, 18, 3)[: 2 + x % 6]))
    return " ".join(out)


def row25():
    """A full disk while writing a WACZ: the message names the output and
    the real cause, never data.warc.gz, a staging file, or libzip's EINTR
    for a short write.  Needs root (a small tmpfs per size)."""
    d = os.path.join(T, "r25")
    os.makedirs(os.path.join(d, "in"))
    for i in range(60):
        article(os.path.join(d, "in", f"{i:02}.txt"), f"Story {i}",
                "".join(f"<p>{words(i * 100 + k, 120)}</p>\n" for k in range(12)))
    full = os.path.join(d, "full.wacz")
    r = run("--to", "wacz", os.path.join(d, "in"), "-o", full)
    check(r.returncode == 0, "output row 25: the WACZ fits an empty disk", r)
    size = os.path.getsize(full) if os.path.exists(full) else 1 << 20
    mnt = os.path.join(d, "mnt")
    os.makedirs(mnt)
    seen = set()
    for k in (0.02, 0.3, 0.6, 0.8, 0.9, 1.0, 1.05, 1.1, 1.2, 1.4, 1.7, 2.0, 2.4):
        kb = max(8, int(size * k / 1024))
        if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kb}k", "tmpfs", mnt],
                          capture_output=True).returncode:
            print("row 25: cannot mount a tmpfs (not root?): the full-disk checks are left out")
            return
        try:
            out = os.path.join(mnt, "feed.wacz")
            r = run("--to", "wacz", os.path.join(d, "in"), "-o", out)
            msg = r.stderr.decode(errors="replace").strip()
            if r.returncode == 0:
                continue
            seen.add(msg.replace(mnt, "$T"))
            bad = [w for w in ("data.warc.gz", "Interrupted", "/proc/", "/.feed") if w in msg]
            check(msg.startswith(f"newsconv: {out}: ") and not bad,
                  f"output row 25: a full disk ({kb}k) names the WACZ being written", msg)
            check("No space left on device" in msg,
                  f"output row 25: a full disk ({kb}k) says so", msg)
        finally:
            subprocess.run(["umount", mnt], capture_output=True)
    print("row 25 messages:", *sorted(seen), sep="\n  ")
    check(len(seen) >= 2, "output row 25: several stages of the WACZ hit a full disk", seen)


def json_token(data, key):
    """The raw bytes of the JSON string after "key": (or b"")."""
    m = re.search(rb'"' + key + rb'": ?"((?:[^"\\]|\\.)*)"', data, re.S)
    return m.group(1) if m else b""


def one_escaper():
    """Issue 20: one JSON string escaper for WARC (CDXJ), WACZ and JSON:
    one string written the same way by each, and always valid JSON."""
    d = os.path.join(T, "esc")
    os.makedirs(d)
    src = os.path.join(d, "a.txt")
    with open(src, "wb") as f:
        f.write(b'---\ntitle: "Quote \\" back\\\\slash del\x7f end \xc3\xa9"\n'
                b"date: 2024-01-01\n---\n<p>Body.</p>\n")
    r1 = run("--to", "json", src, "-o", os.path.join(d, "a.json"))
    r2 = run("--to", "wacz", src, "-o", os.path.join(d, "a.wacz"))
    check(r1.returncode == 0 and r2.returncode == 0, "one escaper: JSON and WACZ written", r1 if r1.returncode else r2)
    if r1.returncode or r2.returncode:
        return
    js = open(os.path.join(d, "a.json"), "rb").read()
    pages = zipfile.ZipFile(os.path.join(d, "a.wacz")).read("pages/pages.jsonl").splitlines()[1]
    a, b = json_token(js, b"title"), json_token(pages, b"title")
    check(a and a == b, "one escaper: a title with DEL, quote, backslash: the same bytes in JSON and pages.jsonl",
          f"{a!r} vs {b!r}")
    # An output name that is not UTF-8 still gives CDXJ lines that parse.
    out = os.path.join(d.encode(), b"\xff-x.warc")
    cdx = os.path.join(d, "x.cdxj")
    r = subprocess.run([NC, "-q", "--to", "warc", src, "-o", out, "--cdx", cdx], capture_output=True,
                       env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
    check(r.returncode == 0, "one escaper: WARC with a non-UTF-8 name written", r)
    lines = open(cdx, "rb").read().splitlines() if os.path.exists(cdx) else []
    ok = []
    for line in lines:
        try:
            ok.append(json.loads(line.split(b" ", 2)[2].decode("utf-8"))["filename"] == "\ufffd-x.warc")
        except (UnicodeDecodeError, ValueError, KeyError, IndexError):
            ok.append(False)
    check(lines and all(ok), "one escaper: CDXJ lines are valid UTF-8 JSON whatever the WARC's name", lines[:1])


try:
    row8()
    one_escaper()
    row25()
    row23()
    row11()
    row26()
finally:
    shutil.rmtree(T, ignore_errors=True)
done("writer_defects")
