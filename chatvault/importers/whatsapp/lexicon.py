"""The words WhatsApp writes into exports, in the languages we recognise.

en, zh, es, pt, de, fr, it, ru, id, hi, ar (plus the AM/PM words of a few more). Each table maps a
phrase to what it means; matching is by regular expression on the message text, case-insensitive.
A line that matches none of these is kept as ordinary text, never dropped.
"""

from __future__ import annotations

import re

# --- AM / PM ------------------------------------------------------------------------------------
# Keys are normalised: spaces, dots, NBSP/NNBSP and direction marks removed, lower-cased.
AM = {"am", "a", "vorm", "ص", "上午", "凌晨", "早上", "午前", "오전", "पूर्वाह्न", "मपू", "صباحا", "дп", "sa",
      "pg", "πμ", "fm", "öö", "ap"}
PM = {"pm", "p", "nachm", "م", "下午", "中午", "晚上", "午後", "오후", "अपराह्न", "मउ", "مساء", "пп", "ch",
      "ptg", "μμ", "em", "ös", "ip"}
AMPM_STRIP = re.compile(r"[\s.\u00a0\u202f\u200e\u200f]+")


def ampm_of(token: str | None) -> str | None:
    """'am', 'pm', '' (no marker) or None (a word we do not know)."""
    if not token:
        return ""
    t = AMPM_STRIP.sub("", token).lower()
    if not t:
        return ""
    if t in AM:
        return "am"
    if t in PM:
        return "pm"
    return None


# --- system messages ----------------------------------------------------------------------------
# (kind of event, pattern). Patterns are searched in the whole line after the timestamp.
SYSTEM: list[tuple[str, str]] = [
    # end-to-end encryption notices
    ("encryption", r"end-to-end encrypt|secured with end-to-end|消息和通话已进行端到端加密|端到端加密|"
                   r"cifrad[oa]s? de extremo a extremo|criptografia de ponta a ponta|"
                   r"Ende-zu-Ende-verschlüsselt|chiffrés de bout en bout|crittografati end-to-end|"
                   r"сквозным шифрованием|terenkripsi secara end-to-end|एंड-टू-एंड एन्क्रिप्टेड|"
                   r"مشفرة تمام[ًا]* بين الطرفين|تشفير تام بين الطرفين"),
    ("group_created", r"created group|created this group|创建了群组|创建了群|建立了群组|creó el grupo|creaste el grupo|"
                      r"criou o grupo|você criou o grupo|hat die Gruppe .* erstellt|hast die Gruppe .* erstellt|"
                      r"a créé le groupe|avez créé le groupe|ha creato il gruppo|hai creato il gruppo|"
                      r"создал\S* группу|membuat grup|ने समूह .*बनाया|ने ग्रुप .*बनाया|"
                      r"أنشأ.* المجموعة|أنشأ مجموعة|أنشأت.* المجموعة"),
    ("added", r"were added|^\S.* added |^\S.* added you$|^You added |添加了|把你添加|将你添加|añadió a|te añadió|agregó a|"
              r"te agregó|adicionou|hat .* hinzugefügt|hast .* hinzugefügt|a ajouté|avez ajouté|ha aggiunto|"
              r"hai aggiunto|добавил|menambahkan|ने .* को जोड़ा|ने आपको जोड़ा|أضاف|أضافك"),
    ("left", r"^\S.* left$|^You left$|已退出|退出了群组|退出群组|salió del grupo|^\S.* salió$|saliste|"
             r"saiu$|saiu do grupo|ist ausgetreten|hat die Gruppe verlassen|bist ausgetreten|est parti|"
             r"êtes parti|è uscit[oa]|sei uscit[oa]|вышел|вышла|вышли из группы|keluar$|ने छोड़ दिया|"
             r"ने समूह छोड़ दिया|غادر|غادرت"),
    ("removed", r"^\S.* removed |^You removed |移除了|将.*移出|eliminó a|te eliminó|removeu|hat .* entfernt|"
                r"hast .* entfernt|a retiré|avez retiré|ha rimosso|hai rimosso|удалил|mengeluarkan|"
                r"ने .* को हटाया|ने आपको हटाया|أزال|أزالك"),
    ("subject", r"changed the subject|changed the group name|changed this group's name|更改了群组名称|"
                r"修改了群组名称|更改群名称|cambió el asunto|cambió el nombre del grupo|mudou o assunto|"
                r"mudou o nome do grupo|alterou o nome do grupo|hat den Betreff|hat den Gruppennamen|"
                r"a modifié le sujet|a changé le sujet|a changé le nom du groupe|ha cambiato l'oggetto|"
                r"ha cambiato il nome del gruppo|изменил\S* тему|изменил\S* название группы|"
                r"mengubah subjek|mengubah nama grup|ने विषय .*बदल|ने समूह का नाम .*बदल|غيّر.* الموضوع|غير.* الموضوع|"
                r"غيّر اسم المجموعة|غير اسم المجموعة"),
    ("icon", r"changed this group's icon|deleted this group's icon|changed the group icon|更改了此群组的头像|"
             r"更改了群组头像|删除了此群组的头像|cambió el ícono|cambió la imagen de este grupo|mudou a imagem|"
             r"alterou a imagem|hat das Gruppenbild|a changé l'icône|a modifié l'icône|ha cambiato l'immagine|"
             r"изменил\S* изображение|mengubah ikon grup|ने .*आइकन बदला|غيّر صورة|غير صورة"),
    ("description", r"changed the group description|更改了群组描述|cambió la descripción|mudou a descrição|"
                    r"alterou a descrição|hat die Gruppenbeschreibung|a modifié la description|"
                    r"ha cambiato la descrizione|изменил\S* описание|mengubah deskripsi grup|"
                    r"ने समूह विवरण बदला|غيّر وصف المجموعة"),
    ("number_change", r"changed their phone number|changed to \+?\d|changed their number|更换了电话号码|"
                      r"的电话号码已更改|更改了电话号码|cambió su número|cambió a \+?\d|mudou seu número|"
                      r"mudou para \+?\d|alterou o número|hat die Telefonnummer gewechselt|hat zu \+?\d.* gewechselt|"
                      r"a changé de numéro|ha cambiato il suo numero|ha cambiato numero|сменил\S* номер|"
                      r"изменил\S* номер|mengganti nomor|mengubah nomor|ने अपना फ़ोन नंबर बदला|"
                      r"ने .* में नंबर बदला|غيّر رقم هاتفه|غير رقم هاتفه|غيّر رقمه"),
    ("joined", r"joined using this group's invite link|joined using an invite link|joined from the community|"
               r"通过此群组的邀请链接加入|通过邀请链接加入|se unió usando el enlace|se unió mediante el enlace|"
               r"entrou usando o link|entrou por meio do link|ist über den Einladungslink|"
               r"a rejoint ce groupe via|a rejoint le groupe|si è unit[oa] tramite il link|"
               r"присоединил(?:ся|ась|ись) .*по ссылке|bergabung menggunakan tautan|"
               r"आमंत्रण लिंक .*से जुड़|انضم باستخدام رابط|انضم عبر رابط"),
    ("admin", r"you're now an admin|you are now an admin|no longer an admin|您现在是管理员|你现在是管理员|"
              r"ahora eres admin|agora você é admin|du bist jetzt admin|vous êtes désormais admin|"
              r"ora sei un amministratore|теперь вы администратор|anda sekarang admin|"
              r"अब आप एडमिन हैं|أنت الآن مشرف"),
    ("call", r"^missed (?:voice|video|group voice|group video) call|^(?:voice|video) call(?:,|$)|"
             r"^未接(?:语音|视频)通话|^llamada (?:de voz |de video |)perdida|^chamada de (?:voz|vídeo) perdida|"
             r"^verpasster (?:sprach|video)anruf|^appel (?:vocal|vidéo) manqué|^chiamata (?:vocale|video) persa|"
             r"^пропущенный (?:аудио|видео)звонок|^panggilan (?:suara|video) tak terjawab|"
             r"^मिस्ड (?:वॉइस|वीडियो) कॉल|^مكالمة (?:صوتية|فيديو) فائتة"),
    ("security_code", r"security code with .* changed|安全码已更改|安全代码已更改|código de seguridad .* cambió|"
                      r"código de segurança .* mudou|Sicherheitsnummer .* hat sich geändert|"
                      r"code de sécurité .* a changé|codice di sicurezza .* è cambiato|"
                      r"код безопасности .* изменился|kode keamanan .* berubah|सुरक्षा कोड बदल गया|"
                      r"تغيّر رمز الأمان"),
    ("disappearing", r"disappearing messages|turned on disappearing|turned off disappearing|限时消息|"
                     r"mensajes temporales|mensagens temporárias|selbstlöschende nachrichten|"
                     r"messages éphémères|messaggi effimeri|исчезающие сообщения|pesan sementara|"
                     r"गायब होने वाले मैसेज|الرسائل المؤقتة"),
    ("business", r"this chat is with a business|this business (?:uses|works)|与企业帐号的聊天|"
                 r"chat es con una cuenta de empresa|conversa é com uma conta comercial"),
    ("member_joined", r"^\S.* joined$|加入了群组|se unió$|entrou$|ist beigetreten|a rejoint$|si è unit[oa]$|"
                      r"присоединил(?:ся|ась)$|bergabung$|शामिल हुए|انضم$"),
]
SYSTEM_RE = re.compile("|".join(f"(?P<{k}_{i}>{p})" for i, (k, p) in enumerate(SYSTEM)), re.I)


def system_kind(text: str) -> str | None:
    m = SYSTEM_RE.search(text)
    if not m or not m.lastgroup:
        return None
    return m.lastgroup.rsplit("_", 1)[0]


# --- markers inside message text ----------------------------------------------------------------
MEDIA_OMITTED = re.compile(
    r"^\u200e?<(?:Media omitted|media omitted|Media weggelassen|Medien ausgeschlossen|Multimedia omitido|"
    r"Multimedia omitida|Archivo omitido|Mídia oculta|Arquivo de mídia oculto|Médias omis|Fichier omis|"
    r"Media omessi|Media omesso|Без медиафайлов|Медиафайл отсутствует|Media tidak disertakan|"
    r"省略影音内容|媒体已省略|省略了媒体|已省略媒体文件|मीडिया छोड़ दिया गया|मीडिया के बिना|"
    r"تم استبعاد الوسائط|الوسائط محذوفة)>$"
    r"|^\u200e?(?P<what>image|video|audio|sticker|GIF|document|Contact card|imagen|vídeo|video|audio|sticker|"
    r"tarjeta de contacto|imagem|áudio|figurinha|cartão de contato|Bild|Video|Audio|Sticker|Kontaktkarte|"
    r"image|vidéo|audio|autocollant|fiche contact|immagine|video|audio|adesivo|scheda contatto|"
    r"изображение|видео|аудио|стикер|карточка контакта|gambar|video|audio|stiker|kartu kontak|"
    r"图片|视频|音频|贴图|联系人名片|छवि|वीडियो|ऑडियो|स्टिकर|صورة|فيديو|صوت|ملصق)"
    r" (?:omitted|omitida|omitido|ocultada|ocultado|oculta|weggelassen|absente|omise|omis|omessa|omesso|"
    r"отсутствует|tidak disertakan|已省略|छोड़ा गया|محذوف|محذوفة)(?:\s*\u200e?<[^>]*>)?$",
    re.I,
)
MEDIA_WHAT = {
    "image": "image", "imagen": "image", "imagem": "image", "bild": "image", "immagine": "image",
    "изображение": "image", "gambar": "image", "图片": "image", "छवि": "image", "صورة": "image",
    "video": "video", "vídeo": "video", "vidéo": "video", "видео": "video", "视频": "video", "वीडियो": "video",
    "فيديو": "video", "gif": "video",
    "audio": "voice", "áudio": "voice", "аудио": "voice", "音频": "voice", "ऑडियो": "voice", "صوت": "voice",
    "sticker": "sticker", "figurinha": "sticker", "autocollant": "sticker", "adesivo": "sticker", "стикер": "sticker",
    "stiker": "sticker", "贴图": "sticker", "स्टिकर": "sticker", "ملصق": "sticker",
    "document": "file",
}
# Android: "IMG-20200101-WA0001.jpg (file attached)"; iOS: "<attached: 00000012-PHOTO-....jpg>"
FILE_ATTACHED = re.compile(
    r"^\u200e?(?P<file>[^\n<>()]{1,240}?\.[A-Za-z0-9]{1,6}) \((?:file attached|Datei angehängt|archivo adjunto|"
    r"arquivo anexado|fichier joint|file allegato|файл добавлен|файл прикреплен|file terlampir|"
    r"文件已附上|附件|फ़ाइल संलग्न है|फ़ाइल संलग्न|الملف مرفق|ملف مرفق)\)(?:\n(?P<caption>.*))?$",
    re.S | re.I,
)
ATTACHED = re.compile(
    r"^\u200e?<(?:attached|anexo|adjunto|Anhang|pièce jointe|allegato|вложение|terlampir|lampiran|附件|संलग्न|مرفق)"
    r"\s?[:：]\s*(?P<file>[^<>\n]{1,240})>(?:\n(?P<caption>.*))?$",
    re.S | re.I,
)
DELETED = re.compile(
    r"^\u200e?(?:This message was deleted|You deleted this message|Se eliminó este mensaje|Eliminaste este mensaje|"
    r"Este mensaje fue eliminado|Esta mensagem foi apagada|Você apagou esta mensagem|Mensagem apagada|"
    r"Diese Nachricht wurde gelöscht|Du hast diese Nachricht gelöscht|Ce message a été supprimé|"
    r"Vous avez supprimé ce message|Questo messaggio è stato eliminato|Hai eliminato questo messaggio|"
    r"Данное сообщение удалено|Это сообщение было удалено|Вы удалили данное сообщение|Вы удалили это сообщение|"
    r"Pesan ini telah dihapus|Anda menghapus pesan ini|此消息已删除|此消息已被删除|你删除了此消息|您删除了此消息|"
    r"यह संदेश हटा दिया गया था|आपने यह संदेश हटाया|तुमने यह संदेश हटाया|تم حذف هذه الرسالة|لقد حذفت هذه الرسالة)\.?$",
    re.I,
)
EDITED = re.compile(
    r"\s*\u200e?<(?:This message was edited|Diese Nachricht wurde bearbeitet|Se editó este mensaje\.?|"
    r"Este mensaje fue editado|Esta mensagem foi editada|Mensagem editada|Ce message a été modifié|"
    r"Questo messaggio è stato modificato|Сообщение изменено|Это сообщение было изменено|Pesan ini diedit|"
    r"此消息已编辑|已编辑此消息|消息已编辑|यह संदेश संपादित किया गया था|تم تعديل هذه الرسالة)>$",
    re.I,
)
POLL_HEAD = re.compile(r"^\u200e?(?:POLL|ENCUESTA|ENQUETE|UMFRAGE|SONDAGE|SONDAGGIO|ОПРОС|POLLING|投票|मतदान|استطلاع)\s?[:：]\n",
                       re.I)
POLL_OPTION = re.compile(r"^\u200e?(?:OPTION|OPCIÓN|OPÇÃO|OPTION|OPZIONE|ВАРИАНТ|OPSI|选项|विकल्प|خيار)\s?[:：]\s*"
                         r"(?P<text>.*?)\s*\((?P<votes>\d+)[^)]*\)$", re.I)
LOCATION = re.compile(
    r"^\u200e?(?:(?:live )?location|ubicación(?: en tiempo real)?|localização|Standort|position|posizione|"
    r"местоположение|геоданные|lokasi|位置|स्थान|الموقع)\s?[:：]\s*(?P<url>https?://\S*?(?:[?&]q=|@)"
    r"(?P<lat>-?\d{1,3}\.\d+),\s?(?P<lon>-?\d{1,3}\.\d+)\S*)(?:\n(?P<rest>.*))?$",
    re.I | re.S,
)
LIVE_LOCATION = re.compile(r"^\u200e?(?:live location shared|ubicación en tiempo real compartida|"
                           r"localização em tempo real compartilhada|Live-Standort wird geteilt|"
                           r"position en direct partagée|posizione in tempo reale condivisa|"
                           r"трансляция геопозиции|lokasi terkini dibagikan|已共享实时位置)$", re.I)

# File names the phone gives media, to pick the message kind.
KIND_BY_EXT = {
    "jpg": "image", "jpeg": "image", "png": "image", "gif": "image", "heic": "image", "bmp": "image",
    "webp": "sticker", "mp4": "video", "3gp": "video", "mov": "video", "mkv": "video", "avi": "video",
    "opus": "voice", "ogg": "voice", "m4a": "voice", "aac": "voice", "amr": "voice", "mp3": "voice", "wav": "voice",
    "vcf": "contact",
}

# "WhatsApp Chat with Alice.txt" and its translations: the conversation title is what follows.
EXPORT_NAME = re.compile(
    r"^(?:WhatsApp Chat with|WhatsApp Chat mit|WhatsApp Chat -|WhatsApp Chat|Chat de WhatsApp con|"
    r"Conversa do WhatsApp com|Conversa no WhatsApp com|Discussion WhatsApp avec|Chat WhatsApp con|"
    r"Chat WhatsApp dengan|Чат WhatsApp с|WhatsApp-Chat mit|محادثة واتساب مع|WhatsApp चैट|与)\s*(?P<title>.+?)"
    r"(?:的WhatsApp聊天|的 WhatsApp 聊天| के साथ)?$",
    re.I,
)
