"""Moodle XML read and written as docs.moodle.org "Moodle XML format" and qformat_xml say."""

import base64
import re
from decimal import Decimal
from pathlib import Path

import pytest

from metodset.testing.formats.items import (
    Answer,
    ClozeKind,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
    ParseResult,
)
from metodset.testing.formats.moodlexml import parse_moodle_xml, write_moodle_xml

FIXTURES = Path(__file__).parent / "fixtures"
GRAPH_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAGklEQVR4nGM8IafBAANMDAwMFknXIRxGZBkAUhUDktRGHHMAAAAASUVORK5CYII="


@pytest.fixture(scope="module")
def sample() -> ParseResult:
    return parse_moodle_xml((FIXTURES / "sample.moodle.xml").read_bytes())


def by_name(result: ParseResult) -> dict[str, Item]:
    return {item.name: item for item in result.items}


def quiz(*questions: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n<quiz>\n" + "\n".join(questions) + "\n</quiz>"
    ).encode()


def question(kind: str, body: str, name: str = "Вопрос") -> str:
    return (
        f'<question type="{kind}"><name><text>{name}</text></name>'
        f'<questiontext format="html"><text>Текст вопроса</text></questiontext>{body}</question>'
    )


# --- The sample export -----------------------------------------------------------------------


def test_sample_reads_every_supported_type_with_its_category(sample: ParseResult) -> None:
    assert [(item.type.value, item.category[-1]) for item in sample.items] == [
        ("single_choice", "Механика"),
        ("multiple_choice", "Механика"),
        ("true_false", "Механика"),
        ("short_answer", "Механика"),
        ("numerical", "Механика"),
        ("matching", "Механика"),
        ("ordering", "Механика"),
        ("essay", "Механика"),
        ("description", "Задачи с пропусками"),
        ("cloze", "Задачи с пропусками"),
    ]
    assert sample.categories == [
        ["Физика", "7 класс", "Механика"],
        ["Физика", "7 класс", "Задачи с пропусками"],
    ]


def test_sample_errors_name_the_question_and_its_line(sample: ParseResult) -> None:
    assert [str(error) for error in sample.errors] == [
        "строка 286, вопрос №11 (calculated «Формула»): тип вопроса «calculated» не поддерживается",
        "строка 296, вопрос №12 (multichoice «Дроби»): нет правильного ответа (варианта с оценкой 100%)",
    ]


def test_multichoice_keeps_its_settings_feedback_hints_tags_and_images(sample: ParseResult) -> None:
    item = by_name(sample)["Скорость по графику"]

    assert item.text.startswith("<p>Какая скорость у тела на графике?</p>")
    assert item.text_format == "html"
    assert item.default_grade == 2
    assert item.penalty == Decimal("0.3333333")
    assert item.id_number == "МЕХ-7"
    assert item.shuffle_answers is True
    assert item.answer_numbering == "abc"
    assert item.answers == [
        Answer("<p>2 м/с</p>", Decimal(100), "Верно."),
        Answer("<p>4 м/с</p>", Decimal(0), ""),
        Answer("0 м/с", Decimal(-50), "Тело движется."),
    ]
    assert item.correct_feedback == "Ваш ответ верный."
    assert item.partially_correct_feedback == "Ваш ответ частично правильный."
    assert item.incorrect_feedback == "Ваш ответ неправильный."
    assert item.general_feedback.startswith("<p>Скорость — наклон графика")
    assert item.hints == ["Посмотрите на наклон."]
    assert item.tags == ["кинематика", "график"]
    assert item.files["graph.png"] == base64.b64decode(GRAPH_PNG)
    assert item.files["схема 1.png"].startswith(b"\x89PNG")
    assert item.moodle_options == {
        "hidden": "0",
        "showstandardinstruction": "0",
        "shownumcorrect": "",
    }


def test_multiple_choice_with_negative_fractions(sample: ParseResult) -> None:
    item = by_name(sample)["Векторные величины"]

    assert item.type is ItemType.MULTIPLE_CHOICE
    assert [answer.fraction for answer in item.answers] == [50, 50, -100]
    assert item.shuffle_answers is False
    assert item.answer_numbering == "ABCD"


def test_true_false_feedback_for_each_answer(sample: ParseResult) -> None:
    item = by_name(sample)["Инерция"]

    assert item.correct_answer is True
    assert item.feedback_true == "Это закон инерции."
    assert item.feedback_false == "Вспомните первый закон Ньютона."
    assert item.text_format == "moodle"
    assert item.penalty == 1


def test_short_answer_case_sensitivity_and_plain_text(sample: ParseResult) -> None:
    item = by_name(sample)["Единица силы"]

    assert item.case_sensitive is True
    assert item.text_format == "plain"
    assert item.answers == [
        Answer("Ньютон", Decimal(100), "Верно."),
        Answer("Н", Decimal(50), "Полностью, пожалуйста."),
    ]


def test_numerical_tolerance_any_other_answer_and_units_ignored(sample: ParseResult) -> None:
    item = by_name(sample)["Ускорение свободного падения"]

    assert item.numerical_answers == [
        NumericalAnswer(Decimal("9.81"), Decimal("0.05"), Decimal(100), "Верно."),
        NumericalAnswer(Decimal(10), Decimal(0), Decimal(50), "Округлённо."),
        NumericalAnswer(None, Decimal(0), Decimal(0), "Посмотрите в учебнике."),
    ]
    assert item.moodle_options == {}


def test_matching_subquestions_with_an_extra_answer(sample: ParseResult) -> None:
    item = by_name(sample)["Приборы"]

    assert item.pairs == [
        MatchPair("Динамометр", "сила"),
        MatchPair("Спидометр", "скорость"),
        MatchPair("", "масса"),
    ]
    assert item.correct_feedback == "Верно."


def test_ordering_steps_come_in_the_order_of_their_positions(sample: ParseResult) -> None:
    item = by_name(sample)["Порядок опыта"]

    assert item.answers == [
        Answer("Собрать установку", Decimal(0), "Сначала — установка."),
        Answer("Измерить"),
        Answer("Записать результат"),
    ]
    assert item.moodle_options["layouttype"] == "VERTICAL"
    assert item.moodle_options["gradingtype"] == "ABSOLUTE_POSITION"
    written = write_moodle_xml([item]).decode()
    assert re.findall(r'fraction="(\d+)"', written) == ["1", "2", "3"]


def test_essay_settings_grader_info_and_template(sample: ParseResult) -> None:
    item = by_name(sample)["Опыт Галилея"]

    assert item.grader_info == "Оценить полноту и точность."
    assert item.response_template == "Опыт состоял в том, что…"
    assert item.moodle_options["responseformat"] == "editor"
    assert item.default_grade == 5


def test_cloze_keeps_its_text_and_reads_its_fields(sample: ParseResult) -> None:
    item = by_name(sample)["Законы Ньютона"]

    assert "{1:SHORTANSWER:=инерции#Верно~%50%инертности#Почти}" in item.text
    assert [(part.kind, part.weight) for part in item.cloze_parts] == [
        (ClozeKind.SHORTANSWER, 1),
        (ClozeKind.MULTICHOICE, 2),
        (ClozeKind.NUMERICAL, 1),
    ]
    numerical = item.cloze_parts[2].answers
    assert [(answer.text, answer.tolerance, answer.fraction) for answer in numerical] == [
        ("5", Decimal("0.1"), Decimal(100)),
        ("5", Decimal(1), Decimal(50)),
    ]


def test_written_file_keeps_the_images_base64_byte_for_byte(sample: ParseResult) -> None:
    written = write_moodle_xml(sample.items)

    assert (
        f'<file name="graph.png" path="/" encoding="base64">{GRAPH_PNG}</file>'.encode() in written
    )
    assert parse_moodle_xml(written).items[0].files == sample.items[0].files


# --- Reading details -------------------------------------------------------------------------


def test_category_path_with_a_slash_inside_a_name_and_without_top() -> None:
    result = parse_moodle_xml(
        quiz(
            '<question type="category"><category><text>$course$/Дроби//доли/Сложение</text></category></question>',
            question("essay", ""),
        )
    )

    assert result.items[0].category == ["Дроби/доли", "Сложение"]


def test_missing_single_means_single_choice_and_missing_name_is_made_from_the_text() -> None:
    result = parse_moodle_xml(
        quiz(
            '<question type="multichoice"><questiontext><text>Какой ответ?</text></questiontext>'
            '<answer fraction="100"><text>этот</text></answer><answer fraction="0"><text>тот</text></answer>'
            "</question>"
        )
    )

    item = result.items[0]
    assert item.type is ItemType.SINGLE_CHOICE
    assert item.name == "Какой ответ?"
    assert item.text_format == "html"


def test_old_true_false_answers_count_by_their_order() -> None:
    result = parse_moodle_xml(
        quiz(
            question(
                "truefalse",
                '<answer fraction="0"><text>Верно</text></answer><answer fraction="100"><text>Неверно</text></answer>',
            )
        )
    )

    assert result.items[0].correct_answer is False


def test_multianswer_is_another_name_for_cloze() -> None:
    body = "<questiontext><text>Столица — {1:SA:=Москва}.</text></questiontext>"
    result = parse_moodle_xml(
        quiz(f'<question type="multianswer"><name><text>К</text></name>{body}</question>')
    )

    assert result.items[0].type is ItemType.CLOZE
    assert result.items[0].cloze_parts[0].answers[0].text == "Москва"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('<answer fraction="много"><text>a</text></answer>', "оценка ответа «много» — не число"),
        ("<defaultgrade>два</defaultgrade>", "<defaultgrade>: «два» — не число"),
        (
            '<answer fraction="100"><text>a</text></answer>',
            "в вопросе с выбором нужно не менее двух вариантов ответа",
        ),
    ],
)
def test_broken_questions_are_named_and_the_rest_still_read(body: str, message: str) -> None:
    good = question("essay", "", name="Хороший")

    result = parse_moodle_xml(quiz(good, question("multichoice", body, name="Дроби"), good))

    assert [item.name for item in result.items] == ["Хороший", "Хороший"]
    assert [error.element for error in result.errors] == ["вопрос №2 (multichoice «Дроби»)"]
    assert result.errors[0].message == message
    assert result.errors[0].line == 4


def test_numerical_answer_that_is_not_a_number() -> None:
    result = parse_moodle_xml(
        quiz(question("numerical", '<answer fraction="100"><text>пять</text></answer>'))
    )

    assert result.errors[0].message == "ответ «пять» — не число"


def test_cloze_with_an_unknown_field_type_or_an_unclosed_field() -> None:
    result = parse_moodle_xml(
        quiz(
            '<question type="cloze"><name><text>А</text></name><questiontext><text>x {1:SHORTANSWR:=a} y</text></questiontext></question>',
            '<question type="cloze"><name><text>Б</text></name><questiontext><text>x {1:SA:=a y</text></questiontext></question>',
            '<question type="cloze"><name><text>В</text></name><questiontext><text>без полей</text></questiontext></question>',
        )
    )

    assert [error.message for error in result.errors] == [
        "поле «{1:SHORTANSWR:=a}»: неизвестный тип «SHORTANSWR»",
        "поле «{1:SA:…» не закрыто фигурной скобкой «}»",
        "в тексте нет ни одного поля для ответа вида {1:SHORTANSWER:=…}",
    ]


def test_a_file_that_is_not_xml_gives_one_error_with_its_line() -> None:
    result = parse_moodle_xml(b"<quiz>\n<question type='essay'>\n</quiz>")

    assert result.items == []
    assert [(error.line, error.element) for error in result.errors] == [(3, None)]
    assert result.errors[0].message.startswith("файл повреждён или это не XML")


def test_a_big_file_is_read_piece_by_piece_and_a_cut_one_keeps_what_came_before() -> None:
    text = " ".join(["Опишите опыт."] * 20)
    essays = [Item(ItemType.ESSAY, f"Эссе {number}", text) for number in range(3000)]
    data = write_moodle_xml(essays)
    assert len(data) > 2 * 1024 * 1024  # more than two of the pieces the reader feeds

    whole = parse_moodle_xml(data)
    cut = parse_moodle_xml(data[: len(data) // 2])

    assert whole.items == essays
    assert 0 < len(cut.items) < len(essays)
    assert cut.items == essays[: len(cut.items)]
    assert [error.message.split(":")[0] for error in cut.errors] == [
        "файл повреждён или это не XML"
    ]
    assert cut.errors[0].line == data[: len(data) // 2].count(b"\n") + 1


def test_a_file_declared_in_windows_1251() -> None:
    data = (
        '<?xml version="1.0" encoding="windows-1251"?>\n<quiz>'
        + question("essay", "", name="Сочинение")
        + "</quiz>"
    ).encode("cp1251")

    assert parse_moodle_xml(data).items[0].name == "Сочинение"


def test_entity_declarations_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<quiz>&b;</quiz>'
    )

    result = parse_moodle_xml(bomb)

    assert result.items == []
    assert "объявления сущностей" in result.errors[0].message


def test_external_entities_are_refused_and_a_plain_doctype_is_read() -> None:
    external = b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<quiz>&x;</quiz>'
    plain = ("<!DOCTYPE quiz>\n<quiz>" + question("essay", "", name="Эссе") + "</quiz>").encode()

    assert "объявления сущностей" in parse_moodle_xml(external).errors[0].message
    assert [item.name for item in parse_moodle_xml(plain).items] == ["Эссе"]


def test_the_line_of_a_broken_question_deep_in_a_big_file() -> None:
    """Lines come from a second pass over the file, made only when a question is broken."""
    essays = [Item(ItemType.ESSAY, f"Эссе {number}", "Опишите\nопыт.") for number in range(500)]
    head, *rest = write_moodle_xml(essays).split(b'<question type="essay">')
    broken = [b'<question type="essay">' + part for part in rest]
    broken[400] = broken[400].replace(b'type="essay"', b'type="x"')
    data = head + b"".join(broken)

    result = parse_moodle_xml(data)

    assert len(result.items) == 499
    (error,) = result.errors
    assert error.element == "вопрос №401 (x «Эссе 400»)"
    assert error.line == data[: data.index(b'<question type="x">')].count(b"\n") + 1


def test_another_root_element_is_not_moodle_xml() -> None:
    result = parse_moodle_xml(b"<questions/>")

    assert str(result.errors[0]) == "это не Moodle XML: корневой элемент <questions>, а не <quiz>"


# --- Writing ---------------------------------------------------------------------------------


def test_writes_moodle_names_formats_and_a_category_question() -> None:
    item = Item(
        ItemType.SHORT_ANSWER,
        "Единица",
        "Единица силы — <?>",
        "plain",
        category=["Физика", "Силы"],
        answers=[Answer("ньютон", Decimal(100))],
        fold_yo=True,
    )

    written = write_moodle_xml([item]).decode()

    assert written.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n')
    assert "<category><text>$course$/top/Физика/Силы</text></category>" in written
    assert '<question type="shortanswer">' in written
    assert (
        '<questiontext format="plain_text"><text>Единица силы — &lt;?&gt;</text></questiontext>'
        in written
    )
    assert "<usecase>0</usecase>" in written
    assert "<metodset_foldyo>1</metodset_foldyo>" in written
    assert parse_moodle_xml(written.encode()).items == [item]


def test_a_file_linked_from_feedback_is_written_beside_that_feedback() -> None:
    item = Item(
        ItemType.TRUE_FALSE,
        "Рисунок",
        "Это круг?",
        feedback_true='<img src="@@PLUGINFILE@@/круг.png">',
        files={"круг.png": b"\x89PNG-bytes", "лишний.gif": b"GIF89a"},
    )

    written = write_moodle_xml([item]).decode()

    true_answer = written[written.index("<text>true</text>") : written.index("<text>false</text>")]
    assert 'name="круг.png"' in true_answer
    question_text = written[written.index("<questiontext") : written.index("</questiontext>")]
    assert 'name="лишний.gif"' in question_text  # linked from nowhere: with the question text
    assert parse_moodle_xml(written.encode()).items == [item]
