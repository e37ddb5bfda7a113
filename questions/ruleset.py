"""The shop's decline rules as the matcher sees them: JSON-shaped data and a compiled cache.

Matching itself lives in ``sellerdesk.policy.rules`` (pure Python); this module only
translates models into its input and keeps one compiled ``RuleSet`` per shop and
rules version in this process, so a busy worker compiles a shop's rules once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from questions.models import DeclineRule
    from sellerdesk.core.models import Shop
    from sellerdesk.policy.rules import RuleSet

_CACHE: dict[tuple[int, int], RuleSet] = {}
_CACHE_LOCK = threading.Lock()
# Old versions of a shop's rules are dropped when a newer one is compiled; this caps
# the cache when a process serves many shops.
_CACHE_LIMIT = 512


def rule_to_data(rule: DeclineRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "phrases": rule.phrase_list,
        "exclude": rule.exclusion_list,
        "fuzzy": rule.fuzzy,
        "kind": rule.kind,
        "enabled": rule.enabled,
        "reply": rule.reply_text,
    }


def rules_to_data(rules: Iterable[DeclineRule]) -> dict[str, Any]:
    """The import/export format: ``{"rules": [...]}`` in order."""
    return {"rules": [rule_to_data(rule) for rule in rules]}


def ruleset_compile(data: dict[str, Any]) -> RuleSet:
    from sellerdesk.policy.rules import load_rules

    return load_rules(data)


def ruleset_for_shop(shop: Shop | int, version: int, rules: Iterable[DeclineRule] | None = None) -> RuleSet:
    """The compiled rules of ``shop`` at ``version`` (compiled on first use in this process)."""
    from questions.models import DeclineRule

    shop_id = shop if isinstance(shop, int) else shop.pk
    key = (shop_id, version)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    if rules is None:
        rules = DeclineRule.objects.for_shop(shop_id).order_by("position", "id")
    compiled = ruleset_compile(rules_to_data(rules))
    with _CACHE_LOCK:
        for stale in [k for k in _CACHE if k[0] == shop_id]:
            del _CACHE[stale]
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = compiled
    return compiled


def ruleset_cache_clear() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()
