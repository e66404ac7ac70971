"""Pages of people and organizations are filled by later capabilities (materials, groups,
events) without accounts importing them: each registers a section at start-up."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    title: str
    template_name: str
    context: dict[str, Any] = field(default_factory=dict)
    count: int | None = None


SectionBuilder = Callable[[Any, Any], Section | None]

_PERSON: list[SectionBuilder] = []
_ORGANIZATION: list[SectionBuilder] = []


def register_person_section(builder: SectionBuilder) -> SectionBuilder:
    """builder(viewer, person) -> Section | None, shown on the person's page."""
    _PERSON.append(builder)
    return builder


def register_organization_section(builder: SectionBuilder) -> SectionBuilder:
    """builder(viewer, organization) -> Section | None, shown on the organization's page."""
    _ORGANIZATION.append(builder)
    return builder


def person_sections(viewer: Any, person: Any) -> list[Section]:
    return [section for builder in _PERSON if (section := builder(viewer, person)) is not None]


def organization_sections(viewer: Any, organization: Any) -> list[Section]:
    return [
        section
        for builder in _ORGANIZATION
        if (section := builder(viewer, organization)) is not None
    ]
