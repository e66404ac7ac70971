"""Uploads are checked by content: real type, size limits, and archive safety."""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from openpyxl import Workbook
from PIL import Image

from metodset.core.exceptions import DomainError
from metodset.core.uploads import (
    UploadKind,
    UploadRefused,
    format_size,
    inspect_upload,
    kind_label,
)

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
MP4 = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41" + b"\x00" * 64
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + b"\x00" * 64
MKV = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x88matroska" + b"\x00" * 64
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00" * 64


def _zip(entries: dict[str, bytes], *, stored: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            compression = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def _odf(kind: str) -> bytes:
    return _zip(
        {
            "mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(),
            "content.xml": b"<office:document-content/>",
        },
        stored=("mimetype",),
    )


def _ooxml(part: str) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", part: b"<x/>"})


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("План урока: сложение дробей.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Этап"
    table.cell(0, 1).text = "Время"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    workbook = Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _image(image_format: str, size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=image_format)
    return buffer.getvalue()


def _inspect(data: bytes, name: str) -> UploadKind:
    return inspect_upload(io.BytesIO(data), name=name)


def _refusal(data: bytes, name: str) -> str:
    with pytest.raises(UploadRefused) as caught:
        _inspect(data, name)
    assert isinstance(caught.value, DomainError)
    return caught.value.message


# --- accepted kinds --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data_factory", "code", "family", "mime_type", "label"),
    [
        ("урок.pdf", lambda: MINIMAL_PDF, "pdf", "document", "application/pdf", "Документ PDF"),
        (
            "план.docx",
            _docx,
            "docx",
            "document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Документ Word (DOCX)",
        ),
        (
            "слайды.pptx",
            lambda: _ooxml("ppt/presentation.xml"),
            "pptx",
            "presentation",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "Презентация PowerPoint (PPTX)",
        ),
        (
            "журнал.xlsx",
            _xlsx,
            "xlsx",
            "spreadsheet",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Таблица Excel (XLSX)",
        ),
        (
            "сценарий.odt",
            lambda: _odf("text"),
            "odt",
            "document",
            "application/vnd.oasis.opendocument.text",
            "Текстовый документ OpenDocument (ODT)",
        ),
        (
            "дроби.odp",
            lambda: _odf("presentation"),
            "odp",
            "presentation",
            "application/vnd.oasis.opendocument.presentation",
            "Презентация OpenDocument (ODP)",
        ),
        (
            "оценки.ods",
            lambda: _odf("spreadsheet"),
            "ods",
            "spreadsheet",
            "application/vnd.oasis.opendocument.spreadsheet",
            "Таблица OpenDocument (ODS)",
        ),
        (
            "старый.doc",
            lambda: OLE2,
            "doc",
            "document",
            "application/msword",
            "Документ Word 97–2003 (DOC)",
        ),
        (
            "старая.ppt",
            lambda: OLE2,
            "ppt",
            "presentation",
            "application/vnd.ms-powerpoint",
            "Презентация PowerPoint 97–2003 (PPT)",
        ),
        (
            "старая.xls",
            lambda: OLE2,
            "xls",
            "spreadsheet",
            "application/vnd.ms-excel",
            "Таблица Excel 97–2003 (XLS)",
        ),
        ("фото.JPG", lambda: _image("JPEG"), "jpeg", "image", "image/jpeg", "Изображение JPEG"),
        ("схема.png", lambda: _image("PNG"), "png", "image", "image/png", "Изображение PNG"),
        ("анимация.gif", lambda: _image("GIF"), "gif", "image", "image/gif", "Изображение GIF"),
        ("фото.webp", lambda: _image("WEBP"), "webp", "image", "image/webp", "Изображение WebP"),
        ("урок.mp4", lambda: MP4, "mp4", "video", "video/mp4", "Видео MP4"),
        ("урок.webm", lambda: WEBM, "webm", "video", "video/webm", "Видео WebM"),
        (
            "материалы.zip",
            lambda: _zip({"урок/план.txt": "План".encode()}),
            "zip",
            "archive",
            "application/zip",
            "Архив ZIP",
        ),
    ],
)
def test_accepted_kinds_are_recognized_by_content(
    name: str,
    data_factory: object,
    code: str,
    family: str,
    mime_type: str,
    label: str,
) -> None:
    """Every accepted kind is told by its bytes, with its family, MIME type and label."""
    assert callable(data_factory)
    kind = _inspect(data_factory(), name)
    assert kind == UploadKind(code=code, family=family, mime_type=mime_type, label=label)
    assert kind_label(kind) == label


def test_a_png_named_jpg_is_accepted_as_what_it_is() -> None:
    """Interchangeable kinds (images, DOC/DOCX) follow the content, not the name."""
    assert _inspect(_image("PNG"), "фото.jpg").code == "png"
    assert _inspect(_docx(), "план.doc").code == "docx"


def test_works_on_django_uploaded_files_and_leaves_them_rewound() -> None:
    """In-memory and temporary uploads both work, and the next reader starts at byte 0."""
    data = _docx()
    in_memory = SimpleUploadedFile("план.docx", data)
    assert inspect_upload(in_memory, name="план.docx").code == "docx"
    assert in_memory.read() == data

    temporary = TemporaryUploadedFile("урок.mp4", "video/mp4", len(MP4), None)
    temporary.write(MP4)
    temporary.seek(0)
    try:
        assert inspect_upload(temporary, name="урок.mp4").code == "mp4"
        assert temporary.tell() == 0
    finally:
        temporary.close()


# --- refused content -------------------------------------------------------------------


def test_docx_that_is_really_an_exe_is_refused() -> None:
    """An executable renamed to .docx is named for what it is."""
    assert _refusal(EXE, "план.docx") == (
        "Файл «план.docx» — не документ Word: по содержимому это исполняемый файл Windows."
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            MINIMAL_PDF,
            "отчёт.docx",
            "Файл «отчёт.docx» — не документ Word: по содержимому это документ PDF.",
        ),
        (
            _zip({"a.txt": b"a"}),
            "план.docx",
            "Файл «план.docx» — не документ Word: по содержимому это архив ZIP.",
        ),
        (
            MKV,
            "урок.webm",
            "Файл «урок.webm» — не видео WebM: по содержимому это видео Matroska (MKV).",
        ),
        (
            MOV,
            "урок.mp4",
            "Файл «урок.mp4» — не видео MP4: по содержимому это видео QuickTime (MOV).",
        ),
        (
            b"\x7fELF\x02\x01\x01" + b"\x00" * 50,
            "фото.jpg",
            "Файл «фото.jpg» — не изображение JPEG: по содержимому это исполняемый файл Linux.",
        ),
        (
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "урок.pdf",
            "Файл «урок.pdf» — не документ PDF: по содержимому это веб-страница или XML.",
        ),
        (
            OLE2,
            "урок.pdf",
            "Файл «урок.pdf» — не документ PDF: по содержимому это документ Word.",
        ),
        (
            b"just some text, nothing more",
            "урок.odt",
            "Файл «урок.odt» — не текстовый документ OpenDocument: его содержимое не похоже "
            "ни на один из форматов, которые можно загрузить.",
        ),
        (
            _image("PNG"),
            "урок.pdf",
            "Файл «урок.pdf» — не документ PDF: по содержимому это изображение PNG.",
        ),
    ],
)
def test_content_of_another_kind_is_refused(data: bytes, name: str, message: str) -> None:
    """The extension promises one kind; different content is refused with what it is."""
    assert _refusal(data, name) == message


def test_unknown_extension_is_refused_with_the_accepted_list() -> None:
    """Only listed extensions are taken, even when the content would pass."""
    assert _refusal(MINIMAL_PDF, "вирус.exe") == (
        "Файл «вирус.exe» не принят: файлы с расширением «.exe» загружать нельзя. "
        "Можно загрузить документы (PDF, DOCX, DOC, ODT), презентации (PPTX, PPT, ODP), "
        "таблицы (XLSX, XLS, ODS), изображения (JPEG, PNG, GIF, WebP), видео (MP4, WebM) "
        "и архивы ZIP."
    )
    assert _refusal(MINIMAL_PDF, "README").startswith(
        "Файл «README» не принят: у его имени нет расширения. Можно загрузить документы"
    )


def test_empty_file_is_refused() -> None:
    """Zero bytes are nothing to publish."""
    assert _refusal(b"", "пусто.pdf") == "Файл «пусто.pdf» пуст."


def test_broken_zip_is_refused() -> None:
    """A ZIP signature without a readable directory is reported as damaged."""
    assert _refusal(b"PK\x03\x04" + b"\x00" * 100, "план.docx") == (
        "Файл «план.docx» повреждён: его архивная структура не читается."
    )


def test_broken_image_is_refused() -> None:
    """A JPEG signature followed by garbage does not open."""
    assert _refusal(b"\xff\xd8\xff\xe0" + b"\x00" * 100, "фото.jpg") == (
        "Файл «фото.jpg» повреждён: изображение не открывается."
    )


def test_image_with_too_many_pixels_is_refused() -> None:
    """A small file that decodes to a gigantic bitmap is refused before decoding."""
    # Only the header: Pillow reads the size from IHDR without decoding anything.
    header = struct.pack(">IIBBBBB", 20_000, 6_000, 8, 2, 0, 0, 0)
    ihdr = struct.pack(">I", len(header)) + b"IHDR" + header
    ihdr += struct.pack(">I", zlib.crc32(b"IHDR" + header))
    data = b"\x89PNG\r\n\x1a\n" + ihdr + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    assert _refusal(data, "карта.png") == (
        "Файл «карта.png» не принят: в изображении больше 100 миллионов точек; уменьшите его."
    )


# --- sizes -----------------------------------------------------------------------------


def test_oversize_document_is_refused(settings: Any) -> None:
    """UPLOAD_MAX_BYTES limits documents, images and archives."""
    settings.UPLOAD_MAX_BYTES = 1024
    assert _inspect(MINIMAL_PDF, "урок.pdf").code == "pdf"
    data = MINIMAL_PDF + b"%" + b"x" * 2048
    assert _refusal(data, "урок.pdf") == (
        "Файл «урок.pdf» больше 1 КБ — это предел для одного файла; "
        "уменьшите файл или разделите его на части."
    )


def test_video_has_its_own_larger_limit(settings: Any) -> None:
    """A video past UPLOAD_MAX_BYTES passes while under UPLOAD_VIDEO_MAX_BYTES."""
    settings.UPLOAD_MAX_BYTES = 100
    settings.UPLOAD_VIDEO_MAX_BYTES = 1024 * 1024
    video = MP4 + b"\x00" * 1000
    assert _inspect(video, "урок.mp4").code == "mp4"
    settings.UPLOAD_VIDEO_MAX_BYTES = 500
    assert _refusal(video, "урок.mp4") == (
        "Файл «урок.mp4» больше 500 байт — это предел для видео; "
        "сожмите видео или загрузите его на видеохостинг и дайте ссылку."
    )


def test_default_limits_are_50_and_200_megabytes() -> None:
    """Without settings the limits are the issue's defaults."""
    from metodset.core.uploads import KINDS, upload_limit

    assert upload_limit(KINDS["pdf"]) == 50 * 1024 * 1024
    assert upload_limit(KINDS["webm"]) == 200 * 1024 * 1024
    assert format_size(50 * 1024 * 1024) == "50 МБ"
    assert format_size(1536 * 1024) == "1,5 МБ"


def test_size_is_read_without_reading_the_file() -> None:
    """A big upload is measured by seeking, and only its header is read."""

    class CountingFile(io.BytesIO):
        read_bytes = 0

        def read(self, size: int | None = -1, /) -> bytes:
            data = super().read(size)
            CountingFile.read_bytes += len(data)
            return data

    big_video = CountingFile(MP4 + b"\x00" * (5 * 1024 * 1024))
    assert inspect_upload(big_video, name="урок.mp4").code == "mp4"
    assert CountingFile.read_bytes <= 4096


# --- archives --------------------------------------------------------------------------


def test_zip_bomb_is_refused() -> None:
    """One entry of zeros compressed beyond 200:1 is refused before anything unpacks it."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("zeros.bin", "w", force_zip64=True) as entry,
    ):
        chunk = b"\x00" * (1024 * 1024)
        for _ in range(20):
            entry.write(chunk)
    assert len(buffer.getvalue()) < 100_000
    assert _refusal(buffer.getvalue(), "архив.zip") == (
        "Файл «архив.zip» не принят: элемент архива «zeros.bin» сжат подозрительно сильно "
        "(так устроены «zip-бомбы»)."
    )


def test_document_that_is_a_zip_bomb_is_refused() -> None:
    """OOXML files are ZIPs too and get the same checks."""
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * (5 * 1024 * 1024)})
    assert _refusal(data, "план.docx") == (
        "Файл «план.docx» не принят: элемент архива «word/document.xml» сжат подозрительно "
        "сильно (так устроены «zip-бомбы»)."
    )


def test_zip_whose_unpacked_size_is_too_big_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """The declared sizes of all entries together are capped."""
    monkeypatch.setattr("metodset.core.uploads.ZIP_MAX_TOTAL_BYTES", 1000)
    data = _zip({"a.txt": b"a" * 600, "b.txt": b"b" * 600})
    assert _refusal(data, "архив.zip") == (
        "Файл «архив.zip» не принят: в распакованном виде архив больше 1000 байт."
    )


def test_zip_with_too_many_entries_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """More entries than the limit are refused."""
    monkeypatch.setattr("metodset.core.uploads.ZIP_MAX_ENTRIES", 3)
    data = _zip({f"{number}.txt": b"x" for number in range(4)})
    assert _refusal(data, "архив.zip") == (
        "Файл «архив.zip» не принят: в архиве больше 3 элементов."
    )


@pytest.mark.parametrize(
    "entry", ["../../etc/passwd", "урок/../../выход.txt", "/etc/cron.d/job", "C:/Windows/a.dll"]
)
def test_zip_with_an_escaping_path_is_refused(entry: str) -> None:
    """Absolute and parent-directory paths would write outside the unpack folder."""
    assert _refusal(_zip({entry: b"x"}), "архив.zip") == (
        f"Файл «архив.zip» не принят: в архиве есть элемент с опасным путём «{entry}»."
    )


def test_zip_with_a_symbolic_link_is_refused() -> None:
    """A symlink entry could point anywhere once unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("ссылка")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert _refusal(buffer.getvalue(), "архив.zip") == (
        "Файл «архив.zip» не принят: в архиве есть элемент с опасным путём «ссылка»."
    )
