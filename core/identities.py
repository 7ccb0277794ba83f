"""Creating people and system identities, and their API tokens."""

import secrets

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts
from core.choices import IdentityKind, Role
from core.contention import retry_transaction
from core.errors import Conflict, DomainError
from core.models import ApiToken, User

TOKEN_PREFIX = "tl_"


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise DomainError(
            "invalid_role",
            _("'{role}' is not a role. Use one of: {roles}.").format(role=role, roles=", ".join(Role.values)),
            "role",
        )


@retry_transaction
def create_person(
    *,
    username: str,
    role: str,
    password: str,
    actor: User | None,
    full_name: str = "",
    badge_code: str = "",
    badge_pin: str = "",
) -> User:
    """A person who signs in with a password (and, on the line, a badge)."""
    _check_role(role)
    if User.objects.filter(username=username).exists():
        raise Conflict(
            "username_taken",
            _("The user name '{username}' is already taken.").format(username=username),
            "username",
        )
    first, _sep, last = full_name.partition(" ")
    user = User(username=username, role=role, kind=IdentityKind.PERSON, first_name=first, last_name=last)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError("weak_password", " ".join(error.messages), "password") from None
    user.set_password(password)
    user.is_staff = role == Role.ADMIN
    if badge_code:
        if User.objects.filter(badge_code=badge_code).exists():
            raise Conflict(
                "badge_taken",
                _("Badge {badge} already belongs to someone else.").format(badge=badge_code),
                "badge_code",
            )
        user.badge_code = badge_code
        user.badge_pin = make_password(badge_pin) if badge_pin else ""
    user.save()
    acts.record(
        actor=actor, action="identity.created", subject=user, summary="{} ({})".format(username, role)
    )
    return user


@retry_transaction
def create_api_token(*, name: str, role: str, actor: User | None) -> tuple[ApiToken, str]:
    """A system or agent identity named `name` (created if new) and a new key for it.

    Returns the token and the key; only the key's hash is stored, so the key is shown once.
    """
    _check_role(role)
    identity = User.objects.filter(username=name).first()
    if identity is None:
        identity = User(username=name, role=role, kind=IdentityKind.SYSTEM)
        identity.set_unusable_password()
        identity.save()
        acts.record(
            actor=actor,
            action="identity.created",
            subject=identity,
            summary="{} ({}, system)".format(name, role),
        )
    elif identity.kind != IdentityKind.SYSTEM:
        raise Conflict(
            "not_a_system_identity",
            _("'{name}' is a person; API tokens are for system and agent identities.").format(name=name),
            "name",
        )
    elif identity.role != role:
        raise Conflict(
            "role_mismatch",
            _(
                "The identity '{name}' already exists with the role {role}; a token carries its identity's "
                "role."
            ).format(name=name, role=identity.role),
            "role",
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        identity=identity, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key), created_by=actor
    )
    acts.record(
        actor=actor, action="api_token.created", subject=token, summary="{} {}…".format(name, token.prefix)
    )
    return token, key


@retry_transaction
def revoke_api_token(*, token: ApiToken, actor: User | None, reason: str) -> ApiToken:
    token = ApiToken.objects.select_for_update(no_key=True).get(pk=token.pk)
    if token.revoked_at is not None:
        raise Conflict("already_revoked", _("This token was already revoked."), "token")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    acts.record(actor=actor, action="api_token.revoked", subject=token, reason=reason)
    return token


@retry_transaction
def set_preferred_language(*, user: User, language: str, actor: User) -> User:
    """The language the screens speak to this person (empty: the browser's)."""
    from django.conf import settings

    if language and language not in dict(settings.LANGUAGES):
        raise DomainError(
            "unknown_language",
            _("'{language}' is not offered. Choose one of: {choices}.").format(
                language=language, choices=", ".join(code for code, _name in settings.LANGUAGES)
            ),
            "language",
        )
    before = user.preferred_language
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    acts.record(
        actor=actor,
        action="identity.language_set",
        subject=user,
        summary="{} → {}".format(before or "-", language or "-"),
    )
    return user


@retry_transaction
def change_role(*, user: User, role: str, actor: User, reason: str) -> User:
    """Give `user` another role, decided by an administrator who says why (audited: who, why, before, after).

    Nobody changes their own role: a promotion always takes a second administrator."""
    _check_role(role)
    if not (reason or "").strip():
        raise DomainError(
            "reason_required",
            _("Say why the role changes: the reason is kept on the audit trail."),
            "reason",
        )
    if actor.role != Role.ADMIN or not actor.is_active:
        raise DomainError(
            "permission_denied",
            _("Only an active administrator changes roles; {actor} is not one.").format(actor=actor.username),
            "actor",
        )
    if actor.pk == user.pk:
        raise DomainError(
            "own_role",
            _("Nobody changes their own role: ask another administrator."),
            "user",
        )
    user = User.objects.select_for_update(no_key=True).get(pk=user.pk)
    before = user.role
    if before == role:
        raise Conflict(
            "role_unchanged",
            _("{username} already has the role {role}.").format(username=user.username, role=role),
            "role",
        )
    user.role = role
    user.is_staff = role == Role.ADMIN
    user.save(update_fields=["role", "is_staff"])
    acts.record(
        actor=actor,
        action="identity.role_changed",
        subject=user,
        summary="{} → {}".format(before, role),
        reason=reason.strip(),
        data={"before": before, "after": role},
    )
    return user


@retry_transaction
def system_identity(*, name: str, role: str, actor: User | None) -> User:
    """The system identity `name` (created, and audited, the first time it is needed).

    Commands run from a shell act as one, so what they do stays attributable to a named identity."""
    _check_role(role)
    identity = User.objects.filter(username=name).first()
    if identity is None:
        identity = User(username=name, role=role, kind=IdentityKind.SYSTEM)
        identity.set_unusable_password()
        identity.save()
        acts.record(
            actor=actor,
            action="identity.created",
            subject=identity,
            summary="{} ({}, system)".format(name, role),
        )
    elif identity.kind != IdentityKind.SYSTEM or identity.role != role:
        raise Conflict(
            "not_a_system_identity",
            _("'{name}' exists but is not a system identity with the role {role}.").format(
                name=name, role=role
            ),
            "name",
        )
    return identity
