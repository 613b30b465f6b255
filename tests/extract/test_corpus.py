#!/usr/bin/env python3
"""--extract auto (the default) leaves every front-matter article,
Markdown post and feed item of ../shared/corpus, posts and feeds exactly
as --extract off does (the code path from before the reader view):
byte-identical Markdown.  Skips without ../shared."""
import filecmp
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.environ["SOURCE_ROOT"], "tests"))
from nctest import NC, SHARED, check, done

if not SHARED or not os.path.isdir(os.path.join(SHARED, "corpus")):
    print("no ../shared corpus: skipped")
    sys.exit(77)

with tempfile.TemporaryDirectory() as tmp:
    for sub in ("corpus", "posts", "feeds"):
        ins = sorted(f for f in glob.glob(os.path.join(SHARED, sub, "*"))
                     if f.endswith((".txt", ".md", ".xml", ".html", ".atom", ".rss")))
        outs = {}
        for mode in ("auto", "off"):
            d = os.path.join(tmp, mode, sub)
            r = subprocess.run([NC, "--extract", mode, "--to", "md", "-q", "-O", d, *ins],
                               capture_output=True, text=True, timeout=600)
            outs[mode] = d
        names = sorted(os.listdir(outs["off"]))
        check(names and names == sorted(os.listdir(outs["auto"])), f"{sub}: the same files under auto and off")
        diff = [n for n in names if not filecmp.cmp(os.path.join(outs["auto"], n),
                                                   os.path.join(outs["off"], n), shallow=False)]
        check(not diff, f"{sub}: {len(names)} outputs byte-identical under --extract auto", diff[:10])
done("extract_corpus")
