"""The hostile inputs of the hardening report, shared by the adversarial tests here."""

from __future__ import annotations

import json

DEEP_BRACKETS = "[" * 100_000
DEEP_OBJECTS = '{"a":' * 50_000 + "1" + "}" * 50_000
LONG_NUMBER = "9" * 5000
# A personal template that joins a variable to itself a few hundred times.
SELF_JOIN_BODY = "{{ " + " ~ ".join(["buyer_name"] * 300) + " }}"
MEGABYTE_NAME = "Анна" * 250_000  # 1,000,000 characters


def jsonl(*items: object) -> str:
    return "".join((item if isinstance(item, str) else json.dumps(item)) + "\n" for item in items)


def variation_heavy_body(blocks: int = 20, alternatives: int = 10) -> str:
    """A body near 4,000 characters with ``blocks`` variations of ``alternatives`` wordings,
    each with template code."""
    parts = ["Здравствуйте, {{ buyer_name }}! "]
    for block in range(blocks):
        alts = "|".join(f"{{{{sku}}}}{block}{alt}" for alt in range(alternatives))
        parts.append("{~ " + alts + " ~} Спасибо. ")
    return "".join(parts)
