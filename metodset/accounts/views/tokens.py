"""Personal API tokens: list, issue (the raw value shown once) and revoke one's own."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from metodset.accounts import services
from metodset.accounts.models import User
from metodset.core.exceptions import DomainError
from metodset.core.forms import StyledForm


class ApiTokenForm(StyledForm):
    name = forms.CharField(
        label=gettext_lazy("Название токена"),
        max_length=100,
        help_text=gettext_lazy("Например, «Выгрузка в школьную систему»."),
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST or None)
    raw_token = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw_token = services.issue_api_token(actor=user, name=form.cleaned_data["name"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            # The raw value is rendered in this very response and kept nowhere, not even in
            # the session for a redirect: a reload cannot show it again (never_cache).
            messages.success(request, _("Токен «%(name)s» создан.") % {"name": token.name})
            form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": user.api_tokens.all(), "raw_token": raw_token},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # Only one's own tokens exist for this view: another person's is a 404.
    token = get_object_or_404(user.api_tokens.all(), pk=pk)
    services.revoke_api_token(actor=user, token=token)
    messages.success(request, _("Токен «%(name)s» отозван.") % {"name": token.name})
    return redirect("accounts:api_tokens")
