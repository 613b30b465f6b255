"""The two measures of ../shared/pages/README.md for any extractor's
outputs, so bench/extract.sh can put newsconv and its peers side by side
(tools/eval_extract.py holds the measures; this only feeds them files).

  extract_score.py unpack SHARED DIR   pages to DIR/traf/*.html, DIR/read/*.html
  extract_score.py score SHARED DIR OUT EXT
      OUT/traf/<page>.EXT and OUT/read/<page>.EXT: json (newsconv --to json)
      or html (an article's HTML); prints "F_traf precision recall F1_read
      precision recall" on one line."""
import gzip
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import eval_extract as ev  # noqa: E402


def traf_items(shared):
    base = os.path.join(shared, "pages", "trafilatura")
    data = json.load(open(os.path.join(base, "evaldata.json"), encoding="utf-8"))
    return base, sorted(data.items())


def read_names(shared):
    base = os.path.join(shared, "pages", "readability")
    return base, sorted(d for d in os.listdir(base) if os.path.isdir(os.path.join(base, d)))


def unpack(shared, d):
    base, items = traf_items(shared)
    os.makedirs(os.path.join(d, "traf"), exist_ok=True)
    for i, (_, ent) in enumerate(items):
        with gzip.open(os.path.join(base, "eval", ent["file"] + ".gz")) as f, \
                open(os.path.join(d, "traf", "t%04d.html" % i), "wb") as o:
            o.write(f.read())
    base, names = read_names(shared)
    os.makedirs(os.path.join(d, "read"), exist_ok=True)
    for n in names:
        with gzip.open(os.path.join(base, n, "source.html.gz")) as f, \
                open(os.path.join(d, "read", n + ".html"), "wb") as o:
            o.write(f.read())


def text(path, ext):
    try:
        if ext == "json":
            return ev.text_of(json.load(open(path, encoding="utf-8")))
        return ev.html_text(open(path, encoding="utf-8", errors="replace").read())
    except (OSError, ValueError):
        return ""


def score(shared, out, ext):
    _, items = traf_items(shared)
    tp = fp = fn = 0
    for i, (_, ent) in enumerate(items):
        t = ev.squash(text(os.path.join(out, "traf", "t%04d.%s" % (i, ext)), ext))
        for s in ent.get("with", []):
            if ev.squash(s) in t:
                tp += 1
            else:
                fn += 1
        fp += sum(1 for s in ent.get("without", []) if ev.squash(s) in t)
    p1, r1 = tp / max(1, tp + fp), tp / max(1, tp + fn)
    f1 = 2 * p1 * r1 / max(1e-9, p1 + r1)
    base, names = read_names(shared)
    ps, rs = [], []
    for n in names:
        e = ev.shingles(ev.html_text(open(os.path.join(base, n, "expected.html"), encoding="utf-8").read()))
        x = ev.shingles(text(os.path.join(out, "read", "%s.%s" % (n, ext)), ext))
        tp = sum(min(e[k], x[k]) for k in x)
        fpp = sum(max(0, x[k] - e[k]) for k in x)
        fnn = sum(max(0, e[k] - x[k]) for k in e)
        if x:
            ps.append(tp / max(1, tp + fpp))
        if e:
            rs.append(tp / max(1, tp + fnn))
    p2, r2 = sum(ps) / max(1, len(ps)), sum(rs) / max(1, len(rs))
    f2 = 2 * p2 * r2 / max(1e-9, p2 + r2)
    print("%.3f %.3f %.3f %.3f %.3f %.3f" % (f1, p1, r1, f2, p2, r2))


if __name__ == "__main__":
    if sys.argv[1] == "unpack":
        unpack(sys.argv[2], sys.argv[3])
    else:
        score(sys.argv[2], sys.argv[3], sys.argv[4], *sys.argv[5:])
