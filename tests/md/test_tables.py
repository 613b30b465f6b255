#!/usr/bin/env python3
"""Structural table check (issue 9): for every corpus article, every data
table (layout tables are skipped, as write_md.c defines them: see the
comment above render_table) must keep each cell at its row and column.

The SOURCE table (the article's HTML, parsed with html.parser) is expanded
into a grid, rowspan and colspan included; newsconv's Markdown table,
rendered by cmark-gfm, is read back into a grid; the text of every position
(whitespace removed) must match.  A position a span covers may hold the
spanning cell's text or be empty (the writer repeats it; either keeps
the grid); an anchor position must hold its own cell's text; a
position with no source cell must be empty.  Which tables are data is
decided on newsconv's JSON model with the writer's rule.  Reports every
misplaced cell; requires 0.  Skips (77) without ../shared."""
import json, os, re, subprocess, sys
from html.parser import HTMLParser

NC = os.environ["NEWSCONV"]
SHARED = os.environ.get("NC_SHARED", "")
CORPUS = os.path.join(SHARED, "corpus")
GFM = ["cmark-gfm", "-e", "table", "-e", "strikethrough", "--unsafe"]
try:
    subprocess.run(GFM, input=b"", capture_output=True, check=True)
except (OSError, subprocess.CalledProcessError):
    print("cmark-gfm not installed: skipped")
    sys.exit(77)

SKIP = {"script", "style", "template", "noscript", "head", "title"}
CELL_JOIN_MAX = 120  # write_md.c


def norm(s):
    return "".join(s.split())


class Tables(HTMLParser):
    """Every <table> in document order: rows of cells (text, rowspan,
    colspan).  Text inside a nested table belongs to the nested table."""

    def __init__(self, cells=("td", "th")):
        super().__init__(convert_charrefs=True)
        self.tables = []   # finished and open, in order of their start tags
        self.stack = []    # open tables: {"rows": [...], "cell": cell or None}
        self.skip = 0
        self.cells = cells

    def _close_cell(self, t):
        t["cell"] = None

    def _close_row(self, t):
        self._close_cell(t)
        t["row"] = None

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skip += 1
        if tag == "table":
            t = {"rows": [], "row": None, "cell": None}
            self.tables.append(t)
            self.stack.append(t)
            return
        if not self.stack:
            return
        t = self.stack[-1]
        if tag == "tr":
            self._close_row(t)
            t["row"] = []
            t["rows"].append(t["row"])
        elif tag in self.cells:
            self._close_cell(t)
            if t["row"] is None:
                t["row"] = []
                t["rows"].append(t["row"])
            a = dict(attrs)

            def span(k):
                try:
                    return max(1, min(int((a.get(k) or "1").strip()), 1000))
                except ValueError:
                    return 1
            t["cell"] = {"text": [], "rowspan": span("rowspan"), "colspan": span("colspan")}
            t["row"].append(t["cell"])
        elif tag in ("thead", "tbody", "tfoot"):
            self._close_row(t)

    def handle_endtag(self, tag):
        if tag in SKIP and self.skip:
            self.skip -= 1
        if not self.stack:
            return
        t = self.stack[-1]
        if tag == "table":
            self.stack.pop()
        elif tag == "tr":
            self._close_row(t)
        elif tag in self.cells:
            self._close_cell(t)

    def handle_data(self, d):
        if self.skip or not self.stack:
            return
        c = self.stack[-1]["cell"]
        if c is not None:
            c["text"].append(d)


def expand(rows):
    """Grid of (text, kind): kind 'anchor', 'span' (covered by a span; text
    is the spanning cell's) or None (no cell there)."""
    grid = []
    for r, row in enumerate(rows):
        while len(grid) <= r:
            grid.append({})
        c = 0
        for cell in row:
            while c in grid[r]:
                c += 1
            text = norm("".join(cell["text"]))
            rs = min(cell["rowspan"], len(rows) - r)
            for dr in range(rs):
                while len(grid) <= r + dr:
                    grid.append({})
                for dc in range(cell["colspan"]):
                    grid[r + dr][c + dc] = (text, "anchor" if dr == 0 and dc == 0 else "span")
            c += cell["colspan"]
    width = max((max(g) + 1 for g in grid if g), default=0)
    return [[g.get(c, ("", None)) for c in range(width)] for g in grid]


def chars(node):
    n = 0
    if node.get("type") in ("text", "code"):
        n += len(node.get("text") or "")
    for c in node.get("children", []):
        n += chars(c)
    return n


BLOCKS = {"paragraph", "heading", "blockquote", "list", "item", "code_block", "thematic_break",
          "table", "table_row", "table_cell", "figure", "caption"}


def has_table(node):
    return node.get("type") == "table" or any(has_table(c) for c in node.get("children", []))


def cell_has_blocks(cell):
    blocks, all_para = 0, True
    for c in cell.get("children", []):
        if c["type"] == "table":
            return True
        if c["type"] not in BLOCKS:
            continue
        blocks += 1
        if c["type"] != "paragraph":
            all_para = False
            if has_table(c):
                return True
    if blocks <= 1:
        return False
    return not all_para or chars(cell) > CELL_JOIN_MAX


def layout(table):
    rows = table.get("children", [])
    most = max((sum(c.get("colspan", 1) for c in r.get("children", [])) for r in rows), default=0)
    blocks = any(cell_has_blocks(c) for r in rows for c in r.get("children", []))
    return len(rows) <= 1 or most <= 1 or blocks


def model_tables(node, out):
    if node.get("type") == "table":
        out.append(node)
    for c in node.get("children", []):
        model_tables(c, out)
    return out


def split_front(t):
    m = re.match(r"\s*(---|;;;)\s*\n.*?\n(---|;;;)\s*\n", t, re.S)
    return t[m.end():] if m else t


problems, checked, misplaced = [], 0, 0

# A fixture that needs no corpus: a timetable like corpus/015 (a heading
# cell of two paragraphs, rowspans, a colspan) stays a data table, and
# every position a span covers repeats its text.
FIXTURE = ("<table><tr><td><p>Date</p><p>(15 June)</p></td><td>Exam</td><td>Time</td></tr>"
           "<tr><td rowspan=2>AM</td><td>CET4</td><td>9:00</td></tr>"
           "<tr><td>CJT4</td><td>9:30</td></tr>"
           "<tr><td colspan=2>PM</td><td>15:00</td></tr></table>")
r = subprocess.run([NC, "-q", "--to", "md", "-"], input=("---\ntitle: t\n---\n" + FIXTURE).encode(),
                   capture_output=True, timeout=60)
want = ("| Date (15 June) | Exam | Time |\n| --- | --- | --- |\n| AM | CET4 | 9:00 |\n"
        "| AM | CJT4 | 9:30 |\n| PM | PM | 15:00 |\n")
got = split_front(r.stdout.decode()).lstrip("\n")
if got != want:
    problems.append(f"fixture: got {got!r}, want {want!r}")

if not os.path.isdir(CORPUS):
    print("fixture:", "ok" if not problems else problems[0])
    print("../shared/corpus not found: corpus part skipped")
    sys.exit(77 if not problems else 1)
files = sorted(f for f in os.listdir(CORPUS) if f.endswith(".txt"))
for name in files:
    path = os.path.join(CORPUS, name)
    src = open(path, encoding="utf-8", errors="replace").read()
    if "<table" not in src.lower():
        continue
    j = subprocess.run([NC, "-q", "--to", "json", path, "-o", "-"], capture_output=True, timeout=60)
    md = subprocess.run([NC, "-q", "--to", "md", path, "-o", "-"], capture_output=True, timeout=60)
    if j.returncode or md.returncode:
        problems.append(f"{name}: conversion failed")
        continue
    model = model_tables(json.loads(j.stdout)["body"], [])
    p = Tables()
    p.feed(split_front(src))
    p.close()
    if len(model) != len(p.tables):
        problems.append(f"{name}: {len(p.tables)} tables in the source, {len(model)} in the model")
        continue
    data = [i for i, t in enumerate(model) if not layout(t)]
    html = subprocess.run(GFM, input=split_front(md.stdout.decode()).encode(), capture_output=True).stdout.decode()
    q = Tables(cells=("td", "th"))
    q.feed(html)
    q.close()
    if len(q.tables) != len(data):
        problems.append(f"{name}: {len(data)} data tables, {len(q.tables)} Markdown tables")
        continue
    for k, i in enumerate(data):
        checked += 1
        want = expand(p.tables[i]["rows"])
        got = [[norm("".join(c["text"])) for c in row] for row in q.tables[k]["rows"]]
        width = max([len(r) for r in want] + [len(r) for r in got] + [0])
        for r in range(max(len(want), len(got))):
            for c in range(width):
                w = want[r][c] if r < len(want) and c < len(want[r]) else ("", None)
                g = got[r][c] if r < len(got) and c < len(got[r]) else ""
                ok = g == w[0] or (w[1] == "span" and g == "")
                if not ok:
                    misplaced += 1
                    problems.append(f"{name} table {i + 1} row {r + 1} col {c + 1}: "
                                    f"want {w[0][:40]!r} ({w[1] or 'no cell'}), got {g[:40]!r}")

print(f"{checked} data tables checked, {misplaced} misplaced cells")
for x in problems[:40]:
    print("  ", x)
print("md tables:", "ok" if not problems else "FAILED")
sys.exit(0 if not problems else 1)
