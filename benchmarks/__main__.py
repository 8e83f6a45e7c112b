"""`make bench`: generate a synthetic corpus, run every measurement, print the table.

    python -m benchmarks [--n 10000] [--sizes 1000,10000,30000] [--repeats 3] [--quick]

Each measurement runs in a process of its own (`python -m benchmarks.run ...`), so
that its peak memory is its own and its caches start cold; medians are over
--repeats processes. Everything is written under one temporary folder, removed at
the end; the results are appended to benchmarks/results.json with the machine,
the commit and the load average, so that runs can be compared. Timings move with
whatever else the machine is doing: read the load average beside them.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.generate import write_corpus
from benchmarks.run import ROOT, ChildFailed, link_tree, run_child, snapshot_code

RESULTS = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True)
class Settings:
    """What to measure and how often."""

    n: int
    sizes: tuple[int, ...]
    repeats: int
    workers: int
    seed: int
    dates_n: int
    baseline_n: int
    app_events: int
    app_data: str
    timeout: float
    max_build_seconds: float
    only: tuple[str, ...]
    out: Path


PARTS = ("accuracy", "dates", "long", "app", "browser", "incremental", "build", "growth")


def parse_args(argv: list[str] | None = None) -> Settings:
    """Settings from the command line; --quick shrinks everything for a smoke run."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--n", type=int, help="documents in the full-build measurements (10000)")
    parser.add_argument("--sizes", help="corpus sizes for the growth table (1000,10000,30000)")
    parser.add_argument("--repeats", type=int, help="runs per measurement; medians are shown (3)")
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, one run each: a smoke test"
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="'all cores' (%(default)s)"
    )
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (%(default)s)")
    parser.add_argument("--app-data", choices=("pipeline", "fixture"), default="pipeline",
                        help="the app's 100k events: built from the corpus (%(default)s), or the app tests' lighter fixture")  # fmt: skip
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds allowed per process (%(default)s)"
    )
    parser.add_argument(
        "--max-build-seconds",
        type=float,
        help="skip a build whose estimated time (from the rate of earlier builds) is longer (--timeout)",
    )
    parser.add_argument("--only", help=f"comma-separated parts to run, of {', '.join(PARTS)}")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (%(default)s)")
    args = parser.parse_args(argv)
    quick = args.quick
    sizes = args.sizes or ("200,1000,2000" if quick else "1000,10000,30000")
    only = tuple(args.only.split(",")) if args.only else PARTS
    unknown = set(only) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    return Settings(
        n=args.n or (1000 if quick else 10_000),
        sizes=tuple(int(s) for s in sizes.split(",")),
        repeats=args.repeats or (1 if quick else 3),
        workers=args.workers,
        seed=args.seed,
        dates_n=100 if quick else 2000,
        baseline_n=10 if quick else 200,
        app_events=10_000 if quick else 100_000,
        app_data=args.app_data,
        timeout=args.timeout,
        max_build_seconds=args.max_build_seconds or args.timeout,
        only=only,
        out=args.out,
    )


def _git(*args: str) -> str:
    """Output of a read-only git command, or "" when git is unavailable."""
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip()


def machine_info() -> dict[str, Any]:
    """Cores, Python, platform, date, load and commit: what a comparison needs."""
    dirty = _git("status", "--porcelain", "--", "pipeline", "app", "dashboard.py")
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "commit": _git("log", "--oneline", "-1"),
        "uncommitted_changes": len(dirty.splitlines()),
    }


def say(message: str) -> None:
    """A progress line on stderr."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


class Suite:
    """Runs the measurements in child processes and keeps their results."""

    def __init__(self, settings: Settings, workspace: Path) -> None:
        """Remember the settings; corpora are made on demand in `workspace`."""
        self.settings, self.workspace = settings, workspace
        self.code = snapshot_code(workspace / "code")
        self.corpus: Path | None = None
        self.subsets: dict[int, Path] = {}
        self.rates: list[float] = []  # documents per second of the builds so far

    def make_corpus(self) -> None:
        """Write the largest corpus needed; smaller ones are hard-linked prefixes of it."""
        largest = max(self.settings.n, *self.settings.sizes)
        started = time.perf_counter()
        self.corpus = self.workspace / f"corpus-{largest}"
        paths = write_corpus(self.corpus, largest, seed=self.settings.seed)
        megabytes = sum(p.stat().st_size for p in paths) / 1e6
        say(
            f"generated {largest:,} documents ({megabytes:.1f} MB) in {time.perf_counter() - started:.1f} s"
        )
        self.subsets[largest] = self.corpus

    def raw(self, n: int) -> Path:
        """A folder holding the first `n` documents of the corpus."""
        if self.corpus is None:
            self.make_corpus()
        if n not in self.subsets:
            self.subsets[n] = self.workspace / f"corpus-{n}"
            link_tree(self.corpus, self.subsets[n], limit=n)
        return self.subsets[n]

    def once(self, label: str, measurement: str, **options: Any) -> dict[str, Any]:
        """One child process; an {"error": ...} result when it fails."""
        started = time.perf_counter()
        try:
            result = run_child(measurement, options, self.settings.timeout, self.code)
        except ChildFailed as exc:
            say(f"{label}: {exc}")
            return {"error": str(exc)}
        say(f"{label}: done in {time.perf_counter() - started:.1f} s")
        return result

    def repeat(self, label: str, measurement: str, **options: Any) -> list[dict[str, Any]]:
        """`repeats` child processes of one measurement."""
        count = self.settings.repeats
        return [
            self.once(f"{label} ({i}/{count})", measurement, **options) for i in range(1, count + 1)
        ]

    def builds(self, n: int, workers: int) -> list[dict[str, Any]]:
        """Repeated full builds of `n` documents, unless the rate so far says they would time out."""
        label = f"build N={n:,}, {workers} worker{'s' if workers > 1 else ''}"
        rate = max(self.rates, default=0.0)
        limit = self.settings.max_build_seconds
        if rate and n / rate > limit:
            reason = (
                f"skipped: about {n / rate:.0f} s per run at {rate:.0f} docs/s, "
                f"over the {limit:.0f} s allowed (--max-build-seconds)"
            )
            say(f"{label}: {reason}")
            return [{"error": reason}]
        runs = self.repeat(label, "build", raw=str(self.raw(n)), workers=workers)
        self.rates += [n / r["seconds"] for r in runs if "seconds" in r]
        return runs


def dates_part(suite: Suite, raw: dict[str, Any]) -> list[report.Row]:
    """Accuracy on the seeds once, then extract_dates against search_dates, repeated."""
    s = suite.settings
    raw["accuracy"] = [suite.once("dates on the seed spec", "accuracy")]
    raw["dates"] = suite.repeat(
        f"extract_dates vs search_dates, {s.dates_n} docs",
        "dates", n=s.dates_n, seed=s.seed, baseline_n=s.baseline_n,
    )  # fmt: skip
    return report.dates_rows(raw["dates"], raw["accuracy"])


def long_part(suite: Suite, raw: dict[str, Any]) -> list[report.Row]:
    """One long document of 100 and one of 800 generated documents (0.4 and 3.3 MB), repeated;
    then texts of one phrase repeated, at 100 and 400 KB."""
    s = suite.settings
    parts = [25, 100] if s.n <= 1000 else [100, 800]
    raw["long"] = suite.repeat("long documents", "long", seed=s.seed, parts=parts)
    sizes = [100_000, 400_000]
    raw["phrases"] = [suite.once("repeated phrases", "phrases", sizes=sizes)]
    return report.long_rows(raw["long"]) + report.phrase_rows(raw["phrases"])


def incremental_part(suite: Suite, raw: dict[str, Any]) -> list[report.Row]:
    """One warm build, then a rebuild per changed file (as many as --repeats, at least 3)."""
    s = suite.settings
    raw["incremental"] = [
        suite.once(
            f"incremental rebuilds, N={s.n:,}", "incremental",
            raw=str(suite.raw(s.n)), workers=s.workers, changes=max(3, s.repeats),
        )
    ]  # fmt: skip
    return report.incremental_row(raw["incremental"], s.n)


def build_parts(suite: Suite, raw: dict[str, Any]) -> list[report.Row]:
    """Full builds: N on one core and all cores, then the growth sizes (sharing runs)."""
    s = suite.settings
    rows: list[report.Row] = []
    builds: dict[int, list[dict[str, Any]]] = {}
    if "build" in s.only:
        raw["build_1"] = suite.builds(s.n, 1)
        builds[s.n] = suite.builds(s.n, s.workers)
        rows += report.build_rows(raw["build_1"], builds[s.n], s.n, s.workers)
    if "growth" in s.only:
        for n in sorted(s.sizes):
            if n not in builds:
                builds[n] = suite.builds(n, s.workers)
        rows += report.growth_rows({n: builds[n] for n in s.sizes}, s.workers)
    raw["builds_all_workers"] = {str(n): runs for n, runs in builds.items()}
    return rows


def measure(suite: Suite) -> tuple[list[report.Row], dict[str, Any]]:
    """Run the parts asked for, cheapest first; the table rows and the raw results."""
    only = suite.settings.only
    rows: list[report.Row] = []
    raw: dict[str, Any] = {}
    if "accuracy" in only or "dates" in only:
        rows += dates_part(suite, raw)
    if "long" in only:
        rows += long_part(suite, raw)
    if "app" in only or "browser" in only:
        rows += app_part(suite, raw)
    if "incremental" in only:
        rows += incremental_part(suite, raw)
    rows += build_parts(suite, raw)
    return rows, raw


def app_part(suite: Suite, raw: dict[str, Any]) -> list[report.Row]:
    """Write the large processed folder once, then time the app on it (AppTest, browser)."""
    s = suite.settings
    options: dict[str, Any] = {
        "folder": str(suite.workspace / "app"),
        "n": s.app_events,
        "source": s.app_data,
    }
    if s.app_data == "pipeline":
        # about 21 events a generated document: enough documents for app_events
        options |= {"raw": str(suite.raw(min(s.n, s.app_events // 15))), "workers": s.workers}
    data = suite.once(f"app data, {s.app_events:,} events", "app_data", **options)
    raw["app_data"] = data
    if "error" in data:
        return report.app_rows([data], s.app_events, "n/a")
    folders = {"processed": data["processed"], "reference": data["reference"]}
    rows = []
    if "app" in s.only:
        raw["app"] = suite.repeat(f"app at {s.app_events:,} events", "app", **folders)
        rows += report.app_rows(raw["app"], s.app_events, data["source"])
    if "browser" in s.only:
        label = f"app in Chromium at {s.app_events:,} events"
        raw["browser"] = suite.repeat(label, "browser", **folders)
        rows += report.browser_rows(raw["browser"], s.app_events)
    return rows


def _terminated(signum: int, frame: object) -> None:
    """On SIGTERM, unwind like Ctrl-C so that the temporary folder and children go too."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, append the results to results.json."""
    settings = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminated)
    info = machine_info()
    say(
        f"{info['cores']} cores, Python {info['python']}, load {info['load_average_start']}, {info['commit']}"
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        try:
            rows, raw = measure(Suite(settings, Path(tmp)))
        except KeyboardInterrupt:
            say("interrupted: nothing saved")
            return 130
    info |= {"load_average_end": [round(x, 2) for x in os.getloadavg()]}
    info |= {"seconds": round(time.perf_counter() - started, 1)}
    print(
        f"\nBenchmark of {info['commit']} plus {info['uncommitted_changes']} uncommitted files in "
        f"pipeline/, app/ (copied at the start); {info['cores']} cores; load average "
        f"{info['load_average_start']} -> {info['load_average_end']}"
    )
    print(report.table(rows), flush=True)
    settings_dict = asdict(settings) | {"out": str(settings.out)}
    report.save(
        settings.out,
        {"machine": info, "settings": settings_dict, "rows": report.as_dicts(rows), "results": raw},
    )
    print(f"\nWritten to {settings.out} (run {info['date']}, {info['seconds']:.0f} s in all).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
