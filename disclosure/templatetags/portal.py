"""Display helpers of the public pages."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from disclosure import regions

register = template.Library()


@register.filter
def local_name(obj) -> str:
    """A catalogue category's or list's name in the page's language."""
    if (get_language() or "").startswith("en") and getattr(obj, "name_en", ""):
        return obj.name_en
    return obj.name


@register.filter
def region_name(code: str) -> str:
    """Province, city and county names of a GB/T 2260 code, in the page's language."""
    return regions.display_name(code or "")


@register.filter
def public_identifier(subject) -> str:
    """The code shown for a subject: its USCC, or a masked identity number."""
    if subject.uscc:
        return subject.uscc
    return subject.masked_identity_number
