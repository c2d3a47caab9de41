"""The app's side of articles kept offline: the line on a link card, the offline viewer, the
settings section with what fetching does, and the fetch/check job (docs/articles.md)."""
