"""Consistency of the gettext catalogues.

Every app keeps its own locale/ and the project keeps one more, but Django merges them all into
a single catalogue per language: a msgid translated differently in two places silently takes
whichever catalogue wins the merge, so a label can change on a page its app never touched.
"""

from collections import defaultdict
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED_LANGUAGES = ("ru", "zh_Hans")
ALL_LANGUAGES = ("ru", "zh_Hans", "en")
# The per-app catalogues listed in scripts/messages.sh, plus the project-wide one.
LOCALE_DIRS = (
    "locale",
    "chats/locale",
    "questions/locale",
    "templates_lib/locale",
    "reviews/locale",
    "sellerdesk/replycheck/locale",
    "sellerdesk/sla/locale",
    "sellerdesk/marketplaces/locale",
)


def _project_po_files() -> list[Path]:
    found = set()
    for pattern in ("locale", "*/locale", "*/*/locale"):
        for path in ROOT.glob(f"{pattern}/*/LC_MESSAGES/django.po"):
            if not any(part.startswith(".") for part in path.relative_to(ROOT).parts):
                found.add(path)
    return sorted(found)


PO_FILES = _project_po_files()


def _language(po_path: Path) -> str:
    return po_path.parent.parent.name


def _label(po_path: Path) -> str:
    return str(po_path.relative_to(ROOT))


def _value(entry: polib._BaseEntry) -> str | tuple:
    if entry.msgid_plural:
        return tuple(sorted(entry.msgstr_plural.items()))
    return entry.msgstr


def _translations(catalogue: polib._BaseFile) -> dict[tuple[str | None, str], str | tuple]:
    """What gettext will look up: translated entries only (msgfmt drops fuzzy and empty ones;
    a .mo holds nothing else)."""
    return {
        (entry.msgctxt, entry.msgid): _value(entry)
        for entry in catalogue
        if entry.msgid and (isinstance(entry, polib.MOEntry) or entry.translated())
    }


def test_every_app_catalogue_exists_in_every_language():
    present = {_label(path) for path in PO_FILES}
    expected = {
        f"{directory}/{lang}/LC_MESSAGES/django.po"
        for directory in LOCALE_DIRS
        for lang in ALL_LANGUAGES
    }
    assert expected <= present, sorted(expected - present)


@pytest.mark.parametrize("lang", CHECKED_LANGUAGES)
def test_a_message_has_one_translation_across_catalogues(lang):
    seen = defaultdict(lambda: defaultdict(list))
    for po_path in PO_FILES:
        if _language(po_path) != lang:
            continue
        for key, value in _translations(polib.pofile(str(po_path))).items():
            seen[key][value].append(str(po_path.parents[2].relative_to(ROOT)))
    conflicts = [
        f"{'[' + context + '] ' if context else ''}{msgid!r}: "
        + "; ".join(f"{value!r} in {', '.join(places)}" for value, places in by_value.items())
        for (context, msgid), by_value in seen.items()
        if len(by_value) > 1
    ]
    assert not conflicts, (
        "Same msgid, different translations (add a context or harmonise):\n" + "\n".join(conflicts)
    )


@pytest.mark.parametrize("lang", CHECKED_LANGUAGES)
def test_no_message_is_left_untranslated_or_fuzzy(lang):
    problems = []
    for po_path in PO_FILES:
        if _language(po_path) != lang:
            continue
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{_label(po_path)}: fuzzy {entry.msgid!r}")
            elif not entry.translated():
                problems.append(f"{_label(po_path)}: untranslated {entry.msgid!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("po_path", PO_FILES, ids=_label)
def test_compiled_catalogue_matches_its_po(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{_label(po_path)} is not compiled (run make messages)"
    compiled = _translations(polib.mofile(str(mo_path)))
    source = _translations(polib.pofile(str(po_path)))
    stale = sorted(
        f"{msgid!r}: .po {source.get((ctx, msgid))!r}, .mo {compiled.get((ctx, msgid))!r}"
        for ctx, msgid in source.keys() | compiled.keys()
        if source.get((ctx, msgid)) != compiled.get((ctx, msgid))
    )
    assert not stale, f"{_label(mo_path)} is out of date (run make messages):\n" + "\n".join(
        stale[:20]
    )
