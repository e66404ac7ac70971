"""The site shell: health check, the version for the visually impaired."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from metodset.core import accessibility


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answers 200 when the application and its database are up, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _csrf_refusal(request: HttpRequest) -> HttpResponse | None:
    """Django's own CSRF check, for a view exempt from it for some requests only."""
    check = CsrfViewMiddleware(lambda _request: HttpResponse())
    return check.process_view(request, lambda _request: HttpResponse(), (), {})


@csrf_exempt
@require_POST
def accessibility_update(request: HttpRequest) -> HttpResponse:
    """Switch the version for the visually impaired on or off, or change its settings.

    For a guest this only sets a cookie of display settings, so it needs no CSRF token:
    pages for guests then carry no token and can be kept in the page cache. A signed-in
    person's settings are saved to the account, and for them the token is checked.
    """
    if request.user.is_authenticated:
        refusal = _csrf_refusal(request)
        if refusal is not None:
            return refusal
    prefs = accessibility.clean(request.POST)
    if request.POST.get("action") == "off":
        prefs["enabled"] = False
    elif request.POST.get("action") == "on":
        prefs["enabled"] = True
    response = HttpResponseRedirect(_next_url(request))
    user = request.user
    if user.is_authenticated:
        user.accessibility = prefs
        user.save(update_fields=["accessibility"])
    response.set_cookie(
        accessibility.COOKIE_NAME,
        accessibility.to_cookie(prefs),
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
    )
    return response
