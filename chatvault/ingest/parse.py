"""The parse side of an import: importer records → prepared rows, in chunks, in a thread or a process.

Everything the writer would otherwise compute per message is done here: the key, the UTC and
offset milliseconds, the edit time, the extra as JSON and the strings search finds in the message
(`search.fields.index_text`: text, memos, titles, file names, call types...) as the index wants
them (`search.text.spaced`), in a row whose layout and encoder `ingest/rows.py` owns. The writer
then only looks keys up and inserts.

Big exports are parsed in a separate **process** (`ProcessProducer`): with a thread, the parser and
the writer share one GIL, and every time SQLite releases it for a row the writer waits for the
parser's next switch (measured: threads were slower than doing both in turn). Chunks travel as
`marshal` frames of plain values, other records and attachment lists as pickles inside them;
attachment openers are picklable (`chatvault.importers.openers`). This module imports no store
code, so the spawned process starts light.
"""

from __future__ import annotations

import marshal
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chatvault.errors import InputError
from chatvault.importers import registry
from chatvault.importers.base import Importer, ImportOptions
from chatvault.ingest.keys import Keyer
from chatvault.ingest.rows import ATTACHMENTS, BODY, encode
from chatvault.jobs.context import JobContext
from chatvault.model import MessageRec
from chatvault.search.text import spaced, spaced_many

CHUNK = 2000                     # records per hand-off to the writer
PROCESS_MIN_BYTES = 8 << 20      # exports at least this big are parsed in a separate process
FRAMES_AHEAD = 24                # chunks the parse process may run ahead of the writer (~5-10 MB)
END = "end"


def env_int(name: str, default: int) -> int:
    """Batch sizes can be lowered from the environment (crash tests use many small batches)."""
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


def _space(chunk: list, at: list[int]) -> None:
    """Replace the raw body of the messages at positions `at` with its spaced form."""
    if at:
        for i, body in zip(at, spaced_many([chunk[i][BODY] for i in at]), strict=True):
            chunk[i][BODY] = body


def chunks(importer: Importer, path: Path, options: ImportOptions, ctx: JobContext, size: int) -> Iterator[list]:
    """Prepared chunks; if the importer fails, the records read before the failure come first.

    A prepared message is a `list` (a row: `ingest/rows.py`); every other record is the importer's own object.
    """
    keyer = Keyer()
    chunk: list = []
    bodies: list[int] = []           # chunk positions whose body still needs spacing (non-ASCII text)
    gen = importer.read(path, options, ctx)
    try:
        for rec in gen:
            if isinstance(rec, MessageRec):
                item = encode(rec, keyer)
                body = item[BODY]
                if body.__class__ is list:       # [body, quote] of a reply: rare, spaced here
                    item[BODY] = [spaced(body[0]) if body[0] else None, spaced(body[1])]
                elif body is not None and not body.isascii():
                    bodies.append(len(chunk))
                chunk.append(item)
            else:
                chunk.append(rec)
            if len(chunk) >= size:
                _space(chunk, bodies)
                yield chunk
                chunk = []
                bodies = []
    except GeneratorExit:
        raise                          # closed by the consumer (cancel, failure): nothing more to hand over
    except BaseException:
        if chunk:
            _space(chunk, bodies)
            yield chunk
        raise
    finally:
        gen.close()
    if chunk:
        _space(chunk, bodies)
        yield chunk


def chunk_size() -> int:
    return min(CHUNK, env_int("CHATVAULT_IMPORT_BATCH", CHUNK))


def use_process(total_bytes: int | None) -> bool:
    if getattr(sys, "frozen", False) or os.name == "nt":
        return False           # a bundled app has no `python -m`; the child is untested on Windows
    forced = os.environ.get("CHATVAULT_IMPORT_PROCESS")
    if forced in ("0", "1"):
        return forced == "1"
    return bool(total_bytes and total_bytes >= PROCESS_MIN_BYTES)


class ThreadProducer(threading.Thread):
    """Small exports: parse in a thread (no process start-up cost)."""

    def __init__(self, importer: Importer, path: Path, options: ImportOptions, ctx: JobContext) -> None:
        super().__init__(name="chatvault-import-parse", daemon=True)
        self.importer = importer
        self.path = path
        self.options = options
        self.ctx = ctx
        self.q: queue.Queue = queue.Queue(maxsize=6)
        self.stop_event = threading.Event()

    def _put(self, item: Any) -> bool:
        while not self.stop_event.is_set():
            try:
                self.q.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def run(self) -> None:
        it = chunks(self.importer, self.path, self.options, self.ctx, chunk_size())
        try:
            for chunk in it:
                if not self._put(chunk) or self.stop_event.is_set():
                    return
            self._put(END)
        except BaseException as exc:  # noqa: BLE001 - handed to the writer thread, which re-raises
            self._put(exc)
        finally:
            it.close()

    def get(self) -> Any:
        """The next chunk (a list), `END`, or the exception the importer raised."""
        return self.q.get()

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=5)


def _send(out: Any, obj: Any) -> None:
    data = b"P" + pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
    out.write(len(data).to_bytes(8, "little"))
    out.write(data)
    out.flush()


def _send_chunk(out: Any, chunk: list, position: int) -> None:
    """A chunk as one `marshal` frame: prepared messages are lists of plain values, which marshal
    writes and reads ~1.5x faster than pickle. The importer's other records and the attachment
    lists travel in one pickle per chunk (one pickle each cost a class lookup per object: ~0.4 µs
    per message of the writer's time on a WeChat folder); an int stands where each one goes."""
    items = []
    others: list = []
    for r in chunk:
        if type(r) is list:
            atts = r[ATTACHMENTS]
            if atts is not None:
                r = r.copy()
                r[ATTACHMENTS] = len(others)
                others.append(atts)
            items.append(r)
        else:
            items.append(len(others))
            others.append(r)
    blob = pickle.dumps(others, pickle.HIGHEST_PROTOCOL) if others else None
    data = b"M" + marshal.dumps((items, position, blob))
    out.write(len(data).to_bytes(8, "little"))
    out.write(data)
    out.flush()


def _decode_chunk(data: bytes) -> tuple[list, int]:
    items, position, blob = marshal.loads(memoryview(data)[1:])
    if blob is not None:
        others = pickle.loads(blob)
        for i, r in enumerate(items):
            if type(r) is int:
                items[i] = others[r]
            elif r[ATTACHMENTS] is not None:
                r[ATTACHMENTS] = others[r[ATTACHMENTS]]
    return items, position


def _child(out: Any) -> None:
    """The parse process: reads its job from stdin, writes frames (chunks as `marshal`, then "end" or
    "error" as pickle) to stdout, each a length and a tagged payload."""
    name, path, options, size = pickle.load(sys.stdin.buffer)
    ctx = JobContext()
    try:
        for chunk in chunks(registry.get(name), Path(path), options, ctx, size):
            _send_chunk(out, chunk, ctx.snapshot().bytes_done)
        _send(out, (END, None, ctx.snapshot().bytes_done))
    except (BrokenPipeError, ConnectionError):
        return                                    # the writer is gone (cancelled, failed or killed)
    except BaseException as exc:  # noqa: BLE001 - sent to the writer, which re-raises it
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # noqa: BLE001 - an exception that does not survive pickling
            exc = InputError(f"Reading the export failed: {type(exc).__name__}: {exc}")
        try:
            _send(out, ("error", exc, ctx.snapshot().bytes_done))
        except (BrokenPipeError, ConnectionError):
            return


_DIED = "The parse process stopped unexpectedly (exit code {code})."
_DIED_HINT = "Import again; if it happens again, report it with the export's format."


class ProcessProducer:
    """Big exports: parse in a child Python process (its own GIL); chunks come back over a pipe.

    A plain subprocess (`python -m chatvault.ingest.parse`), not multiprocessing: nothing of the
    caller's main module is re-imported, and a writer killed with SIGKILL closes the pipe, so the
    child's next write fails and it exits.
    """

    def __init__(self, importer: Importer, path: Path, options: ImportOptions, ctx: JobContext) -> None:
        self.ctx = ctx
        from chatvault.hardening import child_env

        # The child gets its job (WeChat key included) over stdin, never from the environment: it
        # inherits no secret (CHATVAULT_PASSPHRASE, S3 credentials, ...), so /proc/<pid>/environ of
        # the parser shows none.
        self.proc = subprocess.Popen([sys.executable, "-m", "chatvault.ingest.parse"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0, env=child_env())
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.out = self.proc.stdout
        self.q: queue.Queue = queue.Queue(maxsize=FRAMES_AHEAD)
        self._stopping = threading.Event()
        self._pump_thread = threading.Thread(target=self._pump, name="chatvault-import-pipe", daemon=True)
        job = pickle.dumps((importer.name, str(path), options, chunk_size()), pickle.HIGHEST_PROTOCOL)
        try:
            self.proc.stdin.write(job)
            self.proc.stdin.close()
        except BrokenPipeError:
            pass                                        # reported by get() as an early exit

    def start(self) -> None:
        """Start the pump (the child was started in the constructor)."""
        self._pump_thread.start()

    def _read(self, n: int) -> bytearray | None:
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            k = self.out.readinto(view[got:])         # blocking, without the GIL
            if not k:
                return None
            got += k
        return buf

    def _pump(self) -> None:
        """Move whole frames from the pipe into the queue, so the parser can run up to FRAMES_AHEAD
        chunks ahead: a pipe holds 64 KiB, less than one chunk, and every pause of the parser (opening
        the next database file of a WeChat folder takes ~0.5 s) used to stall the writer with it."""
        try:
            while not self._stopping.is_set():
                head = self._read(8)
                data = self._read(int.from_bytes(head, "little")) if head is not None else None
                if data is None:
                    break
                while not self._stopping.is_set():
                    try:
                        self.q.put(data, timeout=0.2)
                        break
                    except queue.Full:
                        continue
        except (OSError, ValueError):
            pass                                        # the pipe was closed by stop()
        finally:
            try:
                self.q.put_nowait(None)                 # end of the stream
            except queue.Full:
                pass

    def get(self) -> Any:
        """The next chunk (a list), `END`, or the exception the importer raised."""
        while True:
            try:
                data = self.q.get(timeout=0.2)
                break
            except queue.Empty:
                self.ctx.check()                        # cancel stays responsive while the parser works
        if data is None:
            return InputError(_DIED.format(code=self.proc.wait()), hint=_DIED_HINT)
        if data[:1] == b"M":
            items, position = _decode_chunk(data)
            self.ctx.set_position(bytes_=position)
            return items
        tag, payload, position = pickle.loads(memoryview(data)[1:])
        self.ctx.set_position(bytes_=position)
        if tag == "chunk":
            return payload
        return END if tag == END else payload

    def stop(self) -> None:
        self._stopping.set()
        if self.proc.poll() is None:
            self.proc.terminate()                       # a parser has nothing to save; its pipe then ends
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        if self._pump_thread.is_alive():
            self._pump_thread.join(timeout=5)
        self.out.close()


if __name__ == "__main__":
    # pickled classes must name chatvault.ingest.parse, not __main__
    from chatvault.ingest import parse as _module

    _module._child(sys.stdout.buffer)
