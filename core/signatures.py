"""Electronic signatures (FDA 21 CFR Part 11, EU GMP Annex 11).

A signature is not a permission: an identity may hold `quality.disposition_ncr` and still be
refused here. At the moment of signing the signer re-enters user name and password
(`django.contrib.auth.authenticate`), is a *person* (never a system or agent identity, whatever
token carries the request), holds the role the act needs, and states the meaning of the
signature. The signature is bound to the exact content it signs: the SHA-256 of a canonical
JSON of that content, stored with it so anyone can recompute it.

Failed attempts are logged (`signature.refused` in the audit trail, and the
`threadline.signatures` logger) by `record_refusal`, which the caller runs *outside* the
transaction it rolls back.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import authenticate
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts, audit
from core.choices import Role
from core.errors import DomainError
from core.models import Signature, SignatureMeaning, User

logger = logging.getLogger("threadline.signatures")


@dataclass(frozen=True)
class SignatureRequest:
    """What the signer typed: user name, password and the meaning they declare."""

    username: str
    password: str
    meaning: str


class SignatureRefused(DomainError):
    """The signature could not be accepted; nothing was signed."""

    def __init__(self, code: str, message: str, path: str = "signature", *, username: str = "") -> None:
        super().__init__(code, message, path)
        self.username = username


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError("not JSON serialisable: {!r}".format(type(value)))


def canonical_json(content: dict[str, Any]) -> str:
    """Sorted keys, no insignificant whitespace, UTF-8 text: the same content always gives the same text."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def normalised(content: dict[str, Any]) -> dict[str, Any]:
    """The content as it is stored (Decimals and times as text), so the stored copy hashes the same."""
    return json.loads(canonical_json(content))


def authenticate_signer(
    request: SignatureRequest | None, *, roles: frozenset[str] | set[str], act: str
) -> User:
    """The person who signs, checked now: password, a person not a system identity, one of `roles`, a
    meaning."""
    if request is None or not (request.username or "").strip() or not request.password:
        raise SignatureRefused(
            "signature_required",
            _(
                "{act} needs an electronic signature: enter your user name and password and say what your "
                "signature means."
            ).format(act=act),
        )
    username = request.username.strip()
    if request.meaning not in SignatureMeaning.values:
        raise SignatureRefused(
            "signature_meaning_invalid",
            _("Say what the signature means: one of {meanings}.").format(
                meanings=", ".join(SignatureMeaning.values)
            ),
            "signature/meaning",
            username=username,
        )
    signer = authenticate(None, username=username, password=request.password)
    if signer is None:
        raise SignatureRefused(
            "signature_invalid",
            _("The user name or password is wrong: nothing was signed. Sign again."),
            "signature/password",
            username=username,
        )
    if signer.is_system:
        raise SignatureRefused(
            "signer_not_a_person",
            _("{user} is a system identity: only a person can sign, with their own password.").format(
                user=signer.username
            ),
            "signature/username",
            username=username,
        )
    if signer.role not in roles:
        raise SignatureRefused(
            "signer_not_authorised",
            _("{user} is not allowed to sign this: {act} is signed by: {roles}.").format(
                user=signer.username,
                act=act,
                roles=", ".join(str(Role(role).label) for role in sorted(roles)),
            ),
            "signature/username",
            username=username,
        )
    return signer


def sign(
    *,
    signer: User,
    meaning: str,
    subject: models.Model | tuple[str, str],
    content: dict[str, Any],
    carried_by: User | None,
    station: str = "",
    signed_at: datetime | None = None,
) -> Signature:
    """Write the signature row, bound to `content` by its hash, and its audit entry (same transaction)."""
    subject_type, subject_id = audit.subject_of(subject)
    stored = normalised(content)
    signature = Signature.objects.create(
        signer=signer,
        printed_name=signer.printed_name,
        meaning=meaning,
        signed_at=signed_at or timezone.now(),
        subject_type=subject_type,
        subject_id=subject_id,
        content=stored,
        content_hash=content_hash(stored),
        carried_by=carried_by,
        station=station,
    )
    acts.record(
        actor=signer,
        action="signature.signed",
        subject=(subject_type, subject_id),
        station=station,
        summary="{} {} {}".format(signer.username, meaning, signature.content_hash[:16]),
        data={
            "signature": signature.pk,
            "meaning": meaning,
            "content_hash": signature.content_hash,
            "carried_by": carried_by.username if carried_by is not None else None,
        },
    )
    return signature


def is_intact(signature: Signature) -> bool:
    """The stored content still hashes to the signed hash."""
    return content_hash(signature.content) == signature.content_hash


def record_refusal(
    *,
    error: SignatureRefused,
    subject: models.Model | tuple[str, str],
    carried_by: User | None,
    station: str = "",
) -> None:
    """Log a failed signature attempt so that it survives the refused act's rollback."""
    logger.warning(
        "signature refused: %s user=%r subject=%s carried_by=%s",
        error.code,
        error.username,
        audit.subject_of(subject),
        carried_by.username if carried_by is not None else None,
    )
    with transaction.atomic():
        acts.record(
            actor=carried_by,
            action="signature.refused",
            subject=subject,
            station=station,
            summary="{} {}".format(error.code, error.username)[:300],
            data={"code": error.code, "username": error.username},
        )
