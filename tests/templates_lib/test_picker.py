"""The picker: ranked search over the shop's and the seller's own templates, and insertion."""

from __future__ import annotations

import json

from django.urls import reverse

from sellerdesk.core.models import Role
from templates_lib import selectors
from templates_lib.models import ReplyTemplate, TemplateUse
from tests.templates_lib.factories import ReplyTemplateFactory


def _insert(client, template, **variables):
    return client.post(
        reverse("templates_lib:picker_insert"),
        {"template": template.pk, "channel": "chat", "variables": json.dumps(variables)},
    )


def test_search_ranks_the_sellers_own_favourite_first(shops, seller_client):
    first = ReplyTemplateFactory(
        shop=shops.mine, name="Доставка: сроки по Москве", body="Доставим за 2 дня."
    )
    second = ReplyTemplateFactory(
        shop=shops.mine, name="Доставка: сроки по регионам", body="Доставим за 5 дней."
    )
    seller = shops.users[Role.SELLER]
    hits = selectors.picker_search(
        shop=shops.mine, user=seller, query="доставка сроки", channel="chat"
    )
    assert [hit.template for hit in hits][:2] == [first, second]

    for _ in range(3):
        assert _insert(seller_client, second).status_code == 200
    # another seller's habits do not change this seller's order, and vice versa
    manager = shops.users[Role.MANAGER]
    TemplateUse.objects.create(
        shop=shops.mine, user=manager, template=first, count=50, last_used_at=first.created_at
    )

    hits = selectors.picker_search(
        shop=shops.mine, user=seller, query="доставка сроки", channel="chat"
    )
    assert [hit.template for hit in hits][:2] == [second, first]
    hits = selectors.picker_search(
        shop=shops.mine, user=manager, query="доставка сроки", channel="chat"
    )
    assert [hit.template for hit in hits][:2] == [first, second]


def test_search_hides_other_peoples_personal_templates_and_other_shops(shops, seller_client):
    ReplyTemplateFactory(shop=shops.mine, name="Мой личный привет", owner=shops.users[Role.MANAGER])
    ReplyTemplateFactory(shop=shops.other, name="Привет из другого магазина")
    own = ReplyTemplateFactory(
        shop=shops.mine, name="Привет от меня", owner=shops.users[Role.SELLER]
    )
    response = seller_client.get(
        reverse("templates_lib:picker_search"), {"q": "привет", "channel": "chat"}
    )
    text = response.content.decode()
    assert own.name in text
    assert "Мой личный привет" not in text and "другого магазина" not in text


def test_search_filters_by_channel(shops, seller_client):
    ReplyTemplateFactory(shop=shops.mine, name="Ответ на отзыв", channels=["review_reply"])
    response = seller_client.get(
        reverse("templates_lib:picker_search"), {"q": "отзыв", "channel": "chat"}
    )
    assert "Ответ на отзыв" not in response.content.decode()


def test_insert_fills_known_values_and_leaves_unknown_visible(shops, seller_client):
    template = ReplyTemplateFactory(
        shop=shops.mine,
        body="Здравствуйте, {{ buyer_name }}! Заказ {{ order_number }} в пути. {{ seller_name }}, {{ shop_name }}",
    )
    response = _insert(seller_client, template, buyer_name="Анна", order_number="")
    data = response.json()
    assert data["text"] == "Здравствуйте, Анна! Заказ {{ order_number }} в пути. Ольга, Уютный дом"
    assert data["unresolved"] == ["order_number"]
    template.refresh_from_db()
    assert template.usage_count == 1 and template.last_used_at is not None


def test_insert_rotates_variations(shops, seller_client):
    template = ReplyTemplateFactory(
        shop=shops.mine, body="{~ Спасибо за вопрос | Благодарим за интерес ~}!"
    )
    texts = [_insert(seller_client, template).json()["text"] for _ in range(3)]
    assert texts[0] != texts[1] and texts[1] != texts[2]
    assert set(texts) == {"Спасибо за вопрос!", "Благодарим за интерес!"}


def test_insert_refuses_someone_elses_personal_template(shops, seller_client):
    template = ReplyTemplateFactory(shop=shops.mine, owner=shops.users[Role.MANAGER])
    assert _insert(seller_client, template).status_code == 404
    assert ReplyTemplate.objects.get(pk=template.pk).usage_count == 0


def test_picker_include_renders_with_the_reply_box_values(rf, shops):
    from django.template import engines

    request = rf.get("/")
    include = engines["django"].from_string(
        '{% include "templates_lib/picker.html" with field_id="reply-text" channel="chat" variables=vars %}'
    )
    html = include.render({"vars": {"buyer_name": "Анна <b>"}}, request)
    assert 'data-field="reply-text"' in html
    assert 'id="reply-text-tpl-vars"' in html and "\\u003Cb\\u003E" in html  # escaped JSON
    assert reverse("templates_lib:picker_search") in html and reverse("templates_lib:list") in html


def test_an_insert_with_an_unresolved_variable_cannot_be_sent(shops):
    import pytest

    from sellerdesk.replycheck.services import ReplyBlocked, reply_guard
    from templates_lib import services

    template = ReplyTemplateFactory(
        shop=shops.mine,
        body="Здравствуйте, {{ buyer_name }}! Спасибо за вопрос. Заказ {{ order_number }} в пути. Хорошего дня!",
    )
    insertion = services.template_insert(
        template=template, user=shops.users[Role.SELLER], values={"buyer_name": "Анна"}
    )
    with pytest.raises(ReplyBlocked) as caught:
        reply_guard(shop=shops.mine, text=insertion.text, channel="chat", buyer_name="Анна")
    assert any(f.code == "placeholder" for f in caught.value.report.findings)
    filled = insertion.text.replace("{{ order_number }}", "45678123")
    reply_guard(shop=shops.mine, text=filled, channel="chat", buyer_name="Анна")


def test_picker_results_show_the_text_as_it_will_be_inserted(shops, seller_client):
    ReplyTemplateFactory(
        shop=shops.mine,
        name="Где заказ",
        body="Здравствуйте{% if buyer_name %}, {{ buyer_name }}{% endif %}! Заказ {{ order_number }} в {~ пути | дороге ~}.",
    )
    html = seller_client.get(
        reverse("templates_lib:picker_search"), {"q": "заказ"}
    ).content.decode()
    assert "Здравствуйте! Заказ {{ order_number }} в" in html
    assert "{%" not in html and "{~" not in html


def test_picker_search_query_count_does_not_grow_with_templates(
    shops, seller_client, django_assert_max_num_queries
):
    for n in range(40):
        ReplyTemplateFactory(shop=shops.mine, name=f"Доставка {n}", body=f"Доставим за {n} дней.")
    with django_assert_max_num_queries(8):
        response = seller_client.get(reverse("templates_lib:picker_search"), {"q": "доставка"})
    assert response.content.decode().count("tpl-picker-option") == 8


def test_list_query_count_does_not_grow_with_templates(
    shops, seller_client, django_assert_max_num_queries
):
    for n in range(40):
        ReplyTemplateFactory(
            shop=shops.mine, name=f"Шаблон {n}", owner=shops.users[Role.SELLER] if n % 2 else None
        )
    with django_assert_max_num_queries(10):
        response = seller_client.get(reverse("templates_lib:list"))
    assert response.content.decode().count("<tr>") == 41


def test_search_works_for_chinese_and_typos(shops):
    from templates_lib import services

    services.templates_install_defaults(shop=shops.mine)
    seller = shops.users[Role.SELLER]

    def top(query: str) -> str:
        return selectors.picker_search(shop=shops.mine, user=seller, query=query, channel="chat")[
            0
        ].template.name

    assert top("物流") in {"物流：订单已发出", "物流信息未更新"}
    assert top("尺码") == "按买家尺寸推荐尺码"
    assert top("изменение заказа").startswith("Изменение заказа")
    assert top("доствка").startswith("Доставка")  # a typo
