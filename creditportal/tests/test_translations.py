"""Every translation catalogue is complete: no English left on Chinese pages."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    path for path in ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in path.parts
) + sorted(ROOT.glob("locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_app_with_pages_has_a_chinese_catalogue():
    apps = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert {"disclosure", "repair", "accounts", "dataservices", "reports", "locale"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_catalogue_has_no_untranslated_or_fuzzy_entry(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_catalogue_has_each_message_once(path):
    # Catalogues merge by union (.gitattributes): a message two branches both
    # touched can come out twice, and then only one of them is used.
    catalogue = polib.pofile(str(path))
    keys = [(entry.msgctxt, entry.msgid) for entry in catalogue if not entry.obsolete]
    assert sorted({key for key in keys if keys.count(key) > 1}) == []
