"""The app starts on a plain X11 desktop: Qt's real xcb platform under Xvfb, not only offscreen.

Offscreen tests cannot notice a missing libxcb-* library (Qt then refuses to start with a message
naming the wrong library); `make test` installs Xvfb and the xcb libraries through
packaging/sysdeps.sh, and this test proves the result starts and paints a window.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from chatvault.gui.devtools.xvfb import virtual_display, xcb_env

_CHILD = r"""
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from chatvault.gui.app import start

app = QApplication(sys.argv[:1])
dialog = start(Path(sys.argv[1]))
dialog.show()
for _ in range(20):
    app.processEvents()
shot = dialog.grab().toImage()
colours = {shot.pixel(x, y) for x in range(0, shot.width(), 7) for y in range(0, shot.height(), 7)}
print(app.platformName(), dialog.objectName(), shot.width(), shot.height(), len(colours))
"""


def test_app_starts_on_real_xcb_platform(tmp_path: Path) -> None:
    with virtual_display() as display:
        out = subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path / "vault")], env=xcb_env(display, tmp_path),
                             capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, f"the app did not start on xcb:\n{out.stderr[-3000:]}"
    platform, name, width, height, colours = out.stdout.split()[-5:]
    assert platform == "xcb"
    assert name == "createVaultDialog"                 # a new user's first window
    assert int(width) > 200 and int(height) > 100
    assert int(colours) > 3                            # it painted text and widgets, not a blank
