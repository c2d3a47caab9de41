"""Getting history out of the vault: HTML, PDF, JSON, CSV and eDiscovery productions.

Every format reads through `chatvault.export.selection` (what to export, streamed in time order per
conversation) and reports with `chatvault.export.report.ExportReport`; long runs take a
`chatvault.jobs.JobContext` for progress and cancel, like imports and backups.
"""
