"""The Sources view: add documents; read one with its metadata, mentions marked and events."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.context import Context
from app.text import html_text, md
from app.views import add_documents, rebuild, table

KIND_COLOURS = {
    "date": "#cfe6f7",
    "person": "#fbe3b3",
    "measure": "#c7eadf",
    "country": "#f4d5e7",
    "organisation": "#e8e8e8",
    "figure": "#fbf6c0",
}
SHOWN_KINDS = ("date", "person", "measure")


def _mark(piece: str, kind: str, value: str, detail: str) -> str:
    """One escaped mention wrapped in a coloured <mark> with a tooltip."""
    unknown = kind == "person" and not value
    tip = f"{kind}: {value or 'unknown person'}" + (f" ({detail})" if detail else "")
    border = "border:1px dashed #D55E00;" if unknown else ""
    return (
        f'<mark title="{html_text(tip)}" style="background:{KIND_COLOURS[kind]};{border}'
        f'padding:0 2px;border-radius:3px">{html_text(piece)}</mark>'
    )


def marked_html(text: str, mentions: pd.DataFrame, kinds: tuple[str, ...] = SHOWN_KINDS) -> str:
    """The document text as escaped HTML with mentions of `kinds` marked (overlaps skipped)."""
    chosen = mentions[mentions["kind"].isin(kinds)].sort_values(["char_start", "char_end"])
    out: list[str] = []
    at = 0
    for row in chosen.itertuples(index=False):
        start, end = int(row.char_start), int(row.char_end)
        if start < at or end > len(text) or start >= end:
            continue
        out.append(html_text(text[at:start]))
        out.append(_mark(text[start:end], str(row.kind), str(row.value), str(row.detail)))
        at = end
    out.append(html_text(text[at:]))
    return (
        '<div style="white-space:pre-wrap;line-height:1.7;max-height:32rem;overflow:auto;'
        'padding:0.5rem;border:1px solid #ddd;border-radius:6px">' + "".join(out) + "</div>"
    )


def legend_html() -> str:
    """A key to the mention colours."""
    items = [_mark(kind, kind, kind, "") for kind in SHOWN_KINDS]
    unknown = _mark("unknown person", "person", "", "")
    return "<div>Marked: " + " ".join(items) + " " + unknown + "</div>"


@st.cache_resource(max_entries=3)
def document_choices(key: str, _documents: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    """Document ids by date (then id) and each one's label, "date · title", once per data
    version: sorting the documents (texts and all) and labelling them row by row took
    36-180 ms of every rerun at 10,000 documents, 0.54 s at 4,500 before the labels were
    made column by column."""
    order = _documents[["doc_id", "doc_date", "title"]].sort_values(
        ["doc_date", "doc_id"], na_position="last"
    )
    dates = order["doc_date"].dt.strftime("%Y-%m-%d").fillna("undated")
    titles = order["title"].astype("string").fillna("")
    ids = order["doc_id"].astype(str).tolist()
    return ids, dict(zip(ids, dates + " · " + titles, strict=True))


def _date(value: object) -> str:
    """A document date or "undated"."""
    return "undated" if pd.isna(value) else f"{value:%Y-%m-%d}"


def metadata(doc: pd.Series) -> tuple[str, str]:
    """Two markdown columns of the document's metadata, every value escaped."""
    fields = [
        ("Title", doc["title"]),
        ("Type", doc["doc_type"]),
        ("House", doc["house"]),
        ("Date", _date(doc["doc_date"])),
        ("Date basis", doc["doc_date_basis"]),
        ("Date as written", doc.get("doc_date_text", "")),
        ("Events", doc["n_events"]),
        ("Lead minister", doc["lead_minister"]),
        ("Post", doc["lead_minister_post"]),
        ("Asker", doc.get("asker", "")),
        ("Government", doc["government"]),
        ("File", doc["source_path"]),
        ("Encoding", doc["encoding"]),
        ("Warnings", doc.get("warnings", "")),
    ]
    lines = [f"**{k}:** {md(v) if str(v) not in ('', '<NA>') else '—'}" for k, v in fields]
    return "  \n".join(lines[:7]), "  \n".join(lines[7:])


def render(ctx: Context) -> None:
    """Add documents; pick one to read its metadata, marked text, furniture and events."""
    rebuild.show_result()
    with st.expander("Add documents to the corpus", icon=":material/upload_file:"):
        add_documents.render(ctx)
    documents = ctx.bundle.documents
    doc_ids, labels = document_choices(ctx.bundle.key, documents)
    st.selectbox(
        "Document",
        ["", *doc_ids],
        key="doc",
        format_func=lambda d: labels.get(d, "Choose a document…"),
    )
    doc_id = str(st.session_state.get("doc", ""))
    if not doc_id:
        st.info(
            f"{len(documents):,} documents. Choose one to read it with its dates, people "
            "and measures marked."
        )
        return
    doc = documents[documents["doc_id"] == doc_id].iloc[0]
    left, right = st.columns(2)
    first, second = metadata(doc)
    left.markdown(first)
    right.markdown(second)
    mentions = ctx.bundle.mentions[ctx.bundle.mentions["doc_id"] == doc_id]
    st.html(legend_html())
    st.html(marked_html(str(doc.get("text", "")), mentions))
    with st.expander("Stripped page furniture (navigation, cookie banners, footers)"):
        furniture = str(doc.get("furniture", ""))
        st.text(furniture if furniture.strip() else "(nothing was stripped)")
    produced = ctx.bundle.events[
        ctx.bundle.events["event_id"].notna() & (ctx.bundle.events["doc_id"] == doc_id)
    ]
    st.markdown(f"**Events from this document:** {len(produced)}")
    if len(produced):
        frame = table.table_frame(produced).drop(columns=["source", "doc_title"])
        st.dataframe(frame, hide_index=True, column_config=table.CONFIG)
