"""What the sheet's cells hold: the columns, the types' labels, and the lines of «Ответы».

A line of «Ответы» is one option, answer, pair or step. Choice and short-answer lines may
start with a mark of the right option (`*` or `+`) and a grade in per cent (`50%`,
`-33,3%`); any line but a matching pair may end with feedback after `#`. A backslash
keeps a character from being read as syntax: `\\#` is a «#» of the text, `\\*` a star at
its start, `\\n` a line break inside one answer, `\\\\` a backslash; a backslash before a
digit at the start of a line keeps «50% раствор» from being read as a grade.
"""

import re
from decimal import Decimal
from typing import Any

from ..items import ItemType, TextFormat, format_number

SHEET_TITLE = "Вопросы"
HELP_TITLE = "Как заполнять"

# The columns in the template's order: the key the reader uses, and the header.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("category", "Категория"),
    ("type", "Тип"),
    ("name", "Название"),
    ("text", "Текст вопроса"),
    ("difficulty", "Сложность"),
    ("answers", "Ответы"),
    ("grade", "Баллы"),
    ("feedback", "Отзыв"),
    ("tags", "Метки"),
)
HEADERS = dict(COLUMNS)
REQUIRED_COLUMNS = ("type", "text")
# Other headers teachers write for the same columns (compared as `_letters` leaves them).
_HEADER_ALIASES = {
    "category": ["категория", "раздел", "category"],
    "type": ["тип", "типвопроса", "type"],
    "name": ["название", "названиевопроса", "имя", "name"],
    "text": ["текствопроса", "текст", "вопрос", "формулировка", "question", "text"],
    "difficulty": ["сложность", "уровеньсложности", "difficulty"],
    "answers": ["ответы", "ответ", "вариантыответов", "варианты", "answers"],
    "grade": ["баллы", "балл", "оценка", "макс балл", "grade", "points"],
    "feedback": ["отзыв", "общийотзыв", "комментарий", "пояснение", "feedback"],
    "tags": ["метки", "теги", "тэги", "tags"],
}

TYPE_LABELS: dict[ItemType, str] = {
    ItemType.SINGLE_CHOICE: "один ответ",
    ItemType.MULTIPLE_CHOICE: "несколько ответов",
    ItemType.TRUE_FALSE: "верно/неверно",
    ItemType.SHORT_ANSWER: "краткий ответ",
    ItemType.NUMERICAL: "числовой",
    ItemType.MATCHING: "соответствие",
    ItemType.ORDERING: "упорядочивание",
    ItemType.CLOZE: "вложенные ответы",
    ItemType.ESSAY: "эссе",
    ItemType.DESCRIPTION: "описание",
}
_TYPE_ALIASES: dict[ItemType, list[str]] = {
    ItemType.SINGLE_CHOICE: ["одинправильныйответ", "выбородногоответа", "singlechoice"],
    ItemType.MULTIPLE_CHOICE: ["множественныйвыбор", "несколькоправильныхответов"],
    ItemType.TRUE_FALSE: ["верноневерно", "данет", "truefalse"],
    ItemType.SHORT_ANSWER: ["короткийответ", "shortanswer"],
    ItemType.NUMERICAL: ["число", "числовойответ", "numerical"],
    ItemType.MATCHING: ["насоответствие", "match", "matching"],
    ItemType.ORDERING: ["упорядочение", "порядок", "последовательность", "ordering"],
    ItemType.CLOZE: ["вложенныеответыcloze", "cloze", "multianswer"],
    ItemType.ESSAY: ["essay"],
    ItemType.DESCRIPTION: ["description"],
}
_NOT_LETTERS = re.compile(r"[\W_\d]+")


def _letters(text: str) -> str:
    """Lower case, «ё» as «е», nothing but letters: «Верно / неверно» → «верноневерно»."""
    return _NOT_LETTERS.sub("", text.lower().replace("ё", "е"))


HEADER_KEYS = {
    _letters(alias): key for key, aliases in _HEADER_ALIASES.items() for alias in aliases
}
TYPES_BY_LABEL: dict[str, ItemType] = {
    _letters(name): kind
    for kind in ItemType
    for name in (TYPE_LABELS[kind], kind.value, *_TYPE_ALIASES[kind])
}


def header_key(value: str) -> str | None:
    """The column a header names («Баллы (по умолчанию 1)» → "grade"), or None."""
    return HEADER_KEYS.get(_letters(value.split("(")[0]))


def item_type(label: str) -> ItemType | None:
    return TYPES_BY_LABEL.get(_letters(label))


def cell_text(value: Any) -> str:
    """A cell's value as the text it shows: numbers without a needless «.0», TRUE and
    FALSE as «верно» and «неверно», dates in ISO form; stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "верно" if value else "неверно"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value).strip()


_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


def text_format_of(text: str) -> TextFormat:
    """How a typed text is read: HTML when it has tags (an export from Moodle), otherwise
    plain text, with its line breaks, as the teacher typed it."""
    return "html" if _HTML_TAG.search(text) else "plain"


# --- The lines of «Ответы» ------------------------------------------------------------------

_MARK = re.compile(r"([*+])?\s*")
_PERCENT = re.compile(r"(-?\d+(?:[.,]\d+)?)\s*%\s*")


def unescape(text: str) -> str:
    r"""`\n` a line break, `\` before a punctuation mark that mark; other backslashes stay."""
    if "\\" not in text:
        return text.strip()
    chars: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\\" and index + 1 < length:
            following = text[index + 1]
            if following == "n":
                chars.append("\n")
                index += 2
                continue
            if not following.isalnum() and not following.isspace():
                chars.append(following)
                index += 2
                continue
        chars.append(char)
        index += 1
    return "".join(chars).strip()


def split_unescaped(line: str, separator: str) -> tuple[str, str | None]:
    """The line before the first `separator` no backslash escapes, and the rest (or None)."""
    if "\\" not in line:
        before, found, after = line.partition(separator)
        return (before, after) if found else (line, None)
    index, length, width = 0, len(line), len(separator)
    while index < length:
        if line[index] == "\\":
            index += 2
            continue
        if line.startswith(separator, index):
            return line[:index], line[index + width :]
        index += 1
    return line, None


def split_feedback(line: str) -> tuple[str, str]:
    """The line's own part and its feedback (after the first unescaped «#»), decoded."""
    own, feedback = split_unescaped(line, "#")
    return own, unescape(feedback) if feedback is not None else ""


def read_marks(line: str) -> tuple[bool, Decimal | None, str]:
    """A choice line's right-answer mark, its grade in per cent (or None), and the rest."""
    mark = _MARK.match(line)
    marked = bool(mark and mark[1])
    rest = line[mark.end() :] if mark else line
    percent = _PERCENT.match(rest)
    fraction = None
    if percent is not None:
        fraction = Decimal(percent[1].replace(",", "."))
        rest = rest[percent.end() :]
    if rest[:1] == "\\" and rest[1:2].isdigit():  # «\50% раствор»: the text, not a grade
        rest = rest[1:]
    return marked, fraction, rest


def escape(text: str, *, feedback: bool = True) -> str:
    """Text for one line of «Ответы», read back as it was by `unescape`."""
    text = text.replace("\\", "\\\\").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\n", "\\n")
    return text.replace("#", "\\#") if feedback else text


def escape_start(text: str) -> str:
    """An escaped text whose start would read as a mark or a grade gets a backslash first."""
    if text[:1] in ("*", "+") or _PERCENT.match(text):
        return "\\" + text
    return text


def percent(fraction: Decimal) -> str:
    return format_number(fraction).replace(".", ",") + "%"


def number(value: Decimal) -> str:
    return format_number(value).replace(".", ",")


def with_feedback(line: str, feedback: str) -> str:
    return f"{line} # {escape(feedback)}" if feedback else line
