"""Marks a material earns elsewhere (a recommendation of the expertise — «Лучшая практика»)
shown on its page, without the library importing the app that gives them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Mark:
    title: str
    url: str = ""
    hint: str = ""


MarkSource = Callable[[Any, Any], list[Mark]]
_SOURCES: list[MarkSource] = []


def register(source: MarkSource) -> MarkSource:
    """source(viewer, material) -> the marks of the material the viewer may see."""
    _SOURCES.append(source)
    return source


def of_material(viewer: Any, material: Any) -> list[Mark]:
    return [mark for source in _SOURCES for mark in source(viewer, material)]


# --- Actions other apps offer on the material page (e.g. «Подать на экспертизу») ----------

ActionSource = Callable[[Any, Any], list[Mark]]
_ACTIONS: list[ActionSource] = []


def register_action(source: ActionSource) -> ActionSource:
    """source(viewer, material) -> links the viewer may follow (title, url, hint)."""
    _ACTIONS.append(source)
    return source


def actions_of(viewer: Any, material: Any) -> list[Mark]:
    return [action for source in _ACTIONS for action in source(viewer, material)]
