"""Signing in and accepting an invitation."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from metodset.accounts import services
from metodset.accounts.forms import InvitationPasswordForm, LoginForm
from metodset.accounts.models import User
from metodset.core import accessibility


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        # A guest who switched on the version for the visually impaired keeps it after login.
        cookie = self.request.COOKIES.get(accessibility.COOKIE_NAME)
        if cookie and not user.accessibility:
            user.accessibility = accessibility.from_cookie(cookie)
            user.save(update_fields=["accessibility"])
        return response


def _user_from_uid(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link from the invitation e-mail: set a password and sign in."""
    user = _user_from_uid(uidb64)
    if user is None or not services.invitation_tokens.check_token(user, token):
        return render(request, "accounts/invitation_invalid.html", status=400)
    if request.method == "POST":
        form = InvitationPasswordForm(user, request.POST)
        if form.is_valid():
            services.accept_invitation(user=user, password=form.cleaned_data["new_password1"])
            login(request, user, backend="metodset.accounts.backends.EmailBackend")
            messages.success(request, _("Пароль сохранён. Добро пожаловать в Методсеть!"))
            return redirect("accounts:profile")
    elif request.method == "GET":
        form = InvitationPasswordForm(user)
    else:
        raise Http404
    return render(request, "accounts/invitation.html", {"form": form, "invited": user})
