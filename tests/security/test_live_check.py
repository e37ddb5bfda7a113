"""The live check (POST /check/live/) refuses over-long text or buyer names before the engine,
with a message in the panel."""

from __future__ import annotations

from django.urls import reverse

from tests.security._hostile import MEGABYTE_NAME


def _live(client, **data):
    payload = {"text": "Здравствуйте, Анна! Спасибо.", "channel": "chat", **data}
    return client.post(reverse("replycheck:live"), payload, HTTP_HX_REQUEST="true")


def test_a_five_megabyte_buyer_name_gets_a_message_not_a_check(shops, seller_client, monkeypatch):
    from sellerdesk.replycheck import views

    def engine_must_not_run(**_kwargs):
        raise AssertionError("the engine saw an over-long buyer name")

    monkeypatch.setattr(views, "reply_check_with_policy", engine_must_not_run)
    response = _live(seller_client, buyer_name=MEGABYTE_NAME * 5)
    assert response.status_code == 200
    assert "Имя покупателя длиннее 200 символов." in response.content.decode()


def test_an_over_long_reply_gets_a_message(shops, seller_client):
    response = _live(seller_client, text="а" * 20_001)
    assert "Ответ длиннее 20000 символов" in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_names_and_texts_within_their_limits_are_checked(shops, seller_client):
    response = _live(seller_client, buyer_name="Б" * 200)
    assert response.status_code == 200 and "replycheck-parts" in response.content.decode()
