"""Whose archive the produced messages come from, and the custodian filter of a production.

Custodians (a person whose archive a source is) come with the compliance work (issue #20), which
may not be in the vault or the build at hand, so the mapping is looked for at run time: a
`custodians` table (`id`, `name`) owning import runs (`import_runs.custodian_id`), and a
`SearchFilters.custodians` filter that applies #20's rule (a message is in a custodian's archive
when one of their runs brought it or covered its time in its chat: `chatvault/store/custody.py`).

- With a mapping, `custodians=("Anna", ...)` keeps only messages in their archives (an unknown name
  is an error naming the ones the vault has); each conversation's custodians are those whose
  archive holds selected messages of it, and the counts per custodian come from the same rule (a
  group chat two colleagues both exported counts for both).
- Without one, the names are recorded in the manifest and the chain-of-custody record as the
  custodians the operator stated for this production (nothing can be filtered by them: a warning
  says so), and each conversation's custodian is that statement, or else the archive owner the
  source knows (its "me" participant, its account).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from chatvault.errors import InputError
from chatvault.export.selection import ChatPlan, Selection, plan
from chatvault.search.api import SearchFilters


def source_of(conn: Any, conversation_id: int) -> int:
    return int(conn.execute("SELECT source_id FROM conversations WHERE id = ?", (conversation_id,)).fetchone()[0])


def _columns(conn: Any, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def vault_has_custodians(conn: Any) -> bool:
    return {"id", "name"} <= _columns(conn, "custodians") and "custodian_id" in _columns(conn, "import_runs")


def filters_know_custodians() -> bool:
    return "custodians" in {f.name for f in fields(SearchFilters)}


def _with(selection: Selection, custodians: list[str]) -> Selection:
    return Selection(selection.query, replace(selection.filters, custodians=custodians))  # type: ignore[call-arg]


@dataclass
class CustodianScope:
    requested: tuple[str, ...]
    mapped: bool                                   # the vault (and this build) map messages to custodians
    owners: dict[int, str] = field(default_factory=dict)       # source id -> archive owner it knows
    names: list[str] = field(default_factory=list)             # the vault's custodians (mapped)
    by_conversation: dict[int, list[str]] = field(default_factory=dict)
    per_custodian: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def restrict(self, conn: Any, selection: Selection) -> tuple[Selection, list[ChatPlan]]:
        """The selection narrowed to the requested custodians' archives (when mapped), and its chats.
        Custodians the selection's own filter names (the search's `--custodian`) count as requested."""
        chosen = list(getattr(selection.filters, "custodians", ()) or ())
        if self.mapped and chosen:
            self.requested = tuple(dict.fromkeys(self.requested + tuple(self._names(conn, chosen))))
        if self.mapped and self.requested:
            selection = _with(selection, list(self.requested))
        chats = plan(conn, selection)
        if self.mapped:
            self._attribute(conn, selection)
        return selection, chats

    def _names(self, conn: Any, refs: list[Any]) -> list[str]:
        out = []
        for ref in refs:
            row = conn.execute("SELECT name FROM custodians WHERE id = ? OR name = ? COLLATE NOCASE",
                               (int(ref) if str(ref).isdigit() else -1, str(ref))).fetchone()
            if row is None:
                raise InputError(f"No custodian named {ref} in this vault.",
                                 hint=f"Custodians here: {', '.join(self.names) or 'none yet'}.")
            out.append(str(row[0]))
        return out

    def _attribute(self, conn: Any, selection: Selection) -> None:
        for name in self.requested or tuple(self.names):
            chats = plan(conn, _with(selection, [name]))
            if chats:
                self.per_custodian[name] = sum(c.messages for c in chats)
            for c in chats:
                self.by_conversation.setdefault(c.conversation_id, []).append(name)

    def custodian_of(self, conn: Any, conversation_id: int) -> str:
        owner = self.owners.get(source_of(conn, conversation_id), "")
        if self.mapped:
            return "; ".join(self.by_conversation.get(conversation_id, ())) or owner
        return "; ".join(self.requested) or owner

    def describe(self) -> dict[str, Any]:
        return {"requested": list(self.requested), "vault_has_custodians": self.mapped,
                "filtered_by_custodian": bool(self.mapped and self.requested)}


def custodian_scope(conn: Any, custodians: tuple[str, ...] | list[str]) -> CustodianScope:
    requested = tuple(dict.fromkeys(c.strip() for c in custodians if c and c.strip()))
    owners = {}
    for sid, app, account, display, me in conn.execute(
            "SELECT s.id, s.app, s.account, s.display_name, (SELECT p.display_name FROM participants p"
            " WHERE p.source_id = s.id AND p.is_me = 1 ORDER BY p.id LIMIT 1) FROM sources s"):
        owners[int(sid)] = me or display or f"{app} {account}".strip()
    has_table = vault_has_custodians(conn)
    scope = CustodianScope(requested, has_table and filters_know_custodians(), owners=owners)
    if not scope.mapped:
        if requested:
            why = ("this ChatVault cannot filter by custodian" if has_table
                   else "this vault has no custodians assigned")
            scope.warnings.append(f"Not filtered by custodian ({why}): {', '.join(requested)} is recorded as the "
                                  "custodian(s) the operator stated for this production.")
        return scope
    scope.names = [str(r[0]) for r in conn.execute("SELECT name FROM custodians ORDER BY id")]
    known = {n.casefold(): n for n in scope.names}
    unknown = [c for c in requested if c.casefold() not in known]
    if unknown:
        raise InputError(f"No custodian named {', '.join(unknown)} in this vault.",
                         hint=f"Custodians here: {', '.join(scope.names) or 'none yet'} (`chatvault custodian ls`).")
    scope.requested = tuple(known[c.casefold()] for c in requested)
    return scope
