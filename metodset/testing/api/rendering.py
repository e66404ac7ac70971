"""Items as the API shows them: the student's view of an attempt item (never its key) and
the review after the test.

Texts are made safe by the same function the attempt pages use (`testing_tags.item_html`:
nh3, formulas kept for KaTeX, the item's own images inlined as data: URLs), so a client
gets exactly the HTML a page shows and needs no second request for an image.
"""

import re
from typing import Any

from metodset.testing import grading, rendering
from metodset.testing.formats.items import Item, ItemType
from metodset.testing.labels import type_label
from metodset.testing.models import AttemptItem

# A cloze field's place while the text is made safe: nothing a format or nh3 changes.
_FIELD_MARK = "\u2045{}\u2046"
_FIELD_MARK_RE = re.compile("\u2045(\\d+)\u2046")
_FIELD_HTML = '<span class="cloze-field" data-field="{}"></span>'


def safe_html(item: Item, text: str) -> str:
    """One text of the item (the question, an option, a feedback) as safe HTML."""
    return str(rendering.item_html(text, item.text_format, files=item.files))


def question_html(item: Item) -> str:
    """The question's text; a cloze item's fields (which hold the key) become empty marks
    the client puts its inputs in."""
    text = item.text
    if item.type is ItemType.CLOZE:
        for number, part in enumerate(item.cloze_parts):
            text = text.replace(part.source, _FIELD_MARK.format(number), 1)
    clean = safe_html(item, text)
    return _FIELD_MARK_RE.sub(lambda match: _FIELD_HTML.format(match[1]), clean)


def _options(item: Item, texts: list[str], order: list[int] | None) -> list[dict[str, Any]]:
    indices = order if order is not None and sorted(order) == list(range(len(texts))) else None
    return [
        {"index": index, "text": safe_html(item, texts[index])}
        for index in (indices if indices is not None else range(len(texts)))
    ]


def _cloze_kind(part: Any) -> str:
    if part.is_multiple_response:
        return "multiple"
    if part.is_choice:
        return "choice"
    return "number" if part.kind.value == "NUMERICAL" else "text"


def student_item(row: AttemptItem, item: Item) -> dict[str, Any]:
    """What the student's client needs to show and answer one item: its text, its options
    in the attempt's display order with their original indices, the saved answer. Never
    the fractions, the accepted answers or any feedback: the key stays on the server."""
    layout = row.layout or {}
    out: dict[str, Any] = {
        "position": row.position,
        "type": item.type.value,
        "type_label": type_label(item.type.value),
        "text": question_html(item),
        "points": row.points,
        "options": [],
        "stems": [],
        "choices": [],
        "fields": [],
        "response_template": "",
        "response": row.response,
        "answered_at": row.answered_at,
        "flagged": row.flagged,
    }
    texts = [answer.text for answer in item.answers]
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        out["options"] = _options(item, texts, layout.get("answers"))
    elif item.type is ItemType.ORDERING:
        out["options"] = _options(item, texts, layout.get("order"))
    elif item.type is ItemType.MATCHING:
        out["stems"] = [
            {"index": index, "text": safe_html(item, pair.question)}
            for index, pair in enumerate(item.pairs)
            if pair.question
        ]
        choices = layout.get("choices")
        out["choices"] = list(choices) if choices else sorted(grading.matching_choices(item))
    elif item.type is ItemType.CLOZE:
        orders = layout.get("parts", {})
        out["fields"] = [
            {
                "index": number,
                "kind": _cloze_kind(part),
                "options": (
                    _options(
                        item, [answer.text for answer in part.answers], orders.get(str(number))
                    )
                    if part.is_choice
                    else []
                ),
            }
            for number, part in enumerate(item.cloze_parts)
        ]
    elif item.type is ItemType.ESSAY:
        out["response_template"] = item.response_template
    return out


def _saved_response(item: Item, response: Any) -> dict[str, Any] | None:
    try:
        return grading.clean_response(item, response)
    except grading.InvalidResponseError:
        # An answer saved under an older version of a re-graded question: shown as none.
        return None


def review_item(row: AttemptItem, item: Item) -> dict[str, Any]:
    """One item after the test: the answer and the right one in words, the score, the
    feedback the answer earned and the teacher's comment."""
    response = _saved_response(item, row.response)
    scored = grading.is_scored(item)
    feedback = grading.grade(item, response).feedback if scored else []
    return {
        "position": row.position,
        "type": item.type.value,
        "type_label": type_label(item.type.value),
        "text": question_html(item),
        "points": row.points,
        "score": row.score,
        "needs_grading": row.needs_grading,
        "response": row.response,
        "your_answer": grading.describe_response(item, response) if scored else "",
        "right_answer": grading.right_answer(item) if scored else "",
        "feedback": [html for html in (safe_html(item, text) for text in feedback) if html],
        "general_feedback": safe_html(item, item.general_feedback),
        "comment": row.comment,
    }
