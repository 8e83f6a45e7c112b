"""AppTest: the URL reproduces the view, and hostile parameters give a notice, not a traceback."""

from __future__ import annotations

import pytest
from app_fixtures import app_test

pytestmark = pytest.mark.usefixtures("app_env")


FULL = {
    "view": "table",
    "year": "2010-2015",
    "minister": ["Theresa May", "Damian Green"],
    "theme": "legislation",
    "type": "press release",
    "basis": "explicit",
    "q": "Bill",
    "lane": "measure",
    "milestones": "0",
    "event": "e04",
}


def test_url_restores_every_widget() -> None:
    at = app_test(FULL)
    at.run()
    assert not at.exception
    assert not at.warning
    assert at.radio(key="view").value == "table"
    assert at.slider(key="f_years").value == (2010, 2015)
    assert at.multiselect(key="f_minister").value == ["Theresa May", "Damian Green"]
    assert at.multiselect(key="f_theme").value == ["legislation"]
    assert at.multiselect(key="f_doc_type").value == ["press release"]
    assert at.multiselect(key="f_basis").value == ["explicit"]
    assert at.text_input(key="f_text").value == "Bill"
    assert at.session_state["lane"] == "measure"
    assert at.session_state["milestones"] is False
    assert at.session_state["event"] == "e04"
    assert len(at.dataframe[0].value) == 1


def test_round_trip_query_is_stable() -> None:
    at = app_test(FULL)
    at.run()
    written = dict(at.query_params)
    again = app_test(written)
    again.run()
    assert not again.exception
    assert dict(again.query_params) == written
    assert again.slider(key="f_years").value == (2010, 2015)


def test_year_range_as_repeated_values() -> None:
    at = app_test({"year": ["2012", "2014"]})
    at.run()
    assert not at.warning
    assert at.slider(key="f_years").value == (2012, 2014)
    assert at.query_params["year"] == "2012-2014"


def test_changing_filters_updates_url_and_defaults_leave_it() -> None:
    at = app_test()
    at.run()
    assert dict(at.query_params) == {}
    at.multiselect(key="f_theme").set_value(["legislation", "supply chains"]).run()
    at.radio(key="view").set_value("quality").run()
    assert at.query_params["theme"] == ["legislation", "supply chains"]
    assert at.query_params["view"] == "quality"
    at.button(key="reset_sidebar").click().run()
    assert "theme" not in at.query_params
    assert at.query_params["view"] == "quality"


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ({"year": "abc"}, "year='abc' is not a year range"),
        ({"year": "1800-1801"}, "is not a year range"),
        ({"view": "<script>alert(1)</script>"}, "view="),
        ({"minister": "nobody"}, "minister='nobody' matches nothing"),
        ({"event": "doesnotexist"}, "event='doesnotexist' is not one of the choices"),
        ({"doc": "../../etc/passwd"}, "doc="),
        ({"lane": "colour"}, "lane='colour'"),
        ({"milestones": "maybe"}, "milestones='maybe'"),
        ({"basis": "guessed"}, "basis='guessed'"),
        ({"utm_source": "x"}, "unknown parameter 'utm_source'"),
        ({"q": "x" * 5000}, None),
    ],
)
def test_hostile_parameters_give_a_notice(query: dict, fragment: str | None) -> None:
    at = app_test(query)
    at.run()
    assert not at.exception
    if fragment is None:
        assert not at.warning
        return
    notice = at.warning[0].value
    assert "ignored" in notice
    assert fragment in notice.replace("\\", "")  # markdown escapes removed
    assert "<script>" not in notice
    assert at.radio(key="view").value in ("timeline",)  # bad values fall back to defaults


def test_bad_parameter_is_dropped_from_url_and_good_ones_kept() -> None:
    at = app_test({"year": "abc", "minister": ["nobody", "Theresa May"]})
    at.run()
    assert not at.exception
    assert "year" not in at.query_params
    assert at.query_params["minister"] == "Theresa May"
    assert at.multiselect(key="f_minister").value == ["Theresa May"]
