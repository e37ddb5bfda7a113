"""Scores the policy engine on the labelled corpus: part accuracy and per-code P/R/F1.

.venv/bin/python -m tests.policy.corpus_eval        # prints the table
.venv/bin/python -m tests.policy.corpus_eval -v heldout   # one file only, with mistakes
.venv/bin/python -m tests.policy.corpus_eval --manner [-v] [manner|heldout]   # manner corpus
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sellerdesk.policy import PARTS, Policy, check

CORPUS_DIR = Path(__file__).parent / "corpus"
# Replies labelled only with how they treat the buyer: {"id", "lang", "channel", "text",
# "codes"}; a reply without codes is polite and must get none of MANNER_CODES.
MANNER_DIR = CORPUS_DIR / "manner"
MANNER_CODES = ("rude", "blame", "brush_off")
# Violations scored by F1; missing_* are scored through part accuracy instead.
VIOLATION_CODES = (
    "contact_outside_chat",
    "profanity",
    "overpromise",
    "placeholder",
    "shouting",
    "repeated_text",
    "empty",
    "excessive_punctuation",
    "too_long",
    "rating_manipulation",
)


def load_corpus(names: tuple[str, ...] = ()) -> list[dict]:
    """Every *.jsonl file under corpus/, or only the named ones (without the suffix)."""
    rows = []
    paths = [CORPUS_DIR / f"{n}.jsonl" for n in names] or sorted(CORPUS_DIR.glob("*.jsonl"))
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def evaluate(rows: list[dict]) -> dict:
    part_total = part_right = 0
    per_part = {p: [0, 0] for p in PARTS}
    counts = {code: {"tp": 0, "fp": 0, "fn": 0} for code in VIOLATION_CODES}
    mistakes = []
    for row in rows:
        policy = Policy.from_dict(row["policy"]) if row.get("policy") else Policy.default()
        report = check(row["text"], row["channel"], buyer_name=row.get("buyer_name"), policy=policy)
        for part in PARTS:
            expected = row["parts"][part]
            good = report.parts[part] == expected
            part_total += 1
            part_right += good
            per_part[part][0] += good
            per_part[part][1] += 1
            if not good:
                mistakes.append((row["id"], f"part {part}: expected {expected}", row["text"]))
        got = report.codes() & set(VIOLATION_CODES)
        expected_codes = set(row["codes"]) & set(VIOLATION_CODES)
        for code in VIOLATION_CODES:
            if code in got and code in expected_codes:
                counts[code]["tp"] += 1
            elif code in got:
                counts[code]["fp"] += 1
                mistakes.append((row["id"], f"unexpected {code}", row["text"]))
            elif code in expected_codes:
                counts[code]["fn"] += 1
                mistakes.append((row["id"], f"missed {code}", row["text"]))
    per_code = {}
    tp = fp = fn = 0
    for code, c in counts.items():
        tp, fp, fn = tp + c["tp"], fp + c["fp"], fn + c["fn"]
        if c["tp"] + c["fp"] + c["fn"] == 0:
            continue
        per_code[code] = _prf(c["tp"], c["fp"], c["fn"]) | {"support": c["tp"] + c["fn"]}
    return {
        "replies": len(rows),
        "part_accuracy": part_right / part_total,
        "per_part_accuracy": {p: right / total for p, (right, total) in per_part.items()},
        "per_code": per_code,
        "violations_micro": _prf(tp, fp, fn),
        "mistakes": mistakes,
    }


def _prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def load_manner(names: tuple[str, ...] = ()) -> list[dict]:
    """Every *.jsonl file under corpus/manner/, or only the named ones."""
    rows = []
    paths = [MANNER_DIR / f"{n}.jsonl" for n in names] or sorted(MANNER_DIR.glob("*.jsonl"))
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def evaluate_manner(rows: list[dict]) -> dict:
    """Per-code P/R/F1 of the manner checks, and the polite replies they flagged."""
    counts = {code: {"tp": 0, "fp": 0, "fn": 0} for code in MANNER_CODES}
    mistakes = []
    polite_flagged = []
    for row in rows:
        report = check(row["text"], row["channel"])
        got = report.codes() & set(MANNER_CODES)
        expected = set(row["codes"])
        if not expected and got:
            polite_flagged.append((row["id"], sorted(got), row["text"]))
        for code in MANNER_CODES:
            if code in got and code in expected:
                counts[code]["tp"] += 1
            elif code in got:
                counts[code]["fp"] += 1
                mistakes.append((row["id"], f"unexpected {code}", row["text"]))
            elif code in expected:
                counts[code]["fn"] += 1
                mistakes.append((row["id"], f"missed {code}", row["text"]))
    per_code = {
        code: _prf(c["tp"], c["fp"], c["fn"]) | {"support": c["tp"] + c["fn"]}
        for code, c in counts.items()
    }
    return {
        "replies": len(rows),
        "polite": sum(1 for row in rows if not row["codes"]),
        "per_code": per_code,
        "polite_flagged": polite_flagged,
        "mistakes": mistakes,
    }


def main_manner(names: tuple[str, ...]) -> int:
    result = evaluate_manner(load_manner(names))
    print(f"manner replies: {result['replies']}  polite: {result['polite']}")
    print(f"{'code':<12}{'P':>8}{'R':>8}{'F1':>8}{'n':>6}")
    for code, m in result["per_code"].items():
        print(
            f"{code:<12}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['support']:>6}"
        )
    print(f"polite replies flagged: {len(result['polite_flagged'])}")
    if "-v" in sys.argv:
        for rid, what, text in result["mistakes"]:
            print(f"- {rid}: {what}: {text}")
    return 0


def main() -> int:
    names = tuple(a for a in sys.argv[1:] if not a.startswith("-"))
    if "--manner" in sys.argv:
        return main_manner(names)
    result = evaluate(load_corpus(names))
    print(f"replies: {result['replies']}  part accuracy: {result['part_accuracy']:.4f}")
    for part, accuracy in result["per_part_accuracy"].items():
        print(f"  {part:<12} {accuracy:.4f}")
    print(f"{'code':<24}{'P':>8}{'R':>8}{'F1':>8}{'n':>6}")
    for code, m in result["per_code"].items():
        print(
            f"{code:<24}{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}{m['support']:>6}"
        )
    micro = result["violations_micro"]
    print(
        f"{'micro (violations)':<24}{micro['precision']:>8.3f}{micro['recall']:>8.3f}{micro['f1']:>8.3f}"
    )
    if "-v" in sys.argv:
        for rid, what, text in result["mistakes"]:
            print(f"- {rid}: {what}: {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
