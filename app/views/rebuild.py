"""Rebuilding the processed tables from the app, with the progress shown in the page.

One rebuild at a time per server (a lock); the pipeline writes the new tables to a fresh
folder and publishes them in one step, so a failed rebuild leaves the previous tables in use.
After a rebuild the data cache is cleared and the script reruns: the new events appear
without restarting the app.
"""

from __future__ import annotations

import threading

import streamlit as st

from app import data
from app.text import md
from pipeline.build import BuildError, BuildReport, build
from pipeline.reference import ReferenceDataError
from pipeline.schema import SchemaError

_LOCK = threading.Lock()
RESULT_KEY = "_rebuild_result"
# What a build may raise on bad input. Anything else is a bug, still caught at this boundary
# (the page must not show a traceback) but reported as unexpected.
FAILURES = (BuildError, ReferenceDataError, SchemaError, OSError)


def _progress_text(done: int, total: int) -> str:
    """ "Extracted 3 of 10 new or changed documents"."""
    return f"Extracted {done:,} of {total:,} new or changed documents"


def _run_build() -> BuildReport:
    """The pipeline's build on the app's folders, reporting progress to a bar in the page."""
    bar = st.progress(0.0, text="Looking for new and changed documents…")

    def tick(done: int, total: int) -> None:
        bar.progress(done / max(total, 1), text=_progress_text(done, total))

    report = build(
        data.raw_dir(),
        data.data_dir(),
        data.reference_dir(),
        workers=1,
        max_bytes=data.max_bytes(),
        progress=tick,
    )
    bar.progress(1.0, text=_progress_text(report.n_extracted, report.n_extracted))
    return report


def _attempt() -> BuildReport | str:
    """Run the build inside the status box; the report, or the failure's message."""
    try:
        return _run_build()
    except FAILURES as exc:
        return str(exc)
    except Exception as exc:  # the boundary: report any failure as a message, not a traceback
        return f"unexpected error ({type(exc).__name__}: {exc})"


def rebuild(label: str = "Rebuilding the tables…", added: str = "") -> bool:
    """Rebuild with a status box and progress bar; True if new tables were published.

    `label` is markdown (escape any file name in it); `added` names the files just saved.

    On success the summary is kept for `show_result` (the caller reruns the page); on
    failure the error is shown at once.
    """
    if not _LOCK.acquire(blocking=False):
        st.warning("Another rebuild is running; try again when it has finished.")
        return False
    try:
        with st.status(label, expanded=True) as status:
            outcome = _attempt()
            failed = isinstance(outcome, str)
            status.update(
                label="The rebuild failed" if failed else "Rebuilt",
                state="error" if failed else "complete",
            )
    finally:
        _LOCK.release()
    if isinstance(outcome, str):
        st.error(md(failure_message(outcome)))
        return False
    saved = f"Added {added} to the corpus. " if added else ""
    st.session_state[RESULT_KEY] = f"{saved}Rebuilt: {outcome.summary()}."
    st.cache_data.clear()  # the old tables and everything derived from them
    st.cache_resource.clear()
    return True


def failure_message(reason: str) -> str:
    """What to tell the user when a rebuild fails."""
    return (
        f"The rebuild failed: {reason}. The previous tables are still in use and nothing "
        "was lost; fix the problem and rebuild again (Data quality view, Rebuild data)."
    )


def show_result() -> None:
    """Show (once) how the last rebuild of this session ended."""
    message = st.session_state.pop(RESULT_KEY, None)
    if message:
        st.success(md(message))
