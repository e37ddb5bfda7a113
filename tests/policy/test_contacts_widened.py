"""Contacts spelled to slip past a filter: e-mails without the dot word, clipped messenger names."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.policy import check
from sellerdesk.policy.contacts import _AT_RE, _near, _patterns, find_contacts
from sellerdesk.policy.text import fold


def contact_codes(text: str, channel: str = "question_answer") -> set[str]:
    return {f.code for f in check(text, channel).findings} & {"contact_outside_chat"}


@pytest.mark.parametrize(
    "text",
    [
        "Напишите нам: ivan собака mail ru, пришлём фото.",
        "Почта shop.moda собака yandex ru",
        "иван собака яндекс ру — ответим быстрее",
        "ivan(собака)mail ru",
        "ivan @ mail ru",
        "Write to ivan at gmail com for photos.",
        "邮箱 abc艾特qq点com",
        "Пишите в тг @modashop",
        "вцап shop_best, там быстрее",
        "Пишите в вцап, ответим сразу",
        "tg: best_shop",
        "wa: modashop",
        "加微abc12345，发您实拍图",
        "微：shop888",
        "加v shop888",
        "ig: moda.shop",
        "Пишите нам на фб",
    ],
)
def test_spelled_and_clipped_contacts_are_found(text):
    assert contact_codes(text) == {"contact_outside_chat"}, text


@pytest.mark.parametrize(
    "text",
    [
        "Take a look at this, the colour is exactly as in the photo.",
        "Наша собака тоже любит эту лежанку, размер M подойдёт.",
        "Размер 42 соответствует росту 170, ткань плотная.",
        "I was in a hurry, sorry for the short answer.",
        "稍微等3天就到了。",
        "微波炉可以用，功率700w。",
        "微小的色差12345属于正常范围。",
        "Рукав 3/4, артикул 145678923.",
        "Мы не общаемся в тг и вцап, только в этом чате.",
        "We do not use wa or tg, please write here.",
        "The fb group is not ours, we only answer here.",
        "Ответим здесь, в чате маркетплейса: пишите в любое время.",
    ],
)
def test_ordinary_text_is_not_a_contact(text):
    assert contact_codes(text) == set(), text


def test_allowed_domain_spelled_without_a_dot_is_allowed():
    folded = fold("sales собака wildberries ru")
    assert find_contacts(folded, ("wildberries.ru",)) == []
    assert find_contacts(folded) != []


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["ivan", "@", "mail.ru", " ", "a.b", "x@y.com", "q", "1", "@@", ".", "-"]),
        max_size=40,
    ).map("".join)
)
def test_windowed_search_finds_what_a_whole_text_scan_finds(text):
    """The e-mail scan only looks around each «@»; it must agree with the plain scan."""
    regex = _patterns().email
    assert [m.span() for m in _near(regex, text, _AT_RE, 70, 330)] == [
        m.span() for m in regex.finditer(text)
    ]


def test_a_long_unbroken_line_with_an_at_sign_is_checked():
    """The shape that used to cost the square of its length (a scan from every letter)."""
    assert find_contacts(fold("a" * 100_000 + "@")) == []
    assert [c.kind for c in find_contacts(fold("a" * 100_000 + " x@y.com"))] == ["email"]
