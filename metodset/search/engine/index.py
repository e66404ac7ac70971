"""The index directory: its schema, its single writer, and the writing verbs."""

import time
from collections.abc import Iterable
from pathlib import Path
from threading import Lock

import tantivy
from django.conf import settings

from metodset.search.analyzer import (
    ANALYZER_NAME,
    SPELLING_ANALYZER_NAME,
    normalize,
    spelling_analyzer,
    text_analyzer,
)
from metodset.search.engine.documents import MaterialDocument

# BM25 per field, the title weighted most.
FIELD_BOOSTS: dict[str, float] = {
    "title": 4.0,
    "keywords": 2.5,
    "annotation": 1.5,
    "text": 1.0,
    "context": 0.5,
}
STORED_TEXT_CHARS = 20_000
WRITER_HEAP_BYTES = 50_000_000
BULK_WRITER_HEAP_BYTES = 400_000_000
LOCK_WAIT_SECONDS = 15.0

# Filter name → (index field, facet size). Facet sizes exceed the number of values a
# region has, which keeps tantivy's terms aggregation exact.
FILTER_FIELDS: dict[str, tuple[str, int]] = {
    "subject": ("subject", 200),
    "grade": ("grade", 20),
    "type": ("type", 100),
    "level": ("level", 20),
    "organization": ("organization", 5000),
    "district": ("district", 500),
    "year": ("year", 100),
}
FACETS = ("subject", "grade", "type", "level", "organization", "year")
# Grades are many per material: the grade facet counts a single-valued bit mask of them
# (a terms aggregation over a multi-valued column costs ten times more at a million).
GRADE_MASK_FIELD = "grade_mask"
# A new schema gets a directory of its own; `metodset reindex` fills it from the database.
SCHEMA_VERSION = 3
MATCH_FIELD = "match"
TEXT_FILTERS = {"type", "level"}


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    for name in FIELD_BOOSTS:
        builder.add_text_field(name, tokenizer_name=ANALYZER_NAME)
    builder.add_text_field("words", tokenizer_name=SPELLING_ANALYZER_NAME, index_option="basic")
    # Every content field's stems together, documents only (no frequencies, no positions):
    # what the counting and facet pass iterates, one posting list a word instead of five.
    builder.add_text_field(MATCH_FIELD, tokenizer_name=ANALYZER_NAME, index_option="basic")
    # The originals, for snippets: the indexed fields hold normalized (ё → е) text.
    for name in ("title_original", "text_original"):
        builder.add_bytes_field(name, stored=True)
    for name in ("subject", "organization", "district", "year", "grade", "author"):
        builder.add_integer_field(name, indexed=True, fast=True)
    for name in ("type", "level", "visibility"):
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    builder.add_boolean_field("hidden", indexed=True, fast=True)
    builder.add_integer_field(GRADE_MASK_FIELD, indexed=False, fast=True)
    builder.add_integer_field("published", indexed=False, fast=True)
    builder.add_float_field("rating", fast=True)
    builder.add_integer_field("downloads", fast=True)
    return builder.build()


_indexes: dict[Path, tantivy.Index] = {}
_indexes_lock = Lock()


def index_dir() -> Path:
    base = Path(getattr(settings, "SEARCH_INDEX_DIR", settings.VAR_DIR / "search"))
    return base / f"v{SCHEMA_VERSION}"


def open_index() -> tantivy.Index:
    """This process's handle on the index directory, created on first use."""
    path = index_dir()
    with _indexes_lock:
        if path not in _indexes:
            path.mkdir(parents=True, exist_ok=True)
            index = tantivy.Index(schema(), path=str(path), reuse=True)
            index.register_tokenizer(ANALYZER_NAME, text_analyzer())
            index.register_tokenizer(SPELLING_ANALYZER_NAME, spelling_analyzer())
            _indexes[path] = index
        return _indexes[path]


def _writer(index: tantivy.Index, heap_size: int) -> tantivy.IndexWriter:
    """Take the index's single writer, waiting while another process holds it."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            return index.writer(heap_size=heap_size)
        except ValueError as error:
            if "LockBusy" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _finish(writer: tantivy.IndexWriter) -> None:
    """Commit and release the lock (waiting for merges frees the writer)."""
    writer.commit()
    writer.wait_merging_threads()


def to_tantivy_document(doc: MaterialDocument) -> tantivy.Document:
    result = tantivy.Document()
    result.add_integer("id", doc.id)
    keywords = " ; ".join(doc.keywords)
    for name, value in (
        ("title", doc.title),
        ("annotation", doc.annotation),
        ("keywords", keywords),
        ("text", doc.text),
        ("context", f"{doc.subject_name} {doc.organization_name}"),
    ):
        if value:
            result.add_text(name, normalize(value))
            result.add_text(MATCH_FIELD, normalize(value))
    result.add_text("words", normalize(f"{doc.title} {doc.annotation} {keywords} {doc.text}"))
    result.add_bytes("title_original", doc.title.encode())
    # Only snippets read the stored text: its beginning is enough, and keeps the store small.
    result.add_bytes("text_original", doc.text[:STORED_TEXT_CHARS].encode())
    for name, number in (
        ("subject", doc.subject_id),
        ("organization", doc.organization_id),
        ("district", doc.district_id),
        ("year", doc.year),
    ):
        if number is not None:
            result.add_integer(name, number)
    for grade in doc.grades:
        result.add_integer("grade", grade)
    result.add_integer(GRADE_MASK_FIELD, grade_mask(doc.grades))
    for author_id in doc.author_ids:
        result.add_integer("author", author_id)
    for name, code in (("type", doc.type_code), ("level", doc.level_code)):
        if code:
            result.add_text(name, code)
    result.add_text("visibility", doc.visibility)
    result.add_boolean("hidden", doc.hidden)
    published = int(doc.published_at.timestamp()) if doc.published_at else 0
    result.add_integer("published", published)
    result.add_float("rating", float(doc.rating))
    result.add_integer("downloads", doc.downloads)
    return result


def grade_mask(grades: Iterable[int]) -> int:
    return sum({1 << grade for grade in grades if 0 <= grade < 63})


def grades_of_mask(mask: int) -> list[int]:
    return [grade for grade in range(63) if mask & (1 << grade)]


def index_material(doc: MaterialDocument) -> None:
    """Add or replace one material; findable by every process right after the commit."""
    index = open_index()
    writer = _writer(index, WRITER_HEAP_BYTES)
    writer.delete_documents_by_term("id", doc.id)
    writer.add_document(to_tantivy_document(doc))
    _finish(writer)


def index_many(
    docs: Iterable[MaterialDocument], *, replace: bool = True, rebuild: bool = False
) -> int:
    """Add many materials in one commit; returns how many were written. `rebuild=True`
    (`reindex`) drops every other document in the same commit, so readers see the old
    index until the new one is complete; `replace=False` skips the per-document deletes
    (an empty index)."""
    index = open_index()
    writer = _writer(index, BULK_WRITER_HEAP_BYTES)
    count = 0
    try:
        if rebuild:
            writer.delete_all_documents()
            replace = False
        for doc in docs:
            if replace:
                writer.delete_documents_by_term("id", doc.id)
            writer.add_document(to_tantivy_document(doc))
            count += 1
    except BaseException:
        writer.rollback()
        writer.wait_merging_threads()
        raise
    _finish(writer)
    return count


def remove(material_id: int) -> None:
    index = open_index()
    writer = _writer(index, WRITER_HEAP_BYTES)
    writer.delete_documents_by_term("id", material_id)
    _finish(writer)


def document_count() -> int:
    """Documents in the index now (after an upgrade to a new schema: none until reindex)."""
    index = open_index()
    index.reload()
    return int(index.searcher().num_docs)


def clear() -> None:
    index = open_index()
    writer = _writer(index, WRITER_HEAP_BYTES)
    writer.delete_all_documents()
    _finish(writer)
