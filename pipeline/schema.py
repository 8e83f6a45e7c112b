"""The tables the pipeline writes and the app reads: columns, vocabularies, checks.

This module is the contract between `pipeline` and the app. The column lists
and vocabularies here are the only definition; README.md describes them for
people. `validate_events` and `validate_documents` check a whole frame and list
every problem at once (pandera's "lazy" validation), so a build fails before
anything is written rather than after the app has read a broken table.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

# --- vocabularies ---------------------------------------------------------

PRECISIONS = ("day", "month", "season", "quarter", "year", "decade", "span")
DATE_BASES = ("explicit", "relative", "document", "inferred")
STATUSES = ("past", "ongoing", "planned")
DOC_DATE_BASES = ("explicit", "inferred", "unknown")
DOC_TYPES = (
    "written answer",
    "written statement",
    "written question",
    "press release",
    "news story",
    "news wire",
    "speech",
    "debate extract",
    "other",
)
HOUSES = ("Commons", "Lords")
MEASURE_KINDS = (
    "legislation",
    "strategy",
    "institution",
    "programme",
    "international instrument",
    "report",
    "operation",
    "funding",
    "statistic",
)
THEMES = (
    "legislation",
    "law enforcement",
    "border and immigration",
    "international cooperation",
    "victim support",
    "child protection",
    "training and awareness",
    "data and reporting",
    "strategy and governance",
    "supply chains",
)

# --- the events table -----------------------------------------------------

EVENT_COLUMNS: dict[str, str] = {
    "event_id": "string",
    "doc_id": "string",
    "doc_title": "string",
    "doc_type": "category",
    "house": "string",
    "doc_date": "datetime64[ns]",
    "source_path": "string",
    "date_start": "datetime64[ns]",
    "date_end": "datetime64[ns]",
    "date_value": "string",
    "precision": "category",
    "date_basis": "category",
    "date_text": "string",
    "status": "category",
    "minister": "string",
    "minister_post": "string",
    "party": "string",
    "government": "string",
    "measure": "string",
    "measure_kind": "string",
    "theme": "string",
    "countries": "string",
    "organisations": "string",
    "figures": "string",
    "sentence": "string",
    "char_start": "int64",
    "char_end": "int64",
}

DOCUMENT_COLUMNS: dict[str, str] = {
    "doc_id": "string",
    "source_path": "string",
    "doc_type": "category",
    "house": "string",
    "title": "string",
    "doc_date": "datetime64[ns]",
    "doc_date_basis": "category",
    "doc_date_text": "string",
    "asked_date": "datetime64[ns]",
    "asker": "string",
    "lead_minister": "string",
    "lead_minister_post": "string",
    "government": "string",
    "encoding": "string",
    "n_chars": "int64",
    "n_events": "int64",
    "content_sha256": "string",
    "warnings": "string",
}

REJECTED_COLUMNS: dict[str, str] = {"source_path": "string", "reason": "string"}

# documents.parquet carries the documents table plus the texts the Sources view shows.
DOCUMENT_TEXT_COLUMNS: dict[str, str] = {"text": "string", "furniture": "string"}

# mentions.parquet: everything found in each document, with offsets into its cleaned text.
MENTION_KINDS = ("date", "person", "measure", "country", "organisation", "figure")
MENTION_COLUMNS: dict[str, str] = {
    "doc_id": "string",
    "kind": "string",  # one of MENTION_KINDS
    "char_start": "int64",
    "char_end": "int64",
    "text": "string",  # as written
    "value": "string",  # date value, canonical person ("" if unknown), measure name, ...
    "detail": "string",  # person: post on the date or "asker"; measure: kind; date: basis
}

# Files in the output folder (data/processed/ by default):
#   events.parquet, events.csv        EVENT_COLUMNS
#   documents.parquet                 DOCUMENT_COLUMNS + DOCUMENT_TEXT_COLUMNS
#   documents.csv                     DOCUMENT_COLUMNS
#   mentions.parquet                  MENTION_COLUMNS
#   rejected.csv                      REJECTED_COLUMNS
#   build.json                        pipeline_version, inputs_sha256, reference_sha256,
#                                     built_at, seconds, n_documents, n_events, n_rejected,
#                                     warnings (list of str)
# Everything but build.json is byte-identical for the same inputs.

CATEGORIES: dict[str, tuple[str, ...]] = {
    "doc_type": DOC_TYPES,
    "precision": PRECISIONS,
    "date_basis": DATE_BASES,
    "status": STATUSES,
    "doc_date_basis": DOC_DATE_BASES,
}


# How each contract dtype is stored in Parquet (Arrow types). Tables are written without
# pandas metadata: pandas reads dictionaries back as categoricals (in vocabulary order),
# large strings as strings and timestamps as datetime64[ns] all the same.
ARROW_TYPES = {
    "string": pa.large_string(),
    "category": pa.dictionary(pa.int8(), pa.string()),
    "datetime64[ns]": pa.timestamp("ns"),
    "int64": pa.int64(),
}


def arrow_schema(columns: dict[str, str]) -> pa.Schema:
    """The Arrow schema of a table with the given contract columns."""
    return pa.schema([(name, ARROW_TYPES[dtype]) for name, dtype in columns.items()])


def to_arrow(frame: pd.DataFrame, columns: dict[str, str]) -> pa.Table:
    """A frame already coerced to `columns`, as an Arrow table with the contract schema."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.cast(arrow_schema(columns)).replace_schema_metadata(None)


class SchemaError(ValueError):
    """A table breaks the contract; the message lists every problem found."""


def empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    """An empty frame with the given columns and dtypes."""
    return coerce(pd.DataFrame({name: [] for name in columns}), columns)


def _coerced(col: pd.Series, name: str, dtype: str) -> pd.Series:
    """One column with its contract dtype; returned as it is when it already has it."""
    if dtype == "category":
        wanted = pd.CategoricalDtype(list(CATEGORIES[name]))
        return col if col.dtype == wanted else pd.Categorical(col, categories=wanted.categories)
    if dtype.startswith("datetime64"):
        return col if col.dtype == dtype else pd.to_datetime(col).astype("datetime64[ns]")
    if dtype == "string":
        if col.dtype == "string" and not col.hasnans:
            return col
        return col.astype("string").fillna("")
    return col if col.dtype == dtype else col.astype(dtype)


def coerce(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Put `frame`'s columns in contract order with contract dtypes (copying only what changes)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SchemaError(f"missing columns: {', '.join(missing)}")
    out = pd.DataFrame(
        {name: _coerced(frame[name], name, dtype) for name, dtype in columns.items()}
    )
    return out.reset_index(drop=True)


def _problems_events(events: pd.DataFrame) -> list[str]:
    problems: list[str] = []
    if events["event_id"].duplicated().any():
        dupes = events.loc[events["event_id"].duplicated(), "event_id"].tolist()[:5]
        problems.append(f"duplicate event_id: {dupes}")
    for name in ("precision", "date_basis", "status", "doc_type"):
        if events[name].isna().any():
            problems.append(f"{name}: values outside the vocabulary or missing")
    if events["date_start"].isna().any() or events["date_end"].isna().any():
        problems.append("date_start/date_end: missing dates")
    if (events["date_start"] > events["date_end"]).any():
        problems.append("date_start after date_end")
    month = events["precision"] == "month"
    if (events.loc[month, "date_start"].dt.day != 1).any():
        problems.append("a month-precision event does not start on day 1")
    day = events["precision"] == "day"
    if (events.loc[day, "date_start"] != events.loc[day, "date_end"]).any():
        problems.append("a day-precision event spans more than one day")
    text_basis = events["date_basis"].isin(["explicit", "relative"])
    if (events.loc[text_basis, "date_text"] == "").any():
        problems.append("an explicit or relative date has no date_text")
    if (events.loc[~text_basis, "date_text"] != "").any():
        problems.append("a document or inferred date has a date_text")
    if (events["char_start"] >= events["char_end"]).any():
        problems.append("char_start not before char_end")
    return problems


def validate_events(events: pd.DataFrame) -> pd.DataFrame:
    """Coerce to the contract and raise `SchemaError` listing every broken rule."""
    events = coerce(events, EVENT_COLUMNS)
    problems = _problems_events(events)
    if problems:
        raise SchemaError("events table: " + "; ".join(problems))
    return events


def validate_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Coerce to the contract and raise `SchemaError` listing every broken rule."""
    documents = coerce(documents, DOCUMENT_COLUMNS)
    problems: list[str] = []
    if documents["doc_id"].duplicated().any():
        problems.append("duplicate doc_id")
    for name in ("doc_type", "doc_date_basis"):
        if documents[name].isna().any():
            problems.append(f"{name}: values outside the vocabulary or missing")
    known = documents["doc_date_basis"] != "unknown"
    if documents.loc[known, "doc_date"].isna().any():
        problems.append("a document with a known date basis has no date")
    if documents.loc[~known, "doc_date"].notna().any():
        problems.append("an undated document carries a date")
    if problems:
        raise SchemaError("documents table: " + "; ".join(problems))
    return documents
