"""GS1's content rules ("linters") named in the syntax dictionary, one function per name.

Each linter takes the component's text and answers whether it is acceptable, following GS1's
reference procedures (GS1 Barcode Syntax Tests, https://ref.gs1.org/tools/gs1-barcode-syntax-resource/).
`LINTERS` maps every name to its function; `tests/mes/test_gs1.py` fails when the dictionary
names a linter missing here. Country and currency codes come from `pycountry` (ISO 3166-1,
ISO 4217); the package type codes are GS1's PackageTypeCode list (`gs1-package-types.txt`).
"""

import calendar
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pycountry

CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
CSET39 = "#-/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CSET64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
CSET32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_CSET82 = frozenset(CSET82)
_CSET39 = frozenset(CSET39)
_CSET64 = frozenset(CSET64)
_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
           101, 103, 107, 109, 113)  # fmt: skip
GCP_MIN_LENGTH = 4  # the shortest GS1 Company Prefix
PACKAGE_TYPES_PATH = Path(__file__).resolve().parent / "gs1-package-types.txt"


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


# -- character sets (the component types N, X, Y, Z) ------------------------------------------


def csetnumeric(text: str) -> bool:
    return text == "" or _digits(text)


def cset82(text: str) -> bool:
    return all(character in _CSET82 for character in text)


def cset39(text: str) -> bool:
    return all(character in _CSET39 for character in text)


def cset64(text: str) -> bool:
    """base64url: its 64 characters, then at most two '=' of padding at the very end."""
    body = text.rstrip("=")
    return len(text) - len(body) <= 2 and all(character in _CSET64 for character in body)


# -- check digits ------------------------------------------------------------------------------


def check_digit(body: str) -> str:
    """The GS1 mod-10 check digit of `body` (weights 3, 1, 3, ... from the right)."""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def csum(text: str) -> bool:
    return _digits(text) and len(text) >= 2 and check_digit(text[:-1]) == text[-1]


def check_pair(body: str) -> str:
    """The GS1 check character pair of `body` (CSET 82 data), as in AIs (8013) and (8014)."""
    total = sum(CSET82.index(character) * _PRIMES[index] for index, character in enumerate(reversed(body)))
    total %= 1021
    return CSET32[total >> 5] + CSET32[total & 31]


def csumalpha(text: str) -> bool:
    if len(text) < 3 or len(text) - 2 > len(_PRIMES) or not cset82(text[:-2]):
        return False
    return text[-2:] == check_pair(text[:-2])


# -- GS1 Company Prefix positions ----------------------------------------------------------------


def gcppos1(text: str) -> bool:
    """The component starts with a GS1 Company Prefix: at least its first four characters are digits."""
    return len(text) >= GCP_MIN_LENGTH and _digits(text[:GCP_MIN_LENGTH])


def gcppos2(text: str) -> bool:
    """As `gcppos1`, after one leading character (the indicator digit or extension)."""
    return len(text) >= 1 and gcppos1(text[1:])


def key(text: str) -> bool:
    return gcppos1(text)


def keyoff1(text: str) -> bool:
    return gcppos2(text)


def hasnondigit(text: str) -> bool:
    return any(not character.isdigit() for character in text)


# -- dates and times -----------------------------------------------------------------------------


def _year_from_yy(yy: int) -> int:
    # A YY year only matters for 29 February. GS1 places YY within a window around today; in
    # every such year this century's rule applies (YY divisible by 4 is a leap year, 2000 was
    # one), so 20YY answers the calendar question.
    return 2000 + yy


def _valid_day(year: int, month: int, day: int, *, allow_zero_day: bool) -> bool:
    if not 1 <= month <= 12:
        return False
    if day == 0:
        return allow_zero_day
    return day <= calendar.monthrange(year, month)[1]


def yymmdd(text: str) -> bool:
    if len(text) != 6 or not _digits(text):
        return False
    return _valid_day(_year_from_yy(int(text[:2])), int(text[2:4]), int(text[4:6]), allow_zero_day=False)


def yymmd0(text: str) -> bool:
    """YYMMDD where DD may be 00 (the last day of the month)."""
    if len(text) != 6 or not _digits(text):
        return False
    return _valid_day(_year_from_yy(int(text[:2])), int(text[2:4]), int(text[4:6]), allow_zero_day=True)


def yyyymmdd(text: str) -> bool:
    if len(text) != 8 or not _digits(text):
        return False
    return _valid_day(int(text[:4]), int(text[4:6]), int(text[6:8]), allow_zero_day=False)


def yyyymmd0(text: str) -> bool:
    if len(text) != 8 or not _digits(text):
        return False
    return _valid_day(int(text[:4]), int(text[4:6]), int(text[6:8]), allow_zero_day=True)


def hh(text: str) -> bool:
    return len(text) == 2 and _digits(text) and int(text) <= 23


def mi(text: str) -> bool:
    return len(text) == 2 and _digits(text) and int(text) <= 59


def ss(text: str) -> bool:
    return len(text) == 2 and _digits(text) and int(text) <= 59


def mm(text: str) -> bool:
    return mi(text)


def hhmi(text: str) -> bool:
    return len(text) == 4 and hh(text[:2]) and mi(text[2:])


def hhmm(text: str) -> bool:
    return hhmi(text)


def mmoptss(text: str) -> bool:
    """Minutes, then optionally seconds (MM or MMSS)."""
    if len(text) == 2:
        return mi(text)
    return len(text) == 4 and mi(text[:2]) and ss(text[2:])


def yymmddhh(text: str) -> bool:
    return len(text) == 8 and yymmdd(text[:6]) and hh(text[6:])


# -- code lists ------------------------------------------------------------------------------------


@cache
def _country_numeric() -> frozenset[str]:
    return frozenset(country.numeric for country in pycountry.countries)


@cache
def _country_alpha2() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


@cache
def _currency_numeric() -> frozenset[str]:
    return frozenset(currency.numeric for currency in pycountry.currencies)


@cache
def _package_types() -> frozenset[str]:
    lines = PACKAGE_TYPES_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(
        code for line in lines if line.strip() and not line.startswith("#") for code in line.split()
    )


def iso3166(text: str) -> bool:
    return len(text) == 3 and text in _country_numeric()


def iso3166999(text: str) -> bool:
    return text == "999" or iso3166(text)


def iso3166alpha2(text: str) -> bool:
    return len(text) == 2 and text in _country_alpha2()


def iso3166list(text: str) -> bool:
    """One to five ISO 3166 numeric country codes, one after the other."""
    return (
        3 <= len(text) <= 15
        and len(text) % 3 == 0
        and all(iso3166(text[start : start + 3]) for start in range(0, len(text), 3))
    )


def iso4217(text: str) -> bool:
    return len(text) == 3 and text in _currency_numeric()


def iso5218(text: str) -> bool:
    """Sex: 0 not known, 1 male, 2 female, 9 not applicable."""
    return text in {"0", "1", "2", "9"}


def packagetype(text: str) -> bool:
    return text in _package_types()


def mediatype(text: str) -> bool:
    """AIDC media type: 01-10 (assigned) or 80-99 (local use)."""
    return len(text) == 2 and _digits(text) and (1 <= int(text) <= 10 or 80 <= int(text) <= 99)


# -- single values -------------------------------------------------------------------------------------


def yesno(text: str) -> bool:
    return text in {"0", "1"}


def zero(text: str) -> bool:
    return text == "0"


def nonzero(text: str) -> bool:
    return _digits(text) and int(text) != 0


def nozeroprefix(text: str) -> bool:
    """No leading zero, unless the value is the single digit 0."""
    return text == "0" or not text.startswith("0")


def hyphen(text: str) -> bool:
    return text != "" and set(text) == {"-"}


def winding(text: str) -> bool:
    """Winding direction: 0 face out, 1 face in, 9 undefined."""
    return text in {"0", "1", "9"}


def importeridx(text: str) -> bool:
    return len(text) == 1 and (text.isascii() and (text.isalnum() or text in "-_"))


def pieceoftotal(text: str) -> bool:
    """Piece number then total count, of equal length: 1 <= piece <= total."""
    if len(text) < 2 or len(text) % 2 or not _digits(text):
        return False
    half = len(text) // 2
    piece, total = int(text[:half]), int(text[half:])
    return 1 <= piece <= total


def posinseqslash(text: str) -> bool:
    """Position in a sequence as 'position/total', e.g. '1/2': 1 <= position <= total."""
    match = re.fullmatch(r"([1-9][0-9]*)/([1-9][0-9]*)", text)
    return match is not None and int(match.group(1)) <= int(match.group(2))


def latitude(text: str) -> bool:
    """Latitude as 10 digits: (degrees + 90) x 10^7, so 0 .. 1800000000."""
    return len(text) == 10 and _digits(text) and int(text) <= 1_800_000_000


def longitude(text: str) -> bool:
    """Longitude as 10 digits: (degrees + 180) x 10^7, so 0 .. 3600000000."""
    return len(text) == 10 and _digits(text) and int(text) <= 3_600_000_000


def latlong(text: str) -> bool:
    return len(text) == 20 and latitude(text[:10]) and longitude(text[10:])


def pcenc(text: str) -> bool:
    """Percent-encoding is well formed: every '%' starts two hexadecimal digits."""
    index = text.find("%")
    while index != -1:
        pair = text[index + 1 : index + 3]
        if len(pair) != 2 or any(character not in "0123456789ABCDEFabcdef" for character in pair):
            return False
        index = text.find("%", index + 3)
    return True


def iban(text: str) -> bool:
    """IBAN: country (ISO 3166 alpha-2), two check digits, then letters and digits; mod 97 == 1."""
    if not 5 <= len(text) <= 34 or not re.fullmatch(r"[A-Z]{2}[0-9]{2}[0-9A-Z]+", text):
        return False
    if not iso3166alpha2(text[:2]):
        return False
    rearranged = text[4:] + text[:4]
    return int("".join(str(int(character, 36)) for character in rearranged)) % 97 == 1


# -- coupons (North American coupon codes, AIs 8110 and 8112) ---------------------------------------


class _Reader:
    def __init__(self, text: str):
        self.text, self.position = text, 0

    def at_end(self) -> bool:
        return self.position >= len(self.text)

    def peek(self) -> str:
        return self.text[self.position] if not self.at_end() else ""

    def take(self, count: int) -> str:
        if len(self.text) - self.position < count:
            raise ValueError("truncated")
        part = self.text[self.position : self.position + count]
        self.position += count
        return part

    def vli(self, allowed: str, plus: int = 0) -> str:
        digit = self.take(1)
        if digit not in allowed:
            raise ValueError("bad length indicator")
        return self.take(int(digit) + plus)


def _purchase_requirement(reader: _Reader, *, gcp: bool) -> None:
    reader.vli("12345")  # requirement value
    if reader.take(1) not in "012349":  # requirement code
        raise ValueError("bad requirement code")
    reader.take(3)  # family code
    if gcp:
        indicator = reader.take(1)
        if indicator == "9":
            return
        if indicator not in "0123456":
            raise ValueError("bad company prefix length")
        if not gcppos1(reader.take(int(indicator) + 6)):
            raise ValueError("bad company prefix")


def couponcode(text: str) -> bool:
    if not _digits(text):
        return False
    reader = _Reader(text)
    try:
        if not gcppos1(reader.vli("0123456", plus=6)):
            return False
        reader.take(6)  # offer code
        reader.vli("12345")  # save value
        _purchase_requirement(reader, gcp=False)
        if reader.peek() == "1":  # additional purchase rules and second purchase
            reader.take(1)
            if reader.take(1) not in "0123":
                return False
            _purchase_requirement(reader, gcp=True)
        if reader.peek() == "2":  # third purchase
            reader.take(1)
            _purchase_requirement(reader, gcp=True)
        expiry = None
        if reader.peek() == "3":  # expiration date
            reader.take(1)
            expiry = reader.take(6)
            if not yymmdd(expiry):
                return False
        if reader.peek() == "4":  # start date
            reader.take(1)
            start = reader.take(6)
            if not yymmdd(start) or (expiry is not None and start > expiry):
                return False
        if reader.peek() == "5":  # serial number
            reader.take(1)
            reader.vli("0123456789", plus=6)
        if reader.peek() == "6":  # retailer company prefix or GLN
            reader.take(1)
            if not gcppos1(reader.vli("1234567", plus=6)):
                return False
        if reader.peek() == "9":  # miscellaneous
            reader.take(1)
            if reader.take(1) not in "01256" or reader.take(1) not in "012":
                return False
            reader.take(1)  # store coupon flag
            if reader.take(1) not in "01":
                return False
    except ValueError:
        return False
    return reader.at_end()


def couponposoffer(text: str) -> bool:
    if not _digits(text):
        return False
    reader = _Reader(text)
    try:
        if reader.take(1) not in "01":  # format code
            return False
        reader.vli("0123456", plus=6)  # funder
        reader.take(6)  # offer code
        reader.vli("0123456789", plus=6)  # serial number
    except ValueError:
        return False
    return reader.at_end()


LINTERS: dict[str, Callable[[str], bool]] = {
    function.__name__: function
    for function in (
        csetnumeric, cset82, cset39, cset64, csum, csumalpha, gcppos1, gcppos2, key, keyoff1, hasnondigit,
        yymmdd, yymmd0, yyyymmdd, yyyymmd0, hh, mi, ss, mm, hhmi, hhmm, mmoptss, yymmddhh, iso3166,
        iso3166999, iso3166alpha2, iso3166list, iso4217, iso5218, packagetype, mediatype, yesno, zero,
        nonzero, nozeroprefix, hyphen, winding, importeridx, pieceoftotal, posinseqslash, latitude,
        longitude, latlong, pcenc, iban, couponcode, couponposoffer,
    )
}  # fmt: skip

# The character set linter of each component type.
TYPE_LINTERS = {"N": csetnumeric, "X": cset82, "Y": cset39, "Z": cset64}
