"""Text of an uploaded file for search and near-duplicate detection.

One small interface, `extract_text(source, kind_code)`, and one module per kind. The
kind code is the one `metodset.core.uploads.inspect_upload` decided from the content.
Nothing embedded in a file is executed or trusted: XML goes through defusedxml, ZIP
entries are read with a cap, and a failing part is skipped rather than failing the file.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from metodset.materials.extraction import docx, odf, pdf, pptx, xlsx
from metodset.materials.extraction.base import (
    MAX_CHARS,
    ExtractedText,
    Source,
    TextCollector,
)

__all__ = ["MAX_CHARS", "ExtractedText", "Source", "TextCollector", "extract_text"]

Extractor = Callable[[Source, int], ExtractedText]

EXTRACTORS: dict[str, Extractor] = {
    "pdf": pdf.extract,
    "docx": docx.extract,
    "odt": odf.extract,
    "odp": odf.extract,
    "ods": odf.extract,
    "pptx": pptx.extract,
    "xlsx": xlsx.extract,
}

# Old binary Office formats would need a dependency (antiword, olefile, LibreOffice);
# the author is asked to save a modern copy instead.
LEGACY_FORMATS: dict[str, tuple[str, str]] = {
    "doc": (".doc", "DOCX"),
    "ppt": (".ppt", "PPTX"),
    "xls": (".xls", "XLSX"),
}

WITHOUT_TEXT = frozenset({"jpeg", "png", "gif", "webp", "mp4", "webm", "zip"})


def extract_text(source: Source, kind_code: str, *, max_chars: int = MAX_CHARS) -> ExtractedText:
    """The text of `source` (a path or a binary file) of kind `kind_code`, capped at `max_chars`.

    Never raises for a broken or protected file: it returns what it could read, with
    `reason` saying why the text is missing or partial.
    """
    extractor = EXTRACTORS.get(kind_code)
    if extractor is not None:
        return extractor(source, max_chars)
    if kind_code in LEGACY_FORMATS:
        extension, modern = LEGACY_FORMATS[kind_code]
        reason = _(
            "Текст из старого формата %(extension)s не извлекается; сохраните файл как %(modern)s"
        ) % {"extension": extension, "modern": modern}
        return ExtractedText(text="", pages=None, truncated=False, reason=reason)
    if kind_code in WITHOUT_TEXT:
        return ExtractedText(
            text="",
            pages=None,
            truncated=False,
            reason=_("Из файлов этого типа текст не извлекается"),
        )
    raise ValueError(f"Unknown file kind {kind_code!r}")
