"""Plotly figure builders: pure functions from tables to `go.Figure` (no Streamlit).

Every string that goes into a figure (hover text, axis categories, band labels) is escaped
with `app.text.hover`, because plotly renders a subset of HTML in them. Event ids travel in
`customdata` so a selection can be mapped back to the events table whatever the trace.

Drawing mode follows the data size: up to DETAIL_MAX events every event is drawn (day events
as markers, longer periods as bars over their period); up to WEBGL_MAX events WebGL markers
sit at each period's midpoint, over thin strokes for the periods (one SVG path shape per date
basis, see segment_shapes); above that events are counted
per lane and month (quarter beyond 10 years shown, year beyond 30: at most AGGREGATE_BINS
markers a lane) and drawn as sized markers, with a note asking to narrow the filters.

The thresholds come from measurements (headless Chromium, software WebGL, 2 busy cores):
SVG takes about 0.5 ms a point to draw and to zoom (1 s at 2,000, 4 s at 5,000), WebGL about
0.15 ms (1.7 s at 10,000, 3 s at 20,000) and its figure costs 300 bytes a point to send
(hover labels mostly: 3 MB at 10,000, 6 MB at 20,000) and 14 ms a thousand points to build;
the aggregate stays under 0.2 MB and 0.6 s at any size. Hover stays under 25 ms in every mode.
The range slider under the chart draws every trace a second time: in the aggregate (2,270
markers for 100,000 events over 19 years) it took a draw from about 150 to 820 ms, so the
aggregate, an overview that asks to narrow the filters, has none; zooming by dragging stays.

Large traces get numpy arrays (dates as epoch milliseconds) rather than lists: plotly
validates and deep-copies lists element by element, arrays in one block.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from app.codes import coded, on_rows
from app.text import first_words, hover, plural

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}
BASIS_COLOURS = {
    "explicit": OKABE_ITO["blue"],
    "relative": OKABE_ITO["green"],
    "document": OKABE_ITO["orange"],
    "inferred": OKABE_ITO["purple"],
}
BASIS_NAMES = {
    "explicit": "explicit date",
    "relative": "relative date (resolved)",
    "document": "document's date",
    "inferred": "inferred date",
}
STATUS_SYMBOLS = {"past": "circle", "ongoing": "triangle-right", "planned": "circle-open"}
PARTY_COLOURS = {
    "Conservative": OKABE_ITO["blue"],
    "Labour": OKABE_ITO["vermillion"],
    "Liberal Democrat": OKABE_ITO["orange"],
}
MILESTONE_LANE = "Reference milestones"
GOVERNMENT_LANE = "Government"
DETAIL_MAX = 2_000
WEBGL_MAX = 10_000
MAX_LANES = 30
AGGREGATE_BINS = 120  # most markers a lane gets in the aggregate (see aggregate_unit)
LANE_COLUMNS = {
    "theme": "theme",
    "minister": "minister",
    "doc_type": "doc_type",
    "measure": "measure",
}
MS_PER_DAY = 86_400_000
HOVER_COLUMN = "hover"  # hover labels made earlier (app.data.with_hover), if present


def draw_mode(n_events: int) -> str:
    """'detail', 'webgl' or 'aggregate', by the number of events to draw."""
    if n_events <= DETAIL_MAX:
        return "detail"
    return "webgl" if n_events <= WEBGL_MAX else "aggregate"


def per_unique(values: pd.Series, fn: Callable[[str], str]) -> np.ndarray:
    """`fn` applied once per distinct value on some row ("" for missing), spread back over
    the rows."""
    codes, labels = coded(values)
    used = on_rows(codes, labels)
    mapped = [fn(label) if on else "" for label, on in zip(labels, used, strict=True)]
    return np.array(mapped, dtype=object)[codes]


def lane_labels(events: pd.DataFrame, lane: str) -> pd.Series:
    """Escaped lane label per event, "(none)" for a blank or missing value; beyond
    MAX_LANES the rarest lanes share "(other)" (of lanes with as many events, those later
    in alphabetical order).

    Worked out per distinct value and spread over the rows by their codes: turning every
    row's value into a string first took 60 ms a rerun at 430,000 events.
    """
    codes, labels = coded(events[LANE_COLUMNS[lane]])
    names = np.array([label or "(none)" for label in labels], dtype=object)
    lanes, lane_of = np.unique(names, return_inverse=True)
    counts = np.bincount(lane_of[codes], minlength=len(lanes))
    shown = [hover(name, 45) for name in lanes]
    present = np.flatnonzero(counts)
    if len(present) > MAX_LANES:
        top = set(sorted(present, key=lambda i: (-counts[i], lanes[i]))[: MAX_LANES - 1])
        shown = [text if i in top else "(other)" for i, text in enumerate(shown)]
    per_label = np.array(shown, dtype=object)[lane_of]
    return pd.Series(per_label[codes], index=events.index, dtype=object)


def _who(minister_and_post: str) -> str:
    """ "minister, post" escaped, from the two joined by NUL."""
    minister, post = minister_and_post.split("\0")
    who = hover(minister) if minister else "no minister"
    return who + (f", {hover(post)}" if post else "")


def hover_column(events: pd.DataFrame) -> pd.Series:
    """One escaped hover label per event, each distinct value escaped once."""
    if HOVER_COLUMN in events:
        return events[HOVER_COLUMN]
    written = per_unique(
        events["date_text"],
        lambda t: f"<b>{hover(t)}</b>" if t else "<b><i>no date in the sentence</i></b>",
    )
    joined = events["minister"].astype("string").fillna("") + "\0"
    who = per_unique(joined + events["minister_post"].astype("string").fillna(""), _who)
    parts = [per_unique(events[c], hover) for c in ("date_value", "precision", "date_basis")]
    status = per_unique(events["status"], hover)
    measure = per_unique(events["measure"], lambda m: hover(m) if m else "—")
    quote = per_unique(events["sentence"], lambda q: hover(first_words(q, 14)))
    rows = zip(written, *parts, status, who, measure, quote, strict=True)
    return pd.Series(
        [
            f"{w}<br>value {v} · {p} · basis: {b} · {s}<br>{m}<br>measure: {ms}<br>“{q}”"
            for w, v, p, b, s, m, ms, q in rows
        ],
        index=events.index,
        dtype=object,
    )


def hover_texts(events: pd.DataFrame) -> list[str]:
    """One escaped hover label per event."""
    return hover_column(events).tolist()


def epoch_ms(values: pd.Series) -> np.ndarray:
    """Timestamps as float milliseconds since 1970 (NaT becomes NaN, a gap in a line).

    A date axis reads numbers as epoch milliseconds; a float array is copied as one block
    and sent base64-encoded, where strings are deep-copied and quoted one by one.
    """
    ms = values.to_numpy().astype("datetime64[ms]").astype("int64").astype("float64")
    ms[values.isna().to_numpy()] = np.nan
    return ms


def day_strings(values: pd.Series) -> np.ndarray:
    """Timestamps as "YYYY-MM-DD" strings (an object array; NaT becomes None)."""
    days = np.datetime_as_string(values.to_numpy().astype("datetime64[D]")).astype(object)
    days[values.isna().to_numpy()] = None
    return days


def _is_point(events: pd.DataFrame) -> pd.Series:
    """Events drawn as a marker: day precision (or a zero-length period)."""
    return (events["precision"].astype("string") == "day") | (
        events["date_start"] == events["date_end"]
    )


Period = tuple[pd.Timestamp, pd.Timestamp]


def _midpoints(events: pd.DataFrame, shown: Period | None = None) -> pd.Series:
    """The middle of each event's period, or of its part inside `shown` (first and last day
    of the years shown): a period reaching far outside them has its middle off the chart,
    where its marker could be neither seen, hovered nor clicked."""
    start, end = events["date_start"], events["date_end"]
    if shown is not None:
        inside_start, inside_end = start.clip(lower=shown[0]), end.clip(upper=shown[1])
        overlaps = inside_start <= inside_end  # one wholly outside stays as it is
        start, end = inside_start.where(overlaps, start), inside_end.where(overlaps, end)
    return start + (end - start) / 2


def _marker_trace(events: pd.DataFrame, lanes: pd.Series, basis: str) -> go.Scatter:
    """Markers for one basis: day events, drawn one by one (SVG)."""
    return go.Scatter(
        x=events["date_start"],
        y=lanes,
        mode="markers",
        name=BASIS_NAMES[basis],
        legendgroup=basis,
        marker={
            "color": BASIS_COLOURS[basis],
            "size": 11,
            "symbol": [STATUS_SYMBOLS.get(str(s), "circle") for s in events["status"]],
            "line": {"width": 1, "color": "white"},
        },
        customdata=events["event_id"].tolist(),
        text=hover_texts(events),
        hovertemplate="%{text}<extra></extra>",
    )


def _gl_marker_trace(
    events: pd.DataFrame,
    lanes: pd.Series,
    basis: str,
    status: str,
    legend: bool,
    shown: Period | None = None,
) -> go.Scattergl:
    """WebGL markers at the middle of each period (its part in `shown`), for one basis and
    status.

    Plotly validates per-point symbol lists element by element (about 8 µs a point), so
    each status gets its own trace with one symbol; columns go in as numpy arrays.
    """
    return go.Scattergl(
        x=epoch_ms(_midpoints(events, shown)),
        y=lanes.to_numpy(dtype=object),
        mode="markers",
        name=BASIS_NAMES[basis],
        legendgroup=basis,
        showlegend=legend,
        marker={
            "color": BASIS_COLOURS[basis],
            "size": 7,
            "symbol": STATUS_SYMBOLS.get(status, "circle"),
            "line": {"width": 1, "color": "white"},
        },
        customdata=events["event_id"].to_numpy(dtype=object),
        text=hover_column(events).to_numpy(dtype=object),
        hovertemplate="%{text}<extra></extra>",
    )


def _bar_trace(events: pd.DataFrame, lanes: pd.Series, basis: str, legend: bool) -> go.Bar:
    """Bars over each event's period, for one basis."""
    length = (events["date_end"] - events["date_start"]).dt.days + 1
    return go.Bar(
        base=events["date_start"].dt.strftime("%Y-%m-%d"),
        x=length * MS_PER_DAY,
        y=lanes,
        orientation="h",
        width=0.45,
        name=BASIS_NAMES[basis],
        legendgroup=basis,
        showlegend=legend,
        opacity=0.55,
        marker={
            "color": BASIS_COLOURS[basis],
            "line": {"width": 1.5, "color": BASIS_COLOURS[basis]},
        },
        customdata=events["event_id"].tolist(),
        text=hover_texts(events),
        hovertemplate="%{text}<extra></extra>",
        textposition="none",
    )


def segment_shapes(events: pd.DataFrame, lanes: pd.Series, categories: list[str]) -> list[dict]:
    """Thin period segments for WebGL mode: one SVG path per date basis, as layout shapes.

    Each period is a horizontal stroke "M start,lane L end,lane" (the lane by its index in
    `categories`, the y axis' category order); identical strokes are drawn once. Not
    WebGL lines, nor an SVG line broken by gaps: measured in Chromium with software
    WebGL on a year of pipeline output (5,400 month- and year-long periods), scattergl
    lines took 4.7 s with a 4 s freeze, their cost growing with their length in pixels;
    a broken SVG line makes one element a segment (5,400 paths, and again in the range
    slider) and froze the page 2-3 s; the shapes (1,800 strokes after dropping repeats,
    four elements) drew with the markers in 0.6 s. Each shape shares its basis' legend
    group, so the legend hides and shows periods with their markers.
    """
    if events.empty:
        return []
    index = {lane: i for i, lane in enumerate(categories)}
    frame = pd.DataFrame(
        {
            "basis": events["date_basis"].astype("string").to_numpy(),
            "lane": lanes.map(index).to_numpy(),
            "start": day_strings(events["date_start"]),
            "end": day_strings(events["date_end"]),
        }
    ).dropna()
    shapes = []
    for basis, colour in BASIS_COLOURS.items():
        mine = frame[frame["basis"] == basis].drop_duplicates(["lane", "start", "end"])
        if mine.empty:
            continue
        strokes = "M" + mine["start"] + "," + mine["lane"].astype(str) + "L" + mine["end"]
        path = "".join(strokes + "," + mine["lane"].astype(str))
        shapes.append(
            {
                "type": "path",
                "xref": "x",
                "yref": "y",
                "path": path,
                "layer": "below",
                "line": {"color": colour, "width": 3},
                "opacity": 0.5,
                "legendgroup": basis,
            }
        )
    return shapes


def _detail_traces(events: pd.DataFrame, lanes: pd.Series, basis: str) -> list[go.BaseTraceType]:
    """SVG bars for periods and markers for days, for one basis (a bar can be hovered along
    its whole length, so unlike a WebGL marker it needs no place inside the years shown)."""
    traces: list[go.BaseTraceType] = []
    point = _is_point(events).to_numpy()
    days, periods = events[point], events[~point]
    if len(periods):
        traces.append(_bar_trace(periods, lanes[~point], basis, not len(days)))
    if len(days):
        traces.append(_marker_trace(days, lanes[point], basis))
    return traces


def _gl_traces(
    events: pd.DataFrame, lanes: pd.Series, basis: str, shown: Period | None = None
) -> list[go.BaseTraceType]:
    """WebGL midpoint markers per status, for one basis (periods: `segment_shapes`)."""
    traces: list[go.BaseTraceType] = []
    status = events["status"].astype("string").fillna("").to_numpy()
    for i, name in enumerate(dict.fromkeys(status)):
        mine = status == name
        traces.append(_gl_marker_trace(events[mine], lanes[mine], basis, str(name), i == 0, shown))
    return traces


def event_traces(
    events: pd.DataFrame, lanes: pd.Series, mode: str, shown: Period | None = None
) -> list[go.BaseTraceType]:
    """Traces drawing each event, grouped by date basis; `shown` is the first and last day
    of the years shown."""
    traces: list[go.BaseTraceType] = []
    basis_of = events["date_basis"].astype("string").to_numpy()
    draw = _detail_traces if mode == "detail" else partial(_gl_traces, shown=shown)
    for basis in BASIS_COLOURS:
        mine = basis_of == basis
        if mine.any():
            traces += draw(events[mine], lanes[mine], basis)
    return traces


def aggregate_unit(years: tuple[int, int]) -> str:
    """The period events are counted per in the aggregate: 'month', 'quarter' or 'year'.

    Chosen by the years shown, so that a lane has at most AGGREGATE_BINS markers (about 5 px
    apart at the usual width): months up to 10 years, quarters up to 30, years beyond.
    """
    span = years[1] - years[0] + 1
    if span * 12 <= AGGREGATE_BINS:
        return "month"
    return "quarter" if span * 4 <= AGGREGATE_BINS else "year"


def _bin_label(start: pd.Timestamp, unit: str) -> str:
    """ "June 2010", "Apr–Jun 2010" or "2010" for the period starting at `start`."""
    if unit == "month":
        return f"{start:%B %Y}"
    if unit == "quarter":
        end = start + pd.DateOffset(months=2)
        return f"{start:%b}–{end:%b %Y}"
    return f"{start:%Y}"


def aggregate_trace(
    events: pd.DataFrame, lanes: pd.Series, unit: str, first_year: int | None = None
) -> go.Scatter:
    """Events counted per lane and `unit` (see aggregate_unit), as markers sized by the count.

    An event is counted in the period it starts in; one that began before `first_year` (a
    period reaching into the years shown) in the first period of that year, where it can
    be seen: counted where it began, it was off the chart. Labels say how many began earlier.
    """
    starts = events["date_start"].to_numpy().astype("datetime64[ns]")
    earlier = np.zeros(len(starts), dtype=bool)
    if first_year is not None:
        since = np.datetime64(f"{first_year:04d}-01-01", "ns")
        earlier = starts < since
        starts = np.where(earlier, since, starts)
    months = starts.astype("datetime64[M]")
    if unit == "quarter":
        months = (months.astype(np.int64) // 3 * 3).astype("datetime64[M]")
    elif unit == "year":
        months = months.astype("datetime64[Y]").astype("datetime64[M]")
    counts = (
        pd.DataFrame(
            {
                "start": months.astype("datetime64[ns]"),
                "lane": lanes.to_numpy(dtype=object),
                "earlier": earlier,
            }
        )
        .groupby(["start", "lane"], sort=True)
        .agg(count=("earlier", "size"), earlier=("earlier", "sum"))
        .reset_index()
    )
    size = 4 + 22 * (counts["count"] / counts["count"].max()) ** 0.5
    names = {t: _bin_label(t, unit) for t in counts["start"].unique()}
    text = [
        f"<b>{lane}</b><br>{names[t]}: {plural(c, 'event')}"
        + (f"<br>{e:,} of them began before {first_year}" if e else "")
        for lane, t, c, e in zip(
            counts["lane"], counts["start"], counts["count"], counts["earlier"], strict=True
        )
    ]
    return go.Scatter(
        x=day_strings(counts["start"]),
        y=counts["lane"].to_numpy(dtype=object),
        mode="markers",
        name=f"events per {unit}",
        text=np.array(text, dtype=object),
        hovertemplate="%{text}<extra></extra>",
        marker={"size": size.to_numpy(), "color": OKABE_ITO["blue"], "opacity": 0.6},
    )


def _governments_in(governments: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.DataFrame:
    """Governments in office between lo and hi, clipped to that period (x0, x1)."""
    frame = governments.dropna(subset=["start"]).sort_values("start").reset_index(drop=True)
    frame["end"] = frame["end"].fillna(pd.Timestamp(date.today()))
    frame["shade"] = [i % 2 for i in range(len(frame))]
    frame = frame[(frame["end"] >= lo) & (frame["start"] <= hi)].copy()
    frame["x0"] = frame["start"].clip(lower=lo)
    frame["x1"] = frame["end"].clip(upper=hi)
    return frame


def band_shapes(periods: pd.DataFrame) -> list[dict]:
    """Shaded rectangles behind the plot, one per government."""
    return [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": r.x0,
            "x1": r.x1,
            "y0": 0,
            "y1": 1,
            "layer": "below",
            "line": {"width": 0},
            "fillcolor": "rgba(86,180,233,0.12)" if r.shade else "rgba(0,0,0,0.035)",
        }
        for r in periods.itertuples(index=False)
    ]


PARTY_SHORT = {"Labour": "Lab", "Conservative": "Con", "Liberal Democrat": "LD"}
BAND_LABEL_MAX = 24
PLOT_PX, CHAR_PX = 700, 6.5  # plot width at 1280 px, and an 11 px character's width


def _band_label(row: object) -> str:
    """A government's short label, "Blair · Lab" or "Cameron · Con–LD" (full label in hover)."""
    label = str(getattr(row, "label", "") or "")
    surname = (str(getattr(row, "prime_minister", "") or "").split() or [""])[-1]
    parties = [p.strip() for p in str(getattr(row, "parties", "") or "").split(";") if p.strip()]
    short = "–".join(PARTY_SHORT.get(p, p[:3]) for p in parties)
    if not surname:
        return hover(label, BAND_LABEL_MAX)
    return f"{hover(surname)} · {hover(short)}" if short else hover(surname)


def _fits(label: str, share: float) -> bool:
    """Whether `label` fits a bar covering `share` of a plot about PLOT_PX pixels wide."""
    return len(label) * CHAR_PX <= share * PLOT_PX


def government_trace(periods: pd.DataFrame) -> go.Bar:
    """The governments as bars on their own top lane, labelled where the label fits."""
    total = max((periods["x1"].max() - periods["x0"].min()).days, 1)
    shares = ((periods["x1"] - periods["x0"]).dt.days / total).tolist()
    labels = [_band_label(r) for r in periods.itertuples(index=False)]
    text = [t if _fits(t, share) else "" for t, share in zip(labels, shares, strict=True)]
    tips = [
        f"<b>{hover(r.label)}</b> ({hover(getattr(r, 'prime_minister', ''))})<br>"
        f"{r.start:%d %b %Y} – {r.end:%d %b %Y}<br>parties: "
        f"{hover(getattr(r, 'parties', ''))}<br>source: {hover(getattr(r, 'source', ''), 80)}"
        for r in periods.itertuples(index=False)
    ]
    return go.Bar(
        base=periods["x0"].dt.strftime("%Y-%m-%d"),
        x=((periods["x1"] - periods["x0"]).dt.days + 1) * MS_PER_DAY,
        y=[GOVERNMENT_LANE] * len(periods),
        orientation="h",
        width=0.8,
        name="Government",
        showlegend=False,
        text=text,
        textposition="inside",
        insidetextanchor="middle",
        constraintext="inside",
        textfont={"color": "#222", "size": 11},
        hovertext=tips,
        hovertemplate="%{hovertext}<extra></extra>",
        marker={
            "color": ["#cfe6f7" if s else "#e4e4e4" for s in periods["shade"]],
            "line": {"width": 1, "color": "white"},
        },
        customdata=("gov:" + periods["government_id"].astype("string")).tolist()
        if "government_id" in periods
        else None,
    )


def milestone_trace(milestones: pd.DataFrame) -> go.Scatter:
    """The reference milestones layer: diamonds on their own lane, with sources in hover."""
    text = [
        f"<b>{hover(r.label)}</b><br>{r.date:%d %b %Y} ({hover(r.date_precision)}), "
        f"{hover(r.date_kind)}<br>measure: {hover(r.measure)}<br>source: "
        f"{hover(r.source, 80)}<br><i>reference table, not from the documents</i>"
        for r in milestones.itertuples(index=False)
    ]
    return go.Scatter(
        x=milestones["date"],
        y=[MILESTONE_LANE] * len(milestones),
        mode="markers",
        name="Reference milestones (reference table)",
        marker={"symbol": "diamond", "size": 12, "color": OKABE_ITO["black"]},
        customdata=("ref:" + milestones["milestone_id"].astype("string")).tolist(),
        text=text,
        hovertemplate="%{text}<extra></extra>",
    )


def selected_trace(event: pd.Series, lane: str) -> go.Scatter:
    """A ring around the selected event."""
    x = event["date_start"] + (event["date_end"] - event["date_start"]) / 2
    return go.Scatter(
        x=[x],
        y=[lane],
        mode="markers",
        name="selected event",
        marker={
            "symbol": "circle-open",
            "size": 24,
            "color": OKABE_ITO["vermillion"],
            "line": {"width": 3},
        },
        customdata=[event["event_id"]],
        hoverinfo="skip",
    )


def _years_shown(years: tuple[int, int]) -> Period:
    """The first and last day of a year range."""
    return pd.Timestamp(years[0], 1, 1), pd.Timestamp(years[1], 12, 31)


def _x_range(years: tuple[int, int]) -> Period:
    """The visible period for a year range, padded by a month each side."""
    first, last = _years_shown(years)
    return first - pd.Timedelta(days=31), last + pd.Timedelta(days=31)


def timeline_figure(
    events: pd.DataFrame,
    *,
    lane: str,
    years: tuple[int, int],
    governments: pd.DataFrame | None = None,
    milestones: pd.DataFrame | None = None,
    show_milestones: bool = True,
    selected: str = "",
) -> go.Figure:
    """The timeline: events in lanes over government bands, optional milestones layer."""
    mode = draw_mode(len(events))
    lanes = lane_labels(events, lane)
    fig = go.Figure()
    if mode == "aggregate":
        fig.add_trace(aggregate_trace(events, lanes, aggregate_unit(years), years[0]))
    else:
        fig.add_traces(event_traces(events, lanes, mode, _years_shown(years)))
    lo, hi = _x_range(years)
    categories = sorted(lanes.unique(), reverse=True)
    if show_milestones and milestones is not None and len(milestones):
        shown = milestones[(milestones["date"] >= lo) & (milestones["date"] <= hi)]
        if len(shown):
            fig.add_trace(milestone_trace(shown))
            categories.append(MILESTONE_LANE)
    if selected and mode != "aggregate":
        hit = events.index[events["event_id"] == selected]
        if len(hit):
            fig.add_trace(selected_trace(events.loc[hit[0]], lanes.loc[hit[0]]))
    shapes: list[dict] = []
    if governments is not None and len(governments):
        periods = _governments_in(governments, lo, hi)
        if len(periods):
            shapes = band_shapes(periods)
            fig.add_trace(government_trace(periods))
            categories.append(GOVERNMENT_LANE)
    if mode == "webgl":
        periods_only = ~_is_point(events).to_numpy()
        shapes += segment_shapes(events[periods_only], lanes[periods_only], categories)
    _layout(fig, categories, (lo, hi), shapes, mode)
    return fig


def _layout(
    fig: go.Figure,
    categories: list[str],
    x_range: tuple[pd.Timestamp, pd.Timestamp],
    shapes: list[dict],
    mode: str,
) -> None:
    """Axes, bands, legend and size of the timeline."""
    overview = mode == "aggregate"  # no range slider under the axis (see the module doc)
    fig.update_layout(
        height=max(380, 150 + 36 * len(categories)),
        shapes=shapes,
        barmode="overlay",
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12 if overview else -0.28, "x": 0},
        hoverlabel={"align": "left"},
        dragmode="zoom",
        clickmode="event+select",
        meta={"mode": mode},
        plot_bgcolor="white",
    )
    fig.update_xaxes(
        type="date",
        range=list(x_range),
        rangeslider={
            "visible": not overview,
            "thickness": 0.06,
            "range": list(x_range),
        },
        showgrid=True,
        gridcolor="#e5e5e5",
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=categories,
        range=[-0.6, len(categories) - 0.4],
        automargin=True,
        fixedrange=True,
    )


def ministers_figure(ministers: pd.DataFrame, counts: dict[str, int]) -> go.Figure:
    """Gantt chart of ministerial tenures, one lane per person with their event count."""
    fig = go.Figure()
    today = pd.Timestamp(date.today())
    frame = ministers.dropna(subset=["start"]).copy()
    frame["end"] = frame["end"].fillna(today)
    frame["lane"] = [hover(f"{p} ({plural(counts.get(p, 0), 'event')})") for p in frame["person"]]
    for party, rows in frame.groupby("party", sort=True):
        text = [
            f"<b>{hover(r.person)}</b><br>{hover(r.post)}, {hover(r.department)}<br>"
            f"{r.start:%d %b %Y} – {r.end:%d %b %Y}<br>{hover(r.party)}<br>"
            f"{counts.get(r.person, 0)} events linked"
            for r in rows.itertuples(index=False)
        ]
        fig.add_trace(
            go.Bar(
                base=rows["start"].dt.strftime("%Y-%m-%d"),
                x=(rows["end"] - rows["start"]).dt.days.clip(lower=1) * MS_PER_DAY,
                y=rows["lane"],
                orientation="h",
                name=hover(party or "no party"),
                marker={"color": PARTY_COLOURS.get(str(party), OKABE_ITO["grey"])},
                customdata=rows["person"].tolist(),
                text=text,
                textposition="none",
                hovertemplate="%{text}<extra></extra>",
            )
        )
    order = (frame.sort_values("start").drop_duplicates("person")["lane"].tolist())[::-1]
    fig.update_layout(
        height=max(300, 120 + 30 * len(order)),
        barmode="overlay",
        margin={"l": 10, "r": 10, "t": 90, "b": 10},
        plot_bgcolor="white",
        legend={
            "orientation": "h",
            "y": 0.99,
            "yanchor": "top",
            "x": 0,
            "xanchor": "left",
            "yref": "container",
        },
        clickmode="event+select",
    )
    fig.update_xaxes(type="date", showgrid=True, gridcolor="#e5e5e5", side="top")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=order, automargin=True)
    return fig


def counts_figure(counts: pd.DataFrame, column: str) -> go.Figure:
    """Horizontal bars of `counts_by`: one a value, in vocabulary order from the top, each
    with its count written beside it (the values are the contract's vocabulary)."""
    values = counts[column].map(hover).tolist()
    fig = go.Figure(
        go.Bar(
            x=counts["events"].tolist(),
            y=values,
            orientation="h",
            marker={"color": OKABE_ITO["blue"]},
            text=[f"{n:,}" for n in counts["events"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:,} events<extra></extra>",
        )
    )
    fig.update_layout(
        height=240,
        margin={"l": 10, "r": 40, "t": 10, "b": 10},
        plot_bgcolor="white",
        showlegend=False,
        dragmode=False,
    )
    fig.update_xaxes(title="events", showgrid=True, gridcolor="#e5e5e5", fixedrange=True)
    fig.update_yaxes(
        type="category", categoryorder="array", categoryarray=values[::-1], fixedrange=True
    )
    return fig


def counts_by(events: pd.DataFrame, column: str, vocabulary: tuple[str, ...]) -> pd.DataFrame:
    """Event counts for each value of a vocabulary (zeros included), in vocabulary order."""
    counts = events[column].value_counts()  # a category column: counted by its codes
    return pd.DataFrame(
        {column: list(vocabulary), "events": [int(counts.get(v, 0)) for v in vocabulary]}
    )
