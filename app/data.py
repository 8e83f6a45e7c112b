"""Loading the processed tables and the reference tables, once per content hash.

Settings (environment variables): TIMELINE_DATA_DIR, the processed folder (default
data/processed/); TIMELINE_REFERENCE_DIR, the reference folder (default data/reference/);
TIMELINE_RAW_DIR, the corpus that uploads join and rebuilds read (default data/raw/);
TIMELINE_MAX_BYTES, the per-file size limit (default 20 MB, as in the pipeline's command line).

`fingerprint` hashes the files' bytes but remembers the hash per (path, size, mtime) so that
a rerun costs a few `stat` calls; `load_bundle` is cached by the entry point on that hash.
Loading sorts the events by date once and adds the helper columns the filters read (years,
search text, sort order), so no rerun recomputes them. Escaped hover labels are made only for
events the chart draws one by one (`with_hover`) and kept on the bundle: made for every
event at load they took 0.44 s and 58 MB at 100,000 events of pipeline output, while the
chart draws at most figures.WEBGL_MAX of them (0.06 s for 10,000).
The loaded tables are shared between reruns: views treat them as read-only.

Reference data: `pipeline.reference.load_reference` is the agreed interface; while its body
is not written (NotImplementedError) the CSVs are read here directly (`_read_reference_csvs`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from app import figures, filters
from pipeline.load import DEFAULT_MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent
PROCESSED_FILES = ("events.parquet", "documents.parquet", "mentions.parquet")
OPTIONAL_FILES = ("rejected.csv", "build.json")
REFERENCE_FILES = ("governments.csv", "ministers.csv", "measures.csv", "milestones.csv")

_HASH_MEMO: dict[tuple[str, int, int], str] = {}


class DataMissingError(RuntimeError):
    """The processed folder is missing or unreadable; the message says what to do."""


@dataclass
class Bundle:
    """Everything the views read: processed tables, build info and reference tables."""

    events: pd.DataFrame
    documents: pd.DataFrame
    mentions: pd.DataFrame
    rejected: pd.DataFrame
    build: dict
    governments: pd.DataFrame
    ministers: pd.DataFrame
    milestones: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    key: str = ""  # the content hash it was loaded for (a cache key for derived data)
    hover: np.ndarray | None = None  # each event's hover label by load order, once made


def data_dir() -> Path:
    """The processed folder the app reads."""
    return Path(os.environ.get("TIMELINE_DATA_DIR") or ROOT / "data" / "processed")


def reference_dir() -> Path:
    """The reference folder the app reads."""
    return Path(os.environ.get("TIMELINE_REFERENCE_DIR") or ROOT / "data" / "reference")


def raw_dir() -> Path:
    """The corpus folder uploads are saved into and rebuilds read."""
    return Path(os.environ.get("TIMELINE_RAW_DIR") or ROOT / "data" / "raw")


def max_bytes() -> int:
    """The per-file size limit (TIMELINE_MAX_BYTES, as the pipeline's command line reads it)."""
    value = os.environ.get("TIMELINE_MAX_BYTES", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return DEFAULT_MAX_BYTES


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes, memoised on (path, size, mtime)."""
    return _file_hash(path)


def _file_hash(path: Path) -> str:
    """sha256 of a file's bytes, memoised on (path, size, mtime)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _HASH_MEMO:
        _HASH_MEMO[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _HASH_MEMO[key]


def fingerprint(processed: Path, reference: Path) -> str:
    """One hash over every input file's bytes; raise DataMissingError if a table is missing."""
    missing = [name for name in PROCESSED_FILES if not (processed / name).is_file()]
    if missing:
        raise DataMissingError(
            f"The processed data is missing in {processed} ({', '.join(missing)}). "
            "Run `make data` to build it, then reload this page."
        )
    digest = hashlib.sha256()
    names = [processed / n for n in PROCESSED_FILES + OPTIONAL_FILES]
    names += [reference / n for n in REFERENCE_FILES]
    for path in names:
        if path.is_file():
            digest.update(f"{path.name}:{_file_hash(path)};".encode())
    return digest.hexdigest()


# Text columns that repeat a few values on many events (a document's title and path on
# each of its events, a minister's name and post): held as categories, a code per row. At
# 100,000 events of pipeline output the app's peak fell from 633 to 507 MB and a filter
# change copies codes instead of strings (at 430,000 events, a 20,000-document corpus:
# 1,589 -> 1,199 MB). They are read as categories from the Parquet file's dictionary pages,
# each distinct value made once: at 430,000 events, with the app's allocator (app.main),
# loading takes 1.15-1.2 s instead of 1.35 s and peaks at 680 MB instead of 845-865 MB.
REPEATED_COLUMNS = (
    "doc_id", "doc_title", "house", "source_path", "minister", "minister_post", "party",
    "government", "measure", "measure_kind", "theme", "countries", "organisations",
)  # fmt: skip


# Mention columns read as categories: about 60 mentions a document share its id, a few kinds.
MENTION_CATEGORIES = ("doc_id", "kind", "detail")


def _derive_events(events: pd.DataFrame) -> pd.DataFrame:
    """Sort by date and add the helper columns the filters and figures use (once per load);
    the `REPEATED_COLUMNS` become categories (read as such, see `load_processed`), their
    categories in sorted order."""
    events = events.sort_values(["date_start", "event_id"]).reset_index(drop=True)
    events[filters.ORDER_COLUMN] = np.arange(len(events), dtype="int64")
    events["year_start"] = events["date_start"].dt.year.astype("int64")
    events["year_end"] = events["date_end"].dt.year.astype("int64")
    title = events["doc_title"].astype("string")
    events[filters.SEARCH_COLUMN] = (events["sentence"].astype("string") + " " + title).str.lower()
    for column in REPEATED_COLUMNS:
        values = events[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            events[column] = values.cat.set_categories(sorted(values.cat.categories))
        else:
            events[column] = values.astype("category")
    return events


def with_hover(bundle: Bundle, events: pd.DataFrame) -> pd.DataFrame:
    """`events` (rows of the bundle's events) with their hover labels, making only those
    not made before; as they are when the chart counts them instead of drawing each one
    (figures.draw_mode), which needs none. Sessions share the labels; two making the same
    ones write equal strings."""
    if figures.draw_mode(len(events)) == "aggregate":
        return events
    if bundle.hover is None:
        bundle.hover = np.full(len(bundle.events), None, dtype=object)
    rows = events[filters.ORDER_COLUMN].to_numpy()
    missing = rows[pd.isna(bundle.hover[rows])]
    if len(missing):
        bundle.hover[missing] = figures.hover_column(bundle.events.iloc[missing]).to_numpy()
    return events.assign(**{figures.HOVER_COLUMN: bundle.hover[rows]})


def _read_table(path: Path, categories: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read one parquet table, turning any read failure into DataMissingError; the columns
    named in `categories` come as categories, straight from the file's dictionary pages
    (each distinct value made once, not once a row)."""
    try:
        return pd.read_parquet(path, read_dictionary=list(categories))
    except (OSError, ValueError) as exc:  # pyarrow errors subclass these
        raise DataMissingError(
            f"Could not read {path.name} in {path.parent}: {exc}. "
            "Run `make data` to rebuild the processed data."
        ) from exc


def _read_rejected(path: Path) -> pd.DataFrame:
    """rejected.csv, or an empty frame if the build wrote none."""
    if not path.is_file():
        return pd.DataFrame({"source_path": [], "reason": []}, dtype="string")
    return pd.read_csv(path, dtype="string", keep_default_na=False)


def _read_build(path: Path) -> dict:
    """build.json, or {} if absent or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def load_processed(processed: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read events, documents and mentions from the processed folder.

    Then Arrow's allocator (the C library's malloc, see app.main) is told to hand back
    what reading freed: it keeps freed pages for reuse, at 430,000 events about 100 MB
    that the tables no longer use (held after loading: 630-650 -> 525-550 MB).
    """
    try:
        events = _derive_events(_read_table(processed / "events.parquet", REPEATED_COLUMNS))
    except (KeyError, AttributeError) as exc:
        raise DataMissingError(
            f"events.parquet in {processed} does not match the table contract ({exc}). "
            "Run `make data` to rebuild the processed data."
        ) from exc
    documents = _read_table(processed / "documents.parquet")
    mentions = _read_table(processed / "mentions.parquet", MENTION_CATEGORIES)
    pa.default_memory_pool().release_unused()
    return events, documents, mentions


def _read_csv(path: Path) -> pd.DataFrame:
    """A reference CSV as strings, or an empty frame if it is absent."""
    if not path.is_file():
        return pd.DataFrame()
    return pd.read_csv(path, dtype="string", keep_default_na=False)


def _read_reference_csvs(reference: Path) -> dict[str, pd.DataFrame]:
    """The reference CSVs, read directly (adapter until pipeline.reference works)."""
    return {n.removesuffix(".csv"): _read_csv(reference / n) for n in REFERENCE_FILES}


def _load_reference_tables(reference: Path) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Reference tables through pipeline.reference, falling back to the CSVs."""
    from pipeline import reference as ref_module

    try:
        ref = ref_module.load_reference(reference)
        tables = {
            "governments": ref.governments,
            "ministers": ref.ministers,
            "measures": ref.measures,
            "milestones": ref.milestones,
        }
        return {k: v.astype("string").fillna("") for k, v in tables.items()}, []
    except NotImplementedError:
        return _read_reference_csvs(reference), []
    except (ref_module.ReferenceDataError, OSError) as exc:
        tables = _read_reference_csvs(reference)
        return tables, [
            f"Reference data has problems ({exc}); bands and milestones may be incomplete."
        ]


def _dates(column: pd.Series) -> pd.Series:
    """Parse ISO dates or partial dates (YYYY, YYYY-MM) to timestamps; blanks become NaT."""
    return pd.to_datetime(
        column.astype("string").str.strip().replace("", None), errors="coerce", format="mixed"
    )


def reference_frames(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, ...]:
    """Governments, ministers and milestones (measures' own dates included) with parsed dates."""
    gov = tables.get("governments", pd.DataFrame()).copy()
    if not gov.empty:
        gov["start"], gov["end"] = _dates(gov["start"]), _dates(gov["end"])
    mins = tables.get("ministers", pd.DataFrame()).copy()
    if not mins.empty:
        mins["start"], mins["end"] = _dates(mins["start"]), _dates(mins["end"])
    return gov, mins, milestone_layer(tables)


def milestone_layer(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Reference milestones: dated measures plus milestones.csv, one row per dated step."""
    cols = ["milestone_id", "measure", "date", "date_precision", "date_kind", "label", "source"]
    measures = tables.get("measures", pd.DataFrame())
    steps = tables.get("milestones", pd.DataFrame())
    rows: list[pd.DataFrame] = []
    names = dict(zip(measures.get("measure_id", []), measures.get("name", []), strict=False))
    if not steps.empty:
        rows.append(
            pd.DataFrame(
                {
                    "milestone_id": steps["milestone_id"],
                    "measure": steps["measure_id"].map(names).fillna(steps["measure_id"]),
                    "date": steps["date"],
                    "date_precision": steps["date_precision"],
                    "date_kind": steps["date_kind"],
                    "label": steps["label"],
                    "source": steps["source"],
                }
            )
        )
    if not measures.empty:
        dated = measures[measures["date"].astype("string").str.strip() != ""]
        rows.append(
            pd.DataFrame(
                {
                    "milestone_id": "measure:" + dated["measure_id"],
                    "measure": dated["name"],
                    "date": dated["date"],
                    "date_precision": dated["date_precision"],
                    "date_kind": dated["date_kind"],
                    "label": dated["name"] + " " + dated["date_kind"],
                    "source": dated["source"],
                }
            )
        )
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.concat(rows, ignore_index=True)
    out["date"] = _dates(out["date"])
    # a measure's own date often repeats one of its milestones: keep the milestone's label
    out = out.drop_duplicates(subset=["measure", "date"], keep="first")
    return out.dropna(subset=["date"]).sort_values("date").reset_index(drop=True)


def load_bundle(processed: str, reference: str, content_hash: str) -> Bundle:
    """Read every table (the entry point caches this on `content_hash`)."""
    events, documents, mentions = load_processed(Path(processed))
    tables, notes = _load_reference_tables(Path(reference))
    if all(t.empty for t in tables.values()):
        notes.append(
            f"No reference tables found in {reference}: government bands, minister "
            "tenures and reference milestones are not shown."
        )
    gov, mins, milestones = reference_frames(tables)
    return Bundle(
        events=events,
        documents=documents,
        mentions=mentions,
        rejected=_read_rejected(Path(processed) / "rejected.csv"),
        build=_read_build(Path(processed) / "build.json"),
        governments=gov,
        ministers=mins,
        milestones=milestones,
        notes=notes,
        key=content_hash,
    )
