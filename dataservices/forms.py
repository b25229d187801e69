"""Forms of the bulk check and alert pages: parse and validate input only."""

from __future__ import annotations

import csv
import io
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from disclosure.serializers import MAX_CHECK_CODES

MAX_UPLOAD_BYTES = 1024 * 1024
_SEPARATORS = re.compile(r"[\s,;，；、]+")


def codes_from_text(text: str) -> list[str]:
    """Codes separated by new lines, spaces, commas or semicolons (also the
    full-width ones). Full-width spaces inside a code are NFKC-folded later."""
    return [part for part in _SEPARATORS.split(text) if part]


def codes_from_csv(data: bytes) -> list[str]:
    """The first column of a CSV file (UTF-8, BOM allowed); a header cell
    that is not a code (e.g. "uscc", "统一社会信用代码") is skipped."""
    text = data.decode("utf-8-sig")
    codes: list[str] = []
    for index, row in enumerate(csv.reader(io.StringIO(text))):
        if not row or not row[0].strip():
            continue
        cell = row[0].strip()
        if index == 0 and not any(ch.isdigit() for ch in cell):
            continue
        codes.append(cell)
    return codes


class CheckForm(forms.Form):
    codes = forms.CharField(
        label=_("Unified social credit codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 40, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("One per line (or separated by spaces, commas or semicolons), at most 1,000."),
    )
    file = forms.FileField(
        label=_("Or upload a CSV file"),
        required=False,
        help_text=_("UTF-8, codes in the first column, at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        try:
            return codes_from_csv(upload.read())
        except (UnicodeDecodeError, csv.Error):
            raise forms.ValidationError(_("The file is not a UTF-8 CSV file.")) from None

    def clean(self):
        data = super().clean()
        codes = codes_from_text(data.get("codes") or "") + (data.get("file") or [])
        if not self.errors and not codes:
            raise forms.ValidationError(_("Enter at least one code, or upload a CSV file."))
        if len(codes) > MAX_CHECK_CODES:
            raise forms.ValidationError(
                _("At most %(max)s codes at a time; you gave %(count)s.")
                % {"max": MAX_CHECK_CODES, "count": len(codes)}
            )
        data["code_list"] = codes
        return data


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
