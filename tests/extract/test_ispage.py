#!/usr/bin/env python3
"""A whole page whose <head> comes after a stray element ("<html><div>
</div><head>", as on Readability's yahoo-3 page): libxml2 then opens the
body at the div and puts the head's title, meta and link elements in it,
with no <head> left.  It is still a page: --extract auto extracts from it
and its page metadata is read (nc_extract_is_page)."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["SOURCE_ROOT"], "tests"))
from nctest import NC, check, done

ARTICLE = "".join(
    f"<p>Paragraph {i} of the story: the council met on Tuesday, and after a long debate it "
    f"voted to rebuild the old footbridge over the river before the winter floods.</p>"
    for i in range(6))
PAGE = f"""<!DOCTYPE html>
<html lang="en"><div id="css-stamp" style="position:absolute"></div>
<head><title>Footbridge to be rebuilt | Example News</title>
<meta property="og:title" content="Footbridge to be rebuilt">
<meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://news.example/footbridge"></head>
<body>
<nav><a href="/">Home</a> <a href="/politics">Politics</a> <a href="/sport">Sport</a></nav>
<div id="page"><article><h1>Footbridge to be rebuilt</h1>{ARTICLE}</article>
<div class="related-stories"><h2>Related stories</h2><ul><li><a href="/a">Tunnel works start</a></li>
<li><a href="/b">Ferry timetable changes</a></li></ul></div></div>
<footer>Copyright Example News. Privacy policy.</footer>
</body></html>"""

with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "stray-div.html")
    with open(src, "w", encoding="utf-8") as f:
        f.write(PAGE)
    r = subprocess.run([NC, "--to", "json", "-q", "-o", "-", src],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, "stray <div> before <head>: converts", r)
    j = json.loads(r.stdout) if r.returncode == 0 else {}
    text = json.dumps(j.get("body", {}))
    check("extract" in j, "stray <div> before <head>: the page is extracted (an extract object)", r.stdout)
    check("Paragraph 5 of the story" in text and "Footbridge" in text,
          "stray <div> before <head>: the article is kept", text)
    for gone in ("Politics", "Related stories", "Tunnel works", "Copyright"):
        check(gone not in text, f"stray <div> before <head>: page boilerplate dropped: {gone}", text)
    extra = j.get("meta", {}).get("extra") or {}
    check(extra.get("site_name") == "Example News",
          "stray <div> before <head>: page metadata read (og:site_name)", j.get("meta"))
done("extract_ispage")
