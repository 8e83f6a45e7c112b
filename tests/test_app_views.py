"""AppTest: every view and every filter of the dashboard on the small synthetic folder."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from app_fixtures import app_test, texts

from app.views import table
from pipeline import schema

pytestmark = pytest.mark.usefixtures("app_env")


def header(at) -> str:
    """The "N events from M documents" line."""
    return next(m.value for m in at.markdown if " from " in m.value and "document" in m.value)


def test_timeline_is_default_and_counts_events() -> None:
    at = app_test()
    at.run()
    assert not at.exception
    assert at.radio(key="view").value == "timeline"
    assert "12 events from 6 documents" in header(at)
    assert at.slider(key="f_years").value == (2008, 2019)
    assert at.get("plotly_chart")


@pytest.mark.parametrize("view", ["timeline", "table", "ministers", "sources", "quality", "about"])
def test_every_view_renders(view: str) -> None:
    at = app_test({"view": view})
    at.run()
    assert not at.exception
    assert at.radio(key="view").value == view
    assert not at.warning


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("f_minister", ["Theresa May"], "5 events from 2 documents"),
        ("f_theme", ["legislation"], "2 events from 2 documents"),
        ("f_measure", ["Modern Slavery Act 2015"], "2 events from 1 document"),
        ("f_doc_type", ["press release"], "5 events from 2 documents"),
        ("f_basis", ["explicit"], "6 events from 5 documents"),
        ("f_basis", ["explicit", "relative"], "9 events from 5 documents"),
    ],
)
def test_list_filters(key: str, value: list[str], expected: str) -> None:
    at = app_test()
    at.run()
    at.multiselect(key=key).set_value(value).run()
    assert not at.exception
    assert expected in header(at)
    assert "Filtered by" in header(at)


def test_year_filter_keeps_overlapping_periods() -> None:
    at = app_test()
    at.run()
    at.slider(key="f_years").set_value((2016, 2016)).run()
    assert not at.exception
    # the 2010s decade, the 2015-2018 span, and the inferred 2016 event
    assert "3 events from 2 documents" in header(at)


def test_text_search() -> None:
    at = app_test()
    at.run()
    at.text_input(key="f_text").input("COMMISSIONER").run()
    assert not at.exception
    assert "1 event from 1 document" in header(at)
    assert at.query_params["q"] == "COMMISSIONER"


def test_empty_result_shows_message_and_reset() -> None:
    at = app_test()
    at.run()
    at.text_input(key="f_text").input("no such words anywhere").run()
    assert not at.exception
    assert "No events match these filters" in texts(at)
    assert not at.get("plotly_chart")
    at.button(key="reset_empty").click().run()
    assert not at.exception
    assert "12 events from 6 documents" in header(at)
    assert at.text_input(key="f_text").value == ""


def test_selected_event_shows_detail_with_escaped_quote() -> None:
    at = app_test({"event": "e10"})
    at.run()
    assert not at.exception
    body = texts(at)
    assert "Selected event" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>" not in body and "<img" not in body
    assert '<mark style="background:#F0E442;padding:0 2px">2 May 2012</mark>' in body
    assert "The sentence gives the date in full" in body


def test_detail_explains_relative_and_inferred_dates() -> None:
    at = app_test({"event": "e02"})
    at.run()
    assert "resolved against the document" in texts(at)
    at = app_test({"event": "e11"})
    at.run()
    assert "was inferred" in texts(at)


def test_open_source_button_switches_to_sources() -> None:
    at = app_test({"event": "e03"})
    at.run()
    at.button(key="detail_open_source").click().run()
    assert not at.exception
    assert at.radio(key="view").value == "sources"
    assert at.query_params["doc"] == "d2"


def test_table_view_downloads_match_rows() -> None:
    at = app_test({"view": "table", "minister": "Damian Green"})
    at.run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert len(frame) == 2
    assert set(frame["minister"]) == {"Damian Green"}
    assert frame["source"].str.startswith("?view=sources&doc=").all()
    assert len(at.get("download_button")) == 2
    events = pd.read_parquet(Path(os.environ["TIMELINE_DATA_DIR"]) / "events.parquet")
    chosen = events[events["minister"] == "Damian Green"].sort_values(["date_start", "event_id"])
    shown = [c for c in table.COLUMNS if c != "source"]
    csv = pd.read_csv(io.BytesIO(table.csv_bytes(chosen)), dtype=str, keep_default_na=False)
    assert list(csv.columns) == shown
    assert csv["event_id"].tolist() == frame["event_id"].tolist()
    assert csv["sentence"].tolist() == frame["sentence"].tolist()
    records = json.loads(table.json_bytes(chosen))
    assert [list(r) for r in records] == [shown] * len(frame)
    assert [r["event_id"] for r in records] == frame["event_id"].tolist()


def test_table_view_lists_at_most_its_limit_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table, "TABLE_MAX", 3)
    at = app_test({"view": "table"})
    at.run()
    assert not at.exception
    frame = at.dataframe[0].value
    total = int(re.search(r"([0-9,]+) events?\.", texts(at)).group(1).replace(",", ""))
    assert len(frame) == 3 < total
    assert "The first 3 in date order are listed" in texts(at)
    assert frame["date_start"].is_monotonic_increasing
    at.radio(key="table_end").set_value("latest").run()
    assert not at.exception
    latest = at.dataframe[0].value
    assert "The latest 3 in date order are listed, latest first" in texts(at)
    assert latest["date_start"].is_monotonic_decreasing
    events = pd.read_parquet(Path(os.environ["TIMELINE_DATA_DIR"]) / "events.parquet")
    assert latest["date_start"].min() >= events["date_start"].nlargest(3).min()
    assert set(latest["event_id"]).isdisjoint(frame["event_id"])


def test_table_view_offers_the_latest_only_when_rows_are_left_out() -> None:
    at = app_test({"view": "table", "minister": "Damian Green"})
    at.run()
    assert not at.exception and len(at.dataframe[0].value) == 2
    assert not [r for r in at.radio if r.key == "table_end"]


def test_table_links_each_row_to_its_own_document() -> None:
    events = pd.DataFrame(
        {c: ["x", "y", "z"] for c in table.COLUMNS if c != "source"}
        | {"doc_id": ["a/b", "c&d", "a/b"]}
    )
    frame = table.table_frame(events)
    assert frame.columns.tolist() == table.COLUMNS
    assert frame["source"].tolist() == [
        "?view=sources&doc=a%2Fb", "?view=sources&doc=c%26d", "?view=sources&doc=a%2Fb"
    ]  # fmt: skip
    assert frame["event_id"].tolist() == ["x", "y", "z"]


def test_ministers_view_picker_filters_every_view() -> None:
    at = app_test({"view": "ministers"})
    at.run()
    assert not at.exception
    tenures = at.dataframe[0].value
    assert int(tenures.loc[tenures["person"] == "Theresa May", "events linked"].iloc[0]) == 5
    at.selectbox(key="ministers_pick").set_value("Damian Green").run()
    assert not at.exception
    assert at.multiselect(key="f_minister").value == ["Damian Green"]
    assert "2 events from 1 document" in header(at)
    assert at.query_params["minister"] == "Damian Green"


def test_sources_view_marks_mentions_and_escapes_text() -> None:
    at = app_test({"view": "sources", "doc": "d5"})
    at.run()
    assert not at.exception
    body = texts(at)
    rendered = "\n".join([h.proto.body for h in at.get("html")] + [m.value for m in at.markdown])
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered
    assert "<img" not in rendered and "<script" not in rendered
    assert '<mark title="date: 2012-05-02 (explicit)"' in body
    assert any("Skip to main content" in t.value for t in at.text)  # furniture as plain text
    assert "Events from this document:** 1" in body


def test_sources_view_without_document_lists_count() -> None:
    at = app_test({"view": "sources"})
    at.run()
    assert not at.exception
    assert "6 documents" in texts(at)
    labels = at.selectbox(key="doc").options
    documents = pd.read_parquet(Path(os.environ["TIMELINE_DATA_DIR"]) / "documents.parquet")
    expected = {
        ("undated" if pd.isna(d.doc_date) else d.doc_date.strftime("%Y-%m-%d")) + " · " + d.title
        for d in documents.itertuples()
    }
    assert labels[0] == "Choose a document…" and set(labels[1:]) == expected
    assert any(label.startswith("undated · ") for label in labels)


def test_quality_view_lists_problems() -> None:
    at = app_test({"view": "quality"})
    at.run()
    assert not at.exception
    body = texts(at)
    assert "Undated and inferred documents:** 2" in body
    assert "Unknown people (named but not in the reference tables):** 1" in body
    assert "Rejected files:** 1" in body
    assert "Build warnings:** 2" in body
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    bars = {tuple(c["data"][0]["y"]): c["data"][0]["x"] for c in charts}
    assert set(bars) == {schema.DATE_BASES, schema.PRECISIONS}  # every value, zeros too
    assert sum(bars[schema.DATE_BASES]) == sum(bars[schema.PRECISIONS]) > 0


def test_about_view_shows_build_time() -> None:
    at = app_test({"view": "about"})
    at.run()
    assert not at.exception
    assert "2024-01-02T03:04:05Z" in texts(at).replace("\\", "")


def test_lane_and_milestone_toggle_reach_url() -> None:
    at = app_test()
    at.run()
    at.radio(key="lane").set_value("minister").run()
    at.toggle(key="milestones").set_value(False).run()
    assert not at.exception
    assert at.query_params["lane"] == "minister"
    assert at.query_params["milestones"] == "0"


def test_missing_data_folder_says_make_data(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("TIMELINE_DATA_DIR", str(tmp_path / "nowhere"))
    at = app_test()
    at.run()
    assert not at.exception
    assert "make data" in at.error[0].value


def test_unreadable_table_says_make_data(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in ("events.parquet", "documents.parquet", "mentions.parquet"):
        (tmp_path / name).write_text("not parquet")
    monkeypatch.setenv("TIMELINE_DATA_DIR", str(tmp_path))
    at = app_test()
    at.run()
    assert not at.exception
    assert "make data" in at.error[0].value


def test_missing_reference_folder_still_works(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("TIMELINE_REFERENCE_DIR", str(tmp_path))
    for view in ("timeline", "ministers"):
        at = app_test({"view": view})
        at.run()
        assert not at.exception
        assert "No reference tables found" in texts(at)


def test_corpus_without_events(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from app_fixtures import _documents_and_events, write_processed

    docs, events, mentions = _documents_and_events()
    processed = write_processed(tmp_path / "processed", events.iloc[0:0], docs, mentions)
    monkeypatch.setenv("TIMELINE_DATA_DIR", str(processed))
    for view in ("timeline", "table", "ministers", "sources", "quality", "about"):
        at = app_test({"view": view})
        at.run()
        assert not at.exception, view
    assert "0 events from 0 documents" in header(at)
