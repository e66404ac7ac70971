"""Pages of РПГ applications (`002_…` §3.1–3.2): the form with the participants' picker,
the department's queue with the seven-day term, consent, decision, the order as DOCX."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts.models import User
from metodset.accounts.selectors import home_district
from metodset.core.actions import actor_of as _actor
from metodset.core.actions import refusals_into
from metodset.core.actions import run_action as _run
from metodset.core.audit import action_label
from metodset.core.models import AuditEntry
from metodset.documents.docx import DOCX_CONTENT_TYPE
from metodset.groups import deadlines, documents, permissions, selectors, services
from metodset.groups.forms import (
    ApplicationForm,
    ConsentForm,
    DecisionForm,
)
from metodset.groups.models import (
    ProblemGroupApplication,
)
from metodset.groups.views.common import (
    PER_PAGE,
    get_application_for,
)

# --- Applications -------------------------------------------------------------------------


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    """The department's queue (what waits for a decision first) and everyone's own."""
    user = _actor(request)
    is_queue = permissions.can_view_queue(user)
    status = request.GET.get("status", "submitted" if is_queue else "")
    if status and status not in ProblemGroupApplication.Status.values:
        status = ""
    qs = selectors.applications_for(user, status=status).order_by("submitted_at", "created_at")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "groups/application_list.html",
        {
            "rows": selectors.with_deadlines(list(page.object_list)),
            "page_obj": page,
            "status": status,
            "statuses": ProblemGroupApplication.Status.choices,
            "is_queue": is_queue,
            "rule": deadlines.RULE_TEXT,
            "can_apply": permissions.can_apply(user),
        },
    )


def _picked(request: HttpRequest, application: ProblemGroupApplication | None) -> list[User]:
    """People already in the form: posted ids, else the application's participants."""
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("participants") if v.isdigit()]
        return list(User.objects.filter(pk__in=ids).order_by("last_name", "first_name"))
    if application is not None:
        return [
            row.user
            for row in application.participants.select_related("user").exclude(
                user=application.applicant
            )
        ]
    return []


def _application_form(
    request: HttpRequest, application: ProblemGroupApplication | None
) -> HttpResponse:
    user = _actor(request)
    district = application.district if application else home_district(user)
    if district is None:
        raise PermissionDenied
    people = User.objects.filter(is_active=True)
    initial: dict[str, Any] = {}
    if application is not None:
        initial = {
            "title": application.title,
            "subject": application.subject,
            "problem": application.problem,
            "goals": application.goals,
            "expected_result": application.expected_result,
            "starts_on": application.starts_on,
            "ends_on": application.ends_on,
            "proposed_leader": application.proposed_leader_id,
            "applicant_takes_part": application.participants.filter(user=user).exists(),
        }
    finding = request.method == "POST" and "find" in request.POST
    form = ApplicationForm(request.POST or None, initial=initial, people=people)
    picked = _picked(request, application)
    query = request.POST.get("q", "") if request.method == "POST" else request.GET.get("q", "")
    found = selectors.people_to_pick(user, district_id=district.pk, text=query)
    if request.method == "POST" and not finding and form.is_valid():
        data = dict(form.cleaned_data)
        with refusals_into(form) as outcome:
            if application is None:
                application = services.submit_application(actor=user, **data)
                done = _(
                    "Заявление составлено. Участники получили приглашения подтвердить участие."
                )
            else:
                application = services.update_application(
                    actor=user, application=application, **data
                )
                done = _("Заявление изменено.")
        if outcome.ok and application is not None:
            if application.status == ProblemGroupApplication.Status.SUBMITTED:
                done = _("Заявление передано в отдел образования.")
            messages.success(request, done)
            return redirect(application.get_absolute_url())
    picked_ids = {p.pk for p in picked}
    leader_id = request.POST.get("proposed_leader") or (
        str(application.proposed_leader_id) if application else str(user.pk)
    )
    return render(
        request,
        "groups/application_form.html",
        {
            "form": form,
            "application": application,
            "district": district,
            "picked": picked,
            "found": [p for p in found if p.pk not in picked_ids and p.pk != user.pk],
            "query": query,
            "leader_id": leader_id,
            "rule": deadlines.RULE_TEXT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_apply(request.user):
        raise PermissionDenied
    return _application_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    if not permissions.can_edit_application(request.user, application, check_state=False):
        raise PermissionDenied
    if not application.is_editable:
        messages.error(
            request, _("Заявление на рассмотрении или решение уже принято: его не изменить.")
        )
        return redirect(application.get_absolute_url())
    return _application_form(request, application)


@login_required
def people_search(request: HttpRequest) -> HttpResponse:
    """Teachers of the district by name, for the participants' picker (HTMX)."""
    user = _actor(request)
    if not (permissions.can_apply(user) or permissions.groups_led_by(user).exists()):
        raise PermissionDenied
    district = home_district(user)
    if district is None:
        raise PermissionDenied
    query = request.GET.get("q", "")
    picked = {int(v) for v in request.GET.getlist("participants") if v.isdigit()}
    found = [
        p
        for p in selectors.people_to_pick(user, district_id=district.pk, text=query)
        if p.pk not in picked and p.pk != user.pk
    ]
    return render(request, "groups/includes/people_pick.html", {"found": found, "query": query})


def _history(application: ProblemGroupApplication) -> list[Any]:
    """Every decision with who and when: the audit entries of the application."""
    entries = (
        AuditEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(ProblemGroupApplication),
            target_id=str(application.pk),
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    for entry in entries:
        entry.label = action_label(entry.action)  # type: ignore[attr-defined]
    return list(entries)


def _application_page(
    request: HttpRequest,
    application: ProblemGroupApplication,
    *,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _actor(request)
    participants = list(application.participants.select_related("user", "organization"))
    mine = next((p for p in participants if p.user_id == user.pk), None)
    context = {
        "application": application,
        "row": selectors.with_deadlines([application])[0],
        "participants": participants,
        "organizations": sorted({p.organization.short_name for p in participants}),
        "my_participation": mine,
        "can_answer": mine is not None
        and mine.user_id != application.applicant_id
        and permissions.can_answer_participation(user, mine),
        "can_edit": permissions.can_edit_application(user, application),
        "can_resubmit": permissions.can_edit_application(user, application)
        and application.status == ProblemGroupApplication.Status.REJECTED,
        "can_withdraw": permissions.can_withdraw_application(user, application),
        "can_decide": permissions.can_decide_application(user, application),
        "decision_form": decision_form
        or DecisionForm(initial={"order_date": timezone.localdate()}),
        "consent_form": ConsentForm(),
        "history": _history(application),
        "rule": deadlines.RULE_TEXT,
    }
    return render(request, "groups/application_detail.html", context, status=status)


def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={request.path}")
    return _application_page(request, get_application_for(request.user, pk))


@login_required
@require_POST
def application_consent(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    agree = request.POST.get("answer") == "agree"
    form = ConsentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    _run(
        request,
        lambda: services.answer_participation(
            actor=_actor(request), application=application, agree=agree, comment=comment
        ),
        _("Вы подтвердили участие.") if agree else _("Вы отказались от участия."),
    )
    return redirect(application.get_absolute_url())


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    if not permissions.can_decide_application(request.user, application, check_state=False):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with refusals_into(form) as outcome:
            if data["decision"] == "approve":
                group = services.approve_application(
                    actor=_actor(request),
                    application=application,
                    order_number=data["order_number"],
                    order_date=data["order_date"],
                )
                messages.success(
                    request,
                    _("Группа «%(title)s» создана. Скачайте приказ для подписи.")
                    % {"title": group.title},
                )
            else:
                services.reject_application(
                    actor=_actor(request), application=application, reasons=data["reasons"]
                )
                messages.success(request, _("Заявление отклонено; заявитель увидит причины."))
        if outcome.ok:
            return redirect(application.get_absolute_url())
    # A failed decision keeps what was typed.
    return _application_page(request, application, decision_form=form, status=400)


@login_required
@require_POST
def application_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    _run(
        request,
        lambda: services.resubmit_application(actor=_actor(request), application=application),
        _("Заявление подано повторно."),
    )
    return redirect(application.get_absolute_url())


@login_required
@require_POST
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for(request.user, pk)
    _run(
        request,
        lambda: services.withdraw_application(actor=_actor(request), application=application),
        _("Заявление отозвано."),
    )
    return redirect(application.get_absolute_url())


@login_required
def application_order(request: HttpRequest, pk: int) -> HttpResponse:
    """The order (приказ) as DOCX: once approved, for signing; the department may also
    download a draft before deciding."""
    application = get_application_for(request.user, pk)
    approved = application.status == ProblemGroupApplication.Status.APPROVED
    if not approved and not permissions.can_decide_application(request.user, application):
        raise Http404
    response = HttpResponse(documents.order_docx(application), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{documents.order_filename(application)}"'
    )
    return response
