from django import template

from dataservices.describe import describe_item

register = template.Library()


@register.filter
def describe(item) -> str:
    return describe_item(item)
