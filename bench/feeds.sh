#!/usr/bin/env bash
# Feeds to EPUB: every real feed of ../shared/feeds, side by side in one
# run on the same items.  newsconv makes one book per feed (--to epub -o);
# pandoc (--sandbox -f html -t epub3, one process per item, the title as
# metadata) makes one book per item from the item's body HTML, taken from
# the feed by tests/reader/feed_items.py (content:encoded, then Atom
# content, then description/summary).  Wall time of each, then epubcheck
# (one JVM for every book: tests/epub/EpubBatch.java) errors (fatals
# included) / warnings summed per feed.  Prints one Markdown table.
#
# pandoc 2.17's --sandbox cannot read its own data files (Debian does not
# embed them: "Could not find data file data/data/epub.css"), so its
# default stylesheet is given as --css and, to be inside the sandbox's
# list of readable files, also as --epub-embed-font (a 1 KB copy under
# EPUB/fonts/; epubcheck does not mind).
#
# Not a test: no assertion on any figure.  Needs ../shared/feeds (or
# $NC_SHARED/feeds), pandoc, java and /usr/share/java/epubcheck.jar.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
SHARED=${NC_SHARED:-../shared}
if ! compgen -G "$SHARED/feeds/*.xml" >/dev/null; then
	echo "feeds: no feeds in $SHARED/feeds, skipped"
	exit 0
fi
if [ -z "${NEWSCONV:-}" ]; then
	[ -d build-bench ] || meson setup build-bench --buildtype=release >/dev/null
	ninja -C build-bench >/dev/null
	NEWSCONV=$repo/build-bench/newsconv
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

NEWSCONV=$NEWSCONV python3 - "$SHARED/feeds" "$out" <<'PY'
import glob, os, re, subprocess, sys, time
sys.path.insert(0, "tests/reader")
from feed_items import items_of

src, out = sys.argv[1], sys.argv[2]
NC = os.environ["NEWSCONV"]
JAR = "/usr/share/java/epubcheck.jar"
CSS = "/usr/share/pandoc/data/epub.css"
rows = []  # feed, items, newsconv s, newsconv book, pandoc s, pandoc books
for path in sorted(glob.glob(src + "/*.xml")):
    name = os.path.splitext(os.path.basename(path))[0]
    items = items_of(path)
    book = f"{out}/nc/{name}.epub"
    os.makedirs(f"{out}/nc", exist_ok=True)
    t0 = time.perf_counter()
    r = subprocess.run([NC, "-q", "--to", "epub", "-o", book, path], capture_output=True)
    t_nc = time.perf_counter() - t0
    if r.returncode or not os.path.exists(book):
        book = None  # no items: newsconv writes no book (exit 0, "no items")
    pd = f"{out}/pandoc/{name}"
    os.makedirs(pd, exist_ok=True)
    books, t_pd = [], 0.0
    for i, it in enumerate(items, 1):
        h = f"{pd}/{i:03d}.html"
        with open(h, "w", encoding="utf-8") as f:
            f.write(it["body"])
        e = f"{pd}/{i:03d}.epub"
        t0 = time.perf_counter()
        p = subprocess.run(["pandoc", "--sandbox", "-f", "html", "-t", "epub3", h,
                            "--css", CSS, "--epub-embed-font", CSS,
                            "--metadata", "title=" + (it["title"] or f"{name} item {i}"), "-o", e],
                           capture_output=True)
        t_pd += time.perf_counter() - t0
        if p.returncode == 0:
            books.append(e)
        else:
            print(f"pandoc failed on {name} item {i}: {p.stderr.decode(errors='replace')[:200]}", file=sys.stderr)
    rows.append([name, len(items), t_nc, book, t_pd, books])

every = [r[3] for r in rows if r[3]] + [b for r in rows for b in r[5]]
res, cur, codes = {}, None, {}
if every:
    c = subprocess.run(["java", "-cp", JAR, "tests/epub/EpubBatch.java", *every],
                       capture_output=True, text=True)
    for line in (c.stdout + c.stderr).splitlines():
        if line.startswith("== "):
            cur = line[3:]
        k = re.match(r"(FATAL|ERROR|WARNING)\(([A-Z]+-\d+)\)", line)
        if k and cur:
            codes.setdefault(cur, []).append(f"{k.group(1)} {k.group(2)}")
        m = re.search(r"Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings?", line)
        if m and cur:
            res[cur] = (int(m.group(1)) + int(m.group(2)), int(m.group(3)))


def ew(books):
    e = w = 0
    for b in books:
        x = res.get(b, (1, 0))  # no verdict counts as an error
        e += x[0]; w += x[1]
    return e, w


print("| feed | items | newsconv s | newsconv epubcheck E/W | pandoc s | pandoc epubcheck E/W |")
print("|---|---|---|---|---|---|")
tot = [0, 0.0, 0, 0, 0.0, 0, 0, 0, 0]
for name, n, t_nc, book, t_pd, books in rows:
    ne, nw = ew([book] if book else [])
    pe, pw = ew(books)
    bad = sum(1 for b in books if ew([b])[0])
    print(f"| {name} | {n} | {t_nc:.3f} | {f'{ne}/{nw}' if book else 'no book (0 items)'} | {t_pd:.2f} | "
          f"{pe}/{pw}" + (f" ({bad} of {len(books)} books with errors)" if bad else "") + " |")
    tot[0] += n; tot[1] += t_nc; tot[2] += ne; tot[3] += nw; tot[4] += t_pd; tot[5] += pe; tot[6] += pw
    tot[7] += bad; tot[8] += len(books)
nb = sum(1 for r in rows if r[3])
print(f"| **total** ({len(rows)} feeds) | {tot[0]} | {tot[1]:.3f} ({nb} books) | {tot[2]}/{tot[3]} | "
      f"{tot[4]:.2f} ({tot[8]} books) | {tot[5]}/{tot[6]} ({tot[7]} of {tot[8]} books with errors) |")
for who, books in (("newsconv", [r[3] for r in rows if r[3]]), ("pandoc", [b for r in rows for b in r[5]])):
    seen = {}
    for b in books:
        for c in codes.get(b, []):
            seen[c] = seen.get(c, 0) + 1
    if seen:
        print(f"{who} epubcheck messages: " + ", ".join(f"{c} x{n}" for c, n in sorted(seen.items(), key=lambda x: -x[1])))
PY
