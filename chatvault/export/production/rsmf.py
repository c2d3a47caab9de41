"""RSMF 2.0 (Relativity Short Message Format): one conversation's events of one day as an `.rsmf` file.

An RSMF file is an RFC 5322 message (built here with Python's `email` package) whose headers carry
`X-RSMF-Version` and the summary fields (`-Generator`, `-BeginDate`, `-EndDate`, `-EventCount`, and
the 2.0 fields `-Application`, `-Custodian`, `-Participants`, `-AttachmentCount`,
`-EventCollectionID`), whose text/plain body is a readable transcript, and whose single base64
attachment `rsmf.zip` holds `rsmf_manifest.json` (participants, conversations, events) beside the
attachment files the events name. The manifest follows the public JSON Schema
`rsmf_schema_2_0_0.json` (vendored under `tests/rsmf/`, every produced manifest is validated
against it in the tests).

How the vault's states are told (never hidden): a message deleted at source (gone from a later
export of the same chat) and a recalled/unsent one get `"deleted": true` and a custom `State`
saying which; an edited one gets an `edits` entry (the source keeps no earlier text, so only
`new` and the edit time are given) and a custom `Edited`; a reply whose original is in the same
file gets `parent`, otherwise a custom `In reply to`. Relativity recommends at most 10,000 events
per file and files well under 200 MB, so a day is cut into parts (sharing the conversation's
`eventcollectionid`) at 10,000 events or 50 MiB of attachments, and an attachment over 25 MiB is
not embedded: it is produced as its own native in the same family, and its event names it in a
custom field. A file is built in memory, so this also bounds the memory a production needs.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.charset import QP, Charset
from email.generator import BytesGenerator
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from chatvault import __version__
from chatvault.export.describe import describe, states
from chatvault.export.media import STATE_TEXT
from chatvault.export.selection import ChatPlan, ExportMessage
from chatvault.search.api import iso_time

VERSION = "2.0.0"
GENERATOR = f"ChatVault {__version__}"
MAX_EVENTS = 10_000                          # Relativity's recommended ceiling per RSMF file
EMBED_MAX = 25 * 2**20                       # a bigger attachment stays a native only (not in rsmf.zip)
ZIP_BUDGET = 50 * 2**20                      # attachment bytes per file before a day is cut into parts


class _Policy(Compat32):
    """compat32 that writes a short one-line ASCII header as it is (nearly every header here)
    instead of building an `email.header.Header` to fold it; anything else folds as compat32 does."""

    def _fold(self, name: str, value: Any, sanitize: bool) -> str:
        if (isinstance(value, str) and value.isascii() and len(name) + len(value) + 2 <= 78
                and "\n" not in value and "\r" not in value):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)  # type: ignore[misc]


POLICY = _Policy(linesep="\r\n")
_QP_UTF8 = Charset("utf-8")
_QP_UTF8.body_encoding = QP
MANIFEST_NAME = "rsmf_manifest.json"
_DIRECT_KINDS = ("direct", "self")
_JOIN = frozenset(("joined", "member_joined", "added", "join", "join_group_by_link", "invite_members",
                   "group_created", "create_group", "create_channel"))
_LEAVE = frozenset(("left", "removed", "leave", "remove_members"))


@dataclass
class Native:
    """One attachment of a selected message as produced: its control number, its file in NATIVES/
    (None when the vault does not hold it) and its name inside rsmf.zip."""

    message_id: int
    ordinal: int
    docid: str | None
    path: Path | None
    zip_name: str | None
    display: str
    size: int | None
    status: str                              # stored, or export.media's missing | expired | lost | damaged
    md5: str = ""
    sha256: str = ""


@dataclass
class Conversation:
    """What every file of one conversation shares: ids, its participants, its custodian."""

    plan: ChatPlan
    custodian: str                           # the custodian name(s) the production states
    members: list[tuple[str, str | None, bool]]   # (source key, display name, is me)
    ids: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    me_key: str | None = None

    def __post_init__(self) -> None:
        for key, name, is_me in self.members:
            self.pid(key, name)
            if is_me and self.me_key is None:
                self.me_key = key

    @property
    def rsmf_id(self) -> str:
        return f"C{self.plan.conversation_id}"

    @property
    def display(self) -> str:
        return self.plan.title or self.plan.source_key or self.rsmf_id

    @property
    def collection_id(self) -> str:
        return f"chatvault-{self.plan.app}-{self.plan.conversation_id}"

    def pid(self, key: str, name: str | None) -> str:
        """The participant id of a sender key, stable across every file of this conversation."""
        pid = self.ids.get(key)
        if pid is None:
            pid = self.ids[key] = f"P{len(self.ids) + 1}"
        if name and key not in self.names:
            self.names[key] = name
        return pid

    def sender_pid(self, m: ExportMessage) -> str | None:
        if m.sender_key is None and m.sender is None:
            return None
        return self.pid(m.sender_key or m.sender or "", m.sender)


@dataclass
class Slice:
    """The events of one file: one conversation, one day (part `part` of it when cut)."""

    conv: Conversation
    day: str                                 # YYYY-MM-DD in `basis`
    part: int
    messages: list[ExportMessage]
    natives: dict[tuple[int, int], Native]
    basis: str = "UTC"                       # the zone or UTC offset the day is counted in

    @property
    def begin(self) -> str:
        return utc_iso(self.messages[0].ts)

    @property
    def end(self) -> str:
        return utc_iso(self.messages[-1].ts)


def utc_iso(ts: int) -> str:
    return iso_time(ts, None)


def _custom(name: str, value: Any) -> dict[str, str] | None:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return {"name": name, "value": text} if text else None


_STATE_WORDS = {"deleted_at_source": "deleted at source", "recalled": "recalled", "edited": "edited"}


def state_of(m: ExportMessage) -> str:
    """The message's states in words, as RSMF, the load file and the transcript state them."""
    return "; ".join(_STATE_WORDS.get(s, s) for s in states(m))


def body_of(m: ExportMessage) -> str:
    """The text a reviewer reads for the event: what `describe` says of it (the text of a text
    message; the amount of a transfer, the place of a location ...)."""
    return describe(m) or m.text or ""


def _event_type(m: ExportMessage) -> str:
    if m.kind != "system":
        return "message"
    marker = str(m.extra.get("system") or m.extra.get("action") or m.extra.get("event") or "")
    if marker in _JOIN:
        return "join"
    if marker in _LEAVE:
        return "leave"
    return "message"


def _reactions(conv: Conversation, raw: Any) -> list[dict[str, Any]]:
    """Reactions as the importers keep them (Telegram: [{emoji, count, recent: [{from, from_id}]}];
    others: a list of {emoji|reaction|value, count, by} or a {emoji: count} map)."""
    items: Iterable[Any] = raw.items() if isinstance(raw, dict) else raw if isinstance(raw, list) else ()
    out = []
    for item in items:
        if isinstance(item, tuple):
            value, count, people = str(item[0]), item[1], []
        elif isinstance(item, dict):
            value = str(item.get("emoji") or item.get("reaction") or item.get("value")
                        or item.get("document_id") or item.get("type") or "")
            count, people = item.get("count"), item.get("recent") or item.get("by") or []
        else:
            value, count, people = str(item), None, []
        if not value:
            continue
        r: dict[str, Any] = {"value": value}
        if isinstance(count, int) and not isinstance(count, bool):
            r["count"] = count
        pids = []
        for p in people if isinstance(people, list) else []:
            key = str(p.get("from_id") or p.get("from") or "") if isinstance(p, dict) else str(p)
            if key:
                pids.append(conv.pid(key, p.get("from") if isinstance(p, dict) else None))
        if pids:
            r["participants"] = pids
        out.append(r)
    return out


def event(s: Slice, m: ExportMessage, in_file: set[int]) -> dict[str, Any]:
    """One message as an RSMF event."""
    conv = s.conv
    ev: dict[str, Any] = {"id": f"m{m.id}", "type": _event_type(m), "conversation": conv.rsmf_id,
                          "timestamp": m.time_iso, "body": body_of(m)}
    pid = conv.sender_pid(m)
    if pid is not None:
        ev["participant"] = pid
        ev["direction"] = "outgoing" if m.from_me else "incoming"
    custom = [_custom("Kind", m.kind), _custom("Vault message id", str(m.id)),
              _custom("Source message id", m.source_key)]
    state = state_of(m)
    if m.status == "missing-at-source" or "recalled" in states(m):
        ev["deleted"] = True
    if state:
        custom.append(_custom("State", state))
    if m.status == "missing-at-source" and m.missing_run_id is not None:
        custom.append(_custom("Deleted at source", f"missing from import run {m.missing_run_id}"))
    if m.is_edited:
        edit: dict[str, Any] = {"participant": pid or "unknown", "new": m.text or ""}
        if m.edited_at:
            edit["timestamp"] = iso_time(m.edited_at, m.tz_offset)
        if pid is not None:
            ev["edits"] = [edit]
        at = f" at {edit['timestamp']}" if "timestamp" in edit else ""
        custom.append(_custom("Edited", f"edited at source{at}; the earlier text is not in the source export"))
    if m.reply_to_id is not None and m.reply_to_id in in_file:
        ev["parent"] = f"m{m.reply_to_id}"
    elif m.reply_to_id is not None or m.reply_to_key:
        target = f"vault message {m.reply_to_id}" if m.reply_to_id is not None else "a message not in the vault"
        custom.append(_custom("In reply to", f"{target} (source id {m.reply_to_key or '?'})"))
    if m.forwarded_from:
        custom.append(_custom("Forwarded from", m.forwarded_from))
    reactions = _reactions(conv, m.extra.get("reactions"))
    if reactions:
        ev["reactions"] = reactions
    attachments, missing, apart = [], [], []
    for att in m.attachments:
        n = s.natives.get((m.id, int(att["ordinal"])))
        if n is not None and n.zip_name:
            a: dict[str, Any] = {"id": n.zip_name, "display": n.display}
            if n.size is not None:
                a["size"] = n.size
            attachments.append(a)
        elif n is not None and n.path is not None:
            apart.append(f"{n.display}: {n.docid} (NATIVES/{n.path.name}, {n.size} bytes)")
        else:
            name = (n.display if n else None) or att.get("original_name") or att.get("expected_path") or "file"
            status = n.status if n else str(att.get("status"))
            missing.append(f"{name} ({STATE_TEXT.get(status, status)})")
    if attachments:
        ev["attachments"] = attachments
    if missing:
        custom.append(_custom("Attachment not in the vault", "; ".join(missing)))
    if apart:
        custom.append(_custom("Attachment produced as a separate native (too large to embed)", "; ".join(apart)))
    for run_name, run in (("Import run", m.first_run_id), ("Last seen in import run", m.last_seen_run_id)):
        if run is not None:
            custom.append(_custom(run_name, str(run)))
    if m.location:
        custom.append(_custom("Source location", m.location))
    ev["custom"] = [c for c in custom if c]
    return ev


def manifest(s: Slice) -> dict[str, Any]:
    """The rsmf_manifest.json of one file."""
    conv = s.conv
    in_file = {m.id for m in s.messages}
    events = [event(s, m, in_file) for m in s.messages]
    used = set(conv.ids[k] for k, _n, _me in conv.members)
    used.update(e["participant"] for e in events if "participant" in e)
    for e in events:
        for r in e.get("reactions", ()):
            used.update(r.get("participants", ()))
        for ed in e.get("edits", ()):
            used.add(ed["participant"])
    if conv.me_key is not None:
        used.add(conv.ids[conv.me_key])
    by_id = {pid: key for key, pid in conv.ids.items()}
    participants = []
    for pid in sorted(used, key=lambda p: int(p[1:]) if p[1:].isdigit() else 0):
        key = by_id.get(pid, pid)
        p: dict[str, Any] = {"id": pid, "display": conv.names.get(key) or key or pid, "account_id": key or pid}
        if key == conv.me_key:
            p["custom"] = [{"name": "Custodian's own account", "value": "yes"}]
        participants.append(p)
    c: dict[str, Any] = {
        "id": conv.rsmf_id, "display": conv.display, "platform": conv.plan.app,
        "type": "direct" if conv.plan.kind in _DIRECT_KINDS else "channel",
        "participants": [p["id"] for p in participants],
        "custom": [c for c in (_custom("Custodian", conv.custodian), _custom("Source account", conv.plan.account),
                               _custom("Source conversation id", conv.plan.source_key),
                               _custom("Vault conversation id", str(conv.plan.conversation_id)),
                               _custom("Conversation kind", conv.plan.kind)) if c],
    }
    if conv.me_key is not None:
        c["custodian"] = conv.ids[conv.me_key]
    return {"version": VERSION, "participants": participants, "conversations": [c], "events": events,
            "eventcollectionid": conv.collection_id}


def transcript(s: Slice, man: dict[str, Any]) -> str:
    """The human-readable text of the file: the EML body, and the extracted text of the load file."""
    conv = s.conv
    names = {p["id"]: p.get("display") or p["id"] for p in man["participants"]}
    part = f" (part {s.part})" if s.part > 1 else ""
    lines = [f"Conversation: {conv.display} ({conv.plan.app}, {conv.plan.kind})",
             f"Custodian: {conv.custodian}", f"Day: {s.day}{part} ({s.basis})",
             f"Participants: {', '.join(names.values())}", f"Events: {len(s.messages)}", ""]
    for m, ev in zip(s.messages, man["events"], strict=True):
        who = names.get(ev.get("participant", ""), "System")
        head = f"[{m.time_iso}] {who}:"
        state = state_of(m)
        if state:
            head += f" [{state}]"
        lines.append(f"{head} {ev.get('body', '')}".rstrip())
        for a in ev.get("attachments", ()):
            lines.append(f"    attachment: {a['display']} ({a['id']})")
    return "\n".join(lines) + "\n"


def rsmf_zip(man: dict[str, Any], natives: Iterable[Native]) -> bytes:
    """rsmf.zip: the manifest and the attachments it names, flat at the root."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(MANIFEST_NAME, json.dumps(man, ensure_ascii=False, separators=(",", ":")))
        for n in natives:
            if n.path is not None and n.zip_name:
                zf.write(n.path, n.zip_name, compress_type=zipfile.ZIP_STORED)
    return buf.getvalue()


def _header(value: str) -> str | Header:
    """ASCII as is; anything else as an RFC 2047 encoded word (UTF-8)."""
    return value if value.isascii() else Header(value, "utf-8")


def eml(s: Slice, man: dict[str, Any], text: str, zipped: bytes, unique: str) -> bytes:
    """The .rsmf file: RFC 5322 headers, the transcript (quoted-printable UTF-8), and rsmf.zip as a
    base64 attachment. Built with the `email` package's MIME classes under the compat32 policy,
    which writes the same RFC 5322/2045 bytes several times faster than the default policy."""
    conv = s.conv
    names = [p.get("display") or p["id"] for p in man["participants"]]
    attachments = sum(len(e.get("attachments", ())) for e in man["events"])
    msg = MIMEMultipart("mixed")
    headers = [
        ("From", "ChatVault <chatvault@localhost>"),
        ("Subject", f"{conv.display} - {s.day}" + (f" (part {s.part})" if s.part > 1 else "")),
        ("Date", format_datetime(datetime.fromtimestamp(s.messages[0].ts / 1000, UTC))),
        ("Message-ID", f"<{conv.rsmf_id}.{s.day}.{unique}@chatvault.invalid>"),
        ("X-RSMF-Version", VERSION), ("X-RSMF-Generator", GENERATOR),
        ("X-RSMF-BeginDate", s.begin), ("X-RSMF-EndDate", s.end),
        ("X-RSMF-EventCount", str(len(man["events"]))), ("X-RSMF-Application", conv.plan.app),
        ("X-RSMF-Custodian", conv.custodian),
        ("X-RSMF-Participants", ", ".join(n.replace(",", " ") for n in names)),
        ("X-RSMF-AttachmentCount", str(attachments)), ("X-RSMF-EventCollectionID", conv.collection_id),
    ]
    for name, value in headers:
        msg[name] = _header(value)
    msg.attach(MIMEText(text, "plain", _QP_UTF8))
    part = MIMEApplication(zipped, "zip")
    part.add_header("Content-Disposition", "attachment", filename="rsmf.zip")
    msg.attach(part)
    out = io.BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=POLICY).flatten(msg)
    return out.getvalue()
