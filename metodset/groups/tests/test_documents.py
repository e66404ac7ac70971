"""The order (приказ) founding an РПГ, as DOCX: read back with python-docx."""

import datetime
import io
import zoneinfo
from typing import Any

import docx
import pytest

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import OrganizationFactory, person
from metodset.conftest import World
from metodset.groups import documents, services
from metodset.groups.tests.factories import application, submitted

pytestmark = pytest.mark.django_db

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


@pytest.fixture(autouse=True)
def _moscow(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Moscow"


def read(data: bytes) -> tuple[str, list[list[str]]]:
    """The document's paragraphs as one text, and its table's rows."""
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    (table,) = document.tables
    return text, [[cell.text for cell in row.cells] for row in table.rows]


def test_the_order_names_the_decision_and_the_composition(
    teacher: User, colleague: User, methodist: User, world: World, time_machine: Any
) -> None:
    third_school = OrganizationFactory(
        district=world.district,
        short_name="МБОУ Лицей №3",
        name="Муниципальное бюджетное общеобразовательное учреждение «Лицей №3»",
    )
    third = person(
        third_school,
        Role.TEACHER,
        email="third@school3.test",
        last_name="Третьякова",
        first_name="Ирина",
        patronymic="Сергеевна",
    )
    # Submitted at 00:10 on 3 March in Moscow, still 2 March in UTC.
    time_machine.move_to(datetime.datetime(2026, 3, 3, 0, 10, tzinfo=MOSCOW), tick=False)
    app = submitted(teacher, [colleague, third], leader=colleague)
    group = services.approve_application(
        actor=methodist,
        application=app,
        order_number="45-о",
        order_date=datetime.date(2026, 3, 6),
    )
    app.refresh_from_db()
    text, rows = read(documents.order_docx(app))

    assert world.department.name in text
    assert "ПРИКАЗ" in text
    assert "«06» марта 2026 г.\t№ 45-о" in text
    assert "ПРИКАЗЫВАЮ:" in text
    assert f"О создании районной проблемной группы «{group.title}»" in text
    assert (
        f"на основании заявления {teacher.full_name} ({world.school.name}) от «03» марта 2026 г."
        in text
    )
    assert "с «01» сентября 2026 г. по «31» мая 2027 г." in text
    assert f"Назначить руководителем РПГ {colleague.full_name} ({world.other_school.name})." in text
    assert "Приложение к приказу от «06» марта 2026 г. № 45-о" in text
    assert rows == [
        ["№", "Фамилия, имя, отчество", "Организация", "Роль в группе"],
        ["1", colleague.full_name, world.other_school.name, "руководитель"],
        ["2", third.full_name, third_school.name, "участник"],
        ["3", teacher.full_name, world.school.name, "участник"],
    ]
    assert documents.order_filename(app) == "prikaz-rpg-45-о.docx"


def test_a_draft_order_before_the_decision(teacher: User, colleague: User, world: World) -> None:
    """Before the decision the department may print a draft: blanks for the number and
    date, only the participants who have agreed so far."""
    app = application(teacher, [colleague])
    text, rows = read(documents.order_docx(app))
    assert "«___» __________ 20__ г.\t№ ____" in text
    assert f"на основании заявления {teacher.full_name} ({world.school.name})\n" in text
    assert rows == [
        ["№", "Фамилия, имя, отчество", "Организация", "Роль в группе"],
        ["1", teacher.full_name, world.school.name, "руководитель"],
    ]
    assert documents.order_filename(app) == "prikaz-rpg-proekt.docx"
