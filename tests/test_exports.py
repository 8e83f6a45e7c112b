"""Exports: the HTML deck, the HTML timeline and the static images, pure and in Chromium offline.

The browser tests open each file from disk with every non-file request aborted and the
context offline, so anything that needed a network would fail to render.
"""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from app_browser import (
    ARTIFACTS,
    chromium,
    offline_page,
    plotted_event_ids,
    viewport_screenshot,
)
from app_fixtures import EVENTS, briefing_inputs, write_large, write_small
from PIL import Image

from app import export
from app.briefing import Deck, slide_quote

HEADING = "UK anti-trafficking policy timeline"
HOSTILE_BITS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
FULL_HD, SMALL = {"width": 1920, "height": 1080}, {"width": 1280, "height": 720}
SVG = "{http://www.w3.org/2000/svg}"
DOM_CHECK = """() => ({
    img: document.querySelectorAll('img[src="x"], img[onerror], [onerror]').length,
    script: [...document.querySelectorAll('script')].filter(
            s => s.textContent.includes('alert(1)')).length,
    js: [...document.querySelectorAll('a[href]')].filter(
            a => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')).length,
})"""
CLEAN = {"img": 0, "script": 0, "js": 0}
SCRIPTS_CHECK = """() => {
    const all = [...document.querySelectorAll('script')];
    const raw = all.filter(s => ['<script>alert', '<img src=x', '</script>']
        .some(bit => s.textContent.includes(bit))).length;
    return {scripts: all.length, raw};
}"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    """(figure, deck, subtitle) for the small fixture, whose d5 carries hostile markup."""
    return briefing_inputs(*write_small(tmp_path_factory.mktemp("small")))


@pytest.fixture(scope="module")
def files(small, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every export of the small fixture, written to disk."""
    fig, deck, sub = small
    out = tmp_path_factory.mktemp("exports")
    paths = {
        "deck": out / "briefing.html",
        "timeline": out / "timeline.html",
        "svg": out / "timeline.svg",
        "png": out / "timeline.png",
    }
    paths["deck"].write_text(export.deck_html(deck), encoding="utf-8")
    paths["timeline"].write_text(export.timeline_html(fig, deck, HEADING, sub), encoding="utf-8")
    paths["svg"].write_text(
        export.timeline_svg(fig, deck, HEADING, sub, (1920, 1080)), encoding="utf-8"
    )
    paths["png"].write_bytes(export.timeline_png(fig, deck, HEADING, sub, (1920, 1080)))
    return paths


def data_uri_svgs(page_html: str) -> list[str]:
    """The SVG documents inside the page's data: URIs."""
    found = re.findall(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page_html)
    return [base64.b64decode(b).decode("utf-8") for b in found]


# --- pure: the deck --------------------------------------------------------------------------


def test_deck_has_a_section_per_slide_and_only_the_static_script(files, small) -> None:
    deck: Deck = small[1]
    page = files["deck"].read_text(encoding="utf-8")
    assert page.count('<section class="slide"') == len(deck) == 14
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert scripts == [export.DECK_JS]  # no document text inside a script
    assert "http://" not in page.replace(export.SVG_NS, "") and "https://" not in page


def test_deck_escapes_document_text(files) -> None:
    page = files["deck"].read_text(encoding="utf-8")
    for bit in HOSTILE_BITS:
        assert bit not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_deck_pictures_are_well_formed_svg_without_active_content(files) -> None:
    pictures = data_uri_svgs(files["deck"].read_text(encoding="utf-8"))
    assert len(pictures) == 12 + 1 + 2  # a strip per event slide and the title, two charts
    for svg in pictures:
        root = ET.fromstring(svg)
        tags = {el.tag.removeprefix(SVG) for el in root.iter()}
        assert tags <= {"svg", "line", "circle", "text", "title", "rect"}
        assert not any(k.startswith("on") for el in root.iter() for k in el.attrib)


def test_every_event_slide_carries_its_citation(files, small) -> None:
    page = files["deck"].read_text(encoding="utf-8")
    deck: Deck = small[1]
    for slide in deck.events:
        cite = export.esc(slide.citation.line())
        assert f'<p class="cite"><b>Source:</b> {cite}</p>' in page


# --- pure: the HTML timeline -----------------------------------------------------------------


def test_timeline_html_inlines_plotly_and_lists_sources(files, small) -> None:
    page = files["timeline"].read_text(encoding="utf-8")
    assert "<script src=" not in page  # plotly.js is inlined, not fetched
    assert len(page) > 3_000_000  # plotly.js itself
    assert page.count('<span class="cite">Source: ') == 12
    for bit in HOSTILE_BITS:
        assert bit not in page.split("</script>")[-1]  # the part after the last script


# --- pure: static images -------------------------------------------------------------------


def svg_root(path: Path) -> ET.Element:
    """The parsed SVG document."""
    return ET.parse(path).getroot()


def test_svg_image_has_size_points_lanes_and_sources(files) -> None:
    root = svg_root(files["svg"])
    assert (root.get("width"), root.get("height")) == ("1920", "1080")
    texts = [el.text or "" for el in root.iter(f"{SVG}text")]
    for lane in ("victim support", "legislation", "Government", "Reference milestones"):
        assert lane in texts
    assert "Sources" in texts
    assert any(t.startswith("SYNTHETIC TEST DOCUMENT: New strategy — press release") for t in texts)
    day_events = sum(1 for e in EVENTS if e[2] == e[3])
    marks = list(root.iter(f"{SVG}circle")) + list(root.iter(f"{SVG}polygon"))
    assert len(marks) >= day_events + 4  # day events, 4 milestones, legend swatches
    assert len(list(root.iter(f"{SVG}rect"))) > 10  # bars and government bands


def test_svg_image_keeps_markup_as_text(files) -> None:
    root = svg_root(files["svg"])
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= {"svg", "rect", "circle", "polygon", "line", "text"}
    assert any("<script>alert(1)</script>" in (el.text or "") for el in root.iter(f"{SVG}text"))


def test_png_image_opens_with_the_right_size_and_colours(files) -> None:
    image = Image.open(io.BytesIO(files["png"].read_bytes()))
    image.load()
    assert image.format == "PNG" and image.size == (1920, 1080)
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=1_000_000)}
    assert (0, 114, 178) in colours  # an explicit-date marker (Okabe-Ito blue)
    assert (0, 0, 0) in colours  # milestone diamonds and text
    assert len(colours) > 50  # not blank


def test_images_at_720p(small) -> None:
    fig, deck, sub = small
    png = export.timeline_png(fig, deck, HEADING, sub, (1280, 720))
    assert Image.open(io.BytesIO(png)).size == (1280, 720)
    svg = ET.fromstring(export.timeline_svg(fig, deck, HEADING, sub, (1280, 720)).split("?>")[1])
    assert svg.get("viewBox") == "0 0 1280 720"


def test_images_of_a_large_timeline_drawn_with_webgl(tmp_path: Path) -> None:
    fig, deck, sub = briefing_inputs(*write_large(tmp_path, n=3_000))
    assert {t.type for t in fig.data} >= {"scattergl"}
    root = ET.fromstring(export.timeline_svg(fig, deck, HEADING, sub, (1920, 1080)).split("?>")[1])
    assert len(list(root.iter(f"{SVG}circle"))) >= 3_000
    assert len(list(root.iter(f"{SVG}line"))) > 100  # period segments
    texts = [el.text or "" for el in root.iter(f"{SVG}text")]
    rest = [t for t in texts if t.endswith("more sources (listed in the HTML export)")]
    assert len(rest) == 1 and rest[0].startswith("… and ")


def test_images_of_a_webgl_timeline_place_events_at_their_dates(tmp_path: Path) -> None:
    """WebGL traces give x as milliseconds since 1970: read as dates, not as nanoseconds
    (which put every event at the plot's left edge)."""
    processed, reference = write_large(tmp_path, n=3_000)
    fig, _, sub = briefing_inputs(processed, reference)
    assert fig.layout.meta["mode"] == "webgl"
    items = export.scene(fig, HEADING, sub, [], (1920, 1080))
    ticks = {int(i.text): i.x for i in items if isinstance(i, export.Label) and i.text.isdigit()}
    (first, x_first), (last, x_last) = min(ticks.items()), max(ticks.items())
    day_px = (x_last - x_first) / (pd.Timestamp(last, 1, 1) - pd.Timestamp(first, 1, 1)).days

    def day(x: float) -> pd.Timestamp:
        return pd.Timestamp(first, 1, 1) + pd.Timedelta(days=round((x - x_first) / day_px))

    grid = next(i for i in items if isinstance(i, export.Segment) and i.x1 == i.x2)
    in_plot = [i for i in items if isinstance(i, export.Mark) and grid.y1 <= i.y <= grid.y2]
    drawn = sorted(day(i.x) for i in in_plot if i.symbol != "diamond")  # not the milestones
    events = pd.read_parquet(processed / "events.parquet")
    middles = sorted(events["date_start"] + (events["date_end"] - events["date_start"]) / 2)
    assert len(drawn) == len(middles) == 3_000
    gaps = [abs((a - b).days) for a, b in zip(drawn, middles, strict=True)]
    assert max(gaps) <= 2  # within a pixel (about 4 days at this width)
    strokes = [i for i in items if isinstance(i, export.Segment) and i.y1 == i.y2 and i.width == 3]
    periods = events[events["date_start"] != events["date_end"]]
    assert strokes and min(day(s.x1) for s in strokes) <= periods[
        "date_start"
    ].min() + pd.Timedelta(days=2)
    assert all(day(s.x2) - day(s.x1) >= pd.Timedelta(days=26) for s in strokes)  # months and longer


def test_source_lines_without_events() -> None:
    assert export.source_lines(None) == ["No events match these filters."]


# --- in Chromium, offline ------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module."""
    with chromium() as instance:
        yield instance


def current(page) -> str:  # noqa: ANN001
    """The id of the slide on screen (and check it is the only one shown)."""
    shown = page.evaluate(
        "() => [...document.querySelectorAll('section.slide')]"
        ".filter(s => getComputedStyle(s).display !== 'none').map(s => s.id)"
    )
    assert len(shown) == 1, shown
    return shown[0]


def fits(page) -> bool:  # noqa: ANN001
    """Whether the slide on screen shows all its content (nothing cut off)."""
    return page.evaluate("""() => {
        const s = document.querySelector('section.slide.current');
        const b = s.querySelector('.bs');
        return s.scrollHeight <= s.clientHeight + 1 && b.scrollWidth <= b.clientWidth + 1;
    }""")


@pytest.mark.browser
@pytest.mark.parametrize(("viewport", "tag"), [(FULL_HD, "1920x1080"), (SMALL, "1280x720")])
def test_deck_runs_offline_with_keys(browser, files, viewport: dict, tag: str) -> None:
    with offline_page(browser, viewport) as page:
        page.goto(files["deck"].as_uri())
        assert current(page) == "slide-1"
        assert page.locator("#counter").inner_text() == "1 / 14"
        viewport_screenshot(page, f"deck_title_{tag}")
        page.keyboard.press("ArrowRight")
        assert current(page) == "slide-2"
        assert page.url.endswith("#slide-2")
        page.keyboard.press("ArrowLeft")
        assert current(page) == "slide-1"
        page.keyboard.press("End")
        assert current(page) == "slide-14"
        viewport_screenshot(page, f"deck_summary_{tag}")
        page.keyboard.press("Home")
        for n in range(2, 15):
            page.keyboard.press("ArrowRight")
            assert current(page) == f"slide-{n}"
            assert fits(page), f"slide {n} is cut off at {tag}"
            loaded = page.evaluate(
                "() => [...document.querySelectorAll('section.slide.current img')]"
                ".every(i => i.complete && i.naturalWidth > 0)"
            )
            assert loaded, f"a picture on slide {n} did not load offline"
            if n == 6:  # the hostile document's slide
                viewport_screenshot(page, f"deck_event_{tag}")
                text = page.locator("section.slide.current blockquote").inner_text()
                assert "<script>alert(1)</script>" in text
        page.keyboard.press("ArrowRight")
        assert current(page) == "slide-14"  # stays on the last
        size = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector("
            "'#slide-6 blockquote')).fontSize)"
        )
        assert page.evaluate(DOM_CHECK) == CLEAN
        assert page.dialogs == []
    assert size >= (24 if tag == "1280x720" else 36)


@pytest.mark.browser
def test_deck_opens_at_the_slide_in_its_address(browser, files) -> None:
    with offline_page(browser, SMALL) as page:
        page.goto(files["deck"].as_uri() + "#slide-9")
        assert current(page) == "slide-9"
        page.locator("#next").click()
        assert current(page) == "slide-10"


@pytest.mark.browser
def test_very_long_quote_fits_its_slide(browser, small, tmp_path: Path) -> None:
    deck: Deck = small[1]
    long = " ".join(["The Government will continue to support victims of modern slavery."] * 14)
    quote, shortened = slide_quote(long)
    assert len(long) > 900 and shortened and len(quote) <= 660
    events = (replace(deck.events[0], quote=quote, shortened=True), *deck.events[1:])
    path = tmp_path / "long.html"
    path.write_text(export.deck_html(replace(deck, events=events)), encoding="utf-8")
    with offline_page(browser, SMALL) as page:
        page.goto(path.as_uri() + "#slide-2")
        assert fits(page)
        size = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector("
            "'section.slide.current blockquote')).fontSize)"
        )
        assert size >= 20
        assert (
            "(quote shortened on this slide)" in page.locator("section.current .cite").inner_text()
        )
        viewport_screenshot(page, "deck_long_quote_1280x720")


@pytest.mark.browser
def test_timeline_html_renders_offline_with_hover_details(browser, files) -> None:
    with offline_page(browser, FULL_HD) as page:
        page.goto(files["timeline"].as_uri())
        page.wait_for_selector(".js-plotly-plot .scatterlayer .point", timeout=20_000)
        assert sorted(plotted_event_ids(page)) == sorted(e[0] for e in EVENTS)
        drawn = page.evaluate("() => document.querySelectorAll('.js-plotly-plot .point').length")
        assert drawn >= len(EVENTS)
        # hover the 2 May 2012 marker (the hostile document): its label shows the markup as text
        page.evaluate("""() => {
            const div = document.getElementById('timeline');
            const c = div.data.findIndex(t => t.customdata && t.customdata.includes('e10'));
            Plotly.Fx.hover(div, [{curveNumber: c,
                                   pointNumber: div.data[c].customdata.indexOf('e10')}]);
        }""")
        page.wait_for_selector(".hoverlayer .hovertext", state="attached")
        label = page.evaluate("() => document.querySelector('.hoverlayer .hovertext').textContent")
        assert "2 May 2012" in label and "Theresa May, Home Secretary" in label
        assert "<script>alert(1)</script>" in label
        viewport_screenshot(page, "timeline_export_1920x1080")
        # document text rides in the figure's JSON (plotly writes < > / as \u003c ...)
        assert page.evaluate(SCRIPTS_CHECK) == {"scripts": 3, "raw": 0}
        assert page.evaluate(DOM_CHECK.replace("'alert(1)'", "'<script>alert'")) == CLEAN
        assert page.dialogs == []


@pytest.mark.browser
def test_svg_image_opens_in_chromium(browser, files) -> None:
    with offline_page(browser, FULL_HD) as page:
        page.goto(files["svg"].as_uri())
        box = page.evaluate(
            "() => { const r = document.documentElement.getBoundingClientRect();"
            " return [document.documentElement.tagName, r.width, r.height]; }"
        )
        assert box == ["svg", 1920, 1080]
        page.screenshot(path=str(ARTIFACTS / "timeline_image_svg_1920x1080.png"))
        assert page.evaluate(DOM_CHECK) == CLEAN
        assert page.dialogs == []
    (ARTIFACTS / "timeline_image_1920x1080.png").write_bytes(files["png"].read_bytes())
