#!/usr/bin/env python3
"""WARC output judged by ../shared/tools/check_warc.py (0 errors, 0
warnings) and by warcio (npm) as an independent parser: fixtures, every
corpus article, the whole corpus in one file, plain and gzip.  The CDXJ
index agrees with warcio's; the original input comes back byte for byte;
SOURCE_DATE_EPOCH makes two runs identical."""
import glob, gzip, json, os, re, shutil, subprocess, sys, tempfile, zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, BUILD, SHARED, check, done  # noqa: E402

CHECK = os.path.join(SHARED, "tools", "check_warc.py")
NPM = os.environ.get("NC_NPM_DIR", os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "newsconv-test", "npm"))
WARCIO = os.path.join(NPM, "node_modules", ".bin", "warcio")
tmp = tempfile.mkdtemp()



def conv(inputs, out, *extra, env=None):
    r = subprocess.run([NC, "-q", "--to", "warc", *extra, *inputs, "-o", out], capture_output=True, timeout=300, env=env)
    check(r.returncode == 0, f"convert -> {os.path.basename(out)}: {r.stderr.decode(errors='replace')[:300]}")


def records(path):
    """(headers, block, offset, length) of every record, parsed here."""
    raw = open(path, "rb").read()
    out = []
    if raw[:2] == b"\x1f\x8b":
        pos = 0
        while pos < len(raw):
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            data = d.decompress(raw[pos:])
            used = len(raw) - pos - len(d.unused_data)
            out += [(h, b, pos, used) for h, b, _, _ in split(data)]
            pos += used
    else:
        out = split(raw)
    return out


def split(data):
    res, pos = [], 0
    while pos < len(data):
        end = data.index(b"\r\n\r\n", pos)
        head = data[pos:end].decode("utf-8").split("\r\n")[1:]
        h = dict(l.split(": ", 1) for l in head)
        n = int(h["Content-Length"])
        block = data[end + 4:end + 4 + n]
        res.append((h, block, pos, end + 4 + n + 4 - pos))
        pos = end + 4 + n + 4
    return res


have_checker = os.path.exists(CHECK)
fixtures = sorted(glob.glob(os.path.join(SRC, "fixtures", "*.txt")))
env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
outs = []
for fx in fixtures:
    for ext in (".warc", ".warc.gz"):
        out = os.path.join(tmp, os.path.basename(fx)[:-4] + ext)
        conv([fx], out, env=env)
        outs.append(out)
allfx = os.path.join(tmp, "fixtures.warc.gz")
cdx = os.path.join(tmp, "fixtures.cdxj")
conv(fixtures, allfx, "--cdx", cdx, env=env)
outs.append(allfx)

# The input comes back byte for byte, and records link up.
recs = records(allfx)
inputs = [b for h, b, _, _ in recs if h.get("WARC-Target-URI", "").startswith("urn:newsconv:input:")]
check(sorted(inputs) == sorted(open(f, "rb").read() for f in fixtures), "every input stored byte for byte")
check(recs[0][0]["WARC-Type"] == "warcinfo" and "WARC File Format 1.1" in recs[0][1].decode(), "warcinfo first")
check(all(not h.get("WARC-Target-URI", "x").startswith("<") for h, _, _, _ in recs), "target URIs are bare")
meta = [b.decode() for h, b, _, _ in recs if h["WARC-Type"] == "metadata"]
check(any("date-original: Invalid Date" in m and "fm-comments: false" in m for m in meta),
      "metadata keeps front-matter fields as written")

# Reproducible.
os.makedirs(os.path.join(tmp, "again"))
again = os.path.join(tmp, "again", "fixtures.warc.gz")  # same name: WARC-Filename is inside
conv(fixtures, again, "--cdx", os.path.join(tmp, "again", "fixtures.cdxj"), env=env)
check(open(allfx, "rb").read() == open(again, "rb").read(), "two runs with SOURCE_DATE_EPOCH are byte-identical")

# Our CDXJ agrees with warcio's index.
if os.path.exists(WARCIO):
    r = subprocess.run([WARCIO, "cdx-index", allfx], capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "warcio cdx-index runs: " + r.stderr[:200])
    theirs = {(j["url"], j["offset"], j["length"], j["digest"]) for j in
              (json.loads(l.split(" ", 2)[2]) for l in r.stdout.splitlines() if l.strip())}
    ours = {(j["url"], j["offset"], j["length"], j["digest"]) for j in
            (json.loads(l.split(" ", 2)[2]) for l in open(cdx) if l.strip())}
    check(theirs == ours and len(ours) > 0, f"--cdx agrees with warcio ({len(ours)} vs {len(theirs)} entries)")
    keys = [l.split(" ", 2)[:2] for l in open(cdx)]
    check(keys == sorted(keys), "CDXJ sorted by key")
    # warcio's parser reads every record of every file.
    for f in outs[:4] + [allfx]:
        r = subprocess.run([WARCIO, "index", f], capture_output=True, text=True, timeout=120)
        n = len([l for l in r.stdout.splitlines() if l.strip()])
        check(r.returncode == 0 and n == len(records(f)), f"warcio index reads all {len(records(f))} records of {os.path.basename(f)} (got {n})")
else:
    check(False, "warcio not installed (tools/deps.sh installs it)")

# The corpus: one archive per article and one for all.
if os.path.isdir(os.path.join(SHARED, "corpus")):
    arts = sorted(glob.glob(os.path.join(SHARED, "corpus", "*.txt")) + glob.glob(os.path.join(SHARED, "seed", "*.txt")))
    each = os.path.join(tmp, "each")
    r = subprocess.run([NC, "-q", "--to", "warc", "--gzip", "-O", each, *arts], capture_output=True, timeout=600)
    check(r.returncode == 0, "corpus one by one")
    outs += sorted(glob.glob(os.path.join(each, "*.warc.gz")))
    check(len(glob.glob(os.path.join(each, "*.warc.gz"))) == len(arts), "one archive per article")
    whole = os.path.join(tmp, "corpus.warc")
    conv(arts, whole)
    outs.append(whole)
    got = [b for h, b, _, _ in records(whole) if h.get("WARC-Target-URI", "").startswith("urn:newsconv:input:")]
    check(got == [open(a, "rb").read() for a in arts], "corpus inputs recovered byte for byte, in order")

# The page's own labels in the article's language; English ones, where
# newsconv has no words for the language, say so (lang="en").
ko = os.path.join(tmp, "ko.txt")
open(ko, "w", encoding="utf-8").write("---\ntitle: 서울 소식\nauthor: 김기자\nlang: ko\n"
                                      "date: 2024-03-01\n---\n<p>본문입니다.</p>\n")
lw = os.path.join(tmp, "labels.warc")
conv([os.path.join(SRC, "fixtures", "example.txt"), ko], lw)
pages = [b.decode() for h, b, _, _ in records(lw) if h.get("Content-Type", "").startswith("text/html")]
check(len(pages) == 2 and "<dt>作者</dt>" in pages[0] and "<dt>日期</dt>" in pages[0],
      "a Chinese article's page: labels in Chinese", pages[:1])
check(len(pages) == 2 and '<dt lang="en">Author</dt>' in pages[1], "a Korean article's page: English labels marked", pages[1:])
outs.append(lw)

if have_checker:
    r = subprocess.run([sys.executable, CHECK, *outs], capture_output=True, text=True, timeout=900)
    bad = [l for l in r.stdout.splitlines() if not l.endswith("0 errors, 0 warnings") and not l.startswith("  ")]
    check(r.returncode == 0 and not bad, f"check_warc.py: {len(bad)} files with errors or warnings")
    for l in (bad + [l for l in r.stdout.splitlines() if l.startswith("  ")])[:10]:
        print("   ", l)
    print(f"check_warc.py: {len(outs) - len(bad)}/{len(outs)} files clean")
else:
    print("../shared/tools/check_warc.py absent: strict checks skipped")

shutil.rmtree(tmp, ignore_errors=True)
done("warc")
