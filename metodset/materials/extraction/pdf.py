"""PDF text through pypdf, page by page; a page that fails is skipped, not the file."""

from __future__ import annotations

import logging
from typing import Final

from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError

from metodset.materials.extraction.base import (
    ExtractedText,
    Source,
    TextCollector,
    source_for_library,
)

logger = logging.getLogger(__name__)

# A methodical material beyond this is a scanned book; its first pages are enough to find it.
MAX_PAGES: Final = 2000


def extract(source: Source, max_chars: int) -> ExtractedText:
    collector = TextCollector(max_chars)
    try:
        reader = PdfReader(source_for_library(source), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            return collector.result(
                pages=None, reason=_("PDF защищён паролем; текст из него не извлекается")
            )
        pages = reader.pages
        page_count = len(pages)
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, RecursionError) as error:
        logger.info("Unreadable PDF: %s", error)
        return collector.result(pages=None, reason=_("PDF повреждён; текст из него не извлекается"))

    failed = 0
    for index in range(min(page_count, MAX_PAGES)):
        if collector.is_full:
            break
        try:
            page_text = pages[index].extract_text()
        # pypdf raises many kinds of errors on malformed content streams; one bad page
        # must not cost the text of the others.
        except Exception as error:
            logger.info("PDF page %d failed: %s", index + 1, error)
            failed += 1
            continue
        for line in page_text.splitlines():
            collector.add(line)
    reason = ""
    if failed:
        reason = _("Текст %(count)d из %(total)d страниц PDF не извлёкся") % {
            "count": failed,
            "total": page_count,
        }
    elif page_count > MAX_PAGES:
        reason = _("Текст извлечён только из первых %(limit)d страниц") % {"limit": MAX_PAGES}
    return collector.result(pages=page_count, reason=reason)


def _opens_without_password(reader: PdfReader) -> bool:
    """Many PDFs are encrypted only against editing, with an empty password for reading."""
    try:
        return bool(reader.decrypt(""))
    except (DependencyError, PdfReadError, NotImplementedError, ValueError):
        return False
