#!/usr/bin/env python3
"""Tight and loose lists (issue 9): <li><p>a</p></li> is a loose list (a
blank line between items, <p> in every item once cmark reads it back),
<li>a</li> a tight one; the JSON model says which."""
import json, os, re, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, check, done  # noqa: E402


def run(body, fmt="md"):
    src = "---\ntitle: t\n---\n" + body
    r = subprocess.run([NC, "-q", "--to", fmt, "-"], input=src.encode(), capture_output=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.decode())
    out = r.stdout.decode()
    if fmt == "md":
        m = re.match(r"---\n.*?\n---\n\n?", out, re.S)
        return out[m.end():] if m else out
    return out


def cmark(md):
    return subprocess.run(["cmark"], input=md.encode(), capture_output=True, timeout=60).stdout.decode().strip()


def lists(node, out):
    if node.get("type") == "list":
        out.append(node.get("tight"))
    for c in node.get("children", []):
        lists(c, out)
    return out


CASES = [
    # html, expected markdown, expected cmark html, expected tight flags (document order)
    ("<ul><li><p>a</p></li><li><p>b</p></li></ul>", "- a\n\n- b\n",
     "<ul>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>", [False]),
    ("<ul><li>a</li><li>b</li></ul>", "- a\n- b\n",
     "<ul>\n<li>a</li>\n<li>b</li>\n</ul>", [True]),
    # one <p> item is enough to make the whole list loose
    ("<ol><li>a</li><li><p>b</p></li></ol>", "1. a\n\n2. b\n",
     "<ol>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ol>", [False]),
    # several blocks in one item: loose
    ("<ul><li><div>a</div><div>b</div></li><li>c</li></ul>", "- a\n\n  b\n\n- c\n",
     "<ul>\n<li>\n<p>a</p>\n<p>b</p>\n</li>\n<li>\n<p>c</p>\n</li>\n</ul>", [False]),
    # a nested list under an item's line keeps both tight
    ("<ul><li>a<ul><li>x</li><li>y</li></ul></li><li>b</li></ul>", "- a\n  - x\n  - y\n- b\n",
     "<ul>\n<li>a\n<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n</li>\n<li>b</li>\n</ul>", [True, True]),
    # a loose outer list with a tight inner one
    ("<ul><li><p>a</p><ul><li>x</li><li>y</li></ul></li><li><p>b</p></li></ul>",
     "- a\n\n  - x\n  - y\n\n- b\n",
     "<ul>\n<li>\n<p>a</p>\n<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>",
     [False, True]),
    # <li> outside any list gets a tight one
    ("<li>a</li><li>b</li>", "- a\n- b\n", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>", [True]),
]

for html, want_md, want_html, flags in CASES:
    md = run(html)
    check(md == want_md, f"{html}: markdown\n  got:  {md!r}\n  want: {want_md!r}")
    got = cmark(md)
    check(got == want_html, f"{html}: cmark\n  got:  {got!r}\n  want: {want_html!r}")
    doc = json.loads(run(html, "json"))
    got_flags = lists(doc["body"], [])
    check(got_flags == flags, f"{html}: json tight flags {got_flags} want {flags}")

done("md_lists")
