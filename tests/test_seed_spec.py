"""The acceptance spec for the five seed documents (shared/spec/seed-expectations.md).

Each table below is a table of the spec, row for row. Rows are looked up by the
spec's own key (the file), and every assertion is on what the pipeline
extracted from the text: nothing here passes because of a file name.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

WIRE, NEWS, PRESS, HANSARD, LORDS = (
    "000_44125865ff2d6c9c.txt",
    "001_c96e138a89638f2c.txt",
    "002_d9a5f5901e5b14d1.txt",
    "003_47d1d793452e7d07.txt",
    "004_4c2aceaf45f33017.txt",
)

# --- Documents ----------------------------------------------------------------

DOCUMENTS = [
    # file, type, house, document date, basis, government of the day
    (WIRE, "news wire", "", "2011-07-19", "inferred", "Conservative–Liberal Democrat coalition"),
    (NEWS, "news story", "", "2012-10-18", "explicit", "Conservative–Liberal Democrat coalition"),
    (
        PRESS,
        "press release",
        "",
        "2011-03-22",
        "explicit",
        "Conservative–Liberal Democrat coalition",
    ),
    (HANSARD, "written answer", "Commons", "2004-03-09", "explicit", "Labour"),
    (LORDS, "written question", "Lords", "2022-07-20", "explicit", "Conservative"),
]


@pytest.mark.parametrize(
    ("source", "doc_type", "house", "doc_date", "basis", "government"), DOCUMENTS
)
def test_document_type_date_and_government(
    seed_documents, source, doc_type, house, doc_date, basis, government
):
    doc = seed_documents.loc[source]
    assert doc["doc_type"] == doc_type
    assert doc["house"] == house
    assert doc["doc_date"] == pd.Timestamp(doc_date)
    assert doc["doc_date_basis"] == basis
    assert doc["government"] == government


def test_inferred_date_says_where_it_came_from(seed_documents):
    doc = seed_documents.loc[WIRE]
    assert "Human Trafficking: The Government Strategy" in doc["doc_date_text"]
    assert "inferred" in doc["warnings"]


def test_question_asked_and_answered_dates(seed_documents):
    doc = seed_documents.loc[LORDS]
    assert doc["asked_date"] == pd.Timestamp("2022-07-06")
    assert doc["doc_date"] == pd.Timestamp("2022-07-20")


def test_pages_printed_government_agrees_with_reference(seed_documents):
    for source in (NEWS, PRESS):
        assert "published under" not in seed_documents.loc[source]["warnings"]


# --- People, with the post held on the document's date -------------------------

PEOPLE = [
    # file, person, post on the document's date, party
    (WIRE, "Damian Green", "Minister of State for Immigration", "Conservative"),
    (NEWS, "Mark Harper", "Minister of State for Immigration", "Conservative"),
    (PRESS, "Damian Green", "Minister of State for Immigration", "Conservative"),
    (PRESS, "Theresa May", "Home Secretary", "Conservative"),
    (
        HANSARD,
        "Beverley Hughes",
        "Minister of State (Citizenship, Immigration and Counter-Terrorism)",
        "Labour",
    ),
    (LORDS, "Baroness Williams of Trafford", "Minister of State (Home Office)", "Conservative"),
]


@pytest.mark.parametrize(("source", "person", "post", "party"), PEOPLE)
def test_minister_and_post_on_the_date(seed_events, seed_documents, source, person, post, party):
    events = seed_events[
        (seed_events["source_path"] == source) & (seed_events["minister"] == person)
    ]
    assert not events.empty, f"no event of {source} names {person} as minister"
    on_doc_date = events[events["date_start"] == seed_documents.loc[source]["doc_date"]]
    assert set(on_doc_date["minister_post"]) == {post}
    assert set(events["party"]) == {party}


@pytest.mark.parametrize(
    ("source", "lead", "post"),
    [
        (WIRE, "Damian Green", "Minister of State for Immigration"),
        (NEWS, "Mark Harper", "Minister of State for Immigration"),
        (PRESS, "Damian Green", "Minister of State for Immigration"),
        (
            HANSARD,
            "Beverley Hughes",
            "Minister of State (Citizenship, Immigration and Counter-Terrorism)",
        ),
        (LORDS, "Baroness Williams of Trafford", "Minister of State (Home Office)"),
    ],
)
def test_lead_minister(seed_documents, source, lead, post):
    doc = seed_documents.loc[source]
    assert (doc["lead_minister"], doc["lead_minister_post"]) == (lead, post)


def test_mr_green_resolves_to_damian_green(seed_mentions, seed_documents):
    doc_id = seed_documents.loc[WIRE]["doc_id"]
    greens = seed_mentions[
        (seed_mentions["doc_id"] == doc_id) & (seed_mentions["text"] == "Mr Green")
    ]
    assert len(greens) >= 3
    assert set(greens["value"]) == {"Damian Green"}


def test_asker_is_recorded_as_asker_not_minister(
    seed_documents, seed_events, seed_mentions, reference
):
    doc = seed_documents.loc[HANSARD]
    assert doc["asker"] == "Sue Doughty"
    assert "Sue Doughty" not in set(seed_events["minister"])
    askers = seed_mentions[
        (seed_mentions["doc_id"] == doc["doc_id"]) & (seed_mentions["detail"] == "asker")
    ]
    assert list(askers["value"]) == ["Sue Doughty"]
    member = reference.member("Sue Doughty", date(2004, 3, 9))
    assert (member["constituency"], member["party"]) == ("Guildford", "Liberal Democrat")


def test_post_comes_from_reference_not_page_furniture(seed_documents, seed_events):
    doc = seed_documents.loc[LORDS]
    assert "Shadow Chief Whip" not in doc["text"]
    assert "Shadow Chief Whip (Lords)" in doc["furniture"]
    shown = pd.concat([seed_events["minister_post"], seed_documents["lead_minister_post"]])
    assert not shown.str.contains("Shadow").any()


# --- Dated events ---------------------------------------------------------------

EVENTS = [
    # file, expression ("" = document date), value, basis, precision, status, words of the sentence
    (HANSARD, "Since 2000", "2000/2004-03-09", "relative", "span", "ongoing", "Reflex"),
    (HANSARD, "Sexual Offences Act 2003", "2003", "explicit", "year", "past", "14 years"),
    (HANSARD, "Children Act 1989", "1989", "explicit", "year", "past", "local authorities"),
    (HANSARD, "", "2004-03-09", "document", "day", None, "Treatment of Claimants"),
    (PRESS, None, "2011-03-22", None, "day", None, "will apply to opt in"),
    (PRESS, "In June", "2010-06", "relative", "month", "past", "would not opt in"),
    (
        PRESS,
        "in the Spring",
        "2011-SP",
        "relative",
        "season",
        "planned",
        "Human Trafficking strategy",
    ),
    (WIRE, "", "2011-07-19", "inferred", "day", None, "Human Trafficking: The Government Strategy"),
    (NEWS, None, "2012-10-18", None, "day", None, "report published today"),
    (NEWS, "From next year", "2013", "relative", "year", "planned", "National Crime Agency"),
    (NEWS, "In 2011", "2011", "explicit", "year", "past", "946 potential victims"),
    (
        NEWS,
        "during the past two years",
        "2010-10-18/2012-10-18",
        "relative",
        "span",
        "past",
        "front-line professionals",
    ),
    (
        LORDS,
        "Since July 2020",
        "2020-07/2022-07-20",
        "relative",
        "span",
        "ongoing",
        "over 400 arrests",
    ),
    (LORDS, "", "2022-07-20", "document", "day", None, "active in 17 countries"),
]


def _find(events: pd.DataFrame, source: str, value: str, words: str) -> pd.DataFrame:
    """Events of `source` at `value` whose quote contains `words`."""
    return events[
        (events["source_path"] == source)
        & (events["date_value"] == value)
        & events["sentence"].str.contains(words, regex=False)
    ]


@pytest.mark.parametrize(
    ("source", "expression", "value", "basis", "precision", "status", "words"), EVENTS
)
def test_dated_event(seed_events, source, expression, value, basis, precision, status, words):
    found = _find(seed_events, source, value, words)
    assert len(found) == 1, f"expected one event at {value} about {words!r}, found {len(found)}"
    event = found.iloc[0]
    if expression is not None:
        assert event["date_text"] == expression
    if basis is not None:
        assert event["date_basis"] == basis
    assert event["precision"] == precision
    if status is not None:
        assert event["status"] == status


def test_same_day_document_events_use_the_document_date(seed_events, seed_documents):
    """ "Today" in a document is the document's own date, never the day the build ran."""
    for source in (PRESS, NEWS):
        doc_date = seed_documents.loc[source]["doc_date"]
        todays = seed_events[
            (seed_events["source_path"] == source) & (seed_events["date_text"] == "today")
        ]
        assert not todays.empty
        assert (todays["date_start"] == doc_date).all()
    assert not (seed_events["date_start"] == pd.Timestamp(date.today())).any()


def test_period_bounds_of_relative_events(seed_events):
    june = _find(seed_events, PRESS, "2010-06", "would not opt in").iloc[0]
    assert (june["date_start"], june["date_end"]) == (
        pd.Timestamp("2010-06-01"),
        pd.Timestamp("2010-06-30"),
    )
    since = _find(seed_events, LORDS, "2020-07/2022-07-20", "over 400 arrests").iloc[0]
    assert (since["date_start"], since["date_end"]) == (
        pd.Timestamp("2020-07-01"),
        pd.Timestamp("2022-07-20"),
    )
    spring = _find(seed_events, PRESS, "2011-SP", "Human Trafficking strategy").iloc[0]
    assert (spring["date_start"], spring["date_end"]) == (
        pd.Timestamp("2011-03-01"),
        pd.Timestamp("2011-05-31"),
    )


MEASURES = [
    # file, value, words of the sentence, measure linked
    (HANSARD, "2000/2004-03-09", "Reflex", "Reflex"),
    (HANSARD, "2003", "14 years", "Sexual Offences Act 2003"),
    (HANSARD, "1989", "local authorities", "Children Act 1989"),
    (
        HANSARD,
        "2004-03-09",
        "Treatment of Claimants",
        "Asylum and Immigration (Treatment of Claimants, etc.) Act 2004",
    ),
    (
        WIRE,
        "2011-07-19",
        "Human Trafficking: The Government Strategy",
        "Human Trafficking: The Government Strategy",
    ),
    (NEWS, "2013", "National Crime Agency", "National Crime Agency"),
    (NEWS, "2011", "946 potential victims", "National Referral Mechanism"),
    (LORDS, "2020-07/2022-07-20", "over 400 arrests", "Joint Intelligence Cell"),
    (LORDS, "2022-07-20", "active in 17 countries", "Organised Immigration Crime Taskforce"),
]


@pytest.mark.parametrize(("source", "value", "words", "measure"), MEASURES)
def test_event_links_to_its_measure(seed_events, source, value, words, measure):
    event = _find(seed_events, source, value, words).iloc[0]
    assert measure in event["measure"]


@pytest.mark.parametrize(
    ("source", "value", "words", "figures"),
    [
        (NEWS, "2011", "946 potential victims", ["946 potential victims"]),
        (
            LORDS,
            "2020-07/2022-07-20",
            "over 400 arrests",
            ["17 small boat OCGs", "over 400 arrests"],
        ),
    ],
)
def test_figures_are_kept(seed_events, source, value, words, figures):
    event = _find(seed_events, source, value, words).iloc[0]
    for figure in figures:
        assert figure in event["figures"].split("; ")


def test_countries_are_kept(seed_events):
    event = _find(seed_events, NEWS, "2012-10-18", "most prevalent source countries").iloc[0]
    assert set(event["countries"].split("; ")) >= {
        "China",
        "Nigeria",
        "Vietnam",
        "Slovakia",
        "Romania",
    }


# --- Things that are not dates ----------------------------------------------------

TRAPS = [
    "we",
    "We",
    "May",
    "may",
    "24/7",
    "24-hour",
    "14 years",
    "of 14 years",
    "five year",
    "27 countries",
    "17 countries",
    "two years",
    "now",
    "Close",
    "What's Hot",
    "Back to",
    "Forward to",
    "View Source",
    "Portrait",
    "Reticulating Splines",
    "at the outset",
    "45-day",
    "600",
]


def test_no_trap_becomes_a_date(seed_mentions, seed_events):
    dates = seed_mentions[seed_mentions["kind"] == "date"]
    for trap in TRAPS:
        assert trap not in set(dates["text"]), f"{trap!r} was taken as a date"
        assert trap not in set(seed_events["date_text"])


def test_theresa_may_is_a_person_not_a_month(seed_mentions, seed_documents):
    doc = seed_documents.loc[PRESS]
    mentions = seed_mentions[seed_mentions["doc_id"] == doc["doc_id"]]
    start = doc["text"].index("Theresa May")
    dates = mentions[mentions["kind"] == "date"]
    assert not ((dates["char_start"] < start + 11) & (dates["char_end"] > start)).any()
    person = mentions[(mentions["kind"] == "person") & (mentions["value"] == "Theresa May")]
    assert not person.empty


FURNITURE = [
    "Close",
    "What's Hot",
    "Back to",
    "Forward to",
    "View Source",
    "Reticulating Splines",
    "Baroness Williams of Trafford Portrait",
]


def test_furniture_is_stripped_before_extraction(seed_documents):
    lines = {line for text in seed_documents["text"] for line in text.split("\n")}
    removed = "\n".join(seed_documents["furniture"])
    for piece in FURNITURE:
        assert piece not in lines
        assert piece in removed
    assert all("View Source" not in text for text in seed_documents["text"])


def test_no_event_outside_its_sentence(seed_events, seed_documents):
    for event in seed_events.itertuples():
        text = seed_documents.loc[event.source_path]["text"]
        assert text[event.char_start : event.char_end] == event.sentence
        if event.date_text:
            assert event.date_text in event.sentence
