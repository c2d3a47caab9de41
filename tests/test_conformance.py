"""The checks every registered import format passes, run for each one from its declaration alone.

Formats come from `chatvault/importers/registry.py`; each has a small `Declaration` in
`tests/conformance_formats.py` (inputs it can build, how its input units are counted). A new format
inherits every check here; the first test fails until it has a declaration.
"""

from __future__ import annotations

import dataclasses
import random
import shutil
import time
from pathlib import Path

import pytest

from chatvault.errors import Cancelled, ChatVaultError
from chatvault.importers import registry
from chatvault.importers.base import ImportOptions
from chatvault.ingest.keys import Keyer, ts_ms
from chatvault.jobs.context import JobContext
from chatvault.model import ImportWarning, MessageRec, Record, Unparsed
from tests.conformance_formats import DECLARATIONS, HUGE_CHARS, Declaration, Sample

FORMATS = registry.names()
CANCEL_BUDGET_S = 0.5


def undeclared(formats: list[str]) -> list[str]:
    return [name for name in formats if name not in DECLARATIONS]


def test_every_registered_format_has_a_declaration() -> None:
    assert not undeclared(FORMATS), f"add a Declaration for {undeclared(FORMATS)} to tests/conformance_formats.py"
    assert set(DECLARATIONS) <= set(FORMATS), "a declaration names a format the registry no longer has"
    assert undeclared([*FORMATS, "a-format-added-later"]) == ["a-format-added-later"]


def declaration(name: str) -> Declaration:
    if name not in DECLARATIONS:
        pytest.fail(f"{name} is registered but has no Declaration in tests/conformance_formats.py")
    return DECLARATIONS[name]


class Samples:
    """One valid sample per declared format, built on first use and kept for the module (only read)."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._built: dict[str, Sample] = {}

    def __getitem__(self, name: str) -> Sample:
        if name not in self._built:
            self._built[name] = declaration(name).valid(self._factory.mktemp(f"valid-{name}"))
        return self._built[name]

    def items(self) -> list[tuple[str, Sample]]:
        return [(name, self[name]) for name in FORMATS if name in DECLARATIONS]


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Samples:
    return Samples(tmp_path_factory)


def read_all(name: str, path: Path, options: ImportOptions) -> list[Record]:
    return list(registry.get(name).read(path, options, JobContext()))


def fingerprint(rec: Record) -> tuple:
    """A record's fields as plain values (an attachment's opener stands as its class: a fresh one per read)."""
    def plain(value: object) -> object:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return (type(value).__name__,) + tuple((f.name, plain(getattr(value, f.name)))
                                                    for f in dataclasses.fields(value))
        if isinstance(value, list | tuple):
            return tuple(plain(v) for v in value)
        if isinstance(value, dict):
            return tuple(sorted((str(k), repr(plain(v))) for k, v in value.items()))
        if callable(value):
            return type(value).__name__
        return value
    return plain(rec)  # type: ignore[return-value]


# --- detection ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", FORMATS)
def test_detects_its_own_sample_first(samples: Samples, name: str) -> None:
    sample = samples[name]
    assert registry.get(name).detect(sample.path).confidence > 0
    assert registry.detect(sample.path)[0][0].name == name


@pytest.mark.parametrize("name", FORMATS)
def test_never_detects_another_formats_sample(samples: Samples, name: str) -> None:
    importer = registry.get(name)
    claimed = {other: importer.detect(s.path) for other, s in samples.items() if other != name}
    wrong = {other: d.reason for other, d in claimed.items() if d.confidence > 0}
    assert not wrong, f"{name} claims other formats' samples: {wrong}"


# --- reading --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", FORMATS)
def test_two_reads_are_identical_and_keys_stable(samples: Samples, name: str) -> None:
    sample = samples[name]
    first, second = (read_all(name, sample.path, sample.options) for _ in range(2))
    assert [fingerprint(r) for r in first] == [fingerprint(r) for r in second]
    keys = [[Keyer().key(r, ts_ms(r.ts)) for r in recs if isinstance(r, MessageRec)] for recs in (first, second)]
    assert keys[0] == keys[1] and keys[0], "message keys must not change between reads"


@pytest.mark.parametrize("name", FORMATS)
def test_every_input_unit_is_accounted_for(samples: Samples, name: str) -> None:
    """Each input line (text) or message object/row (JSON, databases) is a message or an Unparsed record."""
    decl, sample = declaration(name), samples[name]
    recs = read_all(name, sample.path, sample.options)
    assert decl.accounted(recs) == sample.units, f"{name}: {sample.units} input {decl.unit}s"


@pytest.mark.parametrize("name", FORMATS)
def test_cancel_is_prompt(tmp_path: Path, name: str) -> None:
    """A JobContext cancelled mid-read stops the reader within half a second, with `Cancelled`."""
    sample = declaration(name).big(tmp_path, 6000)
    ctx = JobContext()
    reader = registry.get(name).read(sample.path, sample.options, ctx)
    for n, rec in enumerate(reader):
        if isinstance(rec, MessageRec) and n >= 50:
            break
    else:
        pytest.fail(f"{name}: the big sample ended before 50 records")
    ctx.cancel()
    start, after = time.perf_counter(), 0
    with pytest.raises(Cancelled):
        for _ in reader:
            after += 1
    assert time.perf_counter() - start < CANCEL_BUDGET_S
    assert after < 2100, f"{name} yielded {after} records after the cancel"


# --- hostile inputs -------------------------------------------------------------------------------

def hostile_copy(sample: Sample, tmp: Path) -> tuple[Path, Path]:
    """A private copy of the sample: (what the user chooses, the main file inside it)."""
    dst = tmp / "copy"
    if sample.path.is_dir():
        shutil.copytree(sample.path, dst / sample.path.name, symlinks=True)
    else:
        (dst).mkdir()
        shutil.copy2(sample.path, dst / sample.path.name)
    chosen = dst / sample.path.name
    return chosen, chosen / sample.main.relative_to(sample.path) if sample.path.is_dir() else chosen


def clear_outcome(name: str, path: Path, options: ImportOptions) -> list[Record] | ChatVaultError:
    """Detection never raises; reading gives records or a ChatVault error that says what and where."""
    for importer in registry.all_importers():
        importer.detect(path)
    try:
        return read_all(name, path, options)
    except ChatVaultError as exc:
        assert exc.message.strip(), f"{name}: an error without a message"
        return exc


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("keep", [0.05, 0.5, 0.97])
def test_truncated_input_gives_records_or_a_clear_error(samples: Samples, tmp_path: Path, name: str,
                                                         keep: float) -> None:
    """The main file cut near its start, in the middle and near its end (RELIABILITY row 22)."""
    chosen, main = hostile_copy(samples[name], tmp_path)
    data = main.read_bytes()
    main.write_bytes(data[: int(len(data) * keep)])
    out = clear_outcome(name, chosen, samples[name].options)
    if not isinstance(out, ChatVaultError):
        whole = read_all(name, samples[name].path, samples[name].options)
        assert sum(isinstance(r, MessageRec) for r in out) <= sum(isinstance(r, MessageRec) for r in whole)


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("junk", ["random", "empty", "zeros"])
def test_junk_input_gives_no_messages_and_no_bare_exception(samples: Samples, tmp_path: Path,
                                                             name: str, junk: str) -> None:
    chosen, main = hostile_copy(samples[name], tmp_path)
    size = main.stat().st_size
    main.write_bytes({"random": random.Random(17).randbytes(size), "empty": b"", "zeros": bytes(size)}[junk])
    out = clear_outcome(name, chosen, samples[name].options)
    if not isinstance(out, ChatVaultError):
        own = [r for r in out if isinstance(r, MessageRec) and r.location and main.name in r.location]
        assert not own, f"{name} made messages out of junk: {own[:2]}"


@pytest.mark.parametrize("name", FORMATS)
def test_huge_field_gives_records_or_a_clear_error(tmp_path: Path, name: str) -> None:
    sample = declaration(name).huge(tmp_path)
    out = clear_outcome(name, sample.path, sample.options)
    if not isinstance(out, ChatVaultError):
        assert any(isinstance(r, MessageRec) for r in out), f"{name}: the messages around the huge field are lost"
        kept_whole = any(isinstance(r, MessageRec) and len(r.text or "") >= HUGE_CHARS for r in out)
        reported = any(isinstance(r, Unparsed | ImportWarning) for r in out)
        assert kept_whole or reported, f"{name} cut the huge field without saying so"
