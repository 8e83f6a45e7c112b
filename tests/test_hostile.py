"""Bad input: every hostile file either gives events or a row in rejected.csv with a reason.

The hostile corpus is written by these tests into a temporary folder; every
text in it says it is synthetic. Nothing here touches data/raw/.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.build import OUTPUT_FILES, build
from pipeline.load import RejectedFile, clean, html_to_text
from pipeline.process import process_text

MARK = "Synthetic test document written for the test suite; not a real statement."
GOOD = f"Press release\n\nThe Home Office launched new guidance on trafficking today.\n\n{MARK}\n\nPublished 3 May 2012\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
HOSTILE_HTML = f"""<html><head><script>document.write('Published 1 January 1999')</script></head><body>
<p>News story</p><h1>Guidance <img src=x onerror="alert(1)"> for staff</h1>
<p onclick="alert(2)">Border staff were trained to identify victims <a href="javascript:alert(3)">today</a>.</p>
<p>{MARK}</p><p>Published 9 May 2013</p></body></html>"""


def _write_corpus(raw, outside):
    """The hostile files, by name."""
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "whitespace only.txt": b"  \n\t \r\n   ",
        "picture.txt": PNG + bytes(range(256)),
        "invalid utf-8.txt": GOOD.encode() + b"\xff\xfe\x80\x81 stray bytes\n",
        "utf-16.txt": GOOD.encode("utf-16"),
        "windows-1252.txt": GOOD.replace("new", "\u2018new\u2019").encode("cp1252"),
        "one line.txt": (
            ("The Home Office launched guidance on 3 May 2012 about trafficking. " * 30_000) + MARK
        ).encode(),
        "scripted.html": HOSTILE_HTML.encode(),
        "dates everywhere.txt": (
            "Press release\n\nMay may 2011 March 24/7 1/2/3 we Wed now today the Government acted.\n\n"
            f"{MARK}\n\nPublished 1 June 2011\n"
        ).encode(),
        "impossible dates.txt": (
            "Press release\n\nThe Act was passed on 31 February 2011 and reviewed on 32 March 2004, "
            f"in year 0 and in 9999.\n\n{MARK}\n\nPublished 1 June 2011\n"
        ).encode(),
        "Résumé du rapport – 2011 ü.txt": GOOD.encode(),
        "no date.txt": f"A charity urged ministers to act on forced labour.\n\n{MARK}\n".encode(),
    }
    for name, data in files.items():
        (raw / name).write_bytes(data)
    with (raw / "fifty megabytes.txt").open("wb") as handle:
        handle.seek(50 * 1024 * 1024 - 1)
        handle.write(b"\n")
    outside.write_text(GOOD)
    (raw / "link outside.txt").symlink_to(outside)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile corpus built once: (report, documents, events, rejected reasons by file)."""
    root = tmp_path_factory.mktemp("hostile")
    raw = root / "raw"
    raw.mkdir()
    _write_corpus(raw, root / "outside.txt")
    report = build(raw, root / "out", workers=1)
    documents = pd.read_parquet(root / "out" / "documents.parquet").set_index("source_path")
    events = pd.read_parquet(root / "out" / "events.parquet")
    rejected = pd.read_csv(root / "out" / "rejected.csv").set_index("source_path")["reason"]
    return report, documents, events, rejected, raw


def test_every_file_gives_events_or_a_reason(hostile):
    report, documents, events, rejected, raw = hostile
    names = {p.name for p in raw.iterdir()}
    with_events = set(events["source_path"])
    assert with_events | set(rejected.index) == names
    assert not with_events & set(rejected.index)
    assert (rejected.str.len() > 20).all()
    assert report.n_rejected == len(rejected)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "empty file"),
        ("whitespace only.txt", "empty file"),
        ("picture.txt", "binary data, not text"),
        ("fifty megabytes.txt", "50.0 MB, over the 20.0 MB limit"),
        ("link outside.txt", "outside the raw folder"),
        ("no date.txt", "no date of its own"),
        ("utf-16.txt", "same text as"),
    ],
)
def test_rejection_reasons_say_what_to_do(hostile, name, reason):
    rejected = hostile[3]
    assert reason in rejected[name]


def test_undated_document_is_kept_and_never_given_a_date(hostile):
    documents = hostile[1]
    doc = documents.loc["no date.txt"]
    assert doc["doc_date_basis"] == "unknown" and pd.isna(doc["doc_date"])


@pytest.mark.parametrize(
    ("name", "encoding", "warning"),
    [
        ("invalid utf-8.txt", "windows-1252", "not valid UTF-8"),
        ("windows-1252.txt", "windows-1252", "not valid UTF-8"),
        ("Résumé du rapport – 2011 ü.txt", "utf-8", ""),
    ],
)
def test_encodings_are_recorded(hostile, name, encoding, warning):
    doc = hostile[1].loc[name]
    assert doc["encoding"] == encoding
    assert warning in doc["warnings"]


def test_utf16_file_decodes(tmp_path, reference):
    loaded = clean(GOOD.encode("utf-16"), ".txt")
    assert loaded.encoding == "utf-16" and "Home Office launched" in loaded.text


def test_one_very_long_line_is_read(hostile):
    events = hostile[2]
    assert (events["source_path"] == "one line.txt").sum() >= 30_000


def test_markup_in_html_does_not_survive_as_markup(hostile):
    documents, events = hostile[1], hostile[2]
    text = documents.loc["scripted.html"]["text"]
    for piece in ("<", "onerror", "onclick", "javascript:", "alert", "1999"):
        assert piece not in text
    assert "Border staff were trained to identify victims today." in text
    assert not events["sentence"].str.contains("<|javascript:", regex=True).any()


def test_traps_and_impossible_dates_give_no_dates(hostile):
    events = hostile[2]
    texts = set(events["date_text"])
    for trap in (
        "May may",
        "may",
        "24/7",
        "1/2/3",
        "we",
        "Wed",
        "now",
        "31 February 2011",
        "32 March 2004",
    ):
        assert trap not in texts
    assert (events["date_start"].dt.year.between(1000, 2200)).all()
    assert (events["date_start"] <= events["date_end"]).all()


# --- properties ---------------------------------------------------------------------

SUFFIXES = st.sampled_from([".txt", ".md", ".html", ".htm"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=3000), suffix=SUFFIXES)
def test_loader_never_fails_on_arbitrary_bytes(raw, suffix):
    try:
        loaded = clean(raw, suffix)
    except RejectedFile as exc:
        assert str(exc)
        return
    assert loaded.text.strip()
    assert "\r" not in loaded.text and "\x00" not in loaded.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup=st.text(max_size=2000))
def test_html_parser_never_fails(markup):
    text, removed = html_to_text(markup)
    assert isinstance(text, str) and isinstance(removed, list)


WORDS = st.sampled_from(
    [
        "The",
        "Home Office",
        "will",
        "publish",
        "in June",
        "since 2010",
        "Mr Green",
        "Act 2003",
        "May",
        "24/7",
        "\n",
        ".",
        ",",
        "Published 3 May 2012",
        "HC Deb 09 March 2004 vol 418 cc1457-9W",
        "£5m",
        "Theresa May",
        "Modern Slavery Act 2015",
        "(asked on 6th July 2022)",
        "Close",
        "•",
        "“",
        "we",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=60))
def test_any_text_gives_events_inside_the_text(parts, reference):
    text = " ".join(parts)
    try:
        loaded = clean(text.encode(), ".txt")
    except RejectedFile:
        return
    result = process_text("doc", "doc.txt", loaded, "0" * 64, reference)
    for event in result.events:
        assert loaded.text[event["char_start"] : event["char_end"]] == event["sentence"]
        assert event["date_start"] <= event["date_end"]
        if event["date_text"]:
            assert event["date_text"] in event["sentence"]
    for mention in result.mentions:
        assert loaded.text[mention["char_start"] : mention["char_end"]] == mention["text"]


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    documents=st.lists(
        st.lists(WORDS, min_size=3, max_size=30).map(" ".join), min_size=1, max_size=4
    )
)
def test_build_is_deterministic_for_any_corpus(documents, tmp_path_factory):
    root = tmp_path_factory.mktemp("determinism")
    raw = root / "raw"
    raw.mkdir()
    for i, text in enumerate(documents):
        (raw / f"doc {i}.txt").write_text(f"{text}\n\n{MARK}\n")
    build(raw, root / "one", workers=1)
    build(raw, root / "two", workers=1)
    for name in OUTPUT_FILES:
        assert (root / "one" / name).read_bytes() == (root / "two" / name).read_bytes(), name
