"""Checking a release document against threadline.mbom-release/1.

Two passes, both complete: the JSON Schema (shapes, types, lengths), then the rules
that need the whole document or the database (unique sequences, references, limits in
order, GTIN check digits, the superseded revision). Every problem is reported, each
with the JSON Pointer of its element and a sentence a PLM administrator can act on.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from biip.gtin import Gtin
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from instructions.services.parsing import ReleaseBundle
from mes.core.errors import ErrorDetail

SCHEMA_ID = "threadline.mbom-release/1"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "mbom-release-1.schema.json"
MAX_PROBLEMS = 500


@cache
def release_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(release_schema())


def pointer(parts) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _type_name(expected) -> str:
    names = {
        "string": _("text"),
        "integer": _("a whole number"),
        "number": _("a number"),
        "object": _("an object"),
        "array": _("a list"),
        "null": _("null"),
        "boolean": _("true or false"),
    }
    if isinstance(expected, list):
        return _(" or ").join(names.get(item, item) for item in expected)
    return names.get(expected, expected)


def _schema_problem(error: ValidationError) -> ErrorDetail:
    """One schema violation as a sentence, at the pointer of the offending element."""
    where = pointer(error.absolute_path)
    validator, value = error.validator, error.validator_value
    if validator == "anyOf" and error.context:
        # Nullable fields: report the branch that is not "null", which says what is expected.
        best = [child for child in error.context if child.validator not in ("type",) or child.validator_value != "null"]
        if best:
            return _schema_problem(min(best, key=lambda child: len(list(child.relative_schema_path))))
    if validator == "required":
        missing = next((name for name in value if isinstance(error.instance, dict) and name not in error.instance), "?")
        return ErrorDetail("missing_field", _("'{field}' is required here. Add it.").format(field=missing), "{}/{}".format(where, missing))
    if validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extras = sorted(key for key in error.instance if key not in allowed and not (where == "" and key.startswith("x-")))
        key = extras[0] if extras else "?"
        message = (
            _("'{key}' is not a field of the release document. Remove it, or prefix it with 'x-' to carry it as an extension.")
            if where == ""
            else _("'{key}' is not a field here. Remove it; the allowed fields are: {allowed}.")
        ).format(key=key, allowed=", ".join(sorted(allowed)))
        return ErrorDetail("unknown_field", message, "{}/{}".format(where, key))
    if validator == "const":
        return ErrorDetail("invalid_value", _("Must be exactly '{value}'.").format(value=value), where)
    if validator == "enum":
        return ErrorDetail(
            "invalid_choice",
            _("'{value}' is not allowed here. Use one of: {choices}.").format(value=error.instance, choices=", ".join(map(str, value))),
            where,
        )
    if validator == "type":
        return ErrorDetail("wrong_type", _("Must be {expected}.").format(expected=_type_name(value)), where)
    if validator == "minLength":
        if value == 1:
            return ErrorDetail("empty", _("Must not be empty."), where)
        return ErrorDetail("too_short", _("Must be at least {count} characters long.").format(count=value), where)
    if validator == "maxLength":
        return ErrorDetail("too_long", _("Must be at most {count} characters long.").format(count=value), where)
    if validator == "minItems":
        return ErrorDetail("too_few", _("Must list at least {count} item(s).").format(count=value), where)
    if validator == "maxItems":
        return ErrorDetail("too_many", _("Must list at most {count} items.").format(count=value), where)
    if validator in ("minimum", "exclusiveMinimum"):
        text = _("Must be at least {limit}.") if validator == "minimum" else _("Must be greater than {limit}.")
        return ErrorDetail("out_of_range", text.format(limit=value), where)
    if validator in ("maximum", "exclusiveMaximum"):
        return ErrorDetail("out_of_range", _("Must be at most {limit}.").format(limit=value), where)
    if validator == "pattern":
        field = str(error.absolute_path[-1]) if error.absolute_path else ""
        hints = {
            "gtin": _("A GTIN is exactly 14 digits (pad shorter GTINs with leading zeros)."),
            "path": _("Media must be a jpg, png, webp, svg, mp4 or pdf file."),
            "serial_from": _("A serial bound must end in a number (e.g. PC-01000)."),
            "serial_to": _("A serial bound must end in a number (e.g. PC-01999)."),
        }
        return ErrorDetail(
            "invalid_format",
            hints.get(field, _("Must not start or end with spaces.")),
            where,
        )
    return ErrorDetail("invalid", str(error.message), where)


def _is_datetime_with_offset(text) -> bool:
    if not isinstance(text, str) or "T" not in text.upper():
        return False
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return False
    return parsed.tzinfo is not None


def _is_date(text) -> bool:
    try:
        date.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return isinstance(text, str) and len(text) == 10


def _valid_gtin(text: str) -> bool:
    try:
        Gtin.parse(text)
    except Exception:  # biip raises ParseError for a bad check digit or length
        return False
    return True


def _split_serial(serial: str):
    from instructions.models.revisions import split_serial

    return split_serial(serial)


def validate_release(bundle: ReleaseBundle, *, draft: bool = False) -> list[ErrorDetail]:
    """Every problem of the document, in document order; an empty list means it may be stored."""
    document = bundle.document
    problems = [_schema_problem(error) for error in _validator().iter_errors(document)]
    problems.sort(key=lambda problem: problem.path)
    schema_paths = {problem.path for problem in problems}
    problems.extend(_rule_problems(document, bundle, schema_paths, draft=draft))
    unique: dict[tuple[str, str], ErrorDetail] = {}
    for problem in problems:
        unique.setdefault((problem.path, problem.code), problem)
    return list(unique.values())[:MAX_PROBLEMS]


def _rule_problems(document: dict, bundle: ReleaseBundle, schema_paths: set[str], *, draft: bool) -> list[ErrorDetail]:
    problems: list[ErrorDetail] = []
    add = problems.append

    if "released_at" in document and "/released_at" not in schema_paths and not _is_datetime_with_offset(document["released_at"]):
        add(ErrorDetail("invalid_datetime", _("Must be an ISO 8601 date and time with an offset, e.g. 2026-11-02T09:30:00Z."), "/released_at"))
    effectivity = document.get("effectivity")
    if isinstance(effectivity, dict):
        for key in ("date_from", "date_to"):
            value = effectivity.get(key)
            if value is not None and not _is_date(value):
                add(ErrorDetail("invalid_date", _("Must be a date as YYYY-MM-DD, or null."), "/effectivity/{}".format(key)))
        date_from, date_to = effectivity.get("date_from"), effectivity.get("date_to")
        if _is_date(date_from) and _is_date(date_to) and date_from > date_to:
            add(ErrorDetail("effectivity_reversed", _("date_to is before date_from: swap them or correct one."), "/effectivity/date_to"))
        serial_from, serial_to = effectivity.get("serial_from"), effectivity.get("serial_to")
        if isinstance(serial_from, str) and isinstance(serial_to, str):
            low, high = _split_serial(serial_from), _split_serial(serial_to)
            if low and high and low[0] != high[0]:
                add(ErrorDetail(
                    "effectivity_prefix_mismatch",
                    _("serial_from and serial_to must share their prefix ('{low}' vs '{high}'): serial ranges compare the trailing number of equal-prefix serials.").format(low=low[0], high=high[0]),
                    "/effectivity/serial_to",
                ))
            elif low and high and low[1] > high[1]:
                add(ErrorDetail("effectivity_reversed", _("serial_to is below serial_from: swap them or correct one."), "/effectivity/serial_to"))

    product = document.get("product") if isinstance(document.get("product"), dict) else {}
    revision_code = document.get("revision")
    supersedes = document.get("supersedes")
    if isinstance(supersedes, str) and supersedes == revision_code:
        add(ErrorDetail("supersedes_itself", _("A revision cannot supersede itself."), "/supersedes"))
    elif isinstance(supersedes, str) and isinstance(product.get("part_number"), str) and not draft:
        from instructions.models import Revision

        known = Revision.objects.executable().filter(product__part_number=product["part_number"], revision=supersedes).exists()
        if not known:
            add(ErrorDetail(
                "supersedes_unknown",
                _("Revision {revision} of {part} is not known here as released: import it first, or correct 'supersedes'.").format(
                    revision=supersedes, part=product["part_number"]
                ),
                "/supersedes",
            ))

    parts = document.get("parts") if isinstance(document.get("parts"), list) else []
    listed: dict[str, dict] = {}
    for index, part in enumerate(parts):
        if not isinstance(part, dict) or not isinstance(part.get("part_number"), str):
            continue
        number = part["part_number"]
        if number in listed:
            add(ErrorDetail("duplicate_part", _("Part {part} is listed twice: list each part once.").format(part=number), "/parts/{}/part_number".format(index)))
        elif number == product.get("part_number"):
            add(ErrorDetail("part_is_product", _("The product {part} cannot be one of its own components.").format(part=number), "/parts/{}/part_number".format(index)))
        listed.setdefault(number, part)
        gtin = part.get("gtin")
        if isinstance(gtin, str) and "/parts/{}/gtin".format(index) not in schema_paths and not _valid_gtin(gtin):
            add(ErrorDetail("invalid_gtin", _("GTIN {gtin} has a wrong check digit. Copy it again from the part master.").format(gtin=gtin), "/parts/{}/gtin".format(index)))

    operations = document.get("operations") if isinstance(document.get("operations"), list) else []
    previous_sequence = None
    codes: dict[str, str] = {}
    operation_codes: dict[str, int] = {}
    for o, operation in enumerate(operations):
        if not isinstance(operation, dict):
            continue
        sequence = operation.get("sequence")
        if isinstance(sequence, int) and not isinstance(sequence, bool):
            if previous_sequence is not None and sequence <= previous_sequence:
                add(ErrorDetail(
                    "sequence_order",
                    _("Operation sequence {sequence} must be greater than the one before it ({previous}): sequences are unique and increasing.").format(sequence=sequence, previous=previous_sequence),
                    "/operations/{}/sequence".format(o),
                ))
            previous_sequence = sequence if previous_sequence is None else max(previous_sequence, sequence)
        code = operation.get("code")
        if isinstance(code, str):
            if code in operation_codes:
                add(ErrorDetail("duplicate_operation_code", _("Operation code {code} is used twice.").format(code=code), "/operations/{}/code".format(o)))
            operation_codes.setdefault(code, o)
        steps = operation.get("steps") if isinstance(operation.get("steps"), list) else []
        step_sequences: set[int] = set()
        for s, step in enumerate(steps):
            if not isinstance(step, dict):
                continue
            base = "/operations/{}/steps/{}".format(o, s)
            step_sequence = step.get("sequence")
            if isinstance(step_sequence, int):
                if step_sequence in step_sequences:
                    add(ErrorDetail("duplicate_sequence", _("Step sequence {sequence} is used twice in operation {code}.").format(sequence=step_sequence, code=code), base + "/sequence"))
                step_sequences.add(step_sequence)
            for m, material in enumerate(step.get("materials") or [] if isinstance(step.get("materials"), list) else []):
                if isinstance(material, dict):
                    problems.extend(_material_problems(material, listed, "{}/materials/{}".format(base, m), schema_paths))
            for c, characteristic in enumerate(step.get("characteristics") or [] if isinstance(step.get("characteristics"), list) else []):
                if not isinstance(characteristic, dict):
                    continue
                where = "{}/characteristics/{}".format(base, c)
                characteristic_code = characteristic.get("code")
                if isinstance(characteristic_code, str):
                    if characteristic_code in codes:
                        add(ErrorDetail(
                            "duplicate_characteristic",
                            _("Characteristic code {code} is already used at {other}: codes are unique within a revision.").format(code=characteristic_code, other=codes[characteristic_code]),
                            where + "/code",
                        ))
                    codes.setdefault(characteristic_code, where)
                problems.extend(_characteristic_problems(characteristic, where))
            for m, item in enumerate(step.get("media") or [] if isinstance(step.get("media"), list) else []):
                if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                    continue
                path = item["path"]
                where = "{}/media/{}/path".format(base, m)
                if path in bundle.media_problems:
                    problem = bundle.media_problems[path]
                    add(ErrorDetail(problem.code, problem.message, where))
                elif path not in bundle.media and where not in schema_paths:
                    add(ErrorDetail(
                        "media_missing",
                        _("The media file '{path}' was not sent: send the release as a ZIP bundle holding release.json and the media it names.").format(path=path),
                        where,
                    ))
    return problems


def _material_problems(material: dict, listed: dict[str, dict], where: str, schema_paths: set[str]) -> list[ErrorDetail]:
    problems: list[ErrorDetail] = []
    number = material.get("part_number")
    if not isinstance(number, str):
        return problems
    part = listed.get(number)
    if part is None:
        problems.append(ErrorDetail(
            "part_not_listed", _("Part {part} is not listed in 'parts': add it there, or correct the part number.").format(part=number), where + "/part_number"
        ))
    quantity = material.get("quantity")
    if part is not None and part.get("tracking") == "serial" and isinstance(quantity, (int, float)) and quantity != 1 and where + "/quantity" not in schema_paths:
        problems.append(ErrorDetail(
            "serial_quantity", _("Part {part} is tracked by serial: its quantity must be 1 (list it again for several).").format(part=number), where + "/quantity"
        ))
    alternates = material.get("alternates")
    if isinstance(alternates, list):
        for a, alternate in enumerate(alternates):
            if not isinstance(alternate, str):
                continue
            if alternate == number:
                problems.append(ErrorDetail("alternate_is_itself", _("A part cannot be its own alternate."), "{}/alternates/{}".format(where, a)))
            elif alternate not in listed:
                problems.append(ErrorDetail(
                    "part_not_listed", _("Alternate {part} is not listed in 'parts': add it there.").format(part=alternate), "{}/alternates/{}".format(where, a)
                ))
    revisions = material.get("allowed_revisions")
    if isinstance(revisions, list) and len(set(map(str, revisions))) != len(revisions):
        problems.append(ErrorDetail("duplicate_revision", _("A revision is listed twice in allowed_revisions."), where + "/allowed_revisions"))
    return problems


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return Decimal(str(value))


def _characteristic_problems(characteristic: dict, where: str) -> list[ErrorDetail]:
    problems: list[ErrorDetail] = []
    kind = characteristic.get("kind")
    nominal, lower, upper = (_number(characteristic.get(key)) for key in ("nominal", "lower", "upper"))
    if kind == "variable":
        if not characteristic.get("unit"):
            problems.append(ErrorDetail("unit_required", _("A variable characteristic needs its 'unit' (e.g. N.m, mm)."), where + "/unit"))
        if lower is None and upper is None:
            problems.append(ErrorDetail("limits_required", _("A variable characteristic needs 'lower', 'upper' or both."), where + "/lower"))
        if lower is not None and upper is not None and lower > upper:
            problems.append(ErrorDetail("limits_reversed", _("'lower' ({lower}) is above 'upper' ({upper}): swap them.").format(lower=lower, upper=upper), where + "/upper"))
        elif nominal is not None and ((lower is not None and nominal < lower) or (upper is not None and nominal > upper)):
            problems.append(ErrorDetail("nominal_outside_limits", _("'nominal' ({nominal}) must lie between 'lower' and 'upper'.").format(nominal=nominal), where + "/nominal"))
    elif kind == "attribute":
        for key in ("nominal", "lower", "upper"):
            if characteristic.get(key) is not None:
                problems.append(ErrorDetail(
                    "limits_on_attribute", _("A pass/fail (attribute) characteristic has no '{key}': remove it, or make it a variable.").format(key=key), "{}/{}".format(where, key)
                ))
    return problems
