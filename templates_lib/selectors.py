"""Reads for reply templates: visibility, lists, the picker's ranked search, variables."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from rapidfuzz import fuzz, utils

from sellerdesk.core.models import Shop
from sellerdesk.policy.lang import engine_lang
from templates_lib import rendering
from templates_lib.models import Category, Channel, CustomVariable, ReplyTemplate, TemplateUse

SHIPPED_FILE = Path(__file__).resolve().parent / "data" / "default_templates.json"
# Shipped decline reasons carry keys "decline:<reason>"; installed copies "decline:<reason>:<lang>".
DECLINE_REASON_PREFIX = "decline:"

# A search hit needs at least this text similarity (0–100) to be listed at all.
MIN_SCORE = 55.0
# Weight of the seller's own usage: log-scaled so a favourite wins ties and near-ties
# but cannot push an unrelated template above a real match.
USAGE_WEIGHT = 6.0
USAGE_BOOST_CAP = 24.0
BODY_WEIGHT = 0.85
TAG_WEIGHT = 0.9
NAME_SUBSTRING_BONUS = 5.0


def template_visible_q(user: AbstractBaseUser) -> Q:
    """Shop-wide templates plus the person's own personal ones."""
    return Q(owner__isnull=True) | Q(owner=user)


def template_list(
    *,
    shop: Shop,
    user: AbstractBaseUser,
    channel: str = "",
    category: str = "",
    language: str = "",
    query: str = "",
    scope: str = "",
) -> QuerySet[ReplyTemplate]:
    templates = (
        ReplyTemplate.objects.for_shop(shop)
        .filter(template_visible_q(user))
        .select_related("owner")
    )
    if category:
        templates = templates.filter(category=category)
    if language:
        templates = templates.filter(language=language)
    if scope == "personal":
        templates = templates.filter(owner_id=user.pk)
    elif scope == "shop":
        templates = templates.filter(owner__isnull=True)
    if query:
        templates = templates.filter(
            Q(name__icontains=query) | Q(body__icontains=query) | Q(tags__icontains=query)
        )
    if channel:
        # channels is a JSON list; a Python filter keeps this portable (shops hold hundreds, not millions)
        ids = [
            pk
            for pk, channels in templates.values_list("pk", "channels")
            if channel in (channels or [])
        ]
        templates = templates.filter(pk__in=ids)
    return templates.order_by("category", "language", "name")


def template_get_visible(
    *, shop: Shop, user: AbstractBaseUser, template_id: int
) -> ReplyTemplate | None:
    return (
        ReplyTemplate.objects.for_shop(shop)
        .filter(template_visible_q(user), pk=template_id)
        .first()
    )


@dataclass(frozen=True)
class PickerHit:
    template: ReplyTemplate
    score: float
    own_uses: int
    snippet: str = ""


def base_context(*, shop: Shop, user: AbstractBaseUser | None) -> dict[str, object]:
    """Values known without a conversation: custom variables, the shop, the seller."""
    context: dict[str, object] = dict(custom_variable_values(shop=shop))
    context["shop_name"] = shop.name
    first_name = getattr(user, "first_name", "") if user is not None else ""
    if first_name:
        context["seller_name"] = first_name
    return context


def _snippet(template: ReplyTemplate, context: dict[str, object]) -> str:
    """The text as the seller will get it (first wording, blanks as {{ name }})."""
    try:
        return rendering.render(template.body, context, mode="placeholder")
    except (rendering.TemplateBodyError, rendering.RenderError):
        return template.body


def _usage_boost(count: int) -> float:
    return min(USAGE_BOOST_CAP, USAGE_WEIGHT * math.log2(1 + count))


def _text_score(query: str, template: ReplyTemplate) -> float:
    processed = utils.default_process(query)
    if not processed:
        return 0.0
    name = utils.default_process(template.name)
    name_score = fuzz.WRatio(processed, name, processor=None)
    body_score = fuzz.partial_token_set_ratio(
        processed, template.body, processor=utils.default_process
    )
    tag_score = max(
        (
            fuzz.WRatio(processed, tag, processor=utils.default_process)
            for tag in template.tags or []
        ),
        default=0.0,
    )
    # the name is what the seller remembers; tags and the body back it up
    score = max(name_score, BODY_WEIGHT * body_score, TAG_WEIGHT * tag_score)
    if processed in name:
        score += NAME_SUBSTRING_BONUS
    return score


def picker_search(
    *, shop: Shop, user: AbstractBaseUser, query: str = "", channel: str = "", limit: int = 8
) -> list[PickerHit]:
    """Templates for the reply box, best first: fuzzy match on name, body and tags, boosted by
    how often this seller (not the whole shop) inserted each one, then by the shop's language."""
    candidates = [
        template
        for template in ReplyTemplate.objects.for_shop(shop).filter(template_visible_q(user))
        if not channel or channel in (template.channels or [])
    ]
    uses = dict(
        TemplateUse.objects.for_shop(shop)
        .filter(user_id=user.pk)
        .values_list("template_id", "count")
    )
    hits: list[PickerHit] = []
    query = query.strip()
    for template in candidates:
        own = uses.get(template.pk, 0)
        language_bonus = 3.0 if template.language == shop.default_language else 0.0
        if query:
            text = _text_score(query, template)
            if text < MIN_SCORE:
                continue
            score = text + _usage_boost(own) + language_bonus
        else:
            score = _usage_boost(own) + language_bonus
        hits.append(PickerHit(template=template, score=score, own_uses=own))
    hits.sort(key=lambda hit: (-hit.score, -hit.own_uses, hit.template.name))
    context = base_context(shop=shop, user=user)
    return [
        PickerHit(hit.template, hit.score, hit.own_uses, _snippet(hit.template, context))
        for hit in hits[:limit]
    ]


def custom_variables(*, shop: Shop) -> QuerySet[CustomVariable]:
    return CustomVariable.objects.for_shop(shop).order_by("name")


def variable_names(*, shop: Shop) -> list[str]:
    return [
        *rendering.STANDARD_VARIABLES,
        *custom_variables(shop=shop).values_list("name", flat=True),
    ]


def custom_variable_values(*, shop: Shop) -> dict[str, str]:
    return dict(custom_variables(shop=shop).values_list("name", "value"))


# --- The shipped set and the standard decline reasons ----------------------------------------


@lru_cache(maxsize=1)
def _shipped() -> tuple[dict[str, Any], ...]:
    with SHIPPED_FILE.open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["templates"])


def shipped_templates() -> list[dict[str, Any]]:
    """The shipped templates (ru, zh, en) as plain data; callers get their own copies."""
    return [dict(item) for item in _shipped()]


@dataclass(frozen=True)
class DeclineReason:
    key: str  # the shipped reason ("no_access"), or "template-<id>" for a shop's own
    label: str
    text: str


def shipped_decline_reasons(language: str) -> list[DeclineReason]:
    """The five standard decline replies as shipped, in ``language`` (others fall back to ru)."""
    language = engine_lang(language)
    return [
        DeclineReason(
            key=item["key"].removeprefix(DECLINE_REASON_PREFIX),
            label=item["name"],
            text=item["body"],
        )
        for item in _shipped()
        if item["category"] == Category.DECLINE_REASON and item["language"] == language
    ]


def decline_reasons(*, shop: Shop, language: str) -> list[DeclineReason]:
    """The ready replies the question decline box offers: the shop-wide decline-reason templates
    in ``language`` (the shipped five as the shop edited them first, then the shop's own)."""
    language = engine_lang(language)
    templates = [
        template
        for template in ReplyTemplate.objects.for_shop(shop)
        .filter(owner__isnull=True, category=Category.DECLINE_REASON, language=language)
        .order_by("name", "pk")
        if Channel.QUESTION_DECLINE in (template.channels or [])
    ]
    shipped_order = {
        f"{DECLINE_REASON_PREFIX}{reason.key}:{language}": index
        for index, reason in enumerate(shipped_decline_reasons(language))
    }
    templates.sort(key=lambda template: shipped_order.get(template.source_key, len(shipped_order)))
    return [
        DeclineReason(
            key=(
                template.source_key.removeprefix(DECLINE_REASON_PREFIX).removesuffix(f":{language}")
                if template.source_key in shipped_order
                else f"template-{template.pk}"
            ),
            label=template.name,
            text=template.body,
        )
        for template in templates
    ]


def shipped_template_for(*, shop: Shop, key: str, language: str) -> ReplyTemplate | None:
    """The shop's shop-wide copy of the shipped template ``key``, in ``language`` or else Russian."""
    language = engine_lang(language)
    candidates = {
        template.source_key: template
        for template in ReplyTemplate.objects.for_shop(shop).filter(
            owner__isnull=True, source_key__in=[f"{key}:{language}", f"{key}:ru"]
        )
    }
    return candidates.get(f"{key}:{language}") or candidates.get(f"{key}:ru")


# --- another wording for a repetitive reply -------------------------------------------------------

# Wordings of one template compared with a reply; the closest template must share this
# much (Jaccard of word pairs) to count as the reply's source.
VARIATION_WORDINGS = 12
VARIATION_MIN_SOURCE = 0.5


def template_variation(
    *,
    shop: Shop | int,
    text: str,
    channel: str,
    language: str,
    values: dict[str, str],
) -> str:
    """Another wording of the shop template ``text`` was written from ("" if none fits).

    The source is the shop-wide template of the channel and language (with variation
    blocks) whose wordings come closest to ``text``; the suggestion is its wording least
    like ``text``, rendered with the buyer's name and product where they are known.
    """
    from sellerdesk.policy.similarity import jaccard, shingles

    shop_obj = shop if isinstance(shop, Shop) else Shop.objects.get(pk=shop)
    context = base_context(shop=shop_obj, user=None)
    context.update({key: value for key, value in values.items() if value})
    target = shingles(text)
    best: tuple[float, list[tuple[float, str]]] = (0.0, [])
    templates = ReplyTemplate.objects.for_shop(shop_obj).filter(
        owner__isnull=True, language=language
    )
    for template in templates:
        if channel not in (template.channels or []) or "{~" not in template.body:
            continue
        wordings: list[tuple[float, str]] = []
        for rotation in range(min(VARIATION_WORDINGS, rendering.variation_count(template.body))):
            try:
                wording = rendering.render(
                    template.body,
                    context,
                    rotation=rotation,
                    salt=str(template.pk),
                    mode="placeholder",
                )
            except (rendering.TemplateBodyError, rendering.RenderError):
                break
            wordings.append((jaccard(target, shingles(wording)), wording))
        closest = max((score for score, _wording in wordings), default=0.0)
        if closest > best[0]:
            best = (closest, wordings)
    if best[0] < VARIATION_MIN_SOURCE:
        return ""
    score, wording = min(best[1], key=lambda pair: pair[0])
    return wording if score < 1.0 else ""
