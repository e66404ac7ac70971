"""Submissions in the API: the caller's list, submit, one submission, withdraw, resubmit
after revision; the department's queue with the ten-day term; the «Лучшие практики»
showcase."""

from typing import Any

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from metodset.accounts.api import PUBLIC, SIGNED_IN, ErrorOut
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.expertise import permissions, selectors, services
from metodset.expertise.api.common import (
    actor_of,
    author_of_material,
    material_ref,
    submission_data,
    submission_detail_data,
)
from metodset.expertise.api.schemas import (
    ERRORS,
    PER_PAGE,
    BestFilters,
    BestPageOut,
    QueueFilters,
    QueueRowOut,
    ResubmitIn,
    SubmissionDetailOut,
    SubmissionFilters,
    SubmissionIn,
    SubmissionPageOut,
)
from metodset.expertise.models import Review, Submission
from metodset.groups.models import Group
from metodset.materials.models import Material

router = Router()

# What a row of a list reads: the author and the school (when shown), the district's
# region for the department's rights, the submitter for the submitter's.
LIST_RELATED = (
    "material__author",
    "material__organization",
    "author",
    "district__region",
    "group",
)


def _material(actor: Any, material_id: int) -> Material:
    material = (
        Material.objects.select_related("author", "organization", "type", "subject")
        .filter(pk=material_id)
        .first()
    )
    if material is None or not permissions.material_visible(actor, material):
        raise DomainError(_("Такого материала нет."))
    return material


def _group(group_id: int | None) -> Group | None:
    if group_id is None:
        return None
    group = Group.objects.select_related("district").filter(pk=group_id).first()
    if group is None:
        raise DomainError(_("Такого объединения нет."))
    return group


@router.get(
    "/expertise/submissions",
    response=SubmissionPageOut,
    auth=SIGNED_IN,
    operation_id="metodset_expertise_api_submission_list",
    summary="Материалы на экспертизе",
    description="Заявки, которые вы видите: свои (поданные вами или по вашим материалам), "
    "назначенные вам как эксперту, а методистам — все заявки района. Сначала новые, по 20 "
    "на странице. При слепой экспертизе эксперт не видит автора (author — null).",
)
def submission_list(request: HttpRequest, filters: Query[SubmissionFilters]) -> dict[str, Any]:
    user = request.user
    qs = permissions.submissions_visible_to(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.purpose:
        qs = qs.filter(purpose=filters.purpose)
    total = qs.count()
    offset = (filters.page - 1) * PER_PAGE
    page = (
        Submission.objects.filter(pk__in=qs.values("pk"))
        .select_related(*LIST_RELATED)
        .order_by("-received_at", "-pk")[offset : offset + PER_PAGE]
    )
    return {
        "total": total,
        "page": filters.page,
        "items": [submission_data(user, submission) for submission in page],
    }


@router.post(
    "/expertise/submissions",
    response={201: SubmissionDetailOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_expertise_api_submission_create",
    summary="Подать материал на экспертизу",
    description="Автор опубликованного материала или руководитель объединения, продуктом "
    "которого он является, подаёт его на экспертизу районного методического совета; срок "
    "экспертизы — 10 дней. Нарушение правил — 400 с причиной по-русски.",
)
def submission_create(request: HttpRequest, payload: SubmissionIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    submission = services.submit_for_expertise(
        actor=actor,
        material=_material(actor, payload.material_id),
        purpose=payload.purpose,
        note=payload.note,
        is_blind=payload.is_blind,
        group=_group(payload.group_id),
    )
    return Status(201, submission_detail(request, submission.pk))


@router.get(
    "/expertise/submissions/{submission_id}",
    response={200: SubmissionDetailOut, 404: ErrorOut},
    auth=SIGNED_IN,
    operation_id="metodset_expertise_api_submission_detail",
    summary="Материал на экспертизе",
    description="Одна заявка: срок, круги, решение; экспертные листы — методистам района "
    "(с именами экспертов) и автору после решения (обезличенные: «Эксперт 1»…); сравнение "
    "оценок — методистам. При слепой экспертизе эксперт не видит автора, его организацию "
    "и объединение (null). 404, если заявки нет или она вам не видна.",
)
def submission_detail(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    submission = selectors.get_submission_for(request.user, submission_id)
    return submission_detail_data(request.user, submission)


@router.post(
    "/expertise/submissions/{submission_id}/withdraw",
    response={200: SubmissionDetailOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_expertise_api_submission_withdraw",
    summary="Отозвать материал с экспертизы",
    description="Автор отзывает материал до решения; назначения экспертов снимаются.",
)
def submission_withdraw(request: HttpRequest, submission_id: int) -> dict[str, Any]:
    submission = selectors.get_submission_for(request.user, submission_id)
    services.withdraw_submission(actor=actor_of(request), submission=submission)
    return submission_detail(request, submission_id)


@router.post(
    "/expertise/submissions/{submission_id}/resubmit",
    response={200: SubmissionDetailOut, **ERRORS},
    auth=SIGNED_IN,
    operation_id="metodset_expertise_api_submission_resubmit",
    summary="Подать после доработки",
    description="После решения «на доработку» автор подаёт материал снова с описанием "
    "изменений: начинается новый десятидневный срок, эксперты прошлого круга назначаются "
    "снова и видят, что изменилось.",
)
def submission_resubmit(
    request: HttpRequest, submission_id: int, payload: ResubmitIn
) -> dict[str, Any]:
    submission = selectors.get_submission_for(request.user, submission_id)
    services.resubmit(
        actor=actor_of(request), submission=submission, changes_note=payload.changes_note
    )
    return submission_detail(request, submission_id)


@router.get(
    "/expertise/queue",
    response={200: list[QueueRowOut], 403: ErrorOut},
    auth=SIGNED_IN,
    operation_id="metodset_expertise_api_queue",
    summary="Очередь экспертизы",
    description="Методистам района: идущие экспертизы их района, ближайший срок первым, со "
    "сроком словами, просрочкой и числом назначенных и оценивших экспертов. Другим — 403.",
)
def queue(request: HttpRequest, filters: Query[QueueFilters]) -> list[dict[str, Any]]:
    user = request.user
    if not permissions.can_view_queue(user):
        raise PermissionDeniedError(_("Очередь экспертизы видят методисты района."))
    rows = selectors.queue_of(user, status=filters.status or "")
    prefetch_related_objects(
        [row.submission for row in rows],
        "material__author",
        "material__organization",
    )
    return [
        {
            "submission": submission_data(user, row.submission),
            "due": row.due,
            "days_left": row.left,
            "term": row.term,
            "overdue": row.overdue,
            "assigned": row.assigned,
            "done": row.done,
        }
        for row in rows
    ]


def _averages(submissions: list[Submission]) -> dict[int, float]:
    """The average per cent of the deciding round's reviews, for a page in one query."""
    rounds = {submission.pk: submission.round for submission in submissions}
    percents: dict[int, list[float]] = {}
    for submission_id, number, total, max_total in Review.objects.filter(
        assignment__submission__in=list(rounds)
    ).values_list("assignment__submission_id", "assignment__round", "total", "max_total"):
        if number == rounds[submission_id] and max_total:
            percents.setdefault(submission_id, []).append(100 * total / max_total)
    return {pk: round(sum(values) / len(values), 1) for pk, values in percents.items()}


@router.get(
    "/expertise/best",
    response=BestPageOut,
    auth=PUBLIC,
    operation_id="metodset_expertise_api_best_list",
    summary="Лучшие практики",
    description="Материалы, рекомендованные по итогам экспертизы РМС (к публикации, к "
    "представлению на конференции, к распространению в сети), которые вам видны (гостям — "
    "открытые всем); сначала новые решения, по 20 на странице.",
)
def best_list(request: HttpRequest, filters: Query[BestFilters]) -> dict[str, Any]:
    qs = selectors.showcase(request.user)
    if filters.subject:
        qs = qs.filter(material__subject=filters.subject)
    if filters.purpose:
        qs = qs.filter(purpose=filters.purpose)
    if filters.decision:
        qs = qs.filter(decision=filters.decision)
    total = qs.count()
    offset = (filters.page - 1) * PER_PAGE
    page = list(qs.select_related("material__organization")[offset : offset + PER_PAGE])
    averages = _averages(page)
    return {
        "total": total,
        "page": filters.page,
        "items": [
            {
                "id": submission.pk,
                "material": material_ref(submission.material),
                "author": author_of_material(submission.material),
                "subject": (
                    submission.material.subject.name if submission.material.subject else None
                ),
                "purpose": submission.purpose,
                "purpose_label": submission.get_purpose_display(),
                "decision": submission.decision,
                "decision_label": submission.get_decision_display(),
                "decision_comment": submission.decision_comment,
                "decided_at": submission.decided_at,
                "average": averages.get(submission.pk),
            }
            for submission in page
        ],
    }
