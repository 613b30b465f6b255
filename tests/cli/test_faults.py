#!/usr/bin/env python3
"""When the disk, the user or the system says stop (issue 12): a full disk
(ulimit -f and a small tmpfs), a read-only directory, SIGINT/SIGTERM in a
long batch, SIGKILL during a write, an input cut short.  Every case: a
clear exit code, no temporary file left, finished outputs intact."""
import os, resource, shutil, signal, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, SHARED, check, done  # noqa: E402

FIX = os.path.join(SRC, "fixtures")
EXAMPLE = os.path.join(FIX, "example.txt")
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")


def run(*args, limit=None, timeout=120):
    pre = (lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))) if limit else None
    return subprocess.run([NC, *args], capture_output=True, timeout=timeout, env=ENV, preexec_fn=pre)


def leftovers(d):
    return [os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs if ".tmp-" in f or f.startswith(".")]


def inputs(d, n):
    """n copies of the example (hard links: cheap) in d."""
    os.makedirs(d, exist_ok=True)
    for i in range(n):
        p = os.path.join(d, f"a{i:05d}.txt")
        if not os.path.exists(p):
            os.link(EXAMPLE, p)
    return d


tmp = tempfile.mkdtemp()
mnt = os.path.join(tmp, "mnt")
mounted = False
try:
    many = inputs(os.path.join(tmp, "in"), 4000)
    big = os.path.join(SHARED, "corpus") if os.path.isdir(os.path.join(SHARED, "corpus")) else many

    # A full disk, as a file size limit: every format fails cleanly.
    for fmt, args in (("md", ["-O", "o-md"]), ("json", ["-O", "o-json"]),
                      ("warc", ["-o", "o.warc.gz", "--cdx", "o.cdxj"]), ("epub", ["-o", "o.epub"])):
        out = os.path.join(tmp, "fsize")
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        src = EXAMPLE if fmt in ("md", "json") else big
        args = [os.path.join(out, a) if a.startswith("o") else a for a in args]
        r = run("-q", "--to", fmt, src, *args, limit=300)
        check(r.returncode == 1 and b"File too large" in r.stderr and out.encode() in r.stderr,
              f"{fmt}: a file size limit is an error naming the file and the problem", r)
        finals = [f for f in os.listdir(out) if not f.startswith(".") and ".tmp-" not in f]
        finals += [f for d in finals if os.path.isdir(os.path.join(out, d)) for f in os.listdir(os.path.join(out, d))]
        check(not leftovers(out), f"{fmt}: no temporary file left after a full disk", leftovers(out))
        check(not [f for f in finals if f.endswith((".warc.gz", ".epub", ".cdxj", ".md", ".json"))],
              f"{fmt}: no half-written output", finals)

    # A real small file system: full, then read-only (root only).
    os.makedirs(mnt)
    if os.geteuid() == 0 and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt],
                                            capture_output=True).returncode == 0:
        mounted = True
        open(os.path.join(mnt, "keep.txt"), "w").write("an earlier output\n")
        r = run("-q", "--to", "warc", big, "-o", os.path.join(mnt, "all.warc.gz"))
        check(r.returncode == 1 and b"No space left" in r.stderr, "full tmpfs: ENOSPC reported", r)
        check(sorted(os.listdir(mnt)) == ["keep.txt"], "full tmpfs: nothing left but what was there",
              os.listdir(mnt))
        r = run("-q", "-j", "2", "--to", "md", many, "-O", os.path.join(mnt, "md"))
        check(r.returncode == 1, "full tmpfs with -O: exit 1", r)
        check(not leftovers(mnt), "full tmpfs with -O: no temporary files", leftovers(mnt)[:5])
        subprocess.run(["mount", "-o", "remount,ro", mnt], check=True)
        r = run("--to", "epub", EXAMPLE, "-o", os.path.join(mnt, "x.epub"))
        check(r.returncode == 1 and b"Read-only" in r.stderr and b"x.epub" in r.stderr,
              "read-only directory: one line naming the file", r)
    else:
        print("note: tmpfs cases skipped (not root or mount not permitted)")

    # SIGINT / SIGTERM during a long batch: exit 128+n, whole outputs only.
    ref = run("--to", "md", EXAMPLE, "-o", "-").stdout
    for sig in (signal.SIGINT, signal.SIGTERM):
        out = os.path.join(tmp, f"sig{int(sig)}")
        p = subprocess.Popen([NC, "-q", "-j", "2", "--to", "md", many, "-O", out],
                             stderr=subprocess.PIPE, env=ENV)
        deadline = time.time() + 30
        while time.time() < deadline and not (os.path.isdir(out) and len(os.listdir(out)) > 200):
            time.sleep(0.005)
        p.send_signal(sig)
        _, err = p.communicate(timeout=60)
        n = len(os.listdir(out)) if os.path.isdir(out) else 0
        check(p.returncode == 128 + int(sig), f"signal {int(sig)}: exit {128 + int(sig)}", (p.returncode, err[-300:]))
        check(0 < n < 4000 and b"stopped by signal" in err, f"signal {int(sig)}: stopped part-way ({n} written)", err[-300:])
        check(not leftovers(out), f"signal {int(sig)}: no temporary files", leftovers(out)[:5])
        bad = [f for f in os.listdir(out) if open(os.path.join(out, f), "rb").read() != ref] if n else []
        check(not bad, f"signal {int(sig)}: every finished output is whole", bad[:5])

    # SIGTERM while one archive is being written: no archive, no index.
    out = os.path.join(tmp, "one")
    os.makedirs(out)
    p = subprocess.Popen([NC, "-q", "--to", "warc", many, "-o", os.path.join(out, "a.warc.gz"),
                          "--cdx", os.path.join(out, "a.cdxj")], stderr=subprocess.PIPE, env=ENV)
    time.sleep(0.3)
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=60)
    if p.returncode == 143:
        check(os.listdir(out) == [], "SIGTERM during one archive: nothing left", os.listdir(out))

    # SIGKILL during a write: only a temporary file can remain, and the
    # next run is not disturbed by it.
    out = os.path.join(tmp, "kill")
    os.makedirs(out)
    p = subprocess.Popen([NC, "-q", "--to", "warc", many, "-o", os.path.join(out, "a.warc")],
                         stderr=subprocess.DEVNULL, env=ENV)
    time.sleep(0.3)
    p.kill()
    p.wait(timeout=30)
    names = os.listdir(out)
    check("a.warc" not in names or p.returncode == 0, "SIGKILL: no final output under its name", names)
    r = run("-q", "--to", "warc", EXAMPLE, "-o", os.path.join(out, "a.warc"))
    check(r.returncode == 0 and os.path.exists(os.path.join(out, "a.warc")), "the next run writes its output", r)

    # An input cut short while it is read (a pipe closed half-way).
    fifo = os.path.join(tmp, "fifo.txt")
    os.mkfifo(fifo)
    p = subprocess.Popen([NC, "--to", "json", fifo, "-o", os.path.join(tmp, "fifo.json")],
                         stderr=subprocess.PIPE, env=ENV)
    with open(fifo, "wb") as f:
        f.write(open(EXAMPLE, "rb").read()[:300])
    _, err = p.communicate(timeout=30)
    check(p.returncode in (0, 1) and b"AddressSanitizer" not in err, "a truncated input converts or fails cleanly",
          (p.returncode, err[-300:]))
finally:
    if mounted:
        subprocess.run(["umount", "-l", mnt])
    shutil.rmtree(tmp, ignore_errors=True)
done("faults")
