"""The protocol of an РМС session (протокол заседания районного методического совета) as
DOCX: who was present, the agenda, «Слушали / Решили» for each product, the signatures of
the chair and the secretary, and the results as a table in a landscape appendix.

The protocol is the department's document: it names the author even when the expertise
was blind. It prints its items (`ProtocolItem`), the decisions as they stood when the
protocol was drawn up, so a product returned for revision and recommended later keeps
«на доработку» in the earlier protocol.
"""

import datetime
from collections.abc import Sequence

from django.utils import dateformat
from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from metodset.accounts.models import Organization, User
from metodset.documents.docx import OfficialDocument
from metodset.expertise import selectors
from metodset.expertise.models import Protocol


def long_date(day: datetime.date) -> str:
    """«05» марта 2026 г."""
    return _("«%(day)s» %(month)s %(year)s г.") % {
        "day": f"{day.day:02d}",
        "month": dateformat.format(day, "E"),
        "year": day.year,
    }


def department_name(protocol: Protocol) -> str:
    """The district's education department, whose council the РМС is."""
    department = (
        Organization.objects.filter(
            district_id=protocol.district_id, kind__is_education_authority=True
        )
        .order_by("pk")
        .first()
    )
    return department.name if department else protocol.district.name


def members_of(protocol: Protocol) -> list[User]:
    return list(protocol.members.order_by("last_name", "first_name", "patronymic", "pk"))


class ProtocolDocument(OfficialDocument):
    def landscape_section(self) -> None:
        """A new page in landscape A4 for a wide table (an appendix)."""
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.left_margin, section.right_margin = Cm(2), Cm(1.5)
        section.top_margin = section.bottom_margin = Cm(1.5)

    def grid(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
    ) -> None:
        """A table in 12 pt whose header row repeats on every page."""
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

    def labelled(self, label: str, text: str) -> None:
        """«Председатель: …» with the label in bold."""
        paragraph = self.document.add_paragraph()
        paragraph.add_run(label).bold = True
        paragraph.add_run(f" {text}")


def _signature(name: str) -> str:
    return f"_______________ / {name} /"


def protocol_docx(protocol: Protocol) -> bytes:
    items = selectors.items_of(protocol)
    members = members_of(protocol)
    number = protocol.number
    day = long_date(protocol.held_on)
    title = _("Протокол № %(number)s заседания районного методического совета") % {"number": number}
    doc = ProtocolDocument(title=title)
    doc.centered(department_name(protocol), bold=True)
    doc.blank()
    doc.centered(_("ПРОТОКОЛ № %(number)s") % {"number": number}, bold=True, size=16)
    doc.centered(_("заседания районного методического совета"), bold=True)
    doc.blank()
    doc.line(day, protocol.district.name)
    doc.blank()
    doc.labelled(_("Председатель:"), protocol.chair)
    doc.labelled(_("Секретарь:"), protocol.secretary)
    doc.labelled(
        _("Присутствовали:"),
        (
            _("%(count)s чел. — %(names)s.")
            % {"count": len(members), "names": ", ".join(m.full_name for m in members)}
        )
        if members
        else "—",
    )
    doc.blank()
    doc.paragraph(_("ПОВЕСТКА ДНЯ:"), bold=True, indent=False)
    doc.paragraph(_("1. Экспертиза методических продуктов."))
    doc.blank()
    doc.paragraph(_("СЛУШАЛИ:"), bold=True, indent=False)
    doc.paragraph(
        _(
            "О результатах экспертизы методических продуктов педагогов района "
            "(%(count)s): заключения экспертов районного методического совета и средний балл "
            "по критериям экспертизы (приложение к протоколу)."
        )
        % {"count": len(items)}
    )
    doc.blank()
    doc.paragraph(_("РЕШИЛИ:"), bold=True, indent=False)
    for item in items:
        material = item.submission.material
        text = _(
            "%(n)s. Методический продукт «%(title)s» (%(type)s), автор — %(author)s, "
            "%(organization)s; цель экспертизы — %(purpose)s; средний балл — %(average)s: "
            "%(decision)s."
        ) % {
            "n": item.position,
            "title": material.title,
            "type": material.type.name,
            "author": material.author.full_name,
            "organization": material.organization.short_name,
            "purpose": item.purpose_label,
            "average": item.average_text,
            "decision": item.decision_label,
        }
        if item.comment:
            text += " " + _("Замечания: %(remarks)s") % {"remarks": item.comment}
        doc.paragraph(text)
    doc.blank()
    doc.blank()
    doc.line(_("Председатель"), _signature(protocol.chair))
    doc.blank()
    doc.line(_("Секретарь"), _signature(protocol.secretary))
    doc.landscape_section()
    doc.centered(
        _("Приложение к протоколу № %(number)s от %(date)s") % {"number": number, "date": day}
    )
    doc.blank()
    doc.centered(_("Результаты экспертизы методических продуктов"), bold=True)
    doc.blank()
    doc.grid(
        [
            _("№"),
            _("Автор"),
            _("Организация"),
            _("Название продукта"),
            _("Цель экспертизы"),
            _("Средний балл"),
            _("Решение"),
            _("Замечания"),
        ],
        [
            [
                str(item.position),
                item.submission.material.author.full_name,
                item.submission.material.organization.short_name,
                item.submission.material.title,
                item.purpose_label,
                item.average_text,
                item.decision_label,
                item.comment,
            ]
            for item in items
        ],
        widths=[0.9, 3.4, 3.0, 4.6, 3.3, 2.3, 3.6, 5.1],
    )
    return doc.to_bytes()


def filename(protocol: Protocol) -> str:
    number = "".join(c if c.isascii() and c.isalnum() else "-" for c in protocol.number) or str(
        protocol.pk
    )
    return f"protokol-rms-{number}-{protocol.held_on:%Y-%m-%d}.docx"
