"""Inbound sync: everything arrives once, whatever the network and the worker do."""

from __future__ import annotations

import pytest

from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.inbound import handlers_replaced
from sellerdesk.marketplaces.models import InboundRecord, MarketplaceAccount, RemoteChat
from sellerdesk.marketplaces.wildberries import sync


def _sync(account):
    return services.account_sync(account_id=account.pk)


def _counts(shop):
    return {
        stream: InboundRecord.objects.for_shop(shop).filter(stream=stream).count()
        for stream in ("question", "feedback", "chat_event")
    }


def test_first_sync_brings_questions_feedbacks_and_chats_once(wb_fake, wb_account, recorded):
    wb_fake.populate(questions=7, feedbacks=4, chats=3, messages_per_chat=2)

    stats = _sync(wb_account)

    assert stats.errors == []
    assert sorted(recorded.ids("question")) == sorted(wb_fake.questions)
    assert sorted(recorded.ids("feedback")) == sorted(wb_fake.feedbacks)
    assert sorted(recorded.ids("chat_event")) == sorted(
        event["eventID"] for event in wb_fake.events
    )
    first = recorded.calls["chat_event"][0]
    assert (
        first.sender == "buyer"
        and first.chat_ref == wb_fake.chats[first.chat_external_id]["replySign"]
    )
    assert _counts(wb_account.shop) == {"question": 7, "feedback": 4, "chat_event": 6}


def test_repeated_and_overlapping_syncs_duplicate_nothing(wb_fake, wb_account, recorded):
    wb_fake.populate(questions=5, feedbacks=3, chats=2)
    _sync(wb_account)
    _sync(wb_account)
    # Forget every cursor: the whole history overlaps what we already hold.
    MarketplaceAccount.objects.filter(pk=wb_account.pk).update(
        questions_cursor=None, feedbacks_cursor=None, chat_events_cursor=None
    )
    _sync(wb_account)

    assert len(recorded.ids("question")) == len(set(recorded.ids("question"))) == 5
    assert len(recorded.ids("feedback")) == 3
    assert len(recorded.ids("chat_event")) == len(wb_fake.events)
    assert _counts(wb_account.shop)["question"] == 5


def test_new_items_after_a_sync_arrive_on_the_next_one(wb_fake, wb_account, recorded):
    wb_fake.populate(questions=2, feedbacks=0, chats=1)
    _sync(wb_account)
    question = wb_fake.add_question("Есть ли чехол в комплекте?")
    chat = next(iter(wb_fake.chats.values()))
    event = wb_fake.add_buyer_message(chat, "Ещё вопрос: когда доставка?")

    _sync(wb_account)

    assert recorded.ids("question").count(question["id"]) == 1
    assert recorded.ids("chat_event").count(event["eventID"]) == 1
    assert len(recorded.ids("question")) == 3


def test_a_question_answered_elsewhere_is_handed_over_again(
    wb_fake, wb_account, recorded, monkeypatch
):
    """Changed remote copy → the app hook sees the new state (it must be idempotent)."""
    wb_fake.populate(questions=1, feedbacks=0, chats=0)
    _sync(wb_account)
    question = next(iter(wb_fake.questions.values()))
    question["wasViewed"] = True
    MarketplaceAccount.objects.filter(pk=wb_account.pk).update(questions_cursor=None)
    _sync(wb_account)
    assert recorded.ids("question") == [question["id"], question["id"]]
    assert recorded.calls["question"][-1].was_viewed is True


def test_small_pages_and_many_items_in_one_second(wb_fake, wb_account, recorded, monkeypatch):
    monkeypatch.setattr(sync, "QUESTIONS_PAGE", 3)
    stamp = wb_fake._tick()
    for index in range(8):
        wb_fake.add_question(f"Вопрос {index}", created=stamp)
    for index in range(4):
        wb_fake.add_question(f"Позже {index}")
    _sync(wb_account)
    assert sorted(recorded.ids("question")) == sorted(wb_fake.questions)
    assert len(recorded.ids("question")) == 12


@pytest.mark.parametrize("fault", ["500", "malformed", "timeout", "disconnect", "429"])
def test_a_fault_mid_sync_loses_nothing_and_duplicates_nothing(
    fault, wb_fake, wb_account, recorded, monkeypatch
):
    monkeypatch.setattr(sync, "QUESTIONS_PAGE", 2)
    wb_fake.populate(questions=7, feedbacks=2, chats=2)
    # The second page of questions fails (a 429 five times in a row outlasts the client's own retries).
    wb_fake.inject(
        fault, path="/api/v1/questions", skip=1, times=5 if fault == "429" else 1, delay=1.5
    )

    first = _sync(wb_account)
    assert first.errors, "the fault must surface"
    account = MarketplaceAccount.objects.get(pk=wb_account.pk)
    assert account.last_error
    assert len(recorded.ids("question")) == 2  # the first page was committed
    assert account.questions_cursor is not None

    wb_fake.faults.clear()
    second = _sync(wb_account)
    assert second.errors == []
    assert sorted(recorded.ids("question")) == sorted(wb_fake.questions)
    assert len(recorded.ids("question")) == 7
    assert len(recorded.ids("feedback")) == 2
    assert MarketplaceAccount.objects.get(pk=wb_account.pk).last_error == ""


def test_token_revoked_mid_sync_pauses_until_a_new_token(wb_fake, wb_account, recorded, wb_token):
    wb_fake.populate(questions=3, feedbacks=2, chats=2)
    wb_fake.inject("revoke", path="/api/v1/seller/events")

    stats = _sync(wb_account)

    account = MarketplaceAccount.objects.get(pk=wb_account.pk)
    assert account.auth_failed and stats.errors
    assert len(recorded.ids("question")) == 3 and len(recorded.ids("feedback")) == 2
    assert recorded.ids("chat_event") == []
    assert _sync(account).items == 0  # paused: no hammering with a dead token

    wb_fake.valid_tokens.add("wb-new-token-0001")
    services.account_token_set(shop=account.shop, token="wb-new-token-0001")
    _sync(account)
    assert len(recorded.ids("chat_event")) == len(wb_fake.events)
    assert len(recorded.ids("question")) == 3


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even except-Exception handlers."""


def test_worker_killed_mid_sync_resumes_from_the_committed_cursor(
    wb_fake, wb_account, recorded, monkeypatch
):
    wb_fake.events_page_size = 3
    wb_fake.populate(questions=0, feedbacks=0, chats=4, messages_per_chat=2)  # 8 events, 3 pages
    real_commit = sync._commit_page
    pages = {"n": 0}

    def dying_commit(**kwargs):
        pages["n"] += 1
        if pages["n"] == 2 and kwargs["stream"] == "chat_event":
            # Die inside the second page's transaction, after the hooks ran.
            def die(account, payloads):
                raise WorkerKilled

            kwargs["before_import"] = die
        return real_commit(**kwargs)

    monkeypatch.setattr(sync, "_commit_page", dying_commit)
    with pytest.raises(WorkerKilled):
        _sync(wb_account)
    assert len(recorded.ids("chat_event")) == 3  # page one only; page two rolled back
    monkeypatch.setattr(sync, "_commit_page", real_commit)

    _sync(wb_account)  # the "restarted worker"
    assert sorted(recorded.ids("chat_event")) == sorted(
        event["eventID"] for event in wb_fake.events
    )
    assert len(recorded.ids("chat_event")) == 8
    assert RemoteChat.objects.for_shop(wb_account.shop).exclude(reply_sign="").count() == 4


def test_items_whose_hook_failed_wait_in_staging_and_are_imported_later(
    wb_fake, wb_account, recorded
):
    def broken(*, shop, item):
        raise RuntimeError("app bug")

    wb_fake.populate(questions=3, feedbacks=1, chats=1)
    with handlers_replaced({"question": broken, "feedback": broken, "chat_event": broken}):
        _sync(wb_account)
    assert recorded.calls == {}
    pending = InboundRecord.objects.for_shop(wb_account.shop).filter(imported_at__isnull=True)
    assert pending.count() == 6
    assert set(pending.values_list("import_error", flat=True)) == {"RuntimeError: app bug"}

    assert services.inbound_import_pending() == 6
    assert services.inbound_import_pending() == 0
    assert len(recorded.ids("question")) == 3
