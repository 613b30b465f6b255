#!/usr/bin/env python3
"""Front-matter Markdown posts (read_md.c, issue 10).

- Each fixture of fixtures/posts: the metadata and structure --to json
  gives.
- --to md round trip: the body rendered by cmark-gfm before and after
  carries the same words, links and images.
- --to epub passes epubcheck (0 errors, 0 warnings).
- Every post of $NC_SHARED/posts converts (exit 0, a non-empty body) and
  is read by md; every article of $NC_SHARED/corpus is still read by
  html, exactly as --from html reads it.
Parts that need ../shared or epubcheck are skipped when those are absent."""
import collections, glob, html.parser, json, os, re, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, SHARED, check, done, epubcheck  # noqa: E402

FX = os.path.join(SRC, "fixtures", "posts")
tmp = tempfile.mkdtemp()


def run(*args, input=None):
    return subprocess.run([NC, *args], capture_output=True, timeout=120, input=input)


def to_json(path, *extra):
    r = run("-q", "--to", "json", *extra, "-o", "-", path)
    check(r.returncode == 0, f"--to json {os.path.basename(path)}", r)
    return json.loads(r.stdout) if r.returncode == 0 else None


def nodes(n, out=None):
    """Every node of the body, depth first."""
    out = [] if out is None else out
    stack = [n]
    while stack:
        x = stack.pop()
        out.append(x)
        stack.extend(reversed(x.get("children", [])))
    return out


def text_of(n):
    return "".join(x.get("text", "") for x in nodes(n) if x["type"] in ("text", "code"))


def types(doc):
    return [x["type"] for x in nodes(doc["body"])][1:]


# ---- fixtures: metadata and structure ---------------------------------------

EXPECT = {
    "hexo.md": dict(front_matter="yaml", title="港口的早晨 Harbour morning", authors=["Lin Xiao"],
                    date="2021-04-11T08:30:00Z", tags=["港口", "morning"],
                    cover="https://photos.example.com/harbour/cover.jpg"),
    "jekyll.md": dict(front_matter="yaml", title="Pick up your $1 sticker", date="2014-06-04T15:00:00Z",
                      categories=[["news", "stickers"]], tags=["jekyll", "swag"], cover="/img/sticker.png",
                      description="Stickers for a dollar."),
    "hugo-toml.md": dict(front_matter="toml", title='Markdown "Syntax" Guide', authors=["Hugo Authors"],
                         date="2019-03-11T02:00:00Z", description="Sample article",
                         categories=[["themes", "syntax"]], tags=["markdown", "css"]),
    "hugo-json.md": dict(front_matter="json", title="JSON front matter", date="2020-10-12T08:00:00Z",
                         tags=["json", "hugo"], categories=[["Tests"]],
                         source_url="https://news.example.org/json-post"),
    "tables-footnotes.md": dict(front_matter="yaml", title="Tables and footnotes", date="2022-07-29T04:55:15Z"),
    "templates.md": dict(front_matter="yaml", title="Template tags", tags=["hexo", "hugo"]),
}
docs = {}
for name, want in EXPECT.items():
    d = to_json(os.path.join(FX, name))
    if not d:
        continue
    docs[name] = d
    m = d["meta"]
    for k, v in want.items():
        check(m.get(k) == v, f"{name}: meta {k}", f"got {m.get(k)!r}, want {v!r}")

if "hexo.md" in docs:
    d = docs["hexo.md"]
    b = nodes(d["body"])
    check(types(d)[:2] == ["paragraph", "text"], "hexo: starts with a paragraph", types(d)[:5])
    check(any(x["type"] == "heading" and x.get("level") == 2 and text_of(x) == "市场 Market" for x in b), "hexo: h2")
    lists = [x for x in b if x["type"] == "list"]
    check(len(lists) == 2 and not lists[0]["ordered"] and lists[1]["ordered"], "hexo: nested bullet/ordered lists",
          lists)
    img = [x for x in b if x["type"] == "image"]
    check(len(img) == 1 and img[0]["alt"] == "Boats at the pier" and img[0].get("title") == "At dawn",
          "hexo: image with alt and title", img)
    links = [x["url"] for x in b if x["type"] == "link"]
    check(links == ["https://news.example.org/harbour", "https://example.org/harbour"], "hexo: link + autolink", links)
    cb = [x for x in b if x["type"] == "code_block"]
    check(len(cb) == 1 and cb[0].get("info") == "js" and cb[0]["text"] == 'console.log("港口");', "hexo: fence", cb)
    for t in ("blockquote", "strikethrough", "code", "thematic_break", "line_break", "strong", "emph"):
        check(t in types(d), f"hexo: has {t}")
    check(not d["warnings"], "hexo: no warnings", d["warnings"])

if "jekyll.md" in docs:
    d = docs["jekyll.md"]
    b = nodes(d["body"])
    ol = [x for x in b if x["type"] == "list" and x["ordered"]]
    check(ol and ol[0].get("start") == 3, "jekyll: ordered list keeps start 3", ol)
    items = [text_of(x) for x in b if x["type"] == "item"]
    check("[x] done task" in items and "[ ] open task" in items, "jekyll: task items", items)
    check("sub" in types(d), "jekyll: inline <sub> through the HTML reader")
    check(any(x["type"] == "strong" and text_of(x) == "HTML" for x in b), "jekyll: raw HTML block read")
    check("A raw HTML block." in [text_of(x) for x in b if x["type"] == "paragraph"], "jekyll: HTML block text")

if "hugo-toml.md" in docs:
    d = docs["hugo-toml.md"]
    m = d["meta"]
    check(m["extra"].get("params.cover") == "https://img.example.com/cover.png" and
          m["extra"].get("params.toc") == "true" and m["extra"].get("weight") == "3",
          "toml: [params] keys flatten to params.key", m["extra"])
    check(any("line 12" in w for w in d["warnings"]), "toml: a bad line is named in a warning", d["warnings"])
    check("title = " in (m.get("front_matter_raw") or ""), "toml: raw front matter kept")

if "tables-footnotes.md" in docs:
    d = docs["tables-footnotes.md"]
    b = nodes(d["body"])
    rows = [x for x in b if x["type"] == "table_row"]
    check(len(rows) == 3 and rows[0].get("header") and not rows[1].get("header"), "table: header row + 2", rows[:1])
    cells = [x for x in nodes(rows[0])[1:] if x["type"] == "table_cell"] if rows else []
    check([c.get("align") for c in cells] == ["left", "right", "center"], "table: alignment",
          [c.get("align") for c in cells])
    sups = [text_of(x) for x in b if x["type"] == "sup"]
    check(sups == ["[1]", "[2]", "[1]"], "footnotes: references numbered by first use", sups)
    last = d["body"]["children"][-1]
    check(last["type"] == "list" and last["ordered"] and len(last["children"]) == 2 and
          text_of(last["children"][0]).startswith("First note"), "footnotes: definitions listed last")

if "templates.md" in docs:
    d = docs["templates.md"]
    paras = [text_of(x) for x in nodes(d["body"]) if x["type"] == "paragraph"]
    for t in ("{% asset_img harbour.png The harbour %}", "{{< youtube w7Ft2ymGmfc >}}",
              'Inline {{<figure src="a.png">}} shortcode and {{% notice info %}} note {{% /notice %}}.'):
        check(t in paras, f"templates: kept as text: {t}", paras)
    w = [x for x in d["warnings"] if "template" in x]
    check(len(w) == 1 and "{% asset_img harbour.png The harbour %}" in w[0], "templates: one warning naming the first",
          d["warnings"])

# Walking a directory takes the posts (md scores 2 for each).
r = run("-q", "--to", "json", "-O", os.path.join(tmp, "walk"), FX)
got = sorted(os.listdir(os.path.join(tmp, "walk"))) if r.returncode == 0 else []
check(len(got) == len(EXPECT), "a walked directory converts every post", (r, got))


# ---- --to md round trip -------------------------------------------------------

class Collect(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words, self.links, self.images = [], set(), set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href") and not a["href"].startswith("#"):
            self.links.add(a["href"])
        if tag == "img" and a.get("src"):
            self.images.add(a["src"])

    def handle_data(self, data):
        self.words += re.findall(r"\w+", data)


def gfm(md):
    r = subprocess.run(["cmark-gfm", "--unsafe", "-e", "table", "-e", "strikethrough", "-e", "autolink",
                        "-e", "tasklist", "-e", "footnotes"], input=md.encode(), capture_output=True, timeout=30)
    c = Collect()
    c.feed(r.stdout.decode())
    return c


def body_of(md):
    m = re.match(r"\A\s*(---|\+\+\+|;;;)\n.*?\n\1[ \t]*\n", md, re.S)
    return md[m.end():] if m else md


have_gfm = subprocess.run(["sh", "-c", "command -v cmark-gfm"], capture_output=True).returncode == 0
for path in sorted(glob.glob(os.path.join(FX, "*.md"))) if have_gfm else []:
    name = os.path.basename(path)
    src = open(path, encoding="utf-8").read()
    r = run("-q", "--to", "md", "-o", "-", path)
    check(r.returncode == 0, f"--to md {name}", r)
    if r.returncode:
        continue
    a, b = gfm(body_of(src)), gfm(body_of(r.stdout.decode()))
    # Footnote numbers and back-reference arrows differ in form; the words must all be there.
    missing = collections.Counter(a.words) - collections.Counter(b.words)
    missing = {w: n for w, n in missing.items() if not re.fullmatch(r"\d+|fn|fnref", w)}
    check(not missing, f"md round trip {name}: text kept", missing)
    check(a.links <= b.links, f"md round trip {name}: links kept", a.links - b.links)
    check(a.images == b.images, f"md round trip {name}: images kept", (a.images, b.images))


# ---- epubcheck ----------------------------------------------------------------------

posts = sorted(glob.glob(os.path.join(SHARED, "posts", "*.md"))) if SHARED else []
posts = [p for p in posts if os.path.basename(p) != "README.md"]
books = []
for path in sorted(glob.glob(os.path.join(FX, "*.md"))):
    out = os.path.join(tmp, os.path.basename(path)[:-3] + ".epub")
    r = run("-q", "--to", "epub", "-o", out, path)
    check(r.returncode == 0, f"--to epub {os.path.basename(path)}", r)
    books.append(out)
if posts:
    out = os.path.join(tmp, "shared-posts.epub")
    r = run("-q", "--to", "epub", "-o", out, *posts)
    check(r.returncode == 0, "--to epub the shared posts as one book", r)
    books.append(out)
epubcheck(books)


# ---- the shared posts and the corpus ------------------------------------------------------

if posts:
    kinds, nodes_total, warned = collections.Counter(), 0, 0
    for path in posts:
        name = os.path.basename(path)
        r = run("--to", "json", "-o", "-", path)
        check(r.returncode == 0, f"shared post {name} converts", r)
        if r.returncode:
            continue
        d = json.loads(r.stdout)
        body = nodes(d["body"])[1:]
        check(body and text_of(d["body"]).strip(), f"shared post {name}: non-empty body")
        check(d["meta"]["title"].strip(), f"shared post {name}: a title")
        # Forced md gives the same: auto-detection chose md.
        f = run("-q", "--from", "md", "--to", "json", "-o", "-", path)
        check(f.stdout == r.stdout, f"shared post {name}: detected as md")
        kinds[d["meta"]["front_matter"]] += 1
        nodes_total += len(body)
        warned += bool(d["warnings"])
    print(f"shared posts: {len(posts)} converted; front matter {dict(kinds)}; "
          f"{nodes_total} nodes; {warned} with warnings")
else:
    print("SKIP: no $NC_SHARED/posts")

corpus = sorted(glob.glob(os.path.join(SHARED, "corpus", "*.txt"))) if SHARED else []
same = 0
for path in corpus:
    a = run("-q", "--to", "json", "-o", "-", path)
    b = run("-q", "--from", "html", "--to", "json", "-o", "-", path)
    ok = a.returncode == 0 and a.stdout == b.stdout
    check(ok, f"corpus {os.path.basename(path)}: auto is read as html")
    same += ok
if corpus:
    print(f"corpus: {same}/{len(corpus)} articles read by html as before")
else:
    print("SKIP: no $NC_SHARED/corpus")

done("posts")
