"""Showing a question of an attempt: the item's text made safe, its options in the order the
attempt keeps, the student's saved answer and, on review pages, what was right.

`{% attempt_question row %}` renders `testing/includes/question_<type>.html` for an
`AttemptItem`; `readonly=True` disables the controls (the answer stays visible) and
`review=True` adds the verdict, the right answer and the feedback. The controls post the
ORIGINAL indices of options (`grading`'s response shapes); only their order on the page
comes from the attempt's layout.
"""

import html
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from metodset.testing import grading, rendering
from metodset.testing.formats.items import ClozeKind, ClozePart, Item, ItemType
from metodset.testing.models import AttemptItem
from metodset.testing.services.attempts import item_of_version

register = template.Library()

# Cloze fields are replaced by tokens before the text is sanitized as a whole (a field
# inside a <p> would otherwise split the paragraph), then the safe HTML is cut at them.
_FIELD_TOKEN = "CLOZEFIELD{}X"  # noqa: S105 - a placeholder, not a password
_FIELD_SPLIT = re.compile(r"CLOZEFIELD(\d+)X")
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def item_html(text: str, text_format: str = "html", version_id: int | None = None) -> SafeString:
    """A text of an item (question, option, feedback) as safe HTML (`rendering.item_html`)."""
    return rendering.item_html(text, text_format, version_id)


def plain_text(text: str, text_format: str = "html") -> str:
    """A text for a place without markup (an option of a drop-down list)."""
    if text_format not in ("plain", "moodle"):
        text = html.unescape(_TAG.sub(" ", text))
    return _SPACES.sub(" ", text).strip()


# --- The question as the page shows it -----------------------------------------------------


@dataclass(slots=True)
class Option:
    """An option of a choice, a step of an ordering item, or an option of a cloze field;
    `index` is its place in the item's original order (what the page posts)."""

    index: int
    html: SafeString
    label: str
    checked: bool = False
    is_right: bool = False


@dataclass(slots=True)
class Choice:
    """An answer of a matching question: posted as its text, shown without markup."""

    value: str
    label: str


@dataclass(slots=True)
class Pair:
    """A left item of a matching question with the answer chosen for it."""

    index: int
    question: SafeString
    selected: str
    right: str = ""
    is_right: bool = False


@dataclass(slots=True)
class ClozeField:
    number: int  # 0-based, as the response keys it
    control: str  # "text", "number", "select", "radio" or "checkbox"
    options: list[Option]
    value: str = ""
    horizontal: bool = False
    verdict: str = ""
    right: str = ""

    @property
    def label(self) -> int:
        return self.number + 1


@dataclass(slots=True)
class Segment:
    html: SafeString
    field: ClozeField | None = None


@dataclass(slots=True)
class QuestionView:
    row: AttemptItem
    item: Item
    type: str
    position: int
    text: SafeString
    response: dict[str, Any] | None
    options: list[Option] = field(default_factory=list)
    value: bool | None = None
    answer_text: str = ""
    pairs: list[Pair] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    steps: list[Option] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    # Review only.
    verdict: str = ""  # right, partial, wrong, pending, unanswered; "" for a description
    right_answer: str = ""
    feedback: list[SafeString] = field(default_factory=list)
    general_feedback: SafeString = field(default_factory=lambda: mark_safe(""))

    @property
    def answered(self) -> bool:
        return self.response is not None

    @property
    def true_false_options(self) -> list[tuple[bool, str]]:
        return [(True, _("Верно")), (False, _("Неверно"))]

    @property
    def places(self) -> range:
        """The numbers of the places of an ordering item (1…n), for its drop-down lists."""
        return range(1, len(self.steps) + 1)


def _clean(item: Item, response: Any) -> dict[str, Any] | None:
    try:
        return grading.clean_response(item, response)
    except grading.InvalidResponseError:
        # An answer saved under an older version of a re-graded question: shown as none.
        return None


def _order(order: object, size: int) -> list[int]:
    """The display order the attempt keeps, or the item's own when it has none that fits."""
    if isinstance(order, list) and sorted(order) == list(range(size)):
        return [int(index) for index in order]
    return list(range(size))


def _verdict(fraction: Decimal | None) -> str:
    if fraction is None:
        return ""
    if fraction >= 1:
        return "right"
    return "partial" if fraction > 0 else "wrong"


def question_view(row: AttemptItem, *, review: bool = False) -> QuestionView:
    """Everything the question's template needs, built once in Python."""
    item = item_of_version(row.version_id)
    response = _clean(item, row.response)
    layout = row.layout if isinstance(row.layout, dict) else {}
    shown = QuestionView(
        row=row,
        item=item,
        type=item.type.value,
        position=row.position,
        text=item_html(item.text, item.text_format, row.version_id),
        response=response,
    )

    def rich(text: str) -> SafeString:
        return item_html(text, item.text_format, row.version_id)

    kind = item.type
    if kind in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        chosen = set(
            (response or {}).get("choices", [])
            if kind is ItemType.MULTIPLE_CHOICE
            else [(response or {}).get("choice")]
        )
        shown.options = [
            Option(
                index=index,
                html=rich(item.answers[index].text),
                label=plain_text(item.answers[index].text, item.text_format),
                checked=index in chosen,
                is_right=item.answers[index].fraction > 0,
            )
            for index in _order(layout.get("answers"), len(item.answers))
        ]
    elif kind is ItemType.TRUE_FALSE:
        shown.value = None if response is None else bool(response["value"])
    elif kind in (ItemType.SHORT_ANSWER, ItemType.NUMERICAL, ItemType.ESSAY):
        shown.answer_text = (response or {}).get("text", "")
        if kind is ItemType.ESSAY and response is None:
            shown.answer_text = plain_text(item.response_template, item.text_format)
    elif kind is ItemType.MATCHING:
        given = (response or {}).get("pairs", {})
        choices = layout.get("choices")
        texts = (
            [str(choice) for choice in choices]
            if isinstance(choices, list)
            else grading.matching_choices(item)
        )
        shown.choices = [Choice(text, plain_text(text, item.text_format)) for text in texts]
        shown.pairs = [
            Pair(
                index=index,
                question=rich(pair.question),
                selected=given.get(str(index), ""),
                right=pair.answer.strip(),
                is_right=given.get(str(index)) == pair.answer.strip(),
            )
            for index, pair in enumerate(item.pairs)
            if pair.question
        ]
    elif kind is ItemType.ORDERING:
        size = len(item.answers)
        order = (response or {}).get("order") or _order(layout.get("order"), size)
        texts = [answer.text for answer in item.answers]
        shown.steps = [
            Option(
                index=index,
                html=rich(texts[index]),
                label=plain_text(texts[index], item.text_format),
                checked=response is not None,
                is_right=texts[index] == texts[place],
            )
            for place, index in enumerate(order)
        ]
    elif kind is ItemType.CLOZE:
        shown.segments = _cloze_segments(item, response, layout, row.version_id)
    if review:
        _add_review(shown)
    return shown


def _cloze_control(part: ClozePart) -> str:
    if part.is_multiple_response:
        return "checkbox"
    if part.is_choice:
        suffix = part.kind.value.partition("_")[2]
        return "radio" if ("V" in suffix or "H" in suffix) else "select"
    return "number" if part.kind is ClozeKind.NUMERICAL else "text"


def _cloze_segments(
    item: Item, response: dict[str, Any] | None, layout: dict[str, Any], version_id: int
) -> list[Segment]:
    text = item.text
    for number, part in enumerate(item.cloze_parts):
        text = text.replace(part.source, _FIELD_TOKEN.format(number), 1)
    pieces = _FIELD_SPLIT.split(item_html(text, item.text_format, version_id))
    given = (response or {}).get("parts", {})
    orders = layout.get("parts", {}) if isinstance(layout.get("parts"), dict) else {}
    segments = [Segment(mark_safe(pieces[0]))]  # noqa: S308 - a piece of sanitized HTML
    for at in range(1, len(pieces), 2):
        number = int(pieces[at])
        part = item.cloze_parts[number]
        value = given.get(str(number))
        chosen = set(value) if isinstance(value, list) else {value}
        control = _cloze_control(part)
        options = []
        if part.is_choice:
            indices = _order(orders.get(str(number)), len(part.answers))
            options = [
                Option(
                    index=index,
                    html=item_html(part.answers[index].text, item.text_format, version_id),
                    label=plain_text(part.answers[index].text, item.text_format),
                    checked=index in chosen,
                    is_right=part.answers[index].fraction > 0,
                )
                for index in indices
            ]
        segments.append(
            Segment(
                mark_safe(""),
                ClozeField(
                    number=number,
                    control=control,
                    options=options,
                    value="" if value is None or part.is_choice else str(value),
                    horizontal="H" in part.kind.value.partition("_")[2],
                ),
            )
        )
        segments.append(Segment(mark_safe(pieces[at + 1])))  # noqa: S308 - sanitized HTML
    return segments


def _add_review(shown: QuestionView) -> None:
    item, row = shown.item, shown.row
    shown.general_feedback = item_html(item.general_feedback, item.text_format, row.version_id)
    if not grading.is_scored(item):
        return
    graded = grading.grade(item, shown.response)
    shown.feedback = [item_html(text, item.text_format, row.version_id) for text in graded.feedback]
    shown.right_answer = grading.right_answer(item)
    if row.needs_grading:
        shown.verdict = "pending"
    elif shown.response is None:
        shown.verdict = "unanswered"
    else:
        fraction = row.fraction if row.fraction is not None else graded.fraction
        shown.verdict = _verdict(fraction)
    if item.type is ItemType.CLOZE:
        right = grading.right_response(item) or {"parts": {}}
        for segment in shown.segments:
            if segment.field is None:
                continue
            number = segment.field.number
            if graded.parts and shown.response is not None:
                given = shown.response["parts"].get(str(number))
                segment.field.verdict = (
                    "unanswered" if given is None else _verdict(graded.parts[number])
                )
            value = right["parts"].get(str(number))
            part = item.cloze_parts[number]
            if isinstance(value, list):
                segment.field.right = "; ".join(
                    plain_text(part.answers[index].text, item.text_format) for index in value
                )
            elif isinstance(value, int) and part.is_choice:
                segment.field.right = plain_text(part.answers[value].text, item.text_format)
            elif value is not None:
                segment.field.right = str(value)


# --- Tags and filters ----------------------------------------------------------------------


@register.simple_tag
def attempt_question(row: AttemptItem, readonly: bool = False, review: bool = False) -> SafeString:
    """The question with its controls (`readonly`: disabled, showing the saved answer;
    `review`: also what was right)."""
    shown = question_view(row, review=review)
    return render_to_string(
        f"testing/includes/question_{shown.type}.html",
        {"q": shown, "readonly": readonly or review, "review": review},
    )


@register.filter
def item_text(item: Item) -> SafeString:
    """The question text of an item as safe HTML (formulas left for KaTeX; embedded images
    need `item_html` with the version)."""
    return item_html(item.text, item.text_format)


@register.filter
def points(value: Decimal | int | None) -> str:
    """12.50 → «12,5»: points as Russian pages write them."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") or "0"


@register.filter
def points_of(value: Decimal | int | None) -> str:
    """«16 баллов», «21 балла», «1 балла»: the maximum after «из»."""
    text = points(value)
    whole = text.split(",")[0]
    genitive = (
        _("балла")
        if "," in text or (whole.endswith("1") and not whole.endswith("11"))
        else _("баллов")
    )
    return f"{text} {genitive}"


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as the timer shows them: «4:05» or «1:04:05»."""
    seconds = max(int(seconds or 0), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"
