#!/usr/bin/env python3
"""A static file server for replay tests, bound to 127.0.0.1 on a free
port (printed as the first line of stdout).  Unlike `python3 -m
http.server` it answers Range requests, which ReplayWeb.page uses to read
a WACZ's entries without downloading it whole.  Serves DIR; exits by
itself after --lifetime seconds."""
import argparse, os, re, sys, threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class H(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".wacz": "application/wacz", ".json": "application/json"}

    def log_message(self, *a):
        if ARGS.log:
            sys.stderr.write("%s\n" % (a[0] % a[1:]))

    def end_headers(self):
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self):
        m = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        path = self.translate_path(self.path)
        if not m or not os.path.isfile(path):
            return super().send_head()
        size = os.path.getsize(path)
        a, b = m.groups()
        if a == "":
            start, end = max(0, size - int(b)), size - 1
        else:
            start, end = int(a), min(int(b) if b else size - 1, size - 1)
        if start >= size or start > end:
            self.send_response(416)
            self.send_header("Content-Range", "bytes */%d" % size)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        f = open(path, "rb")
        f.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._left = end - start + 1
        return f

    def copyfile(self, source, outputfile):
        left = getattr(self, "_left", None)
        if left is None:
            return super().copyfile(source, outputfile)
        while left > 0:
            chunk = source.read(min(65536, left))
            if not chunk:
                break
            outputfile.write(chunk)
            left -= len(chunk)
        self._left = None


ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--lifetime", type=float, default=300)
ap.add_argument("--log", action="store_true")
ARGS = ap.parse_args()


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a browser that drops a connection is not an error here


srv = Server(("127.0.0.1", 0), partial(H, directory=ARGS.dir))
print(srv.server_address[1], flush=True)
threading.Timer(ARGS.lifetime, lambda: os._exit(0)).start()
srv.serve_forever()
