"""The Excel sheet teachers fill in: the template, every type's «Ответы», errors by row."""

import io
from dataclasses import replace
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metodset.testing import formats
from metodset.testing.formats.items import (
    DEFAULT_PENALTY,
    DIFFICULTY_OPTION,
    Answer,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
    ParseError,
)
from metodset.testing.formats.xlsx import parse_xlsx, text_format_of, write_xlsx, xlsx_template
from metodset.testing.tests.strategies import ROUND_TRIP, items

HEADER = ["Категория", "Тип", "Название", "Текст вопроса", "Сложность", "Ответы", "Баллы"]


def sheet(*rows: list[Any], title: str = "Вопросы", header: list[str] | None = None) -> bytes:
    """A workbook as a teacher saves it from Excel."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = title
    worksheet.append(header or HEADER)
    for row in rows:
        worksheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def one(*row: Any) -> Item:
    result = parse_xlsx(sheet(list(row)))
    assert result.errors == []
    assert len(result.items) == 1
    return result.items[0]


# --- The template ----------------------------------------------------------------------------


def test_the_template_has_the_header_two_examples_and_instructions() -> None:
    data = xlsx_template()

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Вопросы", "Как заполнять"]
    rows = list(workbook["Вопросы"].iter_rows(values_only=True))
    assert list(rows[0]) == [*HEADER, "Отзыв", "Метки"]
    assert len(rows) == 3
    instructions = " ".join(
        str(value) for row in workbook["Как заполнять"].iter_rows(values_only=True) for value in row
    )
    assert "несколько ответов" in instructions
    assert "Alt+Enter" in instructions


def test_the_template_examples_read_back_without_errors() -> None:
    result = parse_xlsx(xlsx_template())

    assert result.errors == []
    first, second = result.items
    assert (first.type, first.name, first.category) == (
        ItemType.SINGLE_CHOICE,
        "Сравнение дробей",
        ["Математика", "5 класс", "Дроби"],
    )
    assert [answer.fraction for answer in first.answers] == [100, 0, 0]
    assert first.answers[0].feedback == "Верно: 3/4 = 9/12."
    assert first.moodle_options == {DIFFICULTY_OPTION: "2"}
    assert first.tags == ["дроби", "сравнение"]
    assert second.type is ItemType.SHORT_ANSWER
    assert result.categories == [["Математика", "5 класс", "Дроби"], ["Литература", "9 класс"]]


# --- Reading every type ----------------------------------------------------------------------


def test_single_choice_with_a_star_partial_credit_and_feedback() -> None:
    item = one(
        "География / 6 класс",
        "один ответ",
        "Столица",
        "Столица России?",
        3,
        "* Москва # Верно\nСанкт-Петербург # Была до 1918 года\n50% Московская область",
        2,
    )

    assert item.type is ItemType.SINGLE_CHOICE
    assert item.category == ["География", "6 класс"]
    assert item.text_format == "plain"
    assert item.default_grade == 2
    assert item.penalty == DEFAULT_PENALTY
    assert item.moodle_options == {DIFFICULTY_OPTION: "3"}
    assert item.answers == [
        Answer("Москва", Decimal(100), "Верно"),
        Answer("Санкт-Петербург", Decimal(0), "Была до 1918 года"),
        Answer("Московская область", Decimal(50), ""),
    ]
    assert item.source == "строка 2"


def test_multiple_choice_stars_share_full_credit_and_penalties_are_negative() -> None:
    item = one("", "несколько ответов", "", "Простые числа?", None, "*2\n+3\n* 5\n-50% 4\n9")

    assert [(answer.text, answer.fraction) for answer in item.answers] == [
        ("2", Decimal("33.33333")),
        ("3", Decimal("33.33333")),
        ("5", Decimal("33.33333")),
        ("4", Decimal(-50)),
        ("9", Decimal(0)),
    ]
    assert item.name == "Простые числа?"
    assert item.category == []


def test_true_false_as_one_word_or_two_marked_lines_with_feedback() -> None:
    short = one("", "верно/неверно", "", "Волга длиннее Днепра.", None, "верно")
    marked = one("", "Верно / Неверно", "", "Земля плоская.", None, "верно # Нет\n*неверно # Да")
    boolean = one("", "true_false", "", "Вода мокрая.", None, True)

    assert (short.correct_answer, short.penalty) == (True, Decimal(1))
    assert (marked.correct_answer, marked.feedback_true, marked.feedback_false) == (
        False,
        "Нет",
        "Да",
    )
    assert boolean.correct_answer is True


def test_short_answer_accepts_every_line() -> None:
    item = one(
        "", "краткий ответ", "", "Автор «Онегина»?", None, "Пушкин\n50% Пушкин А.\n0% Гоголь # Нет"
    )

    assert item.answers == [
        Answer("Пушкин", Decimal(100)),
        Answer("Пушкин А.", Decimal(50)),
        Answer("Гоголь", Decimal(0), "Нет"),
    ]


def test_numerical_with_tolerances_partial_credit_and_any_other_number() -> None:
    item = one(
        "", "числовой", "", "Число π?", None, "3,14 ± 0,01\n50% 3 +- 0,5 # Грубо\n3.1416:0\n* # Нет"
    )

    assert item.numerical_answers == [
        NumericalAnswer(Decimal("3.14"), Decimal("0.01"), Decimal(100), ""),
        NumericalAnswer(Decimal(3), Decimal("0.5"), Decimal(50), "Грубо"),
        NumericalAnswer(Decimal("3.1416"), Decimal(0), Decimal(100), ""),
        NumericalAnswer(None, Decimal(0), Decimal(0), "Нет"),
    ]


def test_a_numerical_answer_typed_as_a_number_cell() -> None:
    assert one("", "числовой", "", "2 + 2?", None, 4).numerical_answers == [
        NumericalAnswer(Decimal(4))
    ]


def test_matching_pairs_with_arrows_or_equals_and_an_extra_answer() -> None:
    item = one("", "соответствие", "", "Столицы", None, "Россия -> Москва\nФранция = Париж\n-> Рим")

    assert item.pairs == [
        MatchPair("Россия", "Москва"),
        MatchPair("Франция", "Париж"),
        MatchPair("", "Рим"),
    ]


def test_ordering_keeps_the_lines_in_order() -> None:
    item = one("", "упорядочивание", "", "Порядок", None, "1941 год\nЗавязка # первым\nРазвязка")

    assert item.answers == [
        Answer("1941 год"),
        Answer("Завязка", Decimal(0), "первым"),
        Answer("Развязка"),
    ]


def test_cloze_keeps_its_fields_in_the_text() -> None:
    item = one(
        "", "вложенные ответы", "", "Столица — {1:SHORTANSWER:=Москва}, река — {1:MC:=Волга~Нил}."
    )

    assert item.type is ItemType.CLOZE
    assert [part.kind.value for part in item.cloze_parts] == ["SHORTANSWER", "MULTICHOICE"]


def test_essay_and_description() -> None:
    essay = one("", "эссе", "", "Опишите опыт.")
    description = one("", "описание", "", "<p>Прочитайте текст.</p>")

    assert essay.type is ItemType.ESSAY
    assert (description.default_grade, description.penalty) == (Decimal(0), Decimal(0))
    assert description.text_format == "html"


def test_backslashes_keep_marks_grades_and_hashes_in_the_text() -> None:
    item = one(
        "",
        "один ответ",
        "",
        "Что?",
        None,
        "*\\50% раствор # к\\#\n\\*звезда\nC\\# и \\\\n\\nвторая",
    )

    assert [answer.text for answer in item.answers] == [
        "50% раствор",
        "*звезда",
        "C# и \\n\nвторая",
    ]
    assert item.answers[0].feedback == "к#"


def test_columns_in_another_order_below_a_title_with_english_types() -> None:
    data = sheet(
        ["Вопросы по физике, 7 класс"],
        ["Вопрос", "Ответы", "Тип вопроса", "Метки", "Баллы (по умолчанию 1)"],
        ["Скорость света, км/с?", "300000 ± 1000", "numerical", "свет, скорость", 1.5],
        header=["Банк вопросов"],
    )

    result = parse_xlsx(data)

    assert result.errors == []
    (item,) = result.items
    assert item.numerical_answers[0].value == 300000
    assert item.tags == ["свет", "скорость"]
    assert item.default_grade == Decimal("1.5")
    assert item.source == "строка 4"


def test_the_first_sheet_is_read_when_none_is_called_questions() -> None:
    data = sheet(["", "эссе", "", "Опишите."], title="Лист1")

    assert [item.text for item in parse_xlsx(data).items] == ["Опишите."]


# --- Errors ----------------------------------------------------------------------------------


def test_bad_rows_are_named_by_their_row_and_the_good_ones_still_read() -> None:
    data = sheet(
        ["", "один ответ", "", "Хороший?", None, "*да\nнет"],
        ["", "тест", "", "Неизвестный тип"],
        ["", "один ответ", "", "Без правильного?", None, "да\nнет"],
        [],
        ["", "числовой", "", "Сколько?", None, "много"],
        ["", "эссе", "", "Сочинение", 7],
        ["", "соответствие", "", "Пары", None, "Россия Москва\nФранция -> Париж"],
        ["", "", "", "Без типа"],
        ["", "эссе", "", "", None, "", "много"],
        ["", "один ответ", "", "Хороший?", None, "*да\nнет"],
    )

    result = parse_xlsx(data)

    assert [item.source for item in result.items] == ["строка 2", "строка 11"]
    assert [(error.line, error.message) for error in result.errors] == [
        (
            3,
            "неизвестный тип вопроса «тест»; возможные типы: «один ответ», «несколько ответов», "
            "«верно/неверно», «краткий ответ», «числовой», «соответствие», «упорядочивание», "
            "«вложенные ответы», «эссе», «описание»",
        ),
        (4, "нет правильного ответа (варианта с оценкой 100%)"),
        (6, "ответ «много» — не число"),
        (7, "сложность — целое число от 1 до 5, а не «7»"),
        (
            8,
            "в строке «Россия Москва» нет «->» или «=» между вопросом и ответом: «Москва -> Россия»",
        ),
        (
            9,
            "не указан тип вопроса (столбец «Тип»: «один ответ», «несколько ответов», "
            "«верно/неверно», «краткий ответ», «числовой», «соответствие», «упорядочивание», "
            "«вложенные ответы», «эссе», «описание»)",
        ),
        (10, "баллы — неотрицательное число, а не «много»"),
    ]
    assert {error.element for error in result.errors} == {"лист «Вопросы»"}
    assert str(result.errors[1]) == (
        "строка 4, лист «Вопросы»: нет правильного ответа (варианта с оценкой 100%)"
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "эссе", "", "Эссе", None, "ответ"], "у вопроса типа «эссе» нет вариантов ответа"),
        (["", "верно/неверно", "", "Да?", None, "может быть"], "«может быть» — не «верно»"),
        (["", "верно/неверно", "", "Да?", None, "верно\nневерно"], "отметьте правильный ответ"),
        (["", "верно/неверно", "", "Да?"], "укажите в столбце «Ответы» правильный ответ"),
        (["", "вложенные ответы", "", "Без полей"], "в тексте нет ни одного поля"),
        (["", "вложенные ответы", "", "x {1:SA:=a"], "не закрыто фигурной скобкой"),
        (["", "числовой", "", "x", None, "5 ± много"], "погрешность «много» — не число"),
    ],
)
def test_what_a_row_can_get_wrong(row: list[Any], message: str) -> None:
    (error,) = parse_xlsx(sheet(row)).errors

    assert error.line == 2
    assert message in error.message


def test_a_file_that_is_not_a_workbook() -> None:
    (error,) = parse_xlsx(b"\xd0\xcf\x11\xe0 old excel").errors

    assert error.line is None
    assert error.message.startswith("файл не похож на таблицу Excel (.xlsx)")


def test_a_sheet_without_the_header() -> None:
    (error,) = parse_xlsx(sheet(["a", "b"], header=["Фамилия", "Имя"])).errors

    assert error.message.startswith("нет строки заголовка со столбцами «Тип» и «Текст вопроса»")


# --- Writing ---------------------------------------------------------------------------------


def test_writing_reports_what_the_sheet_cannot_carry() -> None:
    image = Item(ItemType.ESSAY, "С картинкой", "Смотрите", files={"a.png": b"\x89PNG"})
    tagged = Item(ItemType.ESSAY, "С меткой", "Текст", tags=["a,b"])
    plain = Item(ItemType.ESSAY, "Простой", "Текст")
    problems: list[ParseError] = []

    written = write_xlsx([image, tagged, plain], problems=problems)

    assert [item.name for item in parse_xlsx(written).items] == ["Простой"]
    assert [str(problem) for problem in problems] == [
        "вопрос №1 (essay «С картинкой»): в таблице нет места для картинок и файлов — "
        "экспортируйте такие вопросы в Moodle XML",
        "вопрос №2 (essay «С меткой»): в метке «a,b» есть запятая, а в столбце «Метки» "
        "запятая разделяет метки",
    ]


def test_texts_that_look_like_formulas_stay_texts() -> None:
    item = Item(ItemType.ESSAY, "=СУММ(A1:A2)", "=1+1", general_feedback="#N/A")

    workbook = openpyxl.load_workbook(io.BytesIO(write_xlsx([item])))
    row = next(workbook["Вопросы"].iter_rows(min_row=2))

    assert [cell.data_type for cell in row[2:4]] == ["s", "s"]
    assert parse_xlsx(write_xlsx([item])).items[0].name == "=СУММ(A1:A2)"


def test_dispatch_reads_and_writes_xlsx_as_bytes() -> None:
    item = Item(ItemType.ESSAY, "Эссе", "Опишите.", text_format="plain")

    data = formats.write([item], "xlsx")

    assert data.startswith(b"PK")
    assert formats.parse(data, "xlsx").items == [item]
    with pytest.raises(ValueError, match="XLSX"):
        formats.parse("текст", "xlsx")


# --- Round trip ------------------------------------------------------------------------------


def as_xlsx_keeps_it(item: Item) -> Item:
    """The item as the sheet brings it back: its columns and answers; for the rest the
    defaults GIFT gives too."""
    kept = replace(
        item,
        text_format=text_format_of(item.text),
        default_grade=item.default_grade,
        penalty={ItemType.TRUE_FALSE: Decimal(1), ItemType.DESCRIPTION: Decimal(0)}.get(
            item.type, DEFAULT_PENALTY
        ),
        id_number="",
        hints=[],
        moodle_options={
            key: value for key, value in item.moodle_options.items() if key == DIFFICULTY_OPTION
        },
        shuffle_answers=True,
        answer_numbering="abc",
        correct_feedback="",
        partially_correct_feedback="",
        incorrect_feedback="",
        case_sensitive=False,
        fold_yo=False,
        grader_info="",
        response_template="",
    )
    return kept


@st.composite
def sheet_items(draw: st.DrawFn) -> Item:
    """Any item without files (the sheet has no room for them), some with a difficulty."""
    item = replace(draw(items()), files={})
    difficulty = draw(st.sampled_from(["", "1", "3", "5"]))
    if difficulty:
        item.moodle_options[DIFFICULTY_OPTION] = difficulty
    return item


@ROUND_TRIP
@given(st.lists(sheet_items(), min_size=1, max_size=5))
def test_xlsx_gives_back_every_item_it_can_carry(generated: list[Item]) -> None:
    problems: list[ParseError] = []

    result = parse_xlsx(write_xlsx(generated, problems=problems))

    assert problems == []
    assert result.errors == []
    assert result.items == [as_xlsx_keeps_it(item) for item in generated]


@ROUND_TRIP
@given(st.lists(sheet_items(), min_size=1, max_size=4))
def test_a_sheet_through_moodle_xml_and_back_is_the_same_sheet(generated: list[Item]) -> None:
    """What the sheet carries, Moodle XML carries too: the difficulty included."""
    first = parse_xlsx(write_xlsx(generated)).items

    again = formats.parse(formats.write(first, "moodlexml"), "moodlexml").items

    assert again == first
