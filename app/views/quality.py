"""The Data quality view: how dates were found, what is undated, unknown or rejected."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import data
from app.context import Context
from app.figures import counts_by, counts_figure
from app.text import md
from app.views import rebuild
from pipeline import schema

# A document's date is a day: shown without the midnight its timestamp carries.
DATE_COLUMNS = {"doc_date": st.column_config.DateColumn("doc_date", format="YYYY-MM-DD")}
# Counts with thousands separators, as the bars beside them print them.
COUNT_COLUMNS = {"events": st.column_config.NumberColumn("events", format="localized")}


def unknown_people(mentions: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Person mentions the reference table could not resolve, with their document."""
    people = mentions[(mentions["kind"] == "person") & (mentions["value"] == "")]
    titles = documents.set_index("doc_id")["title"]
    out = people[["text", "doc_id"]].copy()
    out["document"] = out["doc_id"].map(titles)
    return out.rename(columns={"text": "name as written"}).reset_index(drop=True)


def doubtful_documents(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents whose own date is inferred or unknown."""
    doubtful = documents[documents["doc_date_basis"].astype("string") != "explicit"]
    return doubtful[["doc_id", "title", "doc_date_basis", "doc_date", "source_path"]].reset_index(
        drop=True
    )


def warnings_table(build: dict, documents: pd.DataFrame) -> pd.DataFrame:
    """Build warnings and per-document warnings in one table."""
    rows = [("build", str(w)) for w in build.get("warnings", []) or []]
    if "warnings" in documents:
        flagged = documents[documents["warnings"].astype("string").fillna("") != ""]
        rows += list(
            zip(flagged["source_path"].astype(str), flagged["warnings"].astype(str), strict=True)
        )
    return pd.DataFrame(rows, columns=["where", "warning"])


def render(ctx: Context) -> None:
    """Counts by basis and precision, the lists a careful reader should check, a rebuild."""
    rebuild.show_result()
    events, bundle = ctx.shown, ctx.bundle
    st.caption(
        f"Counts over the {len(events):,} events that pass the current filters; the "
        "lists below cover the whole corpus."
    )
    left, right = st.columns(2)
    for col, column, vocab, title in (
        (left, "date_basis", schema.DATE_BASES, "By date basis"),
        (right, "precision", schema.PRECISIONS, "By precision"),
    ):
        col.markdown(f"**{title}**")
        counts = counts_by(events, column, vocab)
        col.plotly_chart(
            counts_figure(counts, column),
            key=f"quality_{column}",
            config={"displaylogo": False, "displayModeBar": False},
        )
        col.dataframe(counts, hide_index=True, column_config=COUNT_COLUMNS)
    sections = [
        ("Undated and inferred documents", doubtful_documents(bundle.documents)),
        (
            "Unknown people (named but not in the reference tables)",
            unknown_people(bundle.mentions, bundle.documents),
        ),
        ("Rejected files", bundle.rejected),
        ("Build warnings", warnings_table(bundle.build, bundle.documents)),
    ]
    for title, frame in sections:
        st.markdown(f"**{title}:** {len(frame):,}")
        if len(frame):
            st.dataframe(frame, hide_index=True, column_config=DATE_COLUMNS)
    rebuild_action()


def rebuild_action() -> None:
    """Rebuild the tables from the corpus folder (for files added or changed by hand)."""
    st.markdown("**Rebuild the data**")
    st.caption(
        f"Reads every file in {md(str(data.raw_dir()))} again: documents unchanged since the "
        "last build come from its cache, new and changed ones are extracted. Use it after "
        "adding, changing or removing files by hand. The current tables stay in use until "
        "the new ones are ready."
    )
    if rebuild.busy():
        st.info(
            "A rebuild started earlier is still running (the page it was started from was "
            "left). Its tables appear on the first run of the page after it has finished."
        )
    clicked = st.button("Rebuild data", key="quality_rebuild", icon=":material/refresh:")
    if clicked and rebuild.rebuild():
        st.rerun()
