"""Editing one's own profile."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from metodset.accounts import selectors, services
from metodset.accounts.forms import ProfileForm
from metodset.accounts.models import User


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        # The form works on a copy so a failed form never half-changes the session's user.
        form = ProfileForm(request.POST, request.FILES, instance=User.objects.get(pk=user.pk))
        if form.is_valid():
            data = form.cleaned_data
            services.update_profile(
                actor=user,
                subjects=data["subjects"],
                photo=data["photo"] if "photo" in request.FILES else None,
                remove_photo=data["remove_photo"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                patronymic=data["patronymic"],
                position=data["position"],
                qualification_category=data["qualification_category"],
                about=data["about"],
            )
            messages.success(request, _("Профиль сохранён."))
            return redirect("accounts:profile")
    else:
        form = ProfileForm(instance=user)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": selectors.active_memberships_of(user)},
    )
