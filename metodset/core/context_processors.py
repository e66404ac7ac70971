from typing import Any

from django.conf import settings
from django.http import HttpRequest

from metodset.core import accessibility


def site(request: HttpRequest) -> dict[str, Any]:
    return {"SITE_URL": settings.SITE_URL, "DEBUG": settings.DEBUG}


def accessibility_preferences(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        prefs = accessibility.clean(getattr(user, "accessibility", None))
    else:
        prefs = accessibility.from_cookie(request.COOKIES.get(accessibility.COOKIE_NAME))
    return {
        "a11y": prefs,
        "a11y_classes": accessibility.html_classes(prefs),
        "a11y_options": [
            (key, accessibility.LABELS[key], choices)
            for key, choices in accessibility.OPTIONS.items()
        ],
    }
