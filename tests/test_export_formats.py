"""The format registry: every format is importable by name, the front ends' one option vocabulary
reaches each format under its own keyword, and a stopped export into a new folder leaves nothing."""

from __future__ import annotations

import inspect

from chatvault.export import formats
from chatvault.export.selection import Selection
from chatvault.jobs import JobContext
from tests.export_data import fill


def test_every_format_is_wired_and_options_reach_it_under_its_own_names() -> None:
    assert set(formats.FORMATS) == {"html", "pdf", "json", "csv", "production"}
    assert all(f.available() for f in formats.FORMATS.values())
    assert callable(formats.verifier())
    opts = {"media": False, "lang": "zh_CN", "page_by": "count", "page_size": 500, "bom": True, "zip": None,
            "custodians": ["Anna"], "overwrite": True}
    html = formats.kwargs_for(formats.entry("html"), opts)
    assert {"include_media": False, "by": "count", "page_size": 500}.items() <= html.items()
    assert {"pictures": False, "lang": "zh_CN"}.items() <= formats.kwargs_for(formats.entry("pdf"), opts).items()
    production = formats.kwargs_for(formats.entry("production"), opts)
    assert production["custodians"] == ["Anna"] and "zip" not in production        # None: the format's default
    for name in ("html", "pdf", "production"):                                      # only what each one takes
        params = inspect.signature(formats.entry(name)).parameters
        assert set(formats.kwargs_for(formats.entry(name), opts)) <= set(params), name
    assert formats.kwargs_for(formats.entry("csv"), opts) == {"media": False, "lang": "zh_CN", "page_by": "count",
                                                              "page_size": 500, "bom": True,
                                                              "custodians": ["Anna"], "overwrite": True}


def test_default_out_never_lands_on_an_earlier_export(tmp_path) -> None:
    first = formats.default_out("pdf", tmp_path, 'a/b:"家"')
    assert first.parent == tmp_path and first.suffix == ".pdf" and "/" not in first.name[:-4]
    first.write_bytes(b"x")
    second = formats.default_out("pdf", tmp_path, 'a/b:"家"')
    assert second != first and second.name.endswith(" (2).pdf")


def test_a_cancelled_export_into_a_new_folder_leaves_nothing(vault, tmp_path) -> None:
    fill(vault, vault.connect())

    class CancelAtFirstStep(JobContext):
        def advance(self, items: int = 0, bytes_: int = 0) -> None:
            super().advance(items, bytes_)
            self.cancel()

    for name in ("html", "json", "production"):
        out = tmp_path / name
        report = formats.run(name, vault, Selection(), out, CancelAtFirstStep(), {"media": True})
        assert report.cancelled and not out.exists(), name
    assert list(tmp_path.iterdir()) == [tmp_path / "vault"]
