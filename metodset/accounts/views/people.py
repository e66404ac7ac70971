"""People: the public catalogue of teachers, a person's page, and account management."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts import permissions, sections, selectors, services
from metodset.accounts.forms import (
    MembershipForm,
    ParentLinkForm,
    PersonCreateForm,
    PersonEditForm,
    ReasonForm,
)
from metodset.accounts.models import (
    District,
    Membership,
    Organization,
    ParentLink,
    Role,
    Subject,
    User,
)
from metodset.core.exceptions import DomainError

PER_PAGE = 50


def get_person_for(viewer: Any, pk: int) -> User:
    """404 both for a missing person and one the viewer may not see."""
    person = get_object_or_404(User, pk=pk)
    if not permissions.can_view_person(viewer, person):
        raise Http404
    return person


def get_managed_person(actor: Any, pk: int) -> User:
    person = get_person_for(actor, pk)
    if not permissions.can_manage_account(actor, person):
        raise PermissionDenied
    return person


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def teacher_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    organization_id = _int(request.GET.get("organization"))
    subject_id = _int(request.GET.get("subject"))
    district_id = _int(request.GET.get("district"))
    if organization_id and not district_id:
        district_id = (
            Organization.objects.filter(pk=organization_id)
            .values_list("district_id", flat=True)
            .first()
        )
    qs = selectors.public_teachers(
        text=text, organization_id=organization_id, subject_id=subject_id, district_id=district_id
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    # A region has 1,500 organizations: they are offered once a district is chosen.
    organizations = (
        Organization.objects.active()
        .filter(kind__is_education_authority=False, district_id=district_id)
        .order_by("short_name")
        if district_id
        else Organization.objects.none()
    )
    return render(
        request,
        "accounts/teacher_list.html",
        {
            "page_obj": page,
            "q": text,
            "organization_id": organization_id,
            "subject_id": subject_id,
            "district_id": district_id,
            "districts": District.objects.order_by("name"),
            "organizations": organizations,
            "subjects": Subject.objects.all(),
        },
    )


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk)
    personal = permissions.can_view_personal_data(request.user, person)
    memberships = selectors.active_memberships_of(person)
    if not personal:
        memberships = memberships.filter(role__in=permissions.PUBLIC_PROFILE_ROLES)
    context = {
        "person": person,
        "memberships": memberships,
        "show_personal": personal,
        "can_manage": permissions.can_manage_account(request.user, person),
        "children": ParentLink.objects.filter(parent=person).select_related("child")
        if personal
        else None,
        "parents": ParentLink.objects.filter(child=person).select_related("parent")
        if personal
        else None,
        "sections": sections.person_sections(request.user, person),
    }
    return render(request, "accounts/person_detail.html", context)


def _has_management_scope(user: Any) -> bool:
    return permissions.organizations_staffed_by(user).exists()


@login_required
def manage_people(request: HttpRequest) -> HttpResponse:
    if not _has_management_scope(request.user):
        raise PermissionDenied
    text = request.GET.get("q", "").strip()
    organization_id = _int(request.GET.get("organization"))
    role = request.GET.get("role", "")
    active = request.GET.get("active", "")
    qs = selectors.search_people(
        permissions.accounts_managed_by(request.user),
        text=text,
        organization_id=organization_id,
        role=role if role in Role.values else "",
        active=active,
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/manage_people.html",
        {
            "page_obj": page,
            "q": text,
            "organization_id": organization_id,
            "role": role,
            "active": active,
            "organizations": permissions.organizations_staffed_by(request.user).order_by(
                "short_name"
            ),
            "roles": Role.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    organizations = permissions.organizations_staffed_by(request.user).filter(is_active=True)
    if not organizations.exists():
        raise PermissionDenied
    initial = {"send_invitation": True, "organization": _int(request.GET.get("organization"))}
    form = PersonCreateForm(request.POST or None, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.create_account(
                actor=request.user,
                email=data["email"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                patronymic=data["patronymic"],
                organization=data["organization"],
                role=data["role"],
                position=data["position"],
                student_class=data["student_class"],
                subjects=data["subjects"],
                send_invitation=data["send_invitation"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            if data["send_invitation"]:
                messages.success(
                    request,
                    _("Учётная запись создана, приглашение отправлено на %(email)s.")
                    % {"email": person.email},
                )
            else:
                messages.success(request, _("Учётная запись создана."))
            return redirect("accounts:person_edit", pk=person.pk)
    return render(request, "accounts/person_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_managed_person(request.user, pk)
    initial = {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "patronymic": person.patronymic,
        "email": person.email,
        "position": person.position,
        "subjects": list(person.subjects.all()),
    }
    works = (
        Membership.objects.filter(user=person)
        .exclude(role__in=[Role.STUDENT, Role.PARENT])
        .exists()
    )
    form = PersonEditForm(request.POST or None, initial=initial, works=works)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        subjects = data.pop("subjects", None)
        try:
            services.update_account(actor=request.user, person=person, subjects=subjects, **data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Изменения сохранены."))
            return redirect("accounts:person_edit", pk=pk)
    organizations = permissions.organizations_staffed_by(request.user).filter(is_active=True)
    context = {
        "person": person,
        "form": form,
        "memberships": Membership.objects.filter(user=person)
        .select_related("organization", "decided_by")
        .order_by("status", "organization__short_name"),
        "membership_form": MembershipForm(organizations=organizations, prefix="role"),
        "parent_form": ParentLinkForm(prefix="parent"),
        "reason_form": ReasonForm(),
        "is_student": Membership.objects.active().filter(user=person, role=Role.STUDENT).exists(),
        "parents": ParentLink.objects.filter(child=person).select_related("parent"),
        "has_password": person.has_usable_password(),
    }
    return render(request, "accounts/person_edit.html", context)


@login_required
@require_POST
def person_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_managed_person(request.user, pk)
    activate = request.POST.get("active") == "1"
    try:
        services.set_account_active(
            actor=request.user,
            person=person,
            is_active=activate,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Учётная запись включена.") if activate else _("Учётная запись отключена.")
        )
    return redirect("accounts:person_edit", pk=pk)


@login_required
@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_managed_person(request.user, pk)
    organizations = permissions.organizations_staffed_by(request.user).filter(is_active=True)
    form = MembershipForm(request.POST, organizations=organizations, prefix="role")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_membership(
                actor=request.user,
                person=person,
                organization=data["organization"],
                role=data["role"],
                position=data["position"],
                student_class=data["student_class"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Роль добавлена."))
    else:
        messages.error(request, _("Роль не добавлена: выберите организацию и роль."))
    return redirect("accounts:person_edit", pk=pk)


@login_required
@require_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("organization", "user"), pk=pk)
    get_managed_person(request.user, membership.user_id)
    try:
        services.end_membership(
            actor=request.user, membership=membership, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Роль прекращена."))
    return redirect("accounts:person_edit", pk=membership.user_id)


@login_required
@require_POST
def parent_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a parent to a student, creating (and inviting) the parent's account if needed."""
    child = get_managed_person(request.user, pk)
    form = ParentLinkForm(request.POST, prefix="parent")
    if not form.is_valid():
        messages.error(request, _("Укажите правильный e-mail родителя."))
        return redirect("accounts:person_edit", pk=pk)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            parent = User.objects.filter(email__iexact=data["parent_email"]).first()
            if parent is None:
                if not data["last_name"] or not data["first_name"]:
                    raise DomainError(
                        _(
                            "Родителя с таким e-mail ещё нет: укажите его фамилию и имя, чтобы создать учётную запись."
                        )
                    )
                school = (
                    Membership.objects.active()
                    .filter(user=child, role=Role.STUDENT)
                    .select_related("organization")
                    .first()
                )
                if school is None:
                    raise DomainError(_("Родителя связывают только с обучающимся."))
                parent = services.create_account(
                    actor=request.user,
                    email=data["parent_email"],
                    last_name=data["last_name"],
                    first_name=data["first_name"],
                    patronymic=data["patronymic"],
                    organization=school.organization,
                    role=Role.PARENT,
                )
            services.link_parent(actor=request.user, parent=parent, child=child)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Родитель %(name)s связан с обучающимся.") % {"name": parent.full_name}
        )
    return redirect("accounts:person_edit", pk=pk)


@login_required
@require_POST
def person_invite(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_managed_person(request.user, pk)
    try:
        services.resend_invitation(actor=request.user, person=person)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Приглашение отправлено на %(email)s.") % {"email": person.email}
        )
    return redirect("accounts:person_edit", pk=pk)
