"""The app at 100,000 events: what the speed work relies on, checked for behaviour, not time.

Timings are printed (run with -s to read them) but never asserted: the benchmark
(`make bench`) measures speed. What is asserted is what keeps reruns cheap: the loader's
precomputed columns, the figure's size and drawing mode, and that the precomputed pieces
give the same output as computing them afresh.
"""

from __future__ import annotations

import time

import pandas as pd
import pytest
from app_fixtures import app_test, write_large, write_small

from app import data, figures, filters


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The 100,000-event synthetic folders."""
    processed, reference = write_large(tmp_path_factory.mktemp("large"))
    return str(processed), str(reference)


@pytest.fixture(scope="module")
def small() -> data.Bundle:
    """The small synthetic bundle."""
    import tempfile
    from pathlib import Path

    processed, reference = write_small(Path(tempfile.mkdtemp()))
    return data.load_bundle(str(processed), str(reference), "small")


def test_loader_sorts_once_and_filters_keep_the_order(small: data.Bundle) -> None:
    events = small.events
    assert events[filters.ORDER_COLUMN].tolist() == list(range(len(events)))
    expected = events.sort_values(["date_start", "event_id"])["event_id"].tolist()
    assert events["event_id"].tolist() == expected
    shuffled = events.sample(frac=1, random_state=1)
    chosen = filters.Filters(years=(2004, 2022), basis=("explicit", "relative"))
    assert filters.apply(shuffled, chosen)["event_id"].tolist() == (
        filters.apply(events, chosen)["event_id"].tolist()
    )
    plain = shuffled.drop(columns=[filters.ORDER_COLUMN])
    assert filters.apply(plain, chosen)["event_id"].tolist() == (
        filters.apply(events, chosen)["event_id"].tolist()
    )


def test_hover_labels_are_made_once_for_the_events_drawn(small: data.Bundle) -> None:
    events = small.events
    assert figures.HOVER_COLUMN not in events  # not made for every event at load
    some = events.iloc[[4, 1, 3]]
    labelled = data.with_hover(small, some)
    assert labelled[figures.HOVER_COLUMN].tolist() == figures.hover_texts(some)
    assert labelled.index.tolist() == some.index.tolist()
    made = [i for i, label in enumerate(small.hover) if label is not None]
    assert made == sorted(some[filters.ORDER_COLUMN].tolist())  # only those, by load order
    small.hover[some[filters.ORDER_COLUMN].iloc[0]] = "kept"  # made once: not made again
    again = data.with_hover(small, events)
    assert again[figures.HOVER_COLUMN].iloc[4] == "kept"
    fresh = figures.hover_texts(events)
    assert [t for i, t in enumerate(again[figures.HOVER_COLUMN]) if i != 4] == fresh[:4] + fresh[5:]
    small.hover = None  # the bundle is shared by this module's tests
    assert all("<script" not in h and "<img" not in h for h in fresh)
    e10 = fresh[small.events["event_id"].tolist().index("e10")]
    assert "&lt;script&gt;" in e10


def test_options_from_distinct_values_match_all_rows(small: data.Bundle) -> None:
    options = filters.options_for(small.events)
    for name, column in filters.LIST_FILTERS.items():
        rows = small.events[column].astype("string").fillna("").replace("", filters.NONE_LABEL)
        assert options.values[name] == tuple(sorted(set(rows)))


def test_webgl_traces_split_by_status_with_numeric_dates(small: data.Bundle) -> None:
    many = pd.concat([small.events] * 200, ignore_index=True)
    many["event_id"] = [f"x{i}" for i in range(len(many))]
    fig = figures.timeline_figure(many, lane="theme", years=(2004, 2022))
    markers = [t for t in fig.data if t.type == "scattergl" and t.mode == "markers"]
    assert sum(len(t.customdata) for t in markers) == len(many)
    assert all(isinstance(t.marker.symbol, str) for t in markers)
    assert all(t.x.dtype.kind == "f" for t in markers)  # epoch milliseconds
    legend = [t.name for t in fig.data if t.showlegend is not False and t.name != "Government"]
    assert len(legend) == len(set(legend))  # one legend entry per basis


def _fig_bytes(at) -> int:
    """Bytes of the plotly specs on the page."""
    return sum(len(chart.proto.spec.encode()) for chart in at.get("plotly_chart"))


@pytest.mark.slow
def test_filter_changes_at_hundred_thousand_events(large, monkeypatch) -> None:
    processed, reference = large
    monkeypatch.setenv("TIMELINE_DATA_DIR", processed)
    monkeypatch.setenv("TIMELINE_REFERENCE_DIR", reference)
    at = app_test()
    started = time.perf_counter()
    at.run(timeout=120)
    timings = [("cold load", time.perf_counter() - started, _fig_bytes(at))]
    steps = [
        ("years 2010", lambda: at.slider(key="f_years").set_value((2010, 2010))),
        ("theme legislation", lambda: at.multiselect(key="f_theme").set_value(["legislation"])),
        ("text 'policy'", lambda: at.text_input(key="f_text").input("policy")),
        ("all years", lambda: at.slider(key="f_years").set_value((2004, 2022))),
    ]
    for name, change in steps:
        change()
        started = time.perf_counter()
        at.run(timeout=60)
        timings.append((name, time.perf_counter() - started, _fig_bytes(at)))
        assert not at.exception
    for name, seconds, size in timings:
        print(f"{name:20s} {seconds * 1000:7.0f} ms   figure {size / 1e6:5.2f} MB")
    assert all(size < 4e6 for _, _, size in timings)  # never a 5 MB figure


def test_the_app_process_gives_arrow_the_c_librarys_allocator() -> None:
    """Reruns run in new threads; with per-thread heaps (mimalloc, Arrow's default) each
    one's first filtering faulted in fresh pages (see app.main)."""
    import subprocess
    import sys
    from pathlib import Path

    check = (
        "import pyarrow as pa; before = pa.default_memory_pool().backend_name; "
        "import app.main; print(before, pa.default_memory_pool().backend_name)"
    )
    root = Path(__file__).resolve().parent.parent
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, "-c", check], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    before, after = done.stdout.split()
    assert before != "system" and after == "system"
