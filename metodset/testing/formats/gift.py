"""GIFT, Moodle's plain-text question format (docs.moodle.org/en/GIFT_format), both ways.

Read as Moodle's qformat_gift reads it: blank lines separate questions, `//` starts a
comment line (`// [id:…]` and `// [tag:…]` in it are the item's id number and tags),
`::name::`, a `[html]`/`[markdown]`/`[plain]`/`[moodle]` tag before a text, the escapes
`\\~ \\= \\# \\{ \\} \\: \\\\` and `\\n`, `$CATEGORY: path`, and the answer block in braces, whose
contents decide the type. Text on both sides of the block is Moodle's missing-word format:
the block's place becomes "_____" in the item's text.

Stricter than Moodle where Moodle would save a broken item silently: an unclosed `::`, a
second pair of braces, a range whose start is past its end are errors here.

GIFT cannot carry ordering and cloze items (Moodle's ordering plugin adds a GIFT dialect of
its own, which is not the specification), nor grades, penalties, files, hints, shuffling,
combined feedback, case sensitivity, essay settings or a description's general feedback:
`write_gift` reports the items it cannot write and drops those fields.
"""

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal

from .items import (
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
    describe,
    format_number,
    join_category_path,
    parse_number,
    split_category_path,
    validate_item,
)

# Escaped characters become private-use placeholders while the structure is read, and
# come back at the end, as Moodle's escapedchar_pre/escapedchar_post do. A question that
# already holds one of U+E001…U+E007 is refused rather than misread.
_HIDE = {
    "\\": "\\",
    "~": "\ue001",
    "=": "\ue002",
    "#": "\ue003",
    "{": "\ue004",
    "}": "\ue005",
    ":": "\ue006",
    "n": "\ue007",
}
_ESCAPE_SEQUENCE = re.compile(r"\\([\\~=#{}:n])")
_RESTORE = [
    ("\ue001", "~"),
    ("\ue002", "="),
    ("\ue003", "#"),
    ("\ue004", "{"),
    ("\ue005", "}"),
    ("\ue006", ":"),
    ("\ue007", "\n"),
]
_PLACEHOLDER = re.compile("[\ue001-\ue007]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FORMAT_TAG = re.compile(r"\[(html|plain|markdown|moodle)\]")
_WEIGHT = re.compile(r"%(-?\d+(?:[.,]\d*)?)%")
_ID_MARK = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f])+)\]")
_TAG_MARK = re.compile(r"\[tag:((?:\\\]|[^\]<>\x00-\x1f])+)\]")
# What Moodle's [id:…] and [tag:…] comments cannot hold (PARAM_TAG forbids "<" and ">").
_UNWRITABLE_MARK = re.compile(r"[<>\x00-\x1f]|\\$")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CATEGORY = "$CATEGORY:"
_MISSING_WORD = "_____"
_DEFAULT_FORMAT: TextFormat = "moodle"


class _UnreadableError(Exception):
    """An item that cannot be read; the message is the Russian reason."""


# --- Reading ---------------------------------------------------------------------------------


def parse_gift(text: str) -> ParseResult:
    """Every item of a GIFT file; each one that cannot be read is an error with its line."""
    result = ParseResult()
    category: list[str] = []
    for lines, comments in _blocks(text.removeprefix("\ufeff")):
        first_line, first = lines[0]
        if first.lstrip().startswith(_CATEGORY):
            category = split_category_path(first.lstrip()[len(_CATEGORY) :])
            result.add_category(category)
            lines = lines[1:]  # a question right under the category line, as some write it
            if not lines:
                continue
            first_line = lines[0][0]
        try:
            item = _read_item("\n".join(line for _, line in lines), comments, category)
        except _UnreadableError as error:
            result.errors.append(ParseError(first_line, None, str(error)))
            continue
        reasons = validate_item(item)
        if reasons:
            result.errors.append(ParseError(first_line, None, "; ".join(reasons)))
            continue
        item.source = f"строка {first_line}"
        result.items.append(item)
    return result


def _blocks(text: str) -> Iterator[tuple[list[tuple[int, str]], list[str]]]:
    """Groups of lines between blank lines: (number, line) of the text, and the comments."""
    block: list[tuple[int, str]] = []
    comments: list[str] = []
    for number, line in enumerate(_LINE_BREAK.split(text), 1):
        stripped = line.strip()
        if not stripped:
            if block:
                yield block, comments
            block, comments = [], []
        elif stripped.startswith("//"):
            comments.append(stripped)
        else:
            block.append((number, line))
    if block:
        yield block, comments


def _read_item(source: str, comments: list[str], category: list[str]) -> Item:
    if _PLACEHOLDER.search(source):
        raise _UnreadableError("в тексте есть служебные символы Юникода U+E001…U+E007")
    text = _ESCAPE_SEQUENCE.sub(lambda match: _HIDE[match[1]], source).strip()
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise _UnreadableError("не закрыто название вопроса: после «::» нет второго «::»")
        name = _clean(text[2:end])
        text = text[end + 2 :].strip()

    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        answers = None
        question = text
    elif start < 0:
        raise _UnreadableError(
            "лишняя закрывающая фигурная скобка «}»; если она часть текста, пишите «\\}»"
        )
    elif finish < 0:
        raise _UnreadableError("не закрыта фигурная скобка «{»")
    elif finish < start:
        raise _UnreadableError("закрывающая фигурная скобка «}» стоит раньше открывающей «{»")
    elif text.find("{", start + 1) >= 0 or text.find("}", finish + 1) >= 0:
        raise _UnreadableError(
            "больше одной пары фигурных скобок; скобки в тексте вопроса пишите как «\\{» и «\\}»"
        )
    else:
        answers = text[start + 1 : finish].strip()
        after = text[finish + 1 :]
        question = text[:start] + (_MISSING_WORD if after.strip() else "") + after

    text_format, question = _split_format(question.strip(), _DEFAULT_FORMAT)
    question = _clean(question)
    item = Item(
        type=ItemType.DESCRIPTION,
        name=name or default_name(question),
        text=question,
        text_format=text_format,
        category=list(category),
    )
    _read_marks(item, comments)
    if answers is None:
        item.default_grade = Decimal(0)
        item.penalty = Decimal(0)
        return item

    general_feedback_at = answers.rfind("####")
    if general_feedback_at >= 0:
        item.general_feedback = _part(answers[general_feedback_at + 4 :])
        answers = answers[:general_feedback_at].strip()

    if not answers:
        item.type = ItemType.ESSAY
    elif answers.startswith("#"):
        _read_numerical(item, answers[1:])
    elif "~" in answers:
        _read_choice(item, answers)
    elif "=" in answers and "->" in answers:
        _read_matching(item, answers)
    elif answers.partition("#")[0].strip() in _TRUE_FALSE:
        _read_true_false(item, answers)
    else:
        _read_short_answer(item, answers)
    return item


def _read_marks(item: Item, comments: list[str]) -> None:
    comment = "\n".join(comments)
    marked_id = _ID_MARK.search(comment)
    if marked_id is not None:
        item.id_number = marked_id[1].replace("\\]", "]").strip()
    item.tags = [tag.replace("\\]", "]").strip() for tag in _TAG_MARK.findall(comment)]


def _read_choice(item: Item, answers: str) -> None:
    # As Moodle: any "=" makes it single choice; "~" and "=" both start a choice.
    item.type = ItemType.SINGLE_CHOICE if "=" in answers else ItemType.MULTIPLE_CHOICE
    chunks = answers.replace("=", "~=").split("~")
    if not chunks[0].strip():
        chunks = chunks[1:]
    for chunk in chunks:
        chunk = chunk.strip()
        if chunk.startswith("="):
            fraction, chunk = FULL_CREDIT, chunk[1:]
        else:
            fraction, chunk = _weight(chunk, Decimal(0))
        answer, _, feedback = chunk.partition("#")
        item.answers.append(Answer(_part(answer), fraction, _part(feedback)))


def _read_matching(item: Item, answers: str) -> None:
    item.type = ItemType.MATCHING
    chunks = answers.split("=")
    if not chunks[0].strip():
        chunks = chunks[1:]
    for chunk in chunks:
        if "->" not in chunk:
            raise _UnreadableError(f"вопрос на соответствие: в паре «{_clean(chunk)}» нет «->»")
        question, _, answer = chunk.partition("->")
        item.pairs.append(MatchPair(_part(question), _clean(answer)))


def _read_true_false(item: Item, answers: str) -> None:
    item.type = ItemType.TRUE_FALSE
    item.penalty = Decimal(1)  # as Moodle's GIFT import: a second try of two options is free
    bits = answers.split("#", 2)
    item.correct_answer = _TRUE_FALSE[bits[0].strip()]
    wrong = _part(bits[1]) if len(bits) > 1 else ""
    right = _part(bits[2]) if len(bits) > 2 else ""
    if item.correct_answer:
        item.feedback_true, item.feedback_false = right, wrong
    else:
        item.feedback_true, item.feedback_false = wrong, right


def _read_short_answer(item: Item, answers: str) -> None:
    item.type = ItemType.SHORT_ANSWER
    chunks = answers.split("=")
    if not chunks[0].strip():
        chunks = chunks[1:]
    for chunk in chunks:
        fraction, chunk = _weight(chunk.strip(), FULL_CREDIT)
        answer, _, feedback = chunk.partition("#")
        item.answers.append(Answer(_part(answer), fraction, _part(feedback)))


def _read_numerical(item: Item, answers: str) -> None:
    item.type = ItemType.NUMERICAL
    wrong = None
    if "~" in answers:  # "~#feedback": for any other number
        answers, wrong = answers[: answers.index("~")], answers[answers.index("~") :]
    chunks = answers.split("=")
    if not chunks[0].strip():
        chunks = chunks[1:]
    for chunk in chunks:
        fraction, chunk = _weight(chunk.strip(), FULL_CREDIT)
        answer, _, feedback = chunk.partition("#")
        value, tolerance = _number_with_tolerance(_clean(answer))
        item.numerical_answers.append(NumericalAnswer(value, tolerance, fraction, _part(feedback)))
    if wrong is not None:
        feedback = _part(wrong.partition("#")[2])
        item.numerical_answers.append(NumericalAnswer(None, Decimal(0), Decimal(0), feedback))


def _number_with_tolerance(answer: str) -> tuple[Decimal | None, Decimal]:
    if answer == "*":
        return None, Decimal(0)
    if answer.find("..") > 0:  # {#1..5}: the middle and half the width
        low_text, _, high_text = answer.partition("..")
        low, high = _number(low_text), _number(high_text)
        if low > high:
            raise _UnreadableError(f"в диапазоне «{answer}» начало больше конца")
        value = (low + high) / 2
        return value, high - value
    if answer.find(":") > 0:  # {#3.14:0.01}
        value_text, _, tolerance_text = answer.partition(":")
        return _number(value_text), _number(tolerance_text)
    return _number(answer), Decimal(0)


def _number(text: str) -> Decimal:
    number = parse_number(text)
    if number is None:
        raise _UnreadableError(f"«{text.strip()}» — не число")
    return number


def _weight(chunk: str, default: Decimal) -> tuple[Decimal, str]:
    match = _WEIGHT.match(chunk)
    if match is None:
        return default, chunk
    return Decimal(match[1].replace(",", ".")), chunk[match.end() :]


def _split_format(text: str, default: TextFormat) -> tuple[TextFormat, str]:
    match = _FORMAT_TAG.match(text)
    if match is None:
        return default, text
    text_format: TextFormat = match[1]  # type: ignore[assignment]  # the pattern's four names
    return text_format, text[match.end() :]


def _part(text: str) -> str:
    """An answer or feedback: its own format tag, if any, is read and dropped."""
    return _clean(_split_format(text.strip(), _DEFAULT_FORMAT)[1])


def _clean(text: str) -> str:
    # Seven replace() calls beat one translate(): str.translate with a mapping goes through
    # Python for every character of Cyrillic text, ten times slower.
    for placeholder, char in _RESTORE:
        if placeholder in text:
            text = text.replace(placeholder, char)
    return text.strip()


# --- Writing ---------------------------------------------------------------------------------


def unwritable_reason(item: Item) -> str | None:
    """Why GIFT cannot carry this item (in Russian), or None when it can."""
    if item.type is ItemType.ORDERING:
        return "в GIFT нет вопросов на упорядочивание — экспортируйте их в Moodle XML"
    if item.type is ItemType.CLOZE:
        return "в GIFT нет вопросов с вложенными ответами (cloze) — экспортируйте их в Moodle XML"
    if item.type is ItemType.SHORT_ANSWER and any(
        "->" in answer.text or "->" in answer.feedback for answer in item.answers
    ):
        return "в ответе есть «->»: GIFT прочтёт такой вопрос как вопрос на соответствие"
    if item.type is ItemType.MATCHING and any("->" in pair.question for pair in item.pairs):
        return "в левой части пары есть «->», а GIFT делит пару по первому «->»"
    if any("\n" in name or "\r" in name for name in item.category):
        return "в названии категории есть перевод строки"
    if _UNWRITABLE_MARK.search(item.id_number) or any(
        not tag.strip() or _UNWRITABLE_MARK.search(tag) for tag in item.tags
    ):
        return (
            "id или метку не записать в комментарий GIFT: пустая метка, «<», «>», "
            "перевод строки или «\\» в конце"
        )
    return None


def write_gift(items: Iterable[Item], *, problems: list[ParseError] | None = None) -> str:
    """A GIFT file of the items; those it cannot carry are skipped and added to `problems`."""
    chunks: list[str] = []
    category: list[str] = []
    for number, item in enumerate(items, 1):
        reason = unwritable_reason(item)
        if reason is not None:
            if problems is not None:
                problems.append(ParseError(None, describe(number, item), reason))
            continue
        if item.category != category:
            chunks.append(f"{_CATEGORY} {join_category_path(item.category)}\n\n")
            category = item.category
        chunks.append(_write_item(item))
        chunks.append("\n\n")
    return "".join(chunks)


def _write_item(item: Item) -> str:
    marks = [f"[id:{_mark(item.id_number)}]"] if item.id_number else []
    marks.extend(f"[tag:{_mark(tag)}]" for tag in item.tags)
    head = f"// {' '.join(marks)}\n" if marks else ""
    name = f"::{_escape(item.name or default_name(item.text))}::"
    if item.text_format != _DEFAULT_FORMAT or _FORMAT_TAG.match(item.text):
        name += f"[{item.text_format}]"
    block = _answer_block(item)
    before, gap, after = item.text.partition(_MISSING_WORD)
    if block and gap and after.strip() and _MISSING_WORD not in after:
        return f"{head}{name}{_escape(before)}{block}{_escape(after)}"
    return f"{head}{name}{_escape(item.text)}{block}"


def _answer_block(item: Item) -> str:
    general_feedback = (
        f"####{_write_part(item, item.general_feedback)}" if item.general_feedback else ""
    )
    lines: list[str] = []
    if item.type is ItemType.DESCRIPTION:
        return ""
    if item.type is ItemType.ESSAY:
        return f"{{{general_feedback}}}"
    if item.type is ItemType.TRUE_FALSE:
        right, wrong = item.feedback_true, item.feedback_false
        if not item.correct_answer:
            right, wrong = wrong, right
        feedback = f"#{_write_part(item, wrong)}" if wrong or right else ""
        feedback += f"#{_write_part(item, right)}" if right else ""
        return f"{{{'TRUE' if item.correct_answer else 'FALSE'}{feedback}{general_feedback}}}"
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        lines.extend(_choice_lines(item))
    elif item.type is ItemType.SHORT_ANSWER:
        lines.extend(
            f"=%{format_number(answer.fraction)}%{_write_part(item, answer.text)}"
            + _write_feedback(item, answer.feedback)
            for answer in item.answers
        )
    elif item.type is ItemType.NUMERICAL:
        lines.extend(_numerical_lines(item))
    elif item.type is ItemType.MATCHING:
        lines.extend(
            f"={_write_part(item, pair.question)} -> {_escape(pair.answer)}" for pair in item.pairs
        )
    if general_feedback:
        lines.append(general_feedback)
    opening = "{#" if item.type is ItemType.NUMERICAL else "{"
    return opening + "".join(f"\n\t{line}" for line in lines) + "\n}"


def _choice_lines(item: Item) -> Iterator[str]:
    # Only the first full-credit choice of a single-choice item may be "=": two "=" and
    # no "~" would read back as a short answer.
    equals_written = item.type is ItemType.MULTIPLE_CHOICE
    for answer in item.answers:
        text = _write_part(item, answer.text)
        if answer.fraction == FULL_CREDIT and not equals_written:
            marker, equals_written = "=", True
        elif answer.fraction == 0 and not _WEIGHT.match(text):
            marker = "~"
        else:
            marker = f"~%{format_number(answer.fraction)}%"
        yield marker + text + _write_feedback(item, answer.feedback)


def _numerical_lines(item: Item) -> Iterator[str]:
    last = len(item.numerical_answers) - 1
    for index, answer in enumerate(item.numerical_answers):
        feedback = _write_feedback(item, answer.feedback)
        if answer.value is None and answer.fraction == 0 and index == last:
            yield f"~#{_write_part(item, answer.feedback)}"
            continue
        if answer.value is None:
            value = "*"
        else:
            value = f"{format_number(answer.value)}:{format_number(answer.tolerance)}"
        yield f"=%{format_number(answer.fraction)}%{value}{feedback}"


def _write_feedback(item: Item, feedback: str) -> str:
    return f"#{_write_part(item, feedback)}" if feedback else ""


def _write_part(item: Item, text: str) -> str:
    """An answer or feedback; one that starts like a format tag gets the item's tag first."""
    prefix = f"[{item.text_format}]" if _FORMAT_TAG.match(text) else ""
    return prefix + _escape(text)


def _escape(text: str) -> str:
    # Chained replace() rather than str.translate: ten times faster on Cyrillic text.
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        if char in text:
            text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n").replace("\r", "")


def _mark(text: str) -> str:
    return text.replace("]", "\\]")
