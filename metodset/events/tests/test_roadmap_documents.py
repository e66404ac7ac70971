"""A road map as DOCX for signing and as XLSX: read back with python-docx and openpyxl."""

import datetime
import io
from typing import Any

import docx
import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from docx.enum.section import WD_ORIENT

from metodset.accounts.models import User
from metodset.conftest import World
from metodset.core.models import AcademicYear
from metodset.events import documents, services
from metodset.events.models import RoadMap, RoadMapLine
from metodset.events.tests import factories
from metodset.groups import services as group_services
from metodset.groups.tests.factories import founded

pytestmark = pytest.mark.django_db

Status = RoadMapLine.Status


def month(number: int) -> datetime.date:
    year = AcademicYear.objects.current()
    return datetime.date(year.start_year + (number < 9), number, 1)


def text_of(number: int) -> str:
    names = {9: "сентябрь", 10: "октябрь", 11: "ноябрь", 12: "декабрь", 3: "март"}
    return f"{names[number]} {month(number).year}"


@pytest.fixture
def road_map(school_admin: User, colleague: User, world: World) -> RoadMap:
    world.school.director_name = "Директорова Ольга Ивановна"
    world.school.save(update_fields=["director_name"])
    world.other_school.director_name = "Гимназистов Иван Петрович"
    world.other_school.save(update_fields=["director_name"])
    road_map = factories.road_map(
        school_admin,
        [world.school, world.other_school],
        goal="Повышение качества образования через сетевое взаимодействие",
    )
    add = services.save_line
    planned = add(
        actor=school_admin,
        road_map=road_map,
        month=month(10),
        title="Педагогический совет «Функциональная грамотность»",
        kind=factories.kind("seminar"),
        audience="педагоги обеих школ",
        responsible_people=[colleague],
        responsible_organizations=[world.other_school],
    )
    held = add(actor=school_admin, road_map=road_map, month=month(9), title="День открытых дверей")
    moved = add(actor=school_admin, road_map=road_map, month=month(11), title="Предметная неделя")
    cancelled = add(actor=school_admin, road_map=road_map, month=month(3), title="Конкурс чтецов")
    services.set_line_status(actor=school_admin, line=held, status=Status.HELD)
    services.set_line_status(
        actor=school_admin, line=moved, status=Status.MOVED, reason="Карантин", moved_to=month(12)
    )
    services.set_line_status(
        actor=school_admin, line=cancelled, status=Status.CANCELLED, reason="Нет участников"
    )
    assert planned.status == Status.PLANNED
    return road_map


def year_text() -> str:
    year = AcademicYear.objects.current()
    return f"{year.start_year}/{year.start_year + 1}"


def test_the_docx_is_for_signing_by_the_heads(road_map: RoadMap, colleague: User) -> None:
    document = docx.Document(io.BytesIO(documents.road_map_docx(road_map)))
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert (
        "Сетевой график (дорожная карта) совместных мероприятий МБОУ Гимназия №2 и МБОУ СОШ №1 "
        f"на {year_text()} учебный год"
    ) in text
    assert "Цель: Повышение качества образования через сетевое взаимодействие" in text
    signatures, plan = document.tables
    # The author's school approves (right), the other one agrees (left).
    ((agreeing, approving),) = [[cell.text for cell in row.cells] for row in signatures.rows]
    assert agreeing.startswith("СОГЛАСОВАНО\nРуководитель МБОУ Гимназия №2\n")
    assert "/ Гимназистов Иван Петрович /" in agreeing
    assert approving.startswith("УТВЕРЖДАЮ\n")
    assert "/ Директорова Ольга Ивановна /" in approving
    assert "«___» ____________ 20___ г." in approving
    rows = [[cell.text for cell in row.cells] for row in plan.rows]
    assert rows == [
        [
            "№",
            "Мероприятие",
            "Форма",
            "Сроки",
            "Участники",
            "Ответственные",
            "Отметка о выполнении",
        ],
        ["1", "День открытых дверей", "", text_of(9), "", "", "проведено"],
        [
            "2",
            "Педагогический совет «Функциональная грамотность»",
            "Семинар",
            text_of(10),
            "педагоги обеих школ",
            f"{colleague.short_name}; МБОУ Гимназия №2",
            "",
        ],
        [
            "3",
            "Предметная неделя",
            "",
            text_of(12),
            "",
            "",
            f"перенесено с ноября {month(11).year}; причина: Карантин",
        ],
        ["4", "Конкурс чтецов", "", text_of(3), "", "", "отменено; причина: Нет участников"],
    ]


def test_a_groups_road_map_is_approved_by_the_department(
    methodist: User, teacher: User, world: World
) -> None:
    world.department.director_name = "Начальникова Мария Сергеевна"
    world.department.save(update_fields=["director_name"])
    group = founded(methodist, "rmo", title="РМО учителей математики")
    group_services.appoint_leader(actor=methodist, group=group, person=teacher)
    road_map = factories.road_map(teacher, [], group=group)
    document = docx.Document(io.BytesIO(documents.road_map_docx(road_map)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "совместных мероприятий объединения «РМО учителей математики»" in text
    signatures, plan = document.tables
    ((leader, approving),) = [[cell.text for cell in row.cells] for row in signatures.rows]
    assert leader.startswith("СОГЛАСОВАНО\nРуководитель объединения «РМО учителей математики»")
    assert "/ Учителева А.П. /" in leader
    assert approving.startswith("УТВЕРЖДАЮ\n")
    assert "Начальникова Мария Сергеевна" in approving
    assert len(plan.rows) == 1


def test_the_xlsx_has_the_same_table(road_map: RoadMap, colleague: User) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(documents.road_map_xlsx(road_map)))
    sheet = workbook.active
    assert sheet is not None
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["B"].width == 50
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "№",
        "Мероприятие",
        "Форма",
        "Срок",
        "Участники",
        "Ответственные",
        "Состояние",
        "Причина",
        "Перенесено с",
    ]
    assert rows[1:] == [
        [1, "День открытых дверей", None, text_of(9), None, None, "проведено", None, None],
        [
            2,
            "Педагогический совет «Функциональная грамотность»",
            "Семинар",
            text_of(10),
            "педагоги обеих школ",
            f"{colleague.short_name}; МБОУ Гимназия №2",
            "запланировано",
            None,
            None,
        ],
        [
            3,
            "Предметная неделя",
            None,
            text_of(12),
            None,
            None,
            "перенесено",
            "Карантин",
            text_of(11),
        ],
        [4, "Конкурс чтецов", None, text_of(3), None, None, "отменено", "Нет участников", None],
    ]


def test_teachers_download_both(login: Any, teacher: User, road_map: RoadMap) -> None:
    client: Client = login(teacher)
    response = client.get(reverse("events:roadmap_docx", args=[road_map.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="setevoy-grafik-')
    docx.Document(io.BytesIO(response.content))
    response = client.get(reverse("events:roadmap_xlsx", args=[road_map.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == documents.XLSX_CONTENT_TYPE
    openpyxl.load_workbook(io.BytesIO(response.content))


def test_students_do_not(login: Any, student: User, road_map: RoadMap) -> None:
    client: Client = login(student)
    assert client.get(reverse("events:roadmap_docx", args=[road_map.pk])).status_code == 404
    assert client.get(reverse("events:roadmap_xlsx", args=[road_map.pk])).status_code == 404
