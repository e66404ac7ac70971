"""Reading the sheet a teacher filled: one row, one item; see the package docstring."""

import io
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from ..cloze import parse_cloze
from ..items import (
    DEFAULT_PENALTY,
    DIFFICULTY_OPTION,
    FULL_CREDIT,
    Answer,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
    ParseError,
    ParseResult,
    default_name,
    parse_number,
    split_category_path,
    validate_item,
)
from .cells import (
    HEADERS,
    REQUIRED_COLUMNS,
    SHEET_TITLE,
    TYPE_LABELS,
    cell_text,
    header_key,
    item_type,
    read_marks,
    split_feedback,
    split_unescaped,
    text_format_of,
    unescape,
)

# The header may stand below a title or a note: it is looked for in the first rows.
_HEADER_SEARCH_ROWS = 10
_TRUE = {"верно", "правильно", "истина", "правда", "да", "true", "t"}
_FALSE = {"неверно", "неправильно", "ложь", "нет", "false", "f"}
_TOLERANCE_SIGNS = ("±", "+/-", "+-")


class _RowError(Exception):
    """A row that cannot be read; the message is the Russian reason."""


def parse_xlsx(data: bytes) -> ParseResult:
    """Every filled row of the sheet «Вопросы» (or of the first sheet); each row that cannot
    be read is an error naming its row number as Excel shows it."""
    result = ParseResult()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        result.errors.append(
            ParseError(
                None,
                None,
                "файл не похож на таблицу Excel (.xlsx); таблицу .xls или .ods "
                "сохраните как «Книга Excel (.xlsx)»",
            )
        )
        return result
    try:
        titles = {title.strip().lower(): title for title in workbook.sheetnames}
        title = titles.get(SHEET_TITLE.lower(), workbook.sheetnames[0])
        sheet = workbook[title]
        if isinstance(sheet, ReadOnlyWorksheet):
            _read_sheet(sheet, title, result)
        else:
            result.errors.append(ParseError(None, f"лист «{title}»", "это не таблица, а диаграмма"))
    finally:
        workbook.close()
    return result


def _read_sheet(sheet: ReadOnlyWorksheet, title: str, result: ParseResult) -> None:
    rows: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)  # type: ignore[misc]
    where = f"лист «{title}»"
    header = _find_header(rows)
    if header is None:
        result.errors.append(
            ParseError(
                None,
                where,
                "нет строки заголовка со столбцами «Тип» и «Текст вопроса» "
                "(возьмите за основу шаблон таблицы)",
            )
        )
        return
    header_row, positions = header
    for number, values in enumerate(rows, header_row + 1):
        cells = {
            key: cell_text(values[index]) if index < len(values) else ""
            for key, index in positions.items()
        }
        if not any(cells.values()):
            continue
        try:
            item = _read_row(cells)
        except _RowError as error:
            result.errors.append(ParseError(number, where, str(error)))
            continue
        reasons = validate_item(item)
        if reasons:
            result.errors.append(ParseError(number, where, "; ".join(reasons)))
            continue
        item.source = f"строка {number}"
        result.add_category(item.category)
        result.items.append(item)


def _find_header(rows: Iterator[tuple[Any, ...]]) -> tuple[int, dict[str, int]] | None:
    """The header row's number and the index of each column it names."""
    for number, values in enumerate(rows, 1):
        positions: dict[str, int] = {}
        for index, value in enumerate(values):
            key = header_key(value) if isinstance(value, str) else None
            if key is not None and key not in positions:
                positions[key] = index
        if all(key in positions for key in REQUIRED_COLUMNS):
            return number, positions
        if number >= _HEADER_SEARCH_ROWS:
            return None
    return None


def _read_row(cells: dict[str, str]) -> Item:
    label = cells.get("type", "")
    kind = item_type(label)
    if kind is None:
        known = ", ".join(f"«{label}»" for label in TYPE_LABELS.values())
        if not label:
            raise _RowError(f"не указан тип вопроса (столбец «{HEADERS['type']}»: {known})")
        raise _RowError(f"неизвестный тип вопроса «{label}»; возможные типы: {known}")
    text = cells.get("text", "")
    item = Item(
        type=kind,
        name=cells.get("name", "") or default_name(text),
        text=text,
        text_format=text_format_of(text),
        category=split_category_path(cells.get("category", "")),
        general_feedback=cells.get("feedback", ""),
        default_grade=_grade(cells.get("grade", ""), kind),
        penalty={ItemType.TRUE_FALSE: Decimal(1), ItemType.DESCRIPTION: Decimal(0)}.get(
            kind, DEFAULT_PENALTY
        ),
        tags=[tag.strip() for tag in cells.get("tags", "").split(",") if tag.strip()],
    )
    difficulty = cells.get("difficulty", "")
    if difficulty:
        if difficulty not in {"1", "2", "3", "4", "5"}:
            raise _RowError(f"сложность — целое число от 1 до 5, а не «{difficulty}»")
        item.moodle_options[DIFFICULTY_OPTION] = difficulty
    lines = [line.strip() for line in cells.get("answers", "").split("\n") if line.strip()]
    _READERS[kind](item, lines)
    return item


def _grade(written: str, kind: ItemType) -> Decimal:
    if not written:
        return Decimal(0) if kind is ItemType.DESCRIPTION else Decimal(1)
    grade = parse_number(written)
    if grade is None or grade < 0:
        raise _RowError(f"баллы — неотрицательное число, а не «{written}»")
    return grade


def _read_choice(item: Item, lines: list[str]) -> None:
    marked_lines = []
    explicit = Decimal(0)
    for line in lines:
        own, feedback = split_feedback(line)
        marked, fraction, text = read_marks(own)
        answer = Answer(unescape(text), fraction or Decimal(0), feedback)
        if fraction is None and marked:
            marked_lines.append(answer)
        elif fraction is not None and fraction > 0:
            explicit += fraction
        item.answers.append(answer)
    if item.type is ItemType.SINGLE_CHOICE:
        for answer in marked_lines:
            answer.fraction = FULL_CREDIT
    elif marked_lines:
        # «*» options share what explicit grades leave of 100%, as Moodle's 33.33333.
        share = (FULL_CREDIT - explicit) / len(marked_lines)
        for answer in marked_lines:
            answer.fraction = share.quantize(Decimal("0.00001"))


def _read_true_false(item: Item, lines: list[str]) -> None:
    if not lines:
        raise _RowError("укажите в столбце «Ответы» правильный ответ: «верно» или «неверно»")
    if len(lines) > 2:
        raise _RowError("у вопроса «верно/неверно» в «Ответах» не больше двух строк")
    right: bool | None = None
    for line in lines:
        own, feedback = split_feedback(line)
        marked, _fraction, text = read_marks(own)
        word = unescape(text).lower().replace("ё", "е")
        if word not in _TRUE and word not in _FALSE:
            raise _RowError(f"«{unescape(text)}» — не «верно» и не «неверно»")
        value = word in _TRUE
        if value:
            item.feedback_true = feedback
        else:
            item.feedback_false = feedback
        if marked or len(lines) == 1:
            if right is not None and right != value:
                raise _RowError("правильным отмечены оба ответа, «верно» и «неверно»")
            right = value
    if right is None:
        raise _RowError("отметьте правильный ответ знаком «*»: «*верно» или «*неверно»")
    item.correct_answer = right


def _read_short_answer(item: Item, lines: list[str]) -> None:
    for line in lines:
        own, feedback = split_feedback(line)
        _marked, fraction, text = read_marks(own)
        item.answers.append(
            Answer(unescape(text), FULL_CREDIT if fraction is None else fraction, feedback)
        )


def _read_numerical(item: Item, lines: list[str]) -> None:
    for line in lines:
        own, feedback = split_feedback(line)
        marked, fraction, body = read_marks(own)
        value_text, tolerance_text = _split_tolerance(unescape(body))
        if marked and not value_text:  # «*» alone: the mark read the any-other-number star
            value_text = "*"
        if value_text == "*":  # any other number, to give it feedback
            value = None
        else:
            value = parse_number(value_text)
            if value is None:
                raise _RowError(f"ответ «{value_text}» — не число")
        tolerance = Decimal(0)
        if tolerance_text:
            parsed = parse_number(tolerance_text)
            if parsed is None:
                raise _RowError(f"погрешность «{tolerance_text}» — не число")
            tolerance = parsed
        if fraction is None:
            fraction = Decimal(0) if value is None else FULL_CREDIT
        item.numerical_answers.append(NumericalAnswer(value, tolerance, fraction, feedback))


def _split_tolerance(body: str) -> tuple[str, str]:
    for sign in (*_TOLERANCE_SIGNS, ":"):
        value, found, tolerance = body.partition(sign)
        if found:
            return value.strip(), tolerance.strip()
    return body.strip(), ""


def _read_matching(item: Item, lines: list[str]) -> None:
    for line in lines:
        left, right = split_unescaped(line, "->")
        if right is None:
            left, right = split_unescaped(line, "=")
        if right is None:
            raise _RowError(
                f"в строке «{line}» нет «->» или «=» между вопросом и ответом: «Москва -> Россия»"
            )
        item.pairs.append(MatchPair(unescape(left), unescape(right)))


def _read_ordering(item: Item, lines: list[str]) -> None:
    for line in lines:
        own, feedback = split_feedback(line)
        if own[:1] == "\\" and own[1:2].isdigit():
            own = own[1:]
        item.answers.append(Answer(unescape(own), Decimal(0), feedback))


def _read_no_answers(item: Item, lines: list[str]) -> None:
    if lines:
        raise _RowError(
            f"у вопроса типа «{TYPE_LABELS[item.type]}» нет вариантов ответа: "
            "очистите столбец «Ответы»"
        )
    if item.type is ItemType.CLOZE:
        item.cloze_parts, problems = parse_cloze(item.text)
        if problems:
            raise _RowError("; ".join(problems))


_READERS: dict[ItemType, Callable[[Item, list[str]], None]] = {
    ItemType.SINGLE_CHOICE: _read_choice,
    ItemType.MULTIPLE_CHOICE: _read_choice,
    ItemType.TRUE_FALSE: _read_true_false,
    ItemType.SHORT_ANSWER: _read_short_answer,
    ItemType.NUMERICAL: _read_numerical,
    ItemType.MATCHING: _read_matching,
    ItemType.ORDERING: _read_ordering,
    ItemType.ESSAY: _read_no_answers,
    ItemType.DESCRIPTION: _read_no_answers,
    ItemType.CLOZE: _read_no_answers,
}
