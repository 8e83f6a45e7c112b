"""The Table view, and the event table the Timeline view shares (selection kept in step)."""

from __future__ import annotations

from functools import partial
from urllib.parse import quote

import pandas as pd
import streamlit as st

from app.context import Context
from app.figures import per_unique
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


TABLE_MAX = 10_000  # rows listed; the downloads hold every row


def _shown_columns(events: pd.DataFrame) -> pd.DataFrame:
    """The table's columns but the link, the vocabulary columns as plain text."""
    frame = events[[c for c in COLUMNS if c != "source"]].reset_index(drop=True)
    for col in ("precision", "date_basis", "status", "doc_type"):
        frame[col] = frame[col].astype("string")
    return frame


def table_frame(events: pd.DataFrame) -> pd.DataFrame:
    """The events as shown in the table: chosen columns plus a link to the Sources view.

    Only the shown columns are taken (not a copy of every column), and each document's
    link is made once: at 80,000 rows these took 0.37 s of a rerun.
    """
    frame = _shown_columns(events)
    links = per_unique(events["doc_id"], lambda d: "?view=sources&doc=" + quote(d, ""))
    frame["source"] = pd.Series(links, dtype="string")
    return frame[COLUMNS]


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


def csv_bytes(events: pd.DataFrame) -> bytes:
    """The events' rows in the table's columns (not the link) as CSV."""
    return _shown_columns(events).to_csv(index=False).encode()


def json_bytes(events: pd.DataFrame) -> bytes:
    """The events' rows in the table's columns (not the link) as JSON records."""
    return _shown_columns(events).to_json(orient="records", date_format="iso", indent=1).encode()


def downloads(events: pd.DataFrame) -> None:
    """CSV and JSON downloads of every filtered event, made when clicked: made on every
    rerun they took 1 s of each one at 80,000 rows."""
    a, b = st.columns(2)
    a.download_button(
        "Download CSV",
        partial(csv_bytes, events),
        "events.csv",
        "text/csv",
        key="download_csv",
        on_click="ignore",
    )
    b.download_button(
        "Download JSON",
        partial(json_bytes, events),
        "events.json",
        "application/json",
        key="download_json",
        on_click="ignore",
    )


def render(ctx: Context) -> None:
    """The Table view: the filtered events, selectable, sortable and downloadable.

    At most TABLE_MAX rows are listed: the table is sent whole to the browser on every
    rerun (37 MB at 80,000 rows of pipeline output: 0.36 s of the rerun, 3 s in Chromium,
    and +290 MB in the server; at 170,000 rows 1.5 s and a peak of 1.4 GB).
    """
    shown = ctx.shown
    over = len(shown) > TABLE_MAX
    latest = over and (
        st.radio(
            "List",
            ("earliest", "latest"),
            format_func=lambda end: f"the {end} {TABLE_MAX:,}",
            horizontal=True,
            key="table_end",
        )
        == "latest"
    )
    frame = table_frame(shown.tail(TABLE_MAX).iloc[::-1] if latest else shown.head(TABLE_MAX))
    listed = (
        f" The {'latest' if latest else 'first'} {TABLE_MAX:,} in date order are listed"
        f"{', latest first' if latest else ''} (sorting sorts those): narrow the filters to "
        "list the others; the downloads hold them all."
        if over
        else ""
    )
    st.caption(
        f"{plural(len(shown), 'event')}.{listed} Click a column header to sort; select a row "
        "to see the event's detail below."
    )
    event_table(frame, str(st.session_state.get("event", "")), "table_view", height=520)
    downloads(shown)
    if st.session_state.get("event"):
        detail.render(ctx, str(st.session_state["event"]))
