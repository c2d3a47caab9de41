"""HTML export: static, paged, searchable pages that open offline in any browser.

Layout of the folder written by `export_html`:

    index.html                 every chat: message counts and date ranges
    assets/cv.css, cv.js       our only stylesheet and script (the CSP allows nothing else)
    media/                     attachments (export/media.py), media/thumbs/ their thumbnails
    c1/index.html              chat 1: calendar (years × months, counts linking to pages), import runs
    c1/2024-03.html ...        its pages (by month, or p1.html ... by count), prev/next links
    c1/go.html                 finds the page of a message by ordinal (links to messages further on)
    c1/s/                      its search index and page list, loaded as JS data files on demand

Messages stream from `selection.messages` one batch at a time and only the page being built is kept:
a million-message chat never sits in memory. See docs/export.md.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from chatvault.errors import Cancelled, InputError
from chatvault.export.html import layout
from chatvault.export.html.chat import ChatWriter, _when
from chatvault.export.html.escaping import esc
from chatvault.export.html.render import Context
from chatvault.export.html.replies import ReplyResolver
from chatvault.export.html.searchindex import write_file
from chatvault.export.html.words import html_words
from chatvault.export.media import MediaWriter
from chatvault.export.report import ExportReport
from chatvault.export.selection import ChatPlan, Selection, _Resolved, import_runs, messages, plan
from chatvault.fsutil import storage_error
from chatvault.jobs.context import JobContext
from chatvault.media.blobstore import BlobStore

ASSETS = Path(__file__).resolve().parents[3] / "resources" / "export" / "html"
PAGE_SIZE = 250                 # messages: keeps a page near 150 KiB, shown at once


def export_html(vault: Any, selection: Selection, out_dir: Path, job: JobContext, *,
                page_size: int = PAGE_SIZE, by: str = "month", include_media: bool = True,
                search: bool = True, lang: str = "en", overwrite: bool = False) -> ExportReport:
    """Write the selection as static HTML pages under `out_dir` (created; must be empty if it exists).

    by="month": a page per month (a month over `page_size` messages continues on further pages);
    by="count": a page every `page_size` messages. Cancel with `job.cancel()`: the report then says
    `cancelled` and the folder holds what was written so far. `lang` ("en", "zh_CN") is the language
    of the pages' own words (navigation, badges, provenance, kinds); message content is as it was.
    `overwrite=True` replaces an earlier HTML export in `out_dir` (never a folder of anything else).
    """
    if by not in ("month", "count"):
        raise InputError(f"Unknown paging {by!r}.", hint='Use by="month" or by="count".')
    if not 10 <= int(page_size) <= 100_000:
        raise InputError(f"A page of {page_size} messages is not allowed.", hint="Use 10 to 100000.")
    out = Path(out_dir)
    _prepare(out, overwrite)
    report = ExportReport("html", out)
    conn = vault.connect(readonly=True)
    try:
        chats = plan(conn, selection)
        job.set_total(items=sum(c.messages for c in chats))
        runs = import_runs(conn)
        media = MediaWriter(out, BlobStore(vault), conn, inert=True) if include_media else None
        resolver = ReplyResolver(conn, _Resolved(conn, selection))
        written: list[tuple[ChatPlan, str, int]] = []
        try:
            for n, chat in enumerate(chats, 1):
                job.check()
                job.status(chat.title or chat.source_key)
                folder = f"c{n}"
                w = _export_chat(conn, selection, chat, out / folder, runs, media, resolver, job,
                                 by=by, page_size=page_size, search=search, lang=lang)
                written.append((chat, folder, w.ordinal))
                report.conversations += 1
                report.messages += w.ordinal
                report.bytes_written += w.bytes_written
                report.files.extend(out / folder / p[0] for p in w.pages)
        except Cancelled:
            report.cancelled = True
        report.bytes_written += _write_index(out, written, selection, report.cancelled, search,
                                             html_words(lang))
        if media is not None:
            report.attachments = media.written
            report.bytes_written += media.bytes_written
            report.warnings += media.warnings()
    finally:
        conn.close()
    return report


def _export_chat(conn: Any, selection: Selection, chat: ChatPlan, folder: Path, runs: dict[int, dict[str, Any]],
                 media: MediaWriter | None, resolver: ReplyResolver, job: JobContext, *, by: str,
                 page_size: int, search: bool, lang: str) -> ChatWriter:
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise storage_error(exc, f"creating {folder}") from exc
    ctx = Context(group=chat.kind in ("group", "channel"), up="../", runs=runs,
                  source=f"{chat.app} · {chat.account}" if chat.account else chat.app,
                  add_media=media.add if media else None, quote=lambda m: None, w=html_words(lang), lang=lang)
    w = ChatWriter(folder, chat, ctx, resolver, by=by, page_size=page_size, search=search)
    try:
        for batch in messages(conn, selection, chat.conversation_id):
            job.check()
            w.feed(batch)
            job.advance(items=len(batch))
    finally:
        w.finish(runs)          # a cancelled export still leaves coherent pages up to where it stopped
    return w


def _prepare(out: Path, overwrite: bool) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        ours = out.is_dir() and (out / "assets" / "cv.js").is_file() and (out / "index.html").is_file()
        if not (overwrite and ours):
            raise InputError(f"{out} is not an empty folder.", hint="Choose a new or empty folder for the export"
                             + ("." if ours or not overwrite else " (only an earlier HTML export is replaced)."))
        try:
            shutil.rmtree(out)
        except OSError as exc:
            raise storage_error(exc, f"replacing the earlier export in {out}") from exc
    try:
        (out / "assets").mkdir(parents=True, exist_ok=True)
        for name in ("cv.css", "cv.js"):
            shutil.copyfile(ASSETS / name, out / "assets" / name)
    except OSError as exc:
        raise storage_error(exc, f"creating {out}") from exc


def _write_index(out: Path, chats: list[tuple[ChatPlan, str, int]], selection: Selection, cancelled: bool,
                 search: bool, w: dict[str, str]) -> int:
    rows = []
    for chat, folder, count in chats:
        title = chat.title or chat.source_key or f"Chat {chat.conversation_id}"
        rows.append(
            f'<tr><td dir="auto"><a href="{folder}/index.html">{esc(title)}</a></td><td>{esc(chat.app)}</td>'
            f'<td>{esc(chat.kind)}</td><td class="n">{count:,}</td><td>{_when(chat.first_ts)}</td>'
            f'<td>{_when(chat.last_ts)}</td></tr>')
    sel = selection.describe()
    what = esc(w["query"].format(q=sel["query"])) if sel["query"] else w["everything"]
    note = f'<p class="badge del">{w["cancelled"]}</p>' if cancelled else ""
    total = w["n_messages"].format(n=f"{sum(c[2] for c in chats):,}")
    heads = "".join(f"<th>{w[k]}</th>" for k in ("chat", "app", "kind", "messages", "first", "last"))
    html = "".join([
        layout.head(w["export"], "", f' data-chats="{" ".join(c[1] for c in chats)}"', w),
        '<body class="home">\n',
        f'<header class="top"><nav><span class="here">{w["export"]}</span></nav>'
        f'{layout.search_box(search and bool(chats), w, everything=True)}</header>\n'
        '<section id="cv-results" hidden></section>\n',
        f'<main><h1>{w["chats"]}</h1>{note}<p class="sub">{w["n_chats"].format(n=len(chats))} · {total} · '
        f'{what}</p>',
        f'<table class="chats"><thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table></main>'
        '</body></html>\n'])
    data = html.encode()
    write_file(out / "index.html", data)
    return len(data)
