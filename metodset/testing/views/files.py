"""Images embedded in a question version (Moodle XML carries them inside the file)."""

import base64
import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from metodset.testing import access, permissions
from metodset.testing.models import QuestionVersion

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}


def _may_see(request: HttpRequest, version: QuestionVersion) -> bool:
    """Who sees the question in the bank, or has it in an attempt they may view."""
    if permissions.can_view_question(request.user, version.question):
        return True
    return access.attempts_visible_to(request.user).filter(items__version=version).exists()


@login_required
@require_GET
def version_file(request: HttpRequest, version_id: int, name: str) -> HttpResponse:
    version = QuestionVersion.objects.select_related("question").filter(pk=version_id).first()
    if version is None or name not in version.data.get("files", {}):
        raise Http404
    if not _may_see(request, version):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type not in IMAGE_TYPES:
        raise Http404
    response = HttpResponse(
        base64.b64decode(version.data["files"][name]), content_type=content_type
    )
    # A version never changes: the browser may keep it.
    response["Cache-Control"] = "private, max-age=86400, immutable"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns: list[URLPattern] = [
    path("versions/<int:version_id>/files/<path:name>", version_file, name="version_file"),
]
