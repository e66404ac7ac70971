"""The bank's pages for each persona: the list with its tree and filters, a question with
its key and versions, writing one of every type in the browser (a failed form keeps what
was typed), editing, copying, archiving, a new category."""

from decimal import Decimal
from typing import Any

import pytest

from metodset.accounts.models import User
from metodset.conftest import World
from metodset.core.models import AuditEntry
from metodset.testing import selectors
from metodset.testing.formats.items import Answer, Item, ItemType
from metodset.testing.models import Category, Question, QuestionVersion
from metodset.testing.services import bank
from metodset.testing.tests.builders import url

pytestmark = pytest.mark.django_db

PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def math() -> Category:
    return Category.objects.get_or_create(name="Математика", parent=None)[0]


def question(author: User, *, name: str = "Сложение", **details: Any) -> Question:
    item = details.pop(
        "item",
        Item(
            type=ItemType.SINGLE_CHOICE,
            name=name,
            text="Сколько будет 2 + 2?",
            answers=[Answer("4", Decimal(100), "Верно!"), Answer("5", Decimal(0))],
            general_feedback="Считайте на пальцах.",
        ),
    )
    details.setdefault("category", math())
    return bank.create_question(actor=author, item=item, **details)


def rows(*values: dict[str, str], total: int | None = None) -> dict[str, str]:
    data = {
        "rows-TOTAL_FORMS": str(total or len(values)),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "100",
    }
    for index, row in enumerate(values):
        data.update({f"rows-{index}-{key}": value for key, value in row.items()})
    return data


def post_data(category: Category, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "",
        "text": "Сколько будет 2 + 2?",
        "text_format": "html",
        "general_feedback": "",
        "default_grade": "1",
        "details-category": str(category.pk),
        "details-visibility": "private",
        "details-difficulty": "",
        "details-subject": "",
        "details-tags": "",
    }
    data.update(fields)
    return data


# --- The list --------------------------------------------------------------------------------


def test_the_bank_lists_what_one_sees_with_the_tree(
    login: Any, teacher: User, colleague: User, django_assert_num_queries: Any
) -> None:
    fractions = Category.objects.create(name="Дроби", parent=math())
    question(teacher, name="Мой вопрос", category=fractions)
    question(colleague, name="Общий вопрос", visibility="network")
    question(colleague, name="Черновик коллеги")
    client = login(teacher)
    client.get(url("bank"))  # the first request fills Django's own caches
    with django_assert_num_queries(11):
        response = client.get(url("bank"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Мой вопрос" in page
    assert "Общий вопрос" in page
    assert "Черновик коллеги" not in page
    assert "Дроби" in page
    assert "один ответ" in page


def test_the_list_query_count_does_not_grow_with_the_rows(
    login: Any, teacher: User, django_assert_num_queries: Any
) -> None:
    for number in range(12):
        question(teacher, name=f"Вопрос {number}", tags=["метка"], grades=[5])
    client = login(teacher)
    client.get(url("bank"))
    with django_assert_num_queries(11):
        assert client.get(url("bank")).status_code == 200
    # A name filter is matched in Python: the page's rows are loaded by their ids.
    with django_assert_num_queries(11):
        assert client.get(url("bank"), {"q": "вопрос"}).status_code == 200


def test_filters_fold_case_and_yo(login: Any, teacher: User) -> None:
    question(teacher, name="Ёлка и ЁЖИК")
    question(teacher, name="Поезд")
    page = login(teacher).get(url("bank"), {"q": "ежик", "scope": "mine"}).content.decode()
    assert "Ёлка и ЁЖИК" in page
    assert "Поезд" not in page
    assert 'value="ежик"' in page  # the filter keeps what was typed


def test_a_category_narrows_the_list_to_its_subtree(login: Any, teacher: User) -> None:
    fractions = Category.objects.create(name="Дроби", parent=math())
    physics = Category.objects.create(name="Физика")
    question(teacher, name="Про дроби", category=fractions)
    question(teacher, name="Про силу", category=physics)
    page = login(teacher).get(url("bank"), {"category": math().pk}).content.decode()
    assert "Про дроби" in page
    assert "Про силу" not in page


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_parents_find_no_bank(
    persona: str, request: pytest.FixtureRequest, login: Any
) -> None:
    client = login(request.getfixturevalue(persona))
    assert client.get(url("bank")).status_code == 404
    assert client.get(url("question_new")).status_code == 404
    assert client.get(url("category_new")).status_code == 404


def test_guests_are_sent_to_sign_in(client: Any) -> None:
    response = client.get(url("bank"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_list_is_read_only(login: Any, teacher: User) -> None:
    assert login(teacher).post(url("bank")).status_code == 405


# --- A question ------------------------------------------------------------------------------


def test_a_question_shows_its_key_feedback_and_versions(login: Any, teacher: User) -> None:
    created = question(teacher, tags=["дроби"], difficulty=2)
    response = login(teacher).get(url("question", created.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Сколько будет 2 + 2?" in page
    assert "Верно!" in page
    assert "100 %" in page
    assert "Считайте на пальцах." in page
    assert "Версия 1" in page
    assert "Учителева" in page
    assert url("question_edit", created.pk) in page
    assert url("question_archive", created.pk) in page


def test_a_colleague_sees_a_shared_question_without_the_edit_button(
    login: Any, teacher: User, colleague: User
) -> None:
    shared = question(teacher, visibility="network")
    page = login(colleague).get(url("question", shared.pk)).content.decode()
    assert url("question_copy", shared.pk) in page
    assert url("question_edit", shared.pk) not in page
    assert url("question_archive", shared.pk) not in page


@pytest.mark.parametrize("persona", ["colleague", "outsider", "student", "parent"])
def test_a_private_question_is_not_found_by_others(
    persona: str, request: pytest.FixtureRequest, login: Any, teacher: User
) -> None:
    private = question(teacher)
    client = login(request.getfixturevalue(persona))
    assert client.get(url("question", private.pk)).status_code == 404
    assert client.get(url("question_edit", private.pk)).status_code == 404
    assert client.post(url("question_copy", private.pk)).status_code == 404
    assert client.post(url("question_archive", private.pk)).status_code == 404
    assert client.get(url("question_version", private.pk, 1)).status_code == 404


def test_a_missing_question_is_not_found(login: Any, teacher: User) -> None:
    assert login(teacher).get(url("question", 9999)).status_code == 404


def test_html_is_sanitized_and_images_shown(login: Any, teacher: User) -> None:
    item = Item(
        type=ItemType.TRUE_FALSE,
        name="Картинка",
        text='<p onclick="x()">Это точка? <img src="@@PLUGINFILE@@/dot.png" alt="точка">'
        "<script>alert(1)</script> \\(x^2\\)</p>",
        files={"dot.png": PIXEL},
    )
    Question.objects.all().delete()
    created = question(teacher, item=item)
    page = login(teacher).get(url("question", created.pk)).content.decode()
    assert "<script>alert" not in page
    assert "onclick" not in page
    assert 'src="data:image/png;base64,' in page
    assert "\\(x^2\\)" in page  # formulas are left for KaTeX
    assert "верно" in page


def test_an_older_version_is_shown(login: Any, teacher: User) -> None:
    created = question(teacher)
    item = bank.question_item(created)
    item.text = "Сколько будет 3 + 3?"
    bank.edit_question(actor=teacher, question=created, item=item, comment="другие числа")
    client = login(teacher)
    old = client.get(url("question_version", created.pk, 1)).content.decode()
    assert "Сколько будет 2 + 2?" in old
    assert "Это версия 1; текущая — 2." in old
    current = client.get(url("question", created.pk)).content.decode()
    assert "Сколько будет 3 + 3?" in current
    assert "другие числа" in current
    assert client.get(url("question_version", created.pk, 7)).status_code == 404


def test_question_pages_take_only_their_methods(login: Any, teacher: User) -> None:
    created = question(teacher)
    client = login(teacher)
    assert client.post(url("question", created.pk)).status_code == 405
    assert client.get(url("question_copy", created.pk)).status_code == 405
    assert client.get(url("question_archive", created.pk)).status_code == 405
    assert client.put(url("question_edit", created.pk)).status_code == 405


# --- Writing a question ----------------------------------------------------------------------


def test_a_new_question_starts_by_choosing_its_type(login: Any, teacher: User) -> None:
    page = login(teacher).get(url("question_new"), {"type": "nonsense"}).content.decode()
    assert "Какой это будет вопрос?" in page
    for label in ("Один ответ", "Несколько ответов", "Пропуски (cloze)", "Эссе", "Описание"):
        assert label in page


TYPES: list[tuple[str, dict[str, str]]] = [
    (
        "single_choice",
        rows(
            {"text": "4", "fraction": "100", "feedback": "Верно"},
            {"text": "5", "fraction": "0", "feedback": ""},
            {"text": "", "fraction": "0", "feedback": ""},
            total=3,
        )
        | {"answer_numbering": "abc", "shuffle_answers": "on"},
    ),
    (
        "multiple_choice",
        rows(
            {"text": "2", "fraction": "50"},
            {"text": "4", "fraction": "50"},
            {"text": "5", "fraction": "-100"},
        )
        | {"answer_numbering": "123"},
    ),
    ("true_false", {"correct_answer": "false", "feedback_true": "Подумайте"}),
    ("short_answer", rows({"text": "четыре", "fraction": "100"}) | {"fold_yo": "on"}),
    (
        "numerical",
        rows(
            {"value": "4", "tolerance": "0,5", "fraction": "100"},
            {"value": "*", "tolerance": "", "fraction": "0", "feedback": "Нет"},
        ),
    ),
    ("matching", rows({"question": "2+2", "answer": "4"}, {"question": "3+3", "answer": "6"})),
    ("ordering", rows({"text": "один"}, {"text": "два"}, {"text": "три"})),
    ("cloze", {"text": "2 + 2 = {1:NUMERICAL:=4:0}, а 3 + 3 = {1:SHORTANSWER:=шесть}"}),
    ("essay", {"grader_info": "Пример из жизни", "response_template": "Я думаю…"}),
    ("description", {}),
]


@pytest.mark.parametrize(("item_type", "fields"), TYPES)
def test_a_teacher_writes_a_question_of_every_type(
    login: Any, teacher: User, item_type: str, fields: dict[str, str]
) -> None:
    client = login(teacher)
    form = client.get(url("question_new"), {"type": item_type, "category": math().pk})
    assert form.status_code == 200
    data = post_data(math(), **fields)
    response = client.post(f"{url('question_new')}?type={item_type}", data)
    created = Question.objects.get()
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == url("question", created.pk)
    assert created.type == item_type
    assert created.author == teacher
    item = bank.question_item(created)
    if item_type == "numerical":
        assert [answer.value for answer in item.numerical_answers] == [Decimal(4), None]
        assert item.numerical_answers[0].tolerance == Decimal("0.5")
    if item_type == "multiple_choice":
        assert [answer.fraction for answer in item.answers] == [50, 50, -100]
        assert item.answer_numbering == "123"
    if item_type == "true_false":
        assert item.correct_answer is False
    if item_type == "cloze":
        assert len(item.cloze_parts) == 2
    assert client.get(url("question", created.pk)).status_code == 200


def test_a_failed_form_keeps_what_was_typed(login: Any, teacher: User) -> None:
    data = post_data(
        math(),
        name="Моё название",
        **rows({"text": "четыре", "fraction": "50", "feedback": "почти"}, {"text": "пять"}),
        answer_numbering="abc",
        **{"details-tags": "дроби, ОГЭ"},
    )
    response = login(teacher).post(f"{url('question_new')}?type=single_choice", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Нет правильного ответа (варианта с оценкой 100%)." in page
    assert 'value="Моё название"' in page
    assert 'value="четыре"' in page
    assert 'value="почти"' in page
    assert "дроби, ОГЭ" in page
    assert not Question.objects.exists()


def test_a_required_category_is_asked_for(login: Any, teacher: User) -> None:
    data = post_data(math(), **rows({"text": "4", "fraction": "100"}, {"text": "5"}))
    data["details-category"] = ""
    response = login(teacher).post(f"{url('question_new')}?type=single_choice", data)
    assert response.status_code == 200
    assert "Обязательное поле" in response.content.decode()
    assert not Question.objects.exists()


def test_more_rows_are_added_without_javascript(login: Any, teacher: User) -> None:
    data = post_data(math(), **rows({"text": "4", "fraction": "100"}, total=4), add_rows="1")
    response = login(teacher).post(f"{url('question_new')}?type=single_choice", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="rows-TOTAL_FORMS" value="7"' in page
    assert 'name="rows-6-text"' in page
    assert not Question.objects.exists()


def test_methodists_are_not_offered_a_school(login: Any, methodist: User) -> None:
    page = login(methodist).get(url("question_new"), {"type": "essay"}).content.decode()
    assert "педагогам всей сети" in page
    assert "педагогам своей школы" not in page


# --- Editing, copying, archiving -------------------------------------------------------------


def test_the_author_edits_into_a_new_version(login: Any, teacher: User) -> None:
    created = question(teacher)
    client = login(teacher)
    page = client.get(url("question_edit", created.pk)).content.decode()
    assert "Сколько будет 2 + 2?" in page
    assert 'value="Верно!"' in page
    data = post_data(
        math(),
        name="Сложение",
        text="Сколько будет 2 + 3?",
        general_feedback="Считайте на пальцах.",
        comment="поменял числа",
        **rows({"text": "5", "fraction": "100"}, {"text": "4", "fraction": "0"}),
        answer_numbering="abc",
        shuffle_answers="on",
    )
    response = client.post(url("question_edit", created.pk), data)
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.current_version == 2
    assert bank.question_item(created).text == "Сколько будет 2 + 3?"
    assert selectors.version_comments(created) == {2: "поменял числа"}


def test_saving_unchanged_details_only_makes_no_version(login: Any, teacher: User) -> None:
    created = question(teacher)
    client = login(teacher)
    data = post_data(
        math(),
        name="Сложение",
        general_feedback="Считайте на пальцах.",
        **rows({"text": "4", "fraction": "100", "feedback": "Верно!"}, {"text": "5"}),
        answer_numbering="abc",
        shuffle_answers="on",
        **{"details-visibility": "network", "details-grades": ["5", "6"]},
    )
    assert client.post(url("question_edit", created.pk), data).status_code == 302
    created.refresh_from_db()
    assert created.current_version == 1
    assert (created.visibility, created.grades) == ("network", [5, 6])
    assert not AuditEntry.objects.filter(action="testing.question_edited").exists()


def test_a_colleague_may_not_edit_or_archive_a_shared_question(
    login: Any, teacher: User, colleague: User
) -> None:
    shared = question(teacher, visibility="network")
    client = login(colleague)
    assert client.get(url("question_edit", shared.pk)).status_code == 403
    assert client.post(url("question_edit", shared.pk), post_data(math())).status_code == 403
    assert client.post(url("question_archive", shared.pk)).status_code == 403
    shared.refresh_from_db()
    assert not shared.is_archived
    assert QuestionVersion.objects.filter(question=shared).count() == 1


def test_a_colleague_copies_a_shared_question(login: Any, teacher: User, colleague: User) -> None:
    shared = question(teacher, visibility="network")
    response = login(colleague).post(url("question_copy", shared.pk))
    copy = Question.objects.exclude(pk=shared.pk).get()
    assert response.status_code == 302
    assert response["Location"] == url("question", copy.pk)
    assert (copy.author, copy.copied_from, copy.visibility) == (colleague, shared, "private")
    page = login(colleague).get(url("question", copy.pk)).content.decode()
    assert "Скопирован из" in page


def test_the_author_archives_and_restores(login: Any, teacher: User) -> None:
    created = question(teacher)
    client = login(teacher)
    assert client.post(url("question_archive", created.pk)).status_code == 302
    created.refresh_from_db()
    assert created.is_archived
    page = client.get(url("question", created.pk)).content.decode()
    assert "в архиве" in page
    assert url("question_edit", created.pk) not in page
    assert client.get(url("bank")).content.decode().count("Сложение") == 0
    assert "Сложение" in client.get(url("bank"), {"archived": "on"}).content.decode()
    assert client.post(url("question_restore", created.pk)).status_code == 302
    created.refresh_from_db()
    assert not created.is_archived


# --- Categories ------------------------------------------------------------------------------


def test_a_teacher_adds_a_category(login: Any, teacher: User) -> None:
    parent = math()
    client = login(teacher)
    assert client.get(url("category_new"), {"parent": parent.pk}).status_code == 200
    response = client.post(url("category_new"), {"parent": str(parent.pk), "name": "Дроби"})
    created = Category.objects.get(name="Дроби")
    assert response.status_code == 302
    assert response["Location"] == f"{url('bank')}?category={created.pk}"
    assert created.parent == parent
    again = client.post(url("category_new"), {"parent": str(parent.pk), "name": "дроби"})
    assert again.status_code == 200
    assert "Категория «дроби» здесь уже есть." in again.content.decode()
    assert 'value="дроби"' in again.content.decode()
    assert Category.objects.filter(parent=parent).count() == 1


def test_a_category_of_another_district_is_not_a_parent(
    login: Any, outsider: User, world: World
) -> None:
    local = Category.objects.create(name="Районная", district=world.district)
    response = login(outsider).post(url("category_new"), {"parent": str(local.pk), "name": "Чужая"})
    assert response.status_code == 200  # not among the choices
    assert not Category.objects.filter(name="Чужая").exists()
