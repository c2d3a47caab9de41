"""`produce()`: an eDiscovery production of a selection, as a folder (or one zip) a review platform
loads and a court can trust.

    <out>/
      NATIVES/CV0000001.rsmf      RSMF 2.0, one per conversation per day (rsmf.py)
      NATIVES/CV0000002.jpg       the attachments, decrypted and verified (natives.py)
      TEXT/CV0000001.txt          the extracted text of each RSMF file
      DATA/loadfile.dat           Concordance load file, one row per RSMF file and per native
      DATA/README.txt             what the load file holds (and why there is no Opticon file)
      REVIEW/HTML/...             the same messages for a person: HTML (export_html)
      REVIEW/PDF/review.pdf       ... and as PDF (export_pdf; volumes when big)
      custody.json, custody.txt   the chain-of-custody record (custody.py)
      manifest.json, manifest.sha256   SHA-256 of every file above (manifest.py)

The folder must be new or empty. A cancelled or failed production removes what it wrote (a half
production is worse than none: it would look complete to the next reader); the vault is only read.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatvault import clock as _clock
from chatvault.errors import Cancelled, InputError
from chatvault.export.production import custody, review
from chatvault.export.production.custodians import custodian_scope
from chatvault.export.production.loadfile import FIELDS
from chatvault.export.production.loadfile import NAME as LOADFILE
from chatvault.export.production.manifest import Ledger, hash_file
from chatvault.export.production.writer import RsmfWriter, zone_of
from chatvault.export.report import ExportReport
from chatvault.export.selection import ChatPlan, Selection, messages
from chatvault.fsutil import storage_error
from chatvault.jobs import JobContext

README = """ChatVault production: load file notes\r
\r
DATA/loadfile.dat is a Concordance-style delimited file: UTF-8 with a byte-order mark, CRLF line\r
ends, field separator 0x14 (DC4), text qualifier U+00FE (þ), the first row naming the fields. A\r
line break inside a value is written as U+00AE (®). Paths are relative to this production's folder.\r
\r
One row per RSMF file (DOCTYPE RSMF: one conversation, one day; NATIVEPATH is the .rsmf,\r
TEXTPATH its extracted text) and one row per native attachment (DOCTYPE NATIVE, PARENT_DOCID is the\r
RSMF that carries it; BEGATTACH/ENDATTACH give each family's range).\r
\r
Fields: {fields}\r
\r
No Opticon (.opt) image cross-reference file is included: this production has no page images.\r
Short messages are produced natively as RSMF for a short message viewer; the PDFs under REVIEW/ are\r
review copies for people, not Bates-stamped images.\r
"""


def _utc_now() -> str:
    return _clock.clock.utcnow().isoformat(timespec="seconds").replace("+00:00", "Z")


def _prepare(out_dir: Path, zip_: bool) -> tuple[Path, Path | None]:
    """The folder to write in, and the zip to make from it (None for a folder production)."""
    if zip_:
        name = out_dir.name[:-4] if out_dir.name.lower().endswith(".zip") else out_dir.name
        archive = out_dir.with_name(f"{name}.zip")
        if archive.exists():
            raise InputError(f"{archive} already exists.", hint="Choose a new name for the production zip.")
        stage = out_dir.with_name(f".{name}.partial")
        shutil.rmtree(stage, ignore_errors=True)
        stage.mkdir(parents=True)
        return stage / name, archive
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise InputError(f"{out_dir} is not an empty folder.",
                         hint="A production goes into a new (or empty) folder, so every file in it is accounted for.")
    return out_dir, None


@dataclass(frozen=True)
class Options:
    """How to produce (everything `produce` takes besides what and where)."""

    custodians: tuple[str, ...] = ()
    include_html: bool = True
    include_pdf: bool = True
    operator: str | None = None
    prefix: str = "CV"
    first_number: int = 1
    tz: str | None = None
    lang: str = "en"

    @property
    def review_options(self) -> dict[str, Any]:
        return {"tz": self.tz, "lang": self.lang}


def produce(vault: Any, selection: Selection, out_dir: Path | str, job: JobContext, *,
            custodians: Sequence[str] = (), zip: bool = False, include_html: bool = True,  # noqa: A002
            include_pdf: bool = True, operator: str | None = None, prefix: str = "CV",
            first_number: int = 1, tz: str | None = None, lang: str = "en") -> ExportReport:
    """Produce `selection` (narrowed to `custodians` where the vault maps them) into `out_dir`
    (with `zip`: into `<out_dir>.zip` and its `.sha256`).

    `prefix` and `first_number` start the control numbers (Bates-style, e.g. CV0000001);
    `operator` is the person named in the chain-of-custody record (default: the OS user); `tz` is
    the zone whose days cut the RSMF files (default: each message's own UTC offset; event times keep
    it either way) and, with `lang`, is handed to the review copies. Raises
    InputError (a folder that is not empty, an unknown custodian), QueryError, StorageError; a
    cancel returns a report with `cancelled` and nothing written."""
    if not prefix or not all(ch.isalnum() or ch in "-_" for ch in prefix) or first_number < 0:
        raise InputError(f"The control numbers cannot start at {prefix!r} {first_number}.",
                         hint="Use a prefix of letters, digits, '-' or '_' and a number from 0.")
    opts = Options(tuple(custodians), include_html, include_pdf, operator, prefix, first_number, tz, lang)
    zone_of(tz)                                  # an unknown zone is refused before anything is written
    existed = Path(out_dir).is_dir()
    root, archive = _prepare(Path(out_dir), zip)
    root.mkdir(parents=True, exist_ok=True)
    report = ExportReport("production", archive or root)
    conn = vault.connect(readonly=True)
    try:
        # One read transaction: every count, file and the custody record's vault state come from
        # the same snapshot of the vault, even while an import or a watch folder writes to it.
        conn.execute("BEGIN")
        _run(vault, conn, selection, root, job, report, opts)
        if archive is not None:
            _zip(root, archive, report)
    except Cancelled:
        report.cancelled = True
        report.files = []
    except OSError as exc:
        raise storage_error(exc, f"writing the production in {root}") from exc
    finally:
        conn.close()
        if archive is not None:                  # the staging folder goes, whatever happened
            shutil.rmtree(root.parent, ignore_errors=True)
            archive.with_name(archive.name + ".partial").unlink(missing_ok=True)
        elif report.cancelled or not report.sha256:
            _undo(root, keep_folder=existed)
    return report


def _undo(root: Path, keep_folder: bool) -> None:
    """Remove what a stopped production wrote (the folder too, unless the user made it)."""
    if not keep_folder:
        shutil.rmtree(root, ignore_errors=True)
        return
    for child in list(root.iterdir()) if root.is_dir() else []:
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _run(vault: Any, conn: Any, selection: Selection, root: Path, job: JobContext, report: ExportReport,
         opts: Options) -> None:
    started = _utc_now()
    scope = custodian_scope(conn, opts.custodians)
    sel, chats = scope.restrict(conn, selection)
    total = sum(c.messages for c in chats)
    job.set_total(items=total * (1 + int(opts.include_html) + 2 * int(opts.include_pdf)))  # PDF reads twice
    job.status("Writing RSMF files")
    ledger = Ledger(root)
    writer = RsmfWriter(vault, conn, root, ledger, opts.prefix, opts.first_number, zone_of(opts.tz))
    try:
        for chat in chats:
            job.check()
            conv = writer.conversation(chat, scope.custodian_of(conn, chat.conversation_id))
            writer.write_conversation(conv, _checked(messages(conn, sel, chat.conversation_id), job),
                                      lambda n: job.advance(n))
    finally:
        writer.close()
    ledger.add(LOADFILE, "loadfile")
    ledger.write("DATA/README.txt", README.format(fields=", ".join(FIELDS)).encode("utf-8"), "note")
    named = list(dict.fromkeys(p["custodian"] for p in writer.counts.per_conversation if p["custodian"]))
    warnings = list(scope.warnings) + [f"{w} (each RSMF event names its file)" for w in writer.natives.warnings()]
    warnings += _review(vault, sel, chats, named, root, job, ledger, opts)
    if not chats:
        warnings.append("The selection matches no message: the production holds its records only.")
    c = writer.counts
    counts = _counts(writer, chats, total)
    if scope.mapped:                      # a message two custodians both hold counts for both
        counts["per_custodian"] = dict(scope.per_custodian)
    production = {"prefix": opts.prefix, "first_docid": writer.first_docid, "last_docid": writer.last_docid,
                  "rsmf_files": c.rsmf_files, "natives": c.natives, "load_file": LOADFILE,
                  "review_html": opts.include_html, "review_pdf": opts.include_pdf}
    selected = {**sel.describe(), "custodians": scope.describe()}
    rec = custody.record(operator=opts.operator, started=started, finished=_utc_now(),
                         vault=custody.vault_state(vault, conn), selection=selected, counts=counts,
                         production=production, warnings=warnings)
    ledger.write("custody.json", custody.to_bytes(rec), "custody")
    ledger.write("custody.txt", custody.to_text(rec), "custody")
    report.sha256 = ledger.finish({"vault_id": vault.vault_id, "produced_at": rec["finished_at"],
                                   "selection": selected, "counts": counts, "production": production})
    report.conversations, report.messages, report.attachments = len(chats), c.messages, c.natives
    report.files = [root / e.path for e in ledger.entries.values()] + [root / "manifest.json", root / "manifest.sha256"]
    report.bytes_written = sum(e.size for e in ledger.entries.values())
    report.warnings = warnings


def _checked(batches: Any, job: JobContext) -> Any:
    for batch in batches:
        job.check()
        yield batch


def _counts(writer: RsmfWriter, chats: list[ChatPlan], total: int) -> dict[str, Any]:
    c = writer.counts
    if c.messages != total:
        raise RuntimeError(f"production wrote {c.messages} events for {total} selected messages")
    return {"messages": c.messages, "selected": total, "conversations": len(chats), "rsmf_files": c.rsmf_files,
            "natives": c.natives, "attachments_not_in_vault": c.attachments_not_in_vault,
            "deleted_at_source": c.deleted_at_source, "recalled": c.recalled, "edited": c.edited,
            "per_custodian": dict(c.per_custodian), "per_conversation": c.per_conversation}


def _review(vault: Any, sel: Selection, chats: list[ChatPlan], custodians: list[str], root: Path,
            job: JobContext, ledger: Ledger, opts: Options) -> list[str]:
    """The HTML and PDF review copies; what could not be made is said, not skipped silently."""
    warnings: list[str] = []
    if not chats:
        return warnings
    if opts.include_html:
        job.status("Writing the HTML review copy")
        made = review.make_html(vault, sel, root, job, opts.review_options)
        if made is None:
            warnings.append("This ChatVault has no HTML exporter: the production has no HTML review copy.")
        else:
            ledger.add_tree(review.HTML_DIR, "html")
            warnings += made.warnings
    if opts.include_pdf:
        job.status("Writing the PDF review copies")
        pdf = review.make_pdf(vault, sel, custodians, root, job, opts.review_options)
        if pdf is None:
            warnings.append("This ChatVault has no PDF exporter: the production has no PDF review copy.")
        else:
            ledger.add_tree(review.PDF_DIR, "pdf")
            warnings += pdf.warnings
    return warnings


def _zip(root: Path, archive: Path, report: ExportReport) -> None:
    """One zip holding the production under its folder name, and its SHA-256 beside it."""
    tmp = archive.with_name(archive.name + ".partial")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6, allowZip64=True) as zf:
        for dirpath, _dirs, files in os.walk(root):
            for name in sorted(files):
                path = Path(dirpath) / name
                arc = f"{root.name}/{path.relative_to(root).as_posix()}"
                stored = path.suffix.lower() in (".jpg", ".jpeg", ".png", ".gif", ".mp4", ".zip", ".pdf", ".webp")
                zf.write(path, arc, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    os.replace(tmp, archive)
    digest = hash_file(archive)[0]
    side = archive.with_name(archive.name + ".sha256")
    side.write_text(f"{digest}  {archive.name}\n", encoding="utf-8", newline="\n")
    report.out = archive
    report.files = [archive, side]
    report.bytes_written = archive.stat().st_size
    report.sha256 = digest
