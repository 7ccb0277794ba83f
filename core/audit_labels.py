"""What each audit action code means, in words a person reads on the audit trail, and which
subjects have a screen of their own.

The code stays the record (it is what the API and exports carry); the label is for screens.
The kernel holds only its own words: each app registers its actions and subjects from its
`registry.py` when Django starts. An action not registered is shown by its code alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ACTION_LABELS: dict[str, StrOrPromise] = {
    "api_token.created": _("API token created"),
    "api_token.revoked": _("API token revoked"),
    "document.requested": _("PDF requested"),
    "identity.created": _("Identity created"),
    "identity.language_set": _("Language chosen"),
    "identity.role_changed": _("Role changed"),
    "signature.refused": _("Signature refused"),
    "signature.signed": _("Signed electronically"),
    "webhook.created": _("Webhook created"),
}


@dataclass(frozen=True)
class Subject:
    """A kind of audit subject with a screen: its label, and how to link a page of entries to it
    (ids in, {id: (url, label)} out, in one query whatever the number of ids)."""

    label: StrOrPromise
    links: Callable[[Iterable[str]], dict[str, tuple[str, str]]]


SUBJECTS: dict[str, Subject] = {}


def register_actions(labels: Mapping[str, StrOrPromise]) -> None:
    """An app names its audit actions; a code registered twice is a mistake caught at start-up."""
    clash = set(labels) & set(ACTION_LABELS)
    if clash:
        raise ValueError("audit actions registered twice: {}".format(", ".join(sorted(clash))))
    ACTION_LABELS.update(labels)


def register_subject(
    subject_type: str, label: StrOrPromise, links: Callable[[Iterable[str]], dict[str, tuple[str, str]]]
) -> None:
    SUBJECTS[subject_type] = Subject(label, links)


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else ""
