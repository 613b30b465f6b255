"""The items of a real feed, read independently of newsconv (Python's
ElementTree), for tests/reader/test_feed_fidelity.py and bench/feeds.sh:
each item's body HTML chosen as the feed reader (src/read_feed.c) does --
content:encoded, then Atom content, then description or summary -- its
title and its non-image enclosures."""
import html, re
import xml.etree.ElementTree as ET
from html.entities import name2codepoint

NS_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
NS_ATOM = "{http://www.w3.org/2005/Atom}"
CORE = ("", "{http://purl.org/rss/1.0/}", "{http://my.netscape.com/rdf/simple/0.9/}")
XML_ENTS = {"amp", "lt", "gt", "quot", "apos"}
ENTITY = re.compile(r"&(?:(#\d+|#x[0-9A-Fa-f]+|[A-Za-z][\w.-]*);)?")


def mend(text):
    """What a recovering parser does to the feeds' known breakage, outside
    CDATA: a bare '&' is text, an HTML named entity is its character."""
    def ent(m):
        name = m.group(1)
        if name is None:
            return "&amp;"
        if name in XML_ENTS or name.startswith("#"):
            return m.group(0)
        cp = name2codepoint.get(name)
        return f"&#{cp};" if cp else "&amp;" + m.group(0)[1:]
    out, pos = [], 0
    for m in re.finditer(r"<!\[CDATA\[.*?\]\]>", text, re.S):
        out.append(ENTITY.sub(ent, text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(ENTITY.sub(ent, text[pos:]))
    return "".join(out)


def local(e):
    return e.tag.split("}")[-1] if isinstance(e.tag, str) else ""


def ns(e):
    return e.tag[:e.tag.index("}") + 1] if isinstance(e.tag, str) and e.tag.startswith("{") else ""


def atom_html(e):
    """An Atom text construct as HTML (RFC 4287 3.1)."""
    t = (e.get("type") or "text").lower()
    if t == "xhtml":
        div = next(iter(e), None)
        if div is None:
            return ""
        inner = (div.text and html.escape(div.text, False) or "") + "".join(
            ET.tostring(c, encoding="unicode") for c in div)
        return re.sub(r"\s?xmlns(:\w+)?=\"[^\"]*\"", "", re.sub(r"<(/?)\w+:", r"<\1", inner))
    if t in ("html", "text/html"):
        return e.text or ""
    return "<p>" + html.escape(e.text or "", False) + "</p>"


def items_of(path):
    """[{"body": HTML, "title": text, "enclosures": [url]}] for every item
    of the feed, in order."""
    text = open(path, "rb").read().decode("utf-8", "replace")
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        root = ET.fromstring(mend(text))
    out = []
    atom = local(root) == "feed"
    core = (NS_ATOM,) if atom else CORE

    def first(kids, name, spaces):
        return next((c for c in kids if local(c) == name and ns(c) in spaces), None)

    for it in (e for e in root.iter() if local(e) in ("item", "entry")):
        kids = list(it)
        enc = first(kids, "encoded", (NS_CONTENT,))
        content = first(kids, "content", core) if atom else None
        desc = first(kids, "description", core)
        summ = first(kids, "summary", core + (NS_ATOM,))
        if enc is not None:
            body = enc.text or ""
        elif content is not None:
            body = atom_html(content)
        elif desc is not None and not atom:
            body = desc.text or ""
        elif summ is not None:
            body = atom_html(summ)
        else:
            body = ""
        # HTML's end-of-file rule: a tag cut off by the end of the text is
        # dropped (an "eof-in-tag" parse error), not shown; Python's
        # HTMLParser, which md_fidelity.py uses, would show it as text.
        body = re.sub(r"<[A-Za-z/][^>]*\Z", "", body)
        encl = []
        for c in kids:
            if local(c) == "enclosure" and ns(c) in core:
                u, t = c.get("url"), c.get("type")
            elif local(c) == "link" and c.get("rel") == "enclosure" and ns(c) in core + (NS_ATOM,):
                u, t = c.get("href"), c.get("type")
            else:
                continue
            if u and u.strip() and not (t or "").lower().startswith("image/"):
                encl.append(u)
        t = first(kids, "title", core)
        out.append({"body": body, "enclosures": encl,
                    "title": " ".join("".join(t.itertext()).split()) if t is not None else ""})
    return out
