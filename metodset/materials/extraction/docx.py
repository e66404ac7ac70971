"""DOCX text through python-docx: body paragraphs and tables in order, then headers and footers."""

from __future__ import annotations

import logging
import zipfile

import docx
from django.utils.translation import gettext as _
from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from metodset.materials.extraction.base import (
    ExtractedText,
    Source,
    TextCollector,
    source_for_library,
)

logger = logging.getLogger(__name__)


def extract(source: Source, max_chars: int) -> ExtractedText:
    collector = TextCollector(max_chars)
    # python-docx parses with lxml and resolve_entities=False, so external entities are
    # not fetched; sizes were checked at upload (metodset.core.uploads) before this runs.
    try:
        document = docx.Document(source_for_library(source))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        logger.info("Unreadable DOCX: %s", error)
        return collector.result(
            pages=None, reason=_("Файл DOCX повреждён; текст из него не извлекается")
        )
    try:
        _collect_document(document, collector)
    except (ValueError, KeyError, AttributeError) as error:
        logger.info("DOCX partly read: %s", error)
        return collector.result(
            pages=None, reason=_("Часть текста файла DOCX не извлеклась: файл повреждён")
        )
    return collector.result(pages=None)


def _collect_document(document: Document, collector: TextCollector) -> None:
    for block in document.iter_inner_content():
        if collector.is_full:
            return
        _collect_block(block, collector)
    seen: set[str] = set()
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.footer):
            if part.is_linked_to_previous:
                continue
            for block in part.iter_inner_content():
                text = _block_text(block)
                # Sections repeat the same header; index it once.
                if text not in seen:
                    seen.add(text)
                    collector.add(text)


def _collect_block(block: Paragraph | Table, collector: TextCollector) -> None:
    if isinstance(block, Paragraph):
        collector.add(block.text)
        return
    for line in _table_lines(block):
        collector.add(line)


def _block_text(block: Paragraph | Table) -> str:
    if isinstance(block, Paragraph):
        return block.text
    return "\n".join(_table_lines(block))


def _table_lines(table: Table) -> list[str]:
    """One line per row, cells separated by tabs; a merged cell is read once."""
    lines: list[str] = []
    for row in table.rows:
        seen_cells: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            if id(cell._tc) in seen_cells:
                continue
            seen_cells.add(id(cell._tc))
            parts = [_block_text(inner) for inner in cell.iter_inner_content()]
            cells.append(" ".join(part.replace("\n", " ") for part in parts if part.strip()))
        lines.append("\t".join(cells).rstrip())
    return lines
