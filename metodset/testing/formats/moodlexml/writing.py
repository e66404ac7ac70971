"""Writing items as a Moodle XML file; see the package docstring."""

import base64
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from urllib.parse import quote

from ..items import (
    FULL_CREDIT,
    Item,
    ItemType,
    ParseError,
    TextFormat,
    format_number,
    join_category_path,
)

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
_PLUGINFILE = "@@PLUGINFILE@@/"

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
