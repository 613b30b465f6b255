#!/usr/bin/env python3
"""--shard I/4 composes (issue 20): four shards into one -O folder, beside
the inputs, or into one WARC each, give exactly the files / records of a
single run, refuse what a single run refuses, and never change an input
(checksums before and after), including inputs whose outputs clash
(in/a/x.txt and in/b/x.txt into one -O folder; p/a.txt beside the
Markdown post p/a.md)."""
import gzip, hashlib, os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, check, done  # noqa: E402

ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
N = 4


def run(*args, cwd):
    return subprocess.run([NC, "-q", *args], capture_output=True, cwd=cwd, env=ENV, timeout=120)


def article(title):
    return f"---\ntitle: {title}\ndate: 2024-01-02 03:04:05\n---\n<p>{title} body.</p>\n"


def tree(root):
    """relative path -> md5 of every file under root."""
    out = {}
    for r, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(r, f)
            out[os.path.relpath(p, root)] = hashlib.md5(open(p, "rb").read()).hexdigest()
    return out


def make_inputs(root):
    files = {f"in/n{k:02}.txt": article(f"N{k}") for k in range(12)}
    files["in/a/x.txt"] = article("From a")
    files["in/b/x.txt"] = article("From b")
    files["in/p/a.txt"] = article("Article beside a post")
    files["in/p/a.md"] = "---\ntitle: A post\ntags:\n- t\n---\n\nA *post* of the user's.\n"
    for rel, text in files.items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p, "w").write(text)


def payloads(path):
    data = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    return sorted(line.split(b": ", 1)[1].strip() for line in data.split(b"\r\n")
                  if line.startswith(b"WARC-Payload-Digest"))


def refusals(results):
    return sum(r.stderr.count(b"not written") + r.stderr.count(b"refusing to overwrite") for r in results)


tmp = tempfile.mkdtemp()
try:
    one, sh = os.path.join(tmp, "one"), os.path.join(tmp, "sh")
    for d in (one, sh):
        make_inputs(d)
    inputs = tree(os.path.join(one, "in"))

    # One -O folder.
    single = run("--to", "md", "in", "-O", "out", cwd=one)
    shards = [run("--shard", f"{i}/{N}", "--to", "md", "in", "-O", "out", cwd=sh) for i in range(N)]
    check(tree(os.path.join(sh, "out")) == tree(os.path.join(one, "out")),
          "-O: four shards write exactly the files of one run, byte for byte",
          (sorted(tree(os.path.join(sh, "out"))), sorted(tree(os.path.join(one, "out")))))
    check(refusals(shards) == refusals([single]) >= 1, "-O: the shards refuse what one run refuses",
          (refusals(shards), refusals([single])))
    check(max(r.returncode for r in shards) == single.returncode,
          "-O: the shards' exit codes add up to one run's", ([r.returncode for r in shards], single.returncode))
    for d in (one, sh):
        check(tree(os.path.join(d, "in")) == inputs, f"-O: no input changed ({os.path.basename(d)})")

    # Beside the inputs: outputs land in the input folders, p/a.md is an input.
    single = run("--to", "md", "in", cwd=one)
    shards = [run("--shard", f"{i}/{N}", "--to", "md", "in", cwd=sh) for i in range(N)]
    check(tree(os.path.join(sh, "in")) == tree(os.path.join(one, "in")),
          "beside the inputs: four shards give the tree of one run")
    check(tree(os.path.join(sh, "in"))["p/a.md"] == inputs["p/a.md"],
          "beside the inputs: the post p/a.md, an input, is never overwritten by a shard")
    check(refusals(shards) == refusals([single]) >= 1, "beside the inputs: the shards refuse what one run refuses",
          (refusals(shards), refusals([single])))
    for d in (one, sh):
        got = tree(os.path.join(d, "in"))
        check({k: got[k] for k in inputs} == inputs, f"beside the inputs: no input changed ({os.path.basename(d)})")

    # WARC: one archive per shard, together the records of one run.
    for d in (one, sh):
        shutil.rmtree(os.path.join(d, "in"))
        make_inputs(d)
    r = run("--to", "warc", "in", "-o", "all.warc.gz", cwd=one)
    check(r.returncode == 0, "warc: one run", r)
    got = []
    for i in range(N):
        r = run("--shard", f"{i}/{N}", "--to", "warc", "in", "-o", f"s{i}.warc.gz", cwd=sh)
        check(r.returncode == 0, f"warc: shard {i}", r)
        got += payloads(os.path.join(sh, f"s{i}.warc.gz")) if r.returncode == 0 else []
    check(sorted(got) == payloads(os.path.join(one, "all.warc.gz")),
          "warc: the shards hold exactly the records of one run", (len(got),))
    for d in (one, sh):
        check(tree(os.path.join(d, "in")) == inputs, f"warc: no input changed ({os.path.basename(d)})")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
done("shards")
