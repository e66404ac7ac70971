"""Sittings («тестирования») in the API: the list (the staff's, or a student's own), one
sitting, assign a test to classes, cancel; the results by school and the class journal."""

import zoneinfo
from collections import Counter
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from metodset.accounts.api import ErrorOut
from metodset.accounts.models import Organization, User
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.groups.models import Group
from metodset.testing import access, reports, services
from metodset.testing.api.common import (
    actor_of,
    aware,
    grade_out,
    in_given_order,
    local_time,
    organization_out,
    page_out,
    person_out,
    visible_sitting,
)
from metodset.testing.api.schemas import (
    ERRORS,
    TestingJournalFilters,
    TestingJournalRowOut,
    TestingReasonIn,
    TestingSittingDetailOut,
    TestingSittingFilters,
    TestingSittingIn,
    TestingSittingPageOut,
    TestingSittingResultsOut,
)
from metodset.testing.models import Attempt, Sitting, SittingTarget

router = Router(tags=["Тестирования"])


def _state(sitting: Sitting) -> str:
    now = timezone.now()
    if sitting.is_cancelled:
        return "cancelled"
    if sitting.is_open(now):
        return "open"
    return "closed" if sitting.is_closed(now) else "upcoming"


def _with_details(sittings: QuerySet[Sitting]) -> QuerySet[Sitting]:
    return sittings.select_related("quiz", "district", "created_by").prefetch_related(
        "quiz__slots",
        Prefetch("targets", queryset=SittingTarget.objects.select_related("organization", "group")),
    )


def _sitting_out(user: Any, sitting: Sitting) -> dict[str, Any]:
    """One sitting as the list shows it; its quiz's slots and its targets come prefetched.
    A student it is given to also gets their attempts and whether they may start now."""
    quiz = sitting.quiz
    count, total = services.quiz_size(quiz)
    mine: list[Attempt] = []
    if access.is_target_student(user, sitting):
        mine = list(Attempt.objects.filter(sitting=sitting, student=user.pk).order_by("number"))
    in_progress = any(not attempt.is_finished for attempt in mine)
    return {
        "id": sitting.pk,
        "title": sitting.title,
        "quiz": {
            "id": quiz.pk,
            "title": quiz.title,
            "description": quiz.description,
            "questions": count,
            "max_score": total,
            "time_limit_minutes": quiz.time_limit_minutes,
            "attempts_allowed": quiz.attempts_allowed,
            "review": quiz.review,
        },
        "opens_at": local_time(sitting.opens_at, sitting),
        "closes_at": local_time(sitting.closes_at, sitting),
        "time_zone": str(sitting.district.zone.key),
        "state": _state(sitting),
        "cancel_reason": sitting.cancel_reason,
        "created_by": person_out(sitting.created_by),
        # From the prefetched targets (the service reads them so when they are there).
        "targets": services.describe_targets(sitting),
        "can_manage": access.can_manage_sitting(user, sitting),
        "can_start": access.can_start_attempt(user, sitting)
        and (in_progress or len(mine) < quiz.attempts_allowed),
        "my_attempts": [
            {
                "id": attempt.pk,
                "number": attempt.number,
                "status": attempt.status,
                "started_at": local_time(attempt.started_at, sitting),
                "finished_at": local_time(attempt.finished_at, sitting),
                "percent": attempt.percent if attempt.is_finished else None,
                "mark": attempt.mark if attempt.is_finished else None,
            }
            for attempt in mine
        ],
    }


def _sitting_detail(user: Any, sitting_id: int) -> dict[str, Any]:
    sitting = _with_details(Sitting.objects.filter(pk=sitting_id)).get()
    targets = sitting.targets.all()
    return {
        **_sitting_out(user, sitting),
        "target_list": [
            {
                "organization": organization_out(target.organization),
                "student_class": target.student_class,
                "group": (
                    {"id": target.group.pk, "title": target.group.title}
                    if target.group is not None
                    else None
                ),
            }
            for target in targets
        ],
    }


@router.get(
    "/testing/sittings",
    response=TestingSittingPageOut,
    summary="Тестирования",
    description="Педагогам — назначенные ими, их школам и (методистам) району; "
    "обучающимся — назначенные им, с их попытками. Новые первыми, по 20 на странице.",
)
def sitting_list(request: HttpRequest, filters: Query[TestingSittingFilters]) -> dict[str, Any]:
    user = request.user
    # A student's sittings are narrowed in Python: class names are compared after folding.
    own = [
        sitting.pk
        for sitting in access.sittings_for_student(user).prefetch_related("targets")
        if access.is_target_student(user, sitting)
    ]
    sittings = Sitting.objects.filter(
        Q(pk__in=access.sittings_visible_to(user).values("pk")) | Q(pk__in=own)
    )
    now = timezone.now()
    if filters.state == "cancelled":
        sittings = sittings.filter(is_cancelled=True)
    elif filters.state == "upcoming":
        sittings = sittings.filter(is_cancelled=False, opens_at__gt=now)
    elif filters.state == "open":
        sittings = sittings.filter(is_cancelled=False, opens_at__lte=now, closes_at__gt=now)
    elif filters.state == "closed":
        sittings = sittings.filter(is_cancelled=False, closes_at__lte=now)
    return page_out(
        _with_details(sittings.order_by("-opens_at", "-pk")),
        filters.page,
        lambda sitting: _sitting_out(user, sitting),
    )


@router.get(
    "/testing/sittings/{sitting_id}",
    response={200: TestingSittingDetailOut, 404: ErrorOut},
    summary="Тестирование",
    description="Одно тестирование: тест, время, кому назначено, ваши попытки; 404, если "
    "его нет или оно вам не видно.",
)
def sitting_detail(request: HttpRequest, sitting_id: int) -> dict[str, Any]:
    visible_sitting(request, sitting_id)
    return _sitting_detail(request.user, sitting_id)


def _organizations(ids: list[int]) -> list[Organization]:
    schools = Organization.objects.select_related("district")
    return in_given_order(schools, ids, _("Организация не найдена: %(ids)s."))


def _groups(ids: list[int]) -> list[Group]:
    groups = Group.objects.select_related("district")
    return in_given_order(groups, ids, _("Объединение не найдено: %(ids)s."))


def _zone(classes: list[tuple[Organization, str]], groups: list[Group]) -> zoneinfo.ZoneInfo:
    """The zone a new sitting's times are typed in: its district's, found as the service
    finds the district (the first school's, else the first group's)."""
    if classes and classes[0][0].district is not None:
        return classes[0][0].district.zone
    if groups:
        return groups[0].district.zone
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@router.post(
    "/testing/sittings",
    response={201: TestingSittingDetailOut, **ERRORS},
    summary="Назначить тест",
    description="Тест, который вам виден, — классам своих школ (методисту — любых школ "
    "района; «7» — вся параллель) и объединениям, которыми вы руководите, с временем "
    "открытия и закрытия. Время без смещения — по поясу района первой школы. Обучающиеся "
    "получают уведомление.",
)
def sitting_create(request: HttpRequest, payload: TestingSittingIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    if not access.can_create_quiz(actor):
        raise PermissionDeniedError(_("Назначать тесты могут педагоги, руководители и методисты."))
    quiz = access.quizzes_visible_to(actor).filter(pk=payload.quiz_id).first()
    if quiz is None:
        raise DomainError(_("Такого теста нет."))
    organizations = _organizations([row.organization_id for row in payload.classes])
    # Two classes of one school name the same organization twice.
    by_id = {organization.pk: organization for organization in organizations}
    classes = [(by_id[row.organization_id], row.student_class) for row in payload.classes]
    groups = _groups(payload.group_ids)
    zone = _zone(classes, groups)
    sitting = services.create_sitting(
        actor=actor,
        quiz=quiz,
        title=payload.title,
        opens_at=aware(payload.opens_at, zone),
        closes_at=aware(payload.closes_at, zone),
        classes=classes,
        groups=groups,
    )
    return Status(201, _sitting_detail(actor, sitting.pk))


@router.post(
    "/testing/sittings/{sitting_id}/cancel",
    response={200: TestingSittingDetailOut, **ERRORS},
    summary="Отменить тестирование",
    description="Назначивший (или методист района) отменяет тестирование с причиной, пока "
    "никто не завершил тест; причину получают обучающиеся.",
)
def sitting_cancel(
    request: HttpRequest, sitting_id: int, payload: TestingReasonIn
) -> dict[str, Any]:
    sitting = visible_sitting(request, sitting_id)
    services.cancel_sitting(actor=actor_of(request), sitting=sitting, reason=payload.reason)
    return _sitting_detail(request.user, sitting_id)


# --- Results and the journal -----------------------------------------------------------------


def _figures_out(figures: reports.Figures, assigned: int) -> dict[str, Any]:
    return {
        "assigned": assigned,
        "started": figures.started,
        "finished": figures.finished,
        "graded": figures.graded,
        "pending": figures.pending,
        "mean_percent": None if figures.mean is None else round(figures.mean, 2),
        "median_percent": None if figures.median is None else round(figures.median, 2),
        "marks": {str(mark): count for mark, count in sorted(figures.marks.items())},
    }


def _attempt_row(
    sitting: Sitting, row: reports.StudentRow, people: dict[int, User]
) -> dict[str, Any]:
    attempt = row.attempt
    return {
        "attempt_id": attempt.pk,
        "student": person_out(people[attempt.student_id]),
        "student_class": attempt.student_class,
        "number": attempt.number,
        "status": "finished" if attempt.is_finished else "in_progress",
        **grade_out(attempt),
        "finished_at": local_time(attempt.finished_at, sitting),
    }


@router.get(
    "/testing/sittings/{sitting_id}/results",
    response={200: TestingSittingResultsOut, 403: ErrorOut, 404: ErrorOut},
    summary="Результаты тестирования",
    description="По каждой школе: скольким назначено, сколько начали, завершили и получили "
    "отметку, средний процент и отметки (каждый обучающийся — по лучшей оценённой "
    "попытке, как на странице результатов). Попытки поимённо — учителям этой школы, "
    "назначившему и методистам района; учителю другой школы — только цифры. "
    "Обучающимся — 403.",
)
def sitting_results(request: HttpRequest, sitting_id: int) -> dict[str, Any]:
    user = request.user
    sitting = visible_sitting(request, sitting_id)
    if not access.sittings_visible_to(user).filter(pk=sitting.pk).exists():
        raise PermissionDeniedError(
            _("Результаты тестирования видят педагоги школ, которым оно назначено.")
        )
    # The figures as the results page counts them (each student by the best graded attempt).
    results = reports.sitting_results(
        sitting, names_shown=lambda org_id: access.can_see_names_of(user, sitting, org_id)
    )
    given = services.students_of_sitting(sitting)
    assigned = Counter(membership.organization_id for _person, membership in given)
    schools = {row.organization.pk: row for row in results.schools}
    organizations = {pk: row.organization for pk, row in schools.items()}
    for _person, membership in given:
        organizations.setdefault(membership.organization_id, membership.organization)
    people = User.objects.in_bulk({row.attempt.student_id for row in results.students})
    out = []
    for org_id, organization in sorted(organizations.items(), key=lambda pair: pair[1].short_name):
        school = schools.get(org_id)
        named = school.named if school else access.can_see_names_of(user, sitting, org_id)
        rows = [row for row in results.students if row.attempt.organization_id == org_id]
        started = {row.attempt.student_id for row in rows}
        out.append(
            {
                **_figures_out(
                    school.figures if school else reports.figures_of([]), assigned[org_id]
                ),
                "organization": organization_out(organization),
                "names_shown": named,
                "attempts": [_attempt_row(sitting, row, people) for row in rows] if named else None,
                "not_started": [
                    person_out(person)
                    for person, membership in given
                    if membership.organization_id == org_id and person.pk not in started
                ]
                if named
                else None,
            }
        )
    return {
        "sitting": {"id": sitting.pk, "title": sitting.title},
        "total": _figures_out(results.network, len(given)),
        "schools": out,
    }


@router.get(
    "/testing/sittings/{sitting_id}/journal",
    response={200: list[TestingJournalRowOut], 403: ErrorOut, 404: ErrorOut},
    summary="Отметки для журнала",
    description="Отметки, которые обучающиеся решили выставить в журнал, по школе "
    "(organization_id) или по всем школам, журнал которых вам виден: учителям и "
    "руководителю школы, методистам района.",
)
def sitting_journal(
    request: HttpRequest, sitting_id: int, filters: Query[TestingJournalFilters]
) -> list[dict[str, Any]]:
    user = request.user
    sitting = visible_sitting(request, sitting_id)
    if filters.organization_id is not None:
        organization = Organization.objects.filter(pk=filters.organization_id).first()
        if organization is None:
            raise Http404
        if not access.can_view_journal(user, organization):
            raise PermissionDeniedError(
                _("Отметки для журнала видят учителя и руководитель этой школы.")
            )
        org_ids = {organization.pk}
    else:
        candidates = Organization.objects.filter(
            Q(pk__in=sitting.targets.values("organization_id"))
            | Q(pk__in=Attempt.objects.filter(sitting=sitting).values("organization_id"))
        )
        org_ids = {org.pk for org in candidates if access.can_view_journal(user, org)}
        if not org_ids:
            raise PermissionDeniedError(_("Отметки для журнала видят учителя и руководители школ."))
    return [
        {
            "attempt_id": attempt.pk,
            "organization": organization_out(attempt.organization),
            "student": person_out(attempt.student),
            "student_class": attempt.student_class,
            "mark": attempt.mark,
            "percent": attempt.percent,
            "decided_at": local_time(attempt.journal_decided_at, sitting),
        }
        for attempt in services.journal_attempts(sitting, org_ids)
    ]
