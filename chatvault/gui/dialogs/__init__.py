"""Dialogs: modal windows the user opens for one task."""
