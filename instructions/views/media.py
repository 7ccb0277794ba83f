"""Step media (images, video, PDF) streamed from Django storage with their stored content type."""

from django.http import FileResponse, Http404

from core.permissions import requires
from core.types import AuthenticatedHttpRequest
from instructions.permissions import PREVIEW_REVISION, VIEW_RELEASED_MEDIA, VIEW_REVISION
from instructions.selectors import step_media as select_step_media

# A release is untrusted input: an SVG may carry script. Served alone it may draw, never run.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _may_see(user, media) -> bool:
    """Engineers and inspectors see every revision's media; operators only those of revisions
    they can build (never a draft's)."""
    if user.has_perm(VIEW_REVISION) and (media.step.revision.is_released or user.has_perm(PREVIEW_REVISION)):
        return True
    return user.has_perm(VIEW_RELEASED_MEDIA) and media.step.revision.is_released


@requires()
def step_media(request: AuthenticatedHttpRequest, media_id: int) -> FileResponse:
    media = select_step_media(media_id)
    if media is None or not _may_see(request.user, media):
        raise Http404  # not visible and not found answer the same
    response = FileResponse(media.file.open("rb"), content_type=media.content_type)
    response["Content-Length"] = str(media.size)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400, immutable"  # content-addressed: never changes
    if media.content_type == "image/svg+xml":
        response["Content-Security-Policy"] = SVG_POLICY
    return response
