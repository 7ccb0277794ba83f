"""GS1's rules that biip does not check, loaded from the GS1 Barcode Syntax Dictionary.

`gs1-syntax-dictionary.txt` beside this module is GS1's file, unchanged (Apache License 2.0,
see `LICENSE_gs1_Apache-2.0.txt` and the file's own header). From it this module reads, per AI:

- `req=` attributes: each must be satisfied by one of its comma-separated alternatives, an
  alternative being AIs joined by `+` that must all be present (patterns like `31nn` allowed);
- `ex=` attributes: none of the listed AIs or patterns may be present (an AI never excludes itself);
- components with the `csum` linter (GS1 mod-10 check digit) and `csumalpha` (check character pair):
  check digits inside the message beyond the GTIN, SSCC and GLN that biip already checks.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DICTIONARY_PATH = Path(__file__).resolve().parent / "gs1-syntax-dictionary.txt"

_COMPONENT = re.compile(r"^\[?([NXYZ])(\d*)(?:\.\.(\d+))?\]?$")
_FLAG_CHARACTERS = set("*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~")


@dataclass(frozen=True)
class Component:
    """One part of an AI's data field: its type, its length (fixed, or up to `max_length`), its linters."""

    kind: str
    length: int | None  # None: variable length, the last component
    max_length: int | None
    linters: tuple[str, ...]
    optional: bool


@dataclass(frozen=True)
class AiRule:
    ai: str
    components: tuple[Component, ...]
    requires: tuple[
        tuple[tuple[str, ...], ...], ...
    ] = ()  # each req=: alternatives, each a tuple of patterns
    excludes: tuple[str, ...] = ()
    title: str = ""


@dataclass(frozen=True)
class Violation:
    ai: str
    kind: str  # "requires", "excludes", "check_digit"
    detail: str
    related: tuple[str, ...] = field(default_factory=tuple)


def _expand(ai_field: str) -> list[str]:
    if "-" not in ai_field:
        return [ai_field]
    start, end = ai_field.split("-")
    width = len(start)
    return [str(number).zfill(width) for number in range(int(start), int(end) + 1)]


def _parse_component(token: str) -> Component:
    type_part, *linters = token.split(",")
    optional = type_part.startswith("[")
    match = _COMPONENT.match(type_part)
    if match is None:
        raise ValueError("unreadable component {!r} in the GS1 syntax dictionary".format(token))
    kind, fixed, maximum = match.groups()
    if maximum is not None:
        return Component(kind, None, int(maximum), tuple(linters), optional)
    return Component(kind, int(fixed), int(fixed), tuple(linters), optional)


def _parse_line(line: str) -> list[AiRule]:
    body, _hash, title = line.partition("#")
    tokens = body.split()
    if not tokens:
        return []
    ai_field, rest = tokens[0], tokens[1:]
    if rest and all(character in _FLAG_CHARACTERS for character in rest[0]):
        rest = rest[1:]
    components: list[Component] = []
    requires: list[tuple[tuple[str, ...], ...]] = []
    excludes: list[str] = []
    for token in rest:
        if token.startswith("req="):
            requires.append(tuple(tuple(group.split("+")) for group in token[4:].split(",")))
        elif token.startswith("ex="):
            excludes.extend(token[3:].split(","))
        elif "=" in token or token == "dlpkey" or token.startswith("dlattr"):
            continue
        else:
            components.append(_parse_component(token))
    return [
        AiRule(
            ai=ai,
            components=tuple(components),
            requires=tuple(requires),
            excludes=tuple(excludes),
            title=title.strip(),
        )
        for ai in _expand(ai_field)
    ]


@cache
def rules() -> dict[str, AiRule]:
    """Every AI of the dictionary, keyed by AI (ranges expanded). Read once per process."""
    table: dict[str, AiRule] = {}
    for line in DICTIONARY_PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        for rule in _parse_line(line):
            table[rule.ai] = rule
    return table


def _matches(pattern: str, ai: str) -> bool:
    """`31nn` matches 3100..3199; `394n` matches 3940..3949; a plain AI matches itself."""
    if len(pattern) != len(ai):
        return False
    return all(p == "n" and a.isdigit() or p == a for p, a in zip(pattern, ai, strict=True))


def _present(pattern: str, ais: list[str]) -> list[str]:
    return [ai for ai in ais if _matches(pattern, ai)]


CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
CSET32 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_PRIMES = (
    2,
    3,
    5,
    7,
    11,
    13,
    17,
    19,
    23,
    29,
    31,
    37,
    41,
    43,
    47,
    53,
    59,
    61,
    67,
    71,
    73,
    79,
    83,
    89,
    97,
    101,
    103,
    107,
    109,
    113,
)


def mod10_is_valid(digits: str) -> bool:
    """GS1 mod-10 check digit: weights 3 and 1 alternating from the right, excluding the check digit."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def check_pair_is_valid(value: str) -> bool:
    """GS1 check character pair (csumalpha) over CSET 82 data, as in AIs (8013) and (8014)."""
    if len(value) < 3 or any(character not in CSET82 for character in value[:-2]):
        return False
    total = (
        sum(CSET82.index(character) * _PRIMES[index] for index, character in enumerate(reversed(value[:-2])))
        % 1021
    )
    return value[-2:] == CSET32[total >> 5] + CSET32[total & 31]


def _check_digits(rule: AiRule, value: str) -> list[Violation]:
    problems: list[Violation] = []
    offset = 0
    for component in rule.components:
        if offset >= len(value) and component.optional:
            break
        part = value[offset:] if component.length is None else value[offset : offset + component.length]
        offset += len(part)
        if "csum" in component.linters and not mod10_is_valid(part):
            problems.append(Violation(rule.ai, "check_digit", part))
        if "csumalpha" in component.linters and not check_pair_is_valid(part):
            problems.append(Violation(rule.ai, "check_digit", part))
    return problems


def violations(element_strings: list[tuple[str, str]]) -> list[Violation]:
    """Every broken rule of the message: pairings (`req=`, `ex=`) and check digits.

    `element_strings` are the (AI, value) pairs of everything scanned from one item.
    """
    table = rules()
    ais = [ai for ai, _value in element_strings]
    problems: list[Violation] = []
    for ai, value in element_strings:
        rule = table.get(ai)
        if rule is None:
            continue
        problems.extend(_check_digits(rule, value))
        for alternatives in rule.requires:
            if not any(all(_present(pattern, ais) for pattern in group) for group in alternatives):
                problems.append(
                    Violation(
                        ai,
                        "requires",
                        " or ".join("+".join(group) for group in alternatives),
                        tuple("+".join(group) for group in alternatives),
                    )
                )
        for pattern in rule.excludes:
            clashing = [other for other in _present(pattern, ais) if other != ai]
            if clashing:
                problems.append(Violation(ai, "excludes", clashing[0], tuple(clashing)))
    return problems
