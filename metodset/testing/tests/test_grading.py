"""Checking and grading responses as Moodle grades its question types."""

from dataclasses import replace
from decimal import Decimal
from random import Random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metodset.testing.formats.cloze import parse_cloze
from metodset.testing.formats.items import (
    FULL_CREDIT,
    Answer,
    ClozeKind,
    Item,
    ItemType,
    MatchPair,
    NumericalAnswer,
)
from metodset.testing.grading import (
    MAX_SHORT_TEXT_LENGTH,
    MAX_TEXT_LENGTH,
    Grade,
    InvalidResponseError,
    clean_response,
    describe_key,
    describe_response,
    grade,
    is_scored,
    layout,
    matching_choices,
    max_fraction_possible,
    response_keys,
    right_answer,
    right_response,
)
from metodset.testing.tests.strategies import ROUND_TRIP, TEXTS, items


def choice(kind: ItemType, *answers: tuple[str, str, str], **fields: Any) -> Item:
    item = Item(kind, "Выбор", "Что верно?", **fields)
    item.answers = [
        Answer(text, Decimal(fraction), feedback) for text, fraction, feedback in answers
    ]
    return item


def short(*answers: tuple[str, str], **fields: Any) -> Item:
    item = Item(ItemType.SHORT_ANSWER, "Короткий", "Столица?", **fields)
    item.answers = [Answer(text, Decimal(fraction), f"отзыв {text}") for text, fraction in answers]
    return item


def numerical(*answers: tuple[str | None, str, str]) -> Item:
    item = Item(ItemType.NUMERICAL, "Число", "Сколько?")
    item.numerical_answers = [
        NumericalAnswer(
            None if value is None else Decimal(value), Decimal(tolerance), Decimal(fraction)
        )
        for value, tolerance, fraction in answers
    ]
    return item


def cloze(text: str) -> Item:
    parts, problems = parse_cloze(text)
    assert problems == []
    return Item(ItemType.CLOZE, "Пропуски", text, cloze_parts=parts)


MATCHING = Item(
    ItemType.MATCHING,
    "Соответствие",
    "Сопоставьте",
    pairs=[
        MatchPair("Кошка", "мяукает"),
        MatchPair("Собака", "лает"),
        MatchPair("Корова", "мычит"),
        MatchPair("", "кукарекает"),  # a distractor
    ],
    correct_feedback="Отлично",
    partially_correct_feedback="Частично",
    incorrect_feedback="Неверно",
)
ORDERING = Item(
    ItemType.ORDERING,
    "Порядок",
    "Расставьте",
    answers=[Answer("один"), Answer("два"), Answer("три"), Answer("четыре")],
)
SINGLE = choice(
    ItemType.SINGLE_CHOICE,
    ("<b>Москва</b>", "100", "Да"),
    ("Тверь", "-50", "Нет"),
    ("Казань", "50", ""),
    correct_feedback="Верно!",
    incorrect_feedback="Увы",
    partially_correct_feedback="Почти",
)
MULTIPLE = choice(
    ItemType.MULTIPLE_CHOICE,
    ("2", "33.33333", "простое"),
    ("3", "33.33333", ""),
    ("4", "-100", "составное"),
    ("5", "33.33333", ""),
)


def seeded(seed: int) -> Random:
    return Random(seed)  # noqa: S311 - repeatable display orders, not secrets


def fraction(item: Item, response: object) -> Decimal | None:
    return grade(item, response).fraction  # type: ignore[arg-type]


# --- Grading, type by type ------------------------------------------------------------------------


def test_single_choice_grades_the_chosen_answer_and_clips_penalties() -> None:
    assert grade(SINGLE, {"choice": 0}) == Grade(Decimal(1), False, ["Да", "Верно!"])
    assert grade(SINGLE, {"choice": 2}) == Grade(Decimal("0.5"), False, ["Почти"])
    assert grade(SINGLE, {"choice": "1"}) == Grade(Decimal(0), False, ["Нет", "Увы"])
    assert grade(SINGLE, None) == Grade(Decimal(0), False, ["Увы"])


def test_multiple_choice_adds_fractions_and_three_thirds_are_full_credit() -> None:
    assert fraction(MULTIPLE, {"choices": [0, 1, 3]}) == 1
    assert fraction(MULTIPLE, {"choices": [0]}) == Decimal("0.3333333")
    assert fraction(MULTIPLE, {"choices": [0, 1, 2, 3]}) == 0  # the wrong one costs all
    assert fraction(MULTIPLE, {"choices": [0, 2]}) == 0  # clipped at 0
    assert grade(MULTIPLE, {"choices": [0, 2]}).feedback == ["простое", "составное"]
    assert fraction(MULTIPLE, {"choices": []}) == 0


def test_true_false_gives_the_feedback_of_the_chosen_value() -> None:
    item = Item(ItemType.TRUE_FALSE, "ВН", "Земля круглая", correct_answer=True)
    item.feedback_true, item.feedback_false = "Да, круглая", "Нет, круглая"
    assert grade(item, {"value": True}) == Grade(Decimal(1), False, ["Да, круглая"])
    assert grade(item, {"value": False}) == Grade(Decimal(0), False, ["Нет, круглая"])
    assert grade(item, {}) == Grade(Decimal(0), False, [])


def test_short_answer_takes_the_first_matching_answer_with_moodle_wildcards() -> None:
    item = short(("Москва", "100"), ("Моск*", "50"), ("*", "0"))
    assert grade(item, {"text": "  москва "}) == Grade(Decimal(1), False, ["отзыв Москва"])
    assert fraction(item, {"text": "Москвабад"}) == Decimal("0.5")
    assert grade(item, {"text": "Тверь"}) == Grade(Decimal(0), False, ["отзыв *"])
    assert fraction(short(("a\\*b", "100")), {"text": "a*b"}) == 1
    assert fraction(short(("a\\*b", "100")), {"text": "axb"}) == 0
    assert fraction(short(("a*b", "100")), {"text": "a и еще b"}) == 1
    assert fraction(short(("1+1=2 (x)", "100")), {"text": "1+1=2 (X)"}) == 1  # no regex inside


def test_short_answer_case_spaces_and_yo() -> None:
    sensitive = short(("Ёж", "100"), case_sensitive=True)
    assert fraction(sensitive, {"text": "Ёж"}) == 1
    assert fraction(sensitive, {"text": "ёж"}) == 0
    assert fraction(sensitive, {"text": "Еж"}) == 0
    assert fraction(replace(sensitive, fold_yo=True), {"text": "Еж"}) == 1
    assert fraction(replace(sensitive, fold_yo=True), {"text": "еж"}) == 0
    assert fraction(short(("ёлка", "100"), fold_yo=True), {"text": "ЕЛКА"}) == 1
    assert fraction(short(("новый  год", "100")), {"text": "Новый \n год"}) == 1


def test_numerical_answers_by_tolerance_in_order() -> None:
    item = numerical(("3.14", "0.01", "100"), ("3", "0.5", "50"), (None, "0", "0"))
    assert fraction(item, {"text": "3,141"}) == 1
    assert fraction(item, {"text": "3.15"}) == 1
    assert fraction(item, {"text": "2.6"}) == Decimal("0.5")
    assert grade(item, {"text": "100"}) == Grade(Decimal(0), False, [])  # "*" has no feedback here
    assert fraction(item, {"text": "пи"}) == 0
    assert fraction(item, {"text": "1e0"}) == 0


def test_matching_gives_credit_per_right_pair() -> None:
    assert grade(MATCHING, {"pairs": {"0": "мяукает", "1": "лает", "2": "мычит"}}) == Grade(
        Decimal(1), False, ["Отлично"]
    )
    two_of_three = {"pairs": {"0": "мяукает", "1": " лает ", "2": "кукарекает"}}
    assert grade(MATCHING, two_of_three) == Grade(Decimal("0.6666667"), False, ["Частично"])
    assert grade(MATCHING, None) == Grade(Decimal(0), False, ["Неверно"])


def test_ordering_counts_items_in_their_place() -> None:
    assert fraction(ORDERING, {"order": [0, 1, 2, 3]}) == 1
    assert fraction(ORDERING, {"order": [0, 1, 3, 2]}) == Decimal("0.5")
    assert fraction(ORDERING, {"order": [3, 2, 1, 0]}) == 0
    twins = replace(ORDERING, answers=[Answer("а"), Answer("а"), Answer("б")])
    assert fraction(twins, {"order": [1, 0, 2]}) == 1  # the same text shows the same


def test_cloze_weighs_its_fields() -> None:
    item = cloze(
        "{2:SHORTANSWER:=Париж#Да~%50%Марсель#Почти} {1:NUMERICAL:=23.8:0.1~%50%23.8:2}"
        " {1:MULTICHOICE_S:Аризона~=Калифорния#Ок} {2:MULTIRESPONSE:%50%a~%50%b~%-100%c}"
        " {1:SHORTANSWER_C:=Ok}"
    )
    right = {"parts": {"0": "париж", "1": "23,85", "2": 1, "3": [0, 1], "4": "Ok"}}
    assert grade(item, right) == Grade(Decimal(1), False, ["Да", "Ок"], (Decimal(1),) * 5)
    partial = {"parts": {"0": "Марсель", "1": "22", "3": [0, 2], "4": "ok"}}
    result = grade(item, partial)
    assert result.parts == (Decimal("0.5"), Decimal("0.5"), Decimal(0), Decimal(0), Decimal(0))
    expected = Decimal("0.2142857")  # (2 × 0.5 + 1 × 0.5) / 7
    assert result.fraction == expected
    assert result.feedback == ["Почти"]
    assert grade(item, None).parts == (Decimal(0),) * 5


def test_cloze_numerical_star_accepts_any_number() -> None:
    item = cloze("{1:NUMERICAL:=2:0~%50%*#любое}")
    assert grade(item, {"parts": {"0": "17"}}) == Grade(
        Decimal("0.5"), False, ["любое"], (Decimal("0.5"),)
    )
    assert fraction(item, {"parts": {"0": "не число"}}) == 0


def test_essay_waits_for_a_teacher_and_description_is_not_graded() -> None:
    essay = Item(ItemType.ESSAY, "Эссе", "Напишите")
    assert grade(essay, {"text": "Моё эссе"}) == Grade(None, True, [])
    assert grade(essay, {"text": "   "}) == Grade(Decimal(0), False, [])
    description = Item(ItemType.DESCRIPTION, "Текст", "Прочтите")
    assert grade(description, {"anything": 1}) == Grade(None, False, [])
    assert (is_scored(description), max_fraction_possible(description)) == (False, Decimal(0))
    assert (is_scored(essay), max_fraction_possible(essay)) == (True, Decimal(1))


# --- Cleaning ---------------------------------------------------------------------------------------


def test_clean_response_normalises() -> None:
    assert clean_response(SINGLE, {"choice": "2"}) == {"choice": 2}
    assert clean_response(SINGLE, {"choice": None}) is None
    assert clean_response(MULTIPLE, {"choices": [3, "0"]}) == {"choices": [0, 3]}
    assert clean_response(MULTIPLE, {"choices": []}) is None
    assert clean_response(short(("a", "100")), {"text": "  Ответ "}) == {"text": "Ответ"}
    assert clean_response(short(("a", "100")), {"text": " "}) is None
    assert clean_response(MATCHING, {"pairs": {0: " лает ", "1": ""}}) == {"pairs": {"0": "лает"}}
    assert clean_response(ORDERING, {"order": ["1", 0, 2, 3]}) == {"order": [1, 0, 2, 3]}
    assert clean_response(SINGLE, {}) is None
    assert clean_response(SINGLE, None) is None
    item = cloze("{1:SA:=a} {1:MC:=a~b} {1:MR:=a~b}")
    raw = {"parts": {"2": [1, "0"], "0": " x ", "1": ""}}
    assert clean_response(item, raw) == {"parts": {"0": "x", "2": [0, 1]}}


@pytest.mark.parametrize(
    ("item", "raw", "message"),
    [
        (SINGLE, [0], "неверном формате"),
        (SINGLE, {"choice": 3}, "Такого варианта ответа нет"),
        (SINGLE, {"choice": -1}, "Такого варианта ответа нет"),
        (SINGLE, {"choice": True}, "целым числом"),
        (SINGLE, {"choice": 1.0}, "целым числом"),
        (MULTIPLE, {"choices": [1, "1"]}, "дважды"),
        (MULTIPLE, {"choices": 1}, "списком"),
        (short(("a", "100")), {"text": "я" * (MAX_SHORT_TEXT_LENGTH + 1)}, "не более 500"),
        (short(("a", "100")), {"text": 5}, "текстом"),
        (Item(ItemType.ESSAY, "Э", "Э"), {"text": "я" * (MAX_TEXT_LENGTH + 1)}, "не более 20000"),
        (Item(ItemType.TRUE_FALSE, "В", "В"), {"value": "true"}, "«верно» или «неверно»"),
        (MATCHING, {"pairs": {"3": "лает"}}, "Такого вопроса нет"),
        (MATCHING, {"pairs": {"4": "лает"}}, "Такого вопроса нет"),
        (MATCHING, {"pairs": {"0": "гавкает"}}, "«гавкает» среди вариантов нет"),
        (MATCHING, {"pairs": ["лает"]}, "неверном формате"),
        (ORDERING, {"order": [0, 1, 2]}, "все элементы"),
        (ORDERING, {"order": [0, 1, 2, 2]}, "дважды"),
        (cloze("{1:SA:=a} {1:MC:=a~b}"), {"parts": {"1": 5}}, "Поле №2: такого варианта"),
        (cloze("{1:SA:=a}"), {"parts": {"1": "a"}}, "Такого поля для ответа нет"),
    ],
)
def test_clean_response_rejects(item: Item, raw: object, message: str) -> None:
    with pytest.raises(InvalidResponseError, match=message):
        clean_response(item, raw)


# --- Descriptions -----------------------------------------------------------------------------------


def test_right_answer_in_words() -> None:
    assert right_answer(SINGLE) == "Москва"
    assert right_answer(MULTIPLE) == "2; 3; 5"
    assert right_answer(Item(ItemType.TRUE_FALSE, "В", "В", correct_answer=False)) == "неверно"
    assert right_answer(short(("Москва", "100"), ("Моск*", "50"), ("Moscow", "100"))) == (
        "Москва или Moscow"
    )
    assert right_answer(numerical(("3.14", "0.01", "100"), ("3", "0", "50"))) == "3,14 (± 0,01)"
    assert right_answer(numerical(("2", "0", "100"))) == "2"
    assert right_answer(MATCHING) == "Кошка → мяукает; Собака → лает; Корова → мычит"
    assert right_answer(ORDERING) == "1) один; 2) два; 3) три; 4) четыре"
    item = cloze("{1:MC:=a~b} {1:NM:=1.5:0.1~%50%*} {1:MR:=c~%50%d~e}")
    assert right_answer(item) == "поле 1: a; поле 2: 1,5 (± 0,1); поле 3: c; d"
    assert right_answer(Item(ItemType.ESSAY, "Э", "Э")) == "проверяет учитель"
    assert right_answer(Item(ItemType.DESCRIPTION, "Т", "Т")) == ""


def test_describe_response_in_words() -> None:
    assert describe_response(SINGLE, {"choice": 0}) == "Москва"
    assert describe_response(SINGLE, None) == "нет ответа"
    assert describe_response(MULTIPLE, {"choices": [3, 0]}) == "2; 5"
    assert describe_response(MATCHING, {"pairs": {"1": "лает"}}) == "Собака → лает"
    assert (
        describe_response(ORDERING, {"order": [1, 0, 2, 3]}) == "1) два; 2) один; 3) три; 4) четыре"
    )
    essay = Item(ItemType.ESSAY, "Э", "Э")
    assert describe_response(essay, {"text": "<p>Один</p><p>два &amp; три</p>"}) == "Один два & три"
    plain = choice(
        ItemType.SINGLE_CHOICE, ("a <b> c", "100", ""), ("d", "0", ""), text_format="plain"
    )
    assert describe_response(plain, {"choice": 0}) == "a <b> c"
    item = cloze("{1:MC:=a~b} {1:SA:=x} {1:MR:=c~%50%d~e}")
    assert describe_response(item, {"parts": {"0": 1, "2": [0, 2]}}) == "поле 1: b; поле 3: c; e"


def test_response_keys_and_their_labels() -> None:
    cases: list[tuple[Item, object, list[str], list[str]]] = [
        (SINGLE, {"choice": 1}, ["a1"], ["Тверь"]),
        (MULTIPLE, {"choices": [2, 0]}, ["a0", "a2"], ["2", "4"]),
        (Item(ItemType.TRUE_FALSE, "В", "В"), {"value": False}, ["false"], ["неверно"]),
        (short(("a", "100")), {"text": " Ёлка  Зелёная"}, ["ёлка зелёная"], ["ёлка зелёная"]),
        (short(("a", "100"), fold_yo=True), {"text": "Ёлка"}, ["елка"], ["елка"]),
        (numerical(("1", "0", "100")), {"text": "3,50"}, ["3.5"], ["3.5"]),
        (numerical(("1", "0", "100")), {"text": "Три"}, ["три"], ["три"]),
        (MATCHING, {"pairs": {"2": "лает"}}, ["p2=лает"], ["Корова → лает"]),
        (ORDERING, {"order": [1, 0, 2, 3]}, ["1,0,2,3"], ["1) два; 2) один; 3) три; 4) четыре"]),
        (Item(ItemType.ESSAY, "Э", "Э"), {"text": "эссе"}, [], []),
        (SINGLE, None, [], []),
    ]
    for item, response, keys, labels in cases:
        assert response_keys(item, response) == keys  # type: ignore[arg-type]
        assert [describe_key(item, key) for key in keys] == labels
    item = cloze("{1:MC:=a~b} {1:SA:=x} {1:MR:=c~%50%d~e} {1:NM:=1}")
    keys = response_keys(item, {"parts": {"0": 1, "1": " X ", "2": [0, 2], "3": "1,0"}})
    assert keys == ["c0=a1", "c1=x", "c2=a0", "c2=a2", "c3=1"]
    labels = ["поле 1: b", "поле 2: x", "поле 3: c", "поле 3: e", "поле 4: 1"]
    assert [describe_key(item, key) for key in keys] == labels
    assert describe_key(SINGLE, "a9") == "a9"


# --- Layout ------------------------------------------------------------------------------------------


def test_layout_of_choices_keeps_the_order_unless_shuffled() -> None:
    assert layout(SINGLE, seeded(1), shuffle=False) == {"answers": [0, 1, 2]}
    fixed = replace(SINGLE, shuffle_answers=False)
    assert layout(fixed, seeded(1), shuffle=True) == {"answers": [0, 1, 2]}
    orders = {tuple(layout(SINGLE, seeded(seed), shuffle=True)["answers"]) for seed in range(50)}
    assert len(orders) == 6


def test_layout_of_matching_and_ordering() -> None:
    assert layout(MATCHING, seeded(1), shuffle=False) == {
        "choices": ["кукарекает", "лает", "мычит", "мяукает"]
    }
    assert sorted(layout(MATCHING, seeded(1), shuffle=True)["choices"]) == sorted(
        matching_choices(MATCHING)
    )
    pair = replace(ORDERING, answers=ORDERING.answers[:2])
    for seed in range(30):
        assert layout(pair, seeded(seed), shuffle=False) == {"order": [1, 0]}
    assert layout(replace(ORDERING, answers=[Answer("один")]), seeded(1), shuffle=True) == {
        "order": [0]
    }


def test_layout_of_cloze_shuffles_only_the_s_fields() -> None:
    item = cloze("{1:MCS:=a~b~c} {1:MC:=a~b} {1:MRHS:=a~b} {1:SA:=x}")
    result = layout(item, seeded(3), shuffle=True)
    assert set(result["parts"]) == {"0", "2"}
    assert sorted(result["parts"]["0"]) == [0, 1, 2]
    assert layout(item, seeded(3), shuffle=False) == {}
    assert layout(short(("a", "100")), seeded(3), shuffle=True) == {}


def test_the_same_seed_gives_the_same_layout() -> None:
    assert layout(ORDERING, seeded(7), shuffle=True) == layout(ORDERING, seeded(7), shuffle=True)


# --- Properties over every kind of item ---------------------------------------------------------------


@st.composite
def raw_responses(draw: st.DrawFn, item: Item) -> object:
    """A response of the right shape for the item (indices sometimes as strings), or nothing."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([None, {}]))

    def index(size: int) -> int | str:
        value = draw(st.integers(0, size - 1))
        return str(value) if draw(st.booleans()) else value

    def indices(size: int) -> list[int]:
        return draw(st.lists(st.integers(0, size - 1), unique=True, max_size=size))

    def text(candidates: list[str]) -> str:
        return draw(st.one_of(TEXTS, st.sampled_from(candidates or ["x"])))

    kind = item.type
    if kind is ItemType.SINGLE_CHOICE:
        return {"choice": index(len(item.answers))}
    if kind is ItemType.MULTIPLE_CHOICE:
        return {"choices": indices(len(item.answers))}
    if kind is ItemType.TRUE_FALSE:
        return {"value": draw(st.booleans())}
    if kind in (ItemType.SHORT_ANSWER, ItemType.ESSAY):
        return {"text": f" {text([answer.text for answer in item.answers])} "}
    if kind is ItemType.NUMERICAL:
        numbers = [
            str(answer.value) for answer in item.numerical_answers if answer.value is not None
        ]
        return {"text": text(numbers)}
    if kind is ItemType.MATCHING:
        questions = [str(i) for i, pair in enumerate(item.pairs) if pair.question]
        choices = st.sampled_from(matching_choices(item))
        return {"pairs": draw(st.dictionaries(st.sampled_from(questions), choices))}
    if kind is ItemType.ORDERING:
        return {"order": draw(st.permutations(range(len(item.answers))))}
    if kind is ItemType.CLOZE:
        parts: dict[str, object] = {}
        for number, part in enumerate(item.cloze_parts):
            if draw(st.booleans()):
                continue
            if part.is_multiple_response:
                parts[str(number)] = indices(len(part.answers))
            elif part.is_choice:
                parts[str(number)] = index(len(part.answers))
            else:
                parts[str(number)] = text([answer.text for answer in part.answers])
        return {"parts": parts}
    return None


@st.composite
def items_with_responses(draw: st.DrawFn) -> tuple[Item, object]:
    item = draw(items())
    return item, draw(raw_responses(item))


@ROUND_TRIP
@given(items_with_responses())
def test_grades_lie_between_0_and_1(case: tuple[Item, object]) -> None:
    item, raw = case
    result = grade(item, raw)  # type: ignore[arg-type]
    if result.fraction is None:
        assert item.type in (ItemType.ESSAY, ItemType.DESCRIPTION)
    else:
        assert 0 <= result.fraction <= 1
        assert result.fraction == result.fraction.quantize(Decimal("0.0000001"))
    assert all(0 <= part <= 1 for part in result.parts)
    assert all(result.feedback)
    assert isinstance(describe_response(item, raw), str)  # type: ignore[arg-type]
    for key in response_keys(item, raw):  # type: ignore[arg-type]
        assert describe_key(item, key)


@ROUND_TRIP
@given(items_with_responses())
def test_clean_response_is_idempotent(case: tuple[Item, object]) -> None:
    item, raw = case
    cleaned = clean_response(item, raw)
    assert clean_response(item, cleaned) == cleaned
    assert grade(item, cleaned) == grade(item, raw)  # type: ignore[arg-type]


def full_credit_first(item: Item) -> Item:
    """The item with its full-credit answers first: a partial answer before them may catch
    every text they accept (Moodle takes the first match), and then nothing gets 1."""

    def first(answers: list[Any]) -> list[Any]:
        return sorted(answers, key=lambda answer: answer.fraction != FULL_CREDIT)

    item = replace(
        item, answers=first(item.answers), numerical_answers=first(item.numerical_answers)
    )
    item.cloze_parts = [
        replace(part, answers=first(part.answers)) if part.kind in _TEXT_KINDS else part
        for part in item.cloze_parts
    ]
    return item


_TEXT_KINDS = (ClozeKind.SHORTANSWER, ClozeKind.SHORTANSWER_C, ClozeKind.NUMERICAL)


@ROUND_TRIP
@given(items())
def test_the_right_response_gets_full_credit(item: Item) -> None:
    item = full_credit_first(item)
    response = right_response(item)
    result = grade(item, response)
    if item.type in (ItemType.ESSAY, ItemType.DESCRIPTION):
        assert response is None
    else:
        assert clean_response(item, response) == response
        assert result.fraction == 1, (response, result)
        assert right_answer(item)


def test_a_partial_answer_before_the_right_one_takes_the_match() -> None:
    item = short(("*", "50"), ("Москва", "100"))
    assert right_response(item) == {"text": "Москва"}
    assert fraction(item, right_response(item)) == Decimal("0.5")
    item = numerical(("3", "1", "50"), ("3.5", "1", "100"))
    assert right_response(item) == {"text": "3.5"}  # 3.5 is within 3 ± 1: only ½ can be had
    assert right_response(numerical(("3", "0", "50"), ("4", "0", "100"))) == {"text": "4"}


@ROUND_TRIP
@given(items(), st.integers(0, 2**32), st.booleans())
def test_layout_is_a_permutation(item: Item, seed: int, shuffle: bool) -> None:
    result = layout(item, seeded(seed), shuffle)
    if "answers" in result:
        assert sorted(result["answers"]) == list(range(len(item.answers)))
    elif "choices" in result:
        assert sorted(result["choices"]) == sorted(matching_choices(item))
    elif "order" in result:
        assert sorted(result["order"]) == list(range(len(item.answers)))
        assert result["order"] != list(range(len(item.answers)))
    for number, order in result.get("parts", {}).items():
        assert sorted(order) == list(range(len(item.cloze_parts[int(number)].answers)))
