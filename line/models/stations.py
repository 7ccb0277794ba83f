"""Stations (tablet places at a work center), their operators, tablet bindings, tools and qualifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from line.choices import HelpCallStatus, HelpKind
from line.querysets import StationQuerySet


class Station(models.Model):
    """A place on the line where a tablet stands, at one work center named by releases.

    Operators may work only at stations they are assigned to: the guardian object
    permission `mes.work_at_station` (assigned by `services.stations.assign_stations`).
    `wip_limit` caps the units in progress or on hold started here (invariant 11); None = no limit.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    work_center = models.CharField(_("work center"), max_length=64, db_index=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    wip_limit = models.PositiveIntegerField(_("work-in-progress limit"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = StationQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        permissions = [
            ("work_at_station", "Can work at this station"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(wip_limit__isnull=True) | Q(wip_limit__gte=1), name="station_wip_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return "{} ({})".format(self.code, self.work_center)

    @property
    def label(self) -> str:
        return self.name or self.code


class StationUserObjectPermission(UserObjectPermissionBase):
    """Guardian's direct-FK table for per-station user permissions (faster than the generic one)."""

    content_object = models.ForeignKey(Station, on_delete=models.CASCADE)


class StationGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's direct-FK table for per-station group permissions."""

    content_object = models.ForeignKey(Station, on_delete=models.CASCADE)


class TabletBinding(models.Model):
    """A long-lived binding of one tablet (a device key kept in its cookie) to a station.

    Bound once by an engineer or admin; only the SHA-256 of the key is stored.
    """

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="tablet_bindings")
    name = models.CharField(_("tablet name"), max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    bound_at = models.DateTimeField(default=timezone.now)
    bound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tablet binding")
        verbose_name_plural = _("tablet bindings")

    def __str__(self) -> str:
        return "{} → {}".format(self.name, self.station.code)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Tool(models.Model):
    """A tool or gauge a step may require (scanned by its code). Past `calibration_due` it is refused."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    kind = models.CharField(
        _("gauge type"),
        max_length=100,
        blank=True,
        help_text=_("The gauge type a characteristic may name (e.g. 'torque driver'); empty = any."),
    )
    calibration_due = models.DateField(_("calibration due"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("tool")
        verbose_name_plural = _("tools")

    def __str__(self) -> str:
        return self.code

    def is_calibrated(self, on) -> bool:
        """Usable on that date: no calibration date, or the date not yet passed."""
        return self.calibration_due is None or on <= self.calibration_due

    def fits_gauge(self, gauge: str) -> bool:
        """Whether this tool may serve as the gauge type a characteristic names."""
        if not gauge or not self.kind:
            return True
        return self.kind.strip().casefold() == gauge.strip().casefold()


class QualificationGrant(models.Model):
    """A qualification (e.g. 'ESD-1') held by a person or identity, until `expires_on` (None = no end)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qualifications"
    )
    qualification = models.CharField(_("qualification"), max_length=64)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "qualification"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "qualification"], name="qualification_once_per_user"),
        ]

    def __str__(self) -> str:
        return "{} {}".format(self.user_id, self.qualification)

    def is_valid(self, on) -> bool:
        return self.expires_on is None or on <= self.expires_on


class HelpCall(models.Model):
    """A call for help from a station (supervisor, quality, maintenance, material), seen by others."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="help_calls")
    unit = models.ForeignKey(
        "mes.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="help_calls"
    )
    step = models.ForeignKey(
        "instructions.Step", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=HelpKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=HelpCallStatus.choices, default=HelpCallStatus.OPEN
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    # Empty for a call from a tablet where nobody is signed in yet (the Help button of the sign-in
    # screen): the station and the tablet (`raised_from`) are then who and where.
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_from = models.CharField(_("raised from (tablet)"), max_length=100, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("help call")
        verbose_name_plural = _("help calls")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HelpKind.values), name="help_call_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=HelpCallStatus.values), name="help_call_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return "{} {} {}".format(self.station_id, self.kind, self.status)
