"""Reading a Moodle XML file question by question; see the package docstring."""

import base64
import binascii
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from decimal import Decimal
from typing import Any, cast
from xml.etree.ElementTree import Element, XMLPullParser
from xml.etree.ElementTree import ParseError as XMLSyntaxError
from xml.parsers import expat

from ..cloze import parse_cloze
from ..items import (
    DEFAULT_PENALTY,
    FULL_CREDIT,
    Answer,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
    ParseError,
    ParseResult,
    TextFormat,
    default_name,
    parse_number,
    split_category_path,
    validate_item,
)

_FORMAT_FROM_XML: dict[str, TextFormat] = {
    "html": "html",
    "moodle_auto_format": "moodle",
    "plain_text": "plain",
    "markdown": "markdown",
    "wiki_like": "moodle",  # Moodle 1.x; Moodle itself reads it as its own auto-format
}

# Elements read into Item's own fields, or ignored on purpose; every other childless
# element goes to Item.moodle_options.
_KNOWN_ELEMENTS = frozenset(
    {"name", "questiontext", "generalfeedback", "defaultgrade", "penalty", "idnumber", "tags"}
    | {"hint", "answer", "subquestion", "single", "shuffleanswers", "answernumbering"}
    | {"correctfeedback", "partiallycorrectfeedback", "incorrectfeedback", "usecase"}
    | {"metodset_foldyo", "graderinfo", "responsetemplate"}
    | {"units", "unitgradingtype", "unitpenalty", "showunits", "unitsleft", "instructions"}
    | {"image", "image_base64"}  # Moodle 1.x pictures, superseded by <file>
)


class _UnreadableError(Exception):
    """A question that cannot be read; the message is the Russian reason."""


_CHUNK = 1 << 20
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


_PROLOG_CHUNK = 1 << 14


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
            self.category = split_category_path(_text(question.find("category")))
            self.result.add_category(self.category)
            return
        self.number += 1
        element = f"вопрос №{self.number} ({kind or 'без типа'} «{_text(question.find('name'))}»)"
        try:
            item = _read_question(question, kind, self.category)
        except _UnreadableError as error:
            self.failed.append((position, element, str(error)))
            return
        reasons = validate_item(item)
        if reasons:
            self.failed.append((position, element, "; ".join(reasons)))
            return
        item.source = f"вопрос №{self.number}"
        self.result.items.append(item)


def _read_question(question: Element, kind: str, category: list[str]) -> Item:
    reader = _READERS.get(kind)
    if reader is None:
        raise _UnreadableError(f"тип вопроса «{kind}» не поддерживается")
    question_text = question.find("questiontext")
    text = _text(question_text)
    item = Item(
        type=ItemType.DESCRIPTION,
        name=_text(question.find("name")) or default_name(text),
        text=text,
        text_format=_format(question_text),
        category=list(category),
        general_feedback=_text(question.find("generalfeedback")),
        default_grade=_decimal(question, "defaultgrade", Decimal(1)),
        penalty=_decimal(question, "penalty", DEFAULT_PENALTY),
        id_number=_plain(question, "idnumber"),
        tags=[_text(tag) for tags in question.findall("tags") for tag in tags.findall("tag")],
        files=_files(question),
        hints=[_text(hint) for hint in question.findall("hint")],
        moodle_options={
            child.tag: (child.text or "").strip()
            for child in question
            if child.tag not in _KNOWN_ELEMENTS and len(child) == 0
        },
    )
    reader(question, item)
    return item


def _read_multichoice(question: Element, item: Item) -> None:
    single = _boolean(question, "single", default=True)
    item.type = ItemType.SINGLE_CHOICE if single else ItemType.MULTIPLE_CHOICE
    item.shuffle_answers = _boolean(question, "shuffleanswers", default=False)
    item.answer_numbering = _plain(question, "answernumbering") or "abc"
    _read_combined_feedback(question, item)
    item.answers = [
        Answer(_text(answer), _fraction(answer), _text(answer.find("feedback")))
        for answer in question.findall("answer")
    ]


def _read_true_false(question: Element, item: Item) -> None:
    item.type = ItemType.TRUE_FALSE
    fractions: dict[bool, Decimal] = {}
    for index, answer in enumerate(question.findall("answer")[:2]):
        written = _text(answer)
        is_true = written == "true" if written in ("true", "false") else index == 0
        fractions[is_true] = _fraction(answer)
        if is_true:
            item.feedback_true = _text(answer.find("feedback"))
        else:
            item.feedback_false = _text(answer.find("feedback"))
    if not fractions:
        raise _UnreadableError("нет ответов «true» и «false»")
    if True in fractions:
        item.correct_answer = fractions[True] == FULL_CREDIT
    else:
        item.correct_answer = fractions[False] != FULL_CREDIT


def _read_short_answer(question: Element, item: Item) -> None:
    item.type = ItemType.SHORT_ANSWER
    item.case_sensitive = _boolean(question, "usecase", default=False)
    item.fold_yo = _boolean(question, "metodset_foldyo", default=False)
    item.answers = [
        Answer(_text(answer), _fraction(answer), _text(answer.find("feedback")))
        for answer in question.findall("answer")
    ]


def _read_numerical(question: Element, item: Item) -> None:
    item.type = ItemType.NUMERICAL
    for answer in question.findall("answer"):
        written = _text(answer)
        value = None if written == "*" else parse_number(written)
        if value is None and written != "*":
            raise _UnreadableError(f"ответ «{written}» — не число")
        tolerance = _decimal(answer, "tolerance", Decimal(0))
        feedback = _text(answer.find("feedback"))
        item.numerical_answers.append(
            NumericalAnswer(value, tolerance, _fraction(answer), feedback)
        )


def _read_matching(question: Element, item: Item) -> None:
    item.type = ItemType.MATCHING
    item.shuffle_answers = _boolean(question, "shuffleanswers", default=True)
    _read_combined_feedback(question, item)
    item.pairs = [
        MatchPair(_text(subquestion), _text(subquestion.find("answer")))
        for subquestion in question.findall("subquestion")
    ]


def _read_ordering(question: Element, item: Item) -> None:
    # Each answer's "fraction" is its place in the right order (1, 2, 3 …), not a grade.
    item.type = ItemType.ORDERING
    _read_combined_feedback(question, item)
    steps = [
        (_fraction(answer), index, answer)
        for index, answer in enumerate(question.findall("answer"))
    ]
    item.answers = [
        Answer(_text(answer), Decimal(0), _text(answer.find("feedback")))
        for _, _, answer in sorted(steps, key=lambda step: (step[0], step[1]))
    ]


def _read_essay(question: Element, item: Item) -> None:
    item.type = ItemType.ESSAY
    item.grader_info = _text(question.find("graderinfo"))
    item.response_template = _text(question.find("responsetemplate"))


def _read_description(question: Element, item: Item) -> None:
    item.type = ItemType.DESCRIPTION


def _read_cloze(question: Element, item: Item) -> None:
    item.type = ItemType.CLOZE
    item.cloze_parts, problems = parse_cloze(item.text)
    if problems:
        raise _UnreadableError("; ".join(problems))


_READERS: dict[str, Callable[[Element, Item], None]] = {
    "multichoice": _read_multichoice,
    "truefalse": _read_true_false,
    "shortanswer": _read_short_answer,
    "numerical": _read_numerical,
    "matching": _read_matching,
    "ordering": _read_ordering,
    "essay": _read_essay,
    "description": _read_description,
    "cloze": _read_cloze,
    "multianswer": _read_cloze,  # Moodle's own name for the type, in some exports
}


def _read_combined_feedback(question: Element, item: Item) -> None:
    item.correct_feedback = _text(question.find("correctfeedback"))
    item.partially_correct_feedback = _text(question.find("partiallycorrectfeedback"))
    item.incorrect_feedback = _text(question.find("incorrectfeedback"))


def _text(element: Element | None) -> str:
    """The stripped <text> of an element (Moodle strips on import), "" when absent."""
    if element is None:
        return ""
    text = element.find("text")
    return (text.text or "").strip() if text is not None else ""


def _plain(element: Element, tag: str) -> str:
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else ""


def _format(element: Element | None) -> TextFormat:
    written = element.get("format", "html") if element is not None else "html"
    return _FORMAT_FROM_XML.get(written, "html")


def _boolean(element: Element, tag: str, *, default: bool) -> bool:
    child = element.find(tag)
    if child is None:
        return default
    return (child.text or "").strip().lower() not in ("", "0", "false")


def _decimal(element: Element, tag: str, default: Decimal) -> Decimal:
    child = element.find(tag)
    if child is None or not (child.text or "").strip():
        return default
    number = parse_number(child.text or "")
    if number is None:
        raise _UnreadableError(f"<{tag}>: «{(child.text or '').strip()}» — не число")
    return number


def _fraction(answer: Element) -> Decimal:
    written = answer.get("fraction", "0")
    number = parse_number(written)
    if number is None:
        raise _UnreadableError(f"оценка ответа «{written}» — не число")
    return number


def _files(question: Element) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for file in question.iter("file"):
        name = file.get("name", "")
        try:
            content = base64.b64decode(file.text or "")
        except (binascii.Error, ValueError) as error:
            raise _UnreadableError(
                f"вложенный файл «{name}» повреждён (неверный base64)"
            ) from error
        files.setdefault(name, content)
    return files
