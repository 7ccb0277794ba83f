"""Object access for quality records: not visible and not found answer the same (404)."""

from django.http import Http404

from quality.models import Ncr
from quality.permissions import VIEW_NCR


def get_ncr_for_user(user, ncr_id: int) -> Ncr:
    """Any identity holding `quality.view_ncr` sees every NCR of the plant; others see none."""
    if not user.has_perm(VIEW_NCR):
        raise Http404
    ncr = Ncr.objects.select_related("unit", "lot", "step").filter(pk=ncr_id).first()
    if ncr is None:
        raise Http404
    return ncr
