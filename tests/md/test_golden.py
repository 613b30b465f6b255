#!/usr/bin/env python3
"""Golden files: fixtures/NAME.txt converted to Markdown must equal
fixtures/golden/NAME.md byte for byte.  NC_UPDATE_GOLDEN=1 rewrites them
(review the diff before committing)."""
import glob, os, subprocess, sys

NC = os.environ["NEWSCONV"]
SRC = os.environ["SOURCE_ROOT"]
update = os.environ.get("NC_UPDATE_GOLDEN") == "1"
failures = 0
count = 0
for fx in sorted(glob.glob(os.path.join(SRC, "fixtures", "*.txt"))):
    name = os.path.splitext(os.path.basename(fx))[0]
    gold = os.path.join(SRC, "fixtures", "golden", name + ".md")
    if not os.path.exists(gold) and not update:
        continue
    r = subprocess.run([NC, "-q", "--to", "md", fx, "-o", "-"], capture_output=True, timeout=30)
    count += 1
    if update:
        os.makedirs(os.path.dirname(gold), exist_ok=True)
        open(gold, "wb").write(r.stdout)
        continue
    want = open(gold, "rb").read()
    if r.returncode != 0 or r.stdout != want:
        failures += 1
        print(f"FAIL: {name}: output differs from fixtures/golden/{name}.md (rc={r.returncode})")
        for a, b in zip(r.stdout.decode(errors='replace').splitlines(), want.decode(errors='replace').splitlines()):
            if a != b:
                print("  got: ", a[:200]); print("  want:", b[:200]); break
print(f"md golden: {count} files, {failures} failed")
sys.exit(1 if failures or count == 0 else 0)
