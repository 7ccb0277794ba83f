"""Shaping an NCR's context for people, shared by the NCR screen and its report PDF.

- `history_rows`: one line per act. A disposition (or containment, or the raising) moves the
  NCR's status in the same transaction, and the service writes the act and the status change as
  two events; shown as two lines ("Dispositioned", "Status changed → dispositioned") they read
  as two acts. A status event that follows its act at once is folded into the act's line, which
  then says the move: "Dispositioned: In review → Dispositioned".
- `name_rework_steps`: the steps a rework line sends the unit back to, as "3. Fasten PCB".
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from quality.choices import NcrEventKind

if TYPE_CHECKING:
    from quality.models import NcrEvent

# A status change written by the same act follows it within the same transaction.
SAME_ACT = timedelta(seconds=5)
ACTS_THAT_MOVE_STATUS = (NcrEventKind.RAISED, NcrEventKind.DISPOSITION, NcrEventKind.CONTAINMENT)


@dataclass
class HistoryRow:
    event: "NcrEvent"  # the act's event
    status: str = ""  # the status the act moved the NCR to ("" when it did not move it)
    status_label: str = ""
    before_label: str = ""  # the status it moved from ("" for the raising)

    @property
    def occurred_at(self):
        return self.event.occurred_at


def _status_label(value: str) -> str:
    from quality.choices import NcrStatus

    try:
        return str(NcrStatus(value).label)
    except ValueError:
        return value


def history_rows(events) -> list[HistoryRow]:
    rows: list[HistoryRow] = []
    for event in events:
        previous = rows[-1] if rows else None
        if (
            event.kind == NcrEventKind.STATUS
            and previous is not None
            and previous.event.kind in ACTS_THAT_MOVE_STATUS
            and abs(event.occurred_at - previous.event.occurred_at) <= SAME_ACT
            and (not previous.status or previous.status == event.after)
        ):
            previous.status, previous.status_label = event.after, _status_label(event.after)
            previous.before_label = _status_label(event.before) if event.before else ""
            continue
        label = _status_label(event.after) if event.after else ""
        before = _status_label(event.before) if event.after and event.before else ""
        rows.append(HistoryRow(event=event, status=event.after, status_label=label, before_label=before))
    return rows


@dataclass(frozen=True)
class ReworkStep:
    position: int
    title: str

    def __str__(self) -> str:
        return "{}. {}".format(self.position, self.title)


def name_rework_steps(context) -> None:
    """Give each disposition line `named_steps`: the steps its rework names, in position order."""
    if context.disposition is None:
        return
    steps = {step.pk: step for step in context.revision_steps}
    for line in context.disposition.lines:
        found = [steps[step_id] for step_id in line.rework_steps or () if step_id in steps]
        found.sort(key=lambda step: step.position)
        line.named_steps = [ReworkStep(position=step.position, title=step.title) for step in found]
