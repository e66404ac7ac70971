"""An official document as DOCX (python-docx): A4, Times New Roman 14 pt, the margins of
Russian office paperwork (ГОСТ Р 7.0.97-2016: left 3 cm, right 1.5 cm, top and bottom 2 cm),
justified paragraphs with a first-line indent, tables with a header row."""

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"


class OfficialDocument:
    def __init__(self, *, title: str) -> None:
        self.document = Document()
        self.document.core_properties.title = title
        self.document.core_properties.author = "Методсеть"
        section = self.document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
        section.top_margin = section.bottom_margin = Cm(2)
        normal = self.document.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(14)
        # Word takes Cyrillic text from the East Asian/complex font slots unless told.
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(slot), FONT)
        normal.paragraph_format.space_after = Pt(0)

    def centered(self, text: str, *, bold: bool = False, size: int | None = None) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)

    def line(self, left: str, right: str = "") -> None:
        """A line with text at both edges (date at the left, number at the right)."""
        paragraph = self.document.add_paragraph()
        section = self.document.sections[0]
        width = section.page_width - section.left_margin - section.right_margin  # type: ignore[operator]
        paragraph.paragraph_format.tab_stops.add_tab_stop(width, alignment=2)  # right
        paragraph.add_run(f"{left}\t{right}")

    def blank(self) -> None:
        self.document.add_paragraph()

    def paragraph(self, text: str, *, bold: bool = False, indent: bool = True) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if indent:
            paragraph.paragraph_format.first_line_indent = Cm(1.25)
        paragraph.add_run(text).bold = bold

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text

    def page_break(self) -> None:
        self.document.add_page_break()  # type: ignore[no-untyped-call]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
