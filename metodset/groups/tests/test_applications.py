"""Applications for an РПГ (`002_…` §3.1–3.2): consent, submission, a reasoned rejection,
resubmission, approval by an order, withdrawal, and the reminder of the seven-day term."""

import datetime
import zoneinfo
from typing import Any

import pytest
from django.core import mail

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import EducationDepartmentFactory, person
from metodset.conftest import World
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.core.models import AuditEntry
from metodset.groups import deadlines, services
from metodset.groups.models import (
    ApplicationParticipant,
    Group,
    GroupMember,
    NewsItem,
    ProblemGroupApplication,
)
from metodset.groups.tests.factories import (
    ENDS,
    STARTS,
    agree_all,
    application,
    kind,
    nothing_happens,
    submitted,
)
from metodset.notifications.models import Notification

pytestmark = pytest.mark.django_db

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
ORDER_DATE = datetime.date(2026, 3, 6)


@pytest.fixture(autouse=True)
def _moscow(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Moscow"


@pytest.fixture
def third(world: World) -> User:
    """A second teacher of school №2."""
    return person(
        world.other_school,
        Role.TEACHER,
        email="third@school2.test",
        last_name="Третьякова",
        first_name="Ирина",
        patronymic="Сергеевна",
    )


@pytest.fixture
def deskmate(world: World) -> User:
    """A second teacher of school №1, the teacher's own school."""
    return person(world.school, Role.TEACHER, email="deskmate@school1.test", last_name="Соседова")


def at(day: int, hour: int = 10, minute: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=MOSCOW)


def notes(user: User, kind: str = "") -> list[Notification]:
    rows = Notification.objects.filter(recipient=user).order_by("pk")
    return list(rows.filter(kind=kind) if kind else rows)


def audit(app: ProblemGroupApplication, action: str = "") -> list[AuditEntry]:
    rows = AuditEntry.objects.filter(
        target_type__model="problemgroupapplication", target_id=str(app.pk)
    ).order_by("pk")
    return list(rows.filter(action=action) if action else rows)


def consents(app: ProblemGroupApplication) -> dict[str, str]:
    return {row.user.email: row.consent for row in app.participants.select_related("user")}


# --- The whole workflow -------------------------------------------------------------------


def test_the_whole_workflow(
    teacher: User,
    colleague: User,
    third: User,
    methodist: User,
    expert: User,
    world: World,
    time_machine: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    time_machine.move_to(at(2), tick=False)

    # The teacher applies with two teachers of school №2; the colleague is to lead.
    with django_capture_on_commit_callbacks(execute=True):
        app = application(teacher, [colleague, third], leader=colleague)
    assert (app.status, app.submitted_at, app.submission_count) == ("consent", None, 0)
    assert (app.kind, app.district, app.applicant_organization) == (
        kind("rpg"),
        world.district,
        world.school,
    )
    assert consents(app) == {
        "teacher@school1.test": "agreed",
        "colleague@school2.test": "pending",
        "third@school2.test": "pending",
    }
    assert {row.user_id: row.organization for row in app.participants.all()} == {
        teacher.pk: world.school,
        colleague.pk: world.other_school,
        third.pk: world.other_school,
    }
    assert [n.title for n in notes(colleague, "groups.application")] == [
        "Вас приглашают в районную проблемную группу «Формирующее оценивание на уроках математики»"
    ]
    assert len(notes(third, "groups.application")) == 1
    assert notes(teacher) == []
    assert notes(methodist) == []
    assert sorted(m.to[0] for m in mail.outbox) == ["colleague@school2.test", "third@school2.test"]
    assert [a.action for a in audit(app)] == ["group_application.updated"]
    mail.outbox.clear()

    # Each participant agrees; the last consent sends it to the department.
    services.answer_participation(actor=colleague, application=app, agree=True)
    app.refresh_from_db()
    assert app.status == "consent"
    assert [n.title for n in notes(teacher)] == [
        f"{colleague.short_name} согласен участвовать в РПГ "
        "«Формирующее оценивание на уроках математики»"
    ]
    assert notes(methodist) == []
    time_machine.move_to(at(3, 0, 10), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_participation(
            actor=third, application=app, agree=True, comment="С радостью"
        )
    app.refresh_from_db()
    assert (app.status, app.submitted_at, app.submission_count) == ("submitted", at(3, 0, 10), 1)
    assert consents(app) == dict.fromkeys(consents(app), "agreed")
    assert [(n.kind, n.body) for n in notes(methodist)] == [
        ("groups.queue", "Решение нужно принять до 10.03.2026 включительно.")
    ]
    assert notes(expert) == []
    assert notes(teacher)[-1].title == (
        "Заявление «Формирующее оценивание на уроках математики» передано в отдел образования"
    )
    assert "methodist@uo.test" in [m.to[0] for m in mail.outbox]
    submitted_entry = audit(app, "group_application.submitted")
    assert [(e.from_state, e.to_state, e.actor) for e in submitted_entry] == [
        ("consent", "submitted", third)
    ]
    assert len(audit(app, "group_application.consent")) == 2
    mail.outbox.clear()

    # A rejection without reasons is refused.
    with nothing_happens(app), pytest.raises(DomainError, match="причины отказа"):
        services.reject_application(actor=methodist, application=app, reasons="  ")

    # With reasons: the applicant is told them.
    time_machine.move_to(at(5), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_application(
            actor=methodist, application=app, reasons="Не указан продукт для 5 класса."
        )
    app.refresh_from_db()
    assert (app.status, app.rejection_reasons, app.decided_by, app.decided_at) == (
        "rejected",
        "Не указан продукт для 5 класса.",
        methodist,
        at(5),
    )
    rejection = notes(teacher)[-1]
    assert (rejection.title, rejection.body) == (
        "Заявление «Формирующее оценивание на уроках математики» отклонено",
        "Не указан продукт для 5 класса.",
    )
    assert [m.to for m in mail.outbox] == [["teacher@school1.test"]]
    assert [(e.actor, e.comment) for e in audit(app, "group_application.rejected")] == [
        (methodist, "Не указан продукт для 5 класса.")
    ]
    mail.outbox.clear()
    assert Group.objects.count() == 0

    # The applicant edits the rejected application and submits it again: a new term.
    services.update_application(
        actor=teacher,
        application=app,
        title="Формирующее оценивание в 5–9 классах",
        problem=app.problem,
        expected_result="Сборник листов самооценки, в том числе для 5 класса",
        starts_on=STARTS,
        ends_on=ENDS,
        participants=[colleague, third],
        proposed_leader=colleague,
    )
    app.refresh_from_db()
    assert (app.status, app.title) == ("rejected", "Формирующее оценивание в 5–9 классах")
    time_machine.move_to(at(12, 23, 50), tick=False)
    services.resubmit_application(actor=teacher, application=app)
    app.refresh_from_db()
    assert (app.status, app.submitted_at, app.submission_count) == ("submitted", at(12, 23, 50), 2)
    assert app.submitted_at is not None
    assert deadlines.decision_due(app.submitted_at) == datetime.date(2026, 3, 19)
    assert len(notes(methodist, "groups.queue")) == 2

    # Approval by an order creates the group with the agreed participants.
    time_machine.move_to(at(16), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        group = services.approve_application(
            actor=methodist, application=app, order_number=" 45-о ", order_date=ORDER_DATE
        )
    app.refresh_from_db()
    assert (app.status, app.order_number, app.order_date, app.decided_by, app.group) == (
        "approved",
        "45-о",
        ORDER_DATE,
        methodist,
        group,
    )
    assert (group.kind, group.district, group.title, group.order_number, group.order_date) == (
        kind("rpg"),
        world.district,
        "Формирующее оценивание в 5–9 классах",
        "45-о",
        ORDER_DATE,
    )
    assert (group.starts_on, group.ends_on, group.status, group.created_by) == (
        STARTS,
        ENDS,
        "active",
        methodist,
    )
    members = {
        m.user: (m.role, m.status, m.organization) for m in GroupMember.objects.filter(group=group)
    }
    assert members == {
        teacher: ("member", "active", world.school),
        colleague: ("leader", "active", world.other_school),
        third: ("member", "active", world.other_school),
    }
    assert [a.action for a in audit(app)][-1] == "group_application.approved"
    assert audit(app, "group_application.approved")[0].comment == "Приказ № 45-о от 06.03.2026."
    assert AuditEntry.objects.filter(action="group.created", target_id=str(group.pk)).count() == 1
    assert [n.text for n in NewsItem.objects.filter(group=group)] == [
        "Группа создана приказом № 45-о от 06.03.2026"
    ]
    for user in (teacher, colleague, third):
        created = notes(user)[-1]
        assert (created.title, created.url) == (
            "Районная проблемная группа «Формирующее оценивание в 5–9 классах» создана",
            group.get_absolute_url(),
        )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "colleague@school2.test",
        "teacher@school1.test",
        "third@school2.test",
    ]

    # Approving twice is refused.
    with nothing_happens(app, group), pytest.raises(DomainError, match="уже принято"):
        services.approve_application(
            actor=methodist, application=app, order_number="46-о", order_date=ORDER_DATE
        )
    with nothing_happens(app), pytest.raises(DomainError, match="уже принято"):
        services.reject_application(actor=methodist, application=app, reasons="Передумали")


def test_nobody_else_has_to_agree_when_the_applicant_names_no_one_else(
    teacher: User, colleague: User, methodist: User
) -> None:
    """Only the applicant's colleague has to agree; once they have, it is submitted at once."""
    app = application(teacher, [colleague])
    assert app.status == "consent"
    services.answer_participation(actor=colleague, application=app, agree=True)
    app.refresh_from_db()
    assert (app.status, app.submission_count) == ("submitted", 1)
    assert len(notes(methodist, "groups.queue")) == 1


def test_the_applicant_may_not_be_the_only_one(teacher: User) -> None:
    with nothing_happens(), pytest.raises(DomainError, match="двух разных"):
        application(teacher, [])


def test_same_school_participants_are_refused(
    teacher: User, deskmate: User, school_admin: User
) -> None:
    with nothing_happens(), pytest.raises(DomainError, match="двух разных") as refused:
        application(teacher, [deskmate, school_admin])
    assert refused.type is DomainError
    assert ProblemGroupApplication.objects.count() == 0


def test_the_leader_is_one_of_the_participants(teacher: User, colleague: User, third: User) -> None:
    with nothing_happens(), pytest.raises(DomainError, match="из её участников"):
        application(teacher, [colleague], leader=third)


@pytest.mark.parametrize("who", ["student", "parent", "outsider", "expert", "methodist"])
def test_only_teachers_and_heads_of_the_district_take_part(
    request: Any, teacher: User, colleague: User, who: str
) -> None:
    with nothing_happens(), pytest.raises(DomainError, match="не может быть участником"):
        application(teacher, [colleague, request.getfixturevalue(who)])


def test_the_term_and_the_text_are_required(teacher: User, colleague: User) -> None:
    with nothing_happens(), pytest.raises(DomainError, match="Срок работы"):
        application(teacher, [colleague], starts_on=ENDS, ends_on=STARTS)
    with nothing_happens(), pytest.raises(DomainError, match="проблему"):
        application(teacher, [colleague], problem=" ")


@pytest.mark.parametrize("who", ["student", "parent", "expert", "guest"])
def test_who_may_not_apply(request: Any, colleague: User, third: User, who: str) -> None:
    with nothing_happens(), pytest.raises(PermissionDeniedError):
        application(request.getfixturevalue(who), [colleague, third], leader=colleague)


def test_a_teacher_applies_only_on_behalf_of_their_own_school(
    teacher: User, colleague: User, world: World
) -> None:
    for organization in (world.other_school, world.department):
        with nothing_happens(), pytest.raises(DomainError, match="от своей организации"):
            application(teacher, [colleague], on_behalf_of=organization)
    app = application(teacher, [colleague], on_behalf_of=world.school)
    assert app.applicant_organization == world.school


def test_a_school_head_applies_for_the_school(
    school_admin: User, colleague: User, world: World
) -> None:
    app = application(school_admin, [colleague])
    assert (app.applicant_organization, app.is_from_department) == (world.school, False)


def test_the_department_applies_without_taking_part(
    methodist: User, teacher: User, colleague: User, world: World
) -> None:
    app = application(methodist, [teacher, colleague], leader=teacher, applicant_takes_part=False)
    assert (app.applicant, app.applicant_organization, app.is_from_department) == (
        methodist,
        world.department,
        True,
    )
    assert consents(app) == {
        "teacher@school1.test": "pending",
        "colleague@school2.test": "pending",
    }
    assert len(notes(teacher)) == len(notes(colleague)) == 1
    agree_all(app)
    app.refresh_from_db()
    assert app.status == "submitted"
    # The department edits nothing on the way, and its methodist is not made a member.
    group = services.approve_application(
        actor=methodist, application=app, order_number="7", order_date=ORDER_DATE
    )
    assert {m.user: m.role for m in group.members.all()} == {
        teacher: "leader",
        colleague: "member",
    }


def test_the_department_edits_its_application_without_joining_it(
    methodist: User, teacher: User, colleague: User, third: User
) -> None:
    """An application the department made keeps its applicant out of the composition when
    edited, unless told otherwise."""
    app = application(methodist, [teacher, colleague], leader=teacher, applicant_takes_part=False)
    services.update_application(
        actor=methodist,
        application=app,
        title=app.title,
        problem=app.problem,
        expected_result=app.expected_result,
        starts_on=app.starts_on,
        ends_on=app.ends_on,
        participants=[teacher, colleague, third],
        proposed_leader=teacher,
    )
    assert set(consents(app)) == {
        "teacher@school1.test",
        "colleague@school2.test",
        "third@school2.test",
    }


# --- Consent ------------------------------------------------------------------------------


def test_a_refusal_after_submission_returns_the_application_to_consent(
    teacher: User, colleague: User, third: User, methodist: User
) -> None:
    app = submitted(teacher, [colleague, third])
    services.answer_participation(
        actor=third, application=app, agree=False, comment="Не смогу в этом году"
    )
    app.refresh_from_db()
    assert app.status == "consent"
    assert consents(app)["third@school2.test"] == "declined"
    told = notes(teacher)[-1]
    assert (told.title, told.body) == (
        "Третьякова И.С. отказался участвовать в РПГ «Формирующее оценивание на уроках математики»",
        "Не смогу в этом году",
    )
    entry = audit(app, "group_application.consent")[-1]
    assert (entry.actor, entry.from_state, entry.to_state) == (third, "agreed", "declined")
    # The department may not decide on it now.
    with nothing_happens(app), pytest.raises(DomainError, match="не подано"):
        services.approve_application(
            actor=methodist, application=app, order_number="1", order_date=ORDER_DATE
        )
    # The applicant drops the one who declined; the rest agreed, so it goes again.
    services.update_application(
        actor=teacher,
        application=app,
        title=app.title,
        problem=app.problem,
        expected_result=app.expected_result,
        starts_on=app.starts_on,
        ends_on=app.ends_on,
        participants=[colleague],
        proposed_leader=teacher,
    )
    app.refresh_from_db()
    assert (app.status, app.submission_count) == ("submitted", 2)
    assert set(consents(app)) == {"teacher@school1.test", "colleague@school2.test"}


def test_one_who_declined_may_change_their_mind(
    teacher: User, colleague: User, methodist: User
) -> None:
    app = application(teacher, [colleague])
    services.answer_participation(actor=colleague, application=app, agree=False)
    app.refresh_from_db()
    assert app.status == "consent"
    assert notes(teacher)[-1].body == (
        "Измените состав группы: уберите участника или пригласите другого."
    )
    services.answer_participation(actor=colleague, application=app, agree=True)
    app.refresh_from_db()
    assert (app.status, app.submission_count) == ("submitted", 1)


def test_only_a_participant_answers(
    teacher: User, colleague: User, third: User, methodist: User
) -> None:
    app = application(teacher, [colleague])
    for stranger in (third, methodist):
        with nothing_happens(app), pytest.raises(PermissionDeniedError):
            services.answer_participation(actor=stranger, application=app, agree=True)


def test_the_applicant_cannot_decline_their_own_application(teacher: User, colleague: User) -> None:
    app = application(teacher, [colleague])
    with nothing_happens(app), pytest.raises(DomainError, match="Заявитель не может"):
        services.answer_participation(actor=teacher, application=app, agree=False)


def test_no_answers_after_the_decision(
    teacher: User, colleague: User, third: User, methodist: User
) -> None:
    app = submitted(teacher, [colleague, third])
    services.approve_application(
        actor=methodist, application=app, order_number="1", order_date=ORDER_DATE
    )
    with nothing_happens(app), pytest.raises(DomainError, match="решение уже принято"):
        services.answer_participation(actor=third, application=app, agree=False)


# --- Decisions ----------------------------------------------------------------------------


def test_approval_is_refused_when_the_agreed_come_from_one_organization(
    teacher: User, colleague: User, methodist: User
) -> None:
    """Defence in depth: consents changed behind the workflow's back leave one school."""
    app = submitted(teacher, [colleague])
    ApplicationParticipant.objects.filter(application=app, user=colleague).update(
        consent="declined"
    )
    with nothing_happens(app), pytest.raises(DomainError, match="двух разных") as refused:
        services.approve_application(
            actor=methodist, application=app, order_number="1", order_date=ORDER_DATE
        )
    assert refused.type is DomainError


def test_approval_is_refused_when_the_leader_has_not_agreed(
    teacher: User, colleague: User, third: User, methodist: User
) -> None:
    app = submitted(teacher, [colleague, third], leader=colleague)
    ApplicationParticipant.objects.filter(application=app, user=colleague).update(
        consent="declined"
    )
    with nothing_happens(app), pytest.raises(DomainError, match="Руководитель"):
        services.approve_application(
            actor=methodist, application=app, order_number="1", order_date=ORDER_DATE
        )


def test_approval_needs_an_order_number(teacher: User, colleague: User, methodist: User) -> None:
    app = submitted(teacher, [colleague])
    with nothing_happens(app), pytest.raises(DomainError, match="номер приказа"):
        services.approve_application(
            actor=methodist, application=app, order_number=" ", order_date=ORDER_DATE
        )


def test_no_decision_before_everyone_agreed(
    teacher: User, colleague: User, methodist: User
) -> None:
    app = application(teacher, [colleague])
    with nothing_happens(app), pytest.raises(DomainError, match="не подано"):
        services.approve_application(
            actor=methodist, application=app, order_number="1", order_date=ORDER_DATE
        )
    with nothing_happens(app), pytest.raises(DomainError, match="не подано"):
        services.reject_application(actor=methodist, application=app, reasons="Рано")


@pytest.mark.parametrize(
    "who",
    ["teacher", "colleague", "school_admin", "expert", "student", "parent", "guest", "outsider"],
)
def test_only_the_district_decides(
    request: Any, teacher: User, colleague: User, methodist: User, who: str
) -> None:
    app = submitted(teacher, [colleague])
    actor = request.getfixturevalue(who)
    with nothing_happens(app), pytest.raises(PermissionDeniedError):
        services.approve_application(
            actor=actor, application=app, order_number="1", order_date=ORDER_DATE
        )
    with nothing_happens(app), pytest.raises(PermissionDeniedError):
        services.reject_application(actor=actor, application=app, reasons="Нет")


def test_a_methodist_of_another_district_does_not_decide(
    teacher: User, colleague: User, world: World
) -> None:
    department = EducationDepartmentFactory(district=world.other_district)
    stranger = person(department, Role.DISTRICT_METHODIST, email="methodist@far.test")
    app = submitted(teacher, [colleague])
    with nothing_happens(app), pytest.raises(PermissionDeniedError):
        services.approve_application(
            actor=stranger, application=app, order_number="1", order_date=ORDER_DATE
        )
    with nothing_happens(app), pytest.raises(PermissionDeniedError):
        services.reject_application(actor=stranger, application=app, reasons="Нет")
    assert notes(stranger) == []  # nor is told of it


def test_a_regional_methodist_decides(teacher: User, colleague: User, world: World) -> None:
    regional = person(world.department, Role.REGION_METHODIST, email="region@iro.test")
    app = submitted(teacher, [colleague])
    services.reject_application(actor=regional, application=app, reasons="Тема уже занята.")
    app.refresh_from_db()
    assert (app.status, app.decided_by) == ("rejected", regional)


# --- Editing, resubmission, withdrawal ----------------------------------------------------


def test_only_the_applicant_edits_and_only_while_editable(
    teacher: User, colleague: User, methodist: User
) -> None:
    app = submitted(teacher, [colleague])

    def edit(actor: User) -> None:
        services.update_application(
            actor=actor,
            application=app,
            title="Другое",
            problem=app.problem,
            expected_result=app.expected_result,
            starts_on=app.starts_on,
            ends_on=app.ends_on,
            participants=[colleague],
            proposed_leader=teacher,
        )

    for stranger in (colleague, methodist):
        with nothing_happens(app), pytest.raises(PermissionDeniedError):
            edit(stranger)
    with nothing_happens(app), pytest.raises(DomainError, match="на рассмотрении"):
        edit(teacher)


def test_only_a_rejected_application_is_resubmitted(
    teacher: User, colleague: User, methodist: User
) -> None:
    app = submitted(teacher, [colleague])
    with nothing_happens(app), pytest.raises(DomainError, match="только отклонённое"):
        services.resubmit_application(actor=teacher, application=app)
    services.reject_application(actor=methodist, application=app, reasons="Нет продукта")
    with nothing_happens(app), pytest.raises(PermissionDeniedError):
        services.resubmit_application(actor=colleague, application=app)


def test_a_resubmission_with_a_new_participant_waits_for_their_consent(
    teacher: User, colleague: User, third: User, methodist: User
) -> None:
    app = submitted(teacher, [colleague])
    services.reject_application(actor=methodist, application=app, reasons="Мало участников")
    services.update_application(
        actor=teacher,
        application=app,
        title=app.title,
        problem=app.problem,
        expected_result=app.expected_result,
        starts_on=app.starts_on,
        ends_on=app.ends_on,
        participants=[colleague, third],
        proposed_leader=teacher,
    )
    assert notes(third) == []  # asked when it is sent again, not while the applicant edits
    services.resubmit_application(actor=teacher, application=app)
    app.refresh_from_db()
    assert (app.status, app.submission_count) == ("consent", 1)
    assert len(notes(third, "groups.application")) == 1
    services.answer_participation(actor=third, application=app, agree=True)
    app.refresh_from_db()
    assert (app.status, app.submission_count) == ("submitted", 2)


def test_withdrawal(teacher: User, colleague: User, methodist: User) -> None:
    app = application(teacher, [colleague])
    with nothing_happens(app), pytest.raises(PermissionDeniedError):
        services.withdraw_application(actor=colleague, application=app)
    with nothing_happens(app), pytest.raises(PermissionDeniedError):
        services.withdraw_application(actor=methodist, application=app)
    services.withdraw_application(actor=teacher, application=app)
    app.refresh_from_db()
    assert app.status == "withdrawn"
    assert [(e.from_state, e.to_state) for e in audit(app, "group_application.withdrawn")] == [
        ("consent", "withdrawn")
    ]
    with nothing_happens(app), pytest.raises(DomainError, match="решение уже принято"):
        services.answer_participation(actor=colleague, application=app, agree=True)
    with nothing_happens(app), pytest.raises(DomainError):
        services.withdraw_application(actor=teacher, application=app)


def test_a_submitted_application_is_withdrawn_but_an_approved_one_is_not(
    teacher: User, colleague: User, third: User, methodist: User
) -> None:
    app = submitted(teacher, [colleague])
    services.withdraw_application(actor=teacher, application=app)
    app.refresh_from_db()
    assert app.status == "withdrawn"
    with nothing_happens(app), pytest.raises(DomainError, match="не подано"):
        services.approve_application(
            actor=methodist, application=app, order_number="1", order_date=ORDER_DATE
        )
    approved = submitted(teacher, [third], title="Другая группа")
    services.approve_application(
        actor=methodist, application=approved, order_number="2", order_date=ORDER_DATE
    )
    approved.refresh_from_db()
    with nothing_happens(approved), pytest.raises(DomainError, match="нельзя перевести"):
        services.withdraw_application(actor=teacher, application=approved)


# --- The reminder of the term -------------------------------------------------------------


def test_the_reminder(
    teacher: User,
    colleague: User,
    third: User,
    methodist: User,
    time_machine: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    time_machine.move_to(at(2), tick=False)
    early = submitted(teacher, [colleague], title="Раннее")  # due 9 March
    time_machine.move_to(at(4), tick=False)
    late = submitted(teacher, [third], title="Позднее")  # due 11 March
    before = len(notes(methodist))
    mail.outbox.clear()

    # 6 March: three days left on the early one — not yet.
    assert services.remind_of_decisions(now=at(6, 23, 59)) == 0
    assert len(notes(methodist)) == before

    # 7 March: two days left — reminded once, with e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_of_decisions(now=at(7, 8)) == 1
    reminder = notes(methodist)[-1]
    assert (reminder.kind, reminder.title, reminder.body) == (
        "groups.queue",
        "Срок решения по заявлению «Раннее»: осталось 2 дня",
        "Последний день срока — 09.03.2026.",
    )
    assert [m.to for m in mail.outbox] == [["methodist@uo.test"]]
    assert notes(teacher, "groups.queue") == []

    # A second run the same day, and the next day, send nothing more for it.
    assert services.remind_of_decisions(now=at(7, 9)) == 0
    assert services.remind_of_decisions(now=at(8, 9)) == 0
    assert len(notes(methodist)) == before + 1
    late.refresh_from_db()
    assert late.reminded_at is None

    # 9 March: the late one reaches two days.
    assert services.remind_of_decisions(now=at(9, 9)) == 1
    assert notes(methodist)[-1].title == "Срок решения по заявлению «Позднее»: осталось 2 дня"

    # Rejected and resubmitted: a new term, a new reminder in its time.
    time_machine.move_to(at(9, 12), tick=False)
    services.reject_application(actor=methodist, application=early, reasons="Уточните продукт")
    time_machine.move_to(at(10, 12), tick=False)
    services.resubmit_application(actor=teacher, application=early)
    early.refresh_from_db()
    assert early.reminded_at is None
    assert services.remind_of_decisions(now=at(14, 12)) == 0
    assert services.remind_of_decisions(now=at(15, 12)) == 1
    assert notes(methodist)[-1].title == "Срок решения по заявлению «Раннее»: осталось 2 дня"


def test_the_reminder_of_an_overdue_application(
    teacher: User, colleague: User, methodist: User, time_machine: Any
) -> None:
    time_machine.move_to(at(2), tick=False)
    submitted(teacher, [colleague])
    assert services.remind_of_decisions(now=at(10, 9)) == 1
    assert notes(methodist)[-1].title == (
        "Срок решения по заявлению «Формирующее оценивание на уроках математики»: "
        "просрочено на 1 день"
    )


def test_no_reminders_for_decided_applications(
    teacher: User, colleague: User, third: User, methodist: User, time_machine: Any
) -> None:
    time_machine.move_to(at(2), tick=False)
    rejected = submitted(teacher, [colleague])
    approved = submitted(teacher, [third], title="Одобренное")
    services.reject_application(actor=methodist, application=rejected, reasons="Нет")
    services.approve_application(
        actor=methodist, application=approved, order_number="3", order_date=ORDER_DATE
    )
    before = len(notes(methodist))
    assert services.remind_of_decisions(now=at(9)) == 0
    assert len(notes(methodist)) == before


def test_a_reminder_reaches_only_the_districts_methodists(
    teacher: User, colleague: User, methodist: User, world: World, time_machine: Any
) -> None:
    department = EducationDepartmentFactory(district=world.other_district)
    stranger = person(department, Role.DISTRICT_METHODIST, email="methodist@far.test")
    other = person(world.department, Role.DISTRICT_METHODIST, email="second@uo.test")
    time_machine.move_to(at(2), tick=False)
    submitted(teacher, [colleague])
    assert services.remind_of_decisions(now=at(8)) == 1
    assert len(notes(methodist, "groups.queue")) == len(notes(other, "groups.queue")) == 2
    assert notes(stranger) == []
