"""Work orders: an order to build a quantity of a product to one released revision."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from line.choices import WorkOrderStatus


class WorkOrder(models.Model):
    """An order (usually from ERP) to build `quantity` units of `product` to `revision`.

    The revision is fixed when the order is created: named, or the one effective that day
    (`instructions.selectors.effective_revision`); never a draft (invariant 1). Its units
    are created with it, planned, with given or generated serials.
    """

    number = models.CharField(_("number"), max_length=64, unique=True)
    product = models.ForeignKey("instructions.Product", on_delete=models.PROTECT, related_name="work_orders")
    revision = models.ForeignKey(
        "instructions.Revision", on_delete=models.PROTECT, related_name="work_orders"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(
        _("status"), max_length=12, choices=WorkOrderStatus.choices, default=WorkOrderStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="work_order_quantity_positive"),
            models.CheckConstraint(
                condition=Q(status__in=WorkOrderStatus.values), name="work_order_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.number
