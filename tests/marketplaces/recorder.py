"""Stand-in app hooks for inbound items: they record what a real app would import."""

from __future__ import annotations

from collections import defaultdict

calls: dict[str, list] = defaultdict(list)


def reset() -> None:
    calls.clear()


def record_question(*, shop, item) -> None:
    calls["question"].append(item)


def record_feedback(*, shop, item) -> None:
    calls["feedback"].append(item)


def record_chat(*, shop, item) -> None:
    calls["chat_event"].append(item)


def ids(stream: str) -> list[str]:
    key = "message_external_id" if stream == "chat_event" else "external_id"
    return [getattr(item, key) for item in calls[stream]]
