"""What changed between two revisions of a product, step by step. Pure functions.

A revision is first turned into a plain snapshot (`snapshot_of`, from a revision loaded
with `selectors.revisions_in_full`); `compare(old, new)` then works on snapshots only,
so it is tested without a database.

Steps are matched across revisions by operation code + step title; steps left over are
matched by position. A matched step is "moved" when its order relative to the other
matched steps changed (the longest run of steps kept in order stays put), so inserting one
step does not flag every later step as moved.
"""

import bisect
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _number(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    text = format(Decimal(str(value)).normalize(), "f")
    return text


@dataclass(frozen=True)
class MaterialSnapshot:
    part_number: str
    quantity: Decimal
    allowed_revisions: tuple[str, ...] = ()
    alternates: tuple[str, ...] = ()


@dataclass(frozen=True)
class CharacteristicSnapshot:
    code: str
    name: str
    kind: str
    nominal: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None
    unit: str = ""
    gauge: str = ""


@dataclass(frozen=True)
class StepSnapshot:
    operation_code: str
    title: str
    position: int
    sequence: int = 0
    instruction: str = ""
    materials: tuple[MaterialSnapshot, ...] = ()
    characteristics: tuple[CharacteristicSnapshot, ...] = ()
    tools: tuple[str, ...] = ()
    qualification: str = ""
    signoff: str = "operator"

    @property
    def key(self) -> tuple[str, str]:
        return (self.operation_code, self.title)


@dataclass(frozen=True)
class OperationSnapshot:
    code: str
    title: str
    sequence: int
    work_center: str
    standard_minutes: Decimal | None = None


@dataclass(frozen=True)
class PartSnapshot:
    part_number: str
    revision: str
    name: str = ""


@dataclass(frozen=True)
class RevisionSnapshot:
    label: str
    operations: tuple[OperationSnapshot, ...]
    steps: tuple[StepSnapshot, ...]
    parts: tuple[PartSnapshot, ...] = ()


@dataclass(frozen=True)
class FieldChange:
    field: str  # a stable word: quantity, allowed_revisions, lower, work_center, ...
    old: str
    new: str


@dataclass(frozen=True)
class ItemChange:
    """A material, characteristic, tool, operation or part: added, removed or changed."""

    kind: str  # added | removed | changed
    key: str
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class StepChange:
    kind: str  # added | removed | changed | unchanged
    old: StepSnapshot | None
    new: StepSnapshot | None
    moved: bool = False
    matched_by: str = ""  # title | position | ""
    fields: tuple[FieldChange, ...] = ()  # title, operation, qualification, signoff
    instruction_diff: SafeString | None = None
    materials: tuple[ItemChange, ...] = ()
    characteristics: tuple[ItemChange, ...] = ()
    tools: tuple[ItemChange, ...] = ()

    @property
    def css(self) -> str:
        if self.kind in ("added", "removed"):
            return "change-" + self.kind
        if self.kind == "changed":
            return "change-changed"
        return "change-moved" if self.moved else ""

    @property
    def is_unchanged(self) -> bool:
        return self.kind == "unchanged" and not self.moved


class StepDifferences(TypedDict):
    """What differs between two matched steps: the keyword arguments of a StepChange."""

    fields: tuple[FieldChange, ...]
    instruction_diff: SafeString | None
    materials: tuple[ItemChange, ...]
    characteristics: tuple[ItemChange, ...]
    tools: tuple[ItemChange, ...]


@dataclass(frozen=True)
class Comparison:
    old: RevisionSnapshot
    new: RevisionSnapshot
    steps: tuple[StepChange, ...]
    operations: tuple[ItemChange, ...] = ()
    parts: tuple[ItemChange, ...] = ()
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return bool(self.operations or self.parts or any(not step.is_unchanged for step in self.steps))


# --- Snapshots ------------------------------------------------------------------------------


def snapshot_of(revision) -> RevisionSnapshot:
    """A revision loaded with its operations → steps → materials/characteristics prefetched, and parts."""
    operations: list[OperationSnapshot] = []
    steps: list[StepSnapshot] = []
    for operation in revision.operations.all():
        operations.append(
            OperationSnapshot(
                code=operation.code,
                title=operation.title,
                sequence=operation.sequence,
                work_center=operation.work_center,
                standard_minutes=operation.standard_minutes,
            )
        )
        for step in operation.steps.all():
            steps.append(
                StepSnapshot(
                    operation_code=operation.code,
                    title=step.title,
                    position=step.position,
                    sequence=step.sequence,
                    instruction=step.instruction,
                    materials=tuple(
                        MaterialSnapshot(
                            part_number=material.part_number,
                            quantity=material.quantity,
                            allowed_revisions=tuple(material.allowed_revisions),
                            alternates=tuple(material.alternates),
                        )
                        for material in step.materials.all()
                    ),
                    characteristics=tuple(
                        CharacteristicSnapshot(
                            code=characteristic.code,
                            name=characteristic.name,
                            kind=characteristic.kind,
                            nominal=characteristic.nominal,
                            lower=characteristic.lower,
                            upper=characteristic.upper,
                            unit=characteristic.unit,
                            gauge=characteristic.gauge,
                        )
                        for characteristic in step.characteristics.all()
                    ),
                    tools=tuple(step.tools),
                    qualification=step.qualification,
                    signoff=step.signoff,
                )
            )
    parts = tuple(
        PartSnapshot(part_number=part.part_number, revision=part.part_revision, name=part.name)
        for part in revision.parts.all()
    )
    label = "{} rev {}".format(revision.product.part_number, revision.revision)
    return RevisionSnapshot(
        label=label,
        operations=tuple(operations),
        steps=tuple(sorted(steps, key=lambda s: s.position)),
        parts=parts,
    )


# --- Text -----------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def _changed_regions(old_tokens: list[str], new_tokens: list[str]):
    """Opcodes with each run of changes taken whole: an equal run of whitespace alone between two
    changes belongs to the change ("screws<del>. Torque</del><ins> and torque</ins>"), so the
    words of one change are not cut apart and shown glued to the next."""
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    opcodes = matcher.get_opcodes()
    merged: list[list] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        only_space = tag == "equal" and all(token.isspace() for token in old_tokens[i1:i2])
        between_changes = 0 < index < len(opcodes) - 1
        if merged and merged[-1][0] != "equal" and (tag != "equal" or (only_space and between_changes)):
            merged[-1][2], merged[-1][4] = i2, j2
            merged[-1][0] = "replace"
        else:
            merged.append([tag, i1, i2, j1, j2])
    for region in merged:  # a region that took no words from one side is a plain insert or delete
        tag, i1, i2, j1, j2 = region
        if tag == "replace" and i1 == i2:
            region[0] = "insert"
        elif tag == "replace" and j1 == j2:
            region[0] = "delete"
    return merged


def word_diff(old: str, new: str) -> SafeString:
    """A word-level diff as HTML: removed words in <del>, added words in <ins>, all text escaped.

    Whitespace is kept: a change's leading and trailing whitespace stays outside the marks, and a
    removed run and the added run that replaces it are parted by a space when both end and start
    in a word, so "the" → "all" reads "<del>the</del> <ins>all</ins>", never "theall"."""
    old_tokens = _TOKEN.findall(old or "")
    new_tokens = _TOKEN.findall(new or "")
    out: list[str] = []
    for tag, i1, i2, j1, j2 in _changed_regions(old_tokens, new_tokens):
        if tag == "equal":
            out.append(escape("".join(old_tokens[i1:i2])))
            continue
        removed = "".join(old_tokens[i1:i2])
        added = "".join(new_tokens[j1:j2])
        # whitespace both sides begin or end with is shared text, shown once outside the marks
        lead = _common_space(removed, added, leading=True)
        trail = _common_space(removed[len(lead) :], added[len(lead) :], leading=False)
        removed = removed[len(lead) : len(removed) - len(trail)]
        added = added[len(lead) : len(added) - len(trail)]
        out.append(escape(lead))
        if removed:
            out.append("<del>{}</del>".format(escape(removed)))
        if (
            removed
            and added
            and not removed[-1].isspace()
            and not added[0].isspace()
            and (removed[-1].isalnum() and added[0].isalnum())
        ):
            out.append(" ")
        if added:
            out.append("<ins>{}</ins>".format(escape(added)))
        out.append(escape(trail))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above is escaped


def _common_space(first: str, second: str, *, leading: bool) -> str:
    """The whitespace both strings start (or end) with."""
    if not first or not second:
        return ""
    pick = (
        (lambda text: text[: len(text) - len(text.lstrip())])
        if leading
        else (lambda text: text[len(text.rstrip()) :])
    )
    a, b = pick(first), pick(second)
    return a if a == b else ""


# --- Items ----------------------------------------------------------------------------------


def _fields(old: object, new: object, names: Sequence[str], show=str) -> tuple[FieldChange, ...]:
    changes = []
    for name in names:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(FieldChange(field=name, old=show(before), new=show(after)))
    return tuple(changes)


def _show(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, (Decimal, float, int)) and not isinstance(value, bool):
        return _number(value)
    if isinstance(value, tuple):
        return ", ".join(value) if value else "—"
    return str(value) if value != "" else "—"


def _items(old: Iterable, new: Iterable, key, names: Sequence[str]) -> tuple[ItemChange, ...]:
    """Added, removed and changed items, matched by `key`, in the new order then removed ones."""
    old_by_key = {key(item): item for item in old}
    new_by_key = {key(item): item for item in new}
    changes: list[ItemChange] = []
    for item_key, item in new_by_key.items():
        before = old_by_key.get(item_key)
        if before is None:
            changes.append(ItemChange(kind="added", key=item_key))
            continue
        fields = _fields(before, item, names, _show)
        if fields:
            changes.append(ItemChange(kind="changed", key=item_key, changes=fields))
    for item_key in old_by_key:
        if item_key not in new_by_key:
            changes.append(ItemChange(kind="removed", key=item_key))
    return tuple(changes)


def _tools(old: Sequence[str], new: Sequence[str]) -> tuple[ItemChange, ...]:
    return tuple(
        [ItemChange(kind="added", key=tool) for tool in new if tool not in old]
        + [ItemChange(kind="removed", key=tool) for tool in old if tool not in new]
    )


# --- Steps ----------------------------------------------------------------------------------


def match_steps(old: Sequence[StepSnapshot], new: Sequence[StepSnapshot]) -> list[tuple[int, int, str]]:
    """Pairs (old index, new index, how): by operation code + title first, in order of
    occurrence when a key repeats; then leftovers by equal position."""
    pairs: list[tuple[int, int, str]] = []
    free_new: dict[tuple[str, str], list[int]] = {}
    for index, step in enumerate(new):
        free_new.setdefault(step.key, []).append(index)
    unmatched_old: list[int] = []
    for index, step in enumerate(old):
        candidates = free_new.get(step.key)
        if candidates:
            pairs.append((index, candidates.pop(0), "title"))
        else:
            unmatched_old.append(index)
    taken_new = {j for _i, j, _how in pairs}
    new_by_position = {step.position: j for j, step in enumerate(new) if j not in taken_new}
    for index in unmatched_old:
        j = new_by_position.pop(old[index].position, None)
        if j is not None:
            pairs.append((index, j, "position"))
    return sorted(pairs)


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Indexes (into `values`) of one longest strictly increasing subsequence."""
    if not values:
        return set()
    tails: list[int] = []  # index into values of the smallest tail of each length
    parents: list[int | None] = [None] * len(values)
    tail_values: list[int] = []
    for index, value in enumerate(values):
        at = bisect.bisect_left(tail_values, value)
        if at > 0:
            parents[index] = tails[at - 1]
        if at == len(tails):
            tails.append(index)
            tail_values.append(value)
        else:
            tails[at] = index
            tail_values[at] = value
    keep: set[int] = set()
    cursor: int | None = tails[-1]
    while cursor is not None:
        keep.add(cursor)
        cursor = parents[cursor]
    return keep


def compare_steps(old: StepSnapshot, new: StepSnapshot) -> StepDifferences:
    fields = list(_fields(old, new, ("title", "operation_code", "qualification", "signoff"), _show))
    return {
        "fields": tuple(fields),
        "instruction_diff": word_diff(old.instruction, new.instruction)
        if old.instruction != new.instruction
        else None,
        "materials": _items(
            old.materials,
            new.materials,
            lambda m: m.part_number,
            ("quantity", "allowed_revisions", "alternates"),
        ),
        "characteristics": _items(
            old.characteristics,
            new.characteristics,
            lambda c: c.code,
            ("name", "kind", "nominal", "lower", "upper", "unit", "gauge"),
        ),
        "tools": _tools(old.tools, new.tools),
    }


def compare(old: RevisionSnapshot, new: RevisionSnapshot) -> Comparison:
    """Every difference between two revisions: steps (in the new routing's order, removed steps
    where they used to be), operations and parts."""
    pairs = match_steps(old.steps, new.steps)
    by_old = {i: (j, how) for i, j, how in pairs}
    matched_new = {j for _i, j, _how in pairs}
    in_order = _longest_increasing([j for _i, j, _how in pairs])
    moved_old = {pairs[k][0] for k in range(len(pairs)) if k not in in_order}

    entries: list[tuple[tuple[float, float], StepChange]] = []
    for i, step in enumerate(old.steps):
        if i in by_old:
            j, how = by_old[i]
            step_parts = compare_steps(step, new.steps[j])
            changed = any(step_parts.values())  # any of its five differences
            change = StepChange(
                kind="changed" if changed else "unchanged",
                old=step,
                new=new.steps[j],
                moved=i in moved_old,
                matched_by=how,
                **step_parts,
            )
            entries.append(((j, 0), change))
    for j, step in enumerate(new.steps):
        if j not in matched_new:
            entries.append(
                (
                    (j, 0),
                    StepChange(
                        kind="added",
                        old=None,
                        new=step,
                        materials=_items((), step.materials, lambda m: m.part_number, ()),
                        characteristics=_items((), step.characteristics, lambda c: c.code, ()),
                        tools=_tools((), step.tools),
                    ),
                )
            )
    # A removed step is shown right after the new position of the matched step before it.
    anchor = -1.0
    for i, step in enumerate(old.steps):
        if i in by_old:
            anchor = float(by_old[i][0])
            continue
        entries.append(
            (
                (anchor, 0.5 + i / (len(old.steps) + 1)),
                StepChange(
                    kind="removed",
                    old=step,
                    new=None,
                    materials=_items(step.materials, (), lambda m: m.part_number, ()),
                    characteristics=_items(step.characteristics, (), lambda c: c.code, ()),
                    tools=_tools(step.tools, ()),
                ),
            )
        )
    steps = tuple(change for _key, change in sorted(entries, key=lambda entry: entry[0]))
    operations = _items(
        old.operations,
        new.operations,
        lambda o: o.code,
        ("title", "sequence", "work_center", "standard_minutes"),
    )
    parts = _items(old.parts, new.parts, lambda p: p.part_number, ("revision", "name"))
    summary = {
        "added": sum(1 for s in steps if s.kind == "added"),
        "removed": sum(1 for s in steps if s.kind == "removed"),
        "changed": sum(1 for s in steps if s.kind == "changed"),
        "moved": sum(1 for s in steps if s.moved),
        "unchanged": sum(1 for s in steps if s.is_unchanged),
    }
    return Comparison(old=old, new=new, steps=steps, operations=operations, parts=parts, summary=summary)
