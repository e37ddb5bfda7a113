"""Products learn their marketplace id (nmID) from what was synced so far, and items synced
without a product find it.

Before this, synced chats (which name their product by nmID only) were matched against the
article and landed under "no product". Sources, in order: the nmId that staged questions and
reviews carry beside the seller's article; an article of the form "WB-<nmID>" (how the demo
and earlier imports named products). Then conversations, questions and reviews still
without a product are linked through their staged payload's nmID.
"""

from collections import defaultdict

from django.db import migrations


def _article_id(sku):
    number = sku.removeprefix("WB-")
    return number if number != sku and number.isdigit() else ""


def backfill(apps, schema_editor):
    Product = apps.get_model("core", "Product")
    InboundRecord = apps.get_model("marketplaces", "InboundRecord")

    seen = defaultdict(dict)  # shop id -> article -> nmId
    records = InboundRecord.objects.filter(stream__in=["question", "feedback"])
    for shop_id, payload in records.values_list("shop_id", "payload").iterator():
        details = (payload or {}).get("productDetails") or {}
        if details.get("supplierArticle") and details.get("nmId"):
            seen[shop_id][str(details["supplierArticle"])] = str(details["nmId"])

    taken = defaultdict(set)
    for shop_id, marketplace_id in Product.objects.exclude(marketplace_id="").values_list(
        "shop_id", "marketplace_id"
    ):
        taken[shop_id].add(marketplace_id)
    for product in Product.objects.filter(marketplace_id="").order_by("pk").iterator():
        marketplace_id = seen[product.shop_id].get(product.sku) or _article_id(product.sku)
        if marketplace_id and marketplace_id not in taken[product.shop_id]:
            Product.objects.filter(pk=product.pk).update(marketplace_id=marketplace_id)
            taken[product.shop_id].add(marketplace_id)

    product_ids = {
        (shop_id, marketplace_id): pk
        for pk, shop_id, marketplace_id in Product.objects.exclude(marketplace_id="").values_list(
            "pk", "shop_id", "marketplace_id"
        )
    }
    if not product_ids:
        return
    owners = {
        "question": apps.get_model("questions", "Question"),
        "feedback": apps.get_model("reviews", "Review"),
    }
    for stream, model in owners.items():
        for shop_id, external_id, payload in (
            InboundRecord.objects.filter(stream=stream)
            .values_list("shop_id", "external_id", "payload")
            .iterator()
        ):
            nm_id = ((payload or {}).get("productDetails") or {}).get("nmId")
            product_id = product_ids.get((shop_id, str(nm_id)))
            if product_id:
                model.objects.filter(
                    shop_id=shop_id, external_id=external_id, product__isnull=True
                ).update(product_id=product_id)
    Conversation = apps.get_model("chats", "Conversation")
    events = InboundRecord.objects.filter(
        stream="chat_event", payload__message__attachments__goodCard__isnull=False
    )
    for shop_id, payload in events.values_list("shop_id", "payload").iterator():
        card = payload["message"]["attachments"]["goodCard"] or {}
        product_id = product_ids.get((shop_id, str(card.get("nmID"))))
        if product_id and payload.get("chatID"):
            Conversation.objects.filter(
                shop_id=shop_id, external_id=payload["chatID"], product__isnull=True
            ).update(product_id=product_id)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplaces", "0002_account_auth_failed"),
        ("core", "0003_product_marketplace_id"),
        ("chats", "0006_attachment_external_id"),
        ("questions", "0003_handled_on_marketplace"),
        ("reviews", "0002_search_indexes"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
