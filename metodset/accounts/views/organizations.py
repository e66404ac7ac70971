"""Home page, the public catalogue of organizations and their management by the district."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts import permissions, sections, selectors, services
from metodset.accounts.forms import OrganizationForm, ReasonForm
from metodset.accounts.models import (
    District,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    User,
)
from metodset.core.exceptions import DomainError

PER_PAGE = 50


def home(request: HttpRequest) -> HttpResponse:
    # Counted across the region (40,000 teachers): kept five minutes.
    stats = cache.get_or_set("accounts:home-stats", _home_stats, 300)
    return render(request, "accounts/home.html", {"stats": stats})


def _home_stats() -> dict[str, int]:
    teachers = Membership.objects.filter(role=Role.TEACHER, status=Membership.Status.ACTIVE)
    return {
        "organizations": Organization.objects.active()
        .filter(kind__is_education_authority=False)
        .count(),
        "teachers": User.objects.filter(is_active=True, pk__in=teachers.values("user")).count(),
    }


def get_organization_for(user: object, pk: int) -> Organization:
    """404 both for a missing organization and one the user may not see."""
    organization = get_object_or_404(
        Organization.objects.select_related("district", "kind", "region"), pk=pk
    )
    if not permissions.can_view_organization(user, organization):
        raise Http404
    return organization


def organization_list(request: HttpRequest) -> HttpResponse:
    qs = permissions.organizations_visible_to(request.user).filter(is_active=True)
    text = request.GET.get("q", "").strip()
    district = request.GET.get("district", "")
    kind = request.GET.get("kind", "")
    for word in text.split():
        qs = qs.filter(
            Q(short_name__icontains=word) | Q(name__icontains=word) | Q(address__icontains=word)
        )
    if district.isdigit():
        qs = qs.filter(district_id=int(district))
    if kind:
        qs = qs.filter(kind__code=kind)
    qs = selectors.organizations_with_counts(qs).order_by(
        "district__name", "kind__ordering", "short_name"
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/organization_list.html",
        {
            "page_obj": page,
            "q": text,
            "district": district,
            "kind": kind,
            "districts": District.objects.all(),
            "kinds": OrganizationKind.objects.all(),
        },
    )


def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for(request.user, pk)
    staff = selectors.staff_of(organization)
    show_students = (
        permissions.can_manage_staff_of(request.user, organization)
        or pk in permissions.roles_of(request.user).teacher_org_ids
    )
    context = {
        "organization": organization,
        "staff": staff,
        "students": selectors.students_of(organization) if show_students else None,
        "can_manage": permissions.can_manage_organization(request.user, organization),
        "can_manage_staff": permissions.can_manage_staff_of(request.user, organization),
        "sections": sections.organization_sections(request.user, organization),
    }
    return render(request, "accounts/organization_detail.html", context)


@login_required
def manage_organizations(request: HttpRequest) -> HttpResponse:
    managed = permissions.organizations_managed_by(request.user)
    if not permissions.districts_managed_by(request.user).exists():
        raise PermissionDenied
    text = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    qs = managed
    for word in text.split():
        qs = qs.filter(Q(short_name__icontains=word) | Q(name__icontains=word))
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    qs = selectors.organizations_with_counts(qs).order_by(
        "district__name", "kind__ordering", "short_name"
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/manage_organizations.html",
        {"page_obj": page, "q": text, "status": status},
    )


def _district_choice(request: HttpRequest) -> District | None:
    districts = permissions.districts_managed_by(request.user)
    chosen = request.POST.get("district") or request.GET.get("district")
    if chosen and chosen.isdigit():
        return districts.filter(pk=int(chosen)).first()
    return districts.first() if districts.count() == 1 else None


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    districts = permissions.districts_managed_by(request.user)
    if not districts.exists():
        raise PermissionDenied
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        district = _district_choice(request)
        if district is None:
            form.add_error(None, _("Выберите район."))
        else:
            data = form.cleaned_data
            try:
                organization = services.create_organization(
                    actor=request.user,
                    district=district,
                    kind=data.pop("kind"),
                    name=data.pop("name"),
                    short_name=data.pop("short_name"),
                    **data,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Организация «%(name)s» создана.") % {"name": organization.short_name},
                )
                return redirect(organization.get_absolute_url())
    return render(
        request,
        "accounts/organization_form.html",
        {
            "form": form,
            "districts": districts if districts.count() > 1 else None,
            "title": _("Новая организация"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for(request.user, pk)
    if not permissions.can_manage_organization(request.user, organization):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organization(
                actor=request.user,
                organization=organization,
                **{name: form.cleaned_data[name] for name in services.ORGANIZATION_FIELDS},
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect(organization.get_absolute_url())
    return render(
        request,
        "accounts/organization_form.html",
        {
            "form": form,
            "organization": organization,
            "reason_form": ReasonForm(),
            "title": organization.short_name,
        },
    )


@login_required
@require_POST
def organization_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for(request.user, pk)
    if not permissions.can_manage_organization(request.user, organization):
        raise PermissionDenied
    activate = request.POST.get("active") == "1"
    try:
        services.set_organization_active(
            actor=request.user,
            organization=organization,
            is_active=activate,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Организация снова действует.") if activate else _("Организация отключена.")
        )
    return redirect("accounts:organization_edit", pk=pk)
