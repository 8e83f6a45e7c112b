"""The contract's checks: each rule is caught, all at once, and the Arrow path the build
uses agrees with the pandas path on any rows."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import schema


def _event(**changes) -> dict:
    """A sound event row (synthetic), with `changes` applied."""
    row = {
        "event_id": "e1",
        "doc_id": "synthetic-doc",
        "doc_title": "A synthetic test page",
        "doc_type": "press release",
        "house": "",
        "doc_date": date(2015, 5, 1),
        "source_path": "synthetic.txt",
        "date_start": date(2015, 3, 1),
        "date_end": date(2015, 3, 31),
        "date_value": "2015-03",
        "precision": "month",
        "date_basis": "explicit",
        "date_text": "March 2015",
        "status": "past",
        "minister": "",
        "minister_post": "",
        "party": "",
        "government": "",
        "measure": "",
        "measure_kind": "",
        "theme": "",
        "countries": "",
        "organisations": "",
        "figures": "",
        "sentence": "In March 2015 a synthetic scheme began.",
        "char_start": 0,
        "char_end": 39,
    }
    return row | changes


def _document(**changes) -> dict:
    """A sound document row (synthetic), with `changes` applied."""
    row = {name: "" for name in schema.DOCUMENT_COLUMNS} | {
        "doc_id": "synthetic-doc",
        "doc_type": "press release",
        "doc_date": date(2015, 5, 1),
        "doc_date_basis": "explicit",
        "asked_date": None,
        "n_chars": 100,
        "n_events": 1,
    }
    return row | changes


def _event_problems(rows: list[dict]) -> list[str]:
    return schema.check_events(schema.table_from_rows(rows, schema.EVENT_COLUMNS))


def _document_problems(rows: list[dict]) -> list[str]:
    return schema.check_documents(schema.table_from_rows(rows, schema.DOCUMENT_COLUMNS))


def test_sound_rows_have_no_problems():
    day = _event(event_id="e2", date_start=date(2015, 3, 4), date_end=date(2015, 3, 4),
                 precision="day", date_value="2015-03-04", date_text="4 March 2015")  # fmt: skip
    undated = _event(event_id="e3", date_basis="document", date_text="")
    assert _event_problems([_event(), day, undated]) == []
    undated_doc = _document(doc_id="d2", doc_date=None, doc_date_basis="unknown")
    assert _document_problems([_document(), undated_doc]) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"event_id": "e0"}, "duplicate event_id: ['e0']"),
        ({"precision": "fortnight"}, "precision: values outside the vocabulary"),
        ({"date_basis": None, "date_text": ""}, "date_basis: values outside the vocabulary"),
        ({"status": "maybe"}, "status: values outside the vocabulary"),
        ({"doc_type": "tweet"}, "doc_type: values outside the vocabulary"),
        ({"date_end": None}, "date_start/date_end: missing dates"),
        (
            {"date_start": date(2015, 4, 1), "date_end": date(2015, 3, 31), "precision": "span"},
            "date_start after date_end",
        ),  # fmt: skip
        ({"date_start": date(2015, 3, 2)}, "a month-precision event does not start on day 1"),
        ({"precision": "day"}, "a day-precision event spans more than one day"),
        ({"date_text": ""}, "an explicit or relative date has no date_text"),
        ({"date_basis": "document"}, "a document or inferred date has a date_text"),
        ({"char_end": 0}, "char_start not before char_end"),
    ],
)
def test_each_broken_event_rule_is_named(changes, problem):
    problems = _event_problems([_event(event_id="e0"), _event(**changes)])
    assert [p for p in problems if p.startswith(problem)], problems
    assert len(problems) == 1, problems  # and nothing else is blamed


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"doc_id": "synthetic-doc"}, "duplicate doc_id"),
        ({"doc_type": "tweet"}, "doc_type: values outside the vocabulary"),
        ({"doc_date_basis": "guessed"}, "doc_date_basis: values outside the vocabulary"),
        ({"doc_date": None}, "a document with a known date basis has no date"),
        ({"doc_date_basis": "unknown"}, "an undated document carries a date"),
    ],
)
def test_each_broken_document_rule_is_named(changes, problem):
    problems = _document_problems([_document(), _document(doc_id="d2") | changes])
    assert [p for p in problems if p.startswith(problem)], problems
    assert len(problems) == 1, problems


def test_every_problem_is_listed_at_once():
    broken = _event(event_id="e0", status="maybe", char_end=0, date_text="")
    with pytest.raises(schema.SchemaError) as caught:
        schema.validate_events(pd.DataFrame([_event(event_id="e0"), broken]))
    message = str(caught.value)
    for problem in ("duplicate event_id", "status:", "char_start not before", "no date_text"):
        assert problem in message


_text = st.one_of(st.none(), st.text(max_size=6))
_day = st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31)))
_label = st.one_of(st.none(), st.sampled_from([*schema.PRECISIONS, "fortnight", ""]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_text, _day, _label, st.integers(-5, 10**12)), max_size=8))
def test_rows_become_the_same_table_through_arrow_as_through_pandas(values):
    columns = {"event_id": "string", "doc_date": "datetime64[ns]", "precision": "category",
               "char_start": "int64"}  # fmt: skip
    rows = [dict(zip(columns, row, strict=True)) for row in values]
    through_pandas = schema.to_arrow(
        schema.coerce(pd.DataFrame(rows, columns=list(columns)), columns), columns
    )
    through_arrow = schema.table_from_rows(rows, columns)
    assert through_arrow.schema == schema.arrow_schema(columns)
    assert through_arrow.to_pylist() == through_pandas.to_pylist()
    assert through_arrow.equals(through_pandas.combine_chunks())
