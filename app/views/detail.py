"""The detail panel of one event: quote with its date highlighted, source and derivation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Context
from app.text import html_text, md

DERIVATION = {
    "explicit": "The sentence gives the date in full: “{text}”, read as {value} ({precision}).",
    "relative": "The sentence says “{text}”, resolved against the document's date ({doc_date})"
    " to {value} ({precision}).",
    "document": "The sentence has no date of its own, so the document's date ({doc_date}) is used.",
    "inferred": "The document carries no date; its date ({doc_date}) was inferred, so treat "
    "this date with care.",
}


def quote_html(sentence: str, date_text: str) -> str:
    """The quote as escaped HTML, the date expression wrapped in <mark>."""
    at = sentence.find(date_text) if date_text else -1
    if at < 0:
        return f'<blockquote style="{_QUOTE}">{html_text(sentence)}</blockquote>'
    end = at + len(date_text)
    return (
        f'<blockquote style="{_QUOTE}">{html_text(sentence[:at])}'
        f'<mark style="background:#F0E442;padding:0 2px">{html_text(sentence[at:end])}'
        f"</mark>{html_text(sentence[end:])}</blockquote>"
    )


_QUOTE = (
    "margin:0;padding:0.4rem 0.8rem;border-left:4px solid #0072B2;font-size:1.05rem;"
    "white-space:pre-wrap"
)


def derivation(event: pd.Series) -> str:
    """How the event's date was derived, in one plain sentence (unescaped)."""
    doc_date = event["doc_date"]
    text = DERIVATION.get(str(event["date_basis"]), "")
    return text.format(
        text=event["date_text"],
        value=event["date_value"],
        precision=event["precision"],
        doc_date="undated" if pd.isna(doc_date) else f"{doc_date:%d %B %Y}",
    )


def _open_source(doc_id: str) -> None:
    """Ask the next full run to switch to the Sources view on `doc_id`."""
    st.session_state["_goto_doc"] = doc_id


def _clear() -> None:
    """Forget the selected event."""
    st.session_state["event"] = ""


def _field(label: str, value: object) -> str:
    """A markdown line "**label:** value" with the value escaped (— if blank)."""
    shown = md(value) if value is not None and str(value) not in ("", "nan", "NaT") else "—"
    return f"**{label}:** {shown}"


def render(ctx: Context, event_id: str) -> None:
    """Draw the detail panel for `event_id` (nothing if it is unknown)."""
    events = ctx.bundle.events
    hit = events[events["event_id"] == event_id]
    if hit.empty:
        return
    event = hit.iloc[0]
    with st.container(border=True, key="detail_panel"):
        st.markdown(f"#### Selected event · {md(event['date_value'])}")
        if event_id not in set(ctx.shown["event_id"]):
            st.caption("This event is outside the current filters.")
        st.html(quote_html(str(event["sentence"]), str(event["date_text"])))
        st.markdown("**How the date was derived.** " + md(derivation(event)))
        left, right = st.columns(2)
        left.markdown(
            "  \n".join(
                [
                    _field("Date as written", event["date_text"] or "(none)"),
                    _field("Value", event["date_value"]),
                    _field("Precision", event["precision"]),
                    _field("Basis", event["date_basis"]),
                    _field("Status", event["status"]),
                    _field("Minister", event["minister"]),
                    _field("Post", event["minister_post"]),
                    _field("Measure", event["measure"]),
                    _field("Theme", event["theme"]),
                ]
            )
        )
        doc_date = event["doc_date"]
        right.markdown(
            "  \n".join(
                [
                    _field("Document", event["doc_title"]),
                    _field("Type", event["doc_type"]),
                    _field("House", event["house"]),
                    _field("Document date", None if pd.isna(doc_date) else f"{doc_date:%d %B %Y}"),
                    _field("File", event["source_path"]),
                    _field("Event id", event["event_id"]),
                ]
            )
        )
        a, b = st.columns(2)
        if a.button("Open the source document", key="detail_open_source"):
            _open_source(str(event["doc_id"]))
            st.rerun(scope="app")
        b.button("Clear selection", key="detail_clear", on_click=_clear)
