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
