"""Feedback to engineering, per revision: what the line found (reads only; nothing is written here).

- NCRs by step, characteristic, part and supplier, as Pareto tables and server-drawn SVG charts.
- First-pass yield per step: units that signed the step off once (never done again at that
  step), with no NCR at that step and no out-of-tolerance result, over units that did the step.
- Actual step times against standard minutes. A step's actual time is the time between the
  unit's previous sign-off (or its start, for the first step done) and this step's sign-off.
  The release gives standard minutes per operation; a step's standard is the operation's
  standard minutes divided evenly by the number of steps of that operation.
"""

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from instructions.models import Revision, Step
from line.models import StepResult, StepSignOff
from quality.models import Ncr


@dataclass(frozen=True)
class ParetoBar:
    label: str
    count: int
    cumulative_percent: float


@dataclass
class Pareto:
    title: str
    bars: list[ParetoBar]

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)

    @property
    def svg(self) -> SafeString:
        return pareto_svg(self)


@dataclass
class StepFigures:
    step: Step
    units_done: int = 0
    units_first_pass: int = 0
    ncrs: int = 0
    times_minutes: list[float] = field(default_factory=list)
    standard_minutes: Decimal | None = None

    @property
    def first_pass_yield(self) -> float | None:
        return round(100.0 * self.units_first_pass / self.units_done, 1) if self.units_done else None

    @property
    def median_minutes(self) -> float | None:
        return round(median(self.times_minutes), 1) if self.times_minutes else None

    @property
    def mean_minutes(self) -> float | None:
        return round(sum(self.times_minutes) / len(self.times_minutes), 1) if self.times_minutes else None

    @property
    def over_standard(self) -> bool:
        return (
            self.standard_minutes is not None
            and self.median_minutes is not None
            and self.median_minutes > float(self.standard_minutes)
        )


@dataclass
class RevisionFeedback:
    revision: Revision
    ncr_count: int
    paretos: list[Pareto]
    steps: list[StepFigures]


def _pareto(title: str, counter: Counter) -> Pareto:
    total = sum(counter.values())
    running = 0
    bars = []
    for label, count in sorted(counter.items(), key=lambda item: (-item[1], item[0])):
        running += count
        bars.append(ParetoBar(label=label, count=count, cumulative_percent=round(100.0 * running / total, 1)))
    return Pareto(title=title, bars=bars)


def revision_feedback(revision: Revision) -> RevisionFeedback:
    """Everything the line found about one revision: five queries whatever the volume."""
    steps = list(Step.objects.filter(revision=revision).select_related("operation").order_by("position"))
    per_operation = Counter(step.operation_id for step in steps)
    figures = {
        step.pk: StepFigures(
            step=step,
            standard_minutes=(step.operation.standard_minutes / per_operation[step.operation_id]).quantize(
                Decimal("0.1")
            )
            if step.operation.standard_minutes is not None
            else None,
        )
        for step in steps
    }
    ncrs = list(Ncr.objects.filter(revision=revision).select_related("step", "characteristic", "lot__part"))
    by_step: Counter[str] = Counter()
    by_characteristic: Counter[str] = Counter()
    by_part: Counter[str] = Counter()
    by_supplier: Counter[str] = Counter()
    ncr_steps: dict[int, set[int]] = defaultdict(set)
    for ncr in ncrs:
        by_step[
            "{}. {}".format(ncr.step.position, ncr.step.title) if ncr.step is not None else _("(no step)")
        ] += 1
        if ncr.characteristic is not None:
            by_characteristic["{} {}".format(ncr.characteristic.code, ncr.characteristic.name)] += 1
        if ncr.lot is not None:
            by_part[ncr.lot.part.part_number] += 1
            by_supplier[ncr.lot.supplier or _("(supplier unknown)")] += 1
        if ncr.step_id and ncr.unit_id:
            ncr_steps[ncr.step_id].add(ncr.unit_id)
            if ncr.step_id in figures:
                figures[ncr.step_id].ncrs += 1
    out_of_tolerance: dict[int, set[int]] = defaultdict(set)
    for unit_id, step_id in StepResult.objects.filter(
        step__revision=revision, in_tolerance=False
    ).values_list("unit_id", "step_id"):
        out_of_tolerance[step_id].add(unit_id)
    sign_offs = list(
        StepSignOff.objects.filter(step__revision=revision)
        .order_by("unit_id", "occurred_at", "id")
        .values_list("unit_id", "step_id", "attempt", "occurred_at", "unit__started_at")
    )
    done: dict[int, set[int]] = defaultdict(set)
    reworked: dict[int, set[int]] = defaultdict(set)
    previous_unit, previous_time = None, None
    for unit_id, step_id, _attempt, occurred_at, started_at in sign_offs:
        if unit_id != previous_unit:
            previous_unit, previous_time = unit_id, started_at
        # Reworked at this step: this unit signed this step off before (the step's own history,
        # not the stored attempt number, which older rows counted per unit).
        if unit_id in done[step_id]:
            reworked[step_id].add(unit_id)
        done[step_id].add(unit_id)
        if previous_time is not None and step_id in figures:
            figures[step_id].times_minutes.append((occurred_at - previous_time).total_seconds() / 60.0)
        previous_time = occurred_at
    for step_id, item in figures.items():
        units = done[step_id]
        item.units_done = len(units)
        item.units_first_pass = len(
            units - reworked[step_id] - ncr_steps[step_id] - out_of_tolerance[step_id]
        )
    paretos = [
        _pareto(_("NCRs by step"), by_step),
        _pareto(_("NCRs by characteristic"), by_characteristic),
        _pareto(_("NCRs by part"), by_part),
        _pareto(_("NCRs by supplier"), by_supplier),
    ]
    return RevisionFeedback(
        revision=revision, ncr_count=len(ncrs), paretos=paretos, steps=list(figures.values())
    )


def pareto_svg(pareto: Pareto, *, width: int = 520, bar_height: int = 22) -> SafeString:
    """A horizontal Pareto chart as inline SVG: bars by count, cumulative percent written beside each."""
    if not pareto.bars:
        return mark_safe('<p class="hint">{}</p>'.format(escape(_("No NCRs yet."))))
    label_width, count_width = 190, 90
    plot = width - label_width - count_width
    top = max(bar.count for bar in pareto.bars)
    height = bar_height * len(pareto.bars) + 8
    parts = [
        '<svg class="pareto" role="img" viewBox="0 0 {w} {h}" width="100%" xmlns="http://www.w3.org/2000/svg">'.format(
            w=width, h=height
        ),
        "<title>{}</title>".format(escape(pareto.title)),
    ]
    for index, bar in enumerate(pareto.bars):
        y = 4 + index * bar_height
        length = max(2, round(plot * bar.count / top))
        parts.append(
            '<text x="{x}" y="{y}" text-anchor="end" class="pareto-label">{label}</text>'.format(
                x=label_width - 6, y=y + bar_height - 8, label=escape(bar.label[:32])
            )
        )
        parts.append(
            '<rect x="{x}" y="{y}" width="{w}" height="{h}" class="pareto-bar" fill="#b42318"></rect>'.format(
                x=label_width, y=y + 3, w=length, h=bar_height - 6
            )
        )
        parts.append(
            '<text x="{x}" y="{y}" class="pareto-value">{count} · {cumulative}%</text>'.format(
                x=label_width + length + 6,
                y=y + bar_height - 8,
                count=bar.count,
                cumulative=bar.cumulative_percent,
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text node above is escaped


def feedback_csv(feedback: RevisionFeedback) -> str:
    """The same figures as CSV: one section per Pareto, then the per-step table."""
    out = io.StringIO()
    writer = csv.writer(out)
    revision = feedback.revision
    writer.writerow(["part_number", "revision", "ncrs"])
    writer.writerow([revision.product.part_number, revision.revision, feedback.ncr_count])
    for pareto in feedback.paretos:
        writer.writerow([])
        writer.writerow([pareto.title, "count", "cumulative_percent"])
        for bar in pareto.bars:
            writer.writerow([_csv_safe(bar.label), bar.count, bar.cumulative_percent])
    writer.writerow([])
    writer.writerow(
        [
            "step",
            "title",
            "units_done",
            "units_first_pass",
            "first_pass_yield_percent",
            "ncrs",
            "median_minutes",
            "mean_minutes",
            "standard_minutes",
        ]
    )
    for item in feedback.steps:
        writer.writerow(
            [
                item.step.position,
                _csv_safe(item.step.title),
                item.units_done,
                item.units_first_pass,
                "" if item.first_pass_yield is None else item.first_pass_yield,
                item.ncrs,
                "" if item.median_minutes is None else item.median_minutes,
                "" if item.mean_minutes is None else item.mean_minutes,
                "" if item.standard_minutes is None else item.standard_minutes,
            ]
        )
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: prefix them with a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
