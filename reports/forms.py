from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# A PDF starts with this header (ISO 32000-1, 7.5.2); checked on the content,
# not on the name or the browser's declared type.
_PDF_MAGIC = b"%PDF-"


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Report number"), max_length=32)
    code = forms.CharField(label=_("Verification code"), max_length=12)


class VerifyFileForm(forms.Form):
    file = forms.FileField(
        label=_("Report file (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.REPORT_VERIFY_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s; no report issued here is that large."),
                params={"limit": filesizeformat(settings.REPORT_VERIFY_MAX_BYTES)},
                code="too_large",
            )
        upload.seek(0)
        header = upload.read(len(_PDF_MAGIC))
        upload.seek(0)
        if header != _PDF_MAGIC:
            raise forms.ValidationError(_("This file is not a PDF."), code="not_pdf")
        return upload
