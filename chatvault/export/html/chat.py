"""One conversation of an HTML export, written page by page while its messages stream in.

Pages break at each month (by="month", a busy month continuing on `-2`, `-3`, ... pages of at most
`page_size` messages) or every `page_size` messages (by="count"). Only the page being built is held:
when the next page starts, the finished one is written with its prev/next links. Replies link to
their original across pages: the originals a chat's replies point to are listed up front (one SQL
query), remembered with their page when they are written, and a reply to a message further on is
located with a count query.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from chatvault.export.html import layout
from chatvault.export.html.escaping import esc
from chatvault.export.html.kinds import kind_label
from chatvault.export.html.render import Context, Quote, message_html
from chatvault.export.html.searchindex import ChatIndex, snippet, write_file
from chatvault.export.selection import ChatPlan, ExportMessage

# A page also ends when its messages reach this many characters (long texts, many cards): a page
# stays under ~200 KiB whatever the chat holds, so it opens at once.
MAX_PAGE_BYTES = 170_000

@dataclass
class Page:
    name: str
    label: str
    start: int                         # ordinal of its first message
    parts: list[str] = field(default_factory=list)
    docs: list[list[str]] = field(default_factory=list)
    count: int = 0
    size: int = 0                      # characters of message HTML so far


class ChatWriter:
    """Writes `folder/<page>.html`, `folder/index.html` (calendar) and `folder/s/` (search data)."""

    def __init__(self, folder: Path, chat: ChatPlan, ctx: Context, resolver: Any, *, by: str,
                 page_size: int, search: bool) -> None:
        self.folder = folder
        self.chat = chat
        self.ctx = ctx
        self.resolver = resolver
        self.by = by
        self.page_size = page_size
        self.key = folder.name
        self.w = ctx.w
        self.search = ChatIndex(folder / "s", self.key) if search else None
        self.title = chat.title or chat.source_key or f"Chat {chat.conversation_id}"
        self.pages: list[tuple[str, str, int]] = []      # (file, label, first ordinal) of written pages
        self.months: dict[str, list[Any]] = {}           # "YYYY-MM" -> [count, page file, anchor]
        self.page: Page | None = None
        self.prev_name: str | None = None
        self.month = ""
        self.part = 1
        self.day = ""
        self.ordinal = 0
        self.bytes_written = 0
        self.first_page_bytes = 0
        self.targets: dict[int, Quote | None] = resolver.reply_targets(chat.conversation_id)
        ctx.quote = self._quote

    # --- streaming ---------------------------------------------------------------------------
    def feed(self, batch: list[ExportMessage]) -> None:
        for m in batch:
            self._one(m)

    def _one(self, m: ExportMessage) -> None:
        month = m.time_iso[:7]
        new_month = month != self.month
        if new_month:
            self.month = month
        if self.page is None or (self.by == "month" and new_month):
            self.part = 1
            self._start_page(self._name(month, 1))
        elif self.page.count >= self.page_size or self.page.size >= MAX_PAGE_BYTES:
            self.part += 1
            self._start_page(self._name(month, self.part))
        page = self.page
        assert page is not None
        n = self.ordinal
        anchor = f"#n{n}"
        cal = self.months.get(month)
        if cal is None:
            self.months[month] = [1, page.name, anchor]
        else:
            cal[0] += 1
        day = m.time_iso[:10]
        if day != self.day or page.count == 0:
            self.day = day
            page.parts.append(f'<div class="day">{_day_label(day, self.w)}</div>\n')
        html = message_html(m, n, self.ctx)
        page.parts.append(html)
        page.size += len(html)
        text = m.text or ""
        if self.search is not None:
            extra = " ".join(a.get("original_name") or "" for a in m.attachments)
            t = m.extra.get("title")
            if isinstance(t, str):
                extra += " " + t
            self.search.add(n, f"{text} {extra}" if extra else text)
            page.docs.append([m.time_iso[:16].replace("T", " "), m.sender or "",
                              snippet(text or kind_label(m, self.ctx.lang))])
        if m.id in self.targets:
            self.targets[m.id] = Quote(page.name, anchor, m.sender, snippet(text or kind_label(m, self.ctx.lang)))
        page.count += 1
        self.ordinal += 1

    def _name(self, month: str, part: int) -> str:
        if self.by == "count":
            return f"p{len(self.pages) + (1 if self.page else 0) + 1}.html"
        return f"{month}.html" if part == 1 else f"{month}-{part}.html"

    def _start_page(self, name: str) -> None:
        if self.page is not None:
            self._write_page(name)
        w = self.w
        y, mo = self.month[:4], int(self.month[5:7])
        if self.by == "month":
            label = w["month_label"].format(month=w["months"].split()[mo - 1], y=y)
            if name != f"{self.month}.html":
                label = w["part"].format(label=label, n=name.rsplit("-", 1)[1].split(".")[0])
        else:
            label = w["page"].format(n=len(self.pages) + 1)
        self.page = Page(name, label, self.ordinal)
        self.ctx.page_name = name
        self.day = ""

    def _write_page(self, next_name: str | None) -> None:
        page = self.page
        assert page is not None
        index = len(self.pages)
        title = f"{self.title} — {page.label}"
        html = "".join([
            layout.head(title, "../", f' data-chat="{self.key}" data-page="{index}"', self.w),
            '<body class="chat">\n',
            layout.nav("../", self.title, self.prev_name, next_name, page.label, self.search is not None, self.w),
            f'<main class="log" id="log">\n{"".join(page.parts)}</main>\n',
            layout.pager(self.prev_name, next_name, self.w), "</body></html>\n"])
        data = html.encode()
        write_file(self.folder / page.name, data)
        self.bytes_written += len(data)
        if index == 0:
            self.first_page_bytes = len(data)
        if self.search is not None:
            self.search.write_doc(index, page.docs)
        self.pages.append((page.name, page.label, page.start))
        self.prev_name = page.name
        self.page = None

    def finish(self, runs: dict[int, dict[str, Any]]) -> None:
        if self.page is not None:
            self._write_page(None)
        if self.search is not None:
            self.search.write(self.pages, self.ordinal, self.title)
            self.bytes_written += self.search.bytes_written
        else:
            ChatIndex(self.folder / "s", self.key).write(self.pages, self.ordinal, self.title, shards=0)
        data = self._index_html(runs).encode()
        write_file(self.folder / "index.html", data)
        go = (layout.head(self.title, "../", f' data-chat="{self.key}" class="go"', self.w)
              + f'<body><main><p><a href="index.html">{self.w["finding"]}</a></p></main></body></html>\n').encode()
        write_file(self.folder / "go.html", go)
        self.bytes_written += len(data) + len(go)

    # --- replies -----------------------------------------------------------------------------
    def _quote(self, m: ExportMessage) -> Quote | None:
        if m.reply_to_id is None:
            return None
        q = self.targets.get(m.reply_to_id)
        if q is not None:
            return q
        return self.resolver.locate(self.chat.conversation_id, m.reply_to_id)

    # --- the calendar page -------------------------------------------------------------------
    def _index_html(self, runs: dict[int, dict[str, Any]]) -> str:
        c, w = self.chat, self.w
        first = self.pages[0][0] if self.pages else None
        years = sorted({k[:4] for k in self.months})
        rows = []
        for y in years:
            cells = []
            for mo in range(1, 13):
                cal = self.months.get(f"{y}-{mo:02d}")
                if cal:
                    cells.append(f'<td><a href="{esc(cal[1])}{cal[2]}">{cal[0]:,}</a></td>')
                else:
                    cells.append('<td class="empty"></td>')
            rows.append(f'<tr><th>{y}</th>{"".join(cells)}</tr>')
        head = "".join(f"<th>{m}</th>" for m in w["months_short"].split())
        span = f"{_when(c.first_ts)} – {_when(c.last_ts)}" if c.first_ts else ""
        start = f'<p><a class="start" href="{esc(first)}">{w["read_start"]}</a></p>' if first else ""
        run_rows = "".join(
            f'<tr id="run{r["id"]}"><td>{r["id"]}</td><td>{esc(str(r.get("format") or ""))}</td>'
            f'<td>{esc(str(r.get("path") or ""))}</td><td>{_when(r.get("started_at"))}</td>'
            f'<td>{esc(str(r.get("outcome") or ""))}</td><td class="h">{esc(str(r.get("file_hash") or ""))}</td></tr>'
            for r in runs.values())
        return "".join([
            layout.head(f"{self.title} — {w['calendar']}", "../", f' data-chat="{self.key}"', w),
            '<body class="calendar">\n',
            layout.nav("../", self.title, None, None, w["calendar"], self.search is not None, w),
            f'<main><h1 dir="auto">{esc(self.title)}</h1>',
            f'<p class="sub">{esc(c.app)} · {esc(c.account or "")} · {esc(c.kind)} · '
            f'{w["n_messages"].format(n=f"{self.ordinal:,}")} · {span}</p>{start}',
            f'<table class="cal"><thead><tr><th></th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>',
            f'<h2>{w["runs"]}</h2><table class="runs"><thead><tr>'
            + "".join(f"<th>{w[k]}</th>" for k in ("run", "format", "file", "started", "outcome", "file_hash"))
            + '</tr></thead>'
            f'<tbody>{run_rows}</tbody></table></main></body></html>\n'])


def _day_label(day: str, w: dict[str, str]) -> str:
    try:
        d = date.fromisoformat(day)
    except ValueError:
        return esc(day)
    text = w["day"].format(weekday=w["weekdays"].split()[d.weekday()], d=d.day, m=d.month,
                           month=w["months"].split()[d.month - 1], y=d.year)
    return f'<time datetime="{day}">{text}</time>'


def _when(ms: Any) -> str:
    from chatvault.search.api import iso_time
    return iso_time(int(ms), 0)[:16].replace("T", " ") if isinstance(ms, int) else ""
