"""Turn an engine Report into what the findings panel shows: checklist, groups, marks, fixes."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PART_LABELS = {
    "greeting": _("Greeting"),
    "thanks": _("Thanks"),
    "reason": _("Reason"),
    "alternative": _("Alternative"),
    "closing": _("Closing"),
}
# Parts only some channels ask for (a decline explains why and offers another way);
# shown in the checklist only where the shop's policy requires them.
CONDITIONAL_PARTS = {"reason", "alternative"}
CHANNELS_WITH_REASON = {"question_decline"}
SEVERITY_ORDER = ("error", "warning", "info")
SEVERITY_LABELS = {"error": _("Errors"), "warning": _("Warnings"), "info": _("Hints")}


@dataclass
class Fix:
    action: str  # "insert", "remove" or "replace" (offsets in code points, as Python counts)
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
    length: int = 0  # of the checked text, in code points: fixes apply only to that text

    @property
    def needs_confirmation(self) -> bool:
        return self.has_warnings and not self.has_errors

    @property
    def has_marks(self) -> bool:
        return any(segment.severity for segment in self.segments)


INSERT_LABELS = {
    "missing_greeting": _("Add greeting"),
    "missing_thanks": _("Add thanks"),
    "missing_reason": _("Add reason"),
    "missing_alternative": _("Add alternative"),
    "missing_closing": _("Add closing"),
}
REMOVABLE = {"contact_outside_chat", "profanity", "rating_manipulation", "rude"}
REPLACEABLE = {
    "greeting_without_name",
    "overpromise",
    "shouting",
    "excessive_punctuation",
    "blame",
    "brush_off",
}


def _fix_for(finding: dict[str, Any]) -> Fix | None:
    """The one-click fix for a finding, from the engine's offsets and suggestion."""
    code = finding["code"]
    start, end = finding["start"], finding["end"]
    suggestion = finding.get("suggestion") or ""
    if code in INSERT_LABELS and suggestion and start == end:
        return Fix(
            action="insert", text=suggestion, start=start, end=end, label=str(INSERT_LABELS[code])
        )
    if code in REMOVABLE and end > start:
        return Fix(
            action="remove", start=start, end=end, label=str(pgettext_lazy("reply fix", "Remove"))
        )
    if code == "repetitive" and suggestion and end > start:
        label = pgettext_lazy("reply fix", "Use another wording")
        return Fix(action="replace", text=suggestion, start=start, end=end, label=str(label))
    if code in REPLACEABLE and suggestion and end > start:
        label = _("Replace with “%(text)s”") % {"text": suggestion.strip()}
        return Fix(action="replace", text=suggestion, start=start, end=end, label=str(label))
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


def _shown_parts(channel: str, required: Any, findings: list[dict[str, Any]]) -> set[str]:
    shown = set(PART_LABELS) - CONDITIONAL_PARTS
    if required is not None:
        return shown | (CONDITIONAL_PARTS & set(required))
    if channel in CHANNELS_WITH_REASON:
        return set(PART_LABELS)
    flagged = {f["code"].removeprefix("missing_") for f in findings}
    return shown | (CONDITIONAL_PARTS & flagged)


def findings_view(
    report: Any, text: str | None = None, channel: str = "", required: Any = None
) -> FindingsView:
    """``required``: the parts the shop's policy asks for on ``channel`` (None = unknown)."""
    data = report.to_dict()
    text = text or ""
    lang = data.get("lang") or "ru"
    findings = data.get("findings", [])
    view = FindingsView(ok=bool(data.get("ok")), lang=lang, count=len(findings), length=len(text))
    shown = _shown_parts(channel, required, findings)
    for name, present in (data.get("parts") or {}).items():
        if name not in shown:
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
                    fix=_fix_for(finding) if text else None,
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
