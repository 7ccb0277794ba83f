"""Quality's tables. Import from here: `from quality.models import Ncr, NcrEvent, Disposition`."""

from quality.models.dispositions import Disposition, DispositionLine
from quality.models.ncrs import Ncr, NcrEvent

__all__ = ["Disposition", "DispositionLine", "Ncr", "NcrEvent"]

# Tables whose rows are never updated or deleted (triggers installed by migration 0002).
APPEND_ONLY_TABLES = ["quality_ncrevent", "quality_disposition", "quality_dispositionline"]
