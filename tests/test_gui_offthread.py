"""Long or disk-bound work in the GUI runs on the shared job pool: the protection page's reads and
vault creation (Argon2id) leave the UI thread free to paint."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer

STRONG = "café Zoë walks the lantern fjord"


def test_protection_page_reads_its_tables_in_the_background(qtbot, vault, tmp_path: Path) -> None:
    from chatvault.backup.destinations import add_destination
    from chatvault.gui.pages.protection import ProtectionPage

    conn = vault.connect()
    add_destination(conn, "usb", "folder", {"path": str(tmp_path / "usb")})
    conn.close()
    page = ProtectionPage()
    qtbot.addWidget(page)
    page.set_vault(vault)
    # Nothing was read on the UI thread: the read is running, the table is still empty...
    assert page.refresh_op is not None and page.refresh_op.running
    assert page.dest_table.rowCount() == 0
    # ...and fills when the read comes back, with the schedule the scheduler computed.
    qtbot.waitUntil(lambda: page.dest_table.rowCount() == 1, timeout=10_000)
    assert page.dest_table.item(0, 0).text() == "usb"
    assert "due now" in page.dest_table.item(0, 3).text()     # never backed up: due at once
    assert page.schedule() and page.schedule()[0][0] == "usb"
    page.clear()


def test_creating_a_vault_keeps_the_dialog_responsive(qtbot, tmp_path: Path) -> None:
    from chatvault.gui.dialogs.create_vault import CreateVaultDialog

    dlg = CreateVaultDialog(tmp_path / "v")
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.passphrase.setText(STRONG)
    dlg.repeat.setText(STRONG)
    seen: list[tuple[bool, str]] = []
    # Fires only if the event loop turns while the vault is being created.
    QTimer.singleShot(0, lambda: seen.append((dlg.create_button.isEnabled(), dlg.error.text())))
    qtbot.mouseClick(dlg.create_button, Qt.MouseButton.LeftButton)
    assert seen == [(False, "Creating the vault…")]
    assert dlg.pages.currentIndex() == 1 and dlg.vault is not None and dlg.create_button.isEnabled()
    dlg.vault.lock()


def test_a_task_group_runs_at_most_its_share_and_drains_before_a_lock(qapp) -> None:
    """Thumbnails share the job pool with imports and backups: a burst of them takes two threads at
    most, and what is still waiting when the vault locks never runs."""
    import threading
    import time

    from chatvault.gui.ops import TaskGroup

    group = TaskGroup(max_running=2)
    lock = threading.Lock()
    now = {"running": 0, "peak": 0, "done": 0}
    release = threading.Event()

    def task() -> None:
        with lock:
            now["running"] += 1
            now["peak"] = max(now["peak"], now["running"])
        release.wait(5)
        with lock:
            now["running"] -= 1
            now["done"] += 1

    for _ in range(8):
        group.start(task)
    deadline = time.monotonic() + 5
    while now["running"] < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert now["running"] == 2
    release.set()
    assert group.drain(5000)          # the two running finish; the six waiting are dropped
    time.sleep(0.2)
    assert now["peak"] == 2 and now["done"] == 2
