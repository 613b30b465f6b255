#!/usr/bin/env bash
# Reader view: quality and speed of finding a page's article, newsconv
# beside its peers in one run, over ../shared/pages (trafilatura's 990
# annotated pages and Readability's 130 test pages; measures in
# ../shared/pages/README.md, computed by tools/eval_extract.py).
#
#   floor            libxml2 parse + serialize of the same pages alone
#                    (bench/xmlfloor.c), one core
#   newsconv         --to json -j 1 (--extract auto: these are pages)
#   newsconv off     --extract off: the whole page, for reference
#   Readability.js   npm @mozilla/readability + jsdom, one node process
#   readability-lxml Debian python3-readability (calibre's auto_cleanup)
#
# Every timed run is on CPU 0 (taskset) into a fresh directory on tmpfs
# (/dev/shm unless NC_BENCH_TMP says otherwise), best of 2 for newsconv
# and the floor, once for the peers.  Prints one Markdown table.  Not a
# test: no assertion on any figure.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
SHARED=${NC_SHARED:-../shared}
if [ ! -f "$SHARED/pages/trafilatura/evaldata.json" ]; then
	echo "extract: no pages in $SHARED/pages, skipped"
	exit 0
fi
say() { echo "extract: $*" >&2; }

if [ ! -x /usr/bin/time ] || ! /usr/bin/python3 -c 'import readability' 2>/dev/null; then
	bash tools/deps.sh --bench >&2 || true
fi
npm_dir=${NC_NPM_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/newsconv-test/npm}
if [ ! -d "$npm_dir/node_modules/@mozilla/readability" ] || [ ! -d "$npm_dir/node_modules/jsdom" ]; then
	say "installing @mozilla/readability and jsdom from npm into $npm_dir"
	npm install --silent --no-audit --no-fund --prefix "$npm_dir" @mozilla/readability jsdom >/dev/null
fi
if [ -z "${NEWSCONV:-}" ]; then
	[ -d build-bench ] || meson setup build-bench --buildtype=release >/dev/null
	ninja -C build-bench >/dev/null
	NEWSCONV=$repo/build-bench/newsconv
fi
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"

base=${NC_BENCH_TMP:-/dev/shm}
tmp=$(mktemp -d "$base/newsconv-extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

say "unpacking the pages into $tmp"
python3 bench/extract_score.py unpack "$SHARED" "$tmp/in"
ls "$tmp"/in/traf/*.html >"$tmp/traf.list"
ls "$tmp"/in/read/*.html >"$tmp/read.list"
cc -std=c11 -O2 -o "$tmp/xmlfloor" bench/xmlfloor.c $(pkg-config --cflags --libs libxml-2.0)

declare -A SECS RSS
run=0
# timed KEY CMD...: wall seconds and peak RSS of one run, the best kept.
timed() {
	local key=$1; shift
	run=$((run + 1))
	/usr/bin/time -f "%e %M" -o "$tmp/time.$run" $pin "$@" >/dev/null 2>&1 || true
	# the last line: a failed command adds "Command exited with ..." first
	read -r s m < <(tail -n 1 "$tmp/time.$run")
	if [ -z "${SECS[$key]:-}" ] || awk -v a="$s" -v b="${SECS[$key]}" 'BEGIN{exit !(a<b)}'; then
		SECS[$key]=$s RSS[$key]=$((m / 1024))
	fi
}
# Each run writes into a new directory: OUT/traf and OUT/read.

pairs() { # list, out dir: "in<TAB>out.html" lines
	while read -r f; do printf '%s\t%s/%s\n' "$f" "$2" "$(basename "$f")"; done <"$1"
}

for k in 1 2; do
	say "libxml2 floor, run $k"
	timed floor "$tmp/xmlfloor" --files-from "$tmp/traf.list"
	say "newsconv, run $k"
	timed nc_traf "$NEWSCONV" -q -j 1 --to json -O "$tmp/nc$k/traf" --files-from "$tmp/traf.list"
	timed nc_read "$NEWSCONV" -q -j 1 --to json -O "$tmp/nc$k/read" --files-from "$tmp/read.list"
	timed off_traf "$NEWSCONV" -q -j 1 --extract off --to json -O "$tmp/off$k/traf" --files-from "$tmp/traf.list"
done
mkdir -p "$tmp/rjs/traf" "$tmp/rjs/read" "$tmp/rlx/traf" "$tmp/rlx/read"
pairs "$tmp/traf.list" "$tmp/rjs/traf" >"$tmp/rjs.traf"; pairs "$tmp/read.list" "$tmp/rjs/read" >"$tmp/rjs.read"
pairs "$tmp/traf.list" "$tmp/rlx/traf" >"$tmp/rlx.traf"; pairs "$tmp/read.list" "$tmp/rlx/read" >"$tmp/rlx.read"
say "Readability.js"
NODE_PATH=$npm_dir/node_modules timed rjs_traf node bench/peers/readability_js.mjs "$tmp/rjs.traf"
NODE_PATH=$npm_dir/node_modules timed rjs_read node bench/peers/readability_js.mjs "$tmp/rjs.read"
say "readability-lxml"
timed rlx_traf /usr/bin/python3 bench/peers/readability_lxml.py "$tmp/rlx.traf"
timed rlx_read /usr/bin/python3 bench/peers/readability_lxml.py "$tmp/rlx.read"

mkdir -p "$tmp/off1/read"
"$NEWSCONV" -q -j 1 --extract off --to json -O "$tmp/off1/read" --files-from "$tmp/read.list" || true
say "scoring"
q_nc=$(python3 bench/extract_score.py score "$SHARED" "$tmp/nc1" json)
q_off=$(python3 bench/extract_score.py score "$SHARED" "$tmp/off1" json)
q_rjs=$(python3 bench/extract_score.py score "$SHARED" "$tmp/rjs" html)
q_rlx=$(python3 bench/extract_score.py score "$SHARED" "$tmp/rlx" html)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}'; }
row() { # name, quality line, traf time key, read time key
	set -- "$1" $2 "$3" "$4"
	local t=${SECS[$8]:-} r=${SECS[${9:-x}]:-}
	echo "| $1 | $2 ($3 / $4) | $5 ($6 / $7) | ${t:--} s | ${RSS[$8]:--} MB | ${t:+$(ratio "$t" "${SECS[floor]}")x} | ${r:--} s |"
}
echo
echo "bench/extract.sh $(date -u +%Y-%m-%d), $(nproc) cores, one pinned; $(wc -l <"$tmp/traf.list") + $(wc -l <"$tmp/read.list") pages"
echo
echo "| extractor | trafilatura set F (precision / recall) | readability set F1 (precision / recall) | 990 pages | peak RSS | / floor | 130 pages |"
echo "|---|---|---|---|---|---|---|"
echo "| libxml2 floor (parse + serialize) | | | ${SECS[floor]} s | ${RSS[floor]} MB | 1.00x | |"
row "newsconv (reader view)" "$q_nc" nc_traf nc_read
row "newsconv --extract off (the whole page)" "$q_off" off_traf ""
row "Readability.js (jsdom)" "$q_rjs" rjs_traf rjs_read
row "readability-lxml" "$q_rlx" rlx_traf rlx_read
