"""The inspector's queue of NCRs and raising one by hand."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from mes.core.errors import DomainError, NotFound
from mes.core.htmx import HtmxHttpRequest, render_page
from mes.core.permissions import RAISE_NCR, VIEW_NCR, requires
from mes.models import MaterialLot, Unit
from quality.forms import QueueFilterForm, RaiseNcrForm
from quality.selectors import ncr_queue
from quality.services import containment as containment_services
from quality.services import ncrs as ncr_services


@requires(VIEW_NCR)
def queue(request: HtmxHttpRequest) -> HttpResponse:
    """Open NCRs, oldest first, filtered by status, work center, product, revision and age."""
    form = QueueFilterForm(request.GET)
    screen = ncr_queue(form.filters())
    return render_page(request, "quality/ncr_queue.html", {"screen": screen, "form": form}, partial="ncr-list")


@requires(VIEW_NCR, RAISE_NCR)
def raise_by_hand(request: HtmxHttpRequest) -> HttpResponse:
    """An inspector raises an NCR on a unit (and step), or on a lot (optionally with containment)."""
    form = RaiseNcrForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            ncr = _raise(form.cleaned_data, actor=request.user)
        except DomainError as error:
            form.add_domain_error(error)
            status = error.status
        else:
            return redirect("quality:ncr-detail", ncr.pk)
    elif request.method == "POST":
        status = 400
    return render_page(request, "quality/ncr_new.html", {"form": form}, partial="ncr-new-form", status=status)


def _raise(data: dict, *, actor):
    from instructions.models import Step

    unit = lot = step = None
    if data.get("unit"):
        unit = Unit.objects.select_related("revision").filter(serial=data["unit"]).first()
        if unit is None:
            raise NotFound("unknown_unit", _("No unit {serial}.").format(serial=data["unit"]), "unit")
    if data.get("lot"):
        lot = MaterialLot.objects.select_related("part").filter(code=data["lot"]).first()
        if lot is None:
            raise NotFound("unknown_lot", _("No lot {lot}.").format(lot=data["lot"]), "lot")
    if data.get("step"):
        step = Step.objects.filter(pk=data["step"], revision_id=unit.revision_id if unit else None).first()
        if step is None:
            raise DomainError("step_not_in_revision", _("That step is not part of the unit's revision."), "step")
    if unit is None and lot is None:
        raise DomainError("unit_or_lot_required", _("Name the unit, the lot, or both."), "unit")
    if unit is None and data.get("contain"):
        return containment_services.contain_lot(lot=lot, description=data["description"], actor=actor).ncr
    return ncr_services.raise_ncr(unit=unit, step=step, lot=lot, description=data["description"], actor=actor,
                                  hold=unit is not None, quantity=lot.quantity_received if unit is None else None)
