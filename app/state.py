"""URL state: every filter, the view, the lane choice, the selected event and the briefing's
slide number live in the URL.

`parse` (pure) turns query parameters into widget values and a list of notices for anything
unknown or malformed; `encode` (pure) turns widget values back into the shortest query.
`sync_from_url` and `sync_to_url` are the Streamlit glue: the URL seeds the widgets' session
state on the session's first run, and every run writes the widgets' values back, so a
copied URL reproduces the view.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import streamlit as st

from app.filters import Filters, Options, default_years

VIEWS = ("timeline", "table", "ministers", "sources", "quality", "briefing", "about")
VIEW_LABELS = {
    "timeline": "Timeline",
    "table": "Table",
    "ministers": "Ministers",
    "sources": "Sources",
    "quality": "Data quality",
    "briefing": "Briefing",
    "about": "About",
}
LANES = ("theme", "minister", "doc_type", "measure")
LANE_LABELS = {
    "theme": "Theme",
    "minister": "Minister",
    "doc_type": "Document type",
    "measure": "Measure",
}
# URL parameter -> session-state key of the filter widget (list-valued filters)
LIST_PARAMS = {
    "minister": "f_minister",
    "theme": "f_theme",
    "measure": "f_measure",
    "type": "f_doc_type",
    "basis": "f_basis",
}
KNOWN = ("view", "year", "q", "lane", "milestones", "event", "doc", "slide", *LIST_PARAMS)
_YEAR = re.compile(r"^\s*(\d{4})\s*(?:-|–|\.\.)\s*(\d{4})\s*$")
_SHOWN = 40
_SLIDE = re.compile(r"^\s*(\d{1,6})\s*$")


@dataclass(frozen=True)
class Known:
    """What the URL may refer to: filter options and the ids that exist."""

    options: Options
    event_ids: frozenset[str]
    doc_ids: frozenset[str]


def defaults(options: Options) -> dict[str, object]:
    """Widget values of a fresh visit, keyed by session-state key."""
    values: dict[str, object] = {
        "view": "timeline",
        "f_years": default_years(options),
        "f_text": "",
        "lane": "theme",
        "milestones": True,
        "event": "",
        "doc": "",
        "slide": 1,
    }
    values.update({key: [] for key in LIST_PARAMS.values()})
    return values


def _short(value: str) -> str:
    """A parameter value cut to a readable length for a notice."""
    return value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"


def _parse_years(raw: list[str], bounds: tuple[int, int]) -> tuple[int, int] | None:
    """A (start, end) year range from "2004-2022" or two repeated values; None if malformed."""
    joined = raw[0] if len(raw) == 1 else "-".join(raw[:2]) if len(raw) == 2 else ""
    match = _YEAR.match(joined)
    if not match:
        return None
    start, end = sorted((int(match.group(1)), int(match.group(2))))
    if end < bounds[0] or start > bounds[1]:
        return None
    return max(start, bounds[0]), min(end, bounds[1])


def _parse_choice(name: str, raw: list[str], allowed: Iterable[str]) -> tuple[object, str]:
    """The last value of `raw` if it is allowed, else (None, notice)."""
    value = raw[-1] if raw else ""
    if value in set(allowed):
        return value, ""
    return None, f"{name}={_short(value)!r} is not one of the choices"


def _parse_lists(
    params: Mapping[str, list[str]], options: Options
) -> tuple[dict[str, object], list[str]]:
    """List-valued filters: keep known values, report the others."""
    values: dict[str, object] = {}
    notices: list[str] = []
    for param, key in LIST_PARAMS.items():
        if param not in params:
            continue
        allowed = set(options.values.get(key.removeprefix("f_"), ()))
        raw = [v for v in params[param] if v != ""]
        values[key] = [v for v in dict.fromkeys(raw) if v in allowed]
        notices += [
            f"{param}={_short(v)!r} matches nothing in the data" for v in raw if v not in allowed
        ]
    return values, notices


def parse(params: Mapping[str, list[str]], known: Known) -> tuple[dict[str, object], list[str]]:
    """Widget values from query parameters, plus a notice for each ignored parameter."""
    values, notices = _parse_lists(params, known.options)
    notices += [f"unknown parameter {_short(name)!r}" for name in params if name not in KNOWN]
    if "year" in params:
        years = _parse_years(params["year"], known.options.year_bounds)
        if years is None:
            notices.append(
                f"year={_short(','.join(params['year']))!r} is not a year range "
                f"within {known.options.year_bounds[0]}–"
                f"{known.options.year_bounds[1]}"
            )
        else:
            values["f_years"] = years
    for name, allowed in (
        ("view", VIEWS),
        ("lane", LANES),
        ("milestones", ("0", "1")),
        ("event", known.event_ids),
        ("doc", known.doc_ids),
    ):
        if name in params:
            value, notice = _parse_choice(name, params[name], allowed)
            if notice:
                notices.append(notice)
            elif name == "milestones":
                values[name] = value == "1"
            else:
                values[name] = value
    if "q" in params:
        values["f_text"] = params["q"][-1][:200]
    if "slide" in params:
        match = _SLIDE.match(params["slide"][-1] if params["slide"] else "")
        if match and int(match.group(1)) >= 1:
            values["slide"] = int(match.group(1))
        else:
            notices.append(f"slide={_short(','.join(params['slide']))!r} is not a slide number")
    return values, notices


def encode(values: Mapping[str, object], fresh: Mapping[str, object]) -> dict[str, object]:
    """The shortest query reproducing `values`: parameters equal to `fresh` are left out."""
    query: dict[str, object] = {}
    if values["view"] != fresh["view"]:
        query["view"] = values["view"]
    years = tuple(values["f_years"])  # type: ignore[arg-type]
    if years != tuple(fresh["f_years"]):  # type: ignore[arg-type]
        query["year"] = f"{years[0]}-{years[1]}"
    for param, key in LIST_PARAMS.items():
        if values[key]:
            query[param] = list(values[key])  # type: ignore[call-overload]
    if str(values["f_text"]).strip():
        query["q"] = str(values["f_text"]).strip()
    if values["lane"] != fresh["lane"]:
        query["lane"] = values["lane"]
    if values["milestones"] != fresh["milestones"]:
        query["milestones"] = "1" if values["milestones"] else "0"
    for name in ("event", "doc"):
        if values[name]:
            query[name] = values[name]
    slide = values.get("slide", fresh["slide"])
    if values["view"] == "briefing" and slide != fresh["slide"]:
        query["slide"] = str(slide)  # the briefing's slide number, only in briefing mode
    return query


def sanitize(values: dict[str, object], known: Known) -> dict[str, object]:
    """Drop session values the current data no longer offers (after a rebuild)."""
    fresh = defaults(known.options)
    for param, key in LIST_PARAMS.items():
        allowed = set(known.options.values.get(key.removeprefix("f_"), ()))
        values[key] = [v for v in values.get(key, []) if v in allowed]  # type: ignore[union-attr]
        del param
    lo, hi = known.options.year_bounds
    years = values.get("f_years", fresh["f_years"])
    if not (
        isinstance(years, tuple | list) and len(years) == 2 and lo <= years[0] <= years[1] <= hi
    ):
        values["f_years"] = fresh["f_years"]
    if values.get("event") and values["event"] not in known.event_ids:
        values["event"] = ""
    if values.get("doc") and values["doc"] not in known.doc_ids:
        values["doc"] = ""
    slide = values.get("slide")
    if not isinstance(slide, int) or isinstance(slide, bool) or slide < 1:
        values["slide"] = fresh["slide"]
    return values


def filters_from(values: Mapping[str, object]) -> Filters:
    """The Filters value the widgets describe."""
    years = tuple(values["f_years"])  # type: ignore[arg-type]
    return Filters(
        years=(int(years[0]), int(years[1])),
        minister=tuple(values["f_minister"]),
        theme=tuple(values["f_theme"]),  # type: ignore
        measure=tuple(values["f_measure"]),
        doc_type=tuple(values["f_doc_type"]),  # type: ignore
        basis=tuple(values["f_basis"]),
        text=str(values["f_text"]),  # type: ignore
    )


# --- Streamlit glue ------------------------------------------------------------------------


def _current_query() -> dict[str, list[str]]:
    """The page's query parameters, every value kept."""
    return {name: st.query_params.get_all(name) for name in st.query_params}


def sync_from_url(known: Known) -> list[str]:
    """Seed the widgets from the URL on the session's first run; return the notices.

    Only the first run reads the URL: a page load (or a pasted link) starts a new session,
    and later reruns may carry a query string the browser sent before our last write.
    """
    state = st.session_state
    fresh = defaults(known.options)
    if "_url_seeded" not in state:
        parsed, notices = parse(_current_query(), known)
        state["_url_seeded"] = True
        for key, value in {**fresh, **parsed}.items():
            state[key] = value
        state["_url_notices"] = notices
    for key, value in fresh.items():
        if key not in state:
            state[key] = value
    sanitized = sanitize({k: state[k] for k in fresh}, known)
    for key, value in sanitized.items():
        if state[key] != value:
            state[key] = value
    return list(state.get("_url_notices", []))


def values_now(known: Known) -> dict[str, object]:
    """The current widget values, keyed by session-state key."""
    return {key: st.session_state.get(key, value) for key, value in defaults(known.options).items()}


def sync_to_url(known: Known) -> None:
    """Write the widgets' values to the URL (only when they changed)."""
    query = encode(values_now(known), defaults(known.options))
    as_lists = {k: v if isinstance(v, list) else [str(v)] for k, v in query.items()}
    if _current_query() != as_lists:
        st.query_params.from_dict(query)
