"""Forms of the public pages: they only parse query parameters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from disclosure import regions, selectors
from disclosure.models import SubjectType


class RegionFields(forms.Form):
    """Province, then city of the chosen province (works without JavaScript:
    the city choices appear once a province has been submitted)."""

    province = forms.ChoiceField(label=_("Province"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("All provinces"))] + [
            (region.code, regions.local_label(region)) for region in regions.provinces()
        ]
        province = self.data.get("province", "") if self.is_bound else ""
        cities = regions.cities(province) if province in dict(self.fields["province"].choices) and province else []
        self.fields["city"].choices = [("", _("All cities"))] + [(region.code, regions.local_label(region)) for region in cities]
        self.has_cities = bool(cities)

    def region(self) -> str:
        """The most specific region chosen, as a 6-digit code, or ""."""
        data = self.cleaned_data
        city = data.get("city", "")
        if city and city[:2] == data.get("province", "")[:2]:
            return city
        return data.get("province", "")


class SearchForm(RegionFields):
    q = forms.CharField(label=_("Company name or unified social credit code"), max_length=100, required=False)
    subject_type = forms.ChoiceField(label=_("Type of subject"), required=False)
    category = forms.ChoiceField(label=_("With disclosed records of"), required=False)
    list = forms.ChoiceField(label=_("On a list"), required=False)

    field_order = ["q", "subject_type", "province", "city", "category", "list"]

    def __init__(self, *args, language: str = "zh-hans", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        english = language.startswith("en")
        self.fields["subject_type"].choices = [("", _("All types")), *SubjectType.choices]
        self.fields["category"].choices = [("", _("Any category"))] + [
            (category.code, category.name_en if english else category.name) for category in selectors.categories()
        ]
        self.fields["list"].choices = [("", _("Any, or none")), ("any", _("On any list"))] + [
            (credit_list.code, credit_list.name_en if english else credit_list.name)
            for credit_list in selectors.credit_lists()
        ]

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data
        return {
            "subject_type": data.get("subject_type", ""),
            "region": self.region(),
            "category": data.get("category", ""),
            "list": data.get("list", ""),
        }

    @property
    def has_filters(self) -> bool:
        return any(self.filters().values())


class ListEntriesForm(RegionFields):
    pass
