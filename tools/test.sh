#!/usr/bin/env bash
# The whole test suite: installs what is missing, then builds and tests
# twice — a normal build and one with AddressSanitizer + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/deps.sh
export NC_NPM_DIR="${NC_NPM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/newsconv-test/npm}"

setup() { # dir, extra meson options...
	local dir=$1; shift
	if [ -d "$dir" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
	ninja -C "$dir" >/dev/null
}

status=0
setup build-test
meson test -C build-test --print-errorlogs --num-processes 2 || status=1

setup build-test-asan -Db_sanitize=address,undefined -Db_lundef=false
NC_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-test-asan --print-errorlogs --num-processes 2 || status=1

# Every fuzz harness for 30 s from its saved corpus (and every committed
# finding replayed): clang's libFuzzer with ASan + UBSan.
bash tests/fuzz/deps.sh >/dev/null
FUZZ_PARALLEL=2 FUZZ_ARGS="-seed=1" FUZZ_DETERMINISTIC=1 bash tests/fuzz/run.sh 30 || status=1

# One closing line over both builds, in the form CI reads.
python3 - <<'PY'
import json
counts = {"passed": 0, "failed": 0, "skipped": 0}
skips = []
def reason(out):
    # A skipping test prints why on its last line (or one saying "skip").
    lines = [l.strip() for l in (out or "").splitlines() if l.strip()]
    said = [l for l in lines if "skip" in l.lower()]
    why = (said or lines or ["no reason printed"])[-1]
    return why[:120]
for d in ("build-test", "build-test-asan"):
    try:
        lines = open(f"{d}/meson-logs/testlog.json").read().splitlines()
    except OSError:
        continue
    for line in lines:
        t = json.loads(line)
        r = t["result"]
        if r in ("OK", "EXPECTEDFAIL"): counts["passed"] += 1
        elif r == "SKIP":
            counts["skipped"] += 1
            build = "asan" if d.endswith("asan") else "normal"
            skips.append(f"{t['name']} ({build}): {reason(t.get('stdout'))}")
        else: counts["failed"] += 1
why = " [" + "; ".join(skips) + "]" if skips else ""
print(f"tests: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped{why}")
PY
exit $status
