"""Every step fits: every step of every demo revision (`manage.py seed_demo`), opened on a tablet at
1280x800 and 800x1280, offers each control the step needs, what is still needed and the sign-off
where a finger reaches them (see fit.js for the precise rule: no inner panel to scroll, in view by
the page's own scroll and not under the pinned sign-off bar), with glove-sized targets and step
text of at least 28 px."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from core.models import User
from instructions import content
from instructions.choices import CharacteristicKind
from line.management.commands.seed_demo import DEMO_PASSWORD
from line.models import MaterialLot, Station, Tool, Unit, WorkOrder
from line.services import results as result_services
from line.services import scans as scan_services
from line.services import tools as tool_services
from line.services import units as unit_services
from tests.browser.test_operator_flow import bind

FIT_JS = (Path(__file__).parent / "fit.js").read_text()
VIEWPORTS = [{"width": 1280, "height": 800}, {"width": 800, "height": 1280}]


def _lot_for(requirement) -> MaterialLot:
    """A usable lot for the requirement: the demo's, or (rev B wants PCBs of rev A, which the demo
    does not stock) one received here."""
    from django.utils import timezone

    from line.services import lots as lot_services

    today = timezone.localdate()
    lots = MaterialLot.objects.filter(
        part__part_number=requirement.part_number,
        status="available",
        part_revision__in=requirement.allowed_revisions,
    ).order_by("code")
    for lot in lots:
        if lot.quantity_remaining >= requirement.quantity and (
            lot.expires_on is None or lot.expires_on >= today
        ):
            return lot
    return lot_services.receive_lot(
        part_number=requirement.part_number,
        lot="FIT-{}-{}".format(requirement.part_number, requirement.allowed_revisions[0]),
        quantity=requirement.quantity,
        revision=requirement.allowed_revisions[0],
        actor=None,
    )


def complete_step(unit: Unit, *, operator: User, station: Station) -> None:
    """Record everything the unit's current step needs, through the services, and sign it off."""
    step = unit.current_step
    released = content.step_content(step.pk)
    for requirement in released.requirements:
        lot = _lot_for(requirement)
        scan_services.record_scan(unit=unit, step=step, barcode=lot.code, actor=operator, station=station)
    for code in step.tools or []:
        tool_services.record_tool_scan(unit=unit, step=step, barcode=code, actor=operator, station=station)
    for characteristic in released.characteristics:
        gauge = None
        if characteristic.gauge:
            gauge = next(
                tool.code for tool in Tool.objects.order_by("code") if tool.fits_gauge(characteristic.gauge)
            )
        if characteristic.kind == CharacteristicKind.VARIABLE:
            value = characteristic.nominal
            if value is None:
                value = (characteristic.lower + characteristic.upper) / 2
            result_services.record_result(
                unit=unit,
                step=step,
                characteristic_code=characteristic.code,
                actor=operator,
                station=station,
                value=str(value),
                gauge=gauge,
            )
        else:
            result_services.record_result(
                unit=unit,
                step=step,
                characteristic_code=characteristic.code,
                actor=operator,
                station=station,
                passed=True,
                gauge=gauge,
            )
    countersigner = None
    if step.needs_inspector:
        countersigner = unit_services.Countersignature(username="ines", password=DEMO_PASSWORD)
    unit_services.sign_off_step(
        unit=unit, step=step, actor=operator, station=station, countersigner=countersigner
    )


@pytest.mark.browser
def test_every_step_of_every_demo_revision_fits_a_tablet_in_both_orientations(page, live_server, sign_in):
    call_command("seed_demo", stdout=StringIO())
    operator, engineer = User.objects.get(username="olga"), User.objects.get(username="erik")
    stations = {
        "ASSY-1": Station.objects.get(code="ASSY-1-T1"),
        "TEST-1": Station.objects.get(code="TEST-1-T1"),
    }
    sign_in(page, operator, password=DEMO_PASSWORD)
    bound = None
    problems, seen = [], []
    for revision in ("C", "B"):
        unit = WorkOrder.objects.get(revision__revision=revision).units.order_by("serial").first()
        unit_services.start_unit(unit=unit, actor=operator, station=stations["ASSY-1"])
        unit = unit_services.with_current_step(Unit.objects.get(pk=unit.pk))
        while unit.current_step is not None:
            step = unit.current_step
            station = stations[step.operation.work_center]
            if bound != station:
                bind(page, station, engineer, live_server)
                bound = station
            for viewport in VIEWPORTS:
                page.set_viewport_size(viewport)
                page.goto("/line/units/{}/".format(unit.serial))
                page.wait_for_selector("#step-work")
                page.wait_for_load_state("networkidle")
                fit = page.evaluate(FIT_JS)
                where = "rev {} step {} '{}' at {}x{}".format(
                    revision, step.position, step.title, viewport["width"], viewport["height"]
                )
                seen.append(where)
                assert fit["signOff"], where
                assert len(fit["controls"]) >= 3, (where, fit["controls"])  # scan field, its button, sign-off
                for key in ("unreachable", "inPanels", "small"):
                    if fit[key]:
                        problems.append("{}: {} {}".format(where, key, fit[key]))
                if fit["step"] < 28 or not fit["instructionShown"]:
                    problems.append(
                        "{}: step text {} px, shown {}".format(where, fit["step"], fit["instructionShown"])
                    )
                if fit["sideways"]:
                    problems.append("{}: scrolls sideways".format(where))
                side_by_side = viewport["width"] > viewport["height"]
                if side_by_side and page.locator("[data-instruction-toggle]").is_visible():
                    # its own column shows the whole instruction: a toggle there offers nothing
                    problems.append("{}: instruction toggle shown beside the instruction".format(where))
            complete_step(unit, operator=operator, station=station)
            unit = unit_services.with_current_step(Unit.objects.get(pk=unit.pk))
    # every step of both revisions was opened, in both orientations
    assert len(seen) == 2 * 2 * 6, seen
    assert problems == [], "\n".join(problems)
