"""Backup benchmark: ChatVault vs restic, borg and `cp -r`, side by side on one generated vault.

Scale 1.0 = the issue's size: a 500 MiB database (1M messages) and 2 GiB of media in 2,000 files.
Steps per tool (as ../shared/bench/backup_peers.sh): 1 first backup, 2 no-change backup, 3 backup
after 1 % of the database's pages changed + 20 new 1 MiB media files, 4 verify with full read,
5 restore (checked byte for byte), stored bytes after each step, peak RSS (/usr/bin/time -v).
The page change is real: random messages are rewritten through SQLCipher until 1 % of the pages
differ, so the database stays valid; every tool sees the same before/after files.
ChatVault also runs steps 1-3 against a local SeaweedFS S3 server, as restic does.

Usage: .venv/bin/python bench/backup_bench.py [--scale 1.0] [--tools cv,restic,borg,cp,cv-s3,restic-s3]
The set-up step apt-installs restic and borgbackup when they are missing (needs root).
The vault is created with the test KDF cost (CHATVAULT_INSECURE_FAST_KDF=1) so that Argon2id's
256 MiB unlock does not dominate the RSS column; a real vault adds it once per process, and the
bench measures the no-change run once more with the real cost (`chatvault passwd` without the
test setting) to show the whole cron'd command as a user runs it.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, print_table, write_results

os.environ["CHATVAULT_INSECURE_FAST_KDF"] = "1"
sys.path.insert(0, str(ROOT))
PASS = "bench-only-passphrase"
MiB = 1024 * 1024
PY = sys.executable


def setup_tools(wanted: list[str]) -> dict[str, str]:
    """Install restic/borg when a requested tool needs them (apt, as root); return their versions."""
    missing = [pkg for tool, pkg in (("restic", "restic"), ("borg", "borgbackup"))
               if not shutil.which(tool) and any(t.split("-")[0] == tool for t in wanted)]
    if missing and os.geteuid() == 0:
        print(f"installing {' '.join(missing)} with apt-get", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
                       check=False, capture_output=True)
    versions = {}
    for tool, args in (("restic", ["version"]), ("borg", ["--version"])):
        if shutil.which(tool):
            versions[tool] = subprocess.run([tool, *args], capture_output=True, text=True).stdout.strip()
    return versions


# --- data ------------------------------------------------------------------------------------
def generate(root: Path, scale: float, seed: int = 20261123) -> dict:
    from chatvault.vault.vault import create_vault

    r = random.Random(seed)
    vault, _ = create_vault(root / "vault", PASS)
    conn = vault.connect()
    n_msgs = max(1000, int(1_000_000 * scale))
    target_db = 500 * MiB * scale
    conn.execute("INSERT INTO sources(app, account, created_at) VALUES ('bench', 'me', 0)")
    for c in range(50):
        conn.execute("INSERT INTO conversations(source_id, source_key, title, created_at) VALUES (1, ?, ?, 0)",
                     (f"c{c}", f"Chat {c}"))
    words = ["hello", "你好", "backup", "tomorrow", "photo", "meeting", "晚安", "ok", "lunch", "vault"]
    per_msg = int(target_db / n_msgs * 0.85)
    batch = []
    conn.execute("BEGIN")
    for i in range(n_msgs):
        text = " ".join(r.choice(words) for _ in range(per_msg // 6))[:per_msg]
        batch.append((1 + i % 50, f"m{i}", 1_600_000_000_000 + i * 1000, text))
        if len(batch) == 5000:
            conn.executemany("INSERT INTO messages(conversation_id, source_key, ts, text) VALUES (?, ?, ?, ?)", batch)
            batch.clear()
    if batch:
        conn.executemany("INSERT INTO messages(conversation_id, source_key, ts, text) VALUES (?, ?, ?, ?)", batch)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    conn.close()
    # media: real CVB1 blobs of random content (a backup authenticates each), sizes as backup_peers.sh
    n_files = max(20, int(2000 * scale))
    total = int(2048 * MiB * scale)
    lo, hi = 10 * 1024, 50 * MiB

    def logu(a: float, b: float) -> int:
        return int(math.exp(r.uniform(math.log(a), math.log(b))))

    n_small, n_med = round(n_files * 0.70), round(n_files * 0.25)
    sizes = [logu(10e3, 300e3) for _ in range(n_small)] + [logu(300e3, 3 * MiB) for _ in range(n_med)]
    sizes += [logu(3 * MiB, 50 * MiB) for _ in range(n_files - n_small - n_med)]
    for _ in range(50):
        f = total / sum(sizes)
        sizes = [min(hi, max(lo, int(s * f))) for s in sizes]
    for s in sizes:
        write_blob(vault, s)
    vault.lock()
    return {"messages": n_msgs, "db_mib": pages * 4096 / MiB, "media_files": len(sizes),
            "media_mib": sum(sizes) / MiB}


class _RandomStream:
    def __init__(self, n: int) -> None:
        self.left = n

    def read(self, k: int = -1) -> bytes:
        k = self.left if k < 0 else min(k, self.left)
        self.left -= k
        return os.urandom(k)


def write_blob(vault: object, n: int) -> Path:
    """A media blob of `n` random bytes, encrypted into the vault's store as an import would."""
    from chatvault.media.blobstore import BlobStore

    store = BlobStore(vault)
    return store.path_for(store.put(_RandomStream(n)).id)  # type: ignore[arg-type]


def add_destinations(work: Path, s3: object | None) -> None:
    """ChatVault keeps its destinations in the vault: add them before the change is recorded."""
    from chatvault.backup import destinations as dests
    from chatvault.vault.vault import open_vault

    vault = open_vault(work / "vault", PASS)
    conn = vault.connect()
    dests.add_destination(conn, "bench", "folder", {"path": str(work / "backup-cv")})
    if s3 is not None:
        dests.add_destination(conn, "bench-s3", "s3", {"bucket": "bench-cv-s3", "endpoint": s3.endpoint})  # type: ignore[attr-defined]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    vault.lock()


def make_change(vault_dir: Path, state: Path, seed: int = 7) -> dict:
    """Rewrite random messages through SQLCipher until 1 % of the pages differ; save before/after."""
    from chatvault.vault.vault import open_vault

    shutil.copy2(vault_dir / "vault.db", state / "before.db")
    before = (vault_dir / "vault.db").read_bytes()
    npages = len(before) // 4096
    goal = max(1, npages // 100)
    r = random.Random(seed)
    vault = open_vault(vault_dir, PASS)
    conn = vault.connect()
    n_msgs = int(conn.execute("SELECT max(id) FROM messages").fetchone()[0])
    changed = 0
    while changed < goal:
        ids = r.sample(range(1, n_msgs + 1), max(1, (goal - changed)))
        conn.execute("BEGIN")
        conn.executemany("UPDATE messages SET text = text || '!' WHERE id = ?", [(i,) for i in ids])
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        after = (vault_dir / "vault.db").read_bytes()
        changed = sum(1 for p in range(min(npages, len(after) // 4096))
                      if before[p * 4096:(p + 1) * 4096] != after[p * 4096:(p + 1) * 4096])
        changed += max(0, len(after) // 4096 - npages)
    conn.close()
    vault.lock()
    for suffix in ("-wal", "-shm"):
        (vault_dir / f"vault.db{suffix}").unlink(missing_ok=True)
    shutil.copy2(vault_dir / "vault.db", state / "after.db")
    shutil.copy2(state / "before.db", vault_dir / "vault.db")
    return {"pages": npages, "changed_pages": changed, "changed_mib": changed * 4096 / MiB}


def apply_change(vault_dir: Path, state: Path) -> list[Path]:
    from chatvault.vault.vault import open_vault

    vault = open_vault(vault_dir, PASS)  # the new blobs first: opening the vault may touch vault.db
    try:
        new = [write_blob(vault, MiB) for _ in range(20)]
    finally:
        vault.lock()
    for suffix in ("-wal", "-shm"):
        (vault_dir / f"vault.db{suffix}").unlink(missing_ok=True)
    shutil.copyfile(state / "after.db", vault_dir / "vault.db")
    return new


def revert_change(vault_dir: Path, state: Path, new: list[Path]) -> None:
    shutil.copyfile(state / "before.db", vault_dir / "vault.db")
    for p in new:
        p.unlink()
        for d in (p.parent, p.parent.parent):  # media/ab/cd made for it (blob ids differ each time)
            if not any(d.iterdir()):
                d.rmdir()
    for suffix in ("-wal", "-shm"):
        (vault_dir / f"vault.db{suffix}").unlink(missing_ok=True)


# --- measuring -------------------------------------------------------------------------------
def du(path: Path) -> int:
    if not path.exists():
        return 0
    return int(subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True).stdout.split()[0])


def measure(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> dict:
    tf = tempfile.NamedTemporaryFile(delete=False)
    tf.close()
    subprocess.run(["sync"])
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v", "-o", tf.name, *cmd], env=env, cwd=cwd, capture_output=True, text=True)
    subprocess.run(["sync"])
    wall = time.perf_counter() - t0
    rss = 0
    for line in Path(tf.name).read_text().splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.split(":")[1]) // 1024
    os.unlink(tf.name)
    if p.returncode != 0:
        print(f"  !! {' '.join(cmd[:6])} failed ({p.returncode}): {p.stderr[-600:]} {p.stdout[-600:]}", flush=True)
    return {"s": wall, "rss": rss, "rc": p.returncode, "out": p.stdout}


def run_tool(tool: str, data: Path, work: Path, state: Path, s3: object | None) -> dict:
    B, R = work / f"backup-{tool}", work / f"restore-{tool}"
    shutil.rmtree(B, ignore_errors=True)
    shutil.rmtree(R, ignore_errors=True)
    env = dict(os.environ, CHATVAULT_PASSPHRASE=PASS, CHATVAULT_VAULT=str(data), RESTIC_PASSWORD=PASS,
               BORG_PASSPHRASE=PASS, RESTIC_CACHE_DIR=str(work / "restic-cache"), BORG_BASE_DIR=str(work / "borg-home"),
               BORG_RELOCATED_REPO_ACCESS_IS_OK="yes", XDG_CACHE_HOME=str(work / "xdg"),
               PYTHONPYCACHEPREFIX=str(work / "pycache"))
    # an installed ChatVault has compiled .pyc files; this tree (PYTHONDONTWRITEBYTECODE) may not, and
    # compiling ~130 modules on every start would add ~0.2 s to each step: the first step writes them
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cv = [PY, "-m", "chatvault"]
    res: dict = {}
    bucket_url = ""
    if tool in ("cv-s3", "restic-s3"):
        env.update(s3.env())  # type: ignore[attr-defined]
        bucket_url = f"bench-{tool}"
        s3.make_bucket(bucket_url)  # type: ignore[attr-defined]
    if tool == "cv":  # the destinations were added before the change was made (they are in both images)
        B.mkdir()
        steps = {"first": [*cv, "backup", "run", "--json", "bench"],
                 "verify": [*cv, "backup", "verify", "--read-data", "bench"],
                 "restore": [*cv, "restore", "latest", "--from-folder", str(B), "--to", str(R)]}
    elif tool == "cv-s3":
        steps = {"first": [*cv, "backup", "run", "--json", "bench-s3"]}
    elif tool == "restic":
        subprocess.run(["restic", "-r", str(B), "init"], env=env, check=True, capture_output=True)
        steps = {"first": ["restic", "-r", str(B), "backup", "--host", "bench", str(data)],
                 "verify": ["restic", "-r", str(B), "check", "--read-data"],
                 "restore": ["restic", "-r", str(B), "restore", "latest", "--target", str(R)]}
    elif tool == "restic-s3":
        repo = f"s3:{s3.endpoint}/{bucket_url}/repo"  # type: ignore[attr-defined]
        subprocess.run(["restic", "-r", repo, "init"], env=env, check=True, capture_output=True)
        steps = {"first": ["restic", "-r", repo, "backup", "--host", "bench", str(data)]}
    elif tool == "borg":
        subprocess.run(["borg", "init", "--encryption=repokey", str(B)], env=env, check=True, capture_output=True)
        steps = {"first": ["borg", "create", f"{B}::first", str(data)],
                 "verify": ["borg", "check", "--verify-data", str(B)],
                 "restore": ["borg", "extract", f"{B}::changed"]}
    else:  # cp
        steps = {"first": ["cp", "-r", str(data), str(B)], "verify": ["diff", "-rq", str(data), str(B)],
                 "restore": ["cp", "-r", str(B), str(R)]}

    def again(step: str) -> list[str]:
        cmd = list(steps["first"])
        if tool == "borg":
            cmd[2] = f"{B}::{step}"
        if tool == "cp":
            cmd = ["cp", "-ru", f"{data}/.", f"{B}/"]
        return cmd

    def stored() -> int:
        return du(B) if tool in ("cv", "restic", "borg", "cp") else s3_bytes(s3, bucket_url)

    res["first"] = measure(steps["first"], env)
    res["first"]["stored"] = stored()
    res["nochange"] = measure(again("nochange"), env)
    res["nochange"]["stored"] = stored()
    new = apply_change(data, state)
    try:
        res["changed"] = measure(again("changed"), env)
        res["changed"]["stored"] = stored()
        if "verify" in steps:
            res["verify"] = measure(steps["verify"], env)
        if "restore" in steps:
            R.mkdir(exist_ok=True) if tool in ("restic", "borg") else None
            res["restore"] = measure(steps["restore"], env, cwd=R if tool == "borg" else None)
            got = {"cv": R, "restic": R / str(data).lstrip("/"), "borg": R / str(data).lstrip("/"), "cp": R}[tool]
            res["restore"]["identical"] = _identical(data, got, state / "after.db")
    finally:
        revert_change(data, state, new)
    if tool == "cv":
        # the no-change run once more with the vault's real Argon2id cost (everything else uses the
        # test cost, see above): restic's and borg's figures include their own key derivation
        real = {k: v for k, v in env.items() if k != "CHATVAULT_INSECURE_FAST_KDF"}
        subprocess.run([*cv, "passwd"], env=dict(real, CHATVAULT_NEW_PASSPHRASE=PASS), check=True, capture_output=True)
        subprocess.run(steps["first"], env=real, capture_output=True)  # stores the new header copy
        res["nochange_real_kdf"] = measure(steps["first"], real)
        subprocess.run([*cv, "passwd"], env=dict(env, CHATVAULT_NEW_PASSPHRASE=PASS), check=True, capture_output=True)
    for step in res.values():
        if step.get("out", "").startswith("{"):
            import json

            try:
                step["engine_s"] = json.loads(step["out"])["runs"][0]["duration_s"]
            except (ValueError, KeyError, IndexError):
                pass
        step.pop("out", None)
    shutil.rmtree(B, ignore_errors=True)
    shutil.rmtree(R, ignore_errors=True)
    return res


def _identical(data: Path, got: Path, after_db: Path) -> bool:
    """Restored media equal the source's and the restored database is the changed image."""
    ok = subprocess.run(["diff", "-rq", "-x", ".partial", str(data / "media"), str(got / "media")],  # blob temps
                        capture_output=True).returncode == 0
    return ok and subprocess.run(["cmp", "-s", str(after_db), str(got / "vault.db")]).returncode == 0


def s3_bytes(s3: object, bucket: str) -> int:
    c = s3.client()  # type: ignore[attr-defined]
    total, token = 0, None
    while True:
        kw = {"Bucket": bucket}
        if token:
            kw["ContinuationToken"] = token
        resp = c.list_objects_v2(**kw)
        total += sum(o["Size"] for o in resp.get("Contents", []))
        if not resp.get("IsTruncated"):
            return total
        token = resp["NextContinuationToken"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = 500 MiB database + 2 GiB media")
    ap.add_argument("--tools", default="cp,cv,restic,borg,cv-s3,restic-s3")
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    versions = setup_tools(args.tools.split(","))
    tools = [t for t in args.tools.split(",") if t in ("cp", "cv", "cv-s3") or shutil.which(t.split("-")[0])]
    work = Path(args.workdir or tempfile.mkdtemp(prefix="cv-backup-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    state = work / "state"
    state.mkdir(exist_ok=True)
    s3 = None
    if any(t.endswith("-s3") for t in tools):
        sys.path.insert(0, str(ROOT / "tests"))
        from s3_server import start_server

        s3 = start_server(volume_mb=1024, volumes=24)  # ~24 GiB: two full copies of the vault fit
    print(f"generating the vault at scale {args.scale} in {work}", flush=True)
    t0 = time.perf_counter()
    info = generate(work, args.scale)
    add_destinations(work, s3)
    change = make_change(work / "vault", state)
    info |= {"generate_s": time.perf_counter() - t0, "change": change}
    print(f"  {info}", flush=True)
    data = work / "vault"
    results = {}
    loads: dict[str, tuple[float, float, float]] = {}
    try:
        for tool in tools:
            print(f"running {tool} (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})", flush=True)
            loads[tool] = os.getloadavg()
            try:
                results[tool] = run_tool(tool, data, work, state, s3)
            except (subprocess.CalledProcessError, OSError) as exc:
                print(f"  !! {tool} could not run: {exc}", flush=True)
                continue
            print(f"  {tool}: " + ", ".join(f"{k} {v['s']:.2f}s" for k, v in results[tool].items()), flush=True)
    finally:
        if s3 is not None:
            from s3_server import stop_server

            stop_server(s3)
        shutil.rmtree(work, ignore_errors=True)
    data_mib = info["db_mib"] + info["media_mib"]
    rows = []
    steps = ["first", "nochange", "changed", "verify", "restore"]
    for tool, res in results.items():
        cells = []
        for s in steps:
            st = res.get(s)
            cells.append("—" if st is None else (f"{st['s']:.2f}" + ("" if st["rc"] == 0 else " FAIL")))
        first_stored = res["first"]["stored"] / MiB
        growth = (res["changed"]["stored"] - res["nochange"]["stored"]) / MiB
        rss = max(st["rss"] for name, st in res.items() if name in steps)  # Argon2id's 256 MiB aside
        tput = data_mib / res["first"]["s"]
        ident = res.get("restore", {}).get("identical")
        rows.append((tool, " | ".join(cells) + f" | {tput:.0f} MiB/s | {first_stored:.0f} | {growth:.1f} | {rss}"
                     + ("" if ident is None else f" | {'yes' if ident else 'NO'}")))
    print_table(f"Backup bench, scale {args.scale}: {info['db_mib']:.0f} MiB database ({info['messages']} messages), "
                f"{info['media_mib']:.0f} MiB media in {info['media_files']} files; change = "
                f"{change['changed_pages']} pages ({change['changed_mib']:.1f} MiB) + 20 x 1 MiB media; load average "
                f"at each tool's start: " + ", ".join(f"{t} {v[0]:.1f}" for t, v in loads.items()) + "\n"
                "tool: first | no-change | changed | verify | restore (s, incl. sync) | first throughput | "
                "stored MiB after first | stored growth in changed, MiB | peak RSS MiB | restore identical", rows)
    if "cp" in results:
        ratio_rows = []
        for tool, res in results.items():
            cells = []
            for s in ("first", "verify", "restore"):
                if s in res and s in results["cp"]:
                    cells.append(f"{s} {res[s]['s'] / results['cp'][s]['s']:.2f}x")
            ratio_rows.append((tool, ", ".join(cells)))
        print_table("Ratios to cp -r (cp verify = diff -rq)", ratio_rows)
    for base in ("restic", "restic-s3"):
        if base in results:
            mine = "cv" if base == "restic" else "cv-s3"
            if mine in results:
                r = results[base]
                m = results[mine]
                rows = [(s, f"{m[s]['s'] / r[s]['s']:.2f}x time") for s in steps if s in m and s in r]
                if all("stored" in x.get(s, {}) for x in (m, r) for s in ("nochange", "changed")):
                    grow = [(x["changed"]["stored"] - x["nochange"]["stored"]) / MiB for x in (m, r)]
                    rows.append(("stored growth in changed", f"{grow[0]:.1f} vs {grow[1]:.1f} MiB "
                                 f"({grow[0] / max(grow[1], 1e-9):.2f}x)"))
                print_table(f"ChatVault / {base}", rows)
    if "nochange_real_kdf" in results.get("cv", {}):
        st = results["cv"]["nochange_real_kdf"]
        print(f"cv no-change with the real Argon2id unlock (256 MiB, t=3, p=4): {st['s']:.2f}s "
              f"(in-process {st.get('engine_s', 0):.2f}s, peak RSS {st['rss']} MiB)"
              + (f"; restic no-change {results['restic']['nochange']['s']:.2f}s includes its scrypt"
                 if "restic" in results else ""))
    for tool in ("cv", "cv-s3"):
        if tool in results:
            eng = {s: results[tool][s].get("engine_s") for s in ("first", "nochange", "changed")}
            print(f"{tool} in-process backup time (without the ~1-2 s Python start-up): "
                  + ", ".join(f"{k} {v:.2f}s" for k, v in eng.items() if v is not None))
    path = write_results("backup", {"scale": args.scale, "data": info, "versions": versions, "results": results,
                                    "load_average": loads})
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
