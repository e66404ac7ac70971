"""A teacher's self-registration and its confirmation by the school head or the district."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts import permissions, selectors, services
from metodset.accounts.forms import ReasonForm, RegistrationForm
from metodset.accounts.models import Membership
from metodset.core.exceptions import DomainError


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_teacher(
                email=data["email"],
                password=data["password1"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                patronymic=data["patronymic"],
                organization=data["organization"],
                position=data["position"],
                subjects=data["subjects"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html")


def _pending_for(actor: Any, pk: int) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("user", "organization"), pk=pk)
    if not permissions.can_confirm_registration(actor, membership):
        raise Http404
    return membership


@login_required
def registration_list(request: HttpRequest) -> HttpResponse:
    if not permissions.organizations_staffed_by(request.user).exists():
        raise PermissionDenied
    pending = selectors.pending_registrations_for(request.user).prefetch_related("user__subjects")
    return render(
        request, "accounts/registrations.html", {"pending": pending, "reason_form": ReasonForm()}
    )


@login_required
@require_POST
def registration_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _pending_for(request.user, pk)
    try:
        services.confirm_registration(actor=request.user, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Регистрация %(name)s подтверждена.") % {"name": membership.user.full_name}
        )
    return redirect("accounts:registrations")


@login_required
@require_POST
def registration_reject(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _pending_for(request.user, pk)
    try:
        services.reject_registration(
            actor=request.user, membership=membership, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Регистрация %(name)s отклонена.") % {"name": membership.user.full_name}
        )
    return redirect("accounts:registrations")
