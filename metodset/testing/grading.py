"""Responses to question items: checking what a student posts, and grading it as Moodle does.

Pure functions, no Django. A response is the JSON the student's page posts; its indices
refer to the original order of `item.answers`, `item.pairs` or a cloze field's answers:

    single_choice {"choice": 1}          multiple_choice {"choices": [0, 2]}
    true_false {"value": true}           short_answer, numerical, essay {"text": "…"}
    matching {"pairs": {"0": "answer"}}  ordering {"order": [2, 0, 1]} (answer at each place)
    cloze {"parts": {"0": "text", "1": 2, "2": [0, 1]}}   description: none

`clean_response` gives the normal form (None: no answer); the other functions clean again.
Choice, short-answer and numerical items and each cloze field are one `_Field` inside.
"""

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from random import Random
from typing import Any, Literal

from .formats.items import (
    FRACTION_SUM_TOLERANCE,
    FULL_CREDIT,
    ClozeAnswer,
    ClozeKind,
    ClozePart,
    Item,
    ItemType,
    NumericalAnswer,
    format_number,
    parse_number,
)

Response = dict[str, Any]

MAX_TEXT_LENGTH = 20000  # essay
MAX_SHORT_TEXT_LENGTH = 500  # short answer, numerical, a cloze field, a matching answer
NO_ANSWER = "нет ответа"
TEACHER_GRADES = "проверяет учитель"

_ZERO = Decimal(0)
_ONE = Decimal(1)
_PLACES = Decimal("0.0000001")
_INTEGER = re.compile(r"[-+]?\d+")
_STARS = re.compile(r"(?<!\\)\*+")  # Moodle's wildcard: a run of stars not after a backslash
_SPACES = re.compile(r"\s+")
_BLOCK_TAG = re.compile(r"<(?:br|/?p|/?div|/?li|/?tr|/?td|/?h\d)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_YO = str.maketrans("ёЁ", "еЕ")
_KEY = {  # the types whose response is one field: its key in the response
    ItemType.SINGLE_CHOICE: "choice",
    ItemType.MULTIPLE_CHOICE: "choices",
    ItemType.SHORT_ANSWER: "text",
    ItemType.NUMERICAL: "text",
}
_MODES: dict[ItemType, Literal["choice", "multi", "text"]] = {
    ItemType.SINGLE_CHOICE: "choice",
    ItemType.MULTIPLE_CHOICE: "multi",
    ItemType.SHORT_ANSWER: "text",
}


class InvalidResponseError(ValueError):
    """A response the item cannot take; `str(error)` is a Russian sentence for the student."""


@dataclass(frozen=True, slots=True)
class Grade:
    fraction: Decimal | None  # 0…1, 7 places; None: a teacher grades it, or nothing to grade
    needs_manual: bool  # an essay with an answer
    feedback: list[str]  # the feedback the response triggered, in the order the page shows it
    parts: tuple[Decimal, ...] = ()  # cloze: each field's fraction 0…1


@dataclass(frozen=True, slots=True)
class _Field:
    mode: Literal["choice", "multi", "text", "number"]
    answers: list[ClozeAnswer]  # numbers as text, "*" for any number
    case_sensitive: bool = False
    fold_yo: bool = False


def _fields(item: Item) -> list[_Field]:
    kind = item.type
    if kind in _MODES:
        answers = [ClozeAnswer(a.text, a.fraction, a.feedback) for a in item.answers]
        return [_Field(_MODES[kind], answers, item.case_sensitive, item.fold_yo)]
    if kind is ItemType.NUMERICAL:
        return [_Field("number", [_number_answer(answer) for answer in item.numerical_answers])]
    return [_part_field(part, item.fold_yo) for part in item.cloze_parts]


def _number_answer(answer: NumericalAnswer) -> ClozeAnswer:
    text = "*" if answer.value is None else format_number(answer.value)
    return ClozeAnswer(text, answer.fraction, answer.feedback, answer.tolerance)


def _part_field(part: ClozePart, fold_yo: bool) -> _Field:
    if part.is_multiple_response:
        return _Field("multi", part.answers)
    if part.is_choice:
        return _Field("choice", part.answers)
    if part.kind is ClozeKind.NUMERICAL:
        return _Field("number", part.answers)
    return _Field("text", part.answers, part.is_case_sensitive, fold_yo)


def _values(item: Item, response: Response | None) -> list[tuple[int, _Field, Any]]:
    """The answered fields of a clean response: (number, field, value)."""
    if response is None:
        return []
    fields = _fields(item)
    if item.type is ItemType.CLOZE:
        return [(int(key), fields[int(key)], value) for key, value in response["parts"].items()]
    return [(0, fields[0], response[_KEY[item.type]])] if item.type in _KEY else []


# --- Cleaning ----------------------------------------------------------------------------------


def clean_response(item: Item, raw: object) -> Response | None:
    """The normal form of a posted response, or None for no answer (None, {}, empty text …).

    Texts are stripped, indices given as numeric strings become ints, lists of choices are
    sorted; anything out of shape raises `InvalidResponseError`.
    """
    if item.type is ItemType.DESCRIPTION or raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidResponseError("Ответ передан в неверном формате.")
    kind = item.type
    if kind in _KEY:
        value = _clean_value(_fields(item)[0], raw.get(_KEY[kind]))
        return None if value is None else {_KEY[kind]: value}
    if kind is ItemType.TRUE_FALSE:
        value = raw.get("value")
        if value is not None and not isinstance(value, bool):
            raise InvalidResponseError("Ответ «верно» или «неверно» передан в неверном формате.")
        return None if value is None else {"value": value}
    if kind is ItemType.ESSAY:
        text = _text(raw.get("text"), MAX_TEXT_LENGTH)
        return {"text": text} if text else None
    if kind is ItemType.ORDERING:
        order = _index_list(raw.get("order"), len(item.answers))
        if order and len(order) != len(item.answers):
            raise InvalidResponseError("Расставьте по порядку все элементы, каждый один раз.")
        return {"order": order} if order else None
    if kind is ItemType.MATCHING:
        choices = set(matching_choices(item))

        def clean_pair(index: int, value: object) -> str | None:
            if not item.pairs[index].question:  # a pair without a question: a distractor only
                raise InvalidResponseError("Такого вопроса нет.")
            text = _text(value, MAX_SHORT_TEXT_LENGTH)
            if text and text not in choices:
                raise InvalidResponseError(f"Ответа «{text}» среди вариантов нет.")
            return text or None

        pairs = _clean_map(raw.get("pairs"), len(item.pairs), clean_pair, "Такого вопроса нет.")
        return {"pairs": pairs} if pairs else None
    fields = _fields(item)

    def clean_part(index: int, value: object) -> Any:
        try:
            return _clean_value(fields[index], value)
        except InvalidResponseError as error:
            text = str(error)
            raise InvalidResponseError(f"Поле №{index + 1}: {text[:1].lower()}{text[1:]}") from None

    parts = _clean_map(raw.get("parts"), len(fields), clean_part, "Такого поля для ответа нет.")
    return {"parts": parts} if parts else None


def _clean_map(
    given: object, size: int, clean: Callable[[int, object], Any], missing: str
) -> dict[str, Any]:
    """{"index": value} of matching and cloze, with the indices checked and sorted."""
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise InvalidResponseError("Ответ передан в неверном формате.")
    cleaned: dict[int, Any] = {}
    for key, value in given.items():
        index = _index(key, size, missing)
        result = clean(index, value)
        if result is not None:
            cleaned[index] = result
    return {str(index): cleaned[index] for index in sorted(cleaned)}


def _clean_value(field: _Field, value: object) -> Any:
    if field.mode == "multi":
        return sorted(_index_list(value, len(field.answers))) or None
    if field.mode == "choice":
        return None if value is None or value == "" else _index(value, len(field.answers))
    return _text(value, MAX_SHORT_TEXT_LENGTH) or None


def _text(value: object, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidResponseError("Ответ должен быть текстом.")
    value = value.strip()
    if len(value) > limit:
        raise InvalidResponseError(f"Ответ слишком длинный: допускается не более {limit} символов.")
    return value


def _index(value: object, size: int, missing: str = "Такого варианта ответа нет.") -> int:
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidResponseError("Номер варианта ответа должен быть целым числом.")
    if not 0 <= value < size:
        raise InvalidResponseError(missing)
    return value


def _index_list(value: object, size: int) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidResponseError("Ответ должен быть списком вариантов.")
    indices = [_index(element, size) for element in value]
    if len(set(indices)) != len(indices):
        raise InvalidResponseError("Один и тот же вариант ответа указан дважды.")
    return indices


# --- Grading -----------------------------------------------------------------------------------


def is_scored(item: Item) -> bool:
    return item.type is not ItemType.DESCRIPTION


def max_fraction_possible(item: Item) -> Decimal:
    return _ONE if is_scored(item) else _ZERO


def grade(item: Item, response: Response | None) -> Grade:
    """Moodle's automatic grade; no answer gets 0, an answered essay waits for a teacher."""
    response = clean_response(item, response)
    kind = item.type
    if kind is ItemType.DESCRIPTION:
        return Grade(None, False, [])
    if kind is ItemType.ESSAY:
        return Grade(None, True, []) if response else Grade(_ZERO, False, [])
    feedback: list[str] = []
    fraction = _ZERO
    if kind is ItemType.CLOZE:
        fields = _fields(item)
        fractions = [_ZERO] * len(fields)
        for number, field, value in _values(item, response):
            fractions[number], texts = _grade_value(field, value)
            feedback.extend(texts)
        weights = [max(part.weight, 0) for part in item.cloze_parts]
        if not any(weights):  # {0:SA:…} everywhere: count the fields alike, not divide by 0
            weights = [1] * len(weights)
        total = sum((w * f for w, f in zip(weights, fractions, strict=True)), _ZERO)
        fraction = total / sum(weights) if weights else _ZERO
        return Grade(_quantize(fraction), False, [t for t in feedback if t], tuple(fractions))
    if kind in _KEY:
        for _number, field, value in _values(item, response):
            fraction, feedback = _grade_value(field, value)
    elif response is None:
        pass
    elif kind is ItemType.TRUE_FALSE:
        value = response["value"]
        fraction = _ONE if value == item.correct_answer else _ZERO
        feedback = [item.feedback_true if value else item.feedback_false]
    elif kind is ItemType.MATCHING:
        questions = [index for index, pair in enumerate(item.pairs) if pair.question]
        given = response["pairs"]
        right = sum(1 for i in questions if given.get(str(i)) == item.pairs[i].answer.strip())
        fraction = Decimal(right) / len(questions) if questions else _ZERO
    elif kind is ItemType.ORDERING:
        texts = [answer.text for answer in item.answers]  # twins may swap places
        right = sum(texts[index] == texts[place] for place, index in enumerate(response["order"]))
        fraction = Decimal(right) / len(texts)
    fraction = _quantize(fraction)
    if kind in (
        ItemType.SINGLE_CHOICE,
        ItemType.MULTIPLE_CHOICE,
        ItemType.MATCHING,
        ItemType.ORDERING,
    ):
        # Moodle's combined feedback; one who gave no answer hears that it is wrong, too.
        combined = (item.incorrect_feedback, item.partially_correct_feedback, item.correct_feedback)
        feedback.append(combined[(fraction > 0) + (fraction >= 1)])
    return Grade(fraction, False, [text for text in feedback if text])


def _grade_value(field: _Field, value: Any) -> tuple[Decimal, list[str]]:
    if field.mode == "multi":
        chosen = [field.answers[index] for index in value]
        return _sum_fractions(answer.fraction for answer in chosen), [a.feedback for a in chosen]
    index = value if field.mode == "choice" else _match(field, value)
    if index is None:
        return _ZERO, []
    found = field.answers[index]
    return _quantize(_clip(found.fraction / FULL_CREDIT)), [found.feedback]


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(_PLACES, rounding=ROUND_HALF_UP)


def _clip(value: Decimal) -> Decimal:
    return max(_ZERO, min(_ONE, value))


def _sum_fractions(fractions: Iterable[Decimal]) -> Decimal:
    """Chosen answers' per cents added up; 3 × 33.33333 counts as 100, as items.py allows."""
    total = sum(fractions, _ZERO)
    if total >= FULL_CREDIT - FRACTION_SUM_TOLERANCE:
        return _ONE
    return _quantize(_clip(total / FULL_CREDIT))


def _match(field: _Field, text: str) -> int | None:
    """The first answer, in order, that a typed text matches."""
    if field.mode == "number":
        number = parse_number(text)
        if number is None:
            return None
        for index, answer in enumerate(field.answers):
            value = None if answer.text == "*" else parse_number(answer.text)
            tolerance = answer.tolerance or _ZERO
            if answer.text == "*" or (value is not None and abs(number - value) <= tolerance):
                return index
        return None
    normal = _normalise(text, field.case_sensitive, field.fold_yo)
    for index, answer in enumerate(field.answers):
        if _wildcard(answer.text, field.case_sensitive, field.fold_yo).fullmatch(normal):
            return index
    return None


def _normalise(text: str, case_sensitive: bool, fold_yo: bool) -> str:
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if fold_yo:
        text = text.translate(_YO)
    return text if case_sensitive else text.casefold()


@lru_cache(maxsize=4096)
def _wildcard(pattern: str, case_sensitive: bool, fold_yo: bool) -> re.Pattern[str]:
    """Moodle's compare_string_with_wildcard: `*` is any run of characters, `\\*` a star."""
    bits = _STARS.split(_normalise(pattern, case_sensitive, fold_yo))
    return re.compile(".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits), re.DOTALL)


# --- The right response and descriptions ---------------------------------------------------------


def right_response(item: Item) -> Response | None:
    """A response with the best grade the item gives: 1, unless an earlier answer with less
    credit catches every text of the full-credit ones. None for essay and description."""
    kind = item.type
    if kind is ItemType.TRUE_FALSE:
        return {"value": item.correct_answer}
    if kind is ItemType.MATCHING:
        pairs = {str(i): pair.answer.strip() for i, pair in enumerate(item.pairs) if pair.question}
        return {"pairs": pairs} if pairs else None
    if kind is ItemType.ORDERING:
        return {"order": list(range(len(item.answers)))} if item.answers else None
    fields = [_right_value(field) for field in _fields(item)]
    if kind is ItemType.CLOZE:
        parts = {str(k): value for k, value in enumerate(fields) if value is not None}
        return {"parts": parts} if parts else None
    return {_KEY[kind]: fields[0]} if kind in _KEY and fields[0] is not None else None


def _right_value(field: _Field) -> Any:
    fractions = [answer.fraction for answer in field.answers]
    if not fractions:
        return None
    if field.mode == "multi":
        return [index for index, fraction in enumerate(fractions) if fraction > 0] or None
    best = max(fractions)
    if field.mode == "choice":
        return fractions.index(best)
    candidates = [
        ("0" if text == "*" else text)
        if field.mode == "number"
        # A star stands for "x", not for nothing: "* км" must keep its space when stripped.
        else "x".join(bit.replace("\\*", "*") for bit in _STARS.split(text))
        for text, fraction in ((answer.text, answer.fraction) for answer in field.answers)
        if fraction == best
    ]
    for candidate in candidates:
        index = _match(field, candidate)
        if index is not None and fractions[index] == best:
            return candidate
    return candidates[0]


def right_answer(item: Item) -> str:
    """The right answer in plain Russian text, for the review page and the statistics."""
    kind = item.type
    plain = _plain_maker(item)
    if kind is ItemType.TRUE_FALSE:
        return _true_false(item.correct_answer)
    if kind is ItemType.MATCHING:
        return "; ".join(
            f"{plain(p.question)} → {plain(p.answer)}" for p in item.pairs if p.question
        )
    if kind is ItemType.ORDERING:
        return _describe_order(item, range(len(item.answers)))
    if kind is ItemType.ESSAY:
        return TEACHER_GRADES
    texts = [_right_text(field, plain) for field in _fields(item)]
    if kind is ItemType.CLOZE:
        return "; ".join(f"поле {number}: {text}" for number, text in enumerate(texts, 1))
    return texts[0] if texts else ""


def _right_text(field: _Field, plain: Callable[[str], str]) -> str:
    if field.mode == "multi":
        return "; ".join(plain(answer.text) for answer in field.answers if answer.fraction > 0)
    full = [answer for answer in field.answers if answer.fraction == FULL_CREDIT]
    if field.mode == "number":
        return " или ".join(
            "любое число" if a.text == "*" else _number_text(a.text, a.tolerance) for a in full
        )
    return " или ".join(plain(answer.text) for answer in full)


def describe_response(item: Item, response: Response | None) -> str:
    """What the student answered, in plain text; «нет ответа» when nothing."""
    response = clean_response(item, response)
    if response is None:
        return NO_ANSWER
    plain = _plain_maker(item)
    kind = item.type
    if kind is ItemType.TRUE_FALSE:
        return _true_false(response["value"])
    if kind is ItemType.ESSAY:
        return _plain_text(response["text"], "html")
    if kind is ItemType.MATCHING:
        pairs = response["pairs"].items()
        return "; ".join(f"{plain(item.pairs[int(k)].question)} → {v}" for k, v in pairs)
    if kind is ItemType.ORDERING:
        return _describe_order(item, response["order"])
    texts = [
        (number, _describe_value(field, value, plain))
        for number, field, value in _values(item, response)
    ]
    if kind is ItemType.CLOZE:
        return "; ".join(f"поле {number + 1}: {text}" for number, text in texts)
    return texts[0][1]


def _describe_value(field: _Field, value: Any, plain: Callable[[str], str]) -> str:
    if field.mode == "multi":
        return "; ".join(plain(field.answers[index].text) for index in value)
    return plain(field.answers[value].text) if field.mode == "choice" else str(value)


def response_keys(item: Item, response: Response | None) -> list[str]:
    """Stable keys of what was chosen, to count how often each option is: "a2" (answer 2),
    "true", a normalised text, "p0=text" (matching), "0,2,1" (ordering), "c1=a0" (cloze)."""
    response = clean_response(item, response)
    kind = item.type
    if response is None or kind is ItemType.ESSAY:
        return []
    if kind is ItemType.TRUE_FALSE:
        return ["true" if response["value"] else "false"]
    if kind is ItemType.MATCHING:
        return [f"p{key}={value}" for key, value in response["pairs"].items()]
    if kind is ItemType.ORDERING:
        return [",".join(str(index) for index in response["order"])]
    prefix = "c{}=" if kind is ItemType.CLOZE else ""
    return [
        prefix.format(number) + key
        for number, field, value in _values(item, response)
        for key in _value_keys(field, value)
    ]


def _value_keys(field: _Field, value: Any) -> list[str]:
    if field.mode == "multi":
        return [f"a{index}" for index in value]
    if field.mode == "choice":
        return [f"a{value}"]
    if field.mode == "number":
        number = parse_number(value)
        if number is not None:
            return [format_number(number)]
    return [_normalise(value, field.case_sensitive, field.fold_yo)]


def describe_key(item: Item, key: str) -> str:
    """A key of `response_keys` in plain text, to label the option counts of the statistics."""
    plain = _plain_maker(item)
    kind = item.type
    if kind is ItemType.TRUE_FALSE and key in ("true", "false"):
        return _true_false(key == "true")
    if kind is ItemType.ORDERING:
        places = [int(index) for index in key.split(",") if index.isdigit()]
        if sorted(places) == list(range(len(item.answers))):
            return _describe_order(item, places)
    fields = _fields(item)
    left, _equals, text = key.partition("=")
    if kind is ItemType.MATCHING and (index := _key_index(left, "p", len(item.pairs))) is not None:
        return f"{plain(item.pairs[index].question)} → {text}"
    if kind is ItemType.CLOZE and (index := _key_index(left, "c", len(fields))) is not None:
        return f"поле {index + 1}: {_describe_key_of(fields[index], text, plain)}"
    return _describe_key_of(fields[0], key, plain) if kind in _KEY else key


def _describe_key_of(field: _Field, key: str, plain: Callable[[str], str]) -> str:
    index = _key_index(key, "a", len(field.answers)) if field.mode in ("choice", "multi") else None
    return key if index is None else plain(field.answers[index].text)


def _key_index(key: str, prefix: str, size: int) -> int | None:
    number = key.removeprefix(prefix)
    if key.startswith(prefix) and number.isdigit() and int(number) < size:
        return int(number)
    return None


def _number_text(value: str, tolerance: Decimal | None) -> str:
    text = value.replace(".", ",")
    return f"{text} (± {format_number(tolerance).replace('.', ',')})" if tolerance else text


def _true_false(value: bool) -> str:
    return "верно" if value else "неверно"


def _describe_order(item: Item, order: Iterable[int]) -> str:
    plain = _plain_maker(item)
    return "; ".join(f"{place}) {plain(item.answers[i].text)}" for place, i in enumerate(order, 1))


def _plain_maker(item: Item) -> Callable[[str], str]:
    return lambda text: _plain_text(text, item.text_format)


def _plain_text(text: str, text_format: str) -> str:
    if text_format != "plain":
        text = html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", text)))
    return _SPACES.sub(" ", text).strip()


# --- Display order -----------------------------------------------------------------------------


def matching_choices(item: Item) -> list[str]:
    """The distinct answers of a matching item (distractors too), in the item's order."""
    return list(dict.fromkeys(pair.answer.strip() for pair in item.pairs))


def layout(item: Item, rng: Random, shuffle: bool) -> dict[str, Any]:
    """The display order an attempt keeps: {"answers": […]} (choice), {"choices": […]}
    (matching's answer texts), {"order": […]} (ordering, never shown solved) or
    {"parts": {"k": […]}} (the cloze fields that shuffle, _S); {} for the other types."""
    kind = item.type
    if kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        order = list(range(len(item.answers)))
        if shuffle and item.shuffle_answers:
            rng.shuffle(order)
        return {"answers": order}
    if kind is ItemType.MATCHING:
        choices = matching_choices(item)
        if shuffle:
            rng.shuffle(choices)
        else:
            choices.sort()
        return {"choices": choices}
    if kind is ItemType.ORDERING:
        order = list(range(len(item.answers)))
        rng.shuffle(order)
        if len(order) >= 2 and order == sorted(order):
            first, second = rng.sample(range(len(order)), 2)
            order[first], order[second] = order[second], order[first]
        return {"order": order}
    parts = {}
    if kind is ItemType.CLOZE and shuffle:
        for number, part in enumerate(item.cloze_parts):
            if part.is_choice and "S" in part.kind.value.partition("_")[2]:
                parts[str(number)] = rng.sample(range(len(part.answers)), len(part.answers))
    return {"parts": parts} if parts else {}
