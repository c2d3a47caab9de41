"""Verified, incremental backups of a vault to folders and S3 (docs/backup.md).

Public API for the front ends: `run_backup`, `verify_target`/`run_verify`, `restore_snapshot`,
`run_prune`, `list_snapshots` (engine); `health` (health); `Scheduler` (scheduler).
"""

from chatvault.backup.health import DestinationHealth, health
from chatvault.backup.scheduler import Scheduler

__all__ = ["DestinationHealth", "Scheduler", "health"]
