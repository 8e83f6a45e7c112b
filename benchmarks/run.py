"""The measurements of `make bench`, each run in a process of its own.

    python -m benchmarks.run <measurement> --json OUT [--options '{"raw": "...", ...}']

runs one measurement and writes its numbers to OUT as JSON, with the process's peak
memory: `resource.getrusage` maxima for this process and for the largest of its
children (the build's worker processes). A fresh process per run also starts every
cache cold (the pipeline's lru_caches, Streamlit's cache_data, dateparser's tables).
`run_child` is the parent's side: it starts one such process and reads its JSON.

Measurements:
- build: a full build of a raw folder into a fresh output folder (no cache).
- incremental: a warm build, a rebuild with nothing changed, then rebuilds after
  changing one file at a time (each in a folder of hard links to the corpus, so the
  corpus itself is never modified).
- dates: `extract_dates` against the naive `search_dates` baseline, seconds per MB.
- accuracy: both on the five seed documents against the seed spec's dated expressions.
- app_data: write a large processed folder for the app (the app tests' fixture).
- app: the Streamlit app at that size under AppTest: cold load, reruns after filter
  changes, bytes of the plotly figures sent to the browser.
- browser: the same folder served by `streamlit run` to headless Chromium: load, hover,
  zoom and filter changes as a user waits for them, long tasks, memory (benchmarks.browser).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from statistics import median
from typing import Any

from benchmarks.browser import measure_browser

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "data" / "raw"
REFERENCE_DIR = ROOT / "data" / "reference"

# The seed spec (shared/spec/seed-expectations.md): each seed document's own date and
# the dated expressions it must yield, with their TIMEX3-like values.
SEED_DATES = {
    "000_44125865ff2d6c9c.txt": date(2011, 7, 19),
    "001_c96e138a89638f2c.txt": date(2012, 10, 18),
    "002_d9a5f5901e5b14d1.txt": date(2011, 3, 22),
    "003_47d1d793452e7d07.txt": date(2004, 3, 9),
    "004_4c2aceaf45f33017.txt": date(2022, 7, 20),
}
SEED_EXPRESSIONS = (
    ("003_47d1d793452e7d07.txt", "Since 2000", "2000/2004-03-09"),
    ("003_47d1d793452e7d07.txt", "Sexual Offences Act 2003", "2003"),
    ("003_47d1d793452e7d07.txt", "Children Act 1989", "1989"),
    ("002_d9a5f5901e5b14d1.txt", "In June", "2010-06"),
    ("002_d9a5f5901e5b14d1.txt", "in the Spring", "2011-SP"),
    ("001_c96e138a89638f2c.txt", "From next year", "2013"),
    ("001_c96e138a89638f2c.txt", "In 2011", "2011"),
    ("001_c96e138a89638f2c.txt", "during the past two years", "2010-10-18/2012-10-18"),
    ("004_4c2aceaf45f33017.txt", "Since July 2020", "2020-07/2022-07-20"),
)


# --- helpers ------------------------------------------------------------------------


def peak_memory() -> dict[str, float]:
    """Peak resident memory in MB of this process and of its largest finished child."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_mb": round(own, 1), "children_peak_mb": round(children, 1)}


def _process_tree(pid: int) -> list[int]:
    """`pid` and its descendants, from /proc (the children of each of its threads)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(Pss, Rss) of a process in kB, (0, 0) when it has ended."""
    values = {"Pss": 0, "Rss": 0}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in values:
                values[key] = int(rest.split()[0])
    return values["Pss"], values["Rss"]


class TreeMemory:
    """The peak memory of this process (or of `root`) and its children taken together
    (Linux).

    A thread reads every process's proportional set size (PSS: a page shared by
    forked processes is counted once, split between them) every `every` seconds, and
    keeps the largest sum, and the largest sum of resident sizes (RSS, which counts a
    shared page in each process). Adding each process's own peak instead, as
    `peak_memory` would, counts memory that was never in use at the same moment: the
    workers have ended before the main process writes the tables, its largest moment.
    A read of a process's totals takes about 0.2 ms; moments shorter than `every` can
    be missed.
    """

    def __init__(self, every: float = 0.02, root: int | None = None) -> None:
        self.every = every
        self.root = os.getpid() if root is None else root  # the tree's first process
        self.pss_kb = self.rss_kb = 0
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="tree-memory", daemon=True)
        self.available = Path("/proc/self/smaps_rollup").exists()

    def _sample(self) -> None:
        while True:
            tree = _process_tree(self.root)
            sizes = [_memory_kb(pid) for pid in tree]
            self.pss_kb = max(self.pss_kb, sum(pss for pss, _ in sizes))
            self.rss_kb = max(self.rss_kb, sum(rss for _, rss in sizes))
            self.processes = max(self.processes, len(tree))
            if self._stop.wait(self.every):
                return

    def __enter__(self) -> TreeMemory:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.available:
            self._stop.set()
            self._thread.join()

    def result(self) -> dict[str, float]:
        """The peaks in MB (nothing when /proc cannot tell)."""
        if not self.available:
            return {}
        return {
            "tree_pss_peak_mb": round(self.pss_kb / 1024, 1),
            "tree_rss_peak_mb": round(self.rss_kb / 1024, 1),
            "tree_processes": self.processes,
        }


SNAPSHOT_PARTS = (
    "pipeline", "app", "benchmarks", "dashboard.py", "data/reference", "data/raw",
    "tests/app_fixtures.py", "tests/app_browser.py", ".streamlit",
)  # fmt: skip


def snapshot_code(target: Path) -> Path:
    """Copy the code and data the measurements run on into `target`; return it.

    Other people edit pipeline/ and app/ while a benchmark runs: every measurement
    runs on this copy, so one run measures one version of the code (and the build's
    cache, keyed on the pipeline's source, stays valid between its builds).
    """
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "results.json")
    for part in SNAPSHOT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=ignore)
        elif source.is_file():
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / part)
    return target


def link_tree(source: Path, target: Path, limit: int | None = None) -> list[Path]:
    """Hard-link the first `limit` files of `source` (sorted) into `target`; copy if links fail."""
    target.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in source.iterdir() if p.is_file())[:limit]
    made = []
    for path in files:
        destination = target / path.name
        try:
            os.link(path, destination)
        except OSError:
            shutil.copy2(path, destination)
        made.append(destination)
    return made


def timed_build(raw: Path, out: Path, workers: int) -> dict[str, Any]:
    """Run the pipeline's build: wall time, time to the last extracted document, counts."""
    from pipeline.build import build

    last = [0.0]
    started = time.perf_counter()

    def tick(done: int, total: int) -> None:
        """Remember when the latest document was extracted."""
        last[0] = time.perf_counter()

    report = build(raw, out, workers=workers, progress=tick)
    ended = time.perf_counter()
    extracted = (last[0] or started) - started
    return {
        "seconds": ended - started,
        "extract_seconds": extracted,
        "assemble_write_seconds": ended - started - extracted,
        "n_documents": report.n_documents,
        "n_events": report.n_events,
        "n_rejected": report.n_rejected,
        "n_extracted": report.n_extracted,
    }


# --- measurements (run in the child process) -------------------------------------------


def measure_build(raw: str, workers: int) -> dict[str, Any]:
    """A full build of `raw` with `workers` processes into a fresh output folder."""
    with tempfile.TemporaryDirectory(prefix="bench-out-") as out, TreeMemory() as tree:
        result = timed_build(Path(raw), Path(out), workers)
    return result | {"workers": workers} | peak_memory() | tree.result()


def _edit(path: Path, step: int) -> None:
    """Change one file without touching the corpus it is linked to: unlink, then rewrite."""
    content = path.read_bytes()
    path.unlink()
    edit = f"\nSynthetic edit {step}: the department will review the National Referral Mechanism next year.\n"
    path.write_bytes(content + edit.encode())


def measure_incremental(raw: str, workers: int, changes: int = 3) -> dict[str, Any]:
    """Warm build, no-change rebuild, then `changes` rebuilds after one file changed each."""
    with tempfile.TemporaryDirectory(prefix="bench-incr-") as tmp:
        corpus = Path(tmp) / "raw"
        files = [p for p in link_tree(Path(raw), corpus) if p.suffix == ".txt"]
        out = Path(tmp) / "out"
        warm = timed_build(corpus, out, workers)
        unchanged = timed_build(corpus, out, workers)
        runs = []
        for step in range(changes):
            _edit(files[(step * 7919) % len(files)], step)
            runs.append(timed_build(corpus, out, workers))
        _edit(files[(changes * 7919) % len(files)], changes)
        command = command_build(corpus, out, workers)
    return (
        {
            "seconds": median(r["seconds"] for r in runs),
            "each_seconds": [r["seconds"] for r in runs],
            "each_assemble_write_seconds": [r["assemble_write_seconds"] for r in runs],
            "n_extracted": [r["n_extracted"] for r in runs],
            "warm_seconds": warm["seconds"],
            "unchanged_seconds": unchanged["seconds"],
            "unchanged_n_extracted": unchanged["n_extracted"],
            "n_documents": warm["n_documents"],
            "workers": workers,
        }
        | command
        | peak_memory()
    )


def command_build(raw: Path, out: Path, workers: int) -> dict[str, Any]:
    """A build run as `make data` and the app's rebuild run it, in a process of its own:
    wall time with start-up and imports, its peak memory (`TreeMemory`), files extracted."""
    command = [sys.executable, "-m", "pipeline", "build", "--raw", str(raw), "--out", str(out)]
    command += ["--workers", str(workers)]
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        # sampled: the child's ru_maxrss would count this process's memory, which it
        # shares between its fork and its exec (here the warm build's 521 MB)
        with TreeMemory(root=process.pid) as tree:
            process.wait()
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            stderr.seek(0)
            tail = stderr.read().decode(errors="replace").strip().splitlines()[-1:]
            raise RuntimeError(f"python -m pipeline build failed: {' '.join(tail)}")
    report = json.loads((out / "build.json").read_text())
    return {
        "command_seconds": seconds,
        "command_peak_mb": tree.result().get("tree_pss_peak_mb"),
        "command_n_extracted": report["n_extracted"],
    }


def _baseline(text: str, on: date) -> list[tuple[str, datetime]]:
    """The naive baseline: dateparser's search_dates over the whole text."""
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": datetime.combine(on, datetime.min.time())}
    return search_dates(text, languages=["en"], settings=settings) or []


def _timed(function: Callable[[str, date], list], text: str, on: date) -> tuple[float, int]:
    """Seconds taken by `function(text, on)` and the number of results it gave."""
    started = time.perf_counter()
    found = len(function(text, on))
    return time.perf_counter() - started, found


def measure_dates(n: int, seed: int, baseline_n: int) -> dict[str, Any]:
    """extract_dates on `n` generated texts; search_dates on the first `baseline_n` of them.

    The two are timed text by text in turn, so that both see the same machine load.
    """
    from benchmarks.generate import generate
    from pipeline.dates import extract_dates

    texts = [(doc.text, doc.doc_date) for doc in generate(n, seed)]
    sizes = [len(text.encode()) / 1e6 for text, _ in texts]
    extract_dates("Warm-up: in June 2010 and since 2011.", date(2012, 1, 1))
    _baseline("Warm-up: in June 2010 and since 2011.", date(2012, 1, 1))
    ours, theirs = [], []
    for i, (text, on) in enumerate(texts):
        ours.append(_timed(extract_dates, text, on))
        if i < baseline_n:
            theirs.append(_timed(_baseline, text, on))
    all_mb, same_mb = sum(sizes), sum(sizes[:baseline_n])
    ours_same = sum(s for s, _ in ours[:baseline_n]) / same_mb
    theirs_same = sum(s for s, _ in theirs) / same_mb
    return {
        "extract_dates_seconds": sum(s for s, _ in ours),
        "extract_dates_s_per_mb": sum(s for s, _ in ours) / all_mb,
        "extract_dates_mb": all_mb,
        "extract_dates_results": sum(k for _, k in ours),
        "extract_dates_same_texts_s_per_mb": ours_same,
        "baseline_seconds": sum(s for s, _ in theirs),
        "baseline_s_per_mb": theirs_same,
        "baseline_mb": same_mb,
        "baseline_results": sum(k for _, k in theirs),
        "ratio": theirs_same / ours_same,
        "n_docs": n,
        "baseline_docs": baseline_n,
    } | peak_memory()


def measure_long(seed: int, parts: list[int]) -> dict[str, Any]:
    """process_file on long documents: for each k in `parts`, the first k generated plain-text
    documents joined into one file (written to a temporary folder), timed once each in turn.
    Seconds per MB should not rise with length (a cost in the square of a document's length,
    as one was in dates, shows here and nowhere else: generated documents are all short)."""
    from benchmarks.generate import generate
    from pipeline.process import process_file
    from pipeline.reference import load_reference

    reference = load_reference(REFERENCE_DIR)
    texts = [doc.text for doc in generate(max(parts) * 2, seed) if doc.content == doc.text]
    out: dict[str, Any] = {"parts": {}}
    with tempfile.TemporaryDirectory(prefix="timeline-long-") as folder:
        warm = Path(folder) / "warm-up.txt"  # the first file pays for compiling the name scans
        warm.write_text(texts[0], encoding="utf-8")
        process_file(warm, "warm", warm.name, reference, 2**31)
        for k in sorted(parts):
            path = Path(folder) / f"long-{k}.txt"
            path.write_text("\n\n".join(texts[:k]), encoding="utf-8")
            mb = path.stat().st_size / 1e6
            started = time.perf_counter()
            result = process_file(path, "long", path.name, reference, 2**31)
            seconds = time.perf_counter() - started
            events = len(getattr(result, "events", []))
            out["parts"][str(k)] = {"seconds": seconds, "mb": mb, "events": events}
    return out | peak_memory()


# Phrases whose repetition once cost time in the square of the text's length (a rule scanning
# from each opener to the end when nothing closes it), and some ordinary ones. Not words of
# any document: each file is one phrase repeated after a synthetic first line.
PHRASES = {
    ".txt": ["2010-2011 ", "Modern Slavery Act 2015 ", "(a) ", "Mr ", "Q1 2010 Q2 2010 ",
             "from 2010 to 2012 ", "01/02/2010 ", "in June, ", "\t1\t2\t3\n", "the "],
    ".md": ["*a ", "[a](", "![a](", "[a ", "**a ", "`a "],
    ".html": ["<p>a ", "<td>", "<a href='x'>a</a> ", "&amp; "],
}  # fmt: skip


def measure_phrases(sizes: list[int]) -> dict[str, Any]:
    """process_file on files of one phrase repeated to each size in `sizes` (bytes), the
    best of three runs each: does the time per byte stay flat as the text grows?"""
    from pipeline.process import process_file
    from pipeline.reference import load_reference

    reference = load_reference(REFERENCE_DIR)
    out: dict[str, Any] = {"sizes": sizes, "phrases": []}
    with tempfile.TemporaryDirectory(prefix="timeline-phrases-") as folder:
        for suffix, phrases in PHRASES.items():
            for phrase in phrases:
                seconds = []
                for size in sizes:
                    path = Path(folder) / f"phrase{suffix}"
                    body = phrase * (size // len(phrase))
                    path.write_text("Synthetic benchmark text, 1 May 2010.\n\n" + body)
                    best = []
                    for _ in range(3):
                        started = time.perf_counter()
                        process_file(path, "phrase", path.name, reference, 2**31)
                        best.append(time.perf_counter() - started)
                    seconds.append(min(best))
                out["phrases"].append({"suffix": suffix, "phrase": phrase, "seconds": seconds})
    return out | peak_memory()


def value_period(value: str) -> tuple[date, date] | None:
    """First and last day of a TIMEX3-like day, month, season or year value; None for spans."""
    seasons = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "AU": (9, 11)}
    parts = value.split("-")
    if "/" in value or not (len(parts[0]) == 4 and parts[0].isdigit()):
        return None
    year = int(parts[0])
    if len(parts) == 1:
        return date(year, 1, 1), date(year, 12, 31)
    if parts[1] in seasons:
        first, last = seasons[parts[1]]
        return date(year, first, 1), date(year, last + 1, 1) - timedelta(days=1)
    if not parts[1].isdigit():
        return None
    month = int(parts[1])
    if len(parts) == 2:
        following = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), following - timedelta(days=1)
    day = date(year, month, int(parts[2]))
    return day, day


def _overlaps(start: int, end: int, other: tuple[int, int]) -> bool:
    """True when [start, end) and `other` overlap."""
    return start < other[1] and other[0] < end


def _baseline_spans(text: str, results: list[tuple[str, datetime]]) -> list[tuple[int, int, date]]:
    """Offsets of search_dates' results, found in order in the text."""
    spans, pos = [], 0
    for found, when in results:
        at = text.find(found, pos)
        if at < 0:
            at = text.find(found)
        spans.append((at, at + len(found), when.date()))
        pos = max(pos, at + 1)
    return spans


def _baseline_right(spans: list[tuple[int, int, date]], where: tuple[int, int], value: str) -> bool:
    """A baseline date is right when it overlaps the expression and lies in the value's period.

    A single datetime cannot state a span ("since 2000" up to the document's date), so
    span values are never right for the baseline.
    """
    period = value_period(value)
    return period is not None and any(
        _overlaps(s, e, where) and period[0] <= when <= period[1] for s, e, when in spans
    )


def measure_accuracy() -> dict[str, Any]:
    """extract_dates and search_dates on the seed documents, scored against the seed spec."""
    from pipeline.dates import extract_dates

    texts = {name: (SEED_DIR / name).read_text(encoding="utf-8-sig") for name in SEED_DATES}
    ours = {name: extract_dates(texts[name], on) for name, on in SEED_DATES.items()}
    theirs = {name: _baseline(texts[name], on) for name, on in SEED_DATES.items()}
    rows = []
    for name, expression, value in SEED_EXPRESSIONS:
        at = texts[name].find(expression)
        where = (at, at + len(expression))
        mine = [m for m in ours[name] if _overlaps(m.start, m.end, where)]
        rows.append(
            {
                "file": name,
                "expression": expression,
                "value": value,
                "extract_dates": [m.value for m in mine],
                "extract_dates_right": any(m.value == value for m in mine),
                "baseline_right": _baseline_right(
                    _baseline_spans(texts[name], theirs[name]), where, value
                ),
            }
        )
    return {
        "expressions": len(rows),
        "extract_dates_right": sum(r["extract_dates_right"] for r in rows),
        "baseline_right": sum(r["baseline_right"] for r in rows),
        "extract_dates_results": sum(len(v) for v in ours.values()),
        "baseline_results": sum(len(v) for v in theirs.values()),
        "rows": rows,
    } | peak_memory()


def measure_app_data(
    folder: str, n: int, source: str = "fixture", raw: str = "", workers: int = 1
) -> dict[str, Any]:
    """Write a processed folder of `n` events for the app; return its paths.

    "pipeline": the pipeline's own output for the first documents of the generated corpus
    (see replicate_build); "fixture": the app tests' generator, lighter rows (one short
    sentence for every event, 400 one-sentence documents, no measures or posts), kept for
    comparison with earlier runs.
    """
    target = Path(folder)
    if source == "fixture":
        try:
            sys.path.insert(0, str(ROOT / "tests"))
            from app_fixtures import write_large  # the dashboard tests' own generator

            processed, reference = write_large(target, n=n)
            return {"processed": str(processed), "reference": str(reference), "source": "fixture"}
        except (ImportError, AttributeError, TypeError) as exc:
            source = f"pipeline (fixture unavailable: {exc})"
    processed = replicate_build(Path(raw), target / "processed", n, workers)
    return {"processed": str(processed), "reference": str(REFERENCE_DIR), "source": source}


def replicate_build(raw: Path, out: Path, n: int, workers: int) -> Path:
    """Build `raw` and keep its first `n` events, with the documents and mentions they
    come from; when the build has fewer, its events are repeated under new event ids."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from pipeline.build import build

    build(raw, out, workers=workers, progress=lambda done, total: None)
    events = pq.read_table(out / "events.parquet")
    if events.num_rows >= n:
        events = events.slice(0, n)
        kept = pc.unique(events["doc_id"])
        for name in ("documents", "mentions"):
            table = pq.read_table(out / f"{name}.parquet")
            pq.write_table(table.filter(pc.is_in(table["doc_id"], value_set=kept)),
                           out / f"{name}.parquet")  # fmt: skip
    else:
        at, ids = events.schema.get_field_index("event_id"), events["event_id"]
        copies = [
            events.set_column(
                at,
                "event_id",
                pc.binary_join_element_wise(
                    ids, pa.scalar(f"r{k}", ids.type), pa.scalar("-", ids.type)
                ),
            )
            for k in range(-(-n // max(events.num_rows, 1)))
        ]
        events = pa.concat_tables(copies).slice(0, n)
    pq.write_table(events, out / "events.parquet")
    manifest = json.loads((out / "build.json").read_text())
    (out / "build.json").write_text(json.dumps(manifest | {"n_events": n}))
    return out


def _chart_bytes(at: Any) -> int:
    """Bytes of every plotly figure spec on the page (what is sent to the browser)."""
    return sum(len(chart.proto.spec.encode()) for chart in at.get("plotly_chart"))


def _step(at: Any, change: Callable[[Any], Any]) -> dict[str, Any]:
    """Apply one widget change, rerun, and time it; n/a when the widget is not there."""
    try:
        widget = change(at)
    except (KeyError, IndexError, ValueError) as exc:
        return {"seconds": None, "error": f"widget not found: {exc}"}
    started = time.perf_counter()
    widget.run()
    seconds = time.perf_counter() - started
    error = str(at.exception[0].message) if at.exception else ""
    return {"seconds": seconds, "figure_bytes": _chart_bytes(at), "error": error}


def _filter_steps(at: Any) -> dict[str, Callable[[Any], Any]]:
    """The filter changes, then the switches to each view, timed after the cold load."""
    low, high = (int(y) for y in at.slider(key="f_years").value)
    middle = (low + high) // 2
    first_minister = (at.multiselect(key="f_minister").options or [""])[0]
    return {
        "rerun, nothing changed": lambda a: a,
        f"years {middle}–{middle}": lambda a: a.slider(key="f_years").set_value((middle, middle)),
        f"years back to {low}–{high}": lambda a: a.slider(key="f_years").set_value((low, high)),
        f"minister {first_minister}": lambda a: a.multiselect(key="f_minister").set_value(
            [first_minister]
        ),
        "minister back to all": lambda a: a.multiselect(key="f_minister").set_value([]),
        **{
            f"{view} view": partial(_view, view=view)
            for view in ("table", "sources", "ministers", "quality", "briefing", "timeline")
        },
    }


def _view(at: Any, view: str) -> Any:
    """The view switcher set to `view`."""
    return at.radio(key="view").set_value(view)


def measure_app(processed: str, reference: str) -> dict[str, Any]:
    """AppTest of dashboard.py on `processed`: cold load, then each filter change."""
    os.environ["TIMELINE_DATA_DIR"] = processed
    os.environ["TIMELINE_REFERENCE_DIR"] = reference
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    started = time.perf_counter()
    at.run()
    cold = time.perf_counter() - started
    if at.exception:
        return {"error": f"the app raised: {at.exception[0].message}"} | peak_memory()
    result: dict[str, Any] = {"cold_seconds": cold, "cold_figure_bytes": _chart_bytes(at)}
    try:
        steps = _filter_steps(at)
    except (KeyError, IndexError, ValueError) as exc:
        return result | {"error": f"filter widgets not found: {exc}"} | peak_memory()
    result["steps"] = {name: _step(at, change) for name, change in steps.items()}
    return result | peak_memory()


MEASUREMENTS: dict[str, Callable[..., dict[str, Any]]] = {
    "build": measure_build,
    "incremental": measure_incremental,
    "dates": measure_dates,
    "long": measure_long,
    "phrases": measure_phrases,
    "accuracy": measure_accuracy,
    "app_data": measure_app_data,
    "app": measure_app,
    "browser": measure_browser,
}


# --- the parent's side ---------------------------------------------------------------


class ChildFailed(RuntimeError):
    """A measurement process failed or ran out of time."""


def _stop(process: subprocess.Popen) -> None:
    """Kill a measurement process and its workers (its own process group, by id)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def run_child(
    measurement: str, options: dict[str, Any], timeout: float, code: Path = ROOT
) -> dict[str, Any]:
    """Run one measurement in a new process on the project in `code`; its JSON result.

    The child's temporary files go under the parent's temporary folder (TMPDIR), so
    that they are removed with it even when the child has to be killed.
    Raises ChildFailed.
    """
    with tempfile.TemporaryDirectory(prefix="bench-child-") as tmp:
        out = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "benchmarks.run", measurement, "--json", str(out)]
        command += ["--options", json.dumps(options)]
        env = os.environ | {"TMPDIR": tmp, "PYTHONDONTWRITEBYTECODE": "1"}
        process = subprocess.Popen(
            command, cwd=code, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True, env=env,
        )  # fmt: skip
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _stop(process)
            raise ChildFailed(f"{measurement}: no result within {timeout:.0f} s") from exc
        except BaseException:  # interrupted: take the child and its workers down too
            _stop(process)
            raise
        if process.returncode != 0 or not out.exists():
            tail = " | ".join(stderr.strip().splitlines()[-3:])
            raise ChildFailed(f"{measurement} failed (exit {process.returncode}): {tail}")
        return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> int:
    """Child entry point: run one measurement, write its JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("measurement", choices=sorted(MEASUREMENTS))
    parser.add_argument("--json", type=Path, required=True, help="where to write the result")
    parser.add_argument("--options", default="{}", help="keyword arguments as a JSON object")
    args = parser.parse_args(argv)
    result = MEASUREMENTS[args.measurement](**json.loads(args.options))
    args.json.write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
