"""Question files teachers already have — GIFT, Moodle XML, Aiken, an Excel sheet — read
and written.

Pure Python, no Django: `parse` turns a file into items and errors (each with its line or
element and a Russian reason) and saves nothing, so the import can preview what it found
and save on the teacher's confirmation; `write` turns items into a file. Each format is
its own module with the same two verbs; `items` holds what they share. XLSX is bytes both
ways; the text formats are decoded as teachers' editors save them.
"""

from collections.abc import Callable, Iterable

from .aiken import parse_aiken, write_aiken
from .gift import parse_gift, write_gift
from .items import Item, ItemType, ParseError, ParseResult
from .moodlexml import parse_moodle_xml, write_moodle_xml
from .xlsx import parse_xlsx, write_xlsx, xlsx_template

FORMATS = ("gift", "moodlexml", "aiken", "xlsx")

__all__ = [
    "FORMATS",
    "Item",
    "ItemType",
    "ParseError",
    "ParseResult",
    "decode_text",
    "parse",
    "write",
    "xlsx_template",
]


def decode_text(data: bytes) -> str:
    """A text file as teachers save it: UTF-8 (with or without BOM), UTF-16, or Windows-1251."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def parse(data: bytes | str, format: str) -> ParseResult:
    """Read a file in one of FORMATS; nothing is saved."""
    if format == "moodlexml":
        return parse_moodle_xml(data.encode("utf-8") if isinstance(data, str) else data)
    if format == "xlsx":
        if not isinstance(data, bytes):
            raise ValueError("an XLSX file is read from its bytes, not from text")
        return parse_xlsx(data)
    text = decode_text(data) if isinstance(data, bytes) else data
    if format == "gift":
        return parse_gift(text)
    if format == "aiken":
        return parse_aiken(text)
    raise ValueError(f"unknown question format {format!r}; expected one of {FORMATS}")


_WRITERS: dict[str, Callable[..., str | bytes]] = {
    "gift": write_gift,
    "moodlexml": write_moodle_xml,
    "aiken": write_aiken,
    "xlsx": write_xlsx,
}


def write(items: Iterable[Item], format: str, *, problems: list[ParseError] | None = None) -> bytes:
    """A file in one of FORMATS (the text ones in UTF-8); items the format cannot carry go
    to `problems`."""
    writer = _WRITERS.get(format)
    if writer is None:
        raise ValueError(f"unknown question format {format!r}; expected one of {FORMATS}")
    written = writer(items, problems=problems)
    return written.encode("utf-8") if isinstance(written, str) else written
