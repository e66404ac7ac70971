"""XLSX cell values through openpyxl in read-only mode (which parses with defusedxml when installed)."""

from __future__ import annotations

import logging
import zipfile
from datetime import date, datetime, time

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from metodset.materials.extraction.base import (
    ExtractedText,
    Source,
    TextCollector,
    source_for_library,
)

logger = logging.getLogger(__name__)


def extract(source: Source, max_chars: int) -> ExtractedText:
    collector = TextCollector(max_chars)
    try:
        # data_only: the cached values, never formulas; openpyxl does not evaluate or
        # run anything, and read_only streams each sheet instead of building it in memory.
        workbook = load_workbook(source_for_library(source), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        logger.info("Unreadable XLSX: %s", error)
        return collector.result(
            pages=None, reason=_("Файл XLSX повреждён; текст из него не извлекается")
        )
    try:
        for sheet in workbook.worksheets:
            if collector.is_full:
                break
            collector.add(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                if collector.is_full:
                    break
                cells = [_cell_text(value) for value in row]
                collector.add("\t".join(cells).rstrip())
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as error:
        logger.info("XLSX partly read: %s", error)
        return collector.result(
            pages=None, reason=_("Часть текста файла XLSX не извлеклась: файл повреждён")
        )
    finally:
        workbook.close()
    return collector.result(pages=None)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)
