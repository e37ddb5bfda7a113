"""Near-duplicate replies: MinHash signatures with LSH bands (pure Python, no Django).

A reply becomes a set of shingles — pairs of adjacent words, Han characters counting
as words — after folding (case, ё, full-width forms, Traditional Chinese). Two replies
that differ only in the buyer's name or one word share most pairs; two wordings of a
template's variation block share few.

``signature`` keeps the minimum of ``PERMUTATIONS`` independent hash permutations over
the shingles: the share of equal positions in two signatures estimates the Jaccard
similarity of their shingle sets. The signature is cut into ``BANDS`` bands of ``ROWS``
values; each band hashes into one integer key. Replies that share any key are the
candidates worth comparing — at Jaccard 0.75 two replies share a key with probability
≈ 0.99, at 0.3 with ≈ 0.12 — so a store indexes the keys and compares only candidates.
"""

from __future__ import annotations

import hashlib
import itertools
import random
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
_PRIME = (1 << 61) - 1
_PACK = struct.Struct(f"<{PERMUTATIONS}Q")
_TOKEN_RE = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_\u3400-\u4dbf\u4e00-\u9fff]+"
)

# Fixed seeds: signatures are stored, so the permutations must never change.
_rng = random.Random(20261202)
_COEFFS = tuple((_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(PERMUTATIONS))


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "little")


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(fold_han(fold(text)))


def shingles(text: str) -> set[int]:
    """Hashed pairs of adjacent tokens (a one-word reply is its one word)."""
    words = tokens(text)
    if len(words) < 2:
        return {_hash64(word) for word in words}
    return {_hash64(f"{a}\x1f{b}") for a, b in itertools.pairwise(words)}


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
    hashed = shingles(text)
    if not hashed:
        return None
    prime = _PRIME
    values = tuple(min((a * h + b) % prime for h in hashed) for a, b in _COEFFS)
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
