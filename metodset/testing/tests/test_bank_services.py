"""The bank's verbs: writing, editing, copying and archiving questions, categories; and the
reads of its pages (the filtered list, the category tree). Every refusal leaves nothing
behind. The import of a file is tested in test_import_jobs.py."""

from decimal import Decimal
from typing import Any

import pytest

from metodset.accounts.models import User
from metodset.accounts.tests.factories import SubjectFactory
from metodset.conftest import PERSONAS, World
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AuditEntry
from metodset.testing import permissions, selectors
from metodset.testing.formats.items import Answer, Item, ItemType
from metodset.testing.models import Category, Question, QuestionVersion
from metodset.testing.selectors import BankFilters
from metodset.testing.serialization import from_data
from metodset.testing.services import bank
from metodset.testing.services.bank import QuestionInvalidError
from metodset.testing.tests.builders import audit_count, start_upload

pytestmark = pytest.mark.django_db


def choice(text: str = "2 + 2 = ?", name: str = "Сложение") -> Item:
    return Item(
        type=ItemType.SINGLE_CHOICE,
        name=name,
        text=text,
        answers=[Answer("4", Decimal(100)), Answer("5", Decimal(0), "Пересчитайте.")],
    )


def category(name: str = "Математика", parent: Category | None = None) -> Category:
    return Category.objects.get_or_create(name=name, parent=parent)[0]


def question(author: User, **details: Any) -> Question:
    details.setdefault("category", category())
    return bank.create_question(actor=author, item=details.pop("item", choice()), **details)


@pytest.fixture
def superuser(world: World) -> User:
    return User.objects.create_superuser(
        "admin@metodset.test", "pass", last_name="Админов", first_name="Борис"
    )


# --- Writing a question ----------------------------------------------------------------------


def test_a_teacher_writes_a_question_with_its_first_version(teacher: User, world: World) -> None:
    subject = SubjectFactory(name="Математика")
    math = category()
    created = bank.create_question(
        actor=teacher,
        item=choice(name=""),
        category=math,
        visibility="school",
        difficulty=2,
        subject=subject,
        grades=[6, 5, 5],
        tags=[" дроби ", "Дроби", "ОГЭ"],
    )
    assert created.author == teacher
    assert created.organization == world.school
    assert created.type == "single_choice"
    assert created.name == "2 + 2 = ?"  # from the text, as Moodle names an unnamed item
    assert (created.grades, created.tags) == ([5, 6], ["дроби", "ОГЭ"])
    assert created.current_version == 1
    version = QuestionVersion.objects.get(question=created)
    assert version.number == 1
    item = from_data(version.data)
    assert item.answers[1].feedback == "Пересчитайте."
    assert item.tags == ["дроби", "ОГЭ"]
    assert item.category == []  # the row has the category
    entry = AuditEntry.objects.get(action="testing.question_created")
    assert (entry.actor, entry.target_id, entry.to_state) == (teacher, str(created.pk), "1")


def test_an_item_that_cannot_be_graded_is_refused_with_its_problems(teacher: User) -> None:
    item = choice()
    item.answers = [Answer("4", Decimal(50)), Answer("", Decimal(0))]
    with pytest.raises(QuestionInvalidError) as refusal:
        bank.create_question(actor=teacher, item=item, category=category())
    assert "нет правильного ответа (варианта с оценкой 100%)" in refusal.value.problems
    assert "пустой вариант ответа" in refusal.value.problems
    assert not Question.objects.exists()
    assert not QuestionVersion.objects.exists()
    assert audit_count("testing.question_created") == 0


def test_cloze_fields_are_read_from_the_text(teacher: User) -> None:
    item = Item(type=ItemType.CLOZE, name="Столица", text="Столица — {1:SHORTANSWER:=Москва}.")
    created = question(teacher, item=item)
    stored = bank.question_item(created)
    assert [part.answers[0].text for part in stored.cloze_parts] == ["Москва"]
    broken = Item(type=ItemType.CLOZE, name="Без поля", text="Ничего не спрашиваем.")
    with pytest.raises(QuestionInvalidError):
        question(teacher, item=broken)
    assert Question.objects.count() == 1


@pytest.mark.parametrize("persona", ["student", "parent", "guest"])
def test_only_staff_write_questions(persona: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDeniedError):
        bank.create_question(actor=user, item=choice(), category=category())
    assert not Question.objects.exists()
    assert audit_count("testing.question_created") == 0


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"difficulty": 6}, "Сложность"),
        ({"grades": [0, 12]}, "Классы"),
        ({"visibility": "everyone"}, "видимость"),
        ({"tags": ["x" * 51]}, "длиннее"),
        ({"tags": [f"метка {n}" for n in range(21)]}, "не больше 20"),
        ({"category": None}, "категорию"),
    ],
)
def test_wrong_details_are_refused(teacher: User, details: dict[str, Any], message: str) -> None:
    with pytest.raises(DomainError, match=message):
        question(teacher, **details)
    assert not Question.objects.exists()


def test_sharing_with_a_school_needs_one(methodist: User) -> None:
    """A district methodist works in no school: «педагогам своей школы» would share with
    nobody, so it is refused."""
    with pytest.raises(DomainError, match="своей школы"):
        question(methodist, visibility="school")
    assert question(methodist, visibility="network").organization is None


def test_a_category_of_another_district_cannot_be_used(teacher: User, world: World) -> None:
    far = Category.objects.create(name="Чужое", district=world.other_district)
    with pytest.raises(DomainError, match="категорию"):
        question(teacher, category=far)
    assert not Question.objects.exists()


# --- Editing ---------------------------------------------------------------------------------


def test_editing_adds_a_version_and_keeps_the_old_one(teacher: User) -> None:
    created = question(teacher)
    item = bank.question_item(created)
    item.name = "Сложение чисел"
    item.text = "2 + 2 = ? Выберите ответ."
    item.type = ItemType.MULTIPLE_CHOICE
    version = bank.edit_question(actor=teacher, question=created, item=item, comment="уточнил")
    created.refresh_from_db()
    assert version.number == 2
    assert created.current_version == 2
    assert (created.name, created.type) == ("Сложение чисел", "multiple_choice")
    first = QuestionVersion.objects.get(question=created, number=1)
    assert from_data(first.data).text == "2 + 2 = ?"
    assert bank.question_item(created).text == "2 + 2 = ? Выберите ответ."
    entry = AuditEntry.objects.get(action="testing.question_edited")
    assert (entry.from_state, entry.to_state, entry.comment) == ("1", "2", "уточнил")
    assert selectors.version_comments(created) == {2: "уточнил"}


def test_only_the_author_or_a_superuser_edits(
    teacher: User, colleague: User, superuser: User
) -> None:
    created = question(teacher, visibility="network")
    item = bank.question_item(created)
    item.text = "Изменённый текст"
    with pytest.raises(PermissionDeniedError):
        bank.edit_question(actor=colleague, question=created, item=item)
    assert QuestionVersion.objects.filter(question=created).count() == 1
    assert audit_count("testing.question_edited") == 0
    bank.edit_question(actor=superuser, question=created, item=item)
    created.refresh_from_db()
    assert created.current_version == 2
    assert created.author == teacher


def test_an_edit_without_changes_or_with_problems_saves_nothing(teacher: User) -> None:
    created = question(teacher)
    with pytest.raises(DomainError, match="ничего не изменилось"):
        bank.edit_question(actor=teacher, question=created, item=bank.question_item(created))
    broken = bank.question_item(created)
    broken.answers = []
    with pytest.raises(QuestionInvalidError):
        bank.edit_question(actor=teacher, question=created, item=broken)
    created.refresh_from_db()
    assert created.current_version == 1
    assert QuestionVersion.objects.count() == 1
    assert audit_count("testing.question_edited") == 0


def test_an_archived_question_is_not_edited(teacher: User) -> None:
    created = question(teacher)
    bank.archive_question(actor=teacher, question=created)
    item = bank.question_item(created)
    item.text = "Новый"
    with pytest.raises(DomainError, match="в архиве"):
        bank.edit_question(actor=teacher, question=created, item=item)
    assert QuestionVersion.objects.count() == 1


def test_details_change_without_a_new_version(teacher: User, colleague: User) -> None:
    created = question(teacher)
    algebra = category("Алгебра")
    details: dict[str, Any] = {
        "category": algebra,
        "visibility": "network",
        "difficulty": 4,
        "grades": [7],
        "tags": ["уравнения"],
    }
    bank.update_question_details(actor=teacher, question=created, **details)
    created.refresh_from_db()
    assert (created.category, created.visibility, created.difficulty) == (algebra, "network", 4)
    assert (created.grades, created.tags, created.current_version) == ([7], ["уравнения"], 1)
    entry = AuditEntry.objects.get(action="testing.question_details_changed")
    assert entry.changes["visibility"] == ["private", "network"]
    # The same details again: nothing to record.
    bank.update_question_details(actor=teacher, question=created, **details)
    assert audit_count("testing.question_details_changed") == 1
    with pytest.raises(PermissionDeniedError):
        bank.update_question_details(
            actor=colleague, question=created, category=algebra, visibility="private"
        )
    created.refresh_from_db()
    assert created.visibility == "network"


# --- Copying and archiving -------------------------------------------------------------------


def test_a_colleague_copies_a_shared_question_as_their_own(
    teacher: User, colleague: User, world: World
) -> None:
    source = question(teacher, visibility="network", difficulty=3, tags=["дроби"])
    item = bank.question_item(source)
    item.text = "Вторая редакция"
    bank.edit_question(actor=teacher, question=source, item=item)
    copy = bank.copy_question(actor=colleague, question=source)
    assert copy.author == colleague
    assert copy.organization == world.other_school
    assert copy.visibility == "private"
    assert copy.copied_from == source
    assert (copy.difficulty, copy.tags, copy.current_version) == (3, ["дроби"], 1)
    assert bank.question_item(copy).text == "Вторая редакция"
    entry = AuditEntry.objects.get(action="testing.question_copied")
    assert entry.changes == {"source": source.pk, "source_version": 2}
    assert permissions.can_edit_question(colleague, copy)
    assert not permissions.can_edit_question(colleague, source)


def test_a_question_one_does_not_see_is_not_copied(
    teacher: User, outsider: User, student: User
) -> None:
    private = question(teacher)
    for user in (outsider, student):
        with pytest.raises(PermissionDeniedError):
            bank.copy_question(actor=user, question=private)
    assert Question.objects.count() == 1
    assert audit_count("testing.question_copied") == 0


def test_archive_and_restore(teacher: User, colleague: User) -> None:
    created = question(teacher, visibility="network")
    with pytest.raises(PermissionDeniedError):
        bank.archive_question(actor=colleague, question=created)
    bank.archive_question(actor=teacher, question=created)
    created.refresh_from_db()
    assert created.is_archived
    with pytest.raises(DomainError, match="уже в архиве"):
        bank.archive_question(actor=teacher, question=created)
    bank.restore_question(actor=teacher, question=created)
    created.refresh_from_db()
    assert not created.is_archived
    assert audit_count("testing.question_archived") == 1
    assert audit_count("testing.question_restored") == 1


# --- Categories ------------------------------------------------------------------------------


def test_categories_form_a_tree_without_twins(teacher: User, world: World) -> None:
    top = bank.create_category(actor=teacher, parent=None, name="  Физика ")
    assert (top.name, top.parent, top.district) == ("Физика", None, None)
    local = Category.objects.create(name="Районная", district=world.district)
    child = bank.create_category(actor=teacher, parent=local, name="Механика")
    assert child.district == world.district
    with pytest.raises(DomainError, match="уже есть"):
        bank.create_category(actor=teacher, parent=None, name="ФИЗИКА")
    with pytest.raises(DomainError, match="название"):
        bank.create_category(actor=teacher, parent=None, name="   ")
    assert audit_count("testing.category_created") == 2


def test_categories_are_for_staff_and_their_district(
    student: User, outsider: User, world: World
) -> None:
    with pytest.raises(PermissionDeniedError):
        bank.create_category(actor=student, parent=None, name="Игры")
    local = Category.objects.create(name="Районная", district=world.district)
    with pytest.raises(PermissionDeniedError):
        bank.create_category(actor=outsider, parent=local, name="Чужая")
    assert Category.objects.count() == 1


@pytest.mark.parametrize("persona", [*PERSONAS, "superuser"])
def test_category_and_import_visibility_agree(
    persona: str, request: pytest.FixtureRequest, teacher: User, world: World
) -> None:
    user = request.getfixturevalue(persona)
    categories = [
        Category.objects.create(name="Сеть"),
        Category.objects.create(name="Район", district=world.district),
        Category.objects.create(name="Соседи", district=world.other_district),
    ]
    visible = set(permissions.categories_visible_to(user))
    assert {c for c in categories if permissions.can_view_category(user, c)} == visible
    job = start_upload(teacher, "sample.gift.txt")
    assert permissions.can_view_import(user, job) == (
        job in permissions.import_jobs_visible_to(user)
    )


# --- The list's filters ----------------------------------------------------------------------


def test_bank_filters(teacher: User, colleague: User, world: World) -> None:
    math = category("Математика")
    fractions = category("Дроби", parent=math)
    physics = category("Физика")
    question(teacher, item=choice(name="Ёлочные ИГРУШКИ"), category=fractions, grades=[5])
    question(
        colleague,
        item=choice(name="Задача про поезд"),
        category=physics,
        visibility="network",
        tags=["ОГЭ"],
        difficulty=4,
    )
    hidden = question(colleague, item=choice(name="Черновик"), category=physics)
    archived = question(teacher, item=choice(name="Старый"), category=math)
    bank.archive_question(actor=teacher, question=archived)
    _roots, nodes = selectors.category_tree(teacher)

    def names(**filters: Any) -> list[str]:
        page = selectors.bank_page(teacher, BankFilters(**filters), 1)
        return sorted(question.name for question in page.object_list)

    assert names() == sorted(["Задача про поезд", "Ёлочные ИГРУШКИ"])
    assert hidden.name not in names()
    assert names(text="елочные игрушки") == ["Ёлочные ИГРУШКИ"]
    assert names(text="ПОЕЗД задача") == ["Задача про поезд"]
    assert names(grade=5) == ["Ёлочные ИГРУШКИ"]
    assert names(tag="огэ") == ["Задача про поезд"]
    assert names(difficulty=4, type="single_choice") == ["Задача про поезд"]
    assert names(scope="mine") == ["Ёлочные ИГРУШКИ"]
    assert names(scope="network") == ["Задача про поезд"]
    assert names(scope="school") == []
    assert names(category_ids=selectors.subtree_ids(nodes[math.pk])) == ["Ёлочные ИГРУШКИ"]
    assert names(archived=True) == ["Старый"]
    assert nodes[math.pk].count == 1  # archived questions are not counted
    assert nodes[physics.pk].count == 1  # the colleague's private draft is not either
    assert nodes[fractions.pk].path == "Математика / Дроби"


def test_the_bank_is_empty_for_students(student: User, teacher: User) -> None:
    question(teacher, visibility="network")
    assert list(selectors.bank_page(student, BankFilters(), 1).object_list) == []
    assert selectors.category_tree(student) == ([], {})
