"""The version for the visually impaired (ГОСТ Р 52872-2019, section 7): font size,
colour scheme, images, letter spacing and font family, remembered per user (in the
account) or per browser (in a cookie) for guests."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

COOKIE_NAME = "metodset_a11y"

OPTIONS: dict[str, list[tuple[str, Any]]] = {
    "font_size": [
        ("normal", _("обычный")),
        ("large", _("крупный")),
        ("xlarge", _("очень крупный")),
    ],
    "scheme": [
        ("black_on_white", _("чёрным по белому")),
        ("white_on_black", _("белым по чёрному")),
        ("blue", _("тёмно-синим по голубому")),
        ("brown", _("коричневым по бежевому")),
        ("green", _("зелёным по тёмно-коричневому")),
    ],
    "images": [
        ("on", _("показывать")),
        ("grayscale", _("чёрно-белые")),
        ("off", _("не показывать")),
    ],
    "spacing": [("normal", _("обычный")), ("wide", _("увеличенный")), ("wider", _("большой"))],
    "font": [("sans", _("без засечек")), ("serif", _("с засечками"))],
}
LABELS = {
    "font_size": _("Размер шрифта"),
    "scheme": _("Цветовая схема"),
    "images": _("Изображения"),
    "spacing": _("Межбуквенный интервал"),
    "font": _("Шрифт"),
}
DEFAULTS = {
    "enabled": False,
    "font_size": "large",
    "scheme": "black_on_white",
    "images": "on",
    "spacing": "normal",
    "font": "sans",
}


def clean(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """Known keys with allowed values only; anything else falls back to the default."""
    prefs = dict(DEFAULTS)
    if not raw:
        return prefs
    prefs["enabled"] = raw.get("enabled") in (True, "1", "on", "true")
    for key, choices in OPTIONS.items():
        value = raw.get(key)
        if value in {code for code, _label in choices}:
            prefs[key] = value
    return prefs


def to_cookie(prefs: Mapping[str, Any]) -> str:
    return "|".join(["1" if prefs["enabled"] else "0", *(str(prefs[key]) for key in OPTIONS)])


def from_cookie(value: str | None) -> dict[str, Any]:
    if not value:
        return dict(DEFAULTS)
    parts = value.split("|")
    raw: dict[str, Any] = {"enabled": parts[0] == "1"}
    raw.update(zip(OPTIONS, parts[1:], strict=False))
    return clean(raw)


def html_classes(prefs: Mapping[str, Any]) -> str:
    if not prefs.get("enabled"):
        return ""
    return " ".join(["a11y", *(f"a11y-{key.replace('_', '-')}-{prefs[key]}" for key in OPTIONS)])
