"""Tests for pipeline.dates: forms, seed-spec expressions, traps, offsets and properties."""

from __future__ import annotations

import re
from datetime import date, datetime

import dateparser
import dateparser.search
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import dates, documents
from pipeline.dates import DateMention, extract_dates
from pipeline.documents import _plain_day

D2004 = date(2004, 3, 9)
D2011 = date(2011, 3, 22)
D2012 = date(2012, 10, 18)
D2022 = date(2022, 7, 20)
D2023 = date(2023, 6, 1)

PRECISIONS = {"day", "month", "season", "quarter", "year", "decade", "span"}
STATUSES = {"past", "ongoing", "planned"}


def only(sentence: str, ref: date | None) -> DateMention:
    """The single mention in a sentence (fails when there are none or several)."""
    found = extract_dates(sentence, ref)
    assert len(found) == 1, [m.text for m in found]
    return found[0]


def row(m: DateMention) -> tuple[str, str, str, str, str]:
    """The fields a table row checks."""
    return (m.text, m.value, m.precision, m.basis, m.status)


# --- one row per supported form ------------------------------------------------------

FORMS = [
    # sentence, reference date, (text, value, precision, basis, status)
    ("Officials will consult partners over the winter.", date(2013, 10, 15),
     ("over the winter", "2013-WI", "season", "relative", "planned")),
    ("The scheme opened on 26 March 2020 in Leeds.", D2022,
     ("on 26 March 2020", "2020-03-26", "day", "explicit", "past")),
    ("Officers met on 26th March 2020 to agree it.", D2022,
     ("on 26th March 2020", "2020-03-26", "day", "explicit", "past")),
    ("The guidance is dated March 26, 2020 and still stands.", D2022,
     ("March 26, 2020", "2020-03-26", "day", "explicit", "past")),
    ("A form signed 26/03/2020 was filed.", D2022,
     ("26/03/2020", "2020-03-26", "day", "explicit", "past")),
    ("A form signed 03/04/2020 was filed.", D2022,
     ("03/04/2020", "2020-04-03", "day", "explicit", "past")),
    ("The record header reads 2020-03-26 only.", D2022,
     ("2020-03-26", "2020-03-26", "day", "explicit", "past")),
    ("The group met on Thursday 18th October 2012 at noon.", D2012,
     ("on Thursday 18th October 2012", "2012-10-18", "day", "explicit", "past")),
    ("Referrals rose sharply in March 2020.", D2022,
     ("in March 2020", "2020-03", "month", "explicit", "past")),
    ("Funding for 2019-20 was cut.", D2022,
     ("2019-20", "2019-04-01/2020-03-31", "span", "explicit", "past")),
    ("Funding for 2019/20 was cut.", D2022,
     ("2019/20", "2019-04-01/2020-03-31", "span", "explicit", "past")),
    ("Budgets for the financial year 2021-2022 were agreed.", D2022,
     ("the financial year 2021-2022", "2021-04-01/2022-03-31", "span", "explicit", "past")),
    ("Networks spread across Europe in the 1990s.", D2022,
     ("in the 1990s", "199", "decade", "explicit", "past")),
    ("Between 2016 and March 2023 the unit grew.", D2023,
     ("Between 2016 and March 2023", "2016/2023-03", "span", "explicit", "past")),
    ("The pilot ran from 2016 to 2018 in two regions.", D2022,
     ("from 2016 to 2018", "2016/2018", "span", "explicit", "past")),
    ("The plan covers 2010 to 2015 in full.", D2022,
     ("2010 to 2015", "2010/2015", "span", "explicit", "past")),
    ("Staff were trained in the last five years.", D2012,
     ("in the last five years", "2007-10-18/2012-10-18", "span", "relative", "past")),
    ("The department aims to halve the backlog by 2025.", D2022,
     ("by 2025", "2025", "year", "explicit", "planned")),
    ("Crossings peaked in Q3 2019.", D2022,
     ("in Q3 2019", "2019-Q3", "quarter", "explicit", "past")),
    ("Figures for the third quarter of 2019 were revised.", D2022,
     ("the third quarter of 2019", "2019-Q3", "quarter", "explicit", "past")),
    ("Arrests fell in the summer of 2015.", D2022,
     ("in the summer of 2015", "2015-SU", "season", "explicit", "past")),
    ("Arrests fell in summer 2015.", D2022,
     ("in summer 2015", "2015-SU", "season", "explicit", "past")),
    ("The taskforce was formed in early 2012.", D2022,
     ("in early 2012", "2012", "year", "explicit", "past")),
    ("It was wound up in late 2012.", D2022,
     ("in late 2012", "2012", "year", "explicit", "past")),
    ("The law changed in 2011 after a review.", D2012,
     ("in 2011", "2011", "year", "explicit", "past")),
    ("A review will report next month.", D2012,
     ("next month", "2012-11", "month", "relative", "planned")),
    ("Referrals have risen this year.", D2012,
     ("this year", "2012", "year", "relative", "past")),
    ("Officials met last week to discuss it.", D2012,
     ("last week", "2012-10-08/2012-10-14", "span", "relative", "past")),
    ("The Minister confirmed earlier this month that funding stands.", D2012,
     ("earlier this month", "2012-10", "month", "relative", "past")),
    ("Referrals rose last year.", D2012,
     ("last year", "2011", "year", "relative", "past")),
    ("Applications closed in June.", D2011,
     ("in June", "2010-06", "month", "relative", "past")),
    ("The board will decide in June.", D2011,
     ("in June", "2011-06", "month", "relative", "planned")),
    ("Guidance will follow in the autumn.", D2011,
     ("in the autumn", "2011-AU", "season", "relative", "planned")),
    ("Guidance followed in the autumn.", D2011,
     ("in the autumn", "2010-AU", "season", "relative", "past")),
    ("The board sat in May.", D2011,
     ("in May", "2010-05", "month", "relative", "past")),
    ("The board sat last May.", D2011,
     ("last May", "2010-05", "month", "relative", "past")),
    ("The board sat on 3 May.", D2011,
     ("on 3 May", "2010-05-03", "day", "relative", "past")),
    ("The board has sat since May.", D2011,
     ("since May", "2010-05/2011-03-22", "span", "relative", "ongoing")),
    ("It has worked with partners since March 2019.", D2022,
     ("since March 2019", "2019-03/2022-07-20", "span", "relative", "ongoing")),
    ("The office has run since 2015.", D2022,
     ("since 2015", "2015/2022-07-20", "span", "relative", "ongoing")),
    ("The team was set up three years ago.", D2012,
     ("three years ago", "2009", "year", "relative", "past")),
    ("The team met on Monday.", D2012,
     ("on Monday", "2012-10-15", "day", "relative", "past")),
    # 2012-10-18 is a Thursday: a plain weekday that is the reference day is that day.
    ("The report came out on Thursday.", D2012,
     ("on Thursday", "2012-10-18", "day", "relative", "past")),
    ("The review began three weeks ago.", D2012,
     ("three weeks ago", "2012-09-27", "day", "relative", "past")),
    ("The scheme opened two months ago.", D2012,
     ("two months ago", "2012-08", "month", "relative", "past")),
    ("The unit closed a year ago.", D2012,
     ("a year ago", "2011", "year", "relative", "past")),
    ("The Minister spoke last Thursday.", D2012,
     ("last Thursday", "2012-10-11", "day", "relative", "past")),
    ("The Minister will speak next Thursday.", D2012,
     ("next Thursday", "2012-10-25", "day", "relative", "planned")),
    ("The board will meet on Tuesday.", D2012,
     ("on Tuesday", "2012-10-23", "day", "relative", "planned")),
    ("The regulations take effect tomorrow.", D2012,
     ("tomorrow", "2012-10-19", "day", "relative", "planned")),
    ("Over the next three years the fund will grow.", D2012,
     ("Over the next three years", "2012-10-18/2015-10-18", "span", "relative", "planned")),
    ("The 2019 report is due in 2023.", D2022,
     ("in 2023", "2023", "year", "explicit", "planned")),
    ("Officers will be trained in 2022.", D2022,
     ("in 2022", "2022", "year", "explicit", "planned")),
    ("A winter 2011 campaign ran.", D2022,
     ("winter 2011", "2011-WI", "season", "explicit", "past")),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "ref", "expected"), FORMS, ids=[f[0] for f in FORMS])
def test_forms(sentence: str, ref: date, expected: tuple[str, ...]) -> None:
    """Each supported form yields exactly one mention with the expected fields."""
    m = only(sentence, ref)
    assert row(m) == expected
    assert sentence[m.start : m.end] == m.text


# --- the seed spec, in sentences of our own --------------------------------------------

SEED_SPEC = [
    ("Since 2000, a joint unit has led the work.", D2004,
     ("Since 2000", "2000/2004-03-09", "span", "relative", "ongoing")),
    ("Offences are set out in the Sexual Offences Act 2003 for now.", D2004,
     ("Sexual Offences Act 2003", "2003", "year", "explicit", "past")),
    ("Councils act under the Children Act 1989 here.", D2004,
     ("Children Act 1989", "1989", "year", "explicit", "past")),
    ("In June the department said it would wait.", D2011,
     ("In June", "2010-06", "month", "relative", "past")),
    ("A new plan will appear in the Spring.", D2011,
     ("in the Spring", "2011-SP", "season", "relative", "planned")),
    ("From next year a new agency will lead.", D2012,
     ("From next year", "2013", "year", "relative", "planned")),
    ("In 2011 946 people were referred.", D2012,
     ("In 2011", "2011", "year", "explicit", "past")),
    ("Staff numbers grew during the past two years.", D2012,
     ("during the past two years", "2010-10-18/2012-10-18", "span", "relative", "past")),
    ("Since July 2020, the cell has made arrests.", D2022,
     ("Since July 2020", "2020-07/2022-07-20", "span", "relative", "ongoing")),
    ("Published 18 October 2012Press release", D2012,
     ("18 October 2012", "2012-10-18", "day", "explicit", "past")),
    ("HC Deb 09 March 2004 vol 418 cc1457-9W", D2004,
     ("09 March 2004", "2004-03-09", "day", "explicit", "past")),
    ("(asked on 6th July 2022) - source", D2022,
     ("on 6th July 2022", "2022-07-06", "day", "explicit", "past")),
    ("The question was answered on 20th July 2022.", D2022,
     ("on 20th July 2022", "2022-07-20", "day", "explicit", "past")),
    ("They met on Thursday 18th October 2012 to agree it.", D2012,
     ("on Thursday 18th October 2012", "2012-10-18", "day", "explicit", "past")),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "ref", "expected"), SEED_SPEC, ids=[s[0] for s in SEED_SPEC])
def test_seed_spec_expressions(sentence: str, ref: date, expected: tuple[str, ...]) -> None:
    """The expressions the acceptance spec names come out as the spec says."""
    assert row(only(sentence, ref)) == expected


def test_years_in_names_are_flagged() -> None:
    """A year inside a name dates the instrument and is marked in_name."""
    found = extract_dates("The Modern Slavery Act 2015 passed; in 2016 it was reviewed.", D2022)
    assert [(m.text, m.in_name) for m in found] == [
        ("Modern Slavery Act 2015", True),
        ("in 2016", False),
    ]


def test_name_with_parenthesis_keeps_whole_name() -> None:
    """A bracketed part of a name stays inside the name."""
    m = only("It is in the Asylum and Immigration (Treatment of Claimants, etc.) Bill 2004.", D2004)
    assert (m.text, m.value, m.in_name) == (
        "Asylum and Immigration (Treatment of Claimants, etc.) Bill 2004",
        "2004",
        True,
    )


def test_reported_would_is_not_future() -> None:
    """'would' in reported speech leaves a bare month in the past."""
    m = only("In June the board announced it would publish a plan.", D2011)
    assert (m.value, m.status) == ("2010-06", "past")


def test_tense_is_read_per_sentence() -> None:
    """A future verb in another sentence does not make an expression planned."""
    m = extract_dates("The board met in June. It will publish a plan.", D2011)[0]
    assert (m.value, m.status) == ("2010-06", "past")


def test_comma_clause_past_verb_wins_over_sentence_future() -> None:
    """'..., the Minister announced today.' is past even if the sentence has 'will'."""
    m = only("The unit will expand, the Minister announced today.", D2011)
    assert (m.value, m.status) == ("2011-03-22", "past")


def test_lists_of_years() -> None:
    """A year listed after a counted one counts too."""
    found = extract_dates("Referrals doubled in 2010 and 2011.", D2012)
    assert [m.value for m in found] == ["2010", "2011"]


# --- periods ------------------------------------------------------------------------

PERIODS = [
    ("It closed in June.", D2011, date(2010, 6, 1), date(2010, 6, 30)),
    ("It opened on 26 March 2020.", D2022, date(2020, 3, 26), date(2020, 3, 26)),
    ("A winter 2011 campaign ran.", D2022, date(2011, 12, 1), date(2012, 2, 29)),
    ("Crossings peaked in Q3 2019.", D2022, date(2019, 7, 1), date(2019, 9, 30)),
    ("It grew in the 1990s.", D2022, date(1990, 1, 1), date(1999, 12, 31)),
    ("Funding for 2019/20 was cut.", D2022, date(2019, 4, 1), date(2020, 3, 31)),
    ("It has run since July 2020.", D2022, date(2020, 7, 1), D2022),
    ("A plan will appear in the Spring.", D2011, date(2011, 3, 1), date(2011, 5, 31)),
    ("It opened in 2013.", D2022, date(2013, 1, 1), date(2013, 12, 31)),
]


@pytest.mark.parametrize(("sentence", "ref", "first", "last"), PERIODS)
def test_periods(sentence: str, ref: date, first: date, last: date) -> None:
    """period_start and period_end are the first and last day of the period."""
    m = only(sentence, ref)
    assert (m.period_start, m.period_end) == (first, last)


def test_today_is_the_reference_date_not_the_clock() -> None:
    """'today' resolves to the document's date, never to date.today()."""
    m = only("The Minister announced today a review.", D2004)
    assert m.value == "2004-03-09"
    assert m.period_start == D2004 != date.today()


def test_datetime_reference_is_accepted() -> None:
    """A datetime reference behaves like its date."""
    text = "Arrests rose last year."
    assert extract_dates(text, datetime(2012, 10, 18, 9, 30)) == extract_dates(text, D2012)


def test_without_reference_date_only_explicit_expressions() -> None:
    """With no reference date, relative expressions are left out."""
    found = extract_dates("In June it met; since July 2020 it met; in March 2020 too.", None)
    assert [(m.text, m.basis) for m in found] == [
        ("July 2020", "explicit"),
        ("in March 2020", "explicit"),
    ]


# --- traps: things that are not dates --------------------------------------------------

TRAPS = [
    "Police found over 2000 victims in the raids.",
    "We will look at this again.",
    "Later we agreed on a plan.",
    "Theresa May wrote to the committee.",
    "The Home Secretary, Theresa May, spoke first.",
    "A speech by Theresa May 2016 was cited.",
    "Since Theresa May 12 officials have left.",
    "Victims may be referred by any agency.",
    "May the House note this.",
    "The centre works 24/7 with police.",
    "A 24-hour line has been set up.",
    "Victims get a 45-day recovery period.",
    "The maximum sentence of 14 years applies.",
    "The EU five year funding programme pays for it.",
    "It is shared among 27 countries.",
    "The taskforce is active in 17 countries.",
    "It took down 17 small boat OCGs.",
    "Police made over 400 arrests.",
    "It prevented more than 23,000 attempts.",
    "Offenders face a maximum of two years in prison.",
    "Gangs now pose the greatest threat.",
    "It did not opt in at the outset.",
    "See items 1/2/3 of the list.",
    "Marchers gathered at the Marshall building.",
    "Sunderland and Marlow councils joined.",
    "In total 2000 victims were identified.",
    "Over 2000 people were helped.",
    "It happened on 31 February 2011.",
    "It happened on 32 March 2004.",
    "Nothing happened in year 0.",
    "Reference 9999 was closed.",
    "The Spring Statement set out funding.",
    "The two years that followed were hard.",
    "Page 2011 of the register.",
]


@pytest.mark.parametrize("sentence", TRAPS)
def test_traps_are_not_dates(sentence: str) -> None:
    """Words and numbers that look like dates yield nothing."""
    assert extract_dates(sentence, D2012) == []


# --- implementation constraints ----------------------------------------------------------


def test_search_dates_is_never_called(monkeypatch: pytest.MonkeyPatch) -> None:
    """search_dates is never run over a text."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("search_dates called")

    monkeypatch.setattr(dateparser.search, "search_dates", forbidden)
    assert extract_dates("Since July 2020 and three weeks ago it met on Monday.", D2022)


def test_simple_forms_skip_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Full dates, months, years and seasons are computed without dateparser."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("dateparser.parse called")

    monkeypatch.setattr(dateparser, "parse", forbidden)
    text = "On 26 March 2020, in March 2020, in 2019, in the Spring and since 2000 it ran."
    assert len(extract_dates(text, date(2021, 1, 5))) == 5


def test_relative_normalisation_is_cached() -> None:
    """The same expression and anchor are resolved once."""
    dates._resolve.cache_clear()
    extract_dates("In June it met. In June it met again.", D2011)
    info = dates._resolve.cache_info()
    assert info.hits >= 1


def test_overlaps_resolved_longest_first_and_sorted() -> None:
    """Mentions are sorted and never overlap; the longest reading wins."""
    text = (
        "Between 2016 and March 2023 it grew. In 2019-20 it paused. "
        "On Thursday 18th October 2012 it met; since July 2020 it has led."
    )
    found = extract_dates(text, D2023)
    assert [m.text for m in found] == [
        "Between 2016 and March 2023",
        "In 2019-20",
        "On Thursday 18th October 2012",
        "since July 2020",
    ]
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


def test_empty_and_huge_texts() -> None:
    """Empty text yields nothing; a large text is handled."""
    assert extract_dates("", D2012) == []
    big = "In 2011 the unit opened. " * 20_000
    found = extract_dates(big, D2012)
    assert len(found) == 20_000


# --- properties ----------------------------------------------------------------------------

TOKENS = [
    "in", "In", "since", "Since", "by", "from", "to", "and", "between", "the", "on", "last",
    "next", "this", "early", "We", "may", "May", "Theresa", "June", "March", "Mar", "Sun",
    "spring", "Spring", "winter", "2011", "2019-20", "2019/20", "1990s", "Q3", "quarter",
    "third", "of", "26", "31", "32", "February", "26/03/2020", "2020-02-30", "24/7", "today",
    "past", "two", "years", "ago", "Act", "Children", "will", "would", ",", ".", "\n", "9999",
    "0", "—", "–", "Monday", "month", "week", "year", "financial", "FY", "é", "٢٠١١", "\x00",
]  # fmt: skip

texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join),
)
refs = st.one_of(st.none(), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


@PROPERTY_SETTINGS
@given(text=texts, ref=refs)
def test_property_well_formed(text: str, ref: date | None) -> None:
    """Never raises; spans lie inside the text, match it, are sorted and disjoint."""
    found = extract_dates(text, ref)
    previous_end = 0
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.start >= previous_end
        previous_end = m.end
        assert m.precision in PRECISIONS
        assert m.status in STATUSES
        assert m.basis in {"explicit", "relative"}


@PROPERTY_SETTINGS
@given(text=texts, ref=refs)
def test_property_periods_ordered(text: str, ref: date | None) -> None:
    """Every period starts on or before its end; relative ones need a reference date."""
    for m in extract_dates(text, ref):
        assert m.period_start <= m.period_end
        assert ref is not None or m.basis == "explicit"


@PROPERTY_SETTINGS
@given(text=texts, ref=refs)
def test_property_deterministic(text: str, ref: date | None) -> None:
    """The same text and reference date give the same answer."""
    assert extract_dates(text, ref) == extract_dates(text, ref)


# --- the fast lead search is the plain one -------------------------------------------


def test_lead_words_cover_the_lead_pattern() -> None:
    """Every word of the lead pattern is in the vocabulary the lead search starts from."""
    pattern = re.sub(r"\(\?P<\w+>|\(\?\w+\)|\\[sbw]", " ", dates._LEAD.pattern)
    assert set(re.findall(r"[a-z]+", pattern)) == set(dates._LEAD_WORDS)


@PROPERTY_SETTINGS
@given(text=texts, separator=st.sampled_from([" ", "-", "  ", "\n", ", ", "ſ", "İ"]))
def test_property_lead_search_is_the_plain_search(text: str, separator: str) -> None:
    """At every position, the lead found from the word run is the one a 48-character
    search finds."""
    text = text.replace(" ", separator, 1)
    reverse = text[::-1]
    for pos in range(len(text) + 1):
        fast = dates._lead_match(text, reverse, pos)
        plain = dates._LEAD_BEFORE.search(text, max(0, pos - 48), pos)
        assert (fast and (fast.span(), fast.groupdict())) == (
            plain and (plain.span(), plain.groupdict())
        )


@PROPERTY_SETTINGS
@given(
    text=texts, words=st.lists(st.sampled_from(["will", "IS", "we'll", "aims", "had", "EDITED"]))
)
def test_property_lower_case_tense_patterns(text: str, words: list[str]) -> None:
    """In every sentence and comma clause, the lower-case tense patterns find a marker
    exactly when the case-blind ones do."""
    text = " ".join([text, *words]) + ", to be laid. It was."
    lower = text.lower()
    if len(lower) != len(text) or any(c in text for c in dates._CASE_TRAPS):
        return
    clauses = dates._Clauses(text, text[::-1])
    for pos in range(len(text)):
        lo, hi = clauses._sentence(pos, pos + 1)
        comma = text.rfind(",", lo, pos) + 1 or lo
        for a, b in ((lo, hi), (comma, hi)):
            for slow, fast in (
                (dates._FUTURE, dates._FUTURE_LOWER),
                (dates._PAST, dates._PAST_LOWER),
            ):
                assert bool(slow.search(text, a, b)) == bool(fast.search(lower, a, b))


# --- a plain document date is read directly ------------------------------------------

plain_days = st.builds(
    "{}{} {}{} {}".format,
    st.one_of(st.integers(0, 39).map(str), st.integers(0, 9).map("0{}".format)),
    st.sampled_from(["", "st", "nd", "rd", "th", "ST", "nth"]),
    st.one_of(
        st.sampled_from(sorted({m.capitalize() for m in dates.MONTHS})),
        st.sampled_from(["MAY", "may", "Mayo", "Monday", "Sept.", "Kelvin", "Juſt", "Jun\u212a"]),
        st.from_regex(r"[A-Z][a-z]{2,8}", fullmatch=True),
    ),
    st.sampled_from(["", ","]),
    st.integers(1400, 2200).map(str),
)


def test_plain_document_dates_are_read_directly() -> None:
    """The common forms take the direct path; others go on to the date rules."""
    assert _plain_day("6th July 2022") == date(2022, 7, 6)
    assert _plain_day("09 Sept, 2004") == date(2004, 9, 9)
    assert _plain_day("31 February 2011") is None
    assert _plain_day("6 Julyish 2022") is None
    assert _plain_day("6th JULY 2022") is None


@PROPERTY_SETTINGS
@given(text=plain_days)
def test_property_plain_day_is_what_the_rules_read(text: str) -> None:
    """When the direct read gives a day, it is the first day the date rules find."""
    direct = _plain_day(text)
    if direct is not None:
        days = [m.period_start for m in extract_dates(text, None) if m.precision == "day"]
        assert days[:1] == [direct]


# --- the quarter test before a year is the plain one ---------------------------------


def _plain_year_quarter(text: str, m: re.Match[str], year: int) -> tuple[int, int, int] | None:
    """(start, end, quarter) by trying every quarter pattern at the year."""
    if after := dates._QUARTER_TAIL.match(text, m.end()):
        return m.start(), after.end(), int(after.group("q"))
    if before := dates._Q_BEFORE.search(text, max(0, m.start() - 12), m.start()):
        return before.start(), m.end(), int(before.group("q"))
    window = text[max(0, m.start() - 12) : m.start()]
    if "quarter" in window.lower() and (
        word := dates._QWORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
    ):
        return word.start(), m.end(), dates.QUARTER_WORDS.get(word.group("w").lower(), 4)
    return None


QUARTER_TOKENS = ["Q3", "q2", "Q4 of", "the", "third", "final", "quarter", "QUARTER", "of", "in",
                  "2019", "2020", "Q", "ſ", "K", "ı", "İ", "(", ",", "1999"]  # fmt: skip


@PROPERTY_SETTINGS
@given(
    st.lists(st.sampled_from(QUARTER_TOKENS), max_size=6),
    st.lists(st.sampled_from(QUARTER_TOKENS), max_size=3),
    st.sampled_from([" ", "  ", "\n", "\t"]),
)
def test_property_year_quarter_is_the_plain_search(
    before: list[str], after: list[str], separator: str
) -> None:
    """At every year, the quarter read with the "q" pre-test is the one every pattern finds."""
    text = separator.join([*before, "2019", *after])
    for m in dates._YEAR.finditer(text):
        hit = dates._year_quarter(text, m, int(m.group()))
        assert (hit and (hit[0], hit[1], hit[2].n)) == _plain_year_quarter(text, m, int(m.group()))


def test_quarter_forms_before_a_year() -> None:
    text = "in Q3 2019, the third quarter of 2020 and QUARTER 2021"
    found = [
        (m.group(), dates._year_quarter(text, m, int(m.group())))
        for m in dates._YEAR.finditer(text)
    ]
    assert [(y, hit and hit[2].n) for y, hit in found] == [("2019", 3), ("2020", 3), ("2021", None)]


# --- the Lords mark pre-test is the plain search ---------------------------------------

LORDS_TOKENS = ["HLWS12", "HL WS3", "xHLWS1", "HL", "WS4", "House of Lords", "House", "of",
                "Lords", "house of lords", "HOUSE OF LORDS", "Home Office", "ſ", "K", "\n"]  # fmt: skip


def test_lords_marks() -> None:
    assert documents._lords_mark("Statement HLWS123 made today")
    assert documents._lords_mark("in the House of Lords.")
    assert not documents._lords_mark("House of Commons, HCWS12")


@PROPERTY_SETTINGS
@given(st.one_of(texts, st.lists(st.sampled_from(LORDS_TOKENS), max_size=12).map("".join)))
def test_property_lords_mark_is_the_plain_search(text: str) -> None:
    assert documents._lords_mark(text) == bool(documents._LORDS_MARK.search(text))
