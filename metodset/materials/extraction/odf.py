"""ODT, ODP and ODS text from content.xml, read with zipfile and parsed with defusedxml."""

from __future__ import annotations

import logging
import zipfile
from typing import Final
from xml.etree.ElementTree import Element

from django.utils.translation import gettext as _

from metodset.materials.extraction.base import (
    XML_ERRORS,
    ExtractedText,
    Source,
    TextCollector,
    parse_xml,
    read_zip_member,
    source_for_library,
)

logger = logging.getLogger(__name__)

TEXT_NS: Final = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS: Final = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
DRAW_NS: Final = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
OFFICE_NS: Final = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


PARAGRAPHS: Final = {_tag(TEXT_NS, "p"), _tag(TEXT_NS, "h")}
SPACE: Final = _tag(TEXT_NS, "s")
TAB: Final = _tag(TEXT_NS, "tab")
LINE_BREAK: Final = _tag(TEXT_NS, "line-break")
TABLE_ROW: Final = _tag(TABLE_NS, "table-row")
TABLE_CELL: Final = _tag(TABLE_NS, "table-cell")
COVERED_CELL: Final = _tag(TABLE_NS, "covered-table-cell")
DRAW_PAGE: Final = _tag(DRAW_NS, "page")
# Comments and the deleted text kept for change tracking are not the document's text.
SKIPPED: Final = {
    _tag(OFFICE_NS, "annotation"),
    _tag(OFFICE_NS, "annotation-end"),
    _tag(TEXT_NS, "tracked-changes"),
    _tag(TEXT_NS, "note-citation"),
}
MAX_REPEATED_SPACES: Final = 100


def extract(source: Source, max_chars: int) -> ExtractedText:
    collector = TextCollector(max_chars)
    try:
        with zipfile.ZipFile(source_for_library(source)) as archive:
            content = read_zip_member(archive, "content.xml")
        root = parse_xml(content)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError) as error:
        logger.info("Unreadable ODF: %s", error)
        return collector.result(
            pages=None, reason=_("Файл OpenDocument повреждён; текст из него не извлекается")
        )
    except XML_ERRORS as error:
        logger.info("Refused ODF XML: %s", error)
        return collector.result(
            pages=None, reason=_("Файл OpenDocument повреждён; текст из него не извлекается")
        )
    body = root.find(_tag(OFFICE_NS, "body"))
    pages = None
    if body is not None:
        draw_pages = list(body.iter(DRAW_PAGE))
        pages = len(draw_pages) or None
        try:
            _collect(body, collector)
        except RecursionError:
            # Only a forged file nests elements thousands deep; keep what was read.
            return collector.result(
                pages=pages,
                reason=_("Часть текста файла OpenDocument не извлеклась: файл повреждён"),
            )
    return collector.result(pages=pages)


def _collect(element: Element, collector: TextCollector) -> None:
    """Walk block elements: each paragraph is a line, each table row one tab-separated line."""
    for child in element:
        if collector.is_full:
            return
        if child.tag in SKIPPED:
            continue
        if child.tag in PARAGRAPHS:
            collector.add(_inline_text(child))
        elif child.tag == TABLE_ROW:
            collector.add(_row_text(child))
        else:
            _collect(child, collector)


def _row_text(row: Element) -> str:
    cells: list[str] = []
    for cell in row:
        if cell.tag not in {TABLE_CELL, COVERED_CELL}:
            continue
        # Repeated cells (number-columns-repeated) are read once: a spreadsheet marks
        # thousands of empty columns that way.
        paragraphs = [
            _inline_text(paragraph) for paragraph in cell.iter() if paragraph.tag in PARAGRAPHS
        ]
        cells.append(" ".join(text for text in paragraphs if text.strip()))
    return "\t".join(cells).rstrip()


def _inline_text(element: Element) -> str:
    """Text of a paragraph with ODF's whitespace rules: text:s, text:tab, text:line-break."""
    parts: list[str] = []
    _append_inline(element, parts)
    return "".join(parts)


def _append_inline(element: Element, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        if child.tag == SPACE:
            count = child.get(_tag(TEXT_NS, "c"), "1")
            parts.append(" " * min(int(count) if count.isdigit() else 1, MAX_REPEATED_SPACES))
        elif child.tag == TAB:
            parts.append("\t")
        elif child.tag == LINE_BREAK:
            parts.append("\n")
        elif child.tag not in SKIPPED:
            _append_inline(child, parts)
        if child.tail:
            parts.append(child.tail)
