"""The inspector's queue of NCRs and raising one by hand."""

from django.http import HttpResponse
from django.shortcuts import redirect

from core.errors import DomainError
from core.htmx import HtmxHttpRequest, render_page
from core.permissions import requires
from quality.forms import QueueFilterForm, RaiseNcrForm
from quality.permissions import RAISE_NCR, VIEW_NCR
from quality.selectors import ncr_queue
from quality.services import ncrs as ncr_services


@requires(VIEW_NCR)
def queue(request: HtmxHttpRequest) -> HttpResponse:
    """Open NCRs, oldest first, filtered by status, work center, product, revision and age."""
    form = QueueFilterForm(request.GET)
    screen = ncr_queue(form.filters())
    return render_page(
        request, "quality/ncr_queue.html", {"screen": screen, "form": form}, partial="ncr-list"
    )


@requires(VIEW_NCR, RAISE_NCR)
def raise_by_hand(request: HtmxHttpRequest) -> HttpResponse:
    """An inspector raises an NCR on a unit (and step), or on a lot (optionally with containment)."""
    form = RaiseNcrForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            ncr = ncr_services.raise_by_hand(
                unit=data.get("unit"),
                step=data.get("step"),
                lot=data.get("lot"),
                contain=bool(data.get("contain")),
                description=data["description"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
            status = error.status
        else:
            return redirect("quality:ncr-detail", ncr.pk)
    elif request.method == "POST":
        status = 400
    return render_page(request, "quality/ncr_new.html", {"form": form}, partial="ncr-new-form", status=status)
