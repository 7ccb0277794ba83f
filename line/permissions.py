"""The line's permissions (app label "mes") and which roles hold them (granted when Django starts)."""

from core.choices import Role
from core.permissions import grant
from instructions.permissions import VIEW_RELEASED_MEDIA

VIEW_UNIT = "mes.view_unit"
START_UNIT = "mes.start_unit"
EXECUTE_STEP = "mes.execute_step"
MANAGE_WORK_ORDERS = "mes.manage_work_orders"
MANAGE_STATIONS = "mes.manage_stations"
GRANT_QUALIFICATION = "mes.grant_qualification"
VIEW_LOT = "mes.view_lot"
RECEIVE_LOT = "mes.receive_lot"
QUARANTINE_LOT = "mes.quarantine_lot"
DECIDE_ECO = "mes.decide_eco"

# An operator executing a step sees its released pictures and drawings.
grant(Role.OPERATOR, VIEW_UNIT, START_UNIT, EXECUTE_STEP, VIEW_LOT, VIEW_RELEASED_MEDIA)
grant(Role.INSPECTOR, VIEW_UNIT, VIEW_LOT, RECEIVE_LOT, QUARANTINE_LOT)
grant(
    Role.ENGINEER, VIEW_UNIT, VIEW_LOT, MANAGE_WORK_ORDERS, MANAGE_STATIONS, GRANT_QUALIFICATION, DECIDE_ECO
)
grant(
    Role.INTEGRATION,
    VIEW_UNIT,
    VIEW_LOT,
    RECEIVE_LOT,
    MANAGE_WORK_ORDERS,
    MANAGE_STATIONS,
    GRANT_QUALIFICATION,
)
