"""The line's tables. Import models from here: `from mes.models import Unit, MaterialLot, ...`."""

from mes.models.eco import EcoDecision, EcoDecisionKind
from mes.models.execution import Consumption, ScanRefusal, StepResult, StepSignOff, ToolScan
from mes.models.holds import Hold
from mes.models.lots import LotEvent, MaterialLot
from mes.models.stations import (
    HelpCall,
    QualificationGrant,
    Station,
    StationGroupObjectPermission,
    StationUserObjectPermission,
    TabletBinding,
    Tool,
)
from mes.models.units import Unit, UnitEvent
from mes.models.work_orders import WorkOrder

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
