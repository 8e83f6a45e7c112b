"""People in a document: ministers resolved to the post held on a date, askers, unknowns.

Names are found two ways: the aliases in the reference tables (ministers and
members), and generic patterns for a person written with an honorific ("Mr",
"Baroness", ...) or after a post ("Immigration Minister Damian Green"). A name
that the reference tables do not know is kept with an empty canonical name,
so it can be reported, never dropped. The post is always the one the table
gives for the date, never a title printed on the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.patterns import Anchored, NameFinder
from pipeline.reference import Reference
from pipeline.spans import Spans

_HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Baroness|Lady|Rt Hon)\.?"
_CAP = r"[A-Z][a-z'’-]+(?:-[A-Z][a-z]+)?"
GENERIC_NAME = re.compile(
    rf"\b{_HONORIFIC} {_CAP}(?: {_CAP}){{0,2}}(?: of {_CAP}(?: {_CAP}){{0,2}})?"
    rf"|(?<=Minister )(?:{_CAP} ){{1,2}}{_CAP}|(?<=Secretary )(?:{_CAP} ){{1,2}}{_CAP}"
)
_GENERIC_NAMES = Anchored(GENERIC_NAME, "[A-Z]")  # every alternative starts with a capital


@dataclass(slots=True)
class PersonMention:
    """A person named in a text (not frozen, as `MeasureMention`)."""

    start: int
    end: int
    text: str
    person: str  # canonical name, "" when the reference tables do not know it
    post: str  # post on the date, "" when none
    party: str
    role: str  # "minister", "member" (known, not a minister then), "asker", "unknown"


@dataclass(frozen=True)
class _Index:
    """What name finding needs from the reference tables, built once per reference version."""

    names: NameFinder
    ministers: frozenset[str]
    party: dict[str, str]


_INDEXES: dict[str, _Index] = {}


def _index(reference: Reference) -> _Index:
    """The name index for `reference`, built on first use."""
    if reference.sha256 not in _INDEXES:
        names: set[str] = set()
        for table in (reference.ministers, reference.members):
            names.update(table["person"])
            for aliases in table["aliases"]:
                names.update(a.strip() for a in aliases.split(";") if a.strip())
        _INDEXES[reference.sha256] = _Index(
            names=NameFinder(list(names), ignore_case=True),
            ministers=frozenset(reference.ministers["person"]),
            party=dict(
                zip(reference.ministers["person"], reference.ministers["party"], strict=True)
            ),
        )
    return _INDEXES[reference.sha256]


_RESOLVED: dict[tuple[str, str, date | None], tuple[str, str, str]] = {}


def resolve_person(reference: Reference, name: str, on: date | None) -> tuple[str, str, str]:
    """(canonical person, post on `on`, party) for a name; empty strings when unknown."""
    key = (reference.sha256, name, on)
    if key not in _RESOLVED:  # the same names recur on the same days across documents
        if len(_RESOLVED) > 200_000:  # a long-lived process: start again rather than grow
            _RESOLVED.clear()
        _RESOLVED[key] = _resolve_person(reference, name, on)
    return _RESOLVED[key]


def _resolve_person(reference: Reference, name: str, on: date | None) -> tuple[str, str, str]:
    """resolve_person, not memoised."""
    people = reference.resolve(name, on)
    if len(people) != 1:
        member = reference.member(name, on)
        if member is not None:
            return str(member["person"]), "", str(member["party"])
        return "", "", ""
    person = people[0]
    posts = reference.posts_at(person, on) if on else []
    if posts:
        return person, posts[0].post, posts[0].party
    return person, "", _index(reference).party.get(person, "")


def name_finder(reference: Reference) -> NameFinder:
    """The finder of the names and aliases in the reference tables."""
    return _index(reference).names


def find_people(
    text: str,
    reference: Reference,
    on: date | None,
    name_spans: list[tuple[int, int]] | None = None,
) -> list[PersonMention]:
    """Every person named in `text`, resolved against the reference tables on `on`;
    `name_spans` is `name_finder(reference).spans(text)`, when the caller has it."""
    found: list[PersonMention] = []
    taken = Spans()
    if name_spans is None:
        name_spans = _index(reference).names.spans(text)
    for start, end in name_spans:
        found.append(_mention(reference, text, start, end, on))
        taken.add(start, end)
    for match in _GENERIC_NAMES.finditer(text):
        start, end = match.span(1)
        if taken.overlaps(start, end):
            continue
        found.append(_mention(reference, text, start, end, on))
    return sorted(found, key=lambda m: m.start)


def _mention(
    reference: Reference, text: str, start: int, end: int, on: date | None
) -> PersonMention:
    """Resolve the name at text[start:end]."""
    name = " ".join(text[start:end].split())
    person, post, party = resolve_person(reference, name, on)
    is_minister = person in _index(reference).ministers
    if not person:
        role = "unknown"
    elif post:
        role = "minister"
    else:
        role = "minister" if is_minister and on is None else "member"
    return PersonMention(start, end, name, person, post, party, role)
