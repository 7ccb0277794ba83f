"""Quality's permissions and which roles hold them (granted when Django starts)."""

from core.choices import Role
from core.permissions import grant

VIEW_NCR = "quality.view_ncr"
RAISE_NCR = "quality.raise_ncr"
DISPOSITION_NCR = "quality.disposition_ncr"
VIEW_FEEDBACK = "quality.view_feedback"

grant(Role.OPERATOR, RAISE_NCR)
grant(Role.INSPECTOR, VIEW_NCR, RAISE_NCR, DISPOSITION_NCR, VIEW_FEEDBACK)
grant(Role.ENGINEER, VIEW_NCR, VIEW_FEEDBACK)
grant(Role.INTEGRATION, VIEW_NCR, RAISE_NCR)
