"""Countries, organisations and figures named in a text.

Countries come from data/reference/countries.csv (names and aliases, matched
with their capitals as written). Organisations are found by their shape: a
run of capitalised words ending in a word that names a body ("Service",
"Office", "Agency", ...), or "Department for X" / "Ministry of X". Figures
are numbers with what they count ("946 potential victims", "over 400
arrests", "£10 million"); numbers that are dates, identifiers or "24/7" are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.patterns import Anchored, NameFinder
from pipeline.reference import Reference
from pipeline.spans import Spans


@dataclass(slots=True)
class Mention:
    """A named thing in a text: start, end, text as written, canonical value (not frozen,
    as `MeasureMention`)."""

    start: int
    end: int
    text: str
    value: str


_BODY_WORDS = (
    "Service|Services|Office|Department|Agency|Force|Forces|Commission|Council|Police|Ministry|Squad|"
    "Centre|Unit|Team|Organisation|Organization|Union|Nations|Court|Parliament|Committee|Committees|"
    "Authority|Inspectorate|Network|Trust|Foundation|Institute|Bureau|Group|Board"
)
# A capitalised word that is not a sentence-initial article or preposition.
_CAPWORD = r"(?!(?:The|A|An|This|That|These|Those|In|On|Under|By|With|Our|Its|Their|But|And)\b)[A-Z][\w'’&-]*"
_LINK = r"(?:and|of|for|on|of the|for the)"
ORGANISATION = re.compile(
    rf"\b(?:Office of the|Department (?:for|of)|Ministry of) {_CAPWORD}(?: (?:{_CAPWORD}|of|for))*"
    rf"|\b{_CAPWORD}(?: (?:{_CAPWORD}|{_LINK})){{0,6}} (?:{_BODY_WORDS})\b(?:['’]s)?"
    r"|\b(?:Home Office|Europol|Interpol|Eurojust|Frontex|Border Force|Crown Prosecution Service)\b"
)
_ORGANISATIONS = Anchored(ORGANISATION, "[A-Z]")  # every alternative starts with a capital
# Every match of ORGANISATION holds a body word ("Office of the", "Department for" and
# "Ministry of" too) or one of the names without one, and only characters of `[\w'’& -]`.
_ORGANISATION_WORDS = re.compile(f"{_BODY_WORDS}|Europol|Interpol|Eurojust|Frontex")
_OUTSIDE_ORGANISATIONS = re.compile(r"[^\w'’& -]")


def _organisation_matches(text: str) -> Iterator[re.Match[str]]:
    r"""`_ORGANISATIONS.finditer(text)`, run only on the stretches between two characters
    outside `[\w'’& -]` that hold a body word: no match reaches across such a character,
    and at the end of a stretch `\b` sees a non-word character either way."""
    reverse = ""
    end = 0
    for word in _ORGANISATION_WORDS.finditer(text):
        if word.start() < end:
            continue  # in the stretch just scanned
        reverse = reverse or text[::-1]
        before = _OUTSIDE_ORGANISATIONS.search(reverse, len(text) - word.start())
        after = _OUTSIDE_ORGANISATIONS.search(text, word.end())
        start = len(text) - before.start() if before else 0
        end = after.start() if after else len(text)
        yield from _ORGANISATIONS.finditer(text, start, end)


_ORG_LEADING = re.compile(r"^(?:The|A|An|Our|Its|Their|Some|All|Under|In|By|With)\s+")

_SCALE = r"(?: ?(?:million|billion|thousand|m|bn|k)\b)?"
_QUALIFIERS = (
    "over", "more than", "around", "about", "almost", "nearly", "at least", "up to", "some",
    "fewer than", "less than", "approximately",
)  # fmt: skip
_QUALIFIER = rf"(?:(?:{'|'.join(_QUALIFIERS)}) )?"
FIGURE = re.compile(
    rf"(?<![\w/.,£-]){_QUALIFIER}(?:£\s?)?(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?){_SCALE}%?(?![\w/]|[.,]\d|-\w)"
    r"(?P<what>(?: (?!(?:of|to|and|in|on|for|the|a|an|by|with|from|at|is|are|was|were|have|has|had|who|which|that|this|last|next|each|every|per)\b)"
    r"[a-zA-Z][\w-]*){0,3})"
)
_AMOUNT = re.compile(r"£|%|million|billion|\bm\b|bn")  # a figure that needs no noun
_BRACKETED_NUMBER = re.compile(r"\[\d+\]")
# The first digit of a FIGURE match follows a non-word character (a space, "£" or the
# look-behind's class); the digit comes first so that `re` skips ahead to digits.
_NUMBER_START = re.compile(r"\d(?<!\w\d)")


_QUALIFIERS_BY_LAST: dict[str, tuple[str, ...]] = {
    last: tuple(q for q in _QUALIFIERS if q[-1] == last) for last in {q[-1] for q in _QUALIFIERS}
}


def _figure_starts(text: str, number: int) -> list[int]:
    """Where a FIGURE match whose number starts at `number` may start, in order.

    Before the number a match holds only `_QUALIFIER` then `£\\s?`: each of its
    forms is tried as a literal, the last white space by `str.isspace` (as `\\s`).
    """
    ends = [number]  # where the qualifier would end (before its space)
    if number >= 1 and text[number - 1] == "£":
        ends.append(number - 1)
    if number >= 2 and text[number - 2] == "£" and text[number - 1].isspace():
        ends.append(number - 2)
    starts = list(ends)
    for end in ends:
        if end >= 3 and text[end - 1] == " ":
            for q in _QUALIFIERS_BY_LAST.get(text[end - 2], ()):
                start = end - 1 - len(q)
                if start >= 0 and text.startswith(q, start):
                    starts.append(start)
    return sorted(starts) if len(starts) > 1 else starts


def _figures(text: str) -> Iterator[re.Match[str]]:
    """`FIGURE.finditer(text)`, found from the numbers: a match holds a number at most
    `len("approximately £ ")` characters after its start, so FIGURE is tried only there."""
    last_end = 0
    for number in _NUMBER_START.finditer(text):
        if number.start() < last_end:
            continue
        for start in _figure_starts(text, number.start()):
            match = FIGURE.match(text, start) if start >= last_end else None
            if match is not None:
                yield match
                last_end = match.end()
                break


_COUNTRY_PATTERNS: dict[str, tuple[NameFinder, dict[str, str]]] = {}


def _country_pattern(reference: Reference) -> tuple[NameFinder, dict[str, str]]:
    """An alternation of country names and aliases, and the canonical name of each."""
    if reference.sha256 not in _COUNTRY_PATTERNS:
        canonical: dict[str, str] = {}
        for row in reference.countries.itertuples(index=False):
            for alias in (a.strip() for a in [row.name, *str(row.aliases).split(";")]):
                if alias:
                    canonical[alias] = row.name
        pattern = NameFinder(list(canonical), ignore_case=False)
        _COUNTRY_PATTERNS[reference.sha256] = (pattern, canonical)
    return _COUNTRY_PATTERNS[reference.sha256]


def find_countries(text: str, reference: Reference) -> list[Mention]:
    """Countries named in `text`, canonical names from the reference table."""
    finder, canonical = _country_pattern(reference)
    return [
        Mention(start, end, text[start:end], canonical[" ".join(text[start:end].split())])
        for start, end in finder.spans(text)
    ]


def find_organisations(text: str) -> list[Mention]:
    """Organisations named in `text`, by their shape."""
    found = []
    for match in _organisation_matches(text):
        name = match.group(1)
        lead = _ORG_LEADING.match(name)
        start = match.start(1) + (lead.end() if lead else 0)
        name = name[lead.end() :] if lead else name
        name = re.sub(r"['’]s$", "", name)
        if name.startswith(("Secretary of State", "Minister")):
            continue
        if len(name.split()) >= 2 or name in ("Europol", "Interpol", "Eurojust", "Frontex"):
            found.append(Mention(start, start + len(name), name, name))
    return found


def find_figures(text: str, exclude: list[tuple[int, int]]) -> list[Mention]:
    """Quantities with what they count; spans in `exclude` (dates) are skipped."""
    blocked = Spans([*exclude, *(m.span() for m in _BRACKETED_NUMBER.finditer(text))])
    found = []
    for match in _figures(text):
        if blocked.overlaps(*match.span()):
            continue
        figure = match.group(0).strip()
        if not match.group("what") and not _AMOUNT.search(figure):
            continue
        found.append(Mention(match.start(), match.start() + len(figure), figure, figure))
    return found


def joined(mentions: list[Mention]) -> str:
    """The distinct values of `mentions`, "; "-separated, in order."""
    if not mentions:
        return ""
    return "; ".join(dict.fromkeys([m.value for m in mentions]))  # first-seen order, no repeats
