"""Giving a test to classes: the staff's list of sittings, the form (classes of one or
several schools, groups, the window in the district's time zone), the sitting page — the
students it reaches for the staff, a card with «Начать тест» for a student — and cancelling.
Thin: parse, call a service or `access`, render."""

import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts.models import Organization
from metodset.accounts.selectors import home_district
from metodset.core.actions import actor_of, refusals_into, run_action
from metodset.core.markup import render_markdown
from metodset.groups import permissions as group_permissions
from metodset.groups.models import Group, GroupMember
from metodset.testing import access, services
from metodset.testing.forms_sittings import (
    EXTRA_ROWS,
    CancelForm,
    SittingForm,
    class_formset,
    rows_of,
    typed_rows,
    typed_values,
)
from metodset.testing.models import Attempt, Quiz, Sitting, SittingTarget

FINISHED_PAGE = 20


def _sitting_for(user: Any, pk: int) -> Sitting:
    """The sitting, or 404 for a missing one and one the user may not see."""
    sitting = (
        Sitting.objects.select_related("quiz", "district__region", "created_by")
        .filter(pk=pk)
        .first()
    )
    if sitting is None or not access.can_view_sitting(user, sitting):
        raise Http404
    return sitting


def _url_or_none(name: str, *args: Any) -> str | None:
    """A page another part of the app adds (results, the student's attempt): no link until
    it exists, instead of a broken page."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _display_zone(user: Any) -> zoneinfo.ZoneInfo:
    district = home_district(user)
    if district is not None:
        return district.zone
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def window_text(sitting: Sitting) -> str:
    """«12.05.2026, 10:00–11:00» in the sitting's district zone (the dates twice when it
    spans several days)."""
    zone = sitting.district.zone
    opens = timezone.localtime(sitting.opens_at, zone)
    closes = timezone.localtime(sitting.closes_at, zone)
    if opens.date() == closes.date():
        return f"{opens:%d.%m.%Y}, {opens:%H:%M}–{closes:%H:%M}"
    return f"{opens:%d.%m.%Y %H:%M} — {closes:%d.%m.%Y %H:%M}"


def _groups_for(user: Any) -> QuerySet[Group]:
    """The groups one leads that have students: a test may go to them."""
    students = GroupMember.objects.filter(is_student=True, status=GroupMember.Status.ACTIVE)
    return group_permissions.groups_led_by(user).filter(pk__in=students.values("group_id"))


def _choices(actor: Any, sitting: Sitting | None) -> dict[str, Any]:
    quizzes = Q(pk__in=access.quizzes_visible_to(actor).values("pk"))
    groups = Q(pk__in=_groups_for(actor).values("pk"))
    if sitting is not None:
        # What the sitting already has stays choosable (a test since unshared, a group
        # handed over): the form must be able to show and keep it.
        quizzes |= Q(pk=sitting.quiz_id)
        groups |= Q(pk__in=sitting.targets.filter(group__isnull=False).values("group_id"))
    return {
        "quizzes": Quiz.objects.filter(quizzes).order_by("title"),
        "groups": Group.objects.filter(groups).order_by("title"),
    }


def _organizations(actor: Any, sitting: Sitting | None) -> QuerySet[Organization]:
    # Only schools with students are offered (not the education department itself).
    chosen = Q(
        pk__in=access.organizations_assignable_by(actor)
        .filter(kind__has_students=True)
        .values("pk")
    )
    if sitting is not None:
        chosen |= Q(
            pk__in=sitting.targets.filter(organization__isnull=False).values("organization_id")
        )
    return Organization.objects.filter(chosen).order_by("short_name")


def _targets_zone(rows: Any, groups: list[Group], fallback: zoneinfo.ZoneInfo) -> Any:
    """The time zone the service will give the sitting: its first school's district's (or
    its first group's), as `create_sitting` picks the district."""
    for form in rows.forms:
        pairs = form.pairs()
        if pairs and pairs[0][0].district is not None:
            return pairs[0][0].district.zone
    if groups and groups[0].district is not None:
        return groups[0].district.zone
    return fallback


def _sitting_form_page(
    request: HttpRequest, actor: Any, sitting: Sitting | None, quiz_pk: str | None
) -> HttpResponse:
    choices = _choices(actor, sitting)
    organizations = _organizations(actor, sitting)
    zone = sitting.district.zone if sitting is not None else _display_zone(actor)
    if request.method == "POST" and "more_rows" in request.POST:
        # «Ещё школа» without JavaScript: everything typed comes back, one row more, unchecked.
        rows = typed_rows(request.POST)
        form = SittingForm(initial=typed_values(request.POST), **choices)
        if sitting is not None:
            form.keep_quiz(sitting)
        formset = class_formset(
            organizations=organizations, initial=rows, extra=EXTRA_ROWS if not rows else 1
        )
    elif request.method == "POST":
        form = SittingForm(request.POST, **choices)
        if sitting is not None:
            form.keep_quiz(sitting)
        formset = class_formset(organizations=organizations, data=request.POST)
        if form.is_valid() and formset.is_valid():
            groups = list(form.cleaned_data["groups"])
            classes = [pair for row in formset.forms for pair in row.pairs()]
            if sitting is not None:
                opens_at, closes_at = form.window(sitting.district.zone, sitting.opens_at)
            else:
                opens_at, closes_at = form.window(_targets_zone(formset, groups, zone))
            with refusals_into(form) as outcome:
                if sitting is None:
                    saved = services.create_sitting(
                        actor=actor,
                        quiz=form.cleaned_data["quiz"],
                        title=form.cleaned_data["title"],
                        opens_at=opens_at,
                        closes_at=closes_at,
                        classes=classes,
                        groups=groups,
                    )
                else:
                    saved = services.update_sitting(
                        actor=actor,
                        sitting=sitting,
                        title=form.cleaned_data["title"],
                        opens_at=opens_at,
                        closes_at=closes_at,
                        classes=classes,
                        groups=groups,
                    )
            if outcome.ok:
                messages.success(
                    request,
                    _("Тест назначен; обучающиеся получили уведомления.")
                    if sitting is None
                    else _("Изменения сохранены."),
                )
                return redirect(saved)
            if sitting is not None:
                sitting.refresh_from_db()
    else:
        if sitting is not None:
            form = SittingForm(initial=SittingForm.initial_for(sitting), **choices)
            form.keep_quiz(sitting)
            formset = class_formset(organizations=organizations, initial=rows_of(sitting))
        else:
            initial: dict[str, Any] = {}
            if (
                quiz_pk
                and quiz_pk.isdigit()
                and choices["quizzes"].filter(pk=int(quiz_pk)).exists()
            ):
                initial["quiz"] = int(quiz_pk)
            form = SittingForm(initial=initial, **choices)
            formset = class_formset(organizations=organizations)
    return render(
        request,
        "testing/sittings/sitting_form.html",
        {
            "form": form,
            "formset": formset,
            "sitting": sitting,
            "zone": zone,
            "has_groups": choices["groups"].exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sitting_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not access.can_create_quiz(actor):
        raise PermissionDenied
    return _sitting_form_page(request, actor, None, request.GET.get("quiz"))


@login_required
@require_http_methods(["GET", "POST"])
def sitting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    sitting = _sitting_for(actor, pk)
    if not access.can_manage_sitting(actor, sitting):
        raise PermissionDenied
    if sitting.is_cancelled:
        messages.error(request, _("Тестирование отменено: изменить его нельзя."))
        return redirect(sitting)
    return _sitting_form_page(request, actor, sitting, None)


@login_required
@require_POST
def sitting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    sitting = _sitting_for(actor, pk)
    if not access.can_manage_sitting(actor, sitting):
        raise PermissionDenied
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Укажите причину отмены: её увидят обучающиеся."))
        return redirect(sitting)
    run_action(
        request,
        lambda: services.cancel_sitting(
            actor=actor, sitting=sitting, reason=form.cleaned_data["reason"]
        ),
        _("Тестирование отменено; обучающиеся извещены."),
    )
    return redirect(sitting)


@login_required
@require_http_methods(["GET"])
def sitting_list(request: HttpRequest) -> HttpResponse:
    """The staff's sittings: upcoming, open now, finished (the last paged)."""
    actor = actor_of(request)
    # Staff (who build and assign tests) have this list; students have their own page.
    if not access.can_create_quiz(actor):
        raise PermissionDenied
    now = timezone.now()
    sittings = (
        access.sittings_visible_to(actor)
        .select_related("quiz", "district")
        .prefetch_related(
            Prefetch(
                "targets", queryset=SittingTarget.objects.select_related("organization", "group")
            )
        )
        .annotate(
            started=Count("attempts__student", distinct=True),
            finished=Count(
                "attempts__student",
                filter=Q(attempts__status=Attempt.Status.FINISHED),
                distinct=True,
            ),
        )
    )
    upcoming = list(sittings.filter(opens_at__gt=now, is_cancelled=False).order_by("opens_at"))
    open_now = list(
        sittings.filter(opens_at__lte=now, closes_at__gt=now, is_cancelled=False).order_by(
            "closes_at"
        )
    )
    finished_page = Paginator(
        sittings.filter(Q(closes_at__lte=now) | Q(is_cancelled=True)).order_by("-opens_at"),
        FINISHED_PAGE,
    ).get_page(request.GET.get("page"))
    sections = []
    for key, title, rows in (
        ("open", _("Идут сейчас"), open_now),
        ("upcoming", _("Предстоящие"), upcoming),
        ("finished", _("Завершённые и отменённые"), list(finished_page.object_list)),
    ):
        sections.append(
            {
                "key": key,
                "title": title,
                "rows": [
                    {
                        "sitting": sitting,
                        "window": window_text(sitting),
                        "zone": sitting.district.zone.key,
                        "targets": services.describe_targets(sitting),
                    }
                    for sitting in rows
                ],
            }
        )
    return render(
        request,
        "testing/sittings/sitting_list.html",
        {"sections": sections, "page_obj": finished_page},
    )


def _state_label(state: str) -> str:
    labels = {
        "not_started": _("не начинал"),
        "in_progress": _("идёт"),
        "finished": _("завершил"),
    }
    return labels[state]


def _state(attempts: list[Attempt]) -> str:
    if any(not attempt.is_finished for attempt in attempts):
        return "in_progress"
    if attempts:
        return "finished"
    return "not_started"


def _schools(user: Any, sitting: Sitting) -> list[dict[str, Any]]:
    """The students it reaches, school by school: names where the user may see them,
    figures only elsewhere."""
    attempts: dict[int, list[Attempt]] = {}
    for attempt in (
        Attempt.objects.filter(sitting=sitting)
        .select_related("student", "organization")
        .order_by("number")
    ):
        attempts.setdefault(attempt.student_id, []).append(attempt)
    people: list[tuple[Any, Organization, str]] = [
        (student, membership.organization, membership.student_class)
        for student, membership in services.students_of_sitting(sitting)
    ]
    listed = {student.pk for student, _org, _class in people}
    # Who took it and is no longer among its students (moved to another class) stays shown.
    for student_id, made in attempts.items():
        if student_id not in listed:
            people.append((made[0].student, made[0].organization, made[0].student_class))
    schools: dict[int, dict[str, Any]] = {}
    for student, organization, student_class in people:
        school = schools.get(organization.pk)
        if school is None:
            school = schools[organization.pk] = {
                "organization": organization,
                "names": access.can_see_names_of(user, sitting, organization.pk),
                "rows": [],
                "total": 0,
                "in_progress": 0,
                "finished": 0,
            }
        made = attempts.get(student.pk, [])
        state = _state(made)
        finished = [attempt for attempt in made if attempt.is_finished]
        school["total"] += 1
        if state != "not_started":
            school[state] += 1
        if school["names"]:
            school["rows"].append(
                {
                    "student": student,
                    "student_class": student_class,
                    "state": state,
                    "state_label": _state_label(state),
                    "attempt": finished[-1] if finished else None,
                    "attempts": len(made),
                }
            )
    return sorted(schools.values(), key=lambda school: school["organization"].short_name)


def _student_card(request: HttpRequest, sitting: Sitting) -> HttpResponse:
    user = actor_of(request)
    made = list(Attempt.objects.filter(sitting=sitting, student=user.pk).order_by("number"))
    in_progress = next((attempt for attempt in made if not attempt.is_finished), None)
    finished = [
        {"attempt": attempt, "url": _url_or_none("testing:attempt", attempt.pk)}
        for attempt in made
        if attempt.is_finished
    ]
    quiz = sitting.quiz
    may_start = access.can_start_attempt(user, sitting) and (
        in_progress is not None or len(made) < quiz.attempts_allowed
    )
    now = timezone.now()
    return render(
        request,
        "testing/sittings/sitting_student.html",
        {
            "sitting": sitting,
            "quiz": quiz,
            "window": window_text(sitting),
            "zone": sitting.district.zone,
            "description_html": render_markdown(quiz.description),
            "used": len(made),
            "in_progress": in_progress,
            "finished": finished,
            "may_start": may_start,
            "start_url": _url_or_none("testing:sitting_start", sitting.pk),
            "not_yet_open": now < sitting.opens_at,
            "closed": sitting.is_closed(now),
        },
    )


@login_required
@require_http_methods(["GET"])
def sitting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    sitting = _sitting_for(actor, pk)
    is_staff = access.can_view_sitting_as_staff(actor, sitting)
    if not is_staff:
        # Not the staff's sitting, yet visible: a student it is given to.
        return _student_card(request, sitting)
    manages = access.can_manage_sitting(actor, sitting)
    schools = _schools(actor, sitting)
    now = timezone.now()
    count, total = services.quiz_size(sitting.quiz)
    return render(
        request,
        "testing/sittings/sitting_detail.html",
        {
            "sitting": sitting,
            "quiz": sitting.quiz,
            "window": window_text(sitting),
            "zone": sitting.district.zone,
            "targets": services.describe_targets(sitting),
            "schools": schools,
            "reached": sum(school["total"] for school in schools),
            "started": sum(school["in_progress"] + school["finished"] for school in schools),
            "done": sum(school["finished"] for school in schools),
            "question_count": count,
            "max_score": total,
            "manages": manages,
            "can_cancel": access.can_cancel_sitting(actor, sitting),
            "can_view_quiz": access.can_view_quiz(actor, sitting.quiz),
            "results_url": _url_or_none("testing:sitting_results", sitting.pk),
            "cancel_form": CancelForm(),
            "is_open": sitting.is_open(now),
            "not_yet_open": now < sitting.opens_at,
            "closed": sitting.is_closed(now),
        },
    )


urlpatterns = [
    path("sittings/", sitting_list, name="sittings"),
    path("sittings/new/", sitting_new, name="sitting_new"),
    path("sittings/<int:pk>/", sitting_detail, name="sitting"),
    path("sittings/<int:pk>/edit/", sitting_edit, name="sitting_edit"),
    path("sittings/<int:pk>/cancel/", sitting_cancel, name="sitting_cancel"),
]
