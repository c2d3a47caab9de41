"""`chatvault media expiring`: the chats to open on the phone/computer before their originals are gone."""

from __future__ import annotations

import argparse

from chatvault.cli.common import CliContext
from chatvault.errors import UsageError
from chatvault.media.expiring import expiring, save_limit


def register(sub, parents: list) -> None:
    ex = sub.add_parser("expiring", parents=parents,
                        help="media held only as a thumbnail, or only on the device, past the clean-up age, by chat")
    ex.add_argument("--older-than", type=int, metavar="DAYS",
                    help="this age instead of each app's clean-up age (the setting)")
    ex.add_argument("--set-age", action="append", default=[], metavar="APP=DAYS",
                    help="save an app's clean-up age (wechat, whatsapp), then list")


def writes(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "set_age", None))


def run(args: argparse.Namespace, ctx: CliContext, vault) -> int:
    if args.set_age:
        _save(args.set_age, vault)
    conn = vault.connect(readonly=True)
    try:
        report = expiring(conn, args.older_than)
    finally:
        conn.close()
    lines = []
    for c in report.chats:
        where = " and ".join(c.devices)
        lines.append(f"{c.conversation or c.conversation_id} ({c.app}): {c.count} file(s) — {c.thumbnails} thumbnail "
                     f"only, {c.missing} not imported — {c.oldest_date()} … {c.newest_date()}; open it on the {where}")
    if lines:
        lines.append(f"{len(report.items)} file(s) in {len(report.chats)} chat(s) may exist only on the device. Open "
                     "these chats in WeChat/WhatsApp on that device now so the originals download (tap each picture "
                     "or video), then import the account again or let a watch folder capture them.")
    ages = ", ".join(f"{app} {days} d" for app, days in sorted(report.limits.items()))
    ctx.out(report.to_json(), "\n".join(lines) if lines else
            f"No media is held only as a thumbnail or only on a device past the clean-up age ({ages}).")
    return 0


def _save(values: list[str], vault) -> None:
    parsed = []
    for value in values:
        app, _, days = value.partition("=")
        if not days.strip().isdigit():
            raise UsageError(f"--set-age {value!r} is not APP=DAYS.", hint="For example: --set-age wechat=7.")
        parsed.append((app.strip().lower(), int(days)))
    for app, days in parsed:
        save_limit(vault, app, days)
