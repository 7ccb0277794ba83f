"""The instructions app's permissions and which roles hold them (granted when Django starts)."""

from core.choices import Role
from core.permissions import grant

VIEW_REVISION = "instructions.view_revision"
PREVIEW_REVISION = "instructions.preview_revision"
IMPORT_RELEASE = "instructions.import_release"
# A step's pictures and drawings at the line: whoever executes steps (granted by the line) or
# reads revisions may see the media of a released revision.
VIEW_RELEASED_MEDIA = "instructions.view_released_media"

grant(Role.INSPECTOR, VIEW_REVISION, PREVIEW_REVISION, VIEW_RELEASED_MEDIA)
grant(Role.ENGINEER, VIEW_REVISION, PREVIEW_REVISION, IMPORT_RELEASE, VIEW_RELEASED_MEDIA)
grant(Role.INTEGRATION, VIEW_REVISION, IMPORT_RELEASE, VIEW_RELEASED_MEDIA)
