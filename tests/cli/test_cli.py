#!/usr/bin/env python3
"""The command line as a user meets it: exit codes, output naming, atomic
writes, never overwriting an input, stdin/stdout, odd file names."""
import json, os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, BUILD, SHARED, check, done  # noqa: E402

EXAMPLE = os.path.join(SRC, "fixtures", "example.txt")


def run(*args, stdin=None, cwd=None):
    return subprocess.run([NC, *args], input=stdin, capture_output=True, cwd=cwd, timeout=60)



tmp = tempfile.mkdtemp()
try:
    # usage errors exit 2 with one line naming the problem
    for args in ([], ["--to", "md"], ["--to", "pdf", EXAMPLE], ["--bogus", EXAMPLE],
                 ["--to", "md", "-o", "a", "-O", "b", EXAMPLE], ["--to", "md", "--jobs", "0", EXAMPLE]):
        r = run(*args)
        check(r.returncode == 2, f"usage error exit 2 for {args}", r)
        check(r.stderr.startswith(b"newsconv: "), f"usage message prefix for {args}", r)
    r = run("--help")
    check(r.returncode == 0 and b"--to" in r.stdout and b"--fetch-images" in r.stdout, "--help", r)
    r = run("--version")
    check(r.returncode == 0 and r.stdout.startswith(b"newsconv "), "--version", r)

    # a missing file fails with exit 1 and names the file; others still convert
    out = os.path.join(tmp, "o1")
    r = run("--to", "md", "-O", out, "/nonexistent/x.txt", EXAMPLE)
    check(r.returncode == 1, "missing input gives exit 1", r)
    check(b"newsconv: /nonexistent/x.txt: " in r.stderr, "error names the file", r)
    check(os.path.exists(os.path.join(out, "example.md")), "other input still converted", r)

    # default output is next to the input; the input is never overwritten
    d = os.path.join(tmp, "目录 with space")
    os.makedirs(d)
    src = os.path.join(d, "新闻 稿.txt")
    shutil.copy(EXAMPLE, src)
    r = run("--to", "md", src)
    check(r.returncode == 0 and os.path.exists(os.path.join(d, "新闻 稿.md")), "default output name beside input (CJK + space)", r)
    before = open(src, "rb").read()
    r = run("--to", "md", src, "-o", src)
    check(r.returncode == 1 and open(src, "rb").read() == before, "refuses to overwrite the input", r)
    check(not [f for f in os.listdir(d) if ".tmp-" in f], "no temporary files left behind")

    # an empty (or blank) file converts, with a warning naming it
    blank = os.path.join(tmp, "blank.txt")
    open(blank, "w").write("  \n\n")
    r = run("--to", "md", blank, "-o", os.path.join(tmp, "blank.md"))
    check(r.returncode == 0 and b"newsconv: " + blank.encode() + b": warning: the file is empty" in r.stderr,
          "an empty file: converted, with a warning", r)
    # --files-from that cannot be read says why
    r = run("--to", "md", "--files-from", tmp)
    check(r.returncode == 2 and b"cannot read: Is a directory" in r.stderr, "--files-from a directory", r)
    # missing directories of -o are created
    deep = os.path.join(tmp, "new", "dirs", "x.md")
    r = run("--to", "md", EXAMPLE, "-o", deep)
    check(r.returncode == 0 and os.path.exists(deep), "-o creates missing directories", r)

    # stdin to stdout, and -o -
    r = run("--to", "md", "-", stdin=open(EXAMPLE, "rb").read())
    check(r.returncode == 0 and r.stdout.startswith(b"---\n"), "stdin to stdout", r)
    r = run("--to", "json", EXAMPLE, "-o", "-")
    ok = r.returncode == 0
    try:
        doc = json.loads(r.stdout)
        check(doc["meta"]["title"] == "城市图书馆夜间开放试点满一年", "json title")
        check(doc["meta"]["date"] == "2024-04-12T09:30:00Z", "json date normalised")
        check(doc["meta"]["categories"] == [["新闻", "本地", "本地－文化"]], "json categories path")
        check(any(x["resolved"].startswith("https://img.example.org/") for x in doc["resources"]), "protocol-relative image resolved")
    except ValueError:
        check(False, "--to json prints valid JSON", r)
    check(ok, "--to json -o -", r)

    # several inputs with one -o: one book / archive
    a = os.path.join(tmp, "a.txt"); b = os.path.join(tmp, "b.txt")
    shutil.copy(EXAMPLE, a); shutil.copy(EXAMPLE, b)
    r = run("--to", "json", a, b, "-o", os.path.join(tmp, "both.json"))
    check(r.returncode == 0 and len(json.load(open(os.path.join(tmp, "both.json")))) == 2, "two inputs, one json", r)

    # an unwritable destination fails cleanly and leaves nothing behind
    ro = os.path.join(tmp, "ro")
    os.makedirs(ro)
    os.chmod(ro, 0o500)
    r = run("--to", "md", EXAMPLE, "-o", os.path.join(ro, "x.md"))
    if os.geteuid() != 0:  # root ignores directory permissions
        check(r.returncode == 1 and b"x.md" in r.stderr, "unwritable output: exit 1 naming the file", r)
    os.chmod(ro, 0o700)

    # a directory given as input is walked: several articles cannot share one .md
    r = run("--to", "md", tmp, "-o", os.path.join(tmp, "dir.md"))
    check(r.returncode == 2 and b"-O DIR" in r.stderr, "directory of articles into one .md refused", r)

    # A device or a FIFO as the output is written to, never replaced:
    # renaming a file over /dev/null (as root) turns it into a file.
    import stat, threading
    for fmt in ("md", "epub", "warc"):
        r = run("--to", fmt, EXAMPLE, "-o", os.devnull)
        check(r.returncode == 0 and stat.S_ISCHR(os.stat(os.devnull).st_mode),
              f"-o /dev/null ({fmt}): written, still a character device", r)
    fifo = os.path.join(tmp, "out.fifo")
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    r = run("--to", "md", EXAMPLE, "-o", fifo)
    reader.join(30)
    check(r.returncode == 0 and got and got[0].startswith(b"---") and stat.S_ISFIFO(os.stat(fifo).st_mode),
          "-o FIFO: the Markdown comes out of the pipe, which stays a pipe", r)
finally:
    shutil.rmtree(tmp, ignore_errors=True)

done("cli")
