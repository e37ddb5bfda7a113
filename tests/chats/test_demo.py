import random

from chats import demo
from chats.models import Conversation, Direction
from sellerdesk.core.models import Role
from sellerdesk.sla.models import SlaClock
from tests.factories import ProductFactory, ShopFactory, member


def test_demo_conversations_answered_by_the_seller_are_not_waiting(db):
    shop = ShopFactory()
    members = {role: member(shop, role) for role in Role}
    products = [ProductFactory(shop=shop) for _ in range(6)]
    demo.seed(shop=shop, products=products, members=members, rng=random.Random(1))

    answered = Conversation.objects.for_shop(shop).filter(last_message_direction=Direction.OUTGOING)
    waiting = Conversation.objects.for_shop(shop).filter(last_message_direction=Direction.INCOMING)
    assert answered.exists() and waiting.exists()
    open_clocks = set(
        SlaClock.objects.filter(channel="chat", answered_at__isnull=True).values_list(
            "item_id", flat=True
        )
    )
    assert not open_clocks & set(answered.values_list("pk", flat=True))
    assert answered.filter(first_unanswered_at__isnull=False).count() == 0
