"""Add new msgids with their translations to one catalogue directory, then compile it.

Usage: python scripts/po_add.py LOCALE_DIR TABLE.json
TABLE.json: {"msgid": {"ru": "...", "zh_Hans": "..."}, ...}; a key "context\\u0004msgid" adds
an entry with that msgctxt. Unlike a full ``makemessages`` run this touches only the entries
named, so parallel branches adding strings to the same catalogue rarely conflict.
Entries that already exist get the table's translation.
"""

import json
import sys
from pathlib import Path

import polib


def main(locale_dir: str, table_path: str) -> None:
    table = json.loads(Path(table_path).read_text(encoding="utf-8"))
    for lang in ("ru", "zh_Hans", "en"):
        po_path = Path(locale_dir) / lang / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(po_path))
        for key, translations in table.items():
            context, _, msgid = key.rpartition("\x04")
            entry = po.find(msgid, msgctxt=context or False)
            if entry is None:
                entry = polib.POEntry(msgid=msgid, msgctxt=context or None, msgstr="")
                po.append(entry)
            if lang != "en":
                entry.msgstr = translations[lang]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
        po.save()
        po.save_as_mofile(str(po_path.with_suffix(".mo")))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
