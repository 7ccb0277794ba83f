"""Template filters of the instructions screens: a compared field's stored code as words in the reader's
language."""

from django import template

from core.texts import label_of

register = template.Library()


def _choices_of(field: str):
    from instructions.choices import CharacteristicKind, SignOff

    return {"signoff": SignOff, "kind": CharacteristicKind}.get(field)


@register.filter
def field_value(value, field: str):
    """A compared field's value as a reader says it: `operator+inspector` → "Operator and inspector"."""
    choices = _choices_of(field)
    if choices is None or value is None:
        return value
    return label_of(choices, str(value))
