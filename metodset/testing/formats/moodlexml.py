"""Moodle XML (docs.moodle.org/en/Moodle_XML_format), both ways, for every item type.

`<quiz>` holds `<question type="…">` elements; a `type="category"` one switches the
category (`$course$/top/Алгебра/Дроби`) for the questions after it. Read: multichoice
(single, shuffleanswers, answernumbering), truefalse, shortanswer (usecase), numerical
(tolerance; units are ignored), matching, ordering, essay, description and cloze, with
their general, per-answer and combined feedback, fractions, defaultgrade, penalty,
idnumber, hints, tags, and the images embedded in base64 (`<file name=…>`), which the
texts link to as `@@PLUGINFILE@@/name`. Other simple settings (essay's responseformat,
ordering's layouttype, hidden …) are kept in `Item.moodle_options` and written back.

The file comes from users: defusedxml refuses entity declarations and external references.
Moodle's own quirks followed here: texts are stripped, a missing `<single>` means single
choice, a truefalse answer that is neither "true" nor "false" counts by its order.
"""

import base64
import binascii
import gc
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from xml.etree.ElementTree import Element, TreeBuilder
from xml.etree.ElementTree import ParseError as XMLSyntaxError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from .cloze import parse_cloze
from .items import (
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
    format_number,
    join_category_path,
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
_FORMAT_TO_XML: dict[TextFormat, str] = {
    "html": "html",
    "moodle": "moodle_auto_format",
    "plain": "plain_text",
    "markdown": "markdown",
}
_XML_TYPE = {
    ItemType.SINGLE_CHOICE: "multichoice",
    ItemType.MULTIPLE_CHOICE: "multichoice",
    ItemType.TRUE_FALSE: "truefalse",
    ItemType.SHORT_ANSWER: "shortanswer",
    ItemType.NUMERICAL: "numerical",
    ItemType.MATCHING: "matching",
    ItemType.ORDERING: "ordering",
    ItemType.CLOZE: "cloze",
    ItemType.ESSAY: "essay",
    ItemType.DESCRIPTION: "description",
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
_PLUGINFILE = "@@PLUGINFILE@@/"


class _UnreadableError(Exception):
    """A question that cannot be read; the message is the Russian reason."""


# --- Reading ---------------------------------------------------------------------------------


class _QuestionCollector(TreeBuilder):
    """Builds the tree and hands over each <question> as soon as it is closed, with the
    line it started on, so the reader can drop it: the whole tree of a 25,000-question
    file would hold a quarter of a gigabyte."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: Any = None  # the pure-Python XMLParser, whose expat knows the line
        self.root: Element | None = None
        self.finished: list[tuple[Element, int]] = []
        self._depth = 0
        self._line = 0

    def start(self, tag: str, attrs: dict[str, str], /) -> Element:
        element = super().start(tag, attrs)
        self._depth += 1
        if self._depth == 1:
            self.root = element
        elif self._depth == 2 and tag == "question":
            self._line = self.parser.parser.CurrentLineNumber
        return element

    def end(self, tag: str, /) -> Element:
        element = super().end(tag)
        if self._depth == 2 and tag == "question":
            self.finished.append((element, self._line))
        self._depth -= 1
        return element


_CHUNK = 1 << 20


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
    collector = _QuestionCollector()
    parser = DefusedXMLParser(target=collector)
    collector.parser = parser
    reader = _Reader(result)
    try:
        with _cycle_collection_paused():
            for start in range(0, len(data), _CHUNK):
                parser.feed(data[start : start + _CHUNK])
                if not reader.take(collector):
                    return result
            parser.close()
            reader.take(collector)
    except XMLSyntaxError as error:
        line, column = error.position
        result.errors.append(
            ParseError(
                line, None, f"файл повреждён или это не XML: ошибка разметки, позиция {column}"
            )
        )
    except DefusedXmlException:
        result.errors.append(
            ParseError(
                None,
                None,
                "в файле есть объявления сущностей или внешние ссылки XML; "
                "такие файлы не принимаются из соображений безопасности",
            )
        )
    return result


class _Reader:
    """Reads the questions the collector has finished, in order, keeping the category."""

    def __init__(self, result: ParseResult) -> None:
        self.result = result
        self.category: list[str] = []
        self.number = 0

    def take(self, collector: _QuestionCollector) -> bool:
        """Read the finished questions and drop them from the tree; False for a wrong root."""
        root = collector.root
        if root is None:
            return True
        if root.tag != "quiz":
            self.result.errors.append(
                ParseError(
                    None, None, f"это не Moodle XML: корневой элемент <{root.tag}>, а не <quiz>"
                )
            )
            return False
        for question, line in collector.finished:
            self.read(question, line)
            root.remove(question)
        collector.finished.clear()
        return True

    def read(self, question: Element, line: int) -> None:
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
            self.result.errors.append(ParseError(line, element, str(error)))
            return
        reasons = validate_item(item)
        if reasons:
            self.result.errors.append(ParseError(line, element, "; ".join(reasons)))
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
        tags=[_text(tag) for tag in question.iterfind("tags/tag")],
        files=_files(question),
        hints=[_text(hint) for hint in question.iterfind("hint")],
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
        for answer in question.iterfind("answer")
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
        for answer in question.iterfind("answer")
    ]


def _read_numerical(question: Element, item: Item) -> None:
    item.type = ItemType.NUMERICAL
    for answer in question.iterfind("answer"):
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
        for subquestion in question.iterfind("subquestion")
    ]


def _read_ordering(question: Element, item: Item) -> None:
    # Each answer's "fraction" is its place in the right order (1, 2, 3 …), not a grade.
    item.type = ItemType.ORDERING
    _read_combined_feedback(question, item)
    steps = [
        (_fraction(answer), index, answer)
        for index, answer in enumerate(question.iterfind("answer"))
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


# --- Writing ---------------------------------------------------------------------------------

_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML 1.0 cannot hold these


def write_moodle_xml(items: Iterable[Item], *, problems: list[ParseError] | None = None) -> bytes:
    """A Moodle XML file of the items, every type included (`problems` stays untouched)."""
    chunks = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    category: list[str] = []
    for item in items:
        if item.category != category:
            chunks.append(
                '  <question type="category">\n'
                f"    <category><text>{_escape(join_category_path(item.category))}</text></category>\n"
                '    <info format="html"><text></text></info>\n'
                "  </question>\n"
            )
            category = item.category
        chunks.append(_QuestionWriter(item).write())
    chunks.append("</quiz>\n")
    return "".join(chunks).encode("utf-8")


class _QuestionWriter:
    def __init__(self, item: Item) -> None:
        self.item = item
        self.format = _FORMAT_TO_XML[item.text_format]
        self.lines: list[str] = []
        # A file goes beside every text that links to it; one no text links to goes
        # with the question text, where Moodle looks first.
        texts = _texts_of(item)
        self.unlinked = {
            name for name in item.files if not any(_links(text, name) for text in texts)
        }

    def write(self) -> str:
        item = self.item
        self.lines.append(f'  <question type="{_XML_TYPE[item.type]}">')
        self.lines.append(f"    <name><text>{_escape(item.name)}</text></name>")
        self.text_element("questiontext", item.text, with_unlinked=True)
        self.text_element("generalfeedback", item.general_feedback)
        self.value("defaultgrade", format_number(item.default_grade))
        self.value("penalty", format_number(item.penalty))
        self.value("idnumber", item.id_number)
        for tag, value in item.moodle_options.items():
            self.value(tag, value)
        _TYPE_WRITERS[item.type](self)
        for hint in item.hints:
            self.text_element("hint", hint)
        if item.tags:
            self.lines.append("    <tags>")
            self.lines.extend(f"      <tag><text>{_escape(tag)}</text></tag>" for tag in item.tags)
            self.lines.append("    </tags>")
        self.lines.append("  </question>\n")
        return "\n".join(self.lines)

    def value(self, tag: str, value: str) -> None:
        self.lines.append(f"    <{tag}>{_escape(value)}</{tag}>" if value else f"    <{tag}/>")

    def text_element(self, tag: str, text: str, *, with_unlinked: bool = False) -> None:
        self.lines.append(
            f'    <{tag} format="{self.format}"><text>{_escape(text)}</text>'
            f"{self.files(text, with_unlinked=with_unlinked)}</{tag}>"
        )

    def files(self, text: str, *, with_unlinked: bool = False) -> str:
        return "".join(
            f'<file name="{_escape(name)}" path="/" encoding="base64">'
            f"{base64.b64encode(content).decode('ascii')}</file>"
            for name, content in self.item.files.items()
            if _links(text, name) or (with_unlinked and name in self.unlinked)
        )

    def answer(
        self,
        fraction: Decimal,
        text: str,
        feedback: str,
        *,
        answer_format: str | None = None,
        extra: str = "",
    ) -> None:
        self.lines.append(
            f'    <answer fraction="{format_number(fraction)}" format="{answer_format or self.format}">'
            f"<text>{_escape(text)}</text>{self.files(text)}"
            f'<feedback format="{self.format}"><text>{_escape(feedback)}</text>{self.files(feedback)}</feedback>'
            f"{extra}</answer>"
        )

    def combined_feedback(self) -> None:
        self.text_element("correctfeedback", self.item.correct_feedback)
        self.text_element("partiallycorrectfeedback", self.item.partially_correct_feedback)
        self.text_element("incorrectfeedback", self.item.incorrect_feedback)


def _write_choice(writer: _QuestionWriter) -> None:
    item = writer.item
    writer.value("single", "true" if item.type is ItemType.SINGLE_CHOICE else "false")
    writer.value("shuffleanswers", "true" if item.shuffle_answers else "false")
    writer.value("answernumbering", item.answer_numbering)
    writer.combined_feedback()
    for answer in item.answers:
        writer.answer(answer.fraction, answer.text, answer.feedback)


def _write_true_false(writer: _QuestionWriter) -> None:
    item = writer.item
    true, false = (FULL_CREDIT, Decimal(0)) if item.correct_answer else (Decimal(0), FULL_CREDIT)
    writer.answer(true, "true", item.feedback_true, answer_format="moodle_auto_format")
    writer.answer(false, "false", item.feedback_false, answer_format="moodle_auto_format")


def _write_short_answer(writer: _QuestionWriter) -> None:
    item = writer.item
    writer.value("usecase", "1" if item.case_sensitive else "0")
    if item.fold_yo:  # Metodset's own grading option; Moodle skips the element
        writer.value("metodset_foldyo", "1")
    for answer in item.answers:
        writer.answer(
            answer.fraction, answer.text, answer.feedback, answer_format="moodle_auto_format"
        )


def _write_numerical(writer: _QuestionWriter) -> None:
    for answer in writer.item.numerical_answers:
        value = "*" if answer.value is None else format_number(answer.value)
        tolerance = f"<tolerance>{format_number(answer.tolerance)}</tolerance>"
        writer.answer(
            answer.fraction,
            value,
            answer.feedback,
            answer_format="moodle_auto_format",
            extra=tolerance,
        )


def _write_matching(writer: _QuestionWriter) -> None:
    item = writer.item
    writer.value("shuffleanswers", "true" if item.shuffle_answers else "false")
    writer.combined_feedback()
    for pair in item.pairs:
        writer.lines.append(
            f'    <subquestion format="{writer.format}"><text>{_escape(pair.question)}</text>'
            f"{writer.files(pair.question)}<answer><text>{_escape(pair.answer)}</text></answer></subquestion>"
        )


def _write_ordering(writer: _QuestionWriter) -> None:
    writer.combined_feedback()
    for position, answer in enumerate(writer.item.answers, 1):
        writer.answer(Decimal(position), answer.text, answer.feedback)


def _write_essay(writer: _QuestionWriter) -> None:
    writer.text_element("graderinfo", writer.item.grader_info)
    writer.text_element("responsetemplate", writer.item.response_template)


def _write_nothing_more(writer: _QuestionWriter) -> None:
    """Description and cloze: the text says it all (cloze fields live in the text)."""


_TYPE_WRITERS: dict[ItemType, Callable[[_QuestionWriter], None]] = {
    ItemType.SINGLE_CHOICE: _write_choice,
    ItemType.MULTIPLE_CHOICE: _write_choice,
    ItemType.TRUE_FALSE: _write_true_false,
    ItemType.SHORT_ANSWER: _write_short_answer,
    ItemType.NUMERICAL: _write_numerical,
    ItemType.MATCHING: _write_matching,
    ItemType.ORDERING: _write_ordering,
    ItemType.ESSAY: _write_essay,
    ItemType.DESCRIPTION: _write_nothing_more,
    ItemType.CLOZE: _write_nothing_more,
}


def _texts_of(item: Item) -> list[str]:
    texts = [
        item.text,
        item.general_feedback,
        item.correct_feedback,
        item.partially_correct_feedback,
        item.incorrect_feedback,
        item.feedback_true,
        item.feedback_false,
        item.grader_info,
        item.response_template,
        *item.hints,
        *(pair.question for pair in item.pairs),
        *(answer.feedback for answer in item.numerical_answers),
    ]
    for answer in item.answers:
        texts.extend((answer.text, answer.feedback))
    return texts


def _links(text: str, name: str) -> bool:
    return _PLUGINFILE in text and (
        f"{_PLUGINFILE}{name}" in text or f"{_PLUGINFILE}{quote(name)}" in text
    )


def _escape(text: str) -> str:
    """Text for an element or an attribute; a lone CR survives as &#13;."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace('"', "&quot;").replace("\r", "&#13;")
    return _NOT_IN_XML.sub("", text) if _NOT_IN_XML.search(text) else text
