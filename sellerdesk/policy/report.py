"""What ``check`` returns, and a plain-text rendering for the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str  # "error" | "warning" | "info"
    start: int
    end: int
    message: str  # in the UI language
    suggestion: str  # in the reply's language: text to insert, or the replacement ("" = delete)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True, slots=True)
class Report:
    ok: bool
    lang: str
    parts: dict[str, bool]
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "lang": self.lang,
            "parts": dict(self.parts),
            "findings": [f.to_dict() for f in self.findings],
        }


_SEVERITY_MARK = {"error": "E", "warning": "W", "info": "i"}


def format_report(text: str, report: Report) -> str:
    """The reply with each finding's span wrapped in ⟦…⟧ⁿ, then one line per finding."""
    lines = []
    spans = sorted(
        ((f.start, f.end, n) for n, f in enumerate(report.findings, 1) if f.end > f.start),
        key=lambda s: (s[0], -s[1]),
    )
    marked, cursor = [], 0
    for start, end, number in spans:
        if start < cursor:
            continue  # overlapping spans: the first one is marked
        marked.append(text[cursor:start])
        marked.append(f"⟦{text[start:end]}⟧{number}")
        cursor = end
    marked.append(text[cursor:])
    status = "OK" if report.ok else "BLOCKED"
    present = ", ".join(part for part, has in report.parts.items() if has) or "-"
    lines.append(f"{status}  lang={report.lang}  parts: {present}")
    lines.append("".join(marked))
    for number, finding in enumerate(report.findings, 1):
        excerpt = text[finding.start : finding.end]
        where = f"{finding.start}-{finding.end}"
        line = f"  {number}. [{_SEVERITY_MARK.get(finding.severity, '?')}] {finding.code} @{where}"
        if excerpt:
            line += f" «{excerpt}»"
        line += f": {finding.message}"
        if finding.suggestion.strip():
            line += f" → {finding.suggestion.strip()}"
        lines.append(line)
    return "\n".join(lines)
