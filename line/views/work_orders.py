"""Work orders on the desk (engineers, administrators): the list with each order's progress, a new
order, and one order's units. The API creates them the same way (`line.services.work_orders`)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.htmx import HtmxHttpRequest, render_page
from core.permissions import requires
from line import selectors
from line.choices import WorkOrderStatus
from line.forms import WorkOrderForm
from line.permissions import MANAGE_WORK_ORDERS
from line.services import work_orders as work_order_services
from line.views.screens import new_key

PAGE_SIZE = 50
STATUS_FILTERS = [*WorkOrderStatus.choices, ("all", _("All"))]


def _list_page(request: HtmxHttpRequest, form: WorkOrderForm, *, status: int = 200) -> HttpResponse:
    shown = request.GET.get("status") or WorkOrderStatus.OPEN
    if shown not in dict(STATUS_FILTERS):
        shown = WorkOrderStatus.OPEN
    page = Paginator(selectors.work_orders_shown(shown), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "shown": shown,
        "filters": STATUS_FILTERS,
        "products": selectors.product_choices(),
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
    found = selectors.work_order_with_units(number)
    if found is None:
        raise Http404
    work_order, units = found
    return render_page(request, "line/work_order.html", {"work_order": work_order, "units": units})
