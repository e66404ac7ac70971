"""Pages of certificates: the public verification page, the PDF, the holder's list and the
revocation form. Thin: fetch with the viewer's rights, call a service, render."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from metodset.accounts.models import User
from metodset.certificates import permissions, rendering, selectors, services
from metodset.certificates.forms import RevokeForm
from metodset.certificates.models import Certificate
from metodset.core.actions import refusals_into


def _certificate(code: str) -> Certificate:
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404
    return certificate


def get_certificate_for(user: Any, code: str) -> Certificate:
    """The certificate whose PDF `user` may download: 404 both for an unknown code and
    for one the user may only verify."""
    certificate = _certificate(code)
    if not permissions.can_download_certificate(user, certificate):
        raise Http404
    return certificate


@require_safe  # GET and HEAD: link previews and QR scanner apps may ask with HEAD
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone with the link or the QR code learns whether the certificate is valid."""
    certificate = _certificate(code)
    response = render(
        request,
        "certificates/verify.html",
        {"shown": selectors.public_view(request.user, certificate), "certificate": certificate},
    )
    # Names of people on certificates are not for search engines' indexes.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_GET
def download_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_certificate_for(request.user, code)
    response = HttpResponse(
        rendering.certificate_pdf(certificate), content_type=rendering.PDF_CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=rendering.certificate_filename(certificate)
    )
    return response


@login_required
@require_GET
def my_certificates(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "certificates/mine.html",
        {"certificates": list(selectors.certificates_of(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate(code)
    if not permissions.can_revoke_certificate(request.user, certificate, check_state=False):
        raise PermissionDenied
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_into(form) as outcome:
            services.revoke_certificate(
                actor=cast(User, request.user),
                certificate=certificate,
                reason=form.cleaned_data["reason"],
            )
        if outcome.ok:
            messages.success(
                request,
                _("Сертификат № %(number)s аннулирован.") % {"number": certificate.number},
            )
            return redirect(certificate.get_absolute_url())
    return render(request, "certificates/revoke.html", {"certificate": certificate, "form": form})
