#!/usr/bin/env python3
"""README "A daily paper" (issue 22): doc/daily/daily-paper.sh and its
systemd units.  The units pass systemd-analyze verify (with ExecStart
pointed at this checkout's script) and the timer's calendar parses; the
script, run for nine days in a row (SOURCE_DATE_EPOCH) over a feed
whose items span those days, leaves the newest seven papers, each
holding exactly its own day's items (full text tried, and refused for
a loopback link, only for the day's items: the summary kept, exit 0); a rerun of a
day replaces its paper; the papers pass epubcheck; a bad KEEP is a
usage error."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, check, done, epubcheck  # noqa: E402

DAILY = os.path.join(SRC, "doc", "daily")
SCRIPT = os.path.join(DAILY, "daily-paper.sh")
T = tempfile.mkdtemp(prefix="nc-daily-")
DAY0 = 1709942400  # 2024-03-09 00:00:00 UTC
DAYS = 9


def day_name(k):
    return f"2024-03-{9 + k:02d}"


def feed():
    """Two items on each day k (06:00 and 18:00 UTC), newest first."""
    items = []
    for k in reversed(range(DAYS)):
        for hour in (18, 6):
            t = DAY0 + k * 86400 + hour * 3600
            stamp = subprocess.run(["date", "-u", "-R", "-d", f"@{t}"], capture_output=True, text=True).stdout.strip()
            items.append(f"""<item><title>News of {day_name(k)} at {hour}h</title>
<link>http://127.0.0.1:9/{day_name(k)}/{hour}</link><pubDate>{stamp}</pubDate>
<description>&lt;p&gt;What happened on {day_name(k)} at {hour}h, in one paragraph.&lt;/p&gt;</description></item>""")
    return ("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Town crier</title>"
            "<link>http://127.0.0.1:9/</link><description>d</description>" + "".join(items) + "</channel></rss>")


def run(day_k, *extra):
    """The script as the timer runs it, on the morning after day k."""
    env = dict(os.environ, NEWSCONV=NC, SOURCE_DATE_EPOCH=str(DAY0 + (day_k + 1) * 86400 + 6 * 3600))
    return subprocess.run(["sh", SCRIPT, os.path.join(T, "subs.xml"), os.path.join(T, "papers"), *extra],
                          capture_output=True, text=True, timeout=120, env=env)


def titles(book):
    with zipfile.ZipFile(book) as z:
        nav = z.read("OEBPS/nav.xhtml").decode()
    return re.findall(r"News of [0-9-]+ at \d+h", nav)


def check_units():
    if not shutil.which("systemd-analyze"):
        check(False, "systemd-analyze is installed (systemd, tools/deps.sh)")
        return
    d = os.path.join(T, "units")
    os.makedirs(d)
    for name in ("newsconv-paper.service", "newsconv-paper.timer"):
        with open(os.path.join(DAILY, name)) as f:
            text = f.read().replace("/usr/local/share/newsconv/daily-paper.sh", SCRIPT)
        with open(os.path.join(d, name), "w") as f:
            f.write(text)
    r = subprocess.run(["systemd-analyze", "verify", os.path.join(d, "newsconv-paper.timer"),
                        os.path.join(d, "newsconv-paper.service")], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and not r.stderr.strip() and not r.stdout.strip(),
          "systemd-analyze verify: the timer and the service, no complaint", r.stderr or r.stdout)
    with open(os.path.join(DAILY, "newsconv-paper.timer")) as f:
        cal = re.search(r"^OnCalendar=(.*)$", f.read(), re.M)
    r = subprocess.run(["systemd-analyze", "calendar", cal.group(1) if cal else "?"], capture_output=True,
                       text=True, timeout=30)
    check(r.returncode == 0, "systemd-analyze calendar: the timer's OnCalendar parses", r.stderr)


def check_papers():
    with open(os.path.join(T, "subs.xml"), "w") as f:
        f.write(feed())
    for k in range(DAYS):
        r = run(k, "3" if k == 0 else "7")
        check(r.returncode == 0, f"day {day_name(k)}: the script exits 0", r.stderr)
        tried = sorted(set(re.findall(r"127\.0\.0\.1:9/([0-9-]+/\d+)", r.stderr)))
        check(tried == sorted(f"{day_name(k)}/{h}" for h in (6, 18)),
              f"day {day_name(k)}: full text tried (and refused) for the day's two items only, "
              "no other day's page fetched", tried)
    papers = os.path.join(T, "papers")
    got = sorted(f for f in os.listdir(papers) if not f.startswith("."))
    want = [f"paper-{day_name(k)}.epub" for k in range(DAYS - 7, DAYS)]
    check(got == want, "the newest 7 papers are kept, nothing else", got)
    for k in range(DAYS - 7, DAYS):
        book = os.path.join(papers, f"paper-{day_name(k)}.epub")
        if os.path.exists(book):
            check(sorted(titles(book)) == sorted(f"News of {day_name(k)} at {h}h" for h in (6, 18)),
                  f"paper {day_name(k)}: its own day's two items only", titles(book))
    last = os.path.join(papers, f"paper-{day_name(DAYS - 1)}.epub")
    before = os.stat(last).st_ino if os.path.exists(last) else None
    r = run(DAYS - 1)
    check(r.returncode == 0 and os.path.exists(last) and os.stat(last).st_ino != before,
          "a rerun of a day replaces its paper", r.stderr)
    epubcheck([os.path.join(papers, f) for f in want if os.path.exists(os.path.join(papers, f))])
    r = run(0, "seven")
    check(r.returncode == 2 and "KEEP" in r.stderr, "a KEEP that is not a number: exit 2 and why", r)
    r = subprocess.run(["sh", SCRIPT], capture_output=True, text=True, timeout=30)
    check(r.returncode == 2 and "usage" in r.stderr, "no arguments: usage, exit 2", r)


try:
    check_units()
    check_papers()
finally:
    shutil.rmtree(T, ignore_errors=True)
done("daily")
