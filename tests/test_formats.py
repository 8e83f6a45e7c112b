"""Each document format the pipeline reads, on short documents written for these tests.

Every document here is synthetic: written for the tests in the layout of a
real source, with invented wording, and marked as such in its last line. The
people named are real office holders so that the reference tables resolve
them; nothing here is a quote of theirs.
"""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.load import clean
from pipeline.process import process_text

MARK = "Synthetic test document written for the test suite; not a real statement."


def run(text: str, reference, suffix: str = ".txt"):
    """Process one synthetic document's text; return (document row, events)."""
    loaded = clean(f"{text}\n\n{MARK}\n".encode(), suffix)
    result = process_text("doc", "doc" + suffix, loaded, "0" * 64, reference)
    return result.document, result.events


COMMONS_WRITTEN_ANSWER = """HC Deb 14 January 2004 vol 416 cc812-3W
Sue Doughty

To ask the Secretary of State for the Home Department what steps he is taking on trafficked children. [145001]

Beverley Hughes

The Government is reviewing the support offered to child victims of trafficking in partnership with local authorities."""

LORDS_WRITTEN_ANSWER = """HL Deb 20 July 2022 vol 823 cc WA101-2
To ask Her Majesty's Government what support is given to victims of modern slavery.

Baroness Williams of Trafford

The National Referral Mechanism continues to identify and support potential victims."""

QUESTION_PAGE = """Modern Slavery: Victims

(asked on 4th July 2022) - View Source

Question to the Home Office:

To ask His Majesty's Government how many referrals were made to the National Referral Mechanism.

Answered by
Baroness Williams of Trafford Portrait
Baroness Williams of Trafford
Opposition Spokesperson (Home Office)
This question was answered on 18th July 2022

The Government publishes statistics on the National Referral Mechanism every quarter."""

WRITTEN_STATEMENT = """Tuesday 15th October 2013
Written Statements
Home Department
Modern Slavery Legislation
The Minister for Immigration (Mr Mark Harper): The Government will bring forward legislation on modern slavery and will consult partners over the winter."""

PRESS_RELEASE = """Press release

Home Office sets out plans on trafficking victims

The government will strengthen the support given to adult victims, the Home Secretary Theresa May announced today.

This was published under the 2010 to 2015 Conservative and Liberal Democrat coalition government

The National Referral Mechanism will be reviewed in the summer of 2014.

Published 2 April 2014"""

NEWS_STORY = """News story

New guidance for front-line staff

Guidance published today helps border staff identify potential victims of trafficking.

Published 9 May 2013"""

SPEECH = """Speech

Tackling modern slavery together

Home Secretary Theresa May set out the government's approach to the Modern Slavery Bill.

Published 16 December 2013"""

WIRE_INFERABLE = """Ministers unveil trafficking plan

PRESS ASSOCIATION -- The Government has launched the Modern Slavery Strategy to co-ordinate work against traffickers, the Home Office said."""

WIRE_UNDATABLE = """Charity calls for change

PRESS ASSOCIATION -- A charity has urged ministers to strengthen protection for people forced into labour."""


@pytest.mark.parametrize(
    ("text", "doc_type", "house", "doc_date", "lead"),
    [
        (COMMONS_WRITTEN_ANSWER, "written answer", "Commons", date(2004, 1, 14), "Beverley Hughes"),
        (
            LORDS_WRITTEN_ANSWER,
            "written answer",
            "Lords",
            date(2022, 7, 20),
            "Baroness Williams of Trafford",
        ),
        (
            QUESTION_PAGE,
            "written question",
            "Lords",
            date(2022, 7, 18),
            "Baroness Williams of Trafford",
        ),
        (WRITTEN_STATEMENT, "written statement", "Commons", date(2013, 10, 15), "Mark Harper"),
        (PRESS_RELEASE, "press release", "", date(2014, 4, 2), "Theresa May"),
        (NEWS_STORY, "news story", "", date(2013, 5, 9), ""),
        (SPEECH, "speech", "", date(2013, 12, 16), "Theresa May"),
    ],
)
def test_format_gives_type_house_date_and_lead(reference, text, doc_type, house, doc_date, lead):
    doc, events = run(text, reference)
    assert doc["doc_type"] == doc_type
    assert doc["house"] == house
    assert doc["doc_date"] == doc_date
    assert doc["doc_date_basis"] == "explicit"
    assert doc["lead_minister"] == lead
    assert events, "a statement about policy gives at least one event"


def test_commons_written_answer_separates_asker_and_minister(reference):
    doc, events = run(COMMONS_WRITTEN_ANSWER, reference)
    assert doc["asker"] == "Sue Doughty"
    assert (
        doc["lead_minister_post"]
        == "Minister of State (Citizenship, Immigration and Counter-Terrorism)"
    )
    assert {e["minister"] for e in events} == {"Beverley Hughes"}
    assert not any(e["sentence"].startswith("To ask") for e in events)


def test_question_page_dates_and_captured_title(reference):
    doc, _ = run(QUESTION_PAGE, reference)
    assert doc["asked_date"] == date(2022, 7, 4)
    assert doc["title"] == "Modern Slavery: Victims"
    assert doc["lead_minister_post"] == "Minister of State (Home Office)"
    assert "Opposition Spokesperson" not in doc["text"]
    assert "Opposition Spokesperson (Home Office)" in doc["furniture"]


def test_written_statement_title_and_planned_events(reference):
    doc, events = run(WRITTEN_STATEMENT, reference)
    assert doc["title"] == "Modern Slavery Legislation"
    assert doc["lead_minister_post"] == "Minister of State for Immigration"
    winter = [e for e in events if e["date_text"] == "over the winter"] or [
        e for e in events if "winter" in e["date_text"]
    ]
    assert winter and winter[0]["precision"] == "season" and winter[0]["status"] == "planned"


def test_press_release_government_line_is_metadata_not_an_event(reference):
    doc, events = run(PRESS_RELEASE, reference)
    assert doc["government"] == "Conservative–Liberal Democrat coalition"
    assert not any("published under" in e["sentence"] for e in events)
    assert not any(e["sentence"].startswith("Published") for e in events)
    summer = [e for e in events if e["date_value"] == "2014-SU"]
    assert summer and summer[0]["measure"] == "National Referral Mechanism"


def test_printed_government_that_disagrees_is_reported(reference):
    text = PRESS_RELEASE.replace("Published 2 April 2014", "Published 2 April 2016")
    doc, _ = run(text, reference)
    assert "published under the 2010 to 2015" in doc["warnings"]


def test_wire_story_dated_from_the_measure_it_reports(reference):
    doc, events = run(WIRE_INFERABLE, reference)
    assert doc["doc_type"] == "news wire"
    assert doc["doc_date_basis"] == "inferred"
    assert "Modern Slavery Strategy" in doc["doc_date_text"]
    assert events and {e["date_basis"] for e in events} == {"inferred"}


def test_undatable_document_is_kept_and_reported_never_given_today(reference):
    doc, events = run(WIRE_UNDATABLE, reference)
    assert doc["doc_date"] is None
    assert doc["doc_date_basis"] == "unknown"
    assert events == []
    assert "could not be dated" in doc["warnings"]


def test_html_page_is_converted_and_stripped(reference):
    html = """<!doctype html><html><head><title>t</title><script>var x = "Published 1 January 1999";</script></head>
    <body><div id="global-cookie-message"><p>Cookies on GOV.UK</p><button>Accept additional cookies</button></div>
    <a href="#main" class="govuk-skip-link">Skip to main content</a><nav><a href="/">Home</a></nav>
    <main><p>News story</p><h1>New guidance for <em>front-line</em> staff</h1>
    <p>Guidance published today helps <strong>border staff</strong> identify potential victims of trafficking.</p>
    <p>Published 9 May 2013</p></main><footer>All content is available under the Open Government Licence</footer>
    </body></html>"""
    doc, events = run(html, reference, suffix=".html")
    assert doc["doc_type"] == "news story"
    assert doc["title"] == "New guidance for front-line staff"
    assert doc["doc_date"] == date(2013, 5, 9)
    assert (
        "Cookies" not in doc["text"] and "Skip to" not in doc["text"] and "1999" not in doc["text"]
    )
    assert any("border staff identify" in e["sentence"] for e in events)


def test_windows_1252_file_is_decoded_and_says_so(reference):
    raw = NEWS_STORY.replace("front-line", "front\u2013line").encode("cp1252")
    loaded = clean(raw, ".txt")
    assert loaded.encoding == "windows-1252"
    assert "front\u2013line" in loaded.text
    result = process_text("doc", "doc.txt", loaded, "0" * 64, reference)
    assert result.document["encoding"] == "windows-1252"
    assert "Windows-1252" in result.document["warnings"]


def test_question_page_saved_as_html(reference):
    html = f"""<html><body><main>
    <h1>Modern Slavery: Victims</h1>
    <p>(asked on 4th July 2022) - <a href="#">View Source</a></p>
    <p>Question to the Home Office:</p>
    <p>To ask His Majesty's Government how many referrals were made to the National Referral Mechanism.</p>
    <div><h2>Answered by</h2><figure><img alt="portrait"><figcaption>Baroness Williams of Trafford Portrait</figcaption></figure>
    <div>Baroness Williams of Trafford</div><div>Opposition Spokesperson (Home Office)</div></div>
    <p>This question was answered on 18th July 2022</p>
    <p>The Government publishes statistics on the National Referral Mechanism every quarter.</p>
    <p>{MARK}</p></main></body></html>"""
    doc, events = run(html, reference, suffix=".html")
    assert (doc["doc_type"], doc["house"], doc["doc_date"]) == (
        "written question",
        "Lords",
        date(2022, 7, 18),
    )
    assert doc["lead_minister"] == "Baroness Williams of Trafford"
    assert doc["lead_minister_post"] == "Minister of State (Home Office)"
    assert "Opposition Spokesperson" not in doc["text"]
    assert events and {e["minister"] for e in events} == {"Baroness Williams of Trafford"}
