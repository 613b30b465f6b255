#!/usr/bin/env python3
"""A 100,000-item feed (issue 19's Done-when): RSS and Atom, with and
without a newline between items, converts in linear time and in at most
twice the memory of its file plus a constant, and loses no item.

The feed is read in parts (read_feed.c: a shell pass, then an items
pass that frees each item once read), so a batch holds a window of its
documents and never the whole feed's tree or all of its documents; the
build before that peaked at 16x the file (383 MB for an 18.6 MB feed).

Figures from the release build are in the README (Benchmarks); here
the bound is checked on whatever build runs the test.  Under the
sanitizers (shadow memory, slower) the feeds are smaller and only the
items are checked."""
import json, os, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, check, done  # noqa: E402

SANITIZED = os.environ.get("NC_SANITIZED") == "1"
BIG = 10000 if SANITIZED else 100000
SMALL = BIG // 4
CONSTANT_KB = 24 * 1024  # the program, libxml2, one chunk's tree, a window of documents
tmp = tempfile.mkdtemp()


def feed(kind, n, sep):
    """A feed of n items, each with a title, id, date and a summary."""
    path = os.path.join(tmp, f"{kind}_{n}_{len(sep)}.xml")
    with open(path, "w") as f:
        if kind == "rss":
            f.write('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title>'
                    '<link>https://ex.org/</link>\n')
        else:
            f.write('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>\n')
        for i in range(n):
            if kind == "rss":
                f.write(f'<item><title>E{i}</title><guid>urn:{i}</guid><pubDate>Mon, 01 Jan 2024 '
                        f'00:00:00 GMT</pubDate><description>x{i} a summary &amp; more of it.'
                        f'</description></item>{sep}')
            else:
                f.write(f'<entry><title>E{i}</title><id>urn:{i}</id><updated>2024-01-01T00:00:00Z'
                        f'</updated><content>x{i} a summary of it</content></entry>{sep}')
        f.write('</channel></rss>\n' if kind == "rss" else '</feed>\n')
    return path


def measured(path):
    """(seconds, peak RSS in KB, documents, titles in order) of one
    conversion to JSON on stdout, read here line by line (one document
    a line)."""
    t0 = time.monotonic()
    p = subprocess.Popen([NC, "-q", "--to", "json", "-o", "-", path], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    n, in_order = 0, True
    for line in p.stdout:
        line = line.strip().rstrip(b",")
        if not line.startswith(b"{"):
            continue
        d = json.loads(line)
        in_order &= d["meta"]["title"] == f"E{n}" and d["source"].endswith(f"#{n + 1}")
        n += 1
    _, status, ru = os.wait4(p.pid, 0)
    p.stdout.close()
    check(os.waitstatus_to_exitcode(status) == 0, f"{os.path.basename(path)}: exit 0")
    return time.monotonic() - t0, ru.ru_maxrss, n, in_order


for kind in ("rss", "atom"):
    for sep in ("\n", ""):
        label = f"{kind}, {'a newline' if sep else 'nothing'} between items"
        small, big = feed(kind, SMALL, sep), feed(kind, BIG, sep)
        ts, ms, ns, _ = measured(small)
        tb, mb, nb, order = measured(big)
        size_kb = os.path.getsize(big) // 1024
        check(nb == BIG and order, f"{label}: all {BIG} items, in order ({nb})")
        if not SANITIZED:
            check(mb <= 2 * size_kb + CONSTANT_KB,
                  f"{label}: peak RSS {mb} KB for a {size_kb} KB feed "
                  f"(at most twice the file + {CONSTANT_KB} KB)")
            check(tb <= 4 * 1.6 * ts + 1.0, f"{label}: time linear ({SMALL} items {ts:.2f} s, "
                  f"{BIG} items {tb:.2f} s)")
        os.unlink(small)
        os.unlink(big)

done("feed_stream")
