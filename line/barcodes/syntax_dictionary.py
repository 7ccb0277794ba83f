"""GS1's rules for element strings, read from the GS1 Barcode Syntax Dictionary.

`gs1-syntax-dictionary.txt` beside this module is GS1's file, unchanged (Apache License 2.0,
see `LICENSE_gs1_Apache-2.0.txt` and the file's own header). From it this module reads, per AI:

- its flags: `*` pre-defined length (no FNC1 separator needed after it), `?` allowed as a GS1
  Digital Link data attribute (query string);
- its components: type (`N` digits, `X` CSET 82, `Y` CSET 39, `Z` base64url), fixed or
  variable length, optional or not, and the linters (content rules, `linters.py`) applied to each;
- `req=` attributes: each must be satisfied by one of its comma-separated alternatives, an
  alternative being AIs joined by `+` that must all be present (patterns like `31nn` allowed);
- `ex=` attributes: none of the listed AIs or patterns may be present (an AI never excludes itself);
- `dlpkey`: the AI is a GS1 Digital Link primary key, with its ordered qualifier sequences.

`check_value` applies one AI's components to its value; `violations` checks a whole message
(values, then pairings, over everything scanned from one item).
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from line.barcodes import linters

DICTIONARY_PATH = Path(__file__).resolve().parent / "gs1-syntax-dictionary.txt"

_COMPONENT = re.compile(r"^(\[)?([NXYZ])(\d+)?(?:\.\.(\d+))?(\])?$")
_FLAG_CHARACTERS = set("*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~")


@dataclass(frozen=True)
class Component:
    """One part of an AI's data field: its type, its length bounds, its linters."""

    kind: str
    min_length: int
    max_length: int
    linters: tuple[str, ...]
    optional: bool


@dataclass(frozen=True)
class AiRule:
    ai: str
    components: tuple[Component, ...]
    requires: tuple[tuple[tuple[str, ...], ...], ...] = ()  # each req=: alternatives of pattern groups
    excludes: tuple[str, ...] = ()
    title: str = ""
    predefined_length: bool = False  # flag "*": no FNC1 separator after it
    dl_attribute: bool = False  # flag "?": allowed in a Digital Link query string
    dl_primary_key: tuple[tuple[str, ...], ...] | None = None  # qualifier sequences; None: not a key

    @property
    def min_length(self) -> int:
        return sum(component.min_length for component in self.components if not component.optional)

    @property
    def max_length(self) -> int:
        return sum(component.max_length for component in self.components)

    @property
    def fixed_length(self) -> int | None:
        return self.max_length if self.min_length == self.max_length else None


@dataclass(frozen=True)
class Violation:
    """One broken rule. `kind`: bad_length, bad_character, check_digit, bad_content (with
    `detail` the linter), requires, excludes."""

    ai: str
    kind: str
    detail: str = ""
    related: tuple[str, ...] = field(default_factory=tuple)


def _expand(ai_field: str) -> list[str]:
    if "-" not in ai_field:
        return [ai_field]
    start, end = ai_field.split("-")
    width = len(start)
    return [str(number).zfill(width) for number in range(int(start), int(end) + 1)]


def _parse_component(token: str) -> Component:
    type_part, *linter_names = token.split(",")
    match = _COMPONENT.match(type_part)
    if match is None or bool(match.group(1)) != bool(match.group(5)):
        raise ValueError("unreadable component {!r} in the GS1 syntax dictionary".format(token))
    opening, kind, first, maximum, _closing = match.groups()
    if maximum is not None:
        minimum, maximum_length = (int(first) if first else 1), int(maximum)
    else:
        minimum = maximum_length = int(first)
    return Component(kind, minimum, maximum_length, tuple(linter_names), bool(opening))


def _parse_line(line: str) -> list[AiRule]:
    body, _hash, title = line.partition("#")
    tokens = body.split()
    if not tokens:
        return []
    ai_field, rest = tokens[0], tokens[1:]
    flags = ""
    if rest and all(character in _FLAG_CHARACTERS for character in rest[0]):
        flags, rest = rest[0], rest[1:]
    components: list[Component] = []
    requires: list[tuple[tuple[str, ...], ...]] = []
    excludes: list[str] = []
    dl_primary_key: tuple[tuple[str, ...], ...] | None = None
    for token in rest:
        if token.startswith("req="):
            requires.append(tuple(tuple(group.split("+")) for group in token[4:].split(",")))
        elif token.startswith("ex="):
            excludes.extend(token[3:].split(","))
        elif token == "dlpkey":
            dl_primary_key = ((),)
        elif token.startswith("dlpkey="):
            dl_primary_key = tuple(tuple(sequence.split(",")) for sequence in token[7:].split("|"))
        elif "=" in token or token.startswith("dlattr"):
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
            predefined_length="*" in flags,
            dl_attribute="?" in flags,
            dl_primary_key=dl_primary_key,
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


@cache
def linter_names() -> frozenset[str]:
    """Every linter the dictionary names (the character sets of the component types included)."""
    names = {linter.__name__ for linter in linters.TYPE_LINTERS.values()}
    for rule in rules().values():
        for component in rule.components:
            names.update(component.linters)
    return frozenset(names)


def match_ai(text: str) -> str | None:
    """The AI at the start of `text`: AIs are prefix-free, so at most one of 2, 3 or 4 digits matches."""
    table = rules()
    for length in (2, 3, 4):
        if text[:length] in table and text[:length].isdigit() and len(text[:length]) == length:
            return text[:length]
    return None


def _matches(pattern: str, ai: str) -> bool:
    """`31nn` matches 3100..3199; `394n` matches 3940..3949; a plain AI matches itself."""
    if len(pattern) != len(ai):
        return False
    return all(p == "n" and a.isdigit() or p == a for p, a in zip(pattern, ai, strict=True))


def _present(pattern: str, ais: list[str]) -> list[str]:
    return [ai for ai in ais if _matches(pattern, ai)]


def mod10_is_valid(digits: str) -> bool:
    """GS1 mod-10 check digit: weights 3 and 1 alternating from the right, excluding the check digit."""
    return linters.csum(digits)


def check_pair_is_valid(value: str) -> bool:
    """GS1 check character pair (csumalpha) over CSET 82 data, as in AIs (8013) and (8014)."""
    return linters.csumalpha(value)


def check_value(rule: AiRule, value: str) -> Violation | None:
    """Apply the AI's components to its value in order, as GS1's syntax engine does.

    Each component consumes its length (a variable one: the rest); optional components may be
    left out once the data is exhausted. The first problem found is returned.
    """
    if not rule.min_length <= len(value) <= rule.max_length:
        return Violation(rule.ai, "bad_length", str(len(value)))
    offset = 0
    for component in rule.components:
        if offset >= len(value) and component.optional:
            break
        remaining = len(value) - offset
        length = min(component.max_length, remaining)
        if length < component.min_length:
            return Violation(rule.ai, "bad_length", str(len(value)))
        part = value[offset : offset + length]
        offset += length
        if not linters.TYPE_LINTERS[component.kind](part):
            return Violation(rule.ai, "bad_character", component.kind)
        for name in component.linters:
            if not linters.LINTERS[name](part):
                kind = "check_digit" if name in ("csum", "csumalpha") else "bad_content"
                return Violation(rule.ai, kind, name)
    if offset != len(value):
        return Violation(rule.ai, "bad_length", str(len(value)))
    return None


def pairing_violations(ais: list[str]) -> list[Violation]:
    """The `req=` and `ex=` rules broken by a message made of these AIs (GS1: over every carrier
    of one item, so a composite's linear and 2D parts together)."""
    table = rules()
    problems: list[Violation] = []
    for ai in dict.fromkeys(ais):
        rule = table.get(ai)
        if rule is None:
            continue
        for alternatives in rule.requires:
            if not any(all(_present(pattern, ais) for pattern in group) for group in alternatives):
                problems.append(
                    Violation(
                        ai,
                        "requires",
                        ",".join("+".join(group) for group in alternatives),
                        tuple("+".join(group) for group in alternatives),
                    )
                )
        for pattern in rule.excludes:
            clashing = [other for other in _present(pattern, ais) if other != ai]
            if clashing:
                problems.append(Violation(ai, "excludes", clashing[0], tuple(clashing)))
    return problems


def violations(element_strings: list[tuple[str, str]]) -> list[Violation]:
    """Every broken rule of the message: each value against its AI, then pairings (`req=`, `ex=`).

    `element_strings` are the (AI, value) pairs of everything scanned from one item.
    """
    table = rules()
    problems: list[Violation] = []
    for ai, value in element_strings:
        rule = table.get(ai)
        if rule is None:
            problems.append(Violation(ai, "unknown_ai"))
            continue
        problem = check_value(rule, value)
        if problem is not None:
            problems.append(problem)
    problems.extend(pairing_violations([ai for ai, _value in element_strings]))
    return problems
