"""Near-duplicate replies: MinHash signatures with LSH bands (pure Python, no Django).

A reply becomes a set of shingles — its words and pairs of adjacent words, Han characters
counting as words — after folding (case, ё, full-width forms, Traditional Chinese). Two replies
that differ only in the buyer's name or one word share most pairs; two wordings of a
template's variation block share few.

``signature`` keeps, for each of ``PERMUTATIONS`` independent hash functions, the minimum
over the shingles (each shingle's ``PERMUTATIONS`` values are one SHAKE-128 output, so the
work per shingle is one hash call and the minima are taken in C): the share of equal positions in two signatures estimates the Jaccard
similarity of their shingle sets. The signature is cut into ``BANDS`` bands of ``ROWS``
values; each band hashes into one integer key. Replies that share any key are the
candidates worth comparing — at Jaccard 0.75 two replies share a key with probability
≈ 0.99, at 0.3 with ≈ 0.12 — so a store indexes the keys and compares only candidates.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import struct
from dataclasses import dataclass

from sellerdesk.policy.matcher import fold_han
from sellerdesk.policy.text import fold

__all__ = [
    "BANDS",
    "PERMUTATIONS",
    "ROWS",
    "Signature",
    "estimate",
    "jaccard",
    "shingles",
    "signature",
    "unpack",
]

PERMUTATIONS = 64
BANDS = 16
ROWS = PERMUTATIONS // BANDS
_PACK = struct.Struct(f"<{PERMUTATIONS}Q")
_TOKEN_RE = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_\u3400-\u4dbf\u4e00-\u9fff]+"
)

# Signatures are stored: the hash functions (SHAKE-128 over the shingle) must never change.
_SHINGLE_VALUES = struct.Struct(f"<{PERMUTATIONS}Q")


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "little")


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(fold_han(fold(text)))


def _pairs(text: str) -> set[str]:
    """Words and pairs of adjacent words: a changed name costs one word and two pairs."""
    words = tokens(text)
    return {*words, *(f"{a}\x1f{b}" for a, b in itertools.pairwise(words))}


def shingles(text: str) -> set[int]:
    """Hashed words and pairs of adjacent words."""
    return {_hash64(pair) for pair in _pairs(text)}


def jaccard(a: set[int], b: set[int]) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


@dataclass(frozen=True, slots=True)
class Signature:
    values: tuple[int, ...]
    bands: tuple[int, ...]  # signed 63-bit keys, one per band (position mixed in)

    def pack(self) -> bytes:
        return _PACK.pack(*self.values)


def signature(text: str) -> Signature | None:
    """The text's signature, or None when it has no words to compare."""
    pairs = _pairs(text)
    if not pairs:
        return None
    size = _SHINGLE_VALUES.size
    rows = [
        _SHINGLE_VALUES.unpack(hashlib.shake_128(pair.encode("utf-8")).digest(size))
        for pair in pairs
    ]
    values = tuple(map(min, zip(*rows, strict=True)))
    return Signature(values=values, bands=band_keys(values))


def band_keys(values: tuple[int, ...]) -> tuple[int, ...]:
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(struct.pack(f"<B{ROWS}Q", band, *chunk), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True) >> 1)
    return tuple(keys)


def unpack(data: bytes) -> tuple[int, ...]:
    return _PACK.unpack(bytes(data))


def estimate(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / PERMUTATIONS
