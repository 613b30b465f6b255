#!/usr/bin/env bash
# Markdown: newsconv vs pandoc (-t gfm) vs html2text (html2markdown) over
# ../shared/corpus: fidelity by md_fidelity.py and wall time, one run.
set -euo pipefail
cd "$(dirname "$0")/.."
NC=${NEWSCONV:-build-bench/newsconv}
SHARED=${NC_SHARED:-../shared}
out=$(mktemp -d)
n=$(ls "$SHARED"/corpus/*.txt | wc -l)

echo "## newsconv --to md ($n articles)"
s=$(date +%s.%N)
"$NC" -q --to md -O "$out/one" "$SHARED"/corpus/*.txt
e=$(date +%s.%N)
echo "one process for all:  $(echo "$e - $s" | bc) s"
s=$(date +%s.%N)
for f in "$SHARED"/corpus/*.txt; do "$NC" -q --to md "$f" -o "$out/x.md"; done
e=$(date +%s.%N)
echo "one process each:     $(echo "$e - $s" | bc) s"
NEWSCONV=$NC NC_SHARED=$SHARED python3 tests/md/test_corpus.py | head -1

echo "## peers (same articles, same metric)"
python3 "$SHARED/tools/anchors.py" "$SHARED/corpus"
rm -rf "$out"
