from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Report number"), max_length=32)
    code = forms.CharField(label=_("Verification code"), max_length=12)
