"""AppTest: caching (no file parsing on a rerun) and 100,000 events."""

from __future__ import annotations

import pandas as pd
import pytest
from app_fixtures import app_test, texts, write_large, write_small

import app.data


def test_rerun_after_filter_change_reads_no_files(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    processed, reference = write_small(tmp_path)
    monkeypatch.setenv("TIMELINE_DATA_DIR", str(processed))
    monkeypatch.setenv("TIMELINE_REFERENCE_DIR", str(reference))
    calls: list[str] = []
    real = pd.read_parquet

    def counting(path, *args, **kwargs):  # noqa: ANN001, ANN202
        calls.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(app.data.pd, "read_parquet", counting)
    at = app_test()
    at.run()
    assert len(calls) == 3
    at.multiselect(key="f_theme").set_value(["legislation"]).run()
    at.radio(key="view").set_value("table").run()
    assert not at.exception
    assert len(calls) == 3
    (processed / "events.parquet").write_bytes((processed / "events.parquet").read_bytes())
    at.run()  # same bytes, new mtime: hashed again, same cache entry
    assert len(calls) == 3


@pytest.mark.slow
def test_hundred_thousand_events(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    processed, reference = write_large(tmp_path)
    monkeypatch.setenv("TIMELINE_DATA_DIR", str(processed))
    monkeypatch.setenv("TIMELINE_REFERENCE_DIR", str(reference))
    at = app_test()
    at.run(timeout=120)
    assert not at.exception
    assert "100,000 events from 400 documents" in texts(at)
    assert "counts them per quarter" in texts(at)  # 19 years shown
    at.slider(key="f_years").set_value((2010, 2010)).run(timeout=60)
    at.multiselect(key="f_theme").set_value(["legislation"]).run(timeout=60)
    assert not at.exception
    assert "WebGL" in texts(at) or "events from" in texts(at)
    at.radio(key="view").set_value("table").run(timeout=60)
    assert not at.exception
