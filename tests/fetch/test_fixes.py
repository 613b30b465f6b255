#!/usr/bin/env python3
"""Regression tests for fetcher and resolver bugs, one case per run
(the case name is the first argument, and the meson test name):

  blank_src        src=" " on an image or iframe is skipped, not "out of memory"
  header_injection CR/LF in og:url / canonical / src / --user-agent never
                   become request headers (--referer source)
  proxy_guard      http_proxy in the environment is ignored, and with --proxy
                   the private-address rules apply to the target, redirects
                   included
  warc_redirect    after a redirect the WARC request record's URI and the
                   request head it holds name the same (final) URL, also
                   when the exchange comes back from the cache
  many_images      40,000 images with --offline: one job per distinct URL
                   (the run time is printed; no timing assert)
  cache_fsync      the cache writer fsyncs each temp file before renaming it
  cache_full       a cache directory on a full file system (a 64 KB tmpfs;
                   root only): the run still succeeds with every image, no
                   temporary file is left, and what was cached is whole

All traffic goes to tests/fetch/server.py on 127.0.0.1; the one private
address used (10.255.255.1) must never be connected to, and the tests
assert that through the guard's refusal, never with
--allow-private-network."""
import gzip, hashlib, json, os, re, shutil, subprocess, sys, tempfile, time, urllib.parse, urllib.request

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, start_server, SRC, SHARED, check, done  # noqa: E402

HERE = os.path.join(SRC, "tests", "fetch")
CASE = sys.argv[1]
tmp = tempfile.mkdtemp()
servers = []


def server(*args):
    p, port = start_server(*args, lifetime=100)
    servers.append(p)
    return port


def get_json(port, what):
    return json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/{what}", timeout=5))


def write(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def article(name, urls, extra=""):
    imgs = "".join(f'<p><img src="{u}" alt="{i}"></p>\n' for i, u in enumerate(urls))
    return write(name, f"---\ntitle: {name}\nauthor: test\ndate: 2024-01-02 03:04:05\n{extra}---\n{imgs}")


def run(*args, env=None, timeout=120):
    return subprocess.run([NC, *args], capture_output=True, text=True, timeout=timeout, env=env)


def resources(json_path):
    docs = json.load(open(json_path))
    if isinstance(docs, dict):
        docs = [docs]
    return {x["resolved"]: x for d in docs for x in d["resources"]}


def no_proxy_env():
    env = dict(os.environ)
    for k in list(env):
        if k.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            del env[k]
    return env


def case_blank_src():
    a = write("blank.txt", "---\ntitle: blank\n---\n"
              '<p>before</p><p><img src=" " alt="blank image"></p>\n'
              '<iframe src=" "></iframe>\n<iframe src="\t\n"></iframe>\n'
              '<video src=" " poster=" "></video>\n<p><a href=" ">blank link</a></p><p>after</p>\n')
    for fmt in ("json", "md", "epub"):
        out = os.path.join(tmp, "blank." + fmt)
        r = run("--to", fmt, a, "-o", out)
        check(r.returncode == 0 and "out of memory" not in r.stderr,
              f"--to {fmt}: a blank src converts", r)
    r = run("--to", "md", a, "-o", "-")
    check("before" in r.stdout and "after" in r.stdout, "the text around blank sources is kept", r)
    # With fetching the blank sources make no job and no failure.
    r = run("--to", "json", "--offline", "--cache-dir", os.path.join(tmp, "c"), a, "-o", os.path.join(tmp, "b2.json"))
    check(r.returncode == 0 and "out of memory" not in r.stderr, "--offline with blank sources", r)
    if r.returncode == 0:
        check(resources(os.path.join(tmp, "b2.json")) == {}, "blank sources get no resource")


def case_header_injection():
    port = server()
    base = f"http://127.0.0.1:{port}"
    inj = "&#13;&#10;X-Injected: yes"
    page = (f'<html><head><title>t</title>'
            f'<link rel="canonical" href="{base}/page{inj}">'
            f'<meta property="og:url" content="{base}/og{inj}"></head><body>'
            f'<p><img src="{base}/img/h1.png"></p>'
            f'<p><img src="{base}/img/h2&#13;&#10;&#9;.png"></p></body></html>\n')
    a1 = write("canon.html", page)
    a2 = write("og.html", page.replace('<link rel="canonical"', '<link rel="x"').replace("h1.png", "h3.png"))
    a3 = write("fm.txt", '---\ntitle: fm\ncanonical: "' + base + '/fm\\r\\nX-Injected: yes"\n---\n'
               f'<p><img src="{base}/img/h4.png"></p>\n')
    out = os.path.join(tmp, "inj.json")
    r = run("--to", "json", "--fetch-images", "--allow-loopback", "--no-cache", "--timeout", "5",
            "--referer", "source", a1, a2, a3, "-o", out, env=no_proxy_env())
    check(r.returncode == 0, "the run succeeds", r)
    seen = get_json(port, "__headers")
    injected = [p for p, hs in seen for k, v in hs if k.lower() == "x-injected" or "\n" in v or "\r" in v]
    check(not injected, f"no request carried an injected header ({injected})")
    refs = [v for p, hs in seen for k, v in hs if k.lower() == "referer"]
    check(len(refs) >= 3 and all(v.startswith(base + "/") for v in refs),
          f"the Referer is the article URL, without its control characters ({refs})")
    res = resources(out)
    for u, x in res.items():
        check(not re.search(r"[\x00-\x1f\x7f]", u), f"resolved URL without control characters: {u!r}")
    states = sorted(x["state"] for x in res.values())
    check(states == ["fetched"] * 4, f"every image is still fetched ({states})")
    docs = json.load(open(out))
    docs = docs if isinstance(docs, list) else [docs]
    for d in docs:
        src = (d.get("meta") or {}).get("source_url") or ""
        check(not re.search(r"[\x00-\x1f\x7f]", src), f"source_url without control characters: {src!r}")

    # A User-Agent (or any header value) with CR/LF is never sent.
    before = len(get_json(port, "__headers"))
    a5 = article("ua.txt", [base + "/img/h5.png"])
    r = run("--to", "json", "--fetch-images", "--allow-loopback", "--no-cache", "--timeout", "5",
            "--user-agent", "evil\r\nX-Injected: yes", a5, "-o", os.path.join(tmp, "ua.json"), env=no_proxy_env())
    seen = get_json(port, "__headers")[before:]
    check(not any(k.lower() == "x-injected" for p, hs in seen for k, v in hs),
          "a User-Agent with CR/LF injects no header")
    check("User-Agent" in r.stderr and "CR or LF" in r.stderr, "the refusal is reported", r)


def case_proxy_guard():
    port = server()
    proxy = f"http://127.0.0.1:{port}"
    env = no_proxy_env()
    for k in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env[k] = proxy
    common = ["--to", "json", "--fetch-images", "--no-cache", "--timeout", "3"]

    def proxied():
        return {k: v for k, v in get_json(port, "__hits").items() if k.startswith(("http://", "https://"))}

    priv = article("priv.txt", ["http://10.255.255.1/x.png"])
    out = os.path.join(tmp, "p.json")
    # The environment proxy is ignored: the guard sees 10.255.255.1 itself.
    r = run(*common, "--allow-loopback", priv, "-o", out, env=env)
    check(proxied() == {}, f"http_proxy in the environment is not used ({proxied()})")
    x = resources(out).get("http://10.255.255.1/x.png", {})
    check(x.get("state") == "failed" and "10.255.255.1" in x.get("error", ""),
          f"the private target is refused without --proxy ({x})")

    # --proxy: the target's own address decides, not the proxy's.
    r = run(*common, "--allow-loopback", "--proxy", proxy, priv, "-o", out, env=env)
    check(proxied() == {}, f"a private target is not handed to the proxy ({proxied()})")
    x = resources(out).get("http://10.255.255.1/x.png", {})
    check(x.get("state") == "failed" and "private address 10.255.255.1" in x.get("error", ""),
          f"the refusal names the target address ({x})")

    # A redirect to a private address is checked before it reaches the proxy.
    red = article("red.txt", [f"http://127.0.0.1:{port}/to-private"])
    r = run(*common, "--allow-loopback", "--proxy", proxy, red, "-o", out, env=env)
    check(set(proxied()) <= {f"http://127.0.0.1:{port}/to-private"},
          f"the private redirect target never reaches the proxy ({proxied()})")
    x = resources(out).get(f"http://127.0.0.1:{port}/to-private", {})
    check(x.get("state") == "failed" and "10.255.255.1" in x.get("error", ""), f"redirect refused ({x})")

    # A loopback target needs --allow-loopback even through a proxy ...
    loop_url = f"http://127.0.0.1:{port}/img/p.png"
    loop = article("loop.txt", [loop_url])
    before = proxied()
    r = run(*common, "--proxy", proxy, loop, "-o", out, env=env)
    check(proxied() == before, "a loopback target is refused without --allow-loopback")
    check("127.0.0.1" in resources(out).get(loop_url, {}).get("error", ""), "the refusal names 127.0.0.1", r)
    # ... and with it the transfer really goes through the proxy.
    r = run(*common, "--allow-loopback", "--proxy", proxy, loop, "-o", out, env=env)
    check(proxied().get(loop_url) == 1, f"an allowed target is fetched through --proxy ({proxied()})")
    check(resources(out).get(loop_url, {}).get("state") == "fetched", "and the image arrives", r)


def warc_records(path):
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    recs, pos = [], 0
    while pos < len(raw):
        end = raw.index(b"\r\n\r\n", pos)
        fields = dict(l.split(": ", 1) for l in raw[pos:end].decode().split("\r\n")[1:])
        n = int(fields["Content-Length"])
        recs.append((fields, raw[end + 4:end + 4 + n]))
        pos = end + 4 + n + 4
    return recs


def case_warc_redirect():
    port = server()
    base = f"http://127.0.0.1:{port}"
    a = article("red.txt", [base + "/redirect/r4.png", base + "/img/plain.png"])
    cache = os.path.join(tmp, "cache")
    checker = os.path.join(SHARED, "tools", "check_warc.py")
    for label in ("fetched", "from the cache"):
        warc = os.path.join(tmp, "r.warc.gz")
        r = run("--to", "warc", "--fetch-images", "--allow-loopback", "--cache-dir", cache, "--timeout", "5",
                a, "-o", warc, env=no_proxy_env())
        check(r.returncode == 0, f"{label}: the run succeeds", r)
        recs = warc_records(warc)
        reqs = [(f, b) for f, b in recs if f.get("WARC-Type") == "request"]
        check(len(reqs) == 2, f"{label}: two request records ({len(reqs)})")
        for f, b in reqs:
            target = f["WARC-Target-URI"]
            line = b.split(b"\r\n", 1)[0].decode()
            host = re.search(rb"\r\nHost: ([^\r\n]+)", b)
            u = urllib.parse.urlsplit(target)
            check(line == f"GET {u.path} HTTP/1.1" and host and host.group(1).decode() == u.netloc,
                  f"{label}: request record for {target} holds its own request ({line!r})")
        targets = sorted(f["WARC-Target-URI"] for f, b in recs if f.get("WARC-Type") in ("request", "response"))
        check(targets == sorted([base + "/img/r4.png"] * 2 + [base + "/img/plain.png"] * 2),
              f"{label}: request and response of the redirect are both under the final URL ({targets})")
        if os.path.exists(checker):
            c = subprocess.run([sys.executable, checker, warc], capture_output=True, text=True)
            check(c.returncode == 0 and "0 errors, 0 warnings" in c.stdout, f"{label}: check_warc " + c.stdout[:600])
    check(get_json(port, "__hits").get("/img/r4.png") == 1, "the second run used the cache")


def case_many_images():
    n = 40000
    urls = [f"http://127.0.0.1:9/img/{i}.png" for i in range(n)]
    big = article("many.txt", urls)
    small = article("few.txt", urls[:1000])     # shared with the first: no new job
    cache = os.path.join(tmp, "emptycache")
    os.makedirs(cache)
    out = os.path.join(tmp, "many.json")
    t0 = time.time()
    r = run("--to", "json", "--offline", "--cache-dir", cache, big, small, "-o", out, timeout=300)
    elapsed = time.time() - t0
    check(r.returncode == 0, "the run succeeds", r)
    check(f"0 fetched, 0 from cache, {n} failed" in r.stderr, "one job per distinct URL: " + r.stderr[-200:])
    res = resources(out)
    check(len(res) == n and all(x["state"] == "failed" for x in res.values()), "every resource marked failed")
    t0 = time.time()
    run("--to", "json", "--offline", "--cache-dir", cache, article("one.txt", urls[:1]), "-o", os.path.join(tmp, "1.json"))
    print(f"{n} images --offline: {elapsed:.2f}s; 1 image: {time.time() - t0:.2f}s")


def case_cache_fsync():
    strace = shutil.which("strace")
    if not strace or subprocess.run([strace, "-o", os.devnull, "true"], capture_output=True).returncode != 0:
        print("strace not usable here: skipped")
        sys.exit(77)
    port = server()
    a = article("f.txt", [f"http://127.0.0.1:{port}/img/f.png"])
    cache = os.path.join(tmp, "cache")
    log = os.path.join(tmp, "strace.log")
    env = no_proxy_env()
    # LeakSanitizer cannot run under ptrace; the other cases check leaks.
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
    r = subprocess.run([strace, "-f", "-qq", "-o", log, "-e",
                        "trace=openat,open,fsync,fdatasync,close,rename,renameat,renameat2,linkat",
                        NC, "--to", "json", "--fetch-images", "--allow-loopback", "--cache-dir", cache,
                        a, "-o", os.path.join(tmp, "f.json")], capture_output=True, text=True, timeout=120, env=env)
    check(r.returncode == 0 and "1 fetched" in r.stderr, "the image is fetched into the cache", r)
    # A cache file is an unnamed file (O_TMPFILE) given its name by
    # linkat(), or a named ".newsconv-" temporary renamed (src/output.c).
    fd_of, synced, named, linked = {}, set(), [], {}
    for line in open(log):
        m = re.search(r'open(?:at)?\(.*?"([^"]*)", [^)]*O_TMPFILE.*= (\d+)$', line) or \
            re.search(r'open(?:at)?\(.*?"([^"]*/\.newsconv-[^"]*)".*= (\d+)$', line)
        if m:
            fd_of[m.group(2)] = m.group(1) + "#" + m.group(2)
            continue
        m = re.search(r"f(?:data)?sync\((\d+)\)\s*= 0", line)
        if m and m.group(1) in fd_of:
            synced.add(fd_of[m.group(1)])
            continue
        m = re.search(r"close\((\d+)\)", line)
        if m:
            fd_of.pop(m.group(1), None)
            continue
        # linkat(AT_FDCWD, "/proc/self/fd/N", ...) or, through a
        # descriptor of /proc/self/fd opened once, linkat(D, "N", ...)
        m = re.search(r'linkat\((?:AT_FDCWD, "/proc/self/fd/|\d+, ")(\d+)", [^,]*, "([^"]*)"', line)
        if m:
            linked[m.group(2)] = fd_of.get(m.group(1)) in synced
            if m.group(2).startswith(cache) and "/.newsconv-" not in m.group(2):
                named.append((m.group(2), linked[m.group(2)]))
            continue
        m = re.search(r'rename(?:at2?)?\(.*?"([^"]*)", [^"]*"([^"]*)"', line)
        if m and m.group(2).startswith(cache):  # the output file is main.c's business
            src = m.group(1)
            named.append((m.group(2), linked.get(src, False) or
                          any(v.startswith(src + "#") for v in synced)))
    check(len(named) == 4, f"four cache files written through temporaries ({len(named)})", named)
    unsynced = [p for p, ok in named if not ok]
    check(not unsynced, f"each temporary is fsynced before it is named (not: {unsynced})")


def case_cache_full():
    cache = os.path.join(tmp, "cache")
    os.mkdir(cache)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", cache],
                                           capture_output=True).returncode != 0:
        print("not root or mount not permitted: skipped")
        sys.exit(77)
    try:
        port = server()
        n = 40
        urls = [f"http://127.0.0.1:{port}/img/full{i}.png" for i in range(n)]
        a = article("full.txt", urls)
        out = os.path.join(tmp, "full.json")
        base = ["--to", "json", "--fetch-images", "--allow-loopback", "--cache-dir", cache, a, "-o", out]
        r = run(*base, env=no_proxy_env())
        check(r.returncode == 0 and f"{n} fetched" in r.stderr, "full cache: the run succeeds, every image fetched", r)
        res = resources(out)
        check(sorted(x["state"] for x in res.values()) == ["fetched"] * n, "full cache: every image in the output")
        names = os.listdir(cache)
        check(not [x for x in names if ".tmp-" in x], "full cache: no temporary file left", names[:5])
        metas = [x for x in names if x.endswith(".meta")]
        check(0 < len(metas) < n, f"full cache: the disk filled up part-way ({len(metas)} of {n} entries)")
        # What was cached is whole: --offline serves exactly those, with the
        # bytes the server sends, and misses the rest cleanly.
        r = run(*base, "--offline", env=no_proxy_env())
        check(r.returncode == 0 and f"{len(metas)} from cache" in r.stderr,
              "full cache, --offline: every complete entry is used", r)
        res = resources(out)
        ok = [x for x in res.values() if x["state"] == "cached"]
        check(len(ok) == len(metas), f"full cache, --offline: {len(ok)} images from {len(metas)} entries")
        for u in urls:
            if res[u]["state"] != "cached":
                check(res[u]["state"] == "failed", f"full cache, --offline: {u} missed cleanly")
                continue
            body = urllib.request.urlopen(u, timeout=5).read()
            check(res[u].get("sha1") == hashlib.sha1(body).hexdigest(),
                  f"full cache: cached bytes of {u} are the server's")
    finally:
        subprocess.run(["umount", "-l", cache])


try:
    globals()["case_" + CASE]()
finally:
    for p in servers:
        p.kill()
        p.wait()
    shutil.rmtree(tmp, ignore_errors=True)
done("fetch_" + CASE)
