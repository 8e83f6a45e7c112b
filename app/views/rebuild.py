"""Rebuilding the processed tables from the app, with the progress shown in the page.

The build runs as the pipeline's command line in a child process (`python -m pipeline
build --json`), which reports its progress and its outcome one JSON line at a time:

- it extracts on every core the server may use. The server has threads of its own, and
  forking a process with threads running can copy a lock that one of them held into
  the workers (a deadlock), so a build inside the server could only use one core;
  the child forks its workers from its only thread;
- the build's memory is the child's, returned when it ends. A 10,000-file build run in
  the server left it 420 MB larger afterwards, on top of the tables it serves;
- a crash of the build cannot take the server down with it;
- a build goes on when its page stops: Streamlit stops a run when the user clicks
  elsewhere meanwhile, and the build then finishes on its own (a thread reads what it
  writes). Its tables are published as usual and every page shows them on its next run,
  since the data is cached by the content of its files.

One rebuild at a time per server: another is refused while the last one's process runs
(and the pipeline holds the output folder against builds from elsewhere). The pipeline
writes the new tables to a fresh folder and publishes them in one step, so a failed
rebuild leaves the previous tables in use. After a rebuild the data cache is cleared and
the script reruns: the new events appear without restarting the app.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable

import streamlit as st

from app import data
from app.text import md
from pipeline.build import ROOT, BuildError, BuildReport

_GUARD = threading.Lock()  # held while looking at or starting the rebuild's process
_CHILD: list[subprocess.Popen] = []  # the last rebuild's process (running or ended)
BUSY = "another rebuild is running; try again when it has finished"
RESULT_KEY = "_rebuild_result"
UP_TO_DATE = (
    "Nothing to rebuild: the tables were built from exactly these files, with this "
    "pipeline, these reference tables and these settings."
)
# How a build fails: with the child's message (bad input, another build at work, a full
# disk), or the child could not be started. Anything else is a bug, still caught at this
# boundary (the page must not show a traceback) but reported as unexpected.
FAILURES = (BuildError, OSError)


def _progress_text(done: int, total: int) -> str:
    """ "Extracted 3 of 10 new or changed documents"."""
    return f"Extracted {done:,} of {total:,} new or changed documents"


def build_command() -> list[str]:
    """The pipeline's build on the app's folders, as a command reporting in JSON lines."""
    return [
        sys.executable,
        "-m",
        "pipeline",
        "build",
        "--raw",
        str(data.raw_dir().resolve()),
        "--out",
        str(data.data_dir().resolve()),
        "--reference",
        str(data.reference_dir().resolve()),
        "--max-bytes",
        str(data.max_bytes()),
        "--if-stale",  # tables built from exactly these files, code and settings are kept
        "--json",
    ]


def follow(lines: Iterable[str], tick: Callable[[int, int], None]) -> BuildReport:
    """The report at the end of a build's JSON lines, calling `tick` on each progress
    line; BuildError with the build's message when it failed, or with the last other
    line it wrote when it stopped without saying why (a crash: the error's line reaches
    the page, the traceback above it does not)."""
    other: deque[str] = deque(maxlen=1)  # the last other line it wrote
    for line in lines:
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            if line.strip():
                other.append(line.strip())
        elif "progress" in message:
            tick(*message["progress"])
        elif "report" in message:
            return BuildReport(**message["report"])
        elif "error" in message:
            raise BuildError(message["error"])
    said = f": {other[0]}" if other else ""
    raise BuildError(f"the build stopped before it finished{said}")


def _running() -> bool:
    """True while the last rebuild's process runs (the caller holds `_GUARD`)."""
    return bool(_CHILD) and _CHILD[-1].poll() is None


def busy() -> bool:
    """True while the last rebuild's process runs."""
    with _GUARD:
        return _running()


def _start() -> subprocess.Popen:
    """Start the build's process; BuildError while another rebuild's still runs."""
    with _GUARD:
        if _running():
            raise BuildError(BUSY)
        child = subprocess.Popen(  # noqa: S603 (our own interpreter and module, no shell)
            build_command(),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # one pipe, read as it comes: the child never blocks
            text=True,
        )
        _CHILD[:] = [child]
        return child


def _end(child: subprocess.Popen) -> None:
    """Wait for a build that has said how it ended (or stopped writing), then close its pipe."""
    child.wait()
    assert child.stdout is not None
    child.stdout.close()


def _finish_alone(child: subprocess.Popen) -> None:
    """Let a build whose page stopped finish in the background: read and drop what it
    writes (a full pipe would stop it), then reap it."""

    def finish() -> None:
        assert child.stdout is not None
        for _ in child.stdout:
            pass
        _end(child)

    threading.Thread(target=finish, name="rebuild-finishing", daemon=True).start()


def _run_build() -> BuildReport:
    """Run the build in a child process, its progress shown in a bar in the page."""
    bar = st.progress(0.0, text="Looking for new and changed documents…")
    shown = [-1]  # the percentage the bar shows: a message per percent, not per document

    def tick(done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent != shown[0]:
            shown[0] = percent
            bar.progress(percent / 100, text=_progress_text(done, total))

    child = _start()
    assert child.stdout is not None
    try:
        report = follow(child.stdout, tick)
    except BuildError:  # the build said why it failed, or ended without a word
        _end(child)
        raise
    except BaseException:  # the page stopped (Streamlit's way: an exception at `bar`)
        _finish_alone(child)
        raise
    _end(child)
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
    """Rebuild with a status box and progress bar; True if new tables were published
    (False also when the tables are up to date with the corpus folder: nothing to do).

    `label` is markdown (escape any file name in it); `added` names the files just saved.

    On success the summary is kept for `show_result` (the caller reruns the page); on
    failure the error is shown at once.
    """
    if busy():
        st.warning(f"{BUSY[0].upper()}{BUSY[1:]}.")
        return False
    with st.status(label, expanded=True) as status:
        outcome = _attempt()
        failed = isinstance(outcome, str)
        done = "Up to date" if not failed and outcome.skipped else "Rebuilt"
        status.update(
            label="The rebuild failed" if failed else done,
            state="error" if failed else "complete",
        )
    if isinstance(outcome, str):
        st.error(md(failure_message(outcome)))
        return False
    if outcome.skipped:
        st.info(UP_TO_DATE)
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
