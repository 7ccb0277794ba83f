"""Turning the raw text of a scan into what it names: a lot code, a serial, a GTIN, a quantity.

A wedge scanner types like a keyboard. It may prefix a symbology identifier (`]C1` GS1-128,
`]d2` GS1 DataMatrix, `]Q3` GS1 QR, `]e0` GS1 DataBar and composites, `]E0` EAN-13/UPC-A,
`]E4` EAN-8), and it may type FNC1 as the GS character (\\x1d) or, because many cannot, as a
printable replacement configured in `settings.THREADLINE_GS1_GROUP_SEPARATOR_REPLACEMENTS`.

What is read (docs/line.md, "What the scanner may send", says the same for operators):

- element strings, unbracketed (`]C101…10…`, FNC1 as GS or a replacement) or bracketed
  (`(01)…(10)…`, a literal `(` in a value written `\\(`);
- GS1 Digital Link URIs on any domain (`https://id.gs1.org/01/…/10/…?17=…`);
- EAN-13, UPC-A and EAN-8 with their symbology identifier (`]E0`, `]E4`), alone or with a
  composite component as GS1's reference engine emits it (`]E0<13 digits>|]e0<element strings>`)
  or as text (`0614141123452|(10)ABC`, the 2D part bracketed or not);
- anything else is a plain lot code.

Every value is checked against GS1's Barcode Syntax Dictionary (`syntax_dictionary`,
`linters`): lengths, character sets, check digits, dates, code lists, and the pairing rules
(`req=`, `ex=`) over the whole item. A refusal is a `BarcodeRefused` (a `DomainError` with code
`invalid_barcode`, or `ambiguous_barcode` when a separator was left out and the text reads two
ways) carrying a stable `reason` and a sentence for the operator.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import unquote, urlsplit

import biip
from biip.upc import Upc
from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError, ErrorDetail
from line.barcodes import linters, syntax_dictionary
from line.barcodes.syntax_dictionary import Violation

GROUP_SEPARATOR = "\x1d"
# Symbology identifiers whose data is GS1 element strings (ISO/IEC 15424 modifiers).
GS1_SYMBOLOGIES = frozenset({"]C1", "]e0", "]e1", "]e2", "]d2", "]Q3", "]J1"})
# EAN/UPC: `]E0` EAN-13 (UPC-A as 13 digits with a leading 0), `]E4` EAN-8, `]E3` EAN-13 with add-on.
EAN_SYMBOLOGIES = {"]E0": 13, "]E4": 8, "]E3": 13}
COMPOSITE_IDENTIFIER = "]e0"
_SYMBOLOGY = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_PLAIN_CODE = re.compile(r"^[\x21-\x7e]{1,64}$")
_EAN_WITH_COMPOSITE = re.compile(r"^(\d{8}|\d{12}|\d{13})\|(.+)$", re.DOTALL)
_URI = re.compile(r"^https?://", re.IGNORECASE)

# Reasons (stable, under the code `invalid_barcode` unless said otherwise).
EMPTY = "empty"
NOT_A_LOT_CODE = "not_a_lot_code"
BAD_SYNTAX = "bad_syntax"
UNKNOWN_AI = "unknown_ai"
BAD_LENGTH = "bad_length"
BAD_CHARACTER = "bad_character"
CHECK_DIGIT = "check_digit"
BAD_CONTENT = "bad_content"
MISSING_COMPANION = "missing_companion"
FORBIDDEN_PAIR = "forbidden_pair"
DUPLICATE_AI = "duplicate_ai"
BAD_DIGITAL_LINK = "bad_digital_link"
MISSING_SEPARATOR = "missing_separator"  # code `ambiguous_barcode` when both readings are valid
PRODUCT_CODE_ONLY = "product_code_only"


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
    quantity_ai: str | None = None
    symbology: str | None = None
    element_strings: dict[str, str] = field(default_factory=dict)
    # Other readings GS1 accepts when the scanner may have dropped a separator, too weak to refuse
    # the label on their own (see `_other_readings`).
    other_readings: tuple[dict[str, str], ...] = ()

    @property
    def ai_of_lot(self) -> str:
        return "21" if self.serial else "10"


class BarcodeRefused(DomainError):
    """A scan that cannot be read as GS1 says; `reason` is the stable cause (see the constants)."""

    def __init__(self, reason: str, message: str, *, code: str = "invalid_barcode"):
        super().__init__(code, message, "barcode")
        self.errors = [ErrorDetail(code, message, "barcode", reason)]
        self.reason = reason


def invalid_barcode(message: str, reason: str = BAD_SYNTAX) -> BarcodeRefused:
    return BarcodeRefused(reason, message)


def _separators() -> list[str]:
    configured = getattr(settings, "THREADLINE_GS1_GROUP_SEPARATOR_REPLACEMENTS", [])
    return [GROUP_SEPARATOR, *[character for character in configured if character]]


def _rescan_hint() -> str:
    return _("scan it again, or type it with each AI in brackets, e.g. (01)…(10)…")


# -- refusals, worded for the operator ---------------------------------------------------------------


def _content_expectation(linter: str) -> str:
    """What a value must be, by linter, as the end of the sentence 'The label's (AI) is not …'."""
    if linter in ("yymmdd", "yymmd0", "yyyymmdd", "yyyymmd0", "yymmddhh"):
        return _("a valid date")
    if linter in ("hh", "mi", "ss", "mm", "hhmi", "hhmm", "mmoptss"):
        return _("a valid time")
    if linter in ("iso3166", "iso3166999", "iso3166alpha2", "iso3166list"):
        return _("a valid country code")
    if linter == "iso4217":
        return _("a valid currency code")
    if linter == "iban":
        return _("a valid IBAN")
    if linter in ("gcppos1", "gcppos2", "key", "keyoff1"):
        return _("a GS1 number starting with a company prefix")
    if linter in ("couponcode", "couponposoffer"):
        return _("a valid coupon code")
    if linter in ("latitude", "longitude", "latlong"):
        return _("a valid position")
    if linter == "packagetype":
        return _("a valid package type")
    if linter == "mediatype":
        return _("a valid media type")
    if linter in ("nonzero", "pieceoftotal", "posinseqslash"):
        return _("a valid count (it may not be 0, nor more than the total)")
    return _("a value GS1 allows there")


def _character_set(kind: str) -> str:
    return {
        "N": _("digits only"),
        "X": _("letters, digits and the punctuation GS1 allows"),
        "Y": _("capital letters, digits, # - and /"),
        "Z": _("letters, digits, - and _"),
    }[kind]


def _allowed_length(rule: syntax_dictionary.AiRule) -> str:
    if rule.fixed_length is not None:
        return _("exactly {count}").format(count=rule.fixed_length)
    return _("{minimum} to {maximum}").format(minimum=rule.min_length, maximum=rule.max_length)


def _group_text(group: str) -> str:
    return " + ".join("({})".format(ai) for ai in group.split("+"))


def _refusal(problem: Violation, *, unbracketed: bool = False) -> BarcodeRefused:
    rule = syntax_dictionary.rules().get(problem.ai)
    if problem.kind == "unknown_ai" or rule is None:
        return invalid_barcode(
            _("The label names AI ({ai}), which GS1 does not define: {hint}.").format(
                ai=problem.ai, hint=_rescan_hint()
            ),
            UNKNOWN_AI,
        )
    if problem.kind == "bad_length":
        message = _("The label's ({ai}) has {length} characters where GS1 allows {allowed}.").format(
            ai=problem.ai, length=problem.detail, allowed=_allowed_length(rule)
        )
        if unbracketed:
            message += " " + _("The scanner may have left out a separator (FNC1): {hint}.").format(
                hint=_rescan_hint()
            )
        else:
            message += " " + _("Check the label, or call material if it is misprinted.")
        return invalid_barcode(message, BAD_LENGTH)
    if problem.kind == "bad_character":
        return invalid_barcode(
            _(
                "The label's ({ai}) holds a character GS1 does not allow there ({allowed}): "
                "the label is misprinted or was misread; {hint}."
            ).format(ai=problem.ai, allowed=_character_set(problem.detail), hint=_rescan_hint()),
            BAD_CHARACTER,
        )
    if problem.kind == "check_digit":
        return invalid_barcode(
            _(
                "The label's ({ai}) has a wrong check digit: the label is damaged or misprinted; "
                "call material."
            ).format(ai=problem.ai),
            CHECK_DIGIT,
        )
    if problem.kind == "bad_content":
        return invalid_barcode(
            _("The label's ({ai}) is not {expected}: the label is misprinted; call material.").format(
                ai=problem.ai, expected=_content_expectation(problem.detail)
            ),
            BAD_CONTENT,
        )
    if problem.kind == "requires":
        groups = [_group_text(group) for group in problem.related]
        others = groups[0] if len(groups) == 1 else _("one of {list}").format(list=", ".join(groups))
        return invalid_barcode(
            _(
                "The label's ({ai}) needs {others} on the same label, which is missing: scan the full "
                "item label."
            ).format(ai=problem.ai, others=others),
            MISSING_COMPANION,
        )
    return invalid_barcode(
        _(
            "The label carries ({ai}) together with ({other}), which GS1 forbids: the label is "
            "misprinted; call material."
        ).format(ai=problem.ai, other=problem.detail),
        FORBIDDEN_PAIR,
    )


# The most telling problem first: what is wrong with a value, then a forbidden pairing, then a missing one.
_PRIORITY = {
    "unknown_ai": 0,
    "bad_length": 1,
    "bad_character": 2,
    "check_digit": 3,
    "bad_content": 4,
    "excludes": 5,
    "requires": 6,
}


def _validate(pairs: list[tuple[str, str]], *, unbracketed: bool = False) -> None:
    seen: dict[str, str] = {}
    for ai, value in pairs:
        if seen.setdefault(ai, value) != value:
            raise invalid_barcode(
                _("The label carries ({ai}) twice with different values: call material.").format(ai=ai),
                DUPLICATE_AI,
            )
    problems = syntax_dictionary.violations(pairs)
    if problems:
        problem = min(problems, key=lambda item: _PRIORITY[item.kind])
        raise _refusal(problem, unbracketed=unbracketed)


# -- reading the three GS1 syntaxes -------------------------------------------------------------------


def _split_unbracketed(text: str, separators: list[str]) -> list[tuple[str, str]]:
    """Element strings as a scanner sends them: a pre-defined length AI (flag `*`) takes its
    length; any other AI runs to the next separator (FNC1) or the end."""
    table = syntax_dictionary.rules()
    pairs: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        if text[position] in separators:
            position += 1
            continue
        ai = syntax_dictionary.match_ai(text[position:])
        if ai is None:
            fragment = text[position : position + 4]
            raise invalid_barcode(
                _(
                    "The label holds '{fragment}' where GS1 data should start: the label is misprinted "
                    "or was misread; {hint}."
                ).format(fragment=fragment, hint=_rescan_hint()),
                UNKNOWN_AI,
            )
        position += len(ai)
        rule = table[ai]
        if rule.predefined_length and rule.fixed_length is not None:
            end = position + rule.fixed_length
            if end > len(text):
                end = len(text)
        else:
            end = position
            while end < len(text) and text[end] not in separators:
                end += 1
        value = text[position:end]
        if not value:
            raise invalid_barcode(
                _("The label's ({ai}) holds no data: {hint}.").format(ai=ai, hint=_rescan_hint()), BAD_LENGTH
            )
        pairs.append((ai, value))
        position = end
    if not pairs:
        raise invalid_barcode(_("The scan held no data: scan the label again."), EMPTY)
    return pairs


def _split_bracketed(text: str) -> list[tuple[str, str]]:
    """'(01)09506000134352(10)AB\\(C' → [('01', '09506000134352'), ('10', 'AB(C')].

    A `(` that belongs to the data is written `\\(`, as GS1's syntax engine reads it."""
    table = syntax_dictionary.rules()
    pairs: list[tuple[str, str]] = []
    position = 0

    def malformed() -> BarcodeRefused:
        return invalid_barcode(
            _(
                "The label text '{text}' is not GS1 text with each AI in brackets: {hint}. Write a "
                "bracket that belongs to the data as \\(."
            ).format(text=text, hint=_rescan_hint()),
            BAD_SYNTAX,
        )

    while position < len(text):
        if text[position] != "(":
            raise malformed()
        close = text.find(")", position)
        if close == -1:
            raise malformed()
        ai = text[position + 1 : close]
        if not ai.isdigit() or ai not in table:
            if ai.isdigit() and 2 <= len(ai) <= 4:
                raise _refusal(Violation(ai, "unknown_ai"))
            raise malformed()
        position = close + 1
        value: list[str] = []
        while position < len(text) and text[position] != "(":
            if text.startswith("\\(", position):
                value.append("(")
                position += 2
            else:
                value.append(text[position])
                position += 1
        if not value:
            raise invalid_barcode(
                _("The label's ({ai}) holds no data: {hint}.").format(ai=ai, hint=_rescan_hint()), BAD_LENGTH
            )
        pairs.append((ai, "".join(value)))
    return pairs


def _other_readings(pairs: list[tuple[str, str]]) -> list[tuple[list[tuple[str, str]], bool]]:
    """With no separator in the message, the last variable-length value may hide more element
    strings (a wedge scanner that drops FNC1 makes '(10)ABC(17)271231' into '10ABC17271231').
    Every other reading GS1 accepts, each with whether it is credible on its own: it hides an
    element of fixed length 6 or more (a date, a measure, a key with its check digit). A lot
    merely ending in "2024" or "9999" could read as (20)24 or (99)99: such weak readings only
    count when they name a lot the plant has (`line.services.scans`)."""
    table = syntax_dictionary.rules()
    ai, value = pairs[-1]
    rule = table.get(ai)
    if rule is None or (rule.predefined_length and rule.fixed_length is not None):
        return []
    readings = []
    for cut in range(max(rule.min_length, 1), len(value)):
        head, tail = value[:cut], value[cut:]
        if syntax_dictionary.check_value(rule, head) is not None:
            continue
        try:
            rest = _split_unbracketed(tail, [])
        except BarcodeRefused:
            continue
        reading = [*pairs[:-1], (ai, head), *rest]
        if len({a for a, _v in reading}) != len(reading) or syntax_dictionary.violations(reading):
            continue
        credible = any((table[hidden].fixed_length or 0) >= 6 for hidden, _value in rest)
        readings.append((reading, credible))
    return readings


def ambiguous(ai: str) -> BarcodeRefused:
    return BarcodeRefused(
        MISSING_SEPARATOR,
        _(
            "This label reads two ways: the scanner may have left out the separator (FNC1) "
            "after ({ai}). Set the scanner to send it and scan again, or type the label with "
            "each AI in brackets, e.g. (01)…(10)…."
        ).format(ai=ai),
        code="ambiguous_barcode",
    )


def _from_element_strings(
    text: str, separators: list[str]
) -> tuple[list[tuple[str, str]], tuple[dict[str, str], ...]]:
    """The element strings, and the weak other readings of a message without separators."""
    if text.startswith("("):
        pairs = _split_bracketed(text)
        _validate(pairs)
        return pairs, ()
    # A scanner may end a message with FNC1: a trailing separator carries no data.
    text = text.rstrip("".join(separators))
    pairs = _split_unbracketed(text, separators)
    others = [] if any(separator in text for separator in separators) else _other_readings(pairs)
    if any(credible for _reading, credible in others):
        ai = pairs[-1][0]
        try:
            _validate(pairs, unbracketed=True)
        except BarcodeRefused:
            raise invalid_barcode(
                _(
                    "The label's ({ai}) runs into the next data: the scanner left out the separator "
                    "(FNC1) after it. Set the scanner to send it and scan again, or type the label "
                    "with each AI in brackets, e.g. (01)…(10)…."
                ).format(ai=ai),
                MISSING_SEPARATOR,
            ) from None
        raise ambiguous(ai)
    _validate(pairs, unbracketed=True)
    return pairs, tuple(dict(reading) for reading, _credible in others)


def _bad_link(text: str, why: str) -> BarcodeRefused:
    return invalid_barcode(
        _("The web address '{text}' is not a GS1 Digital Link this station can read ({why}): {hint}.").format(
            text=text, why=why, hint=_("scan the GS1 barcode beside it, or type the lot code")
        ),
        BAD_DIGITAL_LINK,
    )


def _from_digital_link(text: str) -> list[tuple[str, str]]:
    """A GS1 Digital Link URI on any domain: the path ends with the primary key and its qualifiers
    (`/01/{gtin}/22/{cpv}/10/{lot}/21/{serial}`), the query string carries other AIs as numeric
    keys (`?17=271231&30=5`); values are percent-decoded. Other query keys (e.g. `linkType`) and the
    fragment are ignored, as the standard says. GTIN-8, -12 and -13 are padded to 14 digits."""
    table = syntax_dictionary.rules()
    try:
        parts = urlsplit(text)
    except ValueError:
        raise _bad_link(text, _("the address is malformed")) from None
    if not parts.netloc:
        raise _bad_link(text, _("the address names no web domain"))
    segments = parts.path.split("/")[1:]
    if segments and segments[-1] == "":
        segments = segments[:-1]
    # Walk back from the end over (AI, value) pairs up to the first primary key; what is before it
    # is the resolver's own path prefix.
    path_pairs: list[tuple[str, str]] = []
    index = len(segments)
    while index >= 2 and segments[index - 2] in table and segments[index - 1]:
        path_pairs.insert(0, (segments[index - 2], segments[index - 1]))
        index -= 2
        if table[path_pairs[0][0]].dl_primary_key is not None:
            break
    if not path_pairs or table[path_pairs[0][0]].dl_primary_key is None:
        raise _bad_link(text, _("no GS1 key such as /01/ followed by a GTIN in its path"))
    key_ai = path_pairs[0][0]
    qualifiers = [ai for ai, _value in path_pairs[1:]]
    sequences = table[key_ai].dl_primary_key or ((),)
    if qualifiers and not any(_in_order(qualifiers, sequence) for sequence in sequences):
        raise _bad_link(
            text,
            _("({qualifiers}) may not follow ({key}) in this order").format(
                qualifiers=") (".join(qualifiers), key=key_ai
            ),
        )
    pairs: list[tuple[str, str]] = []
    for ai, value in path_pairs:
        decoded = unquote(value)
        if ai == "01" and len(decoded) in (8, 12, 13) and decoded.isdigit():
            decoded = decoded.zfill(14)
        pairs.append((ai, decoded))
    path_ais = {ai for ai, _value in pairs}
    for item in filter(None, parts.query.split("&")):
        name, _equals, value = item.partition("=")
        if not name.isdigit():
            continue  # non-AI query parameters are the link's own business
        if name not in table:
            raise _refusal(Violation(name, "unknown_ai"))
        rule = table[name]
        if not rule.dl_attribute or rule.dl_primary_key is not None or name in path_ais:
            raise _bad_link(text, _("({ai}) may not be given in the query string").format(ai=name))
        pairs.append((name, unquote(value)))
    return pairs


def _in_order(qualifiers: list[str], sequence: tuple[str, ...]) -> bool:
    """Qualifiers are an ordered subset of the sequence (each optional, none out of order)."""
    position = 0
    for qualifier in qualifiers:
        try:
            position = sequence.index(qualifier, position) + 1
        except ValueError:
            return False
    return True


def _ean_gtin(digits: str, raw: str) -> str:
    if not digits.isdigit() or len(digits) not in (8, 12, 13):
        raise invalid_barcode(
            _("'{text}' is not an EAN/UPC product code: scan the label again.").format(text=raw), BAD_SYNTAX
        )
    if not linters.csum(digits):
        raise invalid_barcode(
            _(
                "The product barcode {code} has a wrong check digit: the label is damaged or misprinted; "
                "call material."
            ).format(code=digits),
            CHECK_DIGIT,
        )
    return digits.zfill(14)


def unknown_plain_digits(code: ScannedCode) -> BarcodeRefused | None:
    """A plain scan of 8, 12, 13 or 14 digits that is no known lot is most likely a product code
    (EAN-8, UPC-A, EAN-13, ITF-14) from a scanner that sends no identifier: say so, and check its
    check digit, rather than call it an unknown lot. (It is looked up as a lot first: a supplier's
    lot code may be all digits.)"""
    text = code.lot or ""
    if code.is_gs1 or code.symbology is not None or not (text.isdigit() and len(text) in (8, 12, 13, 14)):
        return None
    if not linters.csum(text):
        return invalid_barcode(
            _(
                "{code} is no known lot, and as a product barcode its check digit is wrong: scan the "
                "lot label, or call material if the label is damaged."
            ).format(code=text),
            CHECK_DIGIT,
        )
    return invalid_barcode(
        _("{code} is a product barcode (GTIN), which names no lot: scan the lot label.").format(code=text),
        PRODUCT_CODE_ONLY,
    )


# -- the scan -------------------------------------------------------------------------------------------


def _looks_like_gs1(text: str, separators: list[str]) -> bool:
    """Without a GS1 symbology identifier, treat text as element strings only when it cannot be a lot code."""
    if text.startswith("("):
        return True
    if GROUP_SEPARATOR in text:
        return True
    # A GTIN or SSCC first is how GS1 labels start; lot codes of that shape are not plausible.
    if re.match(r"^0[123]\d{14}", text) or re.match(r"^00\d{18}", text):
        return True
    return any(separator in text for separator in separators[1:]) and text[:2].isdigit()


def parse_scan(raw: str) -> ScannedCode:
    """Read one scan; refuse with a `BarcodeRefused` and a sentence the operator can act on."""
    text = (raw or "").strip("\r\n\t ")
    if not text:
        raise invalid_barcode(_("The scan was empty: scan the label again."), EMPTY)
    separators = _separators()
    symbology = None
    if _SYMBOLOGY.match(text) is not None:
        symbology, text = text[:3], text[3:]
        if not text:
            raise invalid_barcode(_("The scan held no data: scan the label again."), EMPTY)
    if _URI.match(text):
        pairs = _from_digital_link(text)
        _validate(pairs)
        return _scanned(raw, pairs, symbology)
    if symbology in EAN_SYMBOLOGIES:
        return _ean(raw, text, symbology, separators)
    if symbology is not None and symbology not in GS1_SYMBOLOGIES:
        return _plain(raw, text, symbology)
    if symbology is None:
        composite = _EAN_WITH_COMPOSITE.match(text)
        if composite is not None and (
            linters.csum(composite.group(1)) or composite.group(2).startswith(("(", COMPOSITE_IDENTIFIER))
        ):
            gtin = _ean_gtin(composite.group(1), raw)
            pairs = [("01", gtin), *_component_pairs(composite.group(2), separators)]
            _validate(pairs)
            return _scanned(raw, pairs, symbology)
        if not _looks_like_gs1(text, separators):
            return _plain(raw, text, None)
    pairs, others = _from_element_strings(text, separators)
    return _scanned(raw, pairs, symbology, others)


def _component_pairs(text: str, separators: list[str]) -> list[tuple[str, str]]:
    """The 2D component of a composite, read on its own (its rules are checked with the linear part)."""
    if text.startswith(COMPOSITE_IDENTIFIER):
        text = text[len(COMPOSITE_IDENTIFIER) :]
    if text.startswith("("):
        return _split_bracketed(text)
    return _split_unbracketed(text.rstrip("".join(separators)), separators)


def _ean(raw: str, text: str, symbology: str, separators: list[str]) -> ScannedCode:
    """EAN-13/UPC-A (`]E0`), UPC-E (`]E0` with 8 digits), EAN-8 (`]E4`), EAN-13 with add-on (`]E3`),
    maybe with a composite component after `|]e0` (or `]e0`): the check digit is verified, the
    code becomes (01)."""
    length = EAN_SYMBOLOGIES[symbology]
    if symbology == "]E0" and re.match(r"^\d{8}(\||\]e0|$)", text):
        # UPC-E, sent as its 8 digits: biip expands it to the UPC-A it stands for.
        length = 8
        linear, component = text[:length], text[length:]
        try:
            gtin = Upc.parse(linear).as_gtin_14()
        except biip.ParseError:
            raise invalid_barcode(
                _(
                    "The product barcode {code} has a wrong check digit: the label is damaged or "
                    "misprinted; call material."
                ).format(code=linear),
                CHECK_DIGIT,
            ) from None
    else:
        linear, component = text[:length], text[length:]
        gtin = _ean_gtin(linear if len(linear) == length else "", raw)
    pairs = [("01", gtin)]
    if symbology == "]E3":  # the add-on (2 or 5 digits) is not GS1 data
        if not (component.isdigit() and len(component) in (2, 5)):
            _ean_gtin("", raw)
        component = ""
    if component.startswith("|"):
        component = component[1:]
    if component:
        if not component.startswith(COMPOSITE_IDENTIFIER):
            raise invalid_barcode(
                _("'{text}' is not an EAN/UPC product code: scan the label again.").format(text=raw),
                BAD_SYNTAX,
            )
        pairs.extend(_component_pairs(component, separators))
    _validate(pairs)
    return _scanned(raw, pairs, symbology)


def _plain(raw: str, text: str, symbology: str | None) -> ScannedCode:
    if not _PLAIN_CODE.match(text):
        raise invalid_barcode(
            _("'{text}' is not a lot code or a GS1 label: scan the lot label (or type the lot code).").format(
                text=text
            ),
            NOT_A_LOT_CODE,
        )
    return ScannedCode(raw=raw, is_gs1=False, lot=text, symbology=symbology)


def _expiry(value: str | None) -> date | None:
    """(17) YYMMDD, DD 00 meaning the month's last day; YY in GS1's window (-49/+50 years)."""
    if value is None:
        return None
    yy, month, day = int(value[:2]), int(value[2:4]), int(value[4:6])
    this_year = date.today().year
    year = this_year - this_year % 100 + yy
    if year - this_year > 50:
        year -= 100
    elif this_year - year > 49:
        year += 100
    if day == 0:
        day = calendar.monthrange(year, month)[1]
    return date(year, month, day)


def _scanned(
    raw: str, pairs: list[tuple[str, str]], symbology: str | None, others: tuple[dict[str, str], ...] = ()
) -> ScannedCode:
    values = dict(pairs)
    quantity, quantity_ai = None, None
    for ai in ("30", "37"):
        if ai in values:
            quantity, quantity_ai = Decimal(values[ai]), ai
            break
    batch = values.get("10")
    serial = values.get("21")
    return ScannedCode(
        raw=raw,
        is_gs1=True,
        lot=serial or batch,
        batch=batch,
        serial=serial,
        gtin=values.get("01") or values.get("02"),
        expires_on=_expiry(values.get("17")),
        quantity=quantity,
        quantity_ai=quantity_ai,
        symbology=symbology,
        element_strings=values,
        other_readings=others,
    )


# -- writing element strings (the inverse, for tests and labels) ----------------------------------------


def to_bracketed(pairs: list[tuple[str, str]]) -> str:
    return "".join("({}){}".format(ai, value.replace("(", "\\(")) for ai, value in pairs)


def to_unbracketed(pairs: list[tuple[str, str]]) -> str:
    """Element strings with GS after every AI that is not of pre-defined length (none at the end)."""
    table = syntax_dictionary.rules()
    parts: list[str] = []
    for index, (ai, value) in enumerate(pairs):
        parts.append(ai + value)
        if index < len(pairs) - 1 and not table[ai].predefined_length:
            parts.append(GROUP_SEPARATOR)
    return "".join(parts)
