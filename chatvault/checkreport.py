"""What a check finds: the `Problem`s of a `CheckReport`, and the shape of a check function.

Kept apart from `chatvault.check` (which lists and runs the checks) so the parts that contribute a
check (media, search, ingest, backup) depend on this small module only, and `check` on them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chatvault.jobs.context import JobContext


@dataclass
class Problem:
    area: str  # header, database, media, ...
    message: str
    severity: str = "error"  # error | warning
    detail: dict[str, Any] = field(default_factory=dict)
    repaired: bool = False

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    # The run's job: checks with long loops (media --read-data) call `job.check()` and report progress.
    job: JobContext = field(default_factory=JobContext, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" and not p.repaired for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checked": self.checked, "problems": [p.to_json() for p in self.problems]}


# fn(vault, report, read_data, repair): adds what it finds to `report`; repairs only when `repair`.
CheckFn = Callable[[Any, CheckReport, bool, bool], None]
