"""A shop never loses its last admin, neither by removal nor by a role change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sellerdesk.core.models import Membership, Role
from sellerdesk.core.services import membership_grant, membership_revoke
from tests.factories import ShopFactory, member

pytestmark = pytest.mark.django_db


def test_the_last_admin_can_be_neither_removed_nor_demoted():
    shop = ShopFactory()
    admin = member(shop, Role.ADMIN, username="only-admin")
    only = Membership.objects.get(user=admin, shop=shop)
    with pytest.raises(ValidationError) as removed:
        membership_revoke(membership=only)
    assert removed.value.code == "last_admin"
    with pytest.raises(ValidationError) as demoted:
        membership_grant(shop=shop, user=admin, role=Role.MANAGER)
    assert demoted.value.code == "last_admin"
    assert Membership.objects.get(pk=only.pk).role == Role.ADMIN

    second = member(shop, Role.ADMIN, username="second-admin")
    membership_grant(shop=shop, user=admin, role=Role.MANAGER)  # another admin remains
    with pytest.raises(ValidationError):
        membership_revoke(membership=Membership.objects.get(user=second, shop=shop))
