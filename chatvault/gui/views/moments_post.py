"""One Moments post as WeChat shows it: the author and time, the words, photos in a grid (one photo
large, two to nine in three columns), a video or link card, the place, who may see it, the likes,
then the comments. A post (or comment) the source no longer has is marked so."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from chatvault.gui import theme, timefmt

ONE_PHOTO = 220          # the side of a single photo's box
GRID_PHOTO = 92          # the side of a tile in the 3-column grid
MISSING = "missing-at-source"


def _label(text: str, name: str, *, wrap: bool = True, select: bool = False) -> QLabel:
    lab = QLabel(text)
    lab.setObjectName(name)
    lab.setWordWrap(wrap)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    if select:
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


class PostCard(QFrame):
    """Emits `photo_clicked(post, index)` for a photo, `open_video(post)` and `open_link(url)`."""

    photo_clicked = Signal(object, int)
    open_video = Signal(object)
    open_link = Signal(str)

    def __init__(self, post: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.post = post
        self.setObjectName("momentsPost")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.tiles: dict[str, list[QToolButton]] = {}       # blob id → tiles showing it
        self.photo_buttons: list[QToolButton] = []
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.setSpacing(10)
        avatar = QLabel(theme.initials(post["sender"]))
        avatar.setObjectName("momentsAvatar")
        avatar.setFixedSize(40, 40)
        avatar.setAlignment(Qt.AlignmentFlag.AlignCenter)
        color = theme.avatar_color(str(post["sender_id"] or post["sender"])).name()
        avatar.setStyleSheet(f"background:{color}; color:white; border-radius:4px; font-weight:bold;")
        lay.addWidget(avatar, 0, Qt.AlignmentFlag.AlignTop)
        body = QVBoxLayout()
        body.setSpacing(6)
        lay.addLayout(body, 1)
        name = _label(post["sender"] or "", "momentsAuthor", wrap=False)
        name.setStyleSheet("color:#576b95; font-weight:bold;")
        body.addWidget(name)
        if post["status"] == MISSING:
            body.addWidget(_label(self.tr("Deleted at the source: this post is only in your archive now."),
                                  "momentsDeleted"))
        if post.get("text"):
            body.addWidget(_label(post["text"], "momentsText", select=True))
        self._media(body)
        self._details(body)
        self._social(body)

    # --- photos, video, link ---------------------------------------------------------------
    def _media(self, body: QVBoxLayout) -> None:
        post = self.post
        if post["kind"] == "image" and post["attachments"]:
            body.addWidget(self._grid(post["attachments"]))
        elif post["kind"] == "video":
            att = (post["attachments"] or [{}])[0]
            b = QPushButton(self._video_text(att))
            b.setObjectName("momentsVideo")
            b.setEnabled(att.get("status") == "stored")
            b.clicked.connect(lambda: self.open_video.emit(self.post))
            body.addWidget(b, 0, Qt.AlignmentFlag.AlignLeft)
        elif post["kind"] == "link":
            ex = post["extra"]
            card = QPushButton(f"🔗 {ex.get('title') or ex.get('url') or ''}\n{ex.get('url') or ''}")
            card.setObjectName("momentsLink")
            card.setToolTip(ex.get("url") or "")
            card.setStyleSheet("text-align:left; padding:6px;")
            url = ex.get("url") or ""
            card.clicked.connect(lambda: self.open_link.emit(url))
            body.addWidget(card)

    def _video_text(self, att: dict[str, Any]) -> str:
        if att.get("status") != "stored":
            return self.tr("▶ Video (not in the vault: the cache no longer had it)")
        if (att.get("extra") or {}).get("quality") == "thumbnail":
            return self.tr("▶ Video (only its preview picture was kept)")
        return self.tr("▶ Play video")

    def _grid(self, atts: list[dict[str, Any]]) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        one = len(atts) == 1
        side = ONE_PHOTO if one else GRID_PHOTO
        for i, att in enumerate(atts[:9]):
            b = QToolButton()
            b.setObjectName("momentsPhoto")
            b.setFixedSize(QSize(side, side))
            b.setIconSize(QSize(side, side))
            b.setAutoRaise(True)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            b.setProperty("single", one)
            stored = att.get("status") == "stored" and att.get("blob_id")
            if stored:
                self.tiles.setdefault(att["blob_id"], []).append(b)
                b.setAccessibleName(self.tr("Photo %1 of %2").replace("%1", str(i + 1)).replace("%2", str(len(atts))))
                b.clicked.connect(lambda _=False, n=i: self.photo_clicked.emit(self.post, n))
            else:
                b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                b.setText(self.tr("Not in\nthe vault"))
                b.setToolTip(self.tr("This photo was not in WeChat's cache when the account was imported. "
                                     "Its address is kept: %1").replace("%1", (att.get("extra") or {}).get("url", "")))
                b.setEnabled(False)
            self.photo_buttons.append(b)
            grid.addWidget(b, i // 3, i % 3)
        box.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)
        return box

    def set_thumbnail(self, blob_id: str, pm: QPixmap) -> None:
        for b in self.tiles.get(blob_id, []):
            side = b.width()
            if pm.isNull():
                b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                b.setText(self.tr("Cannot be\nshown"))
                continue
            if b.property("single"):     # one photo: its own shape, as WeChat shows it
                fit = pm.scaled(ONE_PHOTO, ONE_PHOTO, Qt.AspectRatioMode.KeepAspectRatio,
                                Qt.TransformationMode.SmoothTransformation)
                b.setFixedSize(fit.size())
                b.setIconSize(fit.size())
                b.setIcon(fit)
                continue
            fill = pm.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                             Qt.TransformationMode.SmoothTransformation)
            b.setIcon(fill.copy((fill.width() - side) // 2, (fill.height() - side) // 2, side, side))

    # --- time, place, visibility, likes, comments ------------------------------------------
    def _details(self, body: QVBoxLayout) -> None:
        post = self.post
        loc = post.get("location") or {}
        place = " · ".join(x for x in (loc.get("poi"), loc.get("address") or loc.get("city")) if x)
        if place:
            lab = _label(f"📍 {place}", "momentsLocation")
            lab.setStyleSheet("color:#576b95;")
            body.addWidget(lab)
        line = timefmt.absolute(post["ts"])
        vis = self._visibility(post.get("visibility") or {})
        if vis:
            line += f"  ·  {vis}"
        meta = _label(line, "momentsTime")
        meta.setStyleSheet("color:#8c8c8c;")
        body.addWidget(meta)

    def _visibility(self, vis: dict[str, Any]) -> str:
        parts = []
        if vis.get("private"):
            parts.append(self.tr("🔒 Private"))
        if vis.get("visible_to"):
            parts.append(self.tr("Visible to: %1").replace("%1", "、".join(vis["visible_to"])))
        if vis.get("hidden_from"):
            parts.append(self.tr("Hidden from: %1").replace("%1", "、".join(vis["hidden_from"])))
        if vis.get("groups"):
            parts.append(self.tr("Tags: %1").replace("%1", "、".join(vis["groups"])))
        return "  ·  ".join(parts)

    def _social(self, body: QVBoxLayout) -> None:
        post = self.post
        if not post["likes"] and not post["comments"]:
            return
        panel = QFrame()
        panel.setObjectName("momentsSocial")
        panel.setStyleSheet("#momentsSocial { background: rgba(127,127,127,0.10); border-radius: 4px; }")
        pv = QVBoxLayout(panel)
        pv.setContentsMargins(8, 6, 8, 6)
        pv.setSpacing(3)
        if post["likes"]:
            names = "、".join(lk.get("name") or lk.get("key") or "" for lk in post["likes"])
            likes = _label(f"♡ {names}", "momentsLikes")
            likes.setStyleSheet("color:#576b95;")
            pv.addWidget(likes)
        for c in post["comments"]:
            who = c["sender"] or ""
            if c.get("reply_to_name"):
                who = self.tr("%1 replied to %2").replace("%1", who).replace("%2", c["reply_to_name"])
            text = f"{who}: {c.get('text') or ''}"
            if c["status"] == MISSING:
                text += "  " + self.tr("(deleted at the source)")
            pv.addWidget(_label(text, "momentsComment", select=True))
        body.addWidget(panel)
