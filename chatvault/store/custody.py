"""Whose archive a message is in: the one rule search, holds, retention and exports share.

Custodians own import runs (and the watch folders that start them). A message is in custodian C's
archive when one of C's runs brought it (`first_run_id`) or saw it: a run's coverage of the chat
(`import_coverage`: the first and last message time it read) spans the message's time. Two
colleagues exporting the same group chat therefore both hold the messages their exports covered,
and a message is never attributed to someone whose export could not have contained it.
Migration m011's hold trigger writes the same rule out in full (steps are frozen).
"""

from __future__ import annotations


def in_custodians_sql(m: str, ids: str) -> str:
    """SQL true when message `m` is in the archive of a custodian in `ids` (an SQL list or subquery)."""
    return (f"(EXISTS (SELECT 1 FROM import_runs cr WHERE cr.custodian_id IN ({ids}) AND (cr.id = {m}.first_run_id"
            f" OR EXISTS (SELECT 1 FROM import_coverage ic WHERE ic.run_id = cr.id AND ic.conversation_id ="
            f" {m}.conversation_id AND {m}.ts BETWEEN ic.first_ts AND ic.last_ts))))")
