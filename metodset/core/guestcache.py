"""Whole pages kept for guests.

A guest's page depends on the address and on the display settings of the version for
the visually impaired only, and carries no CSRF token (see core.views): the same bytes
for every guest. Pages that show a guest a message, and every page of a signed-in
person, are made afresh. The caller names what else the page depends on (`parts`, e.g.
a generation number that goes up when the content changes).
"""

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from metodset.core import accessibility

HEADER = "X-Page-Cache"


def _cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or getattr(request, "user", None) is None:
        return False
    if request.user.is_authenticated:
        return False
    # A message waiting for this guest (cookie storage, or the session) is shown once.
    if "messages" in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.session_key and "_messages" in session)


def page(
    request: HttpRequest, parts: Iterable[Any], make: Callable[[], HttpResponse], ttl: int = 60
) -> HttpResponse:
    """The kept page for a guest, or `make()`'s (kept when it is a plain 200 page)."""
    if not _cacheable(request):
        return make()
    display = request.COOKIES.get(accessibility.COOKIE_NAME, "")
    address = hashlib.sha256(f"{request.get_full_path()} {display}".encode()).hexdigest()
    key = "guestpage:" + ":".join(str(part) for part in (*parts, address[:32]))
    kept = cache.get(key)
    if kept is not None:
        content, content_type = kept
        response = HttpResponse(content, content_type=content_type)
        response[HEADER] = "hit"
        return response
    response = make()
    if (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Set-Cookie")
    ):
        cache.set(key, (response.content, response["Content-Type"]), ttl)
        response[HEADER] = "miss"
    return response
