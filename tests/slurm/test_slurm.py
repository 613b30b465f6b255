#!/usr/bin/env python3
"""A one-node Slurm cluster on this machine (munged, slurmctld, slurmd, all
in a temp dir, on free high ports) runs newsconv as a 4-task array job with
--shard I/4 over the shared corpus.  The shards, concatenated, hold the same
payloads as one single-process run, pass check_warc.py and warcio, and their
CDXJ files merged with `sort -m` equal the single run's index.  Skips (77)
unless root with slurm-wlm and munge installed and NC_SHARED/corpus present.
Every daemon started is stopped by its PID in the finally: block."""
import gzip, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from nctest import NC, SRC, BUILD, SHARED, check, done  # noqa: E402

NTASKS = 4
EPOCH = "1700000000"
CORPUS = os.path.join(SHARED, "corpus") if SHARED else ""
CHECK = os.path.join(SHARED, "tools", "check_warc.py") if SHARED else ""
NPM = os.environ.get("NC_NPM_DIR", os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "newsconv-test", "npm"))
WARCIO = os.path.join(NPM, "node_modules", ".bin", "warcio")


def skip(why):
    print("SKIP:", why)
    sys.exit(77)


if os.geteuid() != 0:
    skip("needs root to run slurmd/slurmctld/munged")
for prog in ("munged", "slurmctld", "slurmd", "sbatch", "sinfo", "scontrol"):
    if shutil.which(prog) is None and not os.path.exists("/usr/sbin/" + prog):
        skip(f"{prog} not installed (tools/deps.sh installs slurm-wlm and munge)")
if not CORPUS or not os.path.isdir(CORPUS):
    skip("NC_SHARED/corpus is absent")


def prog(name):
    return shutil.which(name) or "/usr/sbin/" + name


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("", 0))
        return s.getsockname()[1]


def tail(path, n=20):
    try:
        return "".join(open(path, errors="replace").readlines()[-n:])
    except OSError:
        return f"({path} unreadable)"


def wait_for(cond, seconds, step=0.25):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


def warc_records(path):
    """(WARC-Type, WARC-Payload-Digest) of every record; works across gzip members."""
    raw = open(path, "rb").read()
    data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    out, pos = [], 0
    while pos < len(data):
        end = data.index(b"\r\n\r\n", pos)
        head = data[pos:end].decode("utf-8", "replace").split("\r\n")[1:]
        fields = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in head)}
        out.append((fields.get("warc-type"), fields.get("warc-payload-digest")))
        pos = end + 4 + int(fields["content-length"]) + 4
    return out


def cdx_norm(line):
    """A CDXJ line without the fields that depend on which file holds the record:
    filename and offset, and length too: a record's WARC-Record-ID is seeded by
    its place in its file, so its gzip member can differ by a byte or two."""
    key, ts, js = line.rstrip("\n").split(" ", 2)
    j = json.loads(js)
    for k in ("filename", "offset", "length"):
        j.pop(k, None)
    return (key, ts, json.dumps(j, sort_keys=True))


tmp = tempfile.mkdtemp(prefix="nc-slurm-")
os.chmod(tmp, 0o700)
daemons = []          # (name, Popen), in start order
jobid = None
job_done = False      # sbatch --wait came back: nothing of ours is still running
env = None
t_start = time.time()
try:
    # --- munge ----------------------------------------------------------
    mdir = os.path.join(tmp, "munge")
    os.mkdir(mdir, 0o700)
    key = os.path.join(mdir, "munge.key")
    subprocess.run(["dd", "if=/dev/urandom", f"of={key}", "bs=1024", "count=1"],
                   check=True, capture_output=True, timeout=10)
    os.chmod(key, 0o400)
    msock = os.path.join(mdir, "munge.socket")
    mlog = os.path.join(mdir, "munged.log")
    # -F keeps munged in the foreground so the PID we hold is the daemon's.
    munged = subprocess.Popen([prog("munged"), "-F", "-f", "--key-file", key, "--socket", msock,
                               "--pid-file", os.path.join(mdir, "munged.pid"), "--log-file", mlog,
                               "--seed-file", os.path.join(mdir, "munged.seed")],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(mdir, "munged.stderr"), "w"))
    daemons.append(("munged", munged))
    if not wait_for(lambda: os.path.exists(msock) or munged.poll() is not None, 15) or munged.poll() is not None:
        raise RuntimeError("munged did not start: " + tail(mlog) + tail(os.path.join(mdir, "munged.stderr")))

    # --- slurm.conf -----------------------------------------------------
    host = subprocess.run(["hostname", "-s"], capture_output=True, text=True, timeout=10).stdout.strip()
    node = subprocess.run([prog("slurmd"), "-C"], capture_output=True, text=True, timeout=20).stdout.splitlines()[0]
    nodename = re.search(r"NodeName=(\S+)", node).group(1)
    cpus = re.search(r"\bCPUs=(\d+)", node).group(1)
    mem = re.search(r"RealMemory=(\d+)", node).group(1)
    sdir = os.path.join(tmp, "slurm")
    for d in ("state", "spool", "out"):
        os.makedirs(os.path.join(sdir, d))
    ctl_port, d_port = free_port(), free_port()
    while d_port == ctl_port:
        d_port = free_port()
    conf = os.path.join(sdir, "slurm.conf")
    open(conf, "w").write(f"""\
ClusterName=nctest
SlurmctldHost={host}
SlurmctldPort={ctl_port}
SlurmdPort={d_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={msock}
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation={sdir}/state
SlurmdSpoolDir={sdir}/spool
SlurmctldPidFile={sdir}/slurmctld.pid
SlurmdPidFile={sdir}/slurmd.pid
SlurmctldLogFile={sdir}/slurmctld.log
SlurmdLogFile={sdir}/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MailProg=/bin/true
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
NodeName={nodename} NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={mem} State=UNKNOWN
PartitionName=nctest Nodes={nodename} Default=YES MaxTime=INFINITE State=UP
""")
    env = dict(os.environ, SLURM_CONF=conf, SOURCE_DATE_EPOCH=EPOCH)

    def start(name, args):
        p = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=open(os.path.join(sdir, name + ".stderr"), "w"))
        daemons.append((name, p))
        return p

    ctld = start("slurmctld", [prog("slurmctld"), "-D", "-c", "-f", conf])
    slurmd = start("slurmd", [prog("slurmd"), "-D", "-f", conf])

    def node_state():
        r = subprocess.run(["sinfo", "-h", "-N", "-o", "%t"], env=env, capture_output=True, text=True, timeout=10)
        return r.stdout.strip()

    t_up = time.time()
    up = wait_for(lambda: ctld.poll() is not None or slurmd.poll() is not None or node_state() == "idle", 30, 0.5)
    if not up or ctld.poll() is not None or slurmd.poll() is not None:
        raise RuntimeError(f"node not idle within 30 s (state {node_state()!r})\n--- slurmctld\n"
                           + tail(os.path.join(sdir, "slurmctld.log")) + tail(os.path.join(sdir, "slurmctld.stderr"))
                           + "--- slurmd\n" + tail(os.path.join(sdir, "slurmd.log")) + tail(os.path.join(sdir, "slurmd.stderr")))
    print(f"cluster up: node {nodename} idle after {time.time() - t_up:.1f}s (ports {ctl_port}/{d_port})")

    # --- the array job --------------------------------------------------
    out = os.path.join(sdir, "out")
    script = os.path.join(sdir, "shard.sh")
    open(script, "w").write(f"""\
#!/bin/sh
export SOURCE_DATE_EPOCH={EPOCH}
I=$SLURM_ARRAY_TASK_ID
'{NC}' -q --shard $I/{NTASKS} --to warc '{CORPUS}' -o '{out}'/shard-$I.warc.gz --cdx '{out}'/shard-$I.cdxj
rc=$?
echo $rc > '{out}'/rc-$I
exit $rc
""")
    os.chmod(script, 0o755)
    t_job = time.time()
    r = subprocess.run(["sbatch", "--parsable", "--wait", f"--array=0-{NTASKS - 1}", "--job-name=newsconv",
                        "--chdir", sdir, "--output", os.path.join(out, "slurm-%A_%a.out"), script],
                       env=env, capture_output=True, text=True, timeout=90)
    jobid = (r.stdout.strip().splitlines() or [""])[0].split(";")[0] or None
    job_done = True
    check(r.returncode == 0, "sbatch --wait: every array task succeeded", r)
    print(f"array job {jobid}: {NTASKS} tasks in {time.time() - t_job:.1f}s")
    rcs = {}
    for i in range(NTASKS):
        try:
            rcs[i] = open(os.path.join(out, f"rc-{i}")).read().strip()
        except OSError:
            rcs[i] = None
    check(all(v == "0" for v in rcs.values()), f"each task's newsconv exited 0 ({rcs})")
    if jobid:
        s = subprocess.run(["scontrol", "-o", "show", "job", jobid], env=env, capture_output=True, text=True, timeout=10)
        states = re.findall(r"ArrayTaskId=(\d+) .*?JobState=(\S+) .*?ExitCode=(\S+)", s.stdout)
        check(len(states) == NTASKS and all(st == "COMPLETED" and ec == "0:0" for _, st, ec in states),
              f"scontrol: all {NTASKS} array tasks COMPLETED 0:0", states or s.stdout[:400] + s.stderr[:200])
    for i in range(NTASKS):
        log = os.path.join(out, f"slurm-{jobid}_{i}.out")
        if os.path.exists(log) and os.path.getsize(log):
            print(f"task {i} output:", tail(log, 5))

    # --- the single-process reference ------------------------------------
    ref = os.path.join(tmp, "single")
    os.mkdir(ref)
    single, single_cdx = os.path.join(ref, "all.warc.gz"), os.path.join(ref, "all.cdxj")
    r = subprocess.run([NC, "-q", "--to", "warc", CORPUS, "-o", single, "--cdx", single_cdx],
                       env=env, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "single-process run", r)

    shards = [os.path.join(out, f"shard-{i}.warc.gz") for i in range(NTASKS)]
    have = [s for s in shards if os.path.exists(s)]
    check(len(have) == NTASKS, f"all {NTASKS} shard archives written ({len(have)})")
    cat = os.path.join(tmp, "cat.warc.gz")
    with open(cat, "wb") as f:
        for s in have:
            f.write(open(s, "rb").read())

    recs_cat, recs_one = warc_records(cat), warc_records(single)
    dig_cat = {d for t, d in recs_cat if t != "warcinfo"}
    dig_one = {d for t, d in recs_one if t != "warcinfo"}
    check(len(dig_one) > 0 and dig_cat == dig_one,
          f"payload digests: shards {len(dig_cat)} == single {len(dig_one)}",
          f"only in shards {sorted(dig_cat - dig_one)[:3]}, only in single {sorted(dig_one - dig_cat)[:3]}")
    n_cat = len([1 for t, _ in recs_cat if t != "warcinfo"])
    n_one = len([1 for t, _ in recs_one if t != "warcinfo"])
    check(n_cat == n_one, f"same number of non-warcinfo records ({n_cat} vs {n_one})")
    check(len([1 for t, _ in recs_cat if t == "warcinfo"]) == NTASKS, "one warcinfo record per shard")

    if os.path.exists(CHECK):
        c = subprocess.run([sys.executable, CHECK, cat], capture_output=True, text=True, timeout=120)
        check(c.returncode == 0 and re.search(r"\b0 errors\b", c.stdout), "check_warc.py: the concatenation has 0 errors",
              c.stdout[:600])
    else:
        check(False, f"{CHECK} missing")

    if os.path.exists(WARCIO):
        w = subprocess.run([WARCIO, "index", cat], capture_output=True, text=True, timeout=120)
        n = len([l for l in w.stdout.splitlines() if l.strip()])
        check(w.returncode == 0 and n == len(recs_cat), f"warcio index reads all {len(recs_cat)} records (got {n})",
              w.stderr[:300])
    else:
        print(f"warcio not at {WARCIO}: independent-parser check skipped")

    cdxs = [os.path.join(out, f"shard-{i}.cdxj") for i in range(NTASKS)]
    m = subprocess.run(["sort", "-m", *[c for c in cdxs if os.path.exists(c)]], env=dict(env, LC_ALL="C"),
                       capture_output=True, timeout=60)
    check(m.returncode == 0, "sort -m of the shard CDXJ files", m)
    merged = m.stdout.decode().splitlines()
    check(merged == sorted(merged), "the merged CDXJ is sorted (byte order)")
    one = open(single_cdx).read().splitlines()
    check(len(merged) == len(one) and sorted(map(cdx_norm, merged)) == sorted(map(cdx_norm, one)),
          f"merged CDXJ == single run's CDXJ but for filename/offset/length ({len(merged)} vs {len(one)} lines)")
    check([cdx_norm(l)[:2] for l in merged] == [cdx_norm(l)[:2] for l in one], "same key order as the single run")
except Exception as e:  # a failure to bring the cluster up is a test failure, after cleanup
    check(False, f"{type(e).__name__}: {e}")
finally:
    if env is not None and not job_done and daemons and daemons[-1][1].poll() is None:
        # The cluster is private (SLURM_CONF in tmp): cancel whatever is left on it,
        # so no slurmstepd outlives slurmd, and give the steps a moment to go.
        try:
            subprocess.run(["scancel", "--user", "root"], env=env, capture_output=True, timeout=10)
            wait_for(lambda: not subprocess.run(["squeue", "-h"], env=env, capture_output=True, text=True,
                                                timeout=10).stdout.strip(), 15, 0.5)
        except Exception as e:
            print("scancel:", e)
    for name, p in reversed(daemons):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                print(f"{name} ({p.pid}) ignored SIGTERM; killing it")
                p.kill()
                p.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)
print(f"slurm test took {time.time() - t_start:.1f}s")
done("slurm")
