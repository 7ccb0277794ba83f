"""Quality's tables. Import from here: `from quality.models import Ncr, NcrEvent`."""

from quality.models.ncrs import Ncr, NcrEvent

__all__ = ["Ncr", "NcrEvent"]
