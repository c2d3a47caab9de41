"""What a message, Moments post or Favorite with an article says about its saved copy."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from chatvault.gui import timefmt


def _tr(text: str) -> str:
    return QCoreApplication.translate("ArticleText", text)


def day(ms: int | None) -> str:
    return timefmt.absolute(ms, with_time=False) if ms else "?"


def saved_copy_line(article: dict[str, Any] | None) -> str:
    """"Saved copy (captured <date>)", "Deleted at the source on <date> — saved copy below", or ""."""
    if not article:
        return ""
    status, has_copy = article.get("status"), article.get("snapshot_id") is not None
    checked, captured = day(article.get("checked_at")), day(article.get("captured_at"))
    if status == "deleted":
        return (_tr("Deleted at the source on %1 — saved copy below") if has_copy else
                _tr("Deleted at the source on %1 — no saved copy")).replace("%1", checked)
    if status == "blocked":
        return (_tr("Blocked at the source on %1 — saved copy below") if has_copy else
                _tr("Blocked at the source on %1 — no saved copy")).replace("%1", checked)
    if has_copy:
        return _tr("Saved copy (captured %1)").replace("%1", captured)
    return ""


def status_line(article: dict[str, Any]) -> str:
    """The viewer's status: what the source said last, and when."""
    status = article.get("status") or "unknown"
    when = timefmt.absolute(article["checked_at"]) if article.get("checked_at") else ""
    words = {"available": _tr("Still online when checked on %1"),
             "deleted": _tr("Deleted at the source (checked on %1)"),
             "blocked": _tr("Blocked at the source (checked on %1)"),
             "unavailable": _tr("Could not be reached when checked on %1")}.get(status)
    if words is None or not when:
        return _tr("Not checked at the source yet")
    text = words.replace("%1", when)
    if article.get("status_text") and status != "available":
        text += f" — “{article['status_text']}”"
    return text


def origin_text(origin: str | None) -> str:
    return {"wechat-cache": _tr("from WeChat's own cache on this device"),
            "fetched": _tr("fetched from the web")}.get(origin or "", "")
