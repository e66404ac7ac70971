"""Question items independent of any file format, and what a reader reports about a file.

One flat `Item` carries every type: the fields a type does not use keep their defaults, so
two items compare equal field by field (the round-trip tests rely on it). Fractions are per
cent (`Decimal("-33.33333")`), as GIFT and Moodle XML write them. Answers and feedback share
the item's text format, as Moodle's editor saves them; a per-answer format tag in a file is
read and dropped. Every text is stripped, as Moodle strips it on import.
"""

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from typing import Literal


class ItemType(StrEnum):
    SINGLE_CHOICE = "single_choice"  # Moodle multichoice, single=true
    MULTIPLE_CHOICE = "multiple_choice"  # Moodle multichoice, single=false, partial credit
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"
    NUMERICAL = "numerical"
    MATCHING = "matching"
    ORDERING = "ordering"  # Moodle's "ordering" question type
    CLOZE = "cloze"  # Moodle's "multianswer" (embedded answers)
    ESSAY = "essay"
    DESCRIPTION = "description"  # text only, no answer


TextFormat = Literal["html", "plain", "markdown", "moodle"]
TEXT_FORMATS: tuple[TextFormat, ...] = ("html", "plain", "markdown", "moodle")

# Item.moodle_options key of the difficulty (1–5) a teacher gives in the XLSX sheet; the
# bank keeps it in Question.difficulty, and Moodle XML carries it as its own element.
DIFFICULTY_OPTION = "metodset_difficulty"
FULL_CREDIT = Decimal(100)
DEFAULT_PENALTY = Decimal("0.3333333")
# Moodle writes a multiple-choice item whose three right answers get 33.33333% each; the
# sum is 99.99999, and teachers write 33.3%. A tenth of a per cent is close enough.
FRACTION_SUM_TOLERANCE = Decimal("0.1")


@dataclass(slots=True)
class Answer:
    """A choice, an accepted short answer, or one step of an ordering item (in order)."""

    text: str
    fraction: Decimal = Decimal(0)  # per cent; ordering steps keep 0
    feedback: str = ""


@dataclass(slots=True)
class NumericalAnswer:
    value: Decimal | None  # None is Moodle's "*": any other number, to give it feedback
    tolerance: Decimal = Decimal(0)
    fraction: Decimal = FULL_CREDIT
    feedback: str = ""


@dataclass(slots=True)
class MatchPair:
    question: str  # empty: an extra wrong answer to choose from
    answer: str


class ClozeKind(StrEnum):
    """The long names of Moodle's embedded-answer types; `CLOZE_KIND_ALIASES` has the rest."""

    SHORTANSWER = "SHORTANSWER"
    SHORTANSWER_C = "SHORTANSWER_C"  # case sensitive
    NUMERICAL = "NUMERICAL"
    MULTICHOICE = "MULTICHOICE"  # drop-down
    MULTICHOICE_V = "MULTICHOICE_V"  # radio buttons, vertical
    MULTICHOICE_H = "MULTICHOICE_H"  # radio buttons, horizontal
    MULTICHOICE_S = "MULTICHOICE_S"  # _S: shuffled
    MULTICHOICE_VS = "MULTICHOICE_VS"
    MULTICHOICE_HS = "MULTICHOICE_HS"
    MULTIRESPONSE = "MULTIRESPONSE"  # check boxes
    MULTIRESPONSE_H = "MULTIRESPONSE_H"
    MULTIRESPONSE_S = "MULTIRESPONSE_S"
    MULTIRESPONSE_HS = "MULTIRESPONSE_HS"


CLOZE_KIND_ALIASES: dict[str, ClozeKind] = {
    **{kind.value: kind for kind in ClozeKind},
    "SA": ClozeKind.SHORTANSWER,
    "MW": ClozeKind.SHORTANSWER,
    "SAC": ClozeKind.SHORTANSWER_C,
    "MWC": ClozeKind.SHORTANSWER_C,
    "NM": ClozeKind.NUMERICAL,
    "MC": ClozeKind.MULTICHOICE,
    "MCV": ClozeKind.MULTICHOICE_V,
    "MCH": ClozeKind.MULTICHOICE_H,
    "MCS": ClozeKind.MULTICHOICE_S,
    "MCVS": ClozeKind.MULTICHOICE_VS,
    "MCHS": ClozeKind.MULTICHOICE_HS,
    "MR": ClozeKind.MULTIRESPONSE,
    "MRH": ClozeKind.MULTIRESPONSE_H,
    "MRS": ClozeKind.MULTIRESPONSE_S,
    "MRHS": ClozeKind.MULTIRESPONSE_HS,
}


@dataclass(slots=True)
class ClozeAnswer:
    text: str  # for NUMERICAL the number as written ("3,14" stays so), or "*"
    fraction: Decimal = Decimal(0)
    feedback: str = ""
    tolerance: Decimal | None = None  # NUMERICAL only


@dataclass(slots=True)
class ClozePart:
    """One embedded field `{1:MULTICHOICE:=a~b}` of a cloze text, in the order of the text."""

    kind: ClozeKind
    weight: int
    answers: list[ClozeAnswer]
    source: str  # the field exactly as written in the text, to find and replace it

    @property
    def is_multiple_response(self) -> bool:
        return self.kind.startswith("MULTIRESPONSE")

    @property
    def is_choice(self) -> bool:
        return self.kind.startswith("MULTI")

    @property
    def is_case_sensitive(self) -> bool:
        return self.kind is ClozeKind.SHORTANSWER_C


@dataclass(slots=True)
class Item:
    """A question as any format carries it; see the module docstring for the conventions."""

    type: ItemType
    name: str
    text: str  # for a cloze item, the raw text with its `{…}` fields
    text_format: TextFormat = "html"
    category: list[str] = field(default_factory=list)  # path from the top: ["Алгебра", "Дроби"]
    general_feedback: str = ""
    default_grade: Decimal = Decimal(1)
    penalty: Decimal = DEFAULT_PENALTY  # share of the grade lost per retry (Moodle's 0…1)
    id_number: str = ""
    tags: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # images, by @@PLUGINFILE@@ name
    hints: list[str] = field(default_factory=list)
    # Single and multiple choice, short answer, ordering (the steps, in the right order).
    answers: list[Answer] = field(default_factory=list)
    shuffle_answers: bool = True  # choice and matching
    answer_numbering: str = "abc"  # choice: abc, ABCD, 123, iii, IIII, none
    correct_feedback: str = ""  # choice, matching, ordering
    partially_correct_feedback: str = ""
    incorrect_feedback: str = ""
    case_sensitive: bool = False  # short answer
    fold_yo: bool = False  # short answer: «ё» and «е» count as the same letter when grading
    numerical_answers: list[NumericalAnswer] = field(default_factory=list)
    correct_answer: bool = True  # true/false
    feedback_true: str = ""  # shown to whoever answered «верно»
    feedback_false: str = ""  # shown to whoever answered «неверно»
    pairs: list[MatchPair] = field(default_factory=list)
    cloze_parts: list[ClozePart] = field(default_factory=list)  # parsed from `text`
    grader_info: str = ""  # essay: notes for the teacher who grades it
    response_template: str = ""  # essay
    # Other settings of a Moodle XML question (essay's responseformat, ordering's
    # layouttype …) that Metodset does not interpret yet but writes back unchanged.
    moodle_options: dict[str, str] = field(default_factory=dict)
    # Where the item was found ("строка 12", "вопрос №7"), for the import preview.
    source: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ParseError:
    """An item (or a whole file) that could not be read, and why, in Russian."""

    line: int | None  # 1-based, where the item starts (GIFT, Aiken) or its element (XML)
    element: str | None  # «вопрос №7 (multichoice «Дроби»)» for XML; None for text formats
    message: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"строка {self.line}")
        if self.element:
            where.append(self.element)
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(slots=True)
class ParseResult:
    items: list[Item] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    categories: list[list[str]] = field(default_factory=list)  # declared, in file order

    def add_category(self, path: list[str]) -> None:
        if path and path not in self.categories:
            self.categories.append(path)


# --- Shared helpers of the formats -----------------------------------------------------------

_NUMBER = re.compile(r"-?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?")


@lru_cache(maxsize=4096)
def parse_number(text: str) -> Decimal | None:
    """A number as teachers write it (a decimal comma allowed), or None.

    Cached: a bank repeats its fractions and tolerances ("100", "-50", "0.01") on every
    answer, and a Decimal never changes."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None


def format_number(number: Decimal) -> str:
    """Plain notation without exponent or trailing zeros: 100, 0.3333333, -2.5."""
    text = format(number, "f")  # not normalize(): it rounds to the context's 28 digits
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_CONTEXT_PREFIX = re.compile(r"^\$[a-z0-9]+\$/?")
_PATH_SEPARATOR = re.compile(r"(?<!/)/(?!/)")


def split_category_path(path: str) -> list[str]:
    """`$course$/top/Алгебра/Дроби` or `Алгебра/Дроби` → ["Алгебра", "Дроби"].

    As Moodle reads it (qformat_default::split_category_path): "//" is a slash inside a
    name, the context prefix and the "top" category of Moodle 3.5+ are dropped.
    """
    path = _CONTEXT_PREFIX.sub("", path.strip())
    names = [name.replace("//", "/").strip() for name in _PATH_SEPARATOR.split(path)]
    names = [name for name in names if name]
    if names and names[0] == "top":
        names = names[1:]
    return names


def join_category_path(names: list[str]) -> str:
    """The path as Moodle 3.5+ writes it: `$course$/top/Алгебра/Дроби`."""
    return "/".join(["$course$", "top", *(name.replace("/", "//") for name in names)])


_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
NAME_LENGTH = 80


def default_name(text: str) -> str:
    """A name made from the question text, for items that come without one (as Moodle does)."""
    plain = _SPACES.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()
    if len(plain) > NAME_LENGTH:
        plain = plain[: NAME_LENGTH - 1].rstrip() + "…"
    return plain or "Вопрос без названия"


def describe(number: int, item: Item) -> str:
    """«вопрос №7 (single_choice «Дроби»)»: how errors and export problems name an item."""
    return f"вопрос №{number} ({item.type.value} «{item.name}»)"


def _percent(value: Decimal) -> str:
    return f"{format_number(value)}%"


def validate_item(item: Item) -> list[str]:
    """What stops the item from being asked and graded, in Russian; empty when it is fine."""
    reasons: list[str] = []
    if not item.text.strip():
        reasons.append("пустой текст вопроса")
    answers = item.answers
    fractions = [answer.fraction for answer in answers]
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        if len(answers) < 2:
            reasons.append("в вопросе с выбором нужно не менее двух вариантов ответа")
        if any(not answer.text for answer in answers):
            reasons.append("пустой вариант ответа")
        reasons.extend(
            f"оценка варианта «{answer.text}» ({_percent(answer.fraction)}) вне диапазона от −100% до 100%"
            for answer in answers
            if not -FULL_CREDIT <= answer.fraction <= FULL_CREDIT
        )
        positive = sum((fraction for fraction in fractions if fraction > 0), Decimal(0))
        if item.type is ItemType.SINGLE_CHOICE and answers and FULL_CREDIT not in fractions:
            reasons.append("нет правильного ответа (варианта с оценкой 100%)")
        elif item.type is ItemType.MULTIPLE_CHOICE and answers:
            if positive == 0:
                reasons.append("нет правильного ответа (варианта с положительной оценкой)")
            elif abs(positive - FULL_CREDIT) > FRACTION_SUM_TOLERANCE:
                reasons.append(
                    f"сумма положительных оценок вариантов должна быть 100%, а не {_percent(positive)}"
                )
    elif item.type is ItemType.SHORT_ANSWER:
        if not answers:
            reasons.append("нет ни одного правильного ответа")
        elif FULL_CREDIT not in fractions:
            reasons.append("нет ответа с оценкой 100%")
        if any(not answer.text for answer in answers):
            reasons.append("пустой ответ")
    elif item.type is ItemType.NUMERICAL:
        numbers = item.numerical_answers
        if not any(answer.value is not None for answer in numbers):
            reasons.append("нет числового ответа")
        elif FULL_CREDIT not in [answer.fraction for answer in numbers]:
            reasons.append("нет ответа с оценкой 100%")
        if any(answer.tolerance < 0 for answer in numbers):
            reasons.append("погрешность не может быть отрицательной")
    elif item.type is ItemType.MATCHING:
        if sum(1 for pair in item.pairs if pair.question) < 2:
            reasons.append("вопрос на соответствие: нужно не менее двух пар")
        if any(not pair.answer for pair in item.pairs):
            reasons.append("вопрос на соответствие: у пары нет ответа")
    elif item.type is ItemType.ORDERING:
        if len(answers) < 2:
            reasons.append("вопрос на упорядочивание: нужно не менее двух элементов")
        if any(not answer.text for answer in answers):
            reasons.append("вопрос на упорядочивание: пустой элемент")
    elif item.type is ItemType.CLOZE:
        if not item.cloze_parts:
            reasons.append("в тексте нет ни одного поля для ответа вида {1:SHORTANSWER:=…}")
        for number, part in enumerate(item.cloze_parts, 1):
            reasons.extend(f"поле №{number}: {reason}" for reason in _cloze_part_problems(part))
    return reasons


def _cloze_part_problems(part: ClozePart) -> list[str]:
    reasons = []
    fractions = [answer.fraction for answer in part.answers]
    if any(not answer.text for answer in part.answers):
        reasons.append("пустой вариант ответа")
    if part.is_multiple_response:
        if not any(fraction > 0 for fraction in fractions):
            reasons.append("нет правильного ответа (варианта с положительной оценкой)")
    elif FULL_CREDIT not in fractions:
        reasons.append("нет правильного ответа (с «=» или %100%)")
    if part.kind is ClozeKind.NUMERICAL:
        reasons.extend(
            f"«{answer.text}» — не число"
            for answer in part.answers
            if answer.text != "*" and parse_number(answer.text) is None
        )
    return reasons
