"""Work orders on the desk (engineers, administrators): the list with each order's progress, a new
order, and one order's units. The API creates them the same way (`line.services.work_orders`)."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.htmx import HtmxHttpRequest, render_page
from core.permissions import requires
from instructions.models import Product
from line.choices import UnitStatus, WorkOrderStatus
from line.forms import WorkOrderForm
from line.models import WorkOrder
from line.permissions import MANAGE_WORK_ORDERS
from line.services import work_orders as work_order_services
from line.views.screens import new_key

PAGE_SIZE = 50
STATUS_FILTERS = [*WorkOrderStatus.choices, ("all", _("All"))]


def _with_progress():
    """Work orders with product and revision, each counting its units by status (one query)."""
    return (
        WorkOrder.objects.select_related("product", "revision", "created_by")
        .defer("revision__document", "revision__raw_document")
        .annotate(
            units_planned=Count("units", filter=Q(units__status=UnitStatus.PLANNED)),
            units_in_work=Count("units", filter=Q(units__status=UnitStatus.IN_PROGRESS)),
            units_on_hold=Count("units", filter=Q(units__status=UnitStatus.ON_HOLD)),
            units_completed=Count("units", filter=Q(units__status=UnitStatus.COMPLETED)),
            units_scrapped=Count("units", filter=Q(units__status=UnitStatus.SCRAPPED)),
        )
    )


def _list_page(request: HtmxHttpRequest, form: WorkOrderForm, *, status: int = 200) -> HttpResponse:
    shown = request.GET.get("status") or WorkOrderStatus.OPEN
    if shown not in dict(STATUS_FILTERS):
        shown = WorkOrderStatus.OPEN
    orders = _with_progress().order_by("-created_at", "-id")
    if shown != "all":
        orders = orders.filter(status=shown)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "shown": shown,
        "filters": STATUS_FILTERS,
        "products": Product.objects.order_by("part_number").values_list("part_number", "name"),
        "key": new_key(),
    }
    return render_page(request, "line/work_orders.html", context, partial="work-order-list", status=status)


@requires(MANAGE_WORK_ORDERS)
def work_order_list(request: HtmxHttpRequest) -> HttpResponse:
    """The work orders (open ones first shown) with their units' progress; POST: a new order."""
    if request.method != "POST":
        return _list_page(request, WorkOrderForm())
    form = WorkOrderForm(request.POST)
    if not form.is_valid():
        return _list_page(request, form, status=422)
    data = form.cleaned_data
    try:
        work_order = work_order_services.create_work_order(
            number=data["number"],
            part_number=data["part_number"].strip(),
            quantity=data["quantity"],
            revision=(data["revision"] or "").strip() or None,
            serials=data["serials"],
            actor=request.user,
        )
    except DomainError as error:
        for detail in error.errors:
            field = detail.path.split("/")[0] if detail.path else None
            form.add_error(field if field in form.fields else None, detail.message)
        return _list_page(request, form, status=error.status if error.status in (404, 409) else 422)
    return redirect("mes:work-order-detail", work_order.number)


@requires(MANAGE_WORK_ORDERS)
def work_order_detail(request: HtmxHttpRequest, number: str) -> HttpResponse:
    """One work order: its revision and each unit's status, station and current step."""
    work_order = _with_progress().filter(number=number).first()
    if work_order is None:
        raise Http404
    units = work_order.units.select_related("station", "current_step").order_by("serial")
    return render_page(request, "line/work_order.html", {"work_order": work_order, "units": units})
