"""A stored revision's content, read from the database once per process.

What a release defines (operations, steps, material requirements, characteristics, media,
the part list) never changes once stored: the import writes it in one transaction and the
database refuses any later UPDATE (migration `0002_revision_content_immutable`). So the
line, which reads the same step on every scan, result and screen, reads it from here: one
set of queries the first time a process meets a step, none after.

Entries are keyed by primary key and bounded (least recently used goes first). Only rows
read outside an uncommitted import are ever seen here, so a key never names other content;
`clear()` exists for the test runner, whose rolled-back transactions let SQLite reuse ids.
"""

import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from instructions.models import Characteristic, MaterialRequirement, RevisionPart, Step, StepMedia

MAX_STEPS = 4096
MAX_REVISIONS = 256


@dataclass(frozen=True)
class StepContent:
    """One step as released: the step (with its operation), what it consumes and what it measures.

    `step.materials.all()` and `step.characteristics.all()` answer from these tuples without a
    query. The instances are shared by every request of the process: read them, never change them.
    """

    step: Step
    requirements: tuple[MaterialRequirement, ...]
    characteristics: tuple[Characteristic, ...]

    def characteristic(self, code: str) -> Characteristic | None:
        return next((item for item in self.characteristics if item.code == code), None)


class _Bounded:
    """A small thread-safe LRU map that never stores a miss (a row may be committed later)."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, load: Callable[[], Any]):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = load()
        if value is not None:
            with self.lock:
                self.items[key] = value
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
        return value

    def peek(self, key):
        """The stored value, or None: never loads."""
        with self.lock:
            return self.items.get(key)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_steps = _Bounded(MAX_STEPS)
_media = _Bounded(MAX_STEPS)
_parts = _Bounded(MAX_REVISIONS)
_routings = _Bounded(MAX_REVISIONS)


def _prefetched(instance, name: str, items: tuple) -> None:
    """Hand already-read rows to `instance.<name>.all()`, as prefetch_related would."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = list(items)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


def _load_step(step_id: int) -> StepContent | None:
    step = Step.objects.select_related("operation").filter(pk=step_id).first()
    if step is None:
        return None
    requirements = tuple(MaterialRequirement.objects.filter(step_id=step_id).order_by("order"))
    characteristics = tuple(Characteristic.objects.filter(step_id=step_id).order_by("order"))
    _prefetched(step, "materials", requirements)
    _prefetched(step, "characteristics", characteristics)
    return StepContent(step=step, requirements=requirements, characteristics=characteristics)


def step_content(step_id: int | None) -> StepContent | None:
    """The step's released content, or None when no such step exists."""
    if step_id is None:
        return None
    return _steps.get(int(step_id), lambda: _load_step(int(step_id)))


def step_media(step_id: int) -> tuple[StepMedia, ...]:
    """The step's images, videos and PDFs in order (read only where the whole screen is drawn)."""
    return _media.get(
        int(step_id), lambda: tuple(StepMedia.objects.filter(step_id=step_id).order_by("order"))
    )


def revision_parts(revision_id: int) -> dict[str, RevisionPart]:
    """The revision's part list by part number (name, uom, tracking and revision as released).

    Asked only for the revision of a stored unit, so an empty list is that revision's answer."""
    return _parts.get(
        int(revision_id),
        lambda: {part.part_number: part for part in RevisionPart.objects.filter(revision_id=revision_id)},
    )


def step_after(revision_id: int, position: int) -> Step | None:
    """The step (with its operation) that follows position `position` in the revision's routing;
    None after the last.

    The revision's (position, step id) pairs in order are read once per revision and process;
    the step itself comes from the released content when this process has met it, else from
    its row alone."""
    routing = _routings.get(
        int(revision_id),
        lambda: (
            tuple(
                Step.objects.filter(revision_id=revision_id)
                .order_by("position")
                .values_list("position", "pk")
            )
            or None
        ),  # no steps: no such stored revision (yet); never remembered
    )
    if routing is None:
        return None
    index = bisect_right(routing, (position, float("inf")))
    if index == len(routing):
        return None
    step_id = routing[index][1]
    known = _steps.peek(step_id)
    if known is not None:
        return known.step
    return Step.objects.select_related("operation").get(pk=step_id)


def clear() -> None:
    """Forget everything (tests: a rolled-back transaction lets SQLite give the same id to new content)."""
    _steps.clear()
    _media.clear()
    _parts.clear()
    _routings.clear()
