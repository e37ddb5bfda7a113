"""Any text: no crash, spans inside the text, same answer twice."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellerdesk.policy import CHANNELS, check, find_profanity

SAMPLES = [
    "Здравствуйте",
    "спасибо",
    "бля",
    "8 916 123 45 67",
    "@",
    "{{",
    "亲",
    "謝謝",
    "微信",
    "Ｘ",
    "ё",
    "\u0301",
]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(SAMPLES), st.text(max_size=8)), max_size=30).map(" ".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=texts, channel=st.sampled_from(CHANNELS), name=st.one_of(st.none(), st.text(max_size=10))
)
def test_any_text_gives_a_well_formed_deterministic_report(text, channel, name):
    report = check(text, channel, buyer_name=name)
    for finding in report.findings:
        assert 0 <= finding.start <= finding.end <= len(text)
        assert finding.severity in {"error", "warning", "info"}
    assert report.ok == (not any(f.severity == "error" for f in report.findings))
    assert check(text, channel, buyer_name=name).to_dict() == report.to_dict()


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_profanity_spans_lie_inside_text(text):
    for start, end in find_profanity(text):
        assert 0 <= start < end <= len(text)


RATING_SAMPLES = [
    "измените отзыв",
    "поставьте 5 звёзд",
    "за положительный отзыв вернём 200 ₽",
    "update your review",
    "5 stars in exchange",
    "给个五星好评",
    "修改評價",
    "спасибо за отзыв",
    "оценку",
    "。",
]
rating_texts = st.lists(
    st.one_of(st.sampled_from(RATING_SAMPLES + SAMPLES), st.text(max_size=6)), max_size=12
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=rating_texts)
def test_rating_gate_never_hides_a_finding(text):
    from sellerdesk.policy.engine import _may_mention_rating
    from sellerdesk.policy.rating import find_rating_manipulation
    from sellerdesk.policy.text import fold

    folded = fold(text)
    if find_rating_manipulation(folded):
        assert _may_mention_rating(folded)


PHRASE_SAMPLES = [
    "к сожалению",
    "не можем",
    "гарантируем",
    "обратиться в поддержку",
    ".",
    "!",
    "\n",
]


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.one_of(st.sampled_from(PHRASE_SAMPLES + SAMPLES), st.text(max_size=6)), max_size=20
    ).map(" ".join)
)
def test_phrase_matches_stay_inside_one_sentence(text):
    from sellerdesk.policy.phrases import phrase_book
    from sellerdesk.policy.text import fold

    folded = fold(text)
    for phrase, start, end in phrase_book().match_tokens(folded):
        assert 0 <= start < end <= len(folded)
        assert not any(char in ".!?…;\n" for char in folded[start:end]), phrase.text


MANNER_SAMPLES = [
    "вы буквы различаете?",
    "сами недосмотрели",
    "с этим не к нам",
    "разбирайтесь с курьером",
    "мы проверим",
    "не нравится — не покупайте",
    "你瞎吗",
    "嫌贵别买",
    "跟我们无关",
    "我们会帮您",
    "can't you read?",
    "that's on you",
    "not our department",
    "we'll check",
    "серьезно?",
    "?",
    "??",
    "—",
]
manner_texts = st.lists(
    st.one_of(st.sampled_from(MANNER_SAMPLES + SAMPLES), st.text(max_size=6)), max_size=16
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=manner_texts, channel=st.sampled_from(CHANNELS))
def test_manner_findings_are_well_formed_and_deterministic(text, channel):
    report = check(text, channel)
    manner = [f for f in report.findings if f.code in {"rude", "blame", "brush_off"}]
    for finding in manner:
        assert 0 <= finding.start < finding.end <= len(text)
        # A finding is a sentence: it never starts on whitespace.
        assert not text[finding.start].isspace()
    assert check(text, channel).to_dict() == report.to_dict()
