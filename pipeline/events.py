"""Events: one row per dated statement.

A sentence with its own date expression gives an event at that date (a year
inside a name dates the instrument it names). A sentence with no date that
names a measure or a policy action gives an event at the document's date,
with basis "document" (or "inferred" when the document's own date was
inferred). Headings, metadata lines and the text of questions are not
statements and give no events.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date

from pipeline.dates import DateMention
from pipeline.entities import Mention, joined
from pipeline.measures import THEME_BY_KEYWORD, MeasureMention
from pipeline.patterns import case_sensitive_twin, lowered_for_ascii, search_ignoring_case
from pipeline.people import PersonMention
from pipeline.reference import Reference
from pipeline.sentences import Sentence

# Stems of policy actions; each starts with a plain lower-case letter.
_ACTION_STEMS = (
    "announc", "publish", "launch", "establish", "introduc", "set(?:s|ting)? up", "creat", "ratif",
    "sign", "opt(?:ed|ing)? in", "appl(?:y|ied|ies)", "commit", "fund", "train", "lobb", "legislat",
    "amend", "tabl", "review", "consult", "strengthen", "target", "tackl", "disrupt", "dismantl",
    "prosecut", "arrest", "referr", "identif", "support", "protect",
    "work(?:s|ing)? (?:with|closely)", "co-?ordinat", "rais(?:e|ing) awareness", "develop", "issu",
    "improv", "extend", "enshrin", "appoint", "taken down", "secur", "prevent", "deploy", "share",
    "agree", "build", "combat", "crack",
)  # fmt: skip
ACTION = re.compile(r"\b(?:" + "|".join(_ACTION_STEMS) + r")\w*", re.IGNORECASE)


def _by_first_letter(stems: tuple[str, ...]) -> str:
    """The stems as one alternation per first letter, which `re` skips by that letter.

    Only for telling whether any stem occurs: the order of the alternatives changes.
    """
    groups: dict[str, list[str]] = {}
    for stem in stems:
        assert stem[0].isascii() and stem[0].islower(), stem
        groups.setdefault(stem[0], []).append(stem[1:])
    return "|".join(f"{first}(?:{'|'.join(rest)})" for first, rest in groups.items())


# ACTION for `lowered_for_ascii` sentences, for telling whether a sentence names an action.
_ANY_ACTION = case_sensitive_twin(
    re.compile(r"\b(?:" + _by_first_letter(_ACTION_STEMS) + ")", re.IGNORECASE)
)


def names_action(sentence: str, lowered: str | None = None) -> bool:
    """Whether ACTION occurs in `sentence`; `lowered` is its `lowered_for_ascii`, if known
    (a slice of the lowered document will do)."""
    lowered = lowered if lowered is not None else lowered_for_ascii(sentence)
    if lowered is None:
        return ACTION.search(sentence) is not None
    return _ANY_ACTION.search(lowered) is not None


FUTURE = re.compile(r"\b(?:will|shall|is to be|are to be|plans? to|intends? to|going to)\b", re.I)
ONGOING = re.compile(
    r"\b(?:is|are) (?:active|currently|now|continuing)|\bcontinu(?:e|es|ing) to\b|\bcurrently\b|\bongoing\b",
    re.I,
)


@dataclass(frozen=True)
class DocContext:
    """What every event of one document shares."""

    doc_id: str
    title: str
    doc_type: str
    house: str
    doc_date: date | None
    doc_date_basis: str
    source_path: str
    lead: PersonMention | None


@dataclass(slots=True)
class SentenceFacts:
    """Everything found inside one sentence (not frozen: one is made per statement, see
    `MeasureMention`)."""

    sentence: Sentence
    dates: list[DateMention]
    people: list[PersonMention]
    measures: list[MeasureMention]
    countries: list[Mention]
    organisations: list[Mention]
    figures: str  # "; "-joined quantities, dates excluded


def event_id(doc_id: str, start: int, end: int) -> str:
    """A stable id from the document and the span the event is anchored on."""
    return hashlib.sha256(f"{doc_id}|{start}|{end}".encode()).hexdigest()[:16]


# FUTURE and ONGOING for `lowered_for_ascii` sentences: every branch starts with a letter,
# which `re` skips ahead to, and the word boundary before it is a look-behind.
_FUTURE_LOWER = re.compile(
    r"w(?<!\w.)ill\b|s(?<!\w.)hall\b|i(?<!\w.)(?:s to be|ntends? to)\b|a(?<!\w.)re to be\b"
    r"|p(?<!\w.)lans? to\b|g(?<!\w.)oing to\b"
)
_ONGOING_LOWER = re.compile(
    r"i(?<!\w.)s (?:active|currently|now|continuing)|a(?<!\w.)re (?:active|currently|now|continuing)"
    r"|c(?<!\w.)(?:ontinu(?:e|es|ing) to|urrently)\b|o(?<!\w.)ngoing\b"
)


def _status(sentence: str) -> str:
    """Status of a statement dated by its document: planned, ongoing or past."""
    if search_ignoring_case(FUTURE, _FUTURE_LOWER, sentence):
        return "planned"
    return "ongoing" if search_ignoring_case(ONGOING, _ONGOING_LOWER, sentence) else "past"


def _minister(facts: SentenceFacts, ctx: DocContext) -> PersonMention | None:
    """The minister named in the sentence, else the document's lead minister."""
    return next((p for p in facts.people if p.role == "minister"), ctx.lead)


def _post_on(
    reference: Reference, person: PersonMention | None, on: date, fallback: date | None
) -> tuple[str, str]:
    """(post, party) of `person` on `on`, else on `fallback`, else as resolved."""
    if person is None or not person.person:
        return "", ""
    for day in (on, fallback):
        if day is not None:
            held = _first_post(reference, person.person, day)
            if held is not None:
                return held
    return person.post, person.party


_GOVERNMENTS: dict[tuple[str, date], str] = {}


def _government_on(reference: Reference, day: date) -> str:
    """`reference.government_label_at(day)`, memoised."""
    key = (reference.sha256, day)
    if key not in _GOVERNMENTS:
        if len(_GOVERNMENTS) > 200_000:  # a long-lived process: start again rather than grow
            _GOVERNMENTS.clear()
        _GOVERNMENTS[key] = reference.government_label_at(day)
    return _GOVERNMENTS[key]


_FIRST_POSTS: dict[tuple[str, str, date], tuple[str, str] | None] = {}


def _first_post(reference: Reference, person: str, day: date) -> tuple[str, str] | None:
    """(post, party) of the most senior post `person` held on `day`, or None; memoised."""
    key = (reference.sha256, person, day)
    if key not in _FIRST_POSTS:
        if len(_FIRST_POSTS) > 200_000:  # a long-lived process: start again rather than grow
            _FIRST_POSTS.clear()
        posts = reference.posts_at(person, day)
        _FIRST_POSTS[key] = (posts[0].post, posts[0].party) if posts else None
    return _FIRST_POSTS[key]


def _measure_for(
    facts: SentenceFacts, shared: _Shared, mention: DateMention | None
) -> MeasureMention | None:
    """The measure an event is about: the one a name-year belongs to, else the first named."""
    if mention is not None and mention.in_name:
        owner = shared.owner(facts.measures, mention.start)
        if owner is not None:
            return owner
    return facts.measures[0] if facts.measures else None


def _keyword_theme(sentence: str) -> str:
    """Theme from keywords in a sentence that names no measure."""
    lowered = sentence.lower()
    return next((t for word, t in THEME_BY_KEYWORD if word in lowered), "")


class _Shared:
    """What every event of one sentence shares, worked out once for the sentence."""

    __slots__ = ("minister", "minister_name", "countries", "organisations", "keyword_theme",
                 "_starts", "_reach")  # fmt: skip

    def __init__(self, ctx: DocContext, facts: SentenceFacts) -> None:
        self.minister = _minister(facts, ctx)
        self.minister_name = (self.minister.person or self.minister.text) if self.minister else ""
        self.countries = joined(facts.countries)
        self.organisations = joined(facts.organisations)
        self.keyword_theme: str | None = None  # computed when an event has no measure
        self._starts: list[int] | None = None  # of the sentence's measures, for `owner`
        self._reach: list[int] = []

    def owner(self, measures: list[MeasureMention], pos: int) -> MeasureMention | None:
        """The first of `measures` (in order of start) with start <= pos <= end + 1.

        Two bisections instead of a look at every measure for every event: a sentence
        naming an Act thousands of times cost time in the square of its length. Those
        starting by `pos` are a prefix; `_reach[j]`, the furthest end among the first
        j + 1, first reaches pos - 1 at the first measure whose own end does.
        """
        if self._starts is None:
            self._starts, furthest = [m.start for m in measures], -1
            for m in measures:
                furthest = max(furthest, m.end)
                self._reach.append(furthest)
        first = bisect_left(self._reach, pos - 1)
        return measures[first] if first < bisect_right(self._starts, pos) else None

    def theme(self, measure: MeasureMention | None, sentence: str) -> str:
        """`_theme`, the keyword scan done at most once per sentence."""
        if measure is not None:
            return measure.theme
        if self.keyword_theme is None:
            self.keyword_theme = _keyword_theme(sentence)
        return self.keyword_theme


def _row(
    ctx: DocContext,
    facts: SentenceFacts,
    reference: Reference,
    shared: _Shared,
    when: tuple,
    anchor: tuple[int, int],
) -> dict:
    """One events-table row; `when` is (mention, start, end, value, precision, basis, text, status)."""
    sentence = facts.sentence
    mention, day, last, value, precision, basis, date_text, status = when
    measure = _measure_for(facts, shared, mention)
    post, party = _post_on(reference, shared.minister, day, ctx.doc_date)
    return {
        "event_id": event_id(ctx.doc_id, *anchor),
        "doc_id": ctx.doc_id,
        "doc_title": ctx.title,
        "doc_type": ctx.doc_type,
        "house": ctx.house,
        "doc_date": ctx.doc_date,
        "source_path": ctx.source_path,
        "date_start": day,
        "date_end": last,
        "date_value": value,
        "precision": precision,
        "date_basis": basis,
        "date_text": date_text,
        "status": status,
        "minister": shared.minister_name,
        "minister_post": post,
        "party": party,
        "government": _government_on(reference, day),
        "measure": measure.name if measure else "",
        "measure_kind": measure.kind if measure else "",
        "theme": shared.theme(measure, sentence.text),
        "countries": shared.countries,
        "organisations": shared.organisations,
        "figures": facts.figures,
        "sentence": sentence.text,
        "char_start": sentence.start,
        "char_end": sentence.end,
    }


def _dated(m: DateMention) -> tuple:
    """The date fields of an event dated by its own expression."""
    return (m, m.period_start, m.period_end, m.value, m.precision, m.basis, m.text, m.status)


def _document_dated(ctx: DocContext, sentence: str) -> tuple:
    """The date fields of an event dated by its document."""
    assert ctx.doc_date is not None
    day = ctx.doc_date
    basis = "inferred" if ctx.doc_date_basis == "inferred" else "document"
    return (None, day, day, day.isoformat(), "day", basis, "", _status(sentence))


def may_give_events(
    sentence: str, has_dates: bool, has_measures: bool, lowered: str | None = None
) -> bool:
    """Whether a sentence is a statement: it has a date, names a measure or a policy action."""
    return has_dates or has_measures or names_action(sentence, lowered)


def sentence_events(
    ctx: DocContext, facts: SentenceFacts, reference: Reference
) -> tuple[list[dict], bool]:
    """Events of one sentence, and whether it was a statement that could not be dated."""
    if facts.dates:
        shared = _Shared(ctx, facts)
        rows = [
            _row(ctx, facts, reference, shared, _dated(m), (m.start, m.end)) for m in facts.dates
        ]
        return rows, False
    if not may_give_events(facts.sentence.text, False, bool(facts.measures)):
        return [], False
    if ctx.doc_date is None:
        return [], True
    span = (facts.sentence.start, facts.sentence.end)
    when = _document_dated(ctx, facts.sentence.text)
    return [_row(ctx, facts, reference, _Shared(ctx, facts), when, span)], False
