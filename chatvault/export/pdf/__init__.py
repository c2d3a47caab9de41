"""PDF export for evidence: cover with the content hash, every message and its state, pictures
inline, every script and emoji drawn (fpdf2 + HarfBuzz + Noto fonts), volumes in bounded memory."""

from chatvault.export.pdf.export import export_pdf, part_paths
from chatvault.export.pdf.fonts import MissingFont, find_fonts

__all__ = ["MissingFont", "export_pdf", "find_fonts", "part_paths"]
