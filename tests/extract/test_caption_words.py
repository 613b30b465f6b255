#!/usr/bin/env python3
"""The reader view and a class that says "caption" (src/extract.c, rule 4
credits: a caption before the article's first paragraph is the lead
picture's and goes).  An element whose class holds the word but which
holds the story itself ("js-accordion-caption" around a page's text, as
an extract fuzz run found) is no picture's caption:
  - around the content: the story was dropped whole (0 characters kept);
  - the content itself: it was freed, then walked (heap-use-after-free
    under ASan, garbage or a crash without)."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["SOURCE_ROOT"], "tests"))
from nctest import NC, check, done

PARA = ("<p>" + "The council met on Tuesday evening to decide the future of the old library "
        "building, and after a long debate the members agreed to keep it open. " * 2 + "</p>\n")
NAV = ("<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li>"
       "<li><a href='/sport'>Sport</a></li></ul></nav>")
FOOT = "<footer><a href='/about'>About us</a> <a href='/contact'>Contact</a></footer>"


def page(inner):
    return ("<!DOCTYPE html><html lang='en'><head><title>Library stays open</title></head><body>"
            + NAV + inner + FOOT + "</body></html>")


STORY = "<h1>Library stays open</h1>" + PARA * 6
PAGES = {
    "around the content": page("<div id='page'><div class='js-accordion-caption'>" + STORY
                               + "</div></div>"),
    "the content itself": page("<div class='js-accordion-caption'>" + STORY + "</div>"),
    "a legend around the story": page("<div id='main'><section class='legend-box'>" + STORY
                                      + "</section></div>"),
}

with tempfile.TemporaryDirectory() as tmp:
    for what, html in PAGES.items():
        src = os.path.join(tmp, "page.html")
        with open(src, "w") as f:
            f.write(html)
        r = subprocess.run([NC, "-q", "--to", "json", src, "-o", "-"], capture_output=True, timeout=60)
        ok = r.returncode == 0 and b"ERROR: AddressSanitizer" not in r.stderr
        d = json.loads(r.stdout) if ok and r.stdout else {}
        body = json.dumps(d.get("body", ""))
        kept = (d.get("extract") or {}).get("kept_chars", 0)
        check(ok, f"{what}: the page converts", r.stderr[-400:])
        check(body.count("The council met") == 12 and kept > 1400,
              f"{what}: the story is kept whole ({kept} characters)",
              d.get("extract"))
        check("Contact" not in body and "Sport" not in body,
              f"{what}: the menu and footer still go", body[:300])

done("extract_caption_words")
