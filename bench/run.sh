#!/usr/bin/env bash
# Every benchmark, each side by side with its peers, in one run.
# Not a test: figures go to the README by hand.  Needs ../shared/corpus.
# scale (10,000 and 100,000 articles) takes many minutes: NC_BENCH="md epub feeds
# warc fetch" leaves it out.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh --bench
[ -d build-bench ] || meson setup build-bench --buildtype=release >/dev/null
ninja -C build-bench >/dev/null
export NEWSCONV="$PWD/build-bench/newsconv"
for b in ${NC_BENCH:-md epub feeds warc fetch scale}; do
	if [ -f "bench/$b.sh" ]; then
		echo "== bench/$b.sh"
		bash "bench/$b.sh"
	fi
done
