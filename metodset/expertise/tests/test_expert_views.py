"""The expert's pages: the score sheet filled through the page (a refused sheet keeps what
was typed), read-only afterwards and for the department, 404 for everyone else; a blind
sheet never names the author or the school; declining needs a reason; «Моя экспертиза»
and the department's view of an expert."""

import datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from metodset.accounts.models import Role, User
from metodset.accounts.tests.factories import person
from metodset.conftest import World
from metodset.expertise import services
from metodset.expertise.models import Assignment, Criterion, Review, Verdict
from metodset.expertise.tests.factories import expert_of, material, review, submitted
from metodset.materials.services import update_material

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_expert(world: World) -> User:
    return expert_of(world.other_school, "expert2@school2.test", last_name="Вторых")


@pytest.fixture
def assignment(teacher: User, methodist: User, expert: User) -> Assignment:
    submission = submitted(teacher, is_blind=True, note="Прошу оценить к публикации.")
    return services.assign_expert(actor=methodist, submission=submission, expert=expert)


def _criteria(assignment: Assignment) -> list[Criterion]:
    return services.criteria_of(assignment.submission)


def _sheet(assignment: Assignment, *, skip: int | None = None, **overrides: str) -> dict[str, Any]:
    """The form as a person fills it: every criterion scored 4 (except index `skip`)."""
    data: dict[str, Any] = {}
    for index, criterion in enumerate(_criteria(assignment)):
        if index != skip:
            data[f"score_{criterion.pk}"] = str(min(4, criterion.max_score))
        data[f"comment_{criterion.pk}"] = f"Замечание по критерию {index + 1}"
    data["recommendation"] = Verdict.PUBLICATION
    data["summary"] = "Продукт цельный, задания выстроены по уровням."
    data.update(overrides)
    return data


def test_the_expert_fills_the_sheet_through_the_page(
    login: Any, expert: User, assignment: Assignment
) -> None:
    client = login(expert)
    url = reverse("expertise:review", args=[assignment.pk])
    assert url == assignment.get_absolute_url()
    page = client.get(url).content.decode()
    criteria = _criteria(assignment)
    for criterion in criteria:
        assert criterion.title in page
        assert f'name="score_{criterion.pk}"' in page
        assert f'name="comment_{criterion.pk}"' in page
    assert "Технологическая карта урока" in page
    assert "Прошу оценить к публикации." in page
    assert "осталось" in page.lower()

    response = client.post(url, _sheet(assignment))
    assert response.status_code == 302
    assert response["Location"] == url
    sheet = Review.objects.get(assignment=assignment)
    assert sheet.total == sum(min(4, c.max_score) for c in criteria)
    assert sheet.recommendation == Verdict.PUBLICATION
    assert sheet.scores.get(criterion=criteria[0]).comment == "Замечание по критерию 1"
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DONE

    after = client.get(url).content.decode()
    assert f"{sheet.total} / {sheet.max_total}" in after
    assert "Рекомендовано к публикации" in after
    assert "<form" not in after.split('id="main"', 1)[1].split("</main>", 1)[0]
    assert client.post(url, _sheet(assignment)).status_code == 403
    assert Review.objects.count() == 1


def test_a_missing_score_keeps_what_was_typed_and_shows_the_message(
    login: Any, expert: User, assignment: Assignment
) -> None:
    client = login(expert)
    skipped = _criteria(assignment)[2]
    response = client.post(
        reverse("expertise:review", args=[assignment.pk]), _sheet(assignment, skip=2)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"поставьте балл по критерию «{skipped.title}»" in html
    assert "Балл не выставлен." in html
    assert "Замечание по критерию 3" in html
    assert "Продукт цельный, задания выстроены по уровням." in html
    assert 'value="publication" class="form-check-input" id="id_recommendation_0" checked' in html
    assert html.count("checked") == 1 + len(_criteria(assignment)) - 1
    assert not Review.objects.exists()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ASSIGNED


@pytest.mark.parametrize("who", ["teacher", "colleague", "school_admin", "outsider"])
def test_others_get_404(login: Any, request: Any, who: str, assignment: Assignment) -> None:
    client = login(request.getfixturevalue(who))
    for name in ("expertise:review", "expertise:decline"):
        assert client.get(reverse(name, args=[assignment.pk])).status_code == 404
    assert client.post(reverse("expertise:review", args=[assignment.pk]), {}).status_code == 404


def test_another_expert_gets_404_and_a_guest_is_sent_to_sign_in(
    client: Any, login: Any, second_expert: User, assignment: Assignment
) -> None:
    url = reverse("expertise:review", args=[assignment.pk])
    assert client.get(url).status_code == 302
    assert login(second_expert).get(url).status_code == 404


def test_the_department_reads_the_sheet_but_does_not_fill_it(
    login: Any, methodist: User, expert: User, assignment: Assignment
) -> None:
    client = login(methodist)
    url = reverse("expertise:review", args=[assignment.pk])
    waiting = client.get(url).content.decode()
    assert "Эксперт ещё не отправил экспертный лист." in waiting
    assert "score_" not in waiting
    assert client.post(url, _sheet(assignment)).status_code == 403
    assert client.get(reverse("expertise:decline", args=[assignment.pk])).status_code == 403
    review(assignment, score=3)
    page = client.get(url).content.decode()
    assert expert.full_name in page
    assert "Учителева" in page  # the department sees the author
    assert "Комментарий: " in page


def test_a_blind_sheet_names_neither_the_author_nor_the_school(
    login: Any, teacher: User, expert: User, world: World, assignment: Assignment
) -> None:
    client = login(expert)
    pages = [
        client.get(reverse("expertise:review", args=[assignment.pk])),
        client.get(reverse("expertise:decline", args=[assignment.pk])),
        client.get(reverse("expertise:expert_page")),
    ]
    review(assignment)
    pages.append(client.get(reverse("expertise:review", args=[assignment.pk])))
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        for secret in (teacher.last_name, teacher.full_name, teacher.short_name):
            assert secret not in html
        assert world.school.short_name not in html
        assert world.school.name not in html
        # Not even a link to the library's page of the material, which names the author.
        assert f'href="{assignment.submission.material.get_absolute_url()}"' not in html
    files = assignment.submission.material.files.get()
    assert f'href="{files.get_absolute_url()}"' in pages[0].content.decode()


def test_an_open_expertise_shows_the_author(
    login: Any, teacher: User, methodist: User, expert: User, world: World
) -> None:
    submission = submitted(teacher, is_blind=False)
    assignment = services.assign_expert(actor=methodist, submission=submission, expert=expert)
    html = login(expert).get(assignment.get_absolute_url()).content.decode()
    assert teacher.full_name in html
    assert world.school.short_name in html
    assert f'href="{submission.material.get_absolute_url()}"' in html


def test_declining_needs_a_reason_and_keeps_nothing_else(
    login: Any, expert: User, methodist: User, assignment: Assignment
) -> None:
    client = login(expert)
    url = reverse("expertise:decline", args=[assignment.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": "   "})
    assert refused.status_code == 200
    assert "Укажите причину отказа" in refused.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ASSIGNED
    too_long = client.post(url, {"reason": "Я" * 2001})
    assert too_long.status_code == 200
    assert "Я" * 2001 in too_long.content.decode()
    done = client.post(url, {"reason": "Болею до конца месяца"})
    assert done.status_code == 302
    assert done["Location"] == reverse("expertise:expert_page")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DECLINED
    assert assignment.decline_reason == "Болею до конца месяца"
    assert client.get(url).status_code == 403
    page = client.get(reverse("expertise:expert_page")).content.decode()
    assert "Болею до конца месяца" in page


def test_the_second_round_shows_what_changed_and_the_previous_sheet(
    login: Any, teacher: User, methodist: User, expert: User, second_expert: User
) -> None:
    submission = submitted(teacher)
    for person_ in (expert, second_expert):
        review(
            services.assign_expert(actor=methodist, submission=submission, expert=person_),
            score=2,
            recommendation=Verdict.REVISION,
        )
    submission.refresh_from_db()
    services.decide_submission(
        actor=methodist,
        submission=submission,
        decision=Verdict.REVISION,
        comment="Добавьте критерии оценивания.",
    )
    update_material(
        actor=teacher,
        material=submission.material,
        annotation="Добавлены критерии оценивания к каждому заданию.",
        comment="критерии",
    )
    submission.refresh_from_db()
    services.resubmit(
        actor=teacher, submission=submission, changes_note="Добавлены критерии оценивания."
    )
    second = Assignment.objects.get(submission=submission, round=2, expert=expert)
    html = login(expert).get(second.get_absolute_url()).content.decode()
    assert "Что изменено после доработки" in html
    assert "Добавлены критерии оценивания." in html
    assert "Аннотация" in html
    assert "Добавлены критерии оценивания к каждому заданию." in html
    assert "Экспертный лист прошлого круга" in html
    assert "В прошлом круге вы поставили 2 из" in html
    assert "круг 2" in html


def test_the_expert_page_lists_current_done_and_declined(
    login: Any, teacher: User, methodist: User, expert: User
) -> None:
    titles = ["Урок «Дроби»", "Квест «Проценты»", "Игра «Уравнения»", "Проект «Масштаб»"]
    assignments = [
        services.assign_expert(
            actor=methodist,
            submission=submitted(teacher, material=material(teacher, title=title)),
            expert=expert,
        )
        for title in titles
    ]
    review(assignments[1], score=3)
    services.decline_assignment(actor=expert, assignment=assignments[2], reason="Не мой предмет")
    url = reverse("expertise:expert_page")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=30), tick=False):
        client = login(expert)
        html = client.get(url).content.decode()
    current, rest = html.split("Оценённые материалы", 1)
    assert "Урок «Дроби»" in current
    assert "Проект «Масштаб»" in current
    assert "просрочено" in current
    assert "text-danger" in current
    done, declined = rest.split("Отказы и снятые назначения", 1)
    assert "Квест «Проценты»" in done
    assert "Рекомендовано к публикации" in done
    assert "Игра «Уравнения»" in declined
    assert "Не мой предмет" in declined
    assert client.post(url).status_code == 405


def test_the_expert_page_for_someone_without_the_role_explains(login: Any, teacher: User) -> None:
    response = login(teacher).get(reverse("expertise:expert_page"))
    assert response.status_code == 200
    assert "для экспертов районного методического совета" in response.content.decode()


def test_the_expert_page_makes_a_fixed_number_of_queries(
    login: Any, teacher: User, methodist: User, expert: User, django_assert_num_queries: Any
) -> None:
    for title in ("Первый", "Второй", "Третий"):
        assignment = services.assign_expert(
            actor=methodist,
            submission=submitted(teacher, material=material(teacher, title=title)),
            expert=expert,
        )
        review(assignment)
    client = login(expert)
    client.get(reverse("expertise:expert_page"))
    with django_assert_num_queries(7):
        client.get(reverse("expertise:expert_page"))


def test_the_department_sees_an_experts_page(
    login: Any, world: World, teacher: User, methodist: User, expert: User
) -> None:
    assignment = services.assign_expert(
        actor=methodist, submission=submitted(teacher), expert=expert
    )
    review(assignment)
    url = reverse("expertise:expert", args=[expert.pk])
    html = login(methodist).get(url).content.decode()
    assert expert.full_name in html
    assert "Технологическая карта урока" in html
    assert "в среднем на оценку" in html
    far_methodist = person(world.far_school, Role.DISTRICT_METHODIST, email="m@far.test")
    assert login(far_methodist).get(url).status_code == 404
    assert login(expert).get(url)["Location"] == reverse("expertise:expert_page")


@pytest.mark.parametrize("who", ["teacher", "colleague", "school_admin", "student", "outsider"])
def test_an_experts_page_is_404_for_others(
    login: Any, request: Any, who: str, expert: User
) -> None:
    url = reverse("expertise:expert", args=[expert.pk])
    assert login(request.getfixturevalue(who)).get(url).status_code == 404
