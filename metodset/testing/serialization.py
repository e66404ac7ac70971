"""An `Item` as JSON for `QuestionVersion.data`, and back.

Decimals are written as strings (a float would turn 33.33333 into 33.333330000000004),
files as base64. `source` — where a file had the item — is not part of the question and is
not kept. `VERSION` lets a later reader tell old layouts apart.
"""

import base64
from decimal import Decimal
from typing import Any

from metodset.testing.formats.items import (
    Answer,
    ClozeAnswer,
    ClozeKind,
    ClozePart,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
    TextFormat,
)

VERSION = 1


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _read_decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def to_data(item: Item) -> dict[str, Any]:
    """The item as plain JSON values; `from_data(to_data(item)) == item`."""
    return {
        "version": VERSION,
        "type": item.type.value,
        "name": item.name,
        "text": item.text,
        "text_format": item.text_format,
        "category": list(item.category),
        "general_feedback": item.general_feedback,
        "default_grade": str(item.default_grade),
        "penalty": str(item.penalty),
        "id_number": item.id_number,
        "tags": list(item.tags),
        "files": {
            name: base64.b64encode(content).decode("ascii") for name, content in item.files.items()
        },
        "hints": list(item.hints),
        "answers": [
            {"text": answer.text, "fraction": str(answer.fraction), "feedback": answer.feedback}
            for answer in item.answers
        ],
        "shuffle_answers": item.shuffle_answers,
        "answer_numbering": item.answer_numbering,
        "correct_feedback": item.correct_feedback,
        "partially_correct_feedback": item.partially_correct_feedback,
        "incorrect_feedback": item.incorrect_feedback,
        "case_sensitive": item.case_sensitive,
        "fold_yo": item.fold_yo,
        "numerical_answers": [
            {
                "value": _decimal(answer.value),
                "tolerance": str(answer.tolerance),
                "fraction": str(answer.fraction),
                "feedback": answer.feedback,
            }
            for answer in item.numerical_answers
        ],
        "correct_answer": item.correct_answer,
        "feedback_true": item.feedback_true,
        "feedback_false": item.feedback_false,
        "pairs": [{"question": pair.question, "answer": pair.answer} for pair in item.pairs],
        "cloze_parts": [
            {
                "kind": part.kind.value,
                "weight": part.weight,
                "source": part.source,
                "answers": [
                    {
                        "text": answer.text,
                        "fraction": str(answer.fraction),
                        "feedback": answer.feedback,
                        "tolerance": _decimal(answer.tolerance),
                    }
                    for answer in part.answers
                ],
            }
            for part in item.cloze_parts
        ],
        "grader_info": item.grader_info,
        "response_template": item.response_template,
        "moodle_options": dict(item.moodle_options),
    }


def from_data(data: dict[str, Any]) -> Item:
    """The item `to_data` wrote."""
    text_format: TextFormat = data["text_format"]
    return Item(
        type=ItemType(data["type"]),
        name=data["name"],
        text=data["text"],
        text_format=text_format,
        category=list(data["category"]),
        general_feedback=data["general_feedback"],
        default_grade=Decimal(data["default_grade"]),
        penalty=Decimal(data["penalty"]),
        id_number=data["id_number"],
        tags=list(data["tags"]),
        files={name: base64.b64decode(content) for name, content in data["files"].items()},
        hints=list(data["hints"]),
        answers=[
            Answer(
                text=answer["text"],
                fraction=Decimal(answer["fraction"]),
                feedback=answer["feedback"],
            )
            for answer in data["answers"]
        ],
        shuffle_answers=data["shuffle_answers"],
        answer_numbering=data["answer_numbering"],
        correct_feedback=data["correct_feedback"],
        partially_correct_feedback=data["partially_correct_feedback"],
        incorrect_feedback=data["incorrect_feedback"],
        case_sensitive=data["case_sensitive"],
        fold_yo=data["fold_yo"],
        numerical_answers=[
            NumericalAnswer(
                value=_read_decimal(answer["value"]),
                tolerance=Decimal(answer["tolerance"]),
                fraction=Decimal(answer["fraction"]),
                feedback=answer["feedback"],
            )
            for answer in data["numerical_answers"]
        ],
        correct_answer=data["correct_answer"],
        feedback_true=data["feedback_true"],
        feedback_false=data["feedback_false"],
        pairs=[
            MatchPair(question=pair["question"], answer=pair["answer"]) for pair in data["pairs"]
        ],
        cloze_parts=[
            ClozePart(
                kind=ClozeKind(part["kind"]),
                weight=part["weight"],
                source=part["source"],
                answers=[
                    ClozeAnswer(
                        text=answer["text"],
                        fraction=Decimal(answer["fraction"]),
                        feedback=answer["feedback"],
                        tolerance=_read_decimal(answer["tolerance"]),
                    )
                    for answer in part["answers"]
                ],
            )
            for part in data["cloze_parts"]
        ],
        grader_info=data["grader_info"],
        response_template=data["response_template"],
        moodle_options=dict(data["moodle_options"]),
    )
