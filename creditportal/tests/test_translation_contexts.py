"""Each app's Chinese wording is the one users see: where two catalogues
(ours, or Django's admin and auth) translate the same English msgid
differently, the app gives it its own context (pgettext). And Chinese labels
never end in an ASCII colon."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
APP_CATALOGUES = sorted(
    path for path in ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in path.parts
)
HAN = r"[\u4e00-\u9fff]"


@pytest.mark.parametrize("path", APP_CATALOGUES, ids=lambda p: p.relative_to(ROOT).parts[0])
def test_every_translation_of_the_app_is_the_one_django_serves(path):
    overridden = []
    with translation.override("zh-hans"):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.msgid_plural or not entry.msgstr:
                continue
            served = translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(
                entry.msgid
            )
            if served != entry.msgstr:
                overridden.append((entry.msgctxt, entry.msgid, entry.msgstr, served))
    assert overridden == []


@pytest.mark.parametrize("path", APP_CATALOGUES, ids=lambda p: p.relative_to(ROOT).parts[0])
def test_no_chinese_label_ends_in_an_ascii_colon(path):
    wrong = [
        entry.msgstr
        for entry in polib.pofile(str(path))
        if not entry.obsolete and re.search(rf"({HAN}|：[^:]*):\s*$", entry.msgstr)
    ]
    assert wrong == []


def test_no_template_puts_an_ascii_colon_after_a_translated_label():
    pattern = re.compile(r"\{%\s*translate\s+\"[^\"]*\"[^%]*%\}:")
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
