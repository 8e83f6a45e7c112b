"""The app at 100,000 events in a real browser: how it draws is decided by the data.

One server on the tests' synthetic 100,000-event folder (app_fixtures.write_large). The
test walks the way a user narrows the view: everything (counted per lane and month), one
year (about 5,000 events, WebGL), one year and one theme (a few hundred, every event drawn
as SVG), and back. At each step the expected numbers are computed here from the events
file, not taken from the app. Speed is measured by `make bench` (browser rows), not here.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from app_browser import chart_summary, screenshot, streamlit_server, wait_for_app
from app_fixtures import write_large

pytestmark = [pytest.mark.browser, pytest.mark.slow]
DESKTOP = {"width": 1280, "height": 800}
SLOW = 120_000  # ms: one cold load of 100,000 events on two busy cores
# The timeline's period strokes (path shapes of thousands of characters) in the page.
STROKE_PATHS = """() => Array.from(document.querySelectorAll('.js-plotly-plot .shapelayer path'))
    .filter(p => (p.getAttribute('d') || '').length > 1000).length"""


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory):
    """A streamlit server on 100,000 synthetic events; yields its URL and the events."""
    processed, reference = write_large(tmp_path_factory.mktemp("scale"))
    events = pd.read_parquet(processed / "events.parquet")
    with streamlit_server(processed, reference) as url:
        yield url, events


def header_count(page) -> int:  # noqa: ANN001
    """The number of events the header line says are shown."""
    text = page.get_by_text(re.compile(r"^[0-9,]+ events? from")).first.inner_text()
    return int(text.split(" ")[0].replace(",", ""))


def in_year(events: pd.DataFrame, year: int) -> pd.DataFrame:
    """Events whose period touches `year` (the year filter keeps overlapping periods)."""
    return events[(events["date_end"].dt.year >= year) & (events["date_start"].dt.year <= year)]


def hover_text(page, x: float, y: float) -> str:  # noqa: ANN001
    """Move the mouse to (x, y) in the plot and return the hover label it brings up."""
    page.mouse.move(x, y)
    label = page.locator(".hoverlayer .hovertext").first
    label.wait_for(state="attached", timeout=10_000)
    return label.text_content() or ""


BIGGEST_MARKER = """() => {
    const div = document.querySelector('.js-plotly-plot');
    const t = div._fullData.find(t => (t.name || '').startsWith('events per '));
    const sizes = t.marker.size;
    let best = 0;
    for (let i = 1; i < sizes.length; i++) if (sizes[i] > sizes[best]) best = i;
    const xa = div._fullLayout.xaxis, ya = div._fullLayout.yaxis;
    const box = div.querySelector('.nsewdrag').getBoundingClientRect();
    return {x: box.left + xa.l2p(xa.d2l(t.x[best])), y: box.top + ya.l2p(ya.d2l(t.y[best]))};
}"""


def test_draw_mode_follows_the_number_of_events(browser, large) -> None:  # noqa: ANN001
    url, events = large
    errors: list[str] = []
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(url)
        wait_for_app(page, timeout=SLOW)
        page.wait_for_selector(".js-plotly-plot .scatterlayer", timeout=SLOW)

        # Everything: too many to draw one by one, so counted per theme lane and quarter
        # (19 years shown: months would put 228 markers in a lane, quarters 76).
        assert header_count(page) == len(events) == 100_000
        whole = chart_summary(page)
        quarters = events["date_start"].dt.to_period("Q")
        cells = pd.DataFrame({"quarter": quarters, "theme": events["theme"]}).drop_duplicates()
        assert whole["mode"] == "aggregate"
        assert whole["counted"] == len(events)  # every event counted once
        assert whole["points"] == len(cells)  # one marker per lane and quarter, no more
        assert page.get_by_text("counts them per quarter and lane").is_visible()
        assert page.get_by_text("too many to draw one by one").is_visible()
        screenshot(page, "scale_100k_aggregate_1280x800")

        # The page answers: a hover labels a lane and quarter with its count, a zoom redraws.
        biggest = page.evaluate(BIGGEST_MARKER)
        label = re.fullmatch(
            r"(.+?)([A-Z][a-z]{2})–([A-Z][a-z]{2}) (\d{4}): ([0-9,]+) events?",
            hover_text(page, biggest["x"], biggest["y"]),
        )
        assert label, "the hover label is not a count per lane and quarter"
        lane, first, last, year_text, count = label.groups()
        quarter = pd.Period(f"{first} {year_text}", "Q")
        assert pd.Period(f"{last} {year_text}", "M") == quarter.asfreq("M", "end")
        in_cell = (events["theme"] == lane) & (quarters == quarter)
        assert int(count.replace(",", "")) == int(in_cell.sum()) > 0
        zoomed = page.evaluate("""async () => {
            const div = document.querySelector('.js-plotly-plot');
            await window.Plotly.relayout(div, {'xaxis.range': ['2010-01-01', '2011-01-01']});
            return div._fullLayout.xaxis.range.map(v => String(v).slice(0, 10));
        }""")
        assert zoomed == ["2010-01-01", "2011-01-01"]

        # One year: a few thousand events, each drawn with WebGL.
        page.locator('.st-key-f_years input[type="range"]').nth(1).focus()
        page.keyboard.press("Home")  # the upper thumb down to the lower one: 2004-2004
        page.wait_for_function("() => location.search.includes('year=2004-2004')")
        wait_for_app(page, timeout=SLOW)
        year = in_year(events, 2004)
        assert 2_000 < len(year) <= 10_000
        assert header_count(page) == len(year)
        one_year = chart_summary(page)
        assert one_year["mode"] == "webgl"
        assert {t["type"] for t in one_year["traces"]} == {"scattergl"}
        assert one_year["ids"] == len(year)
        screenshot(page, "scale_one_year_webgl_1280x800")
        # Periods: one long SVG path per date basis, hidden with its markers by the legend.
        assert len(year[year["date_start"] != year["date_end"]]) > 1_000
        strokes = page.evaluate(STROKE_PATHS)
        assert strokes == year["date_basis"].nunique() >= 1
        explicit = page.locator(".legend .traces", has_text="explicit date").locator(
            ".legendtoggle"
        )
        explicit.click()
        page.wait_for_function(f"() => ({STROKE_PATHS})() === {strokes - 1}")
        explicit.click()
        page.wait_for_function(f"() => ({STROKE_PATHS})() === {strokes}")

        # One year and one theme: few enough to draw every event as SVG.
        theme = sorted(year["theme"].unique())[0]
        page.locator(".st-key-f_theme").click()
        page.get_by_role("option", name=theme, exact=True).click()
        page.keyboard.press("Escape")
        # Leave the box: while it has focus a long choice wraps onto a second line, and the
        # box shrinking back on blur would move the buttons below it mid-click.
        page.locator(".st-key-f_theme input").blur()
        page.wait_for_function("() => location.search.includes('theme=')")
        wait_for_app(page, timeout=SLOW)
        few = year[year["theme"] == theme]
        assert 0 < len(few) <= 2_000
        assert header_count(page) == len(few)
        detail = chart_summary(page)
        assert detail["mode"] == "detail"
        assert "scattergl" not in {t["type"] for t in detail["traces"]}
        assert detail["ids"] == len(few)
        screenshot(page, "scale_one_theme_detail_1280x800")

        # Reset: back to counting all 100,000.
        page.get_by_role("button", name="Reset filters").click()
        page.wait_for_function("() => !location.search.includes('year=')")
        wait_for_app(page, timeout=SLOW)
        again = chart_summary(page)
        assert (again["mode"], again["counted"]) == ("aggregate", len(events))
        assert errors == []
    finally:
        context.close()
