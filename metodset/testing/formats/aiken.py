"""Aiken (docs.moodle.org/en/Aiken_format): single-choice questions as plain text.

    Сколько будет 2 + 2?
    A) 3
    B. 4
    ANSWER: B

The question text runs until the first option (it may span lines); an option is a capital
Latin letter, "." or ")", a space and the text on one line; `ANSWER: X` names the right
one and ends the question. Blank lines are skipped. The format carries nothing else: no
feedback, no category, no partial credit, so `write_aiken` writes only single-choice items
with one right answer, and reports the others.
"""

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from .items import (
    FULL_CREDIT,
    Answer,
    Item,
    ItemType,
    ParseError,
    ParseResult,
    default_name,
    describe,
    validate_item,
)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_OPTION = re.compile(r"([A-Z])[.)][ \t]+(.*)")
_ANSWER = re.compile(r"ANSWER\s*:\s*(\S*)\s*")


@dataclass
class _Draft:
    line: int
    text: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)


def parse_aiken(text: str) -> ParseResult:
    """Every question of an Aiken file; each one that cannot be read is an error with its line."""
    result = ParseResult()
    draft: _Draft | None = None
    for number, raw in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), 1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.fullmatch(line)
        option = _OPTION.fullmatch(line)
        if answer is not None:
            if draft is None:
                result.errors.append(ParseError(number, None, "строка «ANSWER: …» без вопроса"))
            else:
                _finish(draft, answer[1].upper(), result)
            draft = None
        elif option is not None and draft is not None:
            draft.options.append((option[1], option[2].strip()))
        else:
            if draft is not None and draft.options:
                result.errors.append(
                    ParseError(draft.line, None, "после вариантов ответа нет строки «ANSWER: …»")
                )
                draft = None
            if draft is None:
                draft = _Draft(number)
            draft.text.append(line)
    if draft is not None:
        result.errors.append(ParseError(draft.line, None, "нет строки «ANSWER: …» в конце вопроса"))
    return result


def _finish(draft: _Draft, letter: str, result: ParseResult) -> None:
    letters = [option_letter for option_letter, _ in draft.options]
    reasons = []
    if len(letters) != len(set(letters)):
        reasons.append("буквы вариантов ответа повторяются")
    if letter not in letters:
        reasons.append(f"в строке ANSWER указан вариант «{letter}», а такого варианта нет")
    text = "\n".join(draft.text)
    item = Item(
        type=ItemType.SINGLE_CHOICE,
        name=default_name(text),
        text=text,
        text_format="plain",
        answers=[
            Answer(option_text, FULL_CREDIT if option_letter == letter else Decimal(0))
            for option_letter, option_text in draft.options
        ],
    )
    if not reasons:
        reasons = validate_item(item)
    if reasons:
        result.errors.append(ParseError(draft.line, None, "; ".join(reasons)))
        return
    item.source = f"строка {draft.line}"
    result.items.append(item)


def unwritable_reason(item: Item) -> str | None:
    """Why Aiken cannot carry this item (in Russian), or None when it can."""
    if item.type is not ItemType.SINGLE_CHOICE:
        return "в Aiken бывают только вопросы с одним правильным ответом"
    fractions = sorted(answer.fraction for answer in item.answers)
    if fractions.count(FULL_CREDIT) != 1 or any(
        fraction not in (0, FULL_CREDIT) for fraction in fractions
    ):
        return "в Aiken один вариант верен на 100%, остальные — на 0%; других оценок нет"
    if len(item.answers) > len(string.ascii_uppercase):
        return "в Aiken не больше 26 вариантов ответа (A–Z)"
    if any("\n" in answer.text or "\r" in answer.text for answer in item.answers):
        return "в Aiken вариант ответа занимает одну строку"
    lines = [line.strip() for line in _LINE_BREAK.split(item.text) if line.strip()]
    if any(_ANSWER.fullmatch(line) for line in lines) or any(
        _OPTION.fullmatch(line) for line in lines[1:]
    ):
        return "строка текста вопроса будет прочитана как вариант ответа или строка ANSWER"
    return None


def write_aiken(items: Iterable[Item], *, problems: list[ParseError] | None = None) -> str:
    """An Aiken file of the items it can carry; the others are added to `problems`."""
    chunks = []
    for number, item in enumerate(items, 1):
        reason = unwritable_reason(item)
        if reason is not None:
            if problems is not None:
                problems.append(ParseError(None, describe(number, item), reason))
            continue
        lines = [line.strip() for line in _LINE_BREAK.split(item.text) if line.strip()]
        right = ""
        for letter, answer in zip(string.ascii_uppercase, item.answers, strict=False):
            lines.append(f"{letter}. {answer.text.strip()}")
            if answer.fraction == FULL_CREDIT:
                right = letter
        lines.append(f"ANSWER: {right}")
        chunks.append("\n".join(lines) + "\n\n")
    return "".join(chunks)
