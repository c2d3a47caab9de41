"""The app starts on a plain X11 desktop: Qt's real xcb platform under Xvfb, not only offscreen.

Offscreen tests cannot notice a missing libxcb-* library (Qt then refuses to start with a message
naming the wrong library); `make test` installs Xvfb and the xcb libraries through
packaging/sysdeps.sh, and this test proves the result starts and paints a window.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

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


def _free_display() -> int:
    for n in range(90, 140):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number between :90 and :139")


def test_app_starts_on_real_xcb_platform(tmp_path: Path) -> None:
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is missing: run `make test`, which installs it with packaging/sysdeps.sh"
    display = _free_display()
    server = subprocess.Popen([xvfb, f":{display}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{display}").exists():
            assert server.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
            time.sleep(0.05)
        env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
        env.update(DISPLAY=f":{display}", QT_QPA_PLATFORM="xcb",
                   HOME=str(tmp_path), XDG_RUNTIME_DIR=str(tmp_path))
        out = subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path / "vault")], env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, f"the app did not start on xcb:\n{out.stderr[-3000:]}"
        platform, name, width, height, colours = out.stdout.split()[-5:]
        assert platform == "xcb"
        assert name == "createVaultDialog"                 # a new user's first window
        assert int(width) > 200 and int(height) > 100
        assert int(colours) > 3                            # it painted text and widgets, not a blank
    finally:
        server.terminate()
        server.wait(timeout=10)
