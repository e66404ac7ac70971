"""GIFT read and written as docs.moodle.org "GIFT format" and Moodle's qformat_gift say."""

from decimal import Decimal
from pathlib import Path

import pytest

from metodset.testing.formats.gift import parse_gift, write_gift
from metodset.testing.formats.items import (
    Answer,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
    ParseError,
)

FIXTURES = Path(__file__).parent / "fixtures"


def one(text: str) -> Item:
    """The single item of a GIFT text that must read without errors."""
    result = parse_gift(text)
    assert result.errors == []
    assert len(result.items) == 1
    return result.items[0]


def errors_by_line(text: str) -> dict[int | None, str]:
    return {error.line: error.message for error in parse_gift(text).errors}


def round_trip(item: Item) -> Item:
    return one(write_gift([item]))


# --- The examples of the specification -------------------------------------------------------


def test_multiple_choice_with_one_right_answer() -> None:
    item = one("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")

    assert item.type is ItemType.SINGLE_CHOICE
    assert item.text == "Who's buried in Grant's tomb?"
    assert [(answer.text, int(answer.fraction)) for answer in item.answers] == [
        ("Grant", 0),
        ("Jefferson", 0),
        ("no one", 100),
    ]


def test_missing_word_puts_a_blank_where_the_answers_were() -> None:
    item = one(
        "Moodle costs {~lots of money =nothing ~a small amount} to download from moodle.org."
    )

    assert item.type is ItemType.SINGLE_CHOICE
    assert item.text == "Moodle costs _____ to download from moodle.org."


def test_missing_word_is_written_back_in_its_place() -> None:
    item = one("Дробь 3/4 называется {=правильной ~неправильной} дробью.")

    written = write_gift([item])

    assert "::Дробь 3/4 называется _____ дробью.::Дробь 3/4 называется {" in written
    assert written.rstrip().endswith("} дробью.")
    assert round_trip(item) == item


@pytest.mark.parametrize(
    ("answer", "correct"),
    [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False)],
)
def test_true_false_in_all_four_spellings(answer: str, correct: bool) -> None:
    item = one(f"Grant is buried in Grant's tomb.{answer}")

    assert item.type is ItemType.TRUE_FALSE
    assert item.correct_answer is correct
    assert item.penalty == 1  # as Moodle's GIFT import sets it


def test_true_false_feedback_goes_to_the_wrong_then_the_right_answer() -> None:
    true_item = one("Земля круглая.{T#Подумайте ещё.#Верно!}")
    false_item = one("Солнце — планета.{F#Подумайте ещё.#Верно!}")

    assert (true_item.feedback_true, true_item.feedback_false) == ("Верно!", "Подумайте ещё.")
    assert (false_item.feedback_true, false_item.feedback_false) == ("Подумайте ещё.", "Верно!")
    assert round_trip(true_item) == true_item
    assert round_trip(false_item) == false_item


def test_true_false_with_only_the_right_feedback_is_written_with_an_empty_wrong_one() -> None:
    item = Item(
        ItemType.TRUE_FALSE, "ВН", "Да?", "moodle", feedback_true="Верно!", penalty=Decimal(1)
    )

    assert "{TRUE##Верно!}" in write_gift([item])
    assert round_trip(item) == item


def test_short_answer_with_several_accepted_answers() -> None:
    item = one("Who's buried in Grant's tomb?{=no one =nobody}")

    assert item.type is ItemType.SHORT_ANSWER
    assert [(answer.text, int(answer.fraction)) for answer in item.answers] == [
        ("no one", 100),
        ("nobody", 100),
    ]


def test_short_answer_with_partial_credit_and_feedback() -> None:
    item = one("Столица России?{=Москва#Верно =%50%москва#С большой буквы}")

    assert item.answers == [
        Answer("Москва", Decimal(100), "Верно"),
        Answer("москва", Decimal(50), "С большой буквы"),
    ]


def test_numerical_with_tolerance() -> None:
    item = one("When was Ulysses S. Grant born?{#1822:5}")

    assert item.type is ItemType.NUMERICAL
    assert item.numerical_answers == [NumericalAnswer(Decimal(1822), Decimal(5))]


def test_numerical_range_becomes_the_middle_and_half_the_width() -> None:
    item = one("What is a number from 1 to 5?{#1..5}")

    assert item.numerical_answers == [NumericalAnswer(Decimal(3), Decimal(2))]


def test_numerical_decimals_negative_numbers_and_a_decimal_comma() -> None:
    assert one("π?{#3.14159:0.0005}").numerical_answers[0] == NumericalAnswer(
        Decimal("3.14159"), Decimal("0.0005")
    )
    assert one("Ниже нуля?{#-2.5..-0.5}").numerical_answers[0] == NumericalAnswer(
        Decimal("-1.5"), Decimal(1)
    )
    assert one("Половина?{#0,5}").numerical_answers[0] == NumericalAnswer(Decimal("0.5"))


def test_several_numerical_answers_with_partial_credit_and_other_answers_feedback() -> None:
    item = one(
        "When was Ulysses S. Grant born? {#\n"
        "    =1822:0      # Correct! Full credit.\n"
        "    =%50%1822:2  # He was born in 1822. Half credit for being close.\n"
        "    ~#Подумайте ещё.\n"
        "}"
    )

    assert item.numerical_answers == [
        NumericalAnswer(Decimal(1822), Decimal(0), Decimal(100), "Correct! Full credit."),
        NumericalAnswer(
            Decimal(1822),
            Decimal(2),
            Decimal(50),
            "He was born in 1822. Half credit for being close.",
        ),
        NumericalAnswer(None, Decimal(0), Decimal(0), "Подумайте ещё."),
    ]
    assert round_trip(item) == item


def test_matching_pairs_and_an_extra_wrong_answer() -> None:
    item = one(
        "Match the following countries with their corresponding capitals. {\n"
        "    =Canada -> Ottawa\n"
        "    =Italy  -> Rome\n"
        "    =Japan  -> Tokyo\n"
        "    = -> Paris\n"
        "}"
    )

    assert item.type is ItemType.MATCHING
    assert item.pairs == [
        MatchPair("Canada", "Ottawa"),
        MatchPair("Italy", "Rome"),
        MatchPair("Japan", "Tokyo"),
        MatchPair("", "Paris"),
    ]


def test_partial_credit_including_negative_makes_a_multiple_choice_item() -> None:
    item = one(
        "What two people are entombed in Grant's tomb? {\n"
        "   ~%-100%No one\n"
        "   ~%50%Grant\n"
        "   ~%50%Grant's wife\n"
        "   ~%-100%Grant's father\n"
        "}"
    )

    assert item.type is ItemType.MULTIPLE_CHOICE
    assert [answer.fraction for answer in item.answers] == [-100, 50, 50, -100]


def test_fractional_percentages_are_kept_exactly() -> None:
    item = one("Три из четырёх?{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")

    assert [answer.fraction for answer in item.answers[:3]] == [Decimal("33.33333")] * 3
    assert round_trip(item) == item


def test_answer_feedback_and_general_feedback() -> None:
    item = one(
        "What's the answer to this multiple-choice question? {\n"
        "    ~wrong answer#feedback comment on the wrong answer\n"
        "    =right answer#Very good!\n"
        "    ####General feedback.\n"
        "}"
    )

    assert item.answers[0].feedback == "feedback comment on the wrong answer"
    assert item.answers[1].feedback == "Very good!"
    assert item.general_feedback == "General feedback."


def test_essay_and_its_general_feedback() -> None:
    assert one("Напишите эссе о дробях.{}").type is ItemType.ESSAY
    item = one("Напишите эссе.{####Проверьте пример из жизни.}")
    assert item.type is ItemType.ESSAY
    assert item.general_feedback == "Проверьте пример из жизни."


def test_a_question_without_braces_is_a_description() -> None:
    item = one("::Раздел::Следующие задания — про дроби.")

    assert item.type is ItemType.DESCRIPTION
    assert item.default_grade == 0


def test_title_and_a_name_made_from_the_text_when_there_is_none() -> None:
    assert one("::Столица::Столица России?{=Москва}").name == "Столица"
    assert one("Столица России?{=Москва}").name == "Столица России?"
    assert one("<p>Выберите <b>верное</b></p>{T}").name == "Выберите верное"


# --- Escapes, comments, formats, categories --------------------------------------------------


@pytest.mark.parametrize("char", ["~", "=", "#", "{", "}", ":"])
def test_each_escaped_character_is_text(char: str) -> None:
    item = one(f"::Знак \\{char}::Что значит \\{char}?{{=знак \\{char}#это \\{char} ~другое}}")

    assert item.name == f"Знак {char}"
    assert item.text == f"Что значит {char}?"
    assert item.answers[0] == Answer(f"знак {char}", Decimal(100), f"это {char}")
    assert round_trip(item) == item


def test_backslash_n_is_a_new_line_and_a_double_backslash_is_one_backslash() -> None:
    item = one("Первая строка\\nвторая \\\\ и \\\\{T}")
    braces = one("Как написать T в скобках?{=\\{T\\}}")

    assert item.text == "Первая строка\nвторая \\ и \\"
    assert item.type is ItemType.TRUE_FALSE  # "\\\\{" is a backslash, then a real brace
    assert braces.type is ItemType.SHORT_ANSWER
    assert braces.answers == [Answer("{T}", Decimal(100))]
    assert round_trip(item) == item


def test_comment_lines_are_skipped_anywhere() -> None:
    item = one(
        "// Вопрос про столицы\n"
        "::Столица:: Столица России? {\n"
        "// варианты\n"
        "=Москва\n"
        "~Казань // это не комментарий\n"
        "}"
    )

    assert item.answers == [Answer("Москва", Decimal(100)), Answer("Казань // это не комментарий")]


def test_id_number_and_tags_come_from_the_comment_above() -> None:
    item = one("// [id:ДР-1] [tag:дроби] [tag:5 класс]\n::Д::Половина?{=1/2 ~1/3}")

    assert item.id_number == "ДР-1"
    assert item.tags == ["дроби", "5 класс"]
    assert round_trip(item) == item


@pytest.mark.parametrize("text_format", ["html", "markdown", "plain", "moodle"])
def test_format_tags(text_format: str) -> None:
    item = one(f"::Ф::[{text_format}]Текст *вопроса* <b>?</b>{{=да ~нет}}")

    assert item.text_format == text_format
    assert item.text == "Текст *вопроса* <b>?</b>"
    assert round_trip(item) == item


def test_without_a_format_tag_the_format_is_moodle_auto_format() -> None:
    assert one("Вопрос?{T}").text_format == "moodle"


def test_a_format_tag_before_an_answer_or_feedback_is_read_and_dropped() -> None:
    item = one("[html]Вопрос?{=[html]<b>да</b>#[html]<i>верно</i> ~нет}")

    assert item.answers[0] == Answer("<b>да</b>", Decimal(100), "<i>верно</i>")


def test_texts_that_look_like_format_tags_or_weights_are_written_so_they_read_back() -> None:
    item = Item(
        ItemType.SINGLE_CHOICE,
        "Теги",
        "[html] это не тег",
        "moodle",
        answers=[
            Answer("%50% это не оценка", Decimal(0), "[plain]и это не тег"),
            Answer("[markdown]", Decimal(100)),
        ],
    )

    assert round_trip(item) == item


def test_categories_apply_to_the_questions_after_them() -> None:
    result = parse_gift(
        "$CATEGORY: $course$/top/Математика/Дроби\n\n"
        "Половина?{=1/2 ~1/3}\n\n"
        "$CATEGORY: Русский язык/Синтаксис\n"
        "Подлежащее?{=кто ~где}\n\n"
        "$CATEGORY: $course$/top/Папка//с косой\n\n"
        "Третий?{T}"
    )

    assert [item.category for item in result.items] == [
        ["Математика", "Дроби"],
        ["Русский язык", "Синтаксис"],
        ["Папка/с косой"],
    ]
    assert result.categories == [
        ["Математика", "Дроби"],
        ["Русский язык", "Синтаксис"],
        ["Папка/с косой"],
    ]


def test_categories_are_written_when_they_change() -> None:
    first = Item(
        ItemType.TRUE_FALSE, "1", "Первый?", "moodle", category=["Алгебра"], penalty=Decimal(1)
    )
    second = Item(
        ItemType.TRUE_FALSE, "2", "Второй?", "moodle", category=["Алгебра"], penalty=Decimal(1)
    )
    third = Item(ItemType.ESSAY, "3", "Третий?", "moodle", category=["Гео/метрия"])

    written = write_gift([first, second, third])

    assert written.count("$CATEGORY:") == 2
    assert "$CATEGORY: $course$/top/Гео//метрия" in written
    assert parse_gift(written).items == [first, second, third]


def test_windows_line_ends_and_a_byte_order_mark() -> None:
    result = parse_gift("\ufeff::А::Да?{T}\r\n\r\n::Б::Нет?{F}\r\n")

    assert [item.name for item in result.items] == ["А", "Б"]
    assert [item.source for item in result.items] == ["строка 1", "строка 3"]


def test_cyrillic_everywhere() -> None:
    item = one(
        "::Ёлка::Какое дерево — «ёлка»?{=ель#Верно, ёлка — это ель. ~сосна#Нет. ####Ёлка = ель.}"
    )

    assert item.name == "Ёлка"
    assert item.answers[0] == Answer("ель", Decimal(100), "Верно, ёлка — это ель.")
    assert item.general_feedback == "Ёлка = ель."


# --- Broken items ----------------------------------------------------------------------------


def test_broken_items_are_reported_with_their_lines_and_good_ones_still_read() -> None:
    result = parse_gift((FIXTURES / "broken.gift.txt").read_text(encoding="utf-8"))

    assert [item.name for item in result.items] == ["Хороший 1", "Хороший 2", "Хороший 3"]
    assert [str(error) for error in result.errors] == [
        "строка 4: не закрыта фигурная скобка «{»",
        "строка 8: вопрос на соответствие: нужно не менее двух пар",
        "строка 10: «восемь» — не число",
        "строка 12: нет правильного ответа (варианта с положительной оценкой)",
        "строка 16: сумма положительных оценок вариантов должна быть 100%, а не 70%",
        "строка 18: лишняя закрывающая фигурная скобка «}»; если она часть текста, пишите «\\}»",
        "строка 20: больше одной пары фигурных скобок; скобки в тексте вопроса пишите как «\\{» и «\\}»",
        "строка 22: не закрыто название вопроса: после «::» нет второго «::»",
        "строка 24: в диапазоне «5..1» начало больше конца",
    ]
    assert all(error.element is None for error in result.errors)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Вопрос?{~один}", "в вопросе с выбором нужно не менее двух вариантов ответа"),
        ("Вопрос?{=да ~}", "пустой вариант ответа"),
        ("Вопрос?{=%50%да =%20%нет}", "нет ответа с оценкой 100%"),
        ("Сколько?{#}", "нет числового ответа"),
        ("Сколько?{#5:-1}", "погрешность не может быть отрицательной"),
        ("Пары?{=a -> b =c}", "вопрос на соответствие: в паре «c» нет «->»"),
        ("::Пусто::{T}", "пустой текст вопроса"),
        ("Выбор {~%150%a ~b}", "оценка варианта «a» (150%) вне диапазона от −100% до 100%"),
        ("} и {T}", "закрывающая фигурная скобка «}» стоит раньше открывающей «{»"),
        ("Символ \ue001{T}", "в тексте есть служебные символы Юникода U+E001…U+E007"),
    ],
)
def test_each_reason_is_said_in_russian(text: str, message: str) -> None:
    assert message in errors_by_line(f"::Хороший::Да?{{T}}\n\n{text}")[3]


def test_a_blank_line_inside_the_answers_splits_the_question_as_moodle_does() -> None:
    errors = errors_by_line("Вопрос?{\n=да\n\n~нет\n}")

    assert errors == {
        1: "не закрыта фигурная скобка «{»",
        4: "лишняя закрывающая фигурная скобка «}»; если она часть текста, пишите «\\}»",
    }


# --- Writing ---------------------------------------------------------------------------------


def test_writes_each_type_as_the_specification_shows() -> None:
    items = [
        Item(
            ItemType.SINGLE_CHOICE,
            "Выбор",
            "2 + 2?",
            "moodle",
            general_feedback="Считайте.",
            answers=[Answer("4", Decimal(100), "Да"), Answer("5", Decimal(-50))],
        ),
        Item(
            ItemType.SHORT_ANSWER,
            "Слово",
            "Столица?",
            "moodle",
            answers=[Answer("Москва", Decimal(100))],
        ),
        Item(
            ItemType.NUMERICAL,
            "Число",
            "π?",
            "moodle",
            numerical_answers=[NumericalAnswer(Decimal("3.14"), Decimal("0.01"))],
        ),
        Item(
            ItemType.MATCHING,
            "Пары",
            "Пары?",
            "moodle",
            pairs=[MatchPair("a", "b"), MatchPair("c", "d")],
        ),
    ]

    written = write_gift(items)

    assert written == (
        "::Выбор::2 + 2?{\n\t=4#Да\n\t~%-50%5\n\t####Считайте.\n}\n\n"
        "::Слово::Столица?{\n\t=%100%Москва\n}\n\n"
        "::Число::π?{#\n\t=%100%3.14:0.01\n}\n\n"
        "::Пары::Пары?{\n\t=a -> b\n\t=c -> d\n}\n\n"
    )


def test_gift_cannot_carry_ordering_cloze_or_an_arrow_in_a_short_answer() -> None:
    items = [
        Item(ItemType.ORDERING, "Порядок", "Расставьте."),
        Item(ItemType.CLOZE, "Пропуски", "Столица — {1:SA:=Москва}."),
        Item(ItemType.SHORT_ANSWER, "Стрелка", "Что?", answers=[Answer("a -> b", Decimal(100))]),
        Item(ItemType.MATCHING, "Пары", "?", pairs=[MatchPair("a -> b", "c"), MatchPair("d", "e")]),
        Item(ItemType.ESSAY, "Метка", "?", tags=["<b>"]),
    ]
    problems: list[ParseError] = []

    assert write_gift(items, problems=problems) == ""
    assert [problem.element for problem in problems] == [
        "вопрос №1 (ordering «Порядок»)",
        "вопрос №2 (cloze «Пропуски»)",
        "вопрос №3 (short_answer «Стрелка»)",
        "вопрос №4 (matching «Пары»)",
        "вопрос №5 (essay «Метка»)",
    ]
    assert (
        problems[0].message
        == "в GIFT нет вопросов на упорядочивание — экспортируйте их в Moodle XML"
    )


def test_the_sample_file_reads_completely() -> None:
    result = parse_gift((FIXTURES / "sample.gift.txt").read_text(encoding="utf-8"))

    assert result.errors == []
    assert [item.type.value for item in result.items] == [
        "single_choice",
        "multiple_choice",
        "single_choice",
        "true_false",
        "true_false",
        "short_answer",
        "numerical",
        "numerical",
        "numerical",
        "matching",
        "essay",
        "description",
        "single_choice",
        "numerical",
    ]
    escaped = result.items[12]
    assert (
        escaped.text == "Символы ~ = # { } : и обратная косая \\ пишутся через \\.\nВторая строка."
    )
    assert escaped.answers[0] == Answer("ответ = 5 : верный", Decimal(100), "Отзыв с # решёткой")
    assert result.items[-1].text_format == "markdown"
    assert result.categories == [
        ["Математика", "5 класс", "Дроби"],
        ["Математика", "5 класс", "Числа"],
    ]
