"""The playbook of each situation, read from data/playbooks.json (RU, ZH, EN)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PLAYBOOKS_FILE = Path(__file__).resolve().parent / "data" / "playbooks.json"


@dataclass(frozen=True)
class Step:
    key: str
    label: str


@dataclass(frozen=True)
class Playbook:
    situation: str
    steps: tuple[Step, ...]
    template_key: str
    advice: str


@cache
def _data() -> dict:
    return json.loads(PLAYBOOKS_FILE.read_text(encoding="utf-8"))


def step_label(key: str, lang: str) -> str:
    labels = _data()["steps"].get(key)
    if labels is None:
        return key
    return labels.get(lang) or labels["ru"]


def playbook_for(situation: str, lang: str) -> Playbook | None:
    """``None`` for positive reviews (no situation)."""
    entry = _data()["situations"].get(situation)
    if entry is None:
        return None
    return Playbook(
        situation=situation,
        steps=tuple(Step(key=key, label=step_label(key, lang)) for key in entry["steps"]),
        template_key=entry["template"],
        advice=entry["advice"].get(lang) or entry["advice"]["ru"],
    )


def step_keys(situation: str) -> tuple[str, ...]:
    entry = _data()["situations"].get(situation)
    return tuple(entry["steps"]) if entry else ()


def positive_template_key() -> str:
    return _data()["positive_template"]


COUPON_STEP = "offer_coupon"
CHAT_STEP = "contact_buyer"
