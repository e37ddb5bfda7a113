"""Autopilot triage: the shipped defaults on a labelled corpus, and the CLI's fixed contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviews.triage import AUTO, DRAFT, ESCALATE, Gate, triage

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"


def _rates(path: Path) -> tuple[float, float, int]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    must = [row for row in rows if row["escalate"]]
    harmless = [row for row in rows if not row["escalate"]]
    caught = sum(triage(text=r["text"], rating=r["rating"]).decision == ESCALATE for r in must)
    false = sum(triage(text=r["text"], rating=r["rating"]).decision == ESCALATE for r in harmless)
    return caught / len(must), false / len(harmless), len(rows)


@pytest.mark.parametrize(
    "name", ["triage_corpus.jsonl", "triage_heldout.jsonl", "triage_fresh.jsonl"]
)
def test_every_dangerous_review_escalates_and_harmless_ones_rarely_do(name):
    recall, false_rate, size = _rates(DATA / name)
    assert size >= 60
    assert recall >= 0.95
    assert false_rate <= 0.05


def test_corpus_covers_three_languages_and_is_large_enough():
    rows = [json.loads(line) for line in (DATA / "triage_corpus.jsonl").open(encoding="utf-8")]
    assert len(rows) >= 200
    assert {row["lang"] for row in rows} == {"ru", "zh", "en"}


def test_decisions_follow_the_preset():
    assert triage(text="Отличный чайник, спасибо!", rating=5).decision == AUTO
    happy_but_late = triage(text="Хорошая вещь, но доставка затянулась", rating=5)
    assert (happy_but_late.decision, happy_but_late.situation) == (DRAFT, "delivery_delay")
    assert triage(text="Не понравилось", rating=2).decision == DRAFT
    assert triage(text="Не понравилось", rating=2).situation == "other"
    hidden = triage(text="5 звёзд, но у ребёнка сыпь", rating=5)
    assert hidden.decision == ESCALATE and hidden.reason == "health"
    wider = Gate(ratings=frozenset({3, 4, 5}), situations=frozenset({"delivery_delay"}))
    assert triage(text="Доставка затянулась", rating=3, gate=wider).decision == AUTO


def _cli(stdin: bytes, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="sellerdesk.settings.local",
        DATABASE_URL="postgres://nobody@127.0.0.1:1/no_database",  # any query would fail
        LANG="C",
        LC_ALL="C",
        PYTHONIOENCODING="",
    )
    return subprocess.run(
        [sys.executable, "manage.py", "autopilot_triage", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_cli_answers_every_line_in_order_without_a_database():
    lines = [
        {"id": "a", "text": "Супер, огонь!", "rating": 5},
        {"id": 2, "text": "Зарядка задымилась", "rating": 4, "lang": "ru"},
        {"id": "c", "text": "尺码偏小", "rating": 3, "lang": "zh"},
    ]
    stdin = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    result = _cli(stdin.encode("utf-8"), "--jsonl")
    assert result.returncode == 0, result.stderr.decode()
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert out[0] == {"id": "a", "decision": "auto", "situation": None, "triggers": []}
    assert out[1]["decision"] == "escalate"
    assert out[1]["triggers"] == [{"kind": "safety", "start": 8, "end": 18}]
    assert (out[2]["decision"], out[2]["situation"]) == ("draft", "wrong_size")


def test_cli_reports_malformed_lines_in_place_and_exits_2():
    bad = [
        b"not json",
        b"[1, 2]",
        b'{"id": 1, "text": "ok"}',
        b'{"id": 1, "text": "ok", "rating": 6}',
        b'{"id": 1, "text": "ok", "rating": true}',
        b'{"id": 1, "text": 5, "rating": 5}',
        b'{"text": "ok", "rating": 5}',
        b'{"id": 1, "text": "ok", "rating": 5, "lang": 7}',
        b'{"id": 1, "text": "ok", "rating": 1e999}',
        b"[" * 200_000 + b"]" * 200_000,
        b'{"id": 1, "text": "ok", "rating": ' + b"9" * 20_000 + b"}",
        b'{"id": 1, "text": "\xff\xfe", "rating": 5}',
    ]
    good = b'{"id": "last", "text": "ok", "rating": 5}'
    result = _cli(b"\n".join([*bad, good]) + b"\n")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(bad) + 1
    assert all("error" in line for line in out[:-1])
    assert out[-1]["id"] == "last" and out[-1]["decision"] == "auto"
