"""S3-compatible object storage (AWS, MinIO, SeaweedFS, Backblaze B2, ...) through boto3.

Every PUT carries a Content-MD5 checksum and, with Object Lock configured, the retention mode and a
retain-until date computed from the *server's* clock (the HTTP `Date` of its last answer), so a
client whose clock is wrong still locks each object for at least the configured period. Large blobs
go up as multipart uploads in 8 MiB parts read straight from the file. Credentials come from the
environment (`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`) or the OS keyring
(service `chatvault-s3`, user = destination name, secret = "ACCESS_KEY:SECRET_KEY").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from chatvault import clock, faults
from chatvault.backup.target import COPY_CHUNK, DeleteResult, Target
from chatvault.errors import DiskFull, StorageError, UsageError

MULTIPART_THRESHOLD = 16 * 1024 * 1024
PART_SIZE = 8 * 1024 * 1024
KEYRING_SERVICE = "chatvault-s3"


def credentials(name: str) -> tuple[str, str]:
    key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        return key, secret
    try:
        import keyring

        stored = keyring.get_password(KEYRING_SERVICE, name)
    except Exception:  # noqa: BLE001 - no keyring backend on this system
        stored = None
    if stored and ":" in stored:
        key, secret = stored.split(":", 1)
        return key, secret
    raise UsageError(
        f"No S3 credentials for the backup destination '{name}'.",
        hint="Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or store them with "
             "`chatvault backup add ... --store-credentials` (OS keyring).")


def store_credentials(name: str, key: str, secret: str) -> None:
    import keyring

    keyring.set_password(KEYRING_SERVICE, name, f"{key}:{secret}")


class S3Target(Target):
    kind = "s3"
    workers = 16
    trust_previous = True

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        import boto3
        from botocore.config import Config

        self.name = name
        self.bucket = config["bucket"]
        self.prefix = (config.get("prefix") or "").strip("/")
        self.lock_mode = config.get("lock_mode")  # None | GOVERNANCE | COMPLIANCE
        self.lock_days = float(config.get("lock_days") or 0)
        self.description = f"s3 {config.get('endpoint') or 'aws'}/{self.bucket}/{self.prefix}"
        key, secret = credentials(name)
        timeout = float(config.get("timeout", 30))
        self.client = boto3.client(
            "s3", endpoint_url=config.get("endpoint") or None, region_name=config.get("region") or "us-east-1",
            aws_access_key_id=key, aws_secret_access_key=secret,
            config=Config(s3={"addressing_style": "path"}, connect_timeout=timeout, read_timeout=timeout,
                          retries={"max_attempts": int(config.get("retries", 3)), "mode": "standard"},
                          max_pool_connections=32,
                          request_checksum_calculation="when_required", response_checksum_validation="when_required"),
        )
        self._offset: float | None = None  # server time - client time, from HTTP Date headers
        # With Object Lock the bucket is versioned: a delete marker (someone's DELETE without a version
        # id) only hides a locked object, so listing and reading use the newest real version.
        self._versions: dict[str, str] = {}
        self._big = threading.Semaphore(2)  # multipart uploads at once: each holds one 8 MiB part in memory
        self._lock = threading.Lock()
        self.client.meta.events.register("after-call.s3", self._observe_date)

    # --- helpers -----------------------------------------------------------------------
    def _observe_date(self, http_response: Any = None, **_: Any) -> None:
        try:
            date = http_response.headers.get("Date") if http_response is not None else None
            if date:
                server = parsedate_to_datetime(date).timestamp()
                with self._lock:
                    self._offset = server - clock.clock.now()
        except (TypeError, ValueError, AttributeError):
            pass

    def server_now(self) -> float:
        if self._offset is None:
            self._call(self.client.head_bucket, Bucket=self.bucket)
        return clock.clock.now() + (self._offset or 0.0)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _error(self, exc: Exception, what: str) -> StorageError:
        from botocore.exceptions import ClientError

        if isinstance(exc, ClientError):
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("EntityTooLarge", "QuotaExceeded", "InsufficientStorage", "XMinioStorageFull"):
                return DiskFull(f"The S3 bucket {self.bucket} is full while {what}.",
                                hint="Free space or raise the quota, then run the backup again.")
            if code in ("NoSuchBucket",):
                return StorageError(f"The S3 bucket {self.bucket} does not exist.", hint="Create it or fix the name.")
            if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
                return StorageError(f"S3 refused access to {self.bucket} while {what} ({code}).",
                                    hint="Check the credentials and the bucket policy.")
            return StorageError(f"S3 error while {what}: {code or exc}.")
        return StorageError(f"The S3 server {self.description} is not reachable while {what} ({type(exc).__name__}).",
                            hint="Check the network and the endpoint, then run the backup again.")

    def _call(self, fn: Any, what: str = "talking to S3", **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return fn(**kwargs)
        except (BotoCoreError, ClientError, OSError) as exc:
            raise self._error(exc, what) from exc

    def _lock_args(self) -> dict[str, Any]:
        if not self.lock_mode or self.lock_days <= 0:
            return {}
        # +1 s: the Date header has one-second resolution and must not shorten the period
        until = self.server_now() + self.lock_days * 86400 + 1
        return {"ObjectLockMode": self.lock_mode.upper(),
                "ObjectLockRetainUntilDate": datetime.fromtimestamp(until, UTC)}

    # --- Target --------------------------------------------------------------------------
    def prepare(self) -> None:
        self._call(self.client.head_bucket, "checking the bucket", Bucket=self.bucket)
        # abandoned multipart uploads of interrupted runs under our prefix (we hold the backup lock)
        resp = self._call(self.client.list_multipart_uploads, "listing unfinished uploads", Bucket=self.bucket,
                          Prefix=self._key(""))
        for up in resp.get("Uploads", []) or []:
            self._call(self.client.abort_multipart_upload, "cleaning up", Bucket=self.bucket, Key=up["Key"],
                       UploadId=up["UploadId"])

    def list(self, prefix: str = "") -> dict[str, int]:
        base = self.prefix + "/" if self.prefix else ""
        full, strip = base + prefix, len(base)
        if self.lock_mode:
            return self._list_versions(full, strip)
        out: dict[str, int] = {}
        token = None
        while True:
            kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": full, "MaxKeys": 1000}
            if token:
                kwargs["ContinuationToken"] = token
            resp = self._call(self.client.list_objects_v2, "listing the backup", **kwargs)
            for obj in resp.get("Contents", []) or []:
                out[obj["Key"][strip:]] = int(obj["Size"])
            if not resp.get("IsTruncated"):
                return out
            token = resp.get("NextContinuationToken")

    def _list_versions(self, full: str, strip: int) -> dict[str, int]:
        out: dict[str, int] = {}
        newest: dict[str, Any] = {}
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": full}
        while True:
            resp = self._call(self.client.list_object_versions, "listing the backup", **kwargs)
            for v in resp.get("Versions", []) or []:
                cur = newest.get(v["Key"])
                if cur is None or v["LastModified"] > cur["LastModified"]:
                    newest[v["Key"]] = v
            if not resp.get("IsTruncated"):
                break
            kwargs["KeyMarker"] = resp.get("NextKeyMarker")
            kwargs["VersionIdMarker"] = resp.get("NextVersionIdMarker")
        for key, v in newest.items():
            out[key[strip:]] = int(v["Size"])
            if v.get("VersionId") and v["VersionId"] != "null":
                self._versions[key[strip:]] = v["VersionId"]
        return out

    def put_bytes(self, key: str, data: bytes, *, durable_now: bool = False) -> None:
        faults.hit("backup.put")
        md5 = base64.b64encode(hashlib.md5(data).digest()).decode()  # noqa: S324 - integrity, not security
        self._call(self.client.put_object, f"uploading {key}", Bucket=self.bucket, Key=self._key(key), Body=data,
                   ContentMD5=md5, **self._lock_args())

    def put_file(self, key: str, path: Path, size: int, mac: hmac.HMAC) -> int:
        faults.hit("backup.put")
        if size < MULTIPART_THRESHOLD:
            # one pass for the MAC and Content-MD5, then boto3 streams the file: never all in memory
            md5 = hashlib.md5()  # noqa: S324 - integrity, not security
            with open(path, "rb") as fh:
                while chunk := fh.read(COPY_CHUNK):
                    mac.update(chunk)
                    md5.update(chunk)
            with open(path, "rb") as fh:
                self._call(self.client.put_object, f"uploading {key}", Bucket=self.bucket, Key=self._key(key),
                           Body=fh, ContentLength=size, ContentMD5=base64.b64encode(md5.digest()).decode(),
                           **self._lock_args())
            return size
        with self._big:
            return self._put_multipart(key, path, mac)

    def _put_multipart(self, key: str, path: Path, mac: hmac.HMAC) -> int:
        full = self._key(key)
        up = self._call(self.client.create_multipart_upload, f"uploading {key}", Bucket=self.bucket, Key=full,
                        **self._lock_args())
        upload_id = up["UploadId"]
        parts = []
        sent = 0
        try:
            with open(path, "rb") as fh:
                number = 1
                while True:
                    chunk = fh.read(PART_SIZE)
                    if not chunk:
                        break
                    mac.update(chunk)
                    md5 = base64.b64encode(hashlib.md5(chunk).digest()).decode()  # noqa: S324
                    r = self._call(self.client.upload_part, f"uploading {key}", Bucket=self.bucket, Key=full,
                                   UploadId=upload_id, PartNumber=number, Body=chunk, ContentMD5=md5)
                    parts.append({"PartNumber": number, "ETag": r["ETag"]})
                    sent += len(chunk)
                    number += 1
                    faults.hit("backup.put_chunk")
            self._call(self.client.complete_multipart_upload, f"uploading {key}", Bucket=self.bucket, Key=full,
                       UploadId=upload_id, MultipartUpload={"Parts": parts})
        except BaseException:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=full, UploadId=upload_id)
            except Exception:  # noqa: BLE001 - the server may be gone; prepare() cleans up next time
                pass
            raise
        return sent

    def get(self, key: str) -> bytes:
        return b"".join(self.read_chunks(key))

    def read_chunks(self, key: str) -> Iterator[bytes]:
        extra = {"VersionId": self._versions[key]} if key in self._versions else {}
        resp = self._call(self.client.get_object, f"reading {key}", Bucket=self.bucket, Key=self._key(key), **extra)
        body = resp["Body"]
        try:
            while True:
                try:
                    chunk = body.read(COPY_CHUNK)
                except Exception as exc:  # noqa: BLE001 - connection dropped mid-object
                    raise self._error(exc, f"reading {key}") from exc
                if not chunk:
                    return
                yield chunk
        finally:
            body.close()

    def read_range(self, key: str, offset: int, length: int) -> bytes:
        if length <= 0:
            return b""
        extra = {"VersionId": self._versions[key]} if key in self._versions else {}
        resp = self._call(self.client.get_object, f"reading {key}", Bucket=self.bucket, Key=self._key(key),
                          Range=f"bytes={offset}-{offset + length - 1}", **extra)
        try:
            return resp["Body"].read()
        except Exception as exc:  # noqa: BLE001 - connection dropped mid-object
            raise self._error(exc, f"reading {key}") from exc
        finally:
            resp["Body"].close()

    def delete(self, key: str) -> DeleteResult:
        """Delete every version of `key` whose retention has passed; report the lock otherwise."""
        faults.hit("backup.delete")
        full = self._key(key)
        if not self.lock_mode:
            self._call(self.client.delete_object, f"deleting {key}", Bucket=self.bucket, Key=full)
            return DeleteResult(True)
        resp = self._call(self.client.list_object_versions, f"listing versions of {key}", Bucket=self.bucket,
                          Prefix=full)
        now = self.server_now()
        locked_until: float | None = None
        deleted = False
        for v in (resp.get("Versions", []) or []) + (resp.get("DeleteMarkers", []) or []):
            if v["Key"] != full:
                continue
            if "Size" in v:  # a real version, not a delete marker
                head = self._call(self.client.head_object, f"checking {key}", Bucket=self.bucket, Key=full,
                                  VersionId=v["VersionId"])
                until = head.get("ObjectLockRetainUntilDate")
                if until is not None and until.timestamp() > now:
                    locked_until = max(locked_until or 0.0, until.timestamp())
                    continue
            self._call(self.client.delete_object, f"deleting {key}", Bucket=self.bucket, Key=full,
                       VersionId=v["VersionId"])
            deleted = True
        return DeleteResult(deleted and locked_until is None, locked_until)
