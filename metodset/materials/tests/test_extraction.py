"""Text extraction from every kind of file, on real sample files the tests build."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook
from pypdf import PageObject, PdfReader, PdfWriter

from metodset.materials.extraction import ExtractedText, extract_text
from metodset.materials.extraction.base import TextCollector, read_zip_member

# --- sample builders -------------------------------------------------------------------


def make_pdf(pages: list[list[str]]) -> bytes:
    """A valid PDF with one text line per string, its Cyrillic readable through /ToUnicode.

    Glyphs come from Helvetica and would print as Latin look-alikes; what matters here is
    that the byte codes map to the right Unicode characters, as in PDFs made by Word.
    """
    characters = sorted({char for page in pages for line in page for char in line} - {" "})
    codes = {" ": 0x20} | {char: 0x21 + index for index, char in enumerate(characters)}
    assert max(codes.values()) <= 0xFF
    mappings = [f"<{code:02X}> <{ord(char):04X}>" for char, code in codes.items()]
    blocks = []
    for start in range(0, len(mappings), 100):
        chunk = mappings[start : start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar")
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")

    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes) -> bytes:
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    catalog = add(b"")  # filled in below, once the page tree's number is known
    pages_id = add(b"")
    cmap_id = add(stream(cmap))
    font_id = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode %d 0 R >>" % cmap_id
    )
    page_ids = []
    for page in pages:
        content = b"BT /F1 12 Tf 14 TL 50 780 Td\n"
        for line in page:
            encoded = bytes(codes[char] for char in line).hex().upper().encode("ascii")
            content += b"<" + encoded + b"> Tj T*\n"
        content += b"ET"
        content_id = add(stream(content))
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, font_id, content_id)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    kids = b" ".join(b"%d 0 R" % page_id for page_id in page_ids)
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))

    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        output += b"%010d 00000 n \n" % offset
    output += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref_at,
    )
    return bytes(output)


def make_docx() -> bytes:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "МБОУ «Средняя школа № 3»"
    document.add_heading("Конспект урока литературы", level=1)
    document.add_paragraph("Тема: образ Татьяны Лариной в романе «Евгений Онегин».")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "Этап урока"
    table.cell(0, 1).text = "Деятельность учителя"
    table.cell(0, 2).text = "Время"
    table.cell(1, 0).text = "Организационный момент"
    table.cell(1, 1).text = "Приветствует учеников"
    table.cell(1, 2).text = "2 мин"
    merged = table.cell(2, 0).merge(table.cell(2, 1))
    merged.text = "Рефлексия учащихся"
    table.cell(2, 2).text = "5 мин"
    document.add_paragraph("Домашнее задание: выучить письмо Татьяны наизусть.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)


def make_odf(kind: str, body: str, *, content: str | None = None) -> bytes:
    """An OpenDocument package: stored mimetype first, manifest, content.xml."""
    mimetype = f"application/vnd.oasis.opendocument.{kind}"
    xml = content or (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-content {ODF_NAMESPACES} office:version="1.3">'
        f"<office:body>{body}</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", xml, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


ODT_BODY = (
    "<office:text>"
    "<text:h text:outline-level='1'>Сценарий праздника «Прощай, азбука!»</text:h>"
    "<text:p>Ведущий:<text:s text:c='3'/>Дорогие <text:span>ребята</text:span>!"
    "<text:tab/>Сегодня<text:line-break/>у нас праздник.</text:p>"
    "<text:p>Прочитайте стихотворение<office:annotation><dc:creator>Завуч</dc:creator>"
    "<text:p>Замечание рецензента</text:p></office:annotation> вместе.</text:p>"
    "<table:table table:name='План'><table:table-row>"
    "<table:table-cell><text:p>Песня</text:p></table:table-cell>"
    "<table:table-cell><text:p>Первоклассники</text:p></table:table-cell>"
    "</table:table-row></table:table>"
    "</office:text>"
)

ODP_BODY = (
    "<office:presentation>"
    "<draw:page draw:name='1'><draw:frame><draw:text-box>"
    "<text:p>Дроби и их свойства</text:p></draw:text-box></draw:frame></draw:page>"
    "<draw:page draw:name='2'><draw:frame><draw:text-box>"
    "<text:p>Сложение дробей с одинаковыми знаменателями</text:p>"
    "</draw:text-box></draw:frame></draw:page>"
    "</office:presentation>"
)

ODS_BODY = (
    "<office:spreadsheet><table:table table:name='Оценки'>"
    "<table:table-row><table:table-cell><text:p>Ученик</text:p></table:table-cell>"
    "<table:table-cell><text:p>Оценка</text:p></table:table-cell>"
    "<table:table-cell table:number-columns-repeated='16000'/></table:table-row>"
    "<table:table-row><table:table-cell><text:p>Смирнов Пётр</text:p></table:table-cell>"
    "<table:table-cell office:value-type='float' office:value='5'><text:p>5</text:p>"
    "</table:table-cell></table:table-row>"
    "</table:table></office:spreadsheet>"
)

PPTX_SLIDE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
    "<p:cSld><p:spTree><p:sp><p:txBody>{paragraphs}</p:txBody></p:sp></p:spTree></p:cSld>"
    "</p:sld>"
)


def make_pptx() -> bytes:
    """Two slides whose file names run against their order in presentation.xml."""
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    presentation = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        f'xmlns:r="{relationships}"><p:sldIdLst>'
        '<p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/>'
        "</p:sldIdLst></p:presentation>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId2" Type="{relationships}/slide" Target="slides/slide1.xml"/>'
        f'<Relationship Id="rId3" Type="{relationships}/slide" Target="slides/slide2.xml"/>'
        "</Relationships>"
    )
    first = PPTX_SLIDE.format(
        paragraphs="<a:p><a:r><a:t>Круговорот воды</a:t></a:r><a:r><a:t> в природе</a:t></a:r></a:p>"
    )
    second = PPTX_SLIDE.format(
        paragraphs="<a:p><a:r><a:t>Испарение</a:t></a:r><a:br/><a:r><a:t>Конденсация</a:t></a:r></a:p>"
        "<a:p><a:r><a:t>Осадки</a:t></a:r></a:p>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", presentation)
        archive.writestr("ppt/_rels/presentation.xml.rels", rels)
        archive.writestr("ppt/slides/slide1.xml", first)
        archive.writestr("ppt/slides/slide2.xml", second)
    return buffer.getvalue()


def make_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Журнал"
    sheet.append(["Ученик", "Оценка", "Дата"])
    sheet.append(["Кузнецова Ольга", 5, datetime.date(2026, 9, 1)])
    other = workbook.create_sheet("Итоги")
    other["A1"] = "Средний балл"
    other["B1"] = 4.5
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------


def test_pdf_text_with_cyrillic_from_every_page() -> None:
    """Each page's lines come out in order, Cyrillic included."""
    data = make_pdf([["Урок математики", "Тема: дроби"], ["Домашнее задание № 5"]])
    result = extract_text(io.BytesIO(data), "pdf")
    assert result == ExtractedText(
        text="Урок математики\nТема: дроби\nДомашнее задание № 5", pages=2, truncated=False
    )


def test_pdf_from_a_path(tmp_path: Path) -> None:
    """A path works as well as an open file."""
    path = tmp_path / "урок.pdf"
    path.write_bytes(make_pdf([["Физика, 7 класс"]]))
    assert extract_text(path, "pdf").text == "Физика, 7 класс"
    assert extract_text(str(path), "pdf").text == "Физика, 7 класс"


def test_pdf_with_a_user_password_gives_no_text_and_says_why() -> None:
    """A PDF that needs a password to open is not guessed at."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["Секретный текст"]]))))
    writer.encrypt(user_password="пароль", owner_password="владелец", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    result = extract_text(buffer, "pdf")
    assert result == ExtractedText(
        text="",
        pages=None,
        truncated=False,
        reason="PDF защищён паролем; текст из него не извлекается",
    )


def test_pdf_protected_only_against_editing_is_read() -> None:
    """An empty user password (only an owner password) still lets the text out."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["Открытый текст"]]))))
    writer.encrypt(user_password="", owner_password="владелец", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert extract_text(buffer, "pdf").text == "Открытый текст"


def test_pdf_page_that_fails_is_skipped_and_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """One broken page costs only its own text."""
    original = PageObject.extract_text
    calls = {"count": 0}

    def failing_second_page(page: PageObject, *args: object, **kwargs: object) -> str:
        calls["count"] += 1
        if calls["count"] == 2:
            raise ValueError("broken content stream")
        return original(page)

    monkeypatch.setattr(PageObject, "extract_text", failing_second_page)
    result = extract_text(io.BytesIO(make_pdf([["Первая"], ["Вторая"], ["Третья"]])), "pdf")
    assert result.text == "Первая\nТретья"
    assert result.pages == 3
    assert result.reason == "Текст 1 из 3 страниц PDF не извлёкся"


def test_damaged_pdf_gives_no_text_and_says_why() -> None:
    """Garbage after a PDF header is reported, not raised."""
    result = extract_text(io.BytesIO(b"%PDF-1.4\nnot a PDF at all"), "pdf")
    assert result.text == ""
    assert result.reason == "PDF повреждён; текст из него не извлекается"


# --- DOCX ------------------------------------------------------------------------------


def test_docx_paragraphs_tables_and_header_in_order() -> None:
    """Body in document order, a table row per line (merged cells once), the header last."""
    result = extract_text(io.BytesIO(make_docx()), "docx")
    assert result.text.splitlines() == [
        "Конспект урока литературы",
        "Тема: образ Татьяны Лариной в романе «Евгений Онегин».",
        "Этап урока\tДеятельность учителя\tВремя",
        "Организационный момент\tПриветствует учеников\t2 мин",
        "Рефлексия учащихся\t5 мин",
        "Домашнее задание: выучить письмо Татьяны наизусть.",
        "МБОУ «Средняя школа № 3»",
    ]
    assert result.pages is None
    assert not result.truncated


def test_damaged_docx_gives_no_text_and_says_why() -> None:
    """A ZIP that is not a Word document is reported, not raised."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "нет документа")
    result = extract_text(buffer, "docx")
    assert result == ExtractedText(
        text="",
        pages=None,
        truncated=False,
        reason="Файл DOCX повреждён; текст из него не извлекается",
    )


def test_long_text_is_cut_at_the_limit_and_marked_truncated() -> None:
    """Text beyond max_chars is dropped and `truncated` says so."""
    document = docx.Document()
    for number in range(100):
        document.add_paragraph(f"Абзац номер {number} о методике преподавания.")
    buffer = io.BytesIO()
    document.save(buffer)
    result = extract_text(buffer, "docx", max_chars=200)
    assert result.truncated
    assert len(result.text) == 200
    assert result.text.startswith("Абзац номер 0 о методике")


# --- OpenDocument ----------------------------------------------------------------------


def test_odt_whitespace_elements_tables_and_no_comments() -> None:
    """text:s, text:tab and text:line-break become spaces, tabs and breaks; comments are left out."""
    result = extract_text(io.BytesIO(make_odf("text", ODT_BODY)), "odt")
    assert result.text.splitlines() == [
        "Сценарий праздника «Прощай, азбука!»",
        "Ведущий:   Дорогие ребята!\tСегодня",
        "у нас праздник.",
        "Прочитайте стихотворение вместе.",
        "Песня\tПервоклассники",
    ]
    assert result.pages is None


def test_odp_slides_are_read_and_counted() -> None:
    """Each draw:page is a slide."""
    result = extract_text(io.BytesIO(make_odf("presentation", ODP_BODY)), "odp")
    assert result.text == "Дроби и их свойства\nСложение дробей с одинаковыми знаменателями"
    assert result.pages == 2


def test_ods_rows_become_lines_without_expanding_repeated_cells() -> None:
    """A row is one tab-separated line; 16,000 repeated empty cells cost nothing."""
    result = extract_text(io.BytesIO(make_odf("spreadsheet", ODS_BODY)), "ods")
    assert result.text == "Ученик\tОценка\nСмирнов Пётр\t5"


def test_odt_with_entity_expansion_is_refused_not_expanded() -> None:
    """A billion-laughs content.xml is refused by defusedxml; nothing is expanded."""
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        f"<office:document-content {ODF_NAMESPACES}><office:body><office:text>"
        "<text:p>&lol2;</text:p></office:text></office:body></office:document-content>"
    )
    result = extract_text(io.BytesIO(make_odf("text", "", content=bomb)), "odt")
    assert result == ExtractedText(
        text="",
        pages=None,
        truncated=False,
        reason="Файл OpenDocument повреждён; текст из него не извлекается",
    )


def test_zip_member_is_never_read_past_its_limit() -> None:
    """Whatever the directory declares, reading stops at the limit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", b"0" * 5000)
    with zipfile.ZipFile(buffer) as archive:
        assert read_zip_member(archive, "content.xml", limit=5000) == b"0" * 5000
        with pytest.raises(ValueError, match="larger than 1000"):
            read_zip_member(archive, "content.xml", limit=1000)


# --- PPTX and XLSX ---------------------------------------------------------------------


def test_pptx_slides_in_presentation_order_with_line_breaks() -> None:
    """Slides follow presentation.xml, not file names; runs join, a:br breaks the line."""
    result = extract_text(io.BytesIO(make_pptx()), "pptx")
    assert result.text == "Испарение\nКонденсация\nОсадки\nКруговорот воды в природе"
    assert result.pages == 2


def test_xlsx_sheet_names_and_cell_values() -> None:
    """Each sheet's title, then its rows, values separated by tabs."""
    result = extract_text(io.BytesIO(make_xlsx()), "xlsx")
    assert result.text.splitlines() == [
        "Журнал",
        "Ученик\tОценка\tДата",
        "Кузнецова Ольга\t5\t2026-09-01T00:00:00",
        "Итоги",
        "Средний балл\t4.5",
    ]


# --- kinds without text ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind_code", "reason"),
    [
        ("doc", "Текст из старого формата .doc не извлекается; сохраните файл как DOCX"),
        ("ppt", "Текст из старого формата .ppt не извлекается; сохраните файл как PPTX"),
        ("xls", "Текст из старого формата .xls не извлекается; сохраните файл как XLSX"),
        ("jpeg", "Из файлов этого типа текст не извлекается"),
        ("mp4", "Из файлов этого типа текст не извлекается"),
    ],
)
def test_kinds_without_extractable_text_say_why(kind_code: str, reason: str) -> None:
    """Old binary Office files, images and video give empty text and a reason."""
    result = extract_text(io.BytesIO(b"\xd0\xcf\x11\xe0"), kind_code)
    assert result == ExtractedText(text="", pages=None, truncated=False, reason=reason)


def test_unknown_kind_is_a_programming_error() -> None:
    """Only kinds decided by inspect_upload are accepted."""
    with pytest.raises(ValueError, match="exe"):
        extract_text(io.BytesIO(b"MZ"), "exe")


def test_collector_drops_blank_lines_and_stops_when_full() -> None:
    """Blank lines vanish; after the limit nothing more is added."""
    collector = TextCollector(12)
    collector.add("  ")
    collector.add("первая")
    collector.add("вторая строка")
    collector.add("третья")
    assert collector.text() == "первая\nвтора"
    assert len(collector.text()) == 12
    assert collector.truncated


def test_odt_nested_absurdly_deep_keeps_what_was_read() -> None:
    """A forged file nesting spans 5,000 deep does not crash the worker."""
    deep = "<text:span>" * 5000 + "глубоко" + "</text:span>" * 5000
    body = f"<office:text><text:p>Начало</text:p><text:p>{deep}</text:p></office:text>"
    result = extract_text(io.BytesIO(make_odf("text", body)), "odt")
    assert result.text == "Начало"
    assert result.reason == "Часть текста файла OpenDocument не извлеклась: файл повреждён"
