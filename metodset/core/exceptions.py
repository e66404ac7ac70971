"""Errors a user can cause: a whole Russian sentence that views show as a message."""

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the domain refused the action; `message` is shown to the user as is."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = str(message)


class PermissionDeniedError(DomainError):
    """The actor may see the object but not do this to it (the view answers 403)."""
