"""A table as an XLSX workbook (openpyxl): a bold frozen header, widths fitted to the text,
wrapped cells — lists people print or load into another system."""

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_WIDTH = 60


def table_xlsx(
    *,
    sheet: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str = "",
) -> bytes:
    """One sheet: an optional title line, the header, the rows."""
    book = Workbook(write_only=False)
    ws = book.create_sheet(index=0)
    for extra in book.worksheets[1:]:
        book.remove(extra)
    ws.title = sheet[:31]
    if title:
        ws.append([title])
        ws.cell(row=1, column=1).font = Font(bold=True, size=13)
        ws.append([])
    ws.append(list(header))
    header_row = ws.max_row
    for column in range(1, len(header) + 1):
        cell = ws.cell(row=header_row, column=column)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [len(str(h)) for h in header]
    for row in rows:
        values = ["" if value is None else value for value in row]
        ws.append(values)
        for index, value in enumerate(values[: len(widths)]):
            longest = max((len(part) for part in str(value).splitlines()), default=0)
            widths[index] = max(widths[index], longest)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)
    for line in ws.iter_rows(min_row=header_row + 1):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
