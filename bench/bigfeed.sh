#!/usr/bin/env bash
# Big feeds: 25,000- and 100,000-item RSS 2.0 and Atom feeds (each with
# and without a newline between items), wall time and peak RSS of
#   - newsconv --to json (the reader and model; issue 19: at most twice
#     the file's size plus a constant, linear in time),
#   - newsconv --to md -O (one file per item, into a fresh folder),
#   - libxml2 alone: xmllint --noout (the whole tree) and --stream (no
#     tree): the floors,
#   - feedparser 6 (Python; Debian's python3-feedparser), the reader
#     most feed tools build on, parsing the same file to its entries.
# Prints one Markdown table.  Not a test: no assertion on any figure.
#
# Files go to a fresh folder under $NC_BENCH_TMP (default /dev/shm, a
# tmpfs: creating 100,000 files on ext4 after mass deletes measures the
# file system, not us), removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
if [ ! -x /usr/bin/time ] || ! /usr/bin/python3 -c 'import feedparser' 2>/dev/null; then
	bash tools/deps.sh --bench >&2 || true
fi
if [ -z "${NEWSCONV:-}" ]; then
	[ -d build-bench ] || meson setup build-bench --buildtype=release >/dev/null
	ninja -C build-bench >/dev/null
	NEWSCONV=$repo/build-bench/newsconv
fi
tmp=$(mktemp -d "${NC_BENCH_TMP:-/dev/shm}/bigfeed.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# feed KIND N SEP: writes $tmp/KIND-N-SEP.xml
feed() {
	/usr/bin/python3 - "$tmp" "$@" <<'PY'
import sys
tmp, kind, n, sep = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
nl = "\n" if sep == "nl" else ""
with open(f"{tmp}/{kind}-{n}-{sep}.xml", "w") as f:
    if kind == "rss":
        f.write('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title>'
                '<link>https://ex.org/</link>\n')
    else:
        f.write('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>\n')
    for i in range(n):
        if kind == "rss":
            f.write(f'<item><title>Item {i}</title><link>https://ex.org/{i}</link><guid>urn:{i}</guid>'
                    f'<pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate><description>&lt;p&gt;Summary '
                    f'{i} of the story, &amp; a &lt;a href="/x"&gt;link&lt;/a&gt;.&lt;/p&gt;'
                    f'</description></item>{nl}')
        else:
            f.write(f'<entry><title>Item {i}</title><link href="https://ex.org/{i}"/><id>urn:{i}</id>'
                    f'<updated>2024-01-01T00:00:00Z</updated><content type="html">&lt;p&gt;Summary '
                    f'{i} of the story, &amp; a &lt;a href="/x"&gt;link&lt;/a&gt;.&lt;/p&gt;'
                    f'</content></entry>{nl}')
    f.write('</channel></rss>\n' if kind == "rss" else '</feed>\n')
PY
}

# measure CMD...: prints "seconds MB" (wall, peak RSS)
measure() {
	/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
		echo "bigfeed: failed: $* ($(tail -1 "$tmp/err"))" >&2
		echo "- -"
		return
	}
	awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$tmp/time"
}

echo "| feed | items | file MB | newsconv json s / MB | newsconv md -O s / MB | xmllint tree s / MB | xmllint --stream s / MB | feedparser s / MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for kind in rss atom; do
	for sep in nl none; do
		for n in 25000 100000; do
			feed "$kind" "$n" "$sep"
			f=$tmp/$kind-$n-$sep.xml
			mb=$(awk -v b="$(stat -c %s "$f")" 'BEGIN { printf "%.1f", b / 1048576 }')
			json=$(measure "$NEWSCONV" -q --to json -o /dev/null "$f")
			md=$(measure "$NEWSCONV" -q --to md -O "$tmp/md-$kind-$n-$sep" "$f")
			rm -rf "$tmp/md-$kind-$n-$sep"
			tree=$(measure xmllint --noout --huge "$f")
			stream=$(measure xmllint --noout --huge --stream "$f")
			fp=$(measure /usr/bin/python3 -c 'import feedparser, sys; print(len(feedparser.parse(sys.argv[1]).entries))' "$f")
			row() { echo "$1" | awk '{printf "%s / %s", $1, $2}'; }
			echo "| $kind, $([ "$sep" = nl ] && echo newline || echo no blank) | $n | $mb | $(row "$json") | $(row "$md") | $(row "$tree") | $(row "$stream") | $(row "$fp") |"
			rm -f "$f"
		done
	done
done
