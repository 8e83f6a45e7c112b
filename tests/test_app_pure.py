"""Pure functions of the app: filters, URL parsing, figure builders and escaping."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from app_fixtures import write_small
from hypothesis import given
from hypothesis import strategies as st

from app import codes as codes_of
from app import data, figures, filters, state
from app.text import hover, md
from app.views import detail, sources
from pipeline import schema


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> data.Bundle:
    """The small synthetic bundle, loaded without Streamlit."""
    processed, reference = write_small(tmp_path_factory.mktemp("small"))
    return data.load_bundle(str(processed), str(reference), "test")


def _figure(bundle: data.Bundle, events: pd.DataFrame | None = None, **kwargs):
    """The timeline figure of the bundle's events with common defaults."""
    args = {
        "lane": "theme",
        "years": (2004, 2022),
        "governments": bundle.governments,
        "milestones": bundle.milestones,
    } | kwargs
    return figures.timeline_figure(bundle.events if events is None else events, **args)


# --- filters ----------------------------------------------------------------------------------


def test_repeated_text_is_held_as_categories_with_the_same_values(bundle, tmp_path) -> None:
    processed, _ = write_small(tmp_path)
    raw = pd.read_parquet(processed / "events.parquet").set_index("event_id")
    events = bundle.events.set_index("event_id")
    for column in data.REPEATED_COLUMNS:
        assert isinstance(events[column].dtype, pd.CategoricalDtype), column
        shown = events[column].astype("string").loc[raw.index]
        assert shown.tolist() == raw[column].astype("string").tolist(), column
        categories = events[column].cat.categories.tolist()
        assert categories == sorted(categories), column
    mentions = pd.read_parquet(processed / "mentions.parquet")
    assert len(mentions) and len(bundle.mentions) == len(mentions)
    for column in data.MENTION_CATEGORIES:
        assert isinstance(bundle.mentions[column].dtype, pd.CategoricalDtype), column
        held = bundle.mentions[column].astype("string").tolist()
        assert held == mentions[column].astype("string").tolist(), column
    chosen = filters.Filters(years=(2004, 2022), minister=(raw["minister"].iloc[0],))
    kept = filters.apply(bundle.events, chosen)
    assert len(kept) and (kept["minister"] == raw["minister"].iloc[0]).all()


def test_options_and_default_years_are_clipped_to_data(bundle: data.Bundle) -> None:
    options = filters.options_for(bundle.events)
    assert options.year_bounds == (2008, 2019)
    assert filters.default_years(options) == (2008, 2019)
    assert filters.default_years(filters.Options(year_bounds=(1990, 2030))) == (2004, 2022)
    assert "(none)" in options.values["measure"]


def test_filters_combine(bundle: data.Bundle) -> None:
    chosen = filters.Filters(
        years=(2014, 2014), minister=("Theresa May",), basis=("relative", "explicit")
    )
    assert filters.apply(bundle.events, chosen)["event_id"].tolist() == ["e03", "e04"]


def test_none_label_matches_blank_values(bundle: data.Bundle) -> None:
    chosen = filters.Filters(years=(2004, 2022), measure=(filters.NONE_LABEL,))
    assert set(filters.apply(bundle.events, chosen)["event_id"]) == {"e06", "e07", "e10", "e11"}


@pytest.mark.parametrize(
    "chosen", [("a",), ("b", filters.NONE_LABEL), (filters.NONE_LABEL,), ("z",)]
)
def test_a_list_filter_matches_categories_as_it_matches_strings(chosen) -> None:
    values = pd.Series(["a", "", None, "b", "a", "c"], dtype="string")
    as_strings = filters._match(pd.DataFrame({"x": values}), "x", chosen)
    as_categories = filters._match(pd.DataFrame({"x": values.astype("category")}), "x", chosen)
    assert as_categories.tolist() == as_strings.tolist()
    assert as_categories.tolist()[2] == (filters.NONE_LABEL in chosen)  # missing is blank


@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["", "a", "b", "<i>c</i>", "Ω"])), max_size=30),
    st.booleans(),
)
def test_coded_labels_give_each_rows_value_as_text(values: list, categorical: bool) -> None:
    column = pd.Series(values, dtype="string")
    if categorical:  # with a category no row holds, as a filtered frame keeps them
        column = column.astype(pd.CategoricalDtype(["", "a", "b", "<i>c</i>", "Ω", "unused"]))
    codes, labels = codes_of.coded(column)
    assert [labels[c] for c in codes] == [v or "" for v in values]
    used = codes_of.on_rows(codes, labels)
    assert {label for label, on in zip(labels, used, strict=True) if on} == {
        v or "" for v in values
    }


def test_per_unique_calls_once_per_value_on_rows_only() -> None:
    calls: list[str] = []

    def upper(value: str) -> str:
        calls.append(value)
        return value.upper()

    column = pd.Series(["b", None, "b", "a"], dtype="category").cat.add_categories(["unused"])
    assert figures.per_unique(column, upper).tolist() == ["B", "", "B", "A"]
    assert sorted(calls) == ["", "a", "b"]


def test_text_search_is_literal_and_case_blind(bundle: data.Bundle) -> None:
    chosen = filters.Filters(years=(2004, 2022), text="ALERT(1)")
    assert filters.apply(bundle.events, chosen)["event_id"].tolist() == ["e10"]
    assert filters.apply(bundle.events, filters.Filters(text=".*")).empty


def test_filtered_events_leave_out_only_the_search_text(bundle: data.Bundle) -> None:
    shown = filters.apply(bundle.events, filters.Filters(years=(2004, 2022)))
    assert filters.SEARCH_COLUMN in bundle.events and filters.SEARCH_COLUMN not in shown
    assert list(shown.columns) == [c for c in bundle.events if c != filters.SEARCH_COLUMN]


def test_describe_lists_only_changed_filters() -> None:
    base = filters.Filters(years=(2008, 2019))
    assert filters.describe(base, base) == []
    changed = filters.Filters(years=(2010, 2012), theme=("legislation",), text=" x ")
    assert filters.describe(changed, base) == [
        "years 2010–2012",
        "theme: legislation",
        'quote contains "x"',
    ]


# --- URL state --------------------------------------------------------------------------------


def _known(bundle: data.Bundle) -> state.Known:
    """Known values for URL parsing."""
    return state.Known(
        filters.options_for(bundle.events),
        frozenset(bundle.events["event_id"]),
        frozenset(bundle.documents["doc_id"]),
    )


def test_parse_and_encode_round_trip(bundle: data.Bundle) -> None:
    known = _known(bundle)
    query = {
        "view": ["sources"],
        "year": ["2010-2012"],
        "theme": ["legislation"],
        "doc": ["d1"],
        "milestones": ["0"],
    }
    values, notices = state.parse(query, known)
    assert notices == []
    merged = {**state.defaults(known.options), **values}
    encoded = state.encode(merged, state.defaults(known.options))
    assert encoded == {
        "view": "sources",
        "year": "2010-2012",
        "theme": ["legislation"],
        "milestones": "0",
        "doc": "d1",
    }


@pytest.mark.parametrize(
    "raw", [["abc"], ["2010"], ["2010", "2011", "2012"], ["1900-1901"], ["2010-abc"], [""]]
)
def test_malformed_years_are_reported(bundle: data.Bundle, raw: list[str]) -> None:
    values, notices = state.parse({"year": raw}, _known(bundle))
    assert "f_years" not in values
    assert len(notices) == 1


def test_years_are_clipped_and_ordered(bundle: data.Bundle) -> None:
    values, notices = state.parse({"year": ["2022-2000"]}, _known(bundle))
    assert values["f_years"] == (2008, 2019) and notices == []


def test_long_values_are_shortened_in_notices(bundle: data.Bundle) -> None:
    _, notices = state.parse({"view": ["x" * 500]}, _known(bundle))
    assert len(notices[0]) < 120


# --- figures ----------------------------------------------------------------------------------


def test_day_events_are_markers_and_periods_are_bars(bundle: data.Bundle) -> None:
    fig = _figure(bundle, show_milestones=False)
    markers = {i for t in fig.data if t.type == "scatter" for i in t.customdata}
    bars = {i for t in fig.data if t.type == "bar" and t.name != "Government" for i in t.customdata}
    day = set(bundle.events.loc[bundle.events["precision"] == "day", "event_id"])
    assert markers == day
    assert bars == set(bundle.events["event_id"]) - day
    assert {"month", "season", "quarter", "year", "decade", "span"} == set(
        bundle.events.loc[bundle.events["event_id"].isin(bars), "precision"].astype(str)
    )


def test_bar_length_is_the_period(bundle: data.Bundle) -> None:
    fig = _figure(bundle, show_milestones=False)
    for trace in (t for t in fig.data if t.type == "bar" and t.name != "Government"):
        for base, length, event_id in zip(trace.base, trace.x, trace.customdata, strict=True):
            row = bundle.events.set_index("event_id").loc[event_id]
            assert base == f"{row['date_start']:%Y-%m-%d}"
            assert length == ((row["date_end"] - row["date_start"]).days + 1) * 86_400_000


def test_one_band_per_government_in_range(bundle: data.Bundle) -> None:
    fig = _figure(bundle, years=(2004, 2022))
    # Blair .. Sunak overlap Dec 2003 .. Jan 2023; Starmer does not
    assert len(fig.layout.shapes) == 8
    assert all(s.layer == "below" for s in fig.layout.shapes)
    lane = next(t for t in fig.data if t.name == "Government")
    assert list(lane.text)[:3] == ["Blair · Lab", "Brown · Lab", "Cameron · Con–LD"]
    assert "Conservative–Liberal Democrat coalition" in lane.hovertext[2]
    assert list(lane.customdata)[0] == "gov:blair"
    assert "Truss" not in " ".join(lane.text)  # seven weeks: no room for a label
    assert fig.layout.yaxis.categoryarray[-1] == figures.GOVERNMENT_LANE


def test_bands_clip_to_the_visible_years(bundle: data.Bundle) -> None:
    fig = _figure(bundle, years=(2022, 2022))
    lane = next(t for t in fig.data if t.name == "Government")
    assert list(lane.text) == ["Johnson · Con", "Truss · Con", "Sunak · Con"]
    assert "Truss" in lane.hovertext[1]
    assert min(s.x0 for s in fig.layout.shapes) == pd.Timestamp("2021-12-01")


def test_milestone_layer_toggles(bundle: data.Bundle) -> None:
    shown = _figure(bundle, show_milestones=True)
    hidden = _figure(bundle, show_milestones=False)
    names = [t.name for t in shown.data]
    assert "Reference milestones (reference table)" in names
    assert "Reference milestones (reference table)" not in [t.name for t in hidden.data]
    layer = next(t for t in shown.data if t.name.startswith("Reference"))
    assert all(c.startswith("ref:") for c in layer.customdata)
    assert figures.MILESTONE_LANE in shown.layout.yaxis.categoryarray
    assert "SYNTHETIC TEST" in layer.text[0]
    assert "&lt;b&gt;" in " ".join(layer.text)  # the planted <b> in a milestone label


def test_hover_escapes_document_text(bundle: data.Bundle) -> None:
    fig = _figure(bundle)
    payload = json.dumps([list(t.text or []) for t in fig.data])
    assert "&lt;script&gt;" in payload
    assert "<script" not in payload and "<img" not in payload
    assert "customdata" in fig.to_plotly_json()["data"][0]


def test_lane_labels_are_escaped() -> None:
    events = pd.DataFrame({"theme": ["<b>x</b>", ""]})
    assert figures.lane_labels(events, "theme").tolist() == ["&lt;b&gt;x&lt;/b&gt;", "(none)"]


@pytest.mark.parametrize("as_category", [False, True])
def test_lanes_beyond_the_limit_share_other_the_rarest_first(as_category: bool) -> None:
    limit = figures.MAX_LANES - 1  # lanes kept; the rest share "(other)"
    names = [f"theme {k:02d}" for k in range(limit + 6)]
    count = {n: 100 - k for k, n in enumerate(names)}
    count[names[limit]] = count[names[limit - 1]]  # the last kept and the first left out tie
    column = [n for n in reversed(names) for _ in range(count[n])]  # the rarest come first
    column += [None] * 3 + [""] * 3  # blank and missing: one lane of 6 events
    theme = pd.Series(column, dtype="category" if as_category else object)
    lanes = figures.lane_labels(pd.DataFrame({"theme": theme}), "theme")
    assert lanes.dtype == object and len(lanes) == len(column)
    assert sorted(set(lanes) - {"(other)"}) == names[:limit]  # the tie goes by name
    assert (lanes == "(other)").sum() == sum(count[n] for n in names[limit:]) + 6
    assert (lanes[theme == names[0]] == names[0]).all()
    few = figures.lane_labels(pd.DataFrame({"theme": theme[theme.isin(names[:3])]}), "theme")
    assert set(few) == set(names[:3])


def test_selected_event_gets_a_ring(bundle: data.Bundle) -> None:
    fig = _figure(bundle, selected="e05")
    ring = [t for t in fig.data if t.name == "selected event"]
    assert len(ring) == 1 and list(ring[0].customdata) == ["e05"]


def test_draw_mode_follows_size() -> None:
    assert figures.draw_mode(3) == "detail"
    assert figures.draw_mode(figures.DETAIL_MAX + 1) == "webgl"
    assert figures.draw_mode(100_000) == "aggregate"


def test_range_slider_only_when_events_are_drawn_one_by_one(bundle: data.Bundle) -> None:
    assert _figure(bundle).layout.xaxis.rangeslider.visible is True
    many = pd.concat([bundle.events] * 10_000, ignore_index=True)
    many["event_id"] = [f"x{i}" for i in range(len(many))]
    overview = _figure(bundle, events=many)
    assert overview.layout.meta["mode"] == "aggregate"
    assert overview.layout.xaxis.rangeslider.visible is False


@pytest.mark.parametrize(
    ("years", "unit", "first"),
    [((2013, 2022), "month", "January 2004"), ((2004, 2022), "quarter", "Jan–Mar 2004"),
     ((1985, 2022), "year", "2004")],
)  # fmt: skip
def test_aggregate_counts_per_period_chosen_by_the_years_shown(
    years: tuple[int, int], unit: str, first: str
) -> None:
    days = pd.date_range("2004-01-01", "2022-12-31", freq="D")
    events = pd.DataFrame(
        {"date_start": days, "theme": np.where(np.arange(len(days)) % 2, "b", "a")}
    )
    assert figures.aggregate_unit(years) == unit
    lanes = figures.lane_labels(events, "theme")
    trace = figures.aggregate_trace(events, lanes, unit)
    counts = [int(t.rsplit(": ", 1)[1].split()[0].replace(",", "")) for t in trace.text]
    assert sum(counts) == len(events)
    per_lane = {"month": 12 * 19, "quarter": 4 * 19, "year": 19}[unit]
    assert len(trace.x) == 2 * per_lane  # one marker per lane and period
    assert trace.name == f"events per {unit}" and first in trace.text[0]
    assert trace.x[0] == "2004-01-01"


def test_aggregate_counts_periods_begun_earlier_in_the_first_period_shown() -> None:
    events = pd.DataFrame(
        {
            "date_start": pd.to_datetime(["2000-05-01", "2003-12-31", "2004-02-10", "2004-11-30"]),
            "theme": ["a", "a", "a", "b"],
        }
    )
    lanes = figures.lane_labels(events, "theme")
    trace = figures.aggregate_trace(events, lanes, "quarter", 2004)
    assert list(trace.x) == ["2004-01-01", "2004-10-01"]  # none before the years shown
    assert list(trace.y) == ["a", "b"]
    assert trace.text[0] == "<b>a</b><br>Jan–Mar 2004: 3 events<br>2 of them began before 2004"
    assert trace.text[1] == "<b>b</b><br>Oct–Dec 2004: 1 event"
    where_they_began = figures.aggregate_trace(events, lanes, "quarter")
    assert list(where_they_began.x) == ["2000-04-01", "2003-10-01", "2004-01-01", "2004-10-01"]


def test_the_timeline_counts_every_filtered_event_inside_the_years_shown(bundle) -> None:
    many = pd.concat([bundle.events] * 10_000, ignore_index=True)
    many["event_id"] = [f"x{i}" for i in range(len(many))]
    shown = filters.apply(many, filters.Filters(years=(2011, 2022)))
    assert (shown["date_start"] < "2011-01-01").any()  # periods reaching into 2011
    fig = _figure(bundle, events=shown, years=(2011, 2022))
    (counted,) = [t for t in fig.data if t.name.startswith("events per ")]
    assert min(counted.x) >= "2011-01-01"
    numbers = [int(t.split(": ")[1].split()[0].replace(",", "")) for t in counted.text]
    assert sum(numbers) == len(shown)


def test_webgl_mode_uses_scattergl(bundle: data.Bundle) -> None:
    many = pd.concat([bundle.events] * 200, ignore_index=True)
    many["event_id"] = [f"x{i}" for i in range(len(many))]
    fig = _figure(bundle, events=many, show_milestones=False)
    events = [t for t in fig.data if t.name != "Government"]
    assert {t.type for t in events} == {"scattergl"}
    assert sum(len(t.customdata) for t in events if t.customdata is not None) == len(many)


def test_webgl_mode_draws_each_period_as_a_stroke_in_its_lane(bundle: data.Bundle) -> None:
    many = pd.concat([bundle.events] * 200, ignore_index=True)
    many["event_id"] = [f"x{i}" for i in range(len(many))]
    fig = _figure(bundle, events=many, show_milestones=False)
    assert fig.layout.meta["mode"] == "webgl"
    lanes = list(fig.layout.yaxis.categoryarray)
    drawn = set()
    for shape in fig.layout.shapes:
        if shape.type != "path":
            continue
        assert shape.yref == "y" and shape.layer == "below"
        assert shape.line.color == figures.BASIS_COLOURS[shape.legendgroup]
        for start, lane, end in re.findall(r"M([^,]+),(\d+)L([^,]+),\2", shape.path):
            drawn.add((shape.legendgroup, lanes[int(lane)], start, end))
    periods = many[many["date_start"] != many["date_end"]]
    wanted = {
        (str(r.date_basis), str(r.theme), f"{r.date_start:%Y-%m-%d}", f"{r.date_end:%Y-%m-%d}")
        for r in periods.itertuples()
    }
    assert wanted and drawn == wanted  # each period once (repeats drawn once), days none


def test_webgl_markers_sit_in_the_years_shown_where_they_can_be_hovered(bundle) -> None:
    many = pd.concat([bundle.events] * 500, ignore_index=True)
    many["event_id"] = [f"x{i}" for i in range(len(many))]
    reaching = many.index % 2 == 0  # half of them periods from 2005 to mid-2012
    many.loc[reaching, "date_start"] = pd.Timestamp("2005-01-01")
    many.loc[reaching, "date_end"] = pd.Timestamp("2012-06-30")
    many.loc[reaching, "precision"] = "span"
    shown = filters.apply(data._derive_events(many), filters.Filters(years=(2011, 2011)))
    fig = _figure(bundle, events=shown, years=(2011, 2011), show_milestones=False)
    assert fig.layout.meta["mode"] == "webgl"
    xs = pd.to_datetime(
        np.concatenate([t.x for t in fig.data if t.type == "scattergl"]), unit="ms"
    ).to_series(index=np.concatenate([t.customdata for t in fig.data if t.type == "scattergl"]))
    assert len(xs) == len(shown)
    assert xs.between("2011-01-01", "2011-12-31").all()
    ids = shown.loc[shown["date_end"] == pd.Timestamp("2012-06-30"), "event_id"]
    assert (xs[ids] == pd.Timestamp("2011-07-02")).all()  # middle of 2011: its part shown


def test_ministers_gantt_counts_events(bundle: data.Bundle) -> None:
    fig = figures.ministers_figure(bundle.ministers, {"Theresa May": 43_701, "Damian Green": 1})
    lanes = {y for t in fig.data for y in t.y}
    assert "Theresa May (43,701 events)" in lanes
    assert "Damian Green (1 event)" in lanes
    assert "Vernon Coaker (0 events)" in lanes


# --- escaping in text views -------------------------------------------------------------------


def test_markdown_escape_neutralises_links_and_html() -> None:
    out = md("[click](javascript:alert(1)) <img src=x> **b**")
    assert "](" not in out and "<img" not in out and "**" not in out


def test_hover_escape() -> None:
    assert hover("a < b & c > d") == "a &lt; b &amp; c &gt; d"


def test_quote_highlight_escapes_before_marking() -> None:
    out = detail.quote_html("On <b>2 May</b> 2012", "2 May")
    assert "&lt;b&gt;<mark" in out and "<b>" not in out


def test_marked_text_is_built_from_escaped_pieces() -> None:
    text = "Mr <x> Green said on 2 May <script>"
    mentions = pd.DataFrame(
        {
            "kind": ["person", "date"],
            "char_start": [0, 21],
            "char_end": [12, 26],
            "text": ["", ""],
            "value": ["", "2012-05-02"],
            "detail": ["", "explicit"],
        }
    )
    out = sources.marked_html(text, mentions)
    assert "<script>" not in out and "<x>" not in out
    assert "&lt;script&gt;" in out
    assert 'title="person: unknown person"' in out


@pytest.mark.parametrize("dtype", ["category", "string"])
def test_counts_by_counts_each_value_of_the_vocabulary(dtype: str) -> None:
    values = pd.Series(["day", "year", "day", None, "month", "day"], dtype=dtype)
    counts = figures.counts_by(pd.DataFrame({"precision": values}), "precision", schema.PRECISIONS)
    assert counts["precision"].tolist() == list(schema.PRECISIONS)
    found = dict(zip(counts["precision"], counts["events"], strict=True))
    assert found == {p: {"day": 3, "year": 1, "month": 1}.get(p, 0) for p in schema.PRECISIONS}
    bars = figures.counts_figure(counts, "precision")
    assert list(bars.data[0].y) == list(schema.PRECISIONS)
    assert list(bars.data[0].x) == counts["events"].tolist()
    assert list(bars.layout.yaxis.categoryarray) == list(schema.PRECISIONS)[::-1]
