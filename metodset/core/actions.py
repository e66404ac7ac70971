"""How a page calls a service: the signed-in actor, and a refusal turned into what the
person sees — 403 for a refusal of rights, a message (and the page again) for any other."""

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from metodset.core.exceptions import DomainError, PermissionDeniedError

T = TypeVar("T")


def actor_of(request: HttpRequest) -> Any:
    """The signed-in person (views that call it are behind login_required)."""
    return cast(Any, request.user)


def attempt(request: HttpRequest, action: Callable[[], T]) -> T | None:
    """Call a service; None (with the refusal as an error message) when it refuses."""
    try:
        return action()
    except PermissionDeniedError as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
        return None


def run_action(request: HttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Call a service and say `done` when it went through."""
    try:
        action()
    except PermissionDeniedError as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, done)
    return True
