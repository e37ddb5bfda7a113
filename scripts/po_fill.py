"""Fill msgstr entries of an app's .po files from a JSON table, then compile them.

Usage: python scripts/po_fill.py LOCALE_DIR TABLE.json
TABLE.json: {"msgid": {"ru": "...", "zh_Hans": "..."}, ...}  (English needs no entries)
Entries already translated are overwritten only when the table has them.
A key "context\u0004msgid" (gettext's own separator) fills only the entry with that msgctxt;
a plain "msgid" key fills entries with that msgid under any context that has no key of its own.
"""

import json
import sys
from pathlib import Path

import polib


def main(locale_dir: str, table_path: str) -> None:
    table = json.loads(Path(table_path).read_text(encoding="utf-8"))
    for lang in ("ru", "zh_Hans"):
        po_path = Path(locale_dir) / lang / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(po_path))
        missing = []
        for entry in po:
            contextual = table.get(f"{entry.msgctxt}\x04{entry.msgid}") if entry.msgctxt else None
            translation = (contextual or table.get(entry.msgid, {})).get(lang)
            if translation:
                entry.msgstr = translation
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                    entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = (
                        None
                    )
            elif not entry.obsolete and not entry.translated():
                missing.append(entry.msgid)
        po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        po.save()
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        if missing:
            print(f"{po_path}: {len(missing)} untranslated or fuzzy: {missing[:10]}")
    # English needs no msgstr, but its .mo is compiled too so every locale ships the same way.
    english = Path(locale_dir) / "en" / "LC_MESSAGES" / "django.po"
    if english.exists():
        polib.pofile(str(english)).save_as_mofile(str(english.with_suffix(".mo")))


if __name__ == "__main__":
    main(*sys.argv[1:])
