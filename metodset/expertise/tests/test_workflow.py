"""The expertise's workflow through the services: the ten-day term, experts and conflicts of
interest, score sheets, the spread that calls a third expert, decisions, revision and
resubmission, certificates, reminders and the protocol."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import OrganizationFactory, person
from metodset.certificates.models import Certificate
from metodset.conftest import World
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.expertise import services
from metodset.expertise.models import Assignment, Protocol, ProtocolItem, Submission, Verdict
from metodset.expertise.tests.factories import expert_of, material, review, submitted
from metodset.groups.tests.factories import founded
from metodset.materials.services import update_material
from metodset.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def experts(world: World) -> list[User]:
    third_school = OrganizationFactory(district=world.district, short_name="МБОУ СОШ №3")
    return [
        expert_of(world.department, "expert1@uo.test", last_name="Первова"),
        expert_of(world.other_school, "expert2@school2.test", last_name="Вторых"),
        expert_of(third_school, "expert3@school3.test", last_name="Третьяков"),
    ]


def test_ten_day_term_counts_from_the_day_after_receipt(teacher: User) -> None:
    with time_machine.travel(datetime.datetime(2026, 11, 2, 23, 50, tzinfo=datetime.UTC)):
        submission = submitted(teacher)
    local = timezone.localdate(submission.received_at)
    assert services.due_of(submission) == local + datetime.timedelta(days=10)


def test_only_the_author_of_a_published_material_submits(
    teacher: User, colleague: User, student: User
) -> None:
    product = material(teacher)
    with pytest.raises(PermissionDeniedError):
        services.submit_for_expertise(actor=colleague, material=product, purpose="publication")
    with pytest.raises(PermissionDeniedError):
        services.submit_for_expertise(actor=student, material=product, purpose="publication")
    submission = services.submit_for_expertise(
        actor=teacher, material=product, purpose="generalization"
    )
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.criteria_set.criteria.count() == 6
    with pytest.raises(DomainError, match="уже на экспертизе"):
        services.submit_for_expertise(actor=teacher, material=product, purpose="publication")


def test_group_leader_submits_the_groups_product(teacher: User, colleague: User) -> None:
    lab = founded(teacher, "creative-lab", title="Лаборатория")
    product = material(colleague)
    from metodset.groups import services as group_services

    group_services.invite_member(actor=teacher, group=lab, person=colleague)
    group_services.answer_invitation(actor=colleague, group=lab, accept=True)
    group_services.add_material(actor=colleague, group=lab, material=product)
    submission = services.submit_for_expertise(
        actor=teacher, material=product, purpose="contest", group=lab
    )
    assert submission.group == lab


def test_conflicts_of_interest_are_refused_with_reasons(
    teacher: User, methodist: User, world: World, experts: list[User]
) -> None:
    same_school = expert_of(world.school, "expert-same@school1.test")
    coauthor = expert_of(world.other_school, "coauthor@school2.test")
    group_mate = expert_of(world.department, "mate@uo.test")
    product = material(teacher)
    product.coauthors.add(coauthor)
    lab = founded(teacher, "creative-lab", title="Лаборатория")
    from metodset.groups import services as group_services

    group_services.invite_member(actor=teacher, group=lab, person=group_mate)
    group_services.answer_invitation(actor=group_mate, group=lab, accept=True)
    submission = submitted(teacher, material=product)
    for expert, why in (
        (same_school, "одной организации"),
        (coauthor, "соавтор"),
        (group_mate, "одном объединении"),
    ):
        with pytest.raises(DomainError, match=why):
            services.assign_expert(actor=methodist, submission=submission, expert=expert)
    outsider_expert = person(world.far_school, Role.EXPERT, email="far@far.test")
    with pytest.raises(DomainError, match="не входит в экспертный совет"):
        services.assign_expert(actor=methodist, submission=submission, expert=outsider_expert)
    with pytest.raises(PermissionDeniedError):
        services.assign_expert(actor=teacher, submission=submission, expert=experts[0])


def test_full_round_with_spread_third_expert_revision_and_recommendation(
    teacher: User, methodist: User, experts: list[User]
) -> None:
    first, second, third = experts
    submission = submitted(teacher, is_blind=True)
    a1 = services.assign_expert(actor=methodist, submission=submission, expert=first)
    a2 = services.assign_expert(actor=methodist, submission=submission, expert=second)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW
    with pytest.raises(DomainError, match="Не все"):
        services.decide_submission(
            actor=methodist, submission=submission, decision=Verdict.PUBLICATION
        )
    review(a1, score=5)
    review(a2, score=1, recommendation=Verdict.REVISION)
    spread = services.spread_of(submission)
    assert spread.needs_third
    assert round(spread.spread) == 80
    with pytest.raises(DomainError, match="третьего эксперта"):
        services.decide_submission(
            actor=methodist, submission=submission, decision=Verdict.PUBLICATION
        )
    a3 = services.assign_expert(actor=methodist, submission=submission, expert=third)
    review(a3, score=3, recommendation=Verdict.REVISION)
    with pytest.raises(DomainError, match="замечания"):
        services.decide_submission(actor=methodist, submission=submission, decision="revision")
    services.decide_submission(
        actor=methodist,
        submission=submission,
        decision=Verdict.REVISION,
        comment="Добавьте критерии оценивания к заданиям.",
    )
    submission.refresh_from_db()
    assert submission.status == Submission.Status.REVISION
    assert Notification.objects.filter(recipient=teacher, title__contains="на доработку").exists()

    # The author changes the material and resubmits: the experts come back and see what changed.
    update_material(
        actor=teacher,
        material=submission.material,
        annotation="Добавлены критерии оценивания к каждому заданию.",
        comment="критерии",
    )
    with pytest.raises(DomainError, match="Опишите"):
        services.resubmit(actor=teacher, submission=submission, changes_note=" ")
    services.resubmit(
        actor=teacher, submission=submission, changes_note="Добавлены критерии оценивания."
    )
    submission.refresh_from_db()
    assert submission.round == 2
    assert submission.status == Submission.Status.IN_REVIEW
    changed = {key: (was, now) for key, was, now in services.round_changes(submission)}
    assert "annotation" in changed
    second_round = list(submission.assignments.filter(round=2))
    assert {a.expert for a in second_round} == {first, second, third}
    for assignment in second_round:
        review(assignment, score=4)
    services.decide_submission(
        actor=methodist,
        submission=submission,
        decision=Verdict.PUBLICATION,
        comment="Рекомендовано к публикации в региональном сборнике.",
    )
    submission.refresh_from_db()
    assert submission.is_recommended
    certificates = Certificate.objects.filter(source__startswith="expertise.")
    titles = sorted(certificates.values_list("title", flat=True))
    # The author's, and one per expert assignment of both rounds (3 + 3).
    assert titles.count("Сертификат автора") == 1
    assert titles.count("Сертификат эксперта") == 6
    again = services.issue_certificates(actor=methodist, submission=submission)
    assert len(again) == 7
    assert certificates.count() == 7


def test_declining_expert_is_replaced(teacher: User, methodist: User, experts: list[User]) -> None:
    submission = submitted(teacher)
    assignment = services.assign_expert(actor=methodist, submission=submission, expert=experts[0])
    with pytest.raises(DomainError, match="причину"):
        services.decline_assignment(actor=experts[0], assignment=assignment, reason="")
    with pytest.raises(PermissionDeniedError):
        services.decline_assignment(actor=experts[1], assignment=assignment, reason="x")
    services.decline_assignment(actor=experts[0], assignment=assignment, reason="Болею")
    assert Notification.objects.filter(recipient=methodist, title__contains="отказался").exists()
    services.assign_expert(actor=methodist, submission=submission, expert=experts[1])
    assert submission.assignments.filter(status=Assignment.Status.ASSIGNED).count() == 1


def test_score_sheet_must_be_complete_and_within_the_scale(
    teacher: User, methodist: User, experts: list[User]
) -> None:
    submission = submitted(teacher)
    assignment = services.assign_expert(actor=methodist, submission=submission, expert=experts[0])
    criteria = services.criteria_of(submission)
    with pytest.raises(DomainError, match="поставьте балл"):
        services.submit_review(
            actor=experts[0],
            assignment=assignment,
            scores={criteria[0].pk: (3, "")},
            recommendation="publication",
            summary="Хорошо",
        )
    with pytest.raises(DomainError, match="от 0 до 5"):
        services.submit_review(
            actor=experts[0],
            assignment=assignment,
            scores={c.pk: (9, "") for c in criteria},
            recommendation="publication",
            summary="Хорошо",
        )
    with pytest.raises(PermissionDeniedError):
        review(Assignment(pk=assignment.pk, submission=submission, expert=experts[1], round=1))


def test_reminders_of_both_terms_are_sent_once(
    teacher: User, methodist: User, experts: list[User]
) -> None:
    submission = submitted(teacher)
    services.assign_expert(actor=methodist, submission=submission, expert=experts[0])
    later = submission.received_at + datetime.timedelta(days=8, hours=1)
    assert services.remind_of_terms(now=submission.received_at) == 0
    sent = services.remind_of_terms(now=later)
    assert sent == 2
    assert services.remind_of_terms(now=later) == 0
    assert Notification.objects.filter(
        recipient=methodist, title__startswith="Срок экспертизы"
    ).exists()
    assert Notification.objects.filter(
        recipient=experts[0], title__startswith="Срок оценки"
    ).exists()


def test_protocol_lists_decided_products(
    teacher: User, methodist: User, experts: list[User], world: World
) -> None:
    submission = submitted(teacher)
    for expert in experts[:2]:
        review(services.assign_expert(actor=methodist, submission=submission, expert=expert))
    services.decide_submission(
        actor=methodist, submission=submission, decision=Verdict.DISSEMINATION
    )
    open_one = submitted(teacher, material=material(teacher, title="Другой"))
    with pytest.raises(DomainError, match="принятым решением"):
        services.create_protocol(
            actor=methodist,
            district=world.district,
            number="3",
            held_on=timezone.localdate(),
            chair="Иванова И. И.",
            secretary="Петрова П. П.",
            members=experts,
            submissions=[submission, open_one],
        )
    assert not Protocol.objects.exists()
    assert not ProtocolItem.objects.exists()
    protocol = services.create_protocol(
        actor=methodist,
        district=world.district,
        number="3",
        held_on=timezone.localdate(),
        chair="Иванова И. И.",
        secretary="Петрова П. П.",
        members=experts,
        submissions=[submission],
    )
    assert list(protocol.submissions.all()) == [submission]
    assert [(i.submission, i.position, i.round, i.decision) for i in protocol.items.all()] == [
        (submission, 1, 1, Verdict.DISSEMINATION)
    ]
    with pytest.raises(PermissionDeniedError):
        services.create_protocol(
            actor=teacher,
            district=world.district,
            number="4",
            held_on=timezone.localdate(),
            chair="x",
            secretary="y",
            members=[],
            submissions=[submission],
        )
    assert Protocol.objects.count() == ProtocolItem.objects.count() == 1
