"""Template pages through the Django test client."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sellerdesk.core.models import Role
from templates_lib.models import CustomVariable, ReplyTemplate
from tests.templates_lib.factories import ReplyTemplateFactory

BODY = "Здравствуйте, {{ buyer_name }}! Спасибо за вопрос. Отправим завтра. Хорошего дня!"


def _form(**overrides):
    data = {
        "name": "Сроки отправки",
        "body": BODY,
        "channels": ["chat", "question_answer"],
        "language": "ru",
        "category": "delivery",
        "tags": "доставка, сроки",
        "personal": "1",
    }
    data.update(overrides)
    return data


def test_list_shows_shop_and_own_templates_with_filters(shops, seller_client):
    ReplyTemplateFactory(
        shop=shops.mine, name="Общий про доставку", category="delivery", channels=["chat"]
    )
    ReplyTemplateFactory(
        shop=shops.mine, name="Отзыв общий", category="review_situation", channels=["review_reply"]
    )
    ReplyTemplateFactory(shop=shops.mine, name="Чужой личный", owner=shops.users[Role.MANAGER])
    page = seller_client.get(reverse("templates_lib:list")).content.decode()
    assert "Общий про доставку" in page and "Отзыв общий" in page and "Чужой личный" not in page
    filtered = seller_client.get(
        reverse("templates_lib:list"), {"channel": "review_reply"}
    ).content.decode()
    assert "Отзыв общий" in filtered and "Общий про доставку" not in filtered


def test_preview_renders_sample_data_and_shows_findings_per_channel(shops, seller_client):
    response = seller_client.post(
        reverse("templates_lib:create"),
        {
            **_form(
                body="Звоните +7 916 123-45-67, {{ buyer_name }}", channels=["chat", "review_reply"]
            ),
            "action": "preview",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "<html" not in html  # the partial only
    assert "Звоните +7 916 123-45-67, Анна" in html
    assert 'data-channel="review_reply"' in html and 'data-channel="chat"' in html
    assert "tpl-problem" in html  # saving is blocked


def test_preview_shows_syntax_errors_with_line_and_column(shops, seller_client):
    response = seller_client.post(
        reverse("templates_lib:create"),
        {**_form(body="Здравствуйте!\n{{ buyer_name }"), "action": "preview"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'data-line="2"' in html and 'data-column="15"' in html


def test_saving_a_template_redirects_to_it(shops, seller_client):
    response = seller_client.post(reverse("templates_lib:create"), _form())
    template = ReplyTemplate.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "templates_lib:edit", args=[template.pk]
    )
    assert template.owner == shops.users[Role.SELLER] and template.tags == ["доставка", "сроки"]


def test_a_policy_error_blocks_saving_in_the_editor(shops, seller_client):
    response = seller_client.post(
        reverse("templates_lib:create"),
        _form(
            body="Здравствуйте! Пишите в WhatsApp +7 916 123-45-67. Спасибо, хорошего дня!",
            channels=["review_reply"],
        ),
    )
    assert response.status_code == 200
    assert not ReplyTemplate.objects.exists()
    assert "replycheck-findings" in response.content.decode()


def test_a_seller_cannot_create_shop_templates(shops, seller_client):
    response = seller_client.post(reverse("templates_lib:create"), _form(personal="0"))
    assert response.status_code == 200  # the choice is not offered: a form error
    assert not ReplyTemplate.objects.exists()


def test_a_manager_shares_a_template_with_the_shop(shops, manager_client):
    manager_client.post(reverse("templates_lib:create"), _form(personal="0"))
    assert ReplyTemplate.objects.get().owner is None


def test_a_seller_gets_403_on_a_shop_template_and_404_on_someone_elses(shops, seller_client):
    shared = ReplyTemplateFactory(shop=shops.mine)
    private = ReplyTemplateFactory(shop=shops.mine, owner=shops.users[Role.MANAGER])
    assert seller_client.get(reverse("templates_lib:edit", args=[shared.pk])).status_code == 403
    assert seller_client.get(reverse("templates_lib:edit", args=[private.pk])).status_code == 404
    copy = seller_client.get(reverse("templates_lib:create"), {"from": shared.pk}).content.decode()
    assert shared.body.split("{{")[0] in copy


def test_export_and_import_through_the_pages(shops, manager_client):
    ReplyTemplateFactory(shop=shops.mine, name="Экспорт", body=BODY)
    exported = manager_client.get(reverse("templates_lib:export"))
    assert exported["Content-Disposition"].startswith("attachment")
    data = json.loads(exported.content)
    assert [item["name"] for item in data["templates"]] == ["Экспорт"]
    data["templates"][0]["name"] = "Импорт"
    upload = SimpleUploadedFile(
        "t.json", json.dumps(data).encode(), content_type="application/json"
    )
    response = manager_client.post(
        reverse("templates_lib:import"), {"file": upload, "personal": "0"}
    )
    assert response.status_code == 302
    assert ReplyTemplate.objects.filter(name="Импорт", owner__isnull=True).exists()


def test_a_bad_import_file_shows_a_message_and_saves_nothing(shops, manager_client):
    upload = SimpleUploadedFile(
        "t.json", b'{"templates": [{"name": "x"', content_type="application/json"
    )
    response = manager_client.post(
        reverse("templates_lib:import"), {"file": upload, "personal": "0"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="import-errors"' in html and "JSON" in html
    assert not ReplyTemplate.objects.exists()


def test_managers_define_shop_variables(shops, manager_client, seller_client):
    assert seller_client.get(reverse("templates_lib:variables")).status_code == 403
    manager_client.post(
        reverse("templates_lib:variables"),
        {"name": "return_address", "label": "Адрес", "value": "Москва"},
    )
    assert CustomVariable.objects.for_shop(shops.mine).get().name == "return_address"
    bad = manager_client.post(
        reverse("templates_lib:variables"), {"name": "Bad Name", "label": "", "value": "x"}
    )
    assert bad.status_code == 200 and CustomVariable.objects.count() == 1
