"""What an import run does for articles once its messages are committed: link the new messages to
their articles, and (WeChat account folders) take snapshots from WeChat's browser cache.

A failure here never fails the import: it becomes a warning on the run's report.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from chatvault.articles import fromcache, index
from chatvault.errors import Cancelled, ChatVaultError
from chatvault.importers.filetree import FileTree
from chatvault.media.blobstore import BlobStore

log = logging.getLogger(__name__)


def reads_cache(format_name: str) -> bool:
    """Formats whose input is a WeChat account/app folder, where WeChat's web-view cache can be."""
    return format_name.startswith(("wechat", "weixin"))


def after_import(vault: Any, conn: Any, path: Path, format_name: str, report: Any, check: Any = None) -> None:
    try:
        report.articles_linked += index.scan(conn, check)
        if reads_cache(format_name):
            with FileTree(path) as tree:
                res = fromcache.capture(BlobStore(vault), conn, tree, check)
            report.articles_from_cache += res.snapshots
            for problem in res.problems[:20]:
                report.warn(f"WeChat's article cache: {problem}")
    except Cancelled:
        report.warn("Articles: stopped before every link was looked at; the next import or "
                    "`chatvault articles list` finishes it.")
    except (ChatVaultError, OSError) as exc:
        log.warning("articles after import: %s", exc)
        report.warn(f"Articles: {exc}")
