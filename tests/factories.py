"""factory_boy factories for the core models; apps add theirs in tests/<app>/factories.py."""

import factory
from django.contrib.auth import get_user_model

from sellerdesk.core.models import Marketplace, Membership, Product, ReplyLanguage, Role, Shop

TEST_PASSWORD = "test-pass-123"


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    name = factory.Sequence(lambda n: f"Shop {n}")
    marketplace = Marketplace.WILDBERRIES
    time_zone = "Europe/Moscow"
    default_language = ReplyLanguage.RU


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Ольга"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    shop = factory.SubFactory(ShopFactory)
    role = Role.SELLER


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    shop = factory.SubFactory(ShopFactory)
    sku = factory.Sequence(lambda n: f"SKU-{1000 + n}")
    name = factory.Sequence(lambda n: f"Товар {n}")


def member(shop: Shop, role: Role = Role.SELLER, username: str | None = None):
    """A user holding ``role`` in ``shop``."""
    kwargs = {"username": username} if username else {}
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, shop=shop, role=role)
    return user
