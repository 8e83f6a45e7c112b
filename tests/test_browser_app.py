"""Real-browser tests: streamlit run + Debian Chromium through Playwright.

One server and one browser serve the whole module. Screenshots land in tests/artifacts/.
"""

from __future__ import annotations

import re

import pytest
from app_browser import plotted_event_ids, screenshot, streamlit_server, wait_for_app
from app_fixtures import EVENTS, write_small

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 400, "height": 860}
DOCUMENT_MARKUP_CHECK = """() => ({
    img: document.querySelectorAll('img[src="x"], img[onerror], [onerror]').length,
    js: [...document.querySelectorAll('a[href]')].filter(
            a => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')).length,
    script: [...document.querySelectorAll('script')].filter(
            s => s.textContent.includes('alert(1)')).length,
})"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A streamlit server on the small synthetic folders."""
    processed, reference = write_small(tmp_path_factory.mktemp("browser"))
    with streamlit_server(processed, reference) as url:
        yield url


@pytest.fixture
def page(browser):
    """A fresh desktop-sized page."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    yield page
    context.close()


def open_app(page, server: str, query: str = "") -> None:  # noqa: ANN001
    """Load the app (optionally with a query) and wait for it to finish running."""
    page.goto(f"{server}/{query}")
    wait_for_app(page)


def chart_ids(page) -> list[str]:  # noqa: ANN001
    """Event ids drawn on the timeline, once the chart is there."""
    page.wait_for_selector(".js-plotly-plot .scatterlayer", timeout=20_000)
    return sorted(plotted_event_ids(page))


def click_event(page, event_id: str) -> None:  # noqa: ANN001
    """Click the timeline marker or bar of `event_id` at its pixel position."""
    where = page.evaluate(
        """(id) => {
        const div = document.querySelector('.js-plotly-plot');
        const xa = div._fullLayout.xaxis, ya = div._fullLayout.yaxis;
        for (const t of div.data) {
            if (!t.customdata || t.name === 'selected event') continue;
            const i = t.customdata.indexOf(id);
            if (i < 0) continue;
            let x = t.x[i];
            if (t.type === 'bar') {
                x = new Date(new Date(t.base[i]).getTime() + t.x[i] / 2).toISOString();
            }
            const box = div.querySelector('.nsewdrag').getBoundingClientRect();
            return {x: box.left + xa.l2p(xa.d2l(x)), y: box.top + ya.l2p(ya.d2l(t.y[i]))};
        }
        return null;
    }""",
        event_id,
    )
    assert where, f"{event_id} is not drawn"
    page.mouse.click(where["x"], where["y"])


def test_timeline_draws_every_event(page, server: str) -> None:
    open_app(page, server)
    assert chart_ids(page) == sorted(e[0] for e in EVENTS)
    assert page.get_by_text("12 events from 6 documents").is_visible()
    screenshot(page, "timeline_1280x800")
    assert page.evaluate(DOCUMENT_MARKUP_CHECK) == {"img": 0, "js": 0, "script": 0}


def test_year_slider_and_minister_filter(page, server: str) -> None:
    open_app(page, server)
    thumbs = page.locator('.st-key-f_years input[type="range"]')
    thumbs.nth(0).focus()
    for _ in range(6):  # 2008 -> 2014
        page.keyboard.press("ArrowRight")
    wait_for_app(page)
    page.wait_for_function("() => location.search.includes('year=2014-2019')")
    assert chart_ids(page) == ["e03", "e04", "e05", "e06", "e07", "e08", "e09", "e11"]
    box = page.locator(".st-key-f_minister")
    box.click()
    page.keyboard.type("Theresa")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('minister=Theresa+May')")
    wait_for_app(page)
    assert chart_ids(page) == ["e03", "e04", "e05", "e06"]
    assert page.get_by_text("4 events from 1 document").is_visible()
    screenshot(page, "timeline_filtered_1280x800")


def test_select_point_opens_detail_panel(page, server: str) -> None:
    open_app(page, server)
    chart_ids(page)
    click_event(page, "e10")
    page.wait_for_selector(".st-key-detail_panel", timeout=20_000)
    wait_for_app(page)
    panel = page.locator(".st-key-detail_panel").inner_text()
    assert "Selected event" in panel
    assert "<script>alert(1)</script>" in panel  # shown as text
    assert "The sentence gives the date in full" in panel
    assert re.search(r"event=e10", page.url)
    assert page.locator(".st-key-detail_panel mark").inner_text() == "2 May 2012"
    assert page.evaluate(DOCUMENT_MARKUP_CHECK) == {"img": 0, "js": 0, "script": 0}
    ring = page.evaluate("""() => document.querySelector('.js-plotly-plot').data
        .filter(t => t.name === 'selected event').map(t => t.customdata[0])""")
    assert ring == ["e10"]
    # the table under the chart is re-keyed on the selection, with the event's row selected
    assert page.locator(".st-key-timeline_table_e10").count() == 1
    page.locator(".st-key-detail_panel").scroll_into_view_if_needed()
    screenshot(page, "timeline_selected_1280x800")


def test_select_bar_opens_detail_panel(page, server: str) -> None:
    open_app(page, server)
    chart_ids(page)
    click_event(page, "e05")
    page.wait_for_selector(".st-key-detail_panel", timeout=20_000)
    assert "next year" in page.locator(".st-key-detail_panel").inner_text()


def test_selecting_a_table_row_selects_the_event(page, server: str) -> None:
    open_app(page, server)
    grid = page.locator(".st-key-timeline_table_none [data-testid='stDataFrame']")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 24)  # first row's selection checkbox
    page.wait_for_selector(".st-key-detail_panel", timeout=20_000)
    wait_for_app(page)
    assert "December 2008" in page.locator(".st-key-detail_panel").inner_text()
    assert "event=e12" in page.url
    ring = page.evaluate("""() => document.querySelector('.js-plotly-plot').data
        .filter(t => t.name === 'selected event').map(t => t.customdata[0])""")
    assert ring == ["e12"]
    screenshot(page, "table_row_selected_1280x800")


def test_sources_view_shows_markup_as_text(page, server: str) -> None:
    open_app(page, server, "?view=sources&doc=d5")
    page.wait_for_selector("mark")
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "<img src=x onerror=alert(1)>" in body
    assert page.evaluate(DOCUMENT_MARKUP_CHECK) == {"img": 0, "js": 0, "script": 0}
    page.get_by_text("Stripped page furniture").click()
    page.get_by_text("Cookies on GOV.UK").wait_for()
    assert page.evaluate(DOCUMENT_MARKUP_CHECK) == {"img": 0, "js": 0, "script": 0}
    screenshot(page, "sources_1280x800")


@pytest.mark.parametrize("view", ["table", "ministers", "quality", "about"])
def test_other_views_render(page, server: str, view: str) -> None:
    open_app(page, server, f"?view={view}")
    assert not page.locator('[data-testid="stException"]').count()
    screenshot(page, f"{view}_1280x800")


def test_hostile_url_shows_notice(page, server: str) -> None:
    open_app(page, server, "?year=abc&view=%3Cscript%3Ealert(1)%3C/script%3E&event=nope")
    notice = page.locator('[data-testid="stAlertContentWarning"]').inner_text()
    assert "year='abc'" in notice and "event='nope'" in notice
    assert not page.locator('[data-testid="stException"]').count()
    assert page.evaluate(DOCUMENT_MARKUP_CHECK) == {"img": 0, "js": 0, "script": 0}


def test_narrow_screen(browser, server: str) -> None:
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    try:
        open_app(page, server, "?event=e03")
        assert len(chart_ids(page)) == 12
        screenshot(page, "timeline_narrow_400")
        page.locator(".st-key-detail_panel").scroll_into_view_if_needed()
        screenshot(page, "timeline_narrow_400_detail")
    finally:
        context.close()
