"""Media whose original exists only on the phone or computer, past the messenger's clean-up age.

An image/video attachment is listed when the vault holds only its thumbnail (`quality =
'thumbnail'`), or nothing of it while the source named where the file should be (`status =
'missing'` with an `expected_path`: WeChat's database points at a file the folder did not have,
e.g. never opened on that device), and its message is older than the age limit of its app. Past
that age the messenger's servers are commonly reported to no longer serve the original, so the
device's own copy — if it downloaded one — is the last: the user should open these chats on the
phone/computer now, let the originals download or export them, and import or watch the folder again.
A capture or an import of a better level clears an item (the row's quality rises).

The ages are a vault setting (`media.expiry_days`, JSON {app: days}); docs/media.md says where the
defaults come from. Apps without an age (Telegram keeps media in its cloud) are never listed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from chatvault import clock
from chatvault.errors import UsageError
from chatvault.store.db import Connection

SETTING = "media.expiry_days"
DEFAULT_DAYS = {"wechat": 3, "whatsapp": 30}
DAY_MS = 86_400_000
MAX_DAYS = 3650

# Which device holds a file, from the path the source expected it at.
_DEVICES = (("image2/", "phone"), ("video/", "phone"), ("voice2/", "phone"), ("FileStorage/", "computer"),
            ("msg/attach/", "computer"), ("msg/video/", "computer"), ("msg/file/", "computer"))


def limits(conn: Connection) -> dict[str, int]:
    """The age limit per app, in days: the defaults with the vault's setting over them."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (SETTING,)).fetchone()
    out = dict(DEFAULT_DAYS)
    try:
        saved = json.loads(row[0]) if row else {}
    except ValueError:
        saved = {}
    if isinstance(saved, dict):
        out |= {str(k): int(v) for k, v in saved.items() if isinstance(v, int) and 0 <= v <= MAX_DAYS}
    return out


def set_limit(conn: Connection, app: str, days: int) -> dict[str, int]:
    """Save the age limit of `app` (in the caller's transaction); returns the limits now."""
    if app not in DEFAULT_DAYS:
        raise UsageError(f"No clean-up age applies to {app!r}.", hint=f"Use one of: {', '.join(DEFAULT_DAYS)}.")
    if not 0 <= int(days) <= MAX_DAYS:
        raise UsageError(f"{days} days is not a usable age.", hint=f"Give 0 to {MAX_DAYS} days.")
    now = limits(conn) | {app: int(days)}
    conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                 (SETTING, json.dumps(now, sort_keys=True)))
    return now


def save_limit(vault, app: str, days: int) -> dict[str, int]:
    """`set_limit` in its own transaction on the vault's writer (the app's and the CLI's one call)."""
    from chatvault.store.db import rollback

    conn = vault.connect()
    try:
        conn.execute("BEGIN IMMEDIATE")
        now = set_limit(conn, app, days)
        conn.execute("COMMIT")
        return now
    except BaseException:
        if conn.in_transaction:
            rollback(conn)
        raise
    finally:
        conn.close()


def read_report(vault, older_than_days: int | None = None) -> tuple[ExpiringReport, dict[str, int]]:
    """The report and the ages, on a read-only connection of its own (for a worker thread)."""
    conn = vault.connect(readonly=True)
    try:
        return expiring(conn, older_than_days), limits(conn)
    finally:
        conn.close()


def device_of(app: str, expected_path: str | None) -> str:
    """`phone` or `computer`: where the original of this attachment would be."""
    path = (expected_path or "").replace("\\", "/")
    for marker, device in _DEVICES:
        if marker in path:
            return device
    return "phone" if app == "whatsapp" else "computer" if path else "phone"


@dataclass(frozen=True)
class ExpiringItem:
    attachment_id: int
    message_id: int
    conversation_id: int
    conversation: str | None
    app: str
    ts: int
    kind: str
    quality: str                  # thumbnail | missing
    name: str | None
    expected_path: str | None
    device: str                   # phone | computer

    def to_json(self) -> dict:
        return asdict(self) | {"date": _iso(self.ts)}


@dataclass
class ExpiringChat:
    conversation_id: int
    conversation: str | None
    app: str
    count: int = 0
    thumbnails: int = 0
    missing: int = 0
    oldest: int = 0
    newest: int = 0
    devices: list[str] = field(default_factory=list)

    def oldest_date(self) -> str:
        return _iso(self.oldest)[:10]

    def newest_date(self) -> str:
        return _iso(self.newest)[:10]

    def to_json(self) -> dict:
        return asdict(self) | {"oldest_date": _iso(self.oldest), "newest_date": _iso(self.newest)}


@dataclass
class ExpiringReport:
    limits: dict[str, int]
    older_than_days: int | None       # the override given, else None (each app's limit applied)
    items: list[ExpiringItem]
    chats: list[ExpiringChat]

    def to_json(self) -> dict:
        return {"limits": self.limits, "older_than_days": self.older_than_days,
                "count": len(self.items), "chats": [c.to_json() for c in self.chats],
                "attachments": [i.to_json() for i in self.items]}


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def expiring(conn: Connection, older_than_days: int | None = None, now_ms: int | None = None) -> ExpiringReport:
    """The report: every item, and the chats grouped (most items first, then the oldest)."""
    if older_than_days is not None and not 0 <= older_than_days <= MAX_DAYS:
        raise UsageError(f"--older-than {older_than_days} is not a usable age.", hint=f"Give 0 to {MAX_DAYS} days.")
    ages = limits(conn)
    now = clock.now_ms() if now_ms is None else now_ms
    apps = sorted(ages)
    cutoffs = {app: now - (older_than_days if older_than_days is not None else ages[app]) * DAY_MS for app in apps}
    rows = conn.execute(
        "SELECT a.id, m.id, c.id, c.title, s.app, m.ts, m.kind, a.quality, a.original_name, a.expected_path "
        "FROM attachments a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation_id "
        "JOIN sources s ON s.id = c.source_id "
        "WHERE a.quality IN ('missing', 'thumbnail', 'hd') "          # served by m014's partial index
        "AND (a.quality = 'thumbnail' OR (a.quality = 'missing' AND a.status = 'missing' "
        "AND coalesce(a.expected_path, '') != '')) "
        f"AND s.app IN ({','.join('?' * len(apps))}) ORDER BY c.id, m.ts, a.id", apps).fetchall()
    items = [ExpiringItem(int(r[0]), int(r[1]), int(r[2]), r[3], r[4], int(r[5]), r[6], r[7], r[8], r[9],
                          device_of(r[4], r[9])) for r in rows if int(r[5]) < cutoffs[r[4]]]
    return ExpiringReport(ages, older_than_days, items, _group(items))


def _group(items: list[ExpiringItem]) -> list[ExpiringChat]:
    chats: dict[int, ExpiringChat] = {}
    for it in items:
        c = chats.get(it.conversation_id)
        if c is None:
            c = chats[it.conversation_id] = ExpiringChat(it.conversation_id, it.conversation, it.app,
                                                         oldest=it.ts, newest=it.ts)
        c.count += 1
        c.thumbnails += it.quality == "thumbnail"
        c.missing += it.quality == "missing"
        c.oldest, c.newest = min(c.oldest, it.ts), max(c.newest, it.ts)
        if it.device not in c.devices:
            c.devices.append(it.device)
    return sorted(chats.values(), key=lambda c: (-c.count, c.oldest, c.conversation_id))
