#!/usr/bin/env python3
"""Robustness: articles mutated at random (fixed seed, bounded count) go
through every format.  Each run must end with exit 0 or 1 and, in the
sanitizer build, without an AddressSanitizer/UBSan report.  It found the
unterminated-buffer bug fixed in src/util/buf.c."""
import glob, os, random, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, SHARED, check, done  # noqa: E402

random.seed(20261124)
seeds = sorted(glob.glob(os.path.join(SRC, "fixtures", "*.txt")))
seeds += sorted(glob.glob(os.path.join(SHARED, "corpus", "*.txt")))[:40]
pieces = [b"<", b">", b"</p>", b"<table><tr><td>", b"</td><td colspan=9999>", b"<ul><li>", b"<ol start=-5><li>",
          b"---\n", b";;;\n", b"&#", b"\x00", b"\xff\xfe", b'"', b"'", b'<a href="', b'<img srcset="a 1x, b',
          b'<img src="//x', b"*", b"`", b"\n", b"<pre>", b"<code>", b"<b><i>", b"&", b"\xe4\xb8",
          b'<picture><source srcset=">', b'<video poster="', b"<iframe src=", b"<figure><figcaption>",
          b"<br>", b"<hr>", b"title: ", b"- [a, [b]]\n", b"&a ", b"*a", b"</pre>", b"<div>" * 50]
env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=1", UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
tmp = tempfile.mkdtemp()
runs = 0
for it in range(60):
    data = bytearray(open(random.choice(seeds), "rb").read())
    for _ in range(random.randint(1, 25)):
        pos = random.randrange(len(data) + 1)
        op = random.random()
        if op < 0.3 and data:
            del data[pos:pos + random.randint(1, 80)]
        elif op < 0.7:
            data[pos:pos] = random.choice(pieces)
        elif data:
            data[pos % len(data)] = random.randrange(256)
    src = os.path.join(tmp, "in.txt")
    open(src, "wb").write(data)
    for fmt in ("md", "epub", "warc", "json"):
        r = subprocess.run([NC, "-q", "--to", fmt, src, "-o", os.path.join(tmp, "out." + fmt)],
                           capture_output=True, env=env, timeout=60)
        runs += 1
        bad = r.returncode not in (0, 1) or b"Sanitizer" in r.stderr or b"runtime error" in r.stderr
        if bad:
            keep = os.path.join(tmp, f"failing-{it}.txt")
            open(keep, "wb").write(data)
        check(not bad, f"mutation {it} --to {fmt}: exit {r.returncode} (input kept as {os.path.join(tmp, f'failing-{it}.txt')})",
              r.stderr.decode(errors="replace")[-1500:])
print(f"{runs} conversions of mutated articles")
done("mutations")
