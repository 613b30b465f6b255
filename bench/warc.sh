#!/usr/bin/env bash
# WARC: the whole corpus as one .warc.gz without fetching, against gzip -6
# over the same bytes; and what wget --warc-file writes for a page.
set -euo pipefail
cd "$(dirname "$0")/.."
NC=${NEWSCONV:-build-bench/newsconv}
SHARED=${NC_SHARED:-../shared}
out=$(mktemp -d)
cat "$SHARED"/corpus/*.txt > "$out/all.txt"
echo "## newsconv --to warc (corpus, one .warc.gz) vs gzip -6 over the same bytes"
hyperfine -w 2 -r 10 \
	"$NC -q --to warc $SHARED/corpus/*.txt -o $out/c.warc.gz" \
	"gzip -6 -k -f $out/all.txt" 2>/dev/null | grep -E "Time|±|faster|Benchmark"
ls -l "$out/c.warc.gz" "$out/all.txt.gz" | awk '{print $5, $9}'
python3 "$SHARED/tools/check_warc.py" "$out/c.warc.gz"

echo "## wget --warc-file on a local page with two images, same checker"
mkdir -p "$out/site"
cp "$SHARED/../shared/seed/"*.txt "$out/site/" 2>/dev/null || true
printf '<html><body><p>hi</p><img src="a.png"><img src="b.png"></body></html>' > "$out/site/index.html"
python3 -c "import base64;open('$out/site/a.png','wb').write(base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='))"
cp "$out/site/a.png" "$out/site/b.png"
(cd "$out/site" && exec python3 -m http.server 0 --bind 127.0.0.1 > "$out/http.log" 2>&1) &
srv=$!
sleep 1
port=$(grep -o 'port [0-9]*' "$out/http.log" | head -1 | awk '{print $2}')
(cd "$out" && wget -q -p --warc-file=wget "http://127.0.0.1:$port/index.html" || true)
python3 "$SHARED/tools/check_warc.py" "$out/wget.warc.gz" || true
kill $srv 2>/dev/null || true
rm -rf "$out"
