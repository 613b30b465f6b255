#!/usr/bin/env python3
"""Markdown fidelity of the real feeds (issue 10): every item of every
feed in $NC_SHARED/feeds, its body HTML taken from the ORIGINAL feed by
this script (content:encoded, then Atom content, then description or
summary, as the feed reader chooses), against `newsconv --to md -O DIR
feed.xml`, judged by ../shared/tools/md_fidelity.py (cmark-gfm's
rendering of the Markdown: visible text, images, links).

The thresholds are those of tests/md/test_corpus.py: mean text >= 0.998
and none below 0.99 (so at most 0.2% of the feeds' text missing), text
added at most ADDED_MAX of the source characters, every image and link
kept, and no raw HTML: 0 by md_fidelity's count and 0 html_block /
html_inline nodes in cmark-gfm's AST of each file.

The reference is the body alone; what the reader adds beside it on
purpose, an item's audio/video enclosures shown as links after the body,
must be there, and its link labels are reported apart from the added
text.  A tag cut off by the end of a body (f19's truncated descriptions)
is dropped from the reference as HTML parsers do at end of file.
Skips (77) without ../shared/feeds, md_fidelity.py or cmark-gfm."""
import atexit, glob, os, re, shutil, statistics, subprocess, sys, tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from feed_items import items_of, local  # noqa: E402

NC = os.environ["NEWSCONV"]
SHARED = os.environ.get("NC_SHARED", "")
TOOL = os.path.join(SHARED, "tools", "md_fidelity.py")
FEEDS = sorted(glob.glob(os.path.join(SHARED, "feeds", "*.xml"))) if SHARED else []
if not FEEDS or not os.path.exists(TOOL):
    print("../shared/feeds or md_fidelity.py not found: skipped")
    sys.exit(77)
if not shutil.which("cmark-gfm"):
    print("cmark-gfm not installed: skipped")
    sys.exit(77)

ADDED_MAX = 0.005    # as tests/md/test_corpus.py
TEXT_MEAN_MIN = 0.998
TEXT_MIN = 0.99
MISSING_MAX = 1 - TEXT_MEAN_MIN
tmp = tempfile.mkdtemp()
atexit.register(shutil.rmtree, tmp, True)

def ast_of(md):
    """cmark-gfm's AST of a file's body: (html_block + html_inline nodes,
    [(destination, text) of every link])."""
    m = re.match(r"---\s*\n.*?\n---\s*\n", md, re.S)
    body = md[m.end():] if m else md
    r = subprocess.run(["cmark-gfm", "-t", "xml", "-e", "table", "-e", "strikethrough"],
                       input=body.encode(), capture_output=True, timeout=60)
    x = r.stdout.decode("utf-8", "replace")
    raw = len(re.findall(r"<html_(?:block|inline)\b", x))
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", x))
    return raw, [(a.get("destination"), "".join(a.itertext())) for a in root.iter() if local(a) == "link"]


def judge(job):
    name, i, src, md, encl = job
    line = subprocess.run([sys.executable, TOOL, src, md], capture_output=True, text=True, timeout=120).stdout
    r = dict(kv.split("=", 1) for kv in line.split())
    r["ast_raw"], links = ast_of(open(md, encoding="utf-8", errors="replace").read())
    # the reader shows an item's enclosures after its body, as links
    # ("[▶ host](url)"): their labels are not in the reference (the body),
    # so they are counted apart from the added text, and must be there
    r["encl_added"] = sum(len("".join(t.split())) for u, t in links if u in encl)
    r["encl"] = (len({u for u, t in links if u in encl}), len(set(encl)))
    return name, i, r


bad, jobs = [], []
for path in FEEDS:
    stem = os.path.splitext(os.path.basename(path))[0]
    bodies = items_of(path)
    out = os.path.join(tmp, stem)
    if not bodies:
        continue
    # Files are named from each item's date and title; -v says which
    # file each item went to, in item order.
    r = subprocess.run([NC, "-v", "--to", "md", "-O", out, path], capture_output=True, timeout=300)
    if r.returncode != 0:
        bad.append(f"{stem}: newsconv exit {r.returncode}: {r.stderr.decode(errors='replace')[:300]}")
        continue
    mds = [os.path.basename(m) for m in
           re.findall(r"^newsconv: wrote (.*\.md)$", r.stderr.decode("utf-8", "replace"), re.M)]
    if len(mds) != len(bodies):
        bad.append(f"{stem}: {len(mds)} Markdown files, the feed has {len(bodies)} items")
        continue
    for i, (it, md) in enumerate(zip(bodies, mds), 1):
        body, encl = it["body"], it["enclosures"]
        src = os.path.join(tmp, f"{stem}-{i:03d}.html")
        with open(src, "w", encoding="utf-8") as f:
            f.write(body)
        jobs.append((stem, i, src, os.path.join(out, md), encl))

with ThreadPoolExecutor(max_workers=2) as ex:
    rows = list(ex.map(judge, jobs))

texts, img, link, encl = [], [0, 0], [0, 0], [0, 0]
raw = ast = added = encl_added = src_chars = matched = 0
per_feed = {}
for name, i, r in rows:
    t = float(r["text"])
    n = int(r["srcchars"])
    texts.append(t)
    src_chars += n
    matched += round(t * n)
    ea = r["encl_added"]
    added += int(r["added"]) - ea
    encl_added += ea
    a, b = map(int, r["img"].split("/"))
    c, d = map(int, r["link"].split("/"))
    e, f = r["encl"]
    img[0] += a; img[1] += b; link[0] += c; link[1] += d; encl[0] += e; encl[1] += f
    raw += int(r["rawhtml"]); ast += r["ast_raw"]
    pf = per_feed.setdefault(name, [0, 0, 0, 0, 0])
    pf[0] += 1; pf[1] += n; pf[2] += n - round(t * n); pf[3] += int(r["added"]) - ea; pf[4] += ea
    if t < TEXT_MIN or a < b or c < d or e < f or int(r["rawhtml"]) or r["ast_raw"]:
        bad.append(f"{name} item {i}: text={t:.4f} img={r['img']} link={r['link']} enclosures={e}/{f} "
                   f"rawhtml={r['rawhtml']} html_block/inline={r['ast_raw']} added={r['added']}")

mean = statistics.mean(texts) if texts else 0
missing = 1 - matched / src_chars if src_chars else 0
share = added / src_chars if src_chars else 0
print(f"{len(FEEDS)} feeds, {len(rows)} items, {src_chars} characters of body text")
print("| feed | items | text chars | missing | added | enclosure labels |")
print("|---|---|---|---|---|---|")
for name, (k, n, m, a, ea) in sorted(per_feed.items()):
    print(f"| {name} | {k} | {n} | {m} | {a} | {ea} |")
print(f"text mean={mean:.4f} min={min(texts, default=0):.4f} img={img[0]}/{img[1]} "
      f"link={link[0]}/{link[1]} enclosures={encl[0]}/{encl[1]} rawhtml={raw} html_block+html_inline={ast}")
print(f"text missing: {src_chars - matched} of {src_chars} = {missing:.3%} (max {MISSING_MAX:.1%})")
print(f"text added: {added} of {src_chars} source characters = {share:.3%} (max {ADDED_MAX:.1%}); "
      f"enclosure link labels apart: {encl_added}")
if share > ADDED_MAX:
    bad.append(f"text added {share:.3%} > {ADDED_MAX:.1%}")
if missing > MISSING_MAX or mean < TEXT_MEAN_MIN:
    bad.append(f"text missing {missing:.3%}, mean {mean:.4f} (min {TEXT_MEAN_MIN})")
if img[0] < img[1] or link[0] < link[1] or encl[0] < encl[1] or raw or ast:
    bad.append("images, links or enclosures lost, or raw HTML left")
for b in bad[:30]:
    print("  ", b)
print("feed md fidelity:", "ok" if not bad else "FAILED")
sys.exit(0 if not bad else 1)
