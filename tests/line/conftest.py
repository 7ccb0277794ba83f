"""The line's fixture graph: released 100-200 rev C, a station at ASSY-1, lots, tools and a work order.

Rev C: step 1 "Place PCB in housing" needs 1 x 200-010 (serial-tracked, rev B) and ESD-1;
step 2 "Fasten PCB" needs 4 x 300-550 and 0.2 ML of 300-900, TQ1 (0.55..0.65 N.m, torque
driver) and VIS1 (pass/fail), tool TD-0.6, and an inspector's countersignature.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from line.models import MaterialLot, Station, Tool, Unit, WorkOrder
from line.services import lots as lot_services
from line.services import qualifications as qualification_services
from line.services import stations as station_services
from line.services import tools as tool_services
from line.services import work_orders as work_order_services
from tests.conftest import PASSWORD

GS = "\x1d"
PCB_GTIN = "09506000134352"


@dataclass
class Line:
    station: Station
    work_order: WorkOrder
    units: list[Unit]
    pcb_serials: list[MaterialLot]
    screws: MaterialLot
    locker: MaterialLot
    driver: Tool
    gauge: Tool
    step1: object
    step2: object

    @property
    def unit(self) -> Unit:
        return self.units[0]


def today():
    return timezone.localdate()


@pytest.fixture
def line(released_c, engineer, operator, inspector, agent):
    station = station_services.register_station(
        code="ST-1", work_center="ASSY-1", name="Assembly 1", wip_limit=2, actor=engineer
    )
    station_services.assign_stations(user=operator, station_codes=["ST-1"], actor=engineer)
    station_services.assign_stations(user=agent, station_codes=["ST-1"], actor=engineer)
    qualification_services.grant_qualification(user=operator, qualification="ESD-1", actor=engineer)
    qualification_services.grant_qualification(user=agent, qualification="ESD-1", actor=engineer)
    work_order = work_order_services.create_work_order(
        number="WO-1", part_number="100-200", quantity=3, actor=engineer
    )
    pcbs = [
        lot_services.receive_lot(
            part_number="200-010", lot="PCB-{:04d}".format(number), quantity=1, actor=engineer
        )
        for number in range(1, 4)
    ]
    screws = lot_services.receive_lot(
        part_number="300-550", lot="SCR-1", quantity=100, actor=engineer, supplier="Acme"
    )
    locker = lot_services.receive_lot(
        part_number="300-900",
        lot="TL-1",
        quantity=10,
        actor=engineer,
        expires_on=today() + timedelta(days=30),
    )
    driver, _created = tool_services.register_tool(
        code="TD-0.6", name="Torque driver 0.6", actor=engineer, calibration_due=today() + timedelta(days=90)
    )
    gauge, _created = tool_services.register_tool(
        code="G-TQ-1",
        name="Torque gauge",
        kind="torque driver",
        actor=engineer,
        calibration_due=today() + timedelta(days=90),
    )
    steps = list(released_c.steps.order_by("position"))
    return Line(
        station=station,
        work_order=work_order,
        units=list(work_order.units.order_by("serial")),
        pcb_serials=pcbs,
        screws=screws,
        locker=locker,
        driver=driver,
        gauge=gauge,
        step1=steps[0],
        step2=steps[1],
    )


@pytest.fixture
def started(line, operator):
    """The first unit, started at ST-1 by the operator."""
    from line.services import units as unit_services

    unit_services.start_unit(unit=line.unit, actor=operator, station=line.station)
    line.unit.refresh_from_db()
    return line


@pytest.fixture
def at_step2(started, operator):
    """The first unit with step 1 done: the PCB scanned and the step signed off."""
    from line.services import scans
    from line.services import units as unit_services

    scans.record_scan(
        unit=started.unit, step=started.step1, barcode="PCB-0001", actor=operator, station=started.station
    )
    unit_services.sign_off_step(
        unit=started.unit, step=started.step1, actor=operator, station=started.station
    )
    started.unit.refresh_from_db()
    return started


def countersignature(inspector):
    from line.services.units import Countersignature

    return Countersignature(username=inspector.username, password=PASSWORD)


def remaining(lot: MaterialLot) -> Decimal:
    return MaterialLot.objects.get(pk=lot.pk).quantity_remaining
