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


class refusals_into:  # noqa: N801 (used as a statement: `with refusals_into(form) as outcome`)
    """Call services inside `with`: a refusal of rights becomes 403, any other refusal an
    error of the form (shown with everything typed), and `outcome.ok` says whether the
    call went through."""

    def __init__(self, form: Any) -> None:
        self.form = form
        self.ok = True

    def __enter__(self) -> "refusals_into":
        return self

    def __exit__(self, kind: Any, error: BaseException | None, traceback: Any) -> bool:
        if isinstance(error, PermissionDeniedError):
            raise PermissionDenied from error
        if isinstance(error, DomainError):
            self.form.add_error(None, error.message)
            self.ok = False
            return True
        return False
