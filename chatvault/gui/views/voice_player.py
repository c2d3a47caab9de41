"""Voice notes played in the app, as WeChat does: click a voice bubble, it plays; a small player over the
bubble shows play/pause and elapsed / total, with a slider to seek.

The note is decrypted and (for WeChat's SILK) decoded to WAV on the shared pool, written into the
private temp folder (`gui/media_temp.py`) and played with QtMultimedia's QMediaPlayer. Without an audio
device (a server, a test) the player still runs and shows its position; the file is let go and the
player hidden when the vault locks (the temp folder's release hook).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from chatvault.gui import timefmt
from chatvault.gui.media_temp import MediaTemp
from chatvault.gui.ops import Op
from chatvault.gui.views import card_text

log = logging.getLogger(__name__)

try:  # PySide6-Addons: pyproject's dependency; a trimmed install falls back to the system player
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
except ImportError:  # pragma: no cover - the shared venv and the packages ship it
    QMediaPlayer = QAudioOutput = None  # type: ignore[assignment,misc]


def available() -> bool:
    return QMediaPlayer is not None


class VoicePlayer(QWidget):
    """One voice note at a time, laid over its bubble in the message view's viewport."""

    failed = Signal(str)          # a sentence for the status bar
    fallback = Signal(str)        # no QtMultimedia: the decoded file for the system player

    def __init__(self, viewport: QWidget, temp: MediaTemp) -> None:
        super().__init__(viewport)
        self.setObjectName("voicePlayer")
        self.setAutoFillBackground(True)
        self.temp = temp
        self.message: dict[str, Any] | None = None
        self._op: Op | None = None
        self._path: Path | None = None            # the decrypted copy now playing
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 8, 2)
        row.setSpacing(6)
        self.button = QToolButton()
        self.button.setObjectName("voicePlayButton")
        self.button.setAutoRaise(True)
        self.button.clicked.connect(self.toggle)
        row.addWidget(self.button)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("voiceSlider")
        self.slider.setMinimumWidth(60)
        self.slider.sliderMoved.connect(lambda v: self.player.setPosition(v) if self.player else None)
        row.addWidget(self.slider, 1)
        self.time = QLabel()
        self.time.setObjectName("voiceTime")
        row.addWidget(self.time)
        self.player = None
        if QMediaPlayer is not None:
            self.player = QMediaPlayer(self)
            self.audio = QAudioOutput(self)
            self.player.setAudioOutput(self.audio)
            self.player.positionChanged.connect(self._position)
            self.player.durationChanged.connect(lambda d: self.slider.setRange(0, max(d, 1)))
            self.player.playbackStateChanged.connect(lambda _s: self._update_button())
            self.player.errorOccurred.connect(self._error)
        hook = self.stop
        temp.wiped.append(hook)
        self.destroyed.connect(lambda *_: hook in temp.wiped and temp.wiped.remove(hook))
        self._update_button()
        self.hide()

    # --- state -----------------------------------------------------------------------------
    def is_playing(self) -> bool:
        return self.player is not None and self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState

    def position_ms(self) -> int:
        return int(self.player.position()) if self.player is not None else 0

    def _update_button(self) -> None:
        playing = self.is_playing()
        self.button.setText("❚❚" if playing else "▶")
        self.button.setToolTip(self.tr("Pause") if playing else self.tr("Play"))
        self.button.setAccessibleName(self.button.toolTip())
        self._position(self.position_ms())

    def _position(self, ms: int) -> None:
        if self.message is None:
            return
        if not self.slider.isSliderDown():
            self.slider.setValue(int(ms))
        total = self.player.duration() if self.player is not None else 0
        secs = card_text.voice_seconds(self.message)
        total_text = timefmt.duration((total or secs * 1000) / 1000)
        self.time.setText(f"{timefmt.duration(ms / 1000)} / {total_text}")

    # --- actions ---------------------------------------------------------------------------
    def play(self, vault: Any, msg: dict[str, Any]) -> bool:
        """Start `msg`'s voice note (the same one: resume/pause). False when it is not in the vault."""
        if self.message is not None and self.message["id"] == msg["id"] and self.player is not None:
            if not self.player.source().isEmpty():
                self.toggle()
            return True                                  # (or it is still being decrypted: let it start)
        att = next((a for a in msg.get("attachments") or [] if a.get("status") == "stored" and a.get("blob_id")), None)
        if att is None:
            return False
        self.stop()
        self.message = msg
        self._position(0)
        blob_id, mime, name = att["blob_id"], att.get("mime"), att.get("original_name")
        temp = self.temp

        def job(_ctx):
            from chatvault.media.blobstore import BlobStore
            from chatvault.media.playable import playable

            data, ext = playable(BlobStore(vault).read_all(blob_id), mime, name)
            stem = (name or f"voice-{msg['id']}").rsplit(".", 1)[0]
            return temp.write(lambda out: out.write(data), stem + ext)

        op = Op(job, self)
        op.finished.connect(lambda path, mid=msg["id"]: self._ready(mid, path))
        op.failed.connect(lambda exc: self.failed.emit(getattr(exc, "message", None) or str(exc)))
        op.ended.connect(op.deleteLater)
        self._op = op
        op.start()
        self.show()
        self.raise_()
        return True

    def _ready(self, message_id: int, path: Any) -> None:
        if self.message is None or self.message["id"] != message_id:
            return                                      # another note was chosen meanwhile
        self._path = Path(path)
        if self.player is None:
            self.fallback.emit(str(path))
            return
        self.player.setSource(QUrl.fromLocalFile(str(path)))
        self.player.play()

    def toggle(self) -> None:
        if self.player is None:
            return
        if self.is_playing():
            self.player.pause()
        else:
            self.player.play()

    def stop(self) -> None:
        """Stop and let go of the file (before the temp folder is wiped)."""
        if self.player is not None:
            self.player.stop()
            self.player.setSource(QUrl())
            if self._path is not None:                # one decrypted note at a time on disk
                self._path.unlink(missing_ok=True)
        self._path = None
        self.message = None
        self.slider.setValue(0)
        self.hide()

    def _error(self, _err: Any, text: str) -> None:
        log.warning("voice playback failed: %s", text)      # Qt's words, in English: for the log only
        self.failed.emit(self.tr("This voice note cannot be played: the file is damaged, or this computer "
                                 "cannot decode its format. Save attachment… keeps a copy to try elsewhere."))

    def place(self, bubble: QRect | None) -> None:
        """Lay the player over the playing note's bubble (viewport coordinates), or hide it when that
        row is scrolled away."""
        if self.message is None:
            return
        if bubble is None:
            self.hide()
            return
        w = max(bubble.width(), 220)
        x = max(0, min(bubble.left(), self.parentWidget().width() - w - 4))
        self.setGeometry(x, bubble.top(), w, min(max(bubble.height(), 30), 36))
        self.show()
        self.raise_()
