"""Times the way WeChat shows them.

Inside a chat (time chips): a chip when more than 5 minutes passed since the previous message; the
label is HH:mm today, 昨天/Yesterday HH:mm, 星期X/weekday HH:mm within a week, else the full date
(WeChat's rule, kf.qq.com FAQ 161224e2i22a161224qqYfAR). Lists and search results use an absolute
format: 2024年3月5日 14:07 (zh) or the locale's medium date (en).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QCoreApplication

from chatvault.gui import i18n

CHIP_GAP_MS = 5 * 60 * 1000
_WEEKDAYS_ZH = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def needs_chip(prev_ts: int | None, ts: int) -> bool:
    """The 5-minute rule: the first message and any message > 5 min after the previous one."""
    return prev_ts is None or ts - prev_ts > CHIP_GAP_MS


def local_dt(ts_ms: int, tz_offset_min: int | None = None) -> datetime:
    """The message's own wall-clock time when the source recorded an offset, else this machine's."""
    if tz_offset_min is not None:
        return datetime.fromtimestamp(ts_ms / 1000, timezone(timedelta(minutes=tz_offset_min)))
    return datetime.fromtimestamp(ts_ms / 1000).astimezone()


def _zh() -> bool:
    return i18n.current_language().startswith("zh")


def chip_label(ts_ms: int, now: datetime | None = None, tz_offset_min: int | None = None) -> str:
    dt = local_dt(ts_ms, tz_offset_min)
    now = now or datetime.now(dt.tzinfo)
    days = (now.date() - dt.date()).days
    hm = f"{dt.hour:02d}:{dt.minute:02d}"
    zh = _zh()
    if days <= 0:
        return hm
    if days == 1:
        return f"{QCoreApplication.translate('Time', 'Yesterday')} {hm}"
    if days < 7:
        return f"{(_WEEKDAYS_ZH if zh else _WEEKDAYS_EN)[dt.weekday()]} {hm}"
    if zh:
        return f"{dt.year}年{dt.month}月{dt.day}日 {hm}"
    return f"{dt.strftime('%b')} {dt.day}, {dt.year} {hm}"


def absolute(ts_ms: int, tz_offset_min: int | None = None, with_time: bool = True) -> str:
    dt = local_dt(ts_ms, tz_offset_min)
    if _zh():
        text = f"{dt.year}年{dt.month}月{dt.day}日"
    else:
        text = f"{dt.strftime('%b')} {dt.day}, {dt.year}"
    return f"{text} {dt.hour:02d}:{dt.minute:02d}" if with_time else text


def list_label(ts_ms: int | None, now: datetime | None = None) -> str:
    """The short time in the chat list, never ambiguous: HH:mm today, 昨天/Yesterday, the weekday within
    the week, "7 Dec" / 12月7日 this year, and a full date with the 4-digit year before that
    ("7 Dec 2024" / 2024年12月7日): no "26/1/1" that reads as three different dates."""
    if ts_ms is None:
        return ""
    dt = local_dt(ts_ms)
    now = now or datetime.now(dt.tzinfo)
    days = (now.date() - dt.date()).days
    if days <= 0:
        return f"{dt.hour:02d}:{dt.minute:02d}"
    if days == 1:
        return QCoreApplication.translate("Time", "Yesterday")
    if days < 7:
        return (_WEEKDAYS_ZH if _zh() else _WEEKDAYS_EN)[dt.weekday()]
    if _zh():
        return f"{dt.month}月{dt.day}日" if dt.year == now.year else f"{dt.year}年{dt.month}月{dt.day}日"
    short = f"{dt.day} {_MONTHS_EN[dt.month - 1]}"
    return short if dt.year == now.year else f"{short} {dt.year}"


def grouped(text: str, n: int) -> str:
    """A translated count ("%n message(s)" after tr with n) with the number's thousands grouped."""
    return text.replace(str(n), f"{n:,}", 1) if n >= 1000 else text


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def month_label(year: int, month: int) -> str:
    if _zh():
        return f"{year}年{month}月"
    return datetime(year, month, 1).strftime("%B %Y")
