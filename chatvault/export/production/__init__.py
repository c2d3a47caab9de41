"""eDiscovery productions: RSMF 2.0 files, a Concordance load file, the native media, HTML and PDF
review copies, a chain-of-custody record and a SHA-256 manifest of every file (`produce`), and the
check that nothing in a production changed since (`verify_export`). See docs/export.md."""

from chatvault.export.production.manifest import VerifyResult, verify_export
from chatvault.export.production.produce import produce

__all__ = ["VerifyResult", "produce", "verify_export"]
