#!/usr/bin/env python3
"""EPUB Accessibility 1.1 judged by Ace by DAISY: 0 violations of any
impact for every fixture as its own book, a book with embedded images,
two made-up articles that exercise the alt-text rules, every 10th article
of ../shared/corpus and one book of the whole corpus.  Ace runs once for
all of them (tests/epub/ace_batch.js: one node process, one Chromium).
Also checks that the accessibility metadata claims only what is true,
and that the made-up books still pass epubcheck.  Skips (77) without
Ace (tools/deps.sh installs it) or Chromium."""
import glob, json, os, re, shutil, struct, subprocess, sys, tempfile, time, zipfile, zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, BUILD, SHARED, check, done  # noqa: E402

HERE = os.path.join(SRC, "tests", "epub")
NPM = os.environ.get("NC_NPM_DIR") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "newsconv-test", "npm")
MODULES = os.path.join(NPM, "node_modules")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not os.path.isdir(os.path.join(MODULES, "@daisy", "ace-core")) or not os.access(CHROMIUM, os.X_OK) \
        or not shutil.which("node"):
    print("SKIP: Ace (npm @daisy/ace-cli in %s) or chromium missing; run tools/deps.sh" % NPM)
    sys.exit(77)
if os.environ.get("NC_SANITIZED"):
    # The books are the same bytes in both builds (epubcheck runs in both);
    # Ace takes two minutes, so the sanitizer build leaves it to the other.
    print("SKIP: Ace runs in the normal build only (by design)")
    sys.exit(77)

start = time.monotonic()
tmp = tempfile.mkdtemp()
MAKE_BOOK = os.path.join(BUILD, "tests", "epub", "make_image_book")


def conv(inputs, out):
    r = subprocess.run([NC, "-q", "--to", "epub", *inputs, "-o", out], capture_output=True, timeout=300)
    check(r.returncode == 0, f"convert {[os.path.basename(i) for i in inputs[:2]]}", r)
    return r.returncode == 0


def png(w, h):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80\x90\xa0" * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def made_book(name, body, image):
    """An article whose images all get IMAGE's bytes, as if fetched."""
    art = os.path.join(tmp, name + ".txt")
    with open(art, "w") as f:
        f.write("---\ntitle: Accessibility: %s\nauthor: Test Desk\ndate: 2024-01-02\n---\n%s\n" % (name, body))
    out = os.path.join(tmp, name + ".epub")
    r = subprocess.run([MAKE_BOOK, art, out, image], capture_output=True, text=True)
    check(r.returncode == 0, f"make_image_book {name}", r)
    return out if r.returncode == 0 else None


def parts(epub):
    z = zipfile.ZipFile(epub)
    return z.read("OEBPS/content.opf").decode(), z.read("OEBPS/chapter-0001.xhtml").decode()


books = []

# Fixtures, each its own book.
for fx in sorted(glob.glob(os.path.join(SRC, "fixtures", "*.txt"))):
    out = os.path.join(tmp, "fx-" + os.path.basename(fx)[:-4] + ".epub")
    if conv([fx], out):
        books.append(out)

# Embedded images whose alt comes from the source (1x1 images: the test's
# stand-ins for photos; they all carry alt text or are not shown).
img_book = os.path.join(tmp, "images.epub")
r = subprocess.run([MAKE_BOOK, os.path.join(SRC, "fixtures", "images.txt"), img_book], capture_output=True, text=True)
check(r.returncode == 0, "make_image_book images.txt", r)
if r.returncode == 0:
    books.append(img_book)
    opf, ch = parts(img_book)
    check("schema:accessMode\">visual<" in opf and "accessibilityFeature\">alternativeText<" in opf
          and "EPUB Accessibility 1.1 - WCAG 2.1 Level AA" in opf and "accessModeSufficient\">textual<" in opf,
          "images with alt text: visual, alternativeText, conformsTo", opf)
    check('alt="" role="presentation"' in ch, "a video poster is decoration inside its named link")

photo = os.path.join(tmp, "photo.png")
with open(photo, "wb") as f:
    f.write(png(3, 2))
pixel = os.path.join(tmp, "pixel.png")
with open(pixel, "wb") as f:
    f.write(png(1, 1))

# Alt from the caption, a spacer by name, an image with nothing to say
# about it, headings that skip levels, a table with headers.
no_alt = made_book("no-alt", """
<h1>Top</h1><p>Intro.</p><h4>Deep</h4><p>Text.</p><h3>Deeper</h3><h2>Back</h2>
<figure><img src="https://img.example.org/a/harbour.png"><figcaption>Boats in the <em>harbour</em>
 at dawn.</figcaption></figure>
<p><img src="https://img.example.org/b/photo.png"></p>
<p><img src="https://img.example.org/c/spacer.gif"></p>
<table><thead><tr><th>City</th><th>Trains</th></tr></thead><tr><th>Oslo</th><td>12</td></tr></table>
<iframe src="https://www.youtube.com/embed/xyz"></iframe>
""", photo)
if no_alt:
    books.append(no_alt)
    opf, ch = parts(no_alt)
    check('alt="Boats in the harbour at dawn."' in ch, "a figure's caption is the alt of its image", ch)
    check(re.search(r'<img src="[^"]+" alt=""/>', ch), "no alt: empty, not made up", ch)
    check(ch.count('role="presentation"') == 1, "the spacer, and only it, is presentational", ch)
    heads = re.findall(r"<h(\d)>", ch)
    check(heads == ["1", "2", "3", "3", "3"], f"headings without skipped levels: {heads}")
    check(re.search(r'<th scope="col">(<p>)?City', ch) and re.search(r'<th scope="row">(<p>)?Oslo', ch),
          "th scope col/row", ch[ch.find("<table"):])
    check("alternativeText" not in opf and "conformsTo" not in opf
          and "accessModeSufficient\">textual,visual<" in opf and "1 image has no text alternative" in opf,
          "an image without alt: no alternativeText, no conformance claim", opf)

pixel_book = made_book("pixel", '<p>One tracking pixel: <img src="https://t.example.org/open?id=1"></p>', pixel)
if pixel_book:
    books.append(pixel_book)
    opf, ch = parts(pixel_book)
    check('alt="" role="presentation"' in ch and "conformsTo" in opf, "a 1x1 image is a layout image", ch)

# A digest book (tests/epub/test_digest.py): its title page and nested
# sections in the nav.
digest = os.path.join(tmp, "digest.epub")
r = subprocess.run([NC, "-q", "--to", "epub", "--group", "source", "-o", digest,
                    *sorted(glob.glob(os.path.join(SRC, "fixtures", "feeds", "digest-*.xml")))],
                   capture_output=True, timeout=300)
check(r.returncode == 0, "digest book", r)
if r.returncode == 0:
    books.append(digest)

# The made-up books must stay valid EPUB: epubcheck runs while Ace does.
made = [b for b in (no_alt, pixel_book) if b]
epubcheck = subprocess.Popen(["java", "-cp", "/usr/share/java/epubcheck.jar", os.path.join(HERE, "EpubBatch.java"),
                              *made], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) if made else None

# The corpus: every 10th article on its own, and one book of all.
corpus = sorted(glob.glob(os.path.join(SHARED, "corpus", "*.txt"))) if SHARED else []
if corpus:
    for art in corpus[::10]:
        out = os.path.join(tmp, "c-" + os.path.basename(art)[:-4] + ".epub")
        if conv([art], out):
            books.append(out)
    whole = os.path.join(tmp, "corpus-book.epub")
    if conv(corpus, whole):
        books.append(whole)
else:
    print("../shared absent (NC_SHARED): corpus part skipped")

env = dict(os.environ, NODE_PATH=MODULES, PUPPETEER_EXECUTABLE_PATH=CHROMIUM, ACE_TIMEOUT_INITIAL="30000")
r = subprocess.run(["node", os.path.join(HERE, "ace_batch.js"), os.path.join(tmp, "ace"), *books],
                   capture_output=True, text=True, timeout=1500, env=env)
results = {}
for line in r.stdout.splitlines():
    if line.startswith("{"):
        d = json.loads(line)
        results[d["epub"]] = d
check(r.returncode == 0, "ace_batch.js ran", r)
total = 0
for b in books:
    d = results.get(b)
    if not d or "error" in d:
        check(False, f"Ace gave no report for {os.path.basename(b)}: {d and d.get('error')}")
        continue
    total += len(d["violations"])
    check(not d["violations"], f"Ace: {len(d['violations'])} violations in {os.path.basename(b)}",
          "\n   ".join(map(str, d["violations"][:8])))
if epubcheck:
    log = epubcheck.communicate(timeout=600)[0]
    verdicts = re.findall(r"Messages: (\d+) fatals? / (\d+) errors? / (\d+) warnings?", log)
    check(len(verdicts) == len(made) and all(v == ("0", "0", "0") for v in verdicts),
          f"epubcheck on the made-up books: {verdicts}", log[-1500:])
print(f"ace: {len(results)}/{len(books)} books checked, {total} violations, {time.monotonic() - start:.0f} s")
shutil.rmtree(tmp, ignore_errors=True)
done("epub_ace")
