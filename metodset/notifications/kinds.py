"""The kinds of notification. Each app registers its own at import time of its services,
so the preferences page lists every kind with its Russian label and e-mail default."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    email_by_default: bool = True


_REGISTRY: dict[str, Kind] = {}


def register(code: str, label: str | Promise, *, email_by_default: bool = True) -> Kind:
    kind = Kind(code=code, label=label, email_by_default=email_by_default)
    _REGISTRY[code] = kind
    return kind


def get(code: str) -> Kind:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise LookupError(f"Unknown notification kind {code!r}; register it first.") from None


def all_kinds() -> list[Kind]:
    return sorted(_REGISTRY.values(), key=lambda kind: str(kind.label))


SYSTEM = register("system", _("Сообщения платформы"))
