#!/usr/bin/env python3
"""A local HTTP server for fetch tests, bound to 127.0.0.1 on a free port
(printed as the first line of stdout), serving images and faults by path.
It counts hits per path (GET /__hits -> JSON) and exits by itself after
--lifetime seconds.  Paths:
  /img/NAME.png|.jpg|.gif   a real image (ETag + Last-Modified; 304 on match)
  /slowimg/NAME.png         a real image after --delay seconds (benchmarks)
  /404                      not found
  /flaky/NAME.png           500 the first time, then the image
  /ratelimit/NAME.png       429 with Retry-After: 1 the first time
  /slow                     first byte after 5 s (time-out test)
  /loop                     redirect loop
  /big                      a body over the cap (3 MB)
  /wrongtype.png            a PNG served as text/plain (bytes decide)
  /html                     an HTML page with 200
  /truncated                Content-Length 1000, 100 bytes sent, closed
  /reset                    connection closed without a response
  /to-private               redirect to http://10.255.255.1/x.png
  /to-loopback              redirect to http://127.0.0.1:PORT/img/r.png
  /same/NAME.png            the bytes of /img/a.png under another URL
  /redirect/NAME            302 to /img/NAME
  GET /__headers            every request so far as JSON [path, [[name, value], ...]]
  GET /__log                every answered request as JSON [path, status, conditional]
                            (conditional: it carried If-None-Match / If-Modified-Since)
  /feeds/news.xml           an RSS feed of 3 items without a channel link (relative
                            links inside; ETag + Last-Modified, Cache-Control: no-cache,
                            304 on a matching validator); / serves it too
  /post.md                  a Markdown post with no source URL and a relative image
  /go/news                  302 to /feeds/news.xml
  /goto?URL                 302 to URL (percent-decoded): redirects anywhere
  /ft/feed.xml              a summary-only RSS feed of 3 items (--full-text): links
                            /ft/story (a whole page), /404 and /to-private
  /ft/story                 a whole page: menus, banner, footer around the article
                            (ETag; 304 on a match)
  /ft/feed2.xml             a second summary-only feed (digests), 2 items linking to
                            /ft/regatta/1 and /ft/regatta/2, whole pages
  /ft/redirfeed.xml         one item whose link redirects to /ft/story (/goto?...), as
                            feed-proxy links do
Requests in absolute form (GET http://host/path, as sent to a proxy) are
counted under the whole URL; the server then acts as a proxy to itself
only (127.0.0.1 and its own port) and answers 502 for any other target
without connecting anywhere, so it can stand in for a proxy safely.
"""
import argparse, base64, json, os, socket, struct, sys, threading, time, urllib.parse, zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

hits = {}
seen_headers = []
answered = []
lock = threading.Lock()


def png(seed):
    """A small valid PNG whose pixels depend on seed (distinct bytes)."""
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    w = h = 4
    raw = b"".join(b"\x00" + bytes((seed * 37 + x * 11 + y * 5) & 255 for x in range(w * 3)) for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# A real 1x1 JPEG (validators decode it); a COM segment makes each distinct.
JPEG = base64.b64decode("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////"
                        "////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=") + b"\xff\xd9"


def jpeg(name):
    com = name.encode()
    return JPEG[:20] + b"\xff\xfe" + struct.pack(">H", len(com) + 2) + com + JPEG[20:]
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


def image_for(name):
    if name.endswith(".jpg"):
        return jpeg(name), "image/jpeg"
    if name.endswith(".gif"):
        return GIF, "image/gif"
    return png(sum(name.encode())), "image/png"


def feed(port):
    """RSS 2.0 without a channel link: relative references resolve against
    the item's link, else the URL the feed was fetched from."""
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Local news</title><description>test feed</description>
<item><title>First item</title><link>/posts/1</link><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;One, with &lt;img src="../img/one.png" alt="one"&gt;&lt;/p&gt;</description></item>
<item><title>Second item</title><link>http://127.0.0.1:%d/posts/2</link><pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Two.&lt;/p&gt;</description></item>
<item><title>Third item</title><pubDate>Wed, 03 Jan 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;Three, &lt;a href="more.html"&gt;more&lt;/a&gt;.&lt;/p&gt;</description></item>
</channel></rss>
""" % port).encode()


# A second feed, for OPML lists of several subscriptions (test_opml.py).
OTHER = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Other news</title><link>http://example.org/</link>
<description>a second test feed</description><language>en</language>
<item><title>Other first</title><link>http://example.org/o/1</link><pubDate>Mon, 01 Jan 2024 12:00:00 GMT</pubDate>
<author>someone@example.org (Some One)</author>
<description>&lt;p&gt;The other feed's first item.&lt;/p&gt;</description></item>
<item><title>Other second</title><link>http://example.org/o/2</link><pubDate>Tue, 02 Jan 2024 12:00:00 GMT</pubDate>
<description>&lt;p&gt;The other feed's second item.&lt;/p&gt;</description></item>
</channel></rss>
"""


POST = b"""---
title: A post from the web
date: 2024-01-04 05:06:07
---
A post with an image: ![pic](pic.png)
"""


FT_WORDS = ("The harbour council voted on Tuesday to rebuild the old pier with "
            "timber from the northern forests, after months of argument.")
FT_STORY = ("<!DOCTYPE html><html lang='en'><head><title>Pier rebuilt - Harbour News</title></head><body>"
            "<header><nav><ul><li><a href='/'>Home</a></li><li><a href='/sport'>Sport</a></li>"
            "<li><a href='/weather'>Weather</a></li></ul></nav>"
            "<div class='subscribe-banner'>SUBSCRIBE NOW for unlimited menus</div></header>"
            "<main><article><h1>Pier rebuilt</h1><p>" + FT_WORDS + "</p>"
            + "".join("<p>Paragraph %d of the full story tells how the pier's engineers, "
                      "fishermen and the harbour master planned the work, which stones "
                      "were kept and why the timber was chosen over concrete.</p>" % i
                      for i in range(1, 9))
            + "</article></main><aside class='related'><h2>Most read</h2><ul>"
            "<li><a href='/a'>Other story one</a></li><li><a href='/b'>Other story two</a></li></ul></aside>"
            "<footer><p>Copyright Harbour News. Cookie settings.</p></footer></body></html>").encode()


def regatta(n):
    words = "The regatta number %d sailed from the harbour mouth in a fresh westerly breeze." % n
    return words, ("<!DOCTYPE html><html lang='en'><head><title>Regatta %d - Harbour Sport</title></head><body>"
                   "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav><main><article>"
                   "<h1>Regatta %d</h1><p>%s</p>" % (n, n, words)
                   + "".join("<p>Leg %d of regatta %d took the fleet past the lighthouse, where the "
                             "crews trimmed their sails and the judges counted the boats home.</p>" % (i, n)
                             for i in range(1, 7))
                   + "</article></main><footer>Copyright Harbour Sport</footer></body></html>").encode()


def ft_feed2(port):
    base = "http://127.0.0.1:%d" % port
    out = ['<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Sport</title>'
           '<link>%s/</link><description>d</description>' % base]
    for n in (1, 2):
        out.append("<item><title>Regatta %d</title><link>%s/ft/regatta/%d</link>"
                   "<pubDate>Tue, 0%d Jan 2024 12:00:00 GMT</pubDate><description>%s</description></item>"
                   % (n, base, n, n + 1, regatta(n)[0]))
    out.append("</channel></rss>")
    return "".join(out).encode()


def ft_redirfeed(port):
    base = "http://127.0.0.1:%d" % port
    link = "%s/goto?%s" % (base, urllib.parse.quote(base + "/ft/story", safe=""))
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
            '<link>%s/</link><description>d</description><item><title>Pier rebuilt</title>'
            '<link>%s</link><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate><description>%s</description>'
            '</item></channel></rss>' % (base, link.replace("&", "&amp;"), FT_WORDS)).encode()


def ft_feed(port):
    base = "http://127.0.0.1:%d" % port
    items = [("Pier rebuilt", "/ft/story"), ("Gone story", "/404"), ("Hidden story", "/to-private")]
    out = ['<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
           '<link>%s/</link><description>d</description>' % base]
    for i, (t, path) in enumerate(items):
        out.append("<item><title>%s</title><link>%s%s</link><guid>%s%s</guid>"
                   "<pubDate>Mon, 0%d Jan 2024 10:00:00 GMT</pubDate><author>ed@example.org (Ed)</author>"
                   "<description>%s</description></item>" % (t, base, path, base, path, i + 1, FT_WORDS))
    out.append("</channel></rss>")
    return "".join(out).encode()


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def count(self):
        with lock:
            hits[self.path] = hits.get(self.path, 0) + 1
            seen_headers.append([self.path, [[k, v] for k, v in self.headers.items()]])
            return hits[self.path]

    def count_path(self, p):
        with lock:
            hits[p] = hits.get(p, 0) + 1
            return hits[p]

    def send(self, code, body=b"", ctype="image/png", extra=()):
        if not self.path.startswith("/__"):
            with lock:
                answered.append([self.path, code, bool(self.headers.get("If-None-Match")
                                                       or self.headers.get("If-Modified-Since"))])
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        p = self.path
        if p == "/__hits":
            with lock:
                return self.send(200, json.dumps(hits).encode(), "application/json")
        if p == "/__headers":
            with lock:
                return self.send(200, json.dumps(seen_headers).encode(), "application/json")
        if p == "/__log":
            with lock:
                return self.send(200, json.dumps(answered).encode(), "application/json")
        n = self.count()
        port = self.server.server_address[1]
        if p.startswith("http://") or p.startswith("https://"):
            own = "http://127.0.0.1:%d/" % port
            if not p.startswith(own):
                return self.send(502, b"this proxy only reaches itself", "text/plain")
            p = "/" + p[len(own):]
            n = self.count_path(p)
        if p.startswith("/img/") or p.startswith("/slowimg/"):
            if p.startswith("/slowimg/"):
                time.sleep(ARGS.delay)
            body, ctype = image_for(p.rsplit("/", 1)[1])
            etag = '"%08x"' % zlib.crc32(body)
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", ctype, [("ETag", etag)])
            return self.send(200, body, ctype, [("ETag", etag), ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT"),
                                                ("Cache-Control", "max-age=" + str(ARGS.max_age))])
        if p.startswith("/same/"):
            body, ctype = image_for("a.png")
            return self.send(200, body, ctype)
        if p.startswith("/redirect/"):
            return self.send(302, b"", "text/plain", [("Location", "/img/" + p[len("/redirect/"):])])
        if p.split("?")[0] in ("/feeds/news.xml", "/"):
            body = feed(port)
            etag = '"%08x"' % zlib.crc32(body)
            lm = "Mon, 01 Jan 2024 00:00:00 GMT"
            if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == lm:
                return self.send(304, b"", "application/rss+xml", [("ETag", etag)])
            return self.send(200, body, "application/rss+xml", [("ETag", etag), ("Last-Modified", lm),
                                                                 ("Cache-Control", "no-cache")])
        if p == "/feeds/other.xml":
            return self.send(200, OTHER, "application/rss+xml")
        if p.split("?")[0] == "/post.md":
            return self.send(200, POST, "text/markdown")
        if p == "/go/news":
            return self.send(302, b"", "text/plain", [("Location", "/feeds/news.xml")])
        if p.startswith("/goto?"):
            return self.send(302, b"", "text/plain", [("Location", urllib.parse.unquote(p[6:]))])
        if p == "/ft/feed.xml":
            body = ft_feed(port)
            etag = '"%08x"' % zlib.crc32(body)
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", "application/rss+xml", [("ETag", etag)])
            return self.send(200, body, "application/rss+xml", [("ETag", etag)])
        if p == "/ft/story":
            etag = '"%08x"' % zlib.crc32(FT_STORY)
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", "text/html", [("ETag", etag)])
            return self.send(200, FT_STORY, "text/html; charset=utf-8", [("ETag", etag)])
        if p == "/ft/redirfeed.xml":
            return self.send(200, ft_redirfeed(port), "application/rss+xml")
        if p == "/ft/feed2.xml":
            return self.send(200, ft_feed2(port), "application/rss+xml")
        if p.startswith("/ft/regatta/") and p[12:] in ("1", "2"):
            return self.send(200, regatta(int(p[12:]))[1], "text/html; charset=utf-8")
        if p == "/404":
            return self.send(404, b"not found", "text/plain")
        if p.startswith("/flaky/"):
            if n == 1:
                return self.send(500, b"oops", "text/plain")
            return self.send(200, *image_for("flaky.png"))
        if p.startswith("/ratelimit/"):
            if n == 1:
                return self.send(429, b"slow down", "text/plain", [("Retry-After", "1")])
            return self.send(200, *image_for("rl.png"))
        if p == "/slow":
            time.sleep(5)
            return self.send(200, *image_for("slow.png"))
        if p == "/loop":
            return self.send(302, b"", "text/plain", [("Location", "/loop")])
        if p == "/big":
            return self.send(200, png(1) + bytes(3 * 1000 * 1000), "image/png")
        if p == "/wrongtype.png":
            return self.send(200, image_for("w.png")[0], "text/plain")
        if p == "/html":
            return self.send(200, b"<html><body>Sorry, hotlinking not allowed</body></html>", "image/jpeg")
        if p == "/truncated":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(png(2)[:100])
            self.wfile.flush()
            self.close_connection = True
            return
        if p == "/reset":
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        if p == "/to-private":
            return self.send(302, b"", "text/plain", [("Location", "http://10.255.255.1/x.png")])
        if p == "/to-loopback":
            return self.send(302, b"", "text/plain", [("Location", "http://127.0.0.1:%d/img/r.png" % port)])
        return self.send(404, b"unknown", "text/plain")


ap = argparse.ArgumentParser()
ap.add_argument("--lifetime", type=float, default=120)
ap.add_argument("--delay", type=float, default=0.1)
ap.add_argument("--max-age", type=int, default=3600)
ARGS = ap.parse_args()
class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # clients that hang up on purpose (size cap, resets) are expected


srv = Server(("127.0.0.1", 0), H)
srv.daemon_threads = True
print(srv.server_address[1], flush=True)
threading.Timer(ARGS.lifetime, lambda: os._exit(0)).start()
srv.serve_forever()
