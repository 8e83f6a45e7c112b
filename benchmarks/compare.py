"""Two benchmark runs side by side: `python -m benchmarks.compare [A] [B] [--file F]`.

`make bench` appends every run to benchmarks/results.json. This prints two of them
(by default the last two; A and B are positions in the list, negative from the end)
row by row: the median seconds of each, B's time as a share of A's (0.80x: B took
80% of A's time), the peak memory of each and whether each met its target. Rows are
matched by measurement and N; a row only one run has is shown with "-" for the other.
The machine's load average at the start of each run is printed too: read ratios
beside it, since a busy machine slows every measurement.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from benchmarks.report import cell

RESULTS = Path(__file__).resolve().parent / "results.json"

COLUMNS = ("measurement", "N", "A s", "B s", "B/A", "A peak MB", "B peak MB", "A met", "B met")


def load_runs(path: Path) -> list[dict[str, Any]]:
    """The runs recorded in a results file, oldest first."""
    data = json.loads(path.read_text())
    runs = data.get("runs") if isinstance(data, dict) else None
    if not isinstance(runs, list):
        raise ValueError(f"{path} holds no list of runs")
    return runs


def _ratio(before: Any, after: Any) -> str:
    """after / before as "0.80x", or "-" when either is missing or before is zero."""
    if not isinstance(before, int | float) or not isinstance(after, int | float) or not before:
        return "-"
    return f"{after / before:.2f}x"


def _key(row: dict[str, Any]) -> tuple[str, str]:
    return str(row.get("measurement", "")), str(row.get("n", ""))


def compare_rows(a: dict[str, Any], b: dict[str, Any]) -> list[list[str]]:
    """One line of cells per measurement of either run: B's order, then rows only A has."""
    rows_a = {_key(row): row for row in a.get("rows", [])}
    rows_b = {_key(row): row for row in b.get("rows", [])}
    keys = list(rows_b) + [key for key in rows_a if key not in rows_b]
    lines = []
    for key in keys:
        old, new = rows_a.get(key, {}), rows_b.get(key, {})
        lines.append(
            [
                *key,
                cell(old.get("seconds")),
                cell(new.get("seconds")),
                _ratio(old.get("seconds"), new.get("seconds")),
                cell(old.get("peak_mb")),
                cell(new.get("peak_mb")),
                cell(old.get("met")),
                cell(new.get("met")),
            ]
        )
    return lines


def describe(label: str, run: dict[str, Any]) -> str:
    """One line saying which run this is: date, commit, load average."""
    machine = run.get("machine", {})
    commit = str(machine.get("commit", "?"))
    commit = commit if len(commit) <= 72 else commit[:71] + "…"
    load = machine.get("load_average_start", "?")
    return f"{label}: {machine.get('date', '?')}, {commit}, load at start {load}"


def render(a: dict[str, Any], b: dict[str, Any]) -> str:
    """The comparison as text: the two runs, then an aligned table."""
    cells = [list(COLUMNS), *compare_rows(a, b)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = [
        " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join([describe("A", a), describe("B", b), "", *lines])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.compare", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("a", nargs="?", type=int, default=-2, help="position of run A (-2)")
    parser.add_argument("b", nargs="?", type=int, default=-1, help="position of run B (-1)")
    parser.add_argument("--file", type=Path, default=RESULTS, help=f"results file ({RESULTS})")
    args = parser.parse_args(argv)
    try:
        runs = load_runs(args.file)
    except (OSError, ValueError) as exc:
        print(f"bench compare: cannot read runs: {exc}", file=sys.stderr)
        return 1
    try:
        a, b = runs[args.a], runs[args.b]
    except IndexError:
        print(
            f"bench compare: {args.file} holds {len(runs)} runs; "
            f"positions {args.a} and {args.b} are not both there",
            file=sys.stderr,
        )
        return 1
    print(render(a, b))
    return 0


if __name__ == "__main__":
    sys.exit(main())
