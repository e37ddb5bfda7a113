"""The questions, reviews and chats lists read their filters from the address bar.

Whatever is typed or pasted there, the page answers (never a server error), a bad value drops
only its own filter, and a search that cannot be used never turns into "list everything".
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from questions.services import question_create
from reviews.services import review_create
from tests.chats.helpers import conversation_with
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 30  # past any database integer
NOT_NUMBERS = ["abc", "²", "-1", "1.5", ""]


@pytest.fixture
def listed(shops):
    """One matching and one other row in each list."""
    product = ProductFactory(shop=shops.mine, sku="WB-PLAID", name="Плед")
    return {
        "question": question_create(shop=shops.mine, text="Можно стирать плед?", product=product),
        "other_question": question_create(shop=shops.mine, text="Когда будет кофемолка?"),
        "review": review_create(shop=shops.mine, rating=5, text="Отличный плед", buyer_name="Анна"),
        "other_review": review_create(
            shop=shops.mine, rating=4, text="Кофемолка шумит", buyer_name="Олег"
        ),
        "conversation": conversation_with(shops.mine, buyer="Борис Орлов", product=product),
        "other_conversation": conversation_with(shops.mine, buyer="Вера Котова"),
    }


def _get(client, name: str, query: dict, *args) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, (name, query)
    return response.content.decode()


def _conversations(body: str) -> tuple[int, bool, bool]:
    """How many conversation rows, and whether each buyer is among them (a search marks its words)."""
    return body.count("data-conv-row"), "Орлов" in body, "Котова" in body


@pytest.mark.parametrize("bad", NOT_NUMBERS)
def test_a_bad_number_drops_only_its_own_filter(seller_client, listed, bad):
    questions = _get(seller_client, "questions:list", {"q": "плед", "product": bad})
    assert f'data-question="{listed["question"].pk}"' in questions
    assert (
        f'data-question="{listed["other_question"].pk}"' not in questions
    )  # the search still applies

    reviews = _get(seller_client, "reviews:list", {"q": "плед", "product": bad, "rating": bad})
    assert listed["review"].text in reviews and listed["other_review"].text not in reviews

    chats = _get(seller_client, "chats:inbox", {"q": "Борис", "product": bad})
    assert _conversations(chats) == (1, True, False)


def test_a_number_past_any_id_finds_nothing(seller_client, listed):
    assert "data-question=" not in _get(seller_client, "questions:list", {"product": HUGE})
    assert listed["review"].text not in _get(seller_client, "reviews:list", {"product": HUGE})
    assert _conversations(_get(seller_client, "chats:inbox", {"product": HUGE}))[0] == 0


def test_an_over_long_search_is_cut_not_dropped(seller_client, listed):
    pasted = "кофеварка " * 600  # matches nothing, at any length
    questions = _get(seller_client, "questions:list", {"q": pasted})
    assert "data-question=" not in questions
    reviews = _get(seller_client, "reviews:list", {"q": pasted})
    assert listed["review"].text not in reviews and listed["other_review"].text not in reviews
    assert _conversations(_get(seller_client, "chats:inbox", {"q": pasted}))[0] == 0


def test_a_long_search_still_finds_by_its_beginning(seller_client, listed):
    found = _get(seller_client, "questions:list", {"q": "плед" + " " * 300 + "x" * 300})
    assert f'data-question="{listed["question"].pk}"' in found


def test_a_nul_character_in_a_search_is_no_server_error(seller_client, listed):
    _get(seller_client, "questions:list", {"q": "пл\x00ед"})
    _get(seller_client, "reviews:list", {"q": "пл\x00ед"})
    assert _conversations(_get(seller_client, "chats:inbox", {"q": "Бо\x00рис"}))[2] is False
    _get(seller_client, "chats:inbox", {"q": "\x00", "group": "1"})
    _get(seller_client, "chats:conversation", {"find": "за\x00каз"}, listed["conversation"].pk)


@pytest.mark.parametrize("bad", NOT_NUMBERS)
def test_a_bad_hit_number_opens_the_first_hit(seller_client, listed, bad):
    page = _get(
        seller_client,
        "chats:conversation",
        {"find": "заказ", "hit": bad},
        listed["conversation"].pk,
    )
    assert 'id="hit-counter"' in page and "1 / 1" in page
