"""One favorite shown whole: where it came from and when, its tags, and its content by type — a note
with its parts in order, a chat-history bundle as a small conversation, photos that open in the image
viewer, a voice note that plays in the voice player, a file to save, a link, a place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui import media_temp, timefmt
from chatvault.gui.models.media import ThumbLoader
from chatvault.gui.views.favorite_card import kind_label
from chatvault.gui.views.voice_player import VoicePlayer


def _when(ms: int | None) -> str:
    return timefmt.absolute(ms) if ms else ""


class FavoriteDetail(QScrollArea):
    """The right-hand panel of the Favorites page."""

    saved = Signal(str)            # a path a copy was written to
    message = Signal(str)          # a sentence for the status bar

    def __init__(self, loader: ThumbLoader, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("favoriteDetail")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.loader = loader
        self.vault: Any = None
        self.row: dict[str, Any] | None = None
        self.thumb_buttons: dict[str, list[QToolButton]] = {}
        self.player: VoicePlayer | None = None
        self.loader.loaded.connect(self._thumb_loaded)
        self._blank()

    # --- building ------------------------------------------------------------------------
    def _blank(self) -> None:
        body = QWidget()
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(16, 12, 16, 12)
        self.body.setSpacing(8)
        self.setWidget(body)
        self.thumb_buttons = {}
        self.player = None

    def _label(self, text: str, name: str = "", *, hint: bool = False, select: bool = True) -> QLabel:
        lab = QLabel(text)
        lab.setWordWrap(True)
        if select:
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if name:
            lab.setObjectName(name)
        elif hint:
            lab.setObjectName("hintLabel")
        self.body.addWidget(lab)
        return lab

    def clear(self) -> None:
        if self.player is not None:
            self.player.stop()
        self.row = None
        self._blank()

    def show_item(self, row: dict[str, Any]) -> None:
        if self.player is not None:
            self.player.stop()
        self._blank()
        self.row = row
        extra = row["extra"]
        kind = extra.get("fav_kind") or "other"
        self._header(row, kind)
        builder = {"chat_history": self._bundle, "note": self._note, "voice": self._voice,
                   "location": self._location}.get(kind)
        if builder is not None:
            builder(row)
        elif kind in ("link", "article", "music", "product", "mini_program", "channels"):
            self._link(row)
        else:
            if row.get("text"):
                self._label(row["text"], "favText")
            self._media(row)
        self.body.addStretch(1)

    def _header(self, row: dict[str, Any], kind: str) -> None:
        extra = row["extra"]
        src = extra.get("fav_source") or {}
        self._label(kind_label(kind), "favKind", select=False)
        who, chat = src.get("sender_name") or row.get("sender"), src.get("chat_name")
        if who and chat and chat != who:
            self._label(self.tr("From %1 in %2").replace("%1", who).replace("%2", chat), "favSource")
        elif who or chat:
            self._label(self.tr("From %1").replace("%1", who or chat), "favSource")
        times = self.tr("Favorited %1").replace("%1", _when(row["ts"]))
        if extra.get("original_ts"):
            times += "  ·  " + self.tr("Original message %1").replace("%1", _when(extra["original_ts"]))
        self._label(times, hint=True)
        if extra.get("tags"):
            self._label("  ".join(f"#{t}" for t in extra["tags"]), "favTags")
        if row.get("status") == "missing-at-source":
            self._label(self.tr("Deleted from WeChat's Favorites; the vault keeps it."), "favDeleted")

    def _bundle(self, row: dict[str, Any]) -> None:
        """The forwarded chat as a small conversation: sender, time and text of every inner message."""
        self._label(row.get("text") or "", "favText")
        chat = QListWidget()
        chat.setObjectName("favBundle")
        chat.setWordWrap(True)
        chat.setAccessibleName(self.tr("Messages in this chat history"))
        for it in row["extra"].get("bundle") or []:
            head = "  ".join(x for x in (it.get("sender"), it.get("time")) if x)
            item = QListWidgetItem(f"{head}\n{it.get('text') or it.get('title') or ''}")
            chat.addItem(item)
        chat.setMinimumHeight(min(60 + 44 * chat.count(), 420))
        self.body.addWidget(chat)
        self._media(row)

    def _note(self, row: dict[str, Any]) -> None:
        """A note's parts in order: paragraphs, pictures, files, places, links."""
        title = row["extra"].get("title")
        parts = row["extra"].get("note") or []
        if title and not (parts and parts[0].get("text") == title):     # a title that is not its first line
            self._label(title, "favNoteTitle")
        stored = {a.get("extra_part"): a for a in self._attachments(row)}
        for i, part in enumerate(parts):
            ptype = part.get("type")
            if ptype == "text":
                self._label(part.get("text") or "", "favNotePart")
            elif ptype in ("image", "video", "voice", "file"):
                att = stored.get(i)
                if att is not None:
                    self._one_media(row, att)
                else:
                    self._label(f"[{kind_label(ptype)}] {part.get('title') or ''}", "favNotePart")
            else:
                text = " ".join(str(x) for x in (part.get("title"), part.get("description"), part.get("poi"),
                                                 part.get("url")) if x)
                self._label(f"[{kind_label(ptype)}] {text}", "favNotePart")

    def _voice(self, row: dict[str, Any]) -> None:
        atts = self._attachments(row)
        if not atts or atts[0]["status"] != "stored":
            self._media(row)
            return
        play = QPushButton(self.tr("Play voice note"))
        play.setObjectName("favPlayVoice")
        play.clicked.connect(lambda: self.play_voice(row))
        self.body.addWidget(play)
        self.player = VoicePlayer(self.widget(), media_temp.instance())
        self.player.failed.connect(self.message.emit)
        self.player.fallback.connect(lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(path)))
        self.body.addWidget(self.player)

    def play_voice(self, row: dict[str, Any]) -> bool:
        if self.player is None or self.vault is None:
            return False
        return self.player.play(self.vault, {**row, "attachments": self._attachments(row)})

    def _location(self, row: dict[str, Any]) -> None:
        extra = row["extra"]
        self._label(row.get("text") or "", "favText")
        for line in (extra.get("label"), f"{extra['lat']:.5f}, {extra['lon']:.5f}" if "lat" in extra and "lon" in extra
                     else None):
            if line:
                self._label(line, hint=True)

    def _link(self, row: dict[str, Any]) -> None:
        extra = row["extra"]
        self._label(extra.get("title") or row.get("text") or "", "favText")
        if extra.get("description"):
            self._label(extra["description"])
        for key in ("mini_program", "channels", "product"):
            sub = extra.get(key)
            if isinstance(sub, dict):
                self._label(" · ".join(str(v) for v in sub.values() if v), hint=True)
        url = extra.get("url")
        if url and url.startswith(("http://", "https://")):
            link = self._label(f'<a href="{url}">{url}</a>', "favUrl", select=False)
            link.setTextFormat(Qt.TextFormat.RichText)
            link.setOpenExternalLinks(True)

    # --- media ---------------------------------------------------------------------------
    @staticmethod
    def _attachments(row: dict[str, Any]) -> list[dict[str, Any]]:
        import json

        out = []
        for a in row.get("attachments") or []:
            a = dict(a)
            extra = a.get("extra")
            if isinstance(extra, str):
                try:
                    extra = json.loads(extra)
                except ValueError:
                    extra = {}
            a["extra_part"] = (extra or {}).get("fav_part")
            out.append(a)
        return out

    def _media(self, row: dict[str, Any]) -> None:
        for att in self._attachments(row):
            self._one_media(row, att)

    def _one_media(self, row: dict[str, Any], att: dict[str, Any]) -> None:
        mime = att.get("mime") or ""
        if att["status"] != "stored":
            where = att.get("expected_path") or ""
            self._label(self.tr("Not in the vault: WeChat kept this file at %1").replace("%1", where), "favMissing")
            return
        if mime.startswith("image/"):
            b = QToolButton()
            b.setObjectName("favImage")
            b.setIconSize(QSize(220, 220))
            b.setText(self.tr("Open photo"))
            b.setAccessibleName(self.tr("Open photo"))
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            b.clicked.connect(lambda _=False, blob=att["blob_id"]: self.open_image(blob))
            self.body.addWidget(b)
            self.thumb_buttons.setdefault(att["blob_id"], []).append(b)
            pm = self.loader.cache.get(att["blob_id"])
            if pm is not None:
                b.setIcon(pm)
            else:
                self.loader.request(att["blob_id"])
        elif not mime.startswith("audio/"):
            name = att.get("original_name") or self.tr("file")
            b = QPushButton(self.tr("Save %1…").replace("%1", name))
            b.setObjectName("favSaveFile")
            b.clicked.connect(lambda _=False, a=att: self.save_copy(a))
            self.body.addWidget(b)

    def _thumb_loaded(self, blob_id: str, pm: QPixmap) -> None:
        for b in self.thumb_buttons.get(blob_id, []):
            try:
                b.setIcon(pm)
            except RuntimeError:             # the button went with an earlier item
                pass

    def image_items(self) -> list[dict[str, Any]]:
        row = self.row or {}
        return [{"blob_id": a["blob_id"], "conversation": self.tr("Favorites"), "sender": row.get("sender"),
                 "ts": row.get("ts", 0), "width": a.get("width"), "attachment_id": a["id"]}
                for a in self._attachments(row) if a["status"] == "stored" and (a.get("mime") or "").startswith("image/")]

    def open_image(self, blob_id: str):
        from chatvault.gui.dialogs.image_viewer import ImageViewer

        items = self.image_items()
        start = next((i for i, it in enumerate(items) if it["blob_id"] == blob_id), None)
        if start is None or self.vault is None:
            return None
        viewer = ImageViewer(self.vault, items, start, self)
        viewer.show()
        return viewer

    def save_copy(self, att: dict[str, Any], path: str | None = None) -> bool:
        from chatvault.media.blobstore import BlobStore

        if self.vault is None:
            return False
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save a copy"),
                                                  str(Path.home() / (att.get("original_name") or "file")))
        if not path:
            return False
        with open(path, "wb") as out:
            BlobStore(self.vault).copy_to(att["blob_id"], out)
        self.saved.emit(path)
        return True
