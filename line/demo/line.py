"""The demo line: stations, tools, qualifications, lots with GS1 labels, work orders.

Called by `seed_demo` after the releases are in. Each part checks what exists first,
so running it again changes nothing.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import User
from line.models import MaterialLot, QualificationGrant, Station, Tool, WorkOrder
from line.services.lots import quarantine_lot, receive_lot
from line.services.qualifications import grant_qualification
from line.services.stations import assign_stations, register_station
from line.services.tools import register_tool
from line.services.work_orders import create_work_order

STATIONS = [
    # code, work center, name, WIP limit
    ("ASSY-1-T1", "ASSY-1", "Assembly 1, tablet 1", 3),
    ("ASSY-1-T2", "ASSY-1", "Assembly 1, tablet 2", 3),
    ("TEST-1-T1", "TEST-1", "Final test bench", 2),
]

# part number, GTIN, lot code, quantity, supplier, expires in days (None = no expiry)
LOTS = [
    ("210-040", "09506000134369", "H2611-0107", Decimal("40"), "Alucast GmbH", None),
    ("300-550", "09506000134376", "S2610-2231", Decimal("2000"), "Fastenal EU", None),
    ("300-550", "09506000134376", "S2609-1180", Decimal("150"), "Fastenal EU", None),
    ("300-900", "09506000134383", "TL-44718", Decimal("250"), "Henkel", 180),
    (
        "300-900",
        "09506000134383",
        "TL-43902",
        Decimal("50"),
        "Henkel",
        -3,
    ),  # already expired: scans are refused
    ("400-120", "09506000134390", "WH-26-0311", Decimal("60"), "Cablecraft Ltd", None),
]
# code, name, gauge type, days until calibration is due (negative: overdue)
TOOLS = [
    ("TD-0.6", "Torque driver 0.6 N.m, #114", "torque driver", 120),
    ("TD-0.6-OLD", "Torque driver 0.6 N.m, #087", "torque driver", -10),
    ("IT-500", "Insulation tester 500 V", "insulation tester", 200),
]
QUARANTINED = ("S2609-1180", "Supplier notice SN-0442: thread gauge failures in this batch")
PCB_SERIALS = ["PCB-B-{:05d}".format(number) for number in range(1, 21)]
PCB_GTIN = "09506000134352"


def gs1_label(gtin: str, lot: str, *, expires_on=None, quantity=None, serial: bool = False) -> str:
    """The human-readable element string printed under the lot's barcode."""
    text = "(01){}({}){}".format(gtin, "21" if serial else "10", lot)
    if expires_on is not None:
        text += "(17){}".format(expires_on.strftime("%y%m%d"))
    if quantity is not None and not serial:
        text += "(30){}".format(int(quantity))
    return text


def seed_line(*, lines: list[str], password: str) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        for code, work_center, name, wip_limit in STATIONS:
            if not Station.objects.filter(code=code).exists():
                register_station(
                    code=code, work_center=work_center, name=name, wip_limit=wip_limit, actor=None
                )
        for username in ("olga", "omar"):
            user = User.objects.get(username=username)
            if QualificationGrant.objects.filter(user=user, qualification="ESD-1").exists():
                continue  # seeded before
            assign_stations(user=user, station_codes=[code for code, *_rest in STATIONS], actor=None)
            grant_qualification(
                user=user, qualification="ESD-1", actor=None, expires_on=today + timedelta(days=365)
            )
        for code, name, kind, due_in in TOOLS:
            if not Tool.objects.filter(code=code).exists():
                due = today + timedelta(days=due_in)
                register_tool(code=code, name=name, kind=kind, calibration_due=due, actor=None)

        labels = []
        for part_number, gtin, code, quantity, supplier, expires_in in LOTS:
            expires_on = today + timedelta(days=expires_in) if expires_in is not None else None
            if not MaterialLot.objects.filter(code=code).exists():
                receive_lot(
                    part_number=part_number,
                    lot=code,
                    quantity=quantity,
                    supplier=supplier,
                    expires_on=expires_on,
                    actor=None,
                )
            labels.append(
                "  {:<8} {:<12} {}".format(
                    part_number, code, gs1_label(gtin, code, expires_on=expires_on, quantity=quantity)
                )
            )
        for serial in PCB_SERIALS:
            if not MaterialLot.objects.filter(code=serial).exists():
                receive_lot(
                    part_number="200-010",
                    lot=serial,
                    quantity=1,
                    supplier="Circuitry AB",
                    revision="B",
                    actor=None,
                )
        labels.append(
            "  200-010  {} … {} {}".format(
                PCB_SERIALS[0], PCB_SERIALS[-1], gs1_label(PCB_GTIN, PCB_SERIALS[0], serial=True)
            )
        )

        quarantined = MaterialLot.objects.get(code=QUARANTINED[0])
        if quarantined.status != "quarantined":
            # Loaded by the demo itself, not by a person: no one is named as having done it.
            quarantine_lot(lot=quarantined, reason="{} (demo data)".format(QUARANTINED[1]), actor=None)

        for number, revision, units in (("WO-24017", "C", 8), ("WO-23990", "B", 2)):
            if not WorkOrder.objects.filter(number=number).exists():
                serials = None
                if revision == "B":
                    serials = ["PC-00{:03d}".format(n) for n in range(871, 871 + units)]
                create_work_order(
                    number=number,
                    part_number="100-200",
                    quantity=units,
                    revision=revision,
                    serials=serials,
                    actor=None,
                )
    lines.append("  stations: " + ", ".join(code for code, *_rest in STATIONS))
    lines.append(
        "  tools and gauges (scan the code): "
        + ", ".join("{} ({})".format(code, name) for code, name, _kind, _due_in in TOOLS)
        + "; TD-0.6-OLD is overdue for calibration"
    )
    lines.append("  work orders: WO-24017 (8 x 100-200 rev C), WO-23990 (2 x rev B)")
    lines.append("  lot labels (GS1; lot {} is quarantined, TL-43902 expired):".format(QUARANTINED[0]))
    lines.extend(labels)
