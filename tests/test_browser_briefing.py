"""Briefing mode in a real browser: streamlit run + Debian Chromium, at projector sizes.

Screenshots of the title, an event and the summary slide at 1920×1080 and 1280×720 land in
tests/artifacts/ (look at them: type size, contrast, nothing cut off).
"""

from __future__ import annotations

import pytest
from app_browser import (
    streamlit_server,
    viewport_screenshot,
    wait_for_app,
    wait_for_briefing,
)
from app_fixtures import write_small

pytestmark = pytest.mark.browser
SIZES = {"1920x1080": {"width": 1920, "height": 1080}, "1280x720": {"width": 1280, "height": 720}}
NO_MARKUP = """() => ({
    img: document.querySelectorAll('img[src="x"], img[onerror], [onerror]').length,
    script: [...document.querySelectorAll('script')].filter(
            s => s.textContent.includes('alert(1)')).length,
})"""
SLIDE_BOX = """() => {
    const b = document.querySelector('.st-key-briefing_slide .bs').getBoundingClientRect();
    const quote = document.querySelector('.st-key-briefing_slide blockquote');
    const big = document.querySelector('.st-key-briefing_slide .when, .st-key-briefing_slide h1');
    return {bottom: b.bottom, right: b.right, width: innerWidth, height: innerHeight,
            quote: quote ? parseFloat(getComputedStyle(quote).fontSize) : null,
            big: parseFloat(getComputedStyle(big).fontSize)};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A streamlit server on the small synthetic folders."""
    processed, reference = write_small(tmp_path_factory.mktemp("briefing"))
    with streamlit_server(processed, reference) as url:
        yield url


@pytest.mark.parametrize("size", list(SIZES))
def test_slides_are_large_fit_the_screen_and_hide_the_controls(
    browser, server: str, size: str
) -> None:
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        for slide, name in ((1, "title"), (6, "event"), (14, "summary")):
            page.goto(f"{server}/?view=briefing&slide={slide}")
            wait_for_briefing(page)
            assert not page.locator('[data-testid="stException"]').count()
            assert not page.locator('[data-testid="stSidebar"]').is_visible()
            assert not page.locator(".st-key-view").is_visible()
            assert not page.locator('[data-testid="stMain"] [data-testid="stHeading"]').count()
            box = page.evaluate(SLIDE_BOX)
            assert box["bottom"] <= box["height"], f"{name} slide runs off the screen"
            assert box["right"] <= box["width"]
            assert box["big"] >= (54 if size == "1920x1080" else 36)
            if box["quote"] is not None:
                assert box["quote"] >= (36 if size == "1920x1080" else 24)
            viewport_screenshot(page, f"briefing_{name}_{size}")
            assert page.evaluate(NO_MARKUP) == {"img": 0, "script": 0}
        assert dialogs == []
    finally:
        context.close()


def test_buttons_move_and_the_url_follows(browser, server: str) -> None:
    context = browser.new_context(viewport=SIZES["1280x720"])
    page = context.new_page()
    try:
        page.goto(f"{server}/?view=briefing&slide=5")
        wait_for_briefing(page)
        assert "22 March 2011" in page.locator(".st-key-briefing_slide").inner_text()
        page.get_by_role("button", name="Next →").click()
        page.wait_for_function("() => location.search.includes('slide=6')")
        wait_for_briefing(page)
        assert "2 May 2012" in page.locator(".st-key-briefing_slide").inner_text()
        text = page.locator(".st-key-briefing_slide blockquote").inner_text()
        assert "<script>alert(1)</script>" in text  # shown as text
        page.get_by_role("button", name="← Previous").click()
        page.wait_for_function("() => location.search.includes('slide=5')")
        page.reload()  # the presenter comes back to the same slide
        wait_for_briefing(page)
        assert "Slide 5 of 14" in page.locator(".st-key-briefing_bar").inner_text()
    finally:
        context.close()


def test_briefing_is_reachable_from_the_view_selector(browser, server: str) -> None:
    context = browser.new_context(viewport=SIZES["1280x720"])
    page = context.new_page()
    try:
        page.goto(f"{server}/?theme=legislation")
        wait_for_app(page)
        page.locator(".st-key-view").get_by_text("Briefing").click()
        page.wait_for_function("() => location.search.includes('view=briefing')")
        wait_for_briefing(page)
        assert "Slide 1 of 4" in page.locator(".st-key-briefing_bar").inner_text()
        assert "theme: legislation" in page.locator(".st-key-briefing_slide").inner_text()
        page.get_by_role("button", name="Leave briefing").click()
        wait_for_app(page)
        page.wait_for_function("() => !location.search.includes('view=')")
        assert page.locator('[data-testid="stSidebar"]').is_visible()
    finally:
        context.close()
