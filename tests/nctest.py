"""What every script test shares: the environment meson sets, a check()
that records a failure and goes on, and epubcheck() over many books."""
import os
import sys

NC = os.environ["NEWSCONV"]
SRC = os.environ["SOURCE_ROOT"]
BUILD = os.environ.get("BUILD_ROOT", "")
SHARED = os.environ.get("NC_SHARED", "")

_failures = 0


def write(path, text):
    """A fixture file (str as UTF-8, or bytes), its folders made."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(text.encode() if isinstance(text, str) else text)


def start_server(*args, lifetime=120, quiet=True):
    """tests/fetch/server.py on 127.0.0.1 (a random port): (process, port).
    The server exits by itself after `lifetime` seconds; the caller still
    stops it by its PID (kill(), wait()) in a finally, whatever happens.
    quiet: its log to /dev/null, else to the test's stderr."""
    import subprocess
    p = subprocess.Popen([sys.executable, os.path.join(SRC, "tests", "fetch", "server.py"),
                          "--lifetime", str(lifetime), *args], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL if quiet else None, text=True)
    try:
        return p, int(p.stdout.readline())
    except BaseException:
        p.kill()
        p.wait()
        raise


def article(title, body="<p>Hello.</p>"):
    """A small front-matter article dated 2024-01-02 03:04:05."""
    return f"---\ntitle: {title}\ndate: 2024-01-02 03:04:05\n---\n{body}\n"


def check(cond, what, detail=""):
    global _failures
    if not cond:
        _failures += 1
        print("FAIL:", what)
        if hasattr(detail, "returncode"):  # a subprocess result
            err = detail.stderr.decode(errors="replace") if isinstance(detail.stderr, bytes) else detail.stderr
            print(f"   rc={detail.returncode} stderr={err[:800]}")
        elif detail:
            print("  ", str(detail)[:800])


EPUBCHECK_JAR = "/usr/share/java/epubcheck.jar"
EPUB_BATCH = os.path.join(SRC, "tests", "epub", "EpubBatch.java")


def epubcheck(files, timeout=900):
    """Every book through epubcheck in one JVM (tests/epub/EpubBatch.java);
    a check per book that it has 0 errors and 0 warnings.  Returns
    {file: (errors + fatals, warnings)}."""
    import re, subprocess
    if not files:
        return {}
    r = subprocess.run(["java", "-cp", EPUBCHECK_JAR, EPUB_BATCH, *files], capture_output=True,
                       text=True, timeout=timeout)
    res, cur, msgs = {}, None, {}
    for line in r.stdout.splitlines() + r.stderr.splitlines():
        if line.startswith("== "):
            cur = line[3:]
            msgs[cur] = []
        elif cur and re.match(r"(ERROR|FATAL|WARNING)\(", line):
            msgs[cur].append(line)
        m = re.search(r"Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings?", line)
        if m and cur:
            res[cur] = (int(m.group(1)) + int(m.group(2)), int(m.group(3)))
    for f in files:
        check(res.get(f) == (0, 0), f"epubcheck {os.path.basename(f)}: {res.get(f, 'no verdict')} (errors, warnings)",
              "\n".join(msgs.get(f, [])[:5]) or r.stderr[-400:])
    return res


def done(name):
    """Print the summary line and exit 1 if any check failed."""
    print(f"{name}: {_failures} failed")
    sys.exit(1 if _failures else 0)


def ace(books, timeout=900):
    """Ace by DAISY on the books in one node process (tests/epub/ace_batch.js);
    a check per book that it has 0 violations.  Returns {book: violations},
    or None when Ace is not run: in the sanitizer build (by design: same
    bytes, and Ace is slow) or when it is not installed (tools/deps.sh)."""
    import json, shutil, subprocess, tempfile
    npm = os.environ.get("NC_NPM_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "newsconv-test", "npm")
    modules = os.path.join(npm, "node_modules")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if os.environ.get("NC_SANITIZED"):
        print("Ace: runs in the normal build only (by design); not run here")
        return None
    if not os.path.isdir(os.path.join(modules, "@daisy", "ace-core")) or not shutil.which("node") \
            or not os.access(chromium, os.X_OK):
        print("Ace: not installed (tools/deps.sh installs @daisy/ace-cli and chromium); not run")
        return None
    out = tempfile.mkdtemp()
    env = dict(os.environ, NODE_PATH=modules, PUPPETEER_EXECUTABLE_PATH=chromium,
               ACE_TIMEOUT_INITIAL="30000")
    r = subprocess.run(["node", os.path.join(SRC, "tests", "epub", "ace_batch.js"), out, *books],
                       capture_output=True, text=True, timeout=timeout, env=env)
    shutil.rmtree(out, ignore_errors=True)
    res = {}
    for line in r.stdout.splitlines():
        if line.startswith("{"):
            d = json.loads(line)
            res[d["epub"]] = d.get("violations")
    for b in books:
        v = res.get(b)
        check(v == [], f"Ace: {os.path.basename(b)} has 0 violations ({'no report' if v is None else len(v)})",
              "\n   ".join(map(str, (v or [])[:8])) or r.stderr[-400:])
    return res
