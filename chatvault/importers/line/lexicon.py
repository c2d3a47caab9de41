"""The words LINE writes in its chat-history text in each app language: the header, the saved-at line,
weekdays, the parts of the day, media placeholders, calls and system notices.

Collected from LINE's exports in Japanese, English, Traditional/Simplified Chinese, Korean, Thai,
German and Indonesian (iOS, Android and the desktop app)."""

from __future__ import annotations

import re

from chatvault.model import MessageKind

# "[LINE] <title>…" in each language; the group or person's name is the capture.
HEADERS = [
    re.compile(r"^\[LINE\]\s*(?P<t>.+?)とのトーク履歴\s*$"),
    re.compile(r"^\[LINE\]\s*Chat history (?:with|in) (?P<t>.+?)\s*$", re.I),
    re.compile(r"^\[LINE\]\s*Chats? in (?P<t>.+?)\s*$", re.I),
    re.compile(r"^\[LINE\]\s*[與与](?P<t>.+?)的聊天(?:記錄|记录)\s*$"),
    re.compile(r"^\[LINE\]\s*(?P<t>.+?)(?:님)?과의 대화\s*$"),
    re.compile(r"^\[LINE\]\s*(?P<t>.+?)(?:님)?와의 대화\s*$"),
    re.compile(r"^\[LINE\]\s*ประวัติ(?:การ)?แชท(?:กับ|ใน)\s*(?P<t>.+?)\s*$"),
    re.compile(r"^\[LINE\]\s*Chatverlauf (?:mit|in) (?P<t>.+?)\s*$", re.I),
    re.compile(r"^\[LINE\]\s*Riwayat (?:obrolan|chat) (?:dengan|di) (?P<t>.+?)\s*$", re.I),
    re.compile(r"^\[LINE\]\s*(?P<t>.+?)\s*$"),
]
SAVED = re.compile(r"^(?:保存日時|Saved on|儲存日期|储存日期|保存日期|저장한 날짜|저장 날짜|บันทึกเมื่อ|Gespeichert am|"
                   r"Disimpan pada)\s*[:：]")

# Parts of the day before or after the clock time.
AM = ("午前", "AM", "am", "上午", "오전", "ก่อนเที่ยง", "vorm.")
PM = ("午後", "PM", "pm", "下午", "오후", "หลังเที่ยง", "nachm.")
_DAYPART = "|".join(re.escape(w) for w in (*AM, *PM))
# A time at the start of a message line: 11:24, 午前11:24, AM 11:24, 11:24 AM, 오후 5:38.
TIME = re.compile(rf"^(?:(?P<p1>{_DAYPART})\s?)?(?P<h>\d{{1,2}}):(?P<m>\d{{2}})(?:\s?(?P<p2>{_DAYPART}))?(?=[\t ])")

# A day line: numbers of a date with weekday words or punctuation around them, and nothing else.
DATE_NUMS = re.compile(r"(\d{1,4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,4})\s*日?")
WEEKDAY_WORDS = re.compile(
    r"(?:[月火水木金土日]曜日?|\(.\)|（.+?）|週.|星期.|[월화수목금토일]요일|"
    r"Mon|Tue|Wed|Thu|Fri|Sat|Sun|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"Mo|Di|Mi|Do|Fr|Sa|So|Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag|"
    r"Sen|Sel|Rab|Kam|Jum|Min|Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu|"
    r"จ\.|อ\.|พ\.|พฤ\.|ศ\.|ส\.|อา\.|วัน\S+)", re.I)

# Media and other placeholders a message's whole text can be: text → kind.
PLACEHOLDERS: dict[str, MessageKind] = {}
for kind, words in (
    (MessageKind.IMAGE, ("写真", "Photo", "Photos", "照片", "相片", "사진", "รูป", "รูปภาพ", "Foto", "Fotos", "アルバム", "Album")),
    (MessageKind.VIDEO, ("動画", "Video", "Videos", "影片", "视频", "동영상", "วิดีโอ")),
    (MessageKind.STICKER, ("スタンプ", "Sticker", "Stickers", "貼圖", "贴图", "이모티콘", "스티커", "สติกเกอร์")),
    (MessageKind.FILE, ("ファイル", "File", "檔案", "文件", "파일", "ไฟล์", "Datei", "Berkas")),
    (MessageKind.VOICE, ("ボイスメッセージ", "Voice message", "語音訊息", "语音消息", "음성메시지", "ข้อความเสียง",
                         "Sprachnachricht", "Pesan suara", "Audio")),
    (MessageKind.LOCATION, ("位置情報", "Location", "位置資訊", "位置信息", "위치정보", "ตำแหน่งที่ตั้ง", "Standort", "Lokasi")),
    (MessageKind.CONTACT, ("連絡先", "Contact", "聯絡資訊", "联系人", "연락처", "ผู้ติดต่อ", "Kontakt", "Kontak")),
    (MessageKind.PAYMENT, ("プレゼント", "Gift", "禮物", "礼物", "선물", "ของขวัญ", "Geschenk", "Hadiah")),
):
    for w in words:
        PLACEHOLDERS[f"[{w}]"] = kind

# "☎ …" call lines: the outcome they say, and a duration when there is one.
CALL_MISSED = re.compile(r"不在着信|Missed call|未接來電|未接来电|부재중|สายที่ไม่ได้รับ|Verpasster Anruf|Panggilan tak terjawab", re.I)
CALL_CANCELLED = re.compile(r"キャンセル|Cancel+ed call|已取消|취소|ยกเลิก|Abgebrochen|dibatalkan", re.I)
CALL_DECLINED = re.compile(r"応答なし|No answer|無回應|无应答|응답 없음|ไม่มีผู้รับสาย|Keine Antwort", re.I)
DURATION = re.compile(r"(\d{1,3}):(\d{2})(?::(\d{2}))?")

# "<name> unsent a message" in each language: the name is the capture.
UNSENT = [
    re.compile(r"^(?P<n>.+?)がメッセージの送信を取り消しました$"),
    re.compile(r"^(?P<n>.+?) unsent a message\.?$", re.I),
    re.compile(r"^(?P<n>.+?)已收回訊息$"),
    re.compile(r"^(?P<n>.+?)已撤回消息$"),
    re.compile(r"^(?P<n>.+?)(?:님)?이 메시지를 취소했습니다\.?$"),
    re.compile(r"^(?P<n>.+?)(?:님)?가 메시지를 취소했습니다\.?$"),
    re.compile(r"^(?P<n>.+?)\s*ยกเลิกข้อความ$"),
    re.compile(r"^(?P<n>.+?) hat eine Nachricht zurückgenommen\.?$", re.I),
    re.compile(r"^(?P<n>.+?) membatalkan pesan\.?$", re.I),
]
