"""A released revision and everything in it. Written once by `accept_release`, never updated
except for the status move released → superseded (invariant 9)."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from instructions.choices import CharacteristicKind, InFlight, RevisionStatus, SignOff, Tracking
from instructions.models.products import Product

_SERIAL = re.compile(r"^(.*?)(\d+)$")


def split_serial(serial: str) -> tuple[str, int] | None:
    """'PC-01000' → ('PC-', 1000); None when the serial has no trailing number."""
    match = _SERIAL.match(serial)
    if match is None:
        return None
    return match.group(1), int(match.group(2))


class RevisionQuerySet(models.QuerySet):
    def executable(self) -> "RevisionQuerySet":
        """Revisions units may be built to: released or superseded, never drafts (invariant 1)."""
        return self.filter(status__in=[RevisionStatus.RELEASED, RevisionStatus.SUPERSEDED])


class Revision(models.Model):
    """One immutable revision of a product's mBOM and process, as PLM released it."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="revisions")
    revision = models.CharField(_("revision"), max_length=16)
    status = models.CharField(_("status"), max_length=12, choices=RevisionStatus.choices)
    release_id = models.CharField(_("release id"), max_length=100)
    released_at = models.DateTimeField(_("released at"))
    released_by = models.CharField(_("released by"), max_length=150)
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    in_flight = models.CharField(
        _("units in flight"), max_length=20, choices=InFlight.choices, default=InFlight.CONTINUE
    )
    serial_from = models.CharField(_("serial from"), max_length=64, blank=True)
    serial_to = models.CharField(_("serial to"), max_length=64, blank=True)
    date_from = models.DateField(_("effective from"), null=True, blank=True)
    date_to = models.DateField(_("effective to"), null=True, blank=True)
    document = models.JSONField(_("release document"))
    raw_document = models.BinaryField(_("raw document as received"))
    document_sha256 = models.CharField(_("SHA-256 of the raw document"), max_length=64)
    content_sha256 = models.CharField(_("SHA-256 of the canonical content"), max_length=64)
    extensions = models.JSONField(_("x- extension keys"), default=dict, blank=True)
    step_count = models.PositiveIntegerField(default=0)
    accepted_at = models.DateTimeField(_("accepted at"))
    accepted_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    objects = RevisionQuerySet.as_manager()

    class Meta:
        ordering = ["product", "accepted_at", "id"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "revision"],
                condition=~models.Q(status=RevisionStatus.DRAFT),
                name="revision_unique_per_product",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RevisionStatus.values), name="revision_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return "{} rev {}".format(self.product.part_number, self.revision)

    @property
    def is_released(self) -> bool:
        return self.status in (RevisionStatus.RELEASED, RevisionStatus.SUPERSEDED)

    @property
    def is_draft(self) -> bool:
        return self.status == RevisionStatus.DRAFT

    def covers(self, *, serial: str | None, on) -> bool:
        """Whether the effectivity includes this serial on this date (None = not checked)."""
        if on is not None:
            if self.date_from and on < self.date_from:
                return False
            if self.date_to and on > self.date_to:
                return False
        if serial is not None and (self.serial_from or self.serial_to):
            parsed = split_serial(serial)
            if parsed is None:
                return False
            prefix, number = parsed
            for bound, inside in (
                (self.serial_from, lambda n, b: n >= b),
                (self.serial_to, lambda n, b: n <= b),
            ):
                if not bound:
                    continue
                bound_parsed = split_serial(bound)
                if bound_parsed is None or bound_parsed[0] != prefix or not inside(number, bound_parsed[1]):
                    return False
        return True

    @property
    def effectivity(self) -> dict[str, str | None]:
        return {
            "serial_from": self.serial_from or None,
            "serial_to": self.serial_to or None,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }


class RevisionPart(models.Model):
    """A component as this revision lists it (part number, its revision, tracking)."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="parts")
    part_number = models.CharField(max_length=64)
    part_revision = models.CharField(max_length=16)
    name = models.CharField(max_length=200)
    uom = models.CharField(max_length=16)
    tracking = models.CharField(max_length=10, choices=Tracking.choices)
    gtin = models.CharField(max_length=14, blank=True)
    shelf_life_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["revision", "part_number"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "part_number"], name="revision_part_unique")
        ]

    def __str__(self) -> str:
        return "{} rev {}".format(self.part_number, self.part_revision)


class Operation(models.Model):
    """Work done at one work center: an ordered list of steps."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="operations")
    sequence = models.PositiveIntegerField()
    code = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    work_center = models.CharField(max_length=64)
    standard_minutes = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["revision", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "sequence"], name="operation_sequence_unique")
        ]

    def __str__(self) -> str:
        return "{} {}".format(self.code, self.title)


class Step(models.Model):
    """One operator screen. `position` is its place (1..N) in the whole revision's routing."""

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="steps")
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="steps")
    sequence = models.PositiveIntegerField()
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    instruction = models.TextField(blank=True)
    instruction_html = models.TextField(blank=True)
    tools = models.JSONField(default=list, blank=True)
    qualification = models.CharField(max_length=64, blank=True)
    signoff = models.CharField(max_length=20, choices=SignOff.choices, default=SignOff.OPERATOR)

    class Meta:
        ordering = ["revision", "position"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "sequence"], name="step_sequence_unique"),
            models.UniqueConstraint(fields=["revision", "position"], name="step_position_unique"),
        ]

    def __str__(self) -> str:
        return "{}.{} {}".format(
            self.operation.sequence if self.operation_id else "?", self.sequence, self.title
        )

    @property
    def needs_inspector(self) -> bool:
        return self.signoff == SignOff.OPERATOR_AND_INSPECTOR


class StepMedia(models.Model):
    """An image, video or PDF shown with a step, stored through Django's storage API."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="media")
    order = models.PositiveIntegerField(default=0)
    path = models.CharField(max_length=300)
    caption = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to="releases/", max_length=400)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    # Not stored: the printed revision (instructions.printing) sets the image as a data: URL, or "".
    embedded: str

    class Meta:
        ordering = ["step", "order"]

    def __str__(self) -> str:
        return self.path

    @property
    def kind(self) -> str:
        return self.content_type.split("/")[0] if not self.content_type.endswith("pdf") else "pdf"


class MaterialRequirement(models.Model):
    """A component the step consumes: part, quantity, allowed revisions and alternates."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveIntegerField(default=0)
    part_number = models.CharField(max_length=64)
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    allowed_revisions = models.JSONField(default=list)
    alternates = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["step", "order"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="material_quantity_positive")
        ]

    def __str__(self) -> str:
        return "{} x {}".format(self.quantity.normalize(), self.part_number)


class Characteristic(models.Model):
    """A variable (nominal and limits) or an attribute (pass/fail) to record at a step."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="characteristics")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="characteristics")
    order = models.PositiveIntegerField(default=0)
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=CharacteristicKind.choices)
    nominal = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True)
    lower = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True)
    upper = models.DecimalField(max_digits=20, decimal_places=8, null=True, blank=True)
    unit = models.CharField(max_length=32, blank=True)
    gauge = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["step", "order"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "code"], name="characteristic_code_unique")
        ]

    def __str__(self) -> str:
        return "{} {}".format(self.code, self.name)

    @property
    def is_variable(self) -> bool:
        return self.kind == CharacteristicKind.VARIABLE

    def in_tolerance(self, value) -> bool:
        if self.lower is not None and value < self.lower:
            return False
        if self.upper is not None and value > self.upper:
            return False
        return True
