"""The submission pages: submitting (a failed form keeps what was typed), the author's list,
the department's queue with the ten-day term, the submission page for each persona (blind
for the expert, anonymized reviews for the author), assigning through the page (a conflict
is refused with its reasons), the reviews side by side with the third-expert alert, the
decision, resubmission, withdrawal and certificates."""

import datetime
import html
import re
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import MembershipFactory, OrganizationFactory
from metodset.conftest import World
from metodset.expertise import services
from metodset.expertise.models import Assignment, Submission, Verdict
from metodset.expertise.tests.factories import expert_of, material, review, submitted
from metodset.materials.services import update_material

pytestmark = pytest.mark.django_db


@pytest.fixture
def experts(world: World) -> list[User]:
    third_school = OrganizationFactory(district=world.district, short_name="МБОУ СОШ №3")
    return [
        expert_of(world.department, "expert1@uo.test", last_name="Первова", first_name="Ирина"),
        expert_of(world.other_school, "expert2@school2.test", last_name="Вторых", first_name="Лев"),
        expert_of(third_school, "expert3@school3.test", last_name="Третьяков", first_name="Ян"),
    ]


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _reviewed(
    submission: Submission, methodist: User, experts: list[User], scores: tuple[int, ...]
) -> list[Assignment]:
    assignments = [
        services.assign_expert(actor=methodist, submission=submission, expert=expert)
        for expert in experts[: len(scores)]
    ]
    for assignment, score in zip(assignments, scores, strict=True):
        review(assignment, score=score)
    submission.refresh_from_db()
    return assignments


def _returned(submission: Submission, methodist: User, experts: list[User]) -> Submission:
    _reviewed(submission, methodist, experts, (4, 3))
    return services.decide_submission(
        actor=methodist,
        submission=submission,
        decision=Verdict.REVISION,
        comment="Добавьте критерии оценивания к заданиям.",
    )


# --- Submitting -----------------------------------------------------------------------------


def test_author_submits_from_the_material_link(login: Any, teacher: User) -> None:
    product = material(teacher)
    client = login(teacher)
    url = reverse("expertise:create") + f"?material={product.pk}"
    page = _page(client, url)
    assert f'<option value="{product.pk}" selected>' in page
    assert "Срок экспертизы — 10 календарных дней" in page
    assert "Слепая экспертиза" in page
    assert "От имени объединения" not in page  # the teacher leads no group
    response = client.post(
        url,
        {"material": product.pk, "purpose": "generalization", "is_blind": "on", "note": "Опыт"},
    )
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == submission.get_absolute_url()
    assert (submission.purpose, submission.is_blind, submission.note) == (
        "generalization",
        True,
        "Опыт",
    )
    page = _page(client, response["Location"])
    due = services.due_of(submission).strftime("%d.%m.%Y")
    assert f"Срок экспертизы — до {due} включительно" in page  # the message names the due date


def test_open_expertise_when_the_box_is_cleared(login: Any, teacher: User) -> None:
    product = material(teacher)
    login(teacher).post(reverse("expertise:create"), {"material": product.pk, "purpose": "contest"})
    assert Submission.objects.get().is_blind is False


def test_a_failed_submission_form_keeps_what_was_typed(login: Any, teacher: User) -> None:
    product = material(teacher)
    client = login(teacher)
    response = client.post(
        reverse("expertise:create"),
        {"material": product.pk, "note": "Применялся в 5-х классах два года"},
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Применялся в 5-х классах два года" in page
    assert f'<option value="{product.pk}" selected>' in page
    assert "Обязательное поле" in page
    assert not Submission.objects.exists()
    # The service's own refusal shows on the form too.
    submitted(teacher, material=product)
    response = client.post(
        reverse("expertise:create"), {"material": product.pk, "purpose": "publication"}
    )
    assert "Этот материал уже на экспертизе." in html.unescape(response.content.decode())
    assert Submission.objects.count() == 1


def test_someone_elses_material_cannot_be_chosen(
    login: Any, teacher: User, colleague: User
) -> None:
    product = material(teacher)
    client = login(colleague)
    page = _page(client, reverse("expertise:create") + f"?material={product.pk}")
    assert product.title not in page
    response = client.post(
        reverse("expertise:create"), {"material": product.pk, "purpose": "publication"}
    )
    assert response.status_code == 200
    assert not Submission.objects.exists()


def test_students_and_guests_cannot_submit(login: Any, student: User, client: Any) -> None:
    assert client.get(reverse("expertise:create")).status_code == 302  # to the login page
    assert login(student).get(reverse("expertise:create")).status_code == 403


def test_my_submissions_list_the_authors_own(
    login: Any, teacher: User, colleague: User, django_assert_num_queries: Any
) -> None:
    mine = submitted(teacher)
    submitted(colleague, material=material(colleague, title="Чужой материал"))
    client = login(teacher)
    client.get(reverse("expertise:mine"))  # warm the session and the caches
    with django_assert_num_queries(7):
        page = _page(client, reverse("expertise:mine"))
    assert mine.material.title in page
    assert "Чужой материал" not in page
    assert "осталось 10 дней" in page
    assert "получено, эксперты не назначены" in page


# --- The queue ------------------------------------------------------------------------------


def test_queue_shows_the_term_and_marks_the_overdue_red(
    login: Any,
    teacher: User,
    methodist: User,
    experts: list[User],
    django_assert_num_queries: Any,
) -> None:
    with time_machine.travel(timezone.now() - datetime.timedelta(days=12)):
        late = submitted(teacher, material=material(teacher, title="Опоздавший"))
    fresh = submitted(teacher)
    _reviewed(fresh, methodist, experts, (4, 4))
    client = login(methodist)
    client.get(reverse("expertise:queue"))
    with django_assert_num_queries(9):
        page = _page(client, reverse("expertise:queue"))
    assert "Срок экспертизы — 10 календарных дней" in page
    rows = page.split('data-testid="queue-row"')[1:]
    assert [late.material.title in row for row in rows] == [True, False]  # the term first
    assert page.count('<tr class="table-danger" data-testid="queue-row">') == 1
    assert page.index('class="table-danger"') < page.index(late.material.title)
    assert "просрочено на 2 дня" in rows[0]
    assert "не назначены" in rows[0]
    assert "2 из 2 оценили" in rows[1]
    assert "осталось 10 дней" in rows[1]
    assert teacher.short_name in rows[1]  # the department sees the author


def test_queue_filters_by_state(
    login: Any, teacher: User, methodist: User, experts: list[User]
) -> None:
    returned = _returned(submitted(teacher), methodist, experts)
    client = login(methodist)
    assert returned.material.title not in _page(client, reverse("expertise:queue"))
    page = _page(client, reverse("expertise:queue") + "?status=revision")
    assert returned.material.title in page
    assert "на доработку" in page
    assert returned.material.title not in _page(
        client, reverse("expertise:queue") + "?status=decided"
    )


def test_queue_is_for_the_department_only(
    login: Any, teacher: User, expert: User, client: Any
) -> None:
    assert client.get(reverse("expertise:queue")).status_code == 302
    assert login(teacher).get(reverse("expertise:queue")).status_code == 403
    assert login(expert).get(reverse("expertise:queue")).status_code == 403


# --- The submission page --------------------------------------------------------------------


def test_submission_page_for_each_persona(
    login: Any,
    teacher: User,
    colleague: User,
    methodist: User,
    outsider: User,
    student: User,
    experts: list[User],
    client: Any,
) -> None:
    submission = submitted(teacher)
    services.assign_expert(actor=methodist, submission=submission, expert=experts[0])
    url = submission.get_absolute_url()
    assert client.get(url).status_code == 302  # to the login page
    for stranger in (colleague, outsider, student, experts[1]):
        assert login(stranger).get(url).status_code == 404
    assert login(teacher).get(url).status_code == 200
    assert login(methodist).get(url).status_code == 200
    assert login(experts[0]).get(url).status_code == 200
    missing = reverse("expertise:detail", args=[submission.pk + 100])
    assert login(methodist).get(missing).status_code == 404


def test_a_blind_experts_page_names_neither_the_author_nor_the_school(
    login: Any, teacher: User, methodist: User, experts: list[User], world: World
) -> None:
    submission = submitted(teacher, is_blind=True, note="Мой опыт в МБОУ СОШ №1")
    assignment = services.assign_expert(actor=methodist, submission=submission, expert=experts[0])
    page = _page(login(experts[0]), submission.get_absolute_url())
    assert submission.material.title in page
    assert assignment.get_absolute_url() in page
    for leak in (
        teacher.last_name,
        teacher.full_name,
        teacher.short_name,
        teacher.email,
        world.school.short_name,
        world.school.name,
        teacher.get_absolute_url(),
        submission.material.get_absolute_url(),  # the material page names its author
    ):
        assert leak not in page, leak
    # The department always sees the author; in an open expertise the expert does too.
    department = _page(login(methodist), submission.get_absolute_url())
    assert teacher.full_name in department
    assert world.school.short_name in department
    open_one = submitted(teacher, material=material(teacher, title="Открытый"), is_blind=False)
    services.assign_expert(actor=methodist, submission=open_one, expert=experts[0])
    assert teacher.full_name in _page(login(experts[0]), open_one.get_absolute_url())


def test_the_author_reads_the_reviews_anonymized_after_the_decision(
    login: Any, teacher: User, methodist: User, experts: list[User]
) -> None:
    submission = submitted(teacher)
    _reviewed(submission, methodist, experts, (4, 3))
    client = login(teacher)
    before = _page(client, submission.get_absolute_url())
    assert 'data-testid="reviews-table"' not in before
    services.decide_submission(
        actor=methodist,
        submission=submission,
        decision=Verdict.REVISION,
        comment="Добавьте критерии оценивания к заданиям.",
    )
    page = _page(client, submission.get_absolute_url())
    assert 'data-testid="reviews-table"' in page
    assert "Эксперт 1" in page
    assert "Эксперт 2" in page
    assert "Добавьте критерии оценивания к заданиям." in page
    assert "Комментарий: " in page  # the experts' comments per criterion
    assert reverse("expertise:resubmit", args=[submission.pk]) in page
    for expert in experts:
        assert expert.last_name not in page
    department = _page(login(methodist), submission.get_absolute_url())
    assert experts[0].short_name in department
    assert "Эксперт 1" not in department


# --- Assigning experts ----------------------------------------------------------------------


def test_methodist_assigns_an_expert_through_the_page(
    login: Any, teacher: User, methodist: User, experts: list[User]
) -> None:
    submission = submitted(teacher)
    client = login(methodist)
    page = _page(client, submission.get_absolute_url())
    assert 'data-testid="assign-form"' in page
    default = services.expert_due(submission).isoformat()
    assert f'value="{default}"' in page  # the expert's term by default
    response = client.post(
        reverse("expertise:assign", args=[submission.pk]), {"expert": experts[0].pk}
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.expert, assignment.due_on) == (experts[0], services.expert_due(submission))
    page = _page(client, submission.get_absolute_url())
    assert f"Назначен эксперт: {experts[0].short_name}" in page
    assert "уже назначен(а) в этом круге" in page  # and no longer offered
    assert client.get(reverse("expertise:assign", args=[submission.pk])).status_code == 405


def test_a_conflicting_expert_is_disabled_and_refused_with_the_reason(
    login: Any, teacher: User, methodist: User, experts: list[User], world: World
) -> None:
    same_school = expert_of(world.school, "same@school1.test", last_name="Соседова")
    MembershipFactory(user=same_school, organization=world.school, role=Role.TEACHER)
    submission = submitted(teacher)
    client = login(methodist)
    page = _page(client, submission.get_absolute_url())
    candidate = page.split(f'id="expert-{same_school.pk}"')[1].split("</li>")[0]
    assert candidate.split(">")[0].startswith(" disabled")
    assert "эксперт работает в одной организации с автором" in candidate
    # Posted by hand anyway, the service refuses; the page says why and keeps the choice.
    response = client.post(
        reverse("expertise:assign", args=[submission.pk]),
        {"expert": same_school.pk, "due_on": services.expert_due(submission).isoformat()},
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Конфликт интересов: Соседова" in page
    assert "работает в одной организации с автором" in page
    assert f'value="{same_school.pk}" id="expert-{same_school.pk}" disabled' in page
    assert not Assignment.objects.exists()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_experts_of_the_materials_subject_come_first(
    login: Any, teacher: User, methodist: User, experts: list[User]
) -> None:
    from metodset.accounts.models import Subject

    maths = Subject.objects.get_or_create(name="Математика")[0]
    experts[2].subjects.add(maths)
    submission = submitted(teacher, material=material(teacher, subject=maths))
    page = _page(login(methodist), submission.get_absolute_url())
    order = [page.index(f'id="expert-{e.pk}"') for e in experts]
    assert order[2] < order[0]
    assert order[2] < order[1]
    assert "предмет материала" in page


def test_only_the_department_assigns(
    login: Any, teacher: User, colleague: User, experts: list[User], methodist: User
) -> None:
    submission = submitted(teacher)
    url = reverse("expertise:assign", args=[submission.pk])
    assert login(teacher).post(url, {"expert": experts[0].pk}).status_code == 403
    assert login(colleague).post(url, {"expert": experts[0].pk}).status_code == 404
    assert 'data-testid="assign-form"' not in _page(login(teacher), submission.get_absolute_url())
    assert not Assignment.objects.exists()


# --- Reviews side by side and the decision --------------------------------------------------


def test_reviews_side_by_side_with_totals_and_the_third_expert_alert(
    login: Any, teacher: User, methodist: User, experts: list[User]
) -> None:
    submission = submitted(teacher)
    _reviewed(submission, methodist, experts, (5, 1))
    page = _page(login(methodist), submission.get_absolute_url())
    table = page.split('data-testid="reviews-table"')[1].split("</table>")[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", table).split())
    assert [experts[0].short_name in table, experts[1].short_name in table] == [True, True]
    assert "Сумма баллов 30 из 30 (100 %) 6 из 30 (20 %)" in text
    assert "Средняя оценка — 60\xa0%" in page
    assert "расхождение — 80 процентных пунктов" in page
    assert "Большое расхождение оценок — назначьте третьего эксперта" in page
    assert "Комментарий: " in table
    # A third expert who agrees with neither settles it: no alert any more.
    third = services.assign_expert(actor=methodist, submission=submission, expert=experts[2])
    review(third, score=3)
    page = _page(login(methodist), submission.get_absolute_url())
    assert "назначьте третьего эксперта" not in page
    assert (
        page.split('data-testid="reviews-table"')[1]
        .split("</table>")[0]
        .count('data-testid="review-column"')
        == 3
    )


def test_methodist_decides_through_the_page(
    login: Any, teacher: User, methodist: User, experts: list[User]
) -> None:
    submission = submitted(teacher)
    _reviewed(submission, methodist, experts, (4, 3))
    client = login(methodist)
    assert 'id="decide"' in _page(client, submission.get_absolute_url())
    url = reverse("expertise:decide", args=[submission.pk])
    page = _page(client, url)
    assert "рекомендовано к представлению на конференции" in page
    response = client.post(url, {"decision": "revision", "comment": "  "})
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Напишите замечания экспертов или причины отказа" in page
    assert 'value="revision" id="id_decision_3" checked' in page
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW
    response = client.post(url, {"decision": "revision", "comment": "Добавьте критерии."})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.decision_comment) == (
        Submission.Status.REVISION,
        "Добавьте критерии.",
    )
    # Once decided, the page no longer offers a decision.
    assert client.get(url).status_code == 302


def test_only_the_department_decides(
    login: Any, teacher: User, methodist: User, experts: list[User]
) -> None:
    submission = submitted(teacher)
    _reviewed(submission, methodist, experts, (4, 4))
    url = reverse("expertise:decide", args=[submission.pk])
    assert login(teacher).get(url).status_code == 403
    assert login(teacher).post(url, {"decision": "publication"}).status_code == 403
    assert login(experts[0]).post(url, {"decision": "publication"}).status_code == 403
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW


# --- Revision, resubmission, withdrawal, certificates ---------------------------------------


def test_author_resubmits_through_the_page_and_the_experts_see_what_changed(
    login: Any, teacher: User, methodist: User, experts: list[User]
) -> None:
    submission = _returned(submitted(teacher), methodist, experts)
    update_material(
        actor=teacher,
        material=submission.material,
        annotation="Добавлены критерии оценивания к каждому заданию.",
        comment="критерии",
    )
    client = login(teacher)
    url = reverse("expertise:resubmit", args=[submission.pk])
    page = _page(client, url)
    assert "Добавьте критерии оценивания к заданиям." in page
    assert "Эксперт 1" in page
    assert experts[0].last_name not in page
    response = client.post(url, {"changes_note": ""})
    assert response.status_code == 200
    assert "Опишите, что изменено" in html.unescape(response.content.decode())
    response = client.post(url, {"changes_note": "Добавлены критерии оценивания."})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.round, submission.status) == (2, Submission.Status.IN_REVIEW)
    for person in (methodist, experts[0]):
        page = _page(login(person), submission.get_absolute_url())
        changes = page.split('data-testid="round-changes"')[1].split("</table>")[0]
        assert "Добавлены критерии оценивания." in page
        assert "аннотация" in changes
        assert "Добавлены критерии оценивания к каждому заданию." in changes


def test_resubmission_is_for_the_author_of_a_returned_submission(
    login: Any, teacher: User, methodist: User, experts: list[User]
) -> None:
    submission = submitted(teacher)
    url = reverse("expertise:resubmit", args=[submission.pk])
    assert login(teacher).get(url).status_code == 302  # not returned: back to the page
    _returned(submission, methodist, experts)
    assert login(methodist).post(url, {"changes_note": "x"}).status_code == 403
    submission.refresh_from_db()
    assert submission.round == 1


def test_author_withdraws_and_others_cannot(
    login: Any, teacher: User, colleague: User, methodist: User
) -> None:
    submission = submitted(teacher)
    url = reverse("expertise:withdraw", args=[submission.pk])
    assert login(colleague).post(url).status_code == 404
    assert login(methodist).post(url).status_code == 403
    assert login(teacher).get(url).status_code == 405
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert reverse("expertise:withdraw", args=[submission.pk]) in _page(
        login(teacher), submission.get_absolute_url()
    )
    response = login(teacher).post(url)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.WITHDRAWN


def test_certificates_are_listed_for_the_department_and_each_holder(
    login: Any, teacher: User, methodist: User, experts: list[User]
) -> None:
    submission = submitted(teacher)
    _reviewed(submission, methodist, experts, (4, 4))
    services.decide_submission(actor=methodist, submission=submission, decision=Verdict.PUBLICATION)
    issued = services.certificates_of(submission)
    assert len(issued) == 3
    department = _page(login(methodist), submission.get_absolute_url())
    for certificate in issued:
        assert certificate.get_absolute_url() in department
    author = _page(login(teacher), submission.get_absolute_url())
    assert "Сертификат автора" in author
    assert "Сертификат эксперта" not in author
    expert_page = _page(login(experts[0]), submission.get_absolute_url())
    assert "Сертификат эксперта" in expert_page
    assert "Сертификат автора" not in expert_page
    assert "рекомендовано к публикации" in author
