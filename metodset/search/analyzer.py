"""The one Russian analyzer, and the text-level helpers of the query language.

Index time and query time go through the same two steps: `normalize` (ё → е, done in
Python because tantivy has no char filter) and the tantivy analyzer built here
(simple tokenizer, lower-case, Russian stop words, Snowball Russian stemmer). `normalize`
maps one character to one character of the same UTF-8 length, so the byte offsets of a
snippet taken from normalized text are valid in the original text too.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import tantivy

ANALYZER_NAME = "ru"
SPELLING_ANALYZER_NAME = "ru_words"


# Snowball's Russian list spells some words with ё, so their normalized forms are added;
# question words are added so that «почему не работает проектор» keeps its content words
# only. The same list applies at index time, so these words are never in the index.
EXTRA_STOP_WORDS = [
    "ее",
    "еще",
    "все",
    "почему",
    "зачем",
    "откуда",
    "куда",
    "сколько",
    "каков",
    "какова",
    "каково",
    "каковы",
    "который",
    "которая",
    "которое",
    "которые",
    "это",
    "этот",
    "эта",
    "эти",
    "нужно",
    "можно",
]


def normalize(text: str) -> str:
    """ё → е, character for character (lengths and byte offsets are preserved)."""
    # Two replaces beat str.translate by far on long Cyrillic text.
    return text.replace("ё", "е").replace("Ё", "Е")


@cache
def text_analyzer() -> tantivy.TextAnalyzer:
    """The analyzer of every searchable text field; registered on the index as "ru"."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(64))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("russian"))
        .filter(tantivy.Filter.custom_stopword(EXTRA_STOP_WORDS))
        .filter(tantivy.Filter.stemmer("russian"))
        .build()
    )


@cache
def spelling_analyzer() -> tantivy.TextAnalyzer:
    """Whole lower-cased words, for the term dictionary that suggestions are built from."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(32))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def analyze(text: str) -> list[str]:
    """The index terms of `text` (stems without stop words)."""
    return text_analyzer().analyze(normalize(text))


def analyze_with_positions(text: str) -> list[tuple[int, str]]:
    """Terms with their positions, stop words leaving gaps, for phrase queries."""
    tokens = text_analyzer().pre_tokenize(normalize(text)).tokens
    return [(token.position, token.text) for token in tokens]


# The query language -------------------------------------------------------------------

_QUERY_PART = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)')


@dataclass
class ParsedQuery:
    """A query string split into its parts: plain words, "phrases" and -minus words."""

    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    minus: list[str] = field(default_factory=list)


def parse_query(query: str) -> ParsedQuery:
    """Split `query`; an unclosed quote is read as plain words."""
    if query.count('"') % 2:
        query = query.replace('"', " ")
    parsed = ParsedQuery()
    for match in _QUERY_PART.finditer(query):
        minus_phrase, phrase, minus_word, word = match.groups()
        if phrase is not None:
            if not phrase.strip():
                continue
            (parsed.minus if minus_phrase else parsed.phrases).append(phrase.strip())
        elif minus_word:
            parsed.minus.append(word)
        elif word.strip("-"):
            parsed.words.append(word)
    return parsed


# Other scripts: keyboard layout and transliteration -----------------------------------

_LATIN_KEYS = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_CYRILLIC_KEYS = "йцукенгшщзхъфывапролджэячсмитьбюё"
_TO_CYRILLIC_LAYOUT = str.maketrans(_LATIN_KEYS + _LATIN_KEYS.upper(), _CYRILLIC_KEYS * 2)
_TO_LATIN_LAYOUT = str.maketrans(_CYRILLIC_KEYS + _CYRILLIC_KEYS.upper(), _LATIN_KEYS * 2)
_LATIN_WORD = re.compile(r"^[a-z]+$")
_CYRILLIC_WORD = re.compile(r"^[а-яё]+$")

# A small phonetic transliteration with alternatives, enough for borrowed words
# (python ↔ питон, excel ↔ эксель); each letter group lists its likely readings.
_LATIN_TO_CYRILLIC: dict[str, tuple[str, ...]] = {
    "shch": ("щ",),
    "sch": ("щ", "ш"),
    "sh": ("ш",),
    "ch": ("ч",),
    "zh": ("ж",),
    "kh": ("х",),
    "ts": ("ц",),
    "ya": ("я",),
    "yu": ("ю",),
    "yo": ("е", "йо"),
    "ph": ("ф",),
    "th": ("т",),
    "ck": ("к",),
    "ee": ("и",),
    "oo": ("у",),
    "a": ("а", "э"),
    "b": ("б",),
    "c": ("к", "ц", "с"),
    "d": ("д",),
    "e": ("е", "э"),
    "f": ("ф",),
    "g": ("г", "дж"),
    "h": ("х", ""),
    "i": ("и", "ай"),
    "j": ("дж", "й"),
    "k": ("к",),
    "l": ("л", "ль"),
    "m": ("м",),
    "n": ("н",),
    "o": ("о",),
    "p": ("п",),
    "q": ("к",),
    "r": ("р",),
    "s": ("с", "з"),
    "t": ("т",),
    "u": ("у", "а", "ю"),
    "v": ("в",),
    "w": ("в", "у"),
    "x": ("кс",),
    "y": ("и", "ы", "й"),
    "z": ("з",),
}
_CYRILLIC_TO_LATIN: dict[str, tuple[str, ...]] = {
    "а": ("a",),
    "б": ("b",),
    "в": ("v", "w"),
    "г": ("g",),
    "д": ("d",),
    "е": ("e",),
    "ж": ("zh", "j"),
    "з": ("z", "s"),
    "и": ("i", "y"),
    "й": ("y", "i", "j"),
    "к": ("k", "c"),
    "л": ("l",),
    "м": ("m",),
    "н": ("n",),
    "о": ("o",),
    "п": ("p",),
    "р": ("r",),
    "с": ("s", "c"),
    "т": ("t", "th"),
    "у": ("u", "oo"),
    "ф": ("f", "ph"),
    "х": ("h", "kh"),
    "ц": ("ts", "c"),
    "ч": ("ch",),
    "ш": ("sh",),
    "щ": ("sch", "shch"),
    "ъ": ("",),
    "ы": ("y",),
    "ь": ("",),
    "э": ("e", "a"),
    "ю": ("yu", "u"),
    "я": ("ya",),
}
MAX_TRANSLITERATIONS = 48


def _expand(word: str, table: dict[str, tuple[str, ...]]) -> Iterator[str]:
    """All readings of `word`, breadth-first, at most MAX_TRANSLITERATIONS of them."""
    longest = max(len(key) for key in table)
    readings = [""]
    position = 0
    while position < len(word):
        for size in range(longest, 0, -1):
            group = word[position : position + size]
            if group in table:
                readings = [reading + choice for reading in readings for choice in table[group]][
                    :MAX_TRANSLITERATIONS
                ]
                position += size
                break
        else:
            return
    yield from readings


def other_script_variants(word: str) -> list[str]:
    """The word as typed in the other keyboard layout, then its transliterations."""
    lowered = normalize(word.lower())
    variants: list[str] = []
    if _LATIN_WORD.match(lowered):
        variants.append(lowered.translate(_TO_CYRILLIC_LAYOUT))
        if len(lowered) >= 3:
            variants.extend(_expand(lowered, _LATIN_TO_CYRILLIC))
    elif _CYRILLIC_WORD.match(lowered):
        swapped = lowered.translate(_TO_LATIN_LAYOUT)
        if swapped.isalpha():
            variants.append(swapped)
        if len(lowered) >= 3:
            variants.extend(_expand(lowered, _CYRILLIC_TO_LATIN))
    return [variant for variant in dict.fromkeys(variants) if variant and variant != lowered]


RUSSIAN_LETTERS = "абвгдежзийклмнопрстуфхцчшщъыьэюя"


def single_edits(word: str) -> set[str]:
    """Every word one deletion, swap, replacement or insertion away (Cyrillic words)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    letters = RUSSIAN_LETTERS if _CYRILLIC_WORD.match(word) else "abcdefghijklmnopqrstuvwxyz"
    edits = {left + right[1:] for left, right in splits if right}
    edits |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    edits |= {left + letter + right[1:] for left, right in splits if right for letter in letters}
    edits |= {left + letter + right for left, right in splits for letter in letters}
    edits.discard(word)
    return edits


def edit_distance(first: str, second: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours costs 1), cut at limit+1."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(second) + 1))
    for i, first_char in enumerate(first, start=1):
        current = [i] + [0] * len(second)
        for j, second_char in enumerate(second, start=1):
            cost = 0 if first_char == second_char else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and first_char == second[j - 2] and first[i - 2] == second_char:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[-1]
