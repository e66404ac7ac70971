"""A road map (сетевой график) as documents: DOCX for signing by the heads of the
organizations (landscape A4, «СОГЛАСОВАНО / УТВЕРЖДАЮ» blocks, the plan as a table) and
XLSX with the same table for work in a spreadsheet."""

import io
from collections.abc import Sequence

import openpyxl
import openpyxl.utils
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl.styles import Alignment, Font

from metodset.accounts.models import Organization, User
from metodset.documents.docx import OfficialDocument
from metodset.events.models import RoadMap
from metodset.events.services import roadmaps
from metodset.events.services.roadmaps import PlanRow

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A signature block: the heading, who signs, the line for the signature, the date; empty
# for a free place.
SignatureBlock = list[str]


class LandscapeDocument(OfficialDocument):
    """An official document on landscape A4: a wide plan fits in 12 pt. The binding edge
    stays at the left (3 cm would waste a tenth of the width, so 2 cm)."""

    def __init__(self, *, title: str) -> None:
        super().__init__(title=title)
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.left_margin, section.right_margin = Cm(2), Cm(1.5)
        section.top_margin = section.bottom_margin = Cm(1.5)

    @property
    def text_width(self) -> int:
        section = self.document.sections[0]
        return int(section.page_width - section.left_margin - section.right_margin)  # type: ignore[operator]

    def signatures(self, rows: Sequence[tuple[SignatureBlock, SignatureBlock]]) -> None:
        """Blocks side by side in a table without borders."""
        table = self.document.add_table(rows=len(rows), cols=2)
        table.autofit = False
        half = self.text_width // 2
        for table_row, pair in zip(table.rows, rows, strict=True):
            for cell, block in zip(table_row.cells, pair, strict=True):
                cell.width = half
                cell.text = ""
                for index, text in enumerate(block):
                    paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                    paragraph.add_run(text).bold = index == 0
                    paragraph.paragraph_format.space_after = Pt(4 if index == 0 else 2)

    def plan_table(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
    ) -> None:
        """A grid in 12 pt whose header row repeats on every page."""
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)
        for column, width in zip(table.columns, widths, strict=True):
            # The grid's widths: LibreOffice reads these, Word the cells' ones.
            column.width = Cm(width)
        for cells, texts, bold in [(table.rows[0].cells, header, True)] + [
            (table.add_row().cells, row, False) for row in rows
        ]:
            for cell, text, width in zip(cells, texts, widths, strict=True):
                cell.width = Cm(width)
                cell.text = ""
                run = cell.paragraphs[0].add_run(text)
                run.bold = bold
                run.font.size = Pt(12)


def _organizations_text(organizations: Sequence[Organization]) -> str:
    """«МБОУ СОШ №1, МБОУ СОШ №2 и МБОУ Гимназия №3»."""
    names = [organization.short_name for organization in organizations]
    if len(names) < 2:
        return "".join(names)
    return _("%(first)s и %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def document_title(road_map: RoadMap) -> str:
    organizations = list(road_map.organizations.order_by("short_name"))
    if organizations:
        whose = _organizations_text(organizations)
    elif road_map.group is not None:
        whose = _("объединения «%(title)s»") % {"title": road_map.group.title}
    else:
        whose = road_map.district.name
    return _(
        "Сетевой график (дорожная карта) совместных мероприятий %(whose)s на %(year)s учебный год"
    ) % {"whose": whose, "year": road_map.academic_year}


def _signature_line(name: str) -> str:
    return f"_______________ / {name or '_______________'} /"


def _head_block(heading: str, organization: Organization) -> SignatureBlock:
    return [
        heading,
        _("Руководитель %(organization)s") % {"organization": organization.short_name},
        _signature_line(organization.director_name),
        _("«___» ____________ 20___ г."),
    ]


def _leader_block(leader: User, road_map: RoadMap) -> SignatureBlock:
    return [
        _("СОГЛАСОВАНО"),
        _("Руководитель объединения «%(title)s»")
        % {"title": road_map.group.title if road_map.group else ""},
        _signature_line(leader.short_name),
        _("«___» ____________ 20___ г."),
    ]


def signature_rows(road_map: RoadMap) -> list[tuple[SignatureBlock, SignatureBlock]]:
    """The approving head at the right of the first row, the agreeing ones (or the group's
    leaders) at its left and in the rows below, two to a row."""
    agreeing, approving = roadmaps.signatories(road_map)
    blocks = [_head_block(_("СОГЛАСОВАНО"), organization) for organization in agreeing]
    if not agreeing:
        blocks = [_leader_block(leader, road_map) for leader in roadmaps.group_leaders(road_map)]
    first: tuple[SignatureBlock, SignatureBlock] = (
        blocks.pop(0) if blocks else [],
        _head_block(_("УТВЕРЖДАЮ"), approving) if approving is not None else [],
    )
    rest = [blocks[i : i + 2] for i in range(0, len(blocks), 2)]
    return [first, *[(pair[0], pair[1] if len(pair) > 1 else []) for pair in rest]]


def _rows(road_map: RoadMap) -> list[PlanRow]:
    return [row for month in roadmaps.plan_of(road_map) for row in month.rows]


def _kind(row: PlanRow) -> str:
    return row.line.kind.name if row.line.kind else ""


def road_map_docx(road_map: RoadMap) -> bytes:
    title = document_title(road_map)
    doc = LandscapeDocument(title=title)
    doc.signatures(signature_rows(road_map))
    doc.blank()
    doc.centered(title, bold=True)
    if road_map.title and road_map.title not in title:
        doc.centered(road_map.title)
    doc.blank()
    if road_map.goal:
        doc.paragraph(_("Цель: %(goal)s") % {"goal": road_map.goal}, indent=False)
        doc.blank()
    doc.plan_table(
        [
            _("№"),
            _("Мероприятие"),
            _("Форма"),
            _("Сроки"),
            _("Участники"),
            _("Ответственные"),
            _("Отметка о выполнении"),
        ],
        [
            [
                str(row.number),
                row.line.title,
                _kind(row),
                row.month_text,
                row.line.audience,
                row.responsible_text,
                row.completion_mark,
            ]
            for row in _rows(road_map)
        ],
        widths=[1.0, 6.6, 3.2, 3.0, 3.8, 4.6, 4.0],
    )
    return doc.to_bytes()


XLSX_HEADER = (
    (gettext_lazy("№"), 5),
    (gettext_lazy("Мероприятие"), 50),
    (gettext_lazy("Форма"), 22),
    (gettext_lazy("Срок"), 16),
    (gettext_lazy("Участники"), 30),
    (gettext_lazy("Ответственные"), 40),
    (gettext_lazy("Состояние"), 16),
    (gettext_lazy("Причина"), 36),
    (gettext_lazy("Перенесено с"), 16),
)


def road_map_xlsx(road_map: RoadMap) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = _("Сетевой график")
    workbook.properties.title = document_title(road_map)
    workbook.properties.creator = "Методсеть"
    sheet.append([str(title) for title, _width in XLSX_HEADER])
    for row in _rows(road_map):
        line = row.line
        sheet.append(
            [
                row.number,
                line.title,
                _kind(row),
                row.month_text,
                line.audience,
                row.responsible_text,
                line.get_status_display(),
                line.status_reason,
                row.moved_from_month,
            ]
        )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.alignment = wrap
    for index, (_title, width) in enumerate(XLSX_HEADER, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(road_map: RoadMap, extension: str) -> str:
    return f"setevoy-grafik-{road_map.pk}-{road_map.academic_year.start_year}.{extension}"
