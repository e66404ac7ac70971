from typing import Any

from django.http import HttpRequest

from metodset.notifications.services import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The bell's number on every page; one indexed COUNT for signed-in people."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
