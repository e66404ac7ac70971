"""Reading a Moodle XML file question by question; see the package docstring."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, cast
from xml.etree.ElementTree import Element, XMLPullParser
from xml.etree.ElementTree import ParseError as XMLSyntaxError
from xml.parsers import expat

from ..items import ParseError, ParseResult, split_category_path, validate_item
from .questions import UnreadableError, read_question, text_of

_CHUNK = 1 << 20
_PROLOG_CHUNK = 1 << 14  # the prolog is small: the check reads this much at a time
_REFUSED = (
    "в файле есть объявления сущностей или внешние ссылки XML; "
    "такие файлы не принимаются из соображений безопасности"
)


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Reading allocates some 40 objects per question (elements, items, decimals) and none
    forms a cycle, yet each allocation counts toward collections that walk every item read
    so far: measured on 25,000 questions, they took a quarter of the reading time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_moodle_xml(data: bytes) -> ParseResult:
    """Every question of a Moodle XML file; each unreadable one is an error naming it.

    A file that breaks off or stops being XML keeps the questions before the break, and
    the error says on which line it broke.
    """
    result = ParseResult()
    if _declares_entities(data):
        result.errors.append(ParseError(None, None, _REFUSED))
        return result
    reader = _Reader(result)
    syntax_error = None
    try:
        with _cycle_collection_paused():
            reader.read_file(data)
    except XMLSyntaxError as error:
        line, column = error.position
        syntax_error = ParseError(
            line, None, f"файл повреждён или это не XML: ошибка разметки, позиция {column}"
        )
    if reader.failed:
        lines = _question_lines(data)
        result.errors.extend(
            ParseError(lines[position] if position < len(lines) else None, element, message)
            for position, element, message in reader.failed
        )
    if syntax_error is not None:
        result.errors.append(syntax_error)
    return result


class _ForbiddenError(Exception):
    pass


class _RootReachedError(Exception):
    pass


def _declares_entities(data: bytes) -> bool:
    """Whether the prolog declares entities or refers to external ones, as defusedxml
    refuses them; it stops at the root element, before which a DTD must stand. The file
    itself is read by the C parser (expat's callbacks into Python, which defusedxml needs
    for every element, took half of the reading time)."""

    def forbid(*args: object) -> int:
        raise _ForbiddenError

    def root(*args: object) -> None:
        raise _RootReachedError

    parser = expat.ParserCreate()
    parser.EntityDeclHandler = forbid
    parser.UnparsedEntityDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid
    parser.StartElementHandler = root
    try:
        for start in range(0, len(data), _PROLOG_CHUNK):
            parser.Parse(data[start : start + _PROLOG_CHUNK], False)
        parser.Parse(b"", True)
    except _ForbiddenError:
        return True
    except (_RootReachedError, expat.ExpatError):
        return False  # the reading itself names a syntax error with its line
    return False


def _question_lines(data: bytes) -> list[int]:
    """The line of each <question> of the file, in order: the C parser does not tell
    lines, so a second, slower pass finds them when some question needs its line."""
    lines: list[int] = []
    depth = 0
    parser = expat.ParserCreate()

    def start(name: str, attrs: Any) -> None:
        nonlocal depth
        depth += 1
        if depth == 2 and name == "question":
            lines.append(parser.CurrentLineNumber)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with suppress(expat.ExpatError):
        parser.Parse(data, True)
    return lines


class _Reader:
    """Reads each <question> as soon as the parser closes it, and drops it from the tree:
    the whole tree of a 25,000-question file would hold a quarter of a gigabyte."""

    def __init__(self, result: ParseResult) -> None:
        self.result = result
        self.category: list[str] = []
        self.number = 0  # questions proper, as errors and sources count them
        self.position = 0  # every <question>, categories included, to find its line
        # (position, element, message) of the questions that could not be read.
        self.failed: list[tuple[int, str, str]] = []
        self.root: Element | None = None
        self.depth = 0

    def read_file(self, data: bytes) -> None:
        parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
        for start in range(0, len(data), _CHUNK):
            parser.feed(data[start : start + _CHUNK])
            if not self.take(parser):
                return
        parser.close()
        self.take(parser)

    def take(self, parser: "XMLPullParser[Element]") -> bool:
        """Read the questions the parser has closed; False for a wrong root element."""
        # read_events() is typed for every event kind; "start" and "end" give elements.
        for event, element in cast(Iterator[tuple[str, Element]], parser.read_events()):
            if event == "start":
                self.depth += 1
                if self.depth == 1:
                    self.root = element
                    if element.tag != "quiz":
                        self.result.errors.append(
                            ParseError(
                                None,
                                None,
                                f"это не Moodle XML: корневой элемент <{element.tag}>, а не <quiz>",
                            )
                        )
                        return False
                continue
            if self.depth == 2 and element.tag == "question" and self.root is not None:
                self.read(element)
                self.root.remove(element)
            self.depth -= 1
        return True

    def read(self, question: Element) -> None:
        position = self.position
        self.position += 1
        kind = question.get("type", "")
        if kind == "category":
            self.category = split_category_path(text_of(question.find("category")))
            self.result.add_category(self.category)
            return
        self.number += 1
        element = f"вопрос №{self.number} ({kind or 'без типа'} «{text_of(question.find('name'))}»)"
        try:
            item = read_question(question, kind, self.category)
        except UnreadableError as error:
            self.failed.append((position, element, str(error)))
            return
        reasons = validate_item(item)
        if reasons:
            self.failed.append((position, element, "; ".join(reasons)))
            return
        item.source = f"вопрос №{self.number}"
        self.result.items.append(item)
