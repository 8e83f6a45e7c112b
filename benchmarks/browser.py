"""The app in headless Chromium: what a user waits for, and what the page holds.

`measure_browser` starts `streamlit run dashboard.py` on a processed folder, opens it in
Debian's Chromium through Playwright (the browser tests' helpers, tests/app_browser.py)
and times, from the user's side:

- the cold load: from navigation until the script has finished and the chart is drawn;
- a hover: from moving the mouse onto a point until its label is in the page;
- a zoom: `Plotly.relayout` of the x axis to a tenth of its range, until redrawn;
- two filter changes with the keyboard on the year slider (the upper thumb down to the
  lower one, then back up), each until the new chart is drawn; Streamlit sends a slider's
  value after a short debounce, which these times include;
- a hover after the first filter change (another draw mode, when the data decide so).

For each step it records the draw mode and points drawn, and the main thread's long tasks
(over 50 ms, from the browser's PerformanceObserver): the longest, and the blocking time
(the sum of each task's time over 50 ms), which is how long the page could not answer.
Memory: the peak resident set of the Streamlit server process and of the largest
Chromium renderer (from /proc), and the page's JavaScript heap at the end.

Hover times include Playwright's round trips to the browser (a few milliseconds).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = {"width": 1280, "height": 800}
WAIT_MS = 300_000

LONG_TASKS = """(() => {
    window.__longTasks = [];
    try {
        new PerformanceObserver(list => {
            for (const e of list.getEntries()) window.__longTasks.push(e.duration);
        }).observe({type: 'longtask', buffered: true});
    } catch (e) { window.__longTasks = null; }
})();"""

TAKE_TASKS = """() => {
    const tasks = window.__longTasks;
    if (tasks === null || tasks === undefined) return null;
    window.__longTasks = [];
    return tasks;
}"""

# A point of the first event trace drawn with markers, in page pixels: the middle one of
# those inside the plot area and the window (a period's midpoint may lie outside the years
# shown, and a tall chart below the window's bottom edge, where the mouse cannot go).
SOME_POINT = """() => {
    const div = document.querySelector('.js-plotly-plot');
    const isEvent = v => typeof v === 'string' && !/^(ref|gov):/.test(v);
    const xa = div._fullLayout.xaxis, ya = div._fullLayout.yaxis;
    const box = div.querySelector('.nsewdrag').getBoundingClientRect();
    for (const t of div._fullData) {
        const custom = (t.customdata || []).map(c => Array.isArray(c) ? c[0] : c);
        const events = (t.name || '').startsWith('events per ') || custom.some(isEvent);
        if (!events || !String(t.mode || '').includes('markers') || !t.x || !t.x.length) continue;
        const inside = [];
        for (let i = 0; i < t.x.length; i++) {
            const x = xa.l2p(xa.d2l(t.x[i])), y = ya.l2p(ya.d2l(t.y[i]));
            const seen = box.top + y >= 0 && box.top + y < window.innerHeight;
            if (x >= 0 && x <= box.width && y >= 0 && y <= box.height && seen) inside.push({x, y});
        }
        if (!inside.length) continue;
        const p = inside[Math.floor(inside.length / 2)];
        return {x: box.left + p.x, y: box.top + p.y};
    }
    return null;
}"""

CHART_OR_NOTHING = """() => document.querySelector('.js-plotly-plot .main-svg')
    || document.body.innerText.includes('No events match')"""

ZOOM = """async () => {
    const div = document.querySelector('.js-plotly-plot');
    const [lo, hi] = div._fullLayout.xaxis.range.map(v => new Date(v).getTime());
    const middle = (lo + hi) / 2, half = (hi - lo) / 20;
    const started = performance.now();
    await window.Plotly.relayout(div, {'xaxis.range': [
        new Date(middle - half).toISOString(), new Date(middle + half).toISOString()]});
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    return performance.now() - started;
}"""

UNZOOM = """async () => {
    const div = document.querySelector('.js-plotly-plot');
    await window.Plotly.relayout(div, {'xaxis.autorange': true});
}"""


def _status_mb(pid: int, field: str) -> float | None:
    """A memory line (e.g. VmHWM) of /proc/PID/status in MB, or None if unreadable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, IndexError):
        return None
    return None


def _descendants(root: int) -> list[int]:
    """Process ids below `root` (children, their children, ...), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def renderer_peak_mb() -> float | None:
    """The largest peak resident set among this process's Chromium renderers."""
    peaks = []
    for pid in _descendants(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"--type=renderer" in command:
            peaks.append(_status_mb(pid, "VmHWM"))
    return max((p for p in peaks if p is not None), default=None)


def _tasks(page: Any) -> dict[str, Any]:
    """The longest main-thread task and the blocking time since the last call, in ms."""
    tasks = page.evaluate(TAKE_TASKS)
    if tasks is None:
        return {"longest_task_ms": None, "blocking_ms": None}
    return {
        "longest_task_ms": round(max(tasks, default=0.0), 1),
        "blocking_ms": round(sum(max(0.0, t - 50) for t in tasks), 1),
    }


def _drawn(page: Any, helpers: Any) -> dict[str, Any]:
    """The chart's draw mode and points, once it is drawn (None when nothing matches)."""
    page.wait_for_function(CHART_OR_NOTHING, timeout=WAIT_MS)
    summary = helpers.chart_summary(page) or {}
    return {"mode": summary.get("mode"), "points": summary.get("points")}


def _hover(page: Any) -> dict[str, Any]:
    """Seconds from moving onto a drawn point until its hover label is in the page."""
    where = page.evaluate(SOME_POINT)
    if not where:
        return {"seconds": None, "error": "no point to hover"}
    page.mouse.move(1, 1)
    page.wait_for_selector(".hoverlayer .hovertext", state="detached", timeout=WAIT_MS)
    started = time.perf_counter()
    page.mouse.move(where["x"], where["y"])
    page.wait_for_selector(".hoverlayer .hovertext", state="attached", timeout=10_000)
    seconds = time.perf_counter() - started
    page.mouse.move(1, 1)
    return {"seconds": seconds} | _tasks(page)


YEAR_PARAM = "() => new URLSearchParams(location.search).get('year')"


def _years(page: Any, helpers: Any, key: str) -> dict[str, Any]:
    """Press `key` on the year slider's upper thumb; seconds until the new chart is drawn.

    The new run is known by the page's URL: its `year` parameter changes (it is absent
    when the years are the defaults, which need not be the data's whole range).
    """
    thumb = page.locator('.st-key-f_years input[type="range"]').nth(1)
    thumb.focus()
    _tasks(page)
    before = page.evaluate(YEAR_PARAM)
    started = time.perf_counter()
    page.keyboard.press(key)
    page.wait_for_function(f"(before) => ({YEAR_PARAM})() !== before", arg=before,
                           timeout=WAIT_MS)  # fmt: skip
    helpers.wait_for_app(page, timeout=WAIT_MS)
    drawn = _drawn(page, helpers)
    seconds = time.perf_counter() - started
    thumb.blur()
    return {"seconds": seconds, "range": page.evaluate(YEAR_PARAM)} | drawn | _tasks(page)


def _steps(page: Any, url: str, helpers: Any) -> dict[str, dict[str, Any]]:
    """Every timed step, in order, on a fresh page."""
    steps: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    page.goto(url)
    helpers.wait_for_app(page, timeout=WAIT_MS)
    drawn = _drawn(page, helpers)
    steps["cold load"] = {"seconds": time.perf_counter() - started} | drawn | _tasks(page)
    steps["hover"] = _hover(page) | {"mode": drawn["mode"]}
    steps["zoom"] = {"seconds": page.evaluate(ZOOM) / 1000, "mode": drawn["mode"]} | _tasks(page)
    page.evaluate(UNZOOM)
    narrowed = _years(page, helpers, "Home")
    steps["years: upper thumb to the lower"] = narrowed
    steps["hover after it"] = _hover(page) | {"mode": narrowed["mode"]}
    steps["years back to all"] = _years(page, helpers, "End")
    return steps


def measure_browser(processed: str, reference: str) -> dict[str, Any]:
    """Time the app at the folder's size in headless Chromium; see the module's doc."""
    sys.path.insert(0, str(ROOT / "tests"))
    import app_browser as helpers
    from playwright.sync_api import Error as PlaywrightError

    if not Path(helpers.chromium_location()).is_file():
        return {"error": "Chromium not found (install Debian's chromium or set TIMELINE_CHROMIUM)"}
    result: dict[str, Any] = {}
    with (
        helpers.streamlit_process(Path(processed), Path(reference)) as (url, server),
        helpers.chromium() as browser,
    ):
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(LONG_TASKS)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            result["steps"] = _steps(page, url, helpers)
        except PlaywrightError as exc:
            result["error"] = f"the page did not answer: {str(exc).splitlines()[0]}"
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        result["js_heap_mb"] = round(metrics.get("JSHeapUsedSize", 0) / 1e6, 1)
        result["renderer_peak_mb"] = renderer_peak_mb()
        result["page_errors"] = errors
        server_peak = _status_mb(server.pid, "VmHWM")
    return result | {"server_peak_mb": server_peak}
