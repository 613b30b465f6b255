#!/usr/bin/env python3
"""Writer defects of issue 20 (../shared/review/output/DEFECTS.md rows 8,
11, 23, 24, 25, 26), each on a fixture of its own made here."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

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


try:
    row8()
    row11()
    row26()
finally:
    shutil.rmtree(T, ignore_errors=True)
done("writer_defects")
