"""Writes for reply templates: insert (usage + rotation), save with policy check, import, defaults."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sellerdesk.core.models import Shop
from templates_lib import rendering, selectors
from templates_lib.models import ReplyTemplate, TemplateUse


@dataclass(frozen=True)
class Insertion:
    text: str
    unresolved: list[str]


def template_context(
    *, shop: Shop, user: AbstractBaseUser | None, values: dict[str, object]
) -> dict[str, object]:
    """What a template may refer to: the reply box's values, the shop, the seller, custom variables."""
    context: dict[str, object] = dict(selectors.custom_variable_values(shop=shop))
    context["shop_name"] = shop.name
    first_name = getattr(user, "first_name", "") if user is not None else ""
    if first_name:
        context["seller_name"] = first_name
    for name in rendering.STANDARD_VARIABLES:
        value = values.get(name)
        if value not in (None, ""):
            context[name] = str(value)
    return context


@transaction.atomic
def template_insert(
    *, template: ReplyTemplate, user: AbstractBaseUser, values: dict[str, object]
) -> Insertion:
    """Render a template for a reply box and count the use.

    Unknown values stay as ``{{ name }}`` for the seller to fill; the rotation uses the
    usage count before this insert, so the next insert picks the next wording.
    """
    locked = ReplyTemplate.objects.select_for_update().get(pk=template.pk)
    context = template_context(shop=locked.shop, user=user, values=values)
    text = rendering.render(
        locked.body, context, rotation=locked.usage_count, salt=str(locked.pk), mode="placeholder"
    )
    now = timezone.now()
    ReplyTemplate.objects.filter(pk=locked.pk).update(
        usage_count=F("usage_count") + 1, last_used_at=now
    )
    use, created = TemplateUse.objects.get_or_create(
        user=user, template=locked, defaults={"shop": locked.shop, "count": 1, "last_used_at": now}
    )
    if not created:
        TemplateUse.objects.filter(pk=use.pk).update(count=F("count") + 1, last_used_at=now)
    return Insertion(text=text, unresolved=rendering.unresolved_placeholders(text))
