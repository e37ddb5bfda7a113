"""What a check is: the shape every entry of the engine's registry (``checks.py``) has.

A check is a plain function ``(Context) -> Iterable[Hit]`` with a docstring that states
the rule, registered as a :class:`Check` with its code, default severity, message key
and the data files it reads. ``engine.check`` prepares one :class:`Context` per reply
and runs every registered check over it; the engine adds severity, message and
suggestion wording, so a check only says *where* and *what to put instead*.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sellerdesk.policy._data import read_json
from sellerdesk.policy.phrases import Match
from sellerdesk.policy.policy import Policy


class Hit(NamedTuple):
    """One place a check objects to: offsets into the reply, and what could replace it.

    ``suggestion``: text to insert (empty span) or to put in place of the span ("" means
    delete it). ``message_key`` overrides the check's message (the same rule worded for a
    different situation); ``params`` fill the message's placeholders.
    """

    start: int
    end: int
    suggestion: str = ""
    message_key: str | None = None
    params: dict[str, Any] | None = None


@dataclass
class Context:
    """Everything the checks share about one reply, computed once by the engine."""

    text: str
    folded: str
    channel: str
    lang: str  # the reply's language: suggestions are written in it
    ui: str  # the interface language: messages are written in it
    policy: Policy
    buyer_name: str
    matches: list[Match] = field(default_factory=list)
    parts: dict[str, bool] = field(default_factory=dict)
    by_part: dict[str, Match] = field(default_factory=dict)
    rating_spans: list[tuple[int, int]] = field(default_factory=list)
    # Contacts found while deciding the parts (an invitation elsewhere is an alternative);
    # empty until someone needs them, see contacts().
    contact_cache: list = field(default_factory=list)
    # (start, end) of the sentence holding a position; the engine's sentence splitter.
    sentence_of: Callable[[int], tuple[int, int]] = lambda at: (0, 0)

    def suggestion(self, key: str, **params: object) -> str:
        """The suggestion ``key`` of data/suggestions.json in the reply's language."""
        entry = read_json("suggestions").get(key)
        if entry is None:
            return ""
        text = entry.get(self.lang) or entry["ru"]
        return text.format(**params) if params else text

    def contacts(self) -> list:
        if not self.contact_cache:
            from sellerdesk.policy.contacts import find_contacts

            self.contact_cache.append(find_contacts(self.folded, self.policy.allowed_domains))
        return self.contact_cache[0]


@dataclass(frozen=True)
class Check:
    """One rule of the engine.

    ``severity`` is the default; a shop's policy may change it per channel unless
    ``overridable`` is false (rules the marketplace itself enforces). ``data`` lists
    the files under ``sellerdesk/policy/data/`` the rule reads (``<lang>`` stands for
    each of ru, zh, en). ``on_empty``: the check also runs on an empty reply, where
    every other check is skipped.
    """

    code: str
    severity: str
    function: Callable[[Context], Iterable[Hit]]
    message: str = ""  # key in data/messages.json; defaults to the code
    data: tuple[str, ...] = ()
    overridable: bool = True
    on_empty: bool = False

    @property
    def message_key(self) -> str:
        return self.message or self.code

    @property
    def rule(self) -> str:
        """The rule in words: the check function's docstring."""
        return " ".join((self.function.__doc__ or "").split())

    def message_text(self, ui: str, key: str | None = None, **params: object) -> str:
        template = read_json("messages")[key or self.message_key][ui]
        return template.format(**params) if params else template
