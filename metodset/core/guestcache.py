"""Whole pages kept for guests, answered before sessions, authentication and templates.

A guest's page depends on the address and on the display settings of the version for the
visually impaired only, and carries no CSRF token (see core.views): the same bytes for
every guest. A view marks such a page (`keep`) with what it also depends on: cache keys
whose values must not have changed (a material's generation), and a hit handler (counting
a view). `GuestPageMiddleware`, right after the security middleware, answers later
requests of guests (no session cookie, no message waiting) from the cache with the very
headers the page had (CSP and the rest), and keeps marked pages on their way out. Apps
register what every kept page depends on (`register_part`: the library's generation) and
their hit handlers (`register_hit`), and the addresses that have kept pages at all
(`register_prefix`): any other request passes by without a cache lookup.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from metodset.core import accessibility

HEADER = "X-Page-Cache"
TTL = 60
_parts: list[Callable[[], Any]] = []
_forgetters: list[Callable[[], None]] = []
_prefixes: list[str] = []
_hits: dict[str, Callable[[Any], object]] = {}


def register_prefix(prefix: str) -> None:
    """Addresses under which kept pages may be: other requests are not looked up."""
    if prefix not in _prefixes:
        _prefixes.append(prefix)


def register_part(part: Callable[[], Any], *, forget: Callable[[], None] | None = None) -> None:
    """Something every kept page depends on, read when a page is looked up or kept.
    `forget` drops what the part remembers in this process (called by `forget_parts`)."""
    if part not in _parts:
        _parts.append(part)
    if forget is not None and forget not in _forgetters:
        _forgetters.append(forget)


def forget_parts() -> None:
    """The cache was emptied: parts must not answer from what this process remembers."""
    for forget in _forgetters:
        forget()


def register_hit(name: str, handler: Callable[[Any], object]) -> None:
    """What to do when a kept page marked with `on_hit=(name, argument)` is served."""
    _hits[name] = handler


def keep(
    response: HttpResponse,
    *,
    checks: dict[str, Any] | None = None,
    on_hit: tuple[str, Any] | None = None,
) -> HttpResponse:
    """Mark a guest's page to be kept while the `checks` keys keep their values."""
    response.guest_page = (checks or {}, on_hit)  # type: ignore[attr-defined]
    return response


def _eligible(request: HttpRequest) -> bool:
    """A guest with nothing personal: no session, no message waiting to be shown."""
    return (
        request.method == "GET"
        and request.path.startswith(tuple(_prefixes))
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(request: HttpRequest) -> str:
    display = request.COOKIES.get(accessibility.COOKIE_NAME, "")
    parts = " ".join(str(part()) for part in _parts)
    address = f"{request.get_full_path()} {display} {parts}"
    return "guestpage:" + hashlib.sha256(address.encode()).hexdigest()[:40]


class GuestPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _eligible(request):
            return self.get_response(request)
        try:
            request.get_host()  # an unknown Host is refused further on, as always
        except DisallowedHost:
            return self.get_response(request)
        key = _key(request)
        kept = cache.get(key)
        if kept is not None:
            content, headers, checks, on_hit = kept
            current = cache.get_many(list(checks)) if checks else {}
            if all(current.get(name) == value for name, value in checks.items()):
                kept_page = HttpResponse(content)
                for name, value in headers:
                    kept_page[name] = value
                kept_page[HEADER] = "hit"
                if on_hit is not None:
                    _hits[on_hit[0]](on_hit[1])
                return kept_page
        response = self.get_response(request)
        marked = getattr(response, "guest_page", None)
        if (
            marked is not None
            and response.status_code == 200
            and isinstance(response, HttpResponse)
            and not response.cookies
        ):
            checks, on_hit = marked
            headers = [(name, value) for name, value in response.items() if name != HEADER]
            cache.set(key, (response.content, headers, checks, on_hit), TTL)
            response[HEADER] = "miss"
        return response
