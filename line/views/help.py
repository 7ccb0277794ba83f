"""The help board: calls from the stations that supervisors, quality, maintenance and material answer."""

from datetime import timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.htmx import HtmxHttpRequest, render_page
from core.permissions import requires
from line import selectors
from line.permissions import VIEW_UNIT
from line.services import stations as station_services


@requires(VIEW_UNIT)
def help_board(request: HtmxHttpRequest) -> HttpResponse:
    """Open calls, and those answered in the last 12 hours, newest first."""
    since = timezone.now() - timedelta(hours=12)
    calls = selectors.help_board_calls(since=since)
    return render_page(request, "line/help_board.html", {"calls": calls}, partial="help-calls")


@requires(VIEW_UNIT)
@require_POST
def help_answer(request: HtmxHttpRequest, call_id: int) -> HttpResponse:
    call = selectors.help_call(call_id)
    if call is None:
        raise Http404
    try:
        station_services.answer_help_call(call=call, actor=request.user)
    except DomainError:
        pass  # answered meanwhile by someone else: the board shows who
    return redirect("mes:help-board")
