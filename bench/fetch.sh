#!/usr/bin/env bash
# Fetching: 200 distinct images from a local server that adds 100 ms to
# every response; newsconv with its defaults vs wget -p on a page with the
# same images.
set -euo pipefail
cd "$(dirname "$0")/.."
NC=${NEWSCONV:-build-bench/newsconv}
out=$(mktemp -d)
python3 tests/fetch/server.py --lifetime 300 --delay 0.1 > "$out/port" &
srv=$!
sleep 1
port=$(head -1 "$out/port")
{
	printf -- '---\ntitle: 200 images\n---\n'
	for i in $(seq 1 200); do printf '<p><img src="http://127.0.0.1:%s/slowimg/%d.png"></p>\n' "$port" "$i"; done
} > "$out/a.txt"
echo "## newsconv --fetch-images (defaults: 8 transfers, 4 per host)"
s=$(date +%s.%N)
"$NC" --to json --fetch-images --allow-loopback --no-cache "$out/a.txt" -o "$out/a.json" 2>&1 | tail -1
e=$(date +%s.%N)
t=$(echo "$e - $s" | bc)
echo "time $t s; ideal with 4 connections to one host: 200 x 0.1 / 4 = 5.0 s; ratio $(echo "scale=2; $t / 5" | bc)"
echo "## newsconv --jobs 16 with the per-host limit 4 (one host: still 4 at once)"
s=$(date +%s.%N)
"$NC" --to json --fetch-images --jobs 16 --allow-loopback --no-cache "$out/a.txt" -o "$out/b.json" 2>&1 | tail -1
e=$(date +%s.%N)
echo "time $(echo "$e - $s" | bc) s"
echo "## wget -p on a page referencing the same images"
{
	echo "<html><body>"
	for i in $(seq 1 200); do printf '<img src="/slowimg/w%d.png">\n' "$i"; done
	echo "</body></html>"
} > "$out/page.html"
mkdir -p "$out/w"
cp "$out/page.html" "$out/w/"
s=$(date +%s.%N)
(cd "$out/w" && wget -q -p -nd -F -B "http://127.0.0.1:$port/" -i page.html || true)
e=$(date +%s.%N)
echo "wget: $(ls "$out/w" | wc -l) files, time $(echo "$e - $s" | bc) s"
kill $srv 2>/dev/null || true
rm -rf "$out"
