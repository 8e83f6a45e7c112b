"""Property: every date value is a well-formed TIMEX3-like string that names exactly its period.

The value is read back here by a parser written for this test, independent of
`pipeline.dates`, so a value and its period_start/period_end cannot drift apart.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.dates import extract_dates

SEASONS = {"SP": (3, 5), "SU": (6, 8), "AU": (9, 11)}


def _period(value: str) -> tuple[date, date]:
    """First and last day named by one side of a value."""
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
        day = date(*map(int, m.groups()))
        return day, day
    if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
        y, mo = map(int, m.groups())
        return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", value):
        y, q = map(int, m.groups())
        return date(y, 3 * q - 2, 1), date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
    if m := re.fullmatch(r"(\d{4})-(SP|SU|AU|WI)", value):
        y, code = int(m.group(1)), m.group(2)
        if code == "WI":
            return date(y, 12, 1), date(y + 1, 2, calendar.monthrange(y + 1, 2)[1])
        first, last = SEASONS[code]
        return date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1])
    if m := re.fullmatch(r"(\d{4})", value):
        return date(int(value), 1, 1), date(int(value), 12, 31)
    if m := re.fullmatch(r"(\d{3})", value):
        return date(int(value) * 10, 1, 1), date(int(value) * 10 + 9, 12, 31)
    raise AssertionError(f"not a date value: {value!r}")


def value_period(value: str) -> tuple[date, date]:
    """The period a whole value names: a span runs from its first side's start to its second's end."""
    if "/" in value:
        first, second = value.split("/")
        return _period(first)[0], _period(second)[1]
    return _period(value)


PIECES = st.sampled_from(
    [
        "in June",
        "since July 2020",
        "from next year",
        "in the Spring",
        "on 26 March 2020",
        "2019/20",
        "during the past two years",
        "the 1990s",
        "between 2016 and March 2023",
        "in the last five years",
        "by 2025",
        "Q3 2019",
        "the summer of 2015",
        "last year",
        "today",
        "earlier this month",
        "the winter",
        "three weeks ago",
        "next month",
        "in 2011",
        "will publish",
        "said",
        "Theresa May",
        "may",
        "24/7",
        "Since 2000",
        "Act 2003",
        "on Monday",
        "last Thursday",
        ",",
        ".",
        "\n",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=25),
    reference=st.one_of(
        st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
    ),
)
def test_every_value_names_its_period(parts, reference):
    text = " ".join(parts)
    for mention in extract_dates(text, reference):
        assert text[mention.start : mention.end] == mention.text
        assert value_period(mention.value) == (mention.period_start, mention.period_end), mention
