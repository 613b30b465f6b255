#!/usr/bin/env python3
"""Feed-reader defects of issue 19 (input rows 1, 2, 3, 4, 6, 7, 9, 12,
13, 14, 15, 19, 24, 25, 26 of review/input/DEFECTS.md), each checked on
a small feed written here, modelled on the review's trigger.

Row 6 and 7 (linear memory and time) are checked loosely: a feed of 20k
and one of 40k items, the time and peak RSS of the second at most about
twice the first, and the archived per-item inputs of a WARC at most
twice the feed's size (plus a constant per feed, not per item)."""
import http.server, json, os, re, resource, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, check, done  # noqa: E402

tmp = tempfile.mkdtemp()
SANITIZED = os.environ.get("NC_SANITIZED") == "1"


def write(name, text, mode="w", **kw):
    p = os.path.join(tmp, name)
    with open(p, mode, **kw) as f:
        f.write(text)
    return p


def run(*args, timeout=300):
    return subprocess.run([NC, *args], capture_output=True, timeout=timeout)


def docs(path, *extra, what=""):
    r = run("--to", "json", "-o", "-", *extra, path)
    check(r.returncode == 0, f"{what or os.path.basename(path)}: json exit 0", r)
    if r.returncode or not r.stdout.strip():
        return []
    d = json.loads(r.stdout)
    return d if isinstance(d, list) else [d]


def walk(n):
    yield n
    for c in n.get("children") or []:
        yield from walk(c)


def text(doc):
    return " ".join(n.get("text", "") for n in walk(doc["body"]) if n.get("text"))


def urls(doc, kind):
    return [n.get("url") for n in walk(doc["body"]) if n.get("type") == kind]


def md(path):
    r = run("--to", "md", "-o", "-", path)
    check(r.returncode == 0, f"{os.path.basename(path)}: md exit 0", r)
    return r.stdout.decode(errors="replace")


RSS = '<?xml version="1.0"?>\n<rss version="2.0" {ns}><channel><title>T</title><link>https://ex.org/</link>\n{items}\n</channel></rss>\n'
ATOM = '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" {ns}><title>T</title>\n{items}\n</feed>\n'
CONTENT_NS = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'

# ---- row 1: a summary of 1001-1002 bytes beside a body ------------------
for n in (1000, 1001, 1002, 1003):
    p = write(f"desc_{n}.xml", RSS.format(ns=CONTENT_NS, items=(
        f'<item><title>One</title><link>https://ex.org/1</link><description>{"a" * n}</description>'
        '<content:encoded><![CDATA[<p>Body</p>]]></content:encoded></item>')))
    d = docs(p, what=f"input row 1: {n}-byte summary")
    desc = d[0]["meta"].get("description", "") if d else ""
    want = "a" * n if n <= 1000 else "a" * 1000 + "\u2026"
    check(desc == want, f"input row 1: a {n}-byte summary beside a body is cut inside its buffer",
          f"{len(desc)} chars")

# ---- row 3: an Atom feed under a prefix is a feed -----------------------
p = write("atom_prefixed_root.xml", '''<?xml version="1.0" encoding="utf-8"?>
<atom:feed xmlns:atom="http://www.w3.org/2005/Atom">
  <atom:title>Prefixed feed</atom:title>
  <atom:entry><atom:title>Entry one</atom:title><atom:link href="https://ex.org/1"/><atom:id>urn:e1</atom:id>
    <atom:updated>2024-03-01T10:00:00Z</atom:updated><atom:content type="html">&lt;p&gt;Body one&lt;/p&gt;</atom:content></atom:entry>
  <atom:entry><atom:title>Entry two</atom:title><atom:link href="https://ex.org/2"/><atom:id>urn:e2</atom:id>
    <atom:updated>2024-03-02T10:00:00Z</atom:updated><atom:content type="html">&lt;p&gt;Body two&lt;/p&gt;</atom:content></atom:entry>
</atom:feed>
''')
d = docs(p, what="input row 3")
check([x["meta"]["title"] for x in d] == ["Entry one", "Entry two"],
      "input row 3: <atom:feed> detected as a feed by its namespace, both entries read",
      [x["meta"].get("title") for x in d])
check(len(d) == 2 and "Body two" in text(d[1]), "input row 3: the entries' bodies kept")
p = write("other_ns_feed.xml", '<?xml version="1.0"?>\n<x:feed xmlns:x="urn:not-atom"><x:entry><x:title>No</x:title></x:entry></x:feed>\n')
d = docs(p, what="input row 3 (other namespace)")
check(len(d) == 1 and d[0]["meta"].get("extra", {}).get("feed_title") is None,
      "input row 3: a <x:feed> of another namespace is not read as Atom", d[:1])

# ---- row 2: xhtml content under a prefix, kept whole --------------------
p = write("atom_xhtml_prefixed.xml", ATOM.format(ns='xmlns:xh="http://www.w3.org/1999/xhtml"', items=(
    '<entry><title>Prefixed xhtml br</title><id>urn:2</id><updated>2024-03-01T10:00:00Z</updated>'
    '<content type="xhtml"><xh:div><xh:p>Line one<xh:br/>line two, <xh:img src="https://ex.org/a.png" alt="a"/>'
    ' after image.</xh:p><xh:p>Closing paragraph that must survive.</xh:p></xh:div></content></entry>')))
d = docs(p, what="input row 2")
t = text(d[0]) if d else ""
check(all(s in t for s in ("Line one", "line two", "after image.", "Closing paragraph that must survive.")),
      "input row 2: all text of prefixed xhtml content kept", t)
check(d and urls(d[0], "image") == ["https://ex.org/a.png"], "input row 2: the prefixed image kept",
      d and urls(d[0], "image"))
check(d and any(n.get("type") == "line_break" for n in walk(d[0]["body"])),
      "input row 2: <xh:br/> is a line break", d and [n.get("type") for n in walk(d[0]["body"])])

p = write("atom_xhtml_nodiv.xml", ATOM.format(ns='xmlns:xh="http://www.w3.org/1999/xhtml"', items=(
    '<entry><title>No wrapper</title><id>urn:3</id><updated>2024-03-01T10:00:00Z</updated>'
    '<content type="xhtml"><xh:p>Alpha<xh:br/>beta <xh:img src="https://ex.org/b.png" alt="b"/> gamma.</xh:p></content></entry>')))
d = docs(p, what="input row 2 (no div)")
check(d and all(s in text(d[0]) for s in ("Alpha", "beta", "gamma.")) and urls(d[0], "image") == ["https://ex.org/b.png"],
      "input row 2: prefixed xhtml content without a wrapping div kept whole", d and (text(d[0]), urls(d[0], "image")))

# ---- row 4: an empty body source falls back to the next -----------------
long_text = " ".join(f"word{i}" for i in range(400))
p = write("empty_encoded.xml", RSS.format(ns=CONTENT_NS, items=(
    f'<item><title>Only description</title><link>https://ex.org/1</link>'
    f'<description>&lt;p&gt;{long_text}&lt;/p&gt;</description><content:encoded><![CDATA[ ]]></content:encoded></item>')))
d = docs(p, what="input row 4 (RSS)")
check(d and "word399" in text(d[0]) and "word0 " in text(d[0]),
      "input row 4: an empty content:encoded gives way to the description, whole", d and text(d[0])[-80:])
p = write("empty_content.xml", ATOM.format(ns="", items=(
    f'<entry><title>Summary only</title><id>urn:x</id><updated>2024-01-01T00:00:00Z</updated>'
    f'<summary>{long_text}</summary><content type="html"></content></entry>')))
d = docs(p, what="input row 4 (Atom)")
check(d and "word399" in text(d[0]), "input row 4: an empty Atom <content> gives way to the summary, whole",
      d and text(d[0])[-80:])
p = write("empty_xhtml.xml", ATOM.format(ns="", items=(
    '<entry><title>Empty xhtml</title><id>urn:y</id><updated>2024-01-01T00:00:00Z</updated>'
    '<summary>The summary words.</summary><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"> </div></content></entry>')))
d = docs(p, what="input row 4 (xhtml)")
check(d and "The summary words." in text(d[0]), "input row 4: an empty xhtml <content> gives way to the summary",
      d and text(d[0]))

# ---- rows 6 and 7: linear memory and time on big feeds ------------------
def big(kind, n, sep):
    p = [('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Big</title>' if kind == "rss" else
          '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Big</title><author><name>A</name></author>') + sep]
    for i in range(n):
        p.append(f'<item><title>E{i}</title><guid>urn:{i}</guid><pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate>'
                 f'<description>x{i}</description></item>{sep}' if kind == "rss" else
                 f'<entry><title>E{i}</title><id>urn:{i}</id><updated>2024-01-01T00:00:00Z</updated>'
                 f'<content>x{i}</content></entry>{sep}')
    p.append('</channel></rss>\n' if kind == "rss" else '</feed>\n')
    return write(f"{kind}_{n}_{len(sep)}.xml", "".join(p))


def measured(path):
    """(seconds, peak RSS in KB) of a conversion to JSON: the best time of
    two runs, so that a busy machine does not fail the ratio."""
    best, peak = None, 0
    for _ in range(2):
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.execv(NC, [NC, "-q", "--to", "json", "-o", "/dev/null", path])
        _, status, ru = os.wait4(pid, 0)
        took = time.monotonic() - t0
        check(os.waitstatus_to_exitcode(status) == 0, f"{os.path.basename(path)}: exit 0")
        best = took if best is None else min(best, took)
        peak = max(peak, ru.ru_maxrss)
    return best, peak


def input_bytes(warc):
    """Total block length of the newsconv input records of a WARC."""
    data, total, i = open(warc, "rb").read(), 0, 0
    while True:
        h = data.find(b"\r\n\r\n", i)
        if h < 0:
            return total
        head = data[i:h].decode("latin-1")
        n = int(re.search(r"Content-Length: *(\d+)", head, re.I).group(1))
        if "urn:newsconv:input:" in head:
            total += n
        i = h + 4 + n + 4


small, large = (2000, 4000) if SANITIZED else (20000, 40000)
for kind in ("rss", "atom"):
    for sep in ("\n", ""):
        label = f"{kind}, {'newlines' if sep else 'no blanks'} between items"
        a, b = big(kind, small, sep), big(kind, large, sep)
        ta, ma = measured(a)
        tb, mb = measured(b)
        # loose: twice the items, at most about twice the work (not 4x)
        check(tb <= 3.0 * ta + 0.5, f"input rows 6/7: {label}: time linear ({ta:.2f}s -> {tb:.2f}s)")
        check(mb <= 2.6 * ma, f"input row 6: {label}: peak RSS linear ({ma} KB -> {mb} KB)")
        w = os.path.join(tmp, "big.warc")
        r = run("-q", "--to", "warc", "-o", w, a)
        check(r.returncode == 0, f"input row 6: {label}: warc", r)
        if r.returncode == 0:
            size, got = os.path.getsize(a), input_bytes(w)
            check(got <= 2 * size + 4096, f"input row 6: {label}: archived inputs {got} bytes "
                  f"for a {size}-byte feed (at most twice)")
        os.unlink(a)
        os.unlink(b)

# ---- row 9: a text node over 10 MB read whole ----------------------------
para = "<p>" + "word " * 200 + "</p>\n"
huge = para * (11 * 1024 * 1024 // len(para) + 1) + "<p>BIG-ITEM-END</p>"
p = write("feed_11mb_item.xml", RSS.format(ns=CONTENT_NS, items=(
    f'<item><title>Huge item</title><link>https://ex.org/1</link><content:encoded><![CDATA[{huge}]]></content:encoded></item>\n'
    '<item><title>Small item after</title><link>https://ex.org/2</link><description>SMALL-ITEM-TEXT</description></item>')))
r = run("--to", "json", "-o", "-", p, timeout=600)
check(r.returncode == 0, "input row 9: an 11 MB item: exit 0", r)
d = json.loads(r.stdout) if r.returncode == 0 else []
d = d if isinstance(d, list) else [d]
check(len(d) == 2, f"input row 9: both items of a feed with an 11 MB text node ({len(d)} documents)")
check(len(d) == 2 and "BIG-ITEM-END" in text(d[0]) and "SMALL-ITEM-TEXT" in text(d[1]),
      "input row 9: the 11 MB item read whole, the next one kept")
check(b"not well-formed" not in r.stderr, "input row 9: no false 'not well-formed' message", r.stderr[:300])
del huge, r, d

# ---- row 12: itunes:summary, media:description, video media:content ----
p = write("podcast.xml", RSS.format(
    ns='xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/"',
    items=('<item><title>Episode 1</title><enclosure url="https://pod.example/e1.mp3" length="1" type="audio/mpeg"/>'
           '<itunes:summary>Show notes for episode one.</itunes:summary></item>\n'
           '<item><title>Episode 2</title><media:content url="https://pod.example/e2.mp4" type="video/mp4" medium="video"/>'
           '<media:description>Video show notes.</media:description></item>')))
d = docs(p, what="input row 12")
check(len(d) == 2 and "Show notes for episode one." in text(d[0]), "input row 12: itunes:summary is the body",
      d and text(d[0]))
check(len(d) == 2 and "Video show notes." in text(d[1]), "input row 12: media:description is the body",
      len(d) == 2 and text(d[1]))
check(len(d) == 2 and "https://pod.example/e2.mp4" in urls(d[1], "embed"),
      "input row 12: a video media:content is shown", len(d) == 2 and urls(d[1], "embed"))
YT = ATOM.format(ns='xmlns:media="http://search.yahoo.com/mrss/"', items=(
    '<entry><id>yt:video:abc</id><title>My video</title><link rel="alternate" href="https://www.youtube.com/watch?v=abc"/>'
    '<published>2024-03-01T10:00:00+00:00</published><media:group><media:title>My video</media:title>'
    '<media:content url="https://www.youtube.com/v/abc?version=3" type="application/x-shockwave-flash"/>'
    '<media:thumbnail url="https://i1.ytimg.com/vi/abc/hqdefault.jpg" width="480" height="360"/>'
    '<media:description>The full video description the reader wants.</media:description></media:group></entry>'))
d = docs(write("youtube.xml", YT), what="input rows 12/13 (YouTube)")
check(d and "The full video description the reader wants." in text(d[0]),
      "input row 12: media:description inside media:group is the body", d and text(d[0]))
# ---- row 13: the cover from anywhere in media:group ---------------------
check(d and d[0]["meta"].get("cover") == "https://i1.ytimg.com/vi/abc/hqdefault.jpg",
      "input row 13: the thumbnail third in media:group is the cover", d and d[0]["meta"].get("cover"))

# ---- row 14: RSS titles are plain text ----------------------------------
p = write("rss_title_lt.xml", RSS.format(ns="", items=(
    '<item><title>Why vector&lt;int&gt; beats list&lt;int&gt;</title><link>https://ex.org/1</link><description>x</description></item>'
    '<item><title>Use &lt;b&gt; and &lt;i&gt; sparingly</title><link>https://ex.org/2</link><description>y</description></item>'
    '<item><title>It&amp;#8217;s &amp;amp; more</title><link>https://ex.org/3</link><description>z</description></item>')))
d = docs(p, what="input row 14")
check([x["meta"]["title"] for x in d] == ["Why vector<int> beats list<int>", "Use <b> and <i> sparingly",
                                          "It\u2019s & more"],
      "input row 14: RSS titles are plain text (vector<int> kept; escaped references still decoded)",
      [x["meta"]["title"] for x in d])

# ---- row 15: an ISO-8859-1 label is windows-1252 ------------------------
p = write("latin1_cp1252.xml", b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss version="2.0"><channel>'
          b'<title>Latin</title><item><title>\x93Quoted\x94 caf\xe9 \x96 dash \x80</title>'
          b'<description>It\x92s fine</description></item></channel></rss>\n', "wb")
d = docs(p, what="input row 15")
check(d and d[0]["meta"]["title"] == "\u201cQuoted\u201d caf\u00e9 \u2013 dash \u20ac",
      "input row 15: ISO-8859-1 label read as windows-1252 (WHATWG)", d and d[0]["meta"]["title"])
check(d and "It\u2019s fine" in text(d[0]), "input row 15: the body too", d and text(d[0]))

gb = ('<?xml version="1.0" encoding="gb2312"?>\n<rss version="2.0"><channel><title>GB</title><item><title>'
      '\u4e2d\u6587\u6807\u9898 \U00020000</title><description>x</description></item></channel></rss>\n').encode("gb18030")
d = docs(write("gb2312_label.xml", gb, "wb"), what="input row 15 (gb2312)")
check(d and d[0]["meta"]["title"] == "\u4e2d\u6587\u6807\u9898 \U00020000" and not d[0]["warnings"],
      "input row 15: the same label table gives a gb2312 label GB18030", d and (d[0]["meta"]["title"], d[0]["warnings"]))

# ---- row 19: the shell mark cannot be forged ----------------------------
p = write("shell_mark_spoof.xml", '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Spoof</title>'
          '<description>About this feed<!--nc-items-here--></description>\n'
          '<item><title>First item</title><link>https://ex.org/1</link><description>First body</description></item>\n'
          '<item><title>Second item</title><link>https://ex.org/2</link><description>Second body</description></item>\n'
          '</channel></rss>\n')
w = os.path.join(tmp, "spoof.warc")
r = run("--to", "warc", "-o", w, p)
check(r.returncode == 0, "input row 19: warc of a feed holding <!--nc-items-here-->", r)
r = run("--to", "json", "-o", "-", w)
check(r.returncode == 0, "input row 19: the archive rebuilds", r)
if r.returncode == 0:
    d = json.loads(r.stdout)
    d = d if isinstance(d, list) else [d]
    check([x["meta"]["title"] for x in d] == ["First item", "Second item"] and "Second body" in text(d[1]),
          "input row 19: the items come back from the archive", [x["meta"].get("title") for x in d])

# ---- row 24: the item's dc:language beats the root's xml:lang -----------
p = write("lang_priority.xml", '<?xml version="1.0"?>\n<rss version="2.0" xml:lang="en" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Langs</title><language>en</language>\n'
          '<item><title>Un article</title><link>https://ex.org/fr</link><dc:language>fr</dc:language>'
          '<description>Bonjour</description></item>\n'
          '<item xml:lang="de"><title>Ein Artikel</title><link>https://ex.org/de</link><description>Hallo</description></item>\n'
          '<item><title>An article</title><link>https://ex.org/en</link><description>Hello</description></item>\n'
          '</channel></rss>\n')
d = docs(p, what="input row 24")
check([x["meta"].get("language") for x in d] == ["fr", "de", "en"],
      "input row 24: the item's dc:language beats the root's xml:lang", [x["meta"].get("language") for x in d])

# ---- row 25: xml:base inside xhtml content; a relative root xml:base ----
p = write("xmlbase_inner.xml", '''<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://ex.org/a/"><title>Inner base</title>
  <entry><title>Entry</title><id>urn:1</id><updated>2024-03-01T10:00:00Z</updated>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml" xml:base="http://cdn.ex.org/media/"><p><img src="img.png" alt="i"/>
    <a href="x.html">x</a> <span xml:base="http://other.ex/"><a href="y.html">y</a></span> <span xml:base="sub/"><a href="z.html">z</a></span></p></div></content>
  </entry>
</feed>
''')
d = docs(p, what="input row 25 (inner)")
check(d and urls(d[0], "image") == ["http://cdn.ex.org/media/img.png"],
      "input row 25: xml:base on the xhtml div applies to its image", d and urls(d[0], "image"))
check(d and urls(d[0], "link") == ["http://cdn.ex.org/media/x.html", "http://other.ex/y.html",
                                   "http://cdn.ex.org/media/sub/z.html"],
      "input row 25: the xml:base chain inside xhtml content (RFC 3986)", d and urls(d[0], "link"))

REL = ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:base="img/">\n<title>Rel</title>\n'
       '<link href="https://blog.example/home/"/>\n<entry><title>E</title><id>urn:e</id><updated>2024-01-01T00:00:00Z</updated>\n'
       '<content type="html">&lt;img src="pic.png" alt="p"&gt;</content></entry>\n</feed>\n').encode()


class Feed(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("Content-Length", str(len(REL)))
        self.end_headers()
        self.wfile.write(REL)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Feed)
threading.Thread(target=srv.serve_forever, daemon=True).start()
try:
    port = srv.server_address[1]
    url = f"http://127.0.0.1:{port}/feeds/rel_feed.xml"
    d = docs(url, "--allow-loopback", "--cache-dir", os.path.join(tmp, "cache"), "--timeout", "5",
             what="input row 25 (URL)")
    check(d and urls(d[0], "image") == [f"http://127.0.0.1:{port}/feeds/img/pic.png"],
          "input row 25: a relative root xml:base of a URL input resolves against the document URL",
          d and urls(d[0], "image"))
finally:
    srv.shutdown()
    srv.server_close()

# ---- row 26: an unreadable pubDate falls through to dc:date -------------
p = write("bad_pubdate.xml", RSS.format(ns='xmlns:dc="http://purl.org/dc/elements/1.1/"', items=(
    '<item><title>A</title><link>https://ex.org/a</link><pubDate>Mittwoch, der sechste M\u00e4rz 2024</pubDate>'
    '<dc:date>2024-03-06T08:00:00Z</dc:date><description>x</description></item>\n'
    '<item><title>B</title><link>https://ex.org/b</link><pubDate>not a date</pubDate><description>y</description></item>')))
d = docs(p, what="input row 26")
check(d and d[0]["meta"].get("date") == "2024-03-06T08:00:00Z",
      "input row 26: an unreadable pubDate falls through to dc:date", d and d[0]["meta"].get("date"))
check(len(d) == 2 and d[1]["meta"].get("date_raw") == "not a date" and d[1]["meta"].get("date") is None,
      "input row 26: an unreadable date with nothing after it is kept as written", len(d) == 2 and d[1]["meta"])

done("feed_defects")
