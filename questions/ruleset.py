"""The shop's decline rules as the matcher sees them: JSON-shaped data and a compiled cache.

Matching itself lives in ``sellerdesk.policy.rules`` (pure Python); this module only
translates models into its input and keeps one compiled ``RuleSet`` per shop and
rules version in this process, so a busy worker compiles a shop's rules once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sellerdesk.core.shop_cache import ShopVersionCache

if TYPE_CHECKING:
    from questions.models import DeclineRule
    from sellerdesk.core.models import Shop
    from sellerdesk.policy.rules import RuleSet

_CACHE: ShopVersionCache[RuleSet] = ShopVersionCache(limit=512)


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


def ruleset_for_shop(
    shop: Shop | int, version: int, rules: Iterable[DeclineRule] | None = None
) -> RuleSet:
    """The compiled rules of ``shop`` at ``version`` (compiled on first use in this process)."""
    from questions.models import DeclineRule

    shop_id = shop if isinstance(shop, int) else shop.pk

    def build() -> RuleSet:
        saved = (
            rules
            if rules is not None
            else DeclineRule.objects.for_shop(shop_id).order_by("position", "id")
        )
        return ruleset_compile(rules_to_data(saved))

    return _CACHE.get_or_build(shop_id, version, build)


def ruleset_cache_clear() -> None:
    _CACHE.clear()
