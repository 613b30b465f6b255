"""What every script test shares: the environment meson sets, and a
check() that records a failure and goes on."""
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


def done(name):
    """Print the summary line and exit 1 if any check failed."""
    print(f"{name}: {_failures} failed")
    sys.exit(1 if _failures else 0)
