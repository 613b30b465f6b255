#!/usr/bin/env python3
"""What the program loads at start-up, and what it loads only on use.

A one-article run must not pay for libraries it does not call: libcurl
(the fetch module), libzip and cmark-gfm (modules), and, when libxml2 is
linked statically (NC_STATIC_LIBXML2=1, meson option static_libxml2),
ICU and libstdc++, which src/icu_loader.c opens only for an input in an
encoding glibc's iconv does not know.  ld.so's own log (LD_DEBUG=libs)
says which shared objects a run opened."""
import os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, check, done  # noqa: E402

EXAMPLE = os.path.join(SRC, "fixtures", "example.txt")
STATIC = os.environ.get("NC_STATIC_LIBXML2") == "1"
SANITIZED = os.environ.get("NC_SANITIZED") == "1"


def loaded(*args):
    """(result, names of the shared objects ld.so opened)."""
    env = dict(os.environ, LD_DEBUG="libs")
    r = subprocess.run([NC, *args], capture_output=True, timeout=60, env=env)
    names = set()
    for line in r.stderr.decode(errors="replace").splitlines():
        if "calling init:" in line:
            names.add(os.path.basename(line.split("calling init:", 1)[1].strip()))
    return r, names


def has(names, prefix):
    return any(n.startswith(prefix) for n in names)


# An RSS feed in SCSU: glibc's iconv has no SCSU converter, ICU has.  In
# SCSU's initial state ASCII and the bytes 0x80-0xFF (Latin-1) stand for
# themselves, so this Latin-1 text is valid SCSU.
SCSU_FEED = (b'<?xml version="1.0" encoding="SCSU"?>\n'
             b'<rss version="2.0"><channel><title>Caf\xe9 news</title>'
             b'<link>https://example.org/</link><description>d</description>'
             b'<item><title>Na\xefve caf\xe9</title><link>https://example.org/a</link>'
             b'<pubDate>Sun, 03 Mar 2024 10:00:00 GMT</pubDate>'
             b'<description>&lt;p&gt;Cr\xe8me br\xfbl\xe9e&lt;/p&gt;</description>'
             b'</item></channel></rss>\n')

with tempfile.TemporaryDirectory() as tmp:
    r, names = loaded("--version")
    check(r.returncode == 0 and names, "--version runs and LD_DEBUG lists what it loaded", r)
    one = os.path.join(tmp, "one.md")
    r, names_one = loaded("-q", "--to", "md", EXAMPLE, "-o", one)
    check(r.returncode == 0 and os.path.getsize(one) > 0, "one article to Markdown", r)
    for what, ns in (("--version", names), ("one article", names_one)):
        for lib in ("libcurl", "libzip", "libcmark-gfm", "libcrypto", "libssl"):
            check(not has(ns, lib), f"{what} does not load {lib}", sorted(ns))
        if STATIC:
            # ASan's and UBSan's runtimes bring libstdc++ themselves
            own = ("libxml2", "libicu") if SANITIZED else ("libxml2", "libicu", "libstdc++")
            for lib in own:
                check(not has(ns, lib), f"{what} does not load {lib} (static libxml2)", sorted(ns))

    # One article, one thread: -j 4 makes no thread that would find
    # nothing to take (cli/pool.c makes them on first need); two articles
    # make one worker, and their one window is committed in place.
    # (Not in the sanitizer build: LeakSanitizer makes a thread of its own
    # at exit and does not run under ptrace.)
    strace = shutil.which("strace")
    if strace and not SANITIZED:
        two = os.path.join(tmp, "two")
        os.makedirs(two)
        for n in ("a", "b"):
            shutil.copy(EXAMPLE, os.path.join(two, n + ".txt"))
        for args, want, what in (([EXAMPLE, "-o", one], 0, "one article"),
                                 ([two, "-O", os.path.join(tmp, "two-out")], 1, "two articles")):
            log = os.path.join(tmp, "clone.log")
            r = subprocess.run([strace, "-f", "-qq", "-e", "trace=clone,clone3", "-o", log,
                                NC, "-q", "-j", "4", "--to", "md", *args],
                               capture_output=True, timeout=60)
            made = sum(1 for line in open(log) if "clone" in line and "= -1" not in line)
            check(r.returncode == 0 and made == want,
                  f"-j 4, {what}: {want} thread(s) made", (r, made))
    elif not SANITIZED:
        print("strace missing: thread counts not checked")

    # ICU on demand: the SCSU feed converts, every character intact
    feed = os.path.join(tmp, "scsu.xml")
    with open(feed, "wb") as f:
        f.write(SCSU_FEED)
    out = os.path.join(tmp, "scsu.md")
    r, names = loaded("-q", "--to", "md", feed, "-o", out)
    check(r.returncode == 0, "SCSU feed converts", r)
    text = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
    for want in ('title: "Naïve café"', 'feed_title: "Café news"', "Crème brûlée"):
        check(want in text, f"SCSU feed keeps {want!r}", text)
    if STATIC:
        check(has(names, "libicuuc"), "ICU opened for the SCSU feed", sorted(names))

done("startup")
