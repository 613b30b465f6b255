#!/usr/bin/env bash
# run.sh SECONDS - build the fuzz harnesses if needed and run each one for
# SECONDS from its saved corpus; print executions, coverage (cov: edges)
# and crashes per harness.  Exits non-zero when any harness crashed,
# leaked, timed out or ran out of memory.
#
# Environment:
#   BUILD_DIR       build directory (default: <source>/build-fuzz)
#   FUZZ_HARNESSES  which harnesses (default: all twelve: frontmatter html extract article
#                   charset date url feed md warc fetch json)
#   FUZZ_PARALLEL   how many run at once (default 1)
#   NC_SHARED       shared data beside the checkout (default: <source>/../shared);
#                   a sample of its corpus/*.txt seeds the article harnesses
#   FUZZ_ARGS       extra libFuzzer flags
#   FUZZ_DETERMINISTIC=1  a fixed number of runs per harness (about SECONDS'
#                   worth) instead of a time: with -seed=1, reproducible (CI)
# Every committed tests/fuzz/findings/<harness>-* is replayed first; one
# that still reproduces fails the run too.
# Corpora live in $BUILD_DIR/fuzz/corpus/<harness> (kept between runs),
# crash reproducers in $BUILD_DIR/fuzz/artifacts/<harness>, logs in
# $BUILD_DIR/fuzz/logs.  Nothing is written into the source tree.
set -u
secs=${1:?usage: run.sh SECONDS}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$src/build-fuzz}
shared=${NC_SHARED:-$src/../shared}
harnesses=${FUZZ_HARNESSES:-frontmatter html extract article charset date url feed md warc fetch json}
parallel=${FUZZ_PARALLEL:-1}

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$src" -Dfuzz=true -Db_lundef=false || exit 2
fi
ninja -C "$build" || exit 2

work=$build/fuzz
mkdir -p "$work/logs"

# Seeds: our own small ones, the fixtures, and every 5th shared article.
stage_seeds() {
	local h=$1 dir=$work/seeds/$h
	rm -rf "$dir"
	mkdir -p "$dir"
	[ -d "$here/seeds/$h" ] && cp "$here/seeds/$h"/* "$dir"/ 2>/dev/null
	case $h in
	feed) cp "$src"/fixtures/feeds/* "$dir"/ 2>/dev/null ;;
	md) cp "$src"/fixtures/posts/* "$dir"/ 2>/dev/null ;;
	warc) cp "$here"/seeds/warc-in/* "$dir"/ 2>/dev/null ;;
	extract)
		cp "$src"/fixtures/pages/*.html "$dir"/ 2>/dev/null
		if [ -d "$shared/pages/trafilatura/eval" ]; then
			local i=0 f
			for f in "$shared"/pages/trafilatura/eval/*.gz; do
				# every 25th page, cut to what -max_len lets the fuzzer use
				[ $((i++ % 25)) -eq 0 ] && gzip -dc "$f" | head -c 16384 >"$dir/page-$i.html"
			done
		fi
		;;
	frontmatter|html|article|charset)
		cp "$src"/fixtures/*.txt "$dir"/ 2>/dev/null
		if [ -d "$shared/corpus" ]; then
			local i=0 f
			for f in "$shared"/corpus/*.txt; do
				[ $((i++ % 5)) -eq 0 ] && cp "$f" "$dir/shared-$(basename "$f")"
			done
		fi
		;;
	esac
	return 0
}

run_one() {
	local h=$1 maxlen=16384
	case $h in date|url) maxlen=1024 ;; esac
	local corpus=$work/corpus/$h art=$work/artifacts/$h/ log=$work/logs/$h.log
	mkdir -p "$corpus" "$art"
	# Each committed finding once: still reproducing counts as a crash.
	local f known=""
	for f in "$here/findings/$h"-*; do
		[ -f "$f" ] || continue
		"$build/tests/fuzz/fuzz_$h" "$f" >"$work/logs/$h.replay.log" 2>&1 || known="$known $(basename "$f")"
	done
	echo "$known" >"$work/logs/$h.known"
	stage_seeds "$h"
	local dict=()
	[ -f "$here/$h.dict" ] && dict=(-dict="$here/$h.dict")
	# FUZZ_DETERMINISTIC=1 (CI): a number of runs instead of a time, about
	# SECONDS' worth on a loaded 2-core machine, so that with -seed=1 the
	# same code always meets the same inputs and a red run is a real
	# finding that replays, not a matter of timing.  The time limit stays
	# as a cap at 4x.
	local limit=(-max_total_time="$secs")
	if [ "${FUZZ_DETERMINISTIC:-0}" = 1 ]; then
		local rate
		# warc: read in parts too (check_parts), 700; feed too since it
		# reads in parts (and in 509-byte chunks in this build), 1000.
		# feed, md, warc: each input is also written (md, json) and read
		# again after a good sibling, about 1.4x (feed), 1.9x (warc), 2x
		# (md) the old cost per run: fewer runs keep the stage's time
		# (warc: 30,000 runs in 108 s on the loaded machine, where the
		# old 75,000 hit the 120 s cap at 62,208).
		case $h in
		article) rate=100 ;; html) rate=1500 ;; extract) rate=800 ;; charset) rate=2500 ;;
		feed) rate=1000 ;; warc) rate=700 ;; md) rate=2000 ;;
		frontmatter|date) rate=5000 ;; fetch) rate=20000 ;; url) rate=100000 ;;
		*) rate=1000 ;;
		esac
		limit=(-runs=$((secs * rate)) -max_total_time=$((secs * 4)))
	fi
	"$build/tests/fuzz/fuzz_$h" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 \
		-max_len=$maxlen -print_final_stats=1 -artifact_prefix="$art" "${dict[@]}" \
		${FUZZ_ARGS:-} "$corpus" "$work/seeds/$h" >"$log" 2>&1
	echo $? >"$work/logs/$h.rc"
}

start=$(date +%s)
stamp=$work/logs/.start
touch "$stamp"
running=0
for h in $harnesses; do
	[ -x "$build/tests/fuzz/fuzz_$h" ] || { echo "no harness fuzz_$h" >&2; exit 2; }
	rm -f "$work/logs/$h.rc"
	run_one "$h" &
	running=$((running + 1))
	if [ "$running" -ge "$parallel" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

status=0
printf '%-12s %12s %8s %8s  %s\n' harness execs edges crashes notes
for h in $harnesses; do
	log=$work/logs/$h.log
	rc=$(cat "$work/logs/$h.rc" 2>/dev/null || echo 99)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	[ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
	edges=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
	# new reproducers (several with -fork=N -ignore_crashes=1)
	crashes=$(find "$work/artifacts/$h" -type f -newer "$stamp" | wc -l)
	note=""
	if [ "$rc" != 0 ] || [ "$crashes" -gt 0 ]; then
		[ "$crashes" -gt 0 ] || crashes=1
		status=1
		art=$(ls -t "$work/artifacts/$h" | head -1)
		art=${art:+$work/artifacts/$h/$art}
		why=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-zA-Z-]+|runtime error: .*|INVARIANT .*' "$log" | cut -c1-100)
		note="rc=$rc ${why:-see $log} -> ${art:-no artifact}"
	fi
	known=$(cat "$work/logs/$h.known" 2>/dev/null)
	if [ -n "${known// /}" ]; then
		status=1
		note="$note${note:+; }still reproduces:$known"
	fi
	printf '%-12s %12s %8s %8s  %s\n' "$h" "${execs:-?}" "${edges:-?}" "$crashes" "$note"
done
echo "total time $(( $(date +%s) - start )) s; logs in $work/logs"
exit $status
