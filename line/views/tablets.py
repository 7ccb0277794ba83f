"""Binding tablets to stations (engineers, administrators) and revoking bindings."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from core.errors import DomainError
from core.htmx import HtmxHttpRequest, render_page
from core.permissions import requires
from line import selectors
from line.forms import BindTabletForm, RevokeTabletForm
from line.permissions import MANAGE_STATIONS
from line.services import stations as station_services
from line.views.screens import new_key
from line.views.tablet import binding_of, set_tablet_cookie


def _page(request: HtmxHttpRequest, form: BindTabletForm, *, errors=(), status: int = 200) -> HttpResponse:
    bindings = selectors.tablet_bindings()
    context = {
        "form": form,
        "errors": errors,
        "bindings": bindings,
        "this_binding": binding_of(request),
        "key": new_key(),
    }
    return render_page(request, "line/tablets.html", context, partial="tablet-bindings", status=status)


@requires(MANAGE_STATIONS)
def tablet_list(request: HtmxHttpRequest) -> HttpResponse:
    """Bind the device this page is opened on to a station (its cookie keeps the key), and list bindings."""
    if request.method != "POST":
        return _page(request, BindTabletForm())
    form = BindTabletForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    station = form.cleaned_data["station"]
    try:
        _binding, key = station_services.bind_tablet(
            station=station, name=form.cleaned_data["name"], actor=request.user
        )
    except DomainError as error:
        return _page(request, form, errors=error.errors, status=409 if error.status == 409 else 422)
    response = redirect("mes:tablet-list")
    set_tablet_cookie(response, key)
    return response


@requires(MANAGE_STATIONS)
def tablet_revoke(request: HtmxHttpRequest, binding_id: int) -> HttpResponse:
    """Revoke a binding: that tablet's key stops working at once."""
    binding = selectors.tablet_binding(binding_id)
    if binding is None:
        raise Http404
    if request.method != "POST":
        return redirect("mes:tablet-list")
    form = RevokeTabletForm(request.POST)
    if not form.is_valid():
        return _page(request, BindTabletForm(), status=422)
    try:
        station_services.revoke_tablet_binding(
            binding=binding, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        return _page(request, BindTabletForm(), errors=error.errors, status=409)
    return redirect("mes:tablet-list")
