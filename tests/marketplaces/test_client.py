"""The HTTP client and connector against the fake's documented answers and errors."""

from __future__ import annotations

import io

import pytest

from sellerdesk.marketplaces.base import OutgoingFile
from sellerdesk.marketplaces.wildberries.client import WildberriesClient
from sellerdesk.marketplaces.wildberries.connector import WildberriesConnector
from sellerdesk.marketplaces.wildberries.errors import (
    WildberriesAuthError,
    WildberriesRequestError,
    WildberriesServerError,
)
from sellerdesk.marketplaces.wildberries.limiter import LocalRateLimiter


@pytest.fixture
def client(wb_fake, wb_token):
    with WildberriesClient(
        token=wb_token,
        feedbacks_base_url=wb_fake.url,
        chat_base_url=wb_fake.url,
        limiter=LocalRateLimiter(),
        timeout=1.0,
    ) as instance:
        yield instance


def _file(name: str, content_type: str, data: bytes) -> OutgoingFile:
    return OutgoingFile(
        name=name, content_type=content_type, size=len(data), open=lambda: io.BytesIO(data)
    )


def test_the_marketplace_message_is_kept_for_a_refused_file(wb_fake, client):
    chat = wb_fake.add_chat()
    with pytest.raises(WildberriesRequestError) as caught:
        client.send_message(
            reply_sign=chat["replySign"], text="Видео", files=[_file("clip.mp4", "video/mp4", b"x")]
        )
    assert caught.value.status == 400 and not caught.value.retryable
    assert caught.value.message.endswith('"clip.mp4" has unsupported mime type')
    assert wb_fake.seller_messages() == []


def test_the_connector_refuses_what_the_marketplace_would_refuse_without_a_request(
    wb_fake, wb_account
):
    chat = wb_fake.add_chat()
    connector = WildberriesConnector(wb_account)
    big = _file("scan.pdf", "application/pdf", b"0" * (5 * 1024 * 1024 + 1))
    with pytest.raises(WildberriesRequestError):
        connector.send_chat_message(
            shop=wb_account.shop, chat_ref=chat["replySign"], text="Скан", attachments=[big]
        )
    with pytest.raises(WildberriesRequestError):
        connector.send_chat_message(
            shop=wb_account.shop, chat_ref=chat["replySign"], text="я" * 1001, attachments=[]
        )
    assert wb_fake.requests == []


def test_a_reply_to_an_unknown_review_fails_instead_of_vanishing(wb_fake, wb_account):
    """The API accepts any review id silently; reading the review first catches a wrong id."""
    connector = WildberriesConnector(wb_account)
    with pytest.raises(WildberriesRequestError) as caught:
        connector.answer_review(shop=wb_account.shop, review_ref="no-such-review", text="Спасибо!")
    assert caught.value.message == "Невозможно получить отзыв по id"
    assert wb_fake.writes == []


def test_a_wrong_token_is_an_auth_error(wb_fake):
    with (
        WildberriesClient(
            token="nope",
            feedbacks_base_url=wb_fake.url,
            chat_base_url=wb_fake.url,
            limiter=LocalRateLimiter(),
        ) as client,
        pytest.raises(WildberriesAuthError) as caught,
    ):
        client.has_new()
    assert not caught.value.retryable and caught.value.status == 401


def test_malformed_json_after_a_write_marks_the_outcome_unknown(wb_fake, client):
    question = wb_fake.add_question("Вопрос")
    wb_fake.inject("malformed", path="/api/v1/questions", method="PATCH", apply=True)
    with pytest.raises(WildberriesServerError) as caught:
        client.question_answer(question["id"], "Ответ")
    assert caught.value.retryable and caught.value.outcome_unknown


def test_feedback_answer_length_follows_the_contract(wb_fake, client):
    feedback = wb_fake.add_feedback("Отзыв")
    with pytest.raises(WildberriesRequestError):
        client.feedback_answer(
            feedback["id"], "Я"
        )  # one character: below the documented minimum of 2
    client.feedback_answer(feedback["id"], "Ок")
    assert wb_fake.feedbacks[feedback["id"]]["answer"]["text"] == "Ок"


def test_withdrawing_an_answer_is_not_offered_by_wildberries(wb_account):
    assert (
        WildberriesConnector(wb_account).withdraw_question_answer(
            shop=wb_account.shop, question_ref="x"
        )
        is False
    )
