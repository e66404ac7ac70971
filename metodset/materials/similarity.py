"""Near-duplicate detection: word shingles, MinHash signatures and LSH bands.

A material's extracted text becomes a `signature` (128 integers below 2**61, so each fits
a signed 64-bit column) and 32 `bands` (short strings to index in a table). Two materials
that share a band are candidates; `similarity` of their signatures estimates the Jaccard
similarity of their 5-word shingle sets.

Threshold: `NEAR_COPY_THRESHOLD` = 0.7. Jaccard over 5-word shingles falls fast with
edits: each changed word breaks up to five shingles, so a copy with one word in 30
changed scores about (1 - 5/30) / (1 + 5/30) ≈ 0.71, and one in 50 about 0.82. Measured on
the texts of `tests/test_similarity.py` (about 280 words each), exact Jaccard / MinHash
estimate: the same plan with a new author, school, homework and two reworded sentences
0.75 / 0.73; one word in 30 replaced 0.72 / 0.74; one in 50 0.84 / 0.76; one in 10
0.33 / 0.28; another teacher's plan of the same lesson 0.00 / 0.00. The estimate's
standard error with 128 permutations is √(J(1-J)/128) ≈ 0.04 at J = 0.7, so 0.7 keeps
light edits flagged while texts that merely share a topic stay far below.
With 32 bands of 4 rows a pair at J = 0.7 becomes a candidate with probability
1 - (1 - 0.7**4)**32 ≈ 0.9998, at J = 0.5 about 0.87, at J = 0.2 about 0.05.

Everything is derived from blake2b, never from Python's `hash()`, which is salted per
process: signatures stored today must compare with those computed by tomorrow's worker.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Final

SHINGLE_WORDS: Final = 5
PERMUTATIONS: Final = 128
BAND_COUNT: Final = 32
ROWS_PER_BAND: Final = PERMUTATIONS // BAND_COUNT
NEAR_COPY_THRESHOLD: Final = 0.7
# A Mersenne prime above any 60-bit shingle hash: (a*x + b) mod p is a permutation family.
PRIME: Final = (1 << 61) - 1
# The value of every position in the signature of a text without words.
EMPTY: Final = PRIME
SEED: Final = b"metodset-minhash-v1"
SIGNATURE_BYTES: Final = PERMUTATIONS * 8

_WORD: Final = re.compile(r"[^\W_]+")


def _permutation_coefficients() -> tuple[tuple[int, int], ...]:
    coefficients = []
    for index in range(PERMUTATIONS):
        digest = hashlib.blake2b(index.to_bytes(4, "big"), digest_size=16, key=SEED).digest()
        a = int.from_bytes(digest[:8], "big") % (PRIME - 1) + 1
        b = int.from_bytes(digest[8:], "big") % PRIME
        coefficients.append((a, b))
    return tuple(coefficients)


_COEFFICIENTS: Final = _permutation_coefficients()


def normalize(text: str) -> list[str]:
    """Words of `text`, lower-cased, with ё read as е; punctuation and underscores dropped."""
    return _WORD.findall(text.lower().replace("ё", "е"))


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The set of `size`-word runs of `text`; a shorter text is one shingle of all its words."""
    words = normalize(text)
    if not words:
        return set()
    if len(words) < size:
        return {" ".join(words)}
    return {" ".join(words[index : index + size]) for index in range(len(words) - size + 1)}


def _shingle_hash(shingle: str) -> int:
    digest = hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % PRIME


def signature(text: str) -> tuple[int, ...]:
    """The MinHash signature of `text`: `PERMUTATIONS` integers in [0, 2**61 - 1]."""
    hashes = [_shingle_hash(shingle) for shingle in shingles(text)]
    if not hashes:
        return (EMPTY,) * PERMUTATIONS
    return tuple(min((a * value + b) % PRIME for value in hashes) for a, b in _COEFFICIENTS)


def is_empty(sig: Sequence[int]) -> bool:
    """True for the signature of a text without words, which resembles nothing."""
    return all(value == EMPTY for value in sig)


def bands(sig: Sequence[int]) -> list[str]:
    """LSH band keys («07:3fa2…»): two texts sharing any key are near-copy candidates.

    A text without words has no bands, so empty files never match each other.
    """
    _check(sig)
    if is_empty(sig):
        return []
    keys = []
    for band in range(BAND_COUNT):
        rows = sig[band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
        data = b"".join(value.to_bytes(8, "big") for value in rows)
        digest = hashlib.blake2b(data, digest_size=8, key=SEED).hexdigest()
        keys.append(f"{band:02d}:{digest}")
    return keys


def similarity(sig_a: Sequence[int], sig_b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two texts' shingle sets, from 0.0 to 1.0."""
    _check(sig_a)
    _check(sig_b)
    if is_empty(sig_a) or is_empty(sig_b):
        return 0.0
    equal = sum(1 for left, right in zip(sig_a, sig_b, strict=True) if left == right)
    return equal / PERMUTATIONS


estimated_jaccard = similarity


def is_near_copy(sig_a: Sequence[int], sig_b: Sequence[int]) -> bool:
    return similarity(sig_a, sig_b) >= NEAR_COPY_THRESHOLD


def jaccard(text_a: str, text_b: str) -> float:
    """The exact Jaccard similarity of two texts' shingles (for tests and measurements)."""
    first, second = shingles(text_a), shingles(text_b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def signature_to_bytes(sig: Sequence[int]) -> bytes:
    """Pack a signature into `SIGNATURE_BYTES` bytes for a binary column."""
    _check(sig)
    return b"".join(value.to_bytes(8, "big") for value in sig)


def signature_from_bytes(data: bytes) -> tuple[int, ...]:
    if len(data) != SIGNATURE_BYTES:
        raise ValueError(f"A signature takes {SIGNATURE_BYTES} bytes, not {len(data)}")
    return tuple(int.from_bytes(data[index : index + 8], "big") for index in range(0, len(data), 8))


def _check(sig: Sequence[int]) -> None:
    if len(sig) != PERMUTATIONS:
        raise ValueError(f"A signature has {PERMUTATIONS} values, not {len(sig)}")
