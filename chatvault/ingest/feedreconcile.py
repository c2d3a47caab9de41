"""Missing-at-source for a Moments feed: the cache an account keeps of its Moments is partial.

A chat database holds the whole chat, so what it no longer has inside the period it covers was
deleted. WeChat's Moments tables hold only the posts the device loaded, so that rule would mark a
friend's post "deleted" merely because it was not scrolled to this time. The rule here:

- A stored post is marked missing-at-source only when this run read posts of the **same author**
  both before and after it (it lies inside that author's window of this run) and this run does not
  have it; posts older or newer than everything this run read of their author are left alone (an
  author's newest posts being deleted is noticed once they post again, or never: never wrongly).
- Only posts an import of the same format brought in are candidates (a PC import never marks what
  only the phone had), never those first stored by this run.
- A comment is marked when its post was read in this run without it (the post's comment list comes
  whole with the post), or when its post is marked by this run.
- A post or comment seen again is restored (present).
- Nothing is marked when parts of the run could not be read (an unreadable post may be the one that
  looks missing), and a run that has no Moments at all (no Sns database this time) marks nothing.
"""

from __future__ import annotations

from chatvault.model import Feed, MessageStatus
from chatvault.store.db import Connection

_PRESENT, _MISSING = MessageStatus.PRESENT.value, MessageStatus.MISSING_AT_SOURCE.value
_SEEN = "(id IN (SELECT id FROM temp.import_seen) OR first_run_id = :run)"
_SAME_FORMAT = "first_run_id IN (SELECT id FROM import_runs WHERE format = :fmt)"


def feeds_of(c: Connection, conv_ids: list[int]) -> dict[int, str]:
    """{conversation id: feed} of the feed conversations among `conv_ids`."""
    if not conv_ids:
        return {}
    marks = ",".join("?" * len(conv_ids))
    return {int(r[0]): str(r[1]) for r in c.execute(
        f"SELECT id, feed FROM conversations WHERE feed IS NOT NULL AND id IN ({marks})", conv_ids)}


def is_moments(feed: str | None) -> bool:
    return feed == Feed.MOMENTS.value


def reconcile(c: Connection, run: int, fmt: str, cid: int, damaged: bool) -> tuple[int, int]:
    """(restored, marked missing) in the Moments conversation `cid` after run `run`."""
    p = {"cid": cid, "run": run, "fmt": fmt, "present": _PRESENT, "missing": _MISSING}
    restored = c.execute(
        "UPDATE messages SET status = :present, missing_run_id = NULL WHERE conversation_id = :cid "
        "AND status = :missing AND id IN (SELECT id FROM temp.import_seen)", p).rowcount
    if damaged:
        return restored, 0
    windows = c.execute(
        f"SELECT sender_id, min(ts), max(ts) FROM messages WHERE conversation_id = :cid AND reply_to_key IS NULL "
        f"AND {_SEEN} GROUP BY sender_id", p).fetchall()
    missing = 0
    for sender, lo, hi in windows:
        missing += c.execute(
            f"UPDATE messages SET status = :missing, missing_run_id = :run WHERE conversation_id = :cid "
            f"AND reply_to_key IS NULL AND sender_id IS :sender AND ts > :lo AND ts < :hi AND status = :present "
            f"AND NOT {_SEEN} AND {_SAME_FORMAT}", dict(p, sender=sender, lo=lo, hi=hi)).rowcount
    missing += c.execute(
        f"UPDATE messages SET status = :missing, missing_run_id = :run WHERE conversation_id = :cid "
        f"AND reply_to_key IS NOT NULL AND status = :present AND NOT {_SEEN} AND {_SAME_FORMAT} "
        f"AND reply_to_key IN (SELECT source_key FROM messages WHERE conversation_id = :cid AND reply_to_key IS NULL "
        f"AND ({_SEEN} OR (status = :missing AND missing_run_id = :run)))", p).rowcount
    return restored, missing


def likes_again(c: Connection, mid: int, extra_json: str) -> bool:
    """A stored Moments post read again: likes it did not have are added to its `extra` (a like
    withdrawn since stays, as everything the archive once held). True when something was added."""
    import json

    try:
        new = json.loads(extra_json).get("moments") or {}
    except (ValueError, AttributeError):
        return False
    if not isinstance(new, dict) or new.get("type") != "post" or not new.get("likes"):
        return False
    row = c.execute("SELECT extra FROM messages WHERE id = ?", (mid,)).fetchone()
    old = json.loads(row[0]) if row is not None and row[0] else {}
    info = old.setdefault("moments", {"type": "post"})
    likes = info.setdefault("likes", [])
    have = {lk.get("key") for lk in likes if isinstance(lk, dict)}
    added = [lk for lk in new["likes"] if isinstance(lk, dict) and lk.get("key") not in have]
    if not added:
        return False
    likes.extend(added)
    c.execute("UPDATE messages SET extra = ? WHERE id = ?", (json.dumps(old, ensure_ascii=False), mid))
    return True
