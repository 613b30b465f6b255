#!/usr/bin/env python3
"""valgrind memcheck over the command line (issue 12): every format, a
book and an archive of several articles, with 0 errors and 0 leaks.
Runs in the normal build only (the sanitizer build checks the same code
with ASan); skips (77) without valgrind."""
import os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, check, done  # noqa: E402

if os.environ.get("NC_SANITIZED"):
    print("SKIP: valgrind runs in the normal build only (by design)")
    sys.exit(77)
if not shutil.which("valgrind"):
    print("SKIP: valgrind not installed (tools/deps.sh installs it)")
    sys.exit(77)

FIX = os.path.join(SRC, "fixtures")
fixtures = sorted(os.path.join(FIX, f) for f in os.listdir(FIX) if f.endswith(".txt"))
tmp = tempfile.mkdtemp()
try:
    cases = [
        ["--to", "md", "-O", os.path.join(tmp, "md"), *fixtures],
        ["--to", "json", "-o", os.path.join(tmp, "all.json"), *fixtures],
        ["--to", "epub", "-o", os.path.join(tmp, "book.epub"), *fixtures],
        ["--to", "warc", "-j", "2", "-o", os.path.join(tmp, "a.warc.gz"), "--cdx", os.path.join(tmp, "a.cdxj"), *fixtures],
        ["--to", "md", os.path.join(tmp, "missing.txt"), "-o", os.path.join(tmp, "m.md")],
    ]
    for args in cases:
        r = subprocess.run(["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
                            "--errors-for-leak-kinds=definite,indirect", "--show-leak-kinds=definite,indirect",
                            NC, "-q", *args], capture_output=True, timeout=600,
                           env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
        check(r.returncode != 99 and b"ERROR SUMMARY" not in r.stderr.replace(b"ERROR SUMMARY: 0", b""),
              "memcheck clean: " + " ".join(args[:2]), r)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
done("valgrind")
