"""The fields of a cloze text, as Moodle's embedded-answers question type reads them."""

from decimal import Decimal

import pytest

from metodset.testing.formats.cloze import cloze_field, parse_cloze
from metodset.testing.formats.items import ClozeAnswer, ClozeKind


def test_reads_the_example_of_the_documentation() -> None:
    parts, problems = parse_cloze(
        "Match the following cities with the correct state:\n"
        "* San Francisco: {1:MULTICHOICE:=California#OK~Arizona#Wrong}\n"
        "* Tucson: {1:MULTICHOICE:%0%California#Wrong~=Arizona#OK}\n"
        "The capital of France is {1:SHORTANSWER:%100%Paris#Congratulations!"
        "~%50%Marseille#No, that is the second largest city in France (after Paris).~*#Wrong answer.}.\n"
        "23 + 0.8 = {2:NUMERICAL:=23.8:0.1#Congratulations!~%50%23.8:2#Close.}"
    )

    assert problems == []
    assert [(part.kind, part.weight) for part in parts] == [
        (ClozeKind.MULTICHOICE, 1),
        (ClozeKind.MULTICHOICE, 1),
        (ClozeKind.SHORTANSWER, 1),
        (ClozeKind.NUMERICAL, 2),
    ]
    assert parts[0].answers == [
        ClozeAnswer("California", Decimal(100), "OK"),
        ClozeAnswer("Arizona", Decimal(0), "Wrong"),
    ]
    assert parts[2].answers[1] == ClozeAnswer(
        "Marseille", Decimal(50), "No, that is the second largest city in France (after Paris)."
    )
    assert parts[2].answers[2] == ClozeAnswer("*", Decimal(0), "Wrong answer.")
    assert parts[3].answers == [
        ClozeAnswer("23.8", Decimal(100), "Congratulations!", Decimal("0.1")),
        ClozeAnswer("23.8", Decimal(50), "Close.", Decimal(2)),
    ]
    assert parts[1].source == "{1:MULTICHOICE:%0%California#Wrong~=Arizona#OK}"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("SA", ClozeKind.SHORTANSWER),
        ("MW", ClozeKind.SHORTANSWER),
        ("SAC", ClozeKind.SHORTANSWER_C),
        ("NM", ClozeKind.NUMERICAL),
        ("MC", ClozeKind.MULTICHOICE),
        ("MCVS", ClozeKind.MULTICHOICE_VS),
        ("MRH", ClozeKind.MULTIRESPONSE_H),
        ("MULTIRESPONSE_S", ClozeKind.MULTIRESPONSE_S),
    ],
)
def test_short_type_codes(code: str, kind: ClozeKind) -> None:
    parts, _ = parse_cloze(f"{{:{code}:=1}}")

    assert parts[0].kind is kind
    assert parts[0].weight == 1  # an empty weight counts as 1


def test_escapes_entities_and_a_leading_tilde() -> None:
    parts, problems = parse_cloze(r"{1:MC:~a \} b#отзыв \# c~=&lt;x&gt; \~ y}")

    assert problems == []
    assert parts[0].answers == [
        ClozeAnswer("a } b", Decimal(0), "отзыв # c"),
        ClozeAnswer("<x> ~ y", Decimal(100)),
    ]


def test_kinds_tell_choice_multiple_response_and_case() -> None:
    parts, _ = parse_cloze("{1:MRS:%50%a~%50%b~%-100%c} {1:SAC:=Да} {1:MCH:=a~b}")

    assert [part.is_multiple_response for part in parts] == [True, False, False]
    assert [part.is_choice for part in parts] == [True, False, True]
    assert [part.is_case_sensitive for part in parts] == [False, True, False]


def test_field_text_is_written_so_it_reads_back() -> None:
    answers = [
        ClozeAnswer("=равно", Decimal(0), "отзыв с # и ~"),
        ClozeAnswer("%50% не оценка } & <", Decimal(100)),
        ClozeAnswer("часть", Decimal("-33.5")),
    ]

    source = cloze_field(ClozeKind.MULTICHOICE, answers, weight=3)
    parts, problems = parse_cloze(f"Текст {source} дальше")

    assert problems == []
    assert parts[0].answers == answers
    assert parts[0].weight == 3
    assert parts[0].source == source


def test_text_without_fields_and_braces_that_are_not_fields() -> None:
    parts, problems = parse_cloze(r"Формула \(\frac{1}{2}\) и {x:y} — не поля")

    assert (parts, problems) == ([], [])
