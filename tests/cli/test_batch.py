#!/usr/bin/env python3
"""Batches as an archivist runs them: directories, lists, shards, threads,
and the review's defects about outputs (issue 14: 10, 11, 14)."""
import filecmp, gzip, os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, SHARED, article, check, done  # noqa: E402

FIX = os.path.join(SRC, "fixtures")
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")


def run(*args, stdin=None, cwd=None):
    return subprocess.run([NC, *args], input=stdin, capture_output=True, cwd=cwd,
                          timeout=120, env=ENV)


def warc_targets(path):
    data = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    return sorted(line.split(b": ", 1)[1].strip() for line in data.split(b"\r\n")
                  if line.startswith(b"WARC-Payload-Digest"))


tmp = tempfile.mkdtemp()
try:
    # A tree: sorted walk, hidden files and non-articles skipped quietly.
    tree = os.path.join(tmp, "tree")
    for rel, text in (("b/2.txt", article("B2")), ("a.txt", article("A")), ("b/1.txt", article("B1")),
                      (".hidden.txt", article("H")), ("b/.git/x.txt", article("G")),
                      ("README", "just some notes\n"), ("img.png", "\x89PNG\r\n")):
        p = os.path.join(tree, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "w").write(text)
    r = run("--to", "json", tree, "-o", os.path.join(tmp, "tree.json"))
    check(r.returncode == 0, "directory walk converts", r)
    import json
    got = [d["meta"]["title"] for d in json.load(open(os.path.join(tmp, "tree.json")))]
    check(got == ["A", "B1", "B2"], "walk order is sorted, hidden and non-articles skipped", got)

    # --files-from, newline and NUL separated, plus stdin.
    lst = os.path.join(tmp, "list")
    open(lst, "w").write(f"{tree}/b/2.txt\n{tree}/a.txt\n")
    r = run("--to", "json", "--files-from", lst, "-o", os.path.join(tmp, "l.json"))
    got = [d["meta"]["title"] for d in json.load(open(os.path.join(tmp, "l.json")))] if r.returncode == 0 else r
    check(got == ["B2", "A"], "--files-from keeps the list's order", got)
    r = run("--to", "json", "--files-from", "-", "-0", "-o", os.path.join(tmp, "n.json"),
            stdin=f"{tree}/a.txt\0{tree}/b/1.txt\0".encode())
    got = [d["meta"]["title"] for d in json.load(open(os.path.join(tmp, "n.json")))] if r.returncode == 0 else r
    check(got == ["A", "B1"], "--files-from - -0 reads NUL-separated paths", got)

    # Threads: the same bytes whatever -j is, for every format.
    src = os.path.join(SHARED, "corpus") if os.path.isdir(os.path.join(SHARED, "corpus")) else FIX
    for fmt, name in (("warc", "a.warc.gz"), ("epub", "a.epub"), ("json", "a.json")):
        outs = []
        for j in ("1", "2", "5"):
            d = os.path.join(tmp, f"j{j}")
            os.makedirs(d, exist_ok=True)
            r = run("-q", "-j", j, "--to", fmt, src, "-o", os.path.join(d, name))
            check(r.returncode in (0, 1) and os.path.exists(os.path.join(d, name)), f"{fmt} -j {j} written", r)
            outs.append(os.path.join(d, name))
        check(all(os.path.exists(o) for o in outs) and filecmp.cmp(outs[0], outs[1], shallow=False)
              and filecmp.cmp(outs[0], outs[2], shallow=False), f"{fmt}: -j 1, 2 and 5 give identical bytes")
    # The fixtures hold every kind of input (feeds, Markdown posts): their
    # readers must not depend on thread timing either (cmark-gfm did).
    outs = []
    for j in ("1", "5", "5", "5"):
        o = os.path.join(tmp, f"fx{len(outs)}.json")
        run("-q", "-j", j, "--to", "json", FIX, "-o", o)
        outs.append(o)
    check(all(os.path.exists(o) and filecmp.cmp(outs[0], o, shallow=False) for o in outs),
          "fixtures (all input kinds): -j 1 and -j 5 identical")
    md1, md2 = os.path.join(tmp, "md1"), os.path.join(tmp, "md2")
    run("-q", "-j", "1", "--to", "md", src, "-O", md1)
    run("-q", "-j", "2", "--to", "md", src, "-O", md2)
    cmp = filecmp.dircmp(md1, md2)
    check(os.listdir(md1) and not cmp.diff_files and not cmp.left_only and not cmp.right_only,
          "md -O: -j 1 and -j 2 give identical files")

    # Shards: disjoint, complete, and WARC shards concatenate.
    parts = []
    for i in range(3):
        p = os.path.join(tmp, f"s{i}.warc.gz")
        r = run("-q", "--shard", f"{i}/3", "--to", "warc", src, "-o", p)
        check(r.returncode in (0, 1), f"shard {i}/3 runs", r)
        if os.path.exists(p):
            parts.append(p)
    whole = os.path.join(tmp, "whole.warc.gz")
    run("-q", "--to", "warc", src, "-o", whole)
    cat = os.path.join(tmp, "cat.warc.gz")
    with open(cat, "wb") as f:
        for p in parts:
            f.write(open(p, "rb").read())
    single, merged = warc_targets(whole), warc_targets(cat)
    # each shard adds one warcinfo record; every other record is there once
    info = len(parts) - 1
    check(len(merged) - len(single) == 0 or len(merged) == len(single),
          "shards hold exactly the records of one run (payload digests)", (len(single), len(merged), info))
    check(run("--to", "md", "--shard", "3/3", FIX + "/example.txt").returncode == 2, "--shard 3/3 refused")

    # Issue 14.10: --cdx naming an input is refused; the input is untouched.
    victim = os.path.join(tmp, "victim.txt")
    shutil.copy(os.path.join(FIX, "example.txt"), victim)
    before = open(victim, "rb").read()
    r = run("--to", "warc", "-o", os.path.join(tmp, "v.warc"), "--cdx", victim, victim)
    check(r.returncode != 0 and b"victim.txt" in r.stderr and open(victim, "rb").read() == before,
          "--cdx over an input refused, input intact", r)
    check(not os.path.exists(os.path.join(tmp, "v.warc")), "nothing written when the run is refused")
    # A failed run leaves no index behind.
    r = run("--to", "warc", "-o", os.path.join(tmp, "f.warc"), "--cdx", os.path.join(tmp, "f.cdxj"),
            os.path.join(tmp, "missing.txt"))
    check(r.returncode == 1 and not os.path.exists(os.path.join(tmp, "f.cdxj")), "failed run leaves no CDX", r)

    # Issue 14.11: two inputs that would share an output name.
    for a, b in (("a/x.txt", "b/x.txt"), ("c/x.txt", "c/x.html")):
        for rel in (a, b):
            p = os.path.join(tmp, "col", rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "w").write(article(rel))
        out = os.path.join(tmp, "colout")
        shutil.rmtree(out, ignore_errors=True)
        r = run("--to", "md", "-O", out, os.path.join(tmp, "col", a), os.path.join(tmp, "col", b))
        err = r.stderr.decode()
        check(r.returncode == 1 and a in err and b in err, f"collision {a} / {b} refused naming both", r)
        got = open(os.path.join(out, "x.md")).read() if os.path.exists(os.path.join(out, "x.md")) else ""
        check(a in got, "the first input keeps its output", got[:200])

    # Issue 14.14: a cover over 50 MB is refused, not truncated.
    big = os.path.join(tmp, "big.png")
    with open(big, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + b"\0" * (51 * 1024 * 1024))
    r = run("--to", "epub", "--cover", big, os.path.join(FIX, "example.txt"), "-o", os.path.join(tmp, "c.epub"))
    check(r.returncode == 1 and b"limit" in r.stderr and not os.path.exists(os.path.join(tmp, "c.epub")),
          "--cover over 50 MB refused with a message", r)

    # No temporary file is left by any run above.
    left = [f for _, _, fs in os.walk(tmp) for f in fs if ".tmp-" in f or f.startswith(".")
            and not f.startswith(".hidden") and f != "x.txt"]
    check(not left, "no temporary files left", left)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
done("batch")
