#!/usr/bin/env bash
# EPUB: a book of 1,000 articles (the corpus repeated) without images:
# time and peak memory; epubcheck verdicts; pandoc on the same inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
NC=${NEWSCONV:-build-bench/newsconv}
SHARED=${NC_SHARED:-../shared}
out=$(mktemp -d)
mkdir -p "$out/in" "$out/bodies"
i=0
while [ $i -lt 1000 ]; do
	for f in "$SHARED"/corpus/*.txt; do
		[ $i -ge 1000 ] && break
		cp "$f" "$out/in/$(printf %04d $i).txt"
		i=$((i + 1))
	done
done

echo "## newsconv: one book of 1000 articles"
/usr/bin/time -f "time %e s, peak RSS %M KB" "$NC" -q --to epub "$out"/in/*.txt -o "$out/book.epub"
ls -l "$out/book.epub" | awk '{print "size", $5, "bytes"}'
hyperfine -w 1 -r 5 "$NC -q --to epub $out/in/*.txt -o $out/book2.epub" 2>/dev/null | grep -E "Time|Range"

echo "## newsconv: every corpus article as its own EPUB"
"$NC" -q --to epub -O "$out/each" "$SHARED"/corpus/*.txt
java -cp /usr/share/java/epubcheck.jar tests/epub/EpubBatch.java "$out"/each/*.epub "$out/book.epub" \
	| grep -E "^Messages" | sort | uniq -c

echo "## pandoc on the same articles (body HTML + front matter as metadata)"
python3 - "$SHARED/corpus" "$out" <<'PY'
import glob, os, re, subprocess, sys, time
src, out = sys.argv[1], sys.argv[2]
os.makedirs(f"{out}/pandoc", exist_ok=True)
t = 0
bodies = []
for f in sorted(glob.glob(src + "/*.txt")):
    txt = open(f, encoding="utf-8", errors="replace").read()
    m = re.match(r"\s*---\s*\n(.*?)\n---\s*\n", txt, re.S)
    meta, body = (m.group(1), txt[m.end():]) if m else ("", txt)
    b = f"{out}/bodies/{os.path.basename(f)}.html"; open(b, "w").write(body); bodies.append(b)
    y = f"{out}/bodies/{os.path.basename(f)}.yaml"; open(y, "w").write(meta or "title: untitled\n")
    t0 = time.perf_counter()
    subprocess.run(["pandoc", "-f", "html", b, "--metadata-file", y, "-o", f"{out}/pandoc/{os.path.basename(f)}.epub"], capture_output=True)
    t += time.perf_counter() - t0
print(f"pandoc, one EPUB per article: {t:.1f} s for {len(bodies)}")
reps = (bodies * 6)[:1000]
t0 = time.perf_counter()
subprocess.run(["pandoc", "-f", "html", *reps, "--metadata", "title=Book", "-o", f"{out}/pandoc-book.epub"], capture_output=True)
print(f"pandoc, one book of 1000: {time.perf_counter() - t0:.1f} s")
PY
java -cp /usr/share/java/epubcheck.jar tests/epub/EpubBatch.java "$out"/pandoc/*.epub "$out/pandoc-book.epub" \
	| grep -E "^Messages" | sort | uniq -c | sort -rn | head -5
rm -rf "$out"
