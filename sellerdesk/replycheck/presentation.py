"""Turn an engine Report into what the findings panel shows: checklist, groups, marks, fixes."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.utils.translation import gettext_lazy as _

PART_LABELS = {
    "greeting": _("Greeting"),
    "thanks": _("Thanks"),
    "reason": _("Reason"),
    "alternative": _("Alternative"),
    "closing": _("Closing"),
}
# Parts only some channels ask for (a decline explains why and offers another way).
CONDITIONAL_PARTS = {"reason", "alternative"}
CHANNELS_WITH_REASON = {"question_decline"}
SEVERITY_ORDER = ("error", "warning", "info")
SEVERITY_LABELS = {"error": _("Errors"), "warning": _("Warnings"), "info": _("Hints")}

# What a one-click fix inserts when the engine gives no suggestion, by reply language.
DEFAULT_INSERTS = {
    "greeting": {"ru": "Здравствуйте!", "zh": "亲，您好！", "en": "Hello!"},
    "thanks": {
        "ru": "Спасибо за ваш вопрос.",
        "zh": "感谢您的咨询。",
        "en": "Thank you for your question.",
    },
    "closing": {"ru": "Хорошего дня!", "zh": "祝您生活愉快！", "en": "Have a nice day!"},
}


@dataclass
class Fix:
    action: str  # "insert" or "remove"
    position: str = ""  # for insert: "start", "after_greeting", "end"
    text: str = ""
    start: int = 0
    end: int = 0
    label: str = ""


@dataclass
class FindingView:
    code: str
    severity: str
    start: int
    end: int
    message: str
    suggestion: str
    quote: str
    fix: Fix | None = None


@dataclass
class Segment:
    text: str
    severity: str = ""
    codes: str = ""


@dataclass
class FindingsView:
    ok: bool
    lang: str
    parts: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    has_errors: bool = False
    has_warnings: bool = False
    count: int = 0

    @property
    def needs_confirmation(self) -> bool:
        return self.has_warnings and not self.has_errors

    @property
    def has_marks(self) -> bool:
        return any(segment.severity for segment in self.segments)


def _part_of(code: str) -> str:
    for part in ("greeting", "thanks", "closing"):
        if part in code:
            return part
    return ""


def _fix_for(finding: dict[str, Any], lang: str) -> Fix | None:
    code = finding["code"]
    start, end = finding["start"], finding["end"]
    suggestion = finding.get("suggestion") or ""
    part = _part_of(code)
    if code.startswith("missing") and part:
        text = suggestion or DEFAULT_INSERTS[part].get(lang, DEFAULT_INSERTS[part]["ru"])
        position = {"greeting": "start", "thanks": "after_greeting", "closing": "end"}[part]
        labels = {
            "greeting": _("Add greeting"),
            "thanks": _("Add thanks"),
            "closing": _("Add closing"),
        }
        return Fix(action="insert", position=position, text=text, label=str(labels[part]))
    if (
        "contact" in code or "phone" in code or "email" in code or "link" in code or "url" in code
    ) and end > start:
        return Fix(action="remove", start=start, end=end, label=str(_("Remove")))
    return None


def _segments(text: str, findings: list[dict[str, Any]]) -> list[Segment]:
    """Split ``text`` at finding boundaries; each piece carries the worst severity over it."""
    spans = [f for f in findings if f["end"] > f["start"]]
    if not text:
        return []
    bounds = {0, len(text)}
    for finding in spans:
        bounds.add(max(0, min(len(text), finding["start"])))
        bounds.add(max(0, min(len(text), finding["end"])))
    ordered = sorted(bounds)
    segments: list[Segment] = []
    for left, right in pairwise(ordered):
        covering = [f for f in spans if f["start"] <= left and f["end"] >= right]
        severity = ""
        for candidate in SEVERITY_ORDER:
            if any(f["severity"] == candidate for f in covering):
                severity = candidate
                break
        codes = " ".join(sorted({f["code"] for f in covering}))
        segments.append(Segment(text=text[left:right], severity=severity, codes=codes))
    return segments


def findings_view(report: Any, text: str | None = None, channel: str = "") -> FindingsView:
    data = report.to_dict()
    text = text or ""
    lang = data.get("lang") or "ru"
    findings = data.get("findings", [])
    view = FindingsView(ok=bool(data.get("ok")), lang=lang, count=len(findings))
    for name, present in (data.get("parts") or {}).items():
        if name in CONDITIONAL_PARTS and channel not in CHANNELS_WITH_REASON:
            continue
        view.parts.append(
            {"name": name, "label": PART_LABELS.get(name, name), "present": bool(present)}
        )
    for severity in SEVERITY_ORDER:
        items = []
        for finding in findings:
            if finding["severity"] != severity:
                continue
            start, end = finding["start"], finding["end"]
            items.append(
                FindingView(
                    code=finding["code"],
                    severity=severity,
                    start=start,
                    end=end,
                    message=finding["message"],
                    suggestion=finding.get("suggestion") or "",
                    quote=text[start:end] if text and end > start else "",
                    fix=_fix_for(finding, lang) if text is not None else None,
                )
            )
        if items:
            view.groups.append(
                {"severity": severity, "label": SEVERITY_LABELS[severity], "items": items}
            )
    view.has_errors = any(g["severity"] == "error" for g in view.groups)
    view.has_warnings = any(g["severity"] == "warning" for g in view.groups)
    view.segments = _segments(text, findings)
    return view
