"""Registering stations, assigning operators to them, binding tablets, calling for help."""

import secrets

from django.contrib.auth.models import Permission
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core import acts
from core.contention import retry_transaction
from core.errors import Conflict, DomainError, NotFound, unique_or_conflict
from core.models import ApiToken, User
from instructions.models import Operation
from line import events
from line.choices import HELP_CALL_TRANSITIONS, HelpCallStatus, HelpKind
from line.models import HelpCall, Station, TabletBinding, Unit

WORK_AT_STATION = "mes.work_at_station"
TABLET_KEY_PREFIX = "tab_"


@retry_transaction
def register_station(
    *, code: str, work_center: str, actor: User | None, name: str = "", wip_limit: int | None = None
) -> Station:
    """A new station at a work center that releases name; refused if the code is taken."""
    code = (code or "").strip()
    work_center = (work_center or "").strip()
    if not code:
        raise DomainError("required", _("Give the station a code."), "code")
    if not work_center:
        raise DomainError("required", _("Name the station's work center."), "work_center")
    if wip_limit is not None and wip_limit < 1:
        raise DomainError(
            "invalid_wip_limit", _("A WIP limit is at least 1; leave it empty for no limit."), "wip_limit"
        )
    if Station.objects.filter(code=code).exists():
        raise Conflict("station_exists", _("Station {code} already exists.").format(code=code), "code")
    if not Operation.objects.filter(work_center=work_center).exists():
        raise DomainError(
            "unknown_work_center",
            _(
                "No released operation runs at work center '{work_center}': check the name against "
                "the releases."
            ).format(work_center=work_center),
            "work_center",
        )
    with unique_or_conflict(
        Conflict("station_exists", _("Station {code} already exists.").format(code=code), "code")
    ):
        station = Station.objects.create(
            code=code, work_center=work_center, name=name or "", wip_limit=wip_limit
        )
    acts.record(
        actor=actor,
        action="station.registered",
        subject=station,
        station=station.code,
        summary="{} at {}".format(code, work_center),
        data={"wip_limit": wip_limit},
    )
    return station


@retry_transaction
def update_station(
    *,
    station: Station,
    actor: User | None,
    name: str | None = None,
    wip_limit: int | None | bool = False,
    is_active: bool | None = None,
) -> Station:
    """Change a station's name, WIP limit (None = no limit) or active flag. `wip_limit=False` leaves it."""
    station = Station.objects.select_for_update(no_key=True).get(pk=station.pk)
    before = {"name": station.name, "wip_limit": station.wip_limit, "is_active": station.is_active}
    if name is not None:
        station.name = name
    if wip_limit is not False:
        if wip_limit is not None and wip_limit < 1:
            raise DomainError(
                "invalid_wip_limit", _("A WIP limit is at least 1; leave it empty for no limit."), "wip_limit"
            )
        station.wip_limit = wip_limit
    if is_active is not None:
        station.is_active = is_active
    station.save()
    acts.record(
        actor=actor,
        action="station.updated",
        subject=station,
        station=station.code,
        data={
            "before": before,
            "after": {"name": station.name, "wip_limit": station.wip_limit, "is_active": station.is_active},
        },
    )
    return station


def _stations_by_code(station_codes: list[str]) -> list[Station]:
    codes = list(dict.fromkeys(code.strip() for code in station_codes if code and code.strip()))
    found = {station.code: station for station in Station.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise NotFound(
            "unknown_station",
            _("No station {codes}: register it first (POST /api/v1/stations).").format(
                codes=", ".join(unknown)
            ),
            "station",
        )
    return [found[code] for code in codes]


@retry_transaction
def assign_stations(*, user: User, station_codes: list[str], actor: User | None) -> list[Station]:
    """Let the identity work at each named station (guardian `mes.work_at_station`). Already assigned
    is fine."""
    stations = _stations_by_code(station_codes)
    Permission.objects.get(
        content_type__app_label="mes", codename="work_at_station"
    )  # fail loudly if missing
    for station in stations:
        assign_perm(WORK_AT_STATION, user, station)
        acts.record(
            actor=actor,
            action="station.assigned",
            subject=station,
            station=station.code,
            summary="{} may work at {}".format(user.username, station.code),
            data={"user": user.username},
        )
    return stations


@retry_transaction
def unassign_station(*, user: User, station: Station, actor: User | None) -> None:
    """Take back the identity's right to work at the station."""
    remove_perm(WORK_AT_STATION, user, station)
    acts.record(
        actor=actor,
        action="station.unassigned",
        subject=station,
        station=station.code,
        summary="{} may no longer work at {}".format(user.username, station.code),
        data={"user": user.username},
    )


@retry_transaction
def bind_tablet(*, station: Station, name: str, actor: User) -> tuple[TabletBinding, str]:
    """Bind a tablet to the station for good; returns the binding and its key (shown once, stored hashed)."""
    if not station.is_active:
        raise Conflict(
            "station_inactive",
            _("Station {code} is inactive: activate it first.").format(code=station.code),
            "station",
        )
    key = TABLET_KEY_PREFIX + secrets.token_urlsafe(32)
    binding = TabletBinding.objects.create(
        station=station,
        name=name or station.code,
        prefix=key[:10],
        key_hash=ApiToken.hash_key(key),
        bound_by=actor,
    )
    acts.record(
        actor=actor, action="tablet.bound", subject=binding, station=station.code, summary=binding.name
    )
    return binding, key


def tablet_for_key(key: str) -> TabletBinding | None:
    """The active binding of a tablet key (read, no write)."""
    if not key:
        return None
    return (
        TabletBinding.objects.select_related("station")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, station__is_active=True)
        .first()
    )


@retry_transaction
def revoke_tablet_binding(*, binding: TabletBinding, actor: User, reason: str) -> TabletBinding:
    binding = TabletBinding.objects.select_for_update(no_key=True).get(pk=binding.pk)
    if binding.revoked_at is not None:
        raise Conflict("already_revoked", _("This tablet binding was already revoked."), "binding")
    binding.revoked_at = timezone.now()
    binding.save(update_fields=["revoked_at"])
    acts.record(
        actor=actor, action="tablet.unbound", subject=binding, station=binding.station.code, reason=reason
    )
    return binding


def _tablet_label(tablet: TabletBinding) -> str:
    return "tablet:{}".format(tablet.name)[:150]


@retry_transaction
def call_help(
    *,
    station: Station,
    kind: str,
    actor: User | None,
    unit: Unit | None = None,
    step=None,
    note: str = "",
    tablet: TabletBinding | None = None,
) -> HelpCall:
    """Call a supervisor, quality, maintenance or material to the station (an event others see).

    Without an actor (nobody signed in at the tablet yet) the call names the tablet it came from."""
    if actor is None and tablet is None:
        raise DomainError("help_caller_unknown", _("Sign in, or call from a station tablet."), "actor")
    if kind not in HelpKind.values:
        raise DomainError(
            "invalid_help_kind", _("Call one of: {kinds}.").format(kinds=", ".join(HelpKind.values)), "kind"
        )
    if actor is None:
        # Nobody signed in carries no idempotency key: a second tap while the first call is still
        # open is the same call (exactly once, invariant 8), not a second one.
        Station.objects.select_for_update().filter(pk=station.pk).first()
        open_call = HelpCall.objects.filter(
            station=station, kind=kind, raised_by=None, status=HelpCallStatus.OPEN
        ).first()
        if open_call is not None:
            return open_call
    call = HelpCall.objects.create(
        station=station,
        unit=unit,
        step=step,
        kind=kind,
        note=note[:300],
        raised_by=actor,
        raised_from=tablet.name if tablet is not None else "",
    )
    acts.record(
        actor=actor,
        actor_label=_tablet_label(tablet) if actor is None and tablet is not None else None,
        action="help.called",
        subject=call,
        station=station.code,
        summary=kind,
        event=acts.Event(
            events.HELP_CALLED,
            "station:{}".format(station.code),
            {
                "id": call.pk,
                "station": station.code,
                "kind": kind,
                "unit": unit.serial if unit else None,
                "step": step.pk if step is not None else None,
                "note": call.note,
                "tablet": call.raised_from or None,
            },
        ),
    )
    return call


@retry_transaction
def answer_help_call(*, call: HelpCall, actor: User) -> HelpCall:
    call = HelpCall.objects.select_for_update(no_key=True).select_related("station").get(pk=call.pk)
    if HelpCallStatus.ANSWERED not in HELP_CALL_TRANSITIONS[call.status]:
        raise Conflict("already_answered", _("This call was already answered."), "call")
    call.status = HelpCallStatus.ANSWERED
    call.answered_at = timezone.now()
    call.answered_by = actor
    call.save(update_fields=["status", "answered_at", "answered_by"])
    acts.record(
        actor=actor, action="help.answered", subject=call, station=call.station.code, summary=call.kind
    )
    return call
