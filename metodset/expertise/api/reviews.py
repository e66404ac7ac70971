"""Experts, reviews and decisions in the API: the department assigns experts, an expert
sees their assignments and score sheets, declines or scores; the department decides."""

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from metodset.accounts.api import SIGNED_IN, ErrorOut
from metodset.accounts.models import User
from metodset.core.exceptions import DomainError
from metodset.expertise import selectors, services
from metodset.expertise.api.common import (
    actor_of,
    assignment_data,
    assignment_detail_data,
    expert_labels,
    review_data,
    reviews_of,
    submission_detail_data,
)
from metodset.expertise.api.schemas import (
    ERRORS,
    PER_PAGE,
    AssignmentDetailOut,
    AssignmentFilters,
    AssignmentIn,
    AssignmentPageOut,
    DeclineIn,
    ReviewIn,
    ReviewOut,
    ScoreIn,
    SubmissionDecisionIn,
    SubmissionDetailOut,
)
from metodset.expertise.models import Assignment

router = Router()


def _expert(expert_id: int) -> User:
    expert = User.objects.filter(pk=expert_id, is_active=True).first()
    if expert is None:
        raise DomainError(_("Такого эксперта нет."))
    return expert


def _scores(assignment: Assignment, rows: Iterable[ScoreIn]) -> dict[int, tuple[int, str]]:
    """The sheet as the service takes it; a criterion twice or one from another rubric is
    the caller's mistake, told rather than dropped."""
    known = {criterion.pk for criterion in services.criteria_of(assignment.submission)}
    scores: dict[int, tuple[int, str]] = {}
    for row in rows:
        if row.criterion_id not in known:
            raise DomainError(
                _("Критерия %(id)s нет в экспертном листе.") % {"id": row.criterion_id}
            )
        if row.criterion_id in scores:
            raise DomainError(_("Критерий %(id)s указан дважды.") % {"id": row.criterion_id})
        scores[row.criterion_id] = (row.score, row.comment)
    return scores


@router.post(
    "/expertise/submissions/{submission_id}/assignments",
    response={201: AssignmentDetailOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_expertise_api_assignment_create",
    summary="Назначить эксперта",
    description="Методист района назначает эксперта из экспертного совета района на "
    "текущий круг. Конфликт интересов (автор, соавтор, коллега по организации, участник "
    "одного объединения с автором) — 400 с причиной. Другим — 403.",
)
def assignment_create(
    request: HttpRequest, submission_id: int, payload: AssignmentIn
) -> Status[dict[str, Any]]:
    submission = selectors.get_submission_for(request.user, submission_id)
    assignment = services.assign_expert(
        actor=actor_of(request),
        submission=submission,
        expert=_expert(payload.expert_id),
        due_on=payload.due_on,
    )
    return Status(201, assignment_detail(request, assignment.pk))


@router.get(
    "/expertise/assignments",
    response=AssignmentPageOut,
    auth=SIGNED_IN,
    operation_id="metodset_expertise_api_assignment_list",
    summary="Мои назначения экспертом",
    description="Ваши назначения экспертом: сначала ждущие оценки, по сроку; по 20 на "
    "странице. Автор материала здесь не указывается.",
)
def assignment_list(request: HttpRequest, filters: Query[AssignmentFilters]) -> dict[str, Any]:
    qs = selectors.assignments_of(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    total = qs.count()
    offset = (filters.page - 1) * PER_PAGE
    return {
        "total": total,
        "page": filters.page,
        "items": [assignment_data(a) for a in qs[offset : offset + PER_PAGE]],
    }


@router.get(
    "/expertise/assignments/{assignment_id}",
    response={200: AssignmentDetailOut, 404: ErrorOut},
    auth=SIGNED_IN,
    operation_id="metodset_expertise_api_assignment_detail",
    summary="Экспертный лист",
    description="Эксперту и методистам района: критерии с наибольшими баллами, что "
    "изменилось с прошлого круга, выставленная оценка. При слепой экспертизе эксперт не "
    "видит автора (null). 404, если назначения нет или оно вам не видно.",
)
def assignment_detail(request: HttpRequest, assignment_id: int) -> dict[str, Any]:
    assignment = selectors.get_assignment_for(request.user, assignment_id)
    return assignment_detail_data(request.user, assignment)


@router.post(
    "/expertise/assignments/{assignment_id}/decline",
    response={200: AssignmentDetailOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_expertise_api_assignment_decline",
    summary="Отказаться от экспертизы",
    description="Эксперт отказывается с причиной, пока не выставил оценку; методист "
    "получает уведомление и назначает другого.",
)
def assignment_decline(
    request: HttpRequest, assignment_id: int, payload: DeclineIn
) -> dict[str, Any]:
    assignment = selectors.get_assignment_for(request.user, assignment_id)
    services.decline_assignment(
        actor=actor_of(request), assignment=assignment, reason=payload.reason
    )
    return assignment_detail(request, assignment_id)


@router.post(
    "/expertise/assignments/{assignment_id}/review",
    response={201: ReviewOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_expertise_api_review_create",
    summary="Выставить оценку",
    description="Эксперт заполняет экспертный лист: балл (от 0 до наибольшего) и "
    "комментарий по каждому критерию, рекомендацию и общее заключение. Неполный лист — 400 "
    "с перечнем того, что не заполнено.",
)
def review_create(
    request: HttpRequest, assignment_id: int, payload: ReviewIn
) -> Status[dict[str, Any]]:
    assignment = selectors.get_assignment_for(request.user, assignment_id)
    review = services.submit_review(
        actor=actor_of(request),
        assignment=assignment,
        scores=_scores(assignment, payload.scores),
        recommendation=payload.recommendation,
        summary=payload.summary,
    )
    submission = assignment.submission
    reviews = reviews_of(submission)
    mine = next(r for r in reviews if r.pk == review.pk)
    label = expert_labels(reviews)[assignment.expert_id]
    return Status(201, review_data(request.user, mine, label))


@router.post(
    "/expertise/submissions/{submission_id}/decision",
    response={200: SubmissionDetailOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_expertise_api_decision",
    summary="Принять решение",
    description="Методист района принимает решение по текущему кругу, когда все "
    "назначенные эксперты (не менее двух) выставили оценки и они не расходятся больше чем "
    "на 30 п. п. Для доработки и отказа нужно заключение. При рекомендации выдаются "
    "сертификаты автору и экспертам (в ответе), материал попадает в «Лучшие практики».",
)
def decision(
    request: HttpRequest, submission_id: int, payload: SubmissionDecisionIn
) -> dict[str, Any]:
    submission = selectors.get_submission_for(request.user, submission_id)
    services.decide_submission(
        actor=actor_of(request),
        submission=submission,
        decision=payload.decision,
        comment=payload.comment,
    )
    return submission_detail_data(
        request.user, selectors.get_submission_for(request.user, submission_id)
    )
