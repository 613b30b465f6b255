#!/usr/bin/env python3
"""tools/eval_extract.py over a subset of ../shared/pages with a floor:
the reader view must stay well above keeping the whole page (trafilatura
set F 0.692, readability set F1 0.802 before it).  Skips without
../shared."""
import os
import subprocess
import sys

SRC = os.environ["SOURCE_ROOT"]
shared = os.environ.get("NC_SHARED", "")
if not shared or not os.path.isdir(os.path.join(shared, "pages")):
    print("no ../shared pages: skipped")
    sys.exit(77)
r = subprocess.run([sys.executable, os.path.join(SRC, "tools", "eval_extract.py"), "--newsconv",
                    os.environ["NEWSCONV"], "--shared", shared, "--limit", "120", "--floor", "0.84"],
                   capture_output=True, text=True, timeout=600)
print(r.stdout + r.stderr)
print("extract_eval: %d failed" % (r.returncode != 0))
sys.exit(r.returncode)
