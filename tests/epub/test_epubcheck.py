#!/usr/bin/env python3
"""EPUB output judged by epubcheck: 0 errors and 0 warnings for every
fixture, every article of ../shared/corpus converted one by one, one book
of the whole corpus, and a book with embedded images.  Also: two runs give
byte-identical files; SOURCE_DATE_EPOCH sets dcterms:modified."""
import glob, os, re, shutil, subprocess, sys, tempfile, zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, BUILD, SHARED, check, done, epubcheck  # noqa: E402

tmp = tempfile.mkdtemp()



def conv(inputs, out, *extra, env=None):
    r = subprocess.run([NC, "-q", "--to", "epub", *extra, *inputs, "-o", out], capture_output=True,
                       timeout=300, env=env)
    check(r.returncode == 0, f"convert {inputs[:2]}...: {r.stderr.decode(errors='replace')[:300]}")
    return r


to_check = []
# Fixtures one by one.
for fx in sorted(glob.glob(os.path.join(SRC, "fixtures", "*.txt"))):
    out = os.path.join(tmp, "fx-" + os.path.basename(fx)[:-4] + ".epub")
    conv([fx], out)
    to_check.append(out)

# A book with images carrying bytes (as if fetched): embedded, cover, placeholders.
img_book = os.path.join(tmp, "images.epub")
r = subprocess.run([os.path.join(BUILD, "tests", "epub", "make_image_book"),
                    os.path.join(SRC, "fixtures", "images.txt"), img_book], capture_output=True, text=True)
check(r.returncode == 0, "make_image_book: " + r.stderr)
if r.returncode == 0:
    to_check.append(img_book)
    z = zipfile.ZipFile(img_book)
    names = z.namelist()
    check(names[0] == "mimetype" and z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
          and z.getinfo("mimetype").extra == b"", "mimetype first, stored, no extra field")
    imgs = [n for n in names if n.startswith("OEBPS/images/")]
    check(len(imgs) == 2, f"two distinct images embedded once each by content, got {imgs}")
    opf = z.read("OEBPS/content.opf").decode()
    check('properties="cover-image"' in opf, "cover-image property")
    check("image/png" in opf and "image/gif" in opf, "media types from the bytes")
    ch = z.read("OEBPS/chapter-0001.xhtml").decode()
    check("image-placeholder" in ch and "https://photos.example.com/harbour/3.jpg" in ch,
          "a remote image is a placeholder linking to its URL")
    check("<figcaption>" in ch, "figure caption")
    check("not embedded" in r.stdout, "a note counts the images not embedded")

# Reproducible: two runs are byte-identical; SOURCE_DATE_EPOCH is honoured.
ex = os.path.join(SRC, "fixtures", "example.txt")
a, b = os.path.join(tmp, "a.epub"), os.path.join(tmp, "b.epub")
env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
conv([ex], a, env=env)
conv([ex], b, env=env)
check(open(a, "rb").read() == open(b, "rb").read(), "two runs give byte-identical EPUBs")
opf = zipfile.ZipFile(a).read("OEBPS/content.opf").decode()
check("<meta property=\"dcterms:modified\">2023-11-14T22:13:20Z</meta>" in opf, "dcterms:modified from SOURCE_DATE_EPOCH")
conv([ex], b)
opf = zipfile.ZipFile(b).read("OEBPS/content.opf").decode()
check("2024-04-12T09:30:00Z</meta>" in opf, "without SOURCE_DATE_EPOCH, modified = newest article date")

# Book options.
book = os.path.join(tmp, "opts.epub")
fx = sorted(glob.glob(os.path.join(SRC, "fixtures", "*.txt")))
conv(fx, book, "--title", "My <Digest>", "--author", "Me & You", "--lang", "zh-Hant", "--sort", "newest")
to_check.append(book)
z = zipfile.ZipFile(book)
opf = z.read("OEBPS/content.opf").decode()
check("<dc:title>My &lt;Digest&gt;</dc:title>" in opf and "<dc:creator>Me &amp; You</dc:creator>" in opf
      and "<dc:language>zh-Hant</dc:language>" in opf, "--title/--author/--lang")
check("title.xhtml" in opf and z.read("OEBPS/nav.xhtml").decode().count("<span>") >= 2, "title page and grouped TOC")
check(all(re.fullmatch(r"[A-Za-z0-9._/-]+", n) for n in z.namelist()), "zip entry names are generated ASCII")

# The corpus: one by one, and as one book.
if os.path.isdir(os.path.join(SHARED, "corpus")):
    arts = sorted(glob.glob(os.path.join(SHARED, "corpus", "*.txt")) + glob.glob(os.path.join(SHARED, "seed", "*.txt")))
    outdir = os.path.join(tmp, "corpus")
    r = subprocess.run([NC, "-q", "--to", "epub", "-O", outdir, *arts], capture_output=True, timeout=600)
    check(r.returncode == 0, "corpus one by one: " + r.stderr.decode(errors="replace")[:300])
    outs = sorted(glob.glob(os.path.join(outdir, "*.epub")))
    check(len(outs) == len(arts), f"{len(outs)} EPUBs for {len(arts)} articles")
    to_check += outs
    whole = os.path.join(tmp, "corpus-book.epub")
    conv(arts, whole)
    to_check.append(whole)
else:
    print("../shared absent: corpus part skipped")

res = epubcheck(to_check)
clean = sum(1 for v in res.values() if v == (0, 0))
print(f"epubcheck: {clean}/{len(to_check)} files with 0 errors and 0 warnings")
shutil.rmtree(tmp, ignore_errors=True)
done("epub")
