"""django-filter FilterSets of the public API.

They parse and validate query parameters (a message per field on error);
the querysets they filter always come from `disclosure.selectors`.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from disclosure import selectors
from disclosure.models import Category, CreditList, Severity, SubjectType
from disclosure.search import InvalidCode, validate_uscc

region_code = RegexValidator(r"^[0-9]{6}\Z", _("A region code has 6 digits (GB/T 2260)."))


class UsccField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return validate_uscc(value)
        except InvalidCode as exc:
            raise forms.ValidationError(str(exc)) from None


# What the API accepts as a code, for the schema: 18 characters of the USCC
# alphabet, either case (input is normalised); the check character is
# verified by the code (`format: uscc`), which a pattern cannot express.
# Empty means absent, as for every filter.
USCC_PATTERN = "^([0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18})?$"
REGION_PATTERN = "^([0-9]{6})?$"


@extend_schema_field({"type": "string", "format": "uscc", "pattern": USCC_PATTERN})
class UsccFilter(django_filters.CharFilter):
    field_class = UsccField


@extend_schema_field({"type": "string", "pattern": REGION_PATTERN})
class RegionFilter(django_filters.CharFilter):
    """A 6-digit GB/T 2260 code (ASCII digits: \\d would also take other scripts' digits)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("validators", [region_code])
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "minLength": 1, "maxLength": 100})
class QueryFilter(django_filters.CharFilter):
    """The search text: required and not empty."""


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """A catalogue or list entry chosen by its code (a string in the schema)."""


@extend_schema_field({"oneOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]})
class OptionalDateFilter(django_filters.DateFilter):
    """YYYY-MM-DD; empty means absent."""


# Choices, or empty for absent (as for every filter), in the schema too.
@extend_schema_field({"type": "string", "enum": ["", *SubjectType.values]})
class SubjectTypeFilter(django_filters.ChoiceFilter):
    pass


@extend_schema_field({"type": "string", "enum": ["", *Severity.values]})
class SeverityFilter(django_filters.ChoiceFilter):
    pass


class SubjectFilter(django_filters.FilterSet):
    """Search: `q` (name fragment or code) plus optional filters."""

    q = QueryFilter(method="noop", required=True, max_length=100, help_text="Name, former name or (part of a) USCC.")
    subject_type = SubjectTypeFilter(method="noop", choices=SubjectType.choices)
    region = RegionFilter(method="noop", help_text="6-digit code; a province or city covers its counties.")
    category = CodeChoiceFilter(
        method="noop",
        to_field_name="code",
        queryset=Category.objects.all(),
        help_text="Catalogue code: has a record of it disclosed.",
    )
    list = django_filters.CharFilter(method="noop", help_text='List code, or "any": is on it now.')

    def noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        data = self.form.cleaned_data
        list_code = data.get("list") or ""
        if list_code and list_code != "any" and not CreditList.objects.filter(code=list_code).exists():
            return queryset.none()
        filters = {
            "subject_type": data.get("subject_type") or "",
            "region": data.get("region") or "",
            "category": data["category"].code if data.get("category") else "",
            "list": list_code,
        }
        return selectors.subjects_search(query=data["q"], filters=filters)


class RecordFilter(django_filters.FilterSet):
    uscc = UsccFilter(field_name="subject__uscc", help_text="Unified social credit code.")
    category = CodeChoiceFilter(
        field_name="category", to_field_name="code", queryset=Category.objects.all(), help_text="Catalogue code."
    )
    severity = SeverityFilter(choices=Severity.choices)
    decided_after = OptionalDateFilter(field_name="decided_on", lookup_expr="gte", help_text="Inclusive.")
    decided_before = OptionalDateFilter(field_name="decided_on", lookup_expr="lte", help_text="Inclusive.")


class ListEntryFilter(django_filters.FilterSet):
    """Entries of one list; the view passes the list as `credit_list`."""

    region = RegionFilter(method="noop", help_text="6-digit code; a province or city covers its counties.")

    def __init__(self, *args, credit_list: CreditList | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.credit_list = credit_list

    def noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        region = self.form.cleaned_data.get("region") or ""
        if not region or self.credit_list is None:
            return queryset
        # The prefix logic (a province or city covers its counties) is the selector's.
        return selectors.list_entries(credit_list=self.credit_list, region=region)
