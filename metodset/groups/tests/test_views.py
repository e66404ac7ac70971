"""The pages of groups and applications: each works for whom it is for, answers 404 to
those who may not see it and 403 to those who see it but may not act; failed forms keep
what was typed."""

import datetime
import io
from typing import Any

import docx
import pytest
from django.core import mail

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import OrganizationFactory, person
from metodset.conftest import World
from metodset.groups import services
from metodset.groups.models import Group, GroupKind, GroupMember, ProblemGroupApplication

pytestmark = pytest.mark.django_db


def _apply(teacher: User, colleague: User) -> ProblemGroupApplication:
    return services.submit_application(
        actor=teacher,
        title="Смысловое чтение",
        problem="Ученики плохо понимают тексты задач.",
        expected_result="Банк заданий",
        starts_on=datetime.date(2026, 12, 1),
        ends_on=datetime.date(2027, 5, 31),
        participants=[colleague],
        proposed_leader=teacher,
    )


@pytest.fixture
def submitted(teacher: User, colleague: User) -> ProblemGroupApplication:
    application = _apply(teacher, colleague)
    services.answer_participation(actor=colleague, application=application, agree=True)
    application.refresh_from_db()
    return application


@pytest.fixture
def group(submitted: ProblemGroupApplication, methodist: User) -> Group:
    return services.approve_application(
        actor=methodist,
        application=submitted,
        order_number="15-од",
        order_date=datetime.date(2026, 11, 23),
    )


def test_list_is_public_and_filters(
    client: Any, group: Group, methodist: User, world: World
) -> None:
    services.found_group(
        actor=methodist,
        kind=GroupKind.objects.get(code="rmo"),
        district=world.district,
        title="РМО учителей истории",
    )
    page = client.get("/groups/")
    assert page.status_code == 200
    assert "Смысловое чтение" in page.text
    assert "РМО учителей истории" in page.text
    found = client.get("/groups/", {"q": "ИСТОРИИ", "kind": "rmo"})
    assert "РМО учителей истории" in found.text
    assert "Смысловое чтение" not in found.text


def test_list_query_count_does_not_grow(
    client: Any, methodist: User, world: World, django_assert_max_num_queries: Any
) -> None:
    kind = GroupKind.objects.get(code="rmo")
    for n in range(25):
        services.found_group(actor=methodist, kind=kind, district=world.district, title=f"РМО {n}")
    with django_assert_max_num_queries(8):
        assert client.get("/groups/").status_code == 200


def test_group_page_and_hidden_group(
    client: Any, login: Any, group: Group, school_admin: User, outsider: User, world: World
) -> None:
    page = client.get(group.get_absolute_url())
    assert page.status_code == 200
    assert "№ 15-од" in page.text
    assert "Учителева Анна Павловна" in page.text
    ptg = services.found_group(
        actor=school_admin,
        kind=GroupKind.objects.get(code="ptg"),
        district=world.district,
        organization=world.school,
        title="ПТГ по функциональной грамотности",
    )
    assert client.get(ptg.get_absolute_url()).status_code == 404
    assert login(outsider).get(ptg.get_absolute_url()).status_code == 404


def test_management_pages_refuse_members_who_do_not_lead(
    login: Any, group: Group, colleague: User, outsider: User
) -> None:
    client = login(colleague)
    assert client.get(f"/groups/{group.pk}/members/").status_code == 403
    assert client.get(f"/groups/{group.pk}/plan/").status_code == 403
    assert client.get(f"/groups/{group.pk}/discussion/").status_code == 200
    outsider_client = login(outsider)
    assert outsider_client.get(f"/groups/{group.pk}/discussion/").status_code == 403


def test_leader_adds_a_stage_and_a_bad_stage_keeps_what_was_typed(
    login: Any, group: Group, teacher: User
) -> None:
    client = login(teacher)
    bad = client.post(
        f"/groups/{group.pk}/plan/",
        {"title": "Семинар", "starts_on": "2027-02-10", "ends_on": "2027-02-01"},
    )
    assert bad.status_code == 200
    assert "Этап должен кончаться не раньше" in bad.text
    assert 'value="Семинар"' in bad.text
    assert group.stages.count() == 0
    good = client.post(
        f"/groups/{group.pk}/plan/",
        {"title": "Семинар", "starts_on": "2027-02-01", "ends_on": "2027-02-10"},
    )
    assert good.status_code == 302
    assert group.stages.get().title == "Семинар"


def test_application_pages_rights(
    login: Any,
    submitted: ProblemGroupApplication,
    teacher: User,
    colleague: User,
    school_admin: User,
    outsider: User,
    methodist: User,
    client: Any,
) -> None:
    url = submitted.get_absolute_url()
    assert client.get(url).status_code == 302  # a guest is sent to sign in
    assert login(outsider).get(url).status_code == 404
    assert login(school_admin).get(url).status_code == 404
    page = login(colleague).get(url)
    assert page.status_code == 200
    assert "Принять решение" not in page.text
    refused = login(teacher).post(
        f"/groups/applications/{submitted.pk}/decide/",
        {"decision": "approve", "order_number": "1", "order_date": "2026-11-23"},
    )
    assert refused.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ProblemGroupApplication.Status.SUBMITTED
    queue = login(methodist).get("/groups/applications/")
    assert "осталось 7 дней" in queue.text


def test_rejection_without_reasons_keeps_the_form_and_changes_nothing(
    login: Any, submitted: ProblemGroupApplication, methodist: User
) -> None:
    mail.outbox.clear()
    page = login(methodist).post(
        f"/groups/applications/{submitted.pk}/decide/", {"decision": "reject", "reasons": " "}
    )
    assert page.status_code == 400
    assert "Укажите причины отказа" in page.text
    submitted.refresh_from_db()
    assert submitted.status == ProblemGroupApplication.Status.SUBMITTED
    assert mail.outbox == []


def test_application_form_keeps_typed_text_and_picks_people(
    login: Any, teacher: User, colleague: User, world: World
) -> None:
    client = login(teacher)
    data = {
        "title": "Проектная деятельность",
        "problem": "Проекты учеников формальны.",
        "expected_result": "Методические рекомендации",
        "starts_on": "2026-12-01",
        "ends_on": "2027-05-01",
        "applicant_takes_part": "on",
        "q": "Коллегин",
        "find": "1",
    }
    found = client.post("/groups/applications/new/", data)
    assert found.status_code == 200
    assert 'value="Проектная деятельность"' in found.text
    assert "Коллегин Пётр" in found.text
    assert ProblemGroupApplication.objects.count() == 0
    same_school = person(world.school, Role.TEACHER, email="same@school1.test", last_name="Тот")
    data.pop("find")
    refused = client.post(
        "/groups/applications/new/",
        {**data, "participants": [same_school.pk], "proposed_leader": teacher.pk},
    )
    assert "не менее чем двух разных" in refused.text
    assert ProblemGroupApplication.objects.count() == 0
    done = client.post(
        "/groups/applications/new/",
        {**data, "participants": [colleague.pk], "proposed_leader": teacher.pk},
    )
    assert done.status_code == 302
    application = ProblemGroupApplication.objects.get()
    assert set(application.participants.values_list("user_id", flat=True)) == {
        teacher.pk,
        colleague.pk,
    }


def test_order_docx_lists_members(
    login: Any, group: Group, teacher: User, colleague: User, outsider: User
) -> None:
    application = ProblemGroupApplication.objects.get(group=group)
    response = login(teacher).get(f"/groups/applications/{application.pk}/order.docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    cells = [cell.text for row in document.tables[0].rows for cell in row.cells]
    assert teacher.full_name in cells
    assert colleague.full_name in cells
    assert (
        login(outsider).get(f"/groups/applications/{application.pk}/order.docx").status_code == 404
    )


def test_join_by_request_and_leader_accepts(
    login: Any, group: Group, teacher: User, world: World
) -> None:
    newcomer = person(
        OrganizationFactory(district=world.district), Role.TEACHER, email="new@school3.test"
    )
    login(newcomer).post(f"/groups/{group.pk}/join/", {"message": "Хочу участвовать"})
    row = GroupMember.objects.get(group=group, user=newcomer)
    assert row.status == GroupMember.Status.REQUESTED
    answer = login(teacher).post(
        f"/groups/{group.pk}/members/{row.pk}/decide/", {"answer": "accept"}
    )
    assert answer.status_code == 302
    row.refresh_from_db()
    assert row.status == GroupMember.Status.ACTIVE


def test_organization_page_shows_who_takes_part(client: Any, group: Group, world: World) -> None:
    page = client.get(world.other_school.get_absolute_url())
    assert "Участие педагогов в объединениях" in page.text
    assert "Смысловое чтение" in page.text


def test_a_student_in_a_community_is_never_named_on_its_public_page(
    client: Any, login: Any, teacher: User, student: User, world: World
) -> None:
    community = services.found_group(
        actor=teacher,
        kind=GroupKind.objects.get(code="community"),
        district=world.district,
        title="Олимпиадная математика",
        joining=Group.Joining.OPEN,
        students_may_join=True,
    )
    services.request_to_join(actor=student, group=community)
    public = client.get(community.get_absolute_url())
    assert public.status_code == 200
    assert student.last_name not in public.text
    assert "Обучающийся вступил в группу" in public.text
    assert student.last_name in login(teacher).get(community.get_absolute_url()).text
