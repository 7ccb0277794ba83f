"""Texts the system writes, stored as a code and parameters and rendered in the reader's language.

A record written by the system (an NCR raised by an out-of-tolerance result, the release of a
hold by a disposition, a note in an NCR's history) stores `code` + JSON `params`; screens, PDFs
and the API render it with `render()` at display time, in the language active for the reader.
An NCR raised automatically by a German operator's result reads in English for an English
inspector. Free text typed by a person is stored as typed (it is that person's words) and is
never translated; a parameter may carry such text (`reason`), shown as it was typed.

Rows written before codes were stored have an empty code: `render()` shows their stored text.
A parameter whose name is listed in a template's `choices` holds a choice code (a decision, a
kind) and is shown by its translated label.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Template:
    text: Promise
    choices: Mapping[str, Any] = field(default_factory=dict)


# code → translatable template with `.format()` placeholders named after the params. The kernel
# holds no app's words: each app registers its texts from its `registry.py` when Django starts.
TEMPLATES: dict[str, Template] = {}


def register(code: str, text: Promise, choices: Mapping[str, Any] | None = None) -> None:
    """An app names a text it writes; `choices` maps a param to a callable returning its TextChoices."""
    if code in TEMPLATES:
        raise ValueError("text code registered twice: {}".format(code))
    TEMPLATES[code] = Template(text, dict(choices or {}))


def _label(choices, value: Any) -> str:
    try:
        return str(choices()(value).label)
    except ValueError:
        return str(value)


def render(code: str | None, params: Mapping[str, Any] | None, stored: str = "") -> str:
    """The text of `code` with `params` in the active language; `stored` when there is no code
    (a legacy row, or free text a person typed) or the code is not (any more) registered."""
    template = TEMPLATES.get(code or "")
    if template is None:
        return stored
    values = dict(params or {})
    for name, choices in template.choices.items():
        if name in values:
            values[name] = _label(choices, values[name])
    try:
        return str(template.text).format(**values)
    except (KeyError, IndexError, ValueError):
        return stored


def text(code: str, /, **params: Any) -> tuple[str, str, dict[str, Any]]:
    """(text in the active language, code, params): what a write stores — the code and params to
    render for each reader, and the text as written (kept for search and for older readers)."""
    if code not in TEMPLATES:
        raise KeyError("Unknown text code '{}': register it in core.texts.TEMPLATES.".format(code))
    return render(code, params), code, params


def coded(prefix: str, code: str | None, params: Mapping[str, Any] | None) -> dict[str, Any]:
    """What an audit entry's `data` carries so the audit trail renders a system text for its
    reader: `{prefix}_code` and `{prefix}_params` (nothing when the text was typed by a person)."""
    return {"{}_code".format(prefix): code, "{}_params".format(prefix): dict(params or {})} if code else {}


def audit_reason(entry) -> str:
    """An audit entry's reason in the reader's language when the system wrote it; else as stored."""
    data = entry.data or {}
    return words_for_codes(render(data.get("reason_code", ""), data.get("reason_params"), entry.reason))


def audit_summary(entry) -> str:
    """An audit entry's summary; an NCR raised by the system reads "<number> <description>" in
    the reader's language."""
    data = entry.data or {}
    if data.get("description_code") and entry.summary:
        number = entry.summary.split(" ", 1)[0]
        described = render(data["description_code"], data.get("description_params"), "")
        if described:
            return "{} {}".format(number, described)[:300]
    return words_for_codes(entry.summary)


def label_of(choices, value: str) -> str:
    """The translated label of a choice code (`value` itself when it is not one of them)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# Choice codes that are not words (`out_of_tolerance`, `operator+inspector`): a summary written
# with one (the audit trail's "NCR-000001 open → in_review") shows its label instead. Each app
# registers the modules holding its choices.
CHOICE_MODULES: list[str] = ["core.choices"]


def register_choices(module: str) -> None:
    CHOICE_MODULES.append(module)
    _coded_choices.cache_clear()


CODE_TOKEN = re.compile(r"(?<![\w.+-])[a-z]+(?:[_+][a-z]+)+(?![\w+])")


@cache
def _coded_choices() -> dict[str, Any]:
    from importlib import import_module

    from django.db import models

    found: dict[str, Any] = {}
    for module in CHOICE_MODULES:
        for item in vars(import_module(module)).values():
            if (
                isinstance(item, type)
                and issubclass(item, models.TextChoices)
                and item is not models.TextChoices
            ):  # noqa: E501
                for value in item.values:
                    found.setdefault(value, item)
    return found


def words_for_codes(text: str) -> str:
    """`text` with every choice code that is not a word replaced by its label in the reader's language."""
    if not text:
        return text
    choices = _coded_choices()

    def word(match: re.Match) -> str:
        code = match[0]
        return label_of(choices[code], code) if code in choices else code

    return CODE_TOKEN.sub(word, text)
