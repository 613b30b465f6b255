#!/usr/bin/env python3
"""Stray bytes in an HTML page or article (found on the trafilatura set,
lostiempos.com and radiomaryja.pl; fixtures written here):

1. NUL bytes between two tags, past the first 8 KB (where they mean a
   stray byte, not binary data): dropped, as an HTML parser drops them;
   libxml2 alone stopped there and everything after them was lost.
2. A UTF-8 page with one byte that starts no UTF-8 sequence: that byte
   is U+FFFD and every other letter is kept; the whole page was read as
   windows-1252 (each Polish or German letter garbled).
3. A windows-1252 article that declares nothing still reads as
   windows-1252 (the rule above is for UTF-8 with stray bytes only)."""
import os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, check, done  # noqa: E402

tmp = tempfile.mkdtemp()


def md(name, data, *args):
    p = os.path.join(tmp, name)
    with open(p, "wb") as f:
        f.write(data)
    r = subprocess.run([NC, "--to", "md", "-o", "-", *args, p], capture_output=True, timeout=60)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


PAD = b"<!-- " + b"x" * 9000 + b" -->"
LONG = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore."

# 1. NULs in markup, in an article and in a whole page
art = (b"---\ntitle: Nul\n---\n" + PAD + b"<p>First paragraph.</p>\x00\x00\x00\n<p>After the NULs.</p>\n"
       b"<div>\x00<p>Last paragraph.</p></div>\n")
rc, out, err = md("nul.txt", art)
check(rc == 0 and "First paragraph." in out and "After the NULs." in out and "Last paragraph." in out
      and "\x00" not in out, "NUL bytes between tags: dropped, the text after them kept", out + err)
page = (b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Story</title>" + PAD +
        b"</head><body><article><h1>Story</h1><p>" + LONG + b"</p>\x00\x00<p>" + LONG.replace(b"Lorem", b"Second") +
        b"</p>\x00<p>" + LONG.replace(b"Lorem", b"Third") + b"</p></article></body></html>\n")
rc, out, err = md("nul.html", page)
check(rc == 0 and "Second ipsum" in out and "Third ipsum" in out,
      "NUL bytes between tags of a page: the article after them kept", out + err)

# 2. UTF-8 with one stray byte
pl = "Zażółć gęślą jaźń, łódź i źdźbło: wszystko po polsku. ".encode()
rc, out, err = md("pl.txt", b"---\ntitle: Polski\n---\n<p>" + pl + b"\xff" + pl + b"</p>\n")
check(rc == 0 and out.count("Zażółć gęślą jaźń") == 2 and "\ufffd" in out and "Å" not in out,
      "UTF-8 with one stray byte: the byte is U+FFFD, the letters kept", out)
check("U+FFFD" in err and "pl.txt" in err, "UTF-8 with one stray byte: a warning names the file", err)
rc, out, err = md("pl.html", b"<!DOCTYPE html><html><head><meta charset=utf-8><title>Polski</title></head>"
                  b"<body><article><p>" + pl * 4 + b"\xc3(" + pl + b"</p></article></body></html>\n")
check(rc == 0 and out.count("Zażółć gęślą jaźń") == 5 and "Ã" not in out,
      "a page declaring UTF-8 with one bad sequence: read as UTF-8", out)

# 3. windows-1252 without a declaration is still windows-1252
west = "Ça a été très français, déjà vu; où est la fenêtre? Müller über Größe – “quoted”"
rc, out, err = md("west.txt", b"---\ntitle: West\n---\n<p>" + west.encode("cp1252") + b"</p>\n")
check(rc == 0 and west in out and "\ufffd" not in out, "undeclared windows-1252: read as windows-1252", out)

done("html_bytes")
