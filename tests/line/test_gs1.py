"""Reading scans: plain lot codes and GS1 element strings, with GS1's syntax-dictionary rules."""

import re
from datetime import date
from decimal import Decimal

import pytest

from core.errors import DomainError
from line.barcodes import linters, parse_scan, syntax_dictionary

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
        pytest.param("]C110ABC", "(10) needs one of (01), (02)", id="lot_without_gtin_requires_01"),
        pytest.param("]C121SN1", "(21) needs one of (01), (03)", id="serial_without_gtin"),
        pytest.param("]C101" + GTIN + "3712", "(01) together with (37)", id="gtin_excludes_count_37"),
        pytest.param("]C102" + GTIN + "01" + GTIN, "(02) together with (01)", id="content_excludes_gtin"),
        pytest.param(
            "]C102" + GTIN + "3710", "(37) needs one of (00) + (02)", id="count_needs_sscc_and_content"
        ),
        pytest.param("]C101" + GTIN + "10A" + GS + "10B", "twice", id="same_ai_twice"),
        pytest.param("]C101" + GTIN + "17271340", "(17) is not a valid date", id="impossible_expiry_date"),
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


# -- GS1 as GS1 says: the dictionary's linters, pairings, Digital Link, EAN/UPC, separators -------------


def refusal(raw):
    with pytest.raises(DomainError) as refused:
        parse_scan(raw)
    return refused.value


def test_every_linter_the_dictionary_names_is_implemented():
    # Read the names from GS1's file directly (not through the loader), so a loader that drops
    # components cannot hide a missing linter.
    text = syntax_dictionary.DICTIONARY_PATH.read_text(encoding="utf-8")
    named = set()
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        for token in line.partition("#")[0].split()[1:]:
            if re.match(r"^\[?[NXYZ][0-9.]*\]?,", token):
                named.update(token.split(",")[1:])
    assert {"csum", "iso3166", "yymmd0", "couponcode", "pieceoftotal", "iban", "packagetype"} <= named
    assert named - set(linters.LINTERS) == set()
    assert syntax_dictionary.linter_names() - set(linters.LINTERS) == set()
    assert {"csetnumeric", "cset82", "cset39", "cset64"} <= set(linters.LINTERS)


@pytest.mark.parametrize(
    ("linter", "good", "bad"),
    [
        ("csum", "09506000134352", "09506000134353"),
        ("csumalpha", "1987654Ad4X4bL5ttr2310c2K", "1987654Ad4X4bL5ttr2310c2L"),
        ("gcppos1", "9506ABC", "950ABCD"),
        ("gcppos2", "09506", "0950A"),
        ("hasnondigit", "12A", "123"),
        ("yymmdd", "240229", "250229"),
        ("yymmd0", "251200", "251300"),
        ("yyyymmdd", "20240229", "20230229"),
        ("yyyymmd0", "20230200", "20231301"),
        ("hh", "23", "24"),
        ("mi", "59", "60"),
        ("ss", "59", "60"),
        ("hhmi", "2359", "2360"),
        ("iso3166", "276", "999"),
        ("iso3166999", "999", "998"),
        ("iso3166alpha2", "DE", "XX"),
        ("iso4217", "978", "000"),
        ("iso5218", "9", "3"),
        ("iban", "GB82WEST12345698765432", "GB82WEST12345698765433"),
        ("pcenc", "a%20b", "a%2"),
        ("pieceoftotal", "0102", "0201"),
        ("posinseqslash", "1/2", "3/2"),
        ("latitude", "1800000000", "1800000001"),
        ("longitude", "3600000000", "3600000001"),
        ("winding", "9", "2"),
        ("zero", "0", "1"),
        ("nonzero", "0001", "0000"),
        ("nozeroprefix", "10", "01"),
        ("yesno", "1", "2"),
        ("hyphen", "-", "+"),
        ("mediatype", "80", "11"),
        ("importeridx", "_", "*"),
        ("packagetype", "BX", "QQQ"),
        ("couponcode", "012345612345611110123", "0123456123456111101230"),
        ("couponposoffer", "001234561234560123456", "0012345612345601234567"),
        ("cset39", "AB-1/#", "ab"),
        ("cset64", "AZaz09-_==", "a=b"),
        ("cset82", "A-b_1!", "A b"),
        ("csetnumeric", "0123", "12a"),
    ],
)
def test_each_linter_accepts_and_refuses_as_gs1s_reference_does(linter, good, bad):
    assert linters.LINTERS[linter](good) is True
    assert linters.LINTERS[linter](bad) is False


@pytest.mark.parametrize(
    ("raw", "reason", "fragment"),
    [
        pytest.param(
            "(01)" + GTIN + "(422)999", "bad_content", "(422) is not a valid country code", id="iso3166"
        ),
        pytest.param("(00)095060001343520000(4307)XX", "bad_content", "country code", id="iso3166alpha2"),
        pytest.param("(8020)REF(415)9506000134352(3910)000100", "bad_content", "currency", id="iso4217"),
        pytest.param("(00)095060001343520000(7041)QQQ", "bad_content", "package type", id="packagetype"),
        pytest.param("(01)" + GTIN + "(8001)12345678901231", "bad_content", "(8001)", id="winding"),
        pytest.param("(01)" + GTIN + "(8001)00005678901201", "bad_content", "(8001)", id="nonzero"),
        pytest.param("(8006)" + GTIN + "0301", "bad_content", "(8006)", id="pieceoftotal"),
        pytest.param("(00)095060001343520000(4321)2", "bad_content", "(4321)", id="yesno"),
        pytest.param("(01)" + GTIN + "(7003)2512312460", "bad_content", "valid time", id="hhmi"),
        pytest.param("(01)" + GTIN + "(8008)25123125", "bad_content", "valid time", id="hh"),
        pytest.param("(8010)0950ABC(8011)012", "bad_content", "(8011)", id="nozeroprefix"),
        pytest.param("(01)" + GTIN + "(8014)9506000134352L", "check_digit", "(8014)", id="csumalpha"),
        pytest.param("(00)095060001343520000(4309)18000000010000000000", "bad_content", "position", id="lat"),
        pytest.param(
            "(415)9506000134352(8020)R(8007)GB82WEST12345698765433", "bad_content", "IBAN", id="iban"
        ),
        pytest.param("(8004)ABCD1234", "bad_content", "(8004)", id="gcppos1"),
        pytest.param("(8018)950600013435200015(7252)3", "bad_content", "(7252)", id="iso5218"),
        pytest.param("(8018)950600013435200015(7259)B(7258)3/2", "bad_content", "(7258)", id="posinseqslash"),
        pytest.param("(00)095060001343520000(4330)001234+", "bad_content", "(4330)", id="hyphen"),
        pytest.param("(8017)950600013435200015(7241)11", "bad_content", "media type", id="mediatype"),
        pytest.param("(01)" + GTIN + "(17)250229", "bad_content", "valid date", id="yymmd0_no_29_feb_2025"),
        pytest.param("(8010)0950abc", "bad_character", "(8010)", id="cset39"),
        pytest.param("(00)095060001343520000(8030)ab=c", "bad_character", "(8030)", id="cset64"),
        pytest.param("(01)" + GTIN + "(10)A B", "bad_character", "(10)", id="cset82"),
        pytest.param("(01)" + GTIN + "(30)1A", "bad_character", "digits only", id="numeric"),
        pytest.param("(01)" + GTIN + "(10)" + "A" * 21, "bad_length", "1 to 20", id="too_long"),
        pytest.param("(01)0950600013435", "bad_length", "exactly 14", id="too_short"),
        pytest.param(
            "(01)" + GTIN + "(8110)0123456123456111101230", "bad_content", "coupon", id="couponcode"
        ),
        pytest.param("(01)" + GTIN + "(23)1", "unknown_ai", "(23)", id="unknown_ai"),
        pytest.param("(01)" + GTIN + "(10)ABC(254)X", "missing_companion", "(254) needs (414)", id="req_254"),
        pytest.param("(01)" + GTIN + "(250)X", "missing_companion", "(01) + (21)", id="req_group"),
        pytest.param("(01)" + GTIN + "(3103)000500(3103)000600", "duplicate_ai", "twice", id="duplicate"),
        pytest.param("(01)" + GTIN + "(3103)000500(3102)005000", "forbidden_pair", "(3103)", id="ex_pattern"),
        pytest.param("(8006)" + GTIN + "0102(37)5", "forbidden_pair", "(8006)", id="ex_8006_37"),
        pytest.param("(8026)" + GTIN + "0102", "missing_companion", "(37)", id="req_8026_37"),
        pytest.param("(01)" + GTIN + "(20)1", "bad_length", "exactly 2", id="fixed_variant"),
    ],
)
def test_the_dictionarys_content_rules_refuse_with_a_reason(raw, reason, fragment):
    refused = refusal(raw)
    assert (refused.code, refused.reason) == ("invalid_barcode", reason)
    assert fragment in refused.message
    assert "lint" not in refused.message and "csum" not in refused.message  # no parser internals


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("(8006)" + GTIN + "0102(10)L(21)S", id="itip_satisfies_lot_and_serial"),
        pytest.param("(00)095060001343520000(02)" + GTIN + "(37)5(10)L", id="count_with_sscc_and_content"),
        pytest.param("(8026)" + GTIN + "0102(37)5(00)095060001343520000", id="itip_content_with_count"),
        pytest.param("(01)" + GTIN + "(3103)000500(3203)001000", id="two_different_measures"),
        pytest.param("(01)" + GTIN + "(21)S(250)SEC", id="group_01_plus_21"),
        pytest.param("(01)" + GTIN + "(17)251200", id="day_00_is_end_of_month"),
        pytest.param("(01)" + GTIN + "(8001)12345678901291", id="dimensions_winding_9"),
        pytest.param("(01)" + GTIN + "(422)276(427)BY", id="origin_subdivision"),
        pytest.param("(01)" + GTIN + "(30)5(3925)978150", id="price_with_count"),
    ],
)
def test_labels_gs1_accepts_are_read(raw):
    assert parse_scan(raw).is_gs1 is True


def test_an_escaped_bracket_belongs_to_the_data():
    scanned = parse_scan("(01)" + GTIN + "(10)AB\\(1)(21)S\\(2")
    assert scanned.batch == "AB(1)"
    assert scanned.serial == "S(2"
    assert refusal("(01)" + GTIN + "(10)AB(1)").reason == "bad_syntax"


def test_the_expiry_day_00_means_the_last_day_of_the_month():
    assert parse_scan("(01)" + GTIN + "(17)270200(10)L").expires_on == date(2027, 2, 28)


# EAN/UPC: the GTIN-13 4006381333931 and the UPC-A 036000291452 (GS1's and the GS1 US examples).
@pytest.mark.parametrize(
    ("raw", "gtin", "batch"),
    [
        pytest.param("]E04006381333931", "04006381333931", None, id="ean13"),
        pytest.param("]E00036000291452", "00036000291452", None, id="upca_as_ean13"),
        pytest.param("]E496385074", "00000096385074", None, id="ean8"),
        pytest.param("]E3400638133393112", "04006381333931", None, id="ean13_with_add_on"),
        pytest.param("]E04006381333931|]e010ABC" + GS + "17271231", "04006381333931", "ABC", id="composite"),
        pytest.param("]E04006381333931]e010ABC", "04006381333931", "ABC", id="composite_without_bar"),
        pytest.param("4006381333931|(10)ABC(17)271231", "04006381333931", "ABC", id="text_composite"),
        pytest.param("036000291452|10ABC", "00036000291452", "ABC", id="upca_text_composite"),
        pytest.param("]E004252614", "00042100005264", None, id="upce_expanded_by_biip"),
        pytest.param(
            "https://id.gs1.org/01/09520123456788?10=L%2B1+2", "09520123456788", "L+1+2", id="dl_plus"
        ),
    ],
)
def test_ean_upc_and_their_composites_are_read(raw, gtin, batch):
    scanned = parse_scan(raw)
    assert (scanned.is_gs1, scanned.gtin, scanned.batch) == (True, gtin, batch)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param("]E04006381333932", "check_digit", id="ean13_check_digit"),
        pytest.param("]E496385075", "check_digit", id="ean8_check_digit"),
        pytest.param("]E0400638133393", "bad_syntax", id="ean13_short"),
        pytest.param("]E04006381333931|]e0(250)X", "missing_companion", id="composite_needs_serial_too"),
        pytest.param("]E04006381333931|]e037" + "5", "forbidden_pair", id="composite_rules_over_both_parts"),
        pytest.param("]E04006381333931XYZ", "bad_syntax", id="trailing_junk"),
        pytest.param("]E004252615", "check_digit", id="upce_check_digit"),
        pytest.param("4006381333932|(10)ABC", "check_digit", id="text_composite_check_digit"),
    ],
)
def test_bad_ean_upc_is_refused(raw, reason):
    assert refusal(raw).reason == reason


def test_a_plain_numeric_scan_without_identifier_stays_a_lot_code():
    # Without ]E0 a 13-digit number may be a supplier's lot code; it is looked up as one.
    scanned = parse_scan("4006381333932")
    assert (scanned.is_gs1, scanned.lot) == (False, "4006381333932")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            "https://id.gs1.org/01/09520123456788/10/ABC",
            {"01": "09520123456788", "10": "ABC"},
            id="gs1_resolver",
        ),
        pytest.param(
            "HTTPS://example.com/shop/01/9520123456788/22/V%2F1/10/L%2B1/21/S?17=271231&linkType=gs1:pip#x",
            {"01": "09520123456788", "22": "V/1", "10": "L+1", "21": "S", "17": "271231"},
            id="any_domain_prefix_qualifiers_query_percent",
        ),
        pytest.param(
            "]Q1https://brand.example/01/09520123456788/235/TPX?3103=000500",
            {"01": "09520123456788", "235": "TPX", "3103": "000500"},
            id="plain_qr_with_second_qualifier_sequence",
        ),
        pytest.param(
            "http://x.example/00/095060001343520000?02=" + GTIN + "&37=12&10=B",
            {"00": "095060001343520000", "02": GTIN, "37": "12", "10": "B"},
            id="sscc_key",
        ),
        pytest.param(
            "https://x.example/414/9506000134352/254/EXT",
            {"414": "9506000134352", "254": "EXT"},
            id="gln_with_extension",
        ),
    ],
)
def test_digital_link_uris_are_read_into_their_ais(raw, expected):
    assert parse_scan(raw).element_strings == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        pytest.param("https://id.gs1.org/01/09520123456789/10/ABC", "check_digit", id="bad_check_digit"),
        pytest.param("https://id.gs1.org/01/09520123456788/21/S/10/L", "bad_digital_link", id="bad_order"),
        pytest.param(
            "https://id.gs1.org/01/09520123456788/22/V/235/T", "bad_digital_link", id="mixed_sequences"
        ),
        pytest.param(
            "https://id.gs1.org/00/095060001343520000/10/L", "bad_digital_link", id="key_no_qualifier"
        ),
        pytest.param("https://id.gs1.org/10/ABC", "bad_digital_link", id="no_primary_key"),
        pytest.param("https://example.com/products/abc", "bad_digital_link", id="not_a_digital_link"),
        pytest.param(
            "https://id.gs1.org/01/09520123456788?01=09520123456788", "bad_digital_link", id="key_in_query"
        ),
        pytest.param("https://id.gs1.org/01/09520123456788?21=S", "bad_digital_link", id="not_an_attribute"),
        pytest.param("https://id.gs1.org/01/09520123456788?17=251340", "bad_content", id="attribute_content"),
        pytest.param("https://id.gs1.org/01/09520123456788?23=1", "unknown_ai", id="unknown_query_ai"),
        pytest.param("https://id.gs1.org/10/L/21/S", "bad_digital_link", id="qualifiers_only"),
        pytest.param(
            "https://id.gs1.org/01/09520123456788/10/L?20=1", "bad_length", id="bad_attribute_length"
        ),
    ],
)
def test_bad_digital_link_uris_are_refused(raw, reason):
    assert refusal(raw).reason == reason


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("]C101" + GTIN + "10ABC17271231", id="lot_then_expiry"),
        pytest.param("]C101" + GTIN + "10LOT3103000500", id="lot_then_net_weight"),
        pytest.param("01" + GTIN + "21SN1" + "17271231" + "10L7", id="serial_then_expiry_and_lot"),
        pytest.param("]d201" + GTIN + "240L1" + "00" + "095060001343520000", id="additional_id_then_sscc"),
    ],
)
def test_a_label_whose_separator_was_dropped_is_refused_as_ambiguous(raw):
    refused = refusal(raw)
    assert (refused.code, refused.reason) == ("ambiguous_barcode", "missing_separator")
    assert "separator" in refused.message and "brackets" in refused.message


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("]C101" + GTIN + "10ABC" + GS + "17271231", id="with_gs"),
        pytest.param("(01)" + GTIN + "(10)ABC17271231", id="bracketed_says_what_it_means"),
        pytest.param("]C101" + GTIN + "10ABC1727", id="tail_is_not_gs1_data"),
        pytest.param("]C101" + GTIN + "17271231" + "10ABC", id="fixed_lengths_then_lot"),
        pytest.param("]d201" + GTIN + "21PCB-9999", id="tail_99_is_too_weak_to_be_internal_data"),
        pytest.param("]C101" + GTIN + "10LOT2024", id="tail_2024_is_too_weak_to_be_a_variant"),
        pytest.param("]C101" + GTIN + "10LOT-2101", id="tail_2101_is_too_weak_to_be_a_serial"),
        pytest.param("]C101" + GTIN + "10LOT3012", id="tail_3012_is_too_weak_to_be_a_count"),
    ],
)
def test_a_label_that_reads_one_way_is_not_ambiguous(raw):
    assert parse_scan(raw).is_gs1 is True


def test_a_value_that_runs_too_long_without_separator_says_so():
    refused = refusal("]C101" + GTIN + "10ABCDEFGHIJKLMNOPQRS" + "17271231")
    assert (refused.code, refused.reason) == ("invalid_barcode", "missing_separator")


def test_a_quantity_of_zero_is_read_as_zero_for_the_scan_to_refuse():
    # GS1 allows (30)0; the scan refuses it with its own code (tests/mes/test_record_scan.py).
    assert parse_scan("(01)" + GTIN + "(10)L(30)0").quantity == Decimal("0")


def test_the_refusal_reason_reaches_the_api_body():
    body = refusal("]C101" + GTIN + "10ABC17271231").as_body()
    assert body["errors"][0]["code"] == "ambiguous_barcode"
    assert body["errors"][0]["reason"] == "missing_separator"
    assert body["errors"][0]["path"] == "barcode"


def test_weak_other_readings_are_kept_for_the_scan_to_weigh():
    scanned = parse_scan("]C101" + GTIN + "10LOT3012")
    assert scanned.lot == "LOT3012"
    assert {"01": GTIN, "10": "LOT", "30": "12"} in scanned.other_readings
    assert parse_scan("]C101" + GTIN + "10LOT" + GS + "3012").other_readings == ()
