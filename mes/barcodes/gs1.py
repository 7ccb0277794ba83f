"""Turning the raw text of a scan into what it names: a lot code, a serial, a GTIN, a quantity.

A wedge scanner types like a keyboard. It may prefix a symbology identifier (`]C1` GS1-128,
`]d2` GS1 DataMatrix, `]Q3` GS1 QR, `]e0` GS1 DataBar), and it may type FNC1 as the GS
character (\\x1d) or, because many cannot, as a printable replacement configured in
`settings.THREADLINE_GS1_GROUP_SEPARATOR_REPLACEMENTS`. biip parses the element strings and
checks GTIN/SSCC/GLN check digits and dates; `syntax_dictionary` adds GS1's pairing rules
(`req=`, `ex=`) and the remaining check digits. Anything else is a plain lot code.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import biip
from django.conf import settings
from django.utils.translation import gettext as _

from mes.barcodes import syntax_dictionary
from mes.core.errors import DomainError

GROUP_SEPARATOR = "\x1d"
# Symbology identifiers whose data is GS1 element strings (ISO/IEC 15424 modifiers).
GS1_SYMBOLOGIES = frozenset({"]C1", "]e0", "]e1", "]e2", "]d2", "]Q3", "]J1"})
_SYMBOLOGY = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_HUMAN_READABLE = re.compile(r"\((\d{2,4})\)")
_PLAIN_CODE = re.compile(r"^[\x21-\x7e]{1,64}$")


@dataclass(frozen=True)
class ScannedCode:
    """What one scan says. `lot` is the lot code to look up (the (21) serial for serial-lots)."""

    raw: str
    is_gs1: bool
    lot: str | None = None
    batch: str | None = None
    serial: str | None = None
    gtin: str | None = None
    expires_on: date | None = None
    quantity: Decimal | None = None
    symbology: str | None = None
    element_strings: dict[str, str] = field(default_factory=dict)


def invalid_barcode(message: str) -> DomainError:
    return DomainError("invalid_barcode", message, "barcode")


def _separators() -> list[str]:
    configured = getattr(settings, "THREADLINE_GS1_GROUP_SEPARATOR_REPLACEMENTS", [])
    return [GROUP_SEPARATOR, *[character for character in configured if character]]


def _from_human_readable(text: str) -> str:
    """'(01)09506000134352(10)ABC' → element strings separated by GS (biip reads no brackets)."""
    parts = _HUMAN_READABLE.split(text)
    if parts[0] != "":
        raise invalid_barcode(
            _("The barcode text '{text}' mixes bracketed and plain data: scan it again.").format(text=text)
        )
    pairs = zip(parts[1::2], parts[2::2], strict=True)
    return GROUP_SEPARATOR.join(ai + value for ai, value in pairs)


def _looks_like_gs1(text: str, separators: list[str]) -> bool:
    """Without a GS1 symbology identifier, treat text as element strings only when it cannot be a lot code."""
    if text.startswith("("):
        return True
    if GROUP_SEPARATOR in text:
        return True
    # A GTIN first ("01" + 14 digits) is how GS1 labels start; lot codes of that shape are not plausible.
    if re.match(r"^0[123]\d{14}", text):
        return True
    return any(separator in text for separator in separators[1:]) and text[:2].isdigit()


def parse_scan(raw: str) -> ScannedCode:
    """Read one scan; refuse with `invalid_barcode` and a sentence the operator can act on."""
    text = (raw or "").strip("\r\n\t ")
    if not text:
        raise invalid_barcode(_("The scan was empty: scan the label again."))
    separators = _separators()
    symbology = None
    match = _SYMBOLOGY.match(text)
    if match is not None:
        symbology, text = text[:3], text[3:]
        if not text:
            raise invalid_barcode(_("The scan held no data: scan the label again."))
        if symbology not in GS1_SYMBOLOGIES:
            return _plain(raw, text, symbology)
    elif not _looks_like_gs1(text, separators):
        return _plain(raw, text, None)
    return _gs1(raw, text, symbology, separators)


def _plain(raw: str, text: str, symbology: str | None) -> ScannedCode:
    if not _PLAIN_CODE.match(text):
        raise invalid_barcode(
            _("'{text}' is not a lot code or a GS1 label: scan the lot label (or type the lot code).").format(
                text=text
            )
        )
    return ScannedCode(raw=raw, is_gs1=False, lot=text, symbology=symbology)


def _gs1(raw: str, text: str, symbology: str | None, separators: list[str]) -> ScannedCode:
    if text.startswith("("):
        text = _from_human_readable(text)
    # A scanner may end a message with FNC1: a trailing separator carries no data.
    text = text.rstrip("".join(separators))
    try:
        result = biip.parse(text, config=biip.ParseConfig(separator_chars=separators))
    except biip.ParseError as error:
        raise invalid_barcode(
            _("The GS1 label could not be read ({reason}): scan it again, or scan the lot label.").format(
                reason=error
            )
        ) from None
    message = result.gs1_message
    if message is None:
        raise invalid_barcode(
            _("The GS1 label could not be read ({reason}): scan it again, or scan the lot label.").format(
                reason=result.gs1_message_error or _("no application identifiers")
            )
        )
    pairs: list[tuple[str, str]] = []
    for element in message.element_strings:
        for problem in (element.gtin_error, element.sscc_error, element.gln_error):
            if problem:
                raise invalid_barcode(
                    _(
                        "The label's ({ai}) has a wrong check digit: the label is damaged or "
                        "misprinted; call material."
                    ).format(ai=element.ai.ai)
                )
        pairs.append((element.ai.ai, element.value))
    seen: dict[str, str] = {}
    for ai, value in pairs:
        if seen.setdefault(ai, value) != value:
            raise invalid_barcode(
                _("The label carries ({ai}) twice with different values: call material.").format(ai=ai)
            )
    _check_syntax_rules(pairs)
    values = dict(pairs)
    quantity = None
    for quantity_ai in ("30", "37"):
        if quantity_ai in values:
            try:
                quantity = Decimal(values[quantity_ai])
            except InvalidOperation:  # pragma: no cover - biip already checks N..8
                raise invalid_barcode(_("The label's quantity cannot be read: enter the quantity.")) from None
    expires_on = None
    for element in message.element_strings:
        if element.ai.ai == "17":
            expires_on = element.date
    batch = values.get("10")
    serial = values.get("21")
    return ScannedCode(
        raw=raw,
        is_gs1=True,
        lot=serial or batch,
        batch=batch,
        serial=serial,
        gtin=values.get("01") or values.get("02"),
        expires_on=expires_on,
        quantity=quantity,
        symbology=symbology,
        element_strings=values,
    )


def _check_syntax_rules(pairs: list[tuple[str, str]]) -> None:
    problems = syntax_dictionary.violations(pairs)
    if not problems:
        return
    # The most telling problem first: a misprint (check digit), then a forbidden pairing, then a missing one.
    priority = {"check_digit": 0, "excludes": 1, "requires": 2}
    problem = sorted(problems, key=lambda item: priority[item.kind])[0]
    if problem.kind == "check_digit":
        message = _(
            "The label's ({ai}) has a wrong check digit: the label is damaged or misprinted; call material."
        ).format(ai=problem.ai)
    elif problem.kind == "requires":
        message = _(
            "The label's ({ai}) needs ({others}) on the same label, which is missing: scan the full "
            "item label."
        ).format(ai=problem.ai, others=") or (".join(problem.related))
    else:
        message = _(
            "The label carries ({ai}) together with ({other}), which GS1 forbids: the label is "
            "misprinted; call material."
        ).format(ai=problem.ai, other=problem.detail)
    raise invalid_barcode(message)
