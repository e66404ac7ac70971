"""Moodle's embedded answers (cloze, qtype_multianswer): the `{…}` fields inside a text.

A field is `{weight:TYPE:alternative~alternative…}` (docs.moodle.org "Embedded Answers
(Cloze) question type"); an alternative is `=answer` (right), `%50%answer` (partial
credit, may be negative) or `answer` (wrong), each with an optional `#feedback`. A
NUMERICAL answer is `=3.14:0.01` (value and tolerance). `\\}`, `\\#`, `\\~` and `\\\\` escape
the field's own characters; the HTML editor's entities (`&lt;`) are decoded, as Moodle does.
The text keeps its fields as written; `parse_cloze` gives the structured view of them.
"""

import html
import re
from collections.abc import Iterable
from decimal import Decimal

from .items import (
    CLOZE_KIND_ALIASES,
    FULL_CREDIT,
    ClozeAnswer,
    ClozeKind,
    ClozePart,
    format_number,
    parse_number,
)

_FIELD_START = re.compile(r"\{(\d*):([A-Z_]+):")
_FRACTION = re.compile(r"=|%(-?\d+(?:[.,]\d*)?)%")
_TOLERANCE = re.compile(r"(.+?):([^:]+)")
_UNESCAPE = re.compile(r"\\([\\}#~])")


def parse_cloze(text: str) -> tuple[list[ClozePart], list[str]]:
    """The fields of a cloze text in order, and the problems of those that cannot be read."""
    parts: list[ClozePart] = []
    problems: list[str] = []
    position = 0
    while (start := _FIELD_START.search(text, position)) is not None:
        end = _closing_brace(text, start.end())
        if end is None:
            problems.append(f"поле «{start[0]}…» не закрыто фигурной скобкой «}}»")
            break
        source = text[start.start() : end + 1]
        position = end + 1
        kind = CLOZE_KIND_ALIASES.get(start[2])
        if kind is None:
            problems.append(f"поле «{source}»: неизвестный тип «{start[2]}»")
            continue
        alternatives = _split(text[start.end() : end], "~")
        if len(alternatives) > 1 and not alternatives[0].strip():
            alternatives = alternatives[1:]  # {1:MC:~wrong~=right}: Moodle allows a leading "~"
        answers = [_read_alternative(raw, kind) for raw in alternatives]
        parts.append(ClozePart(kind, int(start[1] or 1), answers, source))
    return parts, problems


def cloze_field(kind: ClozeKind, answers: Iterable[ClozeAnswer], weight: int = 1) -> str:
    """The `{…}` source of a field, which `parse_cloze` reads back to the same answers."""
    alternatives = []
    for answer in answers:
        if kind is ClozeKind.NUMERICAL and answer.text != "*":
            tolerance = answer.tolerance if answer.tolerance is not None else Decimal(0)
            body = f"{answer.text}:{format_number(tolerance)}"
        else:
            body = _escape(answer.text)
        if answer.fraction == FULL_CREDIT:
            prefix = "="
        elif answer.fraction != 0:
            prefix = f"%{format_number(answer.fraction)}%"
        else:
            # An answer that itself starts with "=" or "%…%" needs its 0% said aloud.
            prefix = "%0%" if _FRACTION.match(body) else ""
        feedback = f"#{_escape(answer.feedback)}" if answer.feedback else ""
        alternatives.append(prefix + body + feedback)
    return f"{{{weight}:{kind.value}:{'~'.join(alternatives)}}}"


def _closing_brace(text: str, position: int) -> int | None:
    index = position
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "}":
            return index
        index += 1
    return None


def _split(text: str, separator: str) -> list[str]:
    """Split at the separators that are not escaped; "&#" starts an entity, not feedback."""
    pieces = []
    current = 0
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == separator and not (char == "#" and index > 0 and text[index - 1] == "&"):
            pieces.append(text[current:index])
            current = index + 1
        index += 1
    pieces.append(text[current:])
    return pieces


def _read_alternative(raw: str, kind: ClozeKind) -> ClozeAnswer:
    fraction = Decimal(0)
    marker = _FRACTION.match(raw)
    if marker is not None:
        raw = raw[marker.end() :]
        fraction = FULL_CREDIT if marker[0] == "=" else parse_number(marker[1]) or Decimal(0)
    answer, feedback = _split_feedback(raw)
    if kind is ClozeKind.NUMERICAL:
        answer = answer.strip()
        with_tolerance = _TOLERANCE.fullmatch(answer)
        if with_tolerance is not None and parse_number(with_tolerance[1]) is not None:
            tolerance = parse_number(with_tolerance[2])
            if tolerance is not None:
                return ClozeAnswer(with_tolerance[1].strip(), fraction, feedback, tolerance)
        if parse_number(answer) is not None:
            return ClozeAnswer(answer, fraction, feedback, Decimal(0))
        # "*" (any other number) or not a number at all: validate_item tells which.
        return ClozeAnswer(_decode(answer), fraction, feedback, None)
    return ClozeAnswer(_decode(answer), fraction, feedback)


def _split_feedback(raw: str) -> tuple[str, str]:
    """The answer and its decoded feedback: the first unescaped "#" divides them."""
    pieces = _split(raw, "#")
    return pieces[0], _decode("#".join(pieces[1:]))


def _decode(text: str) -> str:
    return html.unescape(_UNESCAPE.sub(r"\1", text)).strip()


def _escape(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return escaped.replace("\\", "\\\\").replace("}", "\\}").replace("#", "\\#").replace("~", "\\~")
