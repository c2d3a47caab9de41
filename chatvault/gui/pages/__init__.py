"""Pages: the main window's stacked pages (search, media, protection)."""
