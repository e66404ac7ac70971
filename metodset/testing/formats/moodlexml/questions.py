"""Reading one Moodle XML `<question>` element into an item, type by type."""

import base64
import binascii
from collections.abc import Callable
from decimal import Decimal
from xml.etree.ElementTree import Element

from ..cloze import parse_cloze
from ..items import (
    DEFAULT_PENALTY,
    FULL_CREDIT,
    Answer,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
    TextFormat,
    default_name,
    parse_number,
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


class UnreadableError(Exception):
    """A question that cannot be read; the message is the Russian reason."""


def read_question(question: Element, kind: str, category: list[str]) -> Item:
    """The item a `<question type="kind">` holds, in `category`; UnreadableError says why
    it cannot be read (validate_item, which the caller runs, judges the rest)."""
    reader = _READERS.get(kind)
    if reader is None:
        raise UnreadableError(f"тип вопроса «{kind}» не поддерживается")
    question_text = question.find("questiontext")
    text = text_of(question_text)
    item = Item(
        type=ItemType.DESCRIPTION,
        name=text_of(question.find("name")) or default_name(text),
        text=text,
        text_format=_format(question_text),
        category=list(category),
        general_feedback=text_of(question.find("generalfeedback")),
        default_grade=_decimal(question, "defaultgrade", Decimal(1)),
        penalty=_decimal(question, "penalty", DEFAULT_PENALTY),
        id_number=_plain(question, "idnumber"),
        tags=[text_of(tag) for tags in question.findall("tags") for tag in tags.findall("tag")],
        files=_files(question),
        hints=[text_of(hint) for hint in question.findall("hint")],
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
        Answer(text_of(answer), _fraction(answer), text_of(answer.find("feedback")))
        for answer in question.findall("answer")
    ]


def _read_true_false(question: Element, item: Item) -> None:
    item.type = ItemType.TRUE_FALSE
    fractions: dict[bool, Decimal] = {}
    for index, answer in enumerate(question.findall("answer")[:2]):
        written = text_of(answer)
        is_true = written == "true" if written in ("true", "false") else index == 0
        fractions[is_true] = _fraction(answer)
        if is_true:
            item.feedback_true = text_of(answer.find("feedback"))
        else:
            item.feedback_false = text_of(answer.find("feedback"))
    if not fractions:
        raise UnreadableError("нет ответов «true» и «false»")
    if True in fractions:
        item.correct_answer = fractions[True] == FULL_CREDIT
    else:
        item.correct_answer = fractions[False] != FULL_CREDIT


def _read_short_answer(question: Element, item: Item) -> None:
    item.type = ItemType.SHORT_ANSWER
    item.case_sensitive = _boolean(question, "usecase", default=False)
    item.fold_yo = _boolean(question, "metodset_foldyo", default=False)
    item.answers = [
        Answer(text_of(answer), _fraction(answer), text_of(answer.find("feedback")))
        for answer in question.findall("answer")
    ]


def _read_numerical(question: Element, item: Item) -> None:
    item.type = ItemType.NUMERICAL
    for answer in question.findall("answer"):
        written = text_of(answer)
        value = None if written == "*" else parse_number(written)
        if value is None and written != "*":
            raise UnreadableError(f"ответ «{written}» — не число")
        tolerance = _decimal(answer, "tolerance", Decimal(0))
        feedback = text_of(answer.find("feedback"))
        item.numerical_answers.append(
            NumericalAnswer(value, tolerance, _fraction(answer), feedback)
        )


def _read_matching(question: Element, item: Item) -> None:
    item.type = ItemType.MATCHING
    item.shuffle_answers = _boolean(question, "shuffleanswers", default=True)
    _read_combined_feedback(question, item)
    item.pairs = [
        MatchPair(text_of(subquestion), text_of(subquestion.find("answer")))
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
        Answer(text_of(answer), Decimal(0), text_of(answer.find("feedback")))
        for _, _, answer in sorted(steps, key=lambda step: (step[0], step[1]))
    ]


def _read_essay(question: Element, item: Item) -> None:
    item.type = ItemType.ESSAY
    item.grader_info = text_of(question.find("graderinfo"))
    item.response_template = text_of(question.find("responsetemplate"))


def _read_description(question: Element, item: Item) -> None:
    item.type = ItemType.DESCRIPTION


def _read_cloze(question: Element, item: Item) -> None:
    item.type = ItemType.CLOZE
    item.cloze_parts, problems = parse_cloze(item.text)
    if problems:
        raise UnreadableError("; ".join(problems))


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
    item.correct_feedback = text_of(question.find("correctfeedback"))
    item.partially_correct_feedback = text_of(question.find("partiallycorrectfeedback"))
    item.incorrect_feedback = text_of(question.find("incorrectfeedback"))


def text_of(element: Element | None) -> str:
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
        raise UnreadableError(f"<{tag}>: «{(child.text or '').strip()}» — не число")
    return number


def _fraction(answer: Element) -> Decimal:
    written = answer.get("fraction", "0")
    number = parse_number(written)
    if number is None:
        raise UnreadableError(f"оценка ответа «{written}» — не число")
    return number


def _files(question: Element) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for file in question.iter("file"):
        name = file.get("name", "")
        try:
            content = base64.b64decode(file.text or "")
        except (binascii.Error, ValueError) as error:
            raise UnreadableError(f"вложенный файл «{name}» повреждён (неверный base64)") from error
        files.setdefault(name, content)
    return files
