"""Briefing mode: dates as a person says them, slide content, and the view through AppTest."""

from __future__ import annotations

import pandas as pd
import pytest
from app_fixtures import app_test, texts

from app import briefing, data, filters
from app.briefing import basis_note, clamp_slide, spoken_date

# slide numbers of the small fixture's events in date order (slide 1 is the title)
ORDER = ["e12", "e07", "e02", "e01", "e10", "e03", "e06", "e04", "e05", "e08", "e11", "e09"]
SLIDE = {event_id: n for n, event_id in enumerate(ORDER, start=2)}


pytestmark = pytest.mark.usefixtures("app_env")


@pytest.fixture(scope="module")
def deck(folders) -> briefing.Deck:
    """The deck of every event in the small fixture, with the default filters."""
    bundle = data.load_bundle(str(folders[0]), str(folders[1]), "")
    defaults = filters.default_filters(filters.options_for(bundle.events))
    built = briefing.build_deck(
        filters.apply(bundle.events, defaults), defaults, defaults, bundle.build
    )
    assert built is not None
    return built


# --- dates as a person says them -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "status", "basis", "expected"),
    [
        ("2011-03-22", "day", "past", "explicit", "22 March 2011"),
        ("2011-03-02", "day", "past", "explicit", "2 March 2011"),
        ("2010-06", "month", "past", "relative", "June 2010"),
        ("2011-03", "month", "past", "explicit", "March 2011"),
        ("2011-SP", "season", "planned", "relative", "spring 2011 (planned)"),
        ("2014-SU", "season", "past", "explicit", "summer 2014"),
        ("2014-AU", "season", "past", "explicit", "autumn 2014"),
        ("2011-WI", "season", "past", "explicit", "winter 2011/12"),
        ("2019-Q3", "quarter", "past", "explicit", "the third quarter of 2019"),
        ("2014-Q4", "quarter", "planned", "explicit", "the fourth quarter of 2014 (planned)"),
        ("2013", "year", "past", "explicit", "2013"),
        ("2015", "year", "planned", "relative", "2015 (planned)"),
        ("199", "decade", "past", "explicit", "the 1990s"),
        ("201", "decade", "past", "explicit", "the 2010s"),
        ("2020-07/2022-07-20", "span", "ongoing", "relative", "since July 2020"),
        ("2015-07-31/2018-10-18", "span", "ongoing", "explicit", "since 31 July 2015"),
        ("2000/2004-03-09", "span", "ongoing", "relative", "since 2000"),
        ("2000/2004-03-09", "span", "past", "relative", "2000 to 9 March 2004"),
        ("2010/2015", "span", "past", "explicit", "2010 to 2015"),
        ("2019-04-01/2020-03-31", "span", "past", "explicit", "2019/20"),
        ("2019-04-01/2020-03-31", "span", "planned", "explicit", "2019/20 (planned)"),
        ("2020-03-02/2020-03-08", "span", "past", "relative", "2–8 March 2020"),
        ("2014-07-15", "day", "past", "document", "15 July 2014"),
        ("2004-03-09", "day", "ongoing", "document", "9 March 2004 (ongoing)"),
        ("2004-03-09", "day", "planned", "document", "9 March 2004 (planned)"),
        ("2016-01-01", "day", "past", "inferred", "1 January 2016 (date inferred)"),
        ("2011-07", "month", "planned", "inferred", "July 2011 (planned) (date inferred)"),
    ],
)
def test_spoken_date(value: str, precision: str, status: str, basis: str, expected: str) -> None:
    assert spoken_date(value, precision, status, basis) == expected


@pytest.mark.parametrize(
    ("value", "start", "end", "expected"),
    [
        ("2011-13", "2011-03-01", "2011-03-31", "1 March 2011 to 31 March 2011"),
        ("2011-02-30", "2011-02-01", "2011-02-01", "1 February 2011"),
        ("nonsense", "2012-05-02", "2012-05-02", "2 May 2012"),
        ("2012/garbage", "2012-01-01", "2012-12-31", "1 January 2012 to 31 December 2012"),
        ("", None, None, "undated"),
    ],
)
def test_unreadable_values_fall_back_to_the_dates(
    value: str, start: str | None, end: str | None, expected: str
) -> None:
    first, last = (None if s is None else pd.Timestamp(s) for s in (start, end))
    assert spoken_date(value, "day", "past", "explicit", first, last) == expected


@pytest.mark.parametrize(
    ("basis", "fragment"),
    [
        ("explicit", "Date stated in the quote."),
        ("relative", "“In June”, read against the document's date (22 March 2011)."),
        ("document", "the document's date is used"),
        ("inferred", "date was inferred"),
    ],
)
def test_basis_note(basis: str, fragment: str) -> None:
    assert fragment in basis_note(basis, "In June", pd.Timestamp("2011-03-22"))


def test_basis_note_for_an_undated_document() -> None:
    assert "(undated)" in basis_note("relative", "next year", pd.NaT)


# --- slide content -------------------------------------------------------------------------


def test_deck_has_title_events_in_date_order_and_summary(deck: briefing.Deck) -> None:
    assert len(deck) == 14
    assert [s.event_id for s in deck.events] == ORDER
    assert [s.number for s in deck.events] == list(range(2, 14))
    assert deck.summary.number == 14
    positions = [s.position for s in deck.events]
    assert all(0 <= p <= 1 for p in positions)
    assert deck.label(1) == "1 · Title" and deck.label(14) == "14 · Summary"
    assert deck.label(5).startswith("5 · 22 March 2011 · National Referral")


def test_event_slide_content(deck: briefing.Deck) -> None:
    slide = deck.events[SLIDE["e03"] - 2]
    assert slide.when == "spring 2014"
    assert slide.when_note.startswith("“in the Spring”, read against the document's date")
    assert slide.headline == "Modern Slavery Strategy"
    assert slide.kicker == "strategy and governance"
    assert (slide.minister, slide.post) == ("Theresa May", "Home Secretary")
    assert slide.quote == "We published the Modern Slavery Strategy in the Spring."
    assert slide.citation.line() == (
        "SYNTHETIC TEST DOCUMENT: New strategy — press release, 15 July 2014"
    )


def test_event_without_measure_is_headed_by_its_theme(deck: briefing.Deck) -> None:
    slide = deck.events[SLIDE["e06"] - 2]
    assert slide.headline == "Training and awareness"
    assert slide.kicker == "press release"
    assert slide.when == "15 July 2014"
    assert "document's date is used" in slide.when_note


def test_citation_names_the_house_and_undated_documents(deck: briefing.Deck) -> None:
    commons = deck.events[SLIDE["e01"] - 2].citation.line()
    assert commons.endswith("— written answer, House of Commons, 22 March 2011")
    undated = deck.events[SLIDE["e12"] - 2].citation.line()
    assert undated.endswith("— news story, undated")


def test_ongoing_event_sits_at_its_start_on_the_strip(deck: briefing.Deck) -> None:
    since = deck.events[SLIDE["e08"] - 2]
    assert since.when == "since 31 July 2015"
    # strip runs 2008-01-01 .. 2020-01-01; 31 July 2015 is about 62.9% along
    assert since.position == pytest.approx(0.629, abs=0.01)


def test_hostile_text_stays_plain_text_in_slide_content(deck: briefing.Deck) -> None:
    slide = deck.events[SLIDE["e10"] - 2]
    assert "<script>alert(1)</script>" in slide.quote  # escaping is the renderer's job
    assert "<img src=x onerror=alert(1)>" in slide.citation.title


def test_title_and_summary_slides(deck: briefing.Deck) -> None:
    title = deck.title
    assert title.period.startswith("2008 to 2019 (events dated 1 December 2008")
    assert title.filters == ("no filters: every minister and theme",)
    assert (title.n_events, title.n_documents) == (12, 6)
    assert title.corpus == "Corpus of 6 documents, built 2 January 2024"
    summary = deck.summary
    assert summary.per_year[0] == ("2008", 1) and summary.per_year[-1] == ("2018", 1)
    assert ("2009", 0) in summary.per_year  # empty years are kept
    assert sum(n for _, n in summary.per_year) == 12
    assert summary.per_theme[:2] == (("international cooperation", 2), ("legislation", 2))
    assert summary.period == "2008 to 2019"


def test_filters_are_described_on_the_title(folders) -> None:
    bundle = data.load_bundle(str(folders[0]), str(folders[1]), "")
    defaults = filters.default_filters(filters.options_for(bundle.events))
    active = filters.Filters(years=(2012, 2015), minister=("Theresa May",))
    deck = briefing.build_deck(filters.apply(bundle.events, active), active, defaults, {})
    assert deck is not None and len(deck) == 7
    assert deck.title.filters == ("years 2012–2015", "minister: Theresa May")
    assert deck.title.corpus == "Corpus of 0 documents, built at an unknown date"


def test_long_quotes_are_shortened_at_a_word() -> None:
    assert briefing.slide_quote("  A   short\nquote. ") == ("A short quote.", False)
    quote, cut = briefing.slide_quote("word " * 300)
    assert cut and quote.endswith("word […]") and len(quote) <= briefing.QUOTE_MAX + 4


def test_no_events_no_deck() -> None:
    from pipeline import schema

    empty = schema.empty_frame(schema.EVENT_COLUMNS)
    assert briefing.build_deck(empty, filters.Filters(), filters.Filters(), {}) is None


@pytest.mark.parametrize(
    ("number", "expected"),
    [(1, (1, "")), (14, (14, "")), (15, (14, "Slide 15 does not exist")), (0, (1, "Slide 0"))],
)
def test_clamp_slide(number: int, expected: tuple[int, str]) -> None:
    shown, notice = clamp_slide(number, 14)
    assert shown == expected[0]
    assert notice.startswith(expected[1])


# --- the view (AppTest) --------------------------------------------------------------------


def slide_html(at) -> str:
    """The HTML of the slide on screen."""
    return next(h.proto.body for h in at.get("html") if 'class="bs"' in h.proto.body)


def counter(at) -> str:
    """The "Slide N of M" line of the control bar."""
    return next(m.value for m in at.markdown if m.value.startswith("**Slide "))


def test_briefing_opens_on_the_title_slide_without_the_page_header() -> None:
    at = app_test({"view": "briefing"})
    at.run()
    assert not at.exception
    assert counter(at) == "**Slide 1 of 14**"
    body = slide_html(at)
    assert 'data-slide="1"' in body and "UK anti-trafficking policy: briefing" in body
    assert not any(" from 6 documents" in m.value for m in at.markdown)  # header hidden
    assert any("stSidebar" in h.proto.body for h in at.get("html"))  # sidebar hidden by CSS
    assert at.multiselect(key="f_minister").value == []  # but the filters are still there
    assert at.button(key="slide_prev").disabled
    assert "slide" not in at.query_params


def test_view_selector_offers_briefing() -> None:
    at = app_test()
    at.run()
    assert "briefing" in at.radio(key="view").options or "Briefing" in at.radio(key="view").options
    at.radio(key="view").set_value("briefing").run()
    assert not at.exception
    assert counter(at) == "**Slide 1 of 14**"
    assert at.query_params["view"] == "briefing"


def test_next_previous_and_jump_move_and_reach_the_url() -> None:
    at = app_test({"view": "briefing"})
    at.run()
    at.button(key="slide_next").click().run()
    assert counter(at) == "**Slide 2 of 14**"
    assert at.query_params["slide"] == "2"
    assert "December 2008" in slide_html(at)
    at.button(key="slide_next").click().run()
    at.button(key="slide_prev").click().run()
    assert at.query_params["slide"] == "2"
    at.selectbox(key="slide_jump").set_value(14).run()
    assert not at.exception
    assert counter(at) == "**Slide 14 of 14**"
    assert "In summary" in slide_html(at)
    assert at.button(key="slide_next").disabled
    assert at.query_params["slide"] == "14"
    at.button(key="slide_prev").click().run()
    assert at.selectbox(key="slide_jump").value == 13


def test_slide_in_url_round_trips() -> None:
    at = app_test({"view": "briefing", "slide": "3", "minister": "Victoria Atkins"})
    at.run()
    assert not at.exception and not at.warning
    # with one minister only her three events are in the briefing: e07, e08, e09
    assert counter(at) == "**Slide 3 of 5**"
    assert "since 31 July 2015" in slide_html(at)
    written = dict(at.query_params)
    assert written == {"view": "briefing", "slide": "3", "minister": "Victoria Atkins"}
    again = app_test(written)
    again.run()
    assert dict(again.query_params) == written
    assert slide_html(again) == slide_html(at)


@pytest.mark.parametrize(
    ("raw", "notice", "shown"),
    [
        ("99", "Slide 99 does not exist: this briefing has 14 slides. Showing slide 14.", 14),
        ("abc", "slide='abc' is not a slide number", 1),
        ("-3", "slide='-3' is not a slide number", 1),
        ("0", "slide='0' is not a slide number", 1),
        ("1e9", "slide='1e9' is not a slide number", 1),
        ("<script>alert(1)</script>", "is not a slide number", 1),
    ],
)
def test_bad_slide_numbers_give_a_notice(raw: str, notice: str, shown: int) -> None:
    at = app_test({"view": "briefing", "slide": raw})
    at.run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")
    assert notice in warnings
    assert "<script>" not in warnings
    assert counter(at) == f"**Slide {shown} of 14**"
    assert at.query_params.get("slide", "1") == str(shown)


def test_empty_selection_shows_a_message_and_a_way_out() -> None:
    at = app_test({"view": "briefing", "q": "no such words anywhere"})
    at.run()
    assert not at.exception
    assert "nothing to brief on" in texts(at)
    assert not any('class="bs"' in h.proto.body for h in at.get("html"))
    at.button(key="briefing_reset").click().run()
    assert not at.exception
    assert counter(at) == "**Slide 1 of 14**"
    assert at.text_input(key="f_text").value == ""


def test_too_many_events_ask_to_narrow_the_filters(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.views import briefing as view

    monkeypatch.setattr(view, "MAX_EVENTS", 5)
    at = app_test({"view": "briefing"})
    at.run()
    assert not at.exception
    assert "12 events match these filters: too many for a briefing" in texts(at)
    assert not any('class="bs"' in h.proto.body for h in at.get("html"))
    at = app_test({"view": "briefing", "minister": "Damian Green"})
    at.run()
    assert counter(at) == "**Slide 1 of 4**"


def test_leave_briefing_returns_to_the_timeline() -> None:
    at = app_test({"view": "briefing", "slide": "4", "theme": "legislation"})
    at.run()
    at.button(key="briefing_exit").click().run()
    assert not at.exception
    assert at.radio(key="view").value == "timeline"
    assert dict(at.query_params) == {"theme": "legislation"}  # filters kept, slide dropped


def test_hostile_document_text_is_escaped_on_the_slide() -> None:
    at = app_test({"view": "briefing", "slide": str(SLIDE["e10"])})
    at.run()
    body = slide_html(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<script" not in body and "<img src=x" not in body


def test_export_buttons_are_offered() -> None:
    at = app_test({"view": "briefing"})
    at.run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Slide deck (HTML)",
        "Timeline (HTML)",
        "Timeline image (SVG)",
        "Timeline image (PNG)",
    ]
