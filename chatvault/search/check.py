"""`chatvault check` part for search: does the index cover exactly the messages with something to
find (text, or details such as a memo, a file name or a call type: `search.fields`)?"""

from __future__ import annotations

from typing import Any

from chatvault.check import CheckReport, Problem, register
from chatvault.search.index import reindex_all, status
from chatvault.store.db import DatabaseError


@register
def check_search_index(vault: Any, report: CheckReport, read_data: bool, repair: bool) -> None:
    conn = vault.connect(readonly=not repair)
    try:
        st = status(conn)
        report.checked["search_indexed"] = int(st["indexed"])
        problems = []
        if st["indexed"] != st["messages_with_text"]:
            problems.append(Problem(
                "search", f"The search index holds {st['indexed']} messages, the vault {st['messages_with_text']} "
                "with text or details to find: some searches would miss or show stale messages.",
                detail={"hint": "Run `chatvault reindex` (or `chatvault check --repair`)."} | st))
        elif st["pending"]:
            problems.append(Problem(
                "search", f"{st['pending']} edited messages wait to be indexed again.", severity="warning",
                detail={"hint": "The next import or `chatvault reindex` indexes them."} | st))
        if not st["current"]:
            problems.append(Problem(
                "search", "The search index was built by another version of the tokenizer.", severity="warning",
                detail={"hint": "Run `chatvault reindex`."} | st))
        if problems and repair:
            reindex_all(conn, report.job)       # Ctrl-C rolls it back: the old index stays
            for p in problems:
                p.repaired = True
        report.problems.extend(problems)
    except DatabaseError as exc:
        report.problems.append(Problem("search", f"The search index cannot be read: {exc}",
                                       detail={"hint": "Run `chatvault reindex`."}))
    finally:
        conn.close()
