"""Loading of the data files under ``data/``: lexicons, phrase lists, messages."""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")


@cache
def read_lines(lang: str, name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of ``data/<lang>/<name>.txt`` (missing file: none)."""
    path = DATA_DIR / lang / f"{name}.txt"
    if not path.exists():
        return ()
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return tuple(lines)


@cache
def read_json(name: str) -> dict:
    return json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def traditional_to_simplified() -> dict[int, str]:
    """A str.translate table folding Traditional characters to Simplified ones (1:1)."""
    table: dict[int, str] = {}
    for line in read_lines("zh", "t2s"):
        if len(line) == 2:
            table[ord(line[0])] = line[1]
    return table


@lru_cache(maxsize=1)
def _traditional_re() -> re.Pattern[str]:
    """Any character the table changes (one C-level character-class scan)."""
    return re.compile("[" + "".join(map(chr, sorted(traditional_to_simplified()))) + "]")


@lru_cache(maxsize=64)
def to_simplified(folded: str) -> str:
    """Same-length Simplified spelling of already folded text (cached: one check asks thrice)."""
    if _traditional_re().search(folded) is None:
        return folded  # already Simplified (or no Han at all): skip the per-character table
    return folded.translate(traditional_to_simplified())
