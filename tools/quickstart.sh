#!/usr/bin/env bash
# Install what is missing, build, and convert the bundled example article.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build >/dev/null
mkdir -p out
./build/newsconv --to epub fixtures/example.txt -o out/example.epub
./build/newsconv --to md fixtures/example.txt -o out/example.md
./build/newsconv --to warc fixtures/example.txt -o out/example.warc.gz
ls -l out/
