"""Qt-free job engine: cancellation, progress snapshots, rate and ETA."""

from chatvault.jobs.context import JobContext, Progress

__all__ = ["JobContext", "Progress"]
