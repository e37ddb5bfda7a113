"""One component for phrase rules: questions' decline rules and reviews' situation rules.

Both are a shop's ordered list of phrase sets that the policy matcher compiles; the first enabled
rule that matches wins. What they share lives here: the abstract model, reading the phrase lines,
one ordering algorithm, create/update/delete/move under a per-shop lock around each app's own
checks, one compiled-rules cache keyed by the shop's rules version, and the dry run's result.
An app describes its rules with a :class:`PhraseRuleKind` subclass (its model, how it locks and
versions, what else it validates, how it compiles); its services.py exposes plain functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sellerdesk.core.models import Shop
from sellerdesk.core.shop_cache import ShopVersionCache


class PhraseRule(models.Model):
    """Fields and reading shared by every phrase rule; each app adds its shop link and payload."""

    position = models.PositiveIntegerField(gettext_lazy("position"), default=0)
    phrases = models.TextField(
        gettext_lazy("phrases"), blank=True, help_text=gettext_lazy("One phrase per line.")
    )
    exclusions = models.TextField(
        gettext_lazy("exclusions"),
        blank=True,
        help_text=gettext_lazy("One phrase per line; a match here cancels the rule."),
    )
    fuzzy = models.BooleanField(gettext_lazy("fuzzy matching"), default=False)
    enabled = models.BooleanField(gettext_lazy("enabled"), default=True)

    shop_id: int

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    @property
    def phrase_list(self) -> list[str]:
        return [line.strip() for line in self.phrases.splitlines() if line.strip()]

    @property
    def exclusion_list(self) -> list[str]:
        return [line.strip() for line in self.exclusions.splitlines() if line.strip()]


RuleT = TypeVar("RuleT", bound=PhraseRule)
CompiledT = TypeVar("CompiledT")


def phrase_lines(value: str | Sequence[str]) -> str:
    """A textarea or a list of phrases as stored: one trimmed phrase per line, no blank lines."""
    lines = value.splitlines() if isinstance(value, str) else list(value)
    return "\n".join(line.strip() for line in lines if line and line.strip())


def phrase_rule_fill(rule: PhraseRule, fields: dict[str, Any], *, fuzzy_default: bool) -> None:
    """The shared fields from a form's or a file's values, then the checks every rule needs."""
    from sellerdesk.policy.matcher import phrase_is_matchable

    rule.phrases = phrase_lines(fields.get("phrases") or "")
    rule.exclusions = phrase_lines(fields.get("exclusions") or "")
    rule.fuzzy = bool(fields.get("fuzzy", fuzzy_default))
    rule.enabled = bool(fields.get("enabled", True))
    unmatchable = [p for p in rule.phrase_list + rule.exclusion_list if not phrase_is_matchable(p)]
    if unmatchable:
        raise ValidationError(
            {
                "phrases": _("These lines have no letters and can never match: %(lines)s")
                % {"lines": ", ".join(unmatchable)}
            }
        )


def phrase_rules_reorder(rules: list[RuleT], rule: RuleT, offset: int) -> list[RuleT]:
    """The one ordering algorithm: move ``rule`` by ``offset`` places (clamped to the list) and
    number the list 0, 1, 2 …; returns the rules whose position changed."""
    index = next(i for i, item in enumerate(rules) if item.pk == rule.pk)
    target = max(0, min(len(rules) - 1, index + offset))
    ordered = list(rules)
    ordered.insert(target, ordered.pop(index))
    changed = []
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            changed.append(item)
    return changed


class PhraseRuleKind(Generic[RuleT, CompiledT]):
    """How one app's phrase rules are stored, checked, versioned and compiled.

    Subclasses set ``model`` and implement ``lock``, ``version``, ``changed``, ``fill`` and
    ``compile``; ``validate`` may add checks that need the whole set.
    """

    model: ClassVar[type[Any]]
    cache_limit: ClassVar[int] = 512

    def __init__(self) -> None:
        self._cache: ShopVersionCache[CompiledT] = ShopVersionCache(limit=self.cache_limit)

    # --- Hooks --------------------------------------------------------------------------------

    def lock(self, shop: Shop) -> None:
        """Serialise rule edits of one shop (lock the row that holds its rules version)."""
        raise NotImplementedError

    def version(self, shop: Shop | int) -> int:
        """The shop's rules version: every saved change bumps it."""
        raise NotImplementedError

    def changed(self, shop: Shop) -> None:
        """Bump the version (a new cache key in every process) and start the app's follow-ups."""
        raise NotImplementedError

    def fill(self, rule: RuleT, fields: dict[str, Any]) -> None:
        raise NotImplementedError

    def validate(self, rule: RuleT, rules: list[RuleT]) -> None:
        """Checks against the whole set, after ``fill``; the default is the model's own."""
        rule.full_clean(exclude=["shop"], validate_unique=False)

    def compile(self, rules: Iterable[RuleT]) -> CompiledT:
        raise NotImplementedError

    # --- Reads --------------------------------------------------------------------------------

    def rules(self, shop: Shop | int) -> list[RuleT]:
        return list(self.model.objects.for_shop(shop).order_by("position", "id"))

    def compiled(self, shop: Shop | int, rules: Iterable[RuleT] | None = None) -> CompiledT:
        """The shop's saved rules compiled, once per rules version in this process."""
        shop_id = shop if isinstance(shop, int) else shop.pk
        return self.compiled_at(shop_id, self.version(shop), rules)

    def compiled_at(
        self, shop_id: int, version: int, rules: Iterable[RuleT] | None = None
    ) -> CompiledT:
        def build() -> CompiledT:
            return self.compile(rules if rules is not None else self.rules(shop_id))

        return self._cache.get_or_build(shop_id, version, build)

    def cache_clear(self) -> None:
        self._cache.clear()

    # --- Writes -------------------------------------------------------------------------------

    def _locked(self, shop: Shop) -> list[RuleT]:
        self.lock(shop)
        return self.rules(shop)

    @transaction.atomic
    def create(self, *, shop: Shop, fields: dict[str, Any]) -> RuleT:
        """Add a rule at the end of the shop's list."""
        rules = self._locked(shop)
        rule: RuleT = self.model(shop=shop)
        self.fill(rule, fields)
        rule.position = len(rules) and max(item.position for item in rules) + 1
        self.validate(rule, rules)
        rule.save()
        self.changed(shop)
        return rule

    @transaction.atomic
    def update(self, *, rule: RuleT, fields: dict[str, Any]) -> RuleT:
        shop = rule.shop  # type: ignore[attr-defined]  # each concrete model declares its shop link
        rules = self._locked(shop)
        rule = next(item for item in rules if item.pk == rule.pk)
        self.fill(rule, fields)
        self.validate(rule, rules)
        rule.save()
        self.changed(shop)
        return rule

    @transaction.atomic
    def delete(self, *, rule: RuleT) -> None:
        shop = rule.shop  # type: ignore[attr-defined]
        self._locked(shop)
        rule.delete()
        self.changed(shop)

    @transaction.atomic
    def move(self, *, rule: RuleT, offset: int) -> None:
        """Up (offset -1) or down (+1); the order decides which rule wins."""
        shop = rule.shop  # type: ignore[attr-defined]
        rules = self._locked(shop)
        changed = phrase_rules_reorder(rules, rule, offset)
        for item in changed:
            item.save(update_fields=["position"])
        if changed:
            self.changed(shop)


# --- Dry runs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DryRunRow:
    """One item of a dry run, split around the matched span for highlighting."""

    item_id: int
    text: str
    label: str  # what the edited rules make of it: the rule's name, the situation
    matched: str
    start: int
    end: int
    previous_label: str = ""  # what the saved rules made of it, when that differs

    @property
    def before(self) -> str:
        return self.text[: self.start]

    @property
    def highlight(self) -> str:
        return self.text[self.start : self.end]

    @property
    def after(self) -> str:
        return self.text[self.end :]


@dataclass(frozen=True)
class DryRunResult:
    sample_size: int
    matched: list[DryRunRow]  # everything the edited rules catch
    newly_matched: list[DryRunRow]  # caught now, left alone by the saved rules
    no_longer_matched: list[DryRunRow]  # caught by the saved rules, left alone now
    changed: list[DryRunRow]  # caught by both, with another outcome now


@dataclass(frozen=True)
class Outcome:
    label: str
    matched: str
    start: int
    end: int


def dry_run_compare(
    sample: Sequence[tuple[int, str]],
    saved: Callable[[str], Outcome | None],
    edited: Callable[[str], Outcome | None],
) -> DryRunResult:
    """Run the saved and the edited rules over ``sample`` ((id, text) pairs) and sort the rows."""
    matched: list[DryRunRow] = []
    newly: list[DryRunRow] = []
    stopped: list[DryRunRow] = []
    changed: list[DryRunRow] = []
    for item_id, text in sample:
        before, after = saved(text), edited(text)
        if after is not None:
            row = DryRunRow(
                item_id=item_id,
                text=text,
                label=after.label,
                matched=after.matched,
                start=after.start,
                end=after.end,
                previous_label=before.label if before is not None else "",
            )
            matched.append(row)
            if before is None:
                newly.append(row)
            elif before.label != after.label:
                changed.append(row)
        elif before is not None:
            stopped.append(
                DryRunRow(
                    item_id=item_id,
                    text=text,
                    label=before.label,
                    matched=before.matched,
                    start=before.start,
                    end=before.end,
                )
            )
    return DryRunResult(
        sample_size=len(sample),
        matched=matched,
        newly_matched=newly,
        no_longer_matched=stopped,
        changed=changed,
    )
