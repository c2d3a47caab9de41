"""The interface every backup destination implements (`folder`, `s3`).

Keys are `/`-separated names below the destination's root: `chatvault-backup.json`,
`headers/<sha256>.json`, `packs/<ab>/<name>` (database extents and patches,
snapshot format 2), `data/<ab>/<mac>` (one extent per object, format 1), `media/<ab>/<cd>/<id>` (blobs as
they are in the vault), `snapshots/<id>` (sealed manifests, always written last).
"""

from __future__ import annotations

import hmac
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

COPY_CHUNK = 1024 * 1024


@dataclass
class DeleteResult:
    deleted: bool
    locked_until: float | None = None  # set when Object Lock kept the object


class Target(ABC):
    """A place that stores immutable objects. Puts are atomic: an object is whole or absent."""

    kind: str = ""
    description: str = ""
    workers: int = 4  # parallel uploads/downloads: disks want few, object stores (latency-bound) many
    trust_previous: bool = False  # skip the full listing after a verified run (slow listings)

    @abstractmethod
    def list(self, prefix: str = "") -> dict[str, int]:
        """Every durable object key under `prefix` with its size."""

    @abstractmethod
    def put_bytes(self, key: str, data: bytes, *, durable_now: bool = False) -> None:
        """Store `data`; with `durable_now` it is durable on return (manifests), else after `commit()`."""

    @abstractmethod
    def put_file(self, key: str, path: Path, size: int, mac: hmac.HMAC) -> int:
        """Stream a local file to `key`, feeding every byte read into `mac` before it is stored;
        return bytes sent. If `mac.update` raises, the put is abandoned and nothing is stored."""

    @abstractmethod
    def get(self, key: str) -> bytes: ...

    @abstractmethod
    def read_chunks(self, key: str) -> Iterator[bytes]:
        """The object's bytes in pieces of at most ~1 MiB (never all in memory)."""

    @abstractmethod
    def read_range(self, key: str, offset: int, length: int) -> bytes:
        """`length` bytes of the object from `offset` (fewer only if the object is shorter)."""

    @abstractmethod
    def delete(self, key: str) -> DeleteResult: ...

    def commit(self) -> None:
        """Make every object put so far durable (and visible in `list`)."""
        return None

    def prepare(self) -> None:
        """Before a run: check the destination is reachable; clean leftovers of interrupted runs."""
        return None

    def server_now(self) -> float:
        from chatvault import clock

        return clock.clock.now()

    def close(self) -> None:
        """Release connections (S3 clients)."""
        return None
