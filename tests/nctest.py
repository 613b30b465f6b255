"""What every script test shares: the environment meson sets, a check()
that records a failure and goes on, and epubcheck() over many books."""
import os
import sys

NC = os.environ["NEWSCONV"]
SRC = os.environ["SOURCE_ROOT"]
BUILD = os.environ.get("BUILD_ROOT", "")
SHARED = os.environ.get("NC_SHARED", "")

_failures = 0


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
