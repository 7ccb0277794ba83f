"""Object access for the line: look things up for an identity, one condition per line.

Not visible and not found answer the same (404). Station work rights come from guardian's
object permission `mes.work_at_station`, stored in the direct-FK table
`StationUserObjectPermission` (read here with one query) or through a group.
"""

from django.utils.translation import gettext as _

from core.errors import NotFound
from line.models import (
    MaterialLot,
    Station,
    StationGroupObjectPermission,
    StationUserObjectPermission,
    Unit,
)

WORK_AT_STATION = "work_at_station"


def can_work_at(user, station: Station) -> bool:
    """Whether the identity is assigned to the station (guardian object permission)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if StationUserObjectPermission.objects.filter(
        user=user, content_object=station, permission__codename=WORK_AT_STATION
    ).exists():
        return True
    return StationGroupObjectPermission.objects.filter(
        group__user=user, content_object=station, permission__codename=WORK_AT_STATION
    ).exists()


def get_unit_for_user(user, serial: str) -> Unit:
    unit = (
        Unit.objects.visible_to(user)
        .select_related("revision__product", "station", "work_order")
        .filter(serial=serial)
        .first()
    )
    if unit is None:
        raise NotFound("unknown_unit", _("No unit with serial '{serial}'.").format(serial=serial), "serial")
    return unit


def get_station(code: str) -> Station:
    station = Station.objects.filter(code=code).first()
    if station is None:
        raise NotFound(
            "unknown_station",
            _("No station '{code}'. Register it first, or check the code.").format(code=code),
            "station",
        )
    return station


def get_lot(code: str) -> MaterialLot:
    lot = MaterialLot.objects.select_related("part").filter(code=code).first()
    if lot is None:
        raise NotFound("unknown_lot", _("No lot '{lot}' has been received.").format(lot=code), "lot")
    return lot
