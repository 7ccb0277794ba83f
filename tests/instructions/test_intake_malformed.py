"""Malformed release documents: each is refused whole, at the JSON Pointer of its defect, and
nothing is stored (invariant 9). The base document is 100-200 rev B (tests/data)."""

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings

from core.errors import DomainError
from core.models import AuditEntry, IdempotencyKey, OutboxEvent
from instructions.models import (
    Characteristic,
    MaterialRequirement,
    Operation,
    Part,
    Product,
    Revision,
    RevisionPart,
    Step,
    StepMedia,
)
from tests.conftest import accept

MODELS = (
    Product,
    Part,
    Revision,
    RevisionPart,
    Operation,
    Step,
    MaterialRequirement,
    Characteristic,
    StepMedia,
    AuditEntry,
    OutboxEvent,
    IdempotencyKey,
)


def snapshot() -> dict[str, object]:
    """Row counts of every table an intake writes, and the media files in storage."""
    counts: dict[str, object] = {model.__name__: model.objects.count() for model in MODELS}
    media_root = Path(settings.MEDIA_ROOT) / "releases"
    counts["media_files"] = (
        sorted(str(path) for path in media_root.rglob("*") if path.is_file()) if media_root.exists() else []
    )
    return counts


def _walk(document, pointer: str):
    tokens = [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]]
    parent = document
    for token in tokens[:-1]:
        parent = parent[int(token)] if isinstance(parent, list) else parent[token]
    last = tokens[-1]
    return parent, int(last) if isinstance(parent, list) else last


def set_at(pointer: str, value):
    def change(document):
        parent, key = _walk(document, pointer)
        parent[key] = copy.deepcopy(value)

    return change


def delete_at(pointer: str):
    def change(document):
        parent, key = _walk(document, pointer)
        del parent[key]

    return change


def append_at(pointer: str, value):
    def change(document):
        parent, key = _walk(document, pointer)
        parent[key].append(copy.deepcopy(value))

    return change


def copy_to(source: str, target: str, **changes):
    """Append a copy of the element at `source` to the list at `target`, with some fields changed."""

    def change(document):
        parent, key = _walk(document, source)
        item = copy.deepcopy(parent[key])
        item.update(changes)
        target_parent, target_key = _walk(document, target)
        target_parent[target_key].append(item)

    return change


STEP0 = "/operations/0/steps/0"
STEP1 = "/operations/0/steps/1"
TQ1 = STEP1 + "/characteristics/0"
VISUAL = {"code": "VIS1", "name": "No lifted pads", "kind": "attribute"}

# (id, change, code, pointer): each change breaks exactly one rule of RELEASE_FORMAT.md.
CASES = [
    ("schema_missing", delete_at("/schema"), "missing_field", "/schema"),
    ("schema_other_version", set_at("/schema", "threadline.mbom-release/2"), "unsupported_schema", "/schema"),
    ("unknown_top_level_key", set_at("/comment", "hello"), "unknown_field", "/comment"),
    ("release_id_missing", delete_at("/release_id"), "missing_field", "/release_id"),
    ("release_id_empty", set_at("/release_id", ""), "empty", "/release_id"),
    ("release_id_only_spaces", set_at("/release_id", "   "), "empty", "/release_id"),
    ("release_id_only_whitespace", set_at("/release_id", " \t\n"), "empty", "/release_id"),
    ("released_by_only_spaces", set_at("/released_by", "  "), "empty", "/released_by"),
    ("released_at_not_a_time", set_at("/released_at", "yesterday"), "invalid_datetime", "/released_at"),
    (
        "released_at_without_offset",
        set_at("/released_at", "2026-06-15T08:00:00"),
        "invalid_datetime",
        "/released_at",
    ),
    ("released_at_date_only", set_at("/released_at", "2026-06-15"), "invalid_datetime", "/released_at"),
    ("released_by_a_number", set_at("/released_by", 42), "wrong_type", "/released_by"),
    ("product_tracking_missing", delete_at("/product/tracking"), "missing_field", "/product/tracking"),
    ("product_tracking_unknown", set_at("/product/tracking", "batch"), "invalid_choice", "/product/tracking"),
    ("product_unknown_key", set_at("/product/colour", "blue"), "unknown_field", "/product/colour"),
    ("product_not_an_object", set_at("/product", "100-200"), "wrong_type", "/product"),
    ("revision_too_long", set_at("/revision", "B" * 17), "too_long", "/revision"),
    ("revision_leading_space", set_at("/revision", " B"), "invalid_format", "/revision"),
    ("revision_missing", delete_at("/revision"), "missing_field", "/revision"),
    ("supersedes_unknown", set_at("/supersedes", "A"), "supersedes_unknown", "/supersedes"),
    ("supersedes_itself", set_at("/supersedes", "B"), "supersedes_itself", "/supersedes"),
    (
        "effectivity_impossible_date",
        set_at("/effectivity/date_from", "2026-13-01"),
        "invalid_date",
        "/effectivity/date_from",
    ),
    (
        "effectivity_date_format",
        set_at("/effectivity/date_from", "16.06.2026"),
        "invalid_date",
        "/effectivity/date_from",
    ),
    (
        "effectivity_dates_reversed",
        set_at("/effectivity/date_to", "2026-01-01"),
        "effectivity_reversed",
        "/effectivity/date_to",
    ),
    (
        "effectivity_serial_without_number",
        set_at("/effectivity/serial_from", "PC-"),
        "invalid_format",
        "/effectivity/serial_from",
    ),
    (
        "effectivity_serial_prefixes_differ",
        set_at("/effectivity/serial_to", "XX-00100"),
        "effectivity_prefix_mismatch",
        "/effectivity/serial_to",
    ),
    (
        "effectivity_serials_reversed",
        set_at("/effectivity/serial_to", "PC-00000"),
        "effectivity_reversed",
        "/effectivity/serial_to",
    ),
    (
        "effectivity_unknown_key",
        set_at("/effectivity/work_order", "WO-1"),
        "unknown_field",
        "/effectivity/work_order",
    ),
    ("in_flight_unknown", set_at("/in_flight", "abort"), "invalid_choice", "/in_flight"),
    ("parts_not_a_list", set_at("/parts", {}), "wrong_type", "/parts"),
    ("part_listed_twice", copy_to("/parts/1", "/parts"), "duplicate_part", "/parts/3/part_number"),
    (
        "part_is_the_product",
        copy_to("/parts/1", "/parts", part_number="100-200"),
        "part_is_product",
        "/parts/3/part_number",
    ),
    ("gtin_check_digit", set_at("/parts/0/gtin", "09506000134353"), "invalid_gtin", "/parts/0/gtin"),
    ("gtin_13_digits", set_at("/parts/0/gtin", "9506000134352"), "invalid_gtin", "/parts/0/gtin"),
    ("part_revision_missing", delete_at("/parts/1/revision"), "missing_field", "/parts/1/revision"),
    ("part_uom_empty", set_at("/parts/1/uom", ""), "empty", "/parts/1/uom"),
    ("shelf_life_zero", set_at("/parts/2/shelf_life_days", 0), "out_of_range", "/parts/2/shelf_life_days"),
    (
        "shelf_life_fractional",
        set_at("/parts/2/shelf_life_days", 1.5),
        "wrong_type",
        "/parts/2/shelf_life_days",
    ),
    ("operations_empty", set_at("/operations", []), "too_few", "/operations"),
    ("operations_missing", delete_at("/operations"), "missing_field", "/operations"),
    (
        "operation_sequence_decreasing",
        copy_to(
            "/operations/0", "/operations", sequence=5, code="OP05", steps=[{"sequence": 10, "title": "Pack"}]
        ),
        "sequence_order",
        "/operations/1/sequence",
    ),
    (
        "operation_sequence_repeated",
        copy_to("/operations/0", "/operations", code="OP11", steps=[{"sequence": 10, "title": "Pack"}]),
        "sequence_order",
        "/operations/1/sequence",
    ),
    (
        "operation_code_repeated",
        copy_to("/operations/0", "/operations", sequence=20, steps=[{"sequence": 10, "title": "Pack"}]),
        "duplicate_operation_code",
        "/operations/1/code",
    ),
    (
        "operation_work_center_missing",
        delete_at("/operations/0/work_center"),
        "missing_field",
        "/operations/0/work_center",
    ),
    (
        "standard_minutes_zero",
        set_at("/operations/0/standard_minutes", 0),
        "out_of_range",
        "/operations/0/standard_minutes",
    ),
    (
        "standard_minutes_text",
        set_at("/operations/0/standard_minutes", "7"),
        "wrong_type",
        "/operations/0/standard_minutes",
    ),
    (
        "standard_minutes_too_precise",
        set_at("/operations/0/standard_minutes", 7.125),
        "too_precise",
        "/operations/0/standard_minutes",
    ),
    ("steps_empty", set_at("/operations/0/steps", []), "too_few", "/operations/0/steps"),
    ("step_sequence_repeated", set_at(STEP1 + "/sequence", 10), "duplicate_sequence", STEP1 + "/sequence"),
    (
        "step_sequence_repeated_as_float",
        set_at(STEP1 + "/sequence", 10.0),
        "duplicate_sequence",
        STEP1 + "/sequence",
    ),
    ("step_sequence_zero", set_at(STEP0 + "/sequence", 0), "out_of_range", STEP0 + "/sequence"),
    ("step_sequence_fraction", set_at(STEP0 + "/sequence", 10.5), "wrong_type", STEP0 + "/sequence"),
    ("step_title_missing", delete_at(STEP0 + "/title"), "missing_field", STEP0 + "/title"),
    ("step_unknown_key", set_at(STEP0 + "/notes", "x"), "unknown_field", STEP0 + "/notes"),
    (
        "step_instruction_too_long",
        set_at(STEP0 + "/instruction", "x" * 20001),
        "too_long",
        STEP0 + "/instruction",
    ),
    ("step_signoff_unknown", set_at(STEP0 + "/signoff", "supervisor"), "invalid_choice", STEP0 + "/signoff"),
    ("step_qualification_empty", set_at(STEP0 + "/qualification", ""), "empty", STEP0 + "/qualification"),
    ("step_tool_empty", set_at(STEP1 + "/tools/0", ""), "empty", STEP1 + "/tools/0"),
    (
        "material_part_not_listed",
        set_at(STEP1 + "/materials/0/part_number", "999-999"),
        "part_not_listed",
        STEP1 + "/materials/0/part_number",
    ),
    (
        "material_quantity_zero",
        set_at(STEP1 + "/materials/0/quantity", 0),
        "out_of_range",
        STEP1 + "/materials/0/quantity",
    ),
    (
        "material_quantity_negative",
        set_at(STEP1 + "/materials/0/quantity", -4),
        "out_of_range",
        STEP1 + "/materials/0/quantity",
    ),
    (
        "material_quantity_missing",
        delete_at(STEP1 + "/materials/0/quantity"),
        "missing_field",
        STEP1 + "/materials/0/quantity",
    ),
    (
        "material_quantity_too_precise",
        set_at(STEP1 + "/materials/1/quantity", 0.00001),
        "too_precise",
        STEP1 + "/materials/1/quantity",
    ),
    (
        "serial_part_quantity_two",
        set_at(STEP0 + "/materials/0/quantity", 2),
        "serial_quantity",
        STEP0 + "/materials/0/quantity",
    ),
    (
        "serial_part_quantity_half",
        set_at(STEP0 + "/materials/0/quantity", 0.5),
        "serial_quantity",
        STEP0 + "/materials/0/quantity",
    ),
    (
        "alternate_not_listed",
        set_at(STEP1 + "/materials/0/alternates", ["300-551"]),
        "part_not_listed",
        STEP1 + "/materials/0/alternates/0",
    ),
    (
        "alternate_is_itself",
        set_at(STEP1 + "/materials/0/alternates", ["300-550"]),
        "alternate_is_itself",
        STEP1 + "/materials/0/alternates/0",
    ),
    (
        "allowed_revisions_empty",
        set_at(STEP1 + "/materials/0/allowed_revisions", []),
        "too_few",
        STEP1 + "/materials/0/allowed_revisions",
    ),
    (
        "allowed_revisions_repeated",
        set_at(STEP1 + "/materials/0/allowed_revisions", ["A", "A"]),
        "duplicate_revision",
        STEP1 + "/materials/0/allowed_revisions/1",
    ),
    ("variable_without_unit", delete_at(TQ1 + "/unit"), "unit_required", TQ1 + "/unit"),
    (
        "variable_without_limits",
        lambda d: [d["operations"][0]["steps"][1]["characteristics"][0].pop(k) for k in ("lower", "upper")],
        "limits_required",
        TQ1 + "/lower",
    ),
    ("limits_reversed", set_at(TQ1 + "/lower", 0.8), "limits_reversed", TQ1 + "/upper"),
    ("nominal_above_upper", set_at(TQ1 + "/nominal", 0.75), "nominal_outside_limits", TQ1 + "/nominal"),
    ("nominal_below_lower", set_at(TQ1 + "/nominal", 0.45), "nominal_outside_limits", TQ1 + "/nominal"),
    ("limit_beyond_range", set_at(TQ1 + "/upper", 1e15), "out_of_range", TQ1 + "/upper"),
    ("limit_too_precise", set_at(TQ1 + "/upper", 0.700000001), "too_precise", TQ1 + "/upper"),
    ("limit_as_text", set_at(TQ1 + "/upper", "0.7"), "wrong_type", TQ1 + "/upper"),
    (
        "characteristic_code_repeated",
        append_at(STEP1 + "/characteristics", {**VISUAL, "code": "TQ1"}),
        "duplicate_characteristic",
        STEP1 + "/characteristics/1/code",
    ),
    ("characteristic_kind_unknown", set_at(TQ1 + "/kind", "measured"), "invalid_choice", TQ1 + "/kind"),
    ("characteristic_name_missing", delete_at(TQ1 + "/name"), "missing_field", TQ1 + "/name"),
    (
        "attribute_with_limit",
        append_at(STEP1 + "/characteristics", {**VISUAL, "upper": 1}),
        "limits_on_attribute",
        STEP1 + "/characteristics/1/upper",
    ),
    (
        "media_without_bundle",
        set_at(STEP0 + "/media", [{"path": "media/op10.jpg"}]),
        "media_missing",
        STEP0 + "/media/0/path",
    ),
    (
        "media_path_escapes",
        set_at(STEP0 + "/media", [{"path": "../secrets.jpg"}]),
        "unsafe_path",
        STEP0 + "/media/0/path",
    ),
    (
        "media_path_absolute",
        set_at(STEP0 + "/media", [{"path": "/etc/passwd.png"}]),
        "unsafe_path",
        STEP0 + "/media/0/path",
    ),
    (
        "media_unsupported_type",
        set_at(STEP0 + "/media", [{"path": "media/op10.gif"}]),
        "invalid_format",
        STEP0 + "/media/0/path",
    ),
    (
        "media_path_missing",
        set_at(STEP0 + "/media", [{"caption": "Notch"}]),
        "missing_field",
        STEP0 + "/media/0/path",
    ),
]


@pytest.mark.invariant(9)
@pytest.mark.parametrize(
    ("change", "code", "pointer"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_a_malformed_release_is_refused_at_its_pointer_and_nothing_is_stored(
    release_b_document, engineer, change, code, pointer
):
    change(release_b_document)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        accept(release_b_document, engineer)
    assert [(error.code, error.path) for error in refused.value.errors] == [(code, pointer)]
    assert refused.value.status == 422
    assert snapshot() == before


def test_there_are_at_least_forty_distinct_malformed_documents():
    assert len({case[0] for case in CASES}) == len(CASES) >= 40


@pytest.mark.invariant(9)
def test_every_problem_is_reported_at_once_in_document_order(release_b_document, engineer):
    release_b_document["released_at"] = "soon"
    release_b_document["parts"][0]["gtin"] = "09506000134353"
    release_b_document["operations"][0]["steps"][1]["characteristics"][0]["lower"] = 0.9
    release_b_document["operations"][0]["steps"][1]["materials"][0]["part_number"] = "999-999"
    del release_b_document["product"]["name"]
    del release_b_document["product"]["uom"]
    release_b_document["x-plm"] = {"system": "Windchill"}
    release_b_document["y-plm"] = 1
    release_b_document["z-plm"] = 2
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        accept(release_b_document, engineer)
    assert [(error.code, error.path) for error in refused.value.errors] == [
        ("invalid_datetime", "/released_at"),
        ("missing_field", "/product/name"),
        ("missing_field", "/product/uom"),
        ("invalid_gtin", "/parts/0/gtin"),
        ("part_not_listed", STEP1 + "/materials/0/part_number"),
        ("limits_reversed", TQ1 + "/upper"),
        ("unknown_field", "/y-plm"),
        ("unknown_field", "/z-plm"),
    ]
    assert all(error.message.endswith(".") and len(error.message) > 15 for error in refused.value.errors)
    assert snapshot() == before


def test_sequences_of_ten_and_more_sort_after_two(release_b_document, engineer):
    for index in range(12):
        release_b_document["operations"].append(
            {
                "sequence": 20 + index,
                "code": "OP{}".format(20 + index),
                "title": "Pack",
                "work_center": "",
                "steps": [{"sequence": 1, "title": "Box"}],
            }
        )
    with pytest.raises(DomainError) as refused:
        accept(release_b_document, engineer)
    assert [error.path for error in refused.value.errors] == [
        "/operations/{}/work_center".format(n) for n in range(1, 13)
    ]


@pytest.mark.parametrize(
    ("raw", "pointer"),
    [
        pytest.param('"title": "Place\\u0000 PCB"', STEP0 + "/title", id="nul_character"),
        pytest.param('"title": "Place \\ud800 PCB"', STEP0 + "/title", id="lone_surrogate"),
    ],
)
def test_text_no_database_can_hold_is_refused_at_its_pointer(release_b_document, engineer, raw, pointer):
    from instructions.services.releases import accept_release

    payload = json.dumps(release_b_document).replace('"title": "Place PCB in housing"', raw).encode()
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        accept_release(payload=payload, content_type="application/json", actor=engineer)
    assert [(error.code, error.path, refused.value.status) for error in refused.value.errors] == [
        ("invalid_character", pointer, 400)
    ]
    assert snapshot() == before


def test_unknown_x_keys_are_kept_and_ignored(release_b_document, engineer):
    release_b_document["x-windchill"] = {"change_notice": "CN-77", "nested": [1, 2]}
    revision = accept(release_b_document, engineer).revision
    assert revision.extensions == {"x-windchill": {"change_notice": "CN-77", "nested": [1, 2]}}
    assert revision.document["x-windchill"]["change_notice"] == "CN-77"


def test_a_known_released_revision_may_be_superseded(released_b, release_document, engineer):
    release_document["supersedes"] = "B"
    assert accept(release_document, engineer).revision.supersedes == released_b


def test_a_draft_cannot_be_superseded(release_b_document, release_document, engineer):
    accept(release_b_document, engineer, draft=True)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        accept(release_document, engineer)
    assert [(error.code, error.path) for error in refused.value.errors] == [
        ("supersedes_unknown", "/supersedes")
    ]
    assert snapshot() == before


def test_lowercase_t_and_z_in_released_at_are_iso_8601(release_b_document, engineer):
    release_b_document["released_at"] = "2026-06-15t08:00:00z"
    revision = accept(release_b_document, engineer).revision
    assert revision.released_at.isoformat() == "2026-06-15T08:00:00+00:00"
