"""Checking a release document against threadline.mbom-release/1.

Two passes, both complete: the JSON Schema (shapes, types, lengths), then the rules
that need the whole document or the database (unique sequences, references, limits in
order, GTIN check digits, the superseded revision). Every problem is reported, each
with the JSON Pointer of its element and a sentence a PLM administrator can act on.
"""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TypeGuard

from biip import ParseError
from biip.gtin import Gtin
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from core.errors import ErrorDetail
from instructions.models import Revision
from instructions.models.revisions import split_serial
from instructions.services.parsing import ReleaseBundle

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "mbom-release-1.schema.json"
MAX_PROBLEMS = 500


@cache
def release_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


@cache
def _validator() -> Draft202012Validator:
    # Local $refs inlined: resolving a reference per element is most of the time of a 5,000-step check.
    schema = release_schema()
    return Draft202012Validator(_inline_refs(schema, schema["$defs"]))


def _inline_refs(node, definitions: dict):
    if isinstance(node, dict):
        reference = node.get("$ref", "")
        if reference.startswith("#/$defs/") and len(node) == 1:
            return _inline_refs(definitions[reference.removeprefix("#/$defs/")], definitions)
        return {key: _inline_refs(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(item, definitions) for item in node]
    return node


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
        return _(" or ").join(names.get(item, str(item)) for item in expected)
    return names.get(expected, expected)


def _schema_problems(error: ValidationError) -> list[ErrorDetail]:
    """One schema violation as sentences, at the pointer of each offending element."""
    where = pointer(error.absolute_path)
    validator, value = error.validator, error.validator_value
    if validator == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        return [
            ErrorDetail(
                "missing_field",
                _("'{field}' is required here. Add it.").format(field=name),
                "{}/{}".format(where, name),
            )
            for name in value
            if name not in instance
        ]
    if validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extras = sorted(
            key for key in error.instance if key not in allowed and not (where == "" and key.startswith("x-"))
        )
        message = (
            _(
                "'{key}' is not a field of the release document. Remove it, or prefix it with 'x-' to carry "
                "it as an extension."
            )
            if where == ""
            else _("'{key}' is not a field here. Remove it; the allowed fields are: {allowed}.")
        )
        return [
            ErrorDetail(
                "unknown_field",
                message.format(key=key, allowed=", ".join(sorted(allowed))),
                "{}/{}".format(where, key),
            )
            for key in extras
        ]
    if validator == "const":
        if where == "/schema":
            return [
                ErrorDetail(
                    "unsupported_schema",
                    _("Threadline reads '{value}' documents only. Send the release in that format.").format(
                        value=value
                    ),
                    where,
                )
            ]
        return [ErrorDetail("invalid_value", _("Must be exactly '{value}'.").format(value=value), where)]
    if validator == "enum":
        shown = (
            error.instance
            if isinstance(error.instance, (str, int, float, bool))
            else type(error.instance).__name__
        )
        return [
            ErrorDetail(
                "invalid_choice",
                _("'{value}' is not allowed here. Use one of: {choices}.").format(
                    value=str(shown)[:80], choices=", ".join(map(str, value))
                ),
                where,
            )
        ]
    if validator == "type":
        return [
            ErrorDetail(
                "wrong_type",
                _("Must be {expected}, not {found}. Correct the value.").format(
                    expected=_type_name(value), found=_json_type_name(error.instance)
                ),
                where,
            )
        ]
    if validator == "minLength":
        if value == 1:
            return [
                ErrorDetail(
                    "empty",
                    _("Must not be empty. Fill it in, or leave the field out where it is optional."),
                    where,
                )
            ]
        return [
            ErrorDetail(
                "too_short", _("Must be at least {count} characters long.").format(count=value), where
            )
        ]
    if validator == "maxLength":
        return [
            ErrorDetail(
                "too_long",
                _("Is {length} characters long; the limit is {count}. Shorten it.").format(
                    length=len(error.instance), count=value
                ),
                where,
            )
        ]
    if validator == "minItems":
        return [
            ErrorDetail(
                "too_few", _("Must list at least {count} item(s). Add them.").format(count=value), where
            )
        ]
    if validator == "maxItems":
        return [
            ErrorDetail(
                "too_many",
                _("Lists {found} items; the limit is {count}. Split it.").format(
                    found=len(error.instance), count=value
                ),
                where,
            )
        ]
    if validator in ("minimum", "exclusiveMinimum"):
        text = (
            _("Must be at least {limit}.") if validator == "minimum" else _("Must be greater than {limit}.")
        )
        return [ErrorDetail("out_of_range", text.format(limit=value), where)]
    if validator in ("maximum", "exclusiveMaximum"):
        return [ErrorDetail("out_of_range", _("Must be at most {limit}.").format(limit=value), where)]
    if validator == "pattern":
        field = str(error.absolute_path[-1]) if error.absolute_path else ""
        hints = {
            "gtin": _("A GTIN is exactly 14 digits (pad shorter GTINs with leading zeros)."),
            "path": _("Media must be a jpg, png, webp, svg, mp4 or pdf file."),
            "serial_from": _("A serial bound must end in a number (e.g. PC-01000) and hold no spaces."),
            "serial_to": _("A serial bound must end in a number (e.g. PC-01999) and hold no spaces."),
            "date_from": _("Must be a date as YYYY-MM-DD, or null."),
            "date_to": _("Must be a date as YYYY-MM-DD, or null."),
        }
        code = {"gtin": "invalid_gtin", "date_from": "invalid_date", "date_to": "invalid_date"}.get(
            field, "invalid_format"
        )
        return [ErrorDetail(code, hints.get(field, _("Must not start or end with spaces. Trim it.")), where)]
    return [ErrorDetail("invalid", str(error.message), where)]


def _json_type_name(value) -> str:
    if value is None:
        return _("null")
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, (int, float)):
        return _("a number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    return _("an object")


@cache
def _field_order() -> dict[str, int]:
    """Each field name's place in the format, as the schema lists them (first definition wins)."""
    schema = release_schema()
    objects = [schema, schema["properties"]["product"], *schema["$defs"].values()]
    order: dict[str, int] = {}
    for item in objects:
        for name in item.get("properties", {}):
            order.setdefault(name, len(order))
    return order


def _path_key(path: str) -> tuple:
    """Document order for pointers: fields in the format's order, /operations/10 after /operations/2."""
    order = _field_order()
    return tuple(
        (0, int(token), "") if token.isdigit() else (1, order.get(token, len(order)), token)
        for token in path.split("/")[1:]
    )


def parse_released_at(text: str) -> datetime | None:
    """ISO 8601 date and time with an offset ('T' and 'Z' in either case), or None."""
    if not isinstance(text, str) or "T" not in text.upper():
        return None
    try:
        parsed = datetime.fromisoformat(text.upper())
        if parsed.tzinfo is None:
            return None
        parsed.astimezone(UTC)  # year 1 with a positive offset falls before year 1 in UTC
    except (ValueError, OverflowError):
        return None
    return parsed


def _is_date(text: object) -> TypeGuard[str]:
    if not isinstance(text, str) or len(text) != 10:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _valid_gtin(text: str) -> bool:
    try:
        Gtin.parse(text)
    except ParseError:
        return False
    return True


def _integer(value) -> int | None:
    """JSON Schema counts 10.0 as an integer; so do the rules."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return Decimal(str(value))


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    if not isinstance(exponent, int):  # NaN or infinity: the parser admits finite numbers only
        raise ValueError("{} has no decimal places to count.".format(value))
    return max(0, -exponent)


def _precision_problem(value, places: int, where: str) -> list[ErrorDetail]:
    """More decimals than Threadline keeps would be rounded: refuse rather than silently change the value."""
    number = _number(value)
    if number is None or _decimals(number) <= places:
        return []
    return [
        ErrorDetail(
            "too_precise",
            _(
                "{value} has more than {places} decimal places, which would be rounded. Round it in PLM and "
                "release again."
            ).format(value=value, places=places),
            where,
        )
    ]


def validate_release(bundle: ReleaseBundle, *, draft: bool = False) -> list[ErrorDetail]:
    """Every problem of the document, in document order; an empty list means it may be stored."""
    document = bundle.document
    problems = [
        problem for error in _validator().iter_errors(document) for problem in _schema_problems(error)
    ]
    schema_paths = {problem.path for problem in problems}
    problems.extend(_rule_problems(document, bundle, schema_paths, draft=draft))
    unique: dict[tuple[str, str], ErrorDetail] = {}
    for problem in sorted(problems, key=lambda problem: _path_key(problem.path)):
        unique.setdefault((problem.path, problem.code), problem)
    return list(unique.values())[:MAX_PROBLEMS]


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _rule_problems(
    document: dict, bundle: ReleaseBundle, schema_paths: set[str], *, draft: bool
) -> list[ErrorDetail]:
    problems: list[ErrorDetail] = []
    add = problems.append

    for field in ("release_id", "released_by"):
        value = document.get(field)
        if isinstance(value, str) and value and not value.strip():
            add(
                ErrorDetail(
                    "empty",
                    _(
                        "Holds only spaces. Fill it in: '{field}' names this release to people and systems."
                    ).format(field=field),
                    "/" + field,
                )
            )
    released_at = document.get("released_at")
    if isinstance(released_at, str) and parse_released_at(released_at) is None:
        add(
            ErrorDetail(
                "invalid_datetime",
                _(
                    "Must be an ISO 8601 date and time with an offset, e.g. 2026-11-02T09:30:00Z or "
                    "2026-11-02T10:30:00+01:00."
                ),
                "/released_at",
            )
        )
    effectivity = document.get("effectivity")
    if isinstance(effectivity, dict):
        for key in ("date_from", "date_to"):
            value = effectivity.get(key)
            where = "/effectivity/{}".format(key)
            if isinstance(value, str) and where not in schema_paths and not _is_date(value):
                add(
                    ErrorDetail(
                        "invalid_date",
                        _("{value} is not a calendar date: write it as YYYY-MM-DD.").format(value=value),
                        where,
                    )
                )
        date_from, date_to = effectivity.get("date_from"), effectivity.get("date_to")
        if _is_date(date_from) and _is_date(date_to) and date_from > date_to:
            add(
                ErrorDetail(
                    "effectivity_reversed",
                    _("date_to is before date_from: swap them or correct one."),
                    "/effectivity/date_to",
                )
            )
        serial_from, serial_to = effectivity.get("serial_from"), effectivity.get("serial_to")
        if isinstance(serial_from, str) and isinstance(serial_to, str):
            low, high = split_serial(serial_from), split_serial(serial_to)
            if low and high and low[0] != high[0]:
                add(
                    ErrorDetail(
                        "effectivity_prefix_mismatch",
                        _(
                            "serial_from and serial_to must share their prefix ('{low}' vs '{high}'): "
                            "serial ranges compare the trailing number of equal-prefix serials."
                        ).format(low=low[0], high=high[0]),
                        "/effectivity/serial_to",
                    )
                )
            elif low and high and low[1] > high[1]:
                add(
                    ErrorDetail(
                        "effectivity_reversed",
                        _("serial_to is below serial_from: swap them or correct one."),
                        "/effectivity/serial_to",
                    )
                )

    product = document.get("product")
    if not isinstance(product, dict):
        product = {}
    revision_code = document.get("revision")
    supersedes = document.get("supersedes")
    if isinstance(supersedes, str) and supersedes == revision_code:
        add(
            ErrorDetail(
                "supersedes_itself",
                _(
                    "A revision cannot supersede itself. Name the revision this one replaces, or leave "
                    "'supersedes' out."
                ),
                "/supersedes",
            )
        )
    elif (
        isinstance(supersedes, str)
        and "/supersedes" not in schema_paths
        and isinstance(product.get("part_number"), str)
        and not draft
    ):
        known = (
            Revision.objects.executable()
            .filter(product__part_number=product["part_number"], revision=supersedes)
            .exists()
        )
        if not known:
            add(
                ErrorDetail(
                    "supersedes_unknown",
                    _(
                        "Revision {revision} of {part} is not known here as released: import it first, or "
                        "correct 'supersedes'."
                    ).format(revision=supersedes, part=product["part_number"]),
                    "/supersedes",
                )
            )

    listed: dict[str, dict] = {}
    if not isinstance(document.get("parts"), list):
        listed = _AnyPart()  # the schema reports 'parts'; do not also flag every material
    for index, part in enumerate(_list(document.get("parts"))):
        if not isinstance(part, dict) or not isinstance(part.get("part_number"), str):
            continue
        number = part["part_number"]
        if number in listed:
            add(
                ErrorDetail(
                    "duplicate_part",
                    _("Part {part} is listed twice: list each part once.").format(part=number),
                    "/parts/{}/part_number".format(index),
                )
            )
        elif number == product.get("part_number"):
            add(
                ErrorDetail(
                    "part_is_product",
                    _(
                        "The product {part} cannot be one of its own components. Remove it from 'parts'."
                    ).format(part=number),
                    "/parts/{}/part_number".format(index),
                )
            )
        listed.setdefault(number, part)
        gtin = part.get("gtin")
        if (
            isinstance(gtin, str)
            and "/parts/{}/gtin".format(index) not in schema_paths
            and not _valid_gtin(gtin)
        ):
            add(
                ErrorDetail(
                    "invalid_gtin",
                    _("GTIN {gtin} has a wrong check digit. Copy it again from the part master.").format(
                        gtin=gtin
                    ),
                    "/parts/{}/gtin".format(index),
                )
            )

    if not draft:  # a draft sets no master data, so it cannot contradict it either
        problems.extend(_master_data_problems(product, listed, document))

    previous_sequence = None
    codes: dict[str, str] = {}
    operation_codes: set[str] = set()
    for o, operation in enumerate(_list(document.get("operations"))):
        if not isinstance(operation, dict):
            continue
        sequence = _integer(operation.get("sequence"))
        if sequence is not None:
            if previous_sequence is not None and sequence <= previous_sequence:
                add(
                    ErrorDetail(
                        "sequence_order",
                        _(
                            "Operation sequence {sequence} must be greater than the one before it "
                            "({previous}): sequences are unique and increasing."
                        ).format(sequence=sequence, previous=previous_sequence),
                        "/operations/{}/sequence".format(o),
                    )
                )
            previous_sequence = sequence if previous_sequence is None else max(previous_sequence, sequence)
        code = operation.get("code")
        if isinstance(code, str):
            if code in operation_codes:
                add(
                    ErrorDetail(
                        "duplicate_operation_code",
                        _("Operation code {code} is used twice. Give each operation its own code.").format(
                            code=code
                        ),
                        "/operations/{}/code".format(o),
                    )
                )
            operation_codes.add(code)
        problems.extend(
            _precision_problem(
                operation.get("standard_minutes"), 2, "/operations/{}/standard_minutes".format(o)
            )
        )
        step_sequences: set[int] = set()
        for s, step in enumerate(_list(operation.get("steps"))):
            if not isinstance(step, dict):
                continue
            base = "/operations/{}/steps/{}".format(o, s)
            step_sequence = _integer(step.get("sequence"))
            if step_sequence is not None:
                if step_sequence in step_sequences:
                    add(
                        ErrorDetail(
                            "duplicate_sequence",
                            _(
                                "Step sequence {sequence} is used twice in operation {code}. Give each step "
                                "its own sequence."
                            ).format(sequence=step_sequence, code=code),
                            base + "/sequence",
                        )
                    )
                step_sequences.add(step_sequence)
            for m, material in enumerate(_list(step.get("materials"))):
                if isinstance(material, dict):
                    problems.extend(
                        _material_problems(material, listed, "{}/materials/{}".format(base, m), schema_paths)
                    )
            for c, characteristic in enumerate(_list(step.get("characteristics"))):
                if not isinstance(characteristic, dict):
                    continue
                where = "{}/characteristics/{}".format(base, c)
                characteristic_code = characteristic.get("code")
                if isinstance(characteristic_code, str):
                    if characteristic_code in codes:
                        add(
                            ErrorDetail(
                                "duplicate_characteristic",
                                _(
                                    "Characteristic code {code} is already used at {other}: codes are "
                                    "unique within a revision."
                                ).format(code=characteristic_code, other=codes[characteristic_code]),
                                where + "/code",
                            )
                        )
                    codes.setdefault(characteristic_code, where)
                problems.extend(_characteristic_problems(characteristic, where, schema_paths))
            for m, item in enumerate(_list(step.get("media"))):
                if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                    continue
                path = item["path"]
                where = "{}/media/{}/path".format(base, m)
                if where in schema_paths:
                    continue
                if not _inside_bundle(path):
                    add(
                        ErrorDetail(
                            "unsafe_path",
                            _(
                                "'{path}' points outside the bundle. Use a relative path inside it, such as "
                                "media/op10-step10.jpg."
                            ).format(path=path),
                            where,
                        )
                    )
                elif path in bundle.media_problems:
                    problem = bundle.media_problems[path]
                    add(ErrorDetail(problem.code, problem.message, where))
                elif path not in bundle.media:
                    add(
                        ErrorDetail(
                            "media_missing",
                            _(
                                "The media file '{path}' was not sent: send the release as a ZIP bundle "
                                "holding release.json and the media it names."
                            ).format(path=path),
                            where,
                        )
                    )
    return problems


class _AnyPart(dict):
    def get(self, key, default=None):
        return {}

    def __contains__(self, key) -> bool:
        return True


def _inside_bundle(path: str) -> bool:
    if path.startswith("/") or "\\" in path or ":" in path:
        return False
    return all(part not in ("..", ".", "") for part in path.split("/"))


def _material_problems(
    material: dict, listed: dict[str, dict], where: str, schema_paths: set[str]
) -> list[ErrorDetail]:
    problems: list[ErrorDetail] = []
    number = material.get("part_number")
    quantity = material.get("quantity")
    if where + "/quantity" not in schema_paths:
        problems.extend(_precision_problem(quantity, 4, where + "/quantity"))
    if not isinstance(number, str):
        return problems
    part = listed.get(number)
    if part is None:
        problems.append(
            ErrorDetail(
                "part_not_listed",
                _("Part {part} is not listed in 'parts': add it there, or correct the part number.").format(
                    part=number
                ),
                where + "/part_number",
            )
        )
    if (
        part is not None
        and part.get("tracking") == "serial"
        and _number(quantity) is not None
        and _number(quantity) != 1
        and where + "/quantity" not in schema_paths
    ):
        problems.append(
            ErrorDetail(
                "serial_quantity",
                _(
                    "Part {part} is tracked by serial: its quantity must be 1 (list it again for several)."
                ).format(part=number),
                where + "/quantity",
            )
        )
    for a, alternate in enumerate(_list(material.get("alternates"))):
        if not isinstance(alternate, str):
            continue
        if alternate == number:
            problems.append(
                ErrorDetail(
                    "alternate_is_itself",
                    _("A part cannot be its own alternate. Remove {part} from 'alternates'.").format(
                        part=number
                    ),
                    "{}/alternates/{}".format(where, a),
                )
            )
        elif alternate not in listed:
            problems.append(
                ErrorDetail(
                    "part_not_listed",
                    _("Alternate {part} is not listed in 'parts': add it there.").format(part=alternate),
                    "{}/alternates/{}".format(where, a),
                )
            )
    revisions = [item for item in _list(material.get("allowed_revisions")) if isinstance(item, str)]
    seen: set[str] = set()
    for r, code in enumerate(revisions):
        if code in seen:
            problems.append(
                ErrorDetail(
                    "duplicate_revision",
                    _("Revision {revision} is listed twice in allowed_revisions: list it once.").format(
                        revision=code
                    ),
                    "{}/allowed_revisions/{}".format(where, r),
                )
            )
        seen.add(code)
    return problems


def _characteristic_problems(characteristic: dict, where: str, schema_paths: set[str]) -> list[ErrorDetail]:
    problems: list[ErrorDetail] = []
    kind = characteristic.get("kind")
    for key in ("nominal", "lower", "upper"):
        if "{}/{}".format(where, key) not in schema_paths:
            problems.extend(_precision_problem(characteristic.get(key), 8, "{}/{}".format(where, key)))
    nominal, lower, upper = (_number(characteristic.get(key)) for key in ("nominal", "lower", "upper"))
    if kind == "variable":
        if not characteristic.get("unit"):
            problems.append(
                ErrorDetail(
                    "unit_required",
                    _("A variable characteristic needs its 'unit' (e.g. N.m, mm). Add it."),
                    where + "/unit",
                )
            )
        if (
            lower is None
            and upper is None
            and where + "/lower" not in schema_paths
            and where + "/upper" not in schema_paths
        ):
            problems.append(
                ErrorDetail(
                    "limits_required",
                    _("A variable characteristic needs 'lower', 'upper' or both. Add its tolerance limits."),
                    where + "/lower",
                )
            )
        if lower is not None and upper is not None and lower > upper:
            problems.append(
                ErrorDetail(
                    "limits_reversed",
                    _("'lower' ({lower}) is above 'upper' ({upper}): swap them.").format(
                        lower=lower, upper=upper
                    ),
                    where + "/upper",
                )
            )
        elif nominal is not None and (
            (lower is not None and nominal < lower) or (upper is not None and nominal > upper)
        ):
            problems.append(
                ErrorDetail(
                    "nominal_outside_limits",
                    _(
                        "'nominal' ({nominal}) must lie between 'lower' and 'upper'. Correct the nominal or "
                        "the limits."
                    ).format(nominal=nominal),
                    where + "/nominal",
                )
            )
    elif kind == "attribute":
        for key in ("nominal", "lower", "upper"):
            if characteristic.get(key) is not None:
                problems.append(
                    ErrorDetail(
                        "limits_on_attribute",
                        _(
                            "A pass/fail (attribute) characteristic has no '{key}': remove it, or make it a "
                            "variable."
                        ).format(key=key),
                        "{}/{}".format(where, key),
                    )
                )
    return problems


def _master_data_problems(product: dict, listed: dict, document: dict) -> list[ErrorDetail]:
    """A part number keeps its unit of measure and its tracking across revisions.

    Lots already received, units already built and scans already checked rely on them;
    a change of either is a new part number in PLM, not a new revision.
    """
    from instructions.models import Part, Product

    problems: list[ErrorDetail] = []
    if isinstance(product.get("part_number"), str):
        # Only released revisions fix a product's master data; one seen only in drafts can still change.
        stored = Product.objects.filter(
            part_number=product["part_number"], revisions__status__in=["released", "superseded"]
        ).first()
        for key in ("uom", "tracking"):
            if (
                stored is not None
                and isinstance(product.get(key), str)
                and product[key] != getattr(stored, key)
            ):
                problems.append(
                    ErrorDetail(
                        "master_data_changed",
                        _(
                            "Product {part} has {key} '{stored}' in the revisions already here, not "
                            "'{sent}'. "
                            "A change of {key} needs a new part number; correct the release or ask PLM."
                        ).format(
                            part=stored.part_number, key=key, stored=getattr(stored, key), sent=product[key]
                        ),
                        "/product/{}".format(key),
                    )
                )
    parts = _list(document.get("parts"))
    numbers = [
        part["part_number"]
        for part in parts
        if isinstance(part, dict) and isinstance(part.get("part_number"), str)
    ]
    stored_parts = (
        {part.part_number: part for part in Part.objects.filter(part_number__in=numbers)} if numbers else {}
    )
    for index, part in enumerate(parts):
        if not isinstance(part, dict) or part.get("part_number") not in stored_parts:
            continue
        stored_part = stored_parts[part["part_number"]]
        for key in ("uom", "tracking"):
            if isinstance(part.get(key), str) and part[key] != getattr(stored_part, key):
                problems.append(
                    ErrorDetail(
                        "master_data_changed",
                        _(
                            "Part {part} has {key} '{stored}' in the revisions already here, not '{sent}'. "
                            "A change of {key} needs a new part number; correct the release or ask PLM."
                        ).format(
                            part=stored_part.part_number,
                            key=key,
                            stored=getattr(stored_part, key),
                            sent=part[key],
                        ),
                        "/parts/{}/{}".format(index, key),
                    )
                )
    return problems
