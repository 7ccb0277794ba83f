"""Feedback to engineering beside a revision: Pareto charts, first-pass yield, step times, CSV."""

from django.http import Http404, HttpResponse

from core.htmx import HtmxHttpRequest, render_page
from core.permissions import requires
from instructions.models import Revision
from instructions.selectors import revision_with_product
from quality.permissions import VIEW_FEEDBACK
from quality.services.feedback import feedback_csv, revision_feedback


def _revision(revision_id: int) -> Revision:
    revision = revision_with_product(revision_id)
    if revision is None:
        raise Http404
    return revision


@requires(VIEW_FEEDBACK)
def revision_feedback_view(request: HtmxHttpRequest, revision_id: int) -> HttpResponse:
    feedback = revision_feedback(_revision(revision_id))
    return render_page(request, "quality/revision_feedback.html", {"feedback": feedback})


@requires(VIEW_FEEDBACK)
def revision_feedback_export(request: HtmxHttpRequest, revision_id: int) -> HttpResponse:
    revision = _revision(revision_id)
    response = HttpResponse(feedback_csv(revision_feedback(revision)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="feedback-{}-{}.csv"'.format(
        revision.product.part_number, revision.revision
    )
    return response
