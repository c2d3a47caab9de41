"""Everything PySide6 lives here, and only here."""
