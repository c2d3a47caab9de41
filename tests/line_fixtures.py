"""LINE chat-history text files as the apps write them, in several languages: header, saved-at line,
day lines, tab-separated message lines (phones) or space-separated ones (desktop), quoted multi-line
messages, media placeholders, calls and unsent notices. Every file holds the same conversation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Lang:
    header: str            # with {t} for the chat's name
    saved: str
    day: str               # strftime-like with {y} {m} {d} {w}
    weekdays: tuple[str, ...]
    am: str
    pm: str
    ampm_first: bool
    photo: str
    sticker: str
    unsent: str            # with {n}
    missed: str
    call: str              # with {dur}


LANGS = {
    "ja": Lang("[LINE] {t}とのトーク履歴", "保存日時：2024/03/01 午後1:16", "{y}/{m:02d}/{d:02d}({w})",
               ("月", "火", "水", "木", "金", "土", "日"), "午前", "午後", True, "[写真]", "[スタンプ]",
               "{n}がメッセージの送信を取り消しました", "☎ 不在着信", "☎ 通話時間 {dur}"),
    "en": Lang("[LINE] Chat history with {t}", "Saved on: 3/1/2024, 1:16 PM", "{w}, {m}/{d}/{y}",
               ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), "AM", "PM", False, "[Photo]", "[Sticker]",
               "{n} unsent a message.", "☎ Missed call", "☎ Call time {dur}"),
    "zh": Lang("[LINE] 與{t}的聊天記錄", "儲存日期：2024/03/01 13:16", "{y}/{m:02d}/{d:02d}（週{w}）",
               ("一", "二", "三", "四", "五", "六", "日"), "上午", "下午", True, "[照片]", "[貼圖]",
               "{n}已收回訊息", "☎ 未接來電", "☎ 通話時間 {dur}"),
    "ko": Lang("[LINE] {t}님과의 대화", "저장한 날짜 : 2024.03.01 13:16", "{y}.{m:02d}.{d:02d} {w}요일",
               ("월", "화", "수", "목", "금", "토", "일"), "오전", "오후", True, "[사진]", "[스티커]",
               "{n}님이 메시지를 취소했습니다.", "☎ 부재중 전화", "☎ 통화시간 {dur}"),
    "th": Lang("[LINE] ประวัติการแชทกับ{t}", "บันทึกเมื่อ: 01/03/2567 13:16", "{w}, {d:02d}/{m:02d}/{by}",
               ("จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส.", "อา."), "", "", False, "[รูป]", "[สติกเกอร์]",
               "{n} ยกเลิกข้อความ", "☎ สายที่ไม่ได้รับ", "☎ ระยะเวลาการโทร {dur}"),
    "de": Lang("[LINE] Chatverlauf mit {t}", "Gespeichert am: 01.03.2024 13:16", "{w}., {d:02d}.{m:02d}.{y}",
               ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"), "", "", False, "[Foto]", "[Sticker]",
               "{n} hat eine Nachricht zurückgenommen.", "☎ Verpasster Anruf", "☎ Anrufdauer {dur}"),
}

# (local time, sender, text): a day over 12 makes the date order certain in every language.
CHAT = [
    (datetime(2024, 2, 13, 0, 5), "Mika", "夜遅くにごめん 🌙"),
    (datetime(2024, 2, 13, 9, 30), "Ken", "おはよう"),
    (datetime(2024, 2, 13, 12, 3), "Mika", "photo"),
    (datetime(2024, 2, 13, 12, 4), "Ken", "sticker"),
    (datetime(2024, 2, 13, 17, 38), "Mika", "line one\nline two"),
    (datetime(2024, 2, 14, 8, 0), "Ken", "unsent"),
    (datetime(2024, 2, 14, 20, 40), "Mika", "missed"),
    (datetime(2024, 2, 14, 21, 0), "Ken", "call"),
    (datetime(2024, 2, 14, 21, 5), "Mika", 'she said "hi"'),
]


def _clock(t: datetime, lang: Lang, twelve: bool) -> str:
    if not twelve or not lang.am:
        return f"{t.hour:02d}:{t.minute:02d}"
    h = t.hour % 12 or 12
    part = lang.am if t.hour < 12 else lang.pm
    return f"{part}{h:02d}:{t.minute:02d}" if lang.ampm_first else f"{h}:{t.minute:02d} {part}"


def write(path: Path, code: str, *, desktop: bool = False, twelve: bool = True, title: str = "Mika") -> Path:
    lang = LANGS[code]
    out = [] if desktop else [lang.header.format(t=title), lang.saved, ""]
    day = None
    for t, who, what in CHAT:
        if t.date() != day:
            day = t.date()
            if out and out[-1] != "":
                out.append("")
            out.append(lang.day.format(y=t.year, by=t.year + 543, m=t.month, d=t.day, w=lang.weekdays[t.weekday()]))
        clock = _clock(t, lang, twelve and not desktop)
        sep = " " if desktop else "\t"
        text = {"photo": lang.photo, "sticker": lang.sticker, "missed": lang.missed,
                "call": lang.call.format(dur="1:05")}.get(what, what)
        if what == "unsent":
            out.append(f"{clock}{sep}{lang.unsent.format(n=who)}")
            continue
        if not desktop and ("\n" in text or '"' in text):
            text = '"' + text.replace('"', '""') + '"'
        out.append(f"{clock}{sep}{who}{sep}{text}")
    path.write_text("\r\n".join(out) + "\r\n", encoding="utf-8")
    return path
