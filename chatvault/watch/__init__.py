"""Watch folders: capture media before messengers delete it, and import exports as they land."""

from chatvault.watch.service import FolderStatus, ServiceStatus, WatchService

__all__ = ["FolderStatus", "ServiceStatus", "WatchService"]
