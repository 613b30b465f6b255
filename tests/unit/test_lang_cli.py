#!/usr/bin/env python3
"""Language tags from the command line: `lang: zh_CN` reaches EPUB's
dc:language and xml:lang as BCP 47 (zh-CN); `lang: Chinese` is not used,
with a warning that names it.  epubcheck judges both fixtures' books in
tests/epub (it takes every fixtures/*.txt), so it is not run twice here."""
import json, os, re, subprocess, sys, tempfile, zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, check, done  # noqa: E402

tmp = tempfile.mkdtemp()


def run(*args):
    return subprocess.run([NC, *args], capture_output=True, timeout=60)


def epub_lang(path):
    """dc:language and every xml:lang / lang value in the book."""
    with zipfile.ZipFile(path) as z:
        text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                       if n.endswith((".opf", ".xhtml", ".html")))
    dc = re.findall(r"<dc:language[^>]*>([^<]*)</dc:language>", text)
    langs = set(re.findall(r'\b(?:xml:)?lang="([^"]*)"', text))
    return dc, langs


good = os.path.join(SRC, "fixtures", "lang-zh_CN.txt")
bad = os.path.join(SRC, "fixtures", "lang-invalid.txt")

r = run("--to", "json", good, "-o", "-")
check(r.returncode == 0 and json.loads(r.stdout)["meta"]["language"] == "zh-CN", "json language zh-CN", r)
book = os.path.join(tmp, "good.epub")
r = run("-q", "--to", "epub", good, "-o", book)
check(r.returncode == 0, "epub from lang: zh_CN", r)
if r.returncode == 0:
    dc, langs = epub_lang(book)
    check(dc == ["zh-CN"], "dc:language zh-CN", dc)
    check(langs == {"zh-CN"}, "xml:lang zh-CN everywhere", langs)
r = run("--to", "md", good, "-o", "-")
check(r.returncode == 0 and b"zh_CN" not in r.stdout and b"zh-CN" in r.stdout, "markdown language zh-CN", r)

r = run("--to", "json", bad, "-o", "-")
check(r.returncode == 0 and json.loads(r.stdout)["meta"]["language"] is None, "json language dropped", r)
check(b"lang 'Chinese' is not a BCP 47 language tag" in r.stderr, "warning names the value", r)
book = os.path.join(tmp, "bad.epub")
r = run("-q", "--to", "epub", bad, "-o", book)
check(r.returncode == 0, "epub from lang: Chinese", r)
if r.returncode == 0:
    dc, langs = epub_lang(book)
    check("Chinese" not in dc and "Chinese" not in langs, "Chinese not used as a tag", (dc, langs))

# <html lang> of a page without front matter follows the same rule, and --lang too.
page = os.path.join(tmp, "page.html")
open(page, "w").write('<html lang="zh_cn"><body><p>x</p></body></html>')
r = run("--to", "json", page, "-o", "-")
check(r.returncode == 0 and json.loads(r.stdout)["meta"]["language"] == "zh-CN", "<html lang=zh_cn> -> zh-CN", r)
open(page, "w").write('<html lang="English"><body><p>x</p></body></html>')
r = run("--to", "json", page, "-o", "-")
check(r.returncode == 0 and json.loads(r.stdout)["meta"]["language"] is None and b"English" in r.stderr,
      "<html lang=English> dropped with a warning", r)
r = run("--to", "epub", "--lang", "Chinese", good, "-o", os.path.join(tmp, "l.epub"))
check(r.returncode == 2 and b"--lang" in r.stderr, "--lang Chinese is a usage error", r)

done("lang_cli")
