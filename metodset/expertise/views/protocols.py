"""Protocols of РМС sessions (протоколы заседаний районного методического совета): the
list, drawing one up from the products decided since the last protocol, its page and its
DOCX. The district's methodists only."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from metodset.accounts.models import District
from metodset.core.actions import actor_of, refusals_into
from metodset.documents.docx import DOCX_CONTENT_TYPE
from metodset.expertise import documents, permissions, selectors, services
from metodset.expertise.forms_protocol import ProtocolForm
from metodset.expertise.models import Protocol, Submission

PER_PAGE = 30


@login_required
@require_http_methods(["GET"])
def protocol_list(request: HttpRequest) -> HttpResponse:
    districts = list(permissions.protocol_districts_for(request.user))
    if not districts:
        raise PermissionDenied
    protocols = (
        permissions.protocols_visible_to(request.user)
        .select_related("district")
        .annotate(products=Count("items"))
        .order_by("-held_on", "-pk")
    )
    page = Paginator(protocols, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "expertise/protocol_list.html",
        {"page_obj": page, "districts": districts, "many_districts": len(districts) > 1},
    )


def _decided_in(district: District) -> Any:
    """The district's products with a decision (a recommendation, a rejection or a return
    for revision), with the time of the latest protocol that holds each."""
    return (
        Submission.objects.filter(
            district=district,
            status__in=[Submission.Status.DECIDED, Submission.Status.REVISION],
        )
        .select_related("material__author")
        .prefetch_related("protocols")
        .annotate(last_protocol_at=Max("protocols__created_at"))
        .order_by("-decided_at", "-pk")
    )


def _initial(district: District, decided: Any) -> dict[str, Any]:
    """Today, the chair and the secretary of the district's last protocol and the number
    after its number, the members who can review, and the products decided since their
    last protocol: a product returned for revision and recommended later goes into a new
    protocol again."""
    last = Protocol.objects.filter(district=district).order_by("-held_on", "-pk").first()
    initial: dict[str, Any] = {
        "held_on": timezone.localdate(),
        "submissions": [
            s.pk
            for s in decided
            if s.last_protocol_at is None
            or (s.decided_at is not None and s.decided_at > s.last_protocol_at)
        ],
    }
    if last is not None:
        initial.update(chair=last.chair, secretary=last.secretary)
        if last.number.isdigit():
            initial["number"] = str(int(last.number) + 1)
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def protocol_create(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    districts = list(permissions.protocol_districts_for(user))
    if not districts:
        raise PermissionDenied
    chosen = request.GET.get("district", "")
    district = next((d for d in districts if str(d.pk) == chosen), districts[0])
    decided = _decided_in(district)
    form = ProtocolForm(
        request.POST or None,
        initial=_initial(district, decided) if request.method == "GET" else None,
        members=permissions.expert_pool(district).order_by("last_name", "first_name", "pk"),
        submissions=decided,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusals_into(form) as outcome:
            protocol = services.create_protocol(
                actor=user,
                district=district,
                number=data["number"],
                held_on=data["held_on"],
                chair=data["chair"],
                secretary=data["secretary"],
                members=list(data["members"]),
                submissions=list(data["submissions"]),
            )
        if outcome.ok:
            messages.success(
                request,
                _("Протокол № %(number)s составлен: скачайте его для подписи.")
                % {"number": protocol.number},
            )
            return redirect(protocol.get_absolute_url())
    return render(
        request,
        "expertise/protocol_form.html",
        {
            "form": form,
            "district": district,
            "districts": districts if len(districts) > 1 else [],
        },
    )


@login_required
@require_http_methods(["GET"])
def protocol_detail(request: HttpRequest, pk: int) -> HttpResponse:
    protocol = selectors.get_protocol_for(request.user, pk)
    return render(
        request,
        "expertise/protocol_detail.html",
        {
            "protocol": protocol,
            "department": documents.department_name(protocol),
            "members": documents.members_of(protocol),
            "items": selectors.items_of(protocol),
        },
    )


@login_required
@require_http_methods(["GET"])
def protocol_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """For signing by the chair and the secretary."""
    protocol = selectors.get_protocol_for(request.user, pk)
    response = HttpResponse(documents.protocol_docx(protocol), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(protocol)}"'
    return response


urlpatterns: list[URLPattern] = [
    path("protocols/", protocol_list, name="protocols"),
    path("protocols/new/", protocol_create, name="protocol_create"),
    path("protocols/<int:pk>/", protocol_detail, name="protocol"),
    path("protocols/<int:pk>/protocol.docx", protocol_docx, name="protocol_docx"),
]
