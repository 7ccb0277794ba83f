"""Formatting released numbers for people: 0.55000000 → 0.55, 100 → 100."""

from django import template

from instructions.screens import number as format_number

register = template.Library()


@register.filter
def number(value) -> str:
    if value is None or value == "":
        return "—"
    return format_number(value)
