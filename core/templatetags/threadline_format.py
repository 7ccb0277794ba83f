"""One way to show numbers and times on every screen and in every printed document.

`{% load threadline_format %}`:

- `{{ value|number }}`: a released number as people write it: 0.72000000 → 0.72, 100 → 100,
  None → "—". The tablet, the desk screens and the PDFs all use it.
- `{{ moment|when }}`: a moment in the site's local time with its zone, "2026-11-22 01:16 UTC";
  `{{ moment|when:"seconds" }}` adds the seconds. None → "—".
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()

MINUTES = "Y-m-d H:i T"
SECONDS = "Y-m-d H:i:s T"


@register.filter
def number(value) -> str:
    if value is None or value == "":
        return "—"
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except (InvalidOperation, ValueError):
            return str(value)
    return format(value.normalize(), "f")  # 0.60000000 -> 0.6, 100 -> 100 (never 1E+2)


@register.filter
def when(value, precision: str = "") -> str:
    if not isinstance(value, datetime):
        return "—" if value in (None, "") else str(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, SECONDS if precision == "seconds" else MINUTES)
