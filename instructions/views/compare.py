"""Compare revisions: what changed between two revisions of a product, step by step."""

from django.http import HttpResponse

from core.htmx import render_page
from core.permissions import requires
from core.types import AuthenticatedHttpRequest
from instructions.compare import compare, snapshot_of
from instructions.forms import CompareForm
from instructions.permissions import VIEW_REVISION
from instructions.selectors import revision_choices, revisions_in_full


@requires(VIEW_REVISION)
def revision_compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    revisions = revision_choices()
    form = CompareForm(request.GET or None, revisions=revisions)
    comparison = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            old_id, new_id = form.cleaned_data["old"].pk, form.cleaned_data["new"].pk
            loaded = revisions_in_full(old_id, new_id)
            comparison = compare(snapshot_of(loaded[old_id]), snapshot_of(loaded[new_id]))
        else:
            status = 422
    return render_page(
        request,
        "instructions/compare.html",
        {"form": form, "comparison": comparison},
        partial="compare-screen",
        status=status,
    )
