"""The Table view, and the event table the Timeline view shares (selection kept in step)."""

from __future__ import annotations

from functools import partial
from urllib.parse import quote

import pandas as pd
import streamlit as st

from app.context import Context
from app.text import plural
from app.views import detail

COLUMNS = [
    "date_start",
    "date_end",
    "date_text",
    "sentence",
    "minister",
    "theme",
    "measure",
    "precision",
    "date_basis",
    "status",
    "date_value",
    "doc_type",
    "doc_title",
    "minister_post",
    "source",
    "event_id",
]
CONFIG = {
    "date_start": st.column_config.DateColumn("From", format="YYYY-MM-DD"),
    "date_end": st.column_config.DateColumn("To", format="YYYY-MM-DD"),
    "date_value": st.column_config.TextColumn("Value"),
    "precision": st.column_config.TextColumn("Precision"),
    "date_basis": st.column_config.TextColumn("Basis"),
    "date_text": st.column_config.TextColumn("Date as written"),
    "status": st.column_config.TextColumn("Status"),
    "minister": st.column_config.TextColumn("Minister"),
    "minister_post": st.column_config.TextColumn("Post"),
    "theme": st.column_config.TextColumn("Theme"),
    "measure": st.column_config.TextColumn("Measure"),
    "doc_type": st.column_config.TextColumn("Type"),
    "doc_title": st.column_config.TextColumn("Document", width="medium"),
    "sentence": st.column_config.TextColumn("Quote", width="large"),
    "source": st.column_config.LinkColumn("Source", display_text="open source"),
    "event_id": st.column_config.TextColumn("Event id"),
}


def table_frame(events: pd.DataFrame) -> pd.DataFrame:
    """The events as shown in the table: chosen columns plus a link to the Sources view."""
    frame = events.copy()
    frame["source"] = "?view=sources&doc=" + frame["doc_id"].map(lambda d: quote(str(d), ""))
    frame = frame[COLUMNS].reset_index(drop=True)
    for col in ("precision", "date_basis", "status", "doc_type"):
        frame[col] = frame[col].astype("string")
    return frame


def _on_row(key: str, ids: list[str]) -> None:
    """A row was (de)selected: make its event the selected one."""
    rows = st.session_state[key]["selection"]["rows"]
    st.session_state["event"] = ids[rows[0]] if rows else ""


def event_table(frame: pd.DataFrame, selected: str, name: str, height: int = 420) -> None:
    """The selectable table; its key follows the selected event so the row stays in step."""
    ids = frame["event_id"].tolist()
    rows = [ids.index(selected)] if selected in ids else []
    key = f"{name}_{selected or 'none'}"
    st.dataframe(
        frame,
        key=key,
        column_config=CONFIG,
        hide_index=True,
        height=height,
        on_select=partial(_on_row, key, ids),
        selection_mode="single-row",
        selection_default={"selection": {"rows": rows}},
        row_height=48,
    )


def downloads(frame: pd.DataFrame) -> None:
    """CSV and JSON downloads of exactly the rows and columns shown."""
    out = frame.drop(columns=["source"])
    a, b = st.columns(2)
    a.download_button(
        "Download CSV",
        out.to_csv(index=False).encode(),
        "events.csv",
        "text/csv",
        key="download_csv",
    )
    b.download_button(
        "Download JSON",
        out.to_json(orient="records", date_format="iso", indent=1).encode(),
        "events.json",
        "application/json",
        key="download_json",
    )


def render(ctx: Context) -> None:
    """The Table view: every filtered event, selectable, sortable and downloadable."""
    frame = table_frame(ctx.shown)
    st.caption(
        f"{plural(len(frame), 'event')}. Click a column header to sort; select a row to see "
        "the event's detail below."
    )
    event_table(frame, str(st.session_state.get("event", "")), "table_view", height=520)
    downloads(frame)
    if st.session_state.get("event"):
        detail.render(ctx, str(st.session_state["event"]))
