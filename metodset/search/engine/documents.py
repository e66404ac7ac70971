"""The plain values that cross the search interface, in and out."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.utils.translation import gettext as _

VisibilityLevel = Literal["public", "network", "hidden"]
Sort = Literal["relevance", "newest", "rating", "downloads"]


@dataclass(frozen=True)
class MaterialDocument:
    """What the index knows of one material, in plain values."""

    id: int
    title: str
    annotation: str = ""
    text: str = ""
    keywords: Sequence[str] = ()
    subject_id: int | None = None
    subject_name: str = ""
    grades: Sequence[int] = ()
    level_code: str = ""
    type_code: str = ""
    organization_id: int | None = None
    organization_name: str = ""
    district_id: int | None = None
    year: int | None = None
    author_ids: Sequence[int] = ()
    published_at: datetime | None = None
    rating: float = 0.0
    downloads: int = 0
    visibility: VisibilityLevel = "public"
    hidden: bool = False


@dataclass(frozen=True)
class Visibility:
    """Who is asking: decides which documents a query may see (and count)."""

    allow_network: bool = False
    include_hidden_for_author_ids: frozenset[int] = frozenset()
    include_hidden_all: bool = False

    @classmethod
    def guest(cls) -> "Visibility":
        return cls()

    @classmethod
    def member(cls, *, author_id: int | None = None) -> "Visibility":
        authors = frozenset() if author_id is None else frozenset({author_id})
        return cls(allow_network=True, include_hidden_for_author_ids=authors)

    @classmethod
    def moderator(cls) -> "Visibility":
        return cls(allow_network=True, include_hidden_all=True)


@dataclass(frozen=True)
class SearchHit:
    id: int
    score: float
    title_html: str
    text_html: str


@dataclass(slots=True)
class FacetValue:
    """One value of a facet (an id or a code) and how many results have it."""

    value: int | str
    count: int


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    total: int
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    used_fuzzy: bool = False
    # The query as searched when a word was read in the other script (ghbdtn → привет).
    interpreted_query: str | None = None

    @property
    def suggestion_text(self) -> str | None:
        if self.suggestion is None:
            return None
        return _("Возможно, вы искали: «%(query)s»") % {"query": self.suggestion}
