"""The Timeline view: events in lanes over government bands, with a detail panel and table."""

from __future__ import annotations

import streamlit as st

from app import data, figures, state
from app.context import Context
from app.views import detail, table

CHART_KEY = "timeline_chart"
TABLE_ROWS = 2_000


def _on_point() -> None:
    """A point was selected on the chart: make its event the selected one."""
    points = st.session_state[CHART_KEY]["selection"]["points"]
    for point in points:
        custom = point.get("customdata")
        value = custom[0] if isinstance(custom, list) and custom else custom
        if isinstance(value, str) and not value.startswith(("ref:", "gov:")):
            st.session_state["event"] = value
            return


def _mode_note(n: int, mode: str, unit: str) -> None:
    """Say how the chart draws `n` events in `mode` (counted per `unit` in the aggregate)."""
    if mode == "aggregate":
        st.info(
            f"{n:,} events are too many to draw one by one: the chart counts them per "
            f"{unit} and lane. Narrow the years or filters to see (and select) single events."
        )
    elif mode == "webgl":
        st.caption(
            f"{n:,} events drawn with WebGL: periods are thin lines with a marker at "
            "the middle of their part in the years shown."
        )


def _controls() -> None:
    """Lane choice and the milestones toggle."""
    left, right = st.columns([3, 2])
    left.radio("Lanes", state.LANES, key="lane", horizontal=True, format_func=state.LANE_LABELS.get)
    right.toggle(
        "Show reference milestones",
        key="milestones",
        help="Dated steps of measures from the reference tables (not from the "
        "documents), drawn as black diamonds on their own lane.",
    )


@st.fragment
def body(ctx: Context) -> None:
    """Chart, detail panel and table; reruns alone when only these change."""
    _controls()
    selected = str(st.session_state.get("event", ""))
    fig = figures.timeline_figure(
        data.with_hover(ctx.bundle, ctx.shown),
        lane=str(st.session_state["lane"]),
        years=ctx.filters.years,
        governments=ctx.bundle.governments,
        milestones=ctx.bundle.milestones,
        show_milestones=bool(st.session_state["milestones"]),
        selected=selected,
    )
    mode = figures.draw_mode(len(ctx.shown))
    unit = figures.aggregate_unit(ctx.filters.years)
    _mode_note(len(ctx.shown), mode, unit)
    st.plotly_chart(
        fig,
        key=CHART_KEY,
        on_select=_on_point,
        selection_mode="points",
        config={"displaylogo": False, "scrollZoom": False},
    )
    if mode == "aggregate":
        st.caption(
            f"Marker size shows how many events a lane has in a {unit}; hover for the count. "
            "Shaded bands are governments. Drag to zoom, double-click to reset."
        )
    else:
        st.caption(
            "Markers are single days (● past, ▶ ongoing, ○ planned); bars span the month, "
            "season, quarter, year or period a statement refers to. Colour shows how the "
            "date was found. Shaded bands are governments. Drag to zoom, double-click to "
            "reset; the slider under the chart moves through time. Click a point for its "
            "quote and source."
        )
    if selected:
        detail.render(ctx, selected)
    frame = table.table_frame(ctx.shown.head(TABLE_ROWS))
    with st.expander(f"Events as a table ({len(ctx.shown):,})", expanded=len(ctx.shown) <= 50):
        if len(ctx.shown) > TABLE_ROWS:
            st.caption(
                f"The first {TABLE_ROWS:,} events; the Table view lists up to "
                f"{table.TABLE_MAX:,} and downloads them all."
            )
        table.event_table(frame, selected, "timeline_table", height=320)
    state.sync_to_url(ctx.known)


def render(ctx: Context) -> None:
    """The Timeline view."""
    body(ctx)
