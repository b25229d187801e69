from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from stdnum.cn import ric

from disclosure import selectors as disclosure_selectors
from disclosure.search import InvalidCode, normalize_code, validate_uscc


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
    """An enterprise by its USCC, or a natural person by identity number and name (their own data)."""

    uscc = forms.CharField(label=_("Unified social credit code"), max_length=40, required=False)
    identity_number = forms.CharField(
        label=_("Or, for your own records as a natural person: identity number"), max_length=30, required=False
    )
    person_name = forms.CharField(label=_("Your name as on the identity card"), max_length=100, required=False)
    proof = forms.FileField(
        label=_("Proof (business licence or letter of authorisation, or your identity card; PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    subject = None

    def clean(self):
        data = super().clean()
        uscc, number = data.get("uscc", "").strip(), data.get("identity_number", "").strip()
        if bool(uscc) == bool(number):
            raise forms.ValidationError(_("Enter either a unified social credit code or an identity number."))
        if uscc:
            try:
                code = validate_uscc(uscc)
            except InvalidCode:
                self.add_error("uscc", _("This is not a valid unified social credit code."))
                return data
            self.subject = disclosure_selectors.subject_get(key=code)
            if self.subject is None:
                self.add_error("uscc", _("No subject with this code is registered on the portal."))
            return data
        number = normalize_code(number)
        if not ric.is_valid(number):
            self.add_error("identity_number", _("This is not a valid identity number."))
            return data
        if not data.get("person_name", "").strip():
            self.add_error("person_name", _("Enter your name as on the identity card."))
            return data
        # Whether the portal holds this person is not looked up here: the
        # answer must be the same either way (accounts.services).
        data["identity_number"] = number
        return data


class BindingDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve the request")), ("refuse", _("Refuse the request"))], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=pgettext_lazy("binding review", "Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ConfirmEmailForm(forms.Form):
    password = forms.CharField(
        label=_("The password you chose when registering"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))


class AccountPasswordResetForm(PasswordResetForm):
    """Django's reset form, also for accounts waiting for confirmation (a
    reset proves the address and activates them), at most a few messages per
    address and hour. The page says the same whether or not an account exists."""

    def get_users(self, email: str):
        from accounts.models import PendingRegistration

        pending = PendingRegistration.objects.filter(user__email__iexact=email).values_list("user_id", flat=True)
        candidates = get_user_model()._default_manager.filter(email__iexact=email)
        return (
            user
            for user in candidates
            if user.has_usable_password() and (user.is_active or user.pk in set(pending))
        )

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        from creditportal.mail_limits import mail_allowed

        if mail_allowed(address=to_email):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email, **kwargs)


class AccountSetPasswordForm(SetPasswordForm):
    def save(self, commit: bool = True):
        from accounts import services

        user = super().save(commit=commit)
        if commit:
            services.password_set_by_reset(user=user)
        return user


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the authenticator app, or a recovery code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
