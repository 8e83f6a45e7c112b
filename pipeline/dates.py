"""Temporal expressions: find candidates with rules, normalise with dateparser.

CONTRACT STUB: `DateMention` and the signature of `extract_dates` are the
agreed interface; the body is being written (issue 2, item 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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


def extract_dates(text: str, reference_date: date | None) -> list[DateMention]:
    """Every temporal expression in `text`, in order of position.

    `reference_date` is the document's own date; relative expressions resolve
    against it. When it is None, expressions that need it are left out and
    explicit ones are still returned.
    """
    raise NotImplementedError
