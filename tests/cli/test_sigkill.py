#!/usr/bin/env python3
"""Output row 18 of ../shared/review/output/DEFECTS.md and the SIGKILL
line of issue 20's "Done when": SIGKILL at any point of an EPUB, WACZ,
WARC+CDXJ and -O run leaves only whole outputs, and nothing that a later
run reads or that `ls` shows.

About 200 generated articles (a few with data: images, so the zips take
a while) go through five jobs.  Each job runs once to completion (the
reference, timed), then is killed (SIGKILL by PID) after a random delay
in [0, reference time] from a seeded random, into a fresh folder or into
one holding an older version of every output.  After each kill:

- the output folder, the inputs' folder, the working directory and
  $TMPDIR hold only what the reference run made (and the old outputs);
  with O_TMPFILE working on the test's folder nothing else may remain.
  Where newsconv has to use a named temporary (O_TMPFILE refused, the
  descriptor budget spent under a low RLIMIT_NOFILE, or the instant
  between linking an unnamed file under a temporary name and renaming
  it over an old output) only a hidden ".newsconv-<16 hex>" may remain;
- every output that exists is the reference's bytes or the old bytes,
  never a part (SOURCE_DATE_EPOCH makes the bytes deterministic);
- a later walk of the output folder (--to json -O) converts exactly
  what a folder holding only those final files converts: no leftover
  is taken as an article.

Then strace delivers SIGKILL at the commit system calls themselves
(linkat, rename), the points where a named file can exist at all."""
import base64
import os
import random
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, check, done  # noqa: E402

SANITIZED = bool(os.environ.get("NC_SANITIZED"))
KILLS = 5 if SANITIZED else 8          # per job
T = tempfile.mkdtemp(prefix="nc-sigkill-")
IN = os.path.join(T, "in")
TMP = os.path.join(T, "tmpdir")        # $TMPDIR of every run
CWD = os.path.join(T, "cwd")           # the working directory of every run
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", TMPDIR=TMP)
# LeakSanitizer cannot run under ptrace (strace); the rest of ASan can.
TRACED_ENV = dict(ENV, ASAN_OPTIONS=(ENV.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":"))
HIDDEN_TMP = re.compile(r"^\.newsconv-[0-9a-f]{16}$")
STRACE = shutil.which("strace")

# name, arguments (OUT is the output folder), outputs are a folder (-O)
JOBS = [
    ("epub book", ["--to", "epub", IN, "-o", "OUT/book.epub"]),
    ("wacz", ["--to", "wacz", IN, "-o", "OUT/a.wacz"]),
    ("warc+cdxj", ["--to", "warc", IN, "-o", "OUT/a.warc.gz", "--cdx", "OUT/a.cdxj"]),
    ("md -O", ["--to", "md", IN, "-O", "OUT/md"]),
    ("epub -O", ["--to", "epub", IN, "-O", "OUT/ep"]),
]


def png(w, h, rnd):
    """A valid PNG of noise: it does not compress, so it takes zip time."""
    raw = b"".join(b"\0" + rnd.randbytes(w * 3) for _ in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def make_inputs():
    rnd = random.Random(18)
    words = ["harbour", "council", "weather", "market", "school", "river", "train", "budget"]
    os.makedirs(IN)
    for i in range(200):
        body = "".join(f"<p>Paragraph {j} of story {i}: " +
                       " ".join(rnd.choice(words) for _ in range(40)) + "</p>\n" for j in range(20))
        if i % 20 == 0:
            b64 = base64.b64encode(png(256, 256, rnd)).decode()
            body += (f'<figure><img src="data:image/png;base64,{b64}" alt="Noise {i}">'
                     f"<figcaption>Noise {i}</figcaption></figure>\n")
        with open(os.path.join(IN, f"{i:04d}.txt"), "w") as f:
            f.write(f"---\ntitle: Story {i}\ndate: 2024-01-{1 + i % 28:02d} 03:04:05\n"
                    f"author: Tester\n---\n{body}")


def command(args, out, extra=()):
    return [NC, "-q", "-j", "2", "--fetch-images", "--no-cache", *extra,
            *[a.replace("OUT", out) for a in args]]


def tree(root):
    """{relative path: bytes} of the files under root, and the set of its
    directories (relative); hidden names included."""
    files, dirs = {}, set()
    for d, sub, names in os.walk(root):
        rel = os.path.relpath(d, root)
        for s in sub:
            dirs.add(os.path.normpath(os.path.join(rel, s)))
        for n in names:
            with open(os.path.join(d, n), "rb") as f:
                files[os.path.normpath(os.path.join(rel, n))] = f.read()
    return files, dirs


def can_tmpfile(d):
    """Does d's file system give unnamed files (O_TMPFILE)?"""
    try:
        os.close(os.open(d, os.O_TMPFILE | os.O_WRONLY, 0o600))
        return True
    except (OSError, AttributeError):
        return False


def walk_names(folder, tag):
    """The outputs (names) of a later run that walks folder."""
    j = os.path.join(T, "walk-" + tag)
    r = subprocess.run([NC, "-q", "--to", "json", "-O", j, folder], capture_output=True,
                       env=ENV, cwd=CWD, timeout=120)
    names = sorted(tree(j)[0]) if os.path.isdir(j) else []
    shutil.rmtree(j, ignore_errors=True)
    return r, names


def mirror_of(out, keep):
    """A folder holding only the files `keep` (relative paths) of out."""
    m = out + ".mirror"
    for rel in keep:
        os.makedirs(os.path.dirname(os.path.join(m, rel)), exist_ok=True)
        os.link(os.path.join(out, rel), os.path.join(m, rel))
    os.makedirs(m, exist_ok=True)
    return m


def old_version(ref):
    """Older outputs of the same names, to be replaced whole or not at all."""
    return {rel: b"an older output: " + rel.encode() + b"\n" for rel in ref}


SEEN = {"new outputs": 0, "empty folders": 0, "hidden temporaries": {}}  # the latter by kind of kill


def judge(what, out, ref, old, named_ok):
    """The checks after one killed (or finished) run into out."""
    files, dirs = tree(out) if os.path.isdir(out) else ({}, set())
    ref_files, ref_dirs = ref
    SEEN["new outputs"] += sum(1 for p, b in files.items() if ref_files.get(p) == b != old.get(p))
    # A Markdown output names its images: none may be missing (or old).
    torn = [p for p, b in files.items() if p.endswith(".md") and ref_files.get(p) == b != old.get(p)
            and any(files.get(q) != ref_files[q] for q in ref_files if q.startswith(p[:-3] + "_files/"))]
    check(not torn, f"output row 18: {what}: every Markdown output that exists has its images", torn[:8])
    SEEN["empty folders"] += sum(1 for d in dirs if not os.listdir(os.path.join(out, d)))
    left = sorted(p for p in files if p not in ref_files) + \
        sorted(d for d in dirs if d not in ref_dirs)
    bad = [p for p in left if not (named_ok and HIDDEN_TMP.match(os.path.basename(p)))]
    check(not bad, f"output row 18: {what}: only final output names remain", bad[:8])
    hidden = sum(1 for p in left if HIDDEN_TMP.match(os.path.basename(p)))
    if hidden:
        kind = "RLIMIT_NOFILE 40" if "RLIMIT" in what else "strace" if "SIGKILL at" in what \
            else "random kill"
        SEEN["hidden temporaries"][kind] = SEEN["hidden temporaries"].get(kind, 0) + hidden
    shown = [p for p in left if not any(c.startswith(".") for c in p.split(os.sep))]
    check(not shown, f"output row 18: {what}: ls shows no leftover", shown[:8])
    part = [p for p, b in files.items() if p in ref_files and b != ref_files[p] and b != old.get(p)]
    check(not part, f"output row 18: {what}: every output that exists is whole "
          "(the reference's bytes or the old ones)", part[:8])
    if left:  # a later run must not take a leftover as an article
        keep = [p for p in files if p in ref_files]
        m = mirror_of(out, keep)
        r1, got = walk_names(out, "k")
        r2, want = walk_names(m, "m")
        shutil.rmtree(m, ignore_errors=True)
        check((r1.returncode, got) == (r2.returncode, want), f"output row 18: {what}: a later walk "
              "of the folder converts only the final outputs",
              f"exit {r1.returncode} vs {r2.returncode}, {len(got)} vs {len(want)} outputs, "
              f"differing {sorted(set(got) ^ set(want))[:6]}; stderr {r1.stderr[-300:]!r} "
              f"vs {r2.stderr[-300:]!r}")
    for name, d in (("the inputs' folder", IN), ("the working directory", CWD), ("$TMPDIR", TMP)):
        extra = sorted(set(os.listdir(d)) - (INPUTS if d == IN else set()))
        check(not extra, f"output row 18: {what}: {name} holds nothing new", extra[:8])
        for e in extra:  # each kill is judged on its own
            p = os.path.join(d, e)
            shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.unlink(p)


def prefill(out, old):
    for rel, b in old.items():
        p = os.path.join(out, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(b)


def killed_run(cmd, delay, limit=None):
    """cmd killed by SIGKILL after delay seconds (unless it ended first);
    always reaped.  Returns its exit status."""
    pre = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))) if limit else None
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
                         cwd=CWD, preexec_fn=pre)
    try:
        try:
            p.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            p.kill()
    finally:
        if p.poll() is None:
            p.kill()
        p.wait()
    return p.returncode


def reference(name, args):
    out = os.path.join(T, "ref", name.replace(" ", "_"))
    t0 = time.monotonic()
    r = subprocess.run(command(args, out), capture_output=True, env=ENV, cwd=CWD, timeout=300)
    took = time.monotonic() - t0
    check(r.returncode == 0, f"output row 18: {name}: the reference run succeeds", r)
    return tree(out), took


def kill_loop(rnd, name, args, ref, took, tmpfile_ok):
    """KILLS runs of one job, each killed at a random point; even ones
    into a fresh folder, odd ones over older outputs."""
    old_all = old_version(ref[0])
    kinds = {"fresh": 0, "over": 0, "finished": 0}
    for k in range(KILLS):
        delay = rnd.uniform(0, took)
        over = k % 2 == 1
        out = os.path.join(T, "kill", f"{name.replace(' ', '_')}-{k}")
        old = old_all if over else {}
        prefill(out, old)
        rc = killed_run(command(args, out), delay)
        kinds["over" if over else "fresh"] += 1
        kinds["finished"] += rc == 0
        what = f"{name}, kill {k} at {delay * 1000:.0f} ms{' over old outputs' if over else ''}"
        # A named temporary exists only where O_TMPFILE is refused, or for
        # the instant an unnamed file is linked and renamed over an old one.
        judge(what, out, ref, old, named_ok=over or not tmpfile_ok)
        shutil.rmtree(out, ignore_errors=True)
    print(f"{name}: reference {took * 1000:.0f} ms, {KILLS} kills "
          f"({kinds['over']} over old outputs, {kinds['finished']} finished first)")


def named_loop(rnd, ref, took):
    """-O with a low RLIMIT_NOFILE: past a quarter of it outputs are named
    temporaries (the trigger's ulimit -n 40), so hidden names may remain;
    they must stay hidden and unread."""
    name, args = JOBS[3]
    for k in range(max(2, KILLS // 2)):
        delay = rnd.uniform(0, took)
        out = os.path.join(T, "kill", f"named-{k}")
        killed_run(command(args, out), delay, limit=40)
        judge(f"{name} at RLIMIT_NOFILE 40, kill {k} at {delay * 1000:.0f} ms", out, ref, {},
              named_ok=True)
        shutil.rmtree(out, ignore_errors=True)


def stdout_loop(rnd, tmpfile_ok):
    """Books and WACZ to standard output: their scratch files live in
    $TMPDIR (no output path), which must be empty after each kill."""
    for name, fmt in (("epub to stdout", "epub"), ("wacz to stdout", "wacz")):
        cmd = [NC, "-q", "-j", "2", "--fetch-images", "--no-cache", "--to", fmt, IN, "-o", "-"]
        t0 = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, env=ENV, cwd=CWD, timeout=300)
        took = time.monotonic() - t0
        check(r.returncode == 0 and len(r.stdout) > 100000, f"output row 18: {name}: reference", r)
        for k in range(max(2, KILLS // 2)):
            delay = rnd.uniform(0, took)
            killed_run(cmd, delay)
            left = sorted(os.listdir(TMP))
            bad = [n for n in left if tmpfile_ok or not HIDDEN_TMP.match(n)]
            check(not bad, f"output row 18: {name}, kill {k} at {delay * 1000:.0f} ms: "
                  "$TMPDIR is empty (only unnamed or unlinked scratch)", bad[:8])
            for n in left:
                os.unlink(os.path.join(TMP, n))
            extra = os.listdir(CWD)
            check(not extra, f"output row 18: {name}, kill {k}: the working directory holds "
                  "nothing new", extra[:8])


def traced_kills(ref_of, tmpfile_ok):
    """SIGKILL exactly at a commit: strace delivers it on entering the
    Nth linkat() or rename() of the run (every thread traced)."""
    if not STRACE:
        print("output row 18 (kill at linkat/rename): strace missing; not run")
        return
    # md -O: 0000.md has an image, so linkat/rename #2 is the second file
    # named of the first window (its image, or the .md once the image is).
    cases = [(3, "linkat", 1, True), (3, "rename", 1, True), (3, "rename", 2, True),
             (3, "rename", 7, True), (3, "linkat", 2, False), (3, "linkat", 5, False), (0, "rename", 1, True), (1, "rename", 1, True),
             (2, "linkat", 2, False), (2, "rename", 2, True), (4, "rename", 3, True)]
    for job, call, when, over in cases:
        name, args = JOBS[job]
        ref = ref_of[name]
        old = old_version(ref[0]) if over else {}
        out = os.path.join(T, "kill", f"traced-{job}-{call}-{when}")
        prefill(out, old)
        cmd = [STRACE, "-f", "-qq", "-o", "/dev/null", "-e", f"trace={call}",
               "-e", f"inject={call}:signal=SIGKILL:when={when}"] + command(args, out)
        subprocess.run(cmd, capture_output=True, env=TRACED_ENV, cwd=CWD, timeout=300)
        judge(f"{name}, SIGKILL at {call} #{when}{' over old outputs' if over else ''}", out, ref,
              old, named_ok=over or not tmpfile_ok)
        shutil.rmtree(out, ignore_errors=True)


def killed_md_folder(ref):
    """What a killed -O md run can leave, made by hand: whole outputs, an
    image folder made but still empty, one holding only a hidden named
    temporary.  A later walk must read the outputs and nothing else (under
    UBSan it stopped at qsort(NULL) of the empty folders' names)."""
    out = os.path.join(T, "left")
    mds = sorted(p for p in ref[0] if p.endswith(".md"))[:3]
    for rel in mds:
        os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
        with open(os.path.join(out, rel), "wb") as f:
            f.write(ref[0][rel])
    os.makedirs(os.path.join(out, "md", "0020_files"))
    os.makedirs(os.path.join(out, "md", "0040_files"))
    with open(os.path.join(out, "md", "0040_files", ".newsconv-0123456789abcdef"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
    r, names = walk_names(out, "left")
    check(r.returncode == 0 and len(names) == len(mds), "output row 18: a walk of what a killed "
          "-O run leaves (an empty image folder, one holding only a hidden temporary) converts "
          f"exactly its {len(mds)} whole outputs", f"exit {r.returncode}, {names}, {r.stderr[-600:]!r}")
    shutil.rmtree(out, ignore_errors=True)


def main():
    os.makedirs(TMP)
    os.makedirs(CWD)
    make_inputs()
    global INPUTS
    INPUTS = set(os.listdir(IN))
    tmpfile_ok = can_tmpfile(T)
    print(f"O_TMPFILE on the test's folder: {'yes' if tmpfile_ok else 'no (named temporaries)'}")
    rnd = random.Random(20261207)
    ref_of, took_of = {}, {}
    for name, args in JOBS:
        ref_of[name], took_of[name] = reference(name, args)
        kill_loop(rnd, name, args, ref_of[name], took_of[name], tmpfile_ok)
    named_loop(rnd, ref_of[JOBS[3][0]], took_of[JOBS[3][0]])
    killed_md_folder(ref_of[JOBS[3][0]])
    stdout_loop(rnd, tmpfile_ok)
    traced_kills(ref_of, tmpfile_ok)
    r, names = walk_names(IN, "in")
    check(r.returncode == 0 and len(names) == 200, "output row 18: the walk of the inputs' folder "
          "converts exactly the 200 inputs", f"exit {r.returncode}, {len(names)} outputs")
    print(f"after the kills: {SEEN['new outputs']} whole new outputs, {SEEN['empty folders']} empty "
          "image folders (made for an output not yet named), "
          f"hidden .newsconv- temporaries left (allowed where named): {SEEN['hidden temporaries']}")


INPUTS = set()
try:
    main()
finally:
    shutil.rmtree(T, ignore_errors=True)
done("sigkill")
