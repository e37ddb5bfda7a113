"""The shop's token: encrypted at rest, never shown again, never logged; connection test."""

from __future__ import annotations

import logging

from django.urls import reverse

from sellerdesk.core.models import Role
from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.crypto import token_decrypt
from sellerdesk.marketplaces.models import MarketplaceAccount

SECRET = "eyJhbGciOiJFUzI1NiIsImtpZCI6IjIwMjUwNTIwdjEifQ.secret-payload-XYZ9"


def test_token_is_encrypted_at_rest_and_only_its_tail_is_kept(shops):
    services.account_token_set(shop=shops.mine, token=f"  {SECRET} ")
    account = MarketplaceAccount.objects.get(shop=shops.mine)
    assert SECRET not in account.token_encrypted
    assert "secret-payload" not in account.token_encrypted
    assert account.token_last4 == "XYZ9"
    assert token_decrypt(account.token_encrypted) == SECRET


def test_the_settings_page_never_shows_the_token(shops, manager_client):
    services.account_token_set(shop=shops.mine, token=SECRET)
    page = manager_client.get(reverse("marketplaces:account"))
    assert page.status_code == 200
    html = page.content.decode()
    assert SECRET not in html and "secret-payload" not in html
    assert "XYZ9" in html


def test_a_manager_saves_a_token_through_the_form(shops, manager_client):
    response = manager_client.post(
        reverse("marketplaces:account"), {"action": "token", "token": SECRET}
    )
    assert response.status_code == 302
    assert token_decrypt(MarketplaceAccount.objects.get(shop=shops.mine).token_encrypted) == SECRET
    bad = manager_client.post(
        reverse("marketplaces:account"), {"action": "token", "token": "two words"}
    )
    assert (
        bad.status_code == 200
        and token_decrypt(MarketplaceAccount.objects.get(shop=shops.mine).token_encrypted) == SECRET
    )


def test_a_seller_cannot_open_the_connection_settings(shops, seller_client):
    assert seller_client.get(reverse("marketplaces:account")).status_code == 403


def test_connection_test_against_the_fake_and_with_a_wrong_token(
    wb_fake, wb_account, manager_client, caplog, wb_token
):
    caplog.set_level(logging.DEBUG)
    ok = manager_client.post(reverse("marketplaces:test_connection"), HTTP_HX_REQUEST="true")
    assert "Connected" in ok.content.decode() or "Подключено" in ok.content.decode()
    assert MarketplaceAccount.objects.get(pk=wb_account.pk).last_check_ok is True

    services.account_token_set(shop=wb_account.shop, token="wb-wrong-token-1234")
    services.account_connection_test(shop=wb_account.shop)
    account = MarketplaceAccount.objects.get(pk=wb_account.pk)
    assert account.last_check_ok is False
    services.account_sync(account_id=account.pk)
    assert wb_token not in caplog.text and "wb-wrong-token-1234" not in caplog.text


def test_sync_and_send_never_log_the_token(wb_fake, wb_account, wb_token, caplog):
    from sellerdesk.marketplaces.models import OutboundKind

    caplog.set_level(logging.DEBUG)
    wb_fake.populate(questions=2, feedbacks=1, chats=1)
    wb_fake.inject("500", path="/api/v1/questions", method="PATCH")
    services.account_sync(account_id=wb_account.pk)
    question = next(iter(wb_fake.questions))
    item = services.outbox_enqueue(
        shop=wb_account.shop,
        kind=OutboundKind.QUESTION_ANSWER,
        target_ref=question,
        payload={"text": "Ответ"},
        idempotency_key="log-check",
    )
    services.outbox_deliver(item_id=item.pk)
    assert caplog.records
    assert wb_token not in caplog.text
    item.refresh_from_db()
    assert wb_token not in item.last_error


def test_manager_page_lists_outgoing_replies_with_retry(
    wb_fake, wb_account, shops, manager_client, seller_client
):
    from sellerdesk.marketplaces.models import OutboundKind, OutboundState

    item = services.outbox_enqueue(
        shop=wb_account.shop,
        kind=OutboundKind.CHAT_MESSAGE,
        target_ref="bad-sign",
        payload={"text": "Добрый день"},
        idempotency_key="page-check",
    )
    services.outbox_deliver(item_id=item.pk)
    item.refresh_from_db()
    assert item.state == OutboundState.FAILED
    html = manager_client.get(reverse("marketplaces:account")).content.decode()
    assert "Добрый день" in html and "Invalid signature" in html
    response = seller_client.post(
        reverse("marketplaces:outbox_retry", args=[item.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.state == OutboundState.QUEUED
    assert shops.users[Role.SELLER]


def test_a_changed_encryption_key_asks_for_the_token_again(wb_fake, wb_account, settings):
    settings.SECRET_KEY = "rotated-without-a-dedicated-field-key"
    stats = services.account_sync(account_id=wb_account.pk)
    account = MarketplaceAccount.objects.get(pk=wb_account.pk)
    assert account.auth_failed and "cannot be decrypted" in account.last_error
    assert stats.errors and wb_fake.requests == []


def test_a_dedicated_field_key_keeps_tokens_readable_across_secret_key_changes(shops, settings):
    from cryptography.fernet import Fernet

    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    services.account_token_set(shop=shops.mine, token=SECRET)
    settings.SECRET_KEY = "another-secret-key"
    assert token_decrypt(MarketplaceAccount.objects.get(shop=shops.mine).token_encrypted) == SECRET
