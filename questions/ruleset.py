"""The shop's decline rules as a phrase-rule kind: JSON-shaped data, checks, compiled cache.

Matching itself lives in ``sellerdesk.policy.rules`` (pure Python); this module translates
models into its input and plugs decline rules into ``sellerdesk.core.phrase_rules`` (the
ordering, the writes under the shop's lock, one compiled ``RuleSet`` per shop and rules
version in this process, so a busy worker compiles a shop's rules once).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from questions.models import DeclineRule, QuestionSettings, RuleKind
from sellerdesk.core.phrase_rules import PhraseRuleKind, phrase_rule_fill

if TYPE_CHECKING:
    from sellerdesk.core.models import Shop
    from sellerdesk.policy.rules import RuleSet

# Where a rules-file error about a key belongs on the rule form.
_FIELD_FOR_FILE_KEY = {
    "name": "name",
    "phrases": "phrases",
    "exclude": "exclusions",
    "reply": "reply_text",
}


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


class DeclineRules(PhraseRuleKind[DeclineRule, "RuleSet"]):
    model = DeclineRule

    def lock(self, shop: Shop) -> None:
        from questions.services import question_settings_ensure

        question_settings_ensure(shop=shop)
        QuestionSettings.objects.select_for_update().get(shop=shop)

    def version(self, shop: Shop | int) -> int:
        found = QuestionSettings.objects.filter(shop=shop).values_list("rules_version", flat=True)
        return found.first() or 0

    def changed(self, shop: Shop) -> None:
        from questions.services import question_settings_ensure

        question_settings_ensure(shop=shop)
        QuestionSettings.objects.filter(shop=shop).update(
            rules_version=F("rules_version") + 1, rules_updated_at=timezone.now()
        )

    def fill(self, rule: DeclineRule, fields: dict[str, Any]) -> None:
        rule.name = (fields.get("name") or "").strip()
        rule.kind = fields.get("kind") or RuleKind.KEYWORDS
        rule.reply_text = (fields.get("reply_text") or "").strip()
        phrase_rule_fill(rule, fields, fuzzy_default=False)

    def validate(self, rule: DeclineRule, rules: list[DeclineRule]) -> None:
        """Model checks, then the matcher's checks on the whole set, then the reply policy."""
        from sellerdesk.policy.rules import RulesFileError, load_rules
        from sellerdesk.replycheck.services import ReplyBlocked, reply_guard

        super().validate(rule, rules)
        if any(other.name == rule.name and other.pk != rule.pk for other in rules):
            raise ValidationError({"name": _("Another rule already has this name.")})
        if rule.kind == RuleKind.KEYWORDS and not rule.phrase_list:
            raise ValidationError({"phrases": _("Add at least one phrase.")})
        candidate = [rule if rule.pk and other.pk == rule.pk else other for other in rules]
        if rule.pk is None:
            candidate.append(rule)
        try:
            load_rules(rules_to_data(candidate))
        except RulesFileError as error:
            field = _FIELD_FOR_FILE_KEY.get(error.field or "", "phrases")
            raise ValidationError({field: error.message(get_language())}) from error
        try:
            reply_guard(
                shop=rule.shop,
                text=rule.reply_text,
                channel="question_decline",
                warnings_confirmed=True,
            )
        except ReplyBlocked as refused:
            raise ValidationError({"reply_text": refused.messages}, code="policy") from refused

    def compile(self, rules: Iterable[DeclineRule]) -> RuleSet:
        return ruleset_compile(rules_to_data(rules))


DECLINE_RULES = DeclineRules()


def ruleset_for_shop(
    shop: Shop | int, version: int, rules: Iterable[DeclineRule] | None = None
) -> RuleSet:
    """The compiled rules of ``shop`` at ``version`` (compiled on first use in this process)."""
    shop_id = shop if isinstance(shop, int) else shop.pk
    return DECLINE_RULES.compiled_at(shop_id, version, rules)


def ruleset_cache_clear() -> None:
    DECLINE_RULES.cache_clear()
