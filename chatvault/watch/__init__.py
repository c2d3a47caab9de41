"""Watch folders: capture media before messengers delete it, and import exports as they land."""

from chatvault.watch.service import WatchService
from chatvault.watch.state import FolderStatus, ServiceStatus

__all__ = ["FolderStatus", "ServiceStatus", "WatchService"]
