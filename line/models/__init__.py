"""The line's tables. Import models from here: `from line.models import Unit, MaterialLot, ...`."""

from line.models.eco import EcoDecision, EcoDecisionKind
from line.models.execution import Consumption, ScanRefusal, StepResult, StepSignOff, ToolScan
from line.models.holds import Hold
from line.models.lots import LotEvent, MaterialLot
from line.models.stations import (
    HelpCall,
    QualificationGrant,
    Station,
    StationGroupObjectPermission,
    StationUserObjectPermission,
    TabletBinding,
    Tool,
)
from line.models.units import Unit, UnitEvent
from line.models.work_orders import WorkOrder

__all__ = [
    "Consumption",
    "EcoDecision",
    "EcoDecisionKind",
    "HelpCall",
    "Hold",
    "LotEvent",
    "MaterialLot",
    "QualificationGrant",
    "ScanRefusal",
    "Station",
    "StationGroupObjectPermission",
    "StationUserObjectPermission",
    "StepResult",
    "StepSignOff",
    "TabletBinding",
    "Tool",
    "ToolScan",
    "Unit",
    "UnitEvent",
    "WorkOrder",
]
