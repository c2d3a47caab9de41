"""One module per CLI command (discovered automatically)."""
