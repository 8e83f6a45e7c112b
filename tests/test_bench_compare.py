"""`python -m benchmarks.compare`: two runs of results.json side by side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import compare


def _run(date: str, rows: list[dict]) -> dict:
    return {
        "machine": {"date": date, "commit": "abc123 synthetic run", "load_average_start": [0.5]},
        "rows": rows,
    }


def _row(
    measurement: str, n: str, seconds: float | None, peak: float | None = None, met=None
) -> dict:
    return {"measurement": measurement, "n": n, "seconds": seconds, "peak_mb": peak, "met": met}


@pytest.fixture
def results(tmp_path: Path) -> Path:
    path = tmp_path / "results.json"
    runs = [
        _run("first", [_row("full build", "10,000", 50.0, 600.0, False), _row("gone", "1", 2.0)]),
        _run("second", [_row("full build", "10,000", 40.0, 500.0, False)]),
        _run("third", [_row("full build", "10,000", 30.0, 450.0, True), _row("new", "5", 1.0)]),
    ]
    path.write_text(json.dumps({"runs": runs}))
    return path


def _lines(out: str) -> dict[str, list[str]]:
    """Table lines by measurement name."""
    table = [line.split("|") for line in out.splitlines() if "|" in line]
    return {cells[0].strip(): [c.strip() for c in cells] for cells in table[1:]}


def test_the_last_two_runs_by_default(results: Path, capsys: pytest.CaptureFixture) -> None:
    assert compare.main(["--file", str(results)]) == 0
    out = capsys.readouterr().out
    assert "A: second" in out and "B: third" in out
    row = _lines(out)["full build"]
    assert row[2:] == ["40.0", "30.0", f"{30 / 40:.2f}x", "500.0", "450.0", "NO", "yes"]
    assert _lines(out)["new"][2:5] == ["-", "1.000", "-"]  # only B has it


def test_runs_chosen_by_position_keep_rows_only_a_has(results: Path, capsys) -> None:
    assert compare.main(["0", "-1", "--file", str(results)]) == 0
    lines = _lines(capsys.readouterr().out)
    assert lines["full build"][4] == f"{30 / 50:.2f}x"
    assert lines["gone"][2:5] == ["2.000", "-", "-"]
    assert list(lines)[-1] == "gone"  # after B's rows


def test_bad_positions_and_files_are_messages(results: Path, tmp_path: Path, capsys) -> None:
    assert compare.main(["0", "7", "--file", str(results)]) == 1
    assert "holds 3 runs" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert compare.main(["--file", str(broken)]) == 1
    assert "cannot read runs" in capsys.readouterr().err
    assert compare.main(["--file", str(tmp_path / "missing.json")]) == 1
