"""Simplified Chinese is the default language: every message has its translation, and the
compiled catalogue shipped with the code says the same as the source catalogue.

After changing wrapped strings: `make messages`, translate the new entries, commit both files.
"""

import gettext
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_is_translated():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    assert not untranslated, untranslated


def test_the_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    with (LOCALE / "django.mo").open("rb") as fp:
        mo = gettext.GNUTranslations(fp)

    def compiled(e: polib.POEntry) -> str:
        if e.msgid_plural:
            if e.msgctxt:
                return mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, 1)
            return mo.ngettext(e.msgid, e.msgid_plural, 1)
        return mo.pgettext(e.msgctxt, e.msgid) if e.msgctxt else mo.gettext(e.msgid)

    stale = [
        e.msgid for e in po if compiled(e) != (e.msgstr_plural[0] if e.msgid_plural else e.msgstr)
    ]
    assert not stale, "run `make messages` to recompile: " + ", ".join(stale[:5])


def test_placeholders_survive_translation():
    import re

    po = polib.pofile(str(LOCALE / "django.po"))
    names = re.compile(r"%\((\w+)\)s")
    broken = [
        e.msgid
        for e in po
        if set(names.findall(e.msgid))
        != set(names.findall(e.msgstr_plural[0] if e.msgid_plural else e.msgstr))
    ]
    assert not broken, broken


def test_a_domain_message_reads_in_chinese(chinese):
    import pytest

    from xinju.core import cells

    with pytest.raises(cells.CellError, match=r"^面积必须大于 0。$"):
        cells.area("0")
