"""Creating work orders and their planned units (serials given or generated)."""

import re

from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from core import acts
from core.contention import retry_transaction
from core.errors import Conflict, DomainError, NotFound, unique_or_conflict
from core.models import User
from instructions.choices import RevisionStatus
from instructions.models import Product, Revision
from instructions.models.revisions import split_serial
from instructions.selectors import effective_revision
from line import events
from line.choices import UnitEventKind
from line.models import Unit, UnitEvent, WorkOrder

MAX_QUANTITY = 10_000
_SERIAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")


def _revision_for(product: Product, revision_code: str | None) -> Revision:
    if revision_code:
        revision = (
            Revision.objects.select_related("product")
            .filter(product=product, revision=revision_code)
            .exclude(status="draft")
            .first()
        )
        if revision is None:
            draft = Revision.objects.filter(product=product, revision=revision_code).exists()
            raise DomainError(
                "revision_not_released" if draft else "unknown_revision",
                (
                    _("Revision {revision} of {part} is a draft: units are built only to released revisions.")
                    if draft
                    else _("{part} has no released revision {revision}.")
                ).format(revision=revision_code, part=product.part_number),
                "revision",
            )
        if not revision.is_released:  # pragma: no cover - drafts are excluded above
            raise DomainError(
                "revision_not_released",
                _("Revision {revision} is not released.").format(revision=revision_code),
                "revision",
            )
        return revision
    revision = effective_revision(product.part_number)
    if revision is None:
        raise DomainError(
            "no_effective_revision",
            _(
                "No released revision of {part} is effective today: name the revision, or ask "
                "engineering to release one."
            ).format(part=product.part_number),
            "revision",
        )
    return revision


def _generated_serials(*, revision: Revision, number: str, quantity: int) -> list[str]:
    """Next free serials of the revision's effectivity prefix (PC-01000 → PC-01000, PC-01001, …),
    or `<work order>-001…` when the effectivity names no serials."""
    start = split_serial(revision.serial_from) if revision.serial_from else None
    if start is None:
        width = max(3, len(str(quantity)))
        return ["{}-{}".format(number, str(index).zfill(width)) for index in range(1, quantity + 1)]
    prefix, first = start
    width = len(revision.serial_from) - len(prefix)
    # The highest number already taken after this prefix, found by the database (one row, however
    # many units exist); numbers of up to 18 digits, as a serial's counter is.
    highest = Unit.objects.filter(serial__regex=r"^{}[0-9]{{1,18}}$".format(re.escape(prefix))).aggregate(
        highest=Max(Cast(Substr("serial", len(prefix) + 1), BigIntegerField()))
    )["highest"]
    next_number = max(first - 1, highest if highest is not None else first - 1) + 1
    return ["{}{}".format(prefix, str(next_number + offset).zfill(width)) for offset in range(quantity)]


@retry_transaction
def create_work_order(
    *,
    number: str,
    part_number: str,
    quantity: int,
    actor: User | None,
    revision: str | None = None,
    serials: list[str] | None = None,
) -> WorkOrder:
    """A work order with its planned units. Without `revision`, the revision effective today;
    never a draft (invariant 1). Given serials must be new and inside the revision's effectivity."""
    number = (number or "").strip()
    if not number:
        raise DomainError("required", _("Give the work order a number."), "number")
    if not isinstance(quantity, int) or quantity < 1 or quantity > MAX_QUANTITY:
        raise DomainError(
            "invalid_quantity",
            _("The quantity is a whole number from 1 to {max}.").format(max=MAX_QUANTITY),
            "quantity",
        )
    product = Product.objects.filter(part_number=part_number).first()
    if product is None:
        raise NotFound(
            "unknown_product",
            _("No product {part} has been released.").format(part=part_number),
            "part_number",
        )
    # One work order of a product at a time: generated serials never race each other.
    product = Product.objects.select_for_update(no_key=True).get(pk=product.pk)
    if WorkOrder.objects.filter(number=number).exists():
        raise Conflict(
            "work_order_exists", _("Work order {number} already exists.").format(number=number), "number"
        )
    chosen = _revision_for(product, revision)
    if serials:
        serials = [serial.strip() for serial in serials]
        if len(serials) != quantity:
            raise DomainError(
                "serial_count_mismatch",
                _("Give exactly {quantity} serials, one per unit.").format(quantity=quantity),
                "serials",
            )
        for index, serial in enumerate(serials):
            if not _SERIAL.match(serial):
                raise DomainError(
                    "invalid_serial",
                    _("'{serial}' is not a valid serial (letters, digits, . _ / -).").format(serial=serial),
                    "serials/{}".format(index),
                )
            if serials.index(serial) != index:
                raise DomainError(
                    "duplicate_serial",
                    _("Serial {serial} is listed twice.").format(serial=serial),
                    "serials/{}".format(index),
                )
    else:
        serials = _generated_serials(revision=chosen, number=number, quantity=quantity)
    for index, serial in enumerate(serials):
        if not chosen.covers(serial=serial, on=None):
            raise DomainError(
                "serial_outside_effectivity",
                _(
                    "Serial {serial} is outside the effectivity of {part} rev {revision} ({start}–{end})."
                ).format(
                    serial=serial,
                    part=product.part_number,
                    revision=chosen.revision,
                    start=chosen.serial_from or "…",
                    end=chosen.serial_to or "…",
                ),
                "serials/{}".format(index),
            )
    if chosen.status == RevisionStatus.SUPERSEDED:
        # Building to a superseded revision is allowed only for serials no newer revision covers.
        for index, serial in enumerate(serials):
            effective = effective_revision(product.part_number, serial=serial)
            if effective is not None and effective.pk != chosen.pk:
                raise DomainError(
                    "revision_superseded",
                    _(
                        "Revision {revision} is superseded by revision {newer} for serial {serial}: build "
                        "it to rev {newer}, or give serials that only rev {revision} covers."
                    ).format(revision=chosen.revision, newer=effective.revision, serial=serial),
                    "serials/{}".format(index),
                )
    taken = sorted(Unit.objects.filter(serial__in=serials).values_list("serial", flat=True))
    if taken:
        raise Conflict(
            "serial_taken",
            _("Serial {serial} already belongs to another unit.").format(serial=taken[0]),
            "serials",
        )
    with unique_or_conflict(
        Conflict(
            "work_order_exists", _("Work order {number} already exists.").format(number=number), "number"
        )
    ):
        work_order = WorkOrder.objects.create(
            number=number, product=product, revision=chosen, quantity=quantity, created_by=actor
        )
    now = timezone.now()
    with unique_or_conflict(
        Conflict(
            "serial_taken",
            _("A serial of this work order was just given to another unit: send it again."),
            "serials",
        )
    ):
        units = Unit.objects.bulk_create(
            [
                Unit(serial=serial, work_order=work_order, revision=chosen, created_at=now)
                for serial in serials
            ]
        )
    if any(unit.pk is None for unit in units):  # backends without RETURNING
        units = list(Unit.objects.filter(work_order=work_order))
    UnitEvent.objects.bulk_create(
        [
            UnitEvent(
                unit=unit,
                kind=UnitEventKind.CREATED,
                after="planned",
                actor=actor,
                data={"work_order": number},
            )
            for unit in units
        ]
    )
    acts.record(
        actor=actor,
        action="work_order.created",
        subject=work_order,
        summary="{} {} x {} rev {}".format(number, quantity, product.part_number, chosen.revision),
        data={"revision_id": chosen.pk, "serials": serials},
        event=acts.Event(
            events.WORK_ORDER_CREATED,
            "work_order:{}".format(number),
            {
                "number": number,
                "part_number": product.part_number,
                "revision": {"id": chosen.pk, "revision": chosen.revision},
                "quantity": quantity,
                "serials": serials,
            },
        ),
    )
    return work_order
