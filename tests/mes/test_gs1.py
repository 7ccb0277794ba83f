"""Reading scans: plain lot codes and GS1 element strings, with GS1's syntax-dictionary rules."""

from datetime import date
from decimal import Decimal

import pytest

from mes.barcodes import parse_scan, syntax_dictionary
from mes.core.errors import DomainError

GS = "\x1d"
GTIN = "09506000134352"  # valid check digit (from the example release)


@pytest.mark.parametrize(
    ("raw", "lot", "gtin", "serial", "symbology"),
    [
        pytest.param("]C101" + GTIN + "10ABC123", "ABC123", GTIN, None, "]C1", id="gs1_128_lot_last"),
        pytest.param(
            "]C101" + GTIN + "10ABC123" + GS + "17271231",
            "ABC123",
            GTIN,
            None,
            "]C1",
            id="gs_after_variable_lot",
        ),
        pytest.param("]d201" + GTIN + "21SN0001", "SN0001", GTIN, "SN0001", "]d2", id="datamatrix_serial"),
        pytest.param("]Q301" + GTIN + "10L-7" + GS + "21S9", "S9", GTIN, "S9", "]Q3", id="qr_lot_and_serial"),
        pytest.param("]e001" + GTIN + "10L1", "L1", GTIN, None, "]e0", id="databar"),
        pytest.param(
            "01" + GTIN + "10ABC" + GS + "3012", "ABC", GTIN, None, None, id="no_symbology_identifier"
        ),
        pytest.param("01" + GTIN + "10ABC|3012", "ABC", GTIN, None, None, id="pipe_replaces_fnc1"),
        pytest.param("01" + GTIN + "10ABC^3012", "ABC", GTIN, None, None, id="caret_replaces_fnc1"),
        pytest.param("(01)" + GTIN + "(10)ABC(30)12", "ABC", GTIN, None, None, id="human_readable_brackets"),
        pytest.param("]C101" + GTIN + "10ABC" + GS, "ABC", GTIN, None, "]C1", id="trailing_fnc1"),
        pytest.param("]C101" + GTIN + "10ABC\r\n", "ABC", GTIN, None, "]C1", id="scanner_enter_suffix"),
    ],
)
def test_gs1_element_strings_are_read(raw, lot, gtin, serial, symbology):
    scanned = parse_scan(raw)
    assert scanned.is_gs1 is True
    assert scanned.lot == lot
    assert scanned.gtin == gtin
    assert scanned.serial == serial
    assert scanned.symbology == symbology


def test_expiry_and_quantity_are_read():
    scanned = parse_scan("]C101" + GTIN + "17271231" + "10LOT-9" + GS + "3025")
    assert scanned.expires_on == date(2027, 12, 31)
    assert scanned.quantity == Decimal("25")
    assert scanned.batch == "LOT-9"


def test_count_37_is_read_with_its_required_pairing():
    scanned = parse_scan("]C100" + "095060001343520000" + "02" + GTIN + "3712" + GS + "10B-1")
    assert scanned.quantity == Decimal("12")
    assert scanned.gtin == GTIN


@pytest.mark.parametrize(
    ("raw", "lot", "symbology"),
    [
        pytest.param("SCR-1", "SCR-1", None, id="plain"),
        pytest.param("LOT-2026-0001", "LOT-2026-0001", None, id="plain_with_digits"),
        pytest.param("]C0SCR-1", "SCR-1", "]C0", id="code128_not_gs1"),
        pytest.param("]A0SCR-1", "SCR-1", "]A0", id="code39"),
        pytest.param("12345", "12345", None, id="short_numeric"),
    ],
)
def test_plain_lot_codes_are_read(raw, lot, symbology):
    scanned = parse_scan(raw)
    assert scanned.is_gs1 is False
    assert scanned.lot == lot
    assert scanned.symbology == symbology


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        pytest.param(
            "]C10109506000134353" + "10ABC", "(01) has a wrong check digit", id="bad_gtin_check_digit"
        ),
        pytest.param("]C110ABC", "(10) needs (01)", id="lot_without_gtin_requires_01"),
        pytest.param("]C121SN1", "(21) needs (01)", id="serial_without_gtin"),
        pytest.param("]C101" + GTIN + "3712", "(01) together with (37)", id="gtin_excludes_count_37"),
        pytest.param("]C102" + GTIN + "01" + GTIN, "(02) together with (01)", id="content_excludes_gtin"),
        pytest.param("]C102" + GTIN + "3710", "(37) needs (00+02)", id="count_needs_sscc_and_content"),
        pytest.param("]C101" + GTIN + "10A" + GS + "10B", "twice", id="same_ai_twice"),
        pytest.param("]C101" + GTIN + "17271340", "could not be read", id="impossible_expiry_date"),
        pytest.param(
            "]C18017950600013435200016", "(8017) has a wrong check digit", id="gsrn_bad_check_digit"
        ),
        pytest.param(
            "]C1" + "00095060001343520001", "(00) has a wrong check digit", id="sscc_bad_check_digit"
        ),
        pytest.param("]C1", "no data", id="symbology_only"),
        pytest.param("", "empty", id="empty"),
        pytest.param("LOT 1", "not a lot code", id="space_in_plain_code"),
    ],
)
def test_bad_element_strings_are_refused(raw, fragment):
    with pytest.raises(DomainError) as refused:
        parse_scan(raw)
    assert refused.value.code == "invalid_barcode"
    assert fragment in refused.value.message


def test_the_replacement_characters_come_from_settings(settings):
    settings.THREADLINE_GS1_GROUP_SEPARATOR_REPLACEMENTS = ["~"]
    scanned = parse_scan("01" + GTIN + "10ABC~3012")
    assert scanned.lot == "ABC"
    assert scanned.quantity == Decimal("12")


def test_the_dictionary_is_loaded_from_gs1s_file():
    rules = syntax_dictionary.rules()
    assert rules["10"].requires == ((("01",), ("02",), ("03",), ("8006",), ("8026",)),)
    assert rules["01"].excludes == ("255", "37")
    assert rules["3103"].excludes == ("310n",)
    assert rules["250"].requires == ((("01", "21"), ("03", "21"), ("8006", "21")),)
    assert [component.linters[0] for component in rules["8017"].components] == ["csum"]


def test_a_range_ai_does_not_exclude_itself():
    assert syntax_dictionary.violations([("01", GTIN), ("3103", "000500")]) == []
    assert [
        v.kind for v in syntax_dictionary.violations([("01", GTIN), ("3103", "000500"), ("3102", "005000")])
    ] == ["excludes", "excludes"]


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("09506000134352", True),
        ("09506000134353", False),
        ("950600013435200015", True),
        ("95060001343520000", True),
        ("1", False),
    ],
)
def test_mod10_check_digit(digits, valid):
    assert syntax_dictionary.mod10_is_valid(digits) is valid


def test_check_character_pair_of_gmn():
    # The GS1 General Specifications' example of a Global Model Number with its check pair.
    assert syntax_dictionary.check_pair_is_valid("1987654Ad4X4bL5ttr2310c2K") is True
    assert syntax_dictionary.check_pair_is_valid("1987654Ad4X4bL5ttr2310c2L") is False
