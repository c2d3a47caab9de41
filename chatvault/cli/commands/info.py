"""`chatvault info`: what the vault holds."""

from __future__ import annotations

import argparse

from chatvault.cli.common import CliContext, human_bytes
from chatvault.store.schema import current_version
from chatvault.store.store import Store

NAME = "info"
HELP = "show counts of conversations, messages, attachments, blobs and size"


def register(p: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.open() as vault:
        conn = vault.connect(readonly=True)
        counts = Store(conn).counts(vault.path)
        data = counts.to_json() | {
            "vault": str(vault.path),
            "vault_id": vault.vault_id,
            "format_version": vault.header.version,
            "schema_version": current_version(conn),
            "kdf": {"alg": vault.header.kdf.alg, "m_kib": vault.header.kdf.m_kib, "t": vault.header.kdf.t,
                    "p": vault.header.kdf.p},
        }
        conn.close()
    text = (
        f"Vault {data['vault']} (id {data['vault_id']}, format {data['format_version']}, "
        f"schema {data['schema_version']})\n"
        f"  conversations: {counts.conversations}\n"
        f"  messages:      {counts.messages} ({counts.missing_at_source} deleted at the source)\n"
        f"  attachments:   {counts.attachments} ({counts.attachments_missing} missing)\n"
        f"  blobs:         {counts.blobs}\n"
        f"  size on disk:  {human_bytes(counts.bytes)}"
    )
    ctx.out(data, text)
    return 0
