from __future__ import annotations

from functools import partial

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from sellerdesk.core.access import SESSION_SHOP_KEY
from sellerdesk.core.live import members_changed
from sellerdesk.core.models import Membership, Product, Role, Shop


@transaction.atomic
def shop_create(*, name: str, marketplace: str, time_zone: str, default_language: str) -> Shop:
    """Create a shop; apps set it up (default templates, policies…) after the commit.

    An app opts in with ``shop_created_task = "app.tasks.some_task"`` on its AppConfig:
    a Celery task taking the shop id.
    """
    shop = Shop(
        name=name, marketplace=marketplace, time_zone=time_zone, default_language=default_language
    )
    shop.full_clean()
    shop.save()
    for config in apps.get_app_configs():
        task_path = getattr(config, "shop_created_task", "")
        if task_path:
            task = import_string(task_path)
            transaction.on_commit(partial(task.delay, shop.pk))
    return shop


def _ensure_another_admin(membership: Membership) -> None:
    """A shop always keeps an admin: nobody else could add members or change roles."""
    if membership.role != Role.ADMIN:
        return
    admins = (
        Membership.objects.select_for_update()
        .filter(shop_id=membership.shop_id, role=Role.ADMIN)
        .values_list("pk", flat=True)
    )
    if set(admins) <= {membership.pk}:
        raise ValidationError(
            _("The shop needs at least one admin: make someone else admin first."),
            code="last_admin",
        )


@transaction.atomic
def membership_grant(*, shop: Shop, user: AbstractBaseUser, role: Role) -> Membership:
    """Give ``user`` ``role`` in ``shop``, creating or updating the membership.

    Raises ValidationError when that would leave the shop without an admin."""
    membership, _created = Membership.objects.get_or_create(
        shop=shop, user=user, defaults={"role": role}
    )
    if membership.role != role:
        _ensure_another_admin(membership)
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role"])
    members_changed(shop_id=shop.pk)
    return membership


@transaction.atomic
def member_unlock(*, membership: Membership) -> int:
    """Clear the member's failed logins so they can log in again (login throttling)."""
    from axes.utils import reset

    return reset(username=membership.user.get_username())


@transaction.atomic
def membership_revoke(*, membership: Membership) -> None:
    """Remove someone from the shop (never its last admin: ValidationError)."""
    _ensure_another_admin(membership)
    members_changed(shop_id=membership.shop_id)
    membership.delete()


@transaction.atomic
def member_invite(
    *, shop: Shop, username: str, password: str, role: Role, first_name: str = ""
) -> Membership:
    """Create a login for a new person and add them to the shop."""
    user_model = get_user_model()
    user = user_model(username=username, first_name=first_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    return membership_grant(shop=shop, user=user, role=role)


@transaction.atomic
def product_create(*, shop: Shop, sku: str, name: str, marketplace_id: str = "") -> Product:
    product = Product(
        shop=shop, sku=sku.strip(), name=name.strip(), marketplace_id=marketplace_id.strip()
    )
    product.full_clean()
    product.save()
    return product


def products_marketplace_ids_learn(*, shop: Shop, ids_by_sku: dict[str, str]) -> int:
    """Give products known only by their article the marketplace's id seen beside it.

    A product that already has an id keeps it, and an id another product holds is not
    given twice. Returns how many products learnt their id.
    """
    pairs = {sku: external_id for sku, external_id in ids_by_sku.items() if sku and external_id}
    if not pairs:
        return 0
    products = Product.objects.for_shop(shop)
    taken = set(
        products.filter(marketplace_id__in=pairs.values()).values_list("marketplace_id", flat=True)
    )
    learnt = 0
    for product in products.filter(sku__in=pairs, marketplace_id=""):
        external_id = pairs[product.sku]
        if external_id in taken:
            continue
        Product.objects.filter(pk=product.pk).update(marketplace_id=external_id)
        taken.add(external_id)
        learnt += 1
    return learnt


def current_shop_switch(*, request: HttpRequest, membership: Membership) -> None:
    """Remember the shop the person works in for the rest of the session."""
    request.session[SESSION_SHOP_KEY] = membership.shop_id
