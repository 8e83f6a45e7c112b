"""Temporal expressions: find candidates with rules, normalise them, resolve them.

How it works
------------
1. Scan: four precompiled regular expressions, one pass each, anchored on what every date
   form starts with or hangs on: a four-digit year (bare years, years in names, financial
   years, year ranges, ISO dates, quarters, decades), a month/weekday/season name (day
   month year, month day year, month year, season year, bare names), a day-first numeric
   date, and a relative word (today, last, next, past, earlier, ... ago). Each pattern
   starts with a literal or character class so that `re` scans fast; what surrounds a hit
   is then checked with small anchored patterns. Every hit becomes an *atom*: a
   normalised, hashable description of the expression.
2. Context: the words just before an atom (a temporal preposition such as "in", "since",
   "by", "between", or a modifier such as "early", "the end of") are read once. Bare
   years, bare month names, seasons and weekdays are *weak*: they count only after such a
   word, as the second half of a span, or in a list after a counted one ("in 2010 and
   2011"). "May" after a capitalised name ("Theresa May") is never a month, and the
   lower-case verb "may" is never one because month names are matched case-sensitively.
3. Resolve: `_resolve(atom, anchor, future)` is cached (lru_cache) on the normalised atom,
   the anchor date (None for explicit atoms) and the tense. Every period is computed
   directly from the atom: a call to dateparser costs about 5 ms, and a corpus has a
   distinct reference date per document, so relative forms ("3 weeks ago", "on Monday")
   sent through it dominated the build (see issue 7's profile). dateparser stays the
   fallback reader of document dates the rules do not know (`documents.parse_day`).
   ``dateparser.search.search_dates`` is never called.
4. Combine: "between X and Y", "from X to Y", "X to Y" become one span; "since X" becomes
   the span X..reference date (status ongoing). Overlaps are settled longest-first.

Choices
-------
- Financial years: "2019-20", "2019/20", "2019/2020" and "financial year 2019-2020" are
  the UK financial year 1 April 2019 .. 31 March 2020 (span 2019-04-01/2020-03-31).
  "2019-2020" with a hyphen and no "financial year" is the calendar range 2019/2020;
  "2010-15" (not consecutive) is the range 2010/2015.
- Seasons are meteorological: spring Mar-May, summer Jun-Aug, autumn Sep-Nov, winter
  Dec-Feb, where winter YYYY starts on 1 December YYYY and ends in February YYYY+1.
- Bare years count from 1800 to 2099; years after a month or in a name from 1500 to 2099.
- Relative month/season/day-month without a year: the most recent one starting on or
  before the reference date; in a future clause, the next one ending on or after it.
  "last June" is the latest June that ended before the reference date, "next June" the
  first that starts after it, "this June" the one containing it (else the reference year's).
- "last year"/"next month" are calendar units; "the past two years"/"the last year" are
  spans ending at the reference date (starting at it for "the next ..."). "last week" is
  the Monday-Sunday span of the previous week.
- Status: "since" spans are ongoing. Otherwise planned when the period starts after the
  reference date, or when the clause is future (will, shall, is/are to, plans/intends/aims
  to, ...) and the period has not ended before the reference date; "by 2025" is planned
  while 2025 has not ended. "would" (reported speech) is not future. Tense is read from
  the comma clause around the expression when that clause has a finite verb marker, else
  from the whole sentence (split on . ! ? ; : and newlines). Years in names are past.
- Without a reference date, expressions that need one are left out; "since July 2020"
  then yields the explicit "July 2020" alone.
- Left out on purpose: "now", "recently", "at the outset", "the following year" (it is
  relative to the narrative, not to the document), two-digit-year dates such as 26/03/20.
- Impossible dates ("31 February 2011") are skipped, not coarsened.
- The mention text includes a leading preposition that keeps the period (in, on, since,
  from, by, until, during, over, ...): "In June", "Since July 2020", "by 2025". "before" and
  "after" stay outside: the mention is the date they point at.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from typing import NamedTuple

from pipeline.patterns import lowered_for_ascii


@dataclass(frozen=True, slots=True)
class DateMention:
    """One temporal expression in a text.

    start, end      character offsets of the expression in the text (text[start:end] == text)
    text            the expression as written ("In June", "Since July 2020")
    value           TIMEX3-like value: 2011-03-22, 2010-06, 2011-SP, 2019-Q3, 2013,
                    199 (the 1990s), 2000/2004-03-09 (a span, start/end)
    precision       day, month, season, quarter, year, decade, span
    basis           explicit (complete in the text) or relative (needs the reference date)
    status          past, ongoing ("since ..."), planned (future tense or future period)
    period_start    first day of the period the expression refers to
    period_end      last day of that period
    in_name         True for a year inside a name ("Sexual Offences Act 2003"): it dates
                    the instrument, not the sentence
    """

    start: int
    end: int
    text: str
    value: str
    precision: str
    basis: str
    status: str
    period_start: date
    period_end: date
    in_name: bool = False


# --- vocabulary tables -------------------------------------------------------------

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "october": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
FULL_MONTHS = tuple(calendar.month_name[1:])
WEEKDAYS: tuple[str, ...] = tuple(calendar.day_name)
SEASONS: dict[str, tuple[str, int]] = {
    "spring": ("SP", 3),
    "summer": ("SU", 6),
    "autumn": ("AU", 9),
    "winter": ("WI", 12),
}
SEASON_START: dict[str, int] = dict(SEASONS.values())
QUARTER_WORDS: dict[str, int] = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4}
NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30,
}  # fmt: skip
UNIT_NAMES: dict[str, str] = {
    "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
    "months": "month", "year": "year", "years": "year", "quarter": "quarter",
}  # fmt: skip
DIRECTIONS: dict[str, int] = {"this": 0, "last": -1, "past": -1, "previous": -1, "next": 1,
                              "coming": 1}  # fmt: skip
# Prepositions and modifiers that make a bare year, month, season or weekday a date.
STRONG_PREPS = frozenset(
    {"in", "on", "since", "from", "by", "until", "till", "during", "throughout", "before",
     "after", "between", "within", "as of", "as from"}
)  # fmt: skip
# Prepositions kept in the mention text (they do not change the period).
INCLUDED_PREPS = frozenset(
    {"in", "on", "since", "from", "by", "until", "till", "during", "throughout", "within",
     "as of", "as from", "over"}
)  # fmt: skip
# Capitalised words that end a name when walking back from "Act", "Bill", ...
NAME_STOPWORDS = frozenset(
    {
        "The", "This", "That", "These", "Those", "A", "An", "In", "On", "Under", "Since", "From",
        "By", "Of", "For", "And", "To", "With", "Its", "Their", "His", "Her", "Our", "Through",
        "Following", "After", "Before", "During", "Section", "Part", "Schedule", "Clause", "New",
        "Draft", "Last", "Next", "When", "While", "If", "As", "At",
    }
)  # fmt: skip
NAME_CONNECTORS = frozenset({"of", "and", "for", "on", "in", "to", "against", "&", "the"})
# Words before "May" that make it a month even though they are capitalised.
MONTH_LEADERS = frozenset(
    {
        "In", "On", "Since", "From", "By", "Until", "Till", "During", "Throughout", "Before",
        "After", "Between", "And", "Last", "Next", "This", "Early", "Late", "Mid", "End", "Start",
        "Of", "Through",
    }
)  # fmt: skip
# Words that end a name followed by a year ("Sexual Offences Act 2003").
NAME_KEYWORDS = (
    "Act", "Bill", "Order", "Regulations", "Rules", "Directive", "Convention", "Protocol",
    "Treaty", "Strategy", "Plan", "Report", "Review", "Code", "Framework", "Programme",
    "Declaration", "Agreement", "Measure", "Statute", "Charter", "Guidance", "Census", "Survey",
)  # fmt: skip
# Nouns after a number that make it a quantity, not a year ("in 2000 cases").
QUANTITY_NOUNS = (
    "people|persons|victims|cases|arrests|staff|officers|children|adults|women|men|migrants"
    "|referrals|crossings|countries|individuals|prosecutions|convictions|offenders|places"
    "|pounds|euros|dollars|beds|visas|applications|claims|pages|words|hours|days|km|miles"
)

# --- regular expressions -----------------------------------------------------------
# Python's `re` scans fast only when a pattern starts with a literal or a character class,
# so every scanning pattern below starts with one; word boundaries and the words before a
# hit are checked afterwards, on the few hits, with small anchored patterns.


def _variants(words: tuple[str, ...] | list[str], lower: bool = True) -> set[str]:
    """The words as lower (optional), Capitalised and UPPER case."""
    return {f for w in words for f in (w.capitalize(), w.upper(), *([w.lower()] * lower))}


def _trie(words: set[str]) -> str:
    """An alternation of words factored on shared prefixes ("Jan(?:uary)?").

    It matches what the longest-first alternation of the words matches (an optional tail
    is greedy, so a longer word is tried before its prefix), but `re` tries one branch
    per distinct first letter instead of one per word: twice as fast on month names.
    """
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return emit(tree)


_Y = r"(?:1[5-9][0-9]{2}|20[0-9]{2})"
_DAYN = r"(?:3[01]|[12][0-9]|0?[1-9])"
_ORD = r"(?:st|nd|rd|th)?"
_NUMW = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_UNITS = "|".join(sorted(UNIT_NAMES, key=len, reverse=True))

# Family 1: anchored on a four-digit year.
_YEAR = re.compile(r"(?:1[5-9]|20)[0-9]{2}(?![0-9])")
_PAIR_TAIL = re.compile(
    r"\s*(?P<sep>/|-|–|—|(?i:to))\s*(?P<y2>[0-9]{4}|[0-9]{2})(?![0-9]|[/.-][0-9]|%)"
)
_ISO_TAIL = re.compile(r"-(?P<m>1[0-2]|0[1-9])-(?P<d>3[01]|[12][0-9]|0[1-9])(?![0-9]|[/.-][0-9])")
_DECADE_TAIL = re.compile(r"'?s\b")
_QUARTER_TAIL = re.compile(r"\s*[Qq](?P<q>[1-4])\b")
_QUANTITY_TAIL = re.compile(rf"[.,][0-9]|\s*%|\s*per\s*cent|\s+(?:{QUANTITY_NOUNS})\b")
_FY_BEFORE = re.compile(r"(?i:\b(?:the\s+)?(?:financial|fiscal)\s+year|\bFY)\s*$")
_Q_BEFORE = re.compile(r"\b[Qq](?P<q>[1-4])(?:\s+of)?\s*$")
_QWORD_BEFORE = re.compile(
    r"(?i:\b(?:the\s+)?(?P<w>first|second|third|fourth|final|last)\s+quarter\s+of\s+)$"
)
_THE_BEFORE = re.compile(r"\b(?i:the)\s+$")
_NAME_KW_BEFORE = re.compile(rf"\b(?P<kw>{'|'.join(NAME_KEYWORDS)})\s+(?:of\s+)?$")

# Family 2: anchored on a month, weekday or season name.
_NAMES: dict[str, tuple[str, int | str]] = {
    **{m: ("month", n) for m, n in MONTHS.items()},
    **{w.lower(): ("weekday", w.lower()) for w in WEEKDAYS},
    **{s: ("season", code) for s, (code, _) in SEASONS.items()},
}
# No month, weekday or season word is a prefix of a word of another group, so one trie of
# all of them matches what the three longest-first alternations matched.
_NAME = re.compile(
    _trie(
        _variants(tuple(MONTHS), lower=False)
        | _variants(WEEKDAYS, lower=False)
        | _variants(tuple(SEASONS))
    )
    + r"\b"
)
_MONTH_DOT = re.compile(r"\.(?!\w)")
_MDY_TAIL = re.compile(rf"\s+(?P<d>{_DAYN}){_ORD}\b(?:,?\s+(?P<y>{_Y})(?![0-9]))?")
_MY_TAIL = re.compile(rf"(?:\s+of)?,?\s+(?P<y>{_Y})(?![0-9])")
_DMY_YEAR_TAIL = re.compile(rf",?[\s-]+(?P<y>{_Y})(?![0-9])")
_SEASON_TAIL = re.compile(rf"(?:\s+of)?\s+(?P<y>{_Y})(?![0-9])")
_DAY_BEFORE = re.compile(rf"(?<![\w/.:-])(?P<d>{_DAYN}){_ORD}(?:\s+of)?[\s-]+$")
_WEEKDAY_BEFORE = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues|Tue|Wed|Thurs"
    r"|Thur|Thu|Fri|Sat|Sun)\.?,?\s+(?:the\s+)?$"
)
_DIR_BEFORE = re.compile(r"\b(?P<dir>(?i:this|last|next))\s+$")
_NUMBER_BEFORE = re.compile(r"[0-9](?:st|nd|rd|th)?[\s-]+$")
_NAME_WORD_BEFORE = re.compile(r"(?<![\w'’-])(?P<w>[A-Z][\w'’-]*)[ \t]+$")

# Family 3: numeric dates, day first (26/03/2020).
_NUMERIC = re.compile(
    rf"(?P<d>[0-9]{{1,2}})(?P<sep>[/.-])(?P<m>1[0-2]|0?[1-9])(?P=sep)(?P<y>{_Y})(?![0-9]|[/.-][0-9])"
)

# Family 4: relative words.
RELATIVE_WORDS = ("today", "yesterday", "tomorrow", "earlier", "later", "this", "past", "last",
                  "previous", "next", "coming")  # fmt: skip
_RELATIVE_WORDS = _trie(_variants(RELATIVE_WORDS))
_RELATIVE = re.compile(
    rf"(?P<w>{_RELATIVE_WORDS})"
    rf"(?:\s+(?P<this>(?i:this)\s+)?(?:(?P<num>[0-9]{{1,2}}|(?i:{_NUMW}))\s+)?"
    rf"(?P<unit>(?i:{_UNITS})))?\b"
)
_AGO = re.compile(r"(?:ago|AGO)\b")
_AGO_BEFORE = re.compile(
    rf"\b(?P<n>[0-9]{{1,2}}|(?i:{_NUMW}|a|an))\s+(?P<unit>(?i:days?|weeks?|months?|years?))\s+$"
)

# Context: the words before a candidate, clause boundaries, tense.
_LEAD = re.compile(
    r"""(?ix)
    (?:\b(?P<prep>in|on|at|since|from|by|until|till|during|throughout|before|after|between
      |within|over|as\s+of|as\s+from|and|to)\s+)?
    (?P<mod>(?:the\s+)?(?:very\s+)?(?:end|start|beginning|middle|close|turn|course|rest
      |first\s+half|second\s+half|first\s+part|latter\s+part|early\s+part)\s+of\s+
      |(?:early|late|mid)(?:\s+|-\s*))?
    (?P<the>the\s+(?:(?:calendar\s+)?year\s+)?)?"""
)
_CONNECTOR = re.compile(r"\s*(?P<c>(?i:and|to|until|till|through)|-|–|—)\s*(?:(?i:the)\s+)?")
_CHAIN_BACK = re.compile(r"(?:\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+)$")
_FUTURE = re.compile(
    r"(?i)\b(?:will|shall|won['’]t|shan['’]t|(?:is|are)\s+(?:due\s+|expected\s+|going\s+)?to"
    r"|plans?\s+to|planning\s+to|intends?\s+to|intending\s+to|aims?\s+to|to\s+be\s+"
    r"(?:published|introduced|launched|laid|implemented))\b|\w['’]ll\b"
)
_PAST = re.compile(
    r"(?i)\b(?:was|were|had|did|has\s+been|have\s+been|said|told|took|began|came|made"
    r"|\w{3,}ed)\b"
)
# The same two tests for the lower-cased text, written so that `re` scans fast: every branch
# starts with a letter (so `re` skips to those letters), and the word boundary before it is
# a look-behind ("no word character before that letter"). Within a clause (a mark before it and after it) each
# finds something exactly when the case-blind pattern above does; "ed" ends a word of five
# or more letters.
_FUTURE_LOWER = re.compile(
    r"w(?<!\w.)(?:ill|on['’]t)\b|s(?<!\w.)(?:hall|han['’]t)\b"
    r"|i(?<!\w.)(?:s\s+(?:due\s+|expected\s+|going\s+)?to|ntends?\s+to|ntending\s+to)\b"
    r"|a(?<!\w.)(?:re\s+(?:due\s+|expected\s+|going\s+)?to|ims?\s+to)\b"
    r"|p(?<!\w.)(?:lans?\s+to|lanning\s+to)\b"
    r"|t(?<!\w.)o\s+be\s+(?:published|introduced|launched|laid|implemented)\b"
    r"|'(?<=\w')ll\b|’(?<=\w’)ll\b"
)
_PAST_LOWER = re.compile(
    r"w(?<!\w.)(?:as|ere)\b|h(?<!\w.)(?:ad|as\s+been|ave\s+been)\b|d(?<!\w.)id\b"
    r"|s(?<!\w.)aid\b|t(?<!\w.)(?:old|ook)\b|b(?<!\w.)egan\b|c(?<!\w.)ame\b|m(?<!\w.)ade\b"
    r"|ed(?<=\w{5})\b"
)
# Characters that the case-blind patterns read as a letter their lower case is not.
_CASE_TRAPS = ("ſ", "ı")
_SENTENCE_END = re.compile(r"[.!?;:\n\r](?:(?<=[\n\r])|(?=\s|$|[\"'’”)]))")
# The same marks on the reversed text (a mark is followed by a space, a quote or the end).
_SENTENCE_END_REVERSED = re.compile(r"[\n\r]|(?:^|(?<=[\s\"'’”)]))[.!?;:]")
_COMMA = re.compile(",")
_NAME_TOKEN = re.compile(r"\([^()\n]{1,80}\)|[^\s()]+")


# --- small date helpers ------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    """Last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def _shift_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the month's end)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _season_bounds(year: int, code: str) -> tuple[date, date]:
    """First and last day of a meteorological season."""
    first = SEASON_START[code]
    end_index = year * 12 + first - 1 + 2
    return date(year, first, 1), _month_end(end_index // 12, end_index % 12 + 1)


def _iso(day: date) -> str:
    """YYYY-MM-DD."""
    return day.isoformat()


def _as_date(value: date | datetime | None) -> date | None:
    """A plain date from a date, datetime or None."""
    if isinstance(value, datetime):
        return value.date()
    return value


# --- atoms and periods -------------------------------------------------------------
# Named tuples rather than frozen dataclasses: a text has dozens of atoms, and a named tuple
# is built, hashed and compared in C.


class _Atom(NamedTuple):
    """A normalised expression: the cache key for resolution."""

    kind: str
    year: int = 0
    month: int = 0
    day: int = 0
    n: int = 0
    word: str = ""
    mode: str = ""


class _Period(NamedTuple):
    """A resolved period."""

    value: str
    precision: str
    start: date
    end: date
    relative: bool
    planned: bool = False


@dataclass(slots=True)
class _Found:
    """A candidate in the text, before and after resolution."""

    start: int
    end: int
    atom: _Atom
    weak: bool
    in_name: bool = False
    text_start: int = 0
    prep: str = ""
    prep_start: int = 0
    period: _Period | None = None


RELATIVE_KINDS = frozenset({"rday", "rmonth", "rseason", "weekday", "dayword", "unit", "window",
                            "ago"})  # fmt: skip


def _tense_matters(atom: _Atom) -> bool:
    """True when the period of a relative atom depends on the tense of its clause: a bare
    month, season or day-month, a bare weekday and "last <weekday>" (see the resolvers)."""
    if atom.kind in ("rday", "rmonth", "rseason"):
        return not atom.mode
    return atom.kind == "weekday" and atom.mode in ("", "last")


def _explicit(value: str, precision: str, start: date, end: date) -> _Period:
    """An explicit period."""
    return _Period(value, precision, start, end, relative=False)


def _res_day(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """A full date."""
    d = date(a.year, a.month, a.day)
    return _explicit(_iso(d), "day", d, d)


def _res_month(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """Month and year."""
    return _explicit(f"{a.year:04d}-{a.month:02d}", "month", date(a.year, a.month, 1),
                     _month_end(a.year, a.month))  # fmt: skip


def _res_season(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """Season and year."""
    start, end = _season_bounds(a.year, a.word)
    return _explicit(f"{a.year}-{a.word}", "season", start, end)


def _res_quarter(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """Quarter and year."""
    first = 3 * a.n - 2
    return _explicit(f"{a.year}-Q{a.n}", "quarter", date(a.year, first, 1),
                     _month_end(a.year, first + 2))  # fmt: skip


def _res_year(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """A calendar year."""
    return _explicit(str(a.year), "year", date(a.year, 1, 1), date(a.year, 12, 31))


def _res_decade(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """A decade such as the 1990s."""
    return _explicit(str(a.year // 10), "decade", date(a.year, 1, 1), date(a.year + 9, 12, 31))


def _res_fy(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """A UK financial year, 1 April to 31 March."""
    start, end = date(a.year, 4, 1), date(a.year + 1, 3, 31)
    return _explicit(f"{_iso(start)}/{_iso(end)}", "span", start, end)


def _res_years(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """A range of calendar years."""
    return _explicit(f"{a.year}/{a.n}", "span", date(a.year, 1, 1), date(a.n, 12, 31))


def _pick_year(
    bounds: Callable[[int], tuple[date, date] | None], ref: date, mode: str, future: bool
) -> int | None:
    """Year of the occurrence of a yearless period that the mode and tense select."""
    spans = [(y, b) for y in range(ref.year - 2, ref.year + 3) if (b := bounds(y))]
    if mode == "last":
        years = [y for y, (s, e) in spans if e < ref]
        return max(years, default=None)
    if mode == "next":
        return min((y for y, (s, e) in spans if s > ref), default=None)
    if mode == "this":
        inside = [y for y, (s, e) in spans if s <= ref <= e]
        return inside[0] if inside else ref.year
    if future:
        return min((y for y, (s, e) in spans if e >= ref), default=None)
    return max((y for y, (s, e) in spans if s <= ref), default=None)


def _safe_day(year: int, month: int, day: int) -> tuple[date, date] | None:
    """(d, d) for a valid date, else None (29 February in other years)."""
    try:
        d = date(year, month, day)
    except ValueError:
        return None
    return d, d


def _res_rday(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """Day and month without a year."""
    if ref is None:
        return None
    year = _pick_year(lambda y: _safe_day(y, a.month, a.day), ref, a.mode, future)
    if year is None:
        return None
    d = date(year, a.month, a.day)
    return _Period(_iso(d), "day", d, d, relative=True)


def _res_rmonth(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """A month name without a year."""
    if ref is None:
        return None
    bounds = lambda y: (date(y, a.month, 1), _month_end(y, a.month))  # noqa: E731
    year = _pick_year(bounds, ref, a.mode, future)
    if year is None:
        return None
    start, end = bounds(year)
    return _Period(f"{year:04d}-{a.month:02d}", "month", start, end, relative=True)


def _res_rseason(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """A season without a year."""
    if ref is None:
        return None
    year = _pick_year(lambda y: _season_bounds(y, a.word), ref, a.mode, future)
    if year is None:
        return None
    start, end = _season_bounds(year, a.word)
    return _Period(f"{year}-{a.word}", "season", start, end, relative=True)


_WEEKDAY_INDEX = {name.lower(): i for i, name in enumerate(WEEKDAYS)}


def _res_weekday(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """A weekday name: the nearest such day on or before the reference date ("last": before
    it), or on or after it when the clause is future ("next": after it); "this": same week."""
    if ref is None:
        return None
    target = _WEEKDAY_INDEX[a.word]
    if a.mode == "this":
        d = ref + timedelta(days=target - ref.weekday())
    elif future or a.mode == "next":
        d = ref + timedelta(days=(target - ref.weekday()) % 7 or (7 if a.mode == "next" else 0))
    else:
        d = ref - timedelta(days=(ref.weekday() - target) % 7 or (7 if a.mode == "last" else 0))
    return _Period(_iso(d), "day", d, d, relative=True)


def _res_ago(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """'N units ago': N days or weeks before the reference date, or N calendar months or years."""
    if ref is None:
        return None
    months = {"month": 1, "year": 12}.get(a.word)
    if months is not None:
        d = _shift_months(ref, -a.n * months)
    else:
        d = ref - timedelta(days=a.n * (7 if a.word == "week" else 1))
    if a.word == "year":
        return _Period(str(d.year), "year", date(d.year, 1, 1), date(d.year, 12, 31), True)
    if a.word == "month":
        return _Period(f"{d.year:04d}-{d.month:02d}", "month", date(d.year, d.month, 1),
                       _month_end(d.year, d.month), True)  # fmt: skip
    return _Period(_iso(d), "day", d, d, relative=True)


def _res_dayword(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """today, yesterday, tomorrow: always from the reference date."""
    if ref is None:
        return None
    d = ref + timedelta(days=a.n)
    return _Period(_iso(d), "day", d, d, relative=True)


def _res_unit(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """this/last/next week, month, quarter, year (calendar units)."""
    if ref is None:
        return None
    planned = a.mode == "later"
    if a.word == "year":
        y = ref.year + a.n
        return _Period(str(y), "year", date(y, 1, 1), date(y, 12, 31), True, planned)
    if a.word == "month":
        first = _shift_months(ref.replace(day=1), a.n)
        return _Period(f"{first.year:04d}-{first.month:02d}", "month", first,
                       _month_end(first.year, first.month), True, planned)  # fmt: skip
    if a.word == "quarter":
        first = _shift_months(date(ref.year, 3 * ((ref.month - 1) // 3) + 1, 1), 3 * a.n)
        q = (first.month - 1) // 3 + 1
        last = _month_end(first.year, first.month + 2)
        return _Period(f"{first.year}-Q{q}", "quarter", first, last, True, planned)
    monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=a.n)
    sunday = monday + timedelta(days=6)
    return _Period(f"{_iso(monday)}/{_iso(sunday)}", "span", monday, sunday, True, planned)


def _res_window(a: _Atom, ref: date | None, future: bool) -> _Period | None:
    """'the past two years', 'the next six months': a span from or to the reference date."""
    if ref is None:
        return None
    if a.word in ("year", "month"):
        other = _shift_months(ref, a.n * (12 if a.word == "year" else 1))
    else:
        other = ref + timedelta(days=a.n * (7 if a.word == "week" else 1))
    start, end = min(ref, other), max(ref, other)
    return _Period(f"{_iso(start)}/{_iso(end)}", "span", start, end, True, planned=a.n > 0)


RESOLVERS: dict[str, Callable[[_Atom, date | None, bool], _Period | None]] = {
    "day": _res_day,
    "month": _res_month,
    "season": _res_season,
    "quarter": _res_quarter,
    "year": _res_year,
    "decade": _res_decade,
    "fy": _res_fy,
    "years": _res_years,
    "rday": _res_rday,
    "rmonth": _res_rmonth,
    "rseason": _res_rseason,
    "weekday": _res_weekday,
    "ago": _res_ago,
    "dayword": _res_dayword,
    "unit": _res_unit,
    "window": _res_window,
}


@lru_cache(maxsize=8192)
def _resolve(atom: _Atom, anchor: date | None, future: bool) -> _Period | None:
    """The period of a normalised expression (cached on expression, anchor and tense)."""
    try:
        return RESOLVERS[atom.kind](atom, anchor, future)
    except (ValueError, OverflowError):
        return None


# --- scanners: one pass per family of forms ----------------------------------------

_Hit = tuple[int, int, _Atom, bool, bool]  # start, end, atom, weak, in_name
_YEAR_LEFT_BAD = frozenset("£$€.,/")
_DATE_LEFT_BAD = frozenset("/.:-")
_NAME_LEFT_BAD = frozenset("'’")
_NO_CHARS: frozenset[str] = frozenset()


def _left_ok(text: str, pos: int, bad: frozenset[str]) -> bool:
    """True when the character before `pos` is not a word character or one of `bad`."""
    if pos == 0:
        return True
    c = text[pos - 1]
    return not (c.isalnum() or c == "_" or c in bad)


@lru_cache(maxsize=1)
def _lower(text: str) -> str | None:
    """The text in lower case, or None when lower-casing moves offsets ("İ" becomes two
    characters). Cached for the scanners of the same text; the lowered text the name
    finders of a document made is taken when there is one (it is `text.lower()`, as long)."""
    lower = lowered_for_ascii(text) or text.lower()
    return lower if len(lower) == len(text) else None


@lru_cache(maxsize=1)
def _year_matches(text: str) -> tuple[re.Match[str], ...]:
    """Every `_YEAR` hit, for the year and the numeric scanners of the same text."""
    return tuple(_YEAR.finditer(text))


def _finditer_at(
    pattern: re.Pattern[str], text: str, words: tuple[str, ...]
) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(text)` yields, for a pattern that can match only where one of
    `words` starts (in any case). `str.find` skips the rest of the text far faster than
    `re` does, and the pattern is tried at the few places found."""
    lower = _lower(text)
    if lower is None:
        yield from pattern.finditer(text)
        return
    starts = []
    for word in words:
        i = lower.find(word)
        while i >= 0:
            starts.append(i)
            i = lower.find(word, i + 1)
    pos = 0
    for i in sorted(starts):
        if i >= pos and (m := pattern.match(text, i)):
            yield m
            pos = m.end()


def _before(pattern: re.Pattern[str], text: str, pos: int, width: int = 40) -> re.Match[str] | None:
    """`pattern` (ending in $) matched against the text just before `pos`."""
    return pattern.search(text, max(0, pos - width), pos)


def _is_may_name(text: str, start: int, word: str) -> bool:
    """'May' used as a surname: right after a capitalised word that is not a time word."""
    if word.rstrip(".") not in ("May", "MAY"):
        return False
    m = _before(_NAME_WORD_BEFORE, text, start)
    return bool(m) and m.group("w") not in MONTH_LEADERS


def _name_start(text: str, kw_start: int) -> int | None:
    """Start of the capitalised name that ends at a keyword such as 'Act', or None."""
    tokens = list(_NAME_TOKEN.finditer(text, max(0, kw_start - 160), kw_start))
    start, edge = None, kw_start
    for tok in reversed(tokens):
        gap = text[tok.end() : edge]
        if gap.strip(" \t") or not gap:
            break
        word = tok.group()
        lead = len(word) - len(word.lstrip("‘“\"'"))
        word = word[lead:]
        if word.startswith("("):
            pass
        elif not word or (word[-1] in ".,;:!?’”\"'" and word != "etc."):
            break
        elif word[0].isupper():
            if word in NAME_STOPWORDS:
                break
            start = tok.start() + lead
        elif word.lower() not in NAME_CONNECTORS:
            break
        if lead:
            break
        edge = tok.start()
    return start


def _year_pair(text: str, m: re.Match[str], y1: int) -> _Hit | None:
    """A financial year (2019-20, 2019/20) or a year range (2010 to 2015) at a year."""
    tail = _PAIR_TAIL.match(text, m.end())
    if tail is None:
        return None
    raw2, sep = tail.group("y2"), tail.group("sep").lower()
    y2 = int(raw2)
    if len(raw2) == 2:
        y2 += y1 // 100 * 100 + (100 if y2 <= y1 % 100 else 0)
    fy_prefix = _before(_FY_BEFORE, text, m.start(), 24)
    if y2 == y1 + 1 and (fy_prefix or sep == "/" or len(raw2) == 2):
        start = fy_prefix.start() if fy_prefix else m.start()
        return start, tail.end(), _Atom("fy", y1), False, False
    if sep != "/" and y1 < y2 <= min(2099, y1 + 100):
        return m.start(), tail.end(), _Atom("years", y1, n=y2), False, False
    return None


def _year_quarter(text: str, m: re.Match[str], year: int) -> _Hit | None:
    """Q3 2019, Q3 of 2019, 2019 Q3, the third quarter of 2019."""
    after = _QUARTER_TAIL.match(text, m.end())
    if after:
        return m.start(), after.end(), _Atom("quarter", year, n=int(after.group("q"))), False, False
    # Both forms before the year have a "q" in the 12 characters before it: most years have
    # none, and that test is cheaper than the searches.
    lower = text[max(0, m.start() - 12) : m.start()].lower()
    if "q" not in lower:
        return None
    before = _before(_Q_BEFORE, text, m.start(), 12)
    if before:
        return (
            before.start(),
            m.end(),
            _Atom("quarter", year, n=int(before.group("q"))),
            False,
            False,
        )
    word = _before(_QWORD_BEFORE, text, m.start()) if "quarter" in lower else None
    if word:
        q = QUARTER_WORDS.get(word.group("w").lower(), 4)
        return word.start(), m.end(), _Atom("quarter", year, n=q), False, False
    return None


def _after_keyword(text: str, pos: int) -> bool:
    """Cheap test: is the word before `pos` (or before 'of') a name keyword such as 'Act'?"""
    words = text[max(0, pos - 24) : pos].split()
    if words and words[-1] == "of":
        words.pop()
    return bool(words) and words[-1] in NAME_KEYWORDS


def _scan_years(text: str) -> Iterator[_Hit]:
    """Everything anchored on a four-digit year: bare years, years in names, financial
    years and ranges, ISO dates, quarters, decades."""
    for m in _year_matches(text):
        start, year = m.start(), int(m.group())
        fy_ok = text[max(0, start - 2) : start] == "FY"
        if not (_left_ok(text, start, _YEAR_LEFT_BAD) or fy_ok):
            continue
        iso = _ISO_TAIL.match(text, m.end())
        if iso and _left_ok(text, start, _DATE_LEFT_BAD):
            atom = _Atom("day", year, int(iso.group("m")), int(iso.group("d")))
            yield start, iso.end(), atom, False, False
            continue
        for hit in (_year_pair(text, m, year), _year_quarter(text, m, year)):
            if hit:
                yield hit
        if year % 10 == 0 and (dec := _DECADE_TAIL.match(text, m.end())):
            the = _before(_THE_BEFORE, text, start, 8)
            yield the.start() if the else start, dec.end(), _Atom("decade", year), False, False
            continue
        kw = _before(_NAME_KW_BEFORE, text, start, 20) if _after_keyword(text, start) else None
        name = _name_start(text, kw.start("kw")) if kw else None
        if name is not None:
            yield name, m.end(), _Atom("year", year), False, True
        elif year >= 1800 and not _QUANTITY_TAIL.match(text, m.end()):
            if text[start - 2 : start - 1].isdigit() and text[start - 1] in "-–":
                continue
            yield start, m.end(), _Atom("year", year), True, False


def _month_hits(text: str, m: re.Match[str], word: str, month: int) -> Iterator[_Hit]:
    """Dates built on a month name: 26 March 2020, March 26, 2020, March 2020, In June."""
    start, end = m.start(), m.end()
    full = word.capitalize() in FULL_MONTHS
    if not full and (dot := _MONTH_DOT.match(text, end)):
        end = dot.end()
    if _is_may_name(text, start, word):
        return
    day = _before(_DAY_BEFORE, text, start, 12)
    if day:
        year = _DMY_YEAR_TAIL.match(text, end)
        wd = _before(_WEEKDAY_BEFORE, text, day.start(), 16)
        first = wd.start() if wd else day.start()
        d = int(day.group("d"))
        if year:
            yield first, year.end(), _Atom("day", int(year.group("y")), month, d), False, False
        else:
            yield first, end, _Atom("rday", 0, month, d), False, False
        return
    mdy = _MDY_TAIL.match(text, end)
    if mdy:
        d, y = int(mdy.group("d")), mdy.group("y")
        atom = _Atom("day", int(y), month, d) if y else _Atom("rday", 0, month, d)
        yield start, mdy.end(), atom, False, False
    if _before(_NUMBER_BEFORE, text, start, 8):
        return  # "32 March 2004": an impossible day, not a month
    my = _MY_TAIL.match(text, end)
    if my:
        yield start, my.end(), _Atom("month", int(my.group("y")), month), False, False
    elif full:
        yield from _relative_name(text, start, end, _Atom("rmonth", month=month))


def _relative_name(text: str, start: int, end: int, atom: _Atom) -> Iterator[_Hit]:
    """A yearless month/season/weekday, after this/last/next or else weak."""
    direction = _before(_DIR_BEFORE, text, start, 8)
    if direction:
        mode = direction.group("dir").lower()
        strong = _Atom(atom.kind, atom.year, atom.month, atom.day, atom.n, atom.word, mode)
        yield direction.start(), end, strong, False, False
    else:
        yield start, end, atom, True, False


def _scan_names(text: str) -> Iterator[_Hit]:
    """Everything anchored on a month, weekday or season name."""
    for m in _NAME.finditer(text):
        if not _left_ok(text, m.start(), _NAME_LEFT_BAD):
            continue
        word = m.group()
        kind, key = _NAMES[word.lower()]
        if kind == "month":
            yield from _month_hits(text, m, word, int(key))
        elif kind == "weekday":
            yield from _relative_name(text, m.start(), m.end(), _Atom("weekday", word=str(key)))
        else:
            yield from _season_hits(text, m, str(key))


def _season_hits(text: str, m: re.Match[str], code: str) -> Iterator[_Hit]:
    """summer 2015, the summer of 2015, in the Spring, last winter."""
    year = _SEASON_TAIL.match(text, m.end())
    if year:
        the = _before(_THE_BEFORE, text, m.start(), 8)
        start = the.start() if the else m.start()
        yield start, year.end(), _Atom("season", int(year.group("y")), word=code), False, False
    elif not re.match(r"[ \t]+[A-Z]", text[m.end() : m.end() + 2]):  # not "Spring Statement"
        yield from _relative_name(text, m.start(), m.end(), _Atom("rseason", word=code))


def _numeric_matches(text: str) -> Iterator[re.Match[str]]:
    """What `_NUMERIC.finditer(text)` yields, tried only before the years.

    The year of a numeric date is a `_YEAR` hit after a separator, 4 to 6 characters after
    the start of the date; two dates never overlap, and the first start that matches is the
    one a scan from the left finds."""
    for year in _year_matches(text):
        y = year.start()
        if y >= 4 and text[y - 1] in "/.-":
            for start in range(max(0, y - 6), y - 3):
                if m := _NUMERIC.match(text, start):
                    yield m
                    break


def _scan_numeric(text: str) -> Iterator[_Hit]:
    """26/03/2020, 26.03.2020, 26-03-2020 (day first)."""
    for m in _numeric_matches(text):
        if _left_ok(text, m.start(), _DATE_LEFT_BAD) and 1 <= int(m.group("d")) <= 31:
            atom = _Atom("day", int(m.group("y")), int(m.group("m")), int(m.group("d")))
            yield m.start(), m.end(), atom, False, False


def _number(word: str) -> int:
    """An integer from digits or a number word."""
    word = word.lower()
    return 1 if word in ("a", "an") else NUMBER_WORDS.get(word) or int(word)


def _relative_atom(m: re.Match[str], the: bool) -> _Atom | None:
    """The atom for a relative phrase, or None when the words are not one."""
    word, unit_word = m.group("w").lower(), (m.group("unit") or "").lower()
    if word in ("today", "yesterday", "tomorrow"):
        return _Atom("dayword", n={"today": 0, "yesterday": -1, "tomorrow": 1}[word])
    if not unit_word or (word in ("earlier", "later")) != bool(m.group("this")):
        return None
    unit = UNIT_NAMES[unit_word]
    if word in ("earlier", "later"):
        return _Atom("unit", word=unit, mode=word) if unit != "day" and not m.group("num") else None
    sign = DIRECTIONS[word]
    if m.group("num"):
        n = _number(m.group("num"))
        if word == "this" or unit in ("quarter",) or n == 0 or (n > 1) != unit_word.endswith("s"):
            return None
        return _Atom("window", n=sign * n, word=unit)
    if unit_word.endswith("s") or unit == "day":
        return None
    if the and word in ("past", "last", "next", "coming"):
        return None if unit == "quarter" else _Atom("window", n=sign, word=unit)
    if word in ("this", "last", "next", "previous"):
        return _Atom("unit", n=sign, word=unit)
    return None


def _scan_relative(text: str) -> Iterator[_Hit]:
    """today, last year, earlier this month, the past two years, three weeks ago."""
    for m in _finditer_at(_RELATIVE, text, RELATIVE_WORDS):
        if not _left_ok(text, m.start(), _NO_CHARS):
            continue
        the = _before(_THE_BEFORE, text, m.start(), 8)
        atom = _relative_atom(m, bool(the))
        if atom is not None:
            start = the.start() if the and atom.kind == "window" else m.start()
            yield start, m.end(), atom, False, False
    for m in _finditer_at(_AGO, text, ("ago",)):
        before = _before(_AGO_BEFORE, text, m.start(), 24)
        if before:
            unit = UNIT_NAMES[before.group("unit").lower()]
            atom = _Atom("ago", n=_number(before.group("n")), word=unit)
            yield before.start(), m.end(), atom, False, False


SCANNERS: tuple[Callable[[str], Iterator[_Hit]], ...] = (
    _scan_years,
    _scan_names,
    _scan_numeric,
    _scan_relative,
)


# --- context: lead words and tense ---------------------------------------------------


# From this length on, a text's sentence marks and commas are listed once and bisected;
# below it, each candidate searches from where it stands (listing the marks of a short
# text costs more than its few searches).
LIST_MARKS_FROM = 20_000


class _Clauses:
    """Sentence and comma boundaries of a text, for tense decisions.

    Most candidates never need their tense (a past date is past in any clause), so the
    marks around a candidate are looked for only when its tense is asked for. In a short
    text they are searched for from the candidate: the next mark forwards, the previous
    one forwards on the reversed text (`reverse` is `text[::-1]`), the nearest commas.
    In a long one that would cost time in the square of its length (a run of "2010-2011
    ..." with no mark: 50 KB took 9.7 s), so the marks are listed once and bisected.
    """

    def __init__(self, text: str, reverse: str) -> None:
        self.text = text
        self.reverse = reverse
        self._cache: dict[tuple[int, int, int, int], bool] = {}
        self._sentence_future: dict[tuple[int, int], bool] = {}
        self._searched: tuple[str, re.Pattern[str], re.Pattern[str]] | None = None
        self._marks: tuple[list[int], list[int]] | None = None
        self._listing = len(text) >= LIST_MARKS_FROM

    def _listed(self) -> tuple[list[int], list[int]]:
        """(sentence ends, commas), each in ascending order.

        `_SENTENCE_END` matches one character, so finditer meets every place a search
        from any position could stop at; `_SENTENCE_END_REVERSED` finds the same marks
        on the reversed text, so a sentence starts one after a listed end.
        """
        if self._marks is None:
            ends = [m.start() for m in _SENTENCE_END.finditer(self.text)]
            commas = [m.start() for m in _COMMA.finditer(self.text)]
            self._marks = (ends, commas)
        return self._marks

    def _sentence(self, start: int, end: int) -> tuple[int, int]:
        """From after the last sentence end before `start` to the first at or after `end`."""
        size = len(self.text)
        if not self._listing:
            before = _SENTENCE_END_REVERSED.search(self.reverse, size - start)
            after = _SENTENCE_END.search(self.text, end)
            return (size - before.start() if before else 0), (after.start() if after else size)
        ends = self._listed()[0]
        k = bisect_left(ends, start) - 1  # the last mark that ends by `start`
        j = bisect_left(ends, end)
        return (ends[k] + 1 if k >= 0 else 0), (ends[j] if j < len(ends) else size)

    def _clause(self, s_lo: int, s_hi: int, start: int, end: int) -> tuple[int, int]:
        """From after the last comma in the sentence before `start` to the first at or
        after `end`."""
        if not self._listing:
            c_lo = self.text.rfind(",", s_lo, start) + 1 or s_lo
            c_hi = self.text.find(",", end, s_hi)
            return c_lo, (s_hi if c_hi < 0 else c_hi)
        commas = self._listed()[1]
        k = bisect_left(commas, start) - 1
        j = bisect_left(commas, end)
        c_lo = commas[k] + 1 if k >= 0 and commas[k] >= s_lo else s_lo
        return c_lo, (commas[j] if j < len(commas) and commas[j] < s_hi else s_hi)

    def is_future(self, start: int, end: int) -> bool:
        """True when the clause around [start, end) is in the future tense."""
        s_lo, s_hi = self._sentence(start, end)
        c_lo, c_hi = self._clause(s_lo, s_hi, start, end)
        key = (s_lo, s_hi, c_lo, c_hi)
        if key not in self._cache:
            self._cache[key] = self._tense(s_lo, s_hi, c_lo, c_hi)
        return self._cache[key]

    def _markers(self) -> tuple[str, re.Pattern[str], re.Pattern[str]]:
        """(text, future, past): the lowered text and the case-sensitive twins when lowering
        is safe, else the text and the IGNORECASE patterns. Decided once per text: asked
        per clause, the look at the whole text made a long document quadratic."""
        if self._searched is None:
            text, future, past = self.text, _FUTURE, _PAST
            lower = _lower(text)
            if lower is not None and not any(c in text for c in _CASE_TRAPS):
                text, future, past = lower, _FUTURE_LOWER, _PAST_LOWER
            self._searched = (text, future, past)
        return self._searched

    def _tense(self, s_lo: int, s_hi: int, c_lo: int, c_hi: int) -> bool:
        """Future markers in the comma clause, else past markers there, else the sentence."""
        text, future, past = self._markers()
        if future.search(text, c_lo, c_hi):
            return True
        if past.search(text, c_lo, c_hi):
            return False
        sentence = (s_lo, s_hi)  # many clauses of one long sentence fall back to it
        if sentence not in self._sentence_future:
            self._sentence_future[sentence] = bool(future.search(text, s_lo, s_hi))
        return self._sentence_future[sentence]


# The same words, ending exactly where a candidate starts and beginning at a word: one
# search finds the longest run (the leftmost start) instead of a match per word.
_LEAD_BEFORE = re.compile(r"(?ix)(?<!\w)(?=\w)(?:" + _LEAD.pattern.removeprefix("(?ix)") + r")\Z")


# Every word of `_LEAD`. A lead is a run of them, each after a space or a hyphen, so no lead
# starts before the longest such run that ends at the candidate. That run is read forwards
# on the reversed text with one anchored match, and the search for the lead starts where it
# starts: `re` then tries a position or two instead of the 48 before the candidate.
_LEAD_WORDS = (
    "in", "on", "at", "since", "from", "by", "until", "till", "during", "throughout", "before",
    "after", "between", "within", "over", "as", "of", "and", "to", "the", "very", "end", "start",
    "beginning", "middle", "close", "turn", "course", "rest", "first", "second", "half", "part",
    "latter", "early", "late", "mid", "calendar", "year",
)  # fmt: skip
_LEAD_RUN_REVERSED = re.compile(
    r"(?i:[\s-]+(?:" + "|".join(w[::-1] for w in _LEAD_WORDS) + r")(?!\w))+"
)


def _lead_match(text: str, reverse: str, pos: int) -> re.Match[str] | None:
    """The longest run of lead words (preposition, modifier, 'the') ending at `pos`.

    `reverse` is `text[::-1]`.
    """
    run = _LEAD_RUN_REVERSED.match(reverse, len(text) - pos)
    if run is None:
        return None
    return _LEAD_BEFORE.search(text, max(0, pos - 48, pos - len(run.group())), pos)


def _apply_lead(text: str, reverse: str, f: _Found) -> None:
    """Read the preposition/modifier before a candidate: strength and text start."""
    f.text_start = f.prep_start = f.start
    if f.in_name:
        return
    m = _lead_match(text, reverse, f.start)
    if m is None:
        return
    prep = " ".join((m.group("prep") or "").lower().split())
    mod = m.group("mod")
    f.prep = prep
    the = m.group("the") or ""
    if prep in STRONG_PREPS or mod or "year" in the.lower() or (prep == "over" and the):
        f.weak = False  # "over the winter" is a date; "over 2000 victims" is not
    f.prep_start = m.start()
    if prep == "since":
        f.text_start = m.start("mod") if mod else f.start
    elif prep in INCLUDED_PREPS and (not f.weak) or (prep == "at" and mod):
        f.text_start = m.start()
    elif mod:
        f.text_start = m.start("mod")


# --- combining -----------------------------------------------------------------------


def _side(period: _Period, end: bool) -> str:
    """One side of a span value, at the period's own precision."""
    parts = period.value.split("/")
    return parts[-1] if end else parts[0]


def _span(left: _Period, right: _Period) -> _Period | None:
    """The span from one period to another, or None when they are out of order."""
    if right.end < left.start or right.start < left.start:
        return None
    value = f"{_side(left, False)}/{_side(right, True)}"
    return _Period(value, "span", left.start, right.end, left.relative or right.relative)


def _ranges(text: str, found: list[_Found]) -> list[tuple[_Found, _Found, _Period]]:
    """'between X and Y', 'from X to Y', 'X to Y' over resolved candidates."""
    by_start: dict[int, list[_Found]] = {}
    for f in found:
        by_start.setdefault(f.start, []).append(f)
    out = []
    for a in found:
        m = _CONNECTOR.match(text, a.end)
        if m is None or m.end() not in by_start:
            continue
        conn = m.group("c").lower()
        b = max(by_start[m.end()], key=lambda f: f.end - f.start)
        if a.prep == "between":
            ok = conn == "and"
        elif a.prep == "from":
            ok = conn != "and"
        else:
            ok = conn not in ("and", "through") and not (a.period.relative or b.period.relative)
        span = _span(a.period, b.period) if ok else None
        if span is not None:
            out.append((a, b, span))
    return out


def _promote_chains(text: str, found: list[_Found]) -> None:
    """'in 2010 and 2011': a weak candidate listed after a counted one of the same kind counts."""
    strong_by_end: dict[int, _Found] = {}
    for f in sorted(found, key=lambda f: f.start):
        if f.weak:
            m = _CHAIN_BACK.search(text, max(0, f.start - 16), f.start)
            prev = strong_by_end.get(m.start()) if m else None
            if prev is None or prev.atom.kind != f.atom.kind:
                continue
            f.weak = False
            f.text_start = f.start
        if not f.in_name:
            strong_by_end[f.end] = f


def _status(period: _Period, ref: date | None, future: Callable[[], bool], prep: str) -> str:
    """past or planned, from the period, the tense and the preposition.

    `future` reads the tense of the clause; it is called only when the answer depends on it.
    """
    if ref is None:
        return "planned" if future() else "past"
    if period.start > ref:
        return "planned"
    if period.end >= ref and (period.planned or prep == "by" or future()):
        return "planned"
    return "past"


def _mention(
    text: str, start: int, end: int, period: _Period, status: str, in_name: bool = False
) -> DateMention:
    """Build the public record."""
    basis = "relative" if period.relative else "explicit"
    return DateMention(start, end, text[start:end], period.value, period.precision, basis,
                       status, period.start, period.end, in_name)  # fmt: skip


def _select(candidates: list[DateMention]) -> list[DateMention]:
    """Non-overlapping mentions, longest first, then in order of position."""
    ranked = sorted(candidates, key=lambda c: (-(c.end - c.start), c.start, c.in_name))
    starts: list[int] = []
    chosen: dict[int, DateMention] = {}
    for c in ranked:
        if c.end <= c.start:
            continue
        i = bisect_right(starts, c.start)
        if i and chosen[starts[i - 1]].end > c.start:
            continue
        if i < len(starts) and starts[i] < c.end:
            continue
        insort(starts, c.start)
        chosen[c.start] = c
    return [chosen[s] for s in starts]


# --- the public function -------------------------------------------------------------


def _collect(text: str) -> list[_Found]:
    """Every raw candidate from every scanner."""
    return [
        _Found(s, e, atom, weak, name) for scan in SCANNERS for s, e, atom, weak, name in scan(text)
    ]


def _resolved(text: str, ref: date | None, clauses: _Clauses) -> list[_Found]:
    """Candidates with their lead words read and their periods resolved."""
    out = []
    for f in _collect(text):
        _apply_lead(text, clauses.reverse, f)
        relative = f.atom.kind in RELATIVE_KINDS
        future = (
            relative
            and ref is not None
            and _tense_matters(f.atom)
            and clauses.is_future(f.start, f.end)
        )
        f.period = _resolve(f.atom, ref if relative else None, future)
        if f.period is not None:
            out.append(f)
    _promote_chains(text, out)
    return out


def _point_mentions(
    text: str, f: _Found, ref: date | None, clauses: _Clauses
) -> Iterator[DateMention]:
    """The mention(s) one resolved candidate gives: a name year, a since-span, itself."""
    assert f.period is not None
    if f.in_name:
        yield _mention(text, f.start, f.end, f.period, "past", in_name=True)
        return
    if f.prep == "since" and ref is not None and f.period.start <= ref:
        value = f"{_side(f.period, False)}/{_iso(ref)}"
        since = _Period(value, "span", f.period.start, ref, relative=True)
        yield _mention(text, f.prep_start, f.end, since, "ongoing")
    if not f.weak:
        status = _status(f.period, ref, partial(clauses.is_future, f.start, f.end), f.prep)
        yield _mention(text, f.text_start, f.end, f.period, status)


def extract_dates(text: str, reference_date: date | None) -> list[DateMention]:
    """Every temporal expression in `text`, in order of position.

    `reference_date` is the document's own date; relative expressions resolve
    against it. When it is None, expressions that need it are left out and
    explicit ones are still returned.
    """
    if not text:
        return []
    ref = _as_date(reference_date)
    clauses = _Clauses(text, text[::-1])
    found = _resolved(text, ref, clauses)
    candidates: list[DateMention] = []
    for a, b, span in _ranges(text, found):
        start = a.prep_start if a.prep in ("between", "from") else a.text_start
        status = _status(span, ref, partial(clauses.is_future, start, b.end), a.prep)
        candidates.append(_mention(text, start, b.end, span, status))
    for f in found:
        candidates.extend(_point_mentions(text, f, ref, clauses))
    return _select(candidates)
