"""Auto-decline rules for product questions: load, validate, evaluate, dump, dry-run.

Rules file (import/export contract)::

    {"rules": [{"name": str, "phrases": [str, ...], "exclude": [str, ...],
                "fuzzy": bool, "kind": "keywords" | "profanity",
                "enabled"?: bool (default true), "reply"?: str}]}

``load_rules`` validates strictly and compiles all enabled rules into one
:class:`~sellerdesk.policy.matcher.PhraseMatcher`; a :class:`RuleSet` is
immutable, so callers may cache it (per shop, keyed by a rules version) and
share it between threads. ``RuleSet.evaluate(text)`` returns the first enabled
rule in order that matches and is not vetoed by one of its own exclusions.

A ``profanity`` rule matches whatever ``sellerdesk.policy.profanity.find_profanity``
flags, plus its own phrases if it has any; its exclusions veto it like any rule's.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from sellerdesk.policy import jsonsafe
from sellerdesk.policy.lang import engine_lang
from sellerdesk.policy.matcher import (
    DEFAULT_FUZZY_CUTOFF,
    PhraseMatcher,
    PhraseSet,
    phrase_is_matchable,
)

__all__ = [
    "KINDS",
    "Decision",
    "DryRunDiff",
    "DryRunEntry",
    "Rule",
    "RuleSet",
    "RulesFileError",
    "diff_rulesets",
    "dryrun_lines",
    "dump_rules",
    "load_rules",
]

KIND_KEYWORDS = "keywords"
KIND_PROFANITY = "profanity"
KINDS = (KIND_KEYWORDS, KIND_PROFANITY)

MAX_RULES = 5000
MAX_PHRASES_PER_RULE = 2000
MAX_PHRASE_LENGTH = 200
MAX_NAME_LENGTH = 200
MAX_REPLY_LENGTH = 5000
# Bounds for untrusted input: a rules file (text), a dry-run question and its id.
MAX_RULES_FILE_CHARS = 5_000_000
MAX_DRYRUN_TEXT = 100_000
MAX_ID_LENGTH = 200
_EVALUATE_CACHE_SIZE = 8192

_RULE_KEYS = frozenset({"name", "phrases", "exclude", "fuzzy", "kind", "enabled", "reply"})
_REQUIRED_KEYS = ("name", "phrases", "exclude", "fuzzy", "kind")

# --- error messages ------------------------------------------------------------------------
# A small table keyed by UI language (this package never imports Django). Placeholders:
# {field}, {max}, {number}, {other}, {detail}, {kinds}, {keys}.

_MESSAGES: dict[str, dict[str, str]] = {
    "file_too_deep": {
        "en": "the file is nested deeper than {max} levels",
        "ru": "вложенность файла глубже {max} уровней",
        "zh_Hans": "文件嵌套超过 {max} 层",
    },
    "file_too_long": {
        "en": "the file is longer than {max} characters",
        "ru": "файл длиннее {max} символов",
        "zh_Hans": "文件超过 {max} 个字符",
    },
    "file_bad_number": {
        "en": "the file holds a number that is too long or not finite",
        "ru": "в файле есть слишком длинное или бесконечное число",
        "zh_Hans": "文件中有过长或非有限的数字",
    },
    "invalid_json": {
        "en": "the file is not valid JSON ({detail})",
        "ru": "файл не является корректным JSON ({detail})",
        "zh_Hans": "文件不是有效的 JSON（{detail}）",
    },
    "not_object": {
        "en": 'the file must be a JSON object with a "rules" list',
        "ru": "файл должен быть JSON-объектом со списком «rules»",
        "zh_Hans": "文件必须是包含 “rules” 列表的 JSON 对象",
    },
    "unknown_top_keys": {
        "en": "unknown top-level keys: {keys}",
        "ru": "неизвестные ключи верхнего уровня: {keys}",
        "zh_Hans": "未知的顶层字段：{keys}",
    },
    "rules_not_list": {
        "en": '"rules" must be a list',
        "ru": "«rules» должно быть списком",
        "zh_Hans": "“rules” 必须是列表",
    },
    "too_many_rules": {
        "en": "too many rules (at most {max})",
        "ru": "слишком много правил (не больше {max})",
        "zh_Hans": "规则过多（最多 {max} 条）",
    },
    "rule_not_object": {
        "en": "must be an object",
        "ru": "должно быть объектом",
        "zh_Hans": "必须是对象",
    },
    "missing_field": {
        "en": '"{field}" is missing',
        "ru": "нет поля «{field}»",
        "zh_Hans": "缺少字段 “{field}”",
    },
    "unknown_fields": {
        "en": "unknown fields: {keys}",
        "ru": "неизвестные поля: {keys}",
        "zh_Hans": "未知字段：{keys}",
    },
    "name_invalid": {
        "en": '"name" must be a non-empty string of at most {max} characters',
        "ru": "«name» должно быть непустой строкой не длиннее {max} символов",
        "zh_Hans": "“name” 必须是不超过 {max} 个字符的非空字符串",
    },
    "name_duplicate": {
        "en": '"name" repeats the name of rule {other}',
        "ru": "«name» повторяет название правила {other}",
        "zh_Hans": "“name” 与第 {other} 条规则重名",
    },
    "phrases_invalid": {
        "en": '"{field}" must be a list of non-empty strings',
        "ru": "«{field}» должно быть списком непустых строк",
        "zh_Hans": "“{field}” 必须是非空字符串的列表",
    },
    "phrases_empty": {
        "en": '"phrases" must contain at least one phrase',
        "ru": "в «phrases» должна быть хотя бы одна фраза",
        "zh_Hans": "“phrases” 中至少要有一个短语",
    },
    "phrases_too_many": {
        "en": '"{field}" has too many phrases (at most {max})',
        "ru": "в «{field}» слишком много фраз (не больше {max})",
        "zh_Hans": "“{field}” 中的短语过多（最多 {max} 个）",
    },
    "phrase_too_long": {
        "en": '"{field}" item {number} is longer than {max} characters',
        "ru": "фраза {number} в «{field}» длиннее {max} символов",
        "zh_Hans": "“{field}” 的第 {number} 项超过 {max} 个字符",
    },
    "phrase_no_words": {
        "en": '"{field}" item {number} has no letters, digits or Chinese characters',
        "ru": "во фразе {number} в «{field}» нет ни букв, ни цифр, ни иероглифов",
        "zh_Hans": "“{field}” 的第 {number} 项不含字母、数字或汉字",
    },
    "bool_invalid": {
        "en": '"{field}" must be true or false',
        "ru": "«{field}» должно быть true или false",
        "zh_Hans": "“{field}” 必须是 true 或 false",
    },
    "kind_invalid": {
        "en": '"kind" must be one of: {kinds}',
        "ru": "«kind» должно быть одним из: {kinds}",
        "zh_Hans": "“kind” 必须是以下之一：{kinds}",
    },
    "reply_invalid": {
        "en": '"reply" must be a string of at most {max} characters',
        "ru": "«reply» должно быть строкой не длиннее {max} символов",
        "zh_Hans": "“reply” 必须是不超过 {max} 个字符的字符串",
    },
}

_RULE_PREFIX = {
    "en": 'rule {number} ("{name}")',
    "ru": "правило {number} («{name}»)",
    "zh_Hans": "第 {number} 条规则（“{name}”）",
}
_RULE_PREFIX_UNNAMED = {
    "en": "rule {number}",
    "ru": "правило {number}",
    "zh_Hans": "第 {number} 条规则",
}
LANGUAGES = ("ru", "en", "zh_Hans")


def _language(code: str | None) -> str:
    """'ru', 'en' or 'zh_Hans' (this module's message keys) for any language code."""
    lang = engine_lang(code, default="en")
    return "zh_Hans" if lang == "zh" else lang


class RulesFileError(ValueError):
    """A rules file that does not follow the contract.

    ``str(error)`` is the English message; ``error.message(lang)`` gives it in
    'ru', 'en' or 'zh_Hans' (Django language codes such as 'zh-hans' work too).
    ``rule_number`` is 1-based as shown to people (``rule_index`` is 0-based),
    both ``None`` for file-level problems; ``field`` names the offending key.
    """

    def __init__(
        self,
        code: str,
        *,
        rule_index: int | None = None,
        rule_name: str | None = None,
        field: str | None = None,
        **params: Any,
    ) -> None:
        self.code = code
        self.rule_index = rule_index
        self.rule_number = None if rule_index is None else rule_index + 1
        self.rule_name = rule_name
        self.field = field
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = "en") -> str:
        language = _language(lang)
        params = {"field": self.field, **self.params}
        text = _MESSAGES[self.code][language].format(**params)
        if self.rule_index is None:
            return text
        if self.rule_name:
            prefix = _RULE_PREFIX[language].format(number=self.rule_number, name=self.rule_name)
        else:
            prefix = _RULE_PREFIX_UNNAMED[language].format(number=self.rule_number)
        separator = "：" if language == "zh_Hans" else ": "
        return f"{prefix}{separator}{text}"

    @property
    def messages(self) -> dict[str, str]:
        return {language: self.message(language) for language in LANGUAGES}


# --- model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    phrases: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    fuzzy: bool = False
    kind: str = KIND_KEYWORDS
    enabled: bool = True
    reply: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "phrases": list(self.phrases),
            "exclude": list(self.exclude),
            "fuzzy": self.fuzzy,
            "kind": self.kind,
            "enabled": self.enabled,
        }
        if self.reply is not None:
            data["reply"] = self.reply
        return data


@dataclass(frozen=True, slots=True)
class Decision:
    """Why a question is declined: the winning rule and the span that triggered it."""

    rule: str  # rule name
    matched: str  # original text[start:end]
    start: int
    end: int
    rule_index: int  # position of the rule in the rules file (0-based)
    kind: str = KIND_KEYWORDS
    reply: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "matched": self.matched, "start": self.start, "end": self.end}


class RuleSet:
    """Validated rules compiled once into one matcher. Immutable; cache it freely.

    Pickling keeps only the rules (the matcher is rebuilt on unpickling), so a
    RuleSet can go through Django's cache too, although caching the live object
    in process memory is what saves the compile.
    """

    def __init__(
        self, rules: Iterable[Rule], *, fuzzy_cutoff: float = DEFAULT_FUZZY_CUTOFF
    ) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.fuzzy_cutoff = fuzzy_cutoff
        # The matcher sees enabled rules only; _rule_of maps its set index back to the rule index.
        self._rule_of: list[int] = []
        sets: list[PhraseSet] = []
        for rule_index, rule in enumerate(self.rules):
            if not rule.enabled:
                continue
            self._rule_of.append(rule_index)
            sets.append(PhraseSet(rule.name, rule.phrases, rule.exclude, rule.fuzzy))
        self.matcher = PhraseMatcher(sets, fuzzy_cutoff=fuzzy_cutoff)
        self._profanity_sets = tuple(
            set_index
            for set_index, rule_index in enumerate(self._rule_of)
            if self.rules[rule_index].kind == KIND_PROFANITY
        )
        self._cache: OrderedDict[str, Decision | None] = OrderedDict()
        self._cache_lock = Lock()

    def __reduce__(self):
        return (_ruleset_from_rules, (self.rules, self.fuzzy_cutoff))

    def __len__(self) -> int:
        return len(self.rules)

    def __repr__(self) -> str:
        return f"<RuleSet of {len(self.rules)} rules>"

    def evaluate(self, text: str) -> Decision | None:
        """The first enabled rule (in order) that matches ``text`` and is not excluded."""
        with self._cache_lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        decision = self._evaluate(text)
        with self._cache_lock:
            self._cache[text] = decision
            if len(self._cache) > _EVALUATE_CACHE_SIZE:
                self._cache.popitem(last=False)
        return decision

    def _evaluate(self, text: str) -> Decision | None:
        if not isinstance(text, str):
            raise TypeError("question text must be a string")
        hits, excluded = self.matcher.scan_raw(text)
        if not hits and not self._profanity_sets:
            return None
        profane: list[tuple[int, int]] | None = None
        # Only rules with a phrase hit, and profanity rules, can win: visit just those, in order.
        candidates = set(hits)
        candidates.update(self._profanity_sets)
        for set_index in sorted(candidates):
            if set_index in excluded:
                continue
            rule_index = self._rule_of[set_index]
            rule = self.rules[rule_index]
            hit = hits.get(set_index)
            span = (hit[0], hit[1]) if hit else None
            if rule.kind == KIND_PROFANITY:
                if profane is None:
                    profane = _find_profanity(text)
                if profane and (span is None or profane[0] < span):
                    span = profane[0]
            if span is None:
                continue
            start, end = span
            return Decision(
                rule=rule.name,
                matched=text[start:end],
                start=start,
                end=end,
                rule_index=rule_index,
                kind=rule.kind,
                reply=rule.reply,
            )
        return None

    def declines(self, text: str) -> bool:
        return self.evaluate(text) is not None


def _ruleset_from_rules(rules: tuple[Rule, ...], fuzzy_cutoff: float) -> RuleSet:
    return RuleSet(rules, fuzzy_cutoff=fuzzy_cutoff)


def _find_profanity(text: str) -> list[tuple[int, int]]:
    # Imported lazily: the profanity lexicon is only loaded by shops that use such a rule.
    from sellerdesk.policy.profanity import find_profanity

    return sorted(find_profanity(text))


# --- loading and dumping -------------------------------------------------------------------


def load_rules(data: dict | str | bytes, *, fuzzy_cutoff: float = DEFAULT_FUZZY_CUTOFF) -> RuleSet:
    """Validate a rules file (parsed dict or JSON text) and compile it.

    Raises :class:`RulesFileError` naming the rule (number and name) and the field.
    """
    if isinstance(data, bytes | bytearray):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RulesFileError("invalid_json", detail=str(exc)) from None
    if isinstance(data, str):
        try:
            data = jsonsafe.loads(data, max_chars=MAX_RULES_FILE_CHARS)
        except jsonsafe.JSONInputError as exc:
            if exc.code == "too_deep":
                raise RulesFileError("file_too_deep", max=jsonsafe.MAX_DEPTH) from None
            if exc.code == "too_long":
                raise RulesFileError("file_too_long", max=MAX_RULES_FILE_CHARS) from None
            if exc.code == "number":
                raise RulesFileError("file_bad_number") from None
            detail = str(exc).removeprefix("invalid JSON: ")
            raise RulesFileError("invalid_json", detail=detail) from None
    if not isinstance(data, dict) or "rules" not in data:
        raise RulesFileError("not_object")
    extra = sorted(set(data) - {"rules"})
    if extra:
        raise RulesFileError("unknown_top_keys", keys=", ".join(map(str, extra)))
    raw_rules = data["rules"]
    if not isinstance(raw_rules, list):
        raise RulesFileError("rules_not_list", field="rules")
    if len(raw_rules) > MAX_RULES:
        raise RulesFileError("too_many_rules", max=MAX_RULES)
    rules: list[Rule] = []
    seen_names: dict[str, int] = {}
    for index, raw in enumerate(raw_rules):
        rule = _parse_rule(index, raw)
        key = rule.name.casefold()
        if key in seen_names:
            raise RulesFileError(
                "name_duplicate",
                rule_index=index,
                rule_name=rule.name,
                field="name",
                other=seen_names[key] + 1,
            )
        seen_names[key] = index
        rules.append(rule)
    return RuleSet(rules, fuzzy_cutoff=fuzzy_cutoff)


def _parse_rule(index: int, raw: Any) -> Rule:
    if not isinstance(raw, dict):
        raise RulesFileError("rule_not_object", rule_index=index)
    name = raw.get("name")
    shown_name = name.strip() if isinstance(name, str) else None

    def fail(code: str, field: str | None = None, **params: Any) -> RulesFileError:
        return RulesFileError(code, rule_index=index, rule_name=shown_name, field=field, **params)

    if "name" not in raw:
        raise fail("missing_field", "name")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME_LENGTH:
        raise fail("name_invalid", "name", max=MAX_NAME_LENGTH)
    name = name.strip()
    for key in _REQUIRED_KEYS:
        if key not in raw:
            raise fail("missing_field", key)
    unknown = sorted(set(raw) - _RULE_KEYS, key=str)
    if unknown:
        raise fail("unknown_fields", keys=", ".join(map(str, unknown)))

    kind = raw["kind"]
    if kind not in KINDS:
        raise fail("kind_invalid", "kind", kinds=", ".join(KINDS))
    phrases = _parse_phrases(raw["phrases"], "phrases", fail)
    if not phrases and kind == KIND_KEYWORDS:
        raise fail("phrases_empty", "phrases")
    exclude = _parse_phrases(raw["exclude"], "exclude", fail)
    for key in ("fuzzy", "enabled"):
        if key in raw and not isinstance(raw[key], bool):
            raise fail("bool_invalid", key)
    reply = raw.get("reply")
    if reply is not None and (not isinstance(reply, str) or len(reply) > MAX_REPLY_LENGTH):
        raise fail("reply_invalid", "reply", max=MAX_REPLY_LENGTH)
    return Rule(
        name=name,
        phrases=phrases,
        exclude=exclude,
        fuzzy=raw["fuzzy"],
        kind=kind,
        enabled=raw.get("enabled", True),
        reply=reply,
    )


def _parse_phrases(value: Any, field: str, fail) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise fail("phrases_invalid", field)
    if len(value) > MAX_PHRASES_PER_RULE:
        raise fail("phrases_too_many", field, max=MAX_PHRASES_PER_RULE)
    phrases: list[str] = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, str) or not item.strip():
            raise fail("phrases_invalid", field)
        item = item.strip()
        if len(item) > MAX_PHRASE_LENGTH:
            raise fail("phrase_too_long", field, number=number, max=MAX_PHRASE_LENGTH)
        if not phrase_is_matchable(item):
            raise fail("phrase_no_words", field, number=number)
        phrases.append(item)
    return tuple(phrases)


def dump_rules(ruleset: RuleSet) -> dict[str, Any]:
    """The rules file for ``ruleset``; ``load_rules(dump_rules(r))`` gives the same rules."""
    return {"rules": [rule.to_dict() for rule in ruleset.rules]}


# --- dry runs ------------------------------------------------------------------------------


def dryrun_lines(rules: RuleSet, lines: Iterable[str | bytes | None]) -> Iterator[dict[str, Any]]:
    """Decide each JSON line ``{"id", "text"}``; yields one result dict per non-blank line.

    Output: ``{"id", "decision": "decline"|"keep", "rule", "matched", "start", "end"}``
    (the last four null when kept). A malformed line gives ``{"id": null, "error": ...}``
    (the error names the line number, and the id when one could be read) and the run goes on.
    """
    for number, line in enumerate(lines, start=1):
        if line is None:  # a line too long to read whole (jsonsafe.read_lines)
            yield {"id": None, "error": f"line {number}: the line is too long"}
            continue
        if isinstance(line, bytes | bytearray):
            line = line.decode("utf-8", errors="replace")
        if not line.strip():
            continue
        try:
            item = jsonsafe.loads(line)
        except jsonsafe.JSONInputError as exc:
            reason = str(exc).removeprefix("invalid JSON: ")
            if exc.code == "invalid":
                reason = f"not valid JSON ({reason})"
            yield {"id": None, "error": f"line {number}: {reason}"}
            continue
        if not isinstance(item, dict):
            yield {"id": None, "error": f'line {number}: expected an object with "id" and "text"'}
            continue
        item_id = item.get("id")
        if isinstance(item_id, str) and len(item_id) > MAX_ID_LENGTH:
            yield {
                "id": None,
                "error": f'line {number}: "id" is longer than {MAX_ID_LENGTH} characters',
            }
            continue
        if isinstance(item_id, dict | list):
            item_id = None
        if "id" not in item or item_id is None:
            yield {"id": None, "error": f'line {number}: "id" is missing'}
            continue
        text = item.get("text")
        if not isinstance(text, str):
            yield {"id": None, "error": f'line {number} (id {item_id!r}): "text" must be a string'}
            continue
        if len(text) > MAX_DRYRUN_TEXT:
            yield {
                "id": None,
                "error": f'line {number} (id {item_id!r}): "text" is longer than '
                f"{MAX_DRYRUN_TEXT} characters",
            }
            continue
        decision = rules.evaluate(text)
        if decision is None:
            yield {
                "id": item_id,
                "decision": "keep",
                "rule": None,
                "matched": None,
                "start": None,
                "end": None,
            }
        else:
            yield {"id": item_id, "decision": "decline", **decision.to_dict()}


@dataclass(frozen=True, slots=True)
class DryRunEntry:
    id: Any
    text: str
    decision: Decision  # the new set's decision (declined) or the old one's (stopped)
    previous: Decision | None = None  # declined: the old set's decision, if it declined too

    @property
    def is_new(self) -> bool:
        """Declined by the new rules but not by the old ones."""
        return self.previous is None


@dataclass(frozen=True, slots=True)
class DryRunDiff:
    declined: list[DryRunEntry] = field(default_factory=list)  # every question the new set declines
    stopped: list[DryRunEntry] = field(default_factory=list)  # declined before, kept now
    checked: int = 0

    @property
    def newly_declined(self) -> list[DryRunEntry]:
        return [entry for entry in self.declined if entry.is_new]

    @property
    def changed_rule(self) -> list[DryRunEntry]:
        """Still declined, but by a different rule."""
        return [
            e
            for e in self.declined
            if e.previous is not None and e.previous.rule != e.decision.rule
        ]


def diff_rulesets(
    old: RuleSet | None,
    new: RuleSet,
    questions: Iterable[tuple[Any, str]],
) -> DryRunDiff:
    """What the rule editor's dry run shows: what ``new`` declines and what it stops declining."""
    declined: list[DryRunEntry] = []
    stopped: list[DryRunEntry] = []
    checked = 0
    for question_id, text in questions:
        checked += 1
        after = new.evaluate(text)
        before = old.evaluate(text) if old is not None else None
        if after is not None:
            declined.append(DryRunEntry(question_id, text, after, before))
        elif before is not None:
            stopped.append(DryRunEntry(question_id, text, before))
    return DryRunDiff(declined=declined, stopped=stopped, checked=checked)
