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
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from pipeline import PIPELINE_VERSION, schema
from pipeline.load import DEFAULT_MAX_BYTES
from pipeline.process import DocResult, Rejection, process_file
from pipeline.reference import DEFAULT_DIR as REFERENCE_DIR
from pipeline.reference import Reference, load_reference

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "data" / "raw"
OUT_DIR = ROOT / "data" / "processed"
CACHE_FILE = Path(".cache") / "results.pkl"
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
    n_extracted: int = 0  # documents extracted afresh, not taken from the cache
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
            f"({self.n_extracted} files extracted, the rest from the cache)"
        )


def _doc_ids(relative: list[str]) -> list[str]:
    """An id per file: its path without suffix, or with it where two files would share one."""
    stems = [rel.rsplit(".", 1)[0] for rel in relative]
    clashes = {s for s in stems if stems.count(s) > 1}
    return [
        rel.replace(".", "_") if stem in clashes else stem
        for rel, stem in zip(relative, stems, strict=True)
    ]


def list_inputs(raw_dir: Path) -> tuple[list[InputFile], list[Rejection]]:
    """Every file under `raw_dir` (hidden files skipped), sorted; links leaving the folder are rejected."""
    root = raw_dir.resolve()
    found: list[Path] = []
    rejected: list[Rejection] = []
    for path in sorted(raw_dir.rglob("*")):
        rel = path.relative_to(raw_dir).as_posix()
        if any(part.startswith(".") for part in path.relative_to(raw_dir).parts):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            rejected.append(
                Rejection(
                    rel,
                    "a symbolic link to a file outside the raw folder: copy the file in instead",
                )
            )
            continue
        if path.is_file():
            found.append(path)
        elif path.is_symlink():
            rejected.append(Rejection(rel, "a broken symbolic link"))
    relative = [p.relative_to(raw_dir).as_posix() for p in found]
    files = [
        InputFile(p, rel, doc_id)
        for p, rel, doc_id in zip(found, relative, _doc_ids(relative), strict=True)
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


# --- the cache of per-document results ---------------------------------------------


def _cache_key(sig: str, item: InputFile, content: str) -> str:
    """Key of one document's result: it changes when the file, its name or the pipeline does."""
    return hashlib.sha256(f"{sig}|{item.source_path}|{item.doc_id}|{content}".encode()).hexdigest()


def _load_cache(out_dir: Path) -> dict[str, DocResult | Rejection]:
    """Results of the last build, keyed by `_cache_key`; empty when missing or unreadable."""
    path = out_dir / CACHE_FILE
    try:
        with path.open("rb") as handle:
            cache = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return {}
    return cache if isinstance(cache, dict) else {}


def _save_cache(out_dir: Path, cache: dict[str, DocResult | Rejection]) -> None:
    """Write the cache atomically next to the outputs."""
    path = out_dir / CACHE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as handle:
        pickle.dump(cache, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


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


def _no_events_reason(result: DocResult) -> str:
    """Why a document that was read gave no events, and what would fix it."""
    if result.document["doc_date_basis"] == "unknown":
        return (
            "kept in documents.csv but gave no events: it has no date of its own and names no "
            "measure whose date is known; add its date (e.g. a 'Published 1 May 2015' line)"
        )
    return "kept in documents.csv but gave no events: no sentence has a date, a named measure or a policy action"


def _frames(results: list[DocResult], rejected: list[Rejection]) -> dict[str, pd.DataFrame]:
    """The output tables, checked against the schema and sorted for byte-identical output."""
    events = pd.DataFrame(
        [e for r in results for e in r.events], columns=list(schema.EVENT_COLUMNS)
    )
    events = schema.validate_events(
        events.sort_values(["doc_id", "char_start", "date_start", "event_id"])
    )
    docs = pd.DataFrame(
        [r.document for r in results],
        columns=[*schema.DOCUMENT_COLUMNS, *schema.DOCUMENT_TEXT_COLUMNS],
    )
    docs = docs.sort_values("doc_id")
    documents = schema.validate_documents(docs)
    texts = schema.coerce(docs, schema.DOCUMENT_TEXT_COLUMNS)
    mentions = pd.DataFrame(
        [m for r in results for m in r.mentions], columns=list(schema.MENTION_COLUMNS)
    )
    mentions = schema.coerce(
        mentions.sort_values(["doc_id", "char_start", "char_end", "kind"]), schema.MENTION_COLUMNS
    )
    rejects = pd.DataFrame([vars(r) for r in rejected], columns=list(schema.REJECTED_COLUMNS))
    rejects = schema.coerce(rejects.sort_values("source_path"), schema.REJECTED_COLUMNS)
    return {
        "events": events,
        "documents": documents,
        "texts": texts,
        "mentions": mentions,
        "rejected": rejects,
    }


def _write_tables(frames: dict[str, pd.DataFrame], staging: Path) -> None:
    """Write every output file into `staging`."""
    frames["events"].to_parquet(staging / "events.parquet", index=False)
    frames["events"].to_csv(staging / "events.csv", index=False, date_format="%Y-%m-%d")
    full = pd.concat([frames["documents"], frames["texts"]], axis=1)
    full.to_parquet(staging / "documents.parquet", index=False)
    frames["documents"].to_csv(staging / "documents.csv", index=False, date_format="%Y-%m-%d")
    frames["mentions"].to_parquet(staging / "mentions.parquet", index=False)
    frames["rejected"].to_csv(staging / "rejected.csv", index=False)


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


def build(
    raw_dir: Path = RAW_DIR,
    out_dir: Path = OUT_DIR,
    reference_dir: Path = REFERENCE_DIR,
    *,
    if_stale: bool = False,
    workers: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the processed tables. Raises BuildError, leaving `out_dir` as it was.

    Documents whose file, name and pipeline are unchanged since the last build in
    `out_dir` are taken from its cache, not extracted again. `progress(done, total)`
    is called after each document extracted; by default progress goes to stderr.
    """
    started = time.perf_counter()
    if not raw_dir.is_dir():
        raise BuildError(f"raw folder not found: {raw_dir}")
    reference = load_reference(reference_dir)
    files, rejected = list_inputs(raw_dir)
    digests = {item.source_path: file_digest(item.path) for item in files}
    sig = signature(reference, max_bytes)
    inputs_sha256 = fingerprint(files, digests, sig)
    if if_stale and is_fresh(out_dir, inputs_sha256):
        return BuildReport(skipped=True)
    old_cache = _load_cache(out_dir)
    keys = {item.source_path: _cache_key(sig, item, digests[item.source_path]) for item in files}
    cache = {
        keys[i.source_path]: old_cache[keys[i.source_path]]
        for i in files
        if keys[i.source_path] in old_cache
    }
    todo = [item for item in files if keys[item.source_path] not in cache]
    tick, close = console_progress(len(todo)) if progress is None else (progress, lambda: None)
    try:
        fresh = _results(todo, reference, reference_dir, max_bytes, workers)
        for done, (item, result) in enumerate(zip(todo, fresh, strict=True), start=1):
            cache[keys[item.source_path]] = result
            tick(done, len(todo))
    finally:
        close()
    results, seen = [], {}
    for item in files:
        result = cache[keys[item.source_path]]
        if isinstance(result, Rejection):
            rejected.append(result)
        elif result.text_sha256 in seen:
            first = seen[result.text_sha256]
            rejected.append(Rejection(item.source_path, f"same text as {first}: not counted twice"))
        else:
            seen[result.text_sha256] = item.source_path
            results.append(result)
            if not result.events:
                rejected.append(Rejection(item.source_path, _no_events_reason(result)))
    frames = _frames(results, rejected)
    report = BuildReport(len(results), len(frames["events"]), len(rejected), n_extracted=len(todo))
    report.warnings = [
        f"{r.document['source_path']}: {w}"
        for r in results
        for w in r.document["warnings"].split("; ")
        if w
    ]
    (out_dir / BUILDS).mkdir(parents=True, exist_ok=True)
    _remove_old_builds(out_dir)
    staging = Path(tempfile.mkdtemp(prefix="build-", dir=out_dir / BUILDS))
    staging.chmod(0o755)
    published = False
    try:
        _write_tables(frames, staging)
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
        _save_cache(out_dir, cache)
        _remove_old_builds(out_dir)
    finally:
        if not published:
            shutil.rmtree(staging, ignore_errors=True)
    return report
