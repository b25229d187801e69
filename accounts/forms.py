from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from disclosure import selectors as disclosure_selectors
from disclosure.search import InvalidCode, validate_uscc


class RegistrationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.CharField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True}))

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class BindingRequestForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=40)
    proof = forms.FileField(
        label=_("Proof (business licence or letter of authorisation; PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def clean_uscc(self):
        try:
            code = validate_uscc(self.cleaned_data["uscc"])
        except InvalidCode:
            raise forms.ValidationError(_("This is not a valid unified social credit code.")) from None
        subject = disclosure_selectors.subject_get(key=code)
        if subject is None:
            raise forms.ValidationError(_("No subject with this code is registered on the portal."))
        self.subject = subject
        return code


class BindingDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve the request")), ("refuse", _("Refuse the request"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
