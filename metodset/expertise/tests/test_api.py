"""The expertise in the REST API: each endpoint for the persona it serves and for one it
refuses, the blind review kept in every answer an expert can reach, conflicts of interest
refused with their reasons, a whole expertise from submission to the showcase, and the
schema."""

import datetime
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from metodset.accounts.models import User
from metodset.certificates.models import Certificate
from metodset.conftest import PERSONAS, World
from metodset.expertise import permissions, services
from metodset.expertise.models import Assignment, Review, Submission, Verdict
from metodset.expertise.tests.factories import expert_of, material, review, submitted

pytestmark = pytest.mark.django_db

API = "/api/v1/expertise"
SUBMISSIONS = f"{API}/submissions"
ASSIGNMENTS = f"{API}/assignments"

# What names the teacher (the author) and her school: none of it may reach a blind expert.
AUTHOR_TRACES = ("Учителева", "Анна", "teacher@school1.test", "МБОУ СОШ №1")


def client_for(user: Any) -> Client:
    client = Client()
    if getattr(user, "is_authenticated", False):
        client.force_login(user, backend="metodset.accounts.backends.EmailBackend")
    return client


def get(client: Client, url: str, params: dict[str, Any] | None = None) -> Any:
    response = client.get(url, params or {})
    return response.status_code, json.loads(response.content)


def send(client: Client, url: str, body: Any = None) -> Any:
    response = client.post(url, json.dumps(body or {}), content_type="application/json")
    return response.status_code, json.loads(response.content)


def text_of(body: Any) -> str:
    """The answer as a person would read it (the wire escapes Cyrillic as \\uXXXX)."""
    return json.dumps(body, ensure_ascii=False)


def ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


@pytest.fixture
def second_expert(world: World) -> User:
    return expert_of(world.other_school, "expert2@school2.test", last_name="Вторых")


def scores_of(submission: Submission, score: int = 4) -> list[dict[str, Any]]:
    return [
        {"criterion_id": c.pk, "score": min(score, c.max_score), "comment": f"О «{c.title}»"}
        for c in services.criteria_of(submission)
    ]


def review_body(submission: Submission, score: int = 4, **fields: Any) -> dict[str, Any]:
    return {
        "scores": scores_of(submission, score),
        "recommendation": "publication",
        "summary": "Продукт готов к публикации.",
        **fields,
    }


def in_review(methodist: User, submission: Submission, *experts: User) -> list[Assignment]:
    return [
        services.assign_expert(actor=methodist, submission=submission, expert=expert)
        for expert in experts
    ]


# --- Submitting and reading ---------------------------------------------------------------


def test_the_author_submits_and_follows_the_submission(
    teacher: User, colleague: User, methodist: User
) -> None:
    product = material(teacher)
    own = client_for(teacher)
    status, body = send(
        own,
        SUBMISSIONS,
        {"material_id": product.pk, "purpose": "publication", "note": "Прошу оценить."},
    )
    assert status == 201, body
    submission = Submission.objects.get(pk=body["id"])
    assert body["material"] == {
        "id": product.pk,
        "title": "Технологическая карта урока «Дроби»",
        "url": product.get_absolute_url(),
    }
    assert (body["purpose"], body["purpose_label"]) == ("publication", "рекомендация к публикации")
    assert body["status"] == "submitted"
    assert body["round"] == 1
    assert body["is_blind"] is True
    assert body["due"] == services.due_of(submission).isoformat()
    assert (body["days_left"], body["term"], body["overdue"]) == (10, "осталось 10 дней", False)
    assert "10 календарных дней" in body["term_rule"]
    assert body["note"] == "Прошу оценить."
    assert body["author"]["full_name"] == teacher.full_name
    assert body["author"]["organization"] == "МБОУ СОШ №1"
    assert body["submitted_by"] == {"id": teacher.pk, "short_name": teacher.short_name}
    assert body["reviews"] is None
    assert body["spread"] is None
    assert body["assignments"] is None
    assert body["certificates"] == []
    assert body["can_withdraw"] is True
    assert body["can_assign"] is False
    assert body["url"] == submission.get_absolute_url()

    assert get(own, f"{SUBMISSIONS}/{submission.pk}") == (200, body)
    status, page = get(own, SUBMISSIONS)
    assert (status, page["total"], ids(page)) == (200, 1, [submission.pk])
    # The department sees the experts' side: who is assigned, the spread.
    status, seen = get(client_for(methodist), f"{SUBMISSIONS}/{submission.pk}")
    assert status == 200
    assert (seen["can_assign"], seen["assignments"], seen["reviews"]) == (True, [], [])
    assert seen["spread"]["reviews"] == 0
    # A teacher who is neither the author nor an expert does not learn it exists.
    other = client_for(colleague)
    status, body = get(other, f"{SUBMISSIONS}/{submission.pk}")
    assert (status, body) == (404, {"detail": "Не найдено."})
    assert get(other, SUBMISSIONS)[1]["total"] == 0
    assert get(Client(), f"{SUBMISSIONS}/{submission.pk}")[0] == 401


def test_submission_refusals(teacher: User, colleague: User, student: User) -> None:
    product = material(teacher)
    body = {"material_id": product.pk, "purpose": "publication"}
    status, answer = send(Client(), SUBMISSIONS, body)
    assert status == 401
    assert "Нужна авторизация" in answer["detail"]
    status, answer = send(client_for(colleague), SUBMISSIONS, body)
    assert (status, answer) == (403, {"detail": "У вас нет прав на это действие."})
    assert send(client_for(student), SUBMISSIONS, body)[0] == 403
    status, answer = send(client_for(teacher), SUBMISSIONS, {**body, "material_id": 999999})
    assert (status, answer) == (400, {"detail": "Такого материала нет."})
    status, answer = send(client_for(teacher), SUBMISSIONS, {**body, "group_id": 999999})
    assert (status, answer) == (400, {"detail": "Такого объединения нет."})
    assert send(client_for(teacher), SUBMISSIONS, {**body, "purpose": "fame"})[0] == 422
    assert not Submission.objects.exists()
    assert send(client_for(teacher), SUBMISSIONS, body)[0] == 201
    status, answer = send(client_for(teacher), SUBMISSIONS, body)
    assert (status, answer) == (400, {"detail": "Этот материал уже на экспертизе."})
    assert Submission.objects.count() == 1


def test_list_filters_and_queries(
    teacher: User, methodist: User, django_assert_num_queries: Any
) -> None:
    first = submitted(teacher, purpose="contest")
    second = submitted(teacher, material=material(teacher, title="Второй"), purpose="publication")
    services.withdraw_submission(actor=teacher, submission=first)
    own = client_for(teacher)
    assert ids(get(own, SUBMISSIONS)[1]) == [second.pk, first.pk]
    assert ids(get(own, SUBMISSIONS, {"status": "withdrawn"})[1]) == [first.pk]
    assert ids(get(own, SUBMISSIONS, {"purpose": "publication"})[1]) == [second.pk]
    assert get(own, SUBMISSIONS, {"page": 2})[1] == {"total": 2, "page": 2, "items": []}
    department = client_for(methodist)
    get(department, SUBMISSIONS)
    # Session, user, roles (memberships, children), the count and the page: the rows add
    # none of their own.
    with django_assert_num_queries(6):
        status, page = get(department, SUBMISSIONS)
    assert (status, page["total"]) == (200, 2)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_agrees_with_the_submission_page(
    persona: str,
    request: pytest.FixtureRequest,
    teacher: User,
    methodist: User,
    expert: User,
    outsider: User,
) -> None:
    """Whatever the list shows opens, and whatever it leaves out answers 404."""
    viewer = request.getfixturevalue(persona)
    reviewed = submitted(teacher)
    in_review(methodist, reviewed, expert)
    other = submitted(outsider, material=material(outsider, title="Чужой"))
    client = client_for(viewer)
    if not getattr(viewer, "is_authenticated", False):
        assert get(client, SUBMISSIONS)[0] == 401
        return
    listed = set(ids(get(client, SUBMISSIONS)[1]))
    for submission in (reviewed, other):
        visible = permissions.can_view_submission(viewer, submission)
        assert (submission.pk in listed) == visible
        expected = 200 if visible else 404
        assert get(client, f"{SUBMISSIONS}/{submission.pk}")[0] == expected


def test_the_author_withdraws(teacher: User, colleague: User, methodist: User) -> None:
    submission = submitted(teacher)
    url = f"{SUBMISSIONS}/{submission.pk}/withdraw"
    assert send(Client(), url)[0] == 401
    assert send(client_for(colleague), url)[0] == 404
    status, body = send(client_for(methodist), url)
    assert (status, body) == (403, {"detail": "У вас нет прав на это действие."})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    status, body = send(client_for(teacher), url)
    assert status == 200, body
    assert (body["status"], body["status_label"]) == ("withdrawn", "отозвано автором")
    assert (body["days_left"], body["term"], body["can_withdraw"]) == (None, None, False)
    assert send(client_for(teacher), url)[0] == 403


# --- The department's queue and experts ---------------------------------------------------


def test_the_queue_is_the_departments(
    teacher: User, methodist: User, expert: User, colleague: User
) -> None:
    submission = submitted(teacher)
    in_review(methodist, submission, expert)
    services.withdraw_submission(
        actor=colleague, submission=submitted(colleague, material=material(colleague))
    )
    with time_machine.travel(submission.received_at + datetime.timedelta(days=11)):
        status, rows = get(client_for(methodist), f"{API}/queue")
    assert status == 200, rows
    assert len(rows) == 1
    row = rows[0]
    assert row["submission"]["id"] == submission.pk
    assert row["submission"]["author"]["full_name"] == teacher.full_name
    assert row["due"] == services.due_of(submission).isoformat()
    assert (row["days_left"], row["term"], row["overdue"]) == (-1, "просрочено на 1 день", True)
    assert (row["assigned"], row["done"]) == (1, 0)
    status, rows = get(client_for(methodist), f"{API}/queue", {"status": "withdrawn"})
    assert (status, len(rows)) == (200, 1)
    status, body = get(client_for(teacher), f"{API}/queue")
    assert (status, body) == (403, {"detail": "Очередь экспертизы видят методисты района."})
    assert get(client_for(expert), f"{API}/queue")[0] == 403
    assert get(Client(), f"{API}/queue")[0] == 401


def test_the_department_assigns_experts(
    world: World, teacher: User, colleague: User, methodist: User, expert: User
) -> None:
    submission = submitted(teacher)
    url = f"{SUBMISSIONS}/{submission.pk}/assignments"
    body = {"expert_id": expert.pk}
    assert send(Client(), url, body)[0] == 401
    assert send(client_for(colleague), url, body)[0] == 404
    status, answer = send(client_for(teacher), url, body)
    assert (status, answer) == (403, {"detail": "У вас нет прав на это действие."})
    status, answer = send(client_for(methodist), url, {"expert_id": 999999})
    assert (status, answer) == (400, {"detail": "Такого эксперта нет."})
    # Only the district's РМС reviews: a teacher is no expert.
    status, answer = send(client_for(methodist), url, {"expert_id": colleague.pk})
    assert status == 400
    assert "не входит в экспертный совет района" in answer["detail"]
    assert not Assignment.objects.exists()

    status, answer = send(client_for(methodist), url, body)
    assert status == 201, answer
    assignment = Assignment.objects.get()
    assert answer["id"] == assignment.pk
    assert answer["expert"] == {"id": expert.pk, "short_name": expert.short_name}
    assert answer["due_on"] == services.expert_due(submission).isoformat()
    assert answer["status"] == "assigned"
    # The department is no blind reader: it sees whose product it is.
    assert answer["author"]["full_name"] == teacher.full_name
    assert [c["max_score"] for c in answer["criteria"]] == [
        c.max_score for c in services.criteria_of(submission)
    ]
    assert answer["url"] == assignment.get_absolute_url()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW
    status, answer = send(client_for(methodist), url, body)
    assert status == 400
    assert "уже назначен" in answer["detail"]


def test_a_conflict_of_interest_is_refused_with_its_reason(
    teacher: User, methodist: User, world: World
) -> None:
    coauthor = expert_of(world.other_school, "coauthor@school2.test", last_name="Соавторова")
    product = material(teacher)
    product.coauthors.add(coauthor)
    submission = submitted(teacher, material=product)
    status, body = send(
        client_for(methodist),
        f"{SUBMISSIONS}/{submission.pk}/assignments",
        {"expert_id": coauthor.pk},
    )
    assert status == 400
    assert body["detail"].startswith("Конфликт интересов: Соавторова")
    assert "эксперт — соавтор материала" in body["detail"]
    assert not Assignment.objects.exists()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


# --- The blind review -----------------------------------------------------------------------


def test_a_blind_expert_never_reads_the_authors_name(
    teacher: User, methodist: User, expert: User
) -> None:
    submission = submitted(teacher, is_blind=True, note="Сопроводительное письмо.")
    (assignment,) = in_review(methodist, submission, expert)
    reader = client_for(expert)
    answers = [
        get(reader, f"{SUBMISSIONS}/{submission.pk}"),
        get(reader, SUBMISSIONS),
        get(reader, f"{ASSIGNMENTS}/{assignment.pk}"),
        get(reader, ASSIGNMENTS),
    ]
    review(assignment)
    answers.append(get(reader, f"{ASSIGNMENTS}/{assignment.pk}"))
    for status, body in answers:
        assert status == 200, body
        text = text_of(body)
        for trace in AUTHOR_TRACES:
            assert trace not in text
    detail = answers[0][1]
    assert (detail["author"], detail["submitted_by"], detail["group"]) == (None, None, None)
    assert detail["reviews"] is None
    assert detail["spread"] is None
    assert answers[1][1]["items"][0]["author"] is None
    assert answers[2][1]["author"] is None
    sheet = answers[2][1]
    assert sheet["note"] == "Сопроводительное письмо."
    assert sheet["description"]["title"] == submission.material.title
    assert sheet["description"]["annotation"] == submission.material.annotation
    assert sheet["description"]["version"] == submission.material.version


def test_an_open_review_names_the_author(teacher: User, methodist: User, expert: User) -> None:
    submission = submitted(teacher, is_blind=False)
    (assignment,) = in_review(methodist, submission, expert)
    reader = client_for(expert)
    status, body = get(reader, f"{ASSIGNMENTS}/{assignment.pk}")
    assert status == 200
    assert body["author"]["full_name"] == teacher.full_name
    assert get(reader, f"{SUBMISSIONS}/{submission.pk}")[1]["author"]["id"] == teacher.pk


# --- Assignments and reviews ------------------------------------------------------------------


def test_an_expert_lists_own_assignments(
    teacher: User, methodist: User, expert: User, second_expert: User
) -> None:
    submission = submitted(teacher)
    first, _second = in_review(methodist, submission, expert, second_expert)
    status, page = get(client_for(expert), ASSIGNMENTS)
    assert status == 200
    assert page["total"] == 1
    (row,) = page["items"]
    assert row["id"] == first.pk
    assert row["submission_id"] == submission.pk
    assert row["material"]["title"] == "Технологическая карта урока «Дроби»"
    assert row["due_on"] == first.due_on.isoformat()
    assert row["term"] is not None
    assert row["overdue"] is False
    assert get(client_for(expert), ASSIGNMENTS, {"status": "done"})[1]["total"] == 0
    assert get(client_for(teacher), ASSIGNMENTS)[1]["total"] == 0
    assert get(Client(), ASSIGNMENTS)[0] == 401
    # The sheet is the expert's and the department's.
    assert get(client_for(second_expert), f"{ASSIGNMENTS}/{first.pk}")[0] == 404
    assert get(client_for(teacher), f"{ASSIGNMENTS}/{first.pk}")[0] == 404
    assert get(client_for(methodist), f"{ASSIGNMENTS}/{first.pk}")[0] == 200


def test_an_expert_declines_with_a_reason(
    teacher: User, methodist: User, expert: User, second_expert: User
) -> None:
    submission = submitted(teacher)
    (assignment,) = in_review(methodist, submission, expert)
    url = f"{ASSIGNMENTS}/{assignment.pk}/decline"
    assert send(Client(), url, {"reason": "Болею."})[0] == 401
    assert send(client_for(second_expert), url, {"reason": "Болею."})[0] == 404
    assert send(client_for(methodist), url, {"reason": "Болею."})[0] == 403
    status, body = send(client_for(expert), url, {"reason": " "})
    assert (status, body) == (400, {"detail": "Укажите причину отказа: её увидит методист."})
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ASSIGNED
    status, body = send(client_for(expert), url, {"reason": "Болею."})
    assert status == 200, body
    assert (body["status"], body["decline_reason"]) == ("declined", "Болею.")
    assert (body["can_review"], body["can_decline"]) == (False, False)


def test_an_expert_fills_the_score_sheet(
    teacher: User, methodist: User, expert: User, second_expert: User
) -> None:
    submission = submitted(teacher)
    (assignment,) = in_review(methodist, submission, expert)
    url = f"{ASSIGNMENTS}/{assignment.pk}/review"
    body = review_body(submission)
    assert send(Client(), url, body)[0] == 401
    assert send(client_for(second_expert), url, body)[0] == 404
    assert send(client_for(methodist), url, body)[0] == 403
    own = client_for(expert)
    status, answer = send(own, url, {**body, "scores": body["scores"][:1]})
    assert status == 400
    assert answer["detail"].startswith("Экспертный лист не заполнен: поставьте балл")
    status, answer = send(own, url, {**body, "scores": [*body["scores"], body["scores"][0]]})
    assert status == 400
    assert "указан дважды" in answer["detail"]
    wrong = [*body["scores"][1:], {"criterion_id": 999999, "score": 1}]
    status, answer = send(own, url, {**body, "scores": wrong})
    assert (status, answer) == (400, {"detail": "Критерия 999999 нет в экспертном листе."})
    assert not Review.objects.exists()

    status, answer = send(own, url, body)
    assert status == 201, answer
    criteria = services.criteria_of(submission)
    assert answer["assignment_id"] == assignment.pk
    assert answer["expert_label"] == "Эксперт 1"
    assert answer["expert"] == {"id": expert.pk, "short_name": expert.short_name}
    assert answer["total"] == sum(min(4, c.max_score) for c in criteria)
    assert answer["max_total"] == sum(c.max_score for c in criteria)
    assert [s["criterion_id"] for s in answer["scores"]] == [c.pk for c in criteria]
    assert answer["scores"][0]["comment"] == f"О «{criteria[0].title}»"
    assert send(own, url, body)[0] == 403
    assert Review.objects.count() == 1
    status, sheet = get(own, f"{ASSIGNMENTS}/{assignment.pk}")
    assert (sheet["status"], sheet["review"]["id"]) == ("done", answer["id"])


# --- Decisions, revision, the showcase ------------------------------------------------------


def test_a_whole_expertise_through_the_api(
    teacher: User, methodist: User, expert: User, second_expert: User, colleague: User
) -> None:
    author = client_for(teacher)
    department = client_for(methodist)
    status, body = send(
        author,
        SUBMISSIONS,
        {"material_id": material(teacher).pk, "purpose": "publication", "is_blind": True},
    )
    assert status == 201, body
    url = f"{SUBMISSIONS}/{body['id']}"
    submission = Submission.objects.get(pk=body["id"])
    assignment_ids = []
    for person in (expert, second_expert):
        status, body = send(department, f"{url}/assignments", {"expert_id": person.pk})
        assert status == 201, body
        assignment_ids.append(body["id"])
    for person, assignment_id, score in zip(
        (expert, second_expert), assignment_ids, (5, 4), strict=True
    ):
        status, body = send(
            client_for(person),
            f"{ASSIGNMENTS}/{assignment_id}/review",
            review_body(submission, score),
        )
        assert status == 201, body

    verdict = {"decision": "publication", "comment": "Рекомендовать в региональный сборник."}
    assert send(author, f"{url}/decision", verdict)[0] == 403
    assert send(client_for(colleague), f"{url}/decision", verdict)[0] == 404
    assert send(Client(), f"{url}/decision", verdict)[0] == 401
    assert not Certificate.objects.exists()
    status, body = send(department, f"{url}/decision", verdict)
    assert status == 200, body
    assert (body["status"], body["decision"]) == ("decided", "publication")
    assert body["decision_label"] == "рекомендовано к публикации"
    assert body["decision_comment"] == "Рекомендовать в региональный сборник."
    assert body["decided_by"]["id"] == methodist.pk
    holders = sorted(c["holder_name"] for c in body["certificates"])
    assert holders == sorted([teacher.full_name, expert.full_name, second_expert.full_name])
    for certificate in body["certificates"]:
        assert certificate["verify_url"].endswith(
            Certificate.objects.get(number=certificate["number"]).get_absolute_url()
        )
    assert [r["expert"]["id"] for r in body["reviews"]] == [expert.pk, second_expert.pk]
    assert body["spread"]["reviews"] == 2
    assert body["spread"]["needs_third"] is False

    # The author reads the reviews anonymized, and her own certificate only.
    status, seen = get(author, url)
    assert status == 200
    assert [(r["expert_label"], r["expert"]) for r in seen["reviews"]] == [
        ("Эксперт 1", None),
        ("Эксперт 2", None),
    ]
    assert [c["title"] for c in seen["certificates"]] == ["Сертификат автора"]
    text = text_of(seen)
    assert "Экспертов" not in text
    assert "Вторых" not in text
    assert seen["spread"] is None

    # The showcase is public.
    status, best = get(Client(), f"{API}/best")
    assert status == 200, best
    assert best["total"] == 1
    (item,) = best["items"]
    assert item["id"] == submission.pk
    assert item["material"]["id"] == submission.material_id
    assert item["author"]["full_name"] == teacher.full_name
    assert (item["decision"], item["decision_label"]) == (
        "publication",
        "рекомендовано к публикации",
    )
    assert item["average"] == round(
        sum(r.percent for r in Review.objects.all()) / Review.objects.count(), 1
    )
    assert get(Client(), f"{API}/best", {"decision": "conference"})[1]["total"] == 0
    assert get(Client(), f"{API}/best", {"purpose": "publication"})[1]["total"] == 1


def test_revision_and_resubmission(
    teacher: User, methodist: User, expert: User, second_expert: User, colleague: User
) -> None:
    submission = submitted(teacher)
    for assignment in in_review(methodist, submission, expert, second_expert):
        review(assignment, recommendation=Verdict.REVISION)
    url = f"{SUBMISSIONS}/{submission.pk}"
    department = client_for(methodist)
    status, body = send(department, f"{url}/decision", {"decision": "revision"})
    assert status == 400
    assert "замечания" in body["detail"]
    status, body = send(
        department, f"{url}/decision", {"decision": "revision", "comment": "Добавьте ключи."}
    )
    assert status == 200, body
    assert (body["status"], body["certificates"]) == ("revision", [])
    assert not Certificate.objects.exists()
    change = {"changes_note": "Добавлены ключи к заданиям."}
    assert send(client_for(colleague), f"{url}/resubmit", change)[0] == 404
    assert send(department, f"{url}/resubmit", change)[0] == 403
    status, body = send(client_for(teacher), f"{url}/resubmit", {"changes_note": ""})
    assert status == 400
    status, body = send(client_for(teacher), f"{url}/resubmit", change)
    assert status == 200, body
    assert (body["round"], body["status"], body["decision"]) == (2, "in_review", "")
    assert body["rounds"][-1]["changes_note"] == "Добавлены ключи к заданиям."
    second_round = Assignment.objects.get(round=2, expert=expert)
    status, sheet = get(client_for(expert), f"{ASSIGNMENTS}/{second_round.pk}")
    assert (status, sheet["round"]) == (200, 2)
    assert sheet["changes_note"] == "Добавлены ключи к заданиям."
    assert sheet["can_review"] is True


def test_a_large_spread_asks_for_a_third_expert(
    teacher: User, methodist: User, expert: User, second_expert: User
) -> None:
    submission = submitted(teacher)
    high, low = in_review(methodist, submission, expert, second_expert)
    review(high, score=5)
    review(low, score=1, recommendation=Verdict.REJECTED)
    url = f"{SUBMISSIONS}/{submission.pk}"
    status, body = get(client_for(methodist), url)
    assert body["spread"]["needs_third"] is True
    assert body["spread"]["spread"] == 80.0
    status, body = send(client_for(methodist), f"{url}/decision", {"decision": "publication"})
    assert status == 400
    assert "назначьте третьего эксперта" in body["detail"]
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_REVIEW


def test_the_showcase_shows_only_recommended_products(
    teacher: User, methodist: User, expert: User, second_expert: User
) -> None:
    rejected = submitted(teacher)
    for assignment in in_review(methodist, rejected, expert, second_expert):
        review(assignment, score=2, recommendation=Verdict.REJECTED)
    rejected.refresh_from_db()
    services.decide_submission(
        actor=methodist, submission=rejected, decision=Verdict.REJECTED, comment="Слабо."
    )
    submitted(teacher, material=material(teacher, title="На экспертизе"))
    status, best = get(Client(), f"{API}/best")
    assert (status, best) == (200, {"total": 0, "page": 1, "items": []})


def test_the_openapi_schema_lists_the_expertise(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = schema["paths"]
    for path in (
        "/api/v1/expertise/submissions",
        "/api/v1/expertise/submissions/{submission_id}",
        "/api/v1/expertise/submissions/{submission_id}/withdraw",
        "/api/v1/expertise/submissions/{submission_id}/resubmit",
        "/api/v1/expertise/submissions/{submission_id}/assignments",
        "/api/v1/expertise/submissions/{submission_id}/decision",
        "/api/v1/expertise/queue",
        "/api/v1/expertise/assignments",
        "/api/v1/expertise/assignments/{assignment_id}",
        "/api/v1/expertise/assignments/{assignment_id}/decline",
        "/api/v1/expertise/assignments/{assignment_id}/review",
        "/api/v1/expertise/best",
    ):
        assert path in paths
    operation = paths["/api/v1/expertise/submissions"]["get"]
    assert operation["operationId"] == "metodset_expertise_api_submission_list"
    assert operation["tags"] == ["Экспертиза"]
    # Components are keyed by the class's name: ours must not overwrite another app's.
    body = paths["/api/v1/expertise/submissions/{submission_id}/decision"]["post"]
    ref = body["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    name = ref.rsplit("/", 1)[-1]
    assert set(schema["components"]["schemas"][name]["properties"]) == {"decision", "comment"}


def test_the_queue_and_the_showcase_make_a_bounded_number_of_queries(
    teacher: User,
    colleague: User,
    methodist: User,
    expert: User,
    second_expert: User,
    django_assert_num_queries: Any,
) -> None:
    for author, title in ((teacher, "Первый"), (colleague, "Второй")):
        best = submitted(author, material=material(author, title=title))
        for assignment in in_review(methodist, best, expert):
            review(assignment)
        third = expert_of(methodist.memberships.get().organization, f"{title}@uo.test")
        for assignment in in_review(methodist, best, third):
            review(assignment)
        best.refresh_from_db()
        services.decide_submission(actor=methodist, submission=best, decision=Verdict.PUBLICATION)
        submitted(author, material=material(author, title=f"{title}, открытый"))
    department = client_for(methodist)
    get(department, f"{API}/queue")
    # Session, user, roles (memberships, children), the queue with its assignments, then
    # the authors and their schools for all the rows at once.
    with django_assert_num_queries(8):
        status, rows = get(department, f"{API}/queue")
    assert (status, len(rows)) == (200, 2)
    guest = Client()
    # The count, the page, the reviews' totals for the whole page.
    with django_assert_num_queries(3):
        status, page = get(guest, f"{API}/best")
    assert (status, page["total"]) == (200, 2)
    assert all(item["average"] == 80.0 for item in page["items"])
