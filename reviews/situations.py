"""Which situation an unhappy review describes: the shop's phrase rules on the policy matcher.

The rules compile into one ``sellerdesk.policy.matcher.PhraseMatcher`` (word forms,
typos when fuzzy, exclusions per rule, Han text folded to Simplified) and are cached
per process by the shop's ``rules_version``, so classifying costs one scan.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reviews.models import Situation, SituationRule
from sellerdesk.core.shop_cache import ShopVersionCache

DEFAULT_RULES_FILE = Path(__file__).resolve().parent / "data" / "situation_rules.json"
_CACHE: ShopVersionCache[object] = ShopVersionCache(limit=256)


@dataclass(frozen=True)
class Classification:
    situation: str
    matched: str = ""
    start: int | None = None
    end: int | None = None
    rule_id: int | None = None


@cache
def default_rules() -> list[dict]:
    return json.loads(DEFAULT_RULES_FILE.read_text(encoding="utf-8"))["rules"]


def compile_rules(rules: Iterable[SituationRule]):
    """A matcher whose set labels are rule ids (as text); disabled and empty rules are left out."""
    from sellerdesk.policy.matcher import PhraseMatcher, PhraseSet, phrase_is_matchable

    sets = []
    for rule in rules:
        if not rule.enabled:
            continue
        phrases = tuple(p for p in rule.phrase_list if phrase_is_matchable(p))
        if not phrases:
            continue
        sets.append(
            PhraseSet(
                label=f"{rule.pk}:{rule.situation}",
                phrases=phrases,
                exclude=tuple(p for p in rule.exclusion_list if phrase_is_matchable(p)),
                fuzzy=rule.fuzzy,
            )
        )
    return PhraseMatcher(sets)


def matcher_for_shop(shop_id: int, version: int):
    """The compiled rules of the shop at ``version`` (compiled on first use in this process)."""
    return _CACHE.get_or_build(
        shop_id,
        version,
        lambda: compile_rules(SituationRule.objects.for_shop(shop_id).order_by("position", "id")),
    )


def classify_text(matcher, text: str) -> Classification:
    """The first rule in order that matches ``text``; «other» when none does."""
    match = matcher.first(text) if text.strip() else None
    if match is None:
        return Classification(situation=Situation.OTHER)
    rule_id, situation = match.label.split(":", 1)
    return Classification(
        situation=situation,
        matched=match.text[:200],
        start=match.start,
        end=match.end,
        rule_id=int(rule_id),
    )


def cache_clear() -> None:
    _CACHE.clear()
