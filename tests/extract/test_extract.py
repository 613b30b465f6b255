#!/usr/bin/env python3
"""The reader view (src/extract.c) on small pages: the article is kept
with its structure, the page around it is dropped; --extract auto never
touches front-matter articles or feed items; on trims them; off keeps
everything."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.environ["SOURCE_ROOT"], "tests"))
from nctest import NC, SRC, check, done

PAGES = os.path.join(SRC, "fixtures", "pages")


def md(name, *opts):
    r = subprocess.run([NC, *opts, "--to", "md", "-q", "-o", "-", os.path.join(PAGES, name)],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"{name} {' '.join(opts)}: converts", r)
    return r.stdout


news = md("news.html")
for kept in ("# Harbour bridge reopens after repairs", "The harbour bridge reopened on Monday",
             "![The bridge at dawn](bridge.jpg)", "The bridge at dawn, before the first buses",
             "## What changed", "- Strain sensors on each tower", "> We are proud of the crews",
             "| 1932 | Bridge opened |", "Traffic is expected to return to normal"):
    check(kept in news, f"news page: article part kept: {kept}", news)
for dropped in ("cookies", "Accept all", "Politics", "SUBSCRIBE NOW", "Share on Twitter",
                "Related stories", "Tunnel works", "Comments", "Great news", "Most read",
                "Storm warning", "Copyright", "Privacy"):
    check(dropped not in news, f"news page: boilerplate dropped: {dropped}", news)
off = md("news.html", "--extract", "off")
check("SUBSCRIBE NOW" in off and "Most read" in off and "Harbour bridge" in off,
      "news page, --extract off: the whole page is kept", off)

blog = md("blog.html")
for kept in ("## Ein Sommer in den Bergen", "Im Juli sind wir drei Wochen",
             "Etappe 2: Lucknerhaus", "Steinböcke sahen"):
    check(kept in blog, f"German blog without semantic tags: kept: {kept}", blog)
for dropped in ("Kategorien", "Folgen Sie", "Twittern", "Kommentare", "Toller Bericht",
                "Impressum", "Über mich"):
    check(dropped not in blog, f"German blog: boilerplate dropped: {dropped}", blog)

# Bodies whose text must be kept: auto leaves them be, on trims them.
for name, what in (("frontmatter-page.txt", "front-matter article"), ("feed.xml", "feed item body")):
    auto, off, on = md(name), md(name, "--extract", "off"), md(name, "--extract", "on")
    check(auto == off and "[Home]" in auto and "Share this" in auto,
          f"{what}, --extract auto: kept to the character", auto)
    check("[Home]" not in on and "Share this" not in on and "A second paragraph" in on,
          f"{what}, --extract on: menu and share bar trimmed", on)

r = subprocess.run([NC, "--extract", "maybe", "--to", "md", "-o", "-", os.path.join(PAGES, "news.html")],
                   capture_output=True, text=True, timeout=60)
check(r.returncode == 2 and "--extract" in r.stderr, "--extract maybe: a usage error", r)

# Seeing why: --to json lists each dropped block (path, characters, rule),
# -v says one line per page; nothing of the kind for an untouched article.
r = subprocess.run([NC, "-v", "--to", "json", "-o", "-", os.path.join(PAGES, "news.html")],
                   capture_output=True, text=True, timeout=60)
j = json.loads(r.stdout) if r.returncode == 0 else {}
x = j.get("extract", {})
paths = [d.get("path", "") for d in x.get("dropped", [])]
check(x.get("kept_chars", 0) > 400 and x.get("dropped_chars", 0) > 200 and
      all(d.get("chars", 0) > 0 and d.get("reason") for d in x.get("dropped", [])),
      "news page, --to json: kept and dropped characters, each dropped block with its size and reason", x)
check(any("share" in p for p in paths) and any("comments" in p for p in paths),
      "news page, --to json: the share bar and the comments are among the dropped paths", paths)
line = [l for l in r.stderr.splitlines() if "reader view:" in l]
check(len(line) == 1 and f"{x.get('kept_chars')} characters kept" in line[0] and "news.html" in line[0],
      "news page, -v: one line with the kept and dropped characters", r.stderr)
r = subprocess.run([NC, "-v", "--to", "json", "-o", "-", os.path.join(PAGES, "frontmatter-page.txt")],
                   capture_output=True, text=True, timeout=60)
check(r.returncode == 0 and "extract" not in json.loads(r.stdout) and "reader view" not in r.stderr,
      "front-matter article: no reader-view report in JSON or -v", r)

done("extract")
