"""The operator's "report a problem" from the tablet step screen: what is wrong, optionally a photo."""

from django.http import Http404, HttpResponse
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import DomainError, NotFound
from core.htmx import HtmxHttpRequest, render_page
from core.permissions import requires
from instructions.selectors import step_of_revision
from line.access import get_unit_for_user
from line.views.station import help_keys
from line.views.tablet import tablet_of
from quality.forms import ReportProblemForm
from quality.permissions import RAISE_NCR
from quality.services import ncrs as ncr_services


@requires(RAISE_NCR)
def report_problem(request: HtmxHttpRequest, serial: str, step_id: int) -> HttpResponse:
    """GET: the form (a page, or the `report-problem` partial for htmx); POST: raise the NCR and hold the
    unit."""
    try:
        unit = get_unit_for_user(request.user, serial)
    except NotFound:
        raise Http404 from None
    step = step_of_revision(step_id, unit.revision_id)
    if step is None:
        raise Http404
    back = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    form = ReportProblemForm(request.POST or None, request.FILES or None)
    ncr = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                ncr = ncr_services.report_problem(
                    unit=unit,
                    step=step,
                    description=form.cleaned_data["description"],
                    actor=request.user,
                    station=unit.station,
                    photo=form.cleaned_data.get("photo"),
                )
                status = 201
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status
    # At a station tablet the page keeps the tablet's bar (operators, Help, idle timeout).
    tablet = tablet_of(request)
    context = {"unit": unit, "step": step, "form": form, "ncr": ncr, "next": back, "tablet": tablet}
    if tablet is not None:
        context["keys"] = help_keys()
    return render_page(
        request, "quality/report_problem.html", context, partial="report-problem", status=status
    )
