#!/usr/bin/env python3
"""The output-file rows of issue 20 that src/output.c fixed
(../shared/review/output/DEFECTS.md rows 4, 7, 9, 10, 12, 14, 19; row 18
is tests/cli/test_sigkill.py), each on a fixture made here, and the
"one owner" line of its Done when: nothing but src/output.c makes
temporaries or renames.  Parts that need root, a mount namespace or
strace say so and are passed over when those are missing."""
import os
import re
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, article, check, done, write  # noqa: E402

ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
T = tempfile.mkdtemp(prefix="nc-output-defects-")
ROOT = os.geteuid() == 0
STRACE = shutil.which("strace")
UNSHARE = shutil.which("unshare")


def run(*args, cwd=None, env=None, timeout=120, **kw):
    return subprocess.run([NC, "-q", *args], capture_output=True, cwd=cwd, env=env or ENV,
                          timeout=timeout, **kw)


def articles(d, n, prefix=""):
    """n small front-matter articles in d; their paths."""
    os.makedirs(d, exist_ok=True)
    out = []
    for i in range(n):
        p = os.path.join(d, f"{prefix}{i:04d}.txt")
        write(p, article(f"Story {prefix}{i}", f"<p>Text of story {i}.</p>"))
        out.append(p)
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


def can_unshare():
    """A private mount namespace with a tmpfs of our own (root, unshare)."""
    if not ROOT or not UNSHARE:
        return False
    r = subprocess.run([UNSHARE, "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
                       capture_output=True, timeout=30)
    return r.returncode == 0


NS = can_unshare()


def row4():
    """--cdx naming the -o archive (by any spelling) is refused and the
    archive stays; the index gets 0666 less the umask, like the archive."""
    d = os.path.join(T, "r4")
    ins = articles(os.path.join(d, "in"), 2)
    arc = os.path.join(d, "a.warc")
    r = run("--to", "warc", *ins, "-o", arc)
    check(r.returncode == 0 and os.path.exists(arc), "output row 4: an archive to protect", r)
    before = read(arc) if os.path.exists(arc) else b""
    os.symlink(d, os.path.join(d, "link"))
    for cdx in (arc, os.path.join(d, ".", "a.warc"), os.path.join(d, "link", "a.warc")):
        shown = cdx.replace(d, "D")
        r = run("--to", "warc", *ins, "-o", arc, "--cdx", cdx)
        check(r.returncode != 0, f"output row 4: -o D/a.warc --cdx {shown} refused", r)
        check(os.path.exists(arc) and read(arc) == before,
              f"output row 4: -o D/a.warc --cdx {shown}: the archive intact")
    for mask in (0o022, 0o027, 0o002):
        sub = os.path.join(d, f"m{mask:03o}")
        os.mkdir(sub)
        r = run("--to", "warc", *ins, "-o", os.path.join(sub, "b.warc"), "--cdx",
                os.path.join(sub, "b.cdxj"), preexec_fn=lambda m=mask: os.umask(m))
        check(r.returncode == 0, f"output row 4: umask {mask:03o}: warc + cdxj written", r)
        want = 0o666 & ~mask
        for name in ("b.warc", "b.cdxj"):
            p = os.path.join(sub, name)
            got = stat.S_IMODE(os.stat(p).st_mode) if os.path.exists(p) else None
            check(got == want, f"output row 4: umask {mask:03o}: {name} mode {oct(want)}",
                  f"mode {oct(got) if got is not None else 'missing'}")


def traced(trace, inject, args, env=None, extra=()):
    """newsconv under strace: every thread traced, `inject` the fault."""
    cmd = [STRACE, "-f", "-qq", "-o", trace, "-e", f"trace={inject.split(':')[0]}", *extra]
    if ":" in inject:
        cmd += ["-e", f"inject={inject}"]
    env = dict(env or ENV)
    # LeakSanitizer cannot run under ptrace; the rest of ASan can.
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
    return subprocess.run(cmd + [NC, "-q", *args], capture_output=True, env=env, timeout=120)


def row7():
    """syncfs() failing (EIO) for a window of >= 16 outputs is reported,
    exit 1, those outputs not named; a window on two file systems syncs both."""
    if not STRACE:
        print("output row 7: strace missing; not run")
        return
    d = os.path.join(T, "r7")
    ins = articles(os.path.join(d, "in"), 20)
    lst = os.path.join(d, "list")
    write(lst, "".join(p + "\n" for p in ins))
    out = os.path.join(d, "out")
    r = traced(os.path.join(d, "tr1"), "syncfs:error=EIO", ["--to", "md", "--files-from", lst, "-O", out])
    err = r.stderr.decode(errors="replace")
    check(r.returncode != 0, "output row 7: 20 inputs, syncfs EIO: exit status not 0", r)
    check("Input/output error" in err, "output row 7: 20 inputs, syncfs EIO: reported", err[-400:])
    named = [f for f in os.listdir(out) if f.endswith(".md")] if os.path.isdir(out) else []
    check(not named, "output row 7: 20 inputs, syncfs EIO: no output named as if durable",
          f"{len(named)} named")
    r = traced(os.path.join(d, "tr1b"), "fsync:error=EIO", ["--to", "md", *ins[:3], "-O", out + "3"])
    check(r.returncode != 0, "output row 7: 3 inputs, fsync EIO: exit status not 0 (the per-file path)", r)

    # Outputs beside their inputs on two file systems, one window of 18.
    if not os.path.isdir("/dev/shm"):
        print("output row 7 (two file systems): no /dev/shm; not run")
        return
    shm = tempfile.mkdtemp(prefix="nc-r7-", dir="/dev/shm")
    try:
        if os.stat(shm).st_dev == os.stat(d).st_dev:
            print("output row 7 (two file systems): /dev/shm is not another file system; not run")
            return
        two = articles(shm, 9, "a") + articles(os.path.join(d, "beside"), 9, "b")
        tr = os.path.join(d, "tr2")
        r = traced(tr, "syncfs", ["--to", "md", *two], extra=["-y"])
        check(r.returncode == 0, "output row 7: 18 outputs on two file systems written", r)
        synced = set()
        for line in open(tr, errors="replace"):
            m = re.search(r"syncfs\(\d+<([^>]*)>\) = 0", line)
            if m and os.path.exists(m.group(1)):
                synced.add(os.stat(m.group(1)).st_dev)
        for name, where in (("/dev/shm", shm), ("the test folder", d)):
            check(os.stat(where).st_dev in synced, f"output row 7: the outputs on {name} synced (syncfs)",
                  open(tr, errors="replace").read()[-600:])
    finally:
        shutil.rmtree(shm, ignore_errors=True)


def world_copy(d):
    """The program and the modules beside it, copied into d (mode 755):
    a build inside /root (a clone there) is not reachable by nobody."""
    real = os.path.realpath(NC)
    here = os.path.dirname(real)
    for f in [real] + [os.path.join(here, m) for m in os.listdir(here)
                       if m.startswith("newsconv-") and m.endswith(".so")]:
        shutil.copy2(f, os.path.join(d, os.path.basename(f)))
        os.chmod(os.path.join(d, os.path.basename(f)), 0o755)
    return os.path.join(d, os.path.basename(real))


def row9():
    """-o /dev/stdout with stdout redirected to a file writes through it:
    as root (the /dev/stdout symlink stays) and as another user."""
    d = os.path.join(T, "r9")
    os.makedirs(d)
    os.chmod(T, 0o755)
    os.chmod(d, 0o755)
    src = os.path.join(d, "a.txt")
    write(src, article("Through standard output", "<p>" + "Words. " * 200 + "</p>"))
    os.chmod(src, 0o644)
    ref = os.path.join(d, "ref.md")
    r = run("--to", "md", src, "-o", ref)
    check(r.returncode == 0, "output row 9: the reference Markdown", r)
    want = read(ref) if os.path.exists(ref) else b"?"
    if NS:
        got = os.path.join(d, "root.out")
        script = ('mount -t tmpfs tmpfs /dev && ln -s /proc/self/fd/1 /dev/stdout && touch /dev/null && '
                  '"$0" -q --to md "$1" -o /dev/stdout > "$2"; rc=$?; '
                  'if [ -L /dev/stdout ]; then echo LINK; else ls -l /dev/stdout; fi; exit $rc')
        r = subprocess.run([UNSHARE, "-m", "sh", "-c", script, NC, src, got], capture_output=True,
                           env=ENV, timeout=60)
        check(r.returncode == 0, "output row 9: as root, -o /dev/stdout > file: exit 0", r)
        check(b"LINK" in r.stdout, "output row 9: as root, the /dev/stdout symlink stays", r.stdout)
        check(os.path.exists(got) and read(got) == want,
              "output row 9: as root, the redirect target holds the Markdown",
              f"{os.path.getsize(got) if os.path.exists(got) else 'no'} bytes, want {len(want)}")
    else:
        print("output row 9 (root, private /dev): needs root and unshare; not run")
    if ROOT and shutil.which("setpriv"):
        got = os.path.join(d, "nobody.out")
        write(got, b"")
        os.chmod(got, 0o666)
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c",
                            'exec "$0" -q --to md "$1" -o /dev/stdout > "$2"', world_copy(d), src, got],
                           capture_output=True, env=ENV, timeout=60)
        check(r.returncode == 0, "output row 9: as another user, -o /dev/stdout > file: exit 0", r)
        check(read(got) == want, "output row 9: as another user, the redirect target holds the Markdown",
              f"{len(read(got))} bytes, want {len(want)}")


def row10():
    """Under SOURCE_DATE_EPOCH, EPUB and WACZ bytes do not depend on TZ:
    entry times are the epoch in UTC."""
    d = os.path.join(T, "r10")
    ins = articles(os.path.join(d, "in"), 3)
    zones = ["UTC", "Pacific/Kiritimati", "Asia/Tokyo", "LINT-14", "JST-9", "HST10"]
    for fmt in ("epub", "wacz"):
        books = {}
        for i, tz in enumerate(zones):
            out = os.path.join(d, f"tz{i}", f"book.{fmt}")  # one name: ids are seeded with it
            r = run("--to", fmt, *ins, "-o", out, env=dict(ENV, TZ=tz))
            check(r.returncode == 0, f"output row 10: {fmt} written with TZ={tz}", r)
            books[tz] = read(out) if os.path.exists(out) else None
        for tz in zones[1:]:
            check(books[tz] is not None and books[tz] == books["UTC"],
                  f"output row 10: {fmt}: TZ={tz} gives the bytes of TZ=UTC")
        if books["UTC"]:
            times = {zi.date_time for zi in zipfile.ZipFile(os.path.join(d, "tz0", f"book.{fmt}")).infolist()}
            check(times == {(2023, 11, 14, 22, 13, 20)},
                  f"output row 10: {fmt}: every entry time is SOURCE_DATE_EPOCH in UTC", times)


def row12():
    """--to epub -O at -j 16 with 1,024 descriptors: every book written.
    (1,100 books: below about 800 the old code passed too.)"""
    d = os.path.join(T, "r12")
    n = 1100
    articles(os.path.join(d, "in"), n)

    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))

    out = os.path.join(d, "out")
    r = run("-j", "16", "--to", "epub", os.path.join(d, "in"), "-O", out, preexec_fn=limit, timeout=300)
    books = [f for f in os.listdir(out) if f.endswith(".epub")] if os.path.isdir(out) else []
    check(r.returncode == 0, f"output row 12: {n} books at -j 16, ulimit -n 1024: exit 0", r)
    check(len(books) == n, f"output row 12: {n} books at -j 16, ulimit -n 1024: every book written",
          f"{len(books)} written")
    bad = [b for b in books[::50] if zipfile.ZipFile(os.path.join(out, b)).testzip() is not None]
    check(not bad, "output row 12: the books are whole (every 50th tested)", bad)


def big_feed(path, items):
    """An RSS feed whose CDXJ index passes NC_LINESORT_RUN (8 MB): long
    item links make ~3 KB index lines."""
    pad = "p" * 3000
    body = "".join(f"<item><title>Item {i}</title><link>https://example.org/{pad}/{i}.html</link>"
                   f"<description>&lt;p&gt;Body {i}&lt;/p&gt;</description>"
                   f"<pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate></item>\n" for i in range(items))
    write(path, '<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>'
          f'<link>https://example.org/</link><description>d</description>{body}</channel></rss>')


def scratch_dirs(trace):
    """The directories newsconv opened read-write scratch files in."""
    dirs = []
    for line in open(trace, errors="replace"):
        m = re.search(r'openat\(AT_FDCWD, "([^"]*)", O_RDWR\|[^)]*O_TMPFILE[^)]*\) = \d', line)
        if m:
            dirs.append(m.group(1))
    return dirs


def row14():
    """The CDXJ spill goes beside the output, or to $TMPDIR when that
    directory refuses, never to a fixed /tmp."""
    d = os.path.join(T, "r14")
    os.makedirs(os.path.join(d, "scratch"))
    big_feed(os.path.join(d, "feed.xml"), 1800)
    lines = 2 * 1800  # the article and its feed's record per item
    env = dict(ENV)
    env.pop("TMPDIR", None)
    if STRACE:
        tr = os.path.join(d, "tr")
        r = traced(tr, "openat", ["--to", "warc", os.path.join(d, "feed.xml"), "-o", os.path.join(d, "a.warc"),
                                  "--cdx", os.path.join(d, "a.cdxj")], env=env)
        check(r.returncode == 0, "output row 14: a spilling index written", r)
        got = scratch_dirs(tr)
        check(got and all(g == d for g in got), "output row 14: the spill lands beside the output", got)
        r = traced(tr, "openat", ["--to", "warc", os.path.join(d, "feed.xml"), "-o", os.path.join(d, "b.warc"),
                                  "--cdx", os.path.join(d, "new", "b.cdxj")],
                   env=dict(env, TMPDIR=os.path.join(d, "scratch")))
        check(r.returncode == 0, "output row 14: an index in a folder still to be made written", r)
        got = scratch_dirs(tr)
        check(os.path.join(d, "scratch") in got and "/tmp" not in got,
              "output row 14: its spill lands in $TMPDIR (the index's folder is not there yet)", got)
    else:
        print("output row 14 (where the spill lands): strace missing; not run")
    if not NS:
        print("output row 14 (a 1 MB /tmp): needs root and unshare; not run")
        return
    # A 1 MB /tmp of our own: the outputs are written relative to the
    # test folder (entered before the mount), TMPDIR is on /dev/shm.
    shm = tempfile.mkdtemp(prefix="nc-r14-", dir="/dev/shm") if os.path.isdir("/dev/shm") else None
    # A build under /tmp (a clone there) would be hidden by the new /tmp:
    # the old /tmp is bound first to a folder outside it and run from there.
    nc, keep = NC, ""
    real = os.path.realpath(NC)
    if real.startswith("/tmp/"):
        if not shm:
            print("output row 14 (a 1 MB /tmp): the build is under /tmp and /dev/shm is missing; not run")
            return
        old = os.path.join(shm, "old-tmp")
        os.mkdir(old)
        nc, keep = os.path.join(old, os.path.relpath(real, "/tmp")), f"mount --bind /tmp {old} && "
    try:
        for label, tmpdir, cdx in (("TMPDIR unset", None, "c.cdxj"), ("TMPDIR roomy", shm, "new2/d.cdxj")):
            if label == "TMPDIR roomy" and not shm:
                continue
            warc = cdx.replace("cdxj", "warc").replace("new2/", "")
            sets = f"TMPDIR={tmpdir} " if tmpdir else "unset TMPDIR; "
            script = (f'cd "$1" && {keep}mount -t tmpfs -o size=1m tmpfs /tmp && {sets}'
                      f'"$0" -q --to warc feed.xml -o {warc} --cdx {cdx}')
            r = subprocess.run([UNSHARE, "-m", "sh", "-c", script, nc, d], capture_output=True, env=env,
                               timeout=120)
            check(r.returncode == 0, f"output row 14: a 1 MB /tmp, {label}: WARC and index written", r)
            p = os.path.join(d, cdx)
            n = sum(1 for _ in open(p, "rb")) if os.path.exists(p) else 0
            check(n == lines, f"output row 14: a 1 MB /tmp, {label}: the index has every record", f"{n} lines")
            check(os.path.exists(os.path.join(d, warc)), f"output row 14: a 1 MB /tmp, {label}: the WARC is there")
    finally:
        if shm:
            shutil.rmtree(shm, ignore_errors=True)


def row19():
    """A 243-byte output name (81 CJK characters): EPUB and Markdown
    both written, twice in a row (the second run replaces the first)."""
    d = os.path.join(T, "r19")
    name = "新" * 81
    src = os.path.join(d, name + ".txt")
    write(src, article("A long name", "<p>Long names fit.</p>"))
    for fmt in ("epub", "md"):
        out = os.path.join(d, f"{name}.{fmt}")
        for k in (1, 2):
            r = run("--to", fmt, src, cwd=d)
            check(r.returncode == 0 and os.path.exists(out),
                  f"output row 19: {fmt}, a {len((name + '.' + fmt).encode())}-byte name, run {k}: written", r)
    left = [f for f in os.listdir(d) if f not in (name + ".txt", name + ".epub", name + ".md")]
    check(not left, "output row 19: nothing else left beside them", left)


def one_owner():
    """Issue 20, Done when: `grep -rn 'mkstemp\\|tmpfile\\|rename(' src/`
    finds only the one owner of output files (src/output.c and its header)."""
    pat = re.compile(r"mkstemp|tmpfile|rename\(")
    hits = []
    for top, _, files in os.walk(os.path.join(SRC, "src")):
        for f in files:
            p = os.path.join(top, f)
            rel = os.path.relpath(p, SRC)
            if rel in ("src/output.c", "src/output.h"):
                continue
            with open(p, "rb") as fh:
                for k, line in enumerate(fh.read().decode(errors="replace").splitlines(), 1):
                    if pat.search(line):
                        hits.append(f"{rel}:{k}: {line.strip()[:80]}")
    check(not hits, "issue 20: mkstemp/tmpfile/rename( only in src/output.c", "\n   ".join(hits[:10]))


try:
    for f in (row4, row7, row9, row10, row12, row14, row19, one_owner):
        f()
finally:
    shutil.rmtree(T, ignore_errors=True)
done("output_defects")
