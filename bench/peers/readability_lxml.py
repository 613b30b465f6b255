"""readability-lxml (Debian python3-readability, what calibre's
auto_cleanup uses) over a list of pages, in one process: for each line
"IN\tOUT" of the list file, the article's HTML into OUT.  For
bench/extract.sh.    /usr/bin/python3 readability_lxml.py LIST"""
import sys

from readability import Document

for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line:
        continue
    src, dst = line.split("\t")
    try:
        out = Document(open(src, "rb").read()).summary(html_partial=True)
    except Exception:  # a page it cannot read: nothing extracted
        out = ""
    with open(dst, "w", encoding="utf-8") as f:
        f.write(out)
