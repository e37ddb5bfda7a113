"""The per-shop policy: which parts each channel requires and what is allowed.

Stored as JSON on the Django side and edited by managers, so ``from_dict``
validates everything and names the offending field in its ``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Literal

Channel = Literal["chat", "question_answer", "question_decline", "review_reply"]
Severity = Literal["error", "warning", "info"]

CHANNELS: tuple[str, ...] = ("chat", "question_answer", "question_decline", "review_reply")
PARTS: tuple[str, ...] = ("greeting", "thanks", "reason", "alternative", "closing")
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
OFF = "off"  # a severity override that switches a check off

_COMMON_PARTS = ("greeting", "thanks", "closing")
DEFAULT_REQUIRED_PARTS: dict[str, tuple[str, ...]] = {
    "chat": _COMMON_PARTS,
    "question_answer": _COMMON_PARTS,
    "question_decline": ("greeting", "thanks", "reason", "alternative", "closing"),
    "review_reply": _COMMON_PARTS,
}
# Wildberries keeps answers short; 1000 characters is a sane, editable default.
DEFAULT_MAX_LENGTH: dict[str, int] = dict.fromkeys(CHANNELS, 1000)
DEFAULT_ALLOWED_DOMAINS: tuple[str, ...] = (
    "wildberries.ru",
    "wb.ru",
    "wildberries.by",
    "wildberries.kz",
)


def _frozen(mapping: dict) -> MappingProxyType:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Policy:
    required_parts: MappingProxyType = field(
        default_factory=lambda: _frozen(DEFAULT_REQUIRED_PARTS)
    )
    allow_contacts_in_chat: bool = True
    severity_overrides: MappingProxyType = field(default_factory=lambda: _frozen({}))
    # channel -> {code -> severity}: wins over severity_overrides on that channel.
    channel_severity: MappingProxyType = field(default_factory=lambda: _frozen({}))
    extra_forbidden_words: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = DEFAULT_ALLOWED_DOMAINS
    max_length: MappingProxyType = field(default_factory=lambda: _frozen(DEFAULT_MAX_LENGTH))

    @staticmethod
    def default() -> Policy:
        return _default_policy()

    def requires(self, channel: str) -> tuple[str, ...]:
        return self.required_parts.get(channel, ())

    def severity(self, code: str, default: str, channel: str | None = None) -> str:
        """The severity of ``code`` on ``channel``: the channel's own setting, else the
        shop-wide override, else the check's ``default``."""
        if channel is not None:
            own = self.channel_severity.get(channel)
            if own is not None and code in own:
                return own[code]
        return self.severity_overrides.get(code, default)

    def to_dict(self) -> dict[str, Any]:
        return {
            "required_parts": {c: list(p) for c, p in self.required_parts.items()},
            "allow_contacts_in_chat": self.allow_contacts_in_chat,
            "severity_overrides": dict(self.severity_overrides),
            "channel_severity": {c: dict(codes) for c, codes in self.channel_severity.items()},
            "extra_forbidden_words": list(self.extra_forbidden_words),
            "allowed_domains": list(self.allowed_domains),
            "max_length": dict(self.max_length),
        }

    @classmethod
    def from_dict(cls, data: Any) -> Policy:
        """Build a policy from (possibly partial) JSON data; missing fields keep defaults."""
        if not isinstance(data, dict):
            raise ValueError("policy: expected an object (dict)")
        known = {
            "required_parts",
            "allow_contacts_in_chat",
            "severity_overrides",
            "channel_severity",
            "extra_forbidden_words",
            "allowed_domains",
            "max_length",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"policy: unknown field {unknown[0]!r}")
        kwargs: dict[str, Any] = {}
        if "required_parts" in data:
            kwargs["required_parts"] = _frozen(_parse_required_parts(data["required_parts"]))
        if "allow_contacts_in_chat" in data:
            value = data["allow_contacts_in_chat"]
            if not isinstance(value, bool):
                raise ValueError("allow_contacts_in_chat: expected true or false")
            kwargs["allow_contacts_in_chat"] = value
        if "severity_overrides" in data:
            kwargs["severity_overrides"] = _frozen(_parse_overrides(data["severity_overrides"]))
        if "channel_severity" in data:
            kwargs["channel_severity"] = _frozen(_parse_channel_severity(data["channel_severity"]))
        if "extra_forbidden_words" in data:
            kwargs["extra_forbidden_words"] = _parse_words(
                data["extra_forbidden_words"], "extra_forbidden_words"
            )
        if "allowed_domains" in data:
            domains = _parse_words(data["allowed_domains"], "allowed_domains")
            kwargs["allowed_domains"] = tuple(
                d.lower().removeprefix("www.").strip(".") for d in domains
            )
        if "max_length" in data:
            kwargs["max_length"] = _frozen(_parse_max_length(data["max_length"]))
        return cls(**kwargs)


def _parse_required_parts(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ValueError("required_parts: expected an object of channel -> list of parts")
    parsed = dict(DEFAULT_REQUIRED_PARTS)
    for channel, parts in value.items():
        if channel not in CHANNELS:
            raise ValueError(
                f"required_parts: unknown channel {channel!r} (expected one of {', '.join(CHANNELS)})"
            )
        if not isinstance(parts, list | tuple):
            raise ValueError(f"required_parts.{channel}: expected a list of parts")
        for part in parts:
            if part not in PARTS:
                raise ValueError(
                    f"required_parts.{channel}: unknown part {part!r} (expected one of {', '.join(PARTS)})"
                )
        parsed[channel] = tuple(dict.fromkeys(parts))
    return parsed


def _parse_overrides(value: Any, name: str = "severity_overrides") -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"{name}: expected an object of code -> severity")
    # The registry imports this module: look the codes up when a policy is parsed.
    from sellerdesk.policy.checks import BY_CODE

    for code, severity in value.items():
        if code not in BY_CODE:
            raise ValueError(f"{name}: unknown code {code!r}")
        if not BY_CODE[code].overridable:
            raise ValueError(f"{name}: {code!r} cannot be changed by a shop")
        if severity not in (*SEVERITIES, OFF):
            raise ValueError(
                f"{name}.{code}: unknown severity {severity!r} (expected error, warning, info or off)"
            )
    return dict(value)


def _parse_channel_severity(value: Any) -> dict[str, MappingProxyType]:
    if not isinstance(value, dict):
        raise ValueError("channel_severity: expected an object of channel -> {code: severity}")
    parsed = {}
    for channel, codes in value.items():
        if channel not in CHANNELS:
            raise ValueError(f"channel_severity: unknown channel {channel!r}")
        parsed[channel] = _frozen(_parse_overrides(codes, f"channel_severity.{channel}"))
    return parsed


def _parse_words(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise ValueError(f"{name}: expected a list of strings")
    words = []
    for index, word in enumerate(value):
        if not isinstance(word, str) or not word.strip():
            raise ValueError(f"{name}[{index}]: expected a non-empty string")
        words.append(word.strip())
    return tuple(dict.fromkeys(words))


def _parse_max_length(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValueError("max_length: expected an object of channel -> number of characters")
    parsed = dict(DEFAULT_MAX_LENGTH)
    for channel, limit in value.items():
        if channel not in CHANNELS:
            raise ValueError(f"max_length: unknown channel {channel!r}")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
            raise ValueError(f"max_length.{channel}: expected a positive integer")
        parsed[channel] = limit
    return parsed


@lru_cache(maxsize=1)
def _default_policy() -> Policy:
    return Policy()
