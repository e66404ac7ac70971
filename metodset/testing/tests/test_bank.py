"""The question bank: import and export through the service and the commands, visibility."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from metodset.accounts.models import User
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AuditEntry
from metodset.testing import permissions, services
from metodset.testing.formats import parse, write
from metodset.testing.formats.items import ParseResult
from metodset.testing.models import Category, Question, QuestionVersion
from metodset.testing.serialization import from_data, to_data

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = [
    ("sample.gift.txt", "gift"),
    ("sample.moodle.xml", "moodlexml"),
    ("sample.aiken.txt", "aiken"),
    ("sample.xlsx", "xlsx"),
]


def read(name: str, format: str) -> ParseResult:
    return parse((FIXTURES / name).read_bytes(), format)


def readable_part(result: ParseResult) -> ParseResult:
    """What a teacher confirms after the preview: the items that could be read."""
    return ParseResult(items=result.items, categories=result.categories)


def nothing_saved() -> None:
    assert Question.objects.count() == 0
    assert QuestionVersion.objects.count() == 0
    assert Category.objects.count() == 0
    assert not AuditEntry.objects.filter(action="testing.questions_imported").exists()


def run(*args: str) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command(*args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def superuser(world: Any) -> User:
    return User.objects.create_superuser(
        "admin@metodset.test", "pass", last_name="А", first_name="Б"
    )


# --- Serialization ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "format"), SAMPLES)
def test_every_sample_item_survives_json(name: str, format: str) -> None:
    """to_data gives plain JSON (Decimals as strings, files as base64) that from_data reads
    back into an equal item."""
    for item in read(name, format).items:
        data = json.loads(json.dumps(to_data(item)))
        assert from_data(data) == item


def test_images_are_kept_as_base64() -> None:
    items = [item for item in read("sample.moodle.xml", "moodlexml").items if item.files]
    assert items
    data = to_data(items[0])
    assert all(isinstance(content, str) for content in data["files"].values())
    assert from_data(data).files == items[0].files


# --- Import through the service --------------------------------------------------------------


@pytest.mark.parametrize(("name", "format"), SAMPLES)
def test_import_creates_questions_versions_and_categories(
    teacher: User, world: Any, name: str, format: str
) -> None:
    result = readable_part(read(name, format))

    questions = services.import_items(actor=teacher, result=result, category_path=None)

    assert len(questions) == len(result.items) == Question.objects.count()
    assert QuestionVersion.objects.count() == len(result.items)
    for question, item in zip(Question.objects.order_by("pk"), result.items, strict=True):
        assert question.name == item.name
        assert question.type == item.type.value
        assert question.author == teacher
        assert question.organization == world.school
        assert question.visibility == Question.Visibility.PRIVATE
        assert question.current_version == 1
        assert question.category.path() == (item.category or [services.UNCATEGORIZED])
        version = question.versions.get()
        assert version.number == 1
        assert version.created_by == teacher
        assert from_data(version.data) == item
    entry = AuditEntry.objects.get(action="testing.questions_imported")
    assert entry.actor == teacher
    assert entry.changes["count"] == len(result.items)


def test_import_under_a_category_path_builds_the_tree(teacher: User) -> None:
    services.import_items(
        actor=teacher,
        result=read("sample.gift.txt", "gift"),
        category_path=["Банк МО", "Математика"],
        visibility=Question.Visibility.NETWORK,
    )

    paths = sorted(category.path() for category in Category.objects.all())
    assert paths == [
        ["Банк МО"],
        ["Банк МО", "Математика"],
        ["Банк МО", "Математика", "Математика"],
        ["Банк МО", "Математика", "Математика", "5 класс"],
        ["Банк МО", "Математика", "Математика", "5 класс", "Дроби"],
        ["Банк МО", "Математика", "Математика", "5 класс", "Числа"],
    ]
    assert set(Question.objects.values_list("visibility", flat=True)) == {"network"}


def test_a_second_import_reuses_the_categories(teacher: User) -> None:
    result = read("sample.gift.txt", "gift")
    services.import_items(actor=teacher, result=result)
    categories = Category.objects.count()

    services.import_items(actor=teacher, result=result)

    assert Category.objects.count() == categories
    assert Question.objects.count() == 2 * len(result.items)


def test_the_questions_returned_are_the_rows_saved(teacher: User) -> None:
    """The rows go in by one INSERT run, not bulk_create: each returned question has its
    own row's id and every field as the database holds it, its version points at it."""
    services.import_items(actor=teacher, result=read("sample.gift.txt", "gift"))
    result = read("sample.xlsx", "xlsx")

    questions = services.import_items(
        actor=teacher, result=result, visibility=Question.Visibility.SCHOOL
    )

    fields = [field.attname for field in Question._meta.concrete_fields]
    for question, item in zip(questions, result.items, strict=True):
        saved = Question.objects.get(pk=question.pk)
        assert [getattr(question, name) for name in fields] == [
            getattr(saved, name) for name in fields
        ]
        assert saved.name == item.name
        assert from_data(saved.versions.get().data) == item
        assert not question._state.adding
    assert len({question.pk for question in questions}) == len(result.items)


def test_the_sheets_difficulty_goes_to_the_question_and_back(teacher: User) -> None:
    result = read("sample.xlsx", "xlsx")

    questions = services.import_items(actor=teacher, result=result)

    assert [question.difficulty for question in questions] == [2, 3, 1, 1, 1, 2, 4, 3, 5, None]
    assert Question.objects.get(name="Образ Татьяны").difficulty == 5
    Question.objects.filter(name="Образ Татьяны").update(difficulty=4)
    exported = {item.name: item for item in services.export_items(actor=teacher)}
    assert exported["Образ Татьяны"].moodle_options == {"metodset_difficulty": "4"}
    assert exported["Инструкция"].moodle_options == {}


def test_a_file_with_errors_saves_nothing(teacher: User) -> None:
    result = read("broken.gift.txt", "gift")
    assert result.items
    assert result.errors

    with pytest.raises(services.ImportRefusedError, match="исправьте ошибки: строка 4"):
        services.import_items(actor=teacher, result=result)

    nothing_saved()


@pytest.mark.parametrize("persona", ["student", "parent", "guest"])
def test_only_network_staff_import(persona: str, request: pytest.FixtureRequest) -> None:
    actor = request.getfixturevalue(persona)

    with pytest.raises(PermissionDeniedError):
        services.import_items(actor=actor, result=read("sample.gift.txt", "gift"))

    nothing_saved()


# --- Export ----------------------------------------------------------------------------------


def test_gift_round_trip_through_the_bank(teacher: User) -> None:
    """Import GIFT → export GIFT → read again: the same items."""
    original = read("sample.gift.txt", "gift")
    services.import_items(actor=teacher, result=original)

    exported = write(services.export_items(actor=teacher), "gift")
    again = parse(exported, "gift")

    assert again.errors == []
    assert again.items == original.items


def test_moodle_xml_round_trip_through_the_bank(teacher: User) -> None:
    original = readable_part(read("sample.moodle.xml", "moodlexml"))
    services.import_items(actor=teacher, result=original)

    again = parse(write(services.export_items(actor=teacher), "moodlexml"), "moodlexml")

    assert again.errors == []
    assert again.items == original.items


def test_xlsx_round_trip_through_the_bank(teacher: User) -> None:
    original = read("sample.xlsx", "xlsx")
    services.import_items(actor=teacher, result=original)

    again = parse(write(services.export_items(actor=teacher), "xlsx"), "xlsx")

    assert again.errors == []
    assert again.items == original.items


def test_export_of_a_category_takes_its_subtree(teacher: User) -> None:
    services.import_items(actor=teacher, result=read("sample.gift.txt", "gift"))

    items = services.export_items(actor=teacher, category_path=["Математика", "5 класс", "Дроби"])

    assert items
    assert {tuple(item.category) for item in items} == {("Математика", "5 класс", "Дроби")}
    everything = services.export_items(actor=teacher, category_path=["Математика"])
    assert len(everything) == Question.objects.count()


def test_export_names_a_missing_category(teacher: User) -> None:
    with pytest.raises(DomainError, match="Категории «Нет / Такой» нет в банке"):
        services.export_items(actor=teacher, category_path=["Нет", "Такой"])


# --- Visibility ------------------------------------------------------------------------------


@pytest.fixture
def shared_questions(teacher: User) -> dict[str, Question]:
    """One question of the teacher's for each visibility."""
    result = read("sample.gift.txt", "gift")
    questions = {}
    for visibility in Question.Visibility.values:
        one = ParseResult(items=result.items[:1])
        questions[visibility] = services.import_items(
            actor=teacher, result=one, visibility=visibility
        )[0]
    return questions


VISIBLE = {
    "teacher": {"private", "school", "network"},
    "school_admin": {"school", "network"},
    "colleague": {"network"},
    "methodist": {"network"},
    "expert": {"network"},
    "outsider": {"network"},
    "student": set(),
    "parent": set(),
    "guest": set(),
}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_who_sees_which_questions(
    persona: str, shared_questions: dict[str, Question], request: pytest.FixtureRequest
) -> None:
    """Own questions, the school's shared ones, the network's; students and parents none.
    can_view_question agrees with questions_visible_to."""
    user = request.getfixturevalue(persona)

    visible = set(permissions.questions_visible_to(user))

    assert {question.visibility for question in visible} == VISIBLE[persona]
    for question in shared_questions.values():
        assert permissions.can_view_question(user, question) == (question in visible)


def test_export_gives_only_visible_questions(
    colleague: User, shared_questions: dict[str, Question]
) -> None:
    items = services.export_items(actor=colleague)

    assert len(items) == 1


# --- Commands --------------------------------------------------------------------------------


def test_command_dry_run_prints_items_and_saves_nothing(superuser: User) -> None:
    stdout, _stderr = run(
        "import_questions", str(FIXTURES / "sample.gift.txt"), "--format", "gift", "--dry-run"
    )

    assert "1. строка 7: single_choice «Сравнение дробей» — Математика / 5 класс / Дроби" in stdout
    assert "Вопросов: 14, ошибок: 0, сохранено: 0" in stdout
    nothing_saved()


def test_command_imports_a_clean_file(superuser: User) -> None:
    stdout, _stderr = run(
        "import_questions",
        str(FIXTURES / "sample.gift.txt"),
        "--format=gift",
        "--category=Банк//МО/Алгебра",
    )

    assert "сохранено: 14" in stdout
    assert Question.objects.filter(author=superuser).count() == 14
    assert Category.objects.get(parent=None).name == "Банк/МО"


def test_command_json_dry_run(superuser: User) -> None:
    """A clean dry run returns normally (exit status 0) and saves nothing."""
    stdout, _stderr = run(
        "import_questions",
        str(FIXTURES / "sample.gift.txt"),
        "--format",
        "gift",
        "--dry-run",
        "--json",
    )

    document = json.loads(stdout)
    assert document["saved"] == 0
    assert len(document["items"]) == 14
    nothing_saved()


def test_command_json_document(teacher: User) -> None:
    stdout, _stderr = run(
        "import_questions",
        str(FIXTURES / "sample.gift.txt"),
        "--format",
        "gift",
        "--json",
        "--author",
        "TEACHER@school1.test",
    )

    document = json.loads(stdout)
    assert document["saved"] == 14
    assert document["errors"] == []
    assert document["items"][0] == {
        "type": "single_choice",
        "name": "Сравнение дробей",
        "category": ["Математика", "5 класс", "Дроби"],
        "source": "строка 7",
    }
    assert Question.objects.filter(author=teacher).count() == 14


def test_command_with_errors_exits_with_status_1_and_saves_nothing(superuser: User) -> None:
    """Errors are printed with their lines; CommandError makes manage.py exit with 1."""
    stdout = StringIO()
    with pytest.raises(CommandError, match="ошибок: 9; ничего не сохранено") as raised:
        call_command(
            "import_questions",
            str(FIXTURES / "broken.gift.txt"),
            "--format",
            "gift",
            "--json",
            stdout=stdout,
        )

    assert raised.value.returncode == 1
    document = json.loads(stdout.getvalue())
    assert document["saved"] == 0
    assert len(document["items"]) == 3
    assert document["errors"][0]["line"] == 4
    nothing_saved()


def test_command_text_report_shows_error_lines(superuser: User) -> None:
    stdout = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_questions", str(FIXTURES / "broken.gift.txt"), "--format", "gift", stdout=stdout
        )

    assert "Ошибка: строка 4:" in stdout.getvalue()
    nothing_saved()


def test_command_refuses_an_unknown_author(world: Any) -> None:
    with pytest.raises(CommandError, match=r"Нет активного пользователя с e-mail nobody@x\.test"):
        run(
            "import_questions",
            str(FIXTURES / "sample.gift.txt"),
            "--format",
            "gift",
            "--author",
            "nobody@x.test",
        )

    nothing_saved()


def test_export_command_writes_a_file(superuser: User, tmp_path: Path) -> None:
    run("import_questions", str(FIXTURES / "sample.gift.txt"), "--format", "gift")
    output = tmp_path / "bank.xml"

    _stdout, stderr = run("export_questions", "--format", "moodlexml", "-o", str(output))

    again = parse(output.read_bytes(), "moodlexml")
    assert again.errors == []
    assert len(again.items) == 14
    assert "Выгружено вопросов: 14 из 14" in stderr


def test_export_command_reports_what_the_format_cannot_carry(superuser: User) -> None:
    run("import_questions", str(FIXTURES / "sample.gift.txt"), "--format", "gift")

    stdout, stderr = run("export_questions", "--format", "aiken", "--category", "Математика")

    written = parse(stdout, "aiken")
    assert written.errors == []
    assert 0 < len(written.items) < 14
    assert stderr.count("Не выгружен: ") == 14 - len(written.items)


def test_command_imports_a_sheet_and_names_its_rows(superuser: User) -> None:
    stdout, _stderr = run("import_questions", str(FIXTURES / "sample.xlsx"), "--format", "xlsx")

    assert "1. строка 2: single_choice «Сравнение дробей» — Математика / 5 класс / Дроби" in stdout
    assert "Вопросов: 10, ошибок: 0, сохранено: 10" in stdout
    assert Question.objects.get(name="Древние государства").difficulty == 4


def test_command_reports_the_bad_rows_of_a_sheet(superuser: User, tmp_path: Path) -> None:
    good, bad = parse(write(read("sample.xlsx", "xlsx").items[:2], "xlsx"), "xlsx").items
    bad.answers = []
    path = tmp_path / "вопросы.xlsx"
    path.write_bytes(write([good, bad], "xlsx"))
    stdout = StringIO()

    with pytest.raises(CommandError, match="ошибок: 1; ничего не сохранено"):
        call_command("import_questions", str(path), "--format", "xlsx", stdout=stdout)

    assert (
        "Ошибка: строка 3, лист «Вопросы»: в вопросе с выбором нужно не менее двух вариантов ответа"
        in stdout.getvalue()
    )
    nothing_saved()


def test_export_command_writes_a_sheet(superuser: User, tmp_path: Path) -> None:
    run("import_questions", str(FIXTURES / "sample.xlsx"), "--format", "xlsx")
    output = tmp_path / "bank.xlsx"

    _stdout, stderr = run("export_questions", "--format", "xlsx", "-o", str(output))

    again = parse(output.read_bytes(), "xlsx")
    assert again.errors == []
    assert again.items == read("sample.xlsx", "xlsx").items
    assert "Выгружено вопросов: 10 из 10" in stderr


def test_export_command_needs_a_file_for_a_sheet(superuser: User) -> None:
    with pytest.raises(CommandError, match="укажите файл"):
        run("export_questions", "--format", "xlsx")
