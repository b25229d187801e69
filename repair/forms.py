"""Forms: parse input only; the rules live in repair.services."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from disclosure.models import Severity, Shield
from repair.models import Ground, Kind, Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            data = [item for item in data if item]
            if data:
                return [single(item, initial) for item in data]
        elif data:
            return [single(data, initial)]
        if self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return []


class RepairApplicationForm(forms.Form):
    # Rendered with the form; the same token on a second POST returns the
    # case the first one filed (double click, reload).
    token = forms.UUIDField(widget=forms.HiddenInput)
    items = forms.MultipleChoiceField(
        label=_("Records and lists to repair"), widget=forms.CheckboxSelectMultiple, required=True
    )
    statement = forms.CharField(
        label=_("How the behaviour was corrected and the obligations fulfilled"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    evidence = MultipleFileField(
        label=_("Evidence (PDF, JPEG or PNG)"),
        help_text=_("For example the receipt of the fine paid or the rectification report."),
    )
    commitment_confirmed = forms.BooleanField(
        label=_("I confirm the credit commitment above on behalf of the subject."), required=True
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = choices
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class ObjectionForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput)
    # "record-<id>", "listing-<id>" or "case-<id>" (a refused repair application).
    record = forms.ChoiceField(label=_("What the objection is about"))
    ground = forms.ChoiceField(label=_("Ground"), choices=Ground.choices, widget=forms.RadioSelect)
    statement = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    evidence = MultipleFileField(label=_("Supporting documents (PDF, JPEG or PNG; optional)"), required=False)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = choices
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())


class StatusLookupForm(forms.Form):
    tracking_no = forms.CharField(label=_("Tracking number"), max_length=20)
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=40)


class DecisionForm(forms.Form):
    """A staff decision; the reason is required where the outcome needs one (checked by the service)."""

    to = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason or note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    # 容缺受理: accept while non-essential materials are missing.
    missing_materials = forms.CharField(
        label=_("Materials still to be added (容缺受理; leave empty if the application is complete)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    materials_due = forms.DateField(
        label=_("To be added by"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )


class ExtensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this complex case needs more time (sent to the applicant)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MaterialsForm(forms.Form):
    evidence = MultipleFileField(label=_("The missing materials (PDF, JPEG or PNG)"))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ShieldStartForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=40)
    ruling = forms.ChoiceField(label=_("Court ruling"), choices=Shield.Ruling.choices)
    court = forms.CharField(label=_("Court"), max_length=200)
    document_no = forms.CharField(label=_("Ruling number"), max_length=120)
    ruled_on = forms.DateField(label=_("Ruling date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ShieldEndForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome of the plan"), choices=Shield.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CorrectionForm(forms.Form):
    """The corrected content of a record after an objection."""

    to = forms.CharField(widget=forms.HiddenInput, initial=Status.CORRECTED)
    document_no = forms.CharField(label=_("Document number"), max_length=120)
    decided_on = forms.DateField(label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"}))
    severity = forms.ChoiceField(label=_("Severity"), choices=[("", "—"), *Severity.choices], required=False)
    summary = forms.CharField(label=pgettext_lazy("record", "Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    note = forms.CharField(
        label=_("What was traced with the source authority"), widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Kind.choices])
    # A text field matched on the server (part of a name is enough), not a
    # <select> of ~3,000 authorities; the page adds suggestions as you type.
    authority = forms.CharField(
        label=pgettext_lazy("repair case", "Authority"),
        required=False,
        max_length=200,
        help_text=_("Part of the name is enough."),
        widget=forms.TextInput(
            attrs={
                "list": "authority-suggestions",
                "autocomplete": "off",
                "data-suggest-url": reverse_lazy("office:authority-suggest"),
            }
        ),
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[
            ("", _("Any")),
            ("overdue", _("Overdue")),
            ("today", _("Due today")),
            ("week", _("Due within 7 days")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Open (submitted or accepted)")), *Status.choices]


def _parse_days(text: str) -> list[dt.date]:
    days: list[dt.date] = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            if ".." in line:
                first, last = (dt.date.fromisoformat(part.strip()) for part in line.split("..", 1))
                if last < first:
                    raise ValueError
                days.extend(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
            else:
                days.append(dt.date.fromisoformat(line))
        except ValueError:
            raise forms.ValidationError(
                _("Line %(line)s: write a date as YYYY-MM-DD or a range as YYYY-MM-DD..YYYY-MM-DD."),
                params={"line": line_no},
            ) from None
    return days


class OfficialYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    source = forms.CharField(
        label=_("Source"), max_length=300, help_text=_("E.g. the State Council General Office notice and its date.")
    )
    holidays = forms.CharField(
        label=_("Public holidays (days off)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("One date or range per line, e.g. 2027-02-06..2027-02-13 # Spring Festival"),
    )
    workdays = forms.CharField(
        label=_("Make-up working days (调休)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("Weekend days that are working days, one per line."),
    )

    def clean_holidays(self) -> list[dt.date]:
        return _parse_days(self.cleaned_data["holidays"])

    def clean_workdays(self) -> list[dt.date]:
        return _parse_days(self.cleaned_data["workdays"])


class TimelinessForm(forms.Form):
    """The decision-date range of the 双公示 timeliness report."""

    decided_from = forms.DateField(label=_("Decided from"), widget=forms.DateInput(attrs={"type": "date"}))
    decided_to = forms.DateField(label=_("Decided until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("decided_from"), data.get("decided_to")
        if start and end and start > end:
            self.add_error("decided_to", _("The end of the range is before its start."))
        return data
