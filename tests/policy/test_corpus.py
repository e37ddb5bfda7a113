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
