"""Which reviews the autopilot may answer alone, which wait for a person, which go to a manager.

Pure functions over plain values (no database): the shop's situation matcher, the
escalation triggers shipped with the policy package, and the shop's autopilot gate.
The ``autopilot_triage`` command and the autopilot services both decide here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sellerdesk.policy.escalation import Trigger, find_triggers
from sellerdesk.policy.matcher import PhraseMatcher, PhraseSet, phrase_is_matchable

AUTO = "auto"
DRAFT = "draft"
ESCALATE = "escalate"
LANGS = ("ru", "zh", "en")


@dataclass(frozen=True)
class Gate:
    """What may go out without a person: ratings, and negative situations allowed anyway.

    The preset (the issue's "4–5★ with no negative situation") allows no situation.
    """

    ratings: frozenset[int] = frozenset({4, 5})
    situations: frozenset[str] = frozenset()

    def allows(self, *, rating: int, situation: str | None) -> bool:
        if rating not in self.ratings:
            return False
        return situation is None or situation in self.situations


PRESET = Gate()


@dataclass(frozen=True)
class Triage:
    decision: str
    situation: str | None
    triggers: tuple[Trigger, ...] = field(default=())
    matched: str = ""

    @property
    def reason(self) -> str:
        """The kinds that escalated, in order of first appearance (for the list and the audit)."""
        return ", ".join(dict.fromkeys(trigger.kind for trigger in self.triggers))


def situation_matcher_from_rules(rules: Iterable[dict[str, Any]]) -> PhraseMatcher:
    """Rules in the shipped-file shape ({situation, phrases, exclusions, fuzzy}) → one matcher."""
    sets = []
    for rule in rules:
        if rule.get("enabled", True) is False:
            continue
        phrases = tuple(p for p in rule.get("phrases", ()) if phrase_is_matchable(p))
        if not phrases:
            continue
        sets.append(
            PhraseSet(
                label=rule["situation"],
                phrases=phrases,
                exclude=tuple(p for p in rule.get("exclusions", ()) if phrase_is_matchable(p)),
                fuzzy=bool(rule.get("fuzzy")),
            )
        )
    return PhraseMatcher(sets)


@cache
def default_situation_matcher() -> PhraseMatcher:
    from reviews.situations import default_rules

    return situation_matcher_from_rules(default_rules())


def classify(matcher: PhraseMatcher, text: str, rating: int) -> tuple[str | None, str]:
    """(situation, the words that decided it). A 4–5★ review without a match has none;
    a 1–3★ review without a match is «other»."""
    match = matcher.first(text) if text.strip() else None
    if match is not None:
        situation = match.label.split(":", 1)[-1]  # shop matchers label «<rule id>:<situation>»
        return situation, match.text[:200]
    return (None, "") if rating >= 4 else ("other", "")


def triage(
    *,
    text: str,
    rating: int,
    matcher: PhraseMatcher | None = None,
    gate: Gate = PRESET,
) -> Triage:
    situation, matched = classify(matcher or default_situation_matcher(), text, rating)
    triggers = tuple(find_triggers(text))
    if triggers:
        decision = ESCALATE
    elif gate.allows(rating=rating, situation=situation):
        decision = AUTO
    else:
        decision = DRAFT
    return Triage(decision=decision, situation=situation, triggers=triggers, matched=matched)


# --- the command-line contract ---------------------------------------------------------------


class _BadLine(ValueError):
    pass


def _read_rating(value: Any) -> int:
    if isinstance(value, bool):
        raise _BadLine('"rating" must be an integer from 1 to 5')
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= 5:
        raise _BadLine('"rating" must be an integer from 1 to 5')
    return value


def _read_item(line: str) -> tuple[Any, str, int]:
    try:
        item = json.loads(line)
    except RecursionError:
        raise _BadLine("not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # JSONDecodeError, and ints beyond Python's digit limit
        raise _BadLine(f"not valid JSON ({getattr(exc, 'msg', None) or exc})") from None
    if not isinstance(item, dict):
        raise _BadLine('expected an object with "id", "text" and "rating"')
    item_id = item.get("id")
    if item_id is None or isinstance(item_id, dict | list):
        raise _BadLine('"id" must be a string or a number')
    if isinstance(item_id, float) and not math.isfinite(item_id):
        raise _BadLine('"id" must be a string or a number')
    text = item.get("text")
    if not isinstance(text, str):
        raise _BadLine('"text" must be a string')
    rating = _read_rating(item.get("rating"))
    lang = item.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise _BadLine('"lang" must be a string (ru, zh or en) when given')
    return item_id, text, rating


def triage_lines(lines: Iterable[str | bytes]) -> Iterator[dict[str, Any]]:
    """One result per non-blank line, in order; a malformed line gives ``{"id", "error"}``."""
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes | bytearray):
            try:
                line = line.decode("utf-8")
            except UnicodeDecodeError:
                yield {"id": None, "error": f"line {number}: not valid UTF-8"}
                continue
        if not line.strip():
            continue
        try:
            item_id, text, rating = _read_item(line)
        except _BadLine as exc:
            yield {"id": None, "error": f"line {number}: {exc}"}
            continue
        result = triage(text=text, rating=rating)
        yield {
            "id": item_id,
            "decision": result.decision,
            "situation": result.situation,
            "triggers": [trigger.to_dict() for trigger in result.triggers],
        }
