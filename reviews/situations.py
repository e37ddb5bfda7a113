"""Which situation an unhappy review describes: the shop's phrase rules on the policy matcher.

The rules compile into one ``sellerdesk.policy.matcher.PhraseMatcher`` (word forms,
typos when fuzzy, exclusions per rule, Han text folded to Simplified) and are cached
per process by the shop's ``rules_version``, so classifying costs one scan.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from reviews.models import ReviewSettings, Situation, SituationRule
from sellerdesk.core.phrase_rules import Outcome, PhraseRuleKind, phrase_rule_fill

if TYPE_CHECKING:
    from sellerdesk.core.models import Shop
    from sellerdesk.policy.matcher import PhraseMatcher

DEFAULT_RULES_FILE = Path(__file__).resolve().parent / "data" / "situation_rules.json"


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


def compile_rules(rules: Iterable[SituationRule]) -> PhraseMatcher:
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
                label=f"{rule.pk or 0}:{rule.situation}",  # 0: an unsaved rule (a dry run)
                phrases=phrases,
                exclude=tuple(p for p in rule.exclusion_list if phrase_is_matchable(p)),
                fuzzy=rule.fuzzy,
            )
        )
    return PhraseMatcher(sets)


class SituationRules(PhraseRuleKind[SituationRule, "PhraseMatcher"]):
    model = SituationRule
    cache_limit = 256

    def lock(self, shop: Shop) -> None:
        from reviews.services import review_settings_ensure

        review_settings_ensure(shop=shop)
        ReviewSettings.objects.select_for_update().get(shop=shop)

    def version(self, shop: Shop | int) -> int:
        found = ReviewSettings.objects.filter(shop=shop).values_list("rules_version", flat=True)
        return found.first() or 0

    def changed(self, shop: Shop) -> None:
        """New rules: a new cache key, and the waiting unhappy reviews are classified again after commit."""
        from reviews import tasks
        from reviews.services import review_settings_ensure

        review_settings_ensure(shop=shop)
        ReviewSettings.objects.filter(shop=shop).update(rules_version=F("rules_version") + 1)
        transaction.on_commit(partial(tasks.reviews_reclassify.delay, shop.pk))

    def fill(self, rule: SituationRule, fields: dict[str, Any]) -> None:
        rule.situation = fields.get("situation") or rule.situation
        phrase_rule_fill(rule, fields, fuzzy_default=False)

    def validate(self, rule: SituationRule, rules: list[SituationRule]) -> None:
        if not rule.phrase_list:
            raise ValidationError({"phrases": _("Add at least one phrase.")})
        super().validate(rule, rules)

    def compile(self, rules: Iterable[SituationRule]) -> PhraseMatcher:
        return compile_rules(rules)


SITUATION_RULES = SituationRules()


def matcher_for_shop(shop_id: int, version: int) -> PhraseMatcher:
    """The compiled rules of the shop at ``version`` (compiled on first use in this process)."""
    return SITUATION_RULES.compiled_at(shop_id, version)


def outcome(matcher: PhraseMatcher, text: str) -> Outcome | None:
    """The dry run's view of one text: the situation the first matching rule gives, if any."""
    found = classify_text(matcher, text)
    if found.start is None or found.end is None:
        return None
    return Outcome(
        label=str(Situation(found.situation).label),
        matched=found.matched,
        start=found.start,
        end=found.end,
    )


def classify_text(matcher: PhraseMatcher, text: str) -> Classification:
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
        rule_id=int(rule_id) or None,
    )


def cache_clear() -> None:
    SITUATION_RULES.cache_clear()
