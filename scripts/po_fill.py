"""Fill msgstr entries of an app's .po files from a JSON table, then compile them.

Usage: python scripts/po_fill.py LOCALE_DIR TABLE.json
TABLE.json: {"msgid": {"ru": "...", "zh_Hans": "..."}, ...}  (English needs no entries)
Entries already translated are overwritten only when the table has them.
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
            translation = table.get(entry.msgid, {}).get(lang)
            if translation:
                entry.msgstr = translation
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            elif not entry.msgstr and not entry.obsolete:
                missing.append(entry.msgid)
        po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        po.save()
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        if missing:
            print(f"{po_path}: {len(missing)} untranslated: {missing[:10]}")


if __name__ == "__main__":
    main(*sys.argv[1:])
