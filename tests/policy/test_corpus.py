"""The labelled corpus: parts and violations a seller would notice."""

from tests.policy.corpus_eval import evaluate, load_corpus


def test_corpus_is_large_and_covers_every_channel_and_language():
    rows = load_corpus()
    assert len(rows) >= 200
    assert {r["channel"] for r in rows} == {
        "chat",
        "question_answer",
        "question_decline",
        "review_reply",
    }
    assert {r["lang"] for r in rows} == {"ru", "zh", "en"}


def test_corpus_scores_meet_the_bar():
    result = evaluate(load_corpus())
    mistakes = "\n".join(f"{rid}: {what}: {text}" for rid, what, text in result["mistakes"])
    assert result["part_accuracy"] >= 0.97, mistakes
    assert result["violations_micro"]["f1"] >= 0.97, mistakes


def test_rating_gate_never_hides_a_rating_finding():
    """check() skips the rating analysis when no rating word is present; it must lose nothing."""
    from sellerdesk.policy.engine import _may_mention_rating
    from sellerdesk.policy.rating import find_rating_manipulation
    from sellerdesk.policy.text import fold

    texts = [row["text"] for row in load_corpus()] + [
        "Измените, пожалуйста, оценку на пять звёзд.",
        "Поставьте пятёрочку, вернём 200 ₽.",
        "Please update your review to 5 stars.",
        "給個五星好評，返現10元。",
    ]
    for text in texts:
        folded = fold(text)
        if find_rating_manipulation(folded):
            assert _may_mention_rating(folded), text


def test_each_held_out_set_meets_the_bar_on_its_own():
    """The held-out sets were written without looking at the lexicons: a drop there is a
    generalisation problem that the larger tuned corpus would hide."""
    for name in ("heldout", "heldout2", "heldout4"):
        result = evaluate(load_corpus((name,)))
        mistakes = "\n".join(f"{rid}: {what}: {text}" for rid, what, text in result["mistakes"])
        assert result["part_accuracy"] >= 0.97, mistakes
        assert result["violations_micro"]["f1"] >= 0.97, mistakes


def test_widened_classes_score_and_keep_polite_replies_clean():
    """corpus/widened.jsonl: indirect rating requests, marketplace-controlled delivery,
    guaranteed results, spelled contacts, each beside polite near-misses."""
    rows = load_corpus(("widened",))
    result = evaluate(rows)
    mistakes = "\n".join(f"{rid}: {what}: {text}" for rid, what, text in result["mistakes"])
    for code in ("rating_manipulation", "overpromise", "contact_outside_chat"):
        assert result["per_code"][code]["f1"] >= 0.9, mistakes
    clean = [row for row in rows if not row["codes"]]
    assert len(clean) >= 90
    flagged = [m for m in result["mistakes"] if m[1].startswith("unexpected")]
    assert flagged == [], mistakes
