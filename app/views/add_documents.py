"""Adding documents from the Sources view: upload, preview with the real pipeline, save, rebuild.

Nothing is written until the user confirms. Each preview comes from `app.upload.check`
(the pipeline's own reading and extraction, on a temporary copy) and is cached on the file's
name, bytes and the data version; the duplicate and name rules are applied on every run
against the raw folder as it is then. Every piece of the file is shown as text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from app import data, upload
from app.context import Context
from app.text import md, plural
from app.views import rebuild
from pipeline.load import SUPPORTED_SUFFIXES
from pipeline.reference import Reference, ReferenceDataError, load_reference

# The uploader accepts any file: with `type=` Streamlit's browser side would only mark a PDF
# with an error icon (and its server side would raise on one that got past the browser), where
# `upload.first_problem` says in words which types work and how to convert.
NONCE_KEY = "_upload_nonce"
RENAME_KEY = "upload_rename"
CONFIRM_KEY = "upload_confirm"
ICONS = {
    upload.READY: ":material/check_circle:",
    upload.DUPLICATE: ":material/content_copy:",
    upload.NAME_TAKEN: ":material/warning:",
    upload.REJECTED: ":material/block:",
    upload.NO_EVENTS: ":material/event_busy:",
}
LABELS = {
    upload.READY: "ready to add",
    upload.DUPLICATE: "duplicate, not added",
    upload.NAME_TAKEN: "name taken, not added",
    upload.REJECTED: "cannot be added",
    upload.NO_EVENTS: "no events, not added",
}


def uploader_key() -> str:
    """The uploader's key: a new key after a save empties the widget."""
    return f"upload_files_{st.session_state.get(NONCE_KEY, 0)}"


@st.cache_resource(show_spinner="Reading the reference tables…", max_entries=2)
def _reference(folder: str, content_hash: str) -> Reference:
    """The pipeline's reference tables (one copy per data version)."""
    del content_hash  # the cache key only
    return load_reference(Path(folder))


@st.cache_data(show_spinner=False, max_entries=64)
def _checked(
    name: str, sha256: str, _data: bytes, folder: str, content_hash: str, limit: int
) -> upload.Preview:
    """The pipeline's preview of one upload (cached on its name, bytes and the data version)."""
    del sha256  # the cache key for the bytes
    return upload.check(upload.Upload(name, _data), _reference(folder, content_hash), limit)


@st.cache_data(show_spinner=False, max_entries=2)
def _texts(content_hash: str, _documents: pd.DataFrame) -> dict[str, str]:
    """Hashes of the built documents' cleaned texts (once per data version)."""
    del content_hash
    return upload.text_digests(_documents)


def previews(ctx: Context, uploads: list[upload.Upload], rename: bool) -> list[upload.Preview]:
    """Each upload's preview and verdict against the corpus as it is now."""
    reference = data.reference_dir()
    content_hash = data.fingerprint(data.data_dir(), reference)
    limit = data.max_bytes()
    checked = [
        _checked(u.name, u.sha256, u.data, str(reference), content_hash, limit) for u in uploads
    ]
    raw = data.raw_dir()
    return upload.plan(
        checked,
        upload.raw_digests(raw, data.file_hash),
        _texts(content_hash, ctx.bundle.documents),
        upload.taken_names(raw),
        rename=rename,
    )


def _document_lines(doc: dict[str, str], n_events: int) -> str:
    """The document's type, title, date, minister and event count as escaped markdown."""
    date = doc.get("doc_date") or "unknown"
    how = doc.get("doc_date_basis", "")
    written = doc.get("doc_date_text", "")
    who = doc.get("lead_minister") or "—"
    post = doc.get("lead_minister_post", "")
    lines = [
        f"**Type:** {md(doc.get('doc_type', ''))}"
        + (f" ({md(doc['house'])})" if doc.get("house") else ""),
        f"**Title:** {md(doc.get('title', '')) or '—'}",
        f"**Date:** {md(date)} ({md(how)}" + (f": “{md(written)}”" if written else "") + ")",
        f"**Minister:** {md(who)}" + (f", {md(post)}" if post else ""),
        f"**Events:** {n_events:,}",
    ]
    return "  \n".join(lines)


def _events_frame(preview: upload.Preview) -> pd.DataFrame:
    """The first events of a preview as a small table (shown as text by the grid)."""
    return pd.DataFrame(
        [(e.date_value, e.date_text, e.date_basis, e.sentence) for e in preview.events],
        columns=["date", "as written", "basis", "quote"],
    )


def show_preview(preview: upload.Preview, index: int) -> None:
    """One upload's verdict, document fields and first events."""
    with st.container(border=True, key=f"upload_preview_{index}"):
        icon = ICONS.get(preview.status, "")
        st.markdown(f"{icon} **{md(preview.name)}** · {LABELS.get(preview.status, preview.status)}")
        if preview.message:
            say = st.caption if preview.ready else st.warning
            say(md(preview.message[:1].upper() + preview.message[1:]) + ".")
        if not preview.document:
            return
        st.markdown(_document_lines(preview.document, preview.n_events))
        if preview.events:
            more = preview.n_events - len(preview.events)
            st.dataframe(_events_frame(preview), hide_index=True, key=f"upload_events_{index}")
            if more > 0:
                st.caption(f"… and {more:,} more.")
        if preview.document.get("warnings"):
            st.caption("Warnings: " + md(preview.document["warnings"]))


def _save_and_rebuild(uploads: list[upload.Upload], checked: list[upload.Preview]) -> None:
    """Save the ready files, rebuild with progress, then rerun with the new tables."""
    try:
        added = upload.save(uploads, checked, data.raw_dir())
    except upload.UploadError as exc:
        st.error(md(f"Nothing was added: {exc}."))
        return
    names = ", ".join(a.target.name for a in added if a.target is not None)
    st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1
    if rebuild.rebuild(f"Saved {md(names)}; rebuilding the tables…", added=names):
        st.rerun()
    st.warning(
        md(f"Saved in the corpus folder: {names}. Their events appear after a successful rebuild.")
    )


def render(ctx: Context) -> None:
    """The uploader, the previews and the confirm button."""
    limit = data.max_bytes()
    st.caption(
        f"Plain text (.txt), Markdown (.md) or saved web pages (.html, .htm), up to "
        f"{upload.human_bytes(limit)} each. Each file is read with the pipeline and "
        "previewed here; nothing is saved until you confirm."
    )
    files = st.file_uploader(
        f"Documents to add ({', '.join(SUPPORTED_SUFFIXES)})",
        accept_multiple_files=True,
        key=uploader_key(),
    )
    if not files:
        return
    uploads = [upload.Upload(f.name, f.getvalue()) for f in files]
    rename = st.checkbox(
        "Allow new names: add a file whose name is taken by a different file as “name (2)”",
        key=RENAME_KEY,
    )
    try:
        checked = previews(ctx, uploads, rename)
    except (ReferenceDataError, data.DataMissingError, OSError) as exc:
        st.error(md(f"The files could not be checked: {exc}."))
        return
    for i, preview in enumerate(checked):
        show_preview(preview, i)
    ready = [p for p in checked if p.ready]
    if not ready:
        st.info("None of these files would add anything; nothing will be saved.")
        return
    n_events = sum(p.n_events for p in ready)
    label = f"Add {plural(len(ready), 'file')} ({plural(n_events, 'event')}) and rebuild"
    if st.button(label, key=CONFIRM_KEY, type="primary"):
        _save_and_rebuild(uploads, checked)
