"""Aiken read and written as docs.moodle.org "Aiken format" says."""

from decimal import Decimal
from pathlib import Path

from metodset.testing.formats.aiken import parse_aiken, write_aiken
from metodset.testing.formats.items import Answer, Item, ItemType, ParseError

FIXTURES = Path(__file__).parent / "fixtures"


def test_reads_the_example_of_the_specification() -> None:
    result = parse_aiken(
        "What is the correct answer to this question?\n"
        "A. Is it this one?\n"
        "B. Maybe this answer?\n"
        "C. Possibly this one?\n"
        "D. Must be this one!\n"
        "ANSWER: D\n"
    )

    assert result.errors == []
    item = result.items[0]
    assert item.type is ItemType.SINGLE_CHOICE
    assert item.text == "What is the correct answer to this question?"
    assert item.text_format == "plain"
    assert [(answer.text, int(answer.fraction)) for answer in item.answers] == [
        ("Is it this one?", 0),
        ("Maybe this answer?", 0),
        ("Possibly this one?", 0),
        ("Must be this one!", 100),
    ]


def test_sample_file_reports_broken_questions_with_their_lines() -> None:
    result = parse_aiken((FIXTURES / "sample.aiken.txt").read_text(encoding="utf-8"))

    assert [item.text for item in result.items] == [
        "Сколько будет 2 + 2?",
        "Какой город — столица России?",
        "Вопрос в две строки:\nчто больше?",
    ]
    assert [item.source for item in result.items] == ["строка 1", "строка 7", "строка 14"]
    assert result.items[1].answers[2] == Answer("Москва", Decimal(100))
    assert [str(error) for error in result.errors] == [
        "строка 20: после вариантов ответа нет строки «ANSWER: …»",
        "строка 24: в строке ANSWER указан вариант «E», а такого варианта нет",
    ]


def test_other_mistakes() -> None:
    result = parse_aiken(
        "ANSWER: A\n\n"
        "Один вариант\nA) да\nANSWER: A\n\n"
        "Повтор буквы\nA) да\nA) нет\nANSWER: A\n\n"
        "Без вариантов в конце"
    )

    assert [str(error) for error in result.errors] == [
        "строка 1: строка «ANSWER: …» без вопроса",
        "строка 3: в вопросе с выбором нужно не менее двух вариантов ответа",
        "строка 7: буквы вариантов ответа повторяются",
        "строка 12: нет строки «ANSWER: …» в конце вопроса",
    ]


def test_a_question_that_starts_like_an_option_is_still_a_question() -> None:
    result = parse_aiken("A. С. Пушкин написал «Евгения Онегина»?\nA) да\nB) нет\nANSWER: A")

    assert result.items[0].text == "A. С. Пушкин написал «Евгения Онегина»?"


def test_writes_single_choice_and_reports_the_rest() -> None:
    good = Item(
        ItemType.SINGLE_CHOICE,
        "Столица",
        "Столица России?",
        "plain",
        answers=[Answer("Казань"), Answer("Москва", Decimal(100))],
    )
    partial = Item(
        ItemType.SINGLE_CHOICE,
        "Частично",
        "?",
        answers=[Answer("a", Decimal(100)), Answer("b", Decimal(50))],
    )
    multiple = Item(ItemType.MULTIPLE_CHOICE, "Несколько", "?")
    misread = Item(
        ItemType.SINGLE_CHOICE,
        "Двусмысленный",
        "Вопрос\nB. похоже на вариант",
        answers=[Answer("a", Decimal(100)), Answer("b")],
    )
    problems: list[ParseError] = []

    written = write_aiken([good, partial, multiple, misread], problems=problems)

    assert written == "Столица России?\nA. Казань\nB. Москва\nANSWER: B\n\n"
    assert [problem.element for problem in problems] == [
        "вопрос №2 (single_choice «Частично»)",
        "вопрос №3 (multiple_choice «Несколько»)",
        "вопрос №4 (single_choice «Двусмысленный»)",
    ]
    again = parse_aiken(written).items[0]
    assert (again.text, again.answers) == (good.text, good.answers)
