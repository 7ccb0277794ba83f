"""Shaping an NCR's context for people, shared by the NCR screen and its report PDF.

- `history_rows`: one line per recorded act. Each act writes one history row (`core.acts`): an
  act that moves the NCR's status (raising, review, disposition, closing) says the move on its
  own row (`before` → `after`), so the line reads "Dispositioned: In review → Dispositioned".
- `name_rework_steps`: the steps a rework line sends the unit back to, as "3. Fasten PCB".
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quality.models import NcrEvent


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
    """The NCR's recorded acts, one line each, as written: no merging, no timing rule."""
    return [
        HistoryRow(
            event=event,
            status=event.after,
            status_label=_status_label(event.after) if event.after else "",
            before_label=_status_label(event.before) if event.after and event.before else "",
        )
        for event in events
    ]


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
