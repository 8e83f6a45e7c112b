"""The build: every file in the raw folder in, the processed tables out.

This is the only place (with `load.read_file`) that touches the file system.
Outputs are checked against the schema, written to a new folder under
`.builds/` in the output folder, and only then published by switching one
link (`.current`) with an atomic rename; each output name (`events.parquet`,
...) is a link through `.current`. A build that fails part-way, or is killed,
leaves the previous tables as they were and readable.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from pipeline import PIPELINE_VERSION, schema
from pipeline.load import DEFAULT_MAX_BYTES
from pipeline.process import DocResult, Rejection, process_file
from pipeline.reference import DEFAULT_DIR as REFERENCE_DIR
from pipeline.reference import Reference, load_reference

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "data" / "raw"
OUT_DIR = ROOT / "data" / "processed"
INPUTS_FILE = "inputs.json"  # per-file records of a build, in its folder
BUILDS = ".builds"  # one folder per build; the current one is where `.current` points
CURRENT = ".current"
OUTPUT_FILES = (
    "events.parquet",
    "events.csv",
    "documents.parquet",
    "documents.csv",
    "mentions.parquet",
    "rejected.csv",
)


class BuildError(RuntimeError):
    """The build could not finish; the previous output is untouched."""


@dataclass(frozen=True)
class InputFile:
    """A file found in the raw folder."""

    path: Path
    source_path: str  # relative to the raw folder, "/"-separated
    doc_id: str


@dataclass
class BuildReport:
    """What a build did, for the summary line and build.json."""

    n_documents: int = 0
    n_events: int = 0
    n_rejected: int = 0
    n_extracted: int = 0  # files extracted afresh; the others kept their rows from the last build
    seconds: float = 0.0
    skipped: bool = False
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the end of a run."""
        if self.skipped:
            return "data is up to date: nothing to build"
        return (
            f"built {self.n_documents} documents, {self.n_events} events, "
            f"{self.n_rejected} rejected in {self.seconds:.1f} s "
            f"({self.n_extracted} files extracted, the rest kept from the last build)"
        )


def _doc_ids(relative: list[str]) -> list[str]:
    """An id per file: its path without suffix, or with it where two files would share one."""
    stems = [rel.rsplit(".", 1)[0] for rel in relative]
    clashes = {stem for stem, n in Counter(stems).items() if n > 1}
    return [
        rel.replace(".", "_") if stem in clashes else stem
        for rel, stem in zip(relative, stems, strict=True)
    ]


_OUTSIDE = "a symbolic link to a file outside the raw folder: copy the file in instead"


def _scan(folder: Path, root: Path, found: list[Path], rejected: list[Rejection]) -> None:
    """Collect the files under `folder` (hidden names skipped); reject links that leave `root`."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root):
                    rejected.append(Rejection(path.relative_to(root).as_posix(), _OUTSIDE))
                elif target.is_file():
                    found.append(path)
                else:
                    rejected.append(
                        Rejection(
                            path.relative_to(root).as_posix(),
                            "a symbolic link to a folder or to nothing",
                        )
                    )
            elif entry.is_dir():
                _scan(path, root, found, rejected)
            elif entry.is_file():
                found.append(path)


def list_inputs(raw_dir: Path) -> tuple[list[InputFile], list[Rejection]]:
    """Every file under `raw_dir` (hidden files skipped), in path order; links leaving the folder are rejected."""
    root = raw_dir.resolve()
    found: list[Path] = []
    rejected: list[Rejection] = []
    _scan(root, root, found, rejected)
    relative = sorted(
        (p.relative_to(root).as_posix() for p in found), key=lambda rel: rel.split("/")
    )
    files = [
        InputFile(root / rel, rel, doc_id)
        for rel, doc_id in zip(relative, _doc_ids(relative), strict=True)
    ]
    return files, rejected


def file_digest(path: Path) -> str:
    """sha256 of a file, read in chunks so that a huge file does not fill memory."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def signature(reference: Reference, max_bytes: int) -> str:
    """A hash of everything but the inputs that the output depends on: code, reference, settings."""
    digest = hashlib.sha256(f"{PIPELINE_VERSION}|{reference.sha256}|{max_bytes}".encode())
    for source in sorted((ROOT / "pipeline").glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def fingerprint(files: list[InputFile], digests: dict[str, str], sig: str) -> str:
    """A hash of the whole build's inputs: every file's path and content, and the signature."""
    digest = hashlib.sha256(sig.encode())
    for item in files:
        digest.update(f"{item.source_path}\0{digests[item.source_path]}\0".encode())
    return digest.hexdigest()


# --- what the last build knew ---------------------------------------------------------
#
# The previous build's own tables are the cache: a file whose content, name and
# document id are unchanged, built by the same code with the same reference tables
# and settings (the signature), keeps its rows; only the other files are extracted.


@dataclass(frozen=True)
class Record:
    """What a build learned about one input file; kept beside its tables in `inputs.json`."""

    source_path: str
    digest: str
    doc_id: str
    text_sha256: str  # of the cleaned text; "" for a file rejected before it was read
    reason: str  # why the file was rejected before it was read, else ""
    kept: bool  # its rows are in the tables (False for a file rejected or a duplicate)


@dataclass(frozen=True)
class Previous:
    """The current build in the output folder, when it can be reused."""

    records: dict[str, Record]
    tables: dict[str, pd.DataFrame]


def _previous(out_dir: Path, sig: str) -> Previous | None:
    """The current build in `out_dir` if it was made with signature `sig` and is readable."""
    try:
        state = json.loads((out_dir / CURRENT / INPUTS_FILE).read_text())
        if state.get("signature") != sig:
            return None
        records = {r["source_path"]: Record(**r) for r in state["files"]}
        tables = {
            "events": pd.read_parquet(out_dir / "events.parquet"),
            "documents": pd.read_parquet(out_dir / "documents.parquet"),
            "mentions": pd.read_parquet(out_dir / "mentions.parquet"),
        }
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Previous(records, tables)


def is_fresh(out_dir: Path, inputs_sha256: str) -> bool:
    """True when `out_dir` holds a complete build of exactly these inputs."""
    manifest = out_dir / "build.json"
    if not manifest.exists() or not all((out_dir / name).exists() for name in OUTPUT_FILES):
        return False
    try:
        return json.loads(manifest.read_text())["inputs_sha256"] == inputs_sha256
    except (ValueError, KeyError):
        return False


# --- running ----------------------------------------------------------------

_WORKER_REFERENCE: Reference | None = None


def _init_worker(reference_dir: str) -> None:
    """Load the reference tables once per worker process."""
    global _WORKER_REFERENCE
    _WORKER_REFERENCE = load_reference(Path(reference_dir))


def _work(item: InputFile, max_bytes: int) -> DocResult | Rejection:
    """Process one file in a worker."""
    assert _WORKER_REFERENCE is not None
    return process_file(item.path, item.doc_id, item.source_path, _WORKER_REFERENCE, max_bytes)


def _results(
    files: list[InputFile], reference: Reference, reference_dir: Path, max_bytes: int, workers: int
) -> Iterator[DocResult | Rejection]:
    """Results in input order, from this process or from a pool of workers."""
    if workers <= 1 or len(files) < 50:
        for item in files:
            yield process_file(item.path, item.doc_id, item.source_path, reference, max_bytes)
        return
    with ProcessPoolExecutor(
        workers, initializer=_init_worker, initargs=(str(reference_dir),)
    ) as pool:
        yield from pool.map(
            _work, files, [max_bytes] * len(files), chunksize=max(1, len(files) // (workers * 8))
        )


Progress = Callable[[int, int], None]


def console_progress(total: int) -> tuple[Progress, Callable[[], None]]:
    """(tick, close): a tqdm bar on a terminal, plain lines every 10% otherwise."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="doc", desc="build", file=sys.stderr)
        return (lambda done, _total: bar.update(done - bar.n)), bar.close
    started = time.perf_counter()
    step = max(1, total // 10)

    def tick(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            rate = done / max(time.perf_counter() - started, 1e-9)
            left = (total - done) / rate if rate else 0
            print(
                f"build: {done}/{total} documents, {rate:.0f} docs/s, about {left:.0f} s left",
                file=sys.stderr,
            )

    return tick, (lambda: None)


# --- writing ----------------------------------------------------------------


def _no_events_reason(doc_date_basis: str) -> str:
    """Why a document that was read gave no events, and what would fix it."""
    if doc_date_basis == "unknown":
        return (
            "kept in documents.csv but gave no events: it has no date of its own and names no "
            "measure whose date is known; add its date (e.g. a 'Published 1 May 2015' line)"
        )
    return "kept in documents.csv but gave no events: no sentence has a date, a named measure or a policy action"


_COLUMNS = {
    "events": schema.EVENT_COLUMNS,
    "documents": {**schema.DOCUMENT_COLUMNS, **schema.DOCUMENT_TEXT_COLUMNS},
    "mentions": schema.MENTION_COLUMNS,
}


def _fresh_frames(results: list[DocResult]) -> dict[str, pd.DataFrame]:
    """Events, documents (with texts) and mentions of freshly extracted documents."""
    return {
        "events": pd.DataFrame(
            [e for r in results for e in r.events], columns=list(schema.EVENT_COLUMNS)
        ),
        "documents": pd.DataFrame(
            [r.document for r in results],
            columns=[*schema.DOCUMENT_COLUMNS, *schema.DOCUMENT_TEXT_COLUMNS],
        ),
        "mentions": pd.DataFrame(
            [m for r in results for m in r.mentions], columns=list(schema.MENTION_COLUMNS)
        ),
    }


def _kept_rows(previous: Previous | None, kept: set[str]) -> dict[str, pd.DataFrame]:
    """The previous build's rows for the files in `kept` (source paths)."""
    if previous is None or not kept:
        return {}
    old = previous.tables
    doc_ids = set(old["documents"].loc[old["documents"]["source_path"].isin(kept), "doc_id"])
    return {
        "events": old["events"][old["events"]["source_path"].isin(kept)],
        "documents": old["documents"][old["documents"]["source_path"].isin(kept)],
        "mentions": old["mentions"][old["mentions"]["doc_id"].isin(doc_ids)],
    }


def _merge_documents(kept: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """Rows of both frames in document order; each is in order and no document is in both.

    With few fresh documents (an incremental build) their rows are slotted in between
    slices of the kept rows; with many, whole documents are ranked and reordered.
    """
    ids = sorted(set(fresh["doc_id"]))
    if len(ids) > 1000:
        both = pd.concat([kept, fresh], ignore_index=True)
        rank = both["doc_id"].astype("category").cat.codes.to_numpy()  # categories come sorted
        return both.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)
    cuts = kept["doc_id"].searchsorted(ids)
    groups = dict(tuple(fresh.groupby("doc_id", sort=False)))
    pieces, last = [], 0
    for doc_id, cut in zip(ids, cuts, strict=True):
        pieces += [kept.iloc[last:cut], groups[doc_id]]
        last = cut
    pieces.append(kept.iloc[last:])
    return pd.concat(pieces, ignore_index=True)


# The total order of each table's rows, which makes the output byte-identical.
ORDER = {
    "events": ["doc_id", "char_start", "date_start", "event_id"],
    "documents": ["doc_id"],
    "mentions": ["doc_id", "char_start", "char_end", "kind", "text", "value", "detail"],
}


def _frames(
    fresh: dict[str, pd.DataFrame], kept: dict[str, pd.DataFrame], rejected: list[Rejection]
) -> dict[str, pd.DataFrame]:
    """The output tables, checked against the schema, in one total order (byte-identical output)."""

    def ordered(name: str) -> pd.DataFrame:
        """Kept rows (already in order: they come from a sorted table) and fresh rows, sorted.

        Fresh rows are sorted on the full key; then whole documents are put in order
        with one stable key, which gives the full order because no document has rows
        in both parts. Sorting a few fresh rows fully is much cheaper than sorting all.
        """
        fresh_part = schema.coerce(fresh[name], _COLUMNS[name]).sort_values(
            ORDER[name], kind="stable"
        )
        if kept.get(name) is None or not len(kept[name]):
            return fresh_part
        kept_part = schema.coerce(kept[name], _COLUMNS[name])
        if not len(fresh_part):
            return kept_part
        return _merge_documents(kept_part, fresh_part)

    events, docs, mentions = ordered("events"), ordered("documents"), ordered("mentions")
    documents = schema.validate_documents(docs)
    rejected = rejected + [
        Rejection(row.source_path, _no_events_reason(row.doc_date_basis))
        for row in documents.itertuples()
        if row.n_events == 0
    ]
    rejects = pd.DataFrame([vars(r) for r in rejected], columns=list(schema.REJECTED_COLUMNS))
    return {
        "events": schema.validate_events(events),
        "documents": documents,
        "texts": schema.coerce(docs, schema.DOCUMENT_TEXT_COLUMNS),
        "mentions": schema.coerce(mentions, schema.MENTION_COLUMNS),
        "rejected": schema.coerce(
            rejects.sort_values("source_path", kind="stable"), schema.REJECTED_COLUMNS
        ),
    }


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """A table as CSV through Arrow (about ten times faster than pandas): dates as
    YYYY-MM-DD, categories as their labels, every text value quoted."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    columns = [
        column.cast(pa.date32()) if pa.types.is_timestamp(column.type)
        else column.cast(pa.string()) if pa.types.is_dictionary(column.type)
        else column
        for column in table.columns
    ]  # fmt: skip
    pa_csv.write_csv(pa.table(columns, names=table.column_names), path)


def _write_tables(frames: dict[str, pd.DataFrame], staging: Path) -> None:
    """Write every output file into `staging`."""
    frames["events"].to_parquet(staging / "events.parquet", index=False)
    _write_csv(frames["events"], staging / "events.csv")
    full = pd.concat([frames["documents"], frames["texts"]], axis=1)
    full.to_parquet(staging / "documents.parquet", index=False)
    _write_csv(frames["documents"], staging / "documents.csv")
    frames["mentions"].to_parquet(staging / "mentions.parquet", index=False)
    _write_csv(frames["rejected"], staging / "rejected.csv")


def _link(out_dir: Path, name: str, target: Path) -> None:
    """Point `out_dir/name` at `target` (relative), replacing what was there in one step."""
    link = out_dir / name
    if link.is_symlink() and Path(os.readlink(link)) == target:
        return
    temporary = out_dir / f".{name}.link"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(target)
    os.replace(temporary, link)


def _publish(staging: Path, out_dir: Path, manifest: dict) -> None:
    """Make `staging` the current build in one atomic step.

    Every output name in `out_dir` is a link through `.current` to the build's
    folder in `.builds/`; switching `.current` with one rename switches every
    table at once, so a reader sees the old set or the new set, never a mix.
    """
    (staging / "build.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    _link(out_dir, CURRENT, staging.relative_to(out_dir))
    for name in (*OUTPUT_FILES, "build.json"):
        _link(out_dir, name, Path(CURRENT) / name)


def _remove_old_builds(out_dir: Path) -> None:
    """Delete build folders that `.current` does not point to (old or abandoned builds)."""
    current = (out_dir / CURRENT).resolve() if (out_dir / CURRENT).is_symlink() else None
    for folder in (out_dir / BUILDS).glob("*"):
        if folder.resolve() != current:
            shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Outcome:
    """What extracting one file gave; its rows are folded into `Fresh.chunks`."""

    text_sha256: str  # of the cleaned text, "" when the file was rejected
    reason: str  # why it was rejected, else ""


class Fresh:
    """Files extracted in this build: an outcome per file, and their rows as compact frames.

    Rows arrive as Python dicts (about 1 KB an event); every `CHUNK` documents they
    are folded into typed frames, so a build of 30,000 documents does not hold
    millions of dicts at once.
    """

    CHUNK = 500

    def __init__(self) -> None:
        self.outcomes: dict[str, Outcome] = {}
        self.chunks: list[dict[str, pd.DataFrame]] = []
        self._pending: list[DocResult] = []

    def add(self, path: str, result: DocResult | Rejection) -> None:
        """Record one file's result."""
        if isinstance(result, Rejection):
            self.outcomes[path] = Outcome("", result.reason)
            return
        self.outcomes[path] = Outcome(result.text_sha256, "")
        self._pending.append(result)
        if len(self._pending) >= self.CHUNK:
            self._fold()

    def _fold(self) -> None:
        """Turn the pending results into a chunk of typed frames."""
        if self._pending:
            frames = _fresh_frames(self._pending)
            self.chunks.append(
                {name: schema.coerce(f, _COLUMNS[name]) for name, f in frames.items()}
            )
            self._pending = []

    def kept(self, paths: set[str]) -> dict[str, pd.DataFrame]:
        """The rows of the files in `paths` (source paths)."""
        self._fold()
        if not self.chunks:
            return {name: schema.coerce(f, _COLUMNS[name]) for name, f in _fresh_frames([]).items()}
        tables = {
            name: pd.concat([c[name] for c in self.chunks], ignore_index=True) for name in _COLUMNS
        }
        documents = tables["documents"][tables["documents"]["source_path"].isin(paths)]
        return {
            "events": tables["events"][tables["events"]["source_path"].isin(paths)],
            "documents": documents,
            "mentions": tables["mentions"][
                tables["mentions"]["doc_id"].isin(set(documents["doc_id"]))
            ],
        }


def _extract(
    items: list[InputFile],
    context: tuple[Reference, Path, int, int],
    fresh: Fresh,
    tick: Progress,
    total: int,
) -> None:
    """Extract `items` into `fresh`, reporting progress as results arrive."""
    reference, reference_dir, max_bytes, workers = context
    for item, result in zip(
        items, _results(items, reference, reference_dir, max_bytes, workers), strict=True
    ):
        fresh.add(item.source_path, result)
        tick(len(fresh.outcomes), total)


def _text_and_reason(path: str, fresh: Fresh, old: dict[str, Record]) -> tuple[str, str]:
    """(text hash, rejection reason) of a file, from this build or the last."""
    outcome = fresh.outcomes.get(path)
    if outcome is not None:
        return outcome.text_sha256, outcome.reason
    return old[path].text_sha256, old[path].reason


def _first_holders(files: list[InputFile], fresh: Fresh, old: dict[str, Record]) -> dict[str, str]:
    """For each text (by hash), the first file in order that holds it: the one that is kept."""
    first: dict[str, str] = {}
    for item in files:
        text, _ = _text_and_reason(item.source_path, fresh, old)
        if text:
            first.setdefault(text, item.source_path)
    return first


def _assemble(
    files: list[InputFile], digests: dict[str, str], fresh: Fresh, old: dict[str, Record]
) -> tuple[list[Record], set[str], set[str], list[Rejection]]:
    """Records of this build, kept fresh files, files whose old rows are kept, rejections."""
    first = _first_holders(files, fresh, old)
    records, kept_fresh, kept_old, rejected = [], set(), set(), []
    for item in files:
        path = item.source_path
        text, reason = _text_and_reason(path, fresh, old)
        kept = not reason and first.get(text) == path
        if reason:
            rejected.append(Rejection(path, reason))
        elif not kept:
            rejected.append(Rejection(path, f"same text as {first[text]}: not counted twice"))
        else:
            (kept_fresh if path in fresh.outcomes else kept_old).add(path)
        records.append(Record(path, digests[path], item.doc_id, text, reason, kept))
    return records, kept_fresh, kept_old, rejected


def build(
    raw_dir: Path = RAW_DIR,
    out_dir: Path = OUT_DIR,
    reference_dir: Path = REFERENCE_DIR,
    *,
    if_stale: bool = False,
    workers: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    full: bool = False,
) -> BuildReport:
    """Build the processed tables. Raises BuildError, leaving `out_dir` as it was.

    Files whose content, name and document id are unchanged since the current build
    in `out_dir`, made by the same code, reference tables and settings, keep their
    rows; only the others are extracted. `progress(done, total)` is called after each
    document extracted; by default progress goes to stderr. `full` extracts every file
    again, ignoring the previous build.
    """
    started = time.perf_counter()
    if not raw_dir.is_dir():
        raise BuildError(f"raw folder not found: {raw_dir}")
    reference = load_reference(reference_dir)
    files, link_rejections = list_inputs(raw_dir)
    digests = {item.source_path: file_digest(item.path) for item in files}
    sig = signature(reference, max_bytes)
    inputs_sha256 = fingerprint(files, digests, sig)
    if if_stale and is_fresh(out_dir, inputs_sha256):
        return BuildReport(skipped=True)
    previous = None if full else _previous(out_dir, sig)
    old = previous.records if previous else {}
    unchanged = {
        i.source_path
        for i in files
        if i.source_path in old
        and (old[i.source_path].digest, old[i.source_path].doc_id)
        == (digests[i.source_path], i.doc_id)
    }
    todo = [item for item in files if item.source_path not in unchanged]
    tick, close = console_progress(len(todo)) if progress is None else (progress, lambda: None)
    context = (reference, reference_dir, max_bytes, workers)
    fresh = Fresh()
    try:
        _extract(todo, context, fresh, tick, len(todo))
        # A file that was a duplicate and now holds the first copy of its text needs its rows.
        first = _first_holders(files, fresh, old)
        again = [
            i
            for i in files
            if i.source_path in unchanged
            and not old[i.source_path].kept
            and first.get(old[i.source_path].text_sha256) == i.source_path
        ]
        _extract(again, context, fresh, tick, len(todo) + len(again))
    finally:
        close()
    records, kept_fresh, kept_old, rejected = _assemble(files, digests, fresh, old)
    frames = _frames(
        fresh.kept(kept_fresh), _kept_rows(previous, kept_old), link_rejections + rejected
    )
    documents = frames["documents"]
    report = BuildReport(
        len(documents),
        len(frames["events"]),
        len(frames["rejected"]),
        n_extracted=len(fresh.outcomes),
    )
    report.warnings = [
        f"{path}: {w}"
        for path, warnings in zip(documents["source_path"], documents["warnings"], strict=True)
        for w in warnings.split("; ")
        if w
    ]
    (out_dir / BUILDS).mkdir(parents=True, exist_ok=True)
    _remove_old_builds(out_dir)
    staging = Path(tempfile.mkdtemp(prefix="build-", dir=out_dir / BUILDS))
    staging.chmod(0o755)
    published = False
    try:
        _write_tables(frames, staging)
        state = {"signature": sig, "files": [vars(r) for r in records]}
        (staging / INPUTS_FILE).write_text(json.dumps(state, sort_keys=True))
        report.seconds = time.perf_counter() - started
        manifest = {
            "pipeline_version": PIPELINE_VERSION,
            "inputs_sha256": inputs_sha256,
            "reference_sha256": reference.sha256,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(report.seconds, 3),
            "n_documents": report.n_documents,
            "n_events": report.n_events,
            "n_rejected": report.n_rejected,
            "n_extracted": report.n_extracted,
            "warnings": report.warnings,
        }
        _publish(staging, out_dir, manifest)
        published = True
        _remove_old_builds(out_dir)
    finally:
        if not published:
            shutil.rmtree(staging, ignore_errors=True)
    return report
