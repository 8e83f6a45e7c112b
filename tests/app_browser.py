"""Browser-test helpers: a `streamlit run` server on a free port and Debian's Chromium.

Every browser test reuses these. Playwright never downloads a browser here: it drives
/usr/bin/chromium (or TIMELINE_CHROMIUM). Without Chromium the tests skip, unless
TIMELINE_REQUIRE_BROWSER=1 is set (CI), when they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_location() -> str:
    """Where Chromium should be: TIMELINE_CHROMIUM, `chromium` on PATH, or Debian's path."""
    return os.environ.get("TIMELINE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def chromium_path() -> str:
    """The Chromium executable, or skip/fail the test when there is none."""
    path = chromium_location()
    if Path(path).is_file():
        return path
    message = f"Chromium not found at {path}"
    if os.environ.get("TIMELINE_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " and TIMELINE_REQUIRE_BROWSER=1")
    pytest.skip(message)


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Poll the health endpoint until it answers ok, or fail with the server's output."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"streamlit exited early:\n{proc.stdout.read() if proc.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy within {timeout} s")


@contextmanager
def streamlit_server(processed: Path, reference: Path) -> Iterator[str]:
    """Run `streamlit run dashboard.py` on the given folders; yield its base URL."""
    with streamlit_process(processed, reference) as (url, _):
        yield url


@contextmanager
def streamlit_process(processed: Path, reference: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """Run `streamlit run dashboard.py` on the given folders; yield its URL and process."""
    port = free_port()
    env = {
        **os.environ,
        "TIMELINE_DATA_DIR": str(processed),
        "TIMELINE_REFERENCE_DIR": str(reference),
    }
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "dashboard.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser driven by Playwright."""
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app && app.getAttribute('data-test-script-state');
    return (state === null || state === 'notRunning')
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-testid="stSkeleton"], .stSkeleton')
        && !document.querySelector('[data-stale="true"]');
}"""


def wait_for_app(page, timeout: float = 30_000) -> None:  # noqa: ANN001
    """Wait until the script run finished and the page shows the header line."""
    page.wait_for_selector("text=/events? from/", timeout=timeout)
    page.wait_for_function(IDLE, timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_function(IDLE, timeout=timeout)


def plotted_event_ids(page) -> list[str]:  # noqa: ANN001
    """The event ids drawn by the timeline (read from the plotly graph div's data)."""
    return page.evaluate("""() => {
        const div = document.querySelector('.js-plotly-plot');
        if (!div || !div.data) return null;
        const ids = [];
        for (const t of div.data) {
            if (!t.customdata || t.name === 'selected event') continue;
            for (const c of t.customdata) {
                const v = Array.isArray(c) ? c[0] : c;
                if (typeof v === 'string' && !/^(ref|gov):/.test(v)) ids.push(v);
            }
        }
        return ids;
    }""")


CHART_SUMMARY = """() => {
    const div = document.querySelector('.js-plotly-plot');
    if (!div || !div._fullData) return null;
    const isEvent = v => typeof v === 'string' && !/^(ref|gov):/.test(v);
    const ids = new Set();
    let points = 0, counted = 0, aggregate = false, webgl = false;
    const traces = [];
    for (const t of div._fullData) {
        const custom = (t.customdata || []).map(c => Array.isArray(c) ? c[0] : c);
        const mine = custom.filter(isEvent);
        const perPeriod = (t.name || '').startsWith('events per ');
        if (!mine.length && !perPeriod) continue;
        mine.forEach(id => ids.add(id));
        const n = t.x ? t.x.length : 0;
        points += n;
        traces.push({type: t.type, mode: t.mode || '', points: n});
        if (t.type === 'scattergl') webgl = true;
        if (perPeriod) {
            aggregate = true;
            for (const text of t.text || []) {
                const m = /: ([0-9,]+) events?(?:<br>|$)/.exec(text);
                if (m) counted += Number(m[1].replaceAll(',', ''));
            }
        }
    }
    const mode = aggregate ? 'aggregate' : (webgl ? 'webgl' : 'detail');
    return {mode, traces, points, ids: ids.size, counted};
}"""

SETTLED = """() => new Promise(done => requestAnimationFrame(
    () => requestAnimationFrame(() => done(true))))"""


def chart_summary(page) -> dict | None:  # noqa: ANN001
    """How the timeline draws its events, read from the plotly graph div.

    `mode` is 'aggregate' (counts per lane and period), 'webgl' (scattergl traces) or
    'detail' (SVG markers and bars); `points` counts the points drawn for events, `ids` the
    distinct event ids among them and `counted` the events the aggregate's labels count.
    """
    page.evaluate(SETTLED)
    return page.evaluate(CHART_SUMMARY)


def screenshot(page, name: str) -> Path:  # noqa: ANN001
    """Save a full-page screenshot under tests/artifacts/ and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_briefing(page, timeout: float = 30_000) -> None:  # noqa: ANN001
    """Wait until briefing mode finished running and shows a slide (or its empty message)."""
    page.wait_for_selector(
        ".st-key-briefing_slide .bs, .st-key-briefing_reset", state="attached", timeout=timeout
    )
    page.wait_for_function(IDLE, timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_function(IDLE, timeout=timeout)


@contextmanager
def offline_page(browser, viewport: dict[str, int]) -> Iterator[object]:  # noqa: ANN001
    """A page with no network: every request other than file:// is aborted; dialogs recorded.

    The dialogs seen are in `page.dialogs` (a list of messages); any dialog is dismissed.
    """
    context = browser.new_context(viewport=viewport)
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    context.set_offline(True)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    try:
        yield page
    finally:
        context.close()


def viewport_screenshot(page, name: str) -> Path:  # noqa: ANN001
    """Save what the viewport shows (not the full page) under tests/artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


# --- uploads ------------------------------------------------------------------------------------

# Every text a progress bar shows, even one replaced within the same frame: besides the bars'
# text after each batch of changes, the text a change replaced (characterData's oldValue)
# and the text of nodes removed from a bar, or of bars removed whole, are kept.
RECORD_PROGRESS = """() => {
    window.__progress = [];
    const BAR = '[data-testid="stProgress"]';
    const keep = text => { text = (text || '').trim(); if (text) window.__progress.push(text); };
    const inBar = node => {
        const element = node && (node.nodeType === 1 ? node : node.parentElement);
        return Boolean(element && element.closest(BAR));
    };
    new MutationObserver(records => {
        for (const r of records) {
            if (r.type === 'characterData' && inBar(r.target)) keep(r.oldValue);
            for (const node of r.removedNodes) {
                if (inBar(r.target)) { keep(node.textContent); continue; }
                if (node.nodeType !== 1) continue;
                if (node.matches(BAR)) keep(node.textContent);
                node.querySelectorAll(BAR).forEach(bar => keep(bar.textContent));
            }
        }
        document.querySelectorAll(BAR).forEach(bar => keep(bar.innerText));
    }).observe(document.body, {subtree: true, childList: true, characterData: true,
                               characterDataOldValue: true, attributes: true});
}"""


def upload_files(page, paths: list[Path]) -> None:  # noqa: ANN001
    """Give files to the page's (first) st.file_uploader, as a user choosing them would."""
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        [str(p) for p in paths]
    )


def record_progress(page) -> None:  # noqa: ANN001
    """Start recording the text of every progress bar that appears (read with progress_seen)."""
    page.evaluate(RECORD_PROGRESS)


def progress_seen(page) -> list[str]:  # noqa: ANN001
    """The progress-bar texts seen since record_progress, without repeats."""
    return list(dict.fromkeys(page.evaluate("() => window.__progress || []")))
