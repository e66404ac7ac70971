"""Searching: the query language turned into tantivy queries, facets and snippets."""

import html
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from threading import Lock
from typing import Any

import tantivy

from metodset.search.analyzer import (
    analyze,
    analyze_with_positions,
    edit_distance,
    normalize,
    other_script_variants,
    parse_query,
    single_edits,
)
from metodset.search.engine.documents import (
    FacetValue,
    SearchHit,
    SearchResult,
    Sort,
    Visibility,
)
from metodset.search.engine.index import (
    FACETS,
    FIELD_BOOSTS,
    FILTER_FIELDS,
    GRADE_MASK_FIELD,
    MATCH_FIELD,
    TEXT_FILTERS,
    grades_of_mask,
    open_index,
)

# Distinct sets of grades a terms aggregation may return (grades 0–11: at most 2¹²).
GRADE_MASKS = 4096

# Added to the score of a document holding every word of the query, so that those rank
# before the documents holding only some (BM25 sums of this index stay far below it).
ALL_WORDS_BONUS = 1000.0
SNIPPET_CHARS = 240
# "More like this": the material's stems that make its query, how much a title word
# counts, the share of the library above which a stem says nothing, and how much text.
SIMILAR_TERMS = 20
SIMILAR_TITLE_WEIGHT = 3.0
SIMILAR_MAX_SHARE = 0.3
SIMILAR_TEXT_CHARS = 5000
# Suggestions tried against the viewer's rights before giving up on a word.
MAX_SUGGESTION_CHECKS = 10


@dataclass
class _Word:
    """One query word: its index terms, and those of a reading in the other script."""

    typed: str
    terms: list[str]
    alternatives: list[str] = field(default_factory=list)
    shown_as: str = ""


def search(
    query: str,
    *,
    filters: Mapping[str, Any] | None = None,
    sort: Sort = "relevance",
    page: int = 1,
    per_page: int = 20,
    viewer: Visibility,
    facets: Sequence[str] = FACETS,
) -> SearchResult:
    """One page of the materials `viewer` may see matching `query` and `filters`, with
    the facet counts (of `facets`; `()` for none) of the whole filtered result."""
    index = open_index()
    # A searcher per query on a freshly reloaded reader: a commit of another process is
    # visible at once (reload only re-reads meta.json when nothing changed).
    index.reload()
    searcher = index.searcher()
    schema = index.schema
    parsed = parse_query(query)

    words = [_analyze_word(searcher, word) for word in parsed.words]
    words = [word for word in words if word.terms or word.alternatives]
    phrases = [_phrase_query(schema, phrase) for phrase in parsed.phrases]
    # A minus word excludes its stem; a minus "phrase" excludes the phrase only.
    minus = [
        _phrase_query(schema, text) if len(analyze(text)) > 1 else _term_in_fields(schema, term)
        for text in parsed.minus
        for term in analyze(text)[:1]
    ]
    restriction = _restriction(schema, viewer, filters or {})
    suggestion = _suggestion(
        searcher, parsed.words, words, partial(_visible_word, searcher, schema, restriction)
    )
    interpreted = None
    if any(word.shown_as != word.typed for word in words):
        interpreted = query
        for word in words:
            interpreted = interpreted.replace(word.typed, word.shown_as)

    content = _content_query(schema, words, phrases)
    page_query = _Page(sort, page, per_page, browse=not words and not phrases)
    split = None
    counted = None
    if words and not phrases:
        counted = _combine(_match_query(schema, words), restriction, minus)
    if len(words) > 1 and not phrases:
        every = _every_word_query(schema, words)
        split = _AllWordsFirst(
            every=_combine(every, restriction, minus),
            rest=_combine(_any_word_query(schema, words), restriction, [*minus, every]),
        )
    total, facet_counts, found = _run(
        searcher, _combine(content, restriction, minus), page_query, facets, split, counted
    )
    used_fuzzy = False
    if total == 0 and words and not phrases:
        content = _fuzzy_query(schema, words)
        fuzzy = _combine(content, restriction, minus)
        total, facet_counts, found = _run(searcher, fuzzy, page_query, facets)
        used_fuzzy = total > 0

    highlight = content if used_fuzzy else _highlight_query(schema, words, phrases)
    stems = [term for word in words for term in (*word.terms, *word.alternatives)]
    stems += [term for phrase in parsed.phrases for term in analyze(phrase)]
    return SearchResult(
        hits=_hits(searcher, schema, found, highlight, stems),
        total=total,
        facets=facet_counts,
        suggestion=suggestion,
        used_fuzzy=used_fuzzy,
        interpreted_query=interpreted,
    )


def _document_frequency(searcher: tantivy.Searcher, term: str) -> int:
    return max(searcher.doc_freq(name, term) for name in FIELD_BOOSTS)


def _analyze_word(searcher: tantivy.Searcher, typed: str) -> _Word:
    """Analyze a word, and read it in the other script when that finds more (ghbdtn →
    привет; python → питон is added beside python)."""
    terms = analyze(typed)
    word = _Word(typed=typed, terms=terms, shown_as=typed)
    if len(terms) != 1 or len(typed) < 3:
        # A stop word («и» would become «b»), or a compound: nothing to read otherwise.
        return word
    found = _document_frequency(searcher, terms[0])
    best_count, best_variant, best_terms = found, "", list[str]()
    for variant in other_script_variants(typed):
        variant_terms = analyze(variant)
        if len(variant_terms) != 1:
            continue
        count = _document_frequency(searcher, variant_terms[0])
        if count > best_count:
            best_count, best_variant, best_terms = count, variant, variant_terms
    if best_variant:
        word.alternatives = best_terms
        word.shown_as = best_variant if found == 0 else typed
    return word


def _visible_word(
    searcher: tantivy.Searcher, schema: tantivy.Schema, restriction: list[tantivy.Query], word: str
) -> bool:
    """Whether a document the viewer may see (within the filters) has this word: the term
    dictionary is shared by all documents, and a suggestion must not tell a guest the words
    of network-only or hidden materials."""
    query = tantivy.Query.term_query(schema, "words", word)
    if restriction:
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, query)] + [(tantivy.Occur.Must, part) for part in restriction]
        )
    return bool(searcher.search(query, limit=1, count=False).hits)


def _suggestion(
    searcher: tantivy.Searcher,
    typed_words: list[str],
    words: list[_Word],
    visible: Callable[[str], bool],
) -> str | None:
    """«Возможно, вы искали»: each word the index does not know replaced by the most
    frequent indexed word within edit distance 1 (short words) or 2 that is in a document
    the viewer may see."""
    unknown = {
        word.typed
        for word in words
        if not word.alternatives and not any(_document_frequency(searcher, t) for t in word.terms)
    }
    if not unknown:
        return None
    corrected = []
    changed = False
    for typed in typed_words:
        replacement = _closest_word(searcher, typed, visible) if typed in unknown else None
        corrected.append(replacement or typed)
        changed = changed or replacement is not None
    return " ".join(corrected) if changed else None


def _closest_word(
    searcher: tantivy.Searcher, typed: str, visible: Callable[[str], bool]
) -> str | None:
    """The most frequent visible indexed word one edit away, else two edits away."""
    word = normalize(typed.lower())
    if len(word) < 3:
        return None
    # Distance 1: look every candidate up in the term dictionary (a few hundred lookups).
    known = [(searcher.doc_freq("words", candidate), candidate) for candidate in single_edits(word)]
    ranked = sorted(((-f, c) for f, c in known if f), key=lambda pair: pair)
    found = _first_visible([candidate for _, candidate in ranked], visible)
    if found or len(word) < 5:
        return found
    # Distance 2: scan the words sharing the first two letters (a typo there is rare), of a
    # length within two; bounded so that a huge dictionary cannot stall a query.
    close: list[tuple[int, int, str]] = []
    for candidate, frequency in searcher.terms_with_prefix("words", word[:2], limit=20_000):
        if abs(len(candidate) - len(word)) > 2:
            continue
        distance = edit_distance(word, candidate, 2)
        if distance <= 2:
            close.append((distance, -frequency, candidate))
    return _first_visible([candidate for *_, candidate in sorted(close)], visible)


def _first_visible(candidates: list[str], visible: Callable[[str], bool]) -> str | None:
    """The first candidate the viewer may see; a few are tried, the rest are not worth it."""
    return next((c for c in candidates[:MAX_SUGGESTION_CHECKS] if visible(c)), None)


def _term_in_fields(schema: tantivy.Schema, term: str) -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [
            (
                tantivy.Occur.Should,
                tantivy.Query.boost_query(tantivy.Query.term_query(schema, name, term), boost),
            )
            for name, boost in FIELD_BOOSTS.items()
        ]
    )


def _word_query(schema: tantivy.Schema, word: _Word) -> tantivy.Query:
    terms = [*word.terms, *word.alternatives]
    if len(word.terms) > 1:
        # A hyphenated or compound word: all of its parts.
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, _term_in_fields(schema, term)) for term in word.terms]
        )
    if len(terms) == 1:
        return _term_in_fields(schema, terms[0])
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, _term_in_fields(schema, term)) for term in terms]
    )


def _phrase_query(schema: tantivy.Schema, phrase: str) -> tantivy.Query:
    terms = analyze_with_positions(phrase)
    if not terms:
        return tantivy.Query.all_query()
    first = terms[0][0]
    words: list[str | tuple[int, str]] = [(position - first, term) for position, term in terms]
    per_field = []
    for name, boost in FIELD_BOOSTS.items():
        if len(terms) == 1:
            single = tantivy.Query.term_query(schema, name, terms[0][1])
        else:
            single = tantivy.Query.phrase_query(schema, name, words)
        per_field.append((tantivy.Occur.Should, tantivy.Query.boost_query(single, boost)))
    return tantivy.Query.boolean_query(per_field)


def _content_query(
    schema: tantivy.Schema, words: list[_Word], phrases: list[tantivy.Query]
) -> tantivy.Query:
    """Words in OR, documents with all of them first; phrases are required."""
    clauses = [(tantivy.Occur.Must, phrase) for phrase in phrases]
    if words:
        shoulds = [(tantivy.Occur.Should, _word_query(schema, word)) for word in words]
        if len(words) > 1:
            bonus = tantivy.Query.const_score_query(
                _every_word_query(schema, words), ALL_WORDS_BONUS
            )
            shoulds.append((tantivy.Occur.Should, bonus))
        words_query = tantivy.Query.boolean_query(shoulds)
        clauses.append((tantivy.Occur.Must if not phrases else tantivy.Occur.Should, words_query))
    if not clauses:
        # No content word (empty, or only stop words): everything the filters allow.
        return tantivy.Query.all_query()
    return tantivy.Query.boolean_query(clauses)


def _match_query(schema: tantivy.Schema, words: list[_Word]) -> tantivy.Query:
    """The documents holding any of the words in any field, through the match field."""
    per_word = []
    for word in words:
        if len(word.terms) > 1:
            parts = [(tantivy.Occur.Must, _match_term(schema, term)) for term in word.terms]
        else:
            parts = [
                (tantivy.Occur.Should, _match_term(schema, term))
                for term in (*word.terms, *word.alternatives)
            ]
        per_word.append((tantivy.Occur.Should, tantivy.Query.boolean_query(parts)))
    return tantivy.Query.boolean_query(per_word)


def _match_term(schema: tantivy.Schema, term: str) -> tantivy.Query:
    return tantivy.Query.term_query(schema, MATCH_FIELD, term)


def _any_word_query(schema: tantivy.Schema, words: list[_Word]) -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, _word_query(schema, word)) for word in words]
    )


def _every_word_query(schema: tantivy.Schema, words: list[_Word]) -> tantivy.Query:
    return tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, _word_query(schema, word)) for word in words]
    )


def _fuzzy_query(schema: tantivy.Schema, words: list[_Word]) -> tantivy.Query:
    clauses = []
    for word in words:
        for term in word.terms:
            distance = 1 if len(term) <= 4 else 2
            for name, boost in FIELD_BOOSTS.items():
                fuzzy = tantivy.Query.fuzzy_term_query(schema, name, term, distance=distance)
                clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(fuzzy, boost)))
    return tantivy.Query.boolean_query(clauses) if clauses else tantivy.Query.empty_query()


def _highlight_query(
    schema: tantivy.Schema, words: list[_Word], phrases: list[tantivy.Query]
) -> tantivy.Query:
    clauses = [(tantivy.Occur.Should, _word_query(schema, word)) for word in words]
    clauses += [(tantivy.Occur.Should, phrase) for phrase in phrases]
    return tantivy.Query.boolean_query(clauses)


def _restriction(
    schema: tantivy.Schema, viewer: Visibility, filters: Mapping[str, Any]
) -> list[tantivy.Query]:
    """The permission and the filters, each a required clause."""
    clauses: list[tantivy.Query] = []
    if not viewer.include_hidden_all:
        levels = ["public", "network"] if viewer.allow_network else ["public"]
        visible = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.term_set_query(schema, "visibility", levels)),
                (tantivy.Occur.MustNot, tantivy.Query.term_query(schema, "hidden", True)),
            ]
        )
        if viewer.include_hidden_for_author_ids:
            authored = tantivy.Query.term_set_query(
                schema, "author", sorted(viewer.include_hidden_for_author_ids)
            )
            visible = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, visible), (tantivy.Occur.Should, authored)]
            )
        clauses.append(visible)
    for name, value in filters.items():
        if name not in FILTER_FIELDS:
            raise ValueError(f"Unknown search filter: {name}")
        values = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
        if not values:
            continue
        values = [str(item) if name in TEXT_FILTERS else int(item) for item in values]
        clauses.append(tantivy.Query.term_set_query(schema, FILTER_FIELDS[name][0], values))
    return clauses


def _combine(
    content: tantivy.Query,
    restriction: list[tantivy.Query],
    minus: list[tantivy.Query],
) -> tantivy.Query:
    clauses = [(tantivy.Occur.Must, content)]
    # Filters do not score: const 0 keeps the ranking BM25's alone.
    clauses += [
        (tantivy.Occur.Must, tantivy.Query.const_score_query(query, 0.0)) for query in restriction
    ]
    clauses += [(tantivy.Occur.MustNot, query) for query in minus]
    return tantivy.Query.boolean_query(clauses)


_SORT_FIELDS: dict[str, str] = {"newest": "published", "rating": "rating", "downloads": "downloads"}


@dataclass(frozen=True)
class _Page:
    sort: Sort
    number: int
    size: int
    browse: bool


@dataclass(frozen=True)
class _AllWordsFirst:
    """A query of several words as two: the documents with every word (which rank first,
    by the same BM25 sum), then the others. Intersecting is cheaper than ranking the union
    with a bonus, and a first page usually comes from the first query alone."""

    every: tantivy.Query
    rest: tantivy.Query


_pool_owner: int | None = None
_pool: ThreadPoolExecutor | None = None
_pool_lock = Lock()


def _background() -> ThreadPoolExecutor:
    """This process's thread for the facet pass (created after a fork, never before)."""
    global _pool, _pool_owner
    with _pool_lock:
        if _pool is None or _pool_owner != os.getpid():
            _pool, _pool_owner = ThreadPoolExecutor(max_workers=2), os.getpid()
        return _pool


def _run(
    searcher: tantivy.Searcher,
    query: tantivy.Query,
    page: _Page,
    facets: Sequence[str],
    split: _AllWordsFirst | None = None,
    counted: tantivy.Query | None = None,
) -> tuple[int, dict[str, list[FacetValue]], list[tuple[float, tantivy.DocAddress]]]:
    """Total, facets and one page of hits. The aggregation pass (total and facets, which
    visits every match) runs on a second core while this thread ranks the page, so the
    top-k search need not count and can skip blocks (block-max WAND); tantivy releases
    the GIL for both."""
    unknown = set(facets) - set(FACETS)
    if unknown:
        raise ValueError(f"Unknown facets: {sorted(unknown)}")
    aggregations: dict[str, Any] = {"total": {"value_count": {"field": "id"}}}
    for name in facets:
        field_name, size = FILTER_FIELDS[name]
        if name == "grade":
            field_name, size = GRADE_MASK_FIELD, GRADE_MASKS
        aggregations[name] = {"terms": {"field": field_name, "size": size}}
    # `counted` matches the same documents as `query`, through the match field.
    counting = _background().submit(searcher.aggregate, counted or query, aggregations)
    order_by = _SORT_FIELDS.get(page.sort)
    if order_by is None and page.browse:
        # Nothing to rank by: the newest first.
        order_by = "published"
    offset = (max(page.number, 1) - 1) * page.size
    if split is not None and order_by is None:
        hits = _all_words_first(searcher, split, offset, page.size)
    else:
        result = searcher.search(
            query, limit=page.size, count=False, order_by_field=order_by, offset=offset
        )
        hits = [(float(score), address) for score, address in result.hits]
    answer = counting.result()
    counts: dict[str, list[FacetValue]] = {}
    for name in facets:
        buckets = answer.get(name, {}).get("buckets", [])
        if name == "grade":
            values = _grade_counts(buckets)
        else:
            values = [
                FacetValue(
                    value=bucket["key"] if name in TEXT_FILTERS else int(bucket["key"]),
                    count=int(bucket["doc_count"]),
                )
                for bucket in buckets
            ]
        values.sort(key=lambda item: (-item.count, str(item.value)))
        counts[name] = values
    return int(answer["total"]["value"]), counts, hits


def _all_words_first(
    searcher: tantivy.Searcher, split: _AllWordsFirst, offset: int, size: int
) -> list[tuple[float, tantivy.DocAddress]]:
    """The page `offset`…`offset + size` of the ranking "every word first, then BM25"."""
    first = searcher.search(split.every, limit=size, offset=offset, count=False).hits
    hits = [(float(score) + ALL_WORDS_BONUS, address) for score, address in first]
    if len(hits) == size:
        return hits
    if hits:
        with_every_word = offset + len(hits)
    else:
        counted = searcher.search(split.every, limit=1, count=True)
        with_every_word = int(counted.count or 0)  # type: ignore[attr-defined]  # stub omits it
    rest = searcher.search(
        split.rest, limit=size - len(hits), offset=max(0, offset - with_every_word), count=False
    )
    return hits + [(float(score), address) for score, address in rest.hits]


def _grade_counts(buckets: list[dict[str, Any]]) -> list[FacetValue]:
    """Materials per grade, from the counts per set of grades (each material has one)."""
    per_grade: dict[int, int] = {}
    for bucket in buckets:
        for grade in grades_of_mask(int(bucket["key"])):
            per_grade[grade] = per_grade.get(grade, 0) + int(bucket["doc_count"])
    return [FacetValue(value=grade, count=count) for grade, count in per_grade.items()]


def _hits(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    found: list[tuple[float, tantivy.DocAddress]],
    query: tantivy.Query,
    stems: list[str],
) -> list[SearchHit]:
    if not found:
        return []
    title_snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "title")
    title_snippets.set_max_num_chars(1000)
    text_snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "text")
    text_snippets.set_max_num_chars(SNIPPET_CHARS)
    # Russian Snowball stems are prefixes of their words: the first word starting with a
    # stem tells where the snippet is, so the snippet generator tokenizes a window of the
    # text, not all of it (20,000 characters take it ~2 ms a hit).
    first_match = (
        re.compile(r"(?<!\w)(?:" + "|".join(re.escape(stem) for stem in stems) + ")", re.IGNORECASE)
        if stems
        else None
    )
    hits = []
    for score, address in found:
        stored = searcher.doc(address)
        title = bytes(stored.get_first("title_original") or b"").decode()
        text = bytes(stored.get_first("text_original") or b"").decode()
        hits.append(
            SearchHit(
                id=int(stored.get_first("id") or 0),
                score=score,
                title_html=_highlight(title_snippets, "title", title, whole=True),
                text_html=_text_snippet(text_snippets, text, first_match),
            )
        )
    return hits


def _text_snippet(
    generator: tantivy.SnippetGenerator, text: str, first_match: re.Pattern[str] | None
) -> str:
    match = first_match.search(normalize(text)) if first_match else None
    if match is None:
        window_start = 0
    else:
        window_start = max(0, match.start() - SNIPPET_CHARS)
        # Start on a word boundary, so that no cut word becomes a token.
        space = text.find(" ", window_start)
        window_start = 0 if window_start == 0 or space < 0 else space + 1
    window_end = window_start + 4 * SNIPPET_CHARS
    window = text[window_start:window_end]
    html_window = _highlight(generator, "text", window, whole=False)
    if window_start > 0 and not html_window.startswith("…"):
        html_window = "…" + html_window
    if window_end < len(text) and not html_window.endswith("…"):
        html_window += "…"
    return html_window


def _highlight(
    generator: tantivy.SnippetGenerator, name: str, original: str, *, whole: bool
) -> str:
    """The engine's snippet of `original` as HTML: every character escaped, matches in
    <mark>. Offsets are bytes of the normalized text, which equal those of the original."""
    if not original:
        return ""
    snippet = generator.snippet_from_doc(tantivy.Document(**{name: normalize(original)}))
    encoded = original.encode()
    start, end = snippet.fragment_range().start, snippet.fragment_range().end
    if end <= start:
        fallback = original if whole else original[:SNIPPET_CHARS]
        return html.escape(fallback) + ("…" if len(fallback) < len(original) else "")
    offset = start
    if whole or not _has_word(encoded[:start]):
        start = 0
    if whole or not _has_word(encoded[end:]):
        end = len(encoded)
    parts = []
    cursor = start
    for highlighted in snippet.highlighted():
        mark_start, mark_end = highlighted.start + offset, highlighted.end + offset
        parts.append(html.escape(encoded[cursor:mark_start].decode()))
        parts.append(f"<mark>{html.escape(encoded[mark_start:mark_end].decode())}</mark>")
        cursor = mark_end
    parts.append(html.escape(encoded[cursor:end].decode()))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(encoded) else ""
    return prefix + "".join(parts) + suffix


_WORD_CHARACTER = re.compile(r"\w")


def _has_word(part: bytes) -> bool:
    return _WORD_CHARACTER.search(part.decode()) is not None


def similar(material_id: int, *, viewer: Visibility, limit: int = 5) -> list[int]:
    """Ids of the materials most like this one that the viewer may see, best first.

    "More like this" over the stored title and text: the material's most telling stems
    (frequent in it, rare in the library: tf·idf) become one OR query, ranked by BM25
    like a search; the material itself is left out.
    """
    index = open_index()
    index.reload()
    searcher = index.searcher()
    schema = index.schema
    own = tantivy.Query.term_query(schema, "id", material_id)
    found = searcher.search(own, limit=1, count=False).hits
    if not found:
        return []
    stored = searcher.doc(found[0][1])
    title = bytes(stored.get_first("title_original") or b"").decode()
    text = bytes(stored.get_first("text_original") or b"").decode()[:SIMILAR_TEXT_CHARS]
    frequency: dict[str, float] = {}
    for term in analyze(title):
        frequency[term] = frequency.get(term, 0.0) + SIMILAR_TITLE_WEIGHT
    for term in analyze(text):
        frequency[term] = frequency.get(term, 0.0) + 1.0
    documents = max(int(searcher.num_docs), 1)
    # In a small library a share means little: only a stem in every document is dropped.
    most = documents * SIMILAR_MAX_SHARE if documents >= 100 else documents - 1
    weighted = []
    for term, count in frequency.items():
        if len(term) < 3:
            continue
        df = _document_frequency(searcher, term)
        # Seen elsewhere (df ≥ 2), and not in most of the library (no signal there).
        if 2 <= df <= most:
            weighted.append((count * math.log(documents / df), term))
    terms = sorted(weighted, reverse=True)[:SIMILAR_TERMS]
    if not terms:
        return []
    content = tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Should, tantivy.Query.boost_query(_term_in_fields(schema, term), w))
            for w, term in terms
        ]
    )
    query = _combine(content, _restriction(schema, viewer, {}), [own])
    result = searcher.search(query, limit=limit, count=False)
    return [int(searcher.doc(address).get_first("id") or 0) for _score, address in result.hits]
