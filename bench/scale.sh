#!/usr/bin/env bash
# Scale: the corpus replicated to 10,000 and 100,000 articles (hard links
# in a temp dir, 1,000 per subdirectory), then wall time and peak RSS of
# Markdown, JSON, WARC and EPUB runs at -j 1 / -j 2, against floors and
# peers: libxml2 parse+serialize alone (bench/xmlfloor.c, one core),
# gzip -6 over the same WARC bytes, pandoc per article (sampled), and
# hyperfine of the start-up cost.  Prints one Markdown table.
#
# Not a test: no assertion on any figure.  Needs ../shared/corpus (or
# $NC_SHARED/corpus); temp files go under $NC_BENCH_TMP (default /tmp)
# and are removed on exit.  Needs a few GB of free space there.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
SHARED=${NC_SHARED:-../shared}
if ! compgen -G "$SHARED/corpus/*.txt" >/dev/null; then
	echo "scale: no corpus in $SHARED/corpus, skipped"
	exit 0
fi

say() { echo "scale: $*" >&2; }

# Tools: Debian's time (for %e %M), hyperfine, pandoc, epubcheck.
if [ ! -x /usr/bin/time ] || ! command -v hyperfine >/dev/null || ! command -v pandoc >/dev/null ||
	[ ! -e /usr/bin/epubcheck ]; then
	bash tools/deps.sh --bench >&2 || true
fi
[ -x /usr/bin/time ] || { echo "scale: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }

if [ -z "${NEWSCONV:-}" ]; then
	[ -d build-bench ] || meson setup build-bench --buildtype=release >/dev/null
	ninja -C build-bench >/dev/null
	NEWSCONV=$repo/build-bench/newsconv
fi
NC=$NEWSCONV
J=2          # the "several threads" setting measured against -j 1
SMALL=${NC_SCALE_SMALL:-10000}   # overrides only for a quick smoke run
BIG=${NC_SCALE_BIG:-100000}     # 0: no big runs (a quick run of the SMALL rows)
PANDOC_SAMPLE=50

base=${NC_BENCH_TMP:-${TMPDIR:-/tmp}}
mkdir -p "$base"
tmp=$(mktemp -d "$base/newsconv-scale.XXXXXX")
ec_pid=
cleanup() {
	if [ -n "$ec_pid" ]; then pkill -P "$ec_pid" 2>/dev/null || true; kill "$ec_pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- corpus
say "replicating $(ls "$SHARED"/corpus/*.txt | wc -l) articles to $SMALL and $BIG in $tmp"
mkdir -p "$tmp/src"
cp "$SHARED"/corpus/*.txt "$tmp/src/"
python3 - "$tmp/src" "$tmp/c$SMALL" "$SMALL" "$tmp/c$BIG" "$BIG" <<'PY'
import os, shutil, sys
src = sys.argv[1]
files = sorted(os.path.join(src, f) for f in os.listdir(src) if f.endswith(".txt"))
for dst, n in zip(sys.argv[2::2], sys.argv[3::2]):
    n = int(n)
    for i in range(n):
        d = os.path.join(dst, "d%03d" % (i // 1000))
        if i % 1000 == 0:
            os.makedirs(d)
        f = files[i % len(files)]
        t = os.path.join(d, "a%06d.txt" % i)
        try:
            os.link(f, t)
        except OSError:
            shutil.copyfile(f, t)
PY
sizes=$SMALL
[ "$BIG" -gt 0 ] && sizes="$SMALL $BIG"
for n in $sizes; do
	find "$tmp/c$n" -name '*.txt' | sort > "$tmp/list$n"
	[ "$(wc -l < "$tmp/list$n")" -eq "$n" ] || { echo "scale: replication to $n failed" >&2; exit 1; }
done

# ---------------------------------------------------------------- timing
declare -A WALL RSS
rows=()

# timed KEY LABEL N CMD...: wall seconds and peak RSS of CMD, one row;
# the best of $NC_BENCH_REPEAT runs (default 2: one disturbed run on a
# shared machine should not decide a ratio).  "{}" in CMD is replaced by
# a new, empty output directory for each run.
REPEAT=${NC_BENCH_REPEAT:-2}
runs=0
timed() {
	local key=$1 label=$2 n=$3 rc=0 best= bestrss=0 r
	shift 3
	for ((r = 0; r < REPEAT; r++)); do
		say "$label ($n articles), run $((r + 1))/$REPEAT"
		local out=$tmp/out-$((runs++)) args=() a
		for a in "$@"; do args+=("${a//\{\}/$out}"); done
		mkdir -p "$out"
		rc=0
		/usr/bin/time -f '%e %M' -o "$tmp/time.out" "${args[@]}" || rc=$?
		local wall rss
		read -r wall rss < <(tail -n 1 "$tmp/time.out")
		if [ "$rc" -ne 0 ]; then
			echo "scale: $label exited with status $rc" >&2
			label="$label (exit $rc)"
		fi
		if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$wall; fi
		[ "$rss" -gt "$bestrss" ] && bestrss=$rss
		# Outputs are kept until the end: deleting 10^5 files just before
		# the next run makes ext4 skip recently freed inodes (a kernel
		# cost that belongs to the benchmark, not to the program).
		find "$out" -maxdepth 0 -empty -delete 2>/dev/null || true
	done
	WALL[$key]=$best
	RSS[$key]=$bestrss
	rows+=("$label|$n|$best|$bestrss")
}

# EPUB: one book; epubcheck runs on it after every timed job (in the
# background, even at nice 19, its JVM disturbed the -j 2 figures).
timed epubJ_s "epub book, -j $J" $SMALL "$NC" -q -j $J --to epub -o "$tmp/book.epub" "$tmp/c$SMALL"
epub_bytes=$(stat -c %s "$tmp/book.epub")

# Markdown, JSON (-O DIR: one file per article, each run into a new
# directory)
timed md1_s "md -O, -j 1" $SMALL "$NC" -q -j 1 --to md -O {} "$tmp/c$SMALL"
timed mdJ_s "md -O, -j $J" $SMALL "$NC" -q -j $J --to md -O {} "$tmp/c$SMALL"
if [ "$BIG" -gt 0 ]; then
	timed mdJ_b "md -O, -j $J" $BIG "$NC" -q -j $J --to md -O {} "$tmp/c$BIG"
	timed jsonJ_b "json -O, -j $J" $BIG "$NC" -q -j $J --to json -O {} "$tmp/c$BIG"
fi

# WARC (one archive; .warc.gz = one gzip member per record)
timed warc1_s "warc.gz, -j 1" $SMALL "$NC" -q -j 1 --to warc -o {}/s.warc.gz "$tmp/c$SMALL"
timed warcJ_s "warc.gz, -j $J" $SMALL "$NC" -q -j $J --to warc -o {}/s.warc.gz "$tmp/c$SMALL"
warc_bytes=0 warcgz_bytes=0
if [ "$BIG" -gt 0 ]; then
	timed warcJ_b "warc.gz, -j $J" $BIG "$NC" -q -j $J --to warc -o "$tmp/b.warc.gz" "$tmp/c$BIG"
	warcgz_bytes=$(stat -c %s "$tmp/b.warc.gz")
	rm -f "$tmp/b.warc.gz"
	timed warcraw_b "warc uncompressed, -j $J" $BIG "$NC" -q -j $J --to warc -o "$tmp/b.warc" "$tmp/c$BIG"
	warc_bytes=$(stat -c %s "$tmp/b.warc")
	timed gzip_b "gzip -6 over that .warc" $BIG sh -c 'exec gzip -6 -c "$1" > /dev/null' sh "$tmp/b.warc"
	rm -f "$tmp/b.warc"
fi

# libxml2 floor: parse + serialize every body, one core
say "compiling bench/xmlfloor.c"
# shellcheck disable=SC2046
cc -std=c11 -O2 -o "$tmp/xmlfloor" bench/xmlfloor.c $(pkg-config --cflags --libs libxml-2.0)
timed floor_s "libxml2 floor (parse+dump, 1 core)" $SMALL "$tmp/xmlfloor" --files-from "$tmp/list$SMALL"

# pandoc, one process per article, on a sample; bodies without front matter
if command -v pandoc >/dev/null; then
	mkdir -p "$tmp/pandoc"
	python3 - "$tmp/src" "$tmp/pandoc" "$PANDOC_SAMPLE" <<'PY'
import os, re, sys
src, out, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sorted(f for f in os.listdir(src) if f.endswith(".txt"))
for j in range(k):
    f = files[j * len(files) // k]
    txt = open(os.path.join(src, f), encoding="utf-8", errors="replace").read()
    m = re.match(r"\s*---\s*\n.*?\n---\s*\n", txt, re.S)
    body = txt[m.end():] if m else txt
    open(os.path.join(out, "%03d.html" % j), "w", encoding="utf-8").write(body)
PY
	timed pandoc_sample "pandoc --sandbox -t gfm, 1 process each" $PANDOC_SAMPLE \
		bash -c 'for f in "$1"/*.html; do pandoc --sandbox -f html -t gfm "$f" > /dev/null 2>&1; done' bash "$tmp/pandoc"
	pandoc_x=$(awk -v w="${WALL[pandoc_sample]}" -v k=$PANDOC_SAMPLE -v n=$SMALL 'BEGIN{printf "%.2f", w*n/k}')
	rows+=("pandoc, extrapolated from $PANDOC_SAMPLE|$SMALL|$pandoc_x|${RSS[pandoc_sample]}")
else
	say "pandoc missing, skipped"
fi

# start-up: hyperfine, no shell
if command -v hyperfine >/dev/null; then
	mkdir -p "$tmp/one"
	q() { printf '%q' "$1"; }
	c_ver="$(q "$NC") --version"
	c_one="$(q "$NC") -q --to md $(q "$repo/fixtures/example.txt") -o $(q "$tmp/one/example.md")"
	say "hyperfine: --version and one article"
	hyperfine -N --warmup 5 --style basic --export-json "$tmp/hf.json" "$c_ver" "$c_one" >&2
	readarray -t hf < <(python3 -c 'import json,sys
for r in json.load(open(sys.argv[1]))["results"]: print("%.5f %.5f" % (r["mean"], r["stddev"] or 0))' "$tmp/hf.json")
	/usr/bin/time -f '%e %M' -o "$tmp/time.out" "$NC" --version > /dev/null
	read -r _ rss_ver < <(tail -n 1 "$tmp/time.out")
	/usr/bin/time -f '%e %M' -o "$tmp/time.out" "$NC" -q --to md "$repo/fixtures/example.txt" -o "$tmp/one/example.md"
	read -r _ rss_one < <(tail -n 1 "$tmp/time.out")
	read -r m s <<< "${hf[0]}"
	rows+=("hyperfine: newsconv --version (mean ± $(awk -v s="$s" 'BEGIN{printf "%.1f", s*1000}') ms)|-|$m|$rss_ver")
	read -r m s <<< "${hf[1]}"
	rows+=("hyperfine: md, one article (mean ± $(awk -v s="$s" 'BEGIN{printf "%.1f", s*1000}') ms)|1|$m|$rss_one")
else
	say "hyperfine missing, skipped"
fi

# epubcheck's verdict
epubcheck_msg="epubcheck not run (no /usr/bin/epubcheck)"
if [ -e /usr/bin/epubcheck ] && command -v java >/dev/null; then
	say "epubcheck on the $SMALL-article book"
	ec_rc=0
	/usr/bin/time -f '%e %M' -o "$tmp/ectime.out" timeout "${NC_EPUBCHECK_TIMEOUT:-1800}" \
		java -jar /usr/bin/epubcheck "$tmp/book.epub" > "$tmp/epubcheck.log" 2>&1 || ec_rc=$?
	[ "$ec_rc" -ne 124 ] || echo "Messages: none, epubcheck timed out" >> "$tmp/epubcheck.log"
	read -r ec_wall ec_rss < <(tail -n 1 "$tmp/ectime.out")
	epubcheck_msg=$(grep -E '^Messages:' "$tmp/epubcheck.log" | tail -n 1 || true)
	[ -n "$epubcheck_msg" ] || epubcheck_msg="no summary line: $(tail -n 1 "$tmp/epubcheck.log")"
	if grep -qE '^(ERROR|FATAL|WARNING)' "$tmp/epubcheck.log"; then
		grep -E '^(ERROR|FATAL|WARNING)' "$tmp/epubcheck.log" | sed -E 's/\([0-9]+,[0-9]+\)//; s/: .*epub\//: /' |
			sort | uniq -c | sort -rn | head -n 5 > "$tmp/epubcheck.top"
	fi
	epubcheck_msg="$epubcheck_msg (epubcheck ${ec_wall} s, $(awk -v k="$ec_rss" 'BEGIN{printf "%.0f", k/1024}') MB)"
fi
rm -f "$tmp/book.epub"

# ---------------------------------------------------------------- table
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f×", a/b; else print "n/a" }'; }

echo
echo "| job | articles | wall s | articles/s | peak RSS MB |"
echo "|---|---:|---:|---:|---:|"
for r in "${rows[@]}"; do
	IFS='|' read -r label n wall rss <<< "$r"
	awk -v l="$label" -v n="$n" -v w="$wall" -v k="$rss" 'BEGIN{
		ws = (w < 0.1) ? sprintf("%.4f", w) : sprintf("%.2f", w)
		aps = (n ~ /^[0-9]+$/ && w > 0) ? sprintf("%.0f", n / w) : "-"
		printf "| %s | %s | %s | %s | %.1f |\n", l, n, ws, aps, k / 1024 }'
done
echo "| **ratio** md $SMALL -j 1 wall / libxml2 floor | | $(ratio "${WALL[md1_s]}" "${WALL[floor_s]}") | | |"
echo "| **ratio** md $SMALL speedup -j 1 → -j $J | | $(ratio "${WALL[md1_s]}" "${WALL[mdJ_s]}") | | |"
echo "| **ratio** warc.gz $SMALL speedup -j 1 → -j $J | | $(ratio "${WALL[warc1_s]}" "${WALL[warcJ_s]}") | | |"
mb() { awk -v b="$1" 'BEGIN{printf "%.1f MB", b/1048576}'; }
if [ "$BIG" -gt 0 ]; then
	echo "| **ratio** md -j $J time $BIG / $SMALL (linear = $((BIG / SMALL))) | | $(ratio "${WALL[mdJ_b]}" "${WALL[mdJ_s]}") | | |"
	echo "| **ratio** warc.gz $BIG -j $J / gzip -6 over the same bytes | | $(ratio "${WALL[warcJ_b]}" "${WALL[gzip_b]}") | | |"
	echo
	echo "Sizes: warc $BIG uncompressed $(mb "$warc_bytes"), .warc.gz $(mb "$warcgz_bytes"); epub book of $SMALL $(mb "$epub_bytes")."
else
	echo
	echo "Sizes: epub book of $SMALL $(mb "$epub_bytes") (NC_SCALE_BIG=0: no big runs)."
fi
echo "epubcheck ($SMALL-article book): $epubcheck_msg"
if [ -s "$tmp/epubcheck.top" ]; then
	echo "Most frequent epubcheck messages:"
	sed 's/^/    /' "$tmp/epubcheck.top"
fi
