#!/usr/bin/env python3
"""The CLI and pipeline rows of the review of issue 20
(../shared/review/output/DEFECTS.md, "output row N") and of issue 19
(../shared/review/input/DEFECTS.md, "input row N"), each on a fixture of
its own modelled on the trigger.  Servers listen on 127.0.0.1 only, on
a port the system picks, and are shut down in `finally`."""
import hashlib, http.server, json, os, shutil, signal, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, article, check, done, write  # noqa: E402

ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
PNG = (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x02\0\0\0\x90wS\xde\0\0\0\x0cIDATx"
       b"\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa75\x81\x84\0\0\0\0IEND\xaeB`\x82")


def run(*args, cwd=None, env=None, stdin=None, timeout=120):
    return subprocess.run([NC, *args], capture_output=True, cwd=cwd, env=env or ENV, input=stdin,
                          timeout=timeout)


def md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


def titles(path):
    """The titles of a --to json output: one document, or a list."""
    if not os.path.exists(path):
        return None
    d = json.load(open(path))
    return [x["meta"]["title"] for x in (d if isinstance(d, list) else [d])]


def err(r):
    return r.stderr.decode(errors="replace")


class Quiet(http.server.BaseHTTPRequestHandler):
    """Serves `routes` (path as requested -> bytes); a path of `slow`
    answers after 30 s.  Every request path is logged in `seen`."""
    routes, seen, slow = {}, [], set()

    def do_GET(self):
        type(self).seen.append(self.path)
        if self.path in self.slow:
            time.sleep(30)
        body = self.routes.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def serve(routes, slow=()):
    handler = type("H", (Quiet,), {"routes": routes, "seen": [], "slow": set(slow)})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, handler


def fake_module(path, abi, marker=None):
    """A newsconv-zip.so that claims the EPUB format; its begin() aborts.
    abi: None (no nc_module_abi), "bad" (another version).  marker: a
    file its constructor creates (to see whether it was loaded at all)."""
    c = path + ".c"
    write(c, '#include <stdio.h>\n#include <stdlib.h>\n#include "newsconv.h"\n#include "module.h"\n'
          'static int begin(struct nc_writer *w, struct nc_err *e) { abort(); }\n'
          'static const struct nc_format f = { .name = "epub", .extension = ".epub",\n'
          '  .many_in_one = true, .begin = begin };\n'
          'const struct nc_format *const nc_module_format_epub = &f;\n'
          + ('const struct nc_module_abi nc_module_abi = { NC_MODULE_ABI_VERSION + 1, {0} };\n'
             if abi == "bad" else "")
          + (f'__attribute__((constructor)) static void loaded(void) {{ fclose(fopen("{marker}", "w")); }}\n'
             if marker else ""))
    return subprocess.run(["gcc", "-shared", "-fPIC", "-I", os.path.join(SRC, "include"), "-I",
                           os.path.join(SRC, "src"), "-o", path, c], capture_output=True).returncode == 0


tmp = tempfile.mkdtemp()
try:
    # ---- output row 1: a shard never overwrites another shard's input.
    d = os.path.join(tmp, "r1")
    write(f"{d}/posts/a.txt", article("Article A"))
    write(f"{d}/posts/a.md", "---\ntitle: A post\ntags:\n- x\n---\n\nA *Markdown* post.\n")
    before = md5(f"{d}/posts/a.md")
    r = run("-q", "--to", "md", "posts", cwd=d)
    one_run = err(r).count("refusing to overwrite an input file")
    check(r.returncode == 1 and one_run >= 1 and md5(f"{d}/posts/a.md") == before,
          "output row 1: one run refuses to overwrite posts/a.md", r)
    refused = 0
    for i in range(2):
        r = run("-q", "--to", "md", "--shard", f"{i}/2", "posts", cwd=d)
        refused += err(r).count("refusing to overwrite an input file")
        check(md5(f"{d}/posts/a.md") == before, f"output row 1: --shard {i}/2 leaves posts/a.md (an input) alone", r)
    check(refused == one_run, "output row 1: the shards refuse what one run refuses", (refused, one_run))

    # ---- output row 6: what a walk cannot examine is reported, exit 1.
    d = os.path.join(tmp, "r6")
    write(f"{d}/in/sub/a.txt", article("Sub"))
    write(f"{d}/in/b.txt", article("B"))
    os.makedirs(f"{d}/out")
    os.chmod(f"{d}/in/sub", 0o644)  # listed, not searchable
    os.chmod(d, 0o755)
    os.chmod(f"{d}/out", 0o777)
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
    if os.geteuid() != 0 or shutil.which("setpriv"):
        os.chmod(tmp, 0o755)
        r = subprocess.run(as_nobody + [NC, "-q", "--to", "md", "in", "-O", "out"], cwd=d,
                           capture_output=True, env=ENV, timeout=60)
        check(r.returncode == 1 and b"in/sub/a.txt" in r.stderr,
              "output row 6: an unsearchable folder's entry is named, exit 1", r)
        check(os.path.exists(f"{d}/out/b.md"), "output row 6: the rest is converted", r)
    os.chmod(f"{d}/in/sub", 0o755)
    shutil.rmtree(f"{d}/in")
    shutil.rmtree(f"{d}/out")
    here = os.getcwd()
    os.makedirs(f"{d}/in")
    os.chdir(f"{d}/in")
    for k in range(18):  # 4,400 bytes: built one step at a time
        os.mkdir("d%02d" % k + "x" * 240)
        os.chdir("d%02d" % k + "x" * 240)
    write("article.txt", article("Deep"))
    os.chdir(here)
    write(f"{d}/in/short.txt", article("Short"))
    r = run("-q", "--to", "md", "in", "-O", "out2", cwd=d)
    check(r.returncode == 1 and b"/d1" in r.stderr and b"too long" in r.stderr,
          "output row 6: a path longer than PATH_MAX is named, exit 1", r)
    check(os.path.exists(f"{d}/out2/short.md"), "output row 6: the short one is converted", r)
    subprocess.run(["rm", "-rf", "in"], cwd=d)

    # ---- output row 13: a walked media file is passed over from its first bytes.
    d = os.path.join(tmp, "r13")
    write(f"{d}/in/001.txt", article("One"))
    with open(f"{d}/in/clip.mp4", "wb") as f:
        f.truncate(65 * 1024 * 1024)
    write(f"{d}/in/notes.txt", "notes\n")
    r = run("-v", "--to", "md", "in", "-O", "out", cwd=d)
    check(r.returncode == 0 and os.listdir(f"{d}/out") == ["001.md"],
          "output row 13: a 65 MB video in a walked folder does not fail the run", r)
    check(b"clip.mp4: not an article, skipped" in r.stderr, "output row 13: -v names the file passed over", r)
    r = run("-q", "--to", "md", "in/clip.mp4", "-O", "out3", cwd=d)
    check(r.returncode == 1, "output row 13: the same file named on the command line is still an error", r)
    if shutil.which("strace"):
        os.remove(f"{d}/in/clip.mp4")
        with open(f"{d}/in/photo.jpg", "wb") as f:
            f.truncate(60 * 1024 * 1024)
        tr = os.path.join(d, "trace")
        subprocess.run(["strace", "-f", "-e", "trace=read", "-o", tr, NC, "-q", "--to", "md", "in", "-O",
                        "out4"], cwd=d, capture_output=True, timeout=120)
        got = sum(int(line.rsplit("= ", 1)[1]) for line in open(tr) if "read(" in line and "= " in line
                  and line.rsplit("= ", 1)[1].strip().isdigit())
        check(got < 4 * 1024 * 1024, "output row 13: a 60 MB photo is not read whole to be skipped", got)
    shutil.rmtree(d)

    # ---- output rows 15 and 28: modules from another build, and where they are looked for.
    if shutil.which("gcc"):
        d = os.path.join(tmp, "r15")
        os.makedirs(f"{d}/none")
        os.makedirs(f"{d}/bad")
        ok = fake_module(f"{d}/none/newsconv-zip.so", None) and fake_module(f"{d}/bad/newsconv-zip.so", "bad")
        check(ok, "output row 15: the fake modules build")
        write(f"{d}/a.txt", article("A"))
        for kind in ("none", "bad"):
            r = run("-q", "--to", "epub", "a.txt", "-o", "a.epub", cwd=d,
                    env=dict(ENV, NEWSCONV_MODULE_DIR=f"{d}/{kind}"))
            check(r.returncode == 1 and b"built for another version of newsconv" in r.stderr,
                  f"output row 15: a zip module of another build ({kind}) is refused, not called", r)
            check(not os.path.exists(f"{d}/a.epub"), f"output row 15: no book from that module ({kind})")
        os.makedirs(f"{d}/fetch")
        write(f"{d}/fetch/x.c", "int nc_fetch(void) { return 0; }\n")
        subprocess.run(["gcc", "-shared", "-fPIC", "-o", f"{d}/fetch/newsconv-fetch.so", f"{d}/fetch/x.c"])
        write(f"{d}/img.txt", article("I", '<p><img src="http://127.0.0.1:9/x.png" alt="x"></p>'))
        r = run("-q", "--to", "json", "--fetch-images", "--allow-loopback", "--no-cache", "img.txt", "-o",
                "i.json", cwd=d, env=dict(ENV, NEWSCONV_MODULE_DIR=f"{d}/fetch"))
        check(r.returncode == 1 and b"newsconv-fetch.so" in r.stderr and b"another version" in r.stderr,
              "output row 15: the fetch module is checked too", r)

        # 28: "." (relative), a folder others can write: not used; the module never runs.
        marker = os.path.join(d, "LOADED")
        os.makedirs(f"{d}/cwd")
        fake_module(f"{d}/cwd/newsconv-zip.so", None, marker)
        r = run("-q", "--to", "epub", "../a.txt", "-o", "a.epub", cwd=f"{d}/cwd",
                env=dict(ENV, NEWSCONV_MODULE_DIR="."))
        check(r.returncode == 1 and not os.path.exists(marker) and b"absolute" in r.stderr,
              "output row 28: NEWSCONV_MODULE_DIR=. is refused and loads nothing", r)
        os.chmod(f"{d}/cwd", 0o777)
        r = run("-q", "--to", "epub", "a.txt", "-o", "b.epub", cwd=d, env=dict(ENV, NEWSCONV_MODULE_DIR=f"{d}/cwd"))
        check(r.returncode == 1 and not os.path.exists(marker),
              "output row 28: a module folder others can write is refused", r)
        os.chmod(f"{d}/cwd", 0o755)
        if os.geteuid() == 0:
            os.chown(f"{d}/cwd/newsconv-zip.so", 65534, 65534)
            r = run("-q", "--to", "epub", "a.txt", "-o", "c.epub", cwd=d,
                    env=dict(ENV, NEWSCONV_MODULE_DIR=f"{d}/cwd"))
            check(r.returncode == 1 and not os.path.exists(marker),
                  "output row 28: a module owned by another user is refused", r)
        r = run("-q", "--to", "epub", "a.txt", "-o", "ok.epub", cwd=d)
        check(r.returncode == 0, "output rows 15, 28: the build's own module still loads", r)

    # ---- output row 16: a signal stops a run blocked on stdin, a FIFO or a fetch.
    d = os.path.join(tmp, "r16")
    write(f"{d}/a.txt", article("A"))

    def stops(args, what, stdin=None, cwd=d):
        p = subprocess.Popen([NC, *args], cwd=cwd, env=ENV, stdin=stdin, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        time.sleep(1.0)
        p.send_signal(signal.SIGINT)
        t0 = time.monotonic()
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        took = time.monotonic() - t0
        check(took < 1.5 and p.returncode == 130, f"output row 16: SIGINT stops {what} within a second",
              f"rc={p.returncode} after {took:.1f} s")
        p.stderr.close()

    silent = subprocess.Popen(["sleep", "30"], stdout=subprocess.PIPE)
    try:
        stops(["-q", "--to", "md", "-"], "a run waiting for standard input", stdin=silent.stdout)
    finally:
        silent.kill()
        silent.wait()
    os.makedirs(f"{d}/out")
    os.mkfifo(f"{d}/out/a.md")
    stops(["-q", "--to", "md", "a.txt", "-O", "out"], "a run opening a FIFO named like its output")
    # The same among 40 inputs at -j 4: the thread that blocks on the FIFO
    # is any of four, and the signal reaches one of them (cli/pool.c
    # passes it on).
    for i in range(40):
        write(f"{d}/many/{i:02d}.txt", article(f"M{i}"))
    os.makedirs(f"{d}/out3")
    os.mkfifo(f"{d}/out3/33.md")
    for j in ("2", "4"):
        stops(["-q", "-j", j, "--to", "md", "many", "-O", "out3"],
              f"a run at -j {j} whose 34th output is a FIFO")
        left = [n for n in os.listdir(f"{d}/out3") if not n.endswith(".md")]
        check(left == [], f"output row 16: -j {j}: no temporary left in the output folder", left)
    shutil.rmtree(f"{d}/many")
    shutil.rmtree(f"{d}/out3")
    srv, h = serve({"/x.png": PNG}, slow={"/x.png"})
    try:
        port = srv.server_address[1]
        write(f"{d}/in/s.txt", article("Slow", f'<p><img src="http://127.0.0.1:{port}/x.png" alt="x"></p>'))
        stops(["-q", "--fetch-images", "--allow-loopback", "--no-cache", "--to", "epub", "in", "-o", "s.epub"],
              "a run waiting for a slow image")
        check(sorted(os.listdir(d)) == ["a.txt", "in", "out"], "output row 16: nothing left after the stop",
              os.listdir(d))
    finally:
        srv.shutdown()
        srv.server_close()

    # ---- output row 20: the same file reached twice is converted once.
    d = os.path.join(tmp, "r20")
    for k in range(3):
        write(f"{d}/c/{k:03}.txt", article(f"T{k}"))
    r = run("-q", "--to", "json", "c", "c/001.txt", "-o", "x.json", cwd=d)
    got = titles(f"{d}/x.json") if r.returncode == 0 else r
    check(got == ["T0", "T1", "T2"], "output row 20: a folder and a file in it: each file once", got)
    r = run("-q", "--to", "json", "c/001.txt", "./c/001.txt", "c//001.txt", "-o", "y.json", cwd=d)
    got = len(titles(f"{d}/y.json") or []) if r.returncode == 0 else r
    check(got == 1, "output row 20: x, ./x and x spelled with // are one file", got)

    # ---- output row 21: image URLs percent-encoded as a browser does, one form in the WARC.
    d = os.path.join(tmp, "r21")
    srv, h = serve({"/sp%20ace.png": PNG, "/%E6%96%B0%E9%97%BB.png": PNG})
    try:
        port = srv.server_address[1]
        write(f"{d}/in/s.txt", "---\ntitle: Spaces\ndate: 2024-01-05\nlink: https://news.example.org/s.html\n---\n"
              f'<p><img src="http://127.0.0.1:{port}/sp ace.png" alt="space"></p>\n'
              f'<p><img src="http://127.0.0.1:{port}/新闻.png" alt="cjk"></p>\n')
        r = run("-q", "--to", "warc", "--fetch-images", "--allow-loopback", "--no-cache", "in", "-o", "s.warc",
                cwd=d)
        check(r.returncode == 0 and sorted(h.seen) == ["/%E6%96%B0%E9%97%BB.png", "/sp%20ace.png"],
              "output row 21: both images are requested, encoded", (r, h.seen))
        warc = open(f"{d}/s.warc", "rb").read()
        uris = {line.split(b": ", 1)[1] for line in warc.split(b"\r\n") if line.startswith(b"WARC-Target-URI: http://127")}
        check(uris == {f"http://127.0.0.1:{port}/sp%20ace.png".encode(),
                       f"http://127.0.0.1:{port}/%E6%96%B0%E9%97%BB.png".encode()},
              "output row 21: the WARC names each image by the URL requested", uris)
    finally:
        srv.shutdown()
        srv.server_close()

    # ---- output row 2: two shards into one -O folder: one run's outcome.
    d = os.path.join(tmp, "r2")
    write(f"{d}/in/a/x.txt", article("From a"))
    write(f"{d}/in/b/x.txt", article("From b"))
    rs = [run("-q", "--shard", f"{i}/2", "--to", "md", "in", "-O", "out", cwd=d) for i in range(2)]
    got = open(f"{d}/out/x.md").read() if os.path.exists(f"{d}/out/x.md") else ""
    check('title: "From a"' in got and sorted(r.returncode for r in rs) == [0, 1],
          "output row 2: in/a/x.txt keeps out/x.md, in/b/x.txt is refused, as in one run",
          ([r.returncode for r in rs], got[:40]))

    # ---- output row 3: clashes compared as files, not spellings.
    d = os.path.join(tmp, "r3")
    write(f"{d}/a/x.txt", article("Text"))
    write(f"{d}/a/x.html", article("Html"))
    os.symlink("a", f"{d}/b")
    for second in ("./a/x.html", "b/x.html", "a//x.html"):
        if os.path.exists(f"{d}/a/x.md"):
            os.remove(f"{d}/a/x.md")
        r = run("-q", "--to", "md", "a/x.txt", second, cwd=d)
        got = open(f"{d}/a/x.md").read() if os.path.exists(f"{d}/a/x.md") else ""
        check(r.returncode == 1 and b"also the output of a/x.txt" in r.stderr and 'title: "Text"' in got,
              f"output row 3: a/x.txt and {second} are one output: the second refused", r)

    # ---- output row 17: the same command twice refreshes its outputs.
    d = os.path.join(tmp, "r17")
    for k in range(3):
        write(f"{d}/in/{k:03}.txt", article(f"R{k}"))
    for args, what in ((["--to", "md", "-O", "in/out", "in"], "-O in/out in"),
                       (["--to", "md", "in"], "md beside the inputs"),
                       (["--to", "epub", "in", "-o", "in/book.epub"], "-o in/book.epub")):
        r1 = run("-q", *args, cwd=d)
        r2 = run("-q", *args, cwd=d)
        check(r1.returncode == 0 and r2.returncode == 0, f"output row 17: {what}, run twice: both succeed", (r1, r2))
    check(sorted(os.listdir(f"{d}/in/out")) == ["000.md", "001.md", "002.md"],
          "output row 17: the -O folder holds the three outputs only", os.listdir(f"{d}/in/out"))

    # ---- output row 5: --cdx with one archive per input is refused, not an index of the last.
    d = os.path.join(tmp, "r5")
    for k in range(3):
        write(f"{d}/in/{k}.txt", article(f"C{k}"))
    r = run("-q", "--to", "warc", "in", "-O", "out", "--cdx", "all.cdxj", cwd=d)
    check(r.returncode == 2 and b"--cdx" in r.stderr and not os.path.exists(f"{d}/all.cdxj")
          and not os.path.exists(f"{d}/out"), "output row 5: --cdx with -O is refused, nothing written", r)
    r = run("-q", "--to", "warc", "in", "-o", "all.warc", "--cdx", "all.cdxj", cwd=d)
    check(r.returncode == 0 and len(open(f"{d}/all.cdxj").read().splitlines()) >= 3,
          "output row 5: with -o, one index of the one archive", r)

    # ---- output row 22: an image on pages of two windows is fetched once; JSON independent of -j.
    d = os.path.join(tmp, "r22")
    srv, h = serve({"/logo.png": PNG})
    try:
        port = srv.server_address[1]
        for k in range(150):
            img = f'<p><img src="http://127.0.0.1:{port}/logo.png" alt="logo"></p>' if k in (0, 100) else ""
            write(f"{d}/in/w{k:03}.txt", article(f"W{k:03}", f"<p>w{k}</p>{img}"))
        for j in ("1", "2"):
            before = len(h.seen)
            r = run("-q", "-j", j, "--fetch-images", "--allow-loopback", "--no-cache", "--to", "epub", "in",
                    "-o", f"j{j}.epub", cwd=d)
            check(r.returncode == 0 and len(h.seen) - before == 1,
                  f"output row 22: -j {j}: the logo is fetched once per run", (r, len(h.seen) - before))
        outs = []
        for j in ("1", "2"):
            r = run("-q", "-j", j, "--fetch-images", "--allow-loopback", "--cache-dir", f"cache{j}", "--to",
                    "json", "in", "-o", f"j{j}.json", cwd=d)
            outs.append(open(f"{d}/j{j}.json", "rb").read() if r.returncode == 0 else r)
        check(outs[0] == outs[1], "output row 22: --to json is the same at -j 1 and -j 2")
    finally:
        srv.shutdown()
        srv.server_close()

    # ---- input row 27: --until with a bare date of any spelling keeps that whole day.
    d = os.path.join(tmp, "i27")
    write(f"{d}/f.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
          '<item><title>Late</title><link>http://e.org/1</link><pubDate>Fri, 01 Mar 2024 23:59:59 GMT</pubDate>'
          '<description>x</description></item>'
          '<item><title>Next</title><link>http://e.org/3</link><pubDate>Sat, 02 Mar 2024 00:00:01 GMT</pubDate>'
          '<description>z</description></item></channel></rss>')
    for until in ("2024-3-1", "2024-03-01", "1 Mar 2024"):
        if os.path.exists(f"{d}/d.json"):
            os.remove(f"{d}/d.json")
        r = run("-q", "--to", "json", "-o", "d.json", "--until", until, "f.xml", cwd=d)
        got = titles(f"{d}/d.json") if r.returncode == 0 else r
        check(got == ["Late"], f"input row 27: --until {until} keeps 23:59:59 of that day", got)

    # ---- input row 31: one-character titles name their items.
    d = os.path.join(tmp, "i31")
    write(f"{d}/t.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
          '<item><title>A</title><link>http://e.org/1</link><description>x</description></item>'
          '<item><title>B</title><link>http://e.org/2</link><description>y</description></item>'
          '</channel></rss>')
    r = run("-q", "--to", "md", "-O", "out", "t.xml", cwd=d)
    check(r.returncode == 0 and sorted(os.listdir(f"{d}/out")) == ["a.md", "b.md"],
          "input row 31: items titled A and B are a.md and b.md", (r, os.listdir(f"{d}/out") if os.path.isdir(f"{d}/out") else None))

    # ---- input row 30: bidirectional controls never reach a URL input's file name.
    d = os.path.join(tmp, "i30")
    os.makedirs(d)
    srv, h = serve({"/x%E2%80%AEgpj.exe": article("Bidi").encode()})
    try:
        port = srv.server_address[1]
        r = run("-q", "--to", "md", "--allow-loopback", "--no-cache", f"http://127.0.0.1:{port}/x%E2%80%AEgpj.exe",
                cwd=d)
        names = os.listdir(d)
        check(r.returncode == 0 and len(names) == 1 and "\u202e" not in names[0],
              "input row 30: U+202E is not kept in the output name", (r, names))
    finally:
        srv.shutdown()
        srv.server_close()
finally:
    for root, dirs, files in os.walk(tmp):
        for x in dirs:
            try:
                os.chmod(os.path.join(root, x), 0o755)
            except OSError:
                pass
    shutil.rmtree(tmp, ignore_errors=True)
done("pipeline_defects")
