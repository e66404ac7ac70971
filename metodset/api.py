"""The REST API under /api/v1/: one NinjaAPI; each app adds its router here.

Every endpoint needs a personal token or a signed-in session unless it opts into public
reads (`auth=accounts.api.PUBLIC`). Errors answer `{"detail": "…"}` in Russian.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from metodset.accounts.api import SIGNED_IN, InvalidTokenError
from metodset.accounts.api import router as accounts_router
from metodset.certificates.api import router as certificates_router
from metodset.core.exceptions import DomainError, PermissionDeniedError
from metodset.events.api import router as events_router
from metodset.expertise.api import router as expertise_router
from metodset.groups.api import router as groups_router
from metodset.materials.api import router as materials_router
from metodset.testing.api import router as testing_router

api = NinjaAPI(
    title="Методсеть API",
    version="1",
    description="REST API платформы сетевого взаимодействия педагогов. Авторизация: "
    "персональный токен в заголовке `Authorization: Bearer mts_…` (выпускается в профиле, "
    "раздел «Токены API») или сессия браузера. Без авторизации доступны только открытые "
    "данные: организации и страницы педагогов.",
    urls_namespace="api",
    auth=SIGNED_IN,
)
api.add_router("", accounts_router)
api.add_router("", materials_router)
api.add_router("", groups_router)
api.add_router("", events_router)
api.add_router("", expertise_router)
api.add_router("", certificates_router)
api.add_router("", testing_router)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if isinstance(exc, InvalidTokenError):
        message, challenge = str(exc), 'Bearer error="invalid_token"'
    else:
        message = _(
            "Нужна авторизация: войдите на сайт или передайте токен API в заголовке "
            "Authorization: Bearer."
        )
        challenge = "Bearer"
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = challenge
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Не найдено.")}, status=404)


@api.exception_handler(PermissionDeniedError)
def permission_denied(request: HttpRequest, exc: PermissionDeniedError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=400)
