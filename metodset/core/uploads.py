"""Checking an uploaded file by its content, not by the name its sender gave it.

`inspect_upload` reads the first few kilobytes (and, for ZIP-based files, the central
directory) and never the whole file, so a 200 MB video costs a few reads. Anything it
cannot vouch for is refused with `UploadRefused`, a whole Russian sentence naming the file.
"""

from __future__ import annotations

import posixpath
import stat
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO, Final

from django.conf import settings
from django.utils.translation import gettext as _

from metodset.core.exceptions import DomainError

HEADER_BYTES: Final = 4096
DEFAULT_MAX_BYTES: Final = 50 * 1024 * 1024
DEFAULT_VIDEO_MAX_BYTES: Final = 200 * 1024 * 1024
ZIP_MAX_ENTRIES: Final = 10_000
ZIP_MAX_TOTAL_BYTES: Final = 500 * 1024 * 1024
# Deflate reaches about 1000:1 on zeros; real documents stay far below 200:1, and small
# entries (under 1 MB) cannot hurt whatever their ratio.
ZIP_MAX_RATIO: Final = 200
ZIP_RATIO_MIN_BYTES: Final = 1024 * 1024
# Pillow's own bomb guard starts at about 89 megapixels; a school photo is 12 to 50.
IMAGE_MAX_PIXELS: Final = 100_000_000
ODF_MIMETYPE_MAX_BYTES: Final = 200

FAMILIES: Final = ("document", "presentation", "spreadsheet", "image", "video", "archive")


class UploadRefused(DomainError):  # noqa: N818 -- a refusal the user caused, named as the issue names it.
    """The uploaded file is refused; `message` names the file and the reason."""


@dataclass(frozen=True)
class UploadKind:
    """What an uploaded file really is, as decided from its content."""

    code: str
    family: str
    mime_type: str
    label: str

    @property
    def is_video(self) -> bool:
        return self.family == "video"


def _kind(code: str, family: str, mime_type: str, label: str) -> UploadKind:
    return UploadKind(code=code, family=family, mime_type=mime_type, label=label)


_OOXML = "application/vnd.openxmlformats-officedocument"
_ODF = "application/vnd.oasis.opendocument"

# Labels are translated when shown (`kind_label`), so they are plain strings here.
KINDS: Final[dict[str, UploadKind]] = {
    kind.code: kind
    for kind in (
        _kind("pdf", "document", "application/pdf", "Документ PDF"),
        _kind("docx", "document", f"{_OOXML}.wordprocessingml.document", "Документ Word (DOCX)"),
        _kind("doc", "document", "application/msword", "Документ Word 97–2003 (DOC)"),
        _kind("odt", "document", f"{_ODF}.text", "Текстовый документ OpenDocument (ODT)"),
        _kind(
            "pptx",
            "presentation",
            f"{_OOXML}.presentationml.presentation",
            "Презентация PowerPoint (PPTX)",
        ),
        _kind(
            "ppt",
            "presentation",
            "application/vnd.ms-powerpoint",
            "Презентация PowerPoint 97–2003 (PPT)",
        ),
        _kind("odp", "presentation", f"{_ODF}.presentation", "Презентация OpenDocument (ODP)"),
        _kind("xlsx", "spreadsheet", f"{_OOXML}.spreadsheetml.sheet", "Таблица Excel (XLSX)"),
        _kind("xls", "spreadsheet", "application/vnd.ms-excel", "Таблица Excel 97–2003 (XLS)"),
        _kind("ods", "spreadsheet", f"{_ODF}.spreadsheet", "Таблица OpenDocument (ODS)"),
        _kind("jpeg", "image", "image/jpeg", "Изображение JPEG"),
        _kind("png", "image", "image/png", "Изображение PNG"),
        _kind("gif", "image", "image/gif", "Изображение GIF"),
        _kind("webp", "image", "image/webp", "Изображение WebP"),
        _kind("mp4", "video", "video/mp4", "Видео MP4"),
        _kind("webm", "video", "video/webm", "Видео WebM"),
        _kind("zip", "archive", "application/zip", "Архив ZIP"),
    )
}

# What a file's extension promises, in the words of «Файл «…» — не <noun>: …».
EXTENSIONS: Final[dict[str, str]] = {
    "pdf": "pdf",
    "docx": "docx",
    "doc": "doc",
    "odt": "odt",
    "pptx": "pptx",
    "ppt": "ppt",
    "odp": "odp",
    "xlsx": "xlsx",
    "xls": "xls",
    "ods": "ods",
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "png": "png",
    "gif": "gif",
    "webp": "webp",
    "mp4": "mp4",
    "m4v": "mp4",
    "webm": "webm",
    "zip": "zip",
}

_LEGACY_OFFICE: Final = {"document": "doc", "presentation": "ppt", "spreadsheet": "xls"}
# Content and extension may differ inside these pairs: Word, PowerPoint and Excel open
# either format whatever the name says, and every browser shows any of the images.
_INTERCHANGEABLE: Final = (
    frozenset({"doc", "docx"}),
    frozenset({"ppt", "pptx"}),
    frozenset({"xls", "xlsx"}),
    frozenset({"jpeg", "png", "gif", "webp"}),
)


def _noun(code: str) -> str:
    """The lower-case noun for a kind («документ Word»), used inside sentences."""
    nouns = {
        "pdf": _("документ PDF"),
        "docx": _("документ Word"),
        "doc": _("документ Word"),
        "odt": _("текстовый документ OpenDocument"),
        "pptx": _("презентация PowerPoint"),
        "ppt": _("презентация PowerPoint"),
        "odp": _("презентация OpenDocument"),
        "xlsx": _("таблица Excel"),
        "xls": _("таблица Excel"),
        "ods": _("таблица OpenDocument"),
        "jpeg": _("изображение JPEG"),
        "png": _("изображение PNG"),
        "gif": _("изображение GIF"),
        "webp": _("изображение WebP"),
        "mp4": _("видео MP4"),
        "webm": _("видео WebM"),
        "zip": _("архив ZIP"),
    }
    return nouns[code]


def kind_label(kind: UploadKind) -> str:
    """The translated label of a kind, e.g. «Документ Word (DOCX)»."""
    return _(kind.label)


def upload_limit(kind: UploadKind) -> int:
    """The size limit in bytes for this kind, from settings (video has its own)."""
    if kind.is_video:
        return int(getattr(settings, "UPLOAD_VIDEO_MAX_BYTES", DEFAULT_VIDEO_MAX_BYTES))
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def format_size(size: int) -> str:
    """A size for people: «50 МБ», «1,5 МБ», «200 КБ», «100 байт»."""
    for unit_bytes, unit in (
        (1024 * 1024 * 1024, _("ГБ")),
        (1024 * 1024, _("МБ")),
        (1024, _("КБ")),
    ):
        if size >= unit_bytes:
            value = f"{size / unit_bytes:.1f}".removesuffix(".0").replace(".", ",")
            return f"{value} {unit}"
    return _("%(size)d байт") % {"size": size}


def inspect_upload(file: IO[bytes], *, name: str) -> UploadKind:
    """Decide what `file` really is and refuse it unless it is what `name` promises.

    Works on Django's `UploadedFile` and on any seekable binary file; leaves the file
    positioned at its start.
    """
    extension = posixpath.splitext(name.replace("\\", "/"))[1].lower().lstrip(".")
    expected_code = EXTENSIONS.get(extension)
    if expected_code is None:
        raise UploadRefused(_refusal_for_extension(name, extension))
    expected = KINDS[expected_code]

    size = _size_of(file)
    if size == 0:
        raise UploadRefused(_("Файл «%(name)s» пуст.") % {"name": name})
    file.seek(0)
    header = file.read(HEADER_BYTES)
    file.seek(0)

    kind = _detect(file, header, name=name, expected=expected)
    if kind is None:
        foreign = _describe_foreign(header)
        if foreign is None:
            message = _(
                "Файл «%(name)s» — не %(expected)s: его содержимое не похоже "
                "ни на один из форматов, которые можно загрузить."
            )
            raise UploadRefused(message % {"name": name, "expected": _noun(expected.code)})
        raise UploadRefused(_mismatch(name, expected, foreign))
    if not _is_compatible(expected, kind):
        raise UploadRefused(_mismatch(name, expected, _noun(kind.code)))

    limit = upload_limit(kind)
    if size > limit:
        if kind.is_video:
            message = _(
                "Файл «%(name)s» больше %(limit)s — это предел для видео; "
                "сожмите видео или загрузите его на видеохостинг и дайте ссылку."
            )
        else:
            message = _(
                "Файл «%(name)s» больше %(limit)s — это предел для одного файла; "
                "уменьшите файл или разделите его на части."
            )
        raise UploadRefused(message % {"name": name, "limit": format_size(limit)})
    if kind.family == "image":
        _check_image(file, name=name)
    file.seek(0)
    return kind


def _refusal_for_extension(name: str, extension: str) -> str:
    accepted = _(
        "Можно загрузить документы (PDF, DOCX, DOC, ODT), презентации (PPTX, PPT, ODP), "
        "таблицы (XLSX, XLS, ODS), изображения (JPEG, PNG, GIF, WebP), "
        "видео (MP4, WebM) и архивы ZIP."
    )
    if not extension:
        message = _("Файл «%(name)s» не принят: у его имени нет расширения. %(accepted)s")
        return message % {"name": name, "accepted": accepted}
    message = _(
        "Файл «%(name)s» не принят: файлы с расширением «.%(extension)s» загружать нельзя. "
        "%(accepted)s"
    )
    return message % {"name": name, "extension": extension, "accepted": accepted}


def _is_compatible(expected: UploadKind, kind: UploadKind) -> bool:
    """Content may stand for the extension: the same kind, or an interchangeable one."""
    if kind.code == expected.code:
        return True
    return any({kind.code, expected.code} <= pair for pair in _INTERCHANGEABLE)


def _mismatch(name: str, expected: UploadKind, actual: str) -> str:
    message = _("Файл «%(name)s» — не %(expected)s: по содержимому это %(actual)s.")
    return message % {"name": name, "expected": _noun(expected.code), "actual": actual}


def _size_of(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    file.seek(0, 2)
    end = file.tell()
    file.seek(0)
    return end


def _detect(
    file: IO[bytes], header: bytes, *, name: str, expected: UploadKind
) -> UploadKind | None:
    """The accepted kind the content shows, or None when it is none of them."""
    if b"%PDF-" in header[:1024]:
        return KINDS["pdf"]
    if header.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # DOC, PPT and XLS share the OLE2 container (so do password-protected DOCX and
        # friends); the extension's family picks among the three.
        legacy = _LEGACY_OFFICE.get(expected.family)
        return KINDS[legacy] if legacy else None
    if header.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _detect_zip(file, name=name)
    if header.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if header.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if header.startswith((b"GIF87a", b"GIF89a")):
        return KINDS["gif"]
    if header[:4] == b"RIFF" and header[8:12] == b"WEBP":
        return KINDS["webp"]
    if header[4:8] == b"ftyp" and header[8:12] not in _FOREIGN_FTYP_BRANDS:
        return KINDS["mp4"]
    if header.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in header[:64]:
        return KINDS["webm"]
    return None


_FOREIGN_FTYP_BRANDS: Final = {
    b"qt  ",
    b"heic",
    b"heix",
    b"mif1",
    b"msf1",
    b"avif",
    b"M4A ",
    b"M4B ",
    b"crx ",
}


def _describe_foreign(header: bytes) -> str | None:
    """Name a recognizable but refused content («исполняемый файл Windows»), else None."""
    if header.startswith(b"MZ"):
        return _("исполняемый файл Windows")
    if header.startswith(b"\x7fELF"):
        return _("исполняемый файл Linux")
    if header.startswith((b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")):
        return _("исполняемый файл macOS")
    if header.startswith(b"#!"):
        return _("сценарий (программа)")
    if header.startswith(b"Rar!\x1a\x07"):
        return _("архив RAR")
    if header.startswith(b"7z\xbc\xaf\x27\x1c"):
        return _("архив 7-Zip")
    if header.startswith(b"\x1f\x8b"):
        return _("архив GZIP")
    if header[4:8] == b"ftyp":
        brand = header[8:12]
        if brand == b"qt  ":
            return _("видео QuickTime (MOV)")
        if brand in {b"M4A ", b"M4B "}:
            return _("аудиозапись M4A")
        return _("изображение HEIC или AVIF")
    if header.startswith(b"\x1a\x45\xdf\xa3"):
        return _("видео Matroska (MKV)")
    if header.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _("файл Microsoft Office старого формата или установщик Windows")
    if header.startswith(b"{\\rtf"):
        return _("документ RTF")
    lowered = header[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")):
        return _("веб-страница или XML")
    return None


def _detect_zip(file: IO[bytes], *, name: str) -> UploadKind:
    """Tell DOCX/PPTX/XLSX, ODT/ODP/ODS and a plain ZIP apart, after the bomb checks."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        message = _("Файл «%(name)s» повреждён: его архивная структура не читается.")
        raise UploadRefused(message % {"name": name}) from error
    with archive:
        entries = archive.infolist()
        _check_zip_entries(entries, name=name)
        names = {entry.filename for entry in entries}
        if "mimetype" in names:
            mimetype_entry = archive.getinfo("mimetype")
            if mimetype_entry.file_size <= ODF_MIMETYPE_MAX_BYTES:
                try:
                    with archive.open(mimetype_entry) as stream:
                        mimetype = stream.read(ODF_MIMETYPE_MAX_BYTES).decode("ascii").strip()
                except (zipfile.BadZipFile, OSError, UnicodeDecodeError, RuntimeError):
                    mimetype = ""
                for code in ("odt", "odp", "ods"):
                    if mimetype == KINDS[code].mime_type:
                        return KINDS[code]
        if "[Content_Types].xml" in names:
            for prefix, code in (("word/", "docx"), ("ppt/", "pptx"), ("xl/", "xlsx")):
                if any(entry_name.startswith(prefix) for entry_name in names):
                    return KINDS[code]
    return KINDS["zip"]


def _check_zip_entries(entries: list[zipfile.ZipInfo], *, name: str) -> None:
    """Refuse archives that would hurt whoever unpacks them: bombs and escaping paths.

    The sizes are those the central directory declares; whoever later decompresses an
    entry must still cap what it reads, since a forged directory can lie.
    """
    if len(entries) > ZIP_MAX_ENTRIES:
        message = _("Файл «%(name)s» не принят: в архиве больше %(limit)d элементов.")
        raise UploadRefused(message % {"name": name, "limit": ZIP_MAX_ENTRIES})
    total = 0
    for entry in entries:
        if _is_dangerous_path(entry):
            message = _(
                "Файл «%(name)s» не принят: в архиве есть элемент с опасным путём «%(entry)s»."
            )
            raise UploadRefused(message % {"name": name, "entry": entry.filename})
        total += entry.file_size
        if total > ZIP_MAX_TOTAL_BYTES:
            message = _("Файл «%(name)s» не принят: в распакованном виде архив больше %(limit)s.")
            raise UploadRefused(message % {"name": name, "limit": format_size(ZIP_MAX_TOTAL_BYTES)})
        if entry.file_size > ZIP_RATIO_MIN_BYTES and entry.file_size > ZIP_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            message = _(
                "Файл «%(name)s» не принят: элемент архива «%(entry)s» сжат подозрительно "
                "сильно (так устроены «zip-бомбы»)."
            )
            raise UploadRefused(message % {"name": name, "entry": entry.filename})


def _is_dangerous_path(entry: zipfile.ZipInfo) -> bool:
    path = entry.filename.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return True
    if ".." in path.split("/"):
        return True
    # A symbolic link could point anywhere once unpacked.
    return stat.S_ISLNK(entry.external_attr >> 16)


def _check_image(file: IO[bytes], *, name: str) -> None:
    """Refuse images that do not open or that would decompress to a huge bitmap."""
    # Imported here: only images need Pillow, and it is slow to import.
    from PIL import Image, UnidentifiedImageError

    file.seek(0)
    too_large = _(
        "Файл «%(name)s» не принят: в изображении больше %(limit)d миллионов точек; уменьшите его."
    ) % {"name": name, "limit": IMAGE_MAX_PIXELS // 1_000_000}
    try:
        # The pixel count is judged below; Pillow's own warning would only be noise.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
    except Image.DecompressionBombError as error:
        raise UploadRefused(too_large) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        message = _("Файл «%(name)s» повреждён: изображение не открывается.")
        raise UploadRefused(message % {"name": name}) from error
    if width * height > IMAGE_MAX_PIXELS:
        raise UploadRefused(too_large)
