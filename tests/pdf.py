"""Reading rendered PDFs in tests without system tools (pypdf)."""

import io
from pathlib import Path

from pypdf import PdfReader


def pdf_pages(source: str | Path | bytes) -> list[str]:
    """The text of each page, whitespace collapsed (a long mark may wrap in its margin box)."""
    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]
