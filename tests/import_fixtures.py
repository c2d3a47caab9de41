"""Generators of WhatsApp and Telegram exports for the import tests (and the benchmark).

Everything is written by code so no real export is copied into the project. The WhatsApp generator
writes the layouts real phones produce; the Telegram generator writes Telegram Desktop's JSON with
a media folder.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

NNBSP = "\u202f"
LRM = "\u200e"

# Small valid media files (the blob store sniffs content, so they must look real).
PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002"
    "0001e221bc330000000049454e44ae426082"
)
JPEG_HEAD = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
OPUS = b"OggS" + b"\x00" * 60


@dataclass
class WaMsg:
    when: datetime
    sender: str | None        # None: a system line
    text: str


@dataclass
class Layout:
    """How one phone/locale writes a timestamp line."""

    name: str
    date: str                  # strftime-like with {d} {m} {y} {Y} {dd} {mm}
    clock: str = "24"          # "24" or "12"
    seconds: bool = False
    ios: bool = False
    am: str = "AM"
    pm: str = "PM"
    ampm_before: bool = False  # 下午3:04
    space: str = " "           # before the AM/PM word
    comma: str = ","

    def stamp(self, t: datetime) -> str:
        date = self.date.format(d=t.day, m=t.month, y=t.year % 100, Y=t.year, dd=f"{t.day:02d}",
                                mm=f"{t.month:02d}", yy=f"{t.year % 100:02d}")
        if self.clock == "12":
            h = t.hour % 12 or 12
            word = self.am if t.hour < 12 else self.pm
            hm = f"{h}:{t.minute:02d}" + (f":{t.second:02d}" if self.seconds else "")
            clock = f"{word}{hm}" if self.ampm_before else f"{hm}{self.space}{word}"
        else:
            clock = f"{t.hour:02d}:{t.minute:02d}" + (f":{t.second:02d}" if self.seconds else "")
        if self.ios:
            return f"[{date}{self.comma} {clock}] "
        return f"{date}{self.comma} {clock} - "


LAYOUTS = {
    "android-en-us": Layout("android-en-us", "{m}/{d}/{yy}", "12", space=NNBSP),
    "android-en-gb": Layout("android-en-gb", "{dd}/{mm}/{Y}"),
    "ios-en": Layout("ios-en", "{dd}/{mm}/{Y}", seconds=True, ios=True),
    "ios-us-12h": Layout("ios-us-12h", "{m}/{d}/{yy}", "12", seconds=True, ios=True, space=NNBSP),
    "android-de": Layout("android-de", "{dd}.{mm}.{yy}"),
    "ios-de": Layout("ios-de", "{dd}.{mm}.{yy}", seconds=True, ios=True),
    "android-es": Layout("android-es", "{d}/{m}/{yy}", "12", am="a. m.", pm="p. m.", space="\u00a0"),
    "android-pt": Layout("android-pt", "{dd}/{mm}/{Y}"),
    "android-fr": Layout("android-fr", "{dd}/{mm}/{Y}", comma=""),
    "android-it": Layout("android-it", "{dd}/{mm}/{yy}"),
    "android-ru": Layout("android-ru", "{dd}.{mm}.{Y}"),
    "android-id": Layout("android-id", "{dd}/{mm}/{yy}", comma=""),
    "android-zh": Layout("android-zh", "{Y}/{m}/{d}", "12", am="上午", pm="下午", ampm_before=True, comma=""),
    "ios-zh": Layout("ios-zh", "{Y}/{m}/{d}", "12", seconds=True, ios=True, am="上午", pm="下午",
                     ampm_before=True, comma=""),
    "android-hi": Layout("android-hi", "{d}/{m}/{yy}", "12", am="am", pm="pm"),
    "android-ar": Layout("android-ar", "{d}/{m}/{yy}", "12", am="ص", pm="م"),
    "android-iso": Layout("android-iso", "{Y}-{mm}-{dd}"),
    "android-dash": Layout("android-dash", "{dd}-{mm}-{Y}", "12", seconds=True),
}

# Per language: (system lines, media omitted, attached, deleted, edited marker, poll words, location word)
LANG = {
    "en": dict(encrypted="Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
                         "WhatsApp, can read or listen to them. Tap to learn more.",
               created='{a} created group "Trip"', added="{a} added {b}", left="{b} left",
               subject='{a} changed the subject from "Trip" to "Trip 2"', omitted="<Media omitted>",
               attached="{f} (file attached)", deleted="This message was deleted",
               edited="<This message was edited>", poll=("POLL", "OPTION", "votes"), location="location"),
    "zh": dict(encrypted="消息和通话已进行端到端加密。对话之外的任何人，甚至包括 WhatsApp，都无法读取或收听。",
               created='{a}创建了群组"Trip"', added="{a}添加了{b}", left="{b}已退出",
               subject='{a}更改了群组名称', omitted="<省略影音内容>", attached="{f} (文件已附上)",
               deleted="此消息已删除", edited="<此消息已编辑>", poll=("投票", "选项", "票"), location="位置"),
    "es": dict(encrypted="Los mensajes y las llamadas están cifrados de extremo a extremo.",
               created='{a} creó el grupo "Trip"', added="{a} añadió a {b}", left="{b} salió del grupo",
               subject='{a} cambió el asunto de "Trip" a "Trip 2"', omitted="<Multimedia omitido>",
               attached="{f} (archivo adjunto)", deleted="Se eliminó este mensaje",
               edited="<Se editó este mensaje.>", poll=("ENCUESTA", "OPCIÓN", "votos"), location="ubicación"),
    "pt": dict(encrypted="As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta.",
               created='{a} criou o grupo "Trip"', added="{a} adicionou {b}", left="{b} saiu",
               subject='{a} mudou o assunto de "Trip" para "Trip 2"', omitted="<Mídia oculta>",
               attached="{f} (arquivo anexado)", deleted="Esta mensagem foi apagada",
               edited="<Esta mensagem foi editada>", poll=("ENQUETE", "OPÇÃO", "votos"), location="localização"),
    "de": dict(encrypted="Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt.",
               created='{a} hat die Gruppe „Trip“ erstellt', added="{a} hat {b} hinzugefügt",
               left="{b} hat die Gruppe verlassen", subject='{a} hat den Betreff von „Trip“ zu „Trip 2“ geändert',
               omitted="<Medien ausgeschlossen>", attached="{f} (Datei angehängt)",
               deleted="Diese Nachricht wurde gelöscht", edited="<Diese Nachricht wurde bearbeitet>",
               poll=("UMFRAGE", "OPTION", "Stimmen"), location="Standort"),
    "fr": dict(encrypted="Les messages et les appels sont chiffrés de bout en bout.",
               created='{a} a créé le groupe « Trip »', added="{a} a ajouté {b}", left="{b} est parti",
               subject='{a} a modifié le sujet de « Trip » en « Trip 2 »', omitted="<Médias omis>",
               attached="{f} (fichier joint)", deleted="Ce message a été supprimé",
               edited="<Ce message a été modifié>", poll=("SONDAGE", "OPTION", "votes"), location="position"),
    "it": dict(encrypted="I messaggi e le chiamate sono crittografati end-to-end.",
               created='{a} ha creato il gruppo "Trip"', added="{a} ha aggiunto {b}", left="{b} è uscito",
               subject='{a} ha cambiato l\'oggetto da "Trip" a "Trip 2"', omitted="<Media omessi>",
               attached="{f} (file allegato)", deleted="Questo messaggio è stato eliminato",
               edited="<Questo messaggio è stato modificato>", poll=("SONDAGGIO", "OPZIONE", "voti"),
               location="posizione"),
    "ru": dict(encrypted="Сообщения и звонки защищены сквозным шифрованием.",
               created='{a} создал(а) группу "Trip"', added="{a} добавил(а) {b}", left="{b} вышел(-ла)",
               subject='{a} изменил(а) тему с "Trip" на "Trip 2"', omitted="<Без медиафайлов>",
               attached="{f} (файл добавлен)", deleted="Данное сообщение удалено",
               edited="<Сообщение изменено>", poll=("ОПРОС", "ВАРИАНТ", "голоса"), location="местоположение"),
    "id": dict(encrypted="Pesan dan panggilan terenkripsi secara end-to-end.",
               created='{a} membuat grup "Trip"', added="{a} menambahkan {b}", left="{b} keluar",
               subject='{a} mengubah subjek dari "Trip" ke "Trip 2"', omitted="<Media tidak disertakan>",
               attached="{f} (file terlampir)", deleted="Pesan ini telah dihapus", edited="<Pesan ini diedit>",
               poll=("POLLING", "OPSI", "suara"), location="lokasi"),
    "hi": dict(encrypted="संदेश और कॉल एंड-टू-एंड एन्क्रिप्टेड हैं।",
               created='{a} ने समूह "Trip" बनाया', added="{a} ने {b} को जोड़ा", left="{b} ने छोड़ दिया",
               subject='{a} ने विषय "Trip" से "Trip 2" में बदला', omitted="<मीडिया के बिना>",
               attached="{f} (फ़ाइल संलग्न है)", deleted="यह संदेश हटा दिया गया था",
               edited="<यह संदेश संपादित किया गया था>", poll=("मतदान", "विकल्प", "वोट"), location="स्थान"),
    "ar": dict(encrypted="الرسائل والمكالمات مشفرة تمامًا بين الطرفين.",
               created='أنشأ {a} المجموعة "Trip"', added="أضاف {a} {b}", left="غادر {b}",
               subject='غيّر {a} الموضوع إلى "Trip 2"', omitted="<تم استبعاد الوسائط>",
               attached="{f} (الملف مرفق)", deleted="تم حذف هذه الرسالة", edited="<تم تعديل هذه الرسالة>",
               poll=("استطلاع", "خيار", "أصوات"), location="الموقع"),
}
LAYOUT_OF_LANG = {"en": "android-en-us", "zh": "android-zh", "es": "android-es", "pt": "android-pt",
                  "de": "android-de", "fr": "android-fr", "it": "android-it", "ru": "android-ru",
                  "id": "android-id", "hi": "android-hi", "ar": "android-ar"}

T0 = datetime(2023, 3, 14, 9, 5, 7)   # a day over 12 decides the date order


@dataclass
class WaExport:
    lines: list[str]
    expected: list[dict] = field(default_factory=list)   # per message: sender, kind, text, when
    media: dict[str, bytes] = field(default_factory=dict)


def whatsapp_locale(lang: str, layout: Layout | None = None, *, media_names: list[str] | None = None) -> WaExport:
    """One export in `lang`: system lines, text, multi-line, omitted/attached media, deleted, edited, poll,
    location, contact card. `expected` describes every message in order."""
    L = LANG[lang]
    lay = layout or LAYOUTS[LAYOUT_OF_LANG[lang]]
    a, b, c = "Ana María", "Bob", "Chen 陈"
    out = WaExport([])
    t = T0

    def add(sender: str | None, text: str, kind: str, shown: str | None = None, **extra: object) -> None:
        nonlocal t
        t += timedelta(minutes=7, seconds=3)
        stamp = lay.stamp(t)
        out.lines.append(stamp + (f"{sender}: {text}" if sender else text))
        when = t if lay.seconds else t.replace(second=0)
        out.expected.append({"sender": sender, "kind": kind, "text": text if shown is None else shown,
                             "when": when, **extra})

    add(None, L["encrypted"], "system", system="encryption")
    add(None, L["created"].format(a=a), "system", system="group_created")
    add(None, L["added"].format(a=a, b=b), "system", system="added")
    add(a, "Hello 👋", "text")
    add(b, "first line\nsecond line\n\nfourth: with colon", "text")
    add(c, "我们明天见", "text")
    add(b, L["omitted"], "image" if False else "file", shown=None, omitted=True)
    out.expected[-1]["text"] = None
    names = media_names if media_names is not None else ["IMG-20230314-WA0001.jpg", "PTT-20230314-WA0002.opus"]
    for name in names:
        kind = "image" if name.endswith(".jpg") else "voice" if name.endswith(".opus") else "file"
        add(a, L["attached"].format(f=name), kind, shown=None, file=name)
        out.expected[-1]["text"] = None
    add(c, "meet at 10:30", "text")
    add(b, L["deleted"], "recalled")
    add(a, "fixed typo " + L["edited"], "text", shown="fixed typo", edited=True)
    poll, option, votes = L["poll"]
    add(a, f"{poll}:\nWhere?\n{option}: Beach ({2} {votes})\n{option}: Hills ({1} {votes})", "poll")
    add(c, f"{L['location']}: https://maps.google.com/?q=52.520008,13.404954", "location")
    add(b, L["attached"].format(f="Dad.vcf"), "contact", shown=None, file="Dad.vcf")
    out.expected[-1]["text"] = None
    add(None, L["subject"].format(a=a), "system", system="subject")
    add(None, L["left"].format(b=b), "system", system="left")
    out.media = {n: (JPEG_HEAD if n.endswith(".jpg") else OPUS if n.endswith(".opus") else b"BEGIN:VCARD\nEND:VCARD\n")
                 for n in names + ["Dad.vcf"]}
    return out


def write_txt(path: Path, lines: list[str], *, bom: bool = False, crlf: bool = False) -> Path:
    nl = "\r\n" if crlf else "\n"
    path.write_text(("\ufeff" if bom else "") + nl.join(lines) + nl, encoding="utf-8", newline="")
    return path


def write_zip(path: Path, chat_name: str, lines: list[str], media: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(chat_name, "\n".join(lines) + "\n")
        for name, data in media.items():
            zf.writestr(name, data)
    return path


def simple_chat(n: int, *, start: datetime = T0, senders: tuple[str, ...] = ("Alice", "Bob"),
                step: timedelta = timedelta(minutes=1), layout: str = "android-en-gb", skip: set[int] | None = None,
                first: int = 0) -> list[str]:
    """`n` plain messages (numbered from `first`), one per `step`; `skip` leaves some out (deleted at source)."""
    lay = LAYOUTS[layout]
    lines = []
    for i in range(first, first + n):
        if skip and i in skip:
            continue
        t = start + step * i
        lines.append(lay.stamp(t) + f"{senders[i % len(senders)]}: message {i}")
    return lines


# --- Telegram --------------------------------------------------------------------------------------

def _unix(t: datetime) -> str:
    return str(int(t.timestamp()))


def telegram_chat(*, chat_id: int = 4242, name: str = "Hiking club", kind: str = "private_supergroup",
                  offset_hours: int = 2, with_media: bool = True) -> tuple[dict, dict[str, bytes]]:
    """A one-chat export with every message type; returns (result.json object, media files)."""
    from datetime import UTC

    base = datetime(2024, 5, 1, 8, 0, 0, tzinfo=UTC)
    local = lambda t: (t + timedelta(hours=offset_hours)).replace(tzinfo=None).isoformat()  # noqa: E731
    msgs: list[dict] = []
    media: dict[str, bytes] = {}

    def m(i: int, **kw: object) -> dict:
        t = base + timedelta(minutes=i)
        d = {"id": 100 + i, "type": "message", "date": local(t), "date_unixtime": _unix(t),
             "from": "Alice", "from_id": "user1"}
        d.update(kw)
        if "text" not in d:
            d["text"] = ""
        d["text_entities"] = []
        msgs.append(d)
        return d

    m(0, type="service", actor="Alice", actor_id="user1", action="create_group", title=name, members=["Bob"],
      **{"from": None})
    del msgs[-1]["from"], msgs[-1]["from_id"]
    m(1, text="Plain hello")
    m(2, text=["Go to ", {"type": "link", "text": "https://example.org"}, " and ",
               {"type": "bold", "text": "hurry"}, {"type": "text_link", "text": "here", "href": "https://x.y"}],
      **{"from": "Bob", "from_id": "user2"})
    m(3, text="reply to you", reply_to_message_id=102)
    m(4, text="forwarded text", forwarded_from="News Channel", **{"from": "Bob", "from_id": "user2"})
    m(5, text="edited later", edited=local(base + timedelta(minutes=30)),
      edited_unixtime=_unix(base + timedelta(minutes=30)))
    m(6, photo="photos/photo_1@01-05-2024_10-06-00.jpg", width=1, height=1, text="a caption")
    media["photos/photo_1@01-05-2024_10-06-00.jpg"] = PNG_1x1
    m(7, file="voice_messages/audio_1@01-05-2024_10-07-00.ogg", media_type="voice_message",
      mime_type="audio/ogg", duration_seconds=3)
    media["voice_messages/audio_1@01-05-2024_10-07-00.ogg"] = OPUS
    m(8, file="stickers/sticker.webp", media_type="sticker", sticker_emoji="👍", width=512, height=512)
    media["stickers/sticker.webp"] = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
    m(9, file="(File not included. Change data exporting settings to download.)", media_type="video_file",
      mime_type="video/mp4", file_name="long.mp4", file_size=123456)
    m(10, file="files/report.pdf", file_name="report.pdf", mime_type="application/pdf")   # listed, not on disk
    m(11, location_information={"latitude": 46.5, "longitude": 7.9}, place_name="Hut")
    m(12, contact_information={"first_name": "Dad", "last_name": "", "phone_number": "+41 79 000"})
    m(13, poll={"question": "Saturday?", "closed": False, "total_voters": 3,
                "answers": [{"text": "Yes", "voters": 2, "chosen": True}, {"text": "No", "voters": 1, "chosen": False}]})
    m(14, text="nice", reactions=[{"type": "emoji", "count": 2, "emoji": "❤",
                                   "recent": [{"from": "Bob", "from_id": "user2", "date": local(base)}]}])
    m(15, type="service", actor="Bob", actor_id="user2", action="phone_call", duration_seconds=42,
      discard_reason="hangup")
    del msgs[-1]["from"], msgs[-1]["from_id"]
    m(16, text="多行\n第二行 🎉")
    chat = {"name": name, "type": kind, "id": chat_id, "messages": msgs}
    return chat, (media if with_media else {})


def write_telegram_folder(folder: Path, chat: dict, media: dict[str, bytes], *, full: bool = False,
                          extra_chats: list[dict] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if full:
        chats = [chat] + list(extra_chats or [])
        obj = {"about": "Here is the data you requested.",
               "personal_information": {"user_id": 1, "first_name": "Alice", "last_name": "A"},
               "chats": {"about": "...", "list": chats}}
    else:
        obj = chat
    (folder / "result.json").write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")
    for rel, data in media.items():
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return folder / "result.json"


def big_whatsapp(path: Path, n: int, *, seed: int = 7) -> Path:
    """A long mixed English/Chinese export with multi-line and media lines (for the bench)."""
    import random

    rnd = random.Random(seed)
    words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split()
    zh = "我们明天去吃龙虾饭发票已经开好了谢谢你的帮助周末一起爬山吧"
    senders = ["Alice", "Bob", "陈伟", "Dana Smith", "Eve"]
    t = datetime(2015, 1, 13, 8, 0)
    lay = LAYOUTS["android-en-gb"]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            t += timedelta(seconds=rnd.randint(5, 400))
            r = rnd.random()
            if r < 0.15:
                k = rnd.randint(4, 20)
                text = "".join(rnd.choice(zh) for _ in range(k))
            elif r < 0.2:
                text = "<Media omitted>"
            elif r < 0.23:
                text = f"IMG-{t:%Y%m%d}-WA{i % 10000:04d}.jpg (file attached)"
            else:
                text = " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 14)))
                if r > 0.95:
                    text += "\n" + " ".join(rnd.choice(words) for _ in range(6))
            fh.write(f"{lay.stamp(t)}{senders[i % 5]}: {text}\n")
    return path


def big_telegram(path: Path, n: int, *, seed: int = 7) -> Path:
    """A one-chat Telegram export of `n` messages, written as a stream (never built in memory)."""
    import random

    rnd = random.Random(seed)
    words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split()
    zh = "我们明天去吃龙虾饭发票已经开好了谢谢你的帮助周末一起爬山吧"
    t = 1_420_000_000
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('{\n "name": "Bench", "type": "private_supergroup", "id": 777,\n "messages": [\n')
        for i in range(n):
            t += rnd.randint(5, 400)
            if rnd.random() < 0.15:
                text: object = "".join(rnd.choice(zh) for _ in range(rnd.randint(4, 20)))
            elif rnd.random() < 0.1:
                text = ["see ", {"type": "link", "text": "https://example.org/x"}]
            else:
                text = " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 14)))
            who = i % 5
            msg = {"id": i + 1, "type": "message", "date": datetime.utcfromtimestamp(t).isoformat(),
                   "date_unixtime": str(t), "from": f"User {who}", "from_id": f"user{who}", "text": text,
                   "text_entities": []}
            if i % 50 == 1:
                msg["reply_to_message_id"] = i
            fh.write(("," if i else "") + json.dumps(msg, ensure_ascii=False) + "\n")
        fh.write(" ]\n}\n")
    return path
