#!/usr/bin/env python3
"""A real client replays a WACZ: ReplayWeb.page (npm replaywebpage, its
ui.js and sw.js served from 127.0.0.1) in Debian's chromium, driven by
puppeteer-core.  Three fixture articles, one with images fetched from
tests/fetch/server.py (one of them through a redirect); that server is
stopped before the replay, so every image must come from the archive.
Each page is opened by its archived URL inside the viewer and judged in
the replay iframe: title, first paragraph, images decoded.  Skips (77)
when chromium, node or the npm packages (tools/deps.sh) are missing."""
import json, os, shutil, signal, subprocess, sys, tempfile, threading, time, zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, check, done  # noqa: E402

NPM = os.environ.get("NC_NPM_DIR", os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "newsconv-test", "npm"))
RWP = os.path.join(NPM, "replaywebpage", "package")
CHROMIUM = "/usr/bin/chromium"
HERE = os.path.join(SRC, "tests", "warc")
missing = [what for what, ok in (("chromium", os.access(CHROMIUM, os.X_OK)), ("node", shutil.which("node")),
                                 ("npm puppeteer-core", os.path.isdir(os.path.join(NPM, "node_modules", "puppeteer-core"))),
                                 ("npm replaywebpage", os.path.isfile(os.path.join(RWP, "sw.js")))) if not ok]
if missing:
    print("skipped: missing " + ", ".join(missing) + " (tools/deps.sh installs them)")
    sys.exit(77)

tmp = tempfile.mkdtemp()
procs = []  # every process started here, stopped by PID in the finally


def start(args, **kw):
    p = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, **kw)
    procs.append(p)
    return p


def stop(pid):
    try:
        os.kill(pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass


def article_with_local_images(port):
    """fixtures/images.txt with its images on the local server, one of
    them behind a redirect, and a first paragraph of text."""
    text = open(os.path.join(SRC, "fixtures", "images.txt"), encoding="utf-8").read()
    local = f"http://127.0.0.1:{port}"
    text = text.replace('src="//photos.example.com/harbour/2.jpg"', f'src="{local}/redirect/2.jpg"')
    text = text.replace("https://photos.example.com/harbour/", f"{local}/img/")
    text = text.replace("<div>\n", "<div>\n<p>Six photographs of the harbour at dawn.</p>\n", 1)
    path = os.path.join(tmp, "images-local.txt")
    open(path, "w", encoding="utf-8").write(text)
    return path


EXPECT = {  # title -> first paragraph
    "「東京の夜」と“台北の朝”": "今回の旅で一番印象に残ったのは「夜の市場」でした。",
    "地铁新线开通首日客流平稳": "地铁新线今日开通，首日客流平稳。",
    "Photo essay: Harbour at dawn": "Six photographs of the harbour at dawn.",
}

chromium_pid = None
try:
    img = start([sys.executable, os.path.join(SRC, "tests", "fetch", "server.py"), "--lifetime", "280"],
                stderr=subprocess.DEVNULL)
    img_port = int(img.stdout.readline())
    site = os.path.join(tmp, "site")
    os.makedirs(site)
    wacz = os.path.join(site, "archive.wacz")
    inputs = [os.path.join(SRC, "fixtures", "cjk-emphasis.txt"), os.path.join(SRC, "fixtures", "lang-zh_CN.txt"),
              article_with_local_images(img_port)]
    r = subprocess.run([NC, "-q", "--to", "wacz", "--fetch-images", "--allow-loopback", "--no-cache", "--timeout", "10",
                        "--strict", *inputs, "-o", wacz], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
    check(r.returncode == 0, "newsconv --to wacz with images from the local server", r)
    stop(img.pid)  # from here on, only the archive can answer
    img.wait(timeout=10)

    pages = [json.loads(l) for l in zipfile.ZipFile(wacz).read("pages/pages.jsonl").decode().splitlines()[1:]]
    check(sorted(p["title"] for p in pages) == sorted(EXPECT), "pages.jsonl lists the three articles")
    os.symlink(RWP, os.path.join(site, "replay"))
    jobs = []
    for i, p in enumerate(pages):
        html = f"page-{i}.html"
        # The embedding ReplayWeb.page documents: ui.js and sw.js from
        # replayBase, the archive by a URL relative to this page.
        open(os.path.join(site, html), "w", encoding="utf-8").write(
            '<!doctype html>\n<html><head><meta charset="utf-8"><title>replay</title>\n'
            '<script src="/replay/ui.js"></script></head>\n<body>\n'
            f'<replay-web-page style="height: 600px; display: block" source="/archive.wacz" url="{p["url"]}" '
            'replayBase="/replay/" embed="replayonly"></replay-web-page>\n</body></html>\n')
        jobs.append({"html": html, "url": p["url"], "title": p["title"]})
    open(os.path.join(tmp, "jobs.json"), "w").write(json.dumps(jobs))

    web = start([sys.executable, os.path.join(HERE, "range_server.py"), site, "--lifetime", "280"])
    web_port = int(web.stdout.readline())
    env = dict(os.environ, NODE_PATH=os.path.join(NPM, "node_modules"))
    node = start(["node", os.path.join(HERE, "replay.js"), f"http://127.0.0.1:{web_port}",
                  os.path.join(tmp, "jobs.json"), os.path.join(tmp, "profile")], env=env, stderr=subprocess.PIPE)
    # Bounded: well inside meson's 300 s, the browser and its driver are
    # stopped, which ends the loop below.
    watchdog = threading.Timer(180, lambda: [stop(p if isinstance(p, int) else p.pid) for p in procs[::-1]])
    watchdog.start()
    results = []
    try:
        for line in node.stdout:
            if line.startswith("pid "):
                chromium_pid = int(line.split()[1])
                procs.append(chromium_pid)
            elif line.strip():
                results.append(json.loads(line))
        node.wait(timeout=30)
    finally:
        watchdog.cancel()
    err = node.stderr.read()
    check(len(results) == len(jobs), f"the viewer answered for every page ({len(results)}/{len(jobs)})", err[-800:])
    for job, res in zip(jobs, results):
        name = job["title"]
        if not res.get("ok"):
            check(False, f"{name}: replayed", json.dumps(res, ensure_ascii=False))
            continue
        check(res["title"] == name, f"{name}: title in the replay frame (got {res['title']!r})")
        check(res["first"] == EXPECT.get(name), f"{name}: first paragraph (got {res['first']!r})")
        if name.startswith("Photo essay"):
            imgs = res["images"]
            check(len(imgs) >= 5 and all(w > 0 for _, w in imgs),
                  f"{name}: every image loads from the archive ({imgs})")
            check(any("/img/2.jpg" in s for s, _ in imgs) and not any("/redirect/" in s for s, _ in imgs),
                  f"{name}: the redirected image points at the URL archived ({[s for s, _ in imgs]})")
        print(f"replayed {job['url']}: {name!r}, {len(res['images'])} images")
finally:
    for p in reversed(procs):
        stop(p if isinstance(p, int) else p.pid)
    for p in procs:
        if not isinstance(p, int):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
    shutil.rmtree(tmp, ignore_errors=True)
done("replay")
