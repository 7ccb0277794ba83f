"""Property tests: the parser held to GS1's syntax dictionary over generated element strings.

Values are generated from the dictionary's own component specifications (type, length, linters),
messages from its `req=` / `ex=` attributes; the expectations are GS1's: a valid message reads
the same bracketed, unbracketed (with GS) and as a Digital Link; a broken one is refused with the
reason that names the break.
"""

import re
import string
from datetime import date

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from line.barcodes import linters, parse_scan, syntax_dictionary
from line.barcodes.gs1 import GROUP_SEPARATOR, BarcodeRefused, to_bracketed, to_unbracketed

RULES = syntax_dictionary.rules()
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHARSETS = {"N": string.digits, "X": linters.CSET82, "Y": linters.CSET39, "Z": linters.CSET64}
# Values GS1's reference linters accept, for the few linters whose rules are a grammar of their own.
EXAMPLES = {
    "iban": ["GB82WEST12345698765432", "DE89370400440532013000", "FR1420041010050500013M02606"],
    "couponcode": ["012345612345611110123", "0123456123456111101231011234011234560"],
    "couponposoffer": ["001234561234560123456", "0012345612345611234567"],
    "packagetype": sorted(linters._package_types()),
    "iso3166alpha2": ["DE", "FR", "US", "JP"],
    "importeridx": list("09AZaz-_"),
    "mediatype": ["01", "10", "80", "99"],
    "posinseqslash": ["1/2", "2/2", "1/9"],
    "hyphen": ["-"],
    "zero": ["0"],
    "winding": ["0", "1", "9"],
    "yesno": ["0", "1"],
    "iso5218": ["0", "1", "2", "9"],
}
COUNTRIES = sorted(linters._country_numeric())
CURRENCIES = sorted(linters._currency_numeric())


def _text(draw, kind, length, *, first=None):
    alphabet = CHARSETS[kind]
    characters = draw(st.lists(st.sampled_from(alphabet), min_size=length, max_size=length))
    if first:
        characters[: len(first)] = list(first)
    return "".join(characters)[:length]


@st.composite
def component_value(draw, component):
    """A value for one component that its type and every one of its linters accept."""
    names = set(component.linters)
    length = draw(st.integers(component.min_length, max(component.min_length, min(component.max_length, 24))))
    kind = component.kind
    day = draw(st.dates(date(2000, 1, 1), date(2049, 12, 31)))
    for name in ("iban", "couponcode", "couponposoffer", "packagetype", "iso3166alpha2", "importeridx",
                 "mediatype", "posinseqslash", "hyphen", "zero", "winding", "yesno", "iso5218"):  # fmt: skip
        if name in names:
            return draw(st.sampled_from(EXAMPLES[name]))
    if names & {"yymmdd", "yymmd0"}:
        return day.strftime("%y%m%d")
    if names & {"yyyymmdd", "yyyymmd0"}:
        return day.strftime("%Y%m%d")
    if "hh" in names:
        return "{:02d}".format(draw(st.integers(0, 23)))
    if names & {"mi", "ss"}:
        return "{:02d}".format(draw(st.integers(0, 59)))
    if "hhmi" in names:
        return "{:02d}{:02d}".format(draw(st.integers(0, 23)), draw(st.integers(0, 59)))
    if names & {"iso3166", "iso3166999"}:
        return draw(st.sampled_from(COUNTRIES + (["999"] if "iso3166999" in names else [])))
    if "iso4217" in names:
        return draw(st.sampled_from(CURRENCIES))
    if "latitude" in names:
        return "{:010d}".format(draw(st.integers(0, 1_800_000_000)))
    if "longitude" in names:
        return "{:010d}".format(draw(st.integers(0, 3_600_000_000)))
    if "pieceoftotal" in names:
        total = draw(st.integers(1, 99))
        return "{:02d}{:02d}".format(draw(st.integers(1, total)), total)
    if "csum" in names:
        body = _text(draw, "N", length - 1)
        return body + linters.check_digit(body)
    if "csumalpha" in names:
        length = max(length, 7)
        body = _text(draw, kind, length - 2, first="9506")
        if "hasnondigit" in names:
            body = body[:-1] + "A"
        return body + linters.check_pair(body)
    if names & {"gcppos1"}:
        return _text(draw, kind, max(length, 4), first="9506")
    if "nonzero" in names:
        return _text(draw, "N", length - 1) + draw(st.sampled_from("123456789"))
    if "nozeroprefix" in names:
        return draw(st.sampled_from("123456789")) + _text(draw, "N", length - 1)
    if "pcenc" in names:
        return _text(draw, kind, length).replace("%", "A")
    if kind == "Z":
        return _text(draw, kind, length)
    return _text(draw, kind, length)


@st.composite
def ai_value(draw, ai):
    """A value for the AI: its mandatory components, then optional ones while the draw says so."""
    parts = []
    for component in RULES[ai].components:
        if component.optional and not draw(st.booleans()):
            break
        parts.append(draw(component_value(component)))
    value = "".join(parts)
    assume(len(value) <= RULES[ai].max_length)
    return value


def _independent_excludes(ais):
    """The `ex=` rules, checked here without the parser's code."""
    for ai in ais:
        for pattern in RULES[ai].excludes:
            regex = re.compile("^" + pattern.replace("n", "[0-9]") + "$")
            if any(other != ai and regex.match(other) for other in ais):
                return True
    return False


def _satisfy(ai, chosen, draw, depth=0):
    """Add, for every `req=` of the AI, the first alternative's AIs ('n' in a pattern read as 0)."""
    for alternatives in RULES[ai].requires:
        group = draw(st.sampled_from(alternatives))
        for pattern in group:
            needed = pattern.replace("n", "0")
            if needed not in chosen and depth < 4:
                chosen[needed] = None
                _satisfy(needed, chosen, draw, depth + 1)


ANY_AI = st.sampled_from(sorted(RULES))


@st.composite
def valid_message(draw, ais=ANY_AI):
    """A message GS1 accepts: some AIs with all they require, none excluding another."""
    chosen: dict[str, str | None] = {}
    for ai in draw(st.lists(ais, min_size=1, max_size=3, unique=True)):
        chosen[ai] = None
        _satisfy(ai, chosen, draw)
    assume(all(ai in RULES for ai in chosen))
    assume(not _independent_excludes(list(chosen)))
    pairs = [(ai, draw(ai_value(ai))) for ai in chosen]
    return pairs


def _read(text):
    return parse_scan(text).element_strings


@FAST
@given(data=st.data(), ai=st.sampled_from(sorted(RULES)))
def test_every_ais_generated_value_passes_its_own_rules(data, ai):
    value = data.draw(ai_value(ai))
    assert syntax_dictionary.check_value(RULES[ai], value) is None, (ai, value)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(pairs=valid_message())
def test_a_valid_message_reads_the_same_bracketed_and_unbracketed(pairs):
    expected = dict(pairs)
    assert _read(to_bracketed(pairs)) == expected
    unbracketed = to_unbracketed(pairs)
    try:
        assert _read("]C1" + unbracketed) == expected
    except BarcodeRefused as refused:
        # With no separator at all, a last value that hides a credible second reading is refused
        # as ambiguous, which is the rule (test_gs1.py); anything else is a bug.
        assert GROUP_SEPARATOR not in unbracketed and refused.code == "ambiguous_barcode", refused.message


QUALIFIERS = ("22", "10", "21")


@FAST
@given(data=st.data())
def test_a_gtin_with_qualifiers_and_attributes_round_trips_through_a_digital_link(data):
    gtin_body = data.draw(st.text(string.digits, min_size=13, max_size=13))
    gtin = gtin_body + linters.check_digit(gtin_body)
    qualifiers = [ai for ai in QUALIFIERS if data.draw(st.booleans())]
    attributes = data.draw(
        st.lists(st.sampled_from(["11", "17", "30", "3103", "15", "240", "422"]), unique=True)
    )
    pairs = [("01", gtin), *[(ai, data.draw(ai_value(ai))) for ai in qualifiers]]
    pairs += [(ai, data.draw(ai_value(ai))) for ai in attributes]
    assume(not _independent_excludes([ai for ai, _value in pairs]))
    path = "".join("/{}/{}".format(ai, _percent(value)) for ai, value in pairs[: 1 + len(qualifiers)])
    query = "&".join("{}={}".format(ai, _percent(value)) for ai, value in pairs[1 + len(qualifiers) :])
    domain = data.draw(
        st.sampled_from(["https://id.gs1.org", "https://example.com/some/prefix", "http://x.io"])
    )
    uri = domain + path + ("?" + query if query else "")
    expected = dict(pairs)
    assert _read(uri) == expected
    assert _read(to_bracketed(pairs)) == expected


def _percent(value):
    from urllib.parse import quote

    return quote(value, safe="")


@FAST
@given(pairs=valid_message(ais=st.sampled_from(["01"])), digit=st.integers(1, 9))
def test_a_wrong_gtin_check_digit_is_refused(pairs, digit):
    gtin = dict(pairs)["01"]
    wrong = gtin[:-1] + str((int(gtin[-1]) + digit) % 10)
    broken = [(ai, wrong if ai == "01" else value) for ai, value in pairs]
    with pytest.raises(BarcodeRefused) as refused:
        parse_scan(to_bracketed(broken))
    assert refused.value.reason == "check_digit"


@FAST
@given(pairs=valid_message(ais=st.sampled_from(["10", "21", "240", "7002"])), data=st.data())
def test_a_character_outside_the_ais_set_is_refused(pairs, data):
    ai, value = next((ai, value) for ai, value in pairs if RULES[ai].components[0].kind == "X")
    bad = data.draw(st.sampled_from("#$@[]{}~`é "))
    position = data.draw(st.integers(0, len(value) - 1))
    broken = [(a, value[:position] + bad + value[position + 1 :] if a == ai else v) for a, v in pairs]
    with pytest.raises(BarcodeRefused) as refused:
        parse_scan(to_bracketed(broken))
    assert refused.value.reason == "bad_character"


@FAST
@given(pairs=valid_message(), data=st.data())
def test_a_value_longer_than_its_ai_allows_is_refused(pairs, data):
    ai, value = data.draw(st.sampled_from(pairs))
    over = RULES[ai].max_length - len(value) + data.draw(st.integers(1, 3))
    extra = data.draw(st.text(CHARSETS[RULES[ai].components[-1].kind], min_size=over, max_size=over))
    broken = [(a, v + extra if a == ai else v) for a, v in pairs]
    with pytest.raises(BarcodeRefused) as refused:
        parse_scan(to_bracketed(broken))
    assert refused.value.reason == "bad_length"


REQUIRING = sorted(ai for ai, rule in RULES.items() if rule.requires)


@FAST
@given(data=st.data(), ai=st.sampled_from(REQUIRING))
def test_an_ai_without_what_it_requires_is_refused(data, ai):
    value = data.draw(ai_value(ai))
    with pytest.raises(BarcodeRefused) as refused:
        parse_scan(to_bracketed([(ai, value)]))
    assert refused.value.reason == "missing_companion"
    assert "({})".format(ai) in refused.value.message


PLAIN_VALUES = {
    "yymmdd": "271231",
    "yymmd0": "271231",
    "yyyymmdd": "20271231",
    "yyyymmd0": "20271231",
    "hh": "12",
    "mi": "30",
    "ss": "30",
    "hhmi": "1230",
    "iso3166": "276",
    "iso3166999": "276",
    "iso4217": "978",
    "latitude": "0900000000",
    "longitude": "1800000000",
    "pieceoftotal": "0102",
}


def _plain_value(component):
    """The simplest value a component accepts, built by hand from its specification."""
    names, length = set(component.linters), component.min_length
    for name, value in PLAIN_VALUES.items():
        if name in names:
            return value
    for name in EXAMPLES:
        if name in names:
            return EXAMPLES[name][0]
    if "csum" in names:
        body = ("9506" + "1" * length)[: length - 1]
        return body + linters.check_digit(body)
    if "csumalpha" in names:
        body = "9506ABC"
        return body + linters.check_pair(body)
    filler = "1" if component.kind == "N" else "A"
    if "gcppos1" in names:
        return ("9506" + filler * length)[: max(length, 4)]
    return filler * length


def test_every_ai_of_the_dictionary_alone_is_read_or_refused_for_its_requirement():
    # Not a sample: every AI, with a value built from its specification. One that requires
    # another AI is refused for that alone; one that requires nothing is read as it is.
    failures = []
    for ai, rule in sorted(RULES.items()):
        value = "".join(_plain_value(component) for component in rule.components if not component.optional)
        try:
            read = parse_scan(to_bracketed([(ai, value)])).element_strings
        except BarcodeRefused as refused:
            if not rule.requires or refused.reason != "missing_companion":
                failures.append((ai, value, refused.reason))
        else:
            if rule.requires or read != {ai: value}:
                failures.append((ai, value, "accepted"))
    assert failures == []
