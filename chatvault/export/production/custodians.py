"""Whose archive each produced conversation comes from, and the custodian filter of a production.

Custodians (a person whose archive a source is) come with the compliance work (issue #20), which
may not be in the vault at hand. So the mapping is looked for at run time: a `custodians` table
(`id`, `name`) linked to sources either by a `sources.custodian_id` column or by a link table
(`source_custodians` or `custodian_sources` with `source_id`, `custodian_id`).

- With a mapping, `custodians=("Anna", ...)` keeps only conversations of sources that belong to one
  of them (an unknown name is an error naming the ones the vault has), and each conversation's
  custodian is its source's custodian name(s).
- Without one, the names are recorded in the manifest and the chain-of-custody record as the
  custodians the operator stated for this production (nothing can be filtered by them: the report
  says so), and each conversation's custodian is that statement, or else the archive owner the
  source knows (its "me" participant, its account).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from chatvault.errors import InputError
from chatvault.export.selection import ChatPlan, Selection


def source_of(conn: Any, conversation_id: int) -> int:
    return int(conn.execute("SELECT source_id FROM conversations WHERE id = ?", (conversation_id,)).fetchone()[0])


def _columns(conn: Any, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def _mapping_sql(conn: Any) -> str | None:
    """SQL giving (source_id, custodian name) rows, or None when the vault has no custodians."""
    cols = _columns(conn, "custodians")
    if not {"id", "name"} <= cols:
        return None
    if "custodian_id" in _columns(conn, "sources"):
        return "SELECT s.id, c.name FROM sources s JOIN custodians c ON c.id = s.custodian_id"
    for link in ("source_custodians", "custodian_sources"):
        if {"source_id", "custodian_id"} <= _columns(conn, link):
            return f"SELECT l.source_id, c.name FROM {link} l JOIN custodians c ON c.id = l.custodian_id"
    return None


@dataclass
class CustodianScope:
    requested: tuple[str, ...]
    mapped: bool                                   # the vault has a custodian mapping
    by_source: dict[int, list[str]] = field(default_factory=dict)
    owners: dict[int, str] = field(default_factory=dict)     # source id -> archive owner it knows
    warnings: list[str] = field(default_factory=list)

    def restrict(self, conn: Any, selection: Selection, chats: list[ChatPlan]) -> tuple[Selection, list[ChatPlan]]:
        """The selection and its conversations narrowed to the requested custodians' sources (when
        the vault has a mapping); an empty list when none of their conversations is selected."""
        if not (self.mapped and self.requested):
            return selection, chats
        wanted = set(self.requested)
        sources = {sid for sid, names in self.by_source.items() if wanted & set(names)}
        kept = [c for c in chats if source_of(conn, c.conversation_id) in sources]
        if not kept:
            return selection, []
        ids = [c.conversation_id for c in kept]
        return Selection(selection.query, replace(selection.filters, conversations=ids)), kept

    def custodian_of(self, source_id: int) -> str:
        if self.mapped:
            names = self.by_source.get(source_id) or []
            if self.requested:
                names = [n for n in names if n in self.requested] or names
            return "; ".join(names) or self.owners.get(source_id, "")
        if self.requested:
            return "; ".join(self.requested)
        return self.owners.get(source_id, "")

    def describe(self) -> dict[str, Any]:
        return {"requested": list(self.requested), "vault_has_custodians": self.mapped,
                "filtered_by_custodian": bool(self.mapped and self.requested)}


def custodian_scope(conn: Any, custodians: tuple[str, ...] | list[str]) -> CustodianScope:
    requested = tuple(dict.fromkeys(c.strip() for c in custodians if c and c.strip()))
    owners = {}
    for sid, app, account, display, me in conn.execute(
            "SELECT s.id, s.app, s.account, s.display_name, (SELECT p.display_name FROM participants p"
            " WHERE p.source_id = s.id AND p.is_me = 1 ORDER BY p.id LIMIT 1) FROM sources s"):
        owners[int(sid)] = me or display or s_account(app, account)
    sql = _mapping_sql(conn)
    scope = CustodianScope(requested, sql is not None, owners=owners)
    if sql is None:
        if requested:
            scope.warnings.append(
                "This vault has no custodian table yet, so the production was not filtered by custodian: "
                f"{', '.join(requested)} is recorded as the custodian(s) the operator stated.")
        return scope
    for sid, name in conn.execute(sql):
        scope.by_source.setdefault(int(sid), []).append(str(name))
    known = {n for names in scope.by_source.values() for n in names}
    unknown = [c for c in requested if c not in known]
    if unknown:
        raise InputError(f"No custodian named {', '.join(unknown)} in this vault.",
                         hint=f"Custodians here: {', '.join(sorted(known)) or 'none assigned yet'}.")
    return scope


def s_account(app: str, account: str) -> str:
    return f"{app} {account}".strip()
