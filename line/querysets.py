"""Querysets of the line: named filters the services, selectors and access functions share."""

from django.db import models

from line.choices import UNFINISHED_UNIT_STATUSES, WIP_UNIT_STATUSES


class StationQuerySet(models.QuerySet):
    def active(self) -> "StationQuerySet":
        return self.filter(is_active=True)


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user) -> "UnitQuerySet":
        """Every role that may view units sees every unit; object visibility is not restricted by station."""
        if not user.is_authenticated or not user.has_perm("mes.view_unit"):
            return self.none()
        return self

    def unfinished(self) -> "UnitQuerySet":
        return self.filter(status__in=UNFINISHED_UNIT_STATUSES)

    def in_progress_at(self, station) -> "UnitQuerySet":
        """Units counting against the station's work-in-progress limit (invariant 11): started or
        held here and still at a step of its work center. A unit whose next step is at another
        work center has left, though it keeps this station until it is worked at the next one."""
        return self.filter(
            station=station,
            status__in=WIP_UNIT_STATUSES,
            current_step__operation__work_center=station.work_center,
        )
