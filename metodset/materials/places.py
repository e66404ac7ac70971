"""Places a material is published into besides the library — a group of teachers today,
later an event. A higher app registers a kind of place; the material form offers the
author's places and the material page names the places of a material, without the library
importing those apps."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from metodset.core.exceptions import DomainError


@dataclass(frozen=True)
class Place:
    key: str  # "<kind>:<id>", the value the form posts
    title: str
    url: str


@dataclass(frozen=True)
class PlaceKind:
    code: str
    label: str | Promise
    # offered_to(user) -> places the person may publish into now
    offered_to: Callable[[Any], list[Place]]
    # of_material(viewer, material) -> the places of the material the viewer may see
    of_material: Callable[[Any, Any], list[Place]]
    # attach(actor=, material=, ident=) publishes the material there or raises DomainError
    attach: Callable[..., None]


_KINDS: dict[str, PlaceKind] = {}


def register(kind: PlaceKind) -> PlaceKind:
    _KINDS[kind.code] = kind
    return kind


def offered_to(user: Any) -> list[tuple[str | Promise, list[Place]]]:
    """(label, places) for each kind that offers the person somewhere to publish."""
    return [(kind.label, places) for kind in _KINDS.values() if (places := kind.offered_to(user))]


def of_material(viewer: Any, material: Any) -> list[Place]:
    return [place for kind in _KINDS.values() for place in kind.of_material(viewer, material)]


def attach(*, actor: Any, material: Any, key: str) -> None:
    """Publish the material into the place named by `key` (as offered to the actor)."""
    code, _sep, ident = key.partition(":")
    kind = _KINDS.get(code)
    if kind is None or not ident.isdigit():
        raise DomainError(_("Выберите, куда опубликовать материал, из списка."))
    kind.attach(actor=actor, material=material, ident=int(ident))
