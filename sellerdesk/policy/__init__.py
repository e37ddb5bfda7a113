"""SellerDesk's reply policy engine: pure Python, no Django.

from sellerdesk.policy import check, Policy
report = check(text, "question_decline", buyer_name="Анна", policy=Policy.default())
report.to_dict()
"""

from sellerdesk.policy.checks import CODES, DEFAULT_SEVERITY, REGISTRY
from sellerdesk.policy.engine import check
from sellerdesk.policy.lang import engine_lang
from sellerdesk.policy.policy import CHANNELS, PARTS, Channel, Policy, Severity
from sellerdesk.policy.profanity import find_profanity
from sellerdesk.policy.report import Finding, Report, format_report

__all__ = [
    "CHANNELS",
    "CODES",
    "DEFAULT_SEVERITY",
    "PARTS",
    "REGISTRY",
    "Channel",
    "Finding",
    "Policy",
    "Report",
    "Severity",
    "check",
    "engine_lang",
    "find_profanity",
    "format_report",
]
