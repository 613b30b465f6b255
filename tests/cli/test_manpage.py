"""The man page and the shell completions (doc/) against --help: every
option --help lists (and every name in main.c's option table) is in
newsconv.1, in the bash completion and in the zsh completion, so adding
an option and forgetting them fails here.  Then: groff finds nothing to
warn about, man -l renders the page, meson install puts the three files
under share/, bash completes `newsconv --to ` with the formats, zsh
parses its file."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, BUILD, check, done  # noqa: E402

MAN = os.path.join(SRC, "doc", "newsconv.1")
BASH = os.path.join(SRC, "doc", "completion", "newsconv.bash")
ZSH = os.path.join(SRC, "doc", "completion", "_newsconv")

# An option token: -x or --long-name, not inside a word or a date
# (2024-03-01, 0..N-1) and not a bare "-" (standard input).
OPT_RE = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*[a-z0-9]|-[a-zA-Z0-9])(?![\w-])")


def help_options(real):
    """The options --help names.  Its text also quotes other programs'
    options ("sort -m"), so a token counts only when main.c parses it."""
    r = subprocess.run([NC, "--help"], capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, "--help exits 0", r)
    return set(OPT_RE.findall(r.stdout)) & real


def short_options():
    """The letters of main.c's getopt_long optstring, as -x."""
    with open(os.path.join(SRC, "src", "main.c"), encoding="utf-8") as f:
        m = re.search(r'getopt_long\(argc, argv, "([^"]*)"', f.read())
    check(m, "main.c's getopt_long optstring found")
    return {"-" + c for c in (m.group(1) if m else "") if c not in ":"}


def table_options():
    """The long names of main.c's getopt table (--output, --output-dir
    are there but not in --help's text)."""
    with open(os.path.join(SRC, "src", "main.c"), encoding="utf-8") as f:
        return {"--" + m for m in re.findall(r'^\s*\{"([a-z0-9-]+)",\s*(?:no|required|optional)_argument',
                                             f.read(), re.M)}


def man_text():
    """The roff source with escapes undone: \\- is -, fonts dropped."""
    with open(MAN, encoding="utf-8") as f:
        s = f.read()
    s = re.sub(r"\\f[BIRP]|\\f\(..|\\c|\\&|\\~|\\\|", lambda m: " " if m.group() == "\\~" else "", s)
    return s.replace("\\-", "-")


def tokens(text):
    return set(OPT_RE.findall(text))


def check_lists(opts):
    man = tokens(man_text())
    with open(BASH, encoding="utf-8") as f:
        bash = tokens(f.read())
    with open(ZSH, encoding="utf-8") as f:
        zsh_src = f.read()
    # zsh specs: '--to=[...]', {-o+,--output=}, '(-q --quiet)': any spelling.
    zsh = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*[a-z0-9]|-[a-zA-Z0-9])(?=[=+\[,}' )])", zsh_src))
    for o in sorted(opts):
        check(o in man, f"man page lists {o}")
        check(o in bash, f"bash completion lists {o}")
        check(o in zsh, f"zsh completion lists {o}")


def check_roff():
    r = subprocess.run(["groff", "-man", "-ww", "-z", MAN], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and not r.stdout and not r.stderr,
          "groff -man -ww -z doc/newsconv.1 prints nothing", r.stderr or r.stdout)
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
    env.pop("MAN_KEEP_FORMATTING", None)  # any value keeps the overstrike
    r = subprocess.run(["man", "-l", MAN], capture_output=True, text=True, timeout=60, env=env)
    out = r.stdout
    check(r.returncode == 0 and "NEWSCONV(1)" in out, "man -l renders the page", r)
    for sect in ("NAME", "SYNOPSIS", "DESCRIPTION", "INPUTS", "FORMATS", "OPTIONS", "EXIT STATUS",
                 "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"):
        check(re.search(rf"^{sect}$", out, re.M), f"man page has the section {sect}")


def check_env_documented():
    """Every variable src/ reads with getenv is in ENVIRONMENT."""
    names = set()
    for root, _, files in os.walk(os.path.join(SRC, "src")):
        for fn in files:
            if fn.endswith(".c"):
                with open(os.path.join(root, fn), encoding="utf-8", errors="replace") as f:
                    names |= set(re.findall(r'getenv\("([A-Z_]+)"\)', f.read()))
    env_part = man_text().split(".SH ENVIRONMENT", 1)[-1].split(".SH ", 1)[0]
    for n in sorted(names):
        check(n in env_part, f"man page ENVIRONMENT names {n}")


def check_install():
    if not BUILD or not shutil.which("meson"):
        check(False, "meson install: BUILD_ROOT and meson are there")
        return
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run(["meson", "install", "-C", BUILD, "--destdir", d, "--no-rebuild", "--quiet"],
                           capture_output=True, text=True, timeout=300)
        check(r.returncode == 0, "meson install --destdir runs", r)
        found = {}
        for root, _, files in os.walk(d):
            for fn in files:
                p = os.path.relpath(os.path.join(root, fn), d)
                found[p.split("/share/", 1)[-1] if "/share/" in p else p] = os.path.join(root, fn)
        for want, src in (("man/man1/newsconv.1", MAN), ("bash-completion/completions/newsconv", BASH),
                          ("zsh/site-functions/_newsconv", ZSH),
                          ("newsconv/daily-paper.sh", os.path.join(SRC, "doc", "daily", "daily-paper.sh"))):
            got = found.get(want)
            check(got is not None, f"meson install puts share/{want}", sorted(found)[:20])
            if got:
                with open(got, "rb") as a, open(src, "rb") as b:
                    check(a.read() == b.read(), f"share/{want} is doc/'s file")


def bash_complete(words, cword):
    """COMPREPLY of _newsconv for COMP_WORDS=words, COMP_CWORD=cword."""
    arr = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    script = (f'source "$1" || exit 3; complete -p newsconv || exit 4; '
              f'COMP_WORDS=({arr}); COMP_CWORD={cword}; _newsconv; printf "%s\\n" "${{COMPREPLY[@]}}"')
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash", BASH],
                       capture_output=True, text=True, timeout=30, cwd=SRC)
    return r, [w for w in r.stdout.splitlines() if w and not w.startswith("complete ")]


def check_bash(opts):
    r, got = bash_complete(["newsconv", "--to", ""], 2)
    check(r.returncode == 0 and "complete -F _newsconv newsconv" in r.stdout,
          "bash: complete -p newsconv after sourcing", r)
    check(sorted(got) == sorted("md epub warc wacz json".split()),
          "bash: `newsconv --to ` offers md epub warc wacz json", got)
    _, got = bash_complete(["newsconv", "--to", "=", "wa"], 3)
    check(sorted(got) == ["wacz", "warc"], "bash: `newsconv --to=wa` offers warc wacz", got)
    for opt, want in (("--from", "auto html md feed warc opml"), ("--sort", "date input newest"),
                      ("--group", "source category day none"), ("--extract", "auto on off")):
        _, got = bash_complete(["newsconv", opt, ""], 2)
        check(sorted(got) == sorted(want.split()), f"bash: `newsconv {opt} ` offers {want}", got)
    _, got = bash_complete(["newsconv", "-"], 1)
    check(opts <= set(got), "bash: `newsconv -` offers every option", sorted(opts - set(got)))
    _, got = bash_complete(["newsconv", "--to", "epub", "doc/completion/_news"], 3)
    check(got == ["doc/completion/_newsconv"], "bash: an input completes as a file name", got)
    _, got = bash_complete(["newsconv", "-O", "do"], 2)
    check(got == ["doc"], "bash: -O completes a folder", got)


def check_zsh():
    if not shutil.which("zsh"):
        check(False, "zsh is installed (tools/deps.sh)")
        return
    r = subprocess.run(["zsh", "-n", ZSH], capture_output=True, text=True, timeout=30)
    check(r.returncode == 0 and not r.stderr, "zsh -n parses doc/completion/_newsconv", r)
    with open(ZSH, encoding="utf-8") as f:
        first = f.readline()
    check(first.strip() == "#compdef newsconv", "zsh: the file starts with #compdef newsconv", first)


def main():
    table = table_options() | short_options()
    helped = help_options(table)
    check({"--to", "--from", "--help", "-o", "-O", "-0"} <= helped, "--help's options are parsed", sorted(helped))
    opts = helped | table
    check_lists(opts)
    check_roff()
    check_env_documented()
    check_install()
    check_bash(opts)
    check_zsh()
    done("manpage")


main()
