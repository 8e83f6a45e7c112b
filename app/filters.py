"""Sidebar filters as data: a `Filters` value, the options a dataset offers, and `apply`.

Pure functions (no Streamlit): the views and the tests share them. A year range keeps an
event whose period overlaps the range, so a decade-long statement stays visible in any of
its years.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from app.codes import coded

DEFAULT_YEARS = (2004, 2022)
LIST_FILTERS: dict[str, str] = {  # filter field -> events column
    "minister": "minister",
    "theme": "theme",
    "measure": "measure",
    "doc_type": "doc_type",
    "basis": "date_basis",
}
LABELS = {
    "minister": "minister",
    "theme": "theme",
    "measure": "measure",
    "doc_type": "document type",
    "basis": "date basis",
}
NONE_LABEL = "(none)"
ORDER_COLUMN = "order"  # set by app.data: each event's rank by (date_start, event_id)
SEARCH_COLUMN = "search"  # set by app.data: the quote and title, lowered, for the text search


@dataclass(frozen=True)
class Filters:
    """What the user chose in the sidebar; empty tuples mean "everything"."""

    years: tuple[int, int] = DEFAULT_YEARS
    minister: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()
    measure: tuple[str, ...] = ()
    doc_type: tuple[str, ...] = ()
    basis: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Options:
    """The values a dataset offers for each filter, and its year bounds."""

    year_bounds: tuple[int, int] = DEFAULT_YEARS
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _values(series: pd.Series) -> tuple[str, ...]:
    """Sorted distinct values, blanks shown as NONE_LABEL."""
    distinct = pd.Series(series.unique()).astype("string").fillna("").replace("", NONE_LABEL)
    return tuple(sorted(distinct.unique()))


def options_for(
    events: pd.DataFrame, categories: dict[str, tuple[str, ...]] | None = None
) -> Options:
    """The filter options and year bounds of `events`."""
    if events.empty:
        return Options(values={k: () for k in LIST_FILTERS})
    bounds = (int(events["year_start"].min()), int(events["year_end"].max()))
    values = {k: _values(events[col]) for k, col in LIST_FILTERS.items()}
    if categories:
        for name, vocab in categories.items():
            present = set(values[name])
            values[name] = tuple(v for v in vocab if v in present)
    return Options(year_bounds=bounds, values=values)


def default_years(options: Options) -> tuple[int, int]:
    """2004–2022 clipped to the data's bounds (the whole range if they do not overlap)."""
    lo, hi = options.year_bounds
    start, end = max(DEFAULT_YEARS[0], lo), min(DEFAULT_YEARS[1], hi)
    return (start, end) if start <= end else (lo, hi)


def default_filters(options: Options) -> Filters:
    """The filters a fresh visit starts with."""
    return Filters(years=default_years(options))


def _match(events: pd.DataFrame, column: str, chosen: tuple[str, ...]) -> pd.Series:
    """Rows whose `column` is one of `chosen` (NONE_LABEL matches blanks); each distinct
    value is looked up once."""
    wanted = {"" if v == NONE_LABEL else v for v in chosen}
    codes, labels = coded(events[column])
    hits = np.array([label in wanted for label in labels], dtype=bool)
    return pd.Series(hits[codes], index=events.index)


def mask(events: pd.DataFrame, filters: Filters) -> pd.Series:
    """A boolean mask of the events that pass `filters`."""
    lo, hi = filters.years
    keep = (events["year_end"] >= lo) & (events["year_start"] <= hi)
    for name, column in LIST_FILTERS.items():
        chosen = getattr(filters, name)
        if chosen:
            keep &= _match(events, column, chosen)
    text = filters.text.strip().lower()
    if text:
        keep &= events[SEARCH_COLUMN].str.contains(text, regex=False).fillna(False)
    return keep.astype(bool)


def apply(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The events that pass `filters`, in date order (then event id), without the
    lowered text the quote search reads (`SEARCH_COLUMN`: no view shows it, and copying
    it was a fifth of a filter change at 430,000 events)."""
    columns = [c for c in events.columns if c != SEARCH_COLUMN]
    kept = events.loc[mask(events, filters).to_numpy(), columns]
    if ORDER_COLUMN in kept:  # the loader's precomputed rank of (date_start, event_id)
        order = kept[ORDER_COLUMN]
        return kept if order.is_monotonic_increasing else kept.sort_values(ORDER_COLUMN)
    return kept.sort_values(["date_start", "event_id"])


def describe(filters: Filters, defaults: Filters) -> list[str]:
    """Plain-language phrases for each filter that differs from the defaults."""
    parts: list[str] = []
    if filters.years != defaults.years:
        parts.append(f"years {filters.years[0]}–{filters.years[1]}")
    for name in LIST_FILTERS:
        chosen = getattr(filters, name)
        if chosen:
            parts.append(f"{LABELS[name]}: {', '.join(chosen)}")
    if filters.text.strip():
        parts.append(f'quote contains "{filters.text.strip()}"')
    return parts


def with_years(filters: Filters, years: tuple[int, int]) -> Filters:
    """A copy of `filters` with another year range."""
    return replace(filters, years=years)
