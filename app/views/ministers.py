"""The Ministers view: tenures from the reference table as a Gantt chart, with event counts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import figures
from app.context import Context

CHART_KEY = "ministers_chart"
PICK_KEY = "ministers_pick"


def event_counts(events: pd.DataFrame) -> dict[str, int]:
    """Number of events linked to each minister."""
    counts = events["minister"].astype("string").replace("", pd.NA).dropna().value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def _filter_to(person: str) -> None:
    """Filter every view to one minister."""
    st.session_state["f_minister"] = [person]


def _on_pick() -> None:
    """The minister picker changed."""
    person = st.session_state.get(PICK_KEY)
    if person:
        _filter_to(person)


def _on_bar() -> None:
    """A tenure bar was selected on the Gantt chart."""
    for point in st.session_state[CHART_KEY]["selection"]["points"]:
        custom = point.get("customdata")
        person = custom[0] if isinstance(custom, list) and custom else custom
        if isinstance(person, str) and person:
            _filter_to(person)
            return


def tenure_table(ministers: pd.DataFrame, counts: dict[str, int]) -> pd.DataFrame:
    """One row per person and post with dates and the person's event count."""
    frame = ministers[["person", "post", "department", "start", "end", "party"]].copy()
    frame["events linked"] = frame["person"].map(lambda p: counts.get(str(p), 0))
    return frame.sort_values(["start", "person"]).reset_index(drop=True)


def render(ctx: Context) -> None:
    """Gantt of tenures; choosing a minister (picker or bar) filters every view."""
    ministers = ctx.bundle.ministers
    if ministers.empty:
        st.info("No ministers reference table was found, so tenures cannot be drawn.")
        return
    counts = event_counts(ctx.bundle.events)
    people = sorted(set(ministers["person"]) & set(ctx.known.options.values["minister"]))
    st.selectbox(
        "Filter every view by minister",
        people,
        index=None,
        key=PICK_KEY,
        placeholder="Choose a minister",
        on_change=_on_pick,
    )
    st.caption(
        "Bars are posts held, from the ministers reference table; the number after a "
        "name counts that minister's events in the whole corpus. Click a bar to filter."
    )
    if st.toggle("Only ministers linked to events", key="ministers_linked"):
        ministers = ministers[ministers["person"].isin(counts)]
    fig = figures.ministers_figure(ministers, counts)
    st.plotly_chart(
        fig,
        key=CHART_KEY,
        on_select=_on_bar,
        selection_mode="points",
        config={"displaylogo": False},
    )
    st.dataframe(
        tenure_table(ministers, counts),
        hide_index=True,
        column_config={
            "start": st.column_config.DateColumn("From", format="YYYY-MM-DD"),
            "end": st.column_config.DateColumn("To", format="YYYY-MM-DD"),
        },
    )
