"""SellerDesk's reply policy engine: pure Python, no Django.

from sellerdesk.policy import check, Policy
report = check(text, "question_decline", buyer_name="Анна", policy=Policy.default())
report.to_dict()
"""

from sellerdesk.policy.engine import check
from sellerdesk.policy.policy import CHANNELS, CODES, PARTS, Channel, Policy, Severity
from sellerdesk.policy.profanity import find_profanity
from sellerdesk.policy.report import Finding, Report, format_report

__all__ = [
    "CHANNELS",
    "CODES",
    "PARTS",
    "Channel",
    "Finding",
    "Policy",
    "Report",
    "Severity",
    "check",
    "find_profanity",
    "format_report",
]
