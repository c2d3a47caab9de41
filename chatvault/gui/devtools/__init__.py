"""Developer tools with a screen, not used by the app: `make screenshots`."""
