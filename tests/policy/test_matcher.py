"""Phrase matcher semantics: lemmas in order, whole words, fuzzy typos, Han substrings, exclusions."""

from __future__ import annotations

import pytest

from sellerdesk.policy.matcher import PhraseMatcher, PhraseSet, fold_han, normalize_han


def first_label(sets, text):
    match = PhraseMatcher(sets).first(text)
    return match.label if match else None


def one(phrases, *, exclude=(), fuzzy=False):
    return [PhraseSet("rule", tuple(phrases), tuple(exclude), fuzzy)]


# --- lemmas, order, contiguity -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "А у других продавцов дешевле?",
        "Другой продавец так не делает",
        "другому продавцу писали",
        "ДРУГИЕ ПРОДАВЦЫ",
        "Другие, продавцы!",  # punctuation between words is ignored
    ],
)
def test_phrase_matches_inflected_words_in_order(text):
    assert first_label(one(["другой продавец"]), text) == "rule"


@pytest.mark.parametrize(
    "text",
    [
        "Продавец другой",  # order
        "Другой хороший продавец",  # a word in between
        "Другой",  # half of the phrase
    ],
)
def test_phrase_needs_contiguous_words_in_order(text):
    assert first_label(one(["другой продавец"]), text) is None


def test_match_reports_span_in_original_text():
    text = "Скажите, у ДРУГИХ  продавцов есть?"
    match = PhraseMatcher(one(["другой продавец"])).first(text)
    assert match is not None
    assert (match.start, match.end) == (11, 28)
    assert match.text == text[11:28] == "ДРУГИХ  продавцов"
    assert match.phrase == "другой продавец"


def test_yo_and_ye_are_the_same_letter():
    assert first_label(one(["ёлка"]), "Есть елка?") == "rule"
    assert first_label(one(["елка"]), "Есть ЁЛКА?") == "rule"


def test_ambiguous_word_matches_through_any_of_its_lemmas():
    # «стали» is both «сталь» and «стать».
    assert first_label(one(["нержавеющая сталь"]), "Из нержавеющей стали?") == "rule"
    assert first_label(one(["стать"]), "Они стали лучше") == "rule"


def test_ambiguous_phrase_word_matches_through_any_of_its_lemmas():
    assert first_label(one(["стали"]), "Это сталь?") == "rule"
    assert first_label(one(["стали"]), "Может стать короче?") == "rule"


# --- whole words -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Который час?", "Котёл есть?", "Антрекот", "котлеты"])
def test_phrase_never_matches_inside_a_longer_word(text):
    assert first_label(one(["кот"]), text) is None


def test_short_word_matches_alone():
    assert first_label(one(["кот"]), "Кот, которому подойдёт") == "rule"


def test_english_words_are_whole_words_with_light_stemming():
    assert first_label(one(["pet"]), "Good for a petite dog?") is None
    assert first_label(one(["other seller"]), "Do other sellers have it?") == "rule"


def test_latin_word_next_to_han_characters_is_still_a_word():
    assert first_label(one(["iphone"]), "我想买iphone手机") == "rule"


# --- fuzzy -------------------------------------------------------------------------------------


@pytest.mark.parametrize("typo", ["поставщег", "поставшик", "поставшиков", "постащик"])
def test_fuzzy_matches_typos_of_long_words(typo):
    assert first_label(one(["поставщик"], fuzzy=True), f"Кто ваш {typo}?") == "rule"


def test_typos_do_not_match_without_fuzzy():
    assert first_label(one(["поставщик"]), "Кто ваш поставщег?") is None


@pytest.mark.parametrize("word", ["постовшук", "пасташик", "паставшег"])
def test_fuzzy_rejects_words_outside_the_threshold(word):
    assert first_label(one(["поставщик"], fuzzy=True), f"Кто {word}?") is None


def test_fuzzy_threshold_boundary_on_english():
    sets = one(["original"], fuzzy=True)
    assert first_label(sets, "is it orignal") == "rule"  # one letter dropped
    assert first_label(sets, "is it origami") is None  # ratio 67


def test_fuzzy_ignores_words_shorter_than_five_letters():
    sets = one(["цена"], fuzzy=True)
    assert first_label(sets, "какая цина") is None
    assert first_label(sets, "какая цена") == "rule"


def test_fuzzy_leaves_real_dictionary_words_alone():
    # «поставка» is a word of its own, not a typo of «поставщик».
    assert first_label(one(["поставщик"], fuzzy=True), "Когда поставка?") is None


def test_fuzzy_of_one_set_does_not_leak_into_another():
    sets = [PhraseSet("exact", ("поставщик",)), PhraseSet("fuzzy", ("поставщик",), fuzzy=True)]
    assert first_label(sets, "Кто поставщег?") == "fuzzy"
    assert first_label(sets, "Кто поставщик?") == "exact"


def test_fuzzy_works_inside_multiword_phrases():
    assert first_label(one(["оригинальный товар"], fuzzy=True), "Это ориганальный товар?") == "rule"


# --- Chinese -----------------------------------------------------------------------------------


def test_chinese_phrase_matches_as_substring():
    assert first_label(one(["其他卖家"]), "有其他卖家便宜吗") == "rule"


def test_traditional_and_simplified_are_folded_both_ways():
    assert first_label(one(["其他卖家"]), "有其他賣家嗎") == "rule"
    assert first_label(one(["其他賣家"]), "有其他卖家吗") == "rule"
    assert fold_han("聯繫方式") == "联系方式"


def test_full_width_forms_are_folded():
    assert first_label(one(["vip会员"]), "ＶＩＰ会员有折扣吗") == "rule"
    assert first_label(one(["ｗｈａｔｓａｐｐ"]), "WhatsApp?") == "rule"
    assert normalize_han("ＶＩＰ 會員") == "vip会员"


def test_chinese_span_maps_back_to_original_offsets():
    text = "你好， 其他 賣家有嗎"
    match = PhraseMatcher(one(["其他卖家"])).first(text)
    assert match is not None
    assert match.text == "其他 賣家"
    assert text[match.start : match.end] == match.text


def test_chinese_phrase_does_not_match_when_interrupted():
    assert first_label(one(["其他卖家"]), "其他的卖家") is None


# --- exclusions and order ----------------------------------------------------------------------


def test_exclusion_vetoes_its_own_set_only():
    sets = [
        PhraseSet("sellers", ("другой продавец",), ("официальный магазин",)),
        PhraseSet("shops", ("магазин",)),
    ]
    text = "Это официальный магазин или другой продавец?"
    assert first_label(sets, text) == "shops"


def test_exclusion_matches_by_lemmas_too():
    sets = one(["кот"], exclude=["корм"])
    assert first_label(sets, "Кот ест этот корм?") is None
    assert first_label(sets, "Кот и корма") is None
    assert first_label(sets, "Кот и кормушка") == "rule"


def test_first_set_in_order_wins_not_first_in_text():
    sets = [PhraseSet("late", ("собака",)), PhraseSet("early", ("кот",))]
    match = PhraseMatcher(sets).first("Кот и собака")
    assert match is not None
    assert (match.label, match.text) == ("late", "собака")


def test_leftmost_then_longest_phrase_is_reported():
    sets = one(["продавец", "другой продавец"])
    match = PhraseMatcher(sets).first("Другой продавец и продавец")
    assert match is not None
    assert match.text == "Другой продавец"


def test_matches_lists_every_non_vetoed_set_in_order():
    sets = [
        PhraseSet("a", ("кот",)),
        PhraseSet("b", ("собака",), ("корм",)),
        PhraseSet("c", ("кот",)),
    ]
    labels = [m.label for m in PhraseMatcher(sets).matches("кот, собака, корм")]
    assert labels == ["a", "c"]


def test_no_phrases_no_match():
    assert PhraseMatcher([]).first("что угодно") is None
    assert first_label(one(["кот"]), "") is None


def test_phrase_without_words_is_rejected():
    with pytest.raises(ValueError):
        PhraseMatcher(one(["!!!"]))


def test_fuzzy_set_matches_its_exclusions_fuzzily_too():
    sets = one(["поставщик"], exclude=["гарантия"], fuzzy=True)
    assert first_label(sets, "Поставщик и гарантея?") is None
    assert first_label(one(["поставщик"], exclude=["гарантия"]), "Поставщик и гарантея?") == "rule"
