"""What every extractor returns, and the helpers they share."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from typing import IO, Final
from xml.etree.ElementTree import Element, ParseError

# XML is parsed through defusedxml only: no entities, no external references.
from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

Source = str | os.PathLike[str] | IO[bytes]

MAX_CHARS: Final = 1_000_000
# An XML part bigger than this is not parsed: no real document's text needs it, and the
# declared size in a ZIP directory can lie, so reads stop here whatever it says.
MAX_XML_BYTES: Final = 64 * 1024 * 1024


@dataclass(frozen=True)
class ExtractedText:
    """Text of a file; `pages` counts pages or slides where the format has them.

    `reason` (Russian, for the author and moderators) says why the text is empty or
    partial, and is empty when everything was read.
    """

    text: str
    pages: int | None
    truncated: bool
    reason: str = ""


class TextCollector:
    """Collects lines of text up to a character limit, then refuses more."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.parts: list[str] = []
        self.length = 0
        self.truncated = False

    @property
    def is_full(self) -> bool:
        return self.truncated

    def add(self, line: str) -> None:
        """Add one line (a paragraph, a table row); blank lines are dropped."""
        line = line.strip()
        if not line or self.truncated:
            return
        room = self.max_chars - self.length - (1 if self.parts else 0)
        if len(line) > room:
            line = line[: max(room, 0)]
            self.truncated = True
            if not line:
                return
        self.length += len(line) + (1 if self.parts else 0)
        self.parts.append(line)

    def text(self) -> str:
        return "\n".join(self.parts)

    def result(self, *, pages: int | None, reason: str = "") -> ExtractedText:
        return ExtractedText(text=self.text(), pages=pages, truncated=self.truncated, reason=reason)


def source_for_library(source: Source) -> str | IO[bytes]:
    """A path as `str` or the file itself, rewound: what pypdf, python-docx and zipfile take."""
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    source.seek(0)
    return source


def read_zip_member(archive: zipfile.ZipFile, name: str, limit: int = MAX_XML_BYTES) -> bytes:
    """Read one entry, never more than `limit` bytes whatever the directory declares.

    Raises `ValueError` when the entry is bigger than the limit.
    """
    with archive.open(name) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{name} is larger than {limit} bytes")
    return data


# What parsing an untrusted XML part may raise: malformed XML, or a construct defusedxml
# refuses (entities, DTDs, external references).
XML_ERRORS: Final[tuple[type[Exception], ...]] = (ParseError, DefusedXmlException)
# Reading one part of a package may also find it missing (KeyError) or oversize (ValueError).
PART_ERRORS: Final[tuple[type[Exception], ...]] = (KeyError, ValueError, *XML_ERRORS)


def parse_xml(data: bytes) -> Element:
    """Parse untrusted XML with defusedxml: no entity expansion, no DTD, no network."""
    root: Element = SafeElementTree.fromstring(data, forbid_dtd=True)
    return root
