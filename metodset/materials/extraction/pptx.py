"""PPTX text: slides in the presentation's order, a:t runs read with zipfile and defusedxml."""

from __future__ import annotations

import logging
import posixpath
import re
import zipfile
from typing import Final
from xml.etree.ElementTree import Element

from django.utils.translation import gettext as _

from metodset.materials.extraction.base import (
    PART_ERRORS,
    ExtractedText,
    Source,
    TextCollector,
    parse_xml,
    read_zip_member,
    source_for_library,
)

logger = logging.getLogger(__name__)

P_NS: Final = "http://schemas.openxmlformats.org/presentationml/2006/main"
A_NS: Final = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS_NS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
SLIDE_NAME: Final = re.compile(r"^ppt/slides/slide(\d+)\.xml$")


def extract(source: Source, max_chars: int) -> ExtractedText:
    collector = TextCollector(max_chars)
    damaged = _("Файл PPTX повреждён; текст из него не извлекается")
    try:
        with zipfile.ZipFile(source_for_library(source)) as archive:
            slide_names = _slides_in_order(archive)
            failed = 0
            for slide_name in slide_names:
                if collector.is_full:
                    break
                try:
                    slide = parse_xml(read_zip_member(archive, slide_name))
                except PART_ERRORS:
                    failed += 1
                    continue
                for paragraph in slide.iter(f"{{{A_NS}}}p"):
                    collector.add(_paragraph_text(paragraph))
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        logger.info("Unreadable PPTX: %s", error)
        return collector.result(pages=None, reason=damaged)
    reason = ""
    if failed:
        reason = _("Текст %(count)d слайдов не извлёкся: файл повреждён") % {"count": failed}
    return collector.result(pages=len(slide_names), reason=reason)


def _paragraph_text(paragraph: Element) -> str:
    parts: list[str] = []
    for element in paragraph.iter():
        if element.tag == f"{{{A_NS}}}t" and element.text:
            parts.append(element.text)
        elif element.tag == f"{{{A_NS}}}br":
            parts.append("\n")
    return "".join(parts)


def _slides_in_order(archive: zipfile.ZipFile) -> list[str]:
    """Slides as presentation.xml lists them; by file number when that list is unreadable."""
    names = set(archive.namelist())
    try:
        presentation = parse_xml(read_zip_member(archive, "ppt/presentation.xml"))
        relations = parse_xml(read_zip_member(archive, "ppt/_rels/presentation.xml.rels"))
    except PART_ERRORS:
        return _slides_by_number(names)
    targets = {
        relation.get("Id"): relation.get("Target", "")
        for relation in relations.iter(f"{{{RELS_NS}}}Relationship")
    }
    ordered: list[str] = []
    for slide_id in presentation.iter(f"{{{P_NS}}}sldId"):
        target = targets.get(slide_id.get(f"{{{R_NS}}}id"))
        if not target:
            continue
        path = posixpath.normpath(
            target.lstrip("/") if target.startswith("/") else posixpath.join("ppt", target)
        )
        if path in names and path not in ordered:
            ordered.append(path)
    return ordered or _slides_by_number(names)


def _slides_by_number(names: set[str]) -> list[str]:
    numbered = []
    for name in names:
        match = SLIDE_NAME.match(name)
        if match:
            numbered.append((int(match.group(1)), name))
    return [name for _number, name in sorted(numbered)]
