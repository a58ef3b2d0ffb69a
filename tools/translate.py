"""Fill the zh catalog from a Python dict of translations: `python tools/translate.py FILE.py`.

A helper for translators: FILE.py defines ZH = {msgid: translation}. Entries it names lose their fuzzy
flag; nothing else in the catalog changes.
"""

from __future__ import annotations

import runpy
import sys

from babel.messages.pofile import read_po, write_po

CATALOG = "sandbox/translations/zh/LC_MESSAGES/messages.po"


def main(path: str) -> None:
    translations = runpy.run_path(path)["ZH"]
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle, locale="zh")
    catalog.fuzzy = False  # the header's flag: a fuzzy catalog is skipped when compiled
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
    with open(CATALOG, "wb") as handle:
        write_po(handle, catalog, width=110, omit_header=False, no_location=True)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    print(f"{len(missing)} untranslated" + (": " + "; ".join(map(str, missing)) if missing else ""))


if __name__ == "__main__":
    main(sys.argv[1])
