#!/usr/bin/env python3
"""eval_extract.py - how well newsconv finds a page's article.

Runs newsconv --to json over the annotated pages of ../shared/pages (see
its README) and prints the two measures it describes:
  trafilatura/  segment precision, recall, F over all `with` (must be
                seen) and `without` (must not) segments, matched as
                whitespace-insensitive substrings of the plain text;
  readability/  4-token shingle precision, recall (averaged over pages)
                and their F1 against expected.html, plus how often the
                title, byline, lang, excerpt, siteName and publishedTime
                equal expected-metadata.json (see meta_equal for the rules).

  tools/eval_extract.py [--newsconv BIN] [--shared DIR] [--set trafilatura|readability|both]
                        [--limit N] [--extract MODE] [--worst N] [--floor F]

--floor F exits 1 when a measured F is below F (the test suite's check).
Exits 77 when the shared pages are absent.
"""
import argparse
import collections
import gzip
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile
import time

BLOCKS = {"paragraph", "heading", "blockquote", "list", "item", "code_block",
          "thematic_break", "table", "row", "cell", "figure", "caption",
          "line_break", "softbreak", "document"}


def doc_text(node, out):
    """Plain text of a --to json body: blocks on their own lines."""
    stack = [(node, False)]
    while stack:
        n, leaving = stack.pop()
        t = n.get("type", "")
        if leaving:
            if t in BLOCKS:
                out.append("\n")
            continue
        if "text" in n and isinstance(n["text"], str):
            out.append(n["text"])
        if t in ("line_break",):
            out.append("\n")
        if t in ("cell",):
            out.append(" ")
        stack.append((n, True))
        for c in reversed(n.get("children", [])):
            stack.append((c, False))
    return out


class TextOf(html.parser.HTMLParser):
    BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th",
             "br", "pre", "blockquote", "figcaption", "section", "article", "table", "dd", "dt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(s):
    p = TextOf()
    p.feed(s)
    p.close()
    return "".join(p.parts)


WS = re.compile(r"\s+")
TOK = re.compile(r"\w+")


def squash(s):
    return WS.sub("", s)


def shingles(text):
    toks = TOK.findall(text.lower())
    return collections.Counter(tuple(toks[i:i + 4]) for i in range(max(0, len(toks) - 3)))


def run_newsconv(args, pages, outdir):
    """pages: list of (name, html bytes).  Returns {name: json or None}, seconds."""
    indir = os.path.join(outdir, "in")
    jdir = os.path.join(outdir, "out")
    os.makedirs(indir, exist_ok=True)
    os.makedirs(jdir, exist_ok=True)
    names = []
    for name, data in pages:
        p = os.path.join(indir, name + ".html")
        with open(p, "wb") as f:
            f.write(data)
        names.append(p)
    lst = os.path.join(outdir, "list")
    with open(lst, "w") as f:
        f.write("\n".join(names) + "\n")
    cmd = [args.newsconv, "--to", "json", "-O", jdir, "-q", "--files-from", lst]
    if args.extract:
        cmd[1:1] = ["--extract", args.extract]
    t0 = time.time()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    secs = time.time() - t0
    res = {}
    for name, _ in pages:
        p = os.path.join(jdir, name + ".json")
        try:
            with open(p, encoding="utf-8") as f:
                res[name] = json.load(f)
        except (OSError, ValueError):
            res[name] = None
    return res, secs


def text_of(j):
    if not j:
        return ""
    return "".join(doc_text(j.get("body", {}), []))


def eval_trafilatura(args, tmp):
    base = os.path.join(args.shared, "pages", "trafilatura")
    data = json.load(open(os.path.join(base, "evaldata.json"), encoding="utf-8"))
    items = sorted(data.items())
    if args.limit:
        items = items[::max(1, len(items) // args.limit)][:args.limit]
    pages = []
    for i, (url, ent) in enumerate(items):
        with gzip.open(os.path.join(base, "eval", ent["file"] + ".gz")) as f:
            pages.append(("t%04d" % i, f.read()))
    res, secs = run_newsconv(args, pages, os.path.join(tmp, "traf"))
    tp = fn = fp = tn = 0
    per = []
    for i, (url, ent) in enumerate(items):
        txt = squash(text_of(res["t%04d" % i]))
        a = b = c = 0
        for s in ent.get("with", []):
            if squash(s) in txt:
                tp += 1
            else:
                fn += 1
                a += 1
        for s in ent.get("without", []):
            if squash(s) in txt:
                fp += 1
                b += 1
            else:
                tn += 1
        per.append((a + b, ent["file"], a, b))
    prec = tp / (tp + fp) if tp + fp else 0
    rec = tp / (tp + fn) if tp + fn else 0
    f = 2 * prec * rec / (prec + rec) if prec + rec else 0
    print("trafilatura: %d pages  F %.4f  precision %.3f  recall %.3f  accuracy %.3f  (%.1f pages/s)"
          % (len(items), f, prec, rec, (tp + tn) / max(1, tp + tn + fp + fn), len(items) / secs))
    if args.worst:
        for score, fname, a, b in sorted(per, reverse=True)[:args.worst]:
            print("  %s: %d missed, %d boilerplate kept" % (fname, a, b))
    return f


# Readability's byline is the text of the byline element ("By\n Scott
# Cunningham"); newsconv keeps names.  A leading "by"/"par"/"von" ...
# is not part of a name, so it is cut from both sides before comparing.
BY = re.compile(r"^(?:written\s+by|posted\s+by|by|par|von|por|di|door)\b[\s:]*", re.I)
# Nor is a contact written after the name, "Jane Doe (https://jane.example/)"
# or "Jane Doe <jane@example.org>": newsconv keeps the name and drops the
# address (README "Page metadata"), Readability keeps <meta name=author>
# as written.  Cut from both sides too, and only when it is an address,
# so that "Bruno (Henrique Zecchin) Rodrigues" still has to match.
CONTACT = re.compile(r"\s*[(<][^()<>]*(?:@|://|www\.)[^()<>]*[)>]\s*$")


def when(s):
    """A date string as a UTC instant (naive read as UTC), or None."""
    import datetime
    s = s.strip().replace(" ", "T", 1)
    s = re.sub(r"(\.\d{1,6})\d*", r"\1", s)
    s = re.sub(r"Z$", "+00:00", s)
    s = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", s)
    try:
        d = datetime.datetime.fromisoformat(s)
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=datetime.timezone.utc)
    return d.timestamp()


def meta_equal(got, want, key=None):
    if want is None or want == "":
        return None
    if got is None:
        return False
    if key == "byline":
        got, want = (CONTACT.sub("", BY.sub("", str(v).strip())) for v in (got, want))
    if key == "publishedTime":
        raw, iso = got
        if raw and squash(raw).lower() == squash(want).lower():
            return True
        w, g = when(want), when(iso or "")
        # A time without a zone was read as written: compare the digits.
        if w is not None and g is not None and not re.search(r"(Z|[+-]\d\d:?\d\d)$", want.strip()):
            g = when(raw or "")
        return w is not None and g is not None and abs(w - g) < 1
    return squash(str(got)).lower() == squash(str(want)).lower()


def eval_readability(args, tmp):
    base = os.path.join(args.shared, "pages", "readability")
    names = sorted(d for d in os.listdir(base) if os.path.isdir(os.path.join(base, d)))
    if args.limit:
        names = names[::max(1, len(names) // args.limit)][:args.limit]
    pages = []
    for n in names:
        with gzip.open(os.path.join(base, n, "source.html.gz")) as f:
            pages.append((n, f.read()))
    res, secs = run_newsconv(args, pages, os.path.join(tmp, "read"))
    ps, rs, per = [], [], []
    meta = {k: [0, 0] for k in ("title", "byline", "lang", "excerpt", "siteName", "publishedTime")}
    for n in names:
        with open(os.path.join(base, n, "expected.html"), encoding="utf-8") as f:
            e = shingles(html_text(f.read()))
        x = shingles(text_of(res[n]))
        tp = sum(min(e[k], x[k]) for k in x)
        fp = sum(max(0, x[k] - e[k]) for k in x)
        fnn = sum(max(0, e[k] - x[k]) for k in e)
        tot = tp + fp + fnn
        if tot:
            if x:
                ps.append(tp / (tp + fp))
            if e:
                rs.append(tp / (tp + fnn))
        per.append((fp + fnn) / tot if tot else 0)
        em = json.load(open(os.path.join(base, n, "expected-metadata.json"), encoding="utf-8"))
        m = (res[n] or {}).get("meta", {})
        got = {"title": m.get("title"), "lang": m.get("language"),
               # What a reader sees as the byline: the page's own byline
               # when newsconv kept one beside the names (extra "byline",
               # README "Page metadata"), else the names.
               "byline": (m.get("extra") or {}).get("byline")
               or ", ".join(m.get("authors") or []) or None,
               "excerpt": m.get("description"),
               "siteName": (m.get("extra") or {}).get("site_name"),
               "publishedTime": (m.get("date_raw"), m.get("date")) if m.get("date_raw") else None}
        for k in meta:
            ok = meta_equal(got[k], em.get(k), k)
            if ok is not None:
                meta[k][1] += 1
                meta[k][0] += ok
                if not ok and args.worst_meta:
                    print("  meta %s %s: got %r want %r" % (n, k, got[k], em.get(k)))
    p = sum(ps) / len(ps) if ps else 0
    r = sum(rs) / len(rs) if rs else 0
    f1 = 2 * p * r / (p + r) if p + r else 0
    print("readability: %d pages  F1 %.3f  precision %.3f  recall %.3f  (%.1f pages/s)"
          % (len(names), f1, p, r, len(names) / secs))
    print("  metadata: " + "  ".join("%s %d/%d" % (k, v[0], v[1]) for k, v in meta.items()))
    if args.worst:
        for score, n in sorted(zip(per, names), reverse=True)[:args.worst]:
            print("  %s: %.2f wrong" % (n, score))
    return f1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--newsconv", default=os.environ.get("NEWSCONV", "build-dev/newsconv"))
    ap.add_argument("--shared", default=os.environ.get("NC_SHARED", "../shared"))
    ap.add_argument("--set", default="both")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--extract", default=None)
    ap.add_argument("--worst", type=int, default=0)
    ap.add_argument("--worst-meta", action="store_true")
    ap.add_argument("--floor", type=float, default=None)
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.shared, "pages")):
        print("no shared pages at %s: skipped" % args.shared)
        return 77
    fs = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.set in ("both", "trafilatura"):
            fs.append(eval_trafilatura(args, tmp))
        if args.set in ("both", "readability"):
            fs.append(eval_readability(args, tmp))
    if args.floor is not None and min(fs) < args.floor:
        print("below the floor %.3f" % args.floor)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
