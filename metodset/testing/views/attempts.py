"""The student's side of a test: «Мои тесты», taking a test one question per page with every
answer saved on the server as it is given, the confirmation before finishing, the result
with the journal decision. Teachers and parents see the same attempt read-only.

The answer endpoint is the hot path of an exam morning (3,000 students saving every
click): it calls the service and answers JSON, nothing else.
"""

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts import permissions as people
from metodset.core.actions import actor_of, attempt, run_action
from metodset.core.exceptions import DomainError
from metodset.testing import access, services
from metodset.testing.models import Attempt, AttemptItem, Sitting
from metodset.testing.services.attempts import record_answer

TEXT_TYPES = ("short_answer", "numerical", "essay")


def get_sitting_for(user: Any, pk: int) -> Sitting:
    """The sitting; 404 when it is missing or not the user's to see."""
    sitting = Sitting.objects.select_related("quiz", "district").filter(pk=pk).first()
    if sitting is None or not access.can_view_sitting(user, sitting):
        raise Http404
    return sitting


def get_attempt_for(user: Any, pk: int) -> Attempt:
    """The attempt, finished first if its time ran out (a student who closed the page is
    not left «in progress»); 404 when it is missing or not the user's to see."""
    found = (
        Attempt.objects.select_related(
            "sitting__quiz", "sitting__district", "student", "organization"
        )
        .filter(pk=pk)
        .first()
    )
    if found is None or not access.can_view_attempt(user, found):
        raise Http404
    return _finished_if_overdue(found)


def _finished_if_overdue(found: Attempt) -> Attempt:
    if services.finish_if_overdue(found) is not found:
        found.refresh_from_db()
    return found


def _items_of(current: Attempt) -> list[AttemptItem]:
    """The attempt's questions in order, each with its type (`kind`) for the navigation."""
    return list(current.items.annotate(kind=F("question__type")).order_by("position"))


def _needs_answer(row: AttemptItem) -> bool:
    """Every question but a description (a text to read, nothing to answer)."""
    return getattr(row, "kind", "") != "description"


# --- «Мои тесты» -------------------------------------------------------------------------


@dataclass(slots=True)
class OpenSitting:
    sitting: Sitting
    current: Attempt | None
    made: int
    seconds_left: int | None


@login_required
@require_http_methods(["GET"])
def my_tests(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    roles = people.roles_of(user)
    now = timezone.now()
    own = [
        _finished_if_overdue(row) if not row.is_finished else row
        for row in Attempt.objects.filter(student=user.pk)
        .select_related("sitting__quiz", "sitting__district")
        .order_by("-started_at")
    ]
    made: dict[int, list[Attempt]] = {}
    for row in own:
        made.setdefault(row.sitting_id, []).append(row)
    open_now: list[OpenSitting] = []
    upcoming: list[Sitting] = []
    candidates = (
        access.sittings_for_student(user)
        .filter(closes_at__gt=now)
        .select_related("quiz", "district")
        .prefetch_related("targets")
        .order_by("opens_at")
    )
    for sitting in candidates:
        attempts_made = made.get(sitting.pk, [])
        current = next((row for row in attempts_made if not row.is_finished), None)
        is_open = sitting.is_open(now)
        if is_open and current is None and len(attempts_made) >= sitting.quiz.attempts_allowed:
            continue  # done: its results are listed below
        if not access.is_target_student(user, sitting):
            continue
        if is_open:
            open_now.append(
                OpenSitting(
                    sitting=sitting,
                    current=current,
                    made=len(attempts_made),
                    seconds_left=services.seconds_left(current, now) if current else None,
                )
            )
        elif sitting.opens_at > now:
            upcoming.append(sitting)
    children = (
        Attempt.objects.filter(student__in=roles.child_ids, status=Attempt.Status.FINISHED)
        .select_related("student", "sitting__quiz", "sitting__district")
        .order_by("-finished_at")[:100]
        if roles.child_ids
        else []
    )
    return render(
        request,
        "testing/attempts/my_tests.html",
        {
            "open_now": open_now,
            "upcoming": upcoming,
            "finished": [row for row in own if row.is_finished],
            "children": children,
            "is_student": bool(roles.student_org_ids) or bool(own),
            "is_staff": people.is_network_staff(roles),
        },
    )


@login_required
@require_POST
def sitting_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    sitting = get_sitting_for(user, pk)
    started = attempt(request, lambda: services.start_attempt(actor=user, sitting=sitting))
    if started is None:
        return redirect(sitting)
    return redirect(started)


# --- The attempt page: a question, or the result -------------------------------------------


def _position(value: str | None, count: int) -> int:
    if value and value.isdigit() and 1 <= int(value) <= count:
        return int(value)
    return 1


@login_required
@require_http_methods(["GET"])
def attempt_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    current = get_attempt_for(user, pk)
    if current.is_finished:
        return _result(request, current)
    if current.student_id != user.pk:
        rows = _items_of(current)
        return render(
            request,
            "testing/attempts/in_progress.html",
            {
                "attempt": current,
                "zone": current.sitting.district.zone,
                "count": len(rows),
                "answered": sum(1 for row in rows if row.response is not None),
            },
        )
    rows = _items_of(current)
    if not rows:  # pragma: no cover - start_attempt never makes an empty attempt
        raise Http404
    position = _position(request.GET.get("n"), len(rows))
    row = rows[position - 1]
    questions = [shown for shown in rows if _needs_answer(shown)]
    return render(
        request,
        "testing/attempts/take.html",
        {
            "attempt": current,
            "sitting": current.sitting,
            "rows": rows,
            "row": row,
            "position": position,
            "count": len(rows),
            "previous": position - 1 if position > 1 else None,
            "next": position + 1 if position < len(rows) else None,
            "seconds_left": services.seconds_left(current),
            "zone": current.sitting.district.zone,
            "questions_count": len(questions),
            "answered_count": sum(1 for shown in questions if shown.response is not None),
        },
    )


def _result(request: HttpRequest, current: Attempt) -> HttpResponse:
    user = actor_of(request)
    sitting = current.sitting
    can_review = access.can_review_answers(user, current)
    is_student = current.student_id == user.pk
    can_retake = (
        is_student
        and sitting.is_open()
        and access.can_start_attempt(user, sitting)
        and Attempt.objects.filter(sitting=sitting, student=user.pk).count()
        < sitting.quiz.attempts_allowed
    )
    return render(
        request,
        "testing/attempts/result.html",
        {
            "attempt": current,
            "sitting": sitting,
            "zone": sitting.district.zone,
            "rows": _items_of(current) if can_review else [],
            "can_review": can_review,
            "review_later": not can_review
            and access.can_review_answers(user, current, check_state=False),
            "is_student": is_student,
            "can_decide": access.can_decide_journal(user, current),
            "can_retake": can_retake,
        },
    )


# --- Saving an answer: JSON from the page's script, or the form without JavaScript ----------


def _json_error(detail: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"detail": detail, **extra}, status=status)


def _close_overdue(user: Any, pk: int) -> None:
    """The time is up: finish the attempt now rather than at the next sweep."""
    found = Attempt.objects.select_related("sitting__quiz").filter(pk=pk, student=user.pk).first()
    if found is not None:
        services.finish_if_overdue(found)


@require_POST
def attempt_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    is_json = request.content_type == "application/json"
    if not user.is_authenticated:
        if is_json:
            return _json_error(_("Вы вышли из системы: войдите снова, ответ не сохранён."), 403)
        return redirect_to_login(reverse("testing:attempt", args=[pk]))
    if is_json:
        return _answer_json(request, user, pk)
    return _answer_form(request, user, pk)


def _answer_json(request: HttpRequest, user: Any, pk: int) -> JsonResponse:
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        return _json_error(_("Ответ передан в неверном формате."), 400)
    position, flagged = body.get("position"), body.get("flagged")
    if not isinstance(position, int) or isinstance(position, bool):
        return _json_error(_("Не указан номер вопроса."), 400)
    if flagged is not None and not isinstance(flagged, bool):
        return _json_error(_("Отметка «вернуться к вопросу» передана в неверном формате."), 400)
    if "response" not in body and flagged is None:
        return _json_error(_("Нечего сохранять: нет ни ответа, ни отметки."), 400)
    response = body.get("response")
    if "response" in body and response is None:
        response = {}  # an answer taken back: stored as none, whatever the flag does
    try:
        saved = record_answer(
            actor=user, attempt_id=pk, position=position, response=response, flagged=flagged
        )
    except services.AttemptNotFoundError as error:
        return _json_error(error.message, 404)
    except services.AttemptClosedError as error:
        _close_overdue(user, pk)
        url = reverse("testing:attempt", args=[pk])
        return _json_error(error.message, 409, finished=True, url=url)
    except DomainError as error:
        return _json_error(error.message, 400)
    left = max(int((saved.deadline_at - saved.saved_at).total_seconds()), 0)
    return JsonResponse({"saved_at": saved.saved_at.isoformat(), "seconds_left": left})


def _order_from_form(post: QueryDict) -> list[str]:
    """An ordering answer: `order` as "2,0,1", or a place chosen for each element."""
    order = post.get("order", "")
    if order:
        return [index.strip() for index in order.split(",") if index.strip()]
    places: list[tuple[int, str]] = []
    for key in post:
        if key.startswith("place-"):
            value = post.get(key, "")
            if not value.isdigit():
                raise DomainError(_("Место элемента — номер."))
            places.append((int(value), key.removeprefix("place-")))
    if sorted(place for place, _index in places) != list(range(1, len(places) + 1)):
        raise DomainError(_("Расставьте элементы по порядку: у каждого своё место, без повторов."))
    return [index for _place, index in sorted(places)]


def form_response(post: QueryDict) -> dict[str, Any] | None:
    """The response JSON of a question's form (the same shape the page's script posts);
    None for a description, where only the flag is saved."""
    kind = post.get("type", "")
    if kind == "single_choice":
        return {"choice": post.get("choice")}
    if kind == "multiple_choice":
        return {"choices": post.getlist("choices")}
    if kind == "true_false":
        return {"value": {"1": True, "0": False}.get(post.get("value", ""))}
    if kind in TEXT_TYPES:
        return {"text": post.get("text", "")}
    if kind == "matching":
        return {
            "pairs": {
                key.removeprefix("pair-"): post.get(key, "")
                for key in post
                if key.startswith("pair-")
            }
        }
    if kind == "ordering":
        return {"order": _order_from_form(post)}
    if kind == "cloze":
        parts: dict[str, Any] = {}
        for key in post:
            if key.startswith("part-"):
                parts[key.removeprefix("part-")] = post.get(key)
            elif key.startswith("parts-"):
                parts[key.removeprefix("parts-")] = post.getlist(key)
        return {"parts": parts}
    return None


def _answer_form(request: HttpRequest, user: Any, pk: int) -> HttpResponse:
    post = request.POST
    position = post.get("position", "")
    if not position.isdigit():
        raise Http404
    here = f"{reverse('testing:attempt', args=[pk])}?n={position}"
    flagged = post.get("flagged") in ("1", "on") if post.get("has_flag") else None
    try:
        response = form_response(post)
        record_answer(
            actor=user,
            attempt_id=pk,
            position=int(position),
            response=response,
            flagged=flagged,
        )
    except services.AttemptNotFoundError as error:
        raise Http404 from error
    except services.AttemptClosedError as error:
        _close_overdue(user, pk)
        messages.warning(request, error.message)
        return redirect("testing:attempt", pk=pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(here)
    go = post.get("go", "")
    if go == "finish":
        return redirect("testing:attempt_submit", pk=pk)
    target = go if go.isdigit() else position
    return redirect(f"{reverse('testing:attempt', args=[pk])}?n={target}")


# --- Finishing and the journal ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attempt_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    current = get_attempt_for(user, pk)
    if current.student_id != user.pk:
        raise PermissionDenied
    if current.is_finished:
        return redirect(current)
    if request.method == "POST":
        finished = attempt(request, lambda: services.submit_attempt(actor=user, attempt=current))
        if finished is not None:
            messages.success(request, _("Тест завершён."))
        return redirect(current)
    rows = _items_of(current)
    return render(
        request,
        "testing/attempts/submit.html",
        {
            "attempt": current,
            "sitting": current.sitting,
            "count": sum(1 for row in rows if _needs_answer(row)),
            "unanswered": [row for row in rows if _needs_answer(row) and row.response is None],
            "flagged": [row for row in rows if row.flagged],
            "seconds_left": services.seconds_left(current),
        },
    )


@login_required
@require_POST
def attempt_journal(request: HttpRequest, pk: int) -> HttpResponse:
    user = actor_of(request)
    current = get_attempt_for(user, pk)
    send = request.POST.get("send") == "1"
    run_action(
        request,
        lambda: services.decide_journal(actor=user, attempt=current, send=send),
        _("Отметка будет выставлена в журнал.")
        if send
        else _("Хорошо: отметка не будет выставлена в журнал."),
    )
    return redirect(current)


urlpatterns = [
    path("my/", my_tests, name="my_tests"),
    path("sittings/<int:pk>/start", sitting_start, name="sitting_start"),
    path("attempts/<int:pk>/", attempt_page, name="attempt"),
    path("attempts/<int:pk>/answer", attempt_answer, name="attempt_answer"),
    path("attempts/<int:pk>/submit", attempt_submit, name="attempt_submit"),
    path("attempts/<int:pk>/journal", attempt_journal, name="attempt_journal"),
]
