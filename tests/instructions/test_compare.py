"""Compare revisions: pure functions on snapshots, and the screen."""

from decimal import Decimal

import pytest
from django.urls import reverse

from instructions.compare import (
    CharacteristicSnapshot,
    MaterialSnapshot,
    OperationSnapshot,
    RevisionSnapshot,
    StepSnapshot,
    compare,
    match_steps,
    snapshot_of,
    word_diff,
)
from instructions.selectors import revisions_in_full
from tests.conftest import accept
from tests.instructions.test_screens_revisions import _more_steps


def step(title, position, op="OP10", **fields) -> StepSnapshot:
    return StepSnapshot(operation_code=op, title=title, position=position, **fields)


def revision(*steps, operations=None, label="P rev X") -> RevisionSnapshot:
    operations = operations or (
        OperationSnapshot(code="OP10", title="Assemble", sequence=10, work_center="ASSY-1"),
    )
    return RevisionSnapshot(label=label, operations=tuple(operations), steps=tuple(steps))


def kinds(comparison) -> list[tuple[str, str, bool]]:
    return [(change.kind, (change.new or change.old).title, change.moved) for change in comparison.steps]


# --- word_diff --------------------------------------------------------------------------------


def test_word_diff_marks_removed_and_added_words():
    assert (
        word_diff("Torque the four screws.", "Torque all four screws.")
        == "Torque <del>the</del> <ins>all</ins> four screws."
    )


def test_word_diff_keeps_the_space_between_changed_runs():
    # a change across a space is one run: the words before and after are not glued ("Torqueand")
    assert (
        word_diff("Place the screws. Torque them.", "Place the screws and torque them.")
        == "Place the screws<del>. Torque</del><ins> and torque</ins> them."
    )
    assert word_diff("a b c d", "a x y d") == "a <del>b c</del> <ins>x y</ins> d"


def test_word_diff_keeps_whitespace_shared_by_both_sides_outside_the_marks():
    assert (
        word_diff("Insert screws.\n\nTorque to spec.", "Insert screws and torque.\n\nCheck.")
        == "Insert screws<ins> and torque</ins>.\n\n<del>Torque to spec</del> <ins>Check</ins>."
    )
    assert word_diff("Fasten it.", "Fasten it. Torque it.") == "Fasten it.<ins> Torque it.</ins>"


def test_word_diff_of_equal_text_has_no_marks():
    assert word_diff("Align the notch.", "Align the notch.") == "Align the notch."


def test_word_diff_escapes_html_in_both_texts():
    html = word_diff("Use <b>care</b>", "Use <script>x</script>")
    assert "<script>" not in html and "<b>" not in html
    assert (
        html == "Use &lt;<del>b</del> <ins>script</ins>&gt;<del>care</del> <ins>x</ins>"
        "&lt;/<del>b</del> <ins>script</ins>&gt;"
    )


def test_word_diff_of_pure_insertion_and_deletion():
    assert word_diff("", "New text") == "<ins>New text</ins>"
    assert word_diff("Old text", "") == "<del>Old text</del>"


# --- matching ---------------------------------------------------------------------------------


def test_steps_match_by_operation_and_title_then_by_position():
    old = [step("A", 1), step("B", 2), step("Old name", 3)]
    new = [step("B", 1), step("A", 2), step("New name", 3)]
    assert match_steps(old, new) == [(0, 1, "title"), (1, 0, "title"), (2, 2, "position")]


def test_a_repeated_title_matches_in_order_of_occurrence():
    old = [step("Check", 1), step("Check", 2)]
    new = [step("Check", 1), step("Insert", 2), step("Check", 3)]
    assert match_steps(old, new) == [(0, 0, "title"), (1, 2, "title")]


def test_same_title_in_another_operation_is_not_matched_by_title():
    old = [step("Inspect", 1, op="OP10")]
    new = [step("Inspect", 1, op="OP20")]
    assert match_steps(old, new) == [(0, 0, "position")]


# --- steps ------------------------------------------------------------------------------------


def test_identical_revisions_have_no_changes():
    snapshot = revision(step("A", 1, instruction="x"), step("B", 2))
    result = compare(snapshot, snapshot)
    assert result.has_changes is False
    assert kinds(result) == [("unchanged", "A", False), ("unchanged", "B", False)]
    assert result.summary == {"added": 0, "removed": 0, "changed": 0, "moved": 0, "unchanged": 2}


def test_an_inserted_step_is_added_and_later_steps_are_not_moved():
    old = revision(step("A", 1), step("B", 2), step("C", 3))
    new = revision(step("A", 1), step("New", 2), step("B", 3), step("C", 4))
    assert kinds(compare(old, new)) == [
        ("unchanged", "A", False),
        ("added", "New", False),
        ("unchanged", "B", False),
        ("unchanged", "C", False),
    ]


def test_a_removed_step_is_shown_where_it_used_to_be():
    old = revision(step("A", 1), step("Gone", 2), step("B", 3))
    new = revision(step("A", 1), step("B", 2))
    result = compare(old, new)
    assert kinds(result) == [("unchanged", "A", False), ("removed", "Gone", False), ("unchanged", "B", False)]
    assert result.summary["removed"] == 1


def test_a_removed_first_step_comes_first():
    result = compare(revision(step("Gone", 1), step("A", 2)), revision(step("A", 1)))
    assert kinds(result) == [("removed", "Gone", False), ("unchanged", "A", False)]


def test_a_step_moved_to_the_end_is_the_only_one_moved():
    old = revision(step("A", 1), step("B", 2), step("C", 3), step("D", 4))
    new = revision(step("B", 1), step("C", 2), step("D", 3), step("A", 4))
    result = compare(old, new)
    assert kinds(result) == [
        ("unchanged", "B", False),
        ("unchanged", "C", False),
        ("unchanged", "D", False),
        ("unchanged", "A", True),
    ]
    assert result.summary["moved"] == 1
    moved = result.steps[-1]
    assert (moved.old.position, moved.new.position) == (1, 4)
    assert moved.css == "change-moved"


def test_a_renamed_step_matched_by_position_shows_the_title_change():
    result = compare(revision(step("Fasten PCB", 1)), revision(step("Fasten board", 1)))
    (change,) = result.steps
    assert change.kind == "changed" and change.matched_by == "position"
    assert [(f.field, f.old, f.new) for f in change.fields] == [("title", "Fasten PCB", "Fasten board")]


def test_instruction_change_gives_a_word_diff():
    result = compare(
        revision(step("A", 1, instruction="Torque the screws.")),
        revision(step("A", 1, instruction="Torque all screws.")),
    )
    assert result.steps[0].instruction_diff == "Torque <del>the</del> <ins>all</ins> screws."


def test_qualification_signoff_and_tools_changes():
    old = revision(step("A", 1, qualification="ESD-1", signoff="operator", tools=("TD-0.6", "GAUGE-1")))
    new = revision(
        step("A", 1, qualification="ESD-2", signoff="operator+inspector", tools=("TD-0.6", "TD-1.0"))
    )
    (change,) = compare(old, new).steps
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("qualification", "ESD-1", "ESD-2"),
        ("signoff", "operator", "operator+inspector"),
    ]
    assert [(t.kind, t.key) for t in change.tools] == [("added", "TD-1.0"), ("removed", "GAUGE-1")]


def test_material_added_removed_and_changed():
    old = revision(
        step(
            "A",
            1,
            materials=(
                MaterialSnapshot("300-550", Decimal("4"), ("A",)),
                MaterialSnapshot("300-900", Decimal("0.2"), ("A",)),
            ),
        )
    )
    new = revision(
        step(
            "A",
            1,
            materials=(
                MaterialSnapshot("300-550", Decimal("6.000"), ("A", "B"), ("300-551",)),
                MaterialSnapshot("300-700", Decimal("1"), ("A",)),
            ),
        )
    )
    (change,) = compare(old, new).steps
    assert [(m.kind, m.key, [(f.field, f.old, f.new) for f in m.changes]) for m in change.materials] == [
        (
            "changed",
            "300-550",
            [("quantity", "4", "6"), ("allowed_revisions", "A", "A, B"), ("alternates", "—", "300-551")],
        ),
        ("added", "300-700", []),
        ("removed", "300-900", []),
    ]


def test_characteristic_limits_unit_and_kind_changes():
    old = revision(
        step(
            "A",
            1,
            characteristics=(
                CharacteristicSnapshot(
                    "TQ1", "Torque", "variable", Decimal("0.6"), Decimal("0.5"), Decimal("0.7"), "N.m"
                ),
                CharacteristicSnapshot("VIS1", "Visual", "attribute"),
            ),
        )
    )
    new = revision(
        step(
            "A",
            1,
            characteristics=(
                CharacteristicSnapshot(
                    "TQ1", "Torque", "variable", Decimal("0.60000"), Decimal("0.55"), Decimal("0.65"), "Nm"
                ),
                CharacteristicSnapshot(
                    "VIS1", "Visual", "variable", Decimal("1"), Decimal("0"), Decimal("2"), "mm"
                ),
            ),
        )
    )
    (change,) = compare(old, new).steps
    assert [(c.key, [(f.field, f.old, f.new) for f in c.changes]) for c in change.characteristics] == [
        ("TQ1", [("lower", "0.5", "0.55"), ("upper", "0.7", "0.65"), ("unit", "N.m", "Nm")]),
        (
            "VIS1",
            [
                ("kind", "attribute", "variable"),
                ("nominal", "—", "1"),
                ("lower", "—", "0"),
                ("upper", "—", "2"),
                ("unit", "—", "mm"),
            ],
        ),
    ]


def test_operation_work_center_and_standard_minutes_changes():
    old = revision(
        step("A", 1),
        operations=(
            OperationSnapshot("OP10", "Assemble", 10, "ASSY-1", Decimal("7")),
            OperationSnapshot("OP20", "Test", 20, "TEST-1"),
        ),
    )
    new = revision(
        step("A", 1),
        operations=(
            OperationSnapshot("OP10", "Assemble", 10, "ASSY-2", Decimal("6.5")),
            OperationSnapshot("OP30", "Pack", 30, "PACK-1"),
        ),
    )
    result = compare(old, new)
    assert [(o.kind, o.key, [(f.field, f.old, f.new) for f in o.changes]) for o in result.operations] == [
        ("changed", "OP10", [("work_center", "ASSY-1", "ASSY-2"), ("standard_minutes", "7", "6.5")]),
        ("added", "OP30", []),
        ("removed", "OP20", []),
    ]
    assert result.has_changes is True


# --- the released fixtures -------------------------------------------------------------------


def test_b_to_c_from_the_database(released_c):
    loaded = revisions_in_full(released_c.supersedes_id, released_c.pk)
    result = compare(snapshot_of(loaded[released_c.supersedes_id]), snapshot_of(loaded[released_c.pk]))
    assert result.old.label == "100-200 rev B" and result.new.label == "100-200 rev C"
    place, fasten = result.steps
    assert place.kind == "changed" and place.moved is False
    assert (
        place.instruction_diff
        == "Hold the board by its edges. Align the <ins>**</ins>notch<ins>**</ins> with the locating pin."
    )
    assert [(m.key, [(f.field, f.old, f.new) for f in m.changes]) for m in place.materials] == [
        ("200-010", [("allowed_revisions", "A", "B")])
    ]
    assert [(f.field, f.old, f.new) for f in fasten.fields] == [("signoff", "operator", "operator+inspector")]
    assert [
        (c.kind, c.key, [(f.field, f.old, f.new) for f in c.changes]) for c in fasten.characteristics
    ] == [
        ("changed", "TQ1", [("lower", "0.5", "0.55"), ("upper", "0.7", "0.65")]),
        ("added", "VIS1", []),
    ]
    assert [(o.key, [(f.field, f.old, f.new) for f in o.changes]) for o in result.operations] == [
        ("OP10", [("standard_minutes", "7", "6")])
    ]
    assert [(p.key, [(f.field, f.old, f.new) for f in p.changes]) for p in result.parts] == [
        ("200-010", [("revision", "A", "B")])
    ]


# --- the screen -------------------------------------------------------------------------------


def test_compare_screen_shows_the_torque_limit_change(engineer_client, released_c, django_assert_num_queries):
    url = "{}?old={}&new={}".format(
        reverse("instructions:revision-compare"), released_c.supersedes_id, released_c.pk
    )
    # session, user, choices, old, new, 2 revisions + parts, operations, steps, materials, characteristics,
    # media
    with django_assert_num_queries(12):
        response = engineer_client.get(url)
    assert response.status_code == 200
    html = response.text
    assert "100-200 rev B → 100-200 rev C" in html
    assert "0 added, 0 removed, 2 changed, 0 moved, 0 unchanged steps." in html
    assert 'data-field="lower">lower limit <del>0.5</del> → <ins>0.55</ins>' in html
    assert 'data-field="upper">upper limit <del>0.7</del> → <ins>0.65</ins>' in html
    assert "<ins>**</ins>notch<ins>**</ins>" in html
    assert "<strong>VIS1</strong> added" in html


def test_compare_screen_query_count_does_not_grow_with_steps(
    engineer_client, release_document, engineer, django_assert_num_queries
):
    one = accept(_more_steps(release_document, "Y", 20), engineer, draft=True).revision
    two = accept(_more_steps(release_document, "Z", 30), engineer, draft=True).revision
    url = "{}?old={}&new={}".format(reverse("instructions:revision-compare"), one.pk, two.pk)
    with django_assert_num_queries(12):
        response = engineer_client.get(url)
    assert "10 added, 0 removed, 0 changed, 0 moved, 22 unchanged steps." in response.text


def test_compare_screen_without_a_choice_shows_the_pickers(engineer_client, released_c):
    response = engineer_client.get(reverse("instructions:revision-compare"))
    assert response.status_code == 200
    assert '<select name="old"' in response.text
    assert "100-200 rev B · ECO-0987 · Superseded" in response.text


@pytest.mark.parametrize(
    "case",
    ["same_revision", "unknown_revision"],
)
def test_compare_screen_refuses_bad_choices(engineer_client, released_c, case):
    old, new = {"same_revision": (released_c.pk, released_c.pk), "unknown_revision": (released_c.pk, 9999)}[
        case
    ]
    response = engineer_client.get(reverse("instructions:revision-compare"), {"old": old, "new": new})
    assert response.status_code == 422
    assert "outcome-refused" in response.text
    assert 'id="compare-result"' not in response.text


def test_compare_screen_refuses_revisions_of_two_products(
    engineer_client, released_b, release_document, engineer
):
    release_document["product"]["part_number"] = "999-000"
    release_document.pop("supersedes")
    other = accept(release_document, engineer).revision
    response = engineer_client.get(
        reverse("instructions:revision-compare"), {"old": released_b.pk, "new": other.pk}
    )
    assert response.status_code == 422
    assert "Choose two revisions of the same product" in response.text


def test_operators_cannot_compare(operator_client, released_c):
    assert operator_client.get(reverse("instructions:revision-compare")).status_code == 403
