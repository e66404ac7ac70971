"""Writing items as the sheet, and the empty template with its instructions."""

import io
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..items import (
    DIFFICULTY_OPTION,
    FULL_CREDIT,
    Answer,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
    ParseError,
    describe,
    format_number,
)
from .cells import (
    COLUMNS,
    HELP_TITLE,
    SHEET_TITLE,
    TYPE_LABELS,
    escape,
    escape_start,
    number,
    percent,
    with_feedback,
)

CELL_LIMIT = 32_767  # characters an Excel cell holds
_WIDTHS = {"category": 28, "type": 18, "name": 24, "text": 60, "answers": 48, "feedback": 30}
_WRAPPED = frozenset({"text", "answers", "feedback"})
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what ILLEGAL_CHARACTERS_RE removes
# Category names Moodle's path reader would drop from the front («top», «$course$»).
_SWALLOWED_FIRST = ("top", "$")


def unwritable_reason(item: Item) -> str | None:
    """Why the sheet cannot carry this item (in Russian), or None when it can."""
    if item.files:
        return (
            "в таблице нет места для картинок и файлов — экспортируйте такие вопросы в Moodle XML"
        )
    for tag in item.tags:
        if "," in tag:
            return f"в метке «{tag}» есть запятая, а в столбце «Метки» запятая разделяет метки"
    if any(len(value) > CELL_LIMIT for value in _row(item) if isinstance(value, str)):
        return "текст длиннее 32 767 знаков — столько не вмещает ячейка Excel"
    return None


def write_xlsx(items: Iterable[Item], *, problems: list[ParseError] | None = None) -> bytes:
    """The sheet «Вопросы» of the items, one row each, and the instructions; an item the
    sheet cannot carry (images, a comma in a tag) is skipped and added to `problems`.

    Moodle's settings the sheet has no column for (hints, penalty, id, shuffling, combined
    feedback, the short answer's case sensitivity, the essay's notes) are not written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    _prepare(sheet)
    sheet.append(_header(sheet))
    for position, item in enumerate(items, 1):
        reason = unwritable_reason(item)
        if reason is not None:
            if problems is not None:
                problems.append(ParseError(None, describe(position, item), reason))
            continue
        sheet.append(_cells(sheet, _row(item)))
    _write_help(workbook.create_sheet(HELP_TITLE))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def xlsx_template() -> bytes:
    """The empty sheet a teacher fills in: the header, two example rows, the instructions."""
    return write_xlsx(TEMPLATE_EXAMPLES)


def _prepare(sheet: Any) -> None:
    for index, (key, _header) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(key, 12)
    sheet.freeze_panes = "A2"
    keys = [key for key, _header in COLUMNS]
    type_column = get_column_letter(keys.index("type") + 1)
    types = DataValidation(
        type="list",
        formula1=f'"{",".join(TYPE_LABELS.values())}"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="Тип вопроса",
        error="Выберите тип из списка (подробнее — на листе «Как заполнять»).",
    )
    types.add(f"{type_column}2:{type_column}1048576")
    difficulty_column = get_column_letter(keys.index("difficulty") + 1)
    difficulty = DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2="5",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Сложность",
        error="Сложность — целое число от 1 (легко) до 5 (трудно) или пусто.",
    )
    difficulty.add(f"{difficulty_column}2:{difficulty_column}1048576")
    sheet.data_validations.append(types)
    sheet.data_validations.append(difficulty)


def _header(sheet: Any) -> list[Cell]:
    cells = []
    for _key, title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cells.append(cell)
    return cells


def _cells(sheet: Any, row: list[Any]) -> list[Any]:
    """The row's values, as cells where they need one: the long texts wrapped, and texts
    that start with «=» kept as texts, not formulas."""
    values: list[Any] = []
    for (key, _title), value in zip(COLUMNS, row, strict=True):
        if value == "" or value is None:
            values.append(None)
            continue
        if not isinstance(value, str):
            values.append(value)
            continue
        value = ILLEGAL_CHARACTERS_RE.sub("", value) if _CONTROL.search(value) else value
        formula_like = value.startswith("=") or value in ERROR_CODES
        if key not in _WRAPPED and not formula_like:
            values.append(value)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if formula_like:
            cell.data_type = "s"
        if key in _WRAPPED:
            cell.alignment = _WRAP
        values.append(cell)
    return values


def _row(item: Item) -> list[Any]:
    """The values of the item's row, in the order of COLUMNS."""
    difficulty = item.moodle_options.get(DIFFICULTY_OPTION, "")
    return [
        _category(item.category),
        TYPE_LABELS[item.type],
        item.name,
        item.text,
        int(difficulty) if difficulty in {"1", "2", "3", "4", "5"} else None,
        "\n".join(_answer_lines(item)),
        _grade(item.default_grade),
        item.general_feedback,
        ", ".join(item.tags),
    ]


def _category(names: list[str]) -> str:
    if not names:
        return ""
    path = " / ".join(name.replace("/", "//") for name in names)
    return f"top / {path}" if names[0].startswith(_SWALLOWED_FIRST) else path


def _grade(grade: Decimal) -> float | str:
    """A number Excel shows as a number, unless a float would change it."""
    as_float = float(grade)
    return as_float if Decimal(repr(as_float)) == grade else format_number(grade)


def _answer_lines(item: Item) -> Iterator[str]:
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTIPLE_CHOICE):
        yield from _choice_lines(item)
    elif item.type is ItemType.TRUE_FALSE:
        yield from _true_false_lines(item)
    elif item.type is ItemType.SHORT_ANSWER:
        for answer in item.answers:
            grade = "" if answer.fraction == FULL_CREDIT else percent(answer.fraction) + " "
            yield with_feedback(grade + escape_start(escape(answer.text)), answer.feedback)
    elif item.type is ItemType.NUMERICAL:
        yield from (_numerical_line(answer) for answer in item.numerical_answers)
    elif item.type is ItemType.MATCHING:
        yield from (_pair_line(pair) for pair in item.pairs)
    elif item.type is ItemType.ORDERING:
        for step in item.answers:
            yield with_feedback(escape(step.text), step.feedback)


def _choice_lines(item: Item) -> Iterator[str]:
    positive = [answer.fraction for answer in item.answers if answer.fraction > 0]
    starred: Decimal | None = FULL_CREDIT
    if item.type is ItemType.MULTIPLE_CHOICE:
        share = (FULL_CREDIT / len(positive)).quantize(Decimal("0.00001")) if positive else None
        starred = share if all(fraction == share for fraction in positive) else None
    for answer in item.answers:
        yield with_feedback(
            _choice_mark(answer, starred) + escape_start(escape(answer.text)), answer.feedback
        )


def _choice_mark(answer: Answer, starred: Decimal | None) -> str:
    if answer.fraction == 0:
        return ""
    if answer.fraction == starred:
        return "* "
    return percent(answer.fraction) + " "


def _true_false_lines(item: Item) -> Iterator[str]:
    right, wrong = ("верно", "неверно") if item.correct_answer else ("неверно", "верно")
    feedback = {"верно": item.feedback_true, "неверно": item.feedback_false}
    if not item.feedback_true and not item.feedback_false:
        yield right
        return
    yield with_feedback(f"*{right}", feedback[right])
    yield with_feedback(wrong, feedback[wrong])


def _numerical_line(answer: NumericalAnswer) -> str:
    if answer.value is None:
        grade = "" if answer.fraction == 0 else percent(answer.fraction) + " "
        return with_feedback(grade + "*", answer.feedback)
    grade = "" if answer.fraction == FULL_CREDIT else percent(answer.fraction) + " "
    tolerance = f" ± {number(answer.tolerance)}" if answer.tolerance else ""
    return with_feedback(grade + number(answer.value) + tolerance, answer.feedback)


def _pair_line(pair: MatchPair) -> str:
    left = escape(pair.question, feedback=False).replace("->", "-\\>")
    return f"{left} -> {escape(pair.answer, feedback=False)}".strip()


def _write_help(sheet: Any) -> None:
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 45
    for row in HELP_ROWS:
        cells = []
        for index, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value=value)
            cell.alignment = _WRAP
            if index == 0 or len(row) == 1:
                cell.font = _HEADER_FONT
            cells.append(cell)
        sheet.append(cells)


TEMPLATE_EXAMPLES = [
    Item(
        ItemType.SINGLE_CHOICE,
        "Сравнение дробей",
        "Какая дробь больше?",
        text_format="plain",
        category=["Математика", "5 класс", "Дроби"],
        general_feedback="Приведите дроби к общему знаменателю.",
        tags=["дроби", "сравнение"],
        answers=[
            Answer("3/4", FULL_CREDIT, "Верно: 3/4 = 9/12."),
            Answer("2/3", Decimal(0), "2/3 = 8/12 — меньше."),
            Answer("1/2", Decimal(0)),
        ],
        moodle_options={DIFFICULTY_OPTION: "2"},
    ),
    Item(
        ItemType.SHORT_ANSWER,
        "Автор «Евгения Онегина»",
        "Кто написал роман в стихах «Евгений Онегин»?",
        text_format="plain",
        category=["Литература", "9 класс"],
        tags=["Пушкин"],
        answers=[
            Answer("Пушкин", FULL_CREDIT),
            Answer("А. С. Пушкин", FULL_CREDIT),
            Answer("Лермонтов", Decimal(0), "Лермонтов написал «Героя нашего времени»."),
        ],
        moodle_options={DIFFICULTY_OPTION: "1"},
    ),
]

HELP_ROWS: list[tuple[str, ...]] = [
    ("Как заполнять лист «Вопросы»",),
    (
        "Одна строка — один вопрос. Первая строка листа — заголовок, не меняйте его. "
        "Обязательны столбцы «Тип» и «Текст вопроса»; пустые строки пропускаются. "
        "Если в какой-то строке ошибка, импорт покажет номер строки и причину "
        "и не сохранит ничего, пока ошибки не исправлены.",
    ),
    ("Столбец", "Что писать", "Пример"),
    (
        "Категория",
        "Путь в банке вопросов через «/»; пусто — категория «Без категории». "
        "Косая черта внутри названия пишется дважды: «//».",
        "Математика / 5 класс / Дроби",
    ),
    ("Тип", "Один из типов ниже (выбирается из списка в ячейке).", "один ответ"),
    ("Название", "Короткое название вопроса; пусто — из начала текста.", "Сравнение дробей"),
    (
        "Текст вопроса",
        "Формулировка; перевод строки внутри ячейки — Alt+Enter. Можно HTML.",
        "Какая дробь больше?",
    ),
    ("Сложность", "Целое число от 1 (легко) до 5 (трудно); можно оставить пустой.", "2"),
    (
        "Ответы",
        "Каждый вариант ответа — на своей строке внутри ячейки (Alt+Enter). "
        "Что писать — зависит от типа, см. ниже. После «#» — отзыв на этот вариант.",
        "* 3/4 # Верно\n2/3\n1/2",
    ),
    ("Баллы", "Сколько баллов стоит вопрос; пусто — 1.", "1"),
    ("Отзыв", "Общий отзыв: его видят после ответа.", "Приведите к общему знаменателю."),
    ("Метки", "Через запятую.", "дроби, сравнение"),
    ("",),
    ("Тип", "Что писать в «Ответы»", "Пример"),
    (
        TYPE_LABELS[ItemType.SINGLE_CHOICE],
        "Варианты; правильный отмечен «*» (или «+») в начале строки. "
        "Частично верный — с процентом: «50% вариант».",
        "* Москва # Верно\nСанкт-Петербург\n50% Московская область",
    ),
    (
        TYPE_LABELS[ItemType.MULTIPLE_CHOICE],
        "Варианты; все правильные отмечены «*» и делят 100% поровну. Можно указать проценты "
        "самим; за неверный вариант — штраф с минусом: «-50% вариант».",
        "* 2\n* 3\n-50% 4\n-50% 9",
    ),
    (
        TYPE_LABELS[ItemType.TRUE_FALSE],
        "«верно» или «неверно». С отзывами — две строки, правильная отмечена «*».",
        "*верно # Правильно\nневерно # Подумайте ещё",
    ),
    (
        TYPE_LABELS[ItemType.SHORT_ANSWER],
        "Каждая строка — принимаемый ответ (на 100%); частично верный — с процентом. "
        "Регистр букв не учитывается.",
        "Пушкин\nА. С. Пушкин\n50% Пушкин А.",
    ),
    (
        TYPE_LABELS[ItemType.NUMERICAL],
        "Число и, если нужно, допустимая погрешность после «±» (или «+-»). "
        "Строка «*» — любое другое число, чтобы дать к нему отзыв.",
        "3,14 ± 0,01\n50% 3 # Слишком грубо\n* # Перечитайте условие",
    ),
    (
        TYPE_LABELS[ItemType.MATCHING],
        "Пары «левое -> правое» (или «левое = правое»). Строка «-> ответ» — лишний ответ без пары.",
        "Москва -> Россия\nПариж -> Франция\n-> Италия",
    ),
    (
        TYPE_LABELS[ItemType.ORDERING],
        "Элементы в правильном порядке, по одному на строке; ученик увидит их перемешанными.",
        "Завязка\nКульминация\nРазвязка",
    ),
    (
        TYPE_LABELS[ItemType.CLOZE],
        "«Ответы» пусто: поля для ответов записываются прямо в тексте вопроса, "
        "как в Moodle: {1:SHORTANSWER:=ответ}, {1:MULTICHOICE:=верно~неверно}, "
        "{1:NUMERICAL:=3,14:0,01}.",
        "Столица России — {1:SHORTANSWER:=Москва}.",
    ),
    (TYPE_LABELS[ItemType.ESSAY], "«Ответы» пусто: ответ проверяет учитель.", ""),
    (TYPE_LABELS[ItemType.DESCRIPTION], "«Ответы» пусто: это просто текст без вопроса.", ""),
    ("",),
    (
        "Знаки",
        "Если «#», «*» или процент в начале нужны как часть текста ответа, поставьте перед "
        "ними «\\»: «\\# 5», «\\50% раствор». «\\n» — перевод строки внутри одного ответа. "
        "Ячейку, которая начинается с «=», Excel считает формулой: начните её с апострофа «'».",
        "",
    ),
]
