"""The materials index (tantivy) behind one small interface: index, remove, clear, search.

It knows plain documents only (`MaterialDocument`), never the materials models, so the
engine can be replaced (a distributed one for several servers) behind these functions.
The index is one directory (`settings.SEARCH_INDEX_DIR`, default `VAR_DIR / "search"`, with a
subdirectory per schema version);
tantivy allows one writer at a time across processes through its lock file, which we
wait for; any number of processes read it.
"""

from metodset.search.engine.documents import (
    FacetValue,
    MaterialDocument,
    SearchHit,
    SearchResult,
    Sort,
    Visibility,
    VisibilityLevel,
)
from metodset.search.engine.index import (
    FACETS,
    clear,
    document_count,
    index_dir,
    index_many,
    index_material,
    remove,
)
from metodset.search.engine.searching import search, similar

__all__ = [
    "FACETS",
    "FacetValue",
    "MaterialDocument",
    "SearchHit",
    "SearchResult",
    "Sort",
    "Visibility",
    "VisibilityLevel",
    "clear",
    "document_count",
    "index_dir",
    "index_many",
    "index_material",
    "remove",
    "search",
    "similar",
]
